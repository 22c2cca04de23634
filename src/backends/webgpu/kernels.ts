// The WebGPU backend's kernel table: every array primitive's WGSL kernel (a plan builder).
// The backend object (index.ts) runs them eagerly; the jit compiler (compile/) splices them into
// programs, so both import this file and neither imports the other.
import { ArrayPrimitive, elementwiseRows, ElementwisePrimitive } from '../../core/primitives.js';
import { convGeneralDilated } from './conv.js';
import { reduceWindowMax, reduceWindowMin, reduceWindowSum, selectAndGatherAdd, selectAndScatterAdd } from './window.js';
import { elementwiseKernel as ew } from './elementwise.js';
import { gather, scatterAdd } from './indexing.js';
import { dotGeneral } from './matmul.js';
import { broadcastInDim, concatenate, iota, pad, reshape, rev, slice, transpose } from './movement.js';
import { threefry2x32 } from './random.js';
import { fft } from './fft.js';
import { argmax, argmin, reduceKernel } from './reduce.js';
import { sort } from './sort.js';
import { cholesky, eigh, lu, qr, svd, triangularSolve } from './linalg.js';
import type { WebGpuKernel } from './wgsl.js';

/**
 * Every array primitive's kernel, as the CPU's table: the elementwise ones generated from the WGSL
 * expression table (elementwise.ts), the structural ones written by hand, in catalog order.
 */
export const webgpuKernels: { [P in ArrayPrimitive]: WebGpuKernel<P> } = {
  ...elementwiseRows<{ [P in ElementwisePrimitive]: WebGpuKernel<P> }>(ew),

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
