// dtypes, their typed-array storage, and the promotion lattice (with JAX-style weak types).
import { OverflowError } from './errors.js';
export type DType = 'bool' | 'uint32' | 'int32' | 'float32' | 'float64';
export const DTYPES: readonly DType[] = ['bool', 'uint32', 'int32', 'float32', 'float64'];

export type TypedArray = Uint8Array | Uint32Array | Int32Array | Float32Array | Float64Array;

export interface TypedArrayMap {
  bool: Uint8Array;
  uint32: Uint32Array;
  int32: Int32Array;
  float32: Float32Array;
  float64: Float64Array;
}

type TypedArrayCtor = { new (n: number): TypedArray; new (buf: ArrayBufferLike, offset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

const CTORS: Record<DType, TypedArrayCtor> = {
  bool: Uint8Array, uint32: Uint32Array, int32: Int32Array, float32: Float32Array, float64: Float64Array,
};

export const SHORT_NAME: Record<DType, string> = { bool: 'bool', uint32: 'u32', int32: 'i32', float32: 'f32', float64: 'f64' };

export function allocTyped<D extends DType>(dtype: D, n: number): TypedArrayMap[D] {
  return new CTORS[dtype](n) as TypedArrayMap[D];
}
export const typedArrayCtor = (dtype: DType): TypedArrayCtor => CTORS[dtype];
export const itemsize = (dtype: DType): number => CTORS[dtype].BYTES_PER_ELEMENT;

export function dtypeOfTypedArray(a: TypedArray): DType | undefined {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Uint32Array) return 'uint32';
  if (a instanceof Uint8Array) return 'bool';
  return undefined;
}

export const isFloat = (d: DType): boolean => d === 'float32' || d === 'float64';
export const isInteger = (d: DType): boolean => d === 'int32' || d === 'uint32';

// The lattice is a chain: bool < uint32 < int32 < float32 < float64. JAX joins uint32 and int32
// at int64 and then narrows it to int32 when 64-bit ints are off, so the chain gives the same
// answer without a wider integer type we could not store on WebGPU.
const RANK: Record<DType, number> = { bool: 0, uint32: 1, int32: 2, float32: 3, float64: 4 };

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
    const wk = weakKindOf(weak.dtype), sk = weakKindOf(strong.dtype);
    if (KIND_RANK[wk] <= KIND_RANK[sk]) return { dtype: strong.dtype, weakType: false };
    return { dtype: DEFAULT_OF_KIND[wk], weakType: false };
  }
  return { dtype: RANK[a.dtype] >= RANK[b.dtype] ? a.dtype : b.dtype, weakType: false };
}

/** The dtype a JS value gets when it enters as a weak scalar. */
export function weakDtypeOf(v: number | boolean): DType {
  if (typeof v === 'boolean') return 'bool';
  // An integer int32 cannot hold (1e10, 2**40) is a float to JS: it enters as a weak float.
  return Number.isInteger(v) && !Object.is(v, -0) && v >= INT_BOUNDS.int32[0] && v <= INT_BOUNDS.int32[1] ? 'int32' : 'float32';
}

/** The values each integer dtype holds. */
export const INT_BOUNDS = { int32: [-2147483648, 2147483647], uint32: [0, 4294967295] } as const;

/**
 * A JS number written into an integer dtype, checked as NumPy checks a Python int: a fraction
 * truncates toward zero (NumPy's float → int cast), but a value outside the dtype's range, NaN or
 * an infinity is an OverflowError (NumPy 2: "Python integer … out of bounds for int32") instead
 * of a saturated or wrapped number.
 */
export function checkFitsDtype(op: string, v: number, dtype: DType, where = ''): void {
  if (dtype !== 'int32' && dtype !== 'uint32') return;
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
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    // Like convert_element_type (XLA): truncate toward zero, saturate, NaN → 0; bool is x != 0.
    case 'int32': return Number.isNaN(v) ? 0 : Math.min(Math.max(Math.trunc(v), -2147483648), 2147483647);
    case 'uint32': return Number.isNaN(v) ? 0 : Math.min(Math.max(Math.trunc(v), 0), 4294967295);
    case 'bool': return v !== 0 ? 1 : 0;
  }
}

/** The smallest value of a dtype (the identity of max): -Infinity for floats. */
export const lowestOf = (d: DType): number => (d === 'float32' || d === 'float64' ? -Infinity : d === 'int32' ? -0x80000000 : 0);
/** The largest value of a dtype (the identity of min): Infinity for floats. */
export const highestOf = (d: DType): number => (d === 'float32' || d === 'float64' ? Infinity : d === 'int32' ? 0x7fffffff : d === 'bool' ? 1 : 0xffffffff);
