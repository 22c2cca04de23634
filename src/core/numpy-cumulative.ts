// Cumulative and difference functions (cumsum, cumprod, cummax, cummin and their nan forms, diff,
// ediff1d, trapezoid), searchsorted, bincount and polynomials, over lax's associative scan and
// the indexing primitives, so all of them differentiate where NumPy's math does.
import { convolve } from './numpy-conv.js';
import { ArrayLike, NDArray } from './array.js';
import { DType, isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import * as laxScan from './lax-scan.js';
import { concatenate } from './numpy-shape.js';
import { axisOf, checkDtype, convertTo, describe, hostValueOrNull, resultType, toArray, toFloatType } from './numpy-util.js';
import { add, multiply } from './numpy.js';
import { showShape } from './shape.js';

const c = (x: NDArray, v: number): NDArray => lax.full(x.shape, v, x.dtype, x.weakType);

/** Options of the cumulative functions. */
export interface CumulativeOptions {
  /** The axis accumulated along (null or missing: the flattened array). */
  axis?: number | null;
  /** The dtype of the result. */
  dtype?: DType;
}
function cumulative(op: string, kind: 'cumsum' | 'cumprod' | 'cummax' | 'cummin', x: ArrayLike, o: CumulativeOptions | number | null | undefined, nanFill?: number): NDArray {
  const opts: CumulativeOptions = typeof o === 'number' || o === null ? { axis: o } : o ?? {};
  let a = toArray(op, x);
  if (opts.axis === undefined || opts.axis === null) a = lax.reshape(a, [a.size]);
  const axis = a.ndim === 0 ? 0 : axisOf(op, opts.axis ?? 0, a.ndim);
  if (a.ndim === 0) a = lax.reshape(a, [1]);
  const dtype = opts.dtype !== undefined ? checkDtype(op, opts.dtype) : a.dtype === 'bool' && (kind === 'cumsum' || kind === 'cumprod') ? 'int32' : a.dtype;
  a = convertTo(a, { dtype, weakType: false });
  if (nanFill !== undefined && isFloat(a.dtype)) a = lax.select(lax.ne(a, a), c(a, nanFill), a);
  return laxScan[kind](a, axis);
}
type CumArg = CumulativeOptions | number | null;
/** Running sums along an axis (of the flattened array when axis is null, the default); bools sum as int32. */
export const cumsum = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('cumsum', 'cumsum', x, opts);
/** `np.cumprod`: cumulative product along `axis`. */
export const cumprod = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('cumprod', 'cumprod', x, opts);
/** The running maximum along `axis`. */
export const cummax = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('cummax', 'cummax', x, opts);
/** The running minimum along `axis`. */
export const cummin = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('cummin', 'cummin', x, opts);
/** The same as cumsum (NumPy 2's name). */
export const cumulativeSum = cumsum;
/** The same as cumprod (NumPy 2's name). */
export const cumulativeProd = cumprod;
/** cumsum/cumprod with NaNs counted as 0/1. */
export const nancumsum = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('nancumsum', 'cumsum', x, opts, 0);
/** `np.nancumprod`: cumulative product treating NaN as 1. */
export const nancumprod = (x: ArrayLike, opts?: CumArg): NDArray => cumulative('nancumprod', 'cumprod', x, opts, 1);

function sliceAxis(x: NDArray, axis: number, start: number, stop: number): NDArray {
  return lax.slice(x, x.shape.map((_, i) => (i === axis ? start : 0)), x.shape.map((d, i) => (i === axis ? stop : d)));
}

/** Options of np.diff. */
export interface DiffOptions {
  /** The axis differenced (−1). */
  axis?: number;
  /** Values put before the array along the axis first. */
  prepend?: ArrayLike;
  /** Values put after the array along the axis first. */
  append?: ArrayLike;
}
/** The n-th forward difference out[i] = x[i+1] − x[i] along axis (default −1), optionally after prepending/appending values. */
export function diff(x: ArrayLike, n = 1, opts: DiffOptions = {}): NDArray {
  let a = toArray('diff', x);
  if (a.ndim === 0) throw new ShapeError('diff: requires an input that is at least one dimensional, got a scalar');
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`diff: order must be a non-negative integer, got ${describe(n)}`);
  const axis = axisOf('diff', opts.axis ?? -1, a.ndim);
  const edge = (v: ArrayLike): NDArray => {
    const e = toArray('diff', v);
    if (e.ndim === 0) return lax.broadcastInDim(e, a.shape.map((d, i) => (i === axis ? 1 : d)), []);
    return e;
  };
  const parts = [...(opts.prepend !== undefined ? [edge(opts.prepend)] : []), a, ...(opts.append !== undefined ? [edge(opts.append)] : [])];
  if (parts.length > 1) a = concatenate(parts, axis);
  const isBool = a.dtype === 'bool';
  for (let k = 0; k < n; k++) {
    const m = a.shape[axis]!;
    if (m === 0) break;
    const hi = sliceAxis(a, axis, 1, m), lo = sliceAxis(a, axis, 0, m - 1);
    a = isBool ? lax.ne(hi, lo) : lax.sub(hi, lo);
  }
  return a;
}
/** Differences of the flattened array, with optional values before and after. */
export function ediff1d(x: ArrayLike, opts: { toEnd?: ArrayLike; toBegin?: ArrayLike } = {}): NDArray {
  const a = toArray('ediff1d', x);
  const flat = lax.reshape(a, [a.size]);
  const d = a.size === 0 ? flat : lax.sub(sliceAxis(flat, 0, 1, a.size), sliceAxis(flat, 0, 0, a.size - 1));
  const ravel = (v: ArrayLike) => { const e = convertTo(toArray('ediff1d', v), { dtype: d.dtype, weakType: false }); return lax.reshape(e, [e.size]); };
  const parts = [...(opts.toBegin !== undefined ? [ravel(opts.toBegin)] : []), d, ...(opts.toEnd !== undefined ? [ravel(opts.toEnd)] : [])];
  return parts.length > 1 ? lax.concatenate(parts, 0) : d;
}
/** ∫ y dx by the trapezoidal rule along axis (default −1): sample points x, or a uniform spacing dx. */
export function trapezoid(y: ArrayLike, opts: { x?: ArrayLike; dx?: number; axis?: number } = {}): NDArray {
  const a0 = toArray('trapezoid', y);
  const a = convertTo(a0, toFloatType(a0));
  const axis = axisOf('trapezoid', opts.axis ?? -1, a.ndim);
  const n = a.shape[axis]!;
  if (n < 2) return lax.reduceSum(lax.mul(a, c(a, 0)), [axis]);
  const mids = lax.mul(lax.add(sliceAxis(a, axis, 1, n), sliceAxis(a, axis, 0, n - 1)), c(sliceAxis(a, axis, 1, n), 0.5));
  if (opts.x === undefined) return lax.mul(lax.reduceSum(mids, [axis]), lax.full(mids.shape.filter((_, i) => i !== axis), opts.dx ?? 1, mids.dtype));
  const xs = toArray('trapezoid', opts.x);
  const dx = xs.ndim === 1 ? diff(xs) : diff(xs, 1, { axis });
  const dxb = xs.ndim === 1 ? lax.broadcastInDim(convertTo(dx, resultType([dx, mids])), mids.shape, [axis]) : dx;
  return lax.reduceSum(multiply(mids, dxb), [axis]);
}

/**
 * Insertion points: for each v the first i with v ≤ a[i] (side 'left') or v < a[i] ('right') in the
 * ascending 1-d a, by ⌈log2(n + 1)⌉ halvings of [low, high) for all queries at once (JAX's 'scan').
 */
export function searchsorted(sorted: ArrayLike, values: ArrayLike, opts: { side?: 'left' | 'right' } = {}): NDArray {
  const s0 = toArray('searchsorted', sorted);
  if (s0.ndim !== 1) throw new ShapeError(`searchsorted: the sorted array must be 1-d, got shape ${showShape(s0.shape)}`);
  const side = opts.side ?? 'left';
  if (side !== 'left' && side !== 'right') throw new TypeError(`searchsorted: side must be 'left' or 'right', got ${describe(side)}`);
  const t = resultType([s0, toArray('searchsorted', values)]);
  const sortedT = convertTo(s0, t), query = convertTo(toArray('searchsorted', values), t);
  const n = sortedT.shape[0]!, shape = query.shape;
  const u32 = (v: number) => lax.full(shape, v, 'uint32');
  let low = u32(0), high = u32(n);
  if (n === 0) return lax.full(shape, 0, 'int32');
  for (let level = 0; level < Math.ceil(Math.log2(n + 1)); level++) {
    const mid = lax.shiftRightLogical(lax.add(low, high), u32(1));
    const at = lax.gather(sortedT, lax.min(mid, u32(n - 1)), 0);
    const goLeft = side === 'left' ? lax.le(query, at) : lax.lt(query, at);
    const stop = lax.ge(mid, high);
    low = lax.select(lax.or(goLeft, stop), low, lax.add(mid, u32(1)));
    high = lax.select(lax.and(goLeft, lax.not(stop)), mid, high);
  }
  return lax.convertElementType(low, 'int32');
}

/**
 * Counts of each value 0, 1, … in a 1-d array of non-negative ints (with weights: their sums);
 * the length is max(x) + 1 (read now, so x must be concrete) or `length` if given (then traced
 * input works, and larger values are dropped), at least minlength.
 */
export function bincount(x: ArrayLike, opts: { weights?: ArrayLike; minlength?: number; length?: number } = {}): NDArray {
  const a = toArray('bincount', x);
  if (a.ndim !== 1 || isFloat(a.dtype)) throw new ShapeError(`bincount: expected a 1-d array of non-negative integers, got ${a.aval.str()}`);
  let length = opts.length;
  if (length === undefined) {
    const host = hostValueOrNull(a);
    if (!host) throw new TypeError('bincount: the result length depends on the values; pass {length} to use it on traced or non-CPU arrays');
    const v = Array.from(host.dataSync(), Number);
    if (v.some((e) => e < 0)) throw new RangeError(`bincount: x must be non-negative, got a minimum of ${Math.min(...v)}`);
    length = Math.max(opts.minlength ?? 0, v.length ? Math.max(...v) + 1 : 0);
  }
  const w = opts.weights === undefined ? lax.full(a.shape, 1, 'int32') : toArray('bincount', opts.weights);
  if (w.shape.join() !== a.shape.join()) throw new ShapeError(`bincount: weights must have x's shape ${showShape(a.shape)}, got ${showShape(w.shape)}`);
  const wt = w.dtype === 'bool' ? lax.convertElementType(w, 'int32') : w;
  return lax.scatterAdd(lax.full([length], 0, wt.dtype), lax.convertElementType(a, 'int32'), wt, 0);
}

// ---- polynomials (coefficients highest power first, as NumPy's poly* functions) -----------------------
/** p[0]·x^(n−1) + … + p[n−1] by Horner's rule. */
export function polyval(p: ArrayLike, x: ArrayLike): NDArray {
  const pa = toArray('polyval', p), xa = toArray('polyval', x);
  if (pa.ndim !== 1) throw new ShapeError(`polyval: coefficients must be 1-d, got shape ${showShape(pa.shape)}`);
  let acc: NDArray = multiply(xa, 0);
  for (let i = 0; i < pa.shape[0]!; i++) acc = add(multiply(acc, xa), lax.reshape(sliceAxis(pa, 0, i, i + 1), []));
  return acc;
}
const padFront = (a: NDArray, n: number): NDArray => (n > 0 ? lax.pad(a, lax.scalar(0, a.dtype), [[n, 0, 0]]) : a);
function polyPair(op: string, a: ArrayLike, b: ArrayLike): [NDArray, NDArray] {
  const [x, y] = [toArray(op, a), toArray(op, b)].map((v) => (v.dtype === 'bool' ? lax.convertElementType(v, 'int32') : v)) as [NDArray, NDArray];
  if (x.ndim !== 1 || y.ndim !== 1) throw new ShapeError(`${op}: coefficients must be 1-d, got shapes ${showShape(x.shape)} and ${showShape(y.shape)}`);
  const t = resultType([x, y]);
  return [convertTo(x, t), convertTo(y, t)];
}
/** The sum of two polynomials (coefficients, highest power first). */
export function polyadd(a: ArrayLike, b: ArrayLike): NDArray {
  const [x, y] = polyPair('polyadd', a, b);
  const n = Math.max(x.shape[0]!, y.shape[0]!);
  return lax.add(padFront(x, n - x.shape[0]!), padFront(y, n - y.shape[0]!));
}
/** The difference of two polynomials. */
export function polysub(a: ArrayLike, b: ArrayLike): NDArray {
  const [x, y] = polyPair('polysub', a, b);
  const n = Math.max(x.shape[0]!, y.shape[0]!);
  return lax.sub(padFront(x, n - x.shape[0]!), padFront(y, n - y.shape[0]!));
}
// np.convolve lives in numpy-conv.ts (one conv_general_dilated: linear time per output, any backend).
/** The product of two polynomials. */
export const polymul = (a: ArrayLike, b: ArrayLike): NDArray => convolve(a, b, 'full');
/** The m-th derivative's coefficients. */
export function polyder(p: ArrayLike, m = 1): NDArray {
  let a = toArray('polyder', p);
  for (let k = 0; k < m; k++) {
    const n = a.shape[0]!;
    if (n <= 1) return lax.full([0], 0, a.dtype);
    const powers = lax.convertElementType(lax.sub(lax.full([n - 1], n - 1, 'int32'), lax.iota('int32', [n - 1], 0)), a.dtype === 'bool' ? 'int32' : a.dtype);
    a = multiply(sliceAxis(a, 0, 0, n - 1), powers);
  }
  return a;
}
/** The m-th antiderivative's coefficients (integration constants k, default 0). */
export function polyint(p: ArrayLike, m = 1, k: number = 0): NDArray {
  const a0 = toArray('polyint', p);
  let a = convertTo(a0, toFloatType(a0));
  for (let s = 0; s < m; s++) {
    const n = a.shape[0]!;
    const divisors = lax.sub(lax.full([n], n, a.dtype), lax.convertElementType(lax.iota('int32', [n], 0), a.dtype));
    a = lax.concatenate([lax.div(a, divisors), lax.full([1], k, a.dtype)], 0);
  }
  return a;
}
