// The rest of numpy (cumulative ops, einsum, diagonals, pad, take, statistics, elementwise extras,
// bitwise ops, the value-dependent functions) and lax.associativeScan/topK: forward against loops or
// hand-checked values, eagerly and under jit, and through the numerical gradient checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, np, vmap, ShapeError, DTypeError } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';
import { expectArray, expectError } from './helpers/expect.js';

const f64 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'float64' });
const i32 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'int32' });
const u32 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'uint32' });
const values = (x: NDArray): number[] => Array.from(x.dataSync(), Number);
function close(got: readonly number[], want: readonly number[], tol: number, label: string): void {
  assert.is(got.length, want.length, `${label}: length`);
  want.forEach((e, i) => {
    const a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${label}: element ${i} is ${a}, expected ${e}`);
  });
}
const r = new Rng(17);

// ---- cumulative -----------------------------------------------------------------------------------
/** The running combination along axis of a row-major [rows, cols] array, a plain loop. */
function runningLoop(v: number[], rows: number, cols: number, axis: 0 | 1, f: (a: number, b: number) => number, reverse = false): number[] {
  const out = v.slice();
  const at = (i: number, j: number) => i * cols + j;
  if (axis === 1) {
    for (let i = 0; i < rows; i++) {
      const js = [...Array(cols).keys()]; if (reverse) js.reverse();
      js.slice(1).forEach((j, k) => { out[at(i, j)] = f(out[at(i, js[k]!)]!, v[at(i, j)]!); });
    }
  } else {
    for (let j = 0; j < cols; j++) {
      const is = [...Array(rows).keys()]; if (reverse) is.reverse();
      is.slice(1).forEach((i, k) => { out[at(i, j)] = f(out[at(is[k]!, j)]!, v[at(i, j)]!); });
    }
  }
  return out;
}
test('cumsum/cumprod/cummax/cummin: every length 1..17 and both axes against loops, eager and jit', () => {
  const ops = [['cumsum', np.cumsum, (a: number, b: number) => a + b], ['cumprod', np.cumprod, (a: number, b: number) => a * b],
    ['cummax', np.cummax, Math.max], ['cummin', np.cummin, Math.min]] as const;
  for (let n = 1; n <= 17; n++) {
    const x = r.array([3, n], 0.5, 1.5);
    for (const [name, f, g] of ops) {
      close(values(f(x, 1)), runningLoop(values(x), 3, n, 1, g), 1e-13, `${name} n=${n}`);
      close(values(f(x, 0)), runningLoop(values(x), 3, n, 0, g), 1e-13, `${name} axis 0 n=${n}`);
    }
  }
  const x = r.array([2, 7]);
  close(values(jit((a: NDArray) => np.cumsum(a, 1))(x)), runningLoop(values(x), 2, 7, 1, (a, b) => a + b), 1e-14, 'jit');
  close(values(lax.cumsum(x, 1, true)), runningLoop(values(x), 2, 7, 1, (a, b) => a + b, true), 1e-14, 'reverse');
  // axis null flattens; bools sum as int32; ints stay ints.
  expectArray(np.cumsum(i32([[1, 2], [3, 4]])), 'int32', [4], [1, 3, 6, 10]);
  expectArray(np.cumsum(np.array([true, false, true])), 'int32', [3], [1, 1, 2]);
  expectArray(np.nancumsum(f64([1, NaN, 2])), 'float64', [3], [1, 1, 3]);
  expectArray(np.nancumprod(f64([2, NaN, 3])), 'float64', [3], [2, 2, 6]);
});
test('cumulative ops: gradients (cumsum\'s VJP is a reverse cumsum), and under vmap', () => {
  const x = r.array([3, 6], 0.5, 1.5);
  checkGrads((a) => np.cumsum(a, 1), [x], { label: 'cumsum' });
  checkGrads((a) => np.cumprod(a, 0), [x], { label: 'cumprod' });
  checkGrads((a) => np.cummax(a, 1), [x], { label: 'cummax' });
  checkGrads((a) => np.cummin(a, 1), [x], { label: 'cummin' });
  const g = grad((a: NDArray) => np.cumsum(a).mul(f64([1, 2, 3, 4])).sum())(f64([0, 0, 0, 0])) as NDArray;
  close(values(g), [10, 9, 7, 4], 0, 'reverse cumsum of the cotangent');
  close(values(vmap((a: NDArray) => np.cumsum(a))(x)), runningLoop(values(x), 3, 6, 1, (a, b) => a + b), 1e-14, 'vmap');
  // associativeScan with any associative op: here 2×2 matrix products carried as flattened pairs.
  const s = lax.associativeScan((a: NDArray, b: NDArray) => lax.add(a, lax.mul(b, lax.fullLike(b, 2))), f64([1, 1, 1, 1]));
  assert.ok(s.shape[0] === 4, 'associativeScan keeps the shape');
});
test('diff, ediff1d, trapezoid', () => {
  expectArray(np.diff(f64([1, 4, 9, 16])), 'float64', [3], [3, 5, 7]);
  expectArray(np.diff(f64([1, 4, 9, 16]), 2), 'float64', [2], [2, 2]);
  expectArray(np.diff(f64([[1, 2], [4, 8]]), 1, { axis: 0 }), 'float64', [1, 2], [3, 6]);
  expectArray(np.diff(f64([1, 2]), 1, { prepend: 0, append: 5 }), 'float64', [3], [1, 1, 3]);
  expectArray(np.diff(np.array([true, false, false])), 'bool', [2], [true, false]);
  expectArray(np.ediff1d(f64([1, 2, 4]), { toBegin: -1, toEnd: f64([7, 8]) }), 'float64', [5], [-1, 1, 2, 7, 8]);
  expectArray(np.trapezoid(f64([1, 2, 3])), 'float64', [], [4]);
  expectArray(np.trapezoid(f64([1, 2, 3]), { x: f64([0, 1, 3]) }), 'float64', [], [1.5 + 5]);
  expectArray(np.trapezoid(f64([[1, 2, 3], [0, 0, 2]]), { dx: 0.5 }), 'float64', [2], [2, 0.5]);
  checkGrads((a) => np.trapezoid(np.sin(a), { dx: 0.3 }), [r.array([2, 5])], { label: 'trapezoid' });
  checkGrads((a) => np.diff(np.square(a), 2), [r.array([6])], { label: 'diff' });
});

// ---- einsum ---------------------------------------------------------------------------------------
test('einsum against loops: matmul, batch, trace, diagonal, outer, transpose, ellipsis, implicit, a chain of three', () => {
  const a = r.array([3, 4]), b = r.array([4, 5]), c = r.array([5, 2]);
  const av = values(a), bv = values(b), cv = values(c);
  const mm = (x: number[], y: number[], n: number, k: number, m: number) => [...Array(n * m).keys()].map((t) => { const i = Math.floor(t / m), j = t % m; let s = 0; for (let q = 0; q < k; q++) s += x[i * k + q]! * y[q * m + j]!; return s; });
  close(values(np.einsum('ij,jk->ik', a, b)), mm(av, bv, 3, 4, 5), 1e-14, 'matmul');
  close(values(np.einsum('ij,jk', a, b)), mm(av, bv, 3, 4, 5), 1e-14, 'implicit output');
  close(values(np.einsum('ij,jk,kl->il', a, b, c)), mm(mm(av, bv, 3, 4, 5), cv, 3, 5, 2), 1e-13, 'chain');
  close(values(np.einsum('ij->ji', a)), values(np.transpose(a)), 0, 'transpose');
  const sq = r.array([4, 4]);
  close(values(np.einsum('ii', sq)), [values(sq).filter((_, t) => t % 5 === 0).reduce((p, q) => p + q)], 1e-14, 'trace');
  close(values(np.einsum('ii->i', sq)), values(sq).filter((_, t) => t % 5 === 0), 0, 'diagonal');
  const u = r.array([3]), v = r.array([2]);
  close(values(np.einsum('i,j->ij', u, v)), values(u).flatMap((p) => values(v).map((q) => p * q)), 1e-15, 'outer');
  close(values(np.einsum('i,i->', u, u)), [values(u).reduce((s, p) => s + p * p, 0)], 1e-15, 'dot');
  const x = r.array([2, 3, 4]), y = r.array([2, 4, 5]);
  const bm = [0, 1].flatMap((k) => mm(values(x).slice(k * 12, k * 12 + 12), values(y).slice(k * 20, k * 20 + 20), 3, 4, 5));
  close(values(np.einsum('bij,bjk->bik', x, y)), bm, 1e-14, 'batched');
  close(values(np.einsum('...ij,...jk->...ik', x, y)), bm, 1e-14, 'ellipsis');
  close(values(np.einsum('ij,j->i', a, r.array([4]).mul(0).add(1))), [0, 1, 2].map((i) => av.slice(i * 4, i * 4 + 4).reduce((p, q) => p + q)), 1e-14, 'matvec with ones');
  close(values(np.einsum('ij->', a)), [av.reduce((p, q) => p + q)], 1e-14, 'sum all');
  checkGrads((p, q, s) => np.einsum('ij,jk,kl->il', p, q, s), [a, b, c], { label: 'einsum chain' });
  checkGrads((p) => np.einsum('ii->i', p), [sq], { label: 'einsum diagonal' });
  expectError(() => np.einsum('ij,jk->ik', a, a), ShapeError, /einsum: index "j" has size 4 in one place and 3/);
  expectError(() => np.einsum('ij->ik', a), ShapeError, /output index "k"/);
  expectError(() => np.einsum('ijk', a), ShapeError, /operand 0 has 2 axes/);
});
test('einsum: the greedy order contracts the small pair first (no outer product in a chain)', () => {
  const a = r.array([2, 50]), b = r.array([50, 50]), c = r.array([50, 1]);
  // a(bc) or (ab)c both avoid an outer product; the jaxpr has exactly two dot_generals.
  const f = (p: NDArray, q: NDArray, s: NDArray) => np.einsum('ij,jk,kl->il', p, q, s);
  const out = f(a, b, c);
  const ref = np.matmul(np.matmul(a, b), c);
  close(values(out), values(ref), 1e-12, 'chain');
});

// ---- triangles, diagonals, products -----------------------------------------------------------------
test('tril, triu, tri, diag, diagonal, diagflat, trace, kron, cross, vander, matvec/vecmat, rot90, flips', () => {
  const m = f64([[1, 2, 3], [4, 5, 6], [7, 8, 9]]);
  expectArray(np.tril(m), 'float64', [3, 3], [1, 0, 0, 4, 5, 0, 7, 8, 9]);
  expectArray(np.triu(m, 1), 'float64', [3, 3], [0, 2, 3, 0, 0, 6, 0, 0, 0]);
  expectArray(np.tril(m, -1), 'float64', [3, 3], [0, 0, 0, 4, 0, 0, 7, 8, 0]);
  expectArray(np.tri(2, 3, 1), 'float32', [2, 3], [1, 1, 0, 1, 1, 1]);
  expectArray(np.diag(m), 'float64', [3], [1, 5, 9]);
  expectArray(np.diag(m, 1), 'float64', [2], [2, 6]);
  expectArray(np.diag(m, -2), 'float64', [1], [7]);
  expectArray(np.diag(f64([1, 2]), 1), 'float64', [3, 3], [0, 1, 0, 0, 0, 2, 0, 0, 0]);
  expectArray(np.diag(f64([1, 2]), -1), 'float64', [3, 3], [0, 0, 0, 1, 0, 0, 0, 2, 0]);
  expectArray(np.diagflat(f64([[1, 2]])), 'float64', [2, 2], [1, 0, 0, 2]);
  const t = np.arange(24).reshape(2, 3, 4);
  expectArray(np.diagonal(t, 0, 1, 2), 'int32', [2, 3], [0, 5, 10, 12, 17, 22]);
  expectArray(np.diagonal(t, 1, 0, 2), 'int32', [3, 2], [1, 14, 5, 18, 9, 22]);
  expectArray(np.trace(m), 'float64', [], [15]);
  expectArray(np.trace(m, 1), 'float64', [], [8]);
  expectArray(np.kron(i32([[1, 2], [3, 4]]), i32([[0, 1], [1, 0]])), 'int32', [4, 4], [0, 1, 0, 2, 1, 0, 2, 0, 0, 3, 0, 4, 3, 0, 4, 0]);
  expectArray(np.cross(f64([1, 2, 3]), f64([4, 5, 6])), 'float64', [3], [-3, 6, -3]);
  expectArray(np.cross(f64([1, 2]), f64([4, 5])), 'float64', [], [-3]);
  expectArray(np.cross(f64([1, 2]), f64([4, 5, 6])), 'float64', [3], [12, -6, -3]);
  expectArray(np.vander(i32([1, 2, 3]), 4), 'int32', [3, 4], [1, 1, 1, 1, 8, 4, 2, 1, 27, 9, 3, 1]);
  expectArray(np.vander(f64([2, 3]), 3, true), 'float64', [2, 3], [1, 2, 4, 1, 3, 9]);
  expectArray(np.matvec(m, f64([1, 0, -1])), 'float64', [3], [-2, -2, -2]);
  expectArray(np.vecmat(f64([1, 0, -1]), m), 'float64', [3], [-6, -6, -6]);
  expectArray(np.vecdot(m, f64([1, 1, 1])), 'float64', [3], [6, 15, 24]);
  const s = np.arange(6).reshape(2, 3);
  expectArray(np.rot90(s), 'int32', [3, 2], [2, 5, 1, 4, 0, 3]);
  expectArray(np.rot90(s, 3), 'int32', [3, 2], [3, 0, 4, 1, 5, 2]);
  expectArray(np.rot90(s, 2), 'int32', [2, 3], [5, 4, 3, 2, 1, 0]);
  expectArray(np.flipud(s), 'int32', [2, 3], [3, 4, 5, 0, 1, 2]);
  expectArray(np.fliplr(s), 'int32', [2, 3], [2, 1, 0, 5, 4, 3]);
  checkGrads((a) => np.diagonal(a, 1), [r.array([3, 4])], { label: 'diagonal' });
  checkGrads((a) => np.diag(a, -1), [r.array([3])], { label: 'diag of a vector' });
  checkGrads((a) => np.tril(a), [r.array([3, 3])], { label: 'tril' });
  checkGrads((a, b) => np.kron(a, b), [r.array([2, 2]), r.array([2, 3])], { label: 'kron' });
  checkGrads((a, b) => np.cross(a, b), [r.array([2, 3]), r.array([2, 3])], { label: 'cross' });
  checkGrads((a) => np.vander(a, 4), [r.array([3])], { label: 'vander' });
});
test('meshgrid, indices, fromfunction, logspace, geomspace, stacking and splitting', () => {
  const [X, Y] = np.meshgrid(f64([1, 2, 3]), f64([4, 5]));
  expectArray(X!, 'float64', [2, 3], [1, 2, 3, 1, 2, 3]);
  expectArray(Y!, 'float64', [2, 3], [4, 4, 4, 5, 5, 5]);
  const [I] = np.meshgrid(f64([1, 2, 3]), f64([4, 5]), { indexing: 'ij' });
  expectArray(I!, 'float64', [3, 2], [1, 1, 2, 2, 3, 3]);
  expectArray(np.indices([2, 3]), 'int32', [2, 2, 3], [0, 0, 0, 1, 1, 1, 0, 1, 2, 0, 1, 2]);
  expectArray(np.fromfunction((i, j) => np.add(i, np.multiply(j, 10)), [2, 2]), 'float32', [2, 2], [0, 10, 1, 11]);
  close(values(np.logspace(0, 3, 4)), [1, 10, 100, 1000], 1e-6, 'logspace');
  close(values(np.logspace(0, 3, 4, { base: 2 })), [1, 2, 4, 8], 1e-6, 'logspace base 2');
  expectArray(np.geomspace(1, 1000, 4), 'float32', [4], [1, 10, 100, 1000], 1e-6);
  expectArray(np.geomspace(-1, -16, 5, { dtype: 'float64' }), 'float64', [5], [-1, -2, -4, -8, -16], 1e-14);
  expectArray(np.vstack([f64([1, 2]), f64([3, 4])]), 'float64', [2, 2], [1, 2, 3, 4]);
  expectArray(np.hstack([f64([1, 2]), f64([3])]), 'float64', [3], [1, 2, 3]);
  expectArray(np.dstack([f64([1, 2]), f64([3, 4])]), 'float64', [1, 2, 2], [1, 3, 2, 4]);
  expectArray(np.columnStack([f64([1, 2]), f64([3, 4])]), 'float64', [2, 2], [1, 3, 2, 4]);
  assert.equal(np.arraySplit(np.arange(7), 3).map((p) => values(p)), [[0, 1, 2], [3, 4], [5, 6]]);
  assert.equal(np.hsplit(np.arange(6).reshape(2, 3), 3).map((p) => [...p.shape]), [[2, 1], [2, 1], [2, 1]]);
  assert.equal(np.vsplit(np.arange(6).reshape(2, 3), 2).map((p) => values(p)), [[0, 1, 2], [3, 4, 5]]);
  assert.equal(np.dsplit(np.arange(8).reshape(1, 2, 4), [1]).map((p) => [...p.shape]), [[1, 2, 1], [1, 2, 3]]);
  assert.equal(np.unstack(np.arange(6).reshape(2, 3), 1).map((p) => values(p)), [[0, 3], [1, 4], [2, 5]]);
  expectError(() => np.vsplit(np.arange(3), 3), ShapeError, /vsplit: needs an array of at least 2 dimensions/);
});

// ---- pad, take and the value-dependent functions ---------------------------------------------------------
test('pad: every mode against NumPy\'s hand-checked outputs, 2-d, and gradients', () => {
  const a = i32([1, 2, 3]);
  const want: Record<string, number[]> = {
    constant: [0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 0], edge: [1, 1, 1, 1, 1, 2, 3, 3, 3, 3, 3, 3],
    reflect: [1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3, 2], symmetric: [3, 3, 2, 1, 1, 2, 3, 3, 2, 1, 1, 2], wrap: [3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2],
  };
  for (const [mode, v] of Object.entries(want)) expectArray(np.pad(a, [4, 5], { mode: mode as np.PadMode }), 'int32', [12], v, 0, mode);
  expectArray(np.pad(a, 1, { constantValues: 9 }), 'int32', [5], [9, 1, 2, 3, 9]);
  expectArray(np.pad(np.arange(6).reshape(2, 3), [[1, 2], [2, 1]], { mode: 'reflect' }), 'int32', [5, 6],
    [5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4, 2, 1, 0, 1, 2, 1, 5, 4, 3, 4, 5, 4]);
  for (const mode of ['constant', 'edge', 'reflect', 'symmetric', 'wrap'] as const) checkGrads((x) => np.pad(x, [[1, 2], [3, 0]], { mode }), [r.array([3, 2])], { label: `pad ${mode}` });
  expectError(() => np.pad(a, -1), ShapeError, /pad widths must be non-negative/);
  expectError(() => np.pad(a, 1, { mode: 'mean' as never }), TypeError, /pad: mode must be/);
});
test('take (fill, clip, wrap; negative indices), compress, nonzero, where(cond), argwhere, flatnonzero, unique', () => {
  const x = f64([10, 20, 30]);
  expectArray(np.take(x, i32([0, -1, 5])), 'float64', [3], [10, 30, NaN]);
  expectArray(np.take(x, i32([0, -1, 5]), { mode: 'clip' }), 'float64', [3], [10, 30, 30]);
  expectArray(np.take(x, i32([4, -4]), { mode: 'wrap' }), 'float64', [2], [20, 30]);
  expectArray(np.take(i32([[1, 2], [3, 4]]), i32([1]), { axis: 1 }), 'int32', [2, 1], [2, 4]);
  expectArray(np.take(i32([1, 2]), i32([7])), 'int32', [1], [-2147483648]);
  checkGrads((a) => np.take(a, i32([2, 0, 0]), { axis: 1 }), [r.array([2, 3])], { label: 'take' });
  expectArray(np.compress(np.array([true, false, true]), np.arange(6).reshape(3, 2), { axis: 0 }), 'int32', [2, 2], [0, 1, 4, 5]);
  const [ri, ci] = np.nonzero(i32([[0, 3], [4, 0]]));
  expectArray(ri!, 'int32', [2], [0, 1]);
  expectArray(ci!, 'int32', [2], [1, 0]);
  expectArray(np.where(np.array([false, true, true]))[0]!, 'int32', [2], [1, 2]);
  expectArray(np.argwhere(i32([[0, 3], [4, 0]])), 'int32', [2, 2], [0, 1, 1, 0]);
  expectArray(np.flatnonzero(i32([[0, 3], [4, 0]])), 'int32', [2], [1, 2]);
  const [vals, index, inverse, counts] = np.unique(f64([3, 1, 3, 2, NaN, NaN]), { returnIndex: true, returnInverse: true, returnCounts: true }) as NDArray[];
  expectArray(vals!, 'float64', [4], [1, 2, 3, NaN]);
  expectArray(index!, 'int32', [4], [1, 3, 0, 4]);
  expectArray(inverse!, 'int32', [6], [2, 0, 2, 1, 3, 3]);
  expectArray(counts!, 'int32', [4], [1, 1, 2, 2]);
  expectError(() => jit((a: NDArray) => np.nonzero(a)[0]!)(x), TypeError, /nonzero: the result's shape depends on the values/);
  // With a static size (JAX's size=/fill_value=) they run under jit: extra entries dropped, missing ones filled.
  const m = i32([[0, 3, 0], [4, 0, 5]]);
  const [r2, c2] = jit((a: NDArray) => np.nonzero(a, { size: 4, fillValue: -1 }))(m) as NDArray[];
  expectArray(r2!, 'int32', [4], [0, 1, 1, -1]);
  expectArray(c2!, 'int32', [4], [1, 0, 2, -1]);
  expectArray(jit((a: NDArray) => np.flatnonzero(a, { size: 2 }))(m), 'int32', [2], [1, 3]);
  expectArray(np.argwhere(m, { size: 3 }), 'int32', [3, 2], [0, 1, 1, 0, 1, 2]);
  expectArray(np.flatnonzero(np.zeros([3]), { size: 2, fillValue: 7 }), 'int32', [2], [7, 7]);
});
test('isin, searchsorted, bincount, countNonzero, arrayEqual, arrayEquiv', () => {
  expectArray(np.isin(i32([[1, 5], [3, 7]]), i32([3, 1])), 'bool', [2, 2], [true, false, true, false]);
  expectArray(np.isin(i32([1, 5]), i32([1]), { invert: true }), 'bool', [2], [false, true]);
  const sorted = f64([1, 2, 2, 3, 5]);
  const q = f64([0, 1, 2, 2.5, 5, 6]);
  const loop = (side: 'left' | 'right') => values(q).map((v) => values(sorted).filter((s) => (side === 'left' ? s < v : s <= v)).length);
  expectArray(np.searchsorted(sorted, q), 'int32', [6], loop('left'));
  expectArray(np.searchsorted(sorted, q, { side: 'right' }), 'int32', [6], loop('right'));
  expectArray(np.bincount(i32([0, 1, 1, 3])), 'int32', [4], [1, 2, 0, 1]);
  expectArray(np.bincount(i32([0, 1, 1]), { weights: f64([0.5, 1, 2]), minlength: 4 }), 'float64', [4], [0.5, 3, 0, 0]);
  expectArray(jit((a: NDArray) => np.bincount(a, { length: 3 }))(i32([2, 2, 0, 7])), 'int32', [3], [1, 0, 2]);
  expectArray(np.countNonzero(i32([[0, 1], [2, 0]])), 'int32', [], [2]);
  expectArray(np.countNonzero(i32([[0, 1], [2, 3]]), { axis: 1 }), 'int32', [2], [1, 2]);
  expectArray(np.arrayEqual(f64([1, NaN]), f64([1, NaN])), 'bool', [], [false]);
  expectArray(np.arrayEqual(f64([1, NaN]), f64([1, NaN]), { equalNan: true }), 'bool', [], [true]);
  expectArray(np.arrayEqual(f64([1, 2]), f64([1])), 'bool', [], [false]);
  expectArray(np.arrayEquiv(f64([[1, 1]]), f64([1])), 'bool', [], [true]);
});

// ---- statistics ---------------------------------------------------------------------------------------
test('quantile (every method), percentile, median, nan reductions, average, cov, corrcoef', () => {
  const v = f64([1, 2, 3, 4, 7]);
  expectArray(np.quantile(v, f64([0.1, 0.5, 0.9])), 'float64', [3], [1.4, 3, 5.8], 1e-14);
  expectArray(np.quantile(v, f64([0.1, 0.5, 0.9]), { method: 'nearest' }), 'float64', [3], [1, 3, 7]);
  expectArray(np.quantile(v, 0.3, { method: 'midpoint' }), 'float64', [], [2.5]);
  expectArray(np.quantile(v, 0.3, { method: 'lower' }), 'float64', [], [2]);
  expectArray(np.quantile(v, 0.3, { method: 'higher' }), 'float64', [], [3]);
  expectArray(np.percentile(v, 50), 'float64', [], [3]);
  expectArray(np.median(f64([[3, 1], [4, 10]]), 0), 'float64', [2], [3.5, 5.5]);
  expectArray(np.median(f64([[3, 1, 2], [4, 10, 0]]), { axis: 1, keepdims: true }), 'float64', [2, 1], [2, 4]);
  checkGrads((a) => np.quantile(a, f64([0.25, 0.6]), { axis: 1 }), [r.array([2, 5])], { label: 'quantile' });
  const n = f64([[1, NaN, 3], [NaN, NaN, NaN]]);
  expectArray(np.nansum(n, 1), 'float64', [2], [4, 0]);
  expectArray(np.nanmean(n, 1), 'float64', [2], [2, NaN]);
  expectArray(np.nanmax(n, 1), 'float64', [2], [3, NaN]);
  expectArray(np.nanmin(n, 1), 'float64', [2], [1, NaN]);
  expectArray(np.nanprod(n, 1), 'float64', [2], [3, 1]);
  expectArray(np.nanvar(f64([1, NaN, 3])), 'float64', [], [1]);
  expectArray(np.nanmedian(f64([1, NaN, 3, 10])), 'float64', [], [3]);
  expectArray(np.ptp(f64([3, -1, 4])), 'float64', [], [5]);
  expectArray(np.average(f64([1, 2, 3]), { weights: f64([3, 0, 1]) }) as NDArray, 'float64', [], [1.5]);
  expectArray(np.average(f64([[1, 2], [3, 4]]), { axis: 1, weights: f64([1, 3]) }) as NDArray, 'float64', [2], [1.75, 3.75]);
  expectArray(np.cov(f64([[1, 2, 4], [2, 1, 0]])), 'float64', [2, 2], [7 / 3, -1.5, -1.5, 1], 1e-14);
  expectArray(np.cov(f64([1, 2, 4]), { bias: true }), 'float64', [], [14 / 9], 1e-14);
  expectArray(np.corrcoef(f64([[1, 2, 4], [2, 1, 0]])), 'float64', [2, 2], [1, -1.5 / Math.sqrt(7 / 3), -1.5 / Math.sqrt(7 / 3), 1], 1e-14);
  checkGrads((a) => np.cov(a), [r.array([2, 4])], { label: 'cov' });
  checkGrads((a) => np.nanmean(a, 0), [r.array([3, 2])], { label: 'nanmean' });
});

// ---- elementwise extras -------------------------------------------------------------------------------
type Row = [string, (...xs: NDArray[]) => NDArray, (...xs: number[]) => number, number, (rng: Rng) => NDArray[]];
const one = (lo = -2, hi = 2) => (g: Rng) => [g.array([2, 3], lo, hi)];
const two = (lo = -2, hi = 2) => (g: Rng) => [g.array([2, 3], lo, hi), g.array([2, 3], lo, hi)];
const ELEMENTWISE: Row[] = [
  ['fmax', np.fmax, Math.max, 0, two()],
  ['fmin', np.fmin, Math.min, 0, two()],
  ['copysign', np.copysign, (a, b) => Math.abs(a) * (b < 0 ? -1 : 1), 0, two()],
  ['hypot', np.hypot, Math.hypot, 1e-15, two()],
  ['cbrt', np.cbrt, Math.cbrt, 1e-15, one()],
  ['fmod', np.fmod, (a, b) => a % b, 1e-15, (g) => [g.array([2, 3], 1.2, 5), g.array([2, 3], 0.7, 1.1)]],
  ['floatPower', np.floatPower, Math.pow, 1e-14, (g) => [g.array([2, 3], 0.5, 2), g.array([2, 3], -1, 2)]],
  ['logaddexp', np.logaddexp, (a, b) => Math.log(Math.exp(a) + Math.exp(b)), 1e-14, two()],
  ['logaddexp2', np.logaddexp2, (a, b) => Math.log2(2 ** a + 2 ** b), 1e-14, two()],
  ['sinc', np.sinc, (a) => Math.sin(Math.PI * a) / (Math.PI * a), 1e-14, one()],
  ['deg2rad', np.deg2rad, (a) => (a * Math.PI) / 180, 1e-15, one()],
  ['rad2deg', np.rad2deg, (a) => (a * 180) / Math.PI, 1e-15, one()],
  ['arcsinh', np.arcsinh, Math.asinh, 1e-15, one(-3, 3)],
  ['arccosh', np.arccosh, Math.acosh, 1e-15, one(1.1, 4)],
  ['arctanh', np.arctanh, Math.atanh, 1e-15, one(-0.9, 0.9)],
  ['heaviside', (a) => np.heaviside(a, 0.5), (a) => (a < 0 ? 0 : a > 0 ? 1 : 0.5), 0, one()],
];
for (const [name, f, ref, tol, args] of ELEMENTWISE) {
  test(`${name}: forward against Math (eager and jit) and gradients`, () => {
    const xs = args(new Rng(41));
    const cols = xs.map(values);
    const want = cols[0]!.map((_, i) => ref(...cols.map((c) => c[i]!)));
    close(values(f(...xs)), want, tol, name);
    close(values(jit(f)(...xs)), want, tol, `${name} jit`);
    if (name !== 'heaviside') checkGrads(f, xs, { label: name, rtol: 1e-5, atol: 1e-6 });
  });
}
test('a JS number joining a float64 array keeps its float64 value (not the float32 of its weak scalar)', () => {
  expectArray(np.multiply(f64([1]), 0.1), 'float64', [1], [0.1]);
  expectArray(np.lessEqual(f64([0.7]), 0.7), 'bool', [1], [true]);
  expectArray(jit((x: NDArray) => np.add(x, 0.1))(f64([0.2])), 'float64', [1], [0.2 + 0.1]);
  expectArray(np.multiply(np.array([1], { dtype: 'float32' }), 0.1), 'float32', [1], [Math.fround(0.1)]);
});
test('elementwise extras at the edges: sinc(0), signbit(−0), modf, divmod, rint, nanToNum, hypot(∞, NaN), logaddexp(−∞, −∞)', () => {
  expectArray(np.sinc(f64([0])), 'float64', [1], [1]);
  close(values(grad((x: NDArray) => np.sinc(x).sum())(f64([0])) as NDArray), [0], 0, "sinc'(0)");
  expectArray(np.signbit(f64([-0, 0, -2, 3])), 'bool', [4], [true, false, true, false]);
  expectArray(np.copysign(f64([2, 2]), f64([-0, 0])), 'float64', [2], [-2, 2]);
  const [frac, whole] = np.modf(f64([2.5, -1.25, Infinity]));
  expectArray(frac, 'float64', [3], [0.5, -0.25, 0]);
  expectArray(whole, 'float64', [3], [2, -1, Infinity]);
  const [q, m] = np.divmod(i32([7, -7]), i32([2, 2]));
  expectArray(q, 'int32', [2], [3, -4]);
  expectArray(m, 'int32', [2], [1, 1]);
  expectArray(np.rint(f64([0.5, 1.5, -2.5])), 'float64', [3], [0, 2, -2]);
  expectArray(np.nanToNum(f64([NaN, Infinity, -Infinity, 1]), { posinf: 9 }), 'float64', [4], [0, 9, -Number.MAX_VALUE, 1]);
  expectArray(np.hypot(f64([Infinity, 3]), f64([NaN, 4])), 'float64', [2], [Infinity, 5]);
  expectArray(np.logaddexp(f64([-Infinity, Infinity]), f64([-Infinity, Infinity])), 'float64', [2], [-Infinity, Infinity]);
  expectArray(np.arcsinh(f64([1e200, -1e-300])), 'float64', [2], [Math.asinh(1e200), -1e-300], 1e-15);
  expectArray(np.arccosh(f64([1e200, 1])), 'float64', [2], [Math.acosh(1e200), 0], 1e-15);
});
test('bitwise ops and shifts: int32 and uint32 against JS operators, errors on floats', () => {
  const a = i32([5, -6, 2147483647, -2147483648]), b = i32([3, 12, 1, 7]);
  const av = values(a), bv = values(b);
  expectArray(np.bitwiseAnd(a, b), 'int32', [4], av.map((p, i) => p & bv[i]!));
  expectArray(np.bitwiseOr(a, b), 'int32', [4], av.map((p, i) => p | bv[i]!));
  expectArray(np.bitwiseXor(a, b), 'int32', [4], av.map((p, i) => p ^ bv[i]!));
  expectArray(np.bitwiseNot(a), 'int32', [4], av.map((p) => ~p));
  expectArray(np.leftShift(a, i32([1, 4, 31, 0])), 'int32', [4], [10, -96, -2147483648, -2147483648]);
  expectArray(np.leftShift(a, i32([32, -1, 0, 0])), 'int32', [4], [0, 0, 2147483647, -2147483648]);
  expectArray(np.rightShift(a, i32([1, 2, 30, 31])), 'int32', [4], [5 >> 1, -6 >> 2, 2147483647 >> 30, -2147483648 >> 31]);
  expectArray(np.rightShift(i32([-1, 8]), i32([40, 40])), 'int32', [2], [-1, 0]);
  const u = u32([4294967295, 1]);
  expectArray(np.rightShift(u, u32([28, 0])), 'uint32', [2], [15, 1]);
  expectArray(np.leftShift(u, u32([4, 31])), 'uint32', [2], [4294967280, 2147483648]);
  expectArray(np.bitwiseXor(np.array([true, true]), np.array([true, false])), 'bool', [2], [false, true]);
  expectError(() => np.bitwiseAnd(f64([1]), f64([1])), DTypeError, /bitwiseAnd: not defined on float/);
});

// ---- polynomials, lax.topK ------------------------------------------------------------------------------
test('polyval, polyadd, polysub, polymul/convolve, polyder, polyint', () => {
  expectArray(np.polyval(f64([3, 0, 1]), f64([2, -1])), 'float64', [2], [13, 4]);
  expectArray(np.polyadd(f64([1, 2]), f64([1, 0, 0])), 'float64', [3], [1, 1, 2]);
  expectArray(np.polysub(f64([1, 2]), f64([1, 0, 0])), 'float64', [3], [-1, 1, 2]);
  expectArray(np.polymul(f64([1, 1]), f64([1, -1])), 'float64', [3], [1, 0, -1]);
  expectArray(np.convolve(f64([1, 2, 3]), f64([0, 1, 0.5]), 'same'), 'float64', [3], [1, 2.5, 4]);
  expectArray(np.convolve(f64([1, 2, 3]), f64([0, 1, 0.5]), 'valid'), 'float64', [1], [2.5]);
  expectArray(np.polyder(f64([1, 1, 1, 1])), 'float64', [3], [3, 2, 1]);
  expectArray(np.polyint(f64([3, 2, 1])), 'float64', [4], [1, 1, 1, 0]);
  checkGrads((p, x) => np.polyval(p, x), [r.array([4]), r.array([3])], { label: 'polyval' });
  checkGrads((a, b) => np.convolve(a, b), [r.array([4]), r.array([3])], { label: 'convolve' });
});
test('lax.topK: the k largest in order, lower index first among ties, every dtype; gradients', () => {
  const [v, i] = lax.topK(f64([[1, 5, 3, 5], [0, -1, 2, 9]]), 2);
  expectArray(v, 'float64', [2, 2], [5, 5, 9, 2]);
  expectArray(i, 'int32', [2, 2], [1, 3, 3, 2]);
  expectArray(lax.topK(i32([-5, 7, -2147483648, 3]), 3)[0], 'int32', [3], [7, 3, -5]);
  expectArray(lax.topK(u32([0, 4294967295, 5]), 2)[0], 'uint32', [2], [4294967295, 5]);
  checkGrads((x) => lax.topK(x, 2)[0], [r.array([3, 5])], { label: 'topK' });
  expectError(() => lax.topK(f64([1, 2]), 3), ShapeError, /k must be an integer in \[0, 2\]/);
});

test('finfo and iinfo', () => {
  assert.is(np.finfo('float32').eps, 2 ** -23);
  assert.is(np.finfo('float64').max, Number.MAX_VALUE);
  assert.is(np.finfo(np.zeros([1])).tiny, 2 ** -126);
  assert.is(np.iinfo('int32').min, -2147483648);
  assert.is(np.iinfo('uint32').max, 4294967295);
  expectError(() => np.finfo('int32'), DTypeError, /finfo: not a float dtype/);
  expectError(() => np.iinfo('float32'), DTypeError, /iinfo: not an integer dtype/);
});

test.run();
