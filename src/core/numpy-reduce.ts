// Reductions: sum, mean, max, min, prod, argmax/argmin, var/std, any/all. Each takes either an
// options object `{axis, keepdims}` or a bare axis (number, list, or null for all axes); negative
// axes count from the end.
import { ArrayLike, NDArray } from './array.js';
import { computeDtype, DType, isSmallInt, TypeInfo } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { Axis, axesOf, axisOf, checkDtype, constant, convertTo, describe, toArray, toFloatType } from './numpy-util.js';
import { showShape, sizeOf } from './shape.js';

/** Options of the reductions, as NumPy's keywords. */
export interface ReduceOptions {
  /** The axis or axes reduced (all by default; negative counts from the end). */
  axis?: Axis;
  /** Keep the reduced axes as size 1. */
  keepdims?: boolean;
  /** Accumulate in (and return) this dtype instead of the default. */
  dtype?: DType;
}
/** What a reduction takes as options: ReduceOptions, or just the axis (a number, list, or null for all). */
export type ReduceArg = ReduceOptions | number | readonly number[] | null;

function parse(op: string, opts: ReduceArg | undefined): ReduceOptions {
  if (opts === undefined || opts === null) return {};
  if (typeof opts === 'number' || Array.isArray(opts)) return { axis: opts as Axis };
  if (typeof opts === 'object') return opts as ReduceOptions;
  throw new TypeError(`${op}: expected an axis or {axis, keepdims}, got ${describe(opts)}`);
}

/** Puts the reduced axes back as size-1 axes when keepdims is set. */
function keep(out: NDArray, inShape: readonly number[], axes: readonly number[], keepdims: boolean | undefined): NDArray {
  return keepdims ? lax.reshape(out, inShape.map((d, i) => (axes.includes(i) ? 1 : d))) : out;
}

/**
 * Sums and products accumulate bools as int32 and the narrow integers in the default width
 * (int8/int16 → int32, uint8/uint16 → uint32: JAX's promote_integers), everything else in its own
 * dtype (float16 sums are computed in float32 by every backend and rounded once).
 */
const sumType = (x: NDArray): TypeInfo => (x.dtype === 'bool' ? { dtype: 'int32', weakType: x.weakType } : isSmallInt(x.dtype) ? { dtype: computeDtype(x.dtype), weakType: x.weakType } : { dtype: x.dtype, weakType: x.weakType });

function prepare(op: string, x: ArrayLike, opts: ReduceArg | undefined, typeOf: (x: NDArray) => TypeInfo) {
  const o = parse(op, opts);
  const a0 = toArray(op, x);
  const a = convertTo(a0, o.dtype !== undefined ? { dtype: checkDtype(op, o.dtype), weakType: false } : typeOf(a0));
  return { a, axes: axesOf(op, o.axis, a.ndim), keepdims: o.keepdims };
}

/**
 * `np.sum`: the sum over `axis` (all axes by default); bools count as ints.
 *
 * @example
 * np.sum(np.array([[1, 2], [3, 4]]), { axis: 0 }); // Array([4., 6.], dtype=float32)
 */
export function sum(x: ArrayLike, opts?: ReduceArg): NDArray {
  const { a, axes, keepdims } = prepare('sum', x, opts, sumType);
  return keep(lax.reduceSum(a, axes), a.shape, axes, keepdims);
}
/** `np.prod`: the product over `axis`. */
export function prod(x: ArrayLike, opts?: ReduceArg): NDArray {
  const { a, axes, keepdims } = prepare('prod', x, opts, sumType);
  return keep(lax.reduceProd(a, axes), a.shape, axes, keepdims);
}
/** sum / count, in float32 for integer and bool input (NaN for an empty reduction, as 0/0). */
export function mean(x: ArrayLike, opts?: ReduceArg): NDArray {
  const { a: a16, axes, keepdims } = prepare('mean', x, opts, (a) => toFloatType(a));
  // float16 is averaged in float32 and rounded once (JAX's upcast_f16_for_computation).
  const a = a16.dtype === 'float16' ? lax.convertElementType(a16, 'float32', a16.weakType) : a16;
  const count = sizeOf(axes.map((i) => a.shape[i]!));
  const s = lax.reduceSum(a, axes);
  const m = lax.div(s, lax.broadcastInDim(constant(count, s.dtype, s.weakType, s), s.shape, []));
  return keep(a16.dtype === 'float16' ? lax.convertElementType(m, 'float16', a16.weakType) : m, a.shape, axes, keepdims);
}

function extremum(op: 'max' | 'min', x: ArrayLike, opts: ReduceArg | undefined): NDArray {
  const { a, axes, keepdims } = prepare(op, x, opts, (a) => ({ dtype: a.dtype, weakType: a.weakType }));
  const empty = axes.find((i) => a.shape[i] === 0);
  if (empty !== undefined) {
    throw new ShapeError(`${op}: zero-size reduction along axis ${empty} of an array of shape ${showShape(a.shape)}: the ${op === 'max' ? 'maximum' : 'minimum'} of no elements is undefined`);
  }
  return keep(op === 'max' ? lax.reduceMax(a, axes) : lax.reduceMin(a, axes), a.shape, axes, keepdims);
}
/** `np.max`: the largest element over `axis` (NaN wins). */
export const max = (x: ArrayLike, opts?: ReduceArg): NDArray => extremum('max', x, opts);
/** `np.min`: the smallest element over `axis` (NaN wins). */
export const min = (x: ArrayLike, opts?: ReduceArg): NDArray => extremum('min', x, opts);
/** The same as `np.max`. */
export const amax = max;
/** The same as `np.min`. */
export const amin = min;

/** Options of argmax/argmin. */
export interface ArgReduceOptions {
  /** One axis (null or missing: the flattened array). */
  axis?: number | null;
  /** Keep the reduced axis as size 1. */
  keepdims?: boolean;
}
/** Index of the first maximum (minimum) along an axis, or in the flattened array when axis is null; int32. */
function argExtremum(op: 'argmax' | 'argmin', x: ArrayLike, opts: ArgReduceOptions | number | null | undefined): NDArray {
  const o: ArgReduceOptions = typeof opts === 'number' || opts === null ? { axis: opts } : opts ?? {};
  if (o.axis !== undefined && o.axis !== null && typeof o.axis !== 'number') throw new TypeError(`${op}: axis must be one integer or null, got ${describe(o.axis)}`);
  const a = toArray(op, x);
  const flat = o.axis === undefined || o.axis === null;
  const b = flat ? lax.reshape(a, [a.size]) : a;
  const axis = flat ? 0 : axisOf(op, o.axis, a.ndim);
  if (b.shape[axis] === 0) throw new ShapeError(`${op}: attempt to get ${op} of an empty sequence (axis ${axis} of an array of shape ${showShape(a.shape)} has size 0)`);
  const out = op === 'argmax' ? lax.argmax(b, axis) : lax.argmin(b, axis);
  if (!o.keepdims) return out;
  return lax.reshape(out, flat ? a.shape.map(() => 1) : a.shape.map((d, i) => (i === axis ? 1 : d)));
}
/** `np.argmax`: the first index of the maximum over `axis` (flattened by default; NaN counts as the maximum). */
export const argmax = (x: ArrayLike, opts?: ArgReduceOptions | number | null): NDArray => argExtremum('argmax', x, opts);
/** `np.argmin`: the first index of the minimum over `axis`. */
export const argmin = (x: ArrayLike, opts?: ArgReduceOptions | number | null): NDArray => argExtremum('argmin', x, opts);

/** Options of var/std: ddof (0, as NumPy) besides axis and keepdims. */
export interface VarianceOptions extends ReduceOptions {
  /** Delta degrees of freedom: the divisor is n − ddof (0: population variance, 1: sample variance). */
  ddof?: number;
}
/** Mean squared deviation from the mean, Σ(x − x̄)² / (n − ddof), in float32 for integer input. */
export function variance(x: ArrayLike, opts?: VarianceOptions | number | readonly number[] | null): NDArray {
  const o = parse('var', opts) as VarianceOptions;
  const a0 = toArray('var', x);
  const a = convertTo(a0, o.dtype !== undefined ? { dtype: checkDtype('var', o.dtype), weakType: false } : toFloatType(a0));
  const axes = axesOf('var', o.axis, a.ndim);
  const ddof = o.ddof ?? 0;
  if (!Number.isFinite(ddof)) throw new TypeError(`var: ddof must be a finite number, got ${describe(ddof)}`);
  const n = sizeOf(axes.map((i) => a.shape[i]!));
  const centered = lax.sub(a, lax.broadcastInDim(mean(a, { axis: axes, keepdims: true }), a.shape, a.shape.map((_, i) => i)));
  const ss = lax.reduceSum(lax.mul(centered, centered), axes);
  const out = lax.div(ss, lax.broadcastInDim(constant(Math.max(0, n - ddof), ss.dtype, ss.weakType, ss), ss.shape, []));
  return keep(out, a.shape, axes, o.keepdims);
}
export { variance as var };
/** √var. */
export function std(x: ArrayLike, opts?: VarianceOptions | number | readonly number[] | null): NDArray {
  return lax.sqrt(variance(x, opts));
}

/** Whether any (all) elements along the axes are true (nonzero); false (true) for empty reductions. */
function anyAll(op: 'any' | 'all', x: ArrayLike, opts: ReduceArg | undefined): NDArray {
  const o = parse(op, opts);
  const a0 = toArray(op, x);
  const truth = a0.dtype === 'bool' ? a0 : lax.ne(a0, lax.broadcastInDim(constant(0, a0.dtype, false, a0), a0.shape, []));
  const counted = lax.convertElementType(op === 'any' ? truth : lax.not(truth), 'int32');
  const axes = axesOf(op, o.axis, a0.ndim);
  const s = lax.reduceSum(counted, axes);
  const zero = lax.broadcastInDim(constant(0, 'int32', false, s), s.shape, []);
  return keep(op === 'any' ? lax.gt(s, zero) : lax.eq(s, zero), a0.shape, axes, o.keepdims);
}
/** `np.any`: whether any element over `axis` is truthy. */
export const any = (x: ArrayLike, opts?: ReduceArg): NDArray => anyAll('any', x, opts);
/** `np.all`: whether every element over `axis` is truthy. */
export const all = (x: ArrayLike, opts?: ReduceArg): NDArray => anyAll('all', x, opts);
