// Statistics: average, quantile/percentile/median (through the differentiable sort), the
// nan-ignoring reductions, cov/corrcoef, countNonzero, arrayEqual/arrayEquiv.
import { ArrayLike, NDArray } from './array.js';
import { isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { matmul } from './numpy-linalg.js';
import { max, mean, min, prod, sum, variance, ReduceOptions } from './numpy-reduce.js';
import { Axis, axesOf, broadcastShapesOf, convertTo, describe, range, resultType, toArray, toFloatType } from './numpy-util.js';
import { isnan, sqrt } from './numpy.js';
import { showShape, sizeOf } from './shape.js';

const c = (x: NDArray, v: number): NDArray => lax.full(x.shape, v, x.dtype, x.weakType);
const floatOf = (op: string, x: ArrayLike): NDArray => { const a = toArray(op, x); return convertTo(a, toFloatType(a)); };
type StatOptions = { axis?: Axis; keepdims?: boolean };
const optionsOf = (o: StatOptions | number | readonly number[] | null | undefined): StatOptions =>
  typeof o === 'number' || Array.isArray(o) || o === null ? { axis: o as Axis } : (o as StatOptions | undefined) ?? {};

/** Weighted mean Σ w·x / Σ w along axis (weights broadcast, or 1-d along the one axis); returned: also Σ w. */
export function average(x: ArrayLike, opts: { axis?: number | null; weights?: ArrayLike; returned?: boolean; keepdims?: boolean } = {}): NDArray | [NDArray, NDArray] {
  const a = floatOf('average', x);
  const axis = opts.axis ?? null;
  if (opts.weights === undefined) {
    const m = mean(a, { axis, keepdims: opts.keepdims });
    return opts.returned ? [m, lax.full(m.shape, axis === null ? a.size : a.shape[axesOf('average', axis, a.ndim)[0]!]!, m.dtype)] : m;
  }
  let w = convertTo(toArray('average', opts.weights), resultType([a, toArray('average', opts.weights)]));
  const t = resultType([a, w]);
  const xa = convertTo(a, t);
  w = convertTo(w, t);
  if (w.shape.join() !== xa.shape.join()) {
    if (axis === null) throw new ShapeError(`average: weights of shape ${showShape(w.shape)} differ from a's ${showShape(xa.shape)}; give the axis they run along`);
    const ax = axesOf('average', axis, xa.ndim)[0]!;
    if (w.ndim !== 1 || w.shape[0] !== xa.shape[ax]) throw new ShapeError(`average: 1-d weights must have the length of axis ${ax} (${xa.shape[ax]}), got shape ${showShape(w.shape)}`);
    w = lax.broadcastInDim(w, xa.shape, [ax]);
  }
  const total = sum(w, { axis, keepdims: opts.keepdims });
  const avg = lax.div(sum(lax.mul(xa, w), { axis, keepdims: opts.keepdims }), total);
  return opts.returned ? [avg, total] : avg;
}

/** How a quantile between two elements is taken (NumPy's names). */
export type QuantileMethod = 'linear' | 'lower' | 'higher' | 'nearest' | 'midpoint';
/** Options of quantile/percentile and their NaN-skipping forms. */
export interface QuantileOptions {
  /** The axes reduced (all by default). */
  axis?: Axis;
  /** How a quantile between two elements is taken (NumPy's methods; 'linear' by default). */
  method?: QuantileMethod;
  /** Keep the reduced axes as size 1. */
  keepdims?: boolean;
}
/**
 * The q-th quantiles (q in [0, 1], a number or an array: its axes come first in the result) along
 * the axes: sort, then read position q·(n − 1), interpolated by `method` (NumPy's default 'linear').
 */
export function quantile(x: ArrayLike, q: ArrayLike, opts: QuantileOptions = {}, op = 'quantile', ignoreNan = false): NDArray {
  const a0 = floatOf(op, x);
  const axes = axesOf(op, opts.axis ?? null, a0.ndim);
  const method = opts.method ?? 'linear';
  if (!['linear', 'lower', 'higher', 'nearest', 'midpoint'].includes(method)) throw new TypeError(`${op}: method must be linear, lower, higher, nearest or midpoint, got ${describe(method)}`);
  // The reduced axes go last and are flattened into one.
  const keep = range(a0.ndim).filter((i) => !axes.includes(i));
  const moved = lax.transpose(a0, [...keep, ...axes]);
  const n = sizeOf(axes.map((i) => a0.shape[i]!));
  if (n === 0) throw new ShapeError(`${op}: cannot take a quantile of an empty reduction (shape ${showShape(a0.shape)})`);
  const batch = keep.map((i) => a0.shape[i]!);
  const flat = lax.reshape(moved, [...batch, n]);
  const sorted = lax.sort(flat, { dimension: batch.length });
  const qa = convertTo(toArray(op, q), { dtype: a0.dtype, weakType: false });
  const qShape = qa.shape;
  // Valid count per lane: n, or the non-NaN count (NaNs sort last).
  const count = ignoreNan
    ? lax.convertElementType(lax.reduceSum(lax.convertElementType(lax.not(isnan(flat)), 'int32'), [batch.length]), a0.dtype)
    : lax.full(batch, n, a0.dtype);
  const outShape = [...qShape, ...batch];
  const qb = lax.broadcastInDim(qa, outShape, range(qShape.length));
  const countB = lax.broadcastInDim(count, outShape, range(batch.length).map((i) => qShape.length + i));
  const position = lax.mul(qb, lax.sub(countB, c(countB, 1)));
  const lo = lax.floor(position), hi = lax.ceil(position);
  const readAt = (pos: NDArray): NDArray => {
    // gather along the last axis of sorted, one index per (q, batch) lane
    const idx = lax.convertElementType(lax.max(lax.min(pos, c(pos, n - 1)), c(pos, 0)), 'int32');
    const perm = [...range(batch.length).map((i) => qShape.length + i), ...range(qShape.length)];
    const idxB = lax.transpose(idx, perm);
    const taken = lax.takeAlongAxis(sorted, lax.reshape(idxB, [...batch, sizeOf(qShape)]), batch.length);
    return lax.transpose(lax.reshape(taken, [...batch, ...qShape]), [...range(qShape.length).map((i) => batch.length + i), ...range(batch.length)]);
  };
  const vLo = readAt(lo), vHi = readAt(hi);
  let out: NDArray;
  switch (method) {
    case 'lower': out = vLo; break;
    case 'higher': out = vHi; break;
    case 'midpoint': out = lax.mul(lax.add(vLo, vHi), c(vLo, 0.5)); break;
    case 'nearest': out = readAt(lax.round(position)); break;
    default: out = lax.add(vLo, lax.mul(lax.sub(vHi, vLo), lax.sub(position, lo)));
  }
  if (ignoreNan) out = lax.select(lax.eq(countB, c(countB, 0)), c(out, NaN), out);
  if (opts.keepdims) out = lax.reshape(out, [...qShape, ...a0.shape.map((d, i) => (axes.includes(i) ? 1 : d))]);
  return out;
}
/** quantile with q in percent. */
export function percentile(x: ArrayLike, q: ArrayLike, opts: QuantileOptions = {}): NDArray {
  const qa = toArray('percentile', q);
  return quantile(x, lax.div(convertTo(qa, toFloatType(qa)), lax.full(qa.shape, 100, toFloatType(qa).dtype)), opts, 'percentile');
}
/** The 50th percentile. */
export const median = (x: ArrayLike, opts: StatOptions | number | null = {}): NDArray => quantile(x, 0.5, optionsOf(opts), 'median');
/** quantile, percentile and median over the non-NaN entries (NaN where a lane has none). */
export const nanquantile = (x: ArrayLike, q: ArrayLike, opts: QuantileOptions = {}): NDArray => quantile(x, q, opts, 'nanquantile', true);
/** `np.nanpercentile`: the q-th percentile (0–100) ignoring NaN. */
export function nanpercentile(x: ArrayLike, q: ArrayLike, opts: QuantileOptions = {}): NDArray {
  const qa = toArray('nanpercentile', q);
  return quantile(x, lax.div(convertTo(qa, toFloatType(qa)), lax.full(qa.shape, 100, toFloatType(qa).dtype)), opts, 'nanpercentile', true);
}
/** `np.nanmedian`: the median ignoring NaN. */
export const nanmedian = (x: ArrayLike, opts: StatOptions | number | null = {}): NDArray => quantile(x, 0.5, optionsOf(opts), 'nanmedian', true);

// ---- nan-ignoring reductions ------------------------------------------------------------------------
const nanFilled = (op: string, x: ArrayLike, fill: number): [NDArray, NDArray | null] => {
  const a = toArray(op, x);
  if (!isFloat(a.dtype)) return [a, null];
  const nan = isnan(a);
  return [lax.select(nan, c(a, fill), a), nan];
};
type NanArg = ReduceOptions | number | readonly number[] | null;
/** `np.nansum`: the sum treating NaN as 0. */
export const nansum = (x: ArrayLike, opts?: NanArg): NDArray => sum(nanFilled('nansum', x, 0)[0], opts);
/** `np.nanprod`: the product treating NaN as 1. */
export const nanprod = (x: ArrayLike, opts?: NanArg): NDArray => prod(nanFilled('nanprod', x, 1)[0], opts);
/** Σ non-NaN / count of non-NaN. */
export function nanmean(x: ArrayLike, opts?: NanArg): NDArray {
  const [a, nan] = nanFilled('nanmean', floatOf('nanmean', x), 0);
  if (!nan) return mean(a, opts);
  const o = optionsOf(opts as StatOptions);
  return lax.div(sum(a, o), sum(lax.convertElementType(lax.not(nan), a.dtype), o));
}
/** max/min over the non-NaN entries; NaN where every entry is NaN. */
function nanExtremum(op: 'nanmax' | 'nanmin', x: ArrayLike, opts: NanArg | undefined): NDArray {
  const [a, nan] = nanFilled(op, x, op === 'nanmax' ? -Infinity : Infinity);
  const r = (op === 'nanmax' ? max : min)(a, opts);
  if (!nan) return r;
  const none = lax.eq(sum(lax.convertElementType(lax.not(nan), 'int32'), optionsOf(opts as StatOptions)), lax.full(r.shape, 0, 'int32'));
  return lax.select(none, c(r, NaN), r);
}
/** `np.nanmax`: the maximum ignoring NaN. */
export const nanmax = (x: ArrayLike, opts?: NanArg): NDArray => nanExtremum('nanmax', x, opts);
/** `np.nanmin`: the minimum ignoring NaN. */
export const nanmin = (x: ArrayLike, opts?: NanArg): NDArray => nanExtremum('nanmin', x, opts);
/** Variance over the non-NaN entries: Σ(x − mean)² / (count − ddof). */
export function nanvar(x: ArrayLike, opts: StatOptions & { ddof?: number } = {}): NDArray {
  const a = floatOf('nanvar', x);
  const nan = isnan(a);
  const o = { axis: opts.axis, keepdims: true };
  const m = nanmean(a, o);
  const dev = lax.select(nan, c(a, 0), lax.sub(a, lax.broadcastInDim(m, a.shape, range(a.ndim))));
  const count = sum(lax.convertElementType(lax.not(nan), a.dtype), { axis: opts.axis, keepdims: opts.keepdims });
  return lax.div(sum(lax.mul(dev, dev), { axis: opts.axis, keepdims: opts.keepdims }), lax.sub(count, c(count, opts.ddof ?? 0)));
}
/** `np.nanstd`: the standard deviation ignoring NaN. */
export const nanstd = (x: ArrayLike, opts: StatOptions & { ddof?: number } = {}): NDArray => sqrt(nanvar(x, opts));
/** max − min. */
export const ptp = (x: ArrayLike, opts?: NanArg): NDArray => lax.sub(max(x, opts), min(x, opts));

// ---- covariance -------------------------------------------------------------------------------------
/** Options of np.cov. */
export interface CovOptions {
  /** A second set of variables, stacked with the first. */
  y?: ArrayLike;
  /** Each row is a variable (true, the default), else each column. */
  rowvar?: boolean;
  /** Normalise by N instead of N − 1. */
  bias?: boolean;
  /** Overrides the normalisation N − ddof. */
  ddof?: number;
}
/** The covariance matrix of the variables in rows (rowvar, default) or columns; 1/(N − ddof), ddof = 1 unless bias. */
export function cov(m: ArrayLike, opts: CovOptions = {}): NDArray {
  const rows = (v: ArrayLike): NDArray => {
    let a = floatOf('cov', v);
    if (a.ndim > 2) throw new ShapeError(`cov: m has more than 2 dimensions (shape ${showShape(a.shape)})`);
    if (a.ndim < 2) a = lax.reshape(a, [1, a.size]);
    if (opts.rowvar === false && a.shape[0] !== 1) a = lax.transpose(a, [1, 0]);
    return a;
  };
  let x = rows(m);
  if (opts.y !== undefined) {
    const y = rows(opts.y);
    const t = resultType([x, y]);
    x = lax.concatenate([convertTo(x, t), convertTo(y, t)], 0);
  }
  const n = x.shape[1]!;
  const ddof = opts.ddof ?? (opts.bias ? 0 : 1);
  const centred = lax.sub(x, lax.broadcastInDim(mean(x, 1), x.shape, [0]));
  const out = lax.div(matmul(centred, lax.transpose(centred, [1, 0])), lax.full([x.shape[0]!, x.shape[0]!], n - ddof, x.dtype));
  return x.shape[0] === 1 ? lax.reshape(out, []) : out;
}
/** Pearson correlation coefficients: cov / √(var_i · var_j), clipped to [−1, 1]. */
export function corrcoef(x: ArrayLike, opts: { y?: ArrayLike; rowvar?: boolean } = {}): NDArray {
  const k = cov(x, opts);
  if (k.ndim === 0) return lax.div(k, k);
  const d = sqrt(lax.reshape(lax.gather(lax.reshape(k, [k.size]), lax.mul(lax.iota('int32', [k.shape[0]!], 0), lax.full([k.shape[0]!], k.shape[0]! + 1, 'int32')), 0), [k.shape[0]!]));
  const outer = lax.mul(lax.broadcastInDim(d, k.shape, [0]), lax.broadcastInDim(d, k.shape, [1]));
  const r = lax.div(k, outer);
  return lax.max(lax.min(r, c(r, 1)), c(r, -1));
}

// ---- counting and comparing --------------------------------------------------------------------------
/** The number of nonzero (true) entries along the axes, int32. */
export function countNonzero(x: ArrayLike, opts?: StatOptions | number | null): NDArray {
  const a = toArray('countNonzero', x);
  const truth = a.dtype === 'bool' ? a : lax.ne(a, c(a, 0));
  return sum(lax.convertElementType(truth, 'int32'), optionsOf(opts));
}
/** True when the shapes match and every element is equal (NaN equal to NaN with equalNan). */
export function arrayEqual(a1: ArrayLike, a2: ArrayLike, opts: { equalNan?: boolean } = {}): NDArray {
  const [x, y] = [toArray('arrayEqual', a1), toArray('arrayEqual', a2)];
  if (x.shape.join() !== y.shape.join() || x.ndim !== y.ndim) return lax.full([], false, 'bool');
  const t = resultType([x, y]);
  const [p, q] = [convertTo(x, t), convertTo(y, t)];
  let eq = lax.eq(p, q);
  if (opts.equalNan && isFloat(t.dtype)) eq = lax.or(eq, lax.and(lax.ne(p, p), lax.ne(q, q)));
  return lax.eq(lax.reduceSum(lax.convertElementType(lax.not(eq), 'int32'), range(eq.ndim)), lax.full([], 0, 'int32'));
}
/** True when the shapes broadcast together and every element is equal. */
export function arrayEquiv(a1: ArrayLike, a2: ArrayLike): NDArray {
  const [x, y] = [toArray('arrayEquiv', a1), toArray('arrayEquiv', a2)];
  try { broadcastShapesOf('arrayEquiv', [x.shape, y.shape]); } catch { return lax.full([], false, 'bool'); }
  const shape = broadcastShapesOf('arrayEquiv', [x.shape, y.shape]);
  const t = resultType([x, y]);
  const b = (v: NDArray) => lax.broadcastInDim(convertTo(v, t), shape, range(v.ndim).map((i) => shape.length - v.ndim + i));
  const same = lax.eq(b(x), b(y));
  return lax.eq(lax.reduceSum(lax.convertElementType(lax.not(same), 'int32'), range(shape.length)), lax.full([], 0, 'int32'));
}
