// dtypes, their typed-array storage, and the promotion lattice (with JAX-style weak types).
import { OverflowError } from './errors.js';
import { decodeF16, encodeF16, f16round, f16ToBits } from './float16.js';
/** The dtypes arrays hold (float64 on the CPU only). */
export type DType = 'bool' | 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float16' | 'float32' | 'float64';
export const DTYPES: readonly DType[] = ['bool', 'uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32', 'float16', 'float32', 'float64'];

export type TypedArray = Uint8Array | Uint16Array | Uint32Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * The storage of each dtype. float16 is held as its bit patterns in a Uint16Array (Node 20 has no
 * Float16Array): backends store and load those bits, while `x.data()` / `dataSync()` hand out the
 * values as a Float32Array (see `valuesOf`).
 */
export interface TypedArrayMap {
  bool: Uint8Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  float16: Uint16Array;
  float32: Float32Array;
  float64: Float64Array;
}

type TypedArrayCtor = { new (n: number): TypedArray; new (buf: ArrayBufferLike, offset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number; readonly name: string };

const CTORS: Record<DType, TypedArrayCtor> = {
  bool: Uint8Array, uint8: Uint8Array, uint16: Uint16Array, uint32: Uint32Array,
  int8: Int8Array, int16: Int16Array, int32: Int32Array,
  float16: Uint16Array, float32: Float32Array, float64: Float64Array,
};

export const SHORT_NAME: Record<DType, string> = {
  bool: 'bool', uint8: 'u8', uint16: 'u16', uint32: 'u32', int8: 'i8', int16: 'i16', int32: 'i32', float16: 'f16', float32: 'f32', float64: 'f64',
};

export function allocTyped<D extends DType>(dtype: D, n: number): TypedArrayMap[D] {
  return new CTORS[dtype](n) as TypedArrayMap[D];
}
export const typedArrayCtor = (dtype: DType): TypedArrayCtor => CTORS[dtype];
export const itemsize = (dtype: DType): number => CTORS[dtype].BYTES_PER_ELEMENT;

/**
 * The dtype a typed array holds by default: Uint8Array is bool (uint8 must be asked for), and
 * Uint16Array is uint16.
 */
export function dtypeOfTypedArray(a: TypedArray): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Uint16Array) return 'uint16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array && !(a instanceof Uint8ClampedArray)) return 'bool';
  return undefined;
}
/** Whether `a` is the storage a backend keeps for `dtype` (the constructor matches). */
export const isStorageOf = (a: ArrayBufferView, dtype: DType): a is TypedArray => a.constructor === CTORS[dtype];

export const isFloat = (d: DType): boolean => d === 'float16' || d === 'float32' || d === 'float64';
export const isInteger = (d: DType): boolean => d !== 'bool' && !isFloat(d);
/** The integer dtypes narrower than 32 bits: stored narrow, computed in 32 bits and wrapped when stored. */
export const isSmallInt = (d: DType): boolean => d === 'int8' || d === 'int16' || d === 'uint8' || d === 'uint16';
/**
 * The dtype a kernel without its own narrow code path computes in: int8/int16 → int32,
 * uint8/uint16 → uint32, float16 → float32 (the result is then wrapped or rounded into `d`).
 */
export const computeDtype = (d: DType): DType =>
  d === 'int8' || d === 'int16' ? 'int32' : d === 'uint8' || d === 'uint16' ? 'uint32' : d === 'float16' ? 'float32' : d;

/** Values as JS numbers read them: float16 bits decode to a Float32Array; every other storage is its values. */
export function valuesOf(dtype: DType, storage: TypedArray): TypedArray {
  return dtype === 'float16' ? decodeF16(storage) : storage;
}
/** The storage of `values` in `dtype` (each value cast as `castScalar` does); `values` itself when it already is. */
export function storageOf(dtype: DType, values: ArrayLike<number>): TypedArray {
  if (dtype !== 'float16' && ArrayBuffer.isView(values) && isStorageOf(values as unknown as ArrayBufferView, dtype)) return values as unknown as TypedArray;
  const out = allocTyped(dtype, values.length);
  if (dtype === 'float16') encodeF16(values, out as Uint16Array);
  else for (let i = 0; i < values.length; i++) out[i] = castScalar(values[i]!, dtype);
  return out;
}
/** A one-element storage array holding `v` cast to `dtype`. */
export function scalarStorage(dtype: DType, v: number): TypedArray {
  const out = allocTyped(dtype, 1);
  out[0] = dtype === 'float16' ? f16ToBits(v) : castScalar(v, dtype);
  return out;
}
/** Writes `v` (cast to `dtype`) into storage at `i`. */
export function storeScalar(storage: TypedArray, i: number, v: number, dtype: DType): void {
  storage[i] = dtype === 'float16' ? f16ToBits(v) : castScalar(v, dtype);
}

// JAX's promotion lattice (jax/_src/dtypes.py, `_type_promotion_lattice`): i* and f* are the weak
// (JS-number) kinds. Each entry lists the types directly above it; the join of two types is the
// least type above both. Without 64-bit integers (JAX's default), i64 narrows to int32 and u64 to
// uint32 afterwards, so uint32 ⊔ int32 = int32, uint32 ⊔ int8 = int32, int32 ⊔ float16 = float16.
type Node = DType | 'i*' | 'f*' | 'i64' | 'u64';
const ABOVE: Record<Node, readonly Node[]> = {
  bool: ['i*'],
  'i*': ['uint8', 'int8'],
  uint8: ['int16', 'uint16'], uint16: ['int32', 'uint32'], uint32: ['i64', 'u64'], u64: ['f*'],
  int8: ['int16'], int16: ['int32'], int32: ['i64'], i64: ['f*'],
  'f*': ['float16'], float16: ['float32'], float32: ['float64'], float64: [],
};
const UPSETS = new Map<Node, Set<Node>>();
function upset(n: Node): Set<Node> {
  let s = UPSETS.get(n);
  if (!s) {
    s = new Set<Node>([n]);
    for (const m of ABOVE[n]) for (const k of upset(m)) s.add(k);
    UPSETS.set(n, s);
  }
  return s;
}
const JOINS = new Map<string, Node>();
function join(a: Node, b: Node): Node {
  const key = `${a},${b}`;
  let lub = JOINS.get(key);
  if (lub === undefined) {
    const ub = [...upset(a)].filter((n) => upset(b).has(n));
    // The least upper bound: the bound every other bound is above (the lattice guarantees one).
    lub = ub.find((n) => ub.every((m) => upset(n).has(m)));
    if (lub === undefined) throw new Error(`promoteTypes: no join of ${a} and ${b}`);
    JOINS.set(key, lub);
  }
  return lub;
}
const narrow = (n: Node): Node => (n === 'i64' ? 'int32' : n === 'u64' ? 'uint32' : n);

/** The kind a weakly typed JS number belongs to: bools, integers, or floats. */
export type WeakKind = 'bool' | 'int' | 'float';
export function weakKindOf(d: DType): WeakKind {
  return d === 'bool' ? 'bool' : isInteger(d) ? 'int' : 'float';
}
const KIND_RANK: Record<WeakKind, number> = { bool: 0, int: 1, float: 2 };
const DEFAULT_OF_KIND: Record<WeakKind, DType> = { bool: 'bool', int: 'int32', float: 'float32' };

export interface TypeInfo { readonly dtype: DType; readonly weakType: boolean }

/**
 * Joins two operand types. A weak operand (a JS number, or a value computed only from them)
 * adopts the strong operand's dtype unless its kind is higher: int32 * 2 stays int32,
 * int32 * 0.5 becomes float32, float64 + 1 stays float64.
 */
export function promoteTypes(a: TypeInfo, b: TypeInfo): TypeInfo {
  if (a.weakType && b.weakType) {
    const k = KIND_RANK[weakKindOf(a.dtype)] >= KIND_RANK[weakKindOf(b.dtype)] ? a : b;
    return { dtype: k.dtype, weakType: true };
  }
  if (a.weakType || b.weakType) {
    const [weak, strong] = a.weakType ? [a, b] : [b, a];
    const wk = weakKindOf(weak.dtype);
    const j = join(wk === 'bool' ? 'bool' : wk === 'int' ? 'i*' : 'f*', strong.dtype);
    // Above the strong type: the weak kind's own type (int32 * 0.5 is float32, bool + 1 is int32).
    if (j === 'i*' || j === 'f*') return { dtype: DEFAULT_OF_KIND[wk], weakType: false };
    return { dtype: narrow(j) as DType, weakType: false };
  }
  return { dtype: narrow(join(a.dtype, b.dtype)) as DType, weakType: false };
}

/** The dtype a JS value gets when it enters as a weak scalar. */
export function weakDtypeOf(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  // An integer int32 cannot hold (1e10, 2**40) is a float to JS: it enters as a weak float.
  return Number.isInteger(v) && !Object.is(v, -0) && v >= INT_BOUNDS.int32[0] && v <= INT_BOUNDS.int32[1] ? 'int32' : 'float32';
}

/** The values each integer dtype holds. */
export const INT_BOUNDS = {
  int8: [-128, 127], int16: [-32768, 32767], int32: [-2147483648, 2147483647],
  uint8: [0, 255], uint16: [0, 65535], uint32: [0, 4294967295],
} as const;
export type IntDType = keyof typeof INT_BOUNDS;
const isIntDType = (d: DType): d is IntDType => Object.prototype.hasOwnProperty.call(INT_BOUNDS, d);

/**
 * A JS number written into an integer dtype, checked as NumPy checks a Python int: a fraction
 * truncates toward zero (NumPy's float → int cast), but a value outside the dtype's range, NaN or
 * an infinity is an OverflowError (NumPy 2: "Python integer … out of bounds for int32") instead
 * of a saturated or wrapped number.
 */
export function checkFitsDtype(op: string, v: number, dtype: DType, where = ''): void {
  if (!isIntDType(dtype)) return;
  const [lo, hi] = INT_BOUNDS[dtype];
  if (!Number.isFinite(v)) throw new OverflowError(`${op}: the JS number ${v}${where} cannot be converted to ${dtype}`);
  const t = Math.trunc(v);
  if (t < lo || t > hi) throw new OverflowError(`${op}: the JS number ${v}${where} is out of bounds for ${dtype} (which holds ${lo} to ${hi})`);
}

export function isDType(s: unknown): s is DType {
  return typeof s === 'string' && (DTYPES as readonly string[]).includes(s);
}

/** Rounds a JS number into what `dtype` can hold, the way a store into its typed array does. */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case 'float16': return f16round(v);
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    case 'bool': return v !== 0 ? 1 : 0;
    // Like convert_element_type (XLA) from a float: truncate toward zero, saturate, NaN → 0.
    default: {
      const [lo, hi] = INT_BOUNDS[dtype];
      return Number.isNaN(v) ? 0 : Math.min(Math.max(Math.trunc(v), lo), hi);
    }
  }
}

/** The smallest value of a dtype (the identity of max): -Infinity for floats. */
export const lowestOf = (d: DType): number => (isFloat(d) ? -Infinity : d === 'bool' ? 0 : INT_BOUNDS[d as IntDType][0]);
/** The largest value of a dtype (the identity of min): Infinity for floats. */
export const highestOf = (d: DType): number => (isFloat(d) ? Infinity : d === 'bool' ? 1 : INT_BOUNDS[d as IntDType][1]);
