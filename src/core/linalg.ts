// lax.linalg: the six decomposition primitives behind typed wrappers (JAX's lax.linalg), and the
// batched matrix helpers (transpose of the last two axes, products, triangles, diagonals) that
// their JVP rules and np.linalg are written in. Every helper binds ordinary primitives, so it
// differentiates, batches and compiles like any other code.
import { NDArray } from './array.js';
import { isFloat } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import { bind, bind1 } from './interpreter.js';
import * as lax from './lax.js';
import type { Params } from './primitives.js';
import { showShape } from './shape.js';

const range = (n: number, start = 0): number[] => Array.from({ length: Math.max(0, n - start) }, (_, i) => start + i);

// ---- operand checks: errors name the public function and what it received ---------------------
/** x as a float matrix stack (…, m, n) for `fn`, square if asked, or a clear error. */
export function checkMatrix(fn: string, x: unknown, square: boolean): NDArray {
  if (!(x instanceof NDArray)) throw new TypeError(`${fn}: expected an Array, got ${x === null ? 'null' : typeof x}`);
  if (!isFloat(x.dtype)) throw new DTypeError(`${fn}: expected a float array (float32 or float64), got ${x.aval.str()}; convert it first, e.g. x.astype('float32')`);
  if (x.ndim < 2) throw new ShapeError(`${fn}: expected a matrix (at least 2 dimensions: …, rows, columns), got shape ${showShape(x.shape)}`);
  if (square && x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) {
    throw new ShapeError(`${fn}: expected square matrices in the last two dimensions, got shape ${showShape(x.shape)}`);
  }
  return x;
}

// ---- batched matrix helpers (the last two axes are the matrix) ---------------------------------
/** The transpose of each matrix: the last two axes swapped. */
export function mT(x: NDArray): NDArray {
  const p = range(x.ndim);
  p[x.ndim - 2] = x.ndim - 1; p[x.ndim - 1] = x.ndim - 2;
  return lax.transpose(x, p);
}
/** a·b for matrix stacks with identical batch axes: (…, m, k)·(…, k, n) → (…, m, n). */
export function matmul(a: NDArray, b: NDArray): NDArray {
  const nb = a.ndim - 2;
  return lax.dotGeneral(a, b, { contracting: [[nb + 1], [nb]], batch: [range(nb), range(nb)] });
}
/** A bool (…, m, n) mask of col − row ≤ k (lower: tril) or ≥ k (upper: triu), broadcast over x's batch. */
function triangleMask(x: NDArray, k: number, lower: boolean): NDArray {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!;
  const rows = lax.iota('int32', [m, n], 0), cols = lax.iota('int32', [m, n], 1);
  const diff = lax.sub(cols, rows), kk = lax.full([m, n], k, 'int32');
  const mask = lower ? lax.le(diff, kk) : lax.ge(diff, kk);
  return lax.broadcastInDim(mask, x.shape, [x.ndim - 2, x.ndim - 1]);
}
/** Entries on and below the k-th diagonal (zeros elsewhere). */
export const tril = (x: NDArray, k = 0): NDArray => lax.select(triangleMask(x, k, true), x, lax.zerosLike(x));
/** Entries on and above the k-th diagonal (zeros elsewhere). */
export const triu = (x: NDArray, k = 0): NDArray => lax.select(triangleMask(x, k, false), x, lax.zerosLike(x));
/** The identity, (m, n) or broadcast to `batch` leading axes, of x's dtype. */
export function eye(n: number, like: NDArray, batch: readonly number[] = [], m = n): NDArray {
  const e = lax.convertElementType(lax.eq(lax.iota('int32', [m, n], 0), lax.iota('int32', [m, n], 1)), like.dtype);
  return lax.broadcastInDim(e, [...batch, m, n], [batch.length, batch.length + 1]);
}
/** The main diagonal of each matrix: (…, m, n) → (…, min(m, n)). */
export function diagonal(x: NDArray): NDArray {
  const m = x.shape[x.ndim - 2]!, n = x.shape[x.ndim - 1]!, k = Math.min(m, n), nd = x.ndim;
  const sq = lax.slice(x, x.shape.map(() => 0), [...x.shape.slice(0, -2), k, k]);
  return lax.reduceSum(lax.mul(sq, eye(k, x, x.shape.slice(0, -2))), [nd - 1]);
}
/** Vectors (…, n) as diagonal matrices (…, n, n). */
export function diagEmbed(v: NDArray): NDArray {
  const n = v.shape[v.ndim - 1]!, batch = v.shape.slice(0, -1);
  const cols = lax.broadcastInDim(v, [...batch, n, n], [...range(batch.length), batch.length + 1]);
  return lax.mul(cols, eye(n, v, batch));
}
/** x[..., rows, cols] for half-open ranges over the last two axes. */
export function block(x: NDArray, r0: number, r1: number, c0: number, c1: number): NDArray {
  const nd = x.ndim;
  return lax.slice(x, x.shape.map((_, i) => (i === nd - 2 ? r0 : i === nd - 1 ? c0 : 0)), x.shape.map((d, i) => (i === nd - 2 ? r1 : i === nd - 1 ? c1 : d)));
}
/** x padded with zeros at the end of its last two axes to (…, m, n). */
export function padTo(x: NDArray, m: number, n: number): NDArray {
  const nd = x.ndim;
  const zero = lax.full([], 0, x.dtype);
  return lax.pad(x, zero, x.shape.map((d, i) => [0, i === nd - 2 ? m - d : i === nd - 1 ? n - d : 0, 0] as const));
}
/**
 * The row-permutation matrix of `permutation` (…, m) int32: P[…, i, j] = 1 where permutation[i] = j,
 * so P·a = a[permutation] and Pᵀ·(L·U) = a.
 */
export function permutationMatrix(permutation: NDArray, like: NDArray): NDArray {
  const m = permutation.shape[permutation.ndim - 1]!, batch = permutation.shape.slice(0, -1), nb = batch.length;
  const p = lax.broadcastInDim(permutation, [...batch, m, m], [...range(nb), nb]);
  const j = lax.broadcastInDim(lax.iota('int32', [m], 0), [...batch, m, m], [nb + 1]);
  return lax.convertElementType(lax.eq(p, j), like.dtype);
}

// ---- the primitives ------------------------------------------------------------------------------
export type TriangularSolveParams = Params<'triangular_solve'>;
export const choleskyPrim = (x: NDArray): NDArray => bind1('cholesky', [x], {});
export const triangularSolvePrim = (a: NDArray, b: NDArray, p: TriangularSolveParams): NDArray => bind1('triangular_solve', [a, b], p);
export const luPrim = (x: NDArray): [NDArray, NDArray, NDArray] => bind('lu', [x], {}) as [NDArray, NDArray, NDArray];
export const qrPrim = (x: NDArray, fullMatrices: boolean): [NDArray, NDArray] => bind('qr', [x], { fullMatrices }) as [NDArray, NDArray];
export const eighPrim = (x: NDArray, lower: boolean): [NDArray, NDArray] => bind('eigh', [x], { lower }) as [NDArray, NDArray];
export function svdPrim(x: NDArray, fullMatrices: boolean, computeUv: boolean): NDArray[] {
  return bind('svd', [x], { fullMatrices, computeUv });
}
/** (x + xᵀ)/2: what the symmetric decompositions see when asked to symmetrize their input (JAX's default). */
export const symmetrize = (x: NDArray): NDArray => lax.mul(lax.add(x, mT(x)), lax.fullLike(x, 0.5));

// ---- lax.linalg: JAX's signatures, options as objects -------------------------------------------------
/** The lower Cholesky factor L of symmetric positive-definite matrices (…, n, n): x = L·Lᵀ. Not positive definite: NaN. */
export function cholesky(x: NDArray, opts: { symmetrizeInput?: boolean } = {}): NDArray {
  const a = checkMatrix('lax.linalg.cholesky', x, true);
  return choleskyPrim(opts.symmetrizeInput ?? true ? symmetrize(a) : a);
}

/** Options of lax.linalg.triangularSolve, as JAX's. */
export interface TriangularSolveOptions {
  /** Solve op(a)·x = b (true) or x·op(a) = b (false, the default). */
  leftSide?: boolean;
  /** a is lower triangular (false: upper). */
  lower?: boolean;
  /** op(a) = aᵀ. */
  transposeA?: boolean;
  /** Take a's diagonal as ones. */
  unitDiagonal?: boolean;
}
/**
 * Solves op(a)·x = b (leftSide) or x·op(a) = b for triangular a (…, n, n), op(a) = aᵀ when
 * transposeA; JAX's defaults (leftSide false, lower false). Only a's triangle is read.
 */
export function triangularSolve(a: NDArray, b: NDArray, opts: TriangularSolveOptions = {}): NDArray {
  const fn = 'lax.linalg.triangularSolve';
  const p: TriangularSolveParams = { leftSide: opts.leftSide ?? false, lower: opts.lower ?? false, transposeA: opts.transposeA ?? false, unitDiagonal: opts.unitDiagonal ?? false };
  const A = checkMatrix(fn, a, true), B = checkMatrix(fn, b, false);
  if (A.dtype !== B.dtype) throw new DTypeError(`${fn}: a and b must share a dtype, got ${A.aval.str()} and ${B.aval.str()}`);
  const n = A.shape[A.ndim - 1]!, k = B.shape[p.leftSide ? B.ndim - 2 : B.ndim - 1]!;
  if (k !== n || A.ndim !== B.ndim || A.shape.slice(0, -2).some((d, i) => d !== B.shape[i])) {
    throw new ShapeError(`${fn}: a of shape ${showShape(A.shape)} and b of shape ${showShape(B.shape)} do not match: b needs a's batch dimensions and ${n} ${p.leftSide ? 'rows' : 'columns'} (leftSide: ${p.leftSide})`);
  }
  return triangularSolvePrim(A, B, p);
}

/** LU decomposition with partial pivoting: [lu, pivots, permutation], x[permutation] = L·U (L unit lower, U upper, packed in lu). */
export function lu(x: NDArray): [NDArray, NDArray, NDArray] {
  return luPrim(checkMatrix('lax.linalg.lu', x, false));
}

/** QR by Householder reflections: [q, r]; fullMatrices (JAX's default true) gives q m×m, else m×min(m, n). */
export function qr(x: NDArray, opts: { fullMatrices?: boolean } = {}): [NDArray, NDArray] {
  return qrPrim(checkMatrix('lax.linalg.qr', x, false), opts.fullMatrices ?? true);
}

/** Eigenvectors and eigenvalues of symmetric matrices: [v, w], w ascending, x·v = v·diag(w). */
export function eigh(x: NDArray, opts: { lower?: boolean; symmetrizeInput?: boolean } = {}): [NDArray, NDArray] {
  const a = checkMatrix('lax.linalg.eigh', x, true);
  return eighPrim(opts.symmetrizeInput ?? true ? symmetrize(a) : a, opts.lower ?? true);
}

/** Singular value decomposition: [u, s, vt] (s descending, x = u·diag(s)·vt), or s alone without computeUv. */
export function svd(x: NDArray, opts: { fullMatrices?: boolean; computeUv: false }): NDArray;
export function svd(x: NDArray, opts?: { fullMatrices?: boolean; computeUv?: true }): [NDArray, NDArray, NDArray];
export function svd(x: NDArray, opts: { fullMatrices?: boolean; computeUv?: boolean } = {}): NDArray | [NDArray, NDArray, NDArray] {
  const a = checkMatrix('lax.linalg.svd', x, false);
  const computeUv = opts.computeUv ?? true;
  const outs = svdPrim(a, opts.fullMatrices ?? true, computeUv);
  return computeUv ? [outs[1]!, outs[0]!, outs[2]!] : outs[0]!;
}

/**
 * The permutation (…, permutationSize) int32 that LU's row swaps `pivots` (…, k) make of the
 * identity: row i swapped with row pivots[i], in order (JAX's lu_pivots_to_permutation). The k
 * swaps are unrolled, each a gather and two selects over the batch.
 */
export function luPivotsToPermutation(pivots: NDArray, permutationSize: number): NDArray {
  const fn = 'lax.linalg.luPivotsToPermutation';
  if (!(pivots instanceof NDArray) || pivots.dtype !== 'int32' || pivots.ndim < 1) {
    throw new DTypeError(`${fn}: pivots must be an int32 array of at least 1 dimension, got ${pivots instanceof NDArray ? pivots.aval.str() : typeof pivots}`);
  }
  const k = pivots.shape[pivots.ndim - 1]!, batch = pivots.shape.slice(0, -1), nb = batch.length;
  if (!Number.isInteger(permutationSize) || permutationSize < k) throw new ShapeError(`${fn}: permutationSize must be an integer of at least the ${k} pivots, got ${permutationSize}`);
  const shape = [...batch, permutationSize];
  const idx = lax.broadcastInDim(lax.iota('int32', [permutationSize], 0), shape, [nb]);
  let perm = idx;
  for (let i = 0; i < k; i++) {
    const p = lax.slice(pivots, pivots.shape.map((_, a) => (a === nb ? i : 0)), pivots.shape.map((d, a) => (a === nb ? i + 1 : d)));
    const atI = lax.slice(perm, shape.map((_, a) => (a === nb ? i : 0)), shape.map((d, a) => (a === nb ? i + 1 : d)));
    const atP = lax.takeAlongAxis(perm, p, nb);
    const pB = lax.broadcastInDim(lax.reshape(p, batch), shape, range(nb));
    const iB = lax.full(shape, i, 'int32');
    const toB = (v: NDArray) => lax.broadcastInDim(lax.reshape(v, batch), shape, range(nb));
    perm = lax.select(lax.eq(idx, iB), toB(atP), lax.select(lax.eq(idx, pB), toB(atI), perm));
  }
  return perm;
}
