// Indexing kernels: gather (take along one axis) and scatter_add (its transpose).
import { allocTyped } from '../../core/dtype.js';
import { Shape } from '../../core/shape.js';
import type { CpuKernel } from './kernels.js';

/** x as [pre, n, post] around `axis`: gather and scatter move whole `post`-long rows. */
function around(shape: Shape, axis: number): { pre: number; n: number; post: number } {
  const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
  return { pre: size(shape.slice(0, axis)), n: shape[axis]!, post: size(shape.slice(axis + 1)) };
}

/**
 * out[p, i, q] = x[p, clamp(idx[i], 0, n - 1), q]: every index lands in range, as XLA's gather
 * clamps (the numpy layer wraps negative indices before it gets here). Taking from an empty axis
 * leaves zeros.
 */
export const gather: CpuKernel<'gather'> = ([x, idx], { axis }, [xa], [oa]) => {
  const out = allocTyped(oa!.dtype, oa!.size);
  const { pre, n, post } = around(xa!.shape, axis);
  const ni = idx!.length;
  if (n === 0) return [out];
  for (let p = 0; p < pre; p++) {
    for (let i = 0; i < ni; i++) {
      const raw = idx![i]!;
      const j = raw < 0 ? 0 : raw >= n ? n - 1 : raw;
      const s = (p * n + j) * post, d = (p * ni + i) * post;
      if (post >= 32) out.set(x!.subarray(s, s + post), d);
      else for (let q = 0; q < post; q++) out[d + q] = x![s + q]!;
    }
  }
  return [out];
};

/**
 * out = x, then out[p, idx[i], q] += upd[p, i, q] for every i whose index is in [0, n): indices
 * out of range are dropped (XLA's scatter rule) and repeated indices accumulate. The adds happen in
 * the output dtype one at a time (wrapping for ints, rounding for float32; or for bool).
 */
export const scatterAdd: CpuKernel<'scatter_add'> = ([x, idx, upd], { axis }, [xa], [oa]) => {
  const out = allocTyped(oa!.dtype, oa!.size);
  out.set(x!);
  const { pre, n, post } = around(xa!.shape, axis);
  const ni = idx!.length, isBool = oa!.dtype === 'bool';
  for (let p = 0; p < pre; p++) {
    for (let i = 0; i < ni; i++) {
      const j = idx![i]!;
      if (!(j >= 0 && j < n)) continue;
      const d = (p * n + j) * post, s = (p * ni + i) * post;
      if (isBool) for (let q = 0; q < post; q++) out[d + q] = out[d + q]! | upd![s + q]!;
      else for (let q = 0; q < post; q++) out[d + q] = out[d + q]! + upd![s + q]!;
    }
  }
  return [out];
};
