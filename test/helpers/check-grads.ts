// Numerical derivative checks in float64 on the CPU: central differences for JVP, and the
// identity ⟨v, J u⟩ = ⟨Jᵀ v, u⟩ for VJP; order 2 repeats both on the JVP function itself.
import * as assert from 'uvu/assert';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped, NDArray } from '../../src/core/array.js';
import * as lax from '../../src/core/lax.js';
import { jvp, vjp } from '../../src/index.js';

/** A small deterministic generator so failures reproduce. */
export class Rng {
  private s: number;
  constructor(seed = 1) { this.s = seed >>> 0 || 1; }
  next(): number {
    // xorshift32
    let x = this.s;
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    this.s = x;
    return x / 4294967296;
  }
  uniform(lo: number, hi: number): number { return lo + (hi - lo) * this.next(); }
  array(shape: readonly number[], lo = -1, hi = 1, dtype: 'float64' | 'float32' = 'float64'): NDArray {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
    for (let i = 0; i < n; i++) data[i] = this.uniform(lo, hi);
    return concreteFromTyped(data, new ShapedArray(shape, dtype));
  }
  /** Values with |x| in [lo, hi] and a random sign: away from the kink at 0. */
  awayFromZero(shape: readonly number[], lo = 0.3, hi = 1.5): NDArray {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = (this.next() < 0.5 ? -1 : 1) * this.uniform(lo, hi);
    return concreteFromTyped(data, new ShapedArray(shape, 'float64'));
  }
}

const vdot = (a: NDArray, b: NDArray): number => {
  const x = a.dataSync(), y = b.dataSync();
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * y[i]!;
  return s;
};
const axpy = (a: number, x: NDArray, y: NDArray) => lax.add(lax.mul(lax.fullLike(x, a), x), y);

export type Fn = (...xs: NDArray[]) => NDArray;
export interface CheckOptions { eps?: number; rtol?: number; atol?: number; order?: 1 | 2; rng?: Rng; label?: string }

function close(actual: number[], expected: number[], rtol: number, atol: number, label: string): void {
  assert.is(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e))) {
      assert.unreachable(`${label}: element ${i}: got ${a}, expected ${e} (rtol ${rtol}, atol ${atol})`);
    }
  }
}
const values = (x: NDArray): number[] => Array.from(x.dataSync(), Number);

/** Central differences: (f(x + εu) − f(x − εu)) / 2ε ≈ J u. */
export function checkJvp(f: Fn, args: readonly NDArray[], opts: CheckOptions = {}): void {
  const { eps = 1e-5, rtol = 1e-5, atol = 1e-6, rng = new Rng(7), label = f.name || 'f' } = opts;
  const us = args.map((a) => rng.array(a.shape));
  const [, tangentOut] = jvp(f, [...args], us) as [NDArray, NDArray];
  const plus = f(...args.map((a, i) => axpy(eps, us[i]!, a)));
  const minus = f(...args.map((a, i) => axpy(-eps, us[i]!, a)));
  const numeric = lax.div(lax.sub(plus, minus), lax.fullLike(plus, 2 * eps));
  close(values(tangentOut), values(numeric), rtol, atol, `${label}: jvp vs central differences`);
}

/** ⟨v, J u⟩ from jvp equals ⟨Jᵀ v, u⟩ from vjp. */
export function checkVjp(f: Fn, args: readonly NDArray[], opts: CheckOptions = {}): void {
  const { rtol = 1e-9, atol = 1e-9, rng = new Rng(11), label = f.name || 'f' } = opts;
  const us = args.map((a) => rng.array(a.shape));
  const [out, tangentOut] = jvp(f, [...args], us) as [NDArray, NDArray];
  const v = rng.array(out.shape);
  const [, vjpFn] = vjp(f, ...args);
  const cts = vjpFn(v) as NDArray[];
  const lhs = vdot(v, tangentOut);
  const rhs = cts.reduce((s, c, i) => s + vdot(c, us[i]!), 0);
  close([rhs], [lhs], rtol, atol, `${label}: ⟨Jᵀv, u⟩ vs ⟨v, Ju⟩`);
}

/** Both checks; with order 2, also on x ↦ J(x)·u (which differentiates the JVP rule itself). */
export function checkGrads(f: Fn, args: readonly NDArray[], opts: CheckOptions = {}): void {
  const label = opts.label ?? (f.name || 'f');
  // The VJP identity holds to rounding: tight by default, the case's tolerance where it computes in float32.
  const vjpTol = { rtol: opts.rtol ?? 1e-8, atol: opts.atol ?? 1e-8 };
  checkJvp(f, args, { ...opts, label });
  checkVjp(f, args, { ...opts, label, ...vjpTol });
  if ((opts.order ?? 2) >= 2) {
    const rng = new Rng(23);
    const us = args.map((a) => rng.array(a.shape));
    const jvpOfF: Fn = (...xs) => (jvp(f, xs, us) as [NDArray, NDArray])[1];
    checkJvp(jvpOfF, args, { ...opts, label: `${label} (order 2)` });
    checkVjp(jvpOfF, args, { ...opts, label: `${label} (order 2)`, ...vjpTol });
  }
}
