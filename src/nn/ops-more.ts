// More torch.* operations over np: cumsum/cumprod, einsum, and the cat/stack variants.
import * as np from '../core/np.js';
import { RuntimeError } from './autograd.js';
import { cat, run } from './ops.js';
import type { Tensor } from './tensor.js';

const dimOf = (dim: number, ndim: number, op: string): number => {
  const n = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -n || dim >= n) throw new RuntimeError(`${op}: Dimension out of range (expected to be in range of [${-n}, ${n - 1}], but got ${dim})`);
  return dim < 0 ? dim + n : dim;
};
/** Running sums along dim (bools and ints sum in int32). */
export const cumsum = (x: Tensor, dim: number): Tensor => run('CumsumBackward0', 'none', (a) => (a.ndim === 0 ? a : np.cumsum(a, dimOf(dim, a.ndim, 'cumsum'))), [x]);
/** Running products along dim. */
export const cumprod = (x: Tensor, dim: number): Tensor => run('CumprodBackward0', 'inputs', (a) => (a.ndim === 0 ? a : np.cumprod(a, dimOf(dim, a.ndim, 'cumprod'))), [x]);
/**
 * Einstein summation over tensors (np.einsum's subscripts, greedy contraction order).
 *
 * @example
 * const attn = torch.einsum('bqd,bkd->bqk', q, k);
 */
export function einsum(equation: string, ...operands: (Tensor | readonly Tensor[])[]): Tensor {
  const ts = operands.length === 1 && Array.isArray(operands[0]) ? (operands[0] as Tensor[]) : (operands as Tensor[]);
  return run('EinsumBackward0', 'inputs', (...as) => np.einsum(equation, ...as), ts);
}
/** The same as torch.cat. */
export const concat = cat;
/** The same as torch.cat. */
export const concatenate = cat;
const atLeast = (x: Tensor, k: 1 | 2 | 3): Tensor => {
  if (x.ndim >= k) return x;
  const f = k === 1 ? np.atleast1d : k === 2 ? np.atleast2d : np.atleast3d;
  return run('ViewBackward0', 'none', (a) => f(a), [x]);
};
/** Stacked horizontally (along dim 1; dim 0 for 1-d tensors). */
export const hstack = (xs: readonly Tensor[]): Tensor => { const ts = xs.map((x) => atLeast(x, 1)); return cat(ts, ts[0]?.ndim === 1 ? 0 : 1); };
/** Stacked vertically (along dim 0 of at-least-2-d tensors). */
export const vstack = (xs: readonly Tensor[]): Tensor => cat(xs.map((x) => atLeast(x, 2)), 0);
/** The same as vstack. */
export const rowStack = vstack;
/** Stacked depth-wise (along dim 2 of at-least-3-d tensors). */
export const dstack = (xs: readonly Tensor[]): Tensor => cat(xs.map((x) => atLeast(x, 3)), 2);
/** 1-d tensors as columns, stacked along dim 1. */
export const columnStack = (xs: readonly Tensor[]): Tensor =>
  cat(xs.map((x) => (x.ndim < 2 ? run('ViewBackward0', 'none', (a) => np.reshape(a, [a.size, 1]), [x]) : x)), 1);
