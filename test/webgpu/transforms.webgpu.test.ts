// The transforms on WebGPU: grad, jit(grad), jvp and vjp of every differentiable primitive family, against the same on the CPU in float32.
//
// One table of functions (elementwise, reductions, broadcasting, dot_general in every layout,
// movement and indexing, select, custom_jvp/custom_vjp, jit), each run on both backends from the
// same float32 inputs. The CPU results are the reference; WebGPU must agree within float32
// tolerance (transcendentals there are a few ulps apart, reductions sum in another order).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped } from '../../src/core/array.js';
import { customJvp, customVjp, grad, jit, jvp, lax, nn, np, random, special, vjp } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { assertClose, gpuSuite, onCpu, Tolerance } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'transforms.webgpu.test');

// ---- inputs ---------------------------------------------------------------------------------------
/** How an argument is drawn: its shape and range (`away`: |x| in [lo, hi], random sign). */
interface ArgSpec { readonly shape: readonly number[]; readonly lo?: number; readonly hi?: number; readonly away?: boolean }
const A = (...shape: number[]): ArgSpec => ({ shape });
const pos = (...shape: number[]): ArgSpec => ({ shape, lo: 0.5, hi: 2 });
const away = (...shape: number[]): ArgSpec => ({ shape, lo: 0.3, hi: 1.5, away: true });

let seed = 2024;
/** A small LCG, so failures reproduce. */
function draw(s: ArgSpec): Float32Array {
  const n = s.shape.reduce((a, b) => a * b, 1), lo = s.lo ?? -1.5, hi = s.hi ?? 1.5;
  return Float32Array.from({ length: n }, () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const u = seed / 2 ** 32;
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    const v = lo + (hi - lo) * u;
    return s.away && seed >>> 31 ? -v : v;
  });
}
const on = (data: Float32Array, shape: readonly number[], device: 'cpu' | 'webgpu'): NDArray =>
  concreteFromTyped(data.slice(), new ShapedArray(shape, 'float32'), device);

// ---- the table ----------------------------------------------------------------------------------------
type Fn = (...xs: NDArray[]) => NDArray;
interface Case { readonly name: string; readonly args: readonly ArgSpec[]; readonly f: Fn; readonly vjpOnly?: boolean; readonly tol?: Tolerance }

const idx = (v: number[]): NDArray => np.array(v, { dtype: 'int32' });
const dn = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []) => ({ contracting: [lc, rc] as const, batch: [lb, rb] as const });
const softplus = () => customJvp((x: NDArray) => np.log1p(np.exp(x))).defJvp(([x], [t]) => {
  const p = x as NDArray;
  return [np.log1p(np.exp(p)), (t as NDArray).mul(np.exp(p).div(np.exp(p).add(1)))];
});
const cube = () => customVjp((x: NDArray) => x.mul(x).mul(x)).defVjp(
  (x: NDArray) => [x.mul(x).mul(x), x] as [NDArray, NDArray],
  (x: NDArray, ct: NDArray) => [ct.mul(x.mul(x).mul(3))],
);

const CASES: Case[] = [
  // elementwise
  { name: 'sin·exp + cos', args: [A(3, 4), A(3, 4)], f: (x, y) => np.sin(x).mul(np.exp(y)).add(np.cos(y)) },
  { name: 'tanh, log1p, expm1', args: [A(3, 4)], f: (x) => np.tanh(x).add(np.log1p(x.mul(x))).sub(np.expm1(x.mul(0.5))) },
  { name: 'log / sqrt', args: [pos(3, 4), pos(3, 4)], f: (x, y) => np.log(x).div(np.sqrt(y)) },
  { name: 'pow', args: [pos(5), A(5)], f: (x, y) => np.power(x, y) },
  { name: 'atan2, max, min', args: [away(2, 5), away(2, 5)], f: (x, y) => lax.atan2(x, y).add(np.maximum(x, y).mul(np.minimum(x, y))) },
  { name: 'abs, sign, neg, sub', args: [away(6)], f: (x) => np.abs(x).mul(np.sign(x)).sub(x.neg().mul(x)) },
  { name: 'rem and floor in a product', args: [{ shape: [6], lo: 1.1, hi: 1.4 }], f: (x) => x.mul(np.floor(x.mul(3))).add(lax.rem(x, lax.fullLike(x, 0.5))) },
  { name: 'comparisons, and/or/not in a select', args: [A(3, 4), A(3, 4)], f: (x, y) => np.where(np.logicalOr(np.logicalAnd(x.gt(0), y.lt(0.5)), lax.not(x.ge(y))), x.mul(y), np.sin(y)) },
  // reductions
  { name: 'sum over an axis', args: [A(4, 5)], f: (x) => x.mul(x).sum({ axis: 1 }) },
  { name: 'max over axis 0, min over axis 1', args: [A(4, 5)], f: (x) => x.max({ axis: 0 }).add(x.min({ axis: 1 }).sum()) },
  { name: 'prod', args: [away(3, 4)], f: (x) => x.prod({ axis: 1 }) },
  { name: 'mean and a long sum', args: [A(2, 700)], f: (x) => x.mean({ axis: 1 }).mul(x.sin().sum({ axis: 1 })) },
  { name: 'softmax', args: [A(3, 6)], f: (x) => { const e = np.exp(x.sub(x.max({ axis: -1, keepdims: true }))); return e.div(e.sum({ axis: -1, keepdims: true })); } },
  { name: 'argmax picks, gather reads', args: [A(5)], f: (x) => lax.gather(x, x.argmax({ axis: 0 }), 0).mul(x.sum()) },
  // broadcasting and movement
  { name: 'row and scalar broadcasts', args: [A(3, 4), A(4), A()], f: (x, b, s) => x.add(b).mul(s).tanh() },
  { name: 'broadcast_in_dim of a grown axis', args: [A(3, 1)], f: (x) => lax.broadcastInDim(x, [3, 4], [0, 1]).mul(lax.broadcastInDim(x, [3, 4], [0, 1])) },
  { name: 'transpose and reshape', args: [A(2, 3, 4)], f: (x) => lax.transpose(x, [2, 0, 1]).mul(x.reshape([4, 2, 3])).sin() },
  // dot_general
  { name: 'matmul', args: [A(3, 4), A(4, 2)], f: (a, b) => a.matmul(b) },
  { name: 'aᵀ·b', args: [A(4, 3), A(4, 2)], f: (a, b) => lax.dotGeneral(a, b, dn([0], [0])) },
  { name: 'a·bᵀ', args: [A(3, 4), A(2, 4)], f: (a, b) => lax.dotGeneral(a, b, dn([1], [1])) },
  { name: 'batched, batch axis last on the rhs', args: [A(2, 3, 4), A(4, 5, 2)], f: (a, b) => lax.dotGeneral(a, b, dn([2], [0], [0], [2])) },
  { name: 'two contracting axes in swapped order', args: [A(2, 3, 4), A(4, 3, 5)], f: (a, b) => lax.dotGeneral(a, b, dn([1, 2], [1, 0])) },
  { name: 'matrix · vector, dense layer', args: [A(6, 5), A(5), A(5, 3), A(3)], f: (m, v, w, b) => np.maximum(m.matmul(w).add(b), 0).sum({ axis: 1 }).add(m.matmul(v)) },
  // indexing
  { name: 'strided slice', args: [A(5, 7)], f: (x) => { const s = lax.slice(x, [0, 1], [5, 7], [2, 3]); return s.mul(s); } },
  { name: 'pad with interior and negative edges', args: [A(3, 4), A()], f: (x, v) => np.sin(lax.pad(x, v, [[1, 2, 0], [-1, 1, 1]])) },
  { name: 'concatenate', args: [A(2, 3), A(4, 3)], f: (a, b) => np.sin(lax.concatenate([a, b, a], 0)) },
  { name: 'rev', args: [A(3, 4)], f: (x) => lax.rev(x, [0, 1]).mul(x) },
  { name: 'gather along axis 1', args: [A(2, 4)], f: (x) => { const g = lax.gather(x, idx([2, 2, 0]), 1); return g.mul(g); } },
  { name: 'scatter_add with repeated indices', args: [A(4, 3), A(3, 3)], f: (x, u) => np.sin(lax.scatterAdd(x, idx([1, 1, 3]), u.mul(u), 0)) },
  { name: 'x.at[3].add(v), x.at[1:].set(w)', args: [A(5, 2), A(2), A(4, 2)], f: (x, v, w) => x.at(3).add(v).at('1:').mul(w).exp() },
  // select, random bits, custom rules, jit
  { name: 'select', args: [A(3, 4), A(3, 4), A(3, 4)], f: (p, a, b) => lax.select(p.gt(0), a.mul(b), np.sin(b)) },
  { name: 'threefry mask, iota, convert', args: [A(8)], f: (x) => x.mul(random.bernoulli(random.key(3), 0.5, [8]).astype('float32')).add(x.mul(lax.iota('int32', [8], 0).astype('float32'))) },
  { name: 'custom_jvp (softplus)', args: [A(3, 4)], f: (x) => softplus()(x) },
  { name: 'custom_vjp (cube) inside a larger function', args: [A(3, 4)], f: (x) => np.sin(cube()(x.mul(x))), vjpOnly: true },
  { name: 'jit inside', args: [A(3, 4), A(3, 4)], f: (x, y) => jit((a: NDArray, b: NDArray) => np.sin(a).mul(np.exp(b)))(x, y).add(x) },
  // the derived API: nn, special functions, cumulative scans, einsum, pad modes
  { name: 'nn.gelu (exact: erfc), silu, logsumexp', args: [A(3, 4)], f: (x) => nn.gelu(x, false).add(nn.silu(x)).sum({ axis: 1 }).add(nn.logsumexp(x, { axis: 1 })) },
  { name: 'special.erf, gammaln, digamma', args: [pos(2, 3)], f: (x) => special.erf(x).add(special.gammaln(x)).mul(special.digamma(x.add(1))) },
  { name: 'np.cumsum, cummax along an axis', args: [A(3, 7)], f: (x) => np.cumsum(x, 1).mul(np.cummax(x, 1)) },
  { name: 'np.einsum of three operands', args: [A(2, 3), A(3, 4), A(4, 2)], f: (a, b, c) => np.einsum('ij,jk,kl->il', a, b, c) },
  { name: 'np.pad reflect, nn.dotProductAttention causal', args: [A(1, 3, 2, 4), A(1, 3, 2, 4)], f: (q, k) => nn.dotProductAttention(q, k, np.pad(k, [[0, 0], [0, 0], [0, 0], [1, 1]], { mode: 'reflect' }).get(':', ':', ':', '1:5'), { isCausal: true }) },
];

// ---- both backends ------------------------------------------------------------------------------------------
const TOL: Tolerance = { rtol: 2e-4, atol: 2e-5 };
/** Results of every transform of `c.f` at the given inputs, on the default backend. */
function transformsOf(c: Case, xs: NDArray[], weight: NDArray, tangents: NDArray[]): Record<string, NDArray[]> {
  const argnums = xs.map((_, i) => i + 1);
  const loss = (w: NDArray, ...ys: NDArray[]) => c.f(...ys).mul(w).sum();
  const g = grad(loss, { argnums }) as unknown as (w: NDArray, ...ys: NDArray[]) => NDArray[];
  const out: Record<string, NDArray[]> = {
    grad: g(weight, ...xs),
    'jit(grad)': jit(g)(weight, ...xs),
  };
  const [y, pull] = vjp(c.f, ...xs);
  out['vjp'] = [y, ...(pull(weight) as NDArray[])];
  if (!c.vjpOnly) {
    const [p, t] = jvp(c.f, xs, tangents);
    out['jvp'] = [p as NDArray, t as NDArray];
    out['jit(jvp)'] = jit((...zs: NDArray[]) => jvp(c.f, zs.slice(0, xs.length), zs.slice(xs.length))[1] as NDArray)(...xs, ...tangents) as unknown as NDArray[];
  }
  return out;
}

for (const c of CASES) {
  gpuTest(`${c.name}: grad, jit(grad), vjp${c.vjpOnly ? '' : ', jvp, jit(jvp)'} on webgpu = cpu`, async () => {
    const data = c.args.map(draw), tdata = c.args.map(draw);
    const outShape = onCpu(() => c.f(...data.map((d, i) => on(d, c.args[i]!.shape, 'cpu')))).shape;
    const wdata = draw(A(...outShape));
    const run = (device: 'cpu' | 'webgpu') => transformsOf(c,
      data.map((d, i) => on(d, c.args[i]!.shape, device)), on(wdata, outShape, device), tdata.map((d, i) => on(d, c.args[i]!.shape, device)));
    const want = onCpu(() => run('cpu'));
    const got = run('webgpu');
    for (const [k, ws] of Object.entries(want)) {
      const gs = Array.isArray(got[k]) ? got[k]! : [got[k] as unknown as NDArray];
      const wl = Array.isArray(ws) ? ws : [ws as unknown as NDArray];
      assert.is(gs.length, wl.length, `${k}: number of results`);
      for (const [j, w] of wl.entries()) await assertClose(gs[j]!, w, c.tol ?? TOL, `${k} result ${j}`);
    }
  });
}

gpuTest('jit(grad(f)) on webgpu is one compiled WGSL program, not equation by equation', async () => {
  const f = (x: NDArray) => np.tanh(x).mul(x).sum();
  const data = draw(A(4, 4));
  const x = on(data, [4, 4], 'webgpu');
  const df = grad(f) as (x: NDArray) => NDArray;
  const text = jit(df).lower(x).compiledText();
  assert.match(text, /^\/\/ cotangent jit → WGSL: .* one command encoder, one submit/);
  assert.is((text.match(/@compute/g) ?? []).length, 1, text);
  await assertClose(jit(df)(x), onCpu(() => df(on(data, [4, 4], 'cpu'))), TOL, 'gradient');
});

gpuTest("random.gamma's implicit gradient in a (the series over lgamma/digamma in f32) equals the CPU's, eager and jit", async () => {
  const a = [0.3, 1, 4, 30, 200];
  const df = (v: NDArray) => grad((w: NDArray) => np.sum(random.gamma(random.key(3), w, [2, 5])))(v);
  const cpu = onCpu(() => df(np.array(a)));
  const tol: Tolerance = { rtol: 1e-3, atol: 1e-4 };
  await assertClose(df(np.array(a)), cpu, tol, 'eager');
  await assertClose(jit(df)(np.array(a)), cpu, tol, 'jit');
});

test.run();
