// More elementwise NumPy: NaN-aware max/min, sign bits, hypot, cbrt, fmod/modf/divmod,
// logaddexp, heaviside, sinc, angle conversions, inverse hyperbolics, nanToNum, bitwise ops and
// shifts, isin. All derived from primitives (see numpy.ts for the promotion rules they share).
import { ArrayLike, NDArray } from './array.js';
import { DType, highestOf, isFloat, isInteger, itemsize, lowestOf, TypeInfo } from './dtype.js';
import { DTypeError } from './errors.js';
import * as lax from './lax.js';
import { floorDivide, mod, power, round, isnan, isinf } from './numpy.js';
import { convertTo, elementwiseOperands, toArray, toFloatType } from './numpy-util.js';

const c = (x: NDArray, v: number | boolean): NDArray => lax.full(x.shape, v, x.dtype, x.weakType);
const floatOf = (op: string, x: ArrayLike): NDArray => { const a = toArray(op, x); return convertTo(a, toFloatType(a)); };
const floatPair = (op: string, x: ArrayLike, y: ArrayLike): [NDArray, NDArray] => {
  const [[a, b]] = elementwiseOperands(op, [x, y], toFloatType);
  return [a!, b!];
};
const pair = (op: string, x: ArrayLike, y: ArrayLike, typeOf?: (t: TypeInfo) => TypeInfo): [NDArray, NDArray] => {
  const [[a, b]] = elementwiseOperands(op, [x, y], typeOf);
  return [a!, b!];
};

/** Maximum that ignores NaN (NaN only where both are NaN). */
export function fmax(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = pair('fmax', x, y);
  if (!isFloat(a.dtype)) return lax.max(a, b);
  return lax.select(lax.ne(a, a), b, lax.select(lax.ne(b, b), a, lax.max(a, b)));
}
/** Minimum that ignores NaN (NaN only where both are NaN). */
export function fmin(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = pair('fmin', x, y);
  if (!isFloat(a.dtype)) return lax.min(a, b);
  return lax.select(lax.ne(a, a), b, lax.select(lax.ne(b, b), a, lax.min(a, b)));
}
/** Whether the sign bit is set: x < 0, or x = −0 (1/x = −∞). NaN's sign bit cannot be read here: false. */
export function signbit(x: ArrayLike): NDArray {
  const a = toArray('signbit', x);
  if (a.dtype === 'bool' || a.dtype === 'uint32') return lax.full(a.shape, false, 'bool');
  if (isInteger(a.dtype)) return lax.lt(a, c(a, 0));
  return lax.or(lax.lt(a, c(a, 0)), lax.and(lax.eq(a, c(a, 0)), lax.lt(lax.div(c(a, 1), a), c(a, 0))));
}
/** |x| with the sign of y (−0 counts as negative). */
export function copysign(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = floatPair('copysign', x, y);
  const m = lax.abs(a);
  return lax.select(signbit(b), lax.neg(m), m);
}
/** √(x² + y²) without overflow: m·√(1 + (n/m)²) with m = max(|x|, |y|); ∞ if either is infinite. */
export function hypot(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = floatPair('hypot', x, y);
  const ax = lax.abs(a), ay = lax.abs(b);
  const m = lax.max(ax, ay), n = lax.min(ax, ay);
  const safeM = lax.select(lax.eq(m, c(m, 0)), c(m, 1), m);
  const r = lax.div(n, safeM);
  const out = lax.mul(m, lax.sqrt(lax.add(c(m, 1), lax.mul(r, r))));
  return lax.select(lax.or(isinf(a), isinf(b)), c(m, Infinity), out);
}
/** The real cube root: sign(x)·|x|^⅓. */
export function cbrt(x: ArrayLike): NDArray {
  const a = floatOf('cbrt', x);
  return lax.mul(lax.sign(a), lax.pow(lax.abs(a), c(a, 1 / 3)));
}
/** Round to the nearest integer, halves to even. */
export const rint = (x: ArrayLike): NDArray => round(x);
/** C's fmod: the remainder of truncating division, with the dividend's sign. */
export function fmod(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = pair('fmod', x, y, (t) => (t.dtype === 'bool' ? { dtype: 'int32', weakType: t.weakType } : t));
  return lax.rem(a, b);
}
/** [fractional part, integral part], both with x's sign; modf(±∞) = [±0, ±∞]. */
export function modf(x: ArrayLike): [NDArray, NDArray] {
  const a = floatOf('modf', x);
  const whole = lax.select(lax.lt(a, c(a, 0)), lax.ceil(a), lax.floor(a));
  const frac = lax.select(isinf(a), copysign(c(a, 0), a), lax.sub(a, whole));
  return [frac, whole];
}
/** [floorDivide(x, y), mod(x, y)]. */
export const divmod = (x: ArrayLike, y: ArrayLike): [NDArray, NDArray] => [floorDivide(x, y), mod(x, y)];
/** x ** y computed in floating point (ints and bools go to float32). */
export function floatPower(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = floatPair('floatPower', x, y);
  return power(a, b);
}
/** log(eˣ + eʸ) = max + log1p(e^{−|x − y|}); −∞ when both are −∞. */
export function logaddexp(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = floatPair('logaddexp', x, y);
  const m = lax.max(a, b);
  const d = lax.abs(lax.sub(a, b));
  const out = lax.add(m, lax.log1p(lax.exp(lax.neg(d))));
  // Equal infinities: x − y is NaN, but the answer is that infinity.
  return lax.select(lax.and(lax.eq(a, b), isinf(a)), a, out);
}
/** log2(2ˣ + 2ʸ). */
export function logaddexp2(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = floatPair('logaddexp2', x, y);
  const m = lax.max(a, b);
  const d = lax.abs(lax.sub(a, b));
  const out = lax.add(m, lax.div(lax.log1p(lax.exp(lax.mul(lax.neg(d), c(d, Math.LN2)))), c(d, Math.LN2)));
  return lax.select(lax.and(lax.eq(a, b), isinf(a)), a, out);
}
/** 0 for x < 0, h0 at 0, 1 for x > 0 (NaN for NaN). */
export function heaviside(x: ArrayLike, h0: ArrayLike): NDArray {
  const [a, h] = floatPair('heaviside', x, h0);
  return lax.select(lax.lt(a, c(a, 0)), c(a, 0), lax.select(lax.gt(a, c(a, 0)), c(a, 1), lax.select(lax.ne(a, a), a, h)));
}
/**
 * sin(πx)/(πx), 1 at 0. Near 0 (|πx| < 0.01) the Taylor series 1 − u²/6 + u⁴/120 with u = πx,
 * so the value and every derivative at 0 are right (JAX's custom rule gives sinc'(0) = 0).
 */
export function sinc(x: ArrayLike): NDArray {
  const a = floatOf('sinc', x);
  const u = lax.mul(a, c(a, Math.PI));
  const small = lax.lt(lax.abs(u), c(u, 0.01));
  const safe = lax.select(small, c(u, 1), u);
  const u2 = lax.mul(u, u);
  const taylor = lax.add(c(u, 1), lax.mul(u2, lax.add(c(u, -1 / 6), lax.mul(u2, c(u, 1 / 120)))));
  return lax.select(small, taylor, lax.div(lax.sin(safe), safe));
}
/** Degrees to radians. */
export const deg2rad = (x: ArrayLike): NDArray => { const a = floatOf('deg2rad', x); return lax.mul(a, c(a, Math.PI / 180)); };
/** Radians to degrees. */
export const rad2deg = (x: ArrayLike): NDArray => { const a = floatOf('rad2deg', x); return lax.mul(a, c(a, 180 / Math.PI)); };
/** The same as deg2rad. */
export const radians = deg2rad;
/** The same as rad2deg. */
export const degrees = rad2deg;

/** Beyond this |x|, x² would overflow float32 and asinh/acosh are log(2|x|) to within rounding. */
const BIG = 1e8;
/** asinh x = sign(x)·log1p(|x| + x²/(1 + √(1 + x²))) (no cancellation near 0), log(2|x|) far out. */
export function arcsinh(x: ArrayLike): NDArray {
  const a = floatOf('arcsinh', x);
  const ax = lax.abs(a);
  const big = lax.gt(ax, c(a, BIG));
  const safe = lax.select(big, c(a, 1), ax);
  const near = lax.log1p(lax.add(safe, lax.div(lax.mul(safe, safe), lax.add(c(a, 1), lax.sqrt(lax.add(c(a, 1), lax.mul(safe, safe)))))));
  const far = lax.add(lax.log(lax.select(big, ax, c(a, 1))), c(a, Math.LN2));
  const m = lax.select(big, far, near);
  return lax.select(lax.lt(a, c(a, 0)), lax.neg(m), lax.select(lax.ne(a, a), a, m));
}
/** acosh x = log1p(t + √(t(t + 2))) with t = x − 1 (accurate near 1), log(2x) far out; NaN below 1. */
export function arccosh(x: ArrayLike): NDArray {
  const a = floatOf('arccosh', x);
  const big = lax.gt(a, c(a, BIG));
  const t = lax.sub(lax.select(big, c(a, 2), a), c(a, 1));
  const near = lax.log1p(lax.add(t, lax.sqrt(lax.mul(t, lax.add(t, c(a, 2))))));
  const far = lax.add(lax.log(lax.select(big, a, c(a, 1))), c(a, Math.LN2));
  return lax.select(big, far, near);
}
/** atanh x = ½·log1p(2x/(1 − x)). */
export function arctanh(x: ArrayLike): NDArray {
  const a = floatOf('arctanh', x);
  return lax.mul(c(a, 0.5), lax.log1p(lax.div(lax.mul(c(a, 2), a), lax.sub(c(a, 1), a))));
}
/** The same as arcsinh. */
export const asinh = arcsinh;
/** The same as arccosh. */
export const acosh = arccosh;
/** The same as arctanh. */
export const atanh = arctanh;

/** NaN → nan, +∞ → posinf, −∞ → neginf (by default 0 and the dtype's largest finite values). */
export function nanToNum(x: ArrayLike, opts: { nan?: number; posinf?: number; neginf?: number } = {}): NDArray {
  const a = toArray('nanToNum', x);
  if (!isFloat(a.dtype)) return a;
  const big = a.dtype === 'float32' ? 3.4028234663852886e38 : Number.MAX_VALUE;
  const nanV = c(a, opts.nan ?? 0), pos = c(a, opts.posinf ?? big), neg = c(a, opts.neginf ?? -big);
  return lax.select(isnan(a), nanV, lax.select(lax.eq(a, c(a, Infinity)), pos, lax.select(lax.eq(a, c(a, -Infinity)), neg, a)));
}

// ---- bitwise: bool or integer operands ---------------------------------------------------------------
function integral(op: string, x: ArrayLike, y: ArrayLike): [NDArray, NDArray] {
  const [a, b] = pair(op, x, y);
  if (isFloat(a.dtype)) throw new DTypeError(`${op}: not defined on float operands (got ${a.dtype}); use bool or integer arrays`);
  return [a, b];
}
/** Bitwise and of integer or bool arrays. */
export const bitwiseAnd = (x: ArrayLike, y: ArrayLike): NDArray => lax.and(...integral('bitwiseAnd', x, y));
/** Bitwise or of integer or bool arrays. */
export const bitwiseOr = (x: ArrayLike, y: ArrayLike): NDArray => lax.or(...integral('bitwiseOr', x, y));
/** x ^ y = (x | y) & ~(x & y). */
export function bitwiseXor(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b] = integral('bitwiseXor', x, y);
  return lax.and(lax.or(a, b), lax.not(lax.and(a, b)));
}
/** Bitwise not (logical not for bool). */
export function bitwiseNot(x: ArrayLike): NDArray {
  const a = toArray('bitwiseNot', x);
  if (isFloat(a.dtype)) throw new DTypeError(`bitwiseNot: not defined on float operands (got ${a.dtype}); use bool or integer arrays`);
  return lax.not(a);
}
/** The same as bitwiseNot. */
export const invert = bitwiseNot;
function shiftOperands(op: string, x: ArrayLike, y: ArrayLike): [NDArray, NDArray, DType] {
  const [a, b] = pair(op, x, y, (t) => (t.dtype === 'bool' ? { dtype: 'int32', weakType: t.weakType } : t));
  if (!isInteger(a.dtype)) throw new DTypeError(`${op}: expected integer operands, got ${a.dtype}`);
  return [a, b, a.dtype];
}
/** x << y mod 2^32: x·2^y in uint32 (2^y built exactly from y's five low bits), 0 for y ≥ 32 or y < 0. */
export function leftShift(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b, d] = shiftOperands('leftShift', x, y);
  const inRange = lax.and(lax.ge(b, c(b, 0)), lax.lt(b, c(b, 32)));
  const e = lax.convertElementType(lax.select(inRange, b, c(b, 0)), 'uint32');
  const u = (v: number) => lax.full(a.shape, v, 'uint32');
  let pow2 = u(1);
  for (let k = 0; k < 5; k++) {
    const bit = lax.ne(lax.and(lax.shiftRightLogical(e, u(k)), u(1)), u(0));
    pow2 = lax.select(bit, lax.mul(pow2, u(2 ** (2 ** k))), pow2);
  }
  const shifted = lax.mul(lax.convertElementType(a, 'uint32'), pow2);
  return lax.select(inRange, lax.convertElementType(shifted, d), lax.full(a.shape, 0, d));
}
/** x >> y: logical for uint32, arithmetic (sign-filling, ~(~x >>> y)) for int32; shifts of 32 or more give 0 or −1. */
export function rightShift(x: ArrayLike, y: ArrayLike): NDArray {
  const [a, b, d] = shiftOperands('rightShift', x, y);
  const amount = lax.select(lax.lt(b, c(b, 0)), c(b, 32), b);
  if (d === 'uint32') return lax.shiftRightLogical(a, amount);
  const capped = lax.min(amount, c(amount, 31));
  const negative = lax.lt(a, c(a, 0));
  return lax.select(negative, lax.not(lax.shiftRightLogical(lax.not(a), capped)), lax.shiftRightLogical(a, capped));
}
/** The same as leftShift. */
export const bitwiseLeftShift = leftShift;
/** The same as rightShift. */
export const bitwiseRightShift = rightShift;

/** Whether each element of `element` occurs in `testElements` (invert: whether it does not). */
export function isin(element: ArrayLike, testElements: ArrayLike, opts: { invert?: boolean } = {}): NDArray {
  const e = toArray('isin', element), t0 = toArray('isin', testElements);
  const t = lax.reshape(t0, [t0.size]);
  const [[a, b]] = elementwiseOperands('isin', [lax.reshape(e, [...e.shape, 1]), lax.reshape(t, [...e.shape.map(() => 1), t.size])]);
  const found = lax.gt(lax.reduceSum(lax.convertElementType(lax.eq(a!, b!), 'int32'), [e.ndim]), lax.full(e.shape, 0, 'int32'));
  return opts.invert ? lax.not(found) : found;
}

// ---- machine limits ------------------------------------------------------------------------------------
/** Machine limits of a float dtype, as NumPy's `finfo` names them. */
export interface FInfo {
  /** The dtype described. */
  dtype: DType;
  /** Bits per element. */
  bits: number;
  /** The gap between 1 and the next larger float. */
  eps: number;
  /** The gap between 1 and the next smaller float. */
  epsneg: number;
  /** The largest finite value. */
  max: number;
  /** The most negative finite value. */
  min: number;
  /** The smallest positive normal value. */
  tiny: number;
  /** The smallest positive normal value. */
  smallestNormal: number;
  /** The smallest positive subnormal value. */
  smallestSubnormal: number;
  /** 10^−precision. */
  resolution: number;
  /** Decimal digits of precision. */
  precision: number;
  /** Bits of the mantissa. */
  nmant: number;
  /** Bits of the exponent. */
  nexp: number;
  /** The smallest power of 2 that overflows. */
  maxexp: number;
  /** The smallest power of 2 that is normal. */
  minexp: number;
}
/** Machine limits of a float dtype (NumPy's finfo). */
export function finfo(dtype: DType | NDArray): FInfo {
  const d = dtype instanceof NDArray ? dtype.dtype : dtype;
  if (d === 'float32') {
    const max = 3.4028234663852886e38, tiny = 2 ** -126;
    return { dtype: d, bits: 32, eps: 2 ** -23, epsneg: 2 ** -24, max, min: -max, tiny, smallestNormal: tiny, smallestSubnormal: 2 ** -149, resolution: 1e-6, precision: 6, nmant: 23, nexp: 8, maxexp: 128, minexp: -126 };
  }
  if (d === 'float64') {
    const tiny = 2 ** -1022;
    return { dtype: d, bits: 64, eps: 2 ** -52, epsneg: 2 ** -53, max: Number.MAX_VALUE, min: -Number.MAX_VALUE, tiny, smallestNormal: tiny, smallestSubnormal: 5e-324, resolution: 1e-15, precision: 15, nmant: 52, nexp: 11, maxexp: 1024, minexp: -1022 };
  }
  if (d === 'float16') {
    const tiny = 2 ** -14;
    return { dtype: d, bits: 16, eps: 2 ** -10, epsneg: 2 ** -11, max: 65504, min: -65504, tiny, smallestNormal: tiny, smallestSubnormal: 2 ** -24, resolution: 1e-3, precision: 3, nmant: 10, nexp: 5, maxexp: 16, minexp: -14 };
  }
  throw new DTypeError(`finfo: not a float dtype: ${String(d)}; use iinfo for integers`);
}
/** Limits of an integer dtype, as NumPy's `iinfo`. */
export interface IInfo {
  /** The dtype described. */
  dtype: DType;
  /** Bits per element. */
  bits: number;
  /** The smallest value. */
  min: number;
  /** The largest value. */
  max: number;
}
/** Limits of an integer dtype (NumPy's iinfo). */
export function iinfo(dtype: DType | NDArray): IInfo {
  const d = dtype instanceof NDArray ? dtype.dtype : dtype;
  if (d !== 'bool' && isInteger(d as DType)) return { dtype: d, bits: 8 * itemsize(d), min: lowestOf(d), max: highestOf(d) };
  if (d === 'bool') return { dtype: d, bits: 8, min: 0, max: 1 };
  throw new DTypeError(`iinfo: not an integer dtype: ${String(d)}; use finfo for floats`);
}
