// The numpy layer's plumbing: turning user values into arrays, promoting dtypes, broadcasting
// shapes and parsing axis arguments, with errors that name the public function.
import * as E from 'fp-ts/lib/Either.js';
import { ShapedArray } from './aval.js';
import { ConcreteArray, NDArray, Tracer, concreteFromTyped, knownScalarValue, scalarFromTyped } from './array.js';
import { allocTyped, castScalar, checkFitsDtype, DType, DTYPES, isDType, isFloat, promoteTypes, storeScalar, TypeInfo, weakDtypeOf } from './dtype.js';
import { DTypeError, ShapeError, orThrow } from './errors.js';
import * as lax from './lax.js';
import { broadcastShapes, normalizeAxis, Shape, showShape } from './shape.js';

/** The reduction axes a user may pass: one axis, several, or null / undefined for all of them. */
export type Axis = number | readonly number[] | null;

export const range = (n: number, start = 0): number[] => Array.from({ length: Math.max(0, n - start) }, (_, i) => start + i);

/** A short description of any value for error messages: `an Array f32[2,3]`, `string "a"`, `undefined`. */
export function describe(v: unknown): string {
  if (v instanceof NDArray) return `an Array ${v.aval.str()}`;
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  if (Array.isArray(v)) return `a JS array of length ${v.length} (wrap it with np.array)`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} (wrap it with np.array)`;
  return `${typeof v} ${Object.prototype.toString.call(v)}`;
}

/** The backend a concrete array lives on, so constants combined with it are created there too. */
export const backendNameOf = (x: NDArray | undefined): string | undefined => (x instanceof ConcreteArray ? x.backend.name : undefined);

/** A scalar constant; beside a concrete array it is placed on that array's backend. */
export function constant(value: number | boolean, dtype: DType, weakType = false, like?: NDArray): NDArray {
  const data = allocTyped(dtype, 1);
  storeScalar(data, 0, Number(value), dtype);
  return scalarFromTyped(data, new ShapedArray([], dtype, weakType), backendNameOf(like));
}

/** `value` broadcast to `shape`, with `like`'s dtype by default. */
export function fullOf(shape: Shape, value: number | boolean, dtype: DType, like?: NDArray, weakType = false): NDArray {
  return lax.broadcastInDim(constant(value, dtype, weakType, like), shape, []);
}

/** The JS value behind each weak scalar made by `toArray`, so converting it makes a new constant, not an equation. */
const jsValueOf = new WeakMap<NDArray, number | boolean>();

/**
 * A user value as an array. JS numbers and booleans become *weak* scalars (int32 for integers,
 * float32 otherwise, bool for booleans): promotion then lets the other operand decide the dtype.
 */
export function toArray(op: string, v: unknown, like?: NDArray): NDArray {
  if (v instanceof NDArray) return v;
  if (typeof v === 'number' || typeof v === 'boolean') {
    const c = constant(v, weakDtypeOf(v), true, like);
    jsValueOf.set(c, v);
    return c;
  }
  throw new TypeError(`${op}: expected an Array, a number or a boolean, got ${describe(v)}`);
}

/** Several user values as arrays; scalars are placed on the backend of the first concrete array among them. */
export function toArrays(op: string, vs: readonly unknown[]): NDArray[] {
  const like = vs.find((v): v is NDArray => v instanceof ConcreteArray);
  return vs.map((v) => toArray(op, v, like));
}

/** The joined dtype of several operands under the weak-type lattice (dtype.ts). */
export function resultType(xs: readonly NDArray[]): TypeInfo {
  let t: TypeInfo = { dtype: xs[0]!.dtype, weakType: xs[0]!.weakType };
  for (const x of xs.slice(1)) t = promoteTypes(t, { dtype: x.dtype, weakType: x.weakType });
  return t;
}
/** x as type t. A concrete CPU scalar (a JS number on its way in) is converted on the host, so
 * traced programs get a literal of the right dtype rather than a conversion equation. */
export function convertTo(x: NDArray, t: TypeInfo, op = 'convert'): NDArray {
  const js = jsValueOf.get(x);
  if (typeof js === 'number') checkFitsDtype(op, js, t.dtype);
  if (x.dtype === t.dtype && x.weakType === t.weakType) return x;
  // The JS number itself where there is one: a weak float is stored as float32, and joining a
  // float64 operand must not inherit that rounding (f64.mul(0.1) multiplies by 0.1, not 0.1f).
  if (js !== undefined) return constant(js, t.dtype, t.weakType, x);
  if (x instanceof ConcreteArray && x.ndim === 0) {
    const known = knownScalarValue(x) ?? (x.backend.name === 'cpu' ? Number(x.dataSync()[0]) : undefined);
    if (known !== undefined) return constant(x.dtype === 'bool' ? known !== 0 : known, t.dtype, t.weakType, x);
  }
  return lax.convertElementType(x, t.dtype, t.weakType);
}

/** A float type for ops that are only defined on floats: ints and bools go to float32, weakness kept (as JAX). */
export const toFloatType = (t: TypeInfo): TypeInfo => (isFloat(t.dtype) ? t : { dtype: 'float32', weakType: t.weakType });

/** NumPy broadcasting of many shapes, or a ShapeError naming the op and the shapes. */
export function broadcastShapesOf(op: string, shapes: readonly Shape[]): Shape {
  let out: Shape = shapes[0] ?? [];
  for (const s of shapes.slice(1)) {
    const r = broadcastShapes(out, s);
    if (E.isLeft(r)) {
      const all = shapes.length > 2 ? ` (operand shapes ${shapes.map(showShape).join(', ')})` : '';
      throw new ShapeError(`${op}: ${r.left}${all}`);
    }
    out = r.right;
  }
  return out;
}

/** Broadcasts `x` to `shape` by aligning trailing axes (the caller has checked they are compatible). */
export const broadcastToShape = (x: NDArray, shape: Shape): NDArray =>
  lax.broadcastInDim(x, shape, range(shape.length, shape.length - x.ndim));

/**
 * The operands of an n-ary elementwise op: converted, promoted to their joint dtype, and broadcast
 * to their joint shape.
 */
export function elementwiseOperands(op: string, vs: readonly unknown[], typeOf: (t: TypeInfo) => TypeInfo = (t) => t): [NDArray[], TypeInfo] {
  const xs = toArrays(op, vs);
  const t = typeOf(resultType(xs));
  // A JS integer too large for int32 entered as a weak float; where it meets integers, it is
  // out of bounds for their dtype (NumPy's OverflowError), not a reason to compute in floats.
  vs.forEach((v, i) => {
    if (typeof v !== 'number' || xs[i]!.dtype === 'int32' || !Number.isInteger(v)) return;
    const asInt = typeOf(resultType(xs.map((x, k) => (k === i ? lax.scalar(0, 'int32', true) : x))));
    if (!isFloat(asInt.dtype)) checkFitsDtype(op, v, asInt.dtype);
  });
  const shape = broadcastShapesOf(op, xs.map((x) => x.shape));
  return [xs.map((x) => broadcastToShape(convertTo(x, t, op), shape)), t];
}

/** A dtype argument, checked. */
export function checkDtype(op: string, dtype: unknown): DType {
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype ${describe(dtype)}; expected one of ${DTYPES.join(', ')}`);
  return dtype;
}

/** One axis in [0, ndim), or a ShapeError naming the op. */
export function axisOf(op: string, axis: unknown, ndim: number): number {
  if (typeof axis !== 'number') throw new TypeError(`${op}: expected an integer axis, got ${describe(axis)}`);
  return orThrow(normalizeAxis(axis, ndim), (m) => new ShapeError(`${op}: ${m}`));
}

/** Reduction-style axes: all axes for null/undefined, distinct and normalised otherwise. */
export function axesOf(op: string, axis: Axis | undefined, ndim: number): number[] {
  if (axis === null || axis === undefined) return range(ndim);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new TypeError(`${op}: expected an axis (number, number[] or null), got ${describe(axis)}`);
  const out = list.map((a) => axisOf(op, a, ndim));
  if (new Set(out).size !== out.length) throw new ShapeError(`${op}: repeated axis in ${showShape(list)}`);
  return out;
}

/** A shape argument: a non-negative integer or a list of them. */
export function shapeOf(op: string, shape: unknown): number[] {
  const list = typeof shape === 'number' ? [shape] : shape;
  if (!Array.isArray(list) || !list.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new ShapeError(`${op}: expected a shape (a non-negative integer or a list of them), got ${Array.isArray(shape) ? showShape(shape) : describe(shape)}`);
  }
  return [...(list as number[])];
}

/** The concrete value beneath an array: itself, or what a tracer (e.g. jvp's) carries; null when abstract. */
export function concreteOrNull(x: NDArray): ConcreteArray | null {
  let v: NDArray | null = x;
  while (v instanceof Tracer) v = v.concreteValue();
  return v instanceof ConcreteArray ? v : null;
}

/** The concrete value of x where it can be read synchronously (on the CPU), else null. */
export function hostValueOrNull(x: NDArray): ConcreteArray | null {
  const c = concreteOrNull(x);
  return c && c.backend.name === 'cpu' ? c : null;
}
