// Array creation: from JS values and typed arrays, constant fills, ranges and identity matrices.
//
// Defaults: numbers give float32 and booleans give bool (np.array([1, 2]) is float32, as in
// TensorFlow.js and PyTorch; ask for {dtype: 'int32'} to get integers). A typed array keeps its own
// dtype and is adopted without a copy when no other dtype is asked for; an explicit dtype is a cast,
// as NumPy's `array(x, dtype=...)` is. Ranges and fills computed from JS numbers are built on the
// host in double precision and rounded once, so `arange(0, 1, 0.1)` matches NumPy's values.
import { ShapedArray } from './aval.js';
import { ConcreteArray, NDArray, NestedArray, concreteFromTyped } from './array.js';
import { getBackend } from './backend.js';
import { allocTyped, castScalar, checkFitsDtype, DType, dtypeOfTypedArray, isInteger, isStorageOf, storeScalar, TypedArray, weakDtypeOf } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import * as lax from './lax.js';
import { broadcastToShape, checkDtype, describe, shapeOf, toArray } from './numpy-util.js';
import { stack } from './numpy-shape.js';
import { Shape, showShape, sizeOf } from './shape.js';

/** Options of the creation functions: dtype and device. */
export interface CreationOptions {
  /** The dtype (float32 by default for most functions; np.array infers it from the data). */
  dtype?: DType;
  /** The backend to place the array on ('cpu', 'webgpu'); the default backend when omitted. */
  device?: string;
}
/** What `np.array` accepts: an Array, nested JS lists of numbers/booleans (or of Arrays), or a typed array. */
export type ArrayInput = NDArray | NestedArray | readonly NDArray[] | ArrayBufferView;

const dtypeOpt = (op: string, opts: CreationOptions | undefined): DType | undefined =>
  opts?.dtype === undefined ? undefined : checkDtype(op, opts.dtype);
function deviceOpt(op: string, opts: CreationOptions | undefined): string | undefined {
  if (opts?.device !== undefined) getBackend(opts.device, op);
  return opts?.device;
}

/** `value` filled into `shape`: a scalar on the device, broadcast (a `broadcast_in_dim`, cheap under jit). */
function filled(shape: Shape, value: number | boolean, dtype: DType, device?: string): NDArray {
  const data = allocTyped(dtype, 1);
  storeScalar(data, 0, Number(value), dtype);
  return lax.broadcastInDim(concreteFromTyped(data, new ShapedArray([], dtype), device), shape, []);
}

// ---- array / asarray -------------------------------------------------------------------------

/**
 * A new array from `data`. Nested lists must be rectangular; their leaves are numbers or
 * booleans (float32 by default, bool when all are booleans). A list of Arrays is stacked.
 *
 * @example
 * const a = np.array([[1, 2], [3, 4]]);           // float32 [2, 2]
 * const b = np.array([1, 2, 3], { dtype: 'int32' });
 */
export function array(data: ArrayInput, opts?: CreationOptions): NDArray {
  const dtype = dtypeOpt('array', opts), device = deviceOpt('array', opts);
  if (data instanceof NDArray) return fromArray(data, dtype, device);
  if (ArrayBuffer.isView(data)) return fromView('array', data, [viewLength('array', data)], dtype, device);
  if (Array.isArray(data) && data.some((e) => e instanceof NDArray)) {
    return stack(data.map((e: unknown, i) => {
      if (!(e instanceof NDArray) && typeof e !== 'number' && typeof e !== 'boolean' && !Array.isArray(e)) {
        throw new TypeError(`array: element [${i}] is ${describe(e)}; expected an Array, a number, a boolean or a list`);
      }
      return array(e as ArrayInput, opts);
    }));
  }
  if (typeof data === 'number' || typeof data === 'boolean' || Array.isArray(data)) return fromNested(data as NestedArray, dtype, device);
  throw new TypeError(`array: expected an Array, a (nested) list of numbers or booleans, or a typed array, got ${describe(data)}`);
}

/** Like `array`, but returns an Array argument itself when nothing about it needs to change. */
export function asarray(data: ArrayInput, opts?: CreationOptions): NDArray {
  if (data instanceof NDArray && (opts?.dtype === undefined || opts.dtype === data.dtype) && opts?.device === undefined) return data;
  return array(data, opts);
}

/** A typed array as an array of `shape` (1-D by default); see `array` for dtype and copying. */
export function fromTypedArray(data: ArrayBufferView, shape?: readonly number[], opts?: CreationOptions): NDArray {
  if (!ArrayBuffer.isView(data)) throw new TypeError(`fromTypedArray: expected a typed array, got ${describe(data)}`);
  const n = viewLength('fromTypedArray', data);
  const s = shape === undefined ? [n] : shapeOf('fromTypedArray', shape);
  if (sizeOf(s) !== n) throw new ShapeError(`fromTypedArray: shape ${showShape(s)} holds ${sizeOf(s)} elements but the typed array has ${n}`);
  return fromView('fromTypedArray', data, s, dtypeOpt('fromTypedArray', opts), deviceOpt('fromTypedArray', opts));
}

function fromArray(x: NDArray, dtype: DType | undefined, device: string | undefined): NDArray {
  const out = dtype === undefined ? x : lax.convertElementType(x, dtype, false);
  if (device === undefined || (out instanceof ConcreteArray && out.backend.name === device)) return out;
  const data = out.dataSync();
  return concreteFromTyped(data.slice(), out.aval.strong(), device);
}

function viewLength(op: string, v: ArrayBufferView): number {
  if (v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array) {
    throw new TypeError(`${op}: ${v.constructor.name} is not supported; use Float32Array, Float64Array, Int32Array, Uint32Array or Uint8Array (bool)`);
  }
  return (v as unknown as ArrayLike<number>).length;
}

/**
 * A typed array → array. With no dtype: Float32/Float64/Int8/Int16/Int32/Uint16/Uint32Array keep
 * theirs and are adopted without copying (don't mutate them afterwards); a Uint8Array is bool and
 * must hold only 0 and 1 (ask for {dtype: 'uint8'} for bytes); a Uint8ClampedArray is uint8. With
 * a dtype, the values are cast (copying unless the dtype already matches); {dtype: 'float16'}
 * rounds the values to float16 (a Uint16Array is read as values, not as float16 bits).
 */
function fromView(op: string, view: ArrayBufferView, shape: Shape, dtype: DType | undefined, device: string | undefined): NDArray {
  const values = view as unknown as ArrayLike<number> & { length: number };
  const natural = dtypeOfTypedArray(view as TypedArray);
  const target = dtype ?? natural ?? (view instanceof Uint8ClampedArray ? 'uint8' : 'int32');
  if (natural === 'bool' && dtype === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v > 1) throw new DTypeError(`${op}: a Uint8Array is read as bool (0 or 1), but element ${i} is ${v}; pass {dtype: 'uint8'} to read it as bytes`);
    }
  }
  const adoptable = target !== 'float16' && isStorageOf(view, target) && (target !== 'bool' || dtype === undefined || Array.prototype.every.call(values, (v: number) => v <= 1));
  let data: TypedArray;
  if (adoptable) data = view as TypedArray;
  else {
    data = allocTyped(target, values.length);
    for (let i = 0; i < values.length; i++) storeScalar(data, i, values[i]!, target);
  }
  return concreteFromTyped(data, new ShapedArray(shape, target), device);
}

/** Shape of a nested list, following first elements; `fillLeaves` then checks every branch against it. */
function nestedShape(data: NestedArray): number[] {
  const shape: number[] = [];
  let d: NestedArray = data;
  while (Array.isArray(d)) {
    shape.push(d.length);
    if (d.length === 0) break;
    d = (d as readonly NestedArray[])[0]!;
  }
  return shape;
}

function fromNested(data: NestedArray, dtype: DType | undefined, device: string | undefined): NDArray {
  const shape = nestedShape(data);
  const leaves: (number | boolean)[] = [];
  const walk = (d: NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof d !== 'number' && typeof d !== 'boolean') {
        throw new TypeError(Array.isArray(d)
          ? `array: ragged nested list: element ${path} is a list, but element ${'[0]'.repeat(depth)} is a scalar (expected shape ${showShape(shape)})`
          : `array: element ${path} is ${describe(d)}; expected a number or a boolean`);
      }
      leaves.push(d);
      return;
    }
    if (!Array.isArray(d) || d.length !== shape[depth]) {
      const got = Array.isArray(d) ? `a list of length ${d.length}` : `a scalar (${describe(d)})`;
      throw new ShapeError(`array: ragged nested list: element ${path || '(top)'} is ${got}, expected a list of length ${shape[depth]} (the shape from the first elements is ${showShape(shape)})`);
    }
    (d as readonly NestedArray[]).forEach((e, i) => walk(e, depth + 1, `${path}[${i}]`));
  };
  walk(data, 0, '');
  const target = dtype ?? (leaves.length > 0 && leaves.every((v) => typeof v === 'boolean') ? 'bool' : 'float32');
  const out = allocTyped(target, leaves.length);
  for (let i = 0; i < leaves.length; i++) {
    if (typeof leaves[i] === 'number') checkFitsDtype('array', leaves[i] as number, target, shape.length ? ` (element ${elementPath(i, shape)})` : '');
    storeScalar(out, i, Number(leaves[i]), target);
  }
  return concreteFromTyped(out, new ShapedArray(shape, target), device);
}

/** `[i][j]…` of the flat index i in a row-major shape. */
function elementPath(i: number, shape: readonly number[]): string {
  const idx: number[] = [];
  for (let a = shape.length - 1; a >= 0; a--) { idx.unshift(i % shape[a]!); i = Math.floor(i / shape[a]!); }
  return idx.map((k) => `[${k}]`).join('');
}

// ---- fills -----------------------------------------------------------------------------------
/**
 * `np.zeros(shape, {dtype, device})`.
 *
 * @example
 * np.zeros([2, 3], { dtype: 'int32' });
 */
export function zeros(shape: number | readonly number[], opts?: CreationOptions): NDArray {
  return filled(shapeOf('zeros', shape), 0, dtypeOpt('zeros', opts) ?? 'float32', deviceOpt('zeros', opts));
}
/** `np.ones(shape, {dtype, device})`. */
export function ones(shape: number | readonly number[], opts?: CreationOptions): NDArray {
  return filled(shapeOf('ones', shape), 1, dtypeOpt('ones', opts) ?? 'float32', deviceOpt('ones', opts));
}
/** Arrays are immutable, so an "uninitialised" array is simply zeros. */
export function empty(shape: number | readonly number[], opts?: CreationOptions): NDArray {
  return filled(shapeOf('empty', shape), 0, dtypeOpt('empty', opts) ?? 'float32', deviceOpt('empty', opts));
}
/**
 * `value` everywhere. The dtype defaults to the value's: int32 for an integer number, float32 for
 * other numbers, bool for a boolean (as jnp.full), or an Array value's own dtype (then broadcast).
 */
export function full(shape: number | readonly number[], value: number | boolean | NDArray, opts?: CreationOptions): NDArray {
  const s = shapeOf('full', shape), dtype = dtypeOpt('full', opts), device = deviceOpt('full', opts);
  if (value instanceof NDArray) {
    if (value.ndim > s.length || value.shape.some((d, i) => d !== 1 && d !== s[s.length - value.ndim + i])) {
      throw new ShapeError(`full: a fill value of shape ${showShape(value.shape)} cannot be broadcast to ${showShape(s)}`);
    }
    return broadcastToShape(lax.convertElementType(value, dtype ?? value.dtype, false), s);
  }
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`full: expected a number, boolean or Array fill value, got ${describe(value)}`);
  if (typeof value === 'number' && dtype) checkFitsDtype('full', value, dtype);
  return filled(s, value, dtype ?? weakDtypeOf(value), device);
}

const likeDevice = (x: NDArray): string | undefined => (x instanceof ConcreteArray ? x.backend.name : undefined);
/** Zeros with x's shape, and x's dtype unless given. */
export function zerosLike(x: NDArray | number | boolean, opts?: { dtype?: DType }): NDArray {
  const a = toArray('zerosLike', x);
  return filled(a.shape, 0, dtypeOpt('zerosLike', opts) ?? a.dtype, likeDevice(a));
}
/** Ones with x's shape (and dtype unless given). */
export function onesLike(x: NDArray | number | boolean, opts?: { dtype?: DType }): NDArray {
  const a = toArray('onesLike', x);
  return filled(a.shape, 1, dtypeOpt('onesLike', opts) ?? a.dtype, likeDevice(a));
}
/** `value` with x's shape (and dtype unless given). */
export function fullLike(x: NDArray | number | boolean, value: number | boolean, opts?: { dtype?: DType }): NDArray {
  const a = toArray('fullLike', x);
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new TypeError(`fullLike: expected a number or boolean fill value, got ${describe(value)}`);
  return filled(a.shape, value, dtypeOpt('fullLike', opts) ?? a.dtype, likeDevice(a));
}

// ---- ranges ----------------------------------------------------------------------------------
function finiteNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${op}: ${name} must be a finite number, got ${describe(v)}`);
  return v;
}
/** Host-computed values `f(i)`, i < n, rounded into `dtype`. */
function fromFunction(n: number, dtype: DType, f: (i: number) => number, device?: string): NDArray {
  const data = allocTyped(dtype, n);
  for (let i = 0; i < n; i++) storeScalar(data, i, f(i), dtype);
  return concreteFromTyped(data, new ShapedArray([n], dtype), device);
}

/**
 * Evenly spaced values in [start, stop): `arange(stop)`, `arange(start, stop)`,
 * `arange(start, stop, step)`, each optionally followed by `{dtype, device}`. The dtype is int32
 * when every argument is an integer and float32 otherwise; values are start + i·step computed in
 * double precision, so there are ⌈(stop − start) / step⌉ of them.
 *
 * @example
 * np.arange(5);          // Array([0, 1, 2, 3, 4], dtype=int32)
 * np.arange(0, 1, 0.25); // Array([0.  , 0.25, 0.5 , 0.75], dtype=float32)
 */
export function arange(...args: (number | CreationOptions | undefined)[]): NDArray {
  const last = args[args.length - 1];
  const opts = typeof last === 'object' ? (last as CreationOptions) : undefined;
  const nums = (opts ? args.slice(0, -1) : args).filter((a) => a !== undefined);
  if (nums.length < 1 || nums.length > 3) throw new TypeError(`arange: expected (stop), (start, stop) or (start, stop, step), got ${nums.length} numbers`);
  const [start, stop, step] = (nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1])
    .map((v, i) => finiteNumber('arange', ['start', 'stop', 'step'][i]!, v)) as [number, number, number];
  if (step === 0) throw new RangeError('arange: step must not be zero');
  const dtype = dtypeOpt('arange', opts) ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  const n = Math.max(0, Math.ceil((stop - start) / step));
  return fromFunction(n, dtype, (i) => start + i * step, deviceOpt('arange', opts));
}

/**
 * `num` evenly spaced values from start to stop (NumPy's recipe: step = (stop − start) / (num − 1),
 * values start + i·step, the last set to stop exactly); with endpoint false the interval is
 * [start, stop) and step = (stop − start) / num. Integer dtypes take the floor, as NumPy 2 does.
 */
export function linspace(start: number, stop: number, num = 50, opts?: CreationOptions & { endpoint?: boolean }): NDArray {
  finiteNumber('linspace', 'start', start); finiteNumber('linspace', 'stop', stop);
  if (!Number.isInteger(num) || num < 0) throw new RangeError(`linspace: num must be a non-negative integer, got ${num}`);
  const endpoint = opts?.endpoint ?? true;
  const dtype = dtypeOpt('linspace', opts) ?? 'float32';
  const div = endpoint ? num - 1 : num;
  const step = div > 0 ? (stop - start) / div : 0;
  const value = (i: number): number => (endpoint && num > 1 && i === num - 1 ? stop : start + i * step);
  return fromFunction(num, dtype, isInteger(dtype) ? (i) => Math.floor(value(i)) : value, deviceOpt('linspace', opts));
}

/** The n×m matrix with ones on diagonal k (k > 0 above the main diagonal, k < 0 below). */
export function eye(n: number, m?: number, opts?: CreationOptions & { k?: number }): NDArray {
  const rows = shapeOf('eye', n)[0]!, cols = m === undefined ? rows : shapeOf('eye', m)[0]!;
  const k = opts?.k ?? 0;
  if (!Number.isInteger(k)) throw new TypeError(`eye: k must be an integer, got ${k}`);
  const dtype = dtypeOpt('eye', opts) ?? 'float32';
  const data = allocTyped(dtype, rows * cols);
  for (let i = Math.max(0, -k); i < rows && i + k < cols; i++) storeScalar(data, i * cols + i + k, 1, dtype);
  return concreteFromTyped(data, new ShapedArray([rows, cols], dtype), deviceOpt('eye', opts));
}
/** The n×n identity. */
export const identity = (n: number, opts?: CreationOptions): NDArray => eye(n, n, opts);
