// torch.linalg: PyTorch's linear algebra on Tensors, each function np.linalg's run through the tape
// under PyTorch's backward-node name (gradients are the core's, from the decomposition rules).
// Results with several parts are objects named as PyTorch's named tuples ({Q, R}, {U, S, Vh}, …).
import { NDArray } from '../core/array.js';
import * as np from '../core/np.js';
import { ShapeError } from '../core/errors.js';
import { lstsqBatched, type NormOrder } from '../core/np-linalg.js';
import { checkMatrix } from '../core/linalg.js';
import { showShape } from '../core/shape.js';
import { record } from './autograd.js';
import { resultTensor, run } from './ops.js';
import { Tensor } from './tensor.js';

const L = np.linalg;
/** Runs a several-output `f` through the tape; the i-th result tensor is output i of one node. */
function runMany(name: string, f: (...xs: NDArray[]) => NDArray[], inputs: readonly Tensor[]): Tensor[] {
  const { outputs, node } = record(name, 'none', f, inputs);
  return outputs.map((o, i) => resultTensor(o, node, i));
}
const swap = (x: NDArray) => np.swapaxes(x, -1, -2);
/**
 * Runs `f` so that its errors name the torch function the user called: the np.linalg function
 * underneath reports its own name, which becomes `name` (class and the rest of the message kept).
 */
function as<T>(name: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && /^np\.linalg\.\w+:/.test(e.message)) e.message = e.message.replace(/^np\.linalg\.\w+:/, `${name}:`);
    throw e;
  }
}

/** The Cholesky factor: lower L with A = L·Lᴴ, or upper U = Lᵀ with `upper`. Not positive definite: NaN (PyTorch's cholesky_ex reports it; here check for NaN). */
export const cholesky = (A: Tensor, opts: { upper?: boolean } = {}): Tensor =>
  as('torch.linalg.cholesky', () => run('LinalgCholeskyExBackward0', 'none', (a) => L.cholesky(a, { upper: opts.upper ?? false }), [A]));

/**
 * X with A·X = B (left, the default) or X·A = B. B is a batch of vectors when it is 1-D or has
 * A's shape without the last axis (PyTorch's rule); otherwise matrices (…, n, k). Batches broadcast.
 */
export function solve(A: Tensor, B: Tensor, opts: { left?: boolean } = {}): Tensor {
  return as('torch.linalg.solve', () => {
    const left = opts.left ?? true;
    return run('LinalgSolveExBackward0', 'none', (a, b) => {
      const vector = b.ndim === 1 || (b.ndim === a.ndim - 1 && b.shape.every((d, i) => d === a.shape[i]));
      if (!left) {
        if (vector) throw new ShapeError(`torch.linalg.solve: left=false needs B as matrices (…, k, n), got shape ${showShape(b.shape)}`);
        return swap(L.solve(swap(a), swap(b)));
      }
      if (vector && b.ndim > 1) return np.squeeze(L.solve(a, np.expandDims(b, -1)), -1);
      return L.solve(a, b);
    }, [A, B]);
  });
}
/** torch.linalg.inv: the inverse of each matrix. */
export const inv = (A: Tensor): Tensor =>
  as('torch.linalg.inv', () => run('LinalgInvExBackward0', 'none', (a) => L.inv(a), [A]));
/** torch.linalg.det: the determinant of each matrix. */
export const det = (A: Tensor): Tensor =>
  as('torch.linalg.det', () => run('LinalgDetBackward0', 'none', (a) => L.det(a), [A]));
/** torch.linalg.slogdet: {sign, logabsdet} with det = sign·exp(logabsdet). */
export function slogdet(A: Tensor): {
  /** The sign of the determinant (0 when singular). */
  sign: Tensor;
  /** log |det|. */
  logabsdet: Tensor;
} {
  return as('torch.linalg.slogdet', () => {
    const [sign, logabsdet] = runMany('LinalgSlogdetBackward0', (a) => L.slogdet(a), [A]);
    return { sign: sign!, logabsdet: logabsdet! };
  });
}

/** QR: mode 'reduced' (default), 'complete', or 'r' (Q is then an empty tensor, as PyTorch). */
export function qr(A: Tensor, mode: 'reduced' | 'complete' | 'r' = 'reduced'): {
  /** The orthonormal factor. */
  Q: Tensor;
  /** The upper-triangular factor. */
  R: Tensor;
} {
  return as('torch.linalg.qr', () => {
    if (mode === 'r') {
      const R = run('LinalgQrBackward0', 'none', (a) => L.qr(a, 'r'), [A]);
      return { Q: new Tensor(np.zeros([0], { dtype: A.array.dtype })), R };
    }
    const [Q, R] = runMany('LinalgQrBackward0', (a) => L.qr(a, mode), [A]);
    return { Q: Q!, R: R! };
  });
}

/** Eigenvalues (ascending) and eigenvectors of symmetric matrices, reading only the UPLO triangle (as PyTorch). */
export function eigh(A: Tensor, UPLO: 'L' | 'U' = 'L'): {
  /** Ascending. */
  eigenvalues: Tensor;
  /** One per column. */
  eigenvectors: Tensor;
} {
  return as('torch.linalg.eigh', () => {
    const [eigenvalues, eigenvectors] = runMany('LinalgEighBackward0', (a) => L.eigh(a, { UPLO, symmetrizeInput: false }), [A]);
    return { eigenvalues: eigenvalues!, eigenvectors: eigenvectors! };
  });
}
/** torch.linalg.eigvalsh: the eigenvalues (ascending) of symmetric matrices. */
export const eigvalsh = (A: Tensor, UPLO: 'L' | 'U' = 'L'): Tensor =>
  as('torch.linalg.eigvalsh', () => run('LinalgEighBackward0', 'none', (a) => L.eigvalsh(a, { UPLO, symmetrizeInput: false }), [A]));

/** A = U·diag(S)·Vh; fullMatrices (default true, as PyTorch) gives square U and Vh. */
export function svd(A: Tensor, opts: { fullMatrices?: boolean } = {}): {
  /** The left singular vectors. */
  U: Tensor;
  /** The singular values, descending. */
  S: Tensor;
  /** The right singular vectors, transposed. */
  Vh: Tensor;
} {
  return as('torch.linalg.svd', () => {
    const [U, S, Vh] = runMany('LinalgSvdBackward0', (a) => L.svd(a, { fullMatrices: opts.fullMatrices ?? true }), [A]);
    return { U: U!, S: S!, Vh: Vh! };
  });
}
/** torch.linalg.svdvals: the singular values, descending. */
export const svdvals = (A: Tensor): Tensor =>
  as('torch.linalg.svdvals', () => run('LinalgSvdBackward0', 'none', (a) => L.svdvals(a), [A]));

/**
 * Least squares by the SVD (PyTorch's 'gelsd' driver): {solution, residuals, rank, singularValues}
 * for A (…, m, n) and B (…, m, k) with A's batch dimensions (or B (m,) with a 2-D A); residuals
 * are the squared residual norms.
 */
export function lstsq(A: Tensor, B: Tensor, opts: { rcond?: number | null } = {}): {
  /** The least-squares solution. */
  solution: Tensor;
  /** The squared residual norms. */
  residuals: Tensor;
  /** The numerical rank of A. */
  rank: Tensor;
  /** A's singular values. */
  singularValues: Tensor;
} {
  return as('torch.linalg.lstsq', () => {
    const [solution, residuals, rank, singularValues] = runMany('LinalgLstsqBackward0', (a, b) => lstsqBatched('torch.linalg.lstsq', checkMatrix('torch.linalg.lstsq', a, false), b, opts.rcond ?? null), [A, B]);
    return { solution: solution!, residuals: residuals!, rank: rank!, singularValues: singularValues! };
  });
}
/** The pseudo-inverse by the SVD; singular values at most rtol·s_max are dropped. */
export const pinv = (A: Tensor, opts: { rtol?: number } = {}): Tensor =>
  as('torch.linalg.pinv', () => run('LinalgPinvBackward0', 'none', (a) => L.pinv(a, opts), [A]));
/** torch.linalg.matrix_power: Aⁿ by repeated squaring (n < 0 inverts first). */
export const matrixPower = (A: Tensor, n: number): Tensor =>
  as('torch.linalg.matrixPower', () => run('LinalgMatrixPowerBackward0', 'none', (a) => L.matrixPower(a, n), [A]));
/** The numerical rank: singular values above `tol` (default s_max·max(m, n)·eps). */
export const matrixRank = (A: Tensor, opts: { tol?: number } = {}): Tensor =>
  as('torch.linalg.matrixRank', () => new Tensor(L.matrixRank(A.array, opts.tol ?? null)));

/** torch.linalg.norm: vector norms over one dim, matrix norms over two (ord and dim as PyTorch; defaults as NumPy's norm). */
export function norm(A: Tensor, ord: NormOrder = null, dim: number | readonly [number, number] | null = null, keepdim = false): Tensor {
  return as('torch.linalg.norm', () => {
    return run('LinalgVectorNormBackward0', 'none', (a) => L.norm(a, ord, dim, keepdim), [A]);
  });
}
/** The vector norm over all elements (dim null) or the given dims; ord 2 by default. */
export const vectorNorm = (x: Tensor, ord = 2, dim: number | readonly number[] | null = null, keepdim = false): Tensor =>
  as('torch.linalg.vectorNorm', () => run('LinalgVectorNormBackward0', 'none', (a) => L.vectorNorm(a, { ord, axis: dim, keepdims: keepdim }), [x]));
/** The matrix norm over `dim` (the last two axes by default); ord 'fro' by default. */
export const matrixNorm = (A: Tensor, ord: NormOrder = 'fro', dim: readonly [number, number] = [-2, -1], keepdim = false): Tensor =>
  as('torch.linalg.matrixNorm', () => run('LinalgMatrixNormBackward0', 'none', (a) => L.norm(a, ord, dim, keepdim), [A]));
