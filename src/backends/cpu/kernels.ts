// The CPU backend's kernel table: every array primitive's kernel, beside the buffer type they share.
// The backend object (index.ts) runs these one at a time; the jit compiler (compile/) calls them from
// generated programs, so both import this file and neither imports the other's.
import { ShapedArray } from '../../core/aval.js';
import { DeviceBuffer } from '../../core/backend.js';
import { TypedArray } from '../../core/dtype.js';
import { ArrayPrimitive, elementwiseRows, ElementwisePrimitive, Params } from '../../core/primitives.js';
import { elementwiseKernel as ew } from './elementwise.js';
import { dotGeneral } from './matmul.js';
import { convGeneralDilated } from './conv.js';
import { reduceWindowMax, reduceWindowMin, reduceWindowSum, selectAndGatherAdd, selectAndScatterAdd } from './window.js';
import { broadcastInDim, concatenate, iota, pad, reshape, rev, slice, transpose } from './movement.js';
import { gather, scatterAdd } from './indexing.js';
import { threefry2x32 } from './random.js';
import { fft } from './fft.js';
import { argmax, argmin, reduceKernel } from './reduce.js';
import { sort } from './sort.js';
import { cholesky, eigh, lu, qr, svd, triangularSolve } from './linalg.js';

/** A CPU buffer is a typed array of the aval's dtype, row-major and contiguous. */
export interface CpuBuffer extends DeviceBuffer {
  readonly backend: 'cpu';
  readonly data: TypedArray;
}

/**
 * A kernel: contiguous row-major inputs in, freshly allocated outputs of `outAvals` out. A kernel
 * never writes into an input; it may return an input unchanged (reshape), since arrays are immutable.
 */
export type CpuKernel<P extends ArrayPrimitive> = (
  inputs: readonly TypedArray[], params: Params<P>, inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[],
) => TypedArray[];

/**
 * Every array primitive's kernel: the elementwise ones generated from the expression table
 * (expressions.ts), the structural ones written by hand, in catalog order (src/core/primitives.ts).
 */
export const cpuKernels: { [P in ArrayPrimitive]: CpuKernel<P> } = {
  ...elementwiseRows<{ [P in ElementwisePrimitive]: CpuKernel<P> }>(ew),

  reduce_sum: reduceKernel('reduce_sum'), reduce_max: reduceKernel('reduce_max'),
  reduce_min: reduceKernel('reduce_min'), reduce_prod: reduceKernel('reduce_prod'),

  iota,
  argmax, argmin,
  broadcast_in_dim: broadcastInDim,
  reshape,
  transpose,
  slice,
  pad,
  concatenate,
  rev,
  gather,
  scatter_add: scatterAdd,
  sort,
  dot_general: dotGeneral,
  conv_general_dilated: convGeneralDilated,
  reduce_window_sum: reduceWindowSum, reduce_window_max: reduceWindowMax, reduce_window_min: reduceWindowMin,
  select_and_gather_add: selectAndGatherAdd, select_and_scatter_add: selectAndScatterAdd,
  fft,
  threefry2x32,
  cholesky, triangular_solve: triangularSolve, lu, qr, eigh, svd,
};

/**
 * Storage that something besides one array may read: a typed array the user handed in (no copy
 * was made), or one a kernel returned as-is (reshape). A donated input on such storage is copied
 * before a compiled program writes into it, so no other array changes under the user.
 */
export const sharedStorage = new WeakSet<ArrayBufferLike>();
