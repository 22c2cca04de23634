// Sorting: sort, argsort and takeAlongAxis, all from the one `sort` primitive (argsort sorts the
// positions alongside the values), so they differentiate and run on every backend. Sorts are
// stable, and floats order as NumPy's: -inf < … < -0 = +0 < … < inf < NaN.
import { ArrayLike, NDArray } from './array.js';
import { isInteger } from './dtype.js';
import { IndexError, ShapeError } from './errors.js';
import * as lax from './lax.js';
import { axisOf, broadcastToShape, describe, hostValueOrNull, toArray } from './numpy-util.js';
import { showShape } from './shape.js';

/** Options of np.sort and np.argsort. */
export interface SortOptions {
  /** The axis to sort along (default -1, the last); null sorts the flattened array. */
  axis?: number | null;
  /** Largest first. Equal elements still keep their original order (JAX's `descending`). */
  descending?: boolean;
}

/** The array to sort (flattened for axis null) and its axis. */
function prepare(op: string, x: ArrayLike, opts: SortOptions | number | null | undefined): { a: NDArray; axis: number; descending: boolean } {
  const o: SortOptions = typeof opts === 'number' || opts === null ? { axis: opts } : opts ?? {};
  if (typeof o !== 'object') throw new TypeError(`${op}: expected an axis or {axis, descending}, got ${describe(opts)}`);
  const a = toArray(op, x);
  if (o.axis === null) return { a: lax.reshape(a, [a.size]), axis: 0, descending: o.descending ?? false };
  return { a, axis: axisOf(op, o.axis ?? -1, a.ndim), descending: o.descending ?? false };
}

/** A sorted copy along `axis` (default -1; null flattens first), as NumPy's and JAX's `sort`. */
export function sort(x: ArrayLike, opts?: SortOptions | number | null): NDArray {
  const { a, axis, descending } = prepare('sort', x, opts);
  const sorted = lax.sort(a, { dimension: axis });
  return descending ? lax.rev(sorted, [axis]) : sorted;
}

/** The int32 positions that sort `x` along `axis` (default -1; null flattens first); ties keep their order. */
export function argsort(x: ArrayLike, opts?: SortOptions | number | null): NDArray {
  const { a, axis, descending } = prepare('argsort', x, opts);
  let keys = a, positions = lax.iota('int32', a.shape, axis);
  // Descending yet stable (JAX's way): sort the reversed array, then reverse the result, so equal
  // elements, reversed twice, come out in their original order.
  if (descending) { keys = lax.rev(keys, [axis]); positions = lax.rev(positions, [axis]); }
  const order = lax.sort([keys, positions], { dimension: axis, numKeys: 1 })[1]!;
  return descending ? lax.rev(order, [axis]) : order;
}

/**
 * NumPy's take_along_axis: out[..., i, ...] = arr[..., indices[..., i, ...], ...] along `axis`
 * (null: of the flattened arr, with 1-d indices). arr and indices have the same rank and broadcast
 * against each other on the other axes. Negative indices count from the end; out-of-range ones
 * raise an IndexError when their values are known, and clamp when traced (as JAX's gather).
 */
export function takeAlongAxis(arr: ArrayLike, indices: ArrayLike, axis: number | null): NDArray {
  let a = toArray('takeAlongAxis', arr);
  let idx = toArray('takeAlongAxis', indices);
  if (!isInteger(idx.dtype)) throw new TypeError(`takeAlongAxis: indices must be integers, got ${idx.aval.str()}`);
  if (axis === null) {
    if (idx.ndim !== 1) throw new ShapeError(`takeAlongAxis: with axis null the indices must be 1-d, got shape ${showShape(idx.shape)}`);
    a = lax.reshape(a, [a.size]);
  }
  if (idx.ndim !== a.ndim) {
    throw new ShapeError(`takeAlongAxis: indices and arr must have the same number of dimensions, got shapes ${showShape(idx.shape)} and ${showShape(a.shape)}`);
  }
  const ax = axis === null ? 0 : axisOf('takeAlongAxis', axis, a.ndim);
  const n = a.shape[ax]!;
  const other = a.shape.map((d, i) => {
    const e = idx.shape[i]!;
    if (i === ax || d === e || e === 1) return d;
    if (d === 1) return e;
    throw new ShapeError(`takeAlongAxis: shapes ${showShape(a.shape)} and ${showShape(idx.shape)} do not broadcast outside axis ${ax}`);
  });
  a = broadcastToShape(a, other);
  idx = broadcastToShape(idx, other.map((d, i) => (i === ax ? idx.shape[ax]! : d)));
  const known = hostValueOrNull(idx);
  if (known) {
    for (const v of known.dataSync()) {
      if (v < -n || v >= n) throw new IndexError(`takeAlongAxis: index ${v} is out of bounds for axis ${ax} with size ${n}`);
    }
  }
  // Into [0, n): negative int32 indices wrap, then everything clamps (uint32 before it converts).
  const full = (v: number, dtype: 'int32' | 'uint32') => lax.full(idx.shape, v, dtype);
  if (idx.dtype === 'uint32') return lax.takeAlongAxis(a, lax.convertElementType(lax.min(idx, full(Math.max(n - 1, 0), 'uint32')), 'int32'), ax);
  const i32 = lax.convertElementType(idx, 'int32');
  const wrapped = lax.select(lax.lt(i32, full(0, 'int32')), lax.add(i32, full(n, 'int32')), i32);
  return lax.takeAlongAxis(a, lax.max(lax.min(wrapped, full(n - 1, 'int32')), full(0, 'int32')), ax);
}
