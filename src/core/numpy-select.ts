// Padding and selection: pad (constant/edge/reflect/symmetric/wrap), take, and the functions whose
// result shape depends on the values, which read them on the host (compress, nonzero, argwhere,
// flatnonzero, unique): eager only, as in JAX without a static `size`.
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { cumsum } from './lax-scan.js';
import { axisOf, convertTo, describe, hostValueOrNull, toArray } from './numpy-util.js';
import { showShape } from './shape.js';

const int32Array = (values: readonly number[], shape: readonly number[] = [values.length]): NDArray =>
  concreteFromTyped(Int32Array.from(values), new ShapedArray(shape, 'int32'));

/** np.pad's modes. */
export type PadMode = 'constant' | 'edge' | 'reflect' | 'symmetric' | 'wrap';
/** np.pad's widths: one for every side, [before, after] for every axis, or one pair per axis. */
export type PadWidth = number | readonly [number, number] | readonly (readonly [number, number] | readonly [number])[];

function padWidths(op: string, w: PadWidth, ndim: number): [number, number][] {
  const valid = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  let out: [number, number][];
  if (typeof w === 'number') out = Array.from({ length: ndim }, () => [w, w]);
  else if (Array.isArray(w) && w.length === 2 && w.every((v) => typeof v === 'number')) out = Array.from({ length: ndim }, () => [w[0] as number, w[1] as number]);
  else if (Array.isArray(w) && w.length === 1 && typeof w[0] === 'number') out = Array.from({ length: ndim }, () => [w[0] as number, w[0] as number]);
  else if (Array.isArray(w) && w.length === 1 && Array.isArray(w[0])) { const p = w[0] as number[]; out = Array.from({ length: ndim }, () => [p[0]!, p[1] ?? p[0]!]); }
  else if (Array.isArray(w) && w.length === ndim && w.every(Array.isArray)) out = (w as number[][]).map((p) => [p[0]!, p[1] ?? p[0]!]);
  else throw new ShapeError(`${op}: padWidth must be a number, [before, after], or one [before, after] per axis (${ndim}), got ${JSON.stringify(w)}`);
  if (!out.flat().every(valid)) throw new ShapeError(`${op}: pad widths must be non-negative integers, got ${JSON.stringify(w)}`);
  return out;
}

/** Source index along one axis for each padded position, per mode (periodic extensions of the axis). */
function sourceIndex(mode: Exclude<PadMode, 'constant'>, i: number, n: number): number {
  switch (mode) {
    case 'edge': return Math.min(Math.max(i, 0), n - 1);
    case 'wrap': return ((i % n) + n) % n;
    case 'symmetric': { const p = 2 * n, j = ((i % p) + p) % p; return j < n ? j : p - 1 - j; }
    case 'reflect': { if (n === 1) return 0; const p = 2 * (n - 1), j = ((i % p) + p) % p; return j < n ? j : p - j; }
  }
}

/**
 * Pads each axis by [before, after]. constant: with constantValues (default 0); edge: repeats the
 * edge; reflect: mirrors without repeating the edge; symmetric: mirrors with it; wrap: repeats the
 * axis periodically. The non-constant modes are one gather per axis, so they differentiate.
 */
export function pad(x: ArrayLike, padWidth: PadWidth, opts: { mode?: PadMode; constantValues?: number } = {}): NDArray {
  const a = toArray('pad', x);
  const widths = padWidths('pad', padWidth, a.ndim);
  const mode = opts.mode ?? 'constant';
  if (mode === 'constant') {
    return lax.pad(a, lax.scalar(opts.constantValues ?? 0, a.dtype, a.weakType), widths.map(([lo, hi]) => [lo, hi, 0] as [number, number, number]));
  }
  if (!['edge', 'reflect', 'symmetric', 'wrap'].includes(mode)) throw new TypeError(`pad: mode must be constant, edge, reflect, symmetric or wrap, got ${describe(mode)}`);
  let out = a;
  widths.forEach(([lo, hi], axis) => {
    if (lo === 0 && hi === 0) return;
    const n = a.shape[axis]!;
    if (n === 0) throw new ShapeError(`pad: cannot pad axis ${axis} of size 0 in mode ${mode} (shape ${showShape(a.shape)})`);
    const idx = Array.from({ length: lo + n + hi }, (_, i) => sourceIndex(mode, i - lo, n));
    out = lax.gather(out, int32Array(idx), axis);
  });
  return out;
}

/**
 * Elements at `indices` along axis (of the flattened array when axis is null). Negative indices
 * count from the end; out of range: mode 'fill' (default, JAX's) gives NaN for floats, the lowest
 * int32, the largest uint32 or true (or `fillValue`); 'clip' (and JAX's 'promise_in_bounds')
 * clamps; 'wrap' wraps.
 *
 * @example
 * np.take(np.array([10, 20, 30]), np.array([2, 0], { dtype: 'int32' })); // Array([30., 10.], dtype=float32)
 */
export function take(x: ArrayLike, indices: ArrayLike, opts: { axis?: number | null; mode?: 'fill' | 'clip' | 'wrap' | 'promise_in_bounds'; fillValue?: number | boolean } = {}): NDArray {
  let a = toArray('take', x);
  const idx0 = toArray('take', indices);
  if (isFloat(idx0.dtype) || idx0.dtype === 'bool') throw new TypeError(`take: indices must be integers, got ${idx0.aval.str()}`);
  const idx = convertTo(idx0, { dtype: 'int32', weakType: false });
  if (opts.axis === undefined || opts.axis === null) a = lax.reshape(a, [a.size]);
  const axis = axisOf('take', opts.axis ?? 0, a.ndim);
  const n = a.shape[axis]!;
  const mode = opts.mode ?? 'fill';
  const i32 = (v: number) => lax.full(idx.shape, v, 'int32');
  if (mode === 'wrap') return lax.gather(a, n === 0 ? idx : lax.rem(lax.add(lax.rem(idx, i32(n)), i32(n)), i32(n)), axis);
  const normalized = lax.select(lax.lt(idx, i32(0)), lax.add(idx, i32(n)), idx);
  if (mode === 'clip' || mode === 'promise_in_bounds') return lax.gather(a, lax.max(lax.min(normalized, i32(Math.max(0, n - 1))), i32(0)), axis);
  if (mode !== 'fill') throw new TypeError(`take: mode must be 'fill', 'clip', 'wrap' or 'promise_in_bounds', got ${describe(mode)}`);
  const got = lax.gather(a, normalized, axis);
  const ok = lax.and(lax.ge(normalized, i32(0)), lax.lt(normalized, i32(n)));
  const okB = lax.broadcastInDim(ok, got.shape, idx.shape.map((_, i) => axis + i));
  const fill = opts.fillValue !== undefined ? opts.fillValue : isFloat(a.dtype) ? NaN : a.dtype === 'int32' ? -2147483648 : a.dtype === 'uint32' ? 4294967295 : true;
  return lax.select(okB, got, lax.full(got.shape, fill, a.dtype, a.weakType));
}

/** The host values of an array whose contents decide a result's shape, or a clear error. */
function hostValues(op: string, x: NDArray): number[] {
  const h = hostValueOrNull(x);
  if (!h) throw new TypeError(`${op}: the result's shape depends on the values, so the array must be concrete and on the CPU (not traced under jit/vmap/grad, nor on WebGPU); got ${x.aval.str()}`);
  return Array.from(h.dataSync(), Number);
}

/** The slices along axis (default: the flattened array) where condition is true. */
export function compress(condition: ArrayLike, x: ArrayLike, opts: { axis?: number | null } = {}): NDArray {
  const cond = toArray('compress', condition);
  if (cond.ndim !== 1) throw new ShapeError(`compress: condition must be 1-d, got shape ${showShape(cond.shape)}`);
  let a = toArray('compress', x);
  if (opts.axis === undefined || opts.axis === null) a = lax.reshape(a, [a.size]);
  const axis = axisOf('compress', opts.axis ?? 0, a.ndim);
  const flags = hostValues('compress', cond);
  const picked = flags.flatMap((f, i) => (f !== 0 ? [i] : []));
  if (picked.some((i) => i >= a.shape[axis]!)) throw new ShapeError(`compress: condition has a true entry at index ${picked.find((i) => i >= a.shape[axis]!)} beyond axis ${axis} of size ${a.shape[axis]}`);
  return lax.gather(a, int32Array(picked), axis);
}

/** Options of the functions whose result length depends on values (nonzero, argwhere, …). */
export interface StaticSizeOptions {
  /** A fixed result length (JAX's `size`): works under jit; extra entries are dropped, missing ones filled. */
  size?: number;
  /** The index written into the padding positions (default 0). */
  fillValue?: number;
}
/**
 * The row-major flat indices of the first `size` nonzero entries, padded with fillValue: a running
 * count of the mask gives each nonzero entry its output slot, and one scatter_add writes them
 * (slots ≥ size are out of range and dropped). No value is read, so this runs under jit.
 */
function flatNonzeroStatic(op: string, a: NDArray, size: number, fill: number): NDArray {
  if (!Number.isInteger(size) || size < 0) throw new TypeError(`${op}: size must be a non-negative integer, got ${describe(size)}`);
  const flat = lax.reshape(a, [a.size]);
  const truth = flat.dtype === 'bool' ? flat : lax.ne(flat, lax.full(flat.shape, 0, flat.dtype));
  const mask = lax.convertElementType(truth, 'int32');
  const n = a.size;
  const i32 = (v: number, len = n) => lax.full([len], v, 'int32');
  const slot = lax.sub(cumsum(mask, 0), i32(1));
  const target = lax.select(truth, slot, i32(size));
  // scatter_add adds into zeros, so write index + 1 and subtract 1 after: empty slots become −1.
  const written = lax.scatterAdd(i32(0, size), target, lax.add(lax.iota('int32', [n], 0), i32(1)), 0);
  const idx = lax.sub(written, i32(1, size));
  return lax.select(lax.lt(idx, i32(0, size)), i32(fill, size), idx);
}

/**
 * One int32 index array per axis of the nonzero (true) entries, in row-major order. Eager (reads
 * the values) unless `size` is given, which makes the length static (JAX's nonzero(x, size=…)).
 */
export function nonzero(x: ArrayLike, opts: StaticSizeOptions = {}): NDArray[] {
  const a = toArray('nonzero', x);
  if (a.ndim === 0) throw new ShapeError('nonzero: calling nonzero on a 0-d array is not allowed (as in NumPy 2); use atleast1d first');
  if (opts.size !== undefined) {
    const fill = opts.fillValue ?? 0;
    const flat = flatNonzeroStatic('nonzero', a, opts.size, -1);
    const empty = lax.lt(flat, lax.full(flat.shape, 0, 'int32'));
    const strides = a.shape.map((_, k) => a.shape.slice(k + 1).reduce((p, d) => p * d, 1));
    return a.shape.map((d, k) => {
      const coord = lax.rem(lax.div(flat, lax.full(flat.shape, strides[k]!, 'int32')), lax.full(flat.shape, d, 'int32'));
      return lax.select(empty, lax.full(flat.shape, fill, 'int32'), coord);
    });
  }
  const v = hostValues('nonzero', a);
  const flat = v.flatMap((e, i) => (e !== 0 ? [i] : []));
  const strides = a.shape.map((_, k) => a.shape.slice(k + 1).reduce((p, d) => p * d, 1));
  return a.shape.map((d, k) => int32Array(flat.map((i) => Math.floor(i / strides[k]!) % d)));
}
/** The indices of the nonzero entries as rows: shape [count, ndim] (or [size, ndim] with `size`). */
export function argwhere(x: ArrayLike, opts: StaticSizeOptions = {}): NDArray {
  const a = toArray('argwhere', x);
  const b = a.ndim === 0 ? lax.reshape(a, [1]) : a;
  const cols = nonzero(b, opts);
  const count = cols[0]!.shape[0]!;
  if (a.ndim === 0) return int32Array([], [count, 0]);
  return lax.concatenate(cols.map((col) => lax.reshape(col, [count, 1])), 1);
}
/** The flat indices of the nonzero entries (the first `size` of them, padded with fillValue, under `size`). */
export function flatnonzero(x: ArrayLike, opts: StaticSizeOptions = {}): NDArray {
  const a = toArray('flatnonzero', x);
  return nonzero(lax.reshape(a, [a.size]), opts)[0]!;
}

/** Options of np.unique, as NumPy's keywords. */
export interface UniqueOptions {
  /** Also return the first index of each unique value. */
  returnIndex?: boolean;
  /** Also return the indices that rebuild the input from the unique values. */
  returnInverse?: boolean;
  /** Also return how often each unique value occurs. */
  returnCounts?: boolean;
  /** Count all NaNs as one value (true). */
  equalNan?: boolean;
}
/**
 * The sorted distinct values of the flattened array (NaNs collapse to one unless equalNan is
 * false); with the flags, also the first index of each, the inverse map and the counts, in NumPy's
 * order [values, index, inverse, counts]. The values are gathered from x, so they carry gradients.
 */
export function unique(x: ArrayLike, opts: UniqueOptions = {}): NDArray | NDArray[] {
  const a0 = toArray('unique', x);
  const a = lax.reshape(a0, [a0.size]);
  const v = hostValues('unique', a);
  const equalNan = opts.equalNan ?? true;
  const order = v.map((_, i) => i).sort((i, j) => {
    const p = v[i]!, q = v[j]!;
    if (Number.isNaN(p) || Number.isNaN(q)) return Number.isNaN(p) === Number.isNaN(q) ? i - j : Number.isNaN(p) ? 1 : -1;
    return p < q ? -1 : p > q ? 1 : i - j;
  });
  const first: number[] = [], counts: number[] = [], inverse = new Array<number>(v.length);
  for (const i of order) {
    const prev = first.length ? v[first[first.length - 1]!]! : undefined;
    const same = first.length > 0 && (v[i] === prev || (equalNan && Number.isNaN(v[i]!) && Number.isNaN(prev!)));
    if (!same) { first.push(i); counts.push(0); }
    counts[counts.length - 1]!++;
    inverse[i] = first.length - 1;
  }
  const values = lax.gather(a, int32Array(first), 0);
  if (!opts.returnIndex && !opts.returnInverse && !opts.returnCounts) return values;
  const out = [values];
  if (opts.returnIndex) out.push(int32Array(first));
  if (opts.returnInverse) out.push(int32Array(inverse, a0.shape));
  if (opts.returnCounts) out.push(int32Array(counts));
  return out;
}
