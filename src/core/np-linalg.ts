// np.linalg: NumPy's linear algebra, derived from the six decomposition primitives of lax.linalg
// (cholesky, triangular_solve, lu, qr, eigh, svd) as JAX derives jnp.linalg, so every function
// differentiates, batches over leading axes and compiles. Operands are float32 or float64 matrix
// stacks (…, m, n); integer matrices are refused by name (convert them first).
import { ArrayLike, NDArray } from './array.js';
import { isFloat } from './dtype.js';
import { CotangentError, DTypeError, ShapeError } from './errors.js';
import * as lax from './lax.js';
import {
  checkMatrix, diagonal as matrixDiagonal, eighPrim, eye, luPrim, matmul as mm, mT, permutationMatrix, qrPrim, svdPrim, symmetrize, triangularSolvePrim,
  choleskyPrim,
} from './linalg.js';
import { matmul, outer as npOuter, tensordot } from './numpy-linalg.js';
import { cross as npCross, diagonal as npDiagonal, trace as npTrace, vecdot as npVecdot } from './numpy-matrix.js';
import { bind } from './interpreter.js';
import { broadcastShapesOf, range, toArray } from './numpy-util.js';
import { showShape } from './shape.js';

const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const full = (x: NDArray, v: number) => lax.fullLike(x, v);
/** A matrix stack argument of `fn`, checked (float, at least 2-D, square if asked). */
const matrixArg = (fn: string, a: ArrayLike, square: boolean): NDArray => checkMatrix(fn, toArray(fn, a), square);
/** x broadcast over new leading batch axes `batch` (its own matrix axes kept). */
const toBatch = (x: NDArray, batch: readonly number[]): NDArray =>
  lax.broadcastInDim(x, [...batch, ...x.shape.slice(-2)], range(batch.length + 2, batch.length + 2 - x.ndim));

// ---- factorizations ---------------------------------------------------------------------------------
/** The Cholesky factor of symmetric positive-definite matrices: L (lower, a = L·Lᵀ) or, with `upper`, U = Lᵀ (a = Uᵀ·U). Not positive definite: NaN (as JAX; NumPy raises). */
export function cholesky(a: ArrayLike, opts: { upper?: boolean } = {}): NDArray {
  const L = choleskyPrim(symmetrize(matrixArg('np.linalg.cholesky', a, true)));
  return opts.upper ? mT(L) : L;
}

/**
 * QR: mode 'reduced' (default) gives [q (…, m, k), r (…, k, n)], k = min(m, n); 'complete' gives
 * q (…, m, m), r (…, m, n); 'r' gives r alone (reduced).
 */
export function qr(a: ArrayLike, mode?: 'reduced' | 'complete'): [NDArray, NDArray];
export function qr(a: ArrayLike, mode: 'r'): NDArray;
export function qr(a: ArrayLike, mode: 'reduced' | 'complete' | 'r' = 'reduced'): [NDArray, NDArray] | NDArray {
  const x = matrixArg('np.linalg.qr', a, false);
  if (mode !== 'reduced' && mode !== 'complete' && mode !== 'r') throw new CotangentError(`np.linalg.qr: mode must be 'reduced', 'complete' or 'r', got ${JSON.stringify(mode)}`);
  const [q, r] = qrPrim(x, mode === 'complete');
  return mode === 'r' ? r : [q, r];
}

/** Options of np.linalg.eigh and eigvalsh. */
export interface EighOptions {
  /** Which triangle is read: 'L' (default) or 'U'. */
  UPLO?: 'L' | 'U';
  /** Average the matrix with its transpose first (true, as JAX). */
  symmetrizeInput?: boolean;
}
/**
 * Eigenvalues (ascending) and eigenvectors of symmetric matrices: [w, v] with a·v = v·diag(w).
 * As JAX, the input is symmetrized ((a + aᵀ)/2) unless symmetrizeInput is false; then only the
 * UPLO triangle ('L' by default) is read, as NumPy does.
 */
export function eigh(a: ArrayLike, opts: EighOptions | 'L' | 'U' = {}): [NDArray, NDArray] {
  const o = typeof opts === 'string' ? { UPLO: opts } : opts;
  const x = matrixArg('np.linalg.eigh', a, true);
  const uplo = o.UPLO ?? 'L';
  if (uplo !== 'L' && uplo !== 'U') throw new CotangentError(`np.linalg.eigh: UPLO must be 'L' or 'U', got ${JSON.stringify(uplo)}`);
  const [v, w] = eighPrim(o.symmetrizeInput ?? true ? symmetrize(x) : x, uplo === 'L');
  return [w, v];
}
/** The eigenvalues of symmetric matrices, ascending. */
export function eigvalsh(a: ArrayLike, opts: EighOptions | 'L' | 'U' = {}): NDArray {
  const o = typeof opts === 'string' ? { UPLO: opts } : opts;
  const x = matrixArg('np.linalg.eigvalsh', a, true);
  return eighPrim(o.symmetrizeInput ?? true ? symmetrize(x) : x, (o.UPLO ?? 'L') === 'L')[1];
}

/** Options of np.linalg.svd. */
export interface SvdOptions {
  /** Square u and vh (true, as NumPy) rather than the reduced ones. */
  fullMatrices?: boolean;
  /** Also compute u and vh (true); false gives s alone. */
  computeUv?: boolean;
}
/** a = u·diag(s)·vh with s descending: [u, s, vh]; fullMatrices (default true, as NumPy) gives square u and vh. With computeUv false, s alone. */
export function svd(a: ArrayLike, opts: SvdOptions & { computeUv: false }): NDArray;
export function svd(a: ArrayLike, opts?: SvdOptions): [NDArray, NDArray, NDArray];
export function svd(a: ArrayLike, opts: SvdOptions = {}): [NDArray, NDArray, NDArray] | NDArray {
  const x = matrixArg('np.linalg.svd', a, false);
  const computeUv = opts.computeUv ?? true;
  const outs = svdPrim(x, opts.fullMatrices ?? true, computeUv);
  return computeUv ? [outs[1]!, outs[0]!, outs[2]!] : outs[0]!;
}
/** The singular values, descending (NumPy 2's svdvals). */
export const svdvals = (a: ArrayLike): NDArray => svdPrim(matrixArg('np.linalg.svdvals', a, false), false, false)[0]!;

// ---- solving -------------------------------------------------------------------------------------------
/**
 * x with a·x = b, by LU with partial pivoting. b is (…, n) only when 1-D (NumPy 2's rule), else
 * (…, n, k); batch axes broadcast.
 */
export function solve(a: ArrayLike, b: ArrayLike): NDArray {
  const fn = 'np.linalg.solve';
  const A = matrixArg(fn, a, true), B0 = toArray(fn, b);
  if (!isFloat(B0.dtype) && B0.ndim > 0) throw new DTypeError(`${fn}: b must be a float array (float32 or float64), got ${B0.aval.str()}`);
  if (B0.dtype !== A.dtype) throw new DTypeError(`${fn}: a and b must share a dtype, got ${A.aval.str()} and ${B0.aval.str()}`);
  const n = A.shape[A.ndim - 1]!;
  const vector = B0.ndim === 1;
  if (B0.ndim === 0 || B0.shape[vector ? 0 : B0.ndim - 2] !== n) {
    throw new ShapeError(`${fn}: a of shape ${showShape(A.shape)} needs b of shape (${n},) or (…, ${n}, k), got ${showShape(B0.shape)}`);
  }
  const B = vector ? lax.reshape(B0, [n, 1]) : B0;
  const batch = broadcastShapesOf(fn, [A.shape.slice(0, -2), B.shape.slice(0, -2)]);
  const x = luSolve(toBatch(A, batch), toBatch(B, batch));
  return vector ? lax.reshape(x, x.shape.slice(0, -1)) : x;
}
/** a⁻¹·b from the LU factors of a (one batch shape for both): b permuted, then two triangular solves. */
function luSolve(a: NDArray, b: NDArray): NDArray {
  const [lu, , perm] = luPrim(a);
  const pb = mm(permutationMatrix(perm, a), b);
  const y = triangularSolvePrim(lu, pb, { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
  return triangularSolvePrim(lu, y, { leftSide: true, lower: false, transposeA: false, unitDiagonal: false });
}
/** The inverse of each matrix (a singular matrix gives infinities or NaN, as JAX; NumPy raises). */
export function inv(a: ArrayLike): NDArray {
  const A = matrixArg('np.linalg.inv', a, true), n = A.shape[A.ndim - 1]!;
  return luSolve(A, eye(n, A, A.shape.slice(0, -2)));
}

/** (−1)^(number of row swaps) of LU pivots (…, k), as a float of `like`'s dtype. */
function pivotParity(pivots: NDArray, like: NDArray): NDArray {
  const k = pivots.shape[pivots.ndim - 1]!;
  const idx = lax.broadcastInDim(lax.iota('int32', [k], 0), pivots.shape, [pivots.ndim - 1]);
  const swaps = lax.reduceSum(lax.convertElementType(lax.ne(pivots, idx), 'int32'), [pivots.ndim - 1]);
  const odd = lax.convertElementType(lax.rem(swaps, lax.fullLike(swaps, 2)), like.dtype);
  return lax.sub(lax.fullLike(odd, 1), lax.mul(odd, lax.fullLike(odd, 2)));
}
/** ±Π diag(U) of the LU factors. */
function detByLu(A: NDArray): NDArray {
  const [lu, pivots] = luPrim(A);
  return lax.mul(pivotParity(pivots, A), lax.reduceProd(matrixDiagonal(lu), [A.ndim - 2]));
}
/**
 * adj(A) = det(A)·A⁻¹ without dividing by det(A), so it is right for singular A too: from
 * A = U·S·Vᵀ, adj(A) = det(U)·det(V)·V·diag(Π_{j≠i} s_j)·Uᵀ.
 */
function adjugate(A: NDArray): NDArray {
  const [s, u, vt] = svdPrim(A, false, true) as [NDArray, NDArray, NDArray];
  const k = s.shape[s.ndim - 1]!, batch = s.shape.slice(0, -1), nb = batch.length;
  const rows = lax.broadcastInDim(s, [...batch, k, k], [...range(nb), nb + 1]);
  const others = lax.reduceProd(lax.select(lax.eq(eye(k, s, batch), lax.fullLike(rows, 1)), lax.fullLike(rows, 1), rows), [nb + 1]);
  const orient = lax.mul(detByLu(u), detByLu(vt));
  const scaled = lax.mul(mT(vt), lax.broadcastInDim(lax.mul(others, lax.broadcastInDim(orient, others.shape, range(nb))), [...batch, k, k], [...range(nb), nb + 1]));
  return mm(scaled, mT(u));
}
/**
 * The determinant of each matrix: ±Π diag(U) of its LU factors. Its derivative is JAX's,
 * d det = tr(adj(A)·Ȧ) with the adjugate from the SVD, so singular matrices get the right
 * (finite) gradient instead of LU's 0/0.
 */
export function det(a: ArrayLike): NDArray {
  const A = matrixArg('np.linalg.det', a, true);
  return customJvpCall('det', (x) => detByLu(x), (x, t) => {
    const nd = x.ndim;
    return [detByLu(x), lax.reduceSum(lax.mul(mT(adjugate(x)), t), [nd - 2, nd - 1])];
  }, A);
}
/** f(x) with the JVP rule `jvp` (x, ẋ) ↦ (f(x), ḟ), as one custom_jvp_call (the primitive customJvp binds). */
function customJvpCall(name: string, f: (x: NDArray) => NDArray, jvp: (x: NDArray, t: NDArray) => [NDArray, NDArray], x: NDArray): NDArray {
  const fun = (...xs: NDArray[]) => [f(xs[0]!)];
  Object.defineProperty(fun, 'name', { value: name });
  return bind('custom_jvp_call', [x], { name, fun, jvp: ([p], [t]) => { const [y, ty] = jvp(p!, t!); return [[y], [ty]]; } })[0]!;
}
/** [sign, logabsdet] with det = sign·exp(logabsdet), robust to over- and underflow (sign 0 and −inf for a singular matrix). */
export function slogdet(a: ArrayLike): [NDArray, NDArray] {
  const A = matrixArg('np.linalg.slogdet', a, true);
  const [lu, pivots] = luPrim(A);
  const d = matrixDiagonal(lu), last = A.ndim - 2;
  const sign = lax.mul(pivotParity(pivots, A), lax.reduceProd(lax.sign(d), [last]));
  return [sign, lax.reduceSum(lax.log(lax.abs(d)), [last])];
}

/**
 * Least squares: [x, residuals, rank, s] minimising ‖a·x − b‖ by the SVD (singular values below
 * rcond·s_max count as zero; default eps·max(m, n), as JAX). a is 2-D; b (m,) or (m, k).
 * residuals are the squared residual norms, always computed (JAX's default, numpy_resid=False).
 */
export function lstsq(a: ArrayLike, b: ArrayLike, rcond: number | null = null): [NDArray, NDArray, NDArray, NDArray] {
  const fn = 'np.linalg.lstsq';
  const A = matrixArg(fn, a, false), B0 = toArray(fn, b);
  if (A.ndim !== 2) throw new ShapeError(`${fn}: a must be 2-D, got shape ${showShape(A.shape)}`);
  const m = A.shape[0]!;
  if ((B0.ndim !== 1 && B0.ndim !== 2) || B0.shape[0] !== m) throw new ShapeError(`${fn}: a of shape ${showShape(A.shape)} needs b of shape (${m},) or (${m}, k), got ${showShape(B0.shape)}`);
  return lstsqBatched(fn, A, B0, rcond);
}
/**
 * lstsq over batches (the torch layer's form): a (…, m, n), b (…, m, k), or (m,) with a 2-D a;
 * one batch shape for both. Returns x (…, n, k), residuals (…, k), rank (…) and s (…, min(m, n)).
 */
export function lstsqBatched(fn: string, A: NDArray, B0: NDArray, rcond: number | null): [NDArray, NDArray, NDArray, NDArray] {
  if (B0.dtype !== A.dtype) throw new DTypeError(`${fn}: a and b must share a float dtype, got ${A.aval.str()} and ${B0.aval.str()}`);
  const m = A.shape[A.ndim - 2]!, n = A.shape[A.ndim - 1]!, k = Math.min(m, n), batch = A.shape.slice(0, -2), nb = batch.length;
  const vector = B0.ndim === 1 && A.ndim === 2;
  const B = vector ? lax.reshape(B0, [m, 1]) : B0;
  if (B.ndim !== A.ndim || B.shape[B.ndim - 2] !== m || batch.some((d, i) => B.shape[i] !== d)) {
    throw new ShapeError(`${fn}: a of shape ${showShape(A.shape)} needs b of shape (…, ${m}, k) with a's batch dimensions, got ${showShape(B0.shape)}`);
  }
  const [s, u, vt] = svdPrim(A, false, true) as [NDArray, NDArray, NDArray];
  const cut = rcond ?? EPS[A.dtype]! * Math.max(m, n);
  const sMax = k ? lax.broadcastInDim(lax.reduceMax(s, [nb]), s.shape, range(nb)) : s;
  const keep = lax.ge(s, lax.mul(sMax, full(s, cut)));
  const sInv = lax.select(keep, lax.div(full(s, 1), lax.select(keep, s, full(s, 1))), lax.zerosLike(s));
  const uTb = mm(mT(u), B);
  const x = mm(mT(vt), lax.mul(lax.broadcastInDim(sInv, uTb.shape, range(nb + 1)), uTb));
  const r = lax.sub(B, mm(A, x));
  const resid = lax.reduceSum(lax.mul(r, r), [nb]);
  const rank = lax.reduceSum(lax.convertElementType(keep, 'int32'), [nb]);
  return [vector ? lax.reshape(x, [n]) : x, resid, rank, s];
}

/**
 * The Moore–Penrose pseudo-inverse by the SVD: singular values at most rtol·s_max are dropped
 * (default rtol 10·max(m, n)·eps, as JAX). `rcond` is NumPy's older name for rtol.
 */
export function pinv(a: ArrayLike, opts: { rtol?: number; rcond?: number } = {}): NDArray {
  const A = matrixArg('np.linalg.pinv', a, false);
  // JAX's rule (Golub & Pereyra), right wherever the rank is locally constant, repeated singular
  // values included: Ṗ = −P·Ȧ·P + P·Pᵀ·Ȧᵀ·(I − A·P) + (I − P·A)·Ȧᵀ·Pᵀ·P.
  return customJvpCall('pinv', (x) => pinvBySvd(x, opts), (x, t) => {
    const P = pinvBySvd(x, opts), m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!, batch = x.shape.slice(0, -2);
    const tT = mT(t), PT = mT(P);
    const first = lax.neg(mm(mm(P, t), P));
    const second = mm(mm(mm(P, PT), tT), lax.sub(eye(m, x, batch), mm(x, P)));
    const third = mm(mm(lax.sub(eye(n, x, batch), mm(P, x)), tT), mm(PT, P));
    return [P, lax.add(lax.add(first, second), third)];
  }, A);
}
function pinvBySvd(A: NDArray, opts: { rtol?: number; rcond?: number }): NDArray {
  const m = A.shape[A.ndim - 2]!, n = A.shape[A.ndim - 1]!, k = Math.min(m, n);
  const [s, u, vt] = svdPrim(A, false, true) as [NDArray, NDArray, NDArray];
  const rtol = opts.rtol ?? opts.rcond ?? 10 * Math.max(m, n) * EPS[A.dtype]!;
  const last = s.ndim - 1;
  const sMax = k ? lax.broadcastInDim(lax.reduceMax(s, [last]), s.shape, range(last)) : s;
  const keep = lax.gt(s, lax.mul(sMax, full(s, rtol)));
  const sInv = lax.select(keep, lax.div(full(s, 1), lax.select(keep, s, full(s, 1))), lax.zerosLike(s));
  // V·diag(1/s)·Uᵀ: scale the rows of Uᵀ.
  const ut = mT(u);
  return mm(mT(vt), lax.mul(lax.broadcastInDim(sInv, ut.shape, range(last + 1)), ut));
}

// ---- matrix functions ---------------------------------------------------------------------------------
/** a raised to the integer power n by repeated squaring (n < 0: of the inverse; n = 0: the identity). */
export function matrixPower(a: ArrayLike, n: number): NDArray {
  const fn = 'np.linalg.matrixPower';
  const A0 = toArray(fn, a);
  if (!Number.isInteger(n)) throw new CotangentError(`${fn}: the exponent must be an integer, got ${n}`);
  if (A0.ndim < 2 || A0.shape[A0.ndim - 1] !== A0.shape[A0.ndim - 2]) throw new ShapeError(`${fn}: expected square matrices in the last two dimensions, got shape ${showShape(A0.shape)}`);
  if (n === 0) return lax.convertElementType(eye(A0.shape[A0.ndim - 1]!, A0, A0.shape.slice(0, -2)), A0.dtype);
  let base = n < 0 ? inv(checkMatrix(fn, A0, true)) : A0;
  let result: NDArray | null = null;
  for (let e = Math.abs(n); e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = result ? matmul(result, base) : base;
    if (e > 1) base = matmul(base, base);
  }
  return result!;
}

/** The number of singular values above tol (default s_max·max(m, n)·eps), as int32; a vector counts 1 unless all zero. */
export function matrixRank(a: ArrayLike, tol: number | null = null): NDArray {
  const fn = 'np.linalg.matrixRank';
  const x = toArray(fn, a);
  if (x.ndim < 2) {
    const nz = lax.reduceMax(lax.convertElementType(lax.ne(x, lax.zerosLike(x)), 'int32'), range(x.ndim));
    return x.ndim === 0 ? lax.convertElementType(lax.ne(x, lax.zerosLike(x)), 'int32') : nz;
  }
  const A = checkMatrix(fn, x, false);
  const m = A.shape[A.ndim - 2]!, n = A.shape[A.ndim - 1]!;
  const s = svdPrim(A, false, false)[0]!, last = s.ndim - 1;
  const limit = tol !== null ? full(s, tol)
    : lax.mul(lax.broadcastInDim(lax.reduceMax(s, [last]), s.shape, range(last)), full(s, Math.max(m, n) * EPS[A.dtype]!));
  return lax.reduceSum(lax.convertElementType(lax.gt(s, limit), 'int32'), [last]);
}

// ---- norms --------------------------------------------------------------------------------------------------
/** np.linalg.norm's `ord`: a number (±∞ too), 'fro', 'nuc', or null (2-norm / Frobenius). */
export type NormOrder = number | 'fro' | 'nuc' | null;
const floatOf = (fn: string, v: ArrayLike): NDArray => {
  const x = toArray(fn, v);
  if (x.dtype === 'bool') throw new DTypeError(`${fn}: expected a numeric array, got ${x.aval.str()}`);
  return isFloat(x.dtype) ? x : lax.convertElementType(x, 'float32');
};
const keepAxes = (x: NDArray, axes: readonly number[], keepdims: boolean): NDArray =>
  keepdims ? lax.reshape(x, x.shape.length === 0 && axes.length === 0 ? [] : insertOnes(x.shape, axes)) : x;
function insertOnes(shape: readonly number[], axes: readonly number[]): number[] {
  const out = [...shape];
  for (const a of [...axes].sort((p, q) => p - q)) out.splice(a, 0, 1);
  return out;
}
function normAxis(fn: string, a: number, ndim: number): number {
  if (!Number.isInteger(a) || a < -ndim || a >= ndim) throw new ShapeError(`${fn}: axis ${a} is out of bounds for an array of ${ndim} dimensions`);
  return a < 0 ? a + ndim : a;
}

/** The vector norm of x over `axes` (reduced; the caller restores keepdims). */
function vectorNormOver(fn: string, x: NDArray, ord: number, axes: readonly number[]): NDArray {
  const ax = lax.abs(x);
  if (ord === Infinity) return lax.reduceMax(ax, axes);
  if (ord === -Infinity) return lax.reduceMin(ax, axes);
  if (ord === 0) return lax.reduceSum(lax.convertElementType(lax.ne(x, lax.zerosLike(x)), x.dtype), axes);
  if (ord === 1) return lax.reduceSum(ax, axes);
  if (ord === 2) return lax.sqrt(lax.reduceSum(lax.mul(x, x), axes));
  if (typeof ord !== 'number' || Number.isNaN(ord)) throw new CotangentError(`${fn}: invalid order ${String(ord)} for a vector norm`);
  const s = lax.reduceSum(lax.pow(ax, full(ax, ord)), axes);
  return lax.pow(s, full(s, 1 / ord));
}

/** The matrix norm of x over the axis pair (r, c) (both reduced). */
function matrixNormOver(fn: string, x: NDArray, ord: NormOrder, r: number, c: number): NDArray {
  if (r === c) throw new ShapeError(`${fn}: the two axes of a matrix norm must differ, got ${r} and ${c}`);
  if (ord === null || ord === 'fro') return lax.sqrt(lax.reduceSum(lax.mul(x, x), [r, c]));
  // Sums over one axis, then the extremum over the other (the reduced axis shifts it down).
  const extremum = (sumAxis: number, otherAxis: number, max: boolean) => {
    const s = lax.reduceSum(lax.abs(x), [sumAxis]);
    const o = otherAxis > sumAxis ? otherAxis - 1 : otherAxis;
    return max ? lax.reduceMax(s, [o]) : lax.reduceMin(s, [o]);
  };
  if (ord === 1 || ord === -1) return extremum(r, c, ord === 1);
  if (ord === Infinity || ord === -Infinity) return extremum(c, r, ord === Infinity);
  if (ord === 2 || ord === -2 || ord === 'nuc') {
    // The matrix axes moved last, then the singular values.
    const rest = range(x.ndim).filter((i) => i !== r && i !== c);
    const s = svdPrim(checkMatrix(fn, lax.transpose(x, [...rest, r, c]), false), false, false)[0]!, last = s.ndim - 1;
    return ord === 'nuc' ? lax.reduceSum(s, [last]) : ord === 2 ? lax.reduceMax(s, [last]) : lax.reduceMin(s, [last]);
  }
  throw new CotangentError(`${fn}: invalid order ${JSON.stringify(ord)} for a matrix norm (expected null, 'fro', 'nuc', 1, -1, 2, -2, Infinity or -Infinity)`);
}

/**
 * NumPy's norm. axis null: a 1-D x takes the vector norm, a 2-D x the matrix norm, any other x
 * the 2-norm of its elements (ord must then be null). axis a number: vector norms along it; a
 * pair: matrix norms over it. Vector orders: null/2, 1, Infinity, -Infinity, 0 (count), any p;
 * matrix orders: null/'fro', 'nuc', 1, -1, 2, -2, Infinity, -Infinity.
 */
export function norm(v: ArrayLike, ord: NormOrder = null, axis: number | readonly [number, number] | null = null, keepdims = false): NDArray {
  const fn = 'np.linalg.norm';
  const x = floatOf(fn, v);
  if (axis === null) {
    if (ord === null || (x.ndim === 1 && ord === 2)) {
      const all = range(x.ndim);
      return keepAxes(lax.sqrt(lax.reduceSum(lax.mul(x, x), all)), all, keepdims);
    }
    if (x.ndim === 1) return keepAxes(vectorNormOrder(fn, x, ord, [0]), [0], keepdims);
    if (x.ndim === 2) return keepAxes(matrixNormOver(fn, x, ord, 0, 1), [0, 1], keepdims);
    throw new ShapeError(`${fn}: an order (${JSON.stringify(ord)}) needs a 1-D or 2-D array or an explicit axis, got shape ${showShape(x.shape)}`);
  }
  if (typeof axis === 'number') {
    const a = normAxis(fn, axis, x.ndim);
    return keepAxes(vectorNormOrder(fn, x, ord ?? 2, [a]), [a], keepdims);
  }
  if (!Array.isArray(axis) || axis.length !== 2) throw new ShapeError(`${fn}: axis must be null, an integer or a pair of integers, got ${JSON.stringify(axis)}`);
  const r = normAxis(fn, axis[0]!, x.ndim), c = normAxis(fn, axis[1]!, x.ndim);
  return keepAxes(matrixNormOver(fn, x, ord, r, c), [r, c], keepdims);
}
function vectorNormOrder(fn: string, x: NDArray, ord: NormOrder, axes: readonly number[]): NDArray {
  if (typeof ord === 'string') throw new CotangentError(`${fn}: order '${ord}' is a matrix norm; a vector norm takes a number`);
  return vectorNormOver(fn, x, ord ?? 2, axes);
}

/** NumPy 2's vector_norm: over all elements (axis null), one axis or several, any numeric order (default 2). */
export function vectorNorm(v: ArrayLike, opts: { axis?: number | readonly number[] | null; keepdims?: boolean; ord?: number } = {}): NDArray {
  const fn = 'np.linalg.vectorNorm';
  const x = floatOf(fn, v);
  const axes = opts.axis === null || opts.axis === undefined ? range(x.ndim) : (typeof opts.axis === 'number' ? [opts.axis] : [...opts.axis]).map((a) => normAxis(fn, a, x.ndim));
  return keepAxes(vectorNormOver(fn, x, opts.ord ?? 2, axes), axes, opts.keepdims ?? false);
}
/** NumPy 2's matrix_norm: over the last two axes (default 'fro'). */
export function matrixNorm(v: ArrayLike, opts: { keepdims?: boolean; ord?: NormOrder } = {}): NDArray {
  const fn = 'np.linalg.matrixNorm';
  const x = floatOf(fn, v);
  if (x.ndim < 2) throw new ShapeError(`${fn}: expected a matrix (at least 2 dimensions), got shape ${showShape(x.shape)}`);
  const r = x.ndim - 2, c = x.ndim - 1;
  return keepAxes(matrixNormOver(fn, x, opts.ord ?? 'fro', r, c), [r, c], opts.keepdims ?? false);
}

/** The condition number in norm p (null/2: s_max/s_min; else ‖a‖·‖a⁻¹‖). */
export function cond(a: ArrayLike, p: NormOrder = null): NDArray {
  const fn = 'np.linalg.cond';
  const A = matrixArg(fn, a, p !== null && p !== 2 && p !== -2);
  if (p === null || p === 2 || p === -2) {
    const s = svdPrim(A, false, false)[0]!, last = s.ndim - 1;
    const hi = lax.reduceMax(s, [last]), lo = lax.reduceMin(s, [last]);
    return p === -2 ? lax.div(lo, hi) : lax.div(hi, lo);
  }
  const r = A.ndim - 2, c = A.ndim - 1;
  return lax.mul(matrixNormOver(fn, A, p, r, c), matrixNormOver(fn, inv(A), p, r, c));
}

/** a₀·a₁·…·aₖ (1-D ends as row and column vectors, as NumPy), multiplied left to right. */
export function multiDot(arrays: readonly ArrayLike[]): NDArray {
  if (!Array.isArray(arrays) || arrays.length < 2) throw new CotangentError(`np.linalg.multiDot: expected at least two arrays, got ${Array.isArray(arrays) ? arrays.length : typeof arrays}`);
  return arrays.slice(1).reduce<NDArray>((acc, b) => matmul(acc, b), toArray('np.linalg.multiDot', arrays[0]));
}

// ---- NumPy 2's array-API members of np.linalg: over the last axes ------------------------------------
/** The diagonal at `offset` of each matrix (the last two axes). */
export const diagonal = (x: ArrayLike, opts: { offset?: number } = {}): NDArray => npDiagonal(x, opts.offset ?? 0, -2, -1);
/** The sum of the diagonal at `offset` of each matrix (the last two axes). */
export const trace = (x: ArrayLike, opts: { offset?: number } = {}): NDArray => npTrace(x, opts.offset ?? 0, -2, -1);
/** Each matrix transposed (the last two axes swapped). */
export function matrixTranspose(x: ArrayLike): NDArray {
  const a = toArray('np.linalg.matrixTranspose', x);
  if (a.ndim < 2) throw new ShapeError(`np.linalg.matrixTranspose: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  return mT(a);
}
/** The outer product of two vectors (1-D only, as NumPy 2's np.linalg.outer). */
export function outer(x: ArrayLike, y: ArrayLike): NDArray {
  const a = toArray('np.linalg.outer', x), b = toArray('np.linalg.outer', y);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`np.linalg.outer: expected two 1-D arrays, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  return npOuter(a, b);
}
/** The cross product of 3-vectors along `axis` (default −1), broadcasting. */
export function cross(x: ArrayLike, y: ArrayLike, opts: { axis?: number } = {}): NDArray {
  const a = toArray('np.linalg.cross', x), b = toArray('np.linalg.cross', y), axis = opts.axis ?? -1;
  for (const v of [a, b]) {
    if (v.ndim === 0 || v.shape[axis < 0 ? v.ndim + axis : axis] !== 3) throw new ShapeError(`np.linalg.cross: both vectors need 3 elements along axis ${axis}, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  }
  return npCross(a, b, axis);
}
/** Σ x·y along `axis` (default −1), broadcasting. */
export const vecdot = (x: ArrayLike, y: ArrayLike, opts: { axis?: number } = {}): NDArray => npVecdot(x, y, opts.axis ?? -1);

/**
 * x with tensordot(a, x, x.ndim) = b: a's first axes have b's shape, its others x's (`axes`
 * first moves those axes of a to the end, as NumPy's).
 */
export function tensorsolve(a: ArrayLike, b: ArrayLike, axes: readonly number[] | null = null): NDArray {
  const fn = 'np.linalg.tensorsolve';
  let A = toArray(fn, a);
  const B = toArray(fn, b);
  if (axes) {
    const moved = axes.map((ax) => (ax < 0 ? ax + A.ndim : ax));
    A = lax.transpose(A, [...range(A.ndim).filter((i) => !moved.includes(i)), ...moved]);
  }
  const q = A.shape.slice(B.ndim), rows = B.size, cols = q.reduce((p, d) => p * d, 1);
  if (A.shape.slice(0, B.ndim).some((d, i) => d !== B.shape[i]) || rows !== cols) {
    throw new ShapeError(`${fn}: a of shape ${showShape(A.shape)} must start with b's shape ${showShape(B.shape)} and the rest must have as many elements (${rows}), got ${cols}`);
  }
  return lax.reshape(solve(lax.reshape(A, [rows, cols]), lax.reshape(B, [rows])), q);
}
/** The inverse of a tensor for tensordot over `ind` axes: a of shape I + J (prod I = prod J) gives J + I. */
export function tensorinv(a: ArrayLike, ind = 2): NDArray {
  const fn = 'np.linalg.tensorinv';
  const A = toArray(fn, a);
  if (!Number.isInteger(ind) || ind <= 0 || ind > A.ndim) throw new ShapeError(`${fn}: ind must be a positive integer up to the rank ${A.ndim}, got ${ind}`);
  const I = A.shape.slice(0, ind), J = A.shape.slice(ind);
  const pi = I.reduce((p, d) => p * d, 1), pj = J.reduce((p, d) => p * d, 1);
  if (pi !== pj) throw new ShapeError(`${fn}: the first ${ind} axes of shape ${showShape(A.shape)} hold ${pi} elements and the rest ${pj}; they must be equal`);
  return lax.reshape(inv(lax.reshape(A, [pi, pj])), [...J, ...I]);
}

export { matmul, tensordot };
