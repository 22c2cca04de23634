// Shape manipulation: reshape, transpose, squeeze, concatenation, broadcasting, flips, tiles and
// rolls, each one or two movement primitives (reshape, transpose, broadcast_in_dim, slice,
// concatenate, rev), so they transform and run everywhere for free.
import { ArrayLike, NDArray } from './array.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { Axis, axesOf, axisOf, broadcastShapesOf, broadcastToShape, convertTo, describe, range, resultType, shapeOf, toArray, toArrays } from './numpy-util.js';
import { Shape, showShape, sizeOf } from './shape.js';

const arrayShape = (x: NDArray): string => `an array of shape ${showShape(x.shape)}`;

/** New shape with the same size; one entry may be -1 and is inferred. */
export function reshape(x: ArrayLike, shape: number | readonly number[]): NDArray {
  const a = toArray('reshape', x);
  const s = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(s) || !s.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new ShapeError(`reshape: expected a shape of non-negative integers (one may be -1), got ${Array.isArray(s) ? showShape(s) : describe(shape)}`);
  }
  const unknown = s.filter((d) => d === -1).length;
  if (unknown > 1) throw new ShapeError(`reshape: can only infer one axis, got ${showShape(s)}`);
  const known = sizeOf(s.filter((d) => d !== -1));
  const cannot = () => new ShapeError(`reshape: cannot reshape ${arrayShape(a)} (size ${a.size}) into shape ${showShape(s)}`);
  if (unknown === 0) {
    if (known !== a.size) throw cannot();
    return lax.reshape(a, s);
  }
  if (known === 0 || a.size % known !== 0) throw cannot();
  return lax.reshape(a, s.map((d) => (d === -1 ? a.size / known : d)));
}

/** All elements in row-major order, as a 1-D array. */
export const ravel = (x: ArrayLike): NDArray => { const a = toArray('ravel', x); return lax.reshape(a, [a.size]); };
/** The same as ravel. */
export const flatten = ravel;

/** Permutes the axes; by default reverses them (the matrix transpose for 2-D). */
export function transpose(x: ArrayLike, axes?: readonly number[] | null): NDArray {
  const a = toArray('transpose', x);
  if (axes === undefined || axes === null) return lax.transpose(a, range(a.ndim).reverse());
  if (!Array.isArray(axes) || axes.length !== a.ndim) {
    throw new ShapeError(`transpose: axes ${Array.isArray(axes) ? showShape(axes) : describe(axes)} must list each of the ${a.ndim} axes of ${arrayShape(a)} once`);
  }
  const perm = axesOf('transpose', axes, a.ndim);
  return lax.transpose(a, perm);
}
/** Axes axis1 and axis2 exchanged. */
export function swapaxes(x: ArrayLike, axis1: number, axis2: number): NDArray {
  const a = toArray('swapaxes', x);
  const i = axisOf('swapaxes', axis1, a.ndim), j = axisOf('swapaxes', axis2, a.ndim);
  const perm = range(a.ndim);
  perm[i] = j; perm[j] = i;
  return lax.transpose(a, perm);
}
/** Moves axes `source` to positions `destination`, keeping the others in order. */
export function moveaxis(x: ArrayLike, source: number | readonly number[], destination: number | readonly number[]): NDArray {
  const a = toArray('moveaxis', x);
  const src = axesOf('moveaxis', source, a.ndim), dst = axesOf('moveaxis', destination, a.ndim);
  if (src.length !== dst.length) throw new ShapeError(`moveaxis: source ${showShape(src)} and destination ${showShape(dst)} must have the same length`);
  const rest = range(a.ndim).filter((i) => !src.includes(i));
  const perm = new Array<number>(a.ndim);
  src.forEach((s, k) => { perm[dst[k]!] = s; });
  for (let i = 0, r = 0; i < a.ndim; i++) if (perm[i] === undefined) perm[i] = rest[r++]!;
  return lax.transpose(a, perm);
}

/** Inserts size-1 axes; each position refers to the result's axes (as NumPy). */
export function expandDims(x: ArrayLike, axis: number | readonly number[]): NDArray {
  const a = toArray('expandDims', x);
  const count = typeof axis === 'number' ? 1 : axis.length;
  const at = new Set(axesOf('expandDims', axis, a.ndim + count));
  const shape: number[] = [];
  for (let i = 0, j = 0; i < a.ndim + count; i++) shape.push(at.has(i) ? 1 : a.shape[j++]!);
  return lax.reshape(a, shape);
}

/** Removes size-1 axes: the given ones (each must have size 1), or all of them. */
export function squeeze(x: ArrayLike, axis?: Axis): NDArray {
  const a = toArray('squeeze', x);
  const axes = axis === undefined || axis === null ? range(a.ndim).filter((i) => a.shape[i] === 1) : axesOf('squeeze', axis, a.ndim);
  for (const i of axes) {
    if (a.shape[i] !== 1) throw new ShapeError(`squeeze: cannot squeeze axis ${i} of ${arrayShape(a)}: its size is ${a.shape[i]}, not 1`);
  }
  return lax.reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

/** `x` broadcast to `shape` by NumPy's rules (trailing axes align; size-1 axes stretch). */
export function broadcastTo(x: ArrayLike, shape: number | readonly number[]): NDArray {
  const a = toArray('broadcastTo', x);
  const s = shapeOf('broadcastTo', shape);
  const fits = a.ndim <= s.length && a.shape.every((d, i) => d === 1 || d === s[s.length - a.ndim + i]);
  if (!fits) throw new ShapeError(`broadcastTo: cannot broadcast ${arrayShape(a)} to shape ${showShape(s)}`);
  return broadcastToShape(a, s);
}
/** The arrays broadcast against each other (dtypes unchanged). */
export function broadcastArrays(...xs: ArrayLike[]): NDArray[] {
  const as = toArrays('broadcastArrays', xs);
  const shape = broadcastShapesOf('broadcastArrays', as.map((a) => a.shape));
  return as.map((a) => broadcastToShape(a, shape));
}

function arrayList(op: string, xs: unknown): NDArray[] {
  if (!Array.isArray(xs) || xs.length === 0) throw new TypeError(`${op}: expected a non-empty list of arrays, got ${Array.isArray(xs) ? 'an empty list' : describe(xs)}`);
  const as = toArrays(op, xs);
  const t = resultType(as);
  return as.map((a) => convertTo(a, { dtype: t.dtype, weakType: t.weakType }));
}

/**
 * Joins arrays along an existing axis (null flattens them first); dtypes promote.
 *
 * @example
 * np.concatenate([np.ones([2, 3]), np.zeros([1, 3])], 0); // shape [3, 3]
 */
export function concatenate(xs: readonly ArrayLike[], axis: number | null = 0): NDArray {
  let as = arrayList('concatenate', xs);
  if (axis === null) { as = as.map((a) => lax.reshape(a, [a.size])); axis = 0; }
  const first = as[0]!;
  if (first.ndim === 0) throw new ShapeError('concatenate: zero-dimensional arrays cannot be concatenated; use np.stack');
  const ax = axisOf('concatenate', axis, first.ndim);
  for (const a of as) {
    if (a.ndim !== first.ndim || a.shape.some((d, i) => i !== ax && d !== first.shape[i])) {
      throw new ShapeError(`concatenate: all arrays must have the same shape except on axis ${ax}; got ${as.map((b) => showShape(b.shape)).join(', ')}`);
    }
  }
  return lax.concatenate(as, ax);
}

/**
 * Joins equally shaped arrays along a new axis.
 *
 * @example
 * np.stack([np.ones([3]), np.zeros([3])]); // shape [2, 3]
 */
export function stack(xs: readonly ArrayLike[], axis = 0): NDArray {
  const as = arrayList('stack', xs);
  const first = as[0]!;
  for (const a of as) {
    if (a.ndim !== first.ndim || a.shape.some((d, i) => d !== first.shape[i])) {
      throw new ShapeError(`stack: all arrays must have the same shape; got ${as.map((b) => showShape(b.shape)).join(', ')}`);
    }
  }
  const ax = axisOf('stack', axis, first.ndim + 1);
  const shape = [...first.shape.slice(0, ax), 1, ...first.shape.slice(ax)];
  return lax.concatenate(as.map((a) => lax.reshape(a, shape)), ax);
}

/** Elements [start, stop) of one axis. */
function sliceAxis(x: NDArray, axis: number, start: number, stop: number): NDArray {
  const starts = x.shape.map((_, i) => (i === axis ? start : 0));
  const limits = x.shape.map((d, i) => (i === axis ? stop : d));
  return lax.slice(x, starts, limits);
}

/**
 * Splits along an axis into `sections` equal parts, or at the given indices (NumPy's
 * `split(x, [2, 5])` gives x[:2], x[2:5], x[5:]; indices past the end give empty parts).
 */
export function split(x: ArrayLike, sectionsOrIndices: number | readonly number[], axis = 0): NDArray[] {
  const a = toArray('split', x);
  const ax = axisOf('split', axis, a.ndim);
  const n = a.shape[ax]!;
  let bounds: number[];
  if (typeof sectionsOrIndices === 'number') {
    const k = sectionsOrIndices;
    if (!Number.isInteger(k) || k <= 0) throw new ShapeError(`split: the number of sections must be a positive integer, got ${k}`);
    if (n % k !== 0) throw new ShapeError(`split: axis ${ax} of size ${n} does not divide into ${k} equal sections (shape ${showShape(a.shape)})`);
    bounds = range(k + 1).map((i) => (i * n) / k);
  } else {
    if (!sectionsOrIndices.every(Number.isInteger)) throw new ShapeError(`split: indices must be integers, got ${showShape(sectionsOrIndices)}`);
    const clip = (i: number) => Math.min(n, Math.max(0, i < 0 ? i + n : i));
    bounds = [0, ...sectionsOrIndices.map(clip), n];
  }
  return range(bounds.length - 1).map((i) => sliceAxis(a, ax, bounds[i]!, Math.max(bounds[i]!, bounds[i + 1]!)));
}

/** Reverses the order of elements along the given axes (all by default). */
export function flip(x: ArrayLike, axis?: Axis): NDArray {
  const a = toArray('flip', x);
  return lax.rev(a, axesOf('flip', axis, a.ndim));
}

/** Shifts elements cyclically by `shift` along an axis (the flattened array when axis is null). */
export function roll(x: ArrayLike, shift: number, axis: number | null = null): NDArray {
  const a = toArray('roll', x);
  if (!Number.isInteger(shift)) throw new TypeError(`roll: shift must be an integer, got ${describe(shift)}`);
  if (axis === null) return lax.reshape(roll(lax.reshape(a, [a.size]), shift, 0), a.shape);
  const ax = axisOf('roll', axis, a.ndim);
  const n = a.shape[ax]!;
  const s = n === 0 ? 0 : ((shift % n) + n) % n;
  if (s === 0) return a;
  return lax.concatenate([sliceAxis(a, ax, n - s, n), sliceAxis(a, ax, 0, n - s)], ax);
}

function repetitions(op: string, reps: unknown): number[] {
  const list = typeof reps === 'number' ? [reps] : reps;
  if (!Array.isArray(list) || !list.every((r) => Number.isInteger(r) && r >= 0)) throw new TypeError(`${op}: repetitions must be non-negative integers, got ${describe(reps)}`);
  return list as number[];
}

/**
 * The array repeated `reps[i]` times along each axis. Both shapes are right-aligned to rank d;
 * x is broadcast into the interleaved shape [r0, s0, r1, s1, ...] and merged pairwise.
 */
export function tile(x: ArrayLike, reps: number | readonly number[]): NDArray {
  const a = toArray('tile', x);
  const r0 = repetitions('tile', reps);
  const d = Math.max(a.ndim, r0.length);
  const s: number[] = [...Array<number>(d - a.ndim).fill(1), ...a.shape];
  const r: number[] = [...Array<number>(d - r0.length).fill(1), ...r0];
  const interleaved = range(d).flatMap((i) => [r[i]!, s[i]!]);
  const b = lax.broadcastInDim(lax.reshape(a, s), interleaved, range(d).map((i) => 2 * i + 1));
  return lax.reshape(b, range(d).map((i) => r[i]! * s[i]!));
}

/** Each element repeated `repeats` times along an axis (of the flattened array when axis is null). */
export function repeat(x: ArrayLike, repeats: number, axis: number | null = null): NDArray {
  const a0 = toArray('repeat', x);
  const [k] = repetitions('repeat', repeats);
  const a = axis === null ? lax.reshape(a0, [a0.size]) : a0;
  const ax = axis === null ? 0 : axisOf('repeat', axis, a.ndim);
  const target: Shape = [...a.shape.slice(0, ax + 1), k!, ...a.shape.slice(ax + 1)];
  const b = lax.broadcastInDim(a, target, range(a.ndim).map((i) => (i <= ax ? i : i + 1)));
  return lax.reshape(b, a.shape.map((n, i) => (i === ax ? n * k! : n)));
}
