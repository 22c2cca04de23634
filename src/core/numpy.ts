// np's elementwise math (the namespace itself is np.ts, which re-exports this file and the other
// families). Everything is derived from primitives through lax, so every transform and backend applies.
//
// ## Type promotion (JAX's rules, weak types included)
//
// A JS number or boolean enters as a *weak* scalar: int32 for integers, float32 for other numbers,
// bool for booleans. A weak operand takes the other operand's dtype unless its kind (bool < int <
// float) is higher, in which case the result gets that kind's default (int32, float32). Two strong
// dtypes join along the chain bool < uint32 < int32 < float32 < float64 (JAX joins uint32 and int32
// at int64, which becomes int32 without 64-bit integers):
//
//   strong ∘ strong   bool     uint32   int32    float32  float64
//   bool              bool     uint32   int32    float32  float64
//   uint32            uint32   uint32   int32    float32  float64
//   int32             int32    int32    int32    float32  float64
//   float32           float32  float32  float32  float32  float64
//   float64           float64  float64  float64  float64  float64
//
//   strong ∘ weak     true     2        0.5
//   bool              bool     int32    float32
//   uint32            uint32   uint32   float32
//   int32             int32    int32    float32
//   float32           float32  float32  float32
//   float64           float64  float64  float64
//
// So `int32Array.mul(2)` stays int32, `.mul(0.5)` is float32, `float64Array.add(1)` stays float64,
// and two weak operands give a weak result of the higher kind (`np.add(1, 2.5)` is weak float32).
// Functions defined only on floats (divide, exp, sqrt, ...) take ints and bools to float32, as JAX
// does (NumPy would pick float64). Bools add as logical or and multiply as logical and.
import { ArrayLike, NDArray } from './array.js';
import { nonzero } from './numpy-select.js';
import { isFloat, isInteger, TypeInfo } from './dtype.js';
import { DTypeError } from './errors.js';
import * as lax from './lax.js';
import {
  broadcastShapesOf, broadcastToShape, checkDtype, convertTo, elementwiseOperands, fullOf, resultType, toArray, toArrays,
  toFloatType,
} from './numpy-util.js';

// ---- helpers ---------------------------------------------------------------------------------
const noBool = (op: string, hint: string) => (t: TypeInfo): TypeInfo => {
  if (t.dtype === 'bool') throw new DTypeError(`${op}: not defined on bool operands (as in NumPy); ${hint}`);
  return t;
};
/** A binary elementwise op: promote, broadcast, then one primitive. */
function binary(op: string, prim: (a: NDArray, b: NDArray) => NDArray, typeOf?: (t: TypeInfo) => TypeInfo) {
  return (x: ArrayLike, y: ArrayLike): NDArray => {
    const [[a, b]] = elementwiseOperands(op, [x, y], typeOf);
    return prim(a!, b!);
  };
}
/** A unary op defined only on floats: ints and bools go to float32 first. */
function floatUnary(op: string, f: (x: NDArray) => NDArray) {
  return (x: ArrayLike): NDArray => {
    const a = toArray(op, x);
    return f(convertTo(a, toFloatType(a)));
  };
}
const fullLikeOf = (x: NDArray, v: number | boolean): NDArray => fullOf(x.shape, v, x.dtype, x, x.weakType);

// ---- arithmetic ------------------------------------------------------------------------------
/**
 * x + y elementwise, with NumPy's broadcasting and JAX's type promotion (JS numbers are weakly typed).
 *
 * @example
 * np.add(np.array([1, 2, 3]), 10); // Array([11., 12., 13.], dtype=float32)
 */
export const add = binary('add', lax.add);
/** x − y elementwise (bool operands are an error, as in NumPy). */
export const subtract = binary('subtract', lax.sub, noBool('subtract', 'use np.logicalXor, or astype to an integer dtype first'));
/** x · y elementwise. */
export const multiply = binary('multiply', lax.mul);
/** True division: integer and bool operands are divided as float32 (`np.divide(1, 2)` is 0.5). */
export const divide = binary('divide', lax.div, toFloatType);
/** The elementwise maximum (NaN wins). */
export const maximum = binary('maximum', lax.max);
/** The elementwise minimum (NaN wins). */
export const minimum = binary('minimum', lax.min);
/** The angle of the point (x2, x1) in radians, elementwise: `np.arctan2(y, x)` as NumPy orders it. */
export const arctan2 = binary('arctan2', lax.atan2, toFloatType);

/**
 * Floor division, rounding toward -∞ like Python's `//`. Integers: the truncating quotient, minus
 * one where the signs differ and the division is inexact. Floats (CPython's float_divmod):
 * q = (x - fmod(x, y)) / y is an exact integer up to rounding; step it down where fmod's sign
 * disagrees with y's, then round away the rounding error.
 */
export function floorDivide(x: ArrayLike, y: ArrayLike): NDArray {
  const [[a, b], t] = elementwiseOperands('floorDivide', [x, y], noBool('floorDivide', 'astype to an integer dtype first'));
  if (t.dtype === 'uint32') return lax.div(a!, b!);
  const r = lax.rem(a!, b!);
  const zero = fullLikeOf(r, 0), one = fullLikeOf(r, 1);
  if (isInteger(t.dtype)) {
    const q = lax.div(a!, b!);
    return lax.select(lax.and(lax.ne(lax.sign(a!), lax.sign(b!)), lax.ne(r, zero)), lax.sub(q, one), q);
  }
  const q = lax.div(lax.sub(a!, r), b!);
  const stepDown = lax.and(lax.ne(r, zero), lax.ne(lax.sign(b!), lax.sign(r)));
  return lax.round(lax.select(stepDown, lax.sub(q, one), q));
}

/**
 * Remainder with Python's sign convention: the result has the divisor's sign (`mod(-1, 3) = 2`).
 * From C's fmod r: add y where r ≠ 0 and r, y have different signs. Integer x mod 0 is 0 (NumPy).
 */
export function mod(x: ArrayLike, y: ArrayLike): NDArray {
  const [[a, b0]] = elementwiseOperands('mod', [x, y], noBool('mod', 'astype to an integer dtype first'));
  const zero = fullLikeOf(a!, 0);
  const b = isInteger(b0!.dtype) ? lax.select(lax.eq(b0!, zero), fullLikeOf(b0!, 1), b0!) : b0!;
  const r = lax.rem(a!, b);
  const fix = lax.and(lax.ne(r, zero), lax.ne(lax.lt(r, zero), lax.lt(b, zero)));
  return lax.select(fix, lax.add(r, b), r);
}
/** The same as `np.mod` (Python's %, the divisor's sign). */
export const remainder = mod;

/** x ** n for a JS integer n by binary exponentiation (JAX's integer_pow): ⌈log2 n⌉ squarings. */
function integerPower(x: NDArray, n: number): NDArray {
  if (n === 0) return fullLikeOf(x, 1);
  let acc: NDArray | null = null, base = x, k = n;
  for (;;) {
    if (k % 2 === 1) acc = acc ? lax.mul(acc, base) : base;
    k = Math.floor(k / 2);
    if (k === 0) return acc!;
    base = lax.mul(base, base);
  }
}

/**
 * x ** y. A JS integer exponent is computed by repeated multiplication (exact for ints, and its
 * derivative n·x^(n-1) is defined at x = 0); a negative one on floats is 1 / x^|n|. Float
 * operands otherwise use the `pow` primitive. Integer arrays raised to integer arrays use
 * square-and-multiply over the exponent's 32 bits (mod 2^32 like every int32 product); a negative
 * integer exponent gives trunc(x^y): 1 for x = 1, ±1 for x = -1, else 0 (NumPy raises instead).
 */
export function power(x: ArrayLike, y: ArrayLike): NDArray {
  if (typeof y === 'number' && Number.isInteger(y) && Math.abs(y) < 2 ** 31 && (x instanceof NDArray || typeof x === 'number')) {
    const xa = toArray('power', x);
    const t = resultType([xa, toArray('power', y, xa)]);
    const base = convertTo(xa, t.dtype === 'bool' ? { dtype: 'int32', weakType: t.weakType } : t);
    if (y >= 0) return integerPower(base, y);
    if (isFloat(base.dtype)) return lax.div(fullLikeOf(base, 1), integerPower(base, -y));
    throw new DTypeError(`power: integers to negative integer powers are not allowed (got ${base.aval.str()} ** ${y}); use a float base, e.g. np.power(x.astype('float32'), ${y})`);
  }
  const [[a, b], t] = elementwiseOperands('power', [x, y], (t) => (t.dtype === 'bool' ? { dtype: 'int32', weakType: t.weakType } : t));
  if (isFloat(t.dtype)) return lax.pow(a!, b!);
  const zero = fullLikeOf(a!, 0), one = fullLikeOf(a!, 1);
  let acc = one, base = a!, e = b!;
  for (let bit = 0; bit < 32; bit++) {
    acc = lax.select(lax.ne(lax.and(e, one), zero), lax.mul(acc, base), acc);
    base = lax.mul(base, base);
    e = lax.shiftRightLogical(e, one);
  }
  if (t.dtype === 'uint32') return acc;
  const minusOne = lax.neg(one);
  const oddExponent = lax.ne(lax.and(b!, one), zero);
  const negativeExponentResult = lax.select(lax.eq(a!, one), one, lax.select(lax.eq(a!, minusOne), lax.select(oddExponent, minusOne, one), zero));
  return lax.select(lax.lt(b!, zero), negativeExponentResult, acc);
}

/** −x elementwise (bool is an error, as in NumPy). */
export function negative(x: ArrayLike): NDArray {
  const a = toArray('negative', x);
  if (a.dtype === 'bool') throw new DTypeError('negative: not defined on bool (as in NumPy); use np.logicalNot');
  return lax.neg(a);
}
/** x itself (as an array). */
export const positive = (x: ArrayLike): NDArray => toArray('positive', x);
/** |x|; bools are their own absolute value. */
export function abs(x: ArrayLike): NDArray {
  const a = toArray('abs', x);
  return a.dtype === 'bool' ? a : lax.abs(a);
}
/** The same as `np.abs`. */
export const absolute = abs;
/** -1, 0 or 1 (NaN for NaN); on bool, the value itself. */
export function sign(x: ArrayLike): NDArray {
  const a = toArray('sign', x);
  return a.dtype === 'bool' ? a : lax.sign(a);
}
/** x² elementwise. */
export const square = (x: ArrayLike): NDArray => { const a = toArray('square', x); return multiply(a, a); };
/** 1 / x elementwise. */
export const reciprocal = (x: ArrayLike): NDArray => divide(1, toArray('reciprocal', x));

// ---- transcendental: float only --------------------------------------------------------------
/**
 * eˣ elementwise (integers promote to float).
 *
 * @example
 * np.exp(np.array([0, 1])); // Array([1.       , 2.7182817], dtype=float32)
 */
export const exp = floatUnary('exp', lax.exp);
/** The natural logarithm elementwise. */
export const log = floatUnary('log', lax.log);
/** eˣ − 1, accurate near 0. */
export const expm1 = floatUnary('expm1', lax.expm1);
/** log(1 + x), accurate near 0. */
export const log1p = floatUnary('log1p', lax.log1p);
/** The sine elementwise (radians). */
export const sin = floatUnary('sin', lax.sin);
/** The cosine elementwise (radians). */
export const cos = floatUnary('cos', lax.cos);
/** The hyperbolic tangent elementwise. */
export const tanh = floatUnary('tanh', lax.tanh);
/** The square root elementwise (NaN below 0). */
export const sqrt = floatUnary('sqrt', lax.sqrt);
/** 2^x = exp(x·ln 2). */
export const exp2 = floatUnary('exp2', (x) => lax.exp(lax.mul(x, fullLikeOf(x, Math.LN2))));
/** log2(x) = log(x) / ln 2, log10(x) = log(x) / ln 10. */
export const log2 = floatUnary('log2', (x) => lax.div(lax.log(x), fullLikeOf(x, Math.LN2)));
/** The base-10 logarithm elementwise. */
export const log10 = floatUnary('log10', (x) => lax.div(lax.log(x), fullLikeOf(x, Math.LN10)));
/** The tangent elementwise (the tan primitive). */
export const tan = floatUnary('tan', lax.tan);
/** sinh x = (expm1(x) − expm1(−x)) / 2: expm1 keeps the small-|x| digits that exp(x) − exp(−x) cancels. */
export const sinh = floatUnary('sinh', (x) => lax.mul(lax.sub(lax.expm1(x), lax.expm1(lax.neg(x))), fullLikeOf(x, 0.5)));
/** The hyperbolic cosine elementwise. */
export const cosh = floatUnary('cosh', (x) => lax.mul(lax.add(lax.exp(x), lax.exp(lax.neg(x))), fullLikeOf(x, 0.5)));
/** arcsin x = atan2(x, √((1−x)(1+x))), arccos x = atan2(√((1−x)(1+x)), x), arctan x = atan2(x, 1), as in JAX. */
const oneMinusSquare = (x: NDArray): NDArray => { const one = fullLikeOf(x, 1); return lax.mul(lax.sub(one, x), lax.add(one, x)); };
/** The inverse sine elementwise (NaN outside [−1, 1]). */
export const arcsin = floatUnary('arcsin', (x) => lax.atan2(x, lax.sqrt(oneMinusSquare(x))));
/** The inverse cosine elementwise (NaN outside [−1, 1]). */
export const arccos = floatUnary('arccos', (x) => lax.atan2(lax.sqrt(oneMinusSquare(x)), x));
/** The inverse tangent elementwise. */
export const arctan = floatUnary('arctan', (x) => lax.atan2(x, fullLikeOf(x, 1)));
/** 1 / √x elementwise. */
export const rsqrt = floatUnary('rsqrt', (x) => lax.div(fullLikeOf(x, 1), lax.sqrt(x)));
/** The logistic function 1 / (1 + e^−x), written as ½·tanh(x/2) + ½: no overflow for either sign of x. */
export const sigmoid = floatUnary('sigmoid', (x) => {
  const half = fullLikeOf(x, 0.5);
  return lax.add(lax.mul(lax.tanh(lax.mul(x, half)), half), half);
});

/**
 * The inverse error function, XLA's float32 approximation (M. Giles, "Approximating the erfinv
 * function"), built from primitives so it differentiates and runs everywhere:
 *   w = −log1p(−x²)   (= −log((1−x)(1+x)), the form current XLA uses for accuracy near 0)
 *   w < 5:  t = w − 2.5,   p = Horner(LT, t)
 *   else:   t = √w − 3,    p = Horner(GT, t)
 *   erfinv(x) = p·x,  and ±∞ at x = ±1.
 * Ints go to float32. float64 input takes that approximation (~1e-7) through two Newton steps on
 * the erf primitive, y ← y − (erf y − x)·(√π/2)·e^{y²}, which square the error twice.
 */
const ERFINV_LT = [2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941];
const ERFINV_GT = [-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682];
/** The inverse error function elementwise (±∞ at ±1, NaN outside [−1, 1]). */
export const erfinv = floatUnary('erfinv', (x) => {
  const w = lax.neg(lax.log1p(lax.neg(lax.mul(x, x))));
  const small = lax.lt(w, fullLikeOf(w, 5));
  // √w only where w ≥ 5: the branch select discards still gets differentiated, and √w's
  // derivative at w = 0 (x = 0) is infinite, so it must not see small w at all.
  const sqrtW = lax.sqrt(lax.select(small, fullLikeOf(w, 5), w));
  const t = lax.select(small, lax.sub(w, fullLikeOf(w, 2.5)), lax.sub(sqrtW, fullLikeOf(w, 3)));
  const coefficient = (i: number) => lax.select(small, fullLikeOf(x, ERFINV_LT[i]!), fullLikeOf(x, ERFINV_GT[i]!));
  let p = coefficient(0);
  for (let i = 1; i < ERFINV_LT.length; i++) p = lax.add(coefficient(i), lax.mul(p, t));
  // ±∞ at x = ±1 as constants (x·∞ would make the derivative of the discarded branch ∞·0 = NaN).
  const atOne = lax.eq(lax.abs(x), fullLikeOf(x, 1));
  const infinity = lax.select(lax.gt(x, fullLikeOf(x, 0)), fullLikeOf(x, Infinity), fullLikeOf(x, -Infinity));
  let y = lax.mul(p, x);
  if (x.dtype === 'float64') {
    for (let step = 0; step < 2; step++) {
      const residual = lax.sub(lax.erf(y), x);
      y = lax.sub(y, lax.mul(lax.mul(residual, fullLikeOf(x, Math.sqrt(Math.PI) / 2)), lax.exp(lax.mul(y, y))));
    }
  }
  return lax.select(atOne, infinity, y);
});

// ---- rounding: identity on ints and bools (the array API's rule) -----------------------------
function rounding(op: string, f: (x: NDArray) => NDArray) {
  return (x: ArrayLike): NDArray => { const a = toArray(op, x); return isFloat(a.dtype) ? f(a) : a; };
}
/** The largest integer ≤ x, elementwise (integers unchanged). */
export const floor = rounding('floor', lax.floor);
/** The smallest integer ≥ x, elementwise. */
export const ceil = rounding('ceil', lax.ceil);
/** Rounds half to even (NumPy's rule); with `decimals`, round(x·10^d)/10^d as NumPy computes it. */
export function round(x: ArrayLike, decimals = 0): NDArray {
  if (!Number.isInteger(decimals)) throw new TypeError(`round: decimals must be an integer, got ${decimals}`);
  const a = toArray('round', x);
  if (!isFloat(a.dtype)) return a;
  if (decimals === 0) return lax.round(a);
  const scale = fullLikeOf(a, 10 ** Math.abs(decimals));
  return decimals > 0 ? lax.div(lax.round(lax.mul(a, scale)), scale) : lax.mul(lax.round(lax.div(a, scale)), scale);
}
/** x rounded toward zero, elementwise. */
export const trunc = rounding('trunc', (x) => lax.select(lax.lt(x, fullLikeOf(x, 0)), lax.ceil(x), lax.floor(x)));

/** clip(x, lo, hi) = min(max(x, lo), hi); either bound may be null. */
export function clip(x: ArrayLike, lo: ArrayLike | null, hi: ArrayLike | null): NDArray {
  if (lo === null && hi === null) throw new TypeError('clip: at least one of lo and hi must be given (got null for both)');
  let out = toArray('clip', x);
  if (lo !== null) out = maximum(out, lo);
  if (hi !== null) out = minimum(out, hi);
  return out;
}

// ---- comparisons and logic -------------------------------------------------------------------
/** x == y elementwise (a bool array). */
export const equal = binary('equal', lax.eq);
/** x != y elementwise. */
export const notEqual = binary('notEqual', lax.ne);
/** x < y elementwise. */
export const less = binary('less', lax.lt);
/** x ≤ y elementwise. */
export const lessEqual = binary('lessEqual', lax.le);
/** x > y elementwise. */
export const greater = binary('greater', lax.gt);
/** x ≥ y elementwise. */
export const greaterEqual = binary('greaterEqual', lax.ge);

/** Truth value of any array: x != 0 (NaN is true, as in NumPy). */
function truthy(op: string, v: unknown): NDArray {
  const a = toArray(op, v);
  return a.dtype === 'bool' ? a : lax.ne(a, fullLikeOf(a, 0));
}
function logical(op: string, f: (a: NDArray, b: NDArray) => NDArray) {
  return (x: ArrayLike, y: ArrayLike): NDArray => {
    const [[a, b]] = elementwiseOperands(op, [truthy(op, x), truthy(op, y)]);
    return f(a!, b!);
  };
}
/** Logical and of the operands' truth values. */
export const logicalAnd = logical('logicalAnd', lax.and);
/** Logical or of the operands' truth values. */
export const logicalOr = logical('logicalOr', lax.or);
/** Logical exclusive or of the operands' truth values. */
export const logicalXor = logical('logicalXor', lax.ne);
/** Logical not of x's truth value. */
export const logicalNot = (x: ArrayLike): NDArray => lax.not(truthy('logicalNot', x));

/** NaN test: x != x; never true for ints and bools. */
export function isnan(x: ArrayLike): NDArray {
  const a = toArray('isnan', x);
  return isFloat(a.dtype) ? lax.ne(a, a) : fullOf(a.shape, false, 'bool', a);
}
/** |x| < ∞ is false exactly for ±∞ and NaN. */
export function isfinite(x: ArrayLike): NDArray {
  const a = toArray('isfinite', x);
  return isFloat(a.dtype) ? lax.lt(lax.abs(a), fullLikeOf(a, Infinity)) : fullOf(a.shape, true, 'bool', a);
}
/** Whether each element is +∞ or −∞. */
export function isinf(x: ArrayLike): NDArray {
  const a = toArray('isinf', x);
  return isFloat(a.dtype) ? lax.eq(lax.abs(a), fullLikeOf(a, Infinity)) : fullOf(a.shape, false, 'bool', a);
}
/**
 * NumPy's asymmetric test |a − b| ≤ atol + rtol·|b| for finite values; infinities are close only
 * to themselves, and NaNs only to NaNs when equalNan is set.
 */
export function isclose(a: ArrayLike, b: ArrayLike, { rtol = 1e-5, atol = 1e-8, equalNan = false } = {}): NDArray {
  const [[x, y]] = elementwiseOperands('isclose', [a, b], toFloatType);
  const tolerance = lax.add(fullLikeOf(x!, atol), lax.mul(fullLikeOf(x!, rtol), lax.abs(y!)));
  const bothFinite = lax.and(isfinite(x!), isfinite(y!));
  const close = lax.or(lax.and(bothFinite, lax.le(lax.abs(lax.sub(x!, y!)), tolerance)), lax.eq(x!, y!));
  return equalNan ? lax.or(close, lax.and(lax.ne(x!, x!), lax.ne(y!, y!))) : close;
}
/** True when every element is close; reads the values, so it needs concrete arrays. */
export function allclose(a: ArrayLike, b: ArrayLike, opts: { rtol?: number; atol?: number; equalNan?: boolean } = {}): boolean {
  return isclose(a, b, opts).dataSync().every((v) => v === 1);
}

/**
 * where(cond, x, y): x where cond is true, else y; all three broadcast, x and y promote.
 * where(cond) alone is nonzero(cond) (eager: the shape depends on the values).
 */
export function where(cond: ArrayLike): NDArray[];
export function where(cond: ArrayLike, x: ArrayLike, y: ArrayLike): NDArray;
export function where(cond: ArrayLike, x?: ArrayLike, y?: ArrayLike): NDArray | NDArray[] {
  if (x === undefined && y === undefined) return nonzero(cond);
  if (x === undefined || y === undefined) throw new TypeError('where: give both x and y, or neither (where(cond) is nonzero(cond))');
  const c = truthy('where', cond);
  const [a, b] = toArrays('where', [x, y]);
  const t = resultType([a!, b!]);
  const shape = broadcastShapesOf('where', [c.shape, a!.shape, b!.shape]);
  return lax.select(broadcastToShape(c, shape), broadcastToShape(convertTo(a!, t), shape), broadcastToShape(convertTo(b!, t), shape));
}

/** A copy with another dtype. Float → int truncates toward zero (saturating); anything → bool is x != 0. */
export function astype(x: ArrayLike, dtype: unknown): NDArray {
  const d = checkDtype('astype', dtype);
  return convertTo(toArray('astype', x), { dtype: d, weakType: false });
}
