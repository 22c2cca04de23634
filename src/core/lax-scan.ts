// lax.associativeScan and what it gives: cumulative sums, products, maxima and minima in linear
// work and logarithmic depth, built from slice/pad/select and the combining primitive, so they
// differentiate (cumsum's transpose is a reverse cumsum), batch and run on every backend; and topK.
import { NDArray } from './array.js';
import { isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { showShape } from './shape.js';

type Combine = (a: NDArray, b: NDArray) => NDArray;

/** x[start : stop : step] along one axis. */
function sliceAxis(x: NDArray, axis: number, start: number, stop: number, step = 1): NDArray {
  const n = x.shape[axis]!;
  const lo = Math.min(Math.max(start, 0), n), hi = Math.max(Math.min(stop, n), lo);
  return lax.slice(x, x.shape.map((_, i) => (i === axis ? lo : 0)), x.shape.map((d, i) => (i === axis ? hi : d)), x.shape.map((_, i) => (i === axis ? step : 1)));
}

/** Interleaves evens (positions 0, 2, 4, …) and odds (1, 3, …) along `axis`. */
function interleave(evens: NDArray, odds: NDArray, axis: number): NDArray {
  const ne = evens.shape[axis]!, no = odds.shape[axis]!;
  const n = ne + no;
  const zero = lax.scalar(0, evens.dtype, evens.weakType);
  const cfg = (lo: number, hi: number) => evens.shape.map((_, i): [number, number, number] => (i === axis ? [lo, hi, 1] : [0, 0, 0]));
  const e = lax.pad(evens, zero, cfg(0, n - (2 * ne - 1)));
  const o = lax.pad(odds, lax.scalar(0, odds.dtype, odds.weakType), cfg(1, n - 2 * no));
  const shape = e.shape;
  const even = lax.eq(lax.rem(lax.iota('int32', shape, axis), lax.full(shape, 2, 'int32')), lax.full(shape, 0, 'int32'));
  return lax.select(even, e, o);
}

/**
 * All prefix combinations along `axis`: out[i] = x[0] ∘ x[1] ∘ … ∘ x[i] for an associative ∘
 * (JAX's lax.associative_scan, Blelloch's recursion): combine neighbouring pairs, scan the half-length
 * result (the odd prefixes), then the even prefixes are one more combination each.
 */
export function associativeScan(fn: Combine, x: NDArray, { axis = 0, reverse = false }: { axis?: number; reverse?: boolean } = {}): NDArray {
  const ax = axis < 0 ? axis + x.ndim : axis;
  if (!Number.isInteger(ax) || ax < 0 || ax >= x.ndim) throw new ShapeError(`associativeScan: axis ${axis} is out of range for an array of shape ${showShape(x.shape)}`);
  const scan = (elems: NDArray): NDArray => {
    const n = elems.shape[ax]!;
    if (n < 2) return elems;
    const reduced = fn(sliceAxis(elems, ax, 0, n - 1, 2), sliceAxis(elems, ax, 1, n, 2));
    const odds = scan(reduced);
    const evensTail = n % 2 === 0
      ? fn(sliceAxis(odds, ax, 0, odds.shape[ax]! - 1), sliceAxis(elems, ax, 2, n, 2))
      : fn(odds, sliceAxis(elems, ax, 2, n, 2));
    const evens = lax.concatenate([sliceAxis(elems, ax, 0, 1), evensTail], ax);
    return interleave(evens, odds, ax);
  };
  if (!reverse) return scan(x);
  return lax.rev(scan(lax.rev(x, [ax])), [ax]);
}

// Looked up at call time: lax re-exports this module, so its bindings are not ready while this one loads.
const combine: Record<'sum' | 'prod' | 'max' | 'min', Combine> = {
  sum: (a, b) => lax.add(a, b), prod: (a, b) => lax.mul(a, b), max: (a, b) => lax.max(a, b), min: (a, b) => lax.min(a, b),
};
/** lax.cumsum/cumprod/cummax/cummin: the scan of one primitive along an axis (optionally from the end). */
export const cumulative = (kind: keyof typeof combine) => (x: NDArray, axis = 0, reverse = false): NDArray =>
  associativeScan(combine[kind], x, { axis, reverse });
/** `lax.cumsum(x, axis, reverse?)`: the cumulative sum along `axis`. */
export const cumsum = cumulative('sum');
/** `lax.cumprod`: the cumulative product along `axis`. */
export const cumprod = cumulative('prod');
/** `lax.cummax`: the running maximum along `axis`. */
export const cummax = cumulative('max');
/** `lax.cummin`: the running minimum along `axis`. */
export const cummin = cumulative('min');

/**
 * The k largest entries along the last axis, in descending order, with their indices (ties keep
 * the lower index first): one stable sort by a key that reverses the order (−x for floats, ~x for
 * integers, whose bitwise not reverses both int32 and uint32 order).
 */
export function topK(x: NDArray, k: number): [NDArray, NDArray] {
  if (x.ndim === 0) throw new ShapeError('lax.topK: needs an array with at least one axis, got a scalar');
  const n = x.shape[x.ndim - 1]!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new ShapeError(`lax.topK: k must be an integer in [0, ${n}] (the last axis of ${showShape(x.shape)}), got ${k}`);
  const key = isFloat(x.dtype) ? lax.neg(x) : x.dtype === 'bool' ? lax.not(x) : lax.not(x);
  const idx = lax.iota('int32', x.shape, x.ndim - 1);
  const [, values, indices] = lax.sort([key, x, idx], { dimension: x.ndim - 1, numKeys: 1 });
  const last = x.ndim - 1;
  return [sliceAxis(values!, last, 0, k), sliceAxis(indices!, last, 0, k)];
}
