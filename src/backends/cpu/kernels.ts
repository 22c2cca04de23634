// The CPU backend's kernel table: every array primitive's kernel, beside the buffer type they share.
// The backend object (index.ts) runs these one at a time; the jit compiler (compile/) calls them from
// generated programs, so both import this file and neither imports the other's.
import { ShapedArray } from '../../core/aval.js';
import { DeviceBuffer } from '../../core/backend.js';
import { allocTyped, computeDtype, DType, TypedArray } from '../../core/dtype.js';
import { decodeF16, encodeF16 } from '../../core/float16.js';
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

/** A CPU buffer is the storage typed array of the aval's dtype (float16: its bits), row-major and contiguous. */
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

/** Storage of a narrow dtype as its compute dtype's: small ints widen exactly, float16 decodes. */
function widen(x: TypedArray, d: DType): TypedArray {
  switch (d) {
    case 'int8': case 'int16': return Int32Array.from(x);
    case 'uint8': case 'uint16': return Uint32Array.from(x);
    case 'float16': return decodeF16(x);
    default: return x;
  }
}
/** A compute-dtype result stored narrow: a typed-array store keeps the low bits (wrapping), float16 rounds. */
function narrowTo(x: TypedArray, d: DType): TypedArray {
  if (computeDtype(d) === d) return x;
  if (d === 'float16') return encodeF16(x);
  const out = allocTyped(d, x.length);
  out.set(x);
  return out;
}
const widenAval = (a: ShapedArray): ShapedArray => (computeDtype(a.dtype) === a.dtype ? a : new ShapedArray(a.shape, computeDtype(a.dtype), a.weakType));

/**
 * The narrow dtypes (int8, int16, uint8, uint16, float16) through a kernel written for 32-bit
 * types: operands widen to int32/uint32/float32, the kernel runs, results are stored back narrow.
 * Integer results wrap to the same bits as wrapping every step would (sums, products and
 * matmuls are exact mod 2^32, and max/min/sort/arg* only compare); float16 is computed in
 * float32 and rounded once per result, as XLA's CPU backend does. Kernels that only move bits
 * (reshape, slice, gather, …) and the elementwise loops (which know every dtype) go without it.
 */
function narrowVia32<P extends ArrayPrimitive>(kernel: CpuKernel<P>): CpuKernel<P> {
  return (inputs, params, inAvals, outAvals) => {
    if (inAvals.every((a) => computeDtype(a.dtype) === a.dtype) && outAvals.every((a) => computeDtype(a.dtype) === a.dtype)) return kernel(inputs, params, inAvals, outAvals);
    const outs = kernel(inputs.map((x, i) => widen(x, inAvals[i]!.dtype)), params, inAvals.map(widenAval), outAvals.map(widenAval));
    return outs.map((o, i) => narrowTo(o, outAvals[i]!.dtype));
  };
}
const n32 = narrowVia32;

/**
 * Every array primitive's kernel: the elementwise ones generated from the expression table
 * (expressions.ts), the structural ones written by hand, in catalog order (src/core/primitives.ts).
 */
export const cpuKernels: { [P in ArrayPrimitive]: CpuKernel<P> } = {
  ...elementwiseRows<{ [P in ElementwisePrimitive]: CpuKernel<P> }>(ew),

  reduce_sum: n32(reduceKernel('reduce_sum')), reduce_max: n32(reduceKernel('reduce_max')),
  reduce_min: n32(reduceKernel('reduce_min')), reduce_prod: n32(reduceKernel('reduce_prod')),

  iota: n32(iota),
  argmax: n32(argmax), argmin: n32(argmin),
  broadcast_in_dim: broadcastInDim,
  reshape,
  transpose,
  slice,
  pad,
  concatenate,
  rev,
  gather,
  scatter_add: n32(scatterAdd),
  sort: n32(sort),
  dot_general: n32(dotGeneral),
  conv_general_dilated: n32(convGeneralDilated),
  reduce_window_sum: n32(reduceWindowSum), reduce_window_max: n32(reduceWindowMax), reduce_window_min: n32(reduceWindowMin),
  select_and_gather_add: n32(selectAndGatherAdd), select_and_scatter_add: n32(selectAndScatterAdd),
  fft: n32(fft),
  threefry2x32,
  cholesky: n32(cholesky), triangular_solve: n32(triangularSolve), lu: n32(lu), qr: n32(qr), eigh: n32(eigh), svd: n32(svd),
};


/**
 * Storage that something besides one array may read: a typed array the user handed in (no copy
 * was made), or one a kernel returned as-is (reshape). A donated input on such storage is copied
 * before a compiled program writes into it, so no other array changes under the user.
 */
export const sharedStorage = new WeakSet<ArrayBufferLike>();
