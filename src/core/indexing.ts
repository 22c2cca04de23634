// NumPy indexing (`x.get(...)`) and JAX's functional updates (`x.at(...).set(v)`), built from
// slice, rev, reshape, transpose, gather, pad, select and scatter_add.
//
//   NumPy / JAX                     cotangent
//   x[0]                            x.get(0)
//   x[-1]                           x.get(-1)
//   x[:, 1:5:2]                     x.get(':', '1:5:2')       or x.get(':', np.slice(1, 5, 2))
//   x[::-1]                         x.get('::-1')
//   x[None, ...]  (np.newaxis)      x.get(null, '...')
//   x[..., 0]                       x.get('...', 0)
//   x[[0, 2, 2]]                    x.get([0, 2, 2])          or x.get(np.array([0, 2, 2], {dtype: 'int32'}))
//   x[idx0, idx1]  (int arrays)     x.get(idx0, idx1)
//   x[mask]        (bool array)     x.get(mask)               (eager only: the shape depends on the values)
//   x.at[i, 1:].set(v)              x.at(i, '1:').set(v)      also .add .mul .min .max .get
//
// Rules, as NumPy's: integers drop their axis and count from the end when negative; slices clip
// to the axis like Python's; integer arrays broadcast together, and the broadcast shape replaces
// the indexed axes where they are adjacent in the index, or goes first where a slice, newaxis or
// ellipsis separates them (an integer beside an array counts as an array, so x[:, 0, idx] keeps
// its place but x[0, :, idx] moves the advanced axes to the front). A boolean mask is the tuple of
// integer arrays of its nonzero positions.
//
// Out-of-range integers and (concrete) integer arrays raise an IndexError naming the axis and its
// size. Integer arrays whose values are unknown while tracing (under jit) cannot be checked: they
// are clamped into range, as JAX's gather does.
//
// Updates return new arrays. Basic indices (integers, slices, newaxis, ellipsis) place the values
// with `pad` and merge with `select` (or add them), so no scatter is needed. Integer-array and mask
// indices scatter into the flattened array. With duplicate indices, `.add` accumulates every
// update (NumPy's `np.add.at`); `.set` keeps the last update in index order (NumPy's assignment)
// and `.mul/.min/.max` combine them all, when the index values are known (concrete arrays, JS
// lists, masks). With traced index values, `.set` writes the mean of the duplicates' updates
// (exact when they agree, and for unique indices), and `.mul/.min/.max` raise a
// ConcretizationError.
import * as E from 'fp-ts/lib/Either.js';
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { DType, isFloat, isInteger, promoteTypes, weakKindOf } from './dtype.js';
import { ConcretizationError, DTypeError, IndexError, ShapeError } from './errors.js';
import { evalInterpreter } from './eval.js';
import { withInterpreter } from './interpreter.js';
import * as lax from './lax.js';
import { backendNameOf, concreteOrNull, convertTo, describe, fullOf, hostValueOrNull, range, toArray } from './numpy-util.js';
import { broadcastShapes, Shape, showShape, sizeOf } from './shape.js';

export { IndexError };

/** A Python slice `start:stop:step`; null fields take their defaults. */
export class Slice {
  /**
   * @param start The first index (null: the start, or the end for a negative step).
   * @param stop One past the last index (null: the end).
   * @param step The stride (null: 1).
   */
  constructor(readonly start: number | null = null, readonly stop: number | null = null, readonly step: number | null = null) {}
  /** `start:stop:step`, as Python writes it. */
  toString(): string { return `${this.start ?? ''}:${this.stop ?? ''}${this.step === null ? '' : `:${this.step}`}`; }
}
/** `slice(stop)` or `slice(start, stop, step?)`, as Python's `slice`. */
export function slice(startOrStop: number | null = null, stop?: number | null, step: number | null = null): Slice {
  return stop === undefined ? new Slice(null, startOrStop, null) : new Slice(startOrStop, stop, step);
}

/** A constant index array, on the backend of the array it indexes. */
const constantOn = (like: NDArray, data: Int32Array | Uint8Array, shape: Shape): NDArray =>
  concreteFromTyped(data, new ShapedArray(shape, data instanceof Int32Array ? 'int32' : 'bool'), backendNameOf(like));

/** One index position: integer, slice string ('1:5:2', ':', '...'), null (newaxis), Slice, integer list, or Array. */
export type Index = number | string | null | NDArray | readonly number[] | Slice;

// ---- the plan: what each index entry does -----------------------------------------------------
type AxisSelection =
  | { kind: 'int'; index: number }
  | { kind: 'slice'; start: number; step: number; count: number }
  | { kind: 'array' };
type Entry =
  | { kind: 'int'; axis: number }
  | { kind: 'slice'; axis: number }
  | { kind: 'array'; axis: number; index: NDArray }
  | { kind: 'newaxis' };

interface Plan {
  readonly x: NDArray;
  readonly entries: readonly Entry[];
  /** One per axis of x. */
  readonly axes: readonly AxisSelection[];
  readonly arrays: readonly { axis: number; index: NDArray }[];
  /** The broadcast shape of the integer arrays (when there are any). */
  readonly arrayShape: Shape;
  /** Where the arrays' broadcast axes go among the other result axes (0 when they are not adjacent). */
  readonly groupPosition: number;
  readonly resultShape: Shape;
}

const ELLIPSIS = Symbol('...');
type Parsed = number | Slice | null | NDArray | typeof ELLIPSIS;

function parseIndex(op: string, ix: unknown, x: NDArray): Parsed {
  if (ix === null || ix instanceof Slice || ix instanceof NDArray) return ix;
  if (typeof ix === 'number') {
    if (!Number.isInteger(ix)) throw new IndexError(`${op}: only integers, slices, null, '...', and integer or boolean arrays are valid indices; got the number ${ix}`);
    return ix;
  }
  if (typeof ix === 'string') {
    const s = ix.trim();
    if (s === '...') return ELLIPSIS;
    const parts = s.split(':');
    const num = (p: string): number | null => {
      const t = p.trim();
      if (t === '') return null;
      if (!/^[+-]?\d+$/.test(t)) throw new IndexError(`${op}: cannot parse the index string ${JSON.stringify(ix)}; expected an integer, ':', 'start:stop', 'start:stop:step' or '...'`);
      return Number(t);
    };
    if (parts.length === 1) return num(parts[0]!) ?? (() => { throw new IndexError(`${op}: empty index string`); })();
    if (parts.length > 3) throw new IndexError(`${op}: cannot parse the index string ${JSON.stringify(ix)}: too many ':'`);
    return new Slice(num(parts[0]!), num(parts[1]!), parts.length === 3 ? num(parts[2]!) : null);
  }
  if (Array.isArray(ix)) {
    if (!ix.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      throw new IndexError(`${op}: a list index must hold integers, got [${ix.map(String).join(', ')}] (use an Array of dtype bool for a mask)`);
    }
    return constantOn(x, Int32Array.from(ix as number[]), [ix.length]);
  }
  throw new IndexError(`${op}: ${describe(ix)} is not a valid index; expected an integer, a slice string, null, '...', a Slice, an integer list or an Array`);
}

/** Python's slice.indices(n): clipped start and step, and how many elements it selects. */
function resolveSlice(op: string, s: Slice, n: number): { start: number; step: number; count: number } {
  const step = s.step ?? 1;
  if (step === 0) throw new IndexError(`${op}: slice step cannot be zero`);
  const clip = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
  const start = step > 0 ? (s.start === null ? 0 : clip(s.start, 0, n)) : s.start === null ? n - 1 : clip(s.start, -1, n - 1);
  const stop = step > 0 ? (s.stop === null ? n : clip(s.stop, 0, n)) : s.stop === null ? -1 : clip(s.stop, -1, n - 1);
  return { start, step, count: Math.max(0, Math.ceil((stop - start) / step)) };
}

/** The integer arrays a boolean mask stands for: the coordinates of its true elements, one array per mask axis. */
function maskToIndices(op: string, mask: NDArray, x: NDArray, axis: number): NDArray[] {
  const concrete = concreteOrNull(mask);
  if (!concrete) {
    throw new ConcretizationError(
      `${op}: boolean mask indexing needs the mask's values, because the result's shape depends on them; this mask is an abstract ${mask.aval.str()} ` +
        `under a transformation. Use np.where(mask, x, 0) (same shape) instead.`,
    );
  }
  if (concrete.backend.name !== 'cpu') {
    throw new ConcretizationError(
      `${op}: boolean mask indexing needs the mask's values on the host, and the ${concrete.backend.name} backend reads them only asynchronously: ` +
        `move the mask first (mask = await mask.toAsync('cpu')), or use np.where(mask, x, 0) (same shape).`,
    );
  }
  if (mask.ndim === 0) throw new IndexError(`${op}: a 0-d boolean index is not supported; use np.where(cond, x, y)`);
  const want = x.shape.slice(axis, axis + mask.ndim);
  if ( want.length !== mask.ndim || want.some((d, i) => d !== mask.shape[i])) {
    throw new IndexError(`${op}: a boolean mask of shape ${showShape(mask.shape)} does not match axes ${axis}..${axis + mask.ndim - 1} of an array of shape ${showShape(x.shape)} (sizes ${showShape(want)})`);
  }
  const data = concrete.dataSync();
  const hits: number[] = [];
  for (let i = 0; i < data.length; i++) if (data[i]) hits.push(i);
  const strides = mask.shape.map((_, k) => sizeOf(mask.shape.slice(k + 1)));
  return mask.shape.map((d, k) => {
    const coords = Int32Array.from(hits, (flat) => Math.floor(flat / strides[k]!) % d);
    return constantOn(x, coords, [hits.length]);
  });
}

function plan(op: string, x: NDArray, index: readonly Index[]): Plan {
  const parsed = index.map((ix) => parseIndex(op, ix, x));
  if (parsed.filter((p) => p === ELLIPSIS).length > 1) throw new IndexError(`${op}: an index can only have a single ellipsis ('...')`);
  const consumes = (p: Parsed) => (p === null || p === ELLIPSIS ? 0 : p instanceof NDArray && p.dtype === 'bool' ? Math.max(1, p.ndim) : 1);
  const used = parsed.reduce<number>((total, p) => total + consumes(p), 0);
  if (used > x.ndim) throw new IndexError(`${op}: too many indices: the array has shape ${showShape(x.shape)} (rank ${x.ndim}) but ${used} were given`);
  const fill = () => Array<Parsed>(x.ndim - used).fill(new Slice());
  const ell = parsed.indexOf(ELLIPSIS);
  const full = ell >= 0 ? [...parsed.slice(0, ell), ...fill(), ...parsed.slice(ell + 1)] : [...parsed, ...fill()];

  const entries: Entry[] = [];
  const axes: AxisSelection[] = [];
  for (const p of full) {
    const axis = axes.length;
    const n = x.shape[axis]!;
    if (p === null) { entries.push({ kind: 'newaxis' }); continue; }
    if (p === ELLIPSIS) continue;
    if (typeof p === 'number') {
      if (p < -n || p >= n) throw new IndexError(`${op}: index ${p} is out of bounds for axis ${axis} with size ${n}`);
      axes.push({ kind: 'int', index: p < 0 ? p + n : p });
      entries.push({ kind: 'int', axis });
    } else if (p instanceof Slice) {
      axes.push({ kind: 'slice', ...resolveSlice(op, p, n) });
      entries.push({ kind: 'slice', axis });
    } else if (p.dtype === 'bool') {
      for (const idx of maskToIndices(op, p, x, axis)) {
        entries.push({ kind: 'array', axis: axes.length, index: idx });
        axes.push({ kind: 'array' });
      }
    } else {
      if (!isInteger(p.dtype)) throw new IndexError(`${op}: arrays used as indices must be of integer or bool dtype, got ${p.aval.str()}`);
      checkBounds(op, p, axis, n);
      axes.push({ kind: 'array' });
      entries.push({ kind: 'array', axis, index: p });
    }
  }

  const arrays = entries.flatMap((e) => (e.kind === 'array' ? [{ axis: e.axis, index: e.index }] : []));
  let arrayShape: Shape = [];
  for (const a of arrays) {
    const r = broadcastShapes(arrayShape, a.index.shape);
    if (E.isLeft(r)) throw new IndexError(`${op}: index arrays of shapes ${arrays.map((b) => showShape(b.index.shape)).join(', ')} cannot be broadcast together`);
    arrayShape = r.right;
  }
  // Result axes other than the arrays' broadcast axes: slices and newaxes, in index order.
  const rest = entries.filter((e) => e.kind === 'slice' || e.kind === 'newaxis');
  const restShape = rest.map((e) => (e.kind === 'slice' ? (axes[e.axis] as { count: number }).count : 1));
  let groupPosition = 0;
  if (arrays.length) {
    const advanced = entries.flatMap((e, i) => (e.kind === 'array' || e.kind === 'int' ? [i] : []));
    const adjacent = advanced.every((pos, k) => k === 0 || pos === advanced[k - 1]! + 1);
    groupPosition = adjacent ? entries.slice(0, advanced[0]).filter((e) => e.kind === 'slice' || e.kind === 'newaxis').length : 0;
  }
  const resultShape = arrays.length ? [...restShape.slice(0, groupPosition), ...arrayShape, ...restShape.slice(groupPosition)] : restShape;
  return { x, entries, axes, arrays, arrayShape, groupPosition, resultShape };
}

/** IndexError for a concrete integer array with an out-of-range value; abstract ones are clamped by gather. */
function checkBounds(op: string, idx: NDArray, axis: number, n: number): void {
  // Indices on a device that reads asynchronously (WebGPU) are treated like traced ones: clamped.
  const c = hostValueOrNull(idx);
  if (!c) return;
  const data = c.dataSync();
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < -n || v >= n) throw new IndexError(`${op}: index ${v} is out of bounds for axis ${axis} with size ${n}`);
  }
}

// ---- get ---------------------------------------------------------------------------------------

/** Integers and slices in one `slice` (negative steps via `rev` first), then integer axes dropped. */
function basicPart(p: Plan): NDArray {
  const { x, axes } = p;
  const reversed = axes.flatMap((a, i) => (a.kind === 'slice' && a.step < 0 && a.count > 0 ? [i] : []));
  const starts: number[] = [], limits: number[] = [], strides: number[] = [];
  axes.forEach((a, i) => {
    const n = x.shape[i]!;
    if (a.kind === 'int') { starts.push(a.index); limits.push(a.index + 1); strides.push(1); }
    else if (a.kind === 'array') { starts.push(0); limits.push(n); strides.push(1); }
    else if (a.count === 0) { starts.push(0); limits.push(0); strides.push(1); }
    else {
      // In the reversed axis, element j of x sits at n−1−j, and the selection runs upward.
      const first = a.step > 0 ? a.start : n - 1 - a.start, stride = Math.abs(a.step);
      starts.push(first); limits.push(first + (a.count - 1) * stride + 1); strides.push(stride);
    }
  });
  const untouched = axes.every((a, i) => a.kind === 'array' || (a.kind === 'slice' && a.step === 1 && a.start === 0 && a.count === x.shape[i]));
  const sliced = untouched ? x : lax.slice(lax.rev(x, reversed), starts, limits, strides);
  return lax.reshape(sliced, sliced.shape.filter((_, i) => axes[i]!.kind !== 'int'));
}

/** int32 indices with negatives counted from the end: select(i < 0, i + n, i). */
function normalizedIndex(idx: NDArray, n: number, shape: Shape): NDArray {
  const i = lax.convertElementType(idx, 'int32');
  const fixed = idx.dtype === 'uint32' ? i : lax.select(lax.lt(i, fullOf(i.shape, 0, 'int32', i)), lax.add(i, fullOf(i.shape, n, 'int32', i)), i);
  return lax.broadcastInDim(fixed, shape, range(shape.length, shape.length - idx.ndim));
}

function applyPlan(p: Plan): NDArray {
  const y = basicPart(p);
  // Axes of y: the slice and array entries of x, in order.
  const kept = p.axes.flatMap((a, i) => (a.kind === 'int' ? [] : [i]));
  if (!p.arrays.length) return lax.reshape(y, p.resultShape);
  const arrayAxes = p.arrays.map((a) => kept.indexOf(a.axis));
  const otherAxes = range(y.ndim).filter((i) => !arrayAxes.includes(i));
  const sizes = arrayAxes.map((i) => y.shape[i]!);
  const total = sizeOf(sizes);
  if (total === 0 && sizeOf(p.arrayShape) > 0) {
    throw new IndexError(`getItem: cannot index into a zero-size axis (array shape ${showShape(p.x.shape)})`);
  }
  // Row-major flat index over the indexed axes: Σ_j idx_j · Π_{k>j} size_k. With known index
  // values it is computed now, so a jaxpr holds one constant index rather than its arithmetic.
  const flatIndex = (indices: readonly NDArray[]): NDArray => {
    let flat: NDArray | null = null;
    for (const [j, idx] of indices.entries()) {
      const stride = sizeOf(sizes.slice(j + 1));
      const n = normalizedIndex(idx, sizes[j]!, p.arrayShape);
      const term = stride === 1 ? n : lax.mul(n, fullOf(p.arrayShape, stride, 'int32', idx));
      flat = flat ? lax.add(flat, term) : term;
    }
    return flat!;
  };
  const known = p.arrays.map((a) => concreteOrNull(a.index));
  const flat = known.every((k) => k !== null)
    ? withInterpreter(evalInterpreter, () => flatIndex(known as NDArray[]))
    : flatIndex(p.arrays.map((a) => a.index));
  const moved = lax.transpose(y, [...arrayAxes, ...otherAxes]);
  const merged = lax.reshape(moved, [total, ...otherAxes.map((i) => y.shape[i]!)]);
  const gathered = lax.gather(merged, flat, 0);
  // Newaxes join the other axes; then the broadcast block moves to its place when adjacent.
  const nb = p.arrayShape.length, g = p.groupPosition;
  const restShape = p.resultShape.filter((_, i) => i < g || i >= g + nb);
  const withNewaxes = lax.reshape(gathered, [...p.arrayShape, ...restShape]);
  if (g === 0) return withNewaxes;
  const perm = [...range(nb + g, nb), ...range(nb), ...range(nb + restShape.length, nb + g)];
  return lax.transpose(withNewaxes, perm);
}

/** `x[index...]` with NumPy's semantics (see the table at the top of this file). */
export function getItem(x: NDArray, index: readonly Index[]): NDArray {
  if (!(x instanceof NDArray)) throw new TypeError(`getItem: expected an Array, got ${describe(x)}`);
  if (index.length === 0) return x;
  return applyPlan(plan('getItem', x, index));
}

// ---- updates -----------------------------------------------------------------------------------
/**
 * What an update does at an out-of-range *traced* index (JAX's `mode`): 'drop' (the default, as
 * JAX's scatter) or 'fill' (the same, for updates) leave that element alone; 'clip' and
 * 'promise_in_bounds' write at the clamped position. Concrete indices out of range always raise.
 */
export type UpdateMode = 'drop' | 'fill' | 'clip' | 'promise_in_bounds';
export interface UpdateOptions { mode?: UpdateMode }
export interface GetOptions { mode?: 'clip' | 'fill' | 'promise_in_bounds'; fillValue?: number | boolean }

/** What `np.atIndex(x, index)` (JAX's `x.at[index]`) returns: functional updates of x at the index. */
export interface IndexUpdater {
  /**
   * x[index] (same as x.get(index...)). Out-of-range traced indices clamp (JAX's default for
   * reads); `{mode: 'fill', fillValue}` gives fillValue there instead (NaN for floats by default).
   */
  get(opts?: GetOptions): NDArray;
  /** A copy of x with x[index] = v. */
  set(v: ArrayLike, opts?: UpdateOptions): NDArray;
  /** A copy of x with x[index] += v (duplicates accumulate). */
  add(v: ArrayLike, opts?: UpdateOptions): NDArray;
  /** A copy of x with x[index] *= v. */
  mul(v: ArrayLike, opts?: UpdateOptions): NDArray;
  /** A copy of x with x[index] = min(x[index], v). */
  min(v: ArrayLike, opts?: UpdateOptions): NDArray;
  /** A copy of x with x[index] = max(x[index], v). */
  max(v: ArrayLike, opts?: UpdateOptions): NDArray;
}
type UpdateKind = 'set' | 'add' | 'mul' | 'min' | 'max';

const COMBINE: Record<UpdateKind, (old: NDArray, upd: NDArray) => NDArray> = {
  set: (_old, upd) => upd, add: lax.add, mul: lax.mul, min: lax.min, max: lax.max,
};

/**
 * The update values: same kind as x (a float into an int array, or a number into a bool array,
 * would silently truncate, so it is refused), cast to x's dtype and broadcast to x[index]'s shape.
 */
function updateValues(op: string, p: Plan, v: ArrayLike): NDArray {
  const x = p.x;
  const u = toArray(op, v, x);
  const joined = promoteTypes({ dtype: x.dtype, weakType: false }, { dtype: u.dtype, weakType: u.weakType });
  if (weakKindOf(joined.dtype) !== weakKindOf(x.dtype)) {
    throw new DTypeError(`${op}: cannot write ${u.weakType ? `the ${typeof v} ${String(v)}` : `${u.dtype} values`} into a ${x.dtype} array without a cast; convert with astype('${x.dtype}') first`);
  }
  const s = p.resultShape;
  if (u.ndim > s.length || u.shape.some((d, i) => d !== 1 && d !== s[s.length - u.ndim + i])) {
    throw new ShapeError(`${op}: values of shape ${showShape(u.shape)} cannot be broadcast to the indexed shape ${showShape(s)}`);
  }
  const cast = convertTo(u, { dtype: x.dtype, weakType: x.weakType });
  return lax.broadcastInDim(cast, s, range(s.length, s.length - u.ndim));
}

/**
 * Basic indices: the values are laid into x's shape by `pad` (low = first index, interior =
 * stride − 1, high = what is left), a padded all-true mask marks where, and `select` merges.
 */
function updateBasic(kind: UpdateKind, p: Plan, values: NDArray): NDArray {
  const { x, axes } = p;
  if (axes.some((a) => a.kind === 'slice' && a.count === 0)) return x;
  const region = axes.map((a) => (a.kind === 'slice' ? a.count : 1));
  const reversed = axes.flatMap((a, i) => (a.kind === 'slice' && a.step < 0 ? [i] : []));
  const v = lax.rev(lax.reshape(values, region), reversed);
  const config = axes.map((a, i): [number, number, number] => {
    const n = x.shape[i]!;
    if (a.kind === 'int') return [a.index, n - a.index - 1, 0];
    if (a.kind === 'array') throw new Error('unreachable: basic update with an array index');
    const stride = Math.abs(a.step), first = a.step > 0 ? a.start : a.start + (a.count - 1) * a.step;
    return [first, n - (first + (a.count - 1) * stride + 1), stride - 1];
  });
  const placed = lax.pad(v, fullOf([], 0, x.dtype, x), config);
  if (kind === 'add') return lax.add(x, placed);
  const where = lax.pad(fullOf(region, true, 'bool', x), fullOf([], false, 'bool', x), config);
  return lax.select(where, COMBINE[kind](x, placed), x);
}

/** Flat positions (into x.ravel()) of the elements x[index] selects: the same indexing applied to an iota. */
function positionsOf(p: Plan, index: readonly Index[]): NDArray {
  const positions = (): NDArray => {
    const iota = constantOn(p.x, Int32Array.from(range(p.x.size)), p.x.shape);
    return getItem(iota, index.map((ix) => (ix instanceof NDArray ? concreteOrNull(ix) ?? ix : ix)));
  };
  const known = p.arrays.every((a) => concreteOrNull(a.index) !== null);
  return known ? withInterpreter(evalInterpreter, positions) : positions();
}

/**
 * Advanced indices: scatter into the flattened x. `.add` is one scatter_add. The others need
 * each position written once: with known positions, duplicates are split into rounds (the k-th
 * occurrence of each position goes to round k; other entries point past the end, where
 * scatter_add drops them) and applied in order, so `.set` keeps the last value.
 */
function updateAdvanced(op: string, kind: UpdateKind, p: Plan, index: readonly Index[], values: NDArray, drop: boolean): NDArray {
  const { x } = p;
  const size = x.size;
  const flatX = lax.reshape(x, [size]);
  const gathered = positionsOf(p, index);
  // Traced indices out of range cannot raise; their gathered positions are clamped. To drop those
  // updates (JAX's scatter), point them past the end, where scatter_add drops them.
  const pos = drop && hostValueOrNull(gathered) === null ? lax.select(inBounds(p), gathered, fullOf(gathered.shape, size, 'int32', x)) : gathered;
  if (kind === 'add') return lax.reshape(lax.scatterAdd(flatX, pos, values, 0), x.shape);
  const zeros = fullOf([size], 0, x.dtype, x, x.weakType);
  const known = hostValueOrNull(pos);
  if (known) {
    const data = known.dataSync();
    const seen = new Map<number, number>();
    const round = Int32Array.from(data, (q) => { const r = seen.get(q) ?? 0; seen.set(q, r + 1); return r; });
    let rounds = 0;
    for (const c of seen.values()) rounds = Math.max(rounds, c);
    let out = flatX;
    for (let r = 0; r < rounds; r++) {
      const roundPos = Int32Array.from(data, (q, i) => (round[i] === r ? q : size));
      const hit = new Uint8Array(size);
      data.forEach((q, i) => { if (round[i] === r) hit[q] = 1; });
      const idx = constantOn(x, roundPos, pos.shape);
      const written = lax.scatterAdd(zeros, idx, values, 0);
      out = lax.select(constantOn(x, hit, [size]), COMBINE[kind](out, written), out);
    }
    return lax.reshape(out, x.shape);
  }
  if (kind !== 'set') {
    throw new ConcretizationError(
      `${op}: .${kind} with integer-array indices whose values are traced cannot combine duplicate indices (there is no scatter-${kind} primitive); ` +
        `pass the indices as a concrete array or JS list (static under jit), or use .add / .set.`,
    );
  }
  // Traced positions, .set: the mean of the updates aimed at each position (exact for unique indices).
  const work: DType = x.dtype === 'bool' ? 'int32' : x.dtype;
  const sums = lax.scatterAdd(lax.convertElementType(zeros, work), pos, lax.convertElementType(values, work), 0);
  const counts = lax.scatterAdd(fullOf([size], 0, work, x), pos, fullOf(values.shape, 1, work, x), 0);
  const hit = lax.gt(counts, fullOf([size], 0, work, x));
  const safeCounts = lax.select(hit, counts, fullOf([size], 1, work, x));
  const mean = lax.convertElementType(lax.div(sums, safeCounts), x.dtype, x.weakType);
  return lax.reshape(lax.select(hit, mean, flatX), x.shape);
}

/** Where every integer-array index is in range (−n ≤ i < n), broadcast to the indexed result's shape. */
function inBounds(p: Plan): NDArray {
  let ok: NDArray | null = null;
  for (const { axis, index } of p.arrays) {
    const n = p.x.shape[axis]!;
    const i = lax.convertElementType(index, 'int32');
    const v = lax.and(lax.ge(i, fullOf(i.shape, -n, 'int32', p.x)), lax.lt(i, fullOf(i.shape, n, 'int32', p.x)));
    const b = lax.broadcastInDim(v, p.arrayShape, range(p.arrayShape.length, p.arrayShape.length - v.ndim));
    ok = ok ? lax.and(ok, b) : b;
  }
  const k = p.arrayShape.length;
  return lax.broadcastInDim(ok!, p.resultShape, range(p.groupPosition + k, p.groupPosition));
}

/** JAX's `x.at[index]`: functional updates of the selected elements. */
export function atIndex(x: NDArray, index: readonly Index[]): IndexUpdater {
  if (!(x instanceof NDArray)) throw new TypeError(`at: expected an Array, got ${describe(x)}`);
  const p = plan('at', x, index);
  const update = (kind: UpdateKind) => (v: ArrayLike, opts: UpdateOptions = {}): NDArray => {
    const op = `at(...).${kind}`;
    const mode = opts.mode ?? 'drop';
    if (!['drop', 'fill', 'clip', 'promise_in_bounds'].includes(mode)) throw new TypeError(`${op}: mode must be 'drop', 'fill', 'clip' or 'promise_in_bounds', got ${describe(mode)}`);
    const values = updateValues(op, p, v);
    return p.arrays.length ? updateAdvanced(op, kind, p, index, values, mode === 'drop' || mode === 'fill') : updateBasic(kind, p, values);
  };
  const get = (opts: GetOptions = {}): NDArray => {
    const mode = opts.mode ?? 'clip';
    if (!['clip', 'fill', 'promise_in_bounds'].includes(mode)) throw new TypeError(`at(...).get: mode must be 'clip', 'fill' or 'promise_in_bounds', got ${describe(mode)}`);
    const got = applyPlan(p);
    if (mode !== 'fill' || !p.arrays.length || p.arrays.every((a) => hostValueOrNull(a.index) !== null)) return got;
    const fill = opts.fillValue ?? (isFloat(x.dtype) ? NaN : x.dtype === 'int32' ? -2147483648 : x.dtype === 'uint32' ? 4294967295 : true);
    return lax.select(inBounds(p), got, fullOf(got.shape, fill, x.dtype, x, x.weakType));
  };
  return { get, set: update('set'), add: update('add'), mul: update('mul'), min: update('min'), max: update('max') };
}
