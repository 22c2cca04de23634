// np.linalg and lax.linalg against float64 references: every decomposition reconstructs its input
// (L·Lᵀ = A, P·L·U = A, Q·R = A, A·V = V·diag(w), U·S·Vᵀ = A) from tables of shapes and dtypes,
// batched; the derived functions (solve, inv, det, slogdet, lstsq, pinv, matrixPower, matrixRank,
// norm, cond) against host float64 computations; numerical gradients; jit = eager; vmap = a loop;
// bad input names the public function.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, makeJaxpr, np, vmap } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';

type Mat = number[][];
type DT = 'float32' | 'float64';
const TOL: Record<DT, number> = { float32: 2e-4, float64: 1e-10 };

// ---- host float64 helpers ------------------------------------------------------------------------------
const matsOf = (x: NDArray): Mat[] => {
  const d = Array.from(x.dataSync(), Number), [m, n] = x.shape.slice(-2) as [number, number];
  const count = d.length / (m * n || 1);
  return Array.from({ length: x.size === 0 ? 0 : count }, (_, b) => Array.from({ length: m }, (_, i) => d.slice(b * m * n + i * n, b * m * n + (i + 1) * n)));
};
const vecsOf = (x: NDArray): number[][] => {
  const d = Array.from(x.dataSync(), Number), k = x.shape[x.ndim - 1]!;
  return Array.from({ length: k ? d.length / k : 0 }, (_, b) => d.slice(b * k, (b + 1) * k));
};
const mul = (a: Mat, b: Mat): Mat => a.map((row) => b[0]!.map((_, j) => row.reduce((s, v, k) => s + v * b[k]![j]!, 0)));
const tr = (a: Mat): Mat => (a[0] ?? []).map((_, j) => a.map((r) => r[j]!));
const eyeM = (n: number): Mat => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
const scale = (a: Mat) => Math.max(1, ...a.flat().map(Math.abs));
function assertMat(got: Mat, want: Mat, tol: number, what: string): void {
  const s = scale(want);
  got.forEach((row, i) => row.forEach((v, j) => {
    if (!(Math.abs(v - want[i]![j]!) <= tol * s)) assert.unreachable(`${what}: [${i}][${j}] = ${v}, expected ${want[i]![j]} (tol ${tol}·${s})`);
  }));
  assert.is(got.length, want.length, `${what}: rows`);
}
const random = (rng: Rng, shape: number[], dtype: DT, lo = -1, hi = 1): NDArray => np.array(rng.array(shape, lo, hi), { dtype });
/** Symmetric positive definite: x·xᵀ + n·I. */
function spd(rng: Rng, batch: number[], n: number, dtype: DT): NDArray {
  const x = rng.array([...batch, n, n]);
  return np.array(np.add(np.matmul(x, np.swapaxes(x, -1, -2)), np.multiply(np.eye(n, undefined, { dtype: 'float64' }), n)), { dtype });
}
const hostDet = (a: Mat): number => {
  const m = a.map((r) => [...r]), n = m.length;
  let d = 1;
  for (let j = 0; j < n; j++) {
    let p = j;
    for (let i = j + 1; i < n; i++) if (Math.abs(m[i]![j]!) > Math.abs(m[p]![j]!)) p = i;
    if (m[p]![j] === 0) return 0;
    if (p !== j) { [m[p], m[j]] = [m[j]!, m[p]!]; d = -d; }
    d *= m[j]![j]!;
    for (let i = j + 1; i < n; i++) { const f = m[i]![j]! / m[j]![j]!; for (let c = j; c < n; c++) m[i]![c]! -= f * m[j]![c]!; }
  }
  return d;
};

const DTYPES: DT[] = ['float32', 'float64'];
const BATCHES: number[][] = [[], [3], [2, 2]];

// ---- reconstruction tables -------------------------------------------------------------------------------------
for (const dtype of DTYPES) {
  for (const batch of BATCHES) {
    for (const n of [1, 4, 7]) {
      test(`cholesky ${dtype} [${batch}] ${n}×${n}: L·Lᵀ = A, L lower`, () => {
        const a = spd(new Rng(n + batch.length), batch, n, dtype);
        const L = np.linalg.cholesky(a);
        assert.is(L.dtype, dtype);
        assert.equal(L.shape, a.shape);
        const as = matsOf(a);
        matsOf(L).forEach((l, b) => {
          l.forEach((row, i) => row.forEach((v, j) => { if (j > i) assert.is(v, 0, 'upper part is zero'); }));
          assertMat(mul(l, tr(l)), as[b]!, TOL[dtype], 'L·Lᵀ');
        });
        const U = np.linalg.cholesky(a, { upper: true });
        matsOf(U).forEach((u, b) => assertMat(mul(tr(u), u), as[b]!, TOL[dtype], 'Uᵀ·U'));
      });
    }
    for (const [m, n] of [[3, 3], [5, 3], [3, 5], [1, 4]] as const) {
      test(`lu ${dtype} [${batch}] ${m}×${n}: P·L·U = A`, () => {
        const a = random(new Rng(m * 7 + n), [...batch, m, n], dtype);
        const [lu, pivots, perm] = lax.linalg.lu(a);
        assert.is(pivots.dtype, 'int32'); assert.is(perm.dtype, 'int32');
        const k = Math.min(m, n), as = matsOf(a), perms = vecsOf(perm);
        matsOf(lu).forEach((f, b) => {
          const L = Array.from({ length: m }, (_, i) => Array.from({ length: k }, (_, j) => (i === j ? 1 : i > j ? f[i]![j]! : 0)));
          const U = Array.from({ length: k }, (_, i) => Array.from({ length: n }, (_, j) => (j >= i ? f[i]![j]! : 0)));
          L.forEach((row) => row.forEach((v) => assert.ok(Math.abs(v) <= 1 + 1e-6, 'partial pivoting bounds |L| by 1')));
          const permuted = perms[b]!.map((r) => as[b]![r]!);
          assertMat(mul(L, U), permuted, TOL[dtype], 'L·U = A[perm]');
        });
      });
      for (const mode of ['reduced', 'complete'] as const) {
        test(`qr ${mode} ${dtype} [${batch}] ${m}×${n}: Q·R = A, QᵀQ = I, R upper`, () => {
          const a = random(new Rng(m * 5 + n), [...batch, m, n], dtype);
          const [q, r] = np.linalg.qr(a, mode);
          const k = mode === 'complete' ? m : Math.min(m, n);
          assert.equal(q.shape, [...batch, m, k]); assert.equal(r.shape, [...batch, k, n]);
          const as = matsOf(a), rs = matsOf(r);
          matsOf(q).forEach((qm, b) => {
            assertMat(mul(qm, rs[b]!), as[b]!, TOL[dtype], 'Q·R');
            assertMat(mul(tr(qm), qm), eyeM(k), TOL[dtype], 'QᵀQ');
            rs[b]!.forEach((row, i) => row.forEach((v, j) => { if (j < i) assert.is(v, 0, 'R is upper triangular'); }));
          });
        });
        test(`svd ${mode === 'complete' ? 'full' : 'reduced'} ${dtype} [${batch}] ${m}×${n}: U·S·Vᵀ = A, orthonormal, s descending`, () => {
          const a = random(new Rng(m * 3 + n), [...batch, m, n], dtype);
          const [u, s, vt] = np.linalg.svd(a, { fullMatrices: mode === 'complete' });
          const k = Math.min(m, n), uc = mode === 'complete' ? m : k, vr = mode === 'complete' ? n : k;
          assert.equal(u.shape, [...batch, m, uc]); assert.equal(s.shape, [...batch, k]); assert.equal(vt.shape, [...batch, vr, n]);
          const as = matsOf(a), ss = vecsOf(s), vts = matsOf(vt);
          matsOf(u).forEach((um, b) => {
            const sv = ss[b]!;
            sv.forEach((v, i) => { assert.ok(v >= 0); if (i) assert.ok(v <= sv[i - 1]! + 1e-12, 'descending'); });
            const S = Array.from({ length: uc }, (_, i) => Array.from({ length: vr }, (_, j) => (i === j && i < k ? sv[i]! : 0)));
            assertMat(mul(mul(um, S), vts[b]!), as[b]!, TOL[dtype], 'U·S·Vᵀ');
            assertMat(mul(tr(um), um), eyeM(uc), TOL[dtype], 'UᵀU');
            assertMat(mul(vts[b]!, tr(vts[b]!)), eyeM(vr), TOL[dtype], 'VᵀV');
          });
          assert.equal(Array.from(np.linalg.svdvals(a).dataSync()).map((v) => v.toFixed(4)), Array.from(s.dataSync()).map((v) => v.toFixed(4)));
        });
      }
    }
    for (const n of [1, 3, 6]) {
      test(`eigh ${dtype} [${batch}] ${n}×${n}: A·V = V·diag(w), VᵀV = I, w ascending`, () => {
        const x = random(new Rng(n * 11), [...batch, n, n], dtype);
        const a = np.add(x, np.swapaxes(x, -1, -2));
        const [w, v] = np.linalg.eigh(a);
        const as = matsOf(a), ws = vecsOf(w);
        matsOf(v).forEach((vm, b) => {
          const wv = ws[b]!;
          wv.forEach((e, i) => { if (i) assert.ok(e >= wv[i - 1]! - 1e-12, 'ascending'); });
          assertMat(mul(as[b]!, vm), mul(vm, wv.map((e, i) => wv.map((_, j) => (i === j ? e : 0)))), TOL[dtype], 'A·V = V·diag(w)');
          assertMat(mul(tr(vm), vm), eyeM(n), TOL[dtype], 'VᵀV');
        });
        assert.equal(Array.from(np.linalg.eigvalsh(a).dataSync()), Array.from(w.dataSync()));
      });
    }
  }
}

test('svd of rank-deficient and repeated-value matrices: zero singular values, orthonormal completion', () => {
  for (const a of [np.zeros([3, 2], { dtype: 'float64' }), np.array([[1, 2], [2, 4], [3, 6]], { dtype: 'float64' }), np.eye(3, undefined, { dtype: 'float64' })]) {
    const [u, s, vt] = np.linalg.svd(a);
    const [m, n] = a.shape as [number, number], k = Math.min(m, n);
    const S = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? vecsOf(s)[0]![i]! : 0)));
    assertMat(mul(mul(matsOf(u)[0]!, S), matsOf(vt)[0]!), matsOf(a)[0]!, 1e-12, 'U·S·Vᵀ');
    assertMat(mul(tr(matsOf(u)[0]!), matsOf(u)[0]!), eyeM(m), 1e-12, 'UᵀU');
    assert.is(vecsOf(s)[0]!.length, k);
  }
});

test('triangularSolve: every side, triangle, transpose and unit-diagonal combination solves op(A)·X = B or X·op(A) = B', () => {
  const rng = new Rng(17);
  for (const dtype of DTYPES) {
    for (const leftSide of [true, false]) for (const lower of [true, false]) for (const transposeA of [true, false]) for (const unitDiagonal of [true, false]) {
      const n = 4, a0 = rng.array([2, n, n]);
      const a = np.array(np.add(a0, np.multiply(np.eye(n, undefined, { dtype: 'float64' }), 3)), { dtype });
      const b = random(rng, leftSide ? [2, n, 3] : [2, 3, n], dtype);
      const x = lax.linalg.triangularSolve(a, b, { leftSide, lower, transposeA, unitDiagonal });
      const bs = matsOf(b), xs = matsOf(x);
      matsOf(a).forEach((am, k) => {
        let t = am.map((row, i) => row.map((v, j) => (i === j ? (unitDiagonal ? 1 : v) : (lower ? i > j : i < j) ? v : 0)));
        if (transposeA) t = tr(t);
        assertMat(leftSide ? mul(t, xs[k]!) : mul(xs[k]!, t), bs[k]!, TOL[dtype], `${dtype} left ${leftSide} lower ${lower} trans ${transposeA} unit ${unitDiagonal}`);
      });
    }
  }
});

// ---- derived functions ------------------------------------------------------------------------------------------------
for (const dtype of DTYPES) {
  test(`solve and inv ${dtype}: A·x = b (vector and matrix b, broadcast batches), A·A⁻¹ = I`, () => {
    const rng = new Rng(23);
    const a = random(rng, [2, 4, 4], dtype);
    const bv = random(rng, [4], dtype), bm = random(rng, [3, 1, 4, 2], dtype);
    const xv = np.linalg.solve(a, bv);
    assert.equal(xv.shape, [2, 4]);
    const as = matsOf(a);
    vecsOf(xv).forEach((x, k) => assertMat(mul(as[k]!, x.map((v) => [v])), vecsOf(bv)[0]!.map((v) => [v]), TOL[dtype] * 10, 'A·x = b'));
    const xm = np.linalg.solve(a, bm);
    assert.equal(xm.shape, [3, 2, 4, 2]);
    matsOf(xm).forEach((x, k) => assertMat(mul(as[k % 2]!, x), matsOf(bm)[Math.floor(k / 2)]!, TOL[dtype] * 10, 'A·X = B broadcast'));
    matsOf(np.linalg.inv(a)).forEach((ai, k) => assertMat(mul(as[k]!, ai), eyeM(4), TOL[dtype] * 10, 'A·A⁻¹'));
  });
  test(`det and slogdet ${dtype} against a host float64 elimination, singular and 0×0 included`, () => {
    const rng = new Rng(29);
    const a = random(rng, [3, 5, 5], dtype, -2, 2);
    const want = matsOf(a).map(hostDet);
    Array.from(np.linalg.det(a).dataSync()).forEach((d, k) => assert.ok(Math.abs(d - want[k]!) <= TOL[dtype] * 10 * Math.max(1, Math.abs(want[k]!)), `det ${d} vs ${want[k]}`));
    const [sign, logabs] = np.linalg.slogdet(a);
    Array.from(sign.dataSync()).forEach((s, k) => assert.is(s, Math.sign(want[k]!)));
    Array.from(logabs.dataSync()).forEach((l, k) => assert.ok(Math.abs(l - Math.log(Math.abs(want[k]!))) <= TOL[dtype] * 10));
    const singular = np.array([[1, 2], [2, 4]], { dtype });
    assert.is(np.linalg.det(singular).itemSync(), 0);
    const [s0, l0] = np.linalg.slogdet(singular);
    assert.is(s0.itemSync(), 0); assert.is(l0.itemSync(), -Infinity);
    assert.is(np.linalg.det(np.zeros([0, 0], { dtype })).itemSync(), 1);
  });
}

test('lstsq: the normal equations hold, residuals, rank and singular values as NumPy; np.polyfit-style fit', () => {
  const rng = new Rng(31);
  const a = random(rng, [6, 3], 'float64'), b = random(rng, [6], 'float64');
  const [x, resid, rank, s] = np.linalg.lstsq(a, b);
  const A = matsOf(a)[0]!, xv = vecsOf(x)[0]!.map((v) => [v]), bv = vecsOf(b)[0]!.map((v) => [v]);
  // Aᵀ(A·x − b) = 0.
  const r = mul(A, xv).map((row, i) => [row[0]! - bv[i]![0]!]);
  assertMat(mul(tr(A), r), [[0], [0], [0]], 1e-12, 'Aᵀ·r');
  assert.ok(Math.abs(resid.itemSync() - r.reduce((t, [v]) => t + v! * v!, 0)) < 1e-12);
  assert.is(rank.itemSync(), 3);
  assert.equal(Array.from(s.dataSync()).map((v) => v.toFixed(10)), Array.from(np.linalg.svd(a, { computeUv: false }).dataSync()).map((v) => v.toFixed(10)));
  // A quadratic through exact points is recovered.
  const t = [0, 1, 2, 3, 4];
  const V = np.array(t.map((v) => [v * v, v, 1]), { dtype: 'float64' }), y = np.array(t.map((v) => 2 * v * v - 3 * v + 0.5), { dtype: 'float64' });
  assert.equal(Array.from(np.linalg.lstsq(V, y)[0].dataSync()).map((v) => +v.toFixed(9)), [2, -3, 0.5]);
  // Rank-deficient: the minimum-norm solution.
  const [, , rk] = np.linalg.lstsq(np.array([[1, 1], [1, 1], [1, 1]], { dtype: 'float64' }), np.array([1, 2, 3], { dtype: 'float64' }));
  assert.is(rk.itemSync(), 1);
});

test('pinv: the four Penrose conditions, tall, wide and rank-deficient', () => {
  const rng = new Rng(37);
  for (const a of [random(rng, [5, 3], 'float64'), random(rng, [2, 4], 'float64'), np.array([[1, 2], [2, 4], [0, 0]], { dtype: 'float64' })]) {
    const A = matsOf(a)[0]!, P = matsOf(np.linalg.pinv(a))[0]!;
    assertMat(mul(mul(A, P), A), A, 1e-10, 'A·A⁺·A = A');
    assertMat(mul(mul(P, A), P), P, 1e-10, 'A⁺·A·A⁺ = A⁺');
    const AP = mul(A, P), PA = mul(P, A);
    assertMat(AP, tr(AP), 1e-10, '(A·A⁺)ᵀ = A·A⁺');
    assertMat(PA, tr(PA), 1e-10, '(A⁺·A)ᵀ = A⁺·A');
  }
});

test('matrixPower (positive, zero, negative, int matrices) and matrixRank (tol, batches, vectors)', () => {
  const a = np.array([[1, 1], [1, 0]], { dtype: 'float64' });
  assert.equal(matsOf(np.linalg.matrixPower(a, 10))[0], [[89, 55], [55, 34]]);
  assert.equal(matsOf(np.linalg.matrixPower(np.array([[1, 1], [1, 0]], { dtype: 'int32' }), 5))[0], [[8, 5], [5, 3]]);
  assert.equal(matsOf(np.linalg.matrixPower(a, 0))[0], [[1, 0], [0, 1]]);
  assertMat(mul(matsOf(np.linalg.matrixPower(a, -3))[0]!, matsOf(np.linalg.matrixPower(a, 3))[0]!), eyeM(2), 1e-12, 'A⁻³·A³');
  const stack = np.stack([np.eye(3, undefined, { dtype: 'float64' }), np.array([[1, 2, 3], [2, 4, 6], [0, 0, 1]], { dtype: 'float64' }), np.zeros([3, 3], { dtype: 'float64' })]);
  assert.equal(Array.from(np.linalg.matrixRank(stack).dataSync()), [3, 2, 0]);
  assert.is(np.linalg.matrixRank(np.array([[1, 0], [0, 1e-3]], { dtype: 'float64' }), 1e-2).itemSync(), 1);
  assert.is(np.linalg.matrixRank(np.array([0, 0, 1], { dtype: 'float64' })).itemSync(), 1);
});

test('norm: every vector and matrix order, axis and keepdims, against host float64 sums', () => {
  const rng = new Rng(41);
  const x = random(rng, [3, 4], 'float64', -2, 2), X = matsOf(x)[0]!, flat = X.flat();
  const close = (got: NDArray, want: number, what: string) => assert.ok(Math.abs(got.itemSync() - want) <= 1e-12 * Math.max(1, Math.abs(want)), `${what}: ${got.itemSync()} vs ${want}`);
  const sv = vecsOf(np.linalg.svd(x, { computeUv: false }))[0]!;
  const rowSums = X.map((r) => r.reduce((s, v) => s + Math.abs(v), 0)), colSums = tr(X).map((r) => r.reduce((s, v) => s + Math.abs(v), 0));
  close(np.linalg.norm(x), Math.hypot(...flat), 'fro (default)');
  close(np.linalg.norm(x, 'fro'), Math.hypot(...flat), 'fro');
  close(np.linalg.norm(x, 'nuc'), sv.reduce((s, v) => s + v, 0), 'nuc');
  close(np.linalg.norm(x, 2), sv[0]!, '2');
  close(np.linalg.norm(x, -2), sv[sv.length - 1]!, '-2');
  close(np.linalg.norm(x, 1), Math.max(...colSums), '1');
  close(np.linalg.norm(x, -1), Math.min(...colSums), '-1');
  close(np.linalg.norm(x, Infinity), Math.max(...rowSums), 'inf');
  close(np.linalg.norm(x, -Infinity), Math.min(...rowSums), '-inf');
  const v = np.array(flat, { dtype: 'float64' });
  close(np.linalg.norm(v), Math.hypot(...flat), 'vector 2');
  close(np.linalg.norm(v, 1), flat.reduce((s, e) => s + Math.abs(e), 0), 'vector 1');
  close(np.linalg.norm(v, Infinity), Math.max(...flat.map(Math.abs)), 'vector inf');
  close(np.linalg.norm(v, -Infinity), Math.min(...flat.map(Math.abs)), 'vector -inf');
  close(np.linalg.norm(v, 0), flat.filter((e) => e !== 0).length, 'vector 0');
  close(np.linalg.norm(v, 3), Math.cbrt(flat.reduce((s, e) => s + Math.abs(e) ** 3, 0)), 'vector 3');
  close(np.linalg.norm(np.reshape(x, [2, 6])), Math.hypot(...flat), 'a reshaped matrix, same Frobenius norm');
  const byRow = np.linalg.norm(x, null, 1);
  assert.equal(byRow.shape, [3]);
  Array.from(byRow.dataSync()).forEach((n, i) => assert.ok(Math.abs(n - Math.hypot(...X[i]!)) < 1e-12));
  assert.equal(np.linalg.norm(x, 1, 0, true).shape, [1, 4]);
  assert.equal(np.linalg.norm(x, null, null, true).shape, [1, 1]);
  const t = random(rng, [2, 3, 4], 'float64');
  assert.equal(np.linalg.norm(t, 'fro', [2, 0]).shape, [3]);
  assert.equal(np.linalg.matrixNorm(t, { ord: 'nuc' }).shape, [2]);
  assert.equal(np.linalg.vectorNorm(t, { axis: [0, 2], keepdims: true }).shape, [1, 3, 1]);
  close(np.linalg.vectorNorm(t), Math.hypot(...Array.from(t.dataSync())), 'vectorNorm over everything');
  close(np.linalg.norm(np.array([3, 4])), 5, 'an int32 vector (as float32)');
  close(np.linalg.cond(np.array([[2, 0], [0, 0.5]], { dtype: 'float64' })), 4, 'cond');
  close(np.linalg.cond(np.array([[2, 0], [0, 0.5]], { dtype: 'float64' }), 1), 4, 'cond 1');
});

// ---- gradients, jit and vmap through the public functions ---------------------------------------------------------------
const sumOf = (x: NDArray) => np.sum(x);
const GRADS: [string, (rng: Rng) => NDArray[], (...xs: NDArray[]) => NDArray][] = [
  ['solve', (r) => [r.array([3, 3]), r.array([3, 2])], (a, b) => np.linalg.solve(np.add(a, np.multiply(np.eye(3, undefined, { dtype: 'float64' }), 3)), b!)],
  ['inv', (r) => [r.array([3, 3])], (a) => np.linalg.inv(np.add(a, np.multiply(np.eye(3, undefined, { dtype: 'float64' }), 3)))],
  ['det', (r) => [r.array([3, 3])], (a) => np.linalg.det(a)],
  ['slogdet', (r) => [r.array([3, 3])], (a) => np.linalg.slogdet(a)[1]],
  ['cholesky (symmetrized)', (r) => [r.array([3, 3])], (a) => np.linalg.cholesky(np.add(np.matmul(a, np.swapaxes(a, -1, -2)), np.eye(3, undefined, { dtype: 'float64' })))],
  ['eigh (symmetrized)', (r) => [r.array([3, 3])], (a) => np.multiply(np.linalg.eigh(a)[0], np.array([1, 2, 3], { dtype: 'float64' }))],
  ['eigh vectors, squared (sign-free)', (r) => [r.array([3, 3])], (a) => np.square(np.linalg.eigh(a)[1])],
  ['lstsq', (r) => [r.array([5, 3]), r.array([5])], (a, b) => np.linalg.lstsq(a, b!)[0]],
  ['pinv', (r) => [r.array([4, 2])], (a) => np.linalg.pinv(a)],
  ['matrixPower 3 and -2', (r) => [r.array([2, 2])], (a) => np.add(np.linalg.matrixPower(a, 3), np.linalg.matrixPower(np.add(a, np.multiply(np.eye(2, undefined, { dtype: 'float64' }), 3)), -2))],
  ['norm fro, nuc, 2, 1, inf', (r) => [r.array([3, 4])], (a) => np.stack([np.linalg.norm(a), np.linalg.norm(a, 'nuc'), np.linalg.norm(a, 2), np.linalg.norm(a, 1), np.linalg.norm(a, Infinity)])],
  ['vector norms 2, 3, 1', (r) => [r.array([5])], (a) => np.stack([np.linalg.norm(a), np.linalg.norm(a, 3), np.linalg.norm(a, 1)])],
  ['batched qr r (reduced)', (r) => [r.array([2, 4, 3])], (a) => np.linalg.qr(a, 'r')],
  ['batched svd values', (r) => [r.array([2, 3, 2])], (a) => np.linalg.svdvals(a)],
];
for (const [name, args, f] of GRADS) {
  test(`numerical gradients (jvp, vjp, second order): np.linalg ${name}`, () => {
    checkGrads(f, args(new Rng(43)), { label: name, rtol: 1e-5, atol: 1e-6 });
  });
}

test('lax.linalg.luPivotsToPermutation reproduces lu\'s permutation, batched; tensorsolve, tensorinv and the array-API members', () => {
  const a = random(new Rng(53), [2, 3, 5, 4], 'float64');
  const [, pivots, perm] = lax.linalg.lu(a);
  assert.equal(Array.from(lax.linalg.luPivotsToPermutation(pivots, 5).dataSync()), Array.from(perm.dataSync()));
  assert.equal(Array.from(lax.linalg.luPivotsToPermutation(np.array([2, 2], { dtype: 'int32' }), 3).dataSync()), [2, 0, 1]);
  const rng = new Rng(59);
  const t = np.add(random(rng, [2, 3, 6], 'float64'), np.reshape(np.multiply(np.eye(6, undefined, { dtype: 'float64' }), 4), [2, 3, 6]));
  const b = random(rng, [2, 3], 'float64');
  const x = np.linalg.tensorsolve(t, b);
  assert.equal(x.shape, [6]);
  assertMat([Array.from(np.tensordot(t, x, 1).dataSync())], [Array.from(b.dataSync())], 1e-10, 'tensordot(a, x) = b');
  const ti = np.linalg.tensorinv(np.reshape(t, [6, 2, 3]), 1);
  assert.equal(ti.shape, [2, 3, 6]);
  assertMat(matsOf(np.reshape(np.tensordot(ti, np.reshape(t, [6, 2, 3]), 1), [6, 6]))[0]!, eyeM(6), 1e-10, 'tensorinv');
  const m = np.reshape(np.arange(18, { dtype: 'float64' }), [2, 3, 3]);
  assert.equal(Array.from(np.linalg.diagonal(m).dataSync()), [0, 4, 8, 9, 13, 17]);
  assert.equal(Array.from(np.linalg.diagonal(m, { offset: 1 }).dataSync()), [1, 5, 10, 14]);
  assert.equal(Array.from(np.linalg.trace(m).dataSync()), [12, 39]);
  assert.equal(np.linalg.matrixTranspose(m).shape, [2, 3, 3]);
  assert.equal(Array.from(np.linalg.cross(np.array([1, 0, 0]), np.array([0, 1, 0])).dataSync()), [0, 0, 1]);
  assert.equal(Array.from(np.linalg.vecdot(np.array([[1, 2], [3, 4]]), np.array([1, 1])).dataSync()), [3, 7]);
  assert.equal(np.linalg.outer(np.array([1, 2]), np.array([1, 2, 3])).shape, [2, 3]);
  assert.throws(() => np.linalg.outer(np.ones([2, 2]), np.ones([2])), /np\.linalg\.outer: expected two 1-D arrays/);
  assert.throws(() => np.linalg.cross(np.ones([2]), np.ones([3])), /np\.linalg\.cross: both vectors need 3 elements/);
  assert.throws(() => np.linalg.tensorinv(np.ones([2, 3]), 1), /np\.linalg\.tensorinv: .* 2 elements and the rest 3/);
  assert.throws(() => lax.linalg.luPivotsToPermutation(np.array([0, 1], { dtype: 'int32' }), 1), /luPivotsToPermutation: permutationSize/);
});

test('grad of det at singular matrices is the adjugate (JAX\'s rule), not LU\'s 0/0', () => {
  const g = grad((a: NDArray) => np.linalg.det(a));
  assertMat(matsOf(g(np.array([[1, 2], [2, 4]], { dtype: 'float64' })))[0]!, [[4, -2], [-2, 1]], 1e-12, 'rank 1, 2×2');
  assertMat(matsOf(g(np.zeros([2, 2], { dtype: 'float64' })))[0]!, [[0, 0], [0, 0]], 1e-12, 'zero matrix');
  // rank 2 of 3: adj(A) = det-cofactors, computed by hand for [[1, 0, 0], [0, 1, 0], [0, 0, 0]].
  assertMat(matsOf(g(np.array([[1, 0, 0], [0, 1, 0], [0, 0, 0]], { dtype: 'float64' })))[0]!, [[0, 0, 0], [0, 0, 0], [0, 0, 1]], 1e-12, 'rank 2, 3×3');
  assertMat(matsOf(g(np.array([[2, 1], [1, 3]], { dtype: 'float64' })))[0]!, [[3, -1], [-1, 2]], 1e-12, 'nonsingular');
});

test('jit = eager and vmap = a loop for the decompositions and the derived functions', () => {
  const rng = new Rng(47);
  const a = np.array(np.add(rng.array([3, 4, 4]), np.multiply(np.eye(4, undefined, { dtype: 'float64' }), 4)), { dtype: 'float32' });
  const b = np.array(rng.array([3, 4]), { dtype: 'float32' });
  const fns: [string, (x: NDArray, y: NDArray) => NDArray][] = [
    ['cholesky', (x) => np.linalg.cholesky(np.matmul(x, np.swapaxes(x, -1, -2)))],
    ['solve', (x, y) => np.linalg.solve(x, np.reshape(y, [...y.shape, 1]))],
    ['inv', (x) => np.linalg.inv(x)],
    ['det', (x) => np.linalg.det(x)],
    ['qr', (x) => np.concatenate(np.linalg.qr(x), -1)],
    ['eigh', (x) => np.linalg.eigh(x)[1]],
    ['svd', (x) => np.linalg.svd(x)[0]],
    ['lu', (x) => lax.linalg.lu(x)[0]],
    ['pinv', (x) => np.linalg.pinv(x)],
    ['grad of det', (x) => grad((z: NDArray) => np.sum(np.linalg.det(z)))(x)],
  ];
  for (const [name, f] of fns) {
    const eager = f(a, b);
    const jitted = jit(f)(a, b);
    assert.equal(Array.from(jitted.dataSync()), Array.from(eager.dataSync()), `${name}: jit = eager`);
    const mapped = vmap(f)(a, b);
    const loop = [0, 1, 2].map((i) => f(a.get(i), b.get(i)));
    assert.equal(Array.from(mapped.dataSync()), loop.flatMap((l) => Array.from(l.dataSync())), `${name}: vmap = loop`);
  }
  // A batched operand meeting an unbatched one (the unbatched one broadcast along the lanes).
  const tri = lax.linalg.triangularSolve;
  const mapped = vmap((y: NDArray) => tri(a.get(0), np.reshape(y, [4, 1]), { leftSide: true, lower: true }))(b);
  [0, 1, 2].forEach((i) => assert.equal(Array.from(mapped.get(i).dataSync()), Array.from(tri(a.get(0), np.reshape(b.get(i), [4, 1]), { leftSide: true, lower: true }).dataSync())));
});

// ---- bad input ---------------------------------------------------------------------------------------------------------------------
test('bad input: errors name the public function and the shapes or dtypes received', () => {
  const f = np.ones([2, 3]), sq = np.eye(3);
  const cases: [() => unknown, RegExp][] = [
    [() => np.linalg.cholesky(f), /np\.linalg\.cholesky: expected square matrices .*\[2, ?3\]/],
    [() => np.linalg.inv(np.ones([3])), /np\.linalg\.inv: expected a matrix .*\[3\]/],
    [() => np.linalg.det(np.array([[1, 2], [3, 4]], { dtype: 'int32' })), /np\.linalg\.det: expected a float array .*i32\[2,2\]/],
    [() => np.linalg.solve(sq, np.ones([4])), /np\.linalg\.solve: a of shape \[3, ?3\] needs b of shape \(3,\) or \(…, 3, k\), got \[4\]/],
    [() => np.linalg.solve(sq, np.ones([3], { dtype: 'float64' })), /np\.linalg\.solve: a and b must share a dtype/],
    [() => np.linalg.qr(np.ones([3, 2]), 'raw' as never), /np\.linalg\.qr: mode must be/],
    [() => np.linalg.eigh(f), /np\.linalg\.eigh: expected square/],
    [() => np.linalg.svd(np.ones([4])), /np\.linalg\.svd: expected a matrix/],
    [() => np.linalg.lstsq(np.ones([2, 2, 2]), np.ones([2])), /np\.linalg\.lstsq: a must be 2-D/],
    [() => np.linalg.lstsq(f, np.ones([3])), /np\.linalg\.lstsq: a of shape \[2, ?3\] needs b of shape \(2,\)/],
    [() => np.linalg.matrixPower(f, 2), /np\.linalg\.matrixPower: expected square .*\[2, ?3\]/],
    [() => np.linalg.matrixPower(sq, 1.5), /np\.linalg\.matrixPower: the exponent must be an integer/],
    [() => np.linalg.norm(np.ones([2, 2, 2]), 1), /np\.linalg\.norm: an order .* needs a 1-D or 2-D array/],
    [() => np.linalg.norm(np.ones([3]), 'fro'), /np\.linalg\.norm: order 'fro' is a matrix norm/],
    [() => np.linalg.norm(f, 3), /np\.linalg\.norm: invalid order 3 for a matrix norm/],
    [() => np.linalg.norm(f, null, 2), /np\.linalg\.norm: axis 2 is out of bounds/],
    [() => lax.linalg.triangularSolve(sq, np.ones([2, 1]), { leftSide: true }), /lax\.linalg\.triangularSolve: a of shape \[3, ?3\] and b of shape \[2, ?1\] do not match/],
    [() => lax.linalg.lu(np.ones([3], { dtype: 'float32' })), /lax\.linalg\.lu: expected a matrix/],
    [() => lax.linalg.qr(np.array([[1, 2]], { dtype: 'int32' })), /lax\.linalg\.qr: expected a float array/],
  ];
  for (const [fn, re] of cases) assert.throws(fn, (e: Error) => re.test(e.message), re.source);
  // Derivatives JAX leaves undefined are refused by name too.
  assert.throws(() => grad((x: NDArray) => sumOf(np.linalg.qr(x, 'complete')[0]))(np.ones([3, 2]).add(np.eye(3, 2))), /qr: the derivative of a complete QR/);
  assert.throws(() => grad((x: NDArray) => sumOf(np.linalg.svd(x)[0]))(np.eye(3, 2)), /svd: the derivative of a full SVD/);
});

test('the gradient of the singular values runs one decomposition (U and V come with the values)', () => {
  const a = np.array([[3, 1, 0.5], [1, 2, 0.25], [0.5, 0.25, 1], [0.1, 0.2, 0.3]]);
  const printed = makeJaxpr(grad((x: NDArray) => np.linalg.svdvals(x).sum()))(a).toString();
  const svds = printed.split('\n').filter((line) => /\bsvd\[/.test(line));
  assert.is(svds.length, 1, printed);
  // d Σσ / dA = U·Vᵀ (reduced), checked against the SVD itself.
  const [u, , vt] = np.linalg.svd(a, { fullMatrices: false });
  const g = grad((x: NDArray) => np.linalg.svdvals(x).sum())(a).dataSync();
  const want = u.matmul(vt).dataSync();
  g.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 1e-4, `${i}: ${v} vs ${want[i]}`));
});

test.run();
