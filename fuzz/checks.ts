// The fuzzer's checks on one program: eager = jit on the CPU (float32 and float64), CPU = WebGPU
// (eager, jit and jit(grad), float32), grad = float64 central differences (smooth programs),
// jit(grad) = grad(jit) = grad, and ⟨vjp(v), u⟩ = ⟨v, jvp(u)⟩. Each returns null or what differed.
import { np, jit, grad, jvp, vjp, setDefaultBackend } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';
import { defaultBackendName } from '../src/core/backend.js';
import { evalProgram, FloatDtype, hasReverse, isSmooth, makeInput, Program, runsOnWebgpu } from './program.js';
import { Rng } from './generate.js';

export type CheckName = 'eager=jit' | 'cpu=webgpu' | 'grad=fd' | 'jit(grad)=grad(jit)' | 'vjp·jvp';
export const CHECKS: readonly CheckName[] = ['eager=jit', 'grad=fd', 'jit(grad)=grad(jit)', 'vjp·jvp', 'cpu=webgpu'];
/** A check's verdict: passed, not applicable (and why), or the difference it found. */
export type Verdict = { readonly status: 'pass' } | { readonly status: 'skip'; readonly why: string } | { readonly status: 'fail'; readonly detail: string };
const PASS: Verdict = { status: 'pass' };
const skip = (why: string): Verdict => ({ status: 'skip', why });
const fail = (detail: string): Verdict => ({ status: 'fail', detail });

interface Tol { rtol: number; atol: number }
const isFloatDtype = (d: DType) => d === 'float32' || d === 'float64';

/** The first element where `got` and `want` differ beyond tol (scaled by want's largest magnitude), or null. */
function differ(got: ArrayLike<number>, want: ArrayLike<number>, dtype: DType, tol: Tol): string | null {
  if (got.length !== want.length) return `length ${got.length}, expected ${want.length}`;
  let scale = 1;
  for (let i = 0; i < want.length; i++) if (Number.isFinite(want[i]!)) scale = Math.max(scale, Math.abs(Number(want[i])));
  for (let i = 0; i < want.length; i++) {
    const a = Number(got[i]), e = Number(want[i]);
    const ok = !isFloatDtype(dtype) ? a === e
      : Number.isNaN(e) ? Number.isNaN(a)
        : !Number.isFinite(e) ? a === e
          : Math.abs(a - e) <= tol.atol * scale + tol.rtol * Math.abs(e);
    if (!ok) return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}
async function compareArrays(label: string, got: NDArray, want: NDArray, tol: Tol, device = 'webgpu'): Promise<string | null> {
  const on = (got as { device?: string }).device;
  if (on !== device) return `${label}: the result is on ${on}, expected ${device}`;
  if (got.dtype !== want.dtype) return `${label}: dtype ${got.dtype}, expected ${want.dtype}`;
  if (got.shape.join() !== want.shape.join()) return `${label}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
  const d = differ(await got.data(), await want.data(), want.dtype, tol);
  return d && `${label}: ${d}`;
}
const sameHost = (label: string, got: NDArray, want: NDArray, tol: Tol): string | null => {
  if (got.dtype !== want.dtype) return `${label}: dtype ${got.dtype}, expected ${want.dtype}`;
  if (got.shape.join() !== want.shape.join()) return `${label}: shape [${got.shape.join(', ')}], expected [${want.shape.join(', ')}]`;
  const d = differ(got.dataSync(), want.dataSync(), want.dtype, tol);
  return d && `${label}: ${d}`;
};

const JIT_TOL: Record<FloatDtype, Tol> = { float32: { rtol: 1e-4, atol: 1e-5 }, float64: { rtol: 1e-9, atol: 1e-11 } };
const GPU_TOL: Tol = { rtol: 2e-3, atol: 2e-4 };

const inputs = (p: Program, F: FloatDtype, device?: string) => p.inputs.map((s) => makeInput(s, F, device));
export const programFn = (p: Program, F: FloatDtype) => (...xs: NDArray[]): NDArray => evalProgram(p, xs, F);
const errorText = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/**
 * Bugs known and owned elsewhere, recognised by their symptom so the fuzzer counts them apart
 * (as skips naming the bug) instead of stopping on them. Remove a row when its fix lands.
 */
const KNOWN_BUGS: readonly [string, (e: unknown) => boolean][] = [
  // None open. (Found bug 1 of issue 10, zero-size arrays in CPU jit, was one until its fix landed.)
];
export const knownBug = (e: unknown): string | null => KNOWN_BUGS.find(([, test]) => test(e))?.[0] ?? null;

/** Runs `f`; an exception becomes a failure naming `what` (or a skip naming a known bug). */
function guarded(what: string, f: () => Verdict): Verdict {
  try {
    return f();
  } catch (e) {
    const known = knownBug(e);
    return known ? skip(known) : fail(`${what} threw ${errorText(e)}`);
  }
}

export function checkEagerJit(p: Program): Verdict {
  return guarded('eager or jit', () => {
    for (const F of ['float32', 'float64'] as const) {
      const xs = inputs(p, F), f = programFn(p, F);
      const eager = f(...xs);
      const jitted = jit(f)(...xs);
      const d = sameHost(`${F}: jit vs eager`, jitted, eager, JIT_TOL[F]);
      if (d) return fail(d);
    }
    return PASS;
  });
}

/**
 * The differentiable view of a program at F: a function of its F-dtype inputs (the others fixed),
 * and a scalar loss Σ w·f(x) with fixed random weights, when the output is a float.
 */
interface Differentiable { fn: (...xs: NDArray[]) => NDArray; loss: (...xs: NDArray[]) => NDArray; primals: NDArray[]; out: NDArray; weights: NDArray }
function differentiable(p: Program, F: FloatDtype, device?: string): Differentiable | string {
  if (!hasReverse(p)) return 'no reverse mode through lax.whileLoop';
  const all = inputs(p, F, device);
  const diffIdx = p.inputs.flatMap((s, i) => (s.dtype === 'F' ? [i] : []));
  if (!diffIdx.length) return 'no float inputs';
  const fn = (...xs: NDArray[]) => evalProgram(p, all.map((a, i) => (diffIdx.includes(i) ? xs[diffIdx.indexOf(i)]! : a)), F);
  const primals = diffIdx.map((i) => all[i]!);
  const out = fn(...primals);
  if (!isFloatDtype(out.dtype)) return `output is ${out.dtype}`;
  const rng = new Rng(out.size + 17);
  const weights = np.reshape(np.array(Array.from({ length: out.size }, () => rng.next() * 2 - 1), { dtype: out.dtype, device }), [...out.shape]);
  const loss = (...xs: NDArray[]) => np.sum(np.multiply(fn(...xs), weights));
  return { fn, loss, primals, out, weights };
}
const randomLike = (xs: readonly NDArray[], seed: number) => {
  const rng = new Rng(seed);
  return xs.map((x) => np.reshape(np.array(Array.from({ length: x.size }, () => rng.next() * 2 - 1), { dtype: x.dtype }), [...x.shape]));
};
const vdot = (a: NDArray, b: NDArray): number => {
  const x = a.dataSync(), y = b.dataSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Number(x[i]) * Number(y[i]);
  return s;
};
const gradAll = (loss: (...xs: NDArray[]) => NDArray, n: number) => grad(loss, { argnums: Array.from({ length: n }, (_, i) => i) }) as (...xs: NDArray[]) => NDArray[];

/** ⟨∇L, u⟩ against (L(x + εu) − L(x − εu)) / 2ε in float64, for programs without kinks or steps. */
export function checkGradFd(p: Program): Verdict {
  if (!isSmooth(p)) return skip('not smooth');
  return guarded('grad or its finite differences', () => {
    const d = differentiable(p, 'float64');
    if (typeof d === 'string') return skip(d);
    if (d.out.dtype !== 'float64') return skip('output is not float64');
    const L0 = d.loss(...d.primals).itemSync();
    if (!Number.isFinite(L0)) return skip('non-finite loss');
    const g = gradAll(d.loss, d.primals.length)(...d.primals);
    const us = randomLike(d.primals, 5);
    const analytic = g.reduce((s, gi, i) => s + vdot(gi, us[i]!), 0);
    const eps = 1e-6;
    const at = (t: number) => d.loss(...d.primals.map((x, i) => np.add(x, np.multiply(us[i]!, t)))).itemSync();
    const numeric = (at(eps) - at(-eps)) / (2 * eps);
    if (!Number.isFinite(numeric) || !Number.isFinite(analytic)) return Number.isFinite(numeric) === Number.isFinite(analytic) ? skip('non-finite derivative') : fail(`⟨grad, u⟩ = ${analytic}, finite differences ${numeric}`);
    const scale = 1 + np.sum(np.abs(np.multiply(d.out, d.weights))).itemSync();
    if (Math.abs(analytic - numeric) > 1e-4 * (Math.abs(analytic) + Math.abs(numeric)) + 1e-7 * scale) {
      return fail(`⟨grad, u⟩ = ${analytic}, central differences (ε = ${eps}) give ${numeric}`);
    }
    return PASS;
  });
}

/** grad(L), jit(grad(L)) and grad(jit(L)) agree (float64). */
export function checkJitGrad(p: Program): Verdict {
  return guarded('grad, jit(grad) or grad(jit)', () => {
    const d = differentiable(p, 'float64');
    if (typeof d === 'string') return skip(d);
    const n = d.primals.length;
    const g0 = gradAll(d.loss, n)(...d.primals);
    const g1 = jit(gradAll(d.loss, n))(...d.primals);
    const g2 = gradAll(jit(d.loss), n)(...d.primals);
    const tol = d.out.dtype === 'float64' ? { rtol: 1e-8, atol: 1e-10 } : JIT_TOL.float32;
    for (let i = 0; i < n; i++) {
      const a = sameHost(`jit(grad) vs grad, argument ${i}`, g1[i]!, g0[i]!, tol) ?? sameHost(`grad(jit) vs grad, argument ${i}`, g2[i]!, g0[i]!, tol);
      if (a) return fail(a);
    }
    return PASS;
  });
}

/** ⟨v, J u⟩ from jvp equals ⟨Jᵀ v, u⟩ from vjp (float64). */
export function checkVjpJvp(p: Program): Verdict {
  return guarded('jvp or vjp', () => {
    const d = differentiable(p, 'float64');
    if (typeof d === 'string') return skip(d);
    const us = randomLike(d.primals, 9);
    const [out, tangent] = jvp(d.fn, d.primals, us) as [NDArray, NDArray];
    const v = randomLike([out], 13)[0]!;
    const [, pullback] = vjp(d.fn, ...d.primals);
    const cts = pullback(v) as NDArray[];
    // A NaN or infinite output may rightly carry NaN tangents; a finite one may not.
    if (!out.dataSync().every((x) => Number.isFinite(Number(x)))) return skip('non-finite output');
    const lhs = vdot(v, tangent), rhs = cts.reduce((s, c, i) => s + vdot(c, us[i]!), 0);
    const tol = out.dtype === 'float64' ? 1e-8 : 1e-4;
    const scale = 1 + vdot(np.abs(v), np.abs(tangent));
    if (!(Math.abs(lhs - rhs) <= tol * (Math.abs(lhs) + Math.abs(rhs)) + tol * 1e-2 * scale)) return fail(`⟨v, J u⟩ = ${lhs} but ⟨Jᵀ v, u⟩ = ${rhs}`);
    return PASS;
  });
}

/** The float32 program on WebGPU (eager, jit, jit(grad)) against the CPU's eager results. */
export async function checkWebgpu(p: Program): Promise<Verdict> {
  if (!runsOnWebgpu(p)) return skip('lax.whileLoop: WebGPU cannot read its predicate back each iteration');
  const before = defaultBackendName();
  try {
    setDefaultBackend('cpu');
    const ref = programFn(p, 'float32')(...inputs(p, 'float32', 'cpu'));
    const refD = differentiable(p, 'float32', 'cpu');
    setDefaultBackend('webgpu');
    const xs = inputs(p, 'float32', 'webgpu');
    const f = programFn(p, 'float32');
    const e = await compareArrays('webgpu eager vs cpu', f(...xs), ref, GPU_TOL) ?? await compareArrays('webgpu jit vs cpu', jit(f)(...xs), ref, GPU_TOL);
    if (e) return fail(e);
    if (typeof refD !== 'string') {
      const gd = differentiable(p, 'float32', 'webgpu');
      if (typeof gd === 'string') return fail(`webgpu: ${gd}, but not on the cpu`);
      const n = refD.primals.length;
      const want = gradAll(refD.loss, n)(...refD.primals);
      const got = jit(gradAll(gd.loss, n))(...gd.primals);
      for (let i = 0; i < n; i++) {
        const g = await compareArrays(`webgpu jit(grad) vs cpu grad, argument ${i}`, got[i]!, want[i]!, GPU_TOL);
        if (g) return fail(g);
      }
    }
    return PASS;
  } catch (e) {
    return fail(`threw ${errorText(e)}`);
  } finally {
    setDefaultBackend(before);
  }
}

export type SyncCheck = (p: Program) => Verdict;
export const SYNC_CHECKS: Record<Exclude<CheckName, 'cpu=webgpu'>, SyncCheck> = {
  'eager=jit': checkEagerJit, 'grad=fd': checkGradFd, 'jit(grad)=grad(jit)': checkJitGrad, 'vjp·jvp': checkVjpJvp,
};
