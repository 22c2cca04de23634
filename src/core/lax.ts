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

export const neg = un('neg'), sign = un('sign'), floor = un('floor'), ceil = un('ceil'), round = un('round');
export const abs = un('abs'), exp = un('exp'), log = un('log'), expm1 = un('expm1'), log1p = un('log1p');
export const sin = un('sin'), cos = un('cos'), tan = un('tan'), tanh = un('tanh'), sqrt = un('sqrt'), not = un('not');
export const erf = un('erf'), erfc = un('erfc'), lgamma = un('lgamma'), digamma = un('digamma');

export const add = bin('add'), sub = bin('sub'), mul = bin('mul'), div = bin('div'), rem = bin('rem');
export const pow = bin('pow'), max = bin('max'), min = bin('min'), atan2 = bin('atan2');
export const and = bin('and'), or = bin('or'), shiftRightLogical = bin('shift_right_logical');
export const eq = bin('eq'), ne = bin('ne'), lt = bin('lt'), le = bin('le'), gt = bin('gt'), ge = bin('ge');

export const select = (pred: NDArray, onTrue: NDArray, onFalse: NDArray): NDArray => bind1('select', [pred, onTrue, onFalse], {});
export function convertElementType(x: NDArray, newDtype: DType, weakType = false): NDArray {
  if (!isDType(newDtype)) throw new DTypeError(`lax.convertElementType: unknown dtype ${describeValue(newDtype)}; expected one of ${DTYPES.join(', ')}`);
  return x.dtype === newDtype && x.weakType === weakType ? x : bind1('convert_element_type', [x], { newDtype, weakType });
}
export const iota = (dtype: DType, shape: Shape, dimension = 0): NDArray => bind1('iota', [], { dtype, shape, dimension });

export const reduceSum = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_sum', [x], { axes }) : x);
export const reduceMax = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_max', [x], { axes }) : x);
export const reduceMin = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_min', [x], { axes }) : x);
export const reduceProd = (x: NDArray, axes: readonly number[]): NDArray => (axes.length ? bind1('reduce_prod', [x], { axes }) : x);
export const argmax = (x: NDArray, axis: number, indexDtype: DType = 'int32'): NDArray => bind1('argmax', [x], { axis, indexDtype });
export const argmin = (x: NDArray, axis: number, indexDtype: DType = 'int32'): NDArray => bind1('argmin', [x], { axis, indexDtype });

export function broadcastInDim(x: NDArray, shape: Shape, broadcastDimensions: readonly number[]): NDArray {
  if (x.ndim === shape.length && x.shape.every((d, i) => d === shape[i]) && broadcastDimensions.every((d, i) => d === i)) return x;
  return bind1('broadcast_in_dim', [x], { shape: [...shape], broadcastDimensions: [...broadcastDimensions] });
}
export function reshape(x: NDArray, newSizes: Shape): NDArray {
  if (x.ndim === newSizes.length && x.shape.every((d, i) => d === newSizes[i])) return x;
  return bind1('reshape', [x], { newSizes: [...newSizes] });
}
export function transpose(x: NDArray, permutation: readonly number[]): NDArray {
  // The identity shortcut only for a full permutation: a short one is the shape rule's error.
  if (permutation.length === x.ndim && permutation.every((p, i) => p === i)) return x;
  return bind1('transpose', [x], { permutation: [...permutation] });
}
export const slice = (x: NDArray, startIndices: readonly number[], limitIndices: readonly number[], strides: readonly number[] | null = null): NDArray =>
  bind1('slice', [x], { startIndices, limitIndices, strides: strides && strides.every((s) => s === 1) ? null : strides });
export const pad = (x: NDArray, paddingValue: NDArray, config: readonly (readonly [number, number, number])[]): NDArray =>
  bind1('pad', [x, paddingValue], { config });
export const concatenate = (xs: readonly NDArray[], dimension: number): NDArray =>
  xs.length === 1 ? xs[0]! : bind1('concatenate', xs, { dimension });
export const rev = (x: NDArray, dimensions: readonly number[]): NDArray => (dimensions.length ? bind1('rev', [x], { dimensions }) : x);
export const gather = (x: NDArray, indices: NDArray, axis: number): NDArray => bind1('gather', [x, indices], { axis });
export const scatterAdd = (x: NDArray, indices: NDArray, updates: NDArray, axis: number): NDArray =>
  bind1('scatter_add', [x, indices, updates], { axis });
/** Options of `sort`: the axis (negative counts from the end; default -1) and how many leading operands are keys (default 1). */
export interface SortOptions { dimension?: number; numKeys?: number }
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
export const dotGeneral = (x: NDArray, y: NDArray, dimensionNumbers: DotDimensionNumbers): NDArray =>
  bind1('dot_general', [x, y], { dimensionNumbers });
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
export function full(shape: Shape, value: number | boolean, dtype: DType, weakType = false): NDArray {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`lax.full: expected a shape of non-negative integers, got ${describeValue(shape)}`);
  }
  return broadcastInDim(scalar(value, dtype, weakType), shape, []);
}
export const fullLike = (x: NDArray | ShapedArray, value: number | boolean): NDArray => full(x.shape, value, x.dtype, x.weakType);
export const zerosLike = (x: NDArray | ShapedArray): NDArray => fullLike(x, 0);
