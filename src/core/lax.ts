// Thin typed wrappers over `bind`, one per primitive (and takeAlongAxis, a gather the sort JVP
// needs). Rules and the numpy layer call these; operands must already agree in shape and dtype
// (the numpy layer broadcasts and promotes).
import { ShapedArray } from './aval.js';
import { NDArray, scalarFromTyped } from './array.js';
import { allocTyped, castScalar, DType, DTYPES, isDType, isInteger, storeScalar } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import { bind, bind1 } from './interpreter.js';
import { BinaryPrimitive, ComparePrimitive, DotDimensionNumbers, UnaryPrimitive } from './primitives.js';
import { Shape } from './shape.js';

const un = (p: UnaryPrimitive) => (x: NDArray): NDArray => bind1(p, [x], {});
/** A value as error messages show it: arrays as lists, strings quoted. */
const describeValue = (v: unknown): string => (Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? `"${v}"` : `${typeof v} ${String(v)}`);
const bin = (p: BinaryPrimitive | ComparePrimitive) => (x: NDArray, y: NDArray): NDArray => bind1(p, [x, y], {});

/** `lax.neg`: −x. */
export const neg = un('neg');
/** `lax.sign`: −1, 0 or 1 (NaN stays NaN). */
export const sign = un('sign');
/** `lax.floor`. */
export const floor = un('floor');
/** `lax.ceil`. */
export const ceil = un('ceil');
/** `lax.round`: to the nearest integer, halves away from zero. */
export const round = un('round');
/** `lax.abs`. */
export const abs = un('abs');
/** `lax.exp`: eˣ. */
export const exp = un('exp');
/** `lax.log`: the natural logarithm. */
export const log = un('log');
/** `lax.expm1`: eˣ − 1. */
export const expm1 = un('expm1');
/** `lax.log1p`: log(1 + x). */
export const log1p = un('log1p');
/** `lax.sin`. */
export const sin = un('sin');
/** `lax.cos`. */
export const cos = un('cos');
/** `lax.tan`. */
export const tan = un('tan');
/** `lax.tanh`. */
export const tanh = un('tanh');
/** `lax.sqrt`. */
export const sqrt = un('sqrt');
/** `lax.not`: logical not (bool) or bitwise not (integers). */
export const not = un('not');
/** `lax.erf`: the error function. */
export const erf = un('erf');
/** `lax.erfc`: 1 − erf(x), accurate in the tails. */
export const erfc = un('erfc');
/** `lax.lgamma`: log |Γ(x)|. */
export const lgamma = un('lgamma');
/** `lax.digamma`: Γ′(x) / Γ(x). */
export const digamma = un('digamma');

/** `lax.add`: x + y (operands of one shape and dtype, as every lax binary op; `np.add` broadcasts and promotes).\n\n@example\nlax.add(np.ones([2]), np.ones([2])); // Array([2., 2.], dtype=float32) */
export const add = bin('add');
/** `lax.sub`: x − y. */
export const sub = bin('sub');
/** `lax.mul`: x · y. */
export const mul = bin('mul');
/** `lax.div`: x / y (integers truncate toward zero). */
export const div = bin('div');
/** `lax.rem`: the remainder with the dividend's sign (C's fmod). */
export const rem = bin('rem');
/** `lax.pow`: x ** y. */
export const pow = bin('pow');
/** `lax.max` (NaN wins). */
export const max = bin('max');
/** `lax.min` (NaN wins). */
export const min = bin('min');
/** `lax.atan2(x, y)`: the angle of the point (y, x). */
export const atan2 = bin('atan2');
/** `lax.and`: logical (bool) or bitwise (integers) and. */
export const and = bin('and');
/** `lax.or`: logical (bool) or bitwise (integers) or. */
export const or = bin('or');
/** `lax.shift_right_logical`: zeros shifted in. */
export const shiftRightLogical = bin('shift_right_logical');
/** `lax.eq`: x == y (a bool array). */
export const eq = bin('eq');
/** `lax.ne`: x != y. */
export const ne = bin('ne');
/** `lax.lt`: x < y. */
export const lt = bin('lt');
/** `lax.le`: x ≤ y. */
export const le = bin('le');
/** `lax.gt`: x > y. */
export const gt = bin('gt');
/** `lax.ge`: x ≥ y. */
export const ge = bin('ge');

/** `lax.select(pred, onTrue, onFalse)`: onTrue where pred, else onFalse (one shape). */
export const select = (pred: NDArray, onTrue: NDArray, onFalse: NDArray): NDArray => bind1('select', [pred, onTrue, onFalse], {});
/** `lax.convert_element_type`: x in another dtype (float → int truncates and saturates, NaN → 0). */
export function convertElementType(x: NDArray, newDtype: DType, weakType = false): NDArray {
  if (!isDType(newDtype)) throw new DTypeError(`lax.convertElementType: unknown dtype ${describeValue(newDtype)}; expected one of ${DTYPES.join(', ')}`);
  return x.dtype === newDtype && x.weakType === weakType ? x : bind1('convert_element_type', [x], { newDtype, weakType });
}
/** `lax.iota`: 0, 1, 2, … along `dimension` of `shape`. */
export const iota = (dtype: DType, shape: Shape, dimension = 0): NDArray => bind1('iota', [], { dtype, shape, dimension });

/** `lax.reduce_sum` over `axes`. */
export const reduceSum = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_sum', [x], { axes }) : x);
/** `lax.reduce_max` over `axes` (NaN wins). */
export const reduceMax = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_max', [x], { axes }) : x);
/** `lax.reduce_min` over `axes` (NaN wins). */
export const reduceMin = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_min', [x], { axes }) : x);
/** `lax.reduce_prod` over `axes`. */
export const reduceProd = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_prod', [x], { axes }) : x);
/** `lax.argmax` along `axis` (the first maximum; NaN counts as the maximum). */
export const argmax = (x: NDArray, axis: number, indexDtype: DType = 'int32'): NDArray => bind1('argmax', [x], { axis, indexDtype });
/** `lax.argmin` along `axis`. */
export const argmin = (x: NDArray, axis: number, indexDtype: DType = 'int32'): NDArray => bind1('argmin', [x], { axis, indexDtype });

/** `lax.broadcast_in_dim`: x's axes placed at `broadcastDimensions` of `shape`, the rest broadcast. */
export function broadcastInDim(x: NDArray, shape: Shape, broadcastDimensions: readonly number[]): NDArray {
  if (x.ndim === shape.length && x.shape.every((d, i) => d === shape[i]) && broadcastDimensions.every((d, i) => d === i)) return x;
  return bind1('broadcast_in_dim', [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
}
/** `lax.reshape` to `newSizes` (same number of elements). */
export function reshape(x: NDArray, newSizes: Shape): NDArray {
  if (x.ndim === newSizes.length && x.shape.every((d, i) => d === newSizes[i])) return x;
  return bind1('reshape', [x], { newSizes: [...newSizes] });
}
/** `lax.transpose` by `permutation`. */
export function transpose(x: NDArray, permutation: readonly number[]): NDArray {
  // The identity shortcut only for a full permutation: a short one is the shape rule's error.
  if (permutation.length === x.ndim && permutation.every((p, i) => p === i)) return x;
  return bind1('transpose', [x], { permutation: [...permutation] });
}
/** `lax.slice`: [start, limit) per axis with optional strides. */
export const slice = (x: NDArray, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): NDArray =>
  bind1('slice', [x], { startIndices, limitIndices, strides: strides && strides.every((s) => s === 1) ? null : strides });
/** `lax.pad`: per axis [low, high, interior] padding with `paddingValue` (negative low/high crop). */
export const pad = (x: NDArray, paddingValue: NDArray, config: readonly (readonly [number, number, number])[]): NDArray =>
  bind1('pad', [x, paddingValue], { config });
/** `lax.concatenate` along `dimension`. */
export const concatenate = (xs: readonly NDArray[], dimension: number): NDArray =>
  xs.length === 1 ? xs[0]! : bind1('concatenate', xs, { dimension });
/** `lax.rev`: reversed along `dimensions`. */
export const rev = (x: NDArray, dimensions: readonly number[]): NDArray => (dimensions.length ? bind1('rev', [x], { dimensions }) : x);
/** Rows of x at integer `indices` along `axis` (indices clamp, as JAX's default). */
export const gather = (x: NDArray, indices: NDArray, axis: number): NDArray => bind1('gather', [x, indices], { axis });
/** x with `updates` added at `indices` along `axis` (duplicates accumulate; out-of-range indices dropped). */
export const scatterAdd = (x: NDArray, indices: NDArray, updates: NDArray, axis: number): NDArray =>
  bind1('scatter_add', [x, indices, updates], { axis });
/** Options of lax.sort. */
export interface SortOptions {
  /** The axis sorted along (−1). */
  dimension?: number;
  /** How many leading operands are sort keys (1). */
  numKeys?: number;
}
/**
 * JAX's lax.sort: operands of one shape, each permuted by the stable lexicographic order of the
 * first `numKeys` along `dimension` (floats: -inf < … < -0 = +0 < … < inf < NaN). One operand in,
 * one array out; a list in, a list out.
 */
export function sort(operand: NDArray, opts?: SortOptions): NDArray;
export function sort(operands: readonly NDArray[], opts?: SortOptions): NDArray[];
export function sort(operands: NDArray | readonly NDArray[], { dimension = -1, numKeys = 1 }: SortOptions = {}): NDArray | NDArray[] {
  const list = operands instanceof NDArray ? [operands] : operands;
  const ndim = list[0]?.ndim ?? 0;
  // A dimension below -ndim stays as given, for the shape rule to name.
  const outs = bind('sort', list, { dimension: dimension < 0 && dimension >= -ndim ? dimension + ndim : dimension, numKeys });
  return operands instanceof NDArray ? outs[0]! : outs;
}
/** Sorts `values` by `keys` along `dimension` (stable): [sorted keys, values in that order]. */
export function sortKeyVal(keys: NDArray, values: NDArray, dimension = -1): [NDArray, NDArray] {
  const [k, v] = sort([keys, values], { dimension, numKeys: 1 });
  return [k!, v!];
}
/** `lax.dot_general`: the contraction of x and y with dimension numbers [[lhs contracting, rhs contracting], [lhs batch, rhs batch]]. */
export const dotGeneral = (x: NDArray, y: NDArray, dimensionNumbers: DotDimensionNumbers): NDArray =>
  bind1('dot_general', [x, y], { dimensionNumbers });
/** The Threefry-2x32 block cipher (20 rounds) on uint32 (key0, key1, x0, x1): the bits under `random`. */
export function threefry2x32(k0: NDArray, k1: NDArray, x0: NDArray, x1: NDArray): [NDArray, NDArray] {
  const [y0, y1] = bind('threefry2x32', [k0, k1, x0, x1], {});
  return [y0!, y1!];
}

// ---- derived indexing ---------------------------------------------------------------------
/**
 * out[p, i, q] = x[p, indices[p, i, q], q] around `axis` (NumPy's take_along_axis without its
 * broadcasting): `indices` has x's shape except along `axis`, with values in [0, x.shape[axis]).
 * It is a gather on the flattened x at (p·n + index)·post + q, so it is linear in x and
 * transposes into scatter_add: the sort JVP moves tangents with it.
 */
export function takeAlongAxis(x: NDArray, indices: NDArray, axis: number): NDArray {
  if (!isInteger(indices.dtype)) throw new DTypeError(`lax.takeAlongAxis: indices must have an integer dtype, got ${indices.aval.str()}`);
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) throw new ShapeError(`lax.takeAlongAxis: axis ${axis} is out of range for ${x.aval.str()}`);
  if (indices.ndim !== x.ndim || indices.shape.some((d, i) => i !== axis && d !== x.shape[i])) {
    throw new ShapeError(`lax.takeAlongAxis: indices ${indices.aval.str()} must have the shape of ${x.aval.str()} except along axis ${axis}`);
  }
  const size = (s: Shape) => s.reduce((a, b) => a * b, 1);
  const pre = size(x.shape.slice(0, axis)), n = x.shape[axis]!, post = size(x.shape.slice(axis + 1)), m = indices.shape[axis]!;
  const s3 = [pre, m, post];
  const lane = add(mul(iota('int32', s3, 0), full(s3, n * post, 'int32')), iota('int32', s3, 2));
  const flat = add(lane, mul(reshape(convertElementType(indices, 'int32'), s3), full(s3, post, 'int32')));
  return reshape(gather(reshape(x, [x.size]), flat, 0), indices.shape);
}

// ---- constants ----------------------------------------------------------------------------
/** A concrete scalar; under a transform it enters as a constant (a literal in printed jaxprs). */
export function scalar(value: number | boolean, dtype: DType, weakType = false): NDArray {
  const data = allocTyped(dtype, 1);
  storeScalar(data, 0, Number(value), dtype);
  return scalarFromTyped(data, new ShapedArray([], dtype, weakType));
}
/** An array of `shape` filled with `value`. */
export function full(shape: Shape, value: number | boolean, dtype: DType, weakType = false): NDArray {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`lax.full: expected a shape of non-negative integers, got ${describeValue(shape)}`);
  }
  return broadcastInDim(scalar(value, dtype, weakType), shape, []);
}
/** `value` with x's shape, dtype and weak type. */
export const fullLike = (x: NDArray | ShapedArray, value: number | boolean): NDArray => full(x.shape, value, x.dtype, x.weakType);
/** Zeros with x's shape, dtype and weak type. */
export const zerosLike = (x: NDArray | ShapedArray): NDArray => fullLike(x, 0);
