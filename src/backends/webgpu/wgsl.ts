// Shared WGSL pieces for the WebGPU kernels, and the Plan type every kernel returns.
// Here: dtype ↔ WGSL types, literals, the scalar helper library (IEEE/JS semantics that WGSL
// builtins don't guarantee), index arithmetic, shader skeletons.
import { ShapedArray } from '../../core/aval.js';
import { DType, highestOf, lowestOf } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { ArrayPrimitive, Params } from '../../core/primitives.js';
import { Shape } from '../../core/shape.js';

// ---- types and literals ---------------------------------------------------------------------
export type WgslType = 'f32' | 'i32' | 'u32';

/**
 * Storage type of each dtype on the GPU, one 32-bit word per element: bool is a u32 holding 0 or
 * 1, int8/int16 are i32 and uint8/uint16 u32 holding their (wrapped) values, and float16 is an f32
 * holding a float16 value (rounded by `f16_round` wherever one is stored: an emulation that works
 * on every adapter, shader-f16 or not). WGSL has no 8- or 16-bit storage without extensions.
 */
export function wgslType(d: DType): WgslType {
  switch (d) {
    case 'float32': case 'float16': return 'f32';
    case 'int32': case 'int8': case 'int16': return 'i32';
    case 'uint32': case 'uint8': case 'uint16': case 'bool': return 'u32';
    case 'float64': throw new DTypeError('the webgpu backend cannot hold float64 arrays (WGSL has no f64); use float32');
  }
}

/** A u32 literal. Sizes and strides are baked into shaders as constants (pipelines are cached per shape). */
export const u = (n: number): string => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`webgpu: ${n} does not fit a u32 shader constant`);
  return `${n}u`;
};
/** An i32 literal; i32's minimum is spelled through a bitcast, since `-2147483648i` negates an out-of-range literal. */
export const i = (n: number): string => {
  if (!Number.isInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new RangeError(`webgpu: ${n} does not fit an i32 shader constant`);
  return n === -0x80000000 ? 'bitcast<i32>(0x80000000u)' : `${n}i`;
};

/** Zero and one of a dtype, as WGSL expressions. */
export const zero = (d: DType): string => ({ f32: '0.0f', i32: '0i', u32: '0u' })[wgslType(d)];
export const one = (d: DType): string => ({ f32: '1.0f', i32: '1i', u32: '1u' })[wgslType(d)];
/** The smallest and largest value of a dtype (±inf for floats, made at run time: WGSL rejects constant infinities). */
export const lowest = (d: DType): string =>
  wgslType(d) === 'f32' ? '(-inf_f32())' : wgslType(d) === 'i32' ? i(lowestOf(d)) : '0u';
export const highest = (d: DType): string =>
  wgslType(d) === 'f32' ? 'inf_f32()' : wgslType(d) === 'i32' ? i(highestOf(d)) : u(highestOf(d));

// ---- the helper library -----------------------------------------------------------------------
// Why these exist: WGSL lets implementations assume no NaN or infinity in float arithmetic, and
// Mesa's compiler does (on llvmpipe `x != x` folds to false, `1.0 != NaN` is false, `(1 + x) - 1`
// folds to x, fma is not fused). So NaN tests look at the bits, and no helper relies on
// cancellation tricks: small-argument expm1/log1p/tanh use series, fmod works on the integer
// representation, atan is a minimax polynomial (llvmpipe's atan2 is off by ~1e-5 and gives
// atan2(0, 0) = 3π/4). The targets are the CPU backend's semantics (JS Math.*).
const HELPERS: Record<string, string> = {
  isnan_f32: `fn isnan_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) > 0x7f800000u; }`,
  isinf_f32: `fn isinf_f32(x: f32) -> bool { return (bitcast<u32>(x) & 0x7fffffffu) == 0x7f800000u; }`,
  signbit_f32: `fn signbit_f32(x: f32) -> bool { return (bitcast<u32>(x) >> 31u) == 1u; }`,
  // A `let` is not a const-expression, so these are built at run time (a constant NaN is a shader-creation error).
  nan_f32: `fn nan_f32() -> f32 { let bits = 0x7fc00000u; return bitcast<f32>(bits); }`,
  inf_f32: `fn inf_f32() -> f32 { let bits = 0x7f800000u; return bitcast<f32>(bits); }`,
  /**
   * x / ±0 by the bits, for a divisor that is a literal zero: the shader compiler folds a division
   * by a constant zero as if no infinity or NaN could come of it (llvmpipe gives 0 for 0/0), so
   * jit spells out IEEE's answer: NaN for 0/0 and NaN/0, else an infinity signed by both signs.
   */
  div_zero_f32: `fn div_zero_f32(x: f32, zero_sign: u32) -> f32 {
  let b = bitcast<u32>(x);
  if ((b & 0x7fffffffu) == 0u || (b & 0x7fffffffu) > 0x7f800000u) { return nan_f32(); }
  return bitcast<f32>(((b & 0x80000000u) ^ zero_sign) | 0x7f800000u);
}`,
  /** Both operands are numbers: the only case where a float comparison may be true. */
  ordered_f32: `fn ordered_f32(a: f32, b: f32) -> bool { return !(isnan_f32(a) || isnan_f32(b)); }`,
  /** Math.sign: NaN stays NaN, ±0 stay ±0. */
  sign_f32: `fn sign_f32(x: f32) -> f32 {
  if (isnan_f32(x) || (bitcast<u32>(x) << 1u) == 0u) { return x; }
  return select(1.0f, -1.0f, signbit_f32(x));
}`,
  /** Math.max: NaN wins; of two zeros +0 wins (the sign bits AND together). */
  max_f32: `fn max_f32(a: f32, b: f32) -> f32 {
  if (isnan_f32(a)) { return a; }
  if (isnan_f32(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) & bitcast<u32>(b)); }
  return select(b, a, a > b);
}`,
  /** Math.min: NaN wins; of two zeros -0 wins (the sign bits OR together). */
  min_f32: `fn min_f32(a: f32, b: f32) -> f32 {
  if (isnan_f32(a)) { return a; }
  if (isnan_f32(b)) { return b; }
  if (a == b) { return bitcast<f32>(bitcast<u32>(a) | bitcast<u32>(b)); }
  return select(b, a, a < b);
}`,
  /** log with the IEEE special cases spelled out (WGSL leaves x <= 0 indeterminate). */
  log_f32: `fn log_f32(x: f32) -> f32 {
  if (isnan_f32(x) || (signbit_f32(x) && (bitcast<u32>(x) << 1u) != 0u)) { return nan_f32(); }
  if ((bitcast<u32>(x) << 1u) == 0u) { return -inf_f32(); }
  if (isinf_f32(x)) { return x; }
  return log(x);
}`,
  sqrt_f32: `fn sqrt_f32(x: f32) -> f32 {
  if (isnan_f32(x) || (signbit_f32(x) && (bitcast<u32>(x) << 1u) != 0u)) { return nan_f32(); }
  if ((bitcast<u32>(x) << 1u) == 0u || isinf_f32(x)) { return x; }
  return sqrt(x);
}`,
  /**
   * e^x - 1. For |x| < 1/2 the Taylor series to x^9 (the first dropped term, x^10/10!, is below
   * 2^-30 relative); beyond, exp(x) - 1 loses at most a few bits since e^x - 1 is then >= 0.39.
   */
  expm1_f32: `fn expm1_f32(x: f32) -> f32 {
  if (abs(x) < 0.5f) {
    return x * (1.0f + x * (0.5f + x * (1.6666667e-1f + x * (4.1666668e-2f + x * (8.3333338e-3f + x * (1.3888889e-3f
      + x * (1.9841270e-4f + x * (2.4801587e-5f + x * 2.7557319e-6f))))))));
  }
  return exp(x) - 1.0f;
}`,
  /**
   * log(1 + x). For |x| < 1/2: log(1+x) = 2 atanh(s) with s = x / (2 + x), |s| <= 1/3, summed as
   * 2s(1 + s²/3 + s⁴/5 + ... + s¹⁴/15) (dropped term below 2^-28 relative). Beyond, 1 + x rounds
   * by at most half an ulp and log(1 + x) >= 0.4 in magnitude, so the direct form is accurate.
   */
  log1p_f32: `fn log1p_f32(x: f32) -> f32 {
  if (abs(x) < 0.5f) {
    let s = x / (2.0f + x);
    let z = s * s;
    return 2.0f * s * (1.0f + z * (3.3333334e-1f + z * (2.0e-1f + z * (1.4285715e-1f + z * (1.1111111e-1f
      + z * (9.0909094e-2f + z * (7.6923080e-2f + z * 6.6666670e-2f)))))));
  }
  return log_f32(1.0f + x);
}`,
  /**
   * tanh, branch-free (both halves are computed and one selected: on a CPU adapter SIMD lanes run
   * every branch anyway, and the branchy fdlibm form cost twice as much). Below 0.625, Cephes'
   * tanhf polynomial x + x·z·P(z), z = x² (a few ulp, exact for tiny x; ±0 and NaN pass through by their bits); above,
   * 1 - 2/(e^{2|x|} + 1) with |x| capped at 10 (tanh rounds to ±1 from 9.02 on, and the cap keeps
   * e^{2|x|} finite), the sign copied from x's bit.
   */
  tanh_f32: `fn tanh_f32(x: f32) -> f32 {
  let ax = min(abs(x), 10.0f);
  let z = x * x;
  let small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
  let big = 1.0f - 2.0f / (exp(2.0f * ax) + 1.0f);
  let t = select(bitcast<f32>(bitcast<u32>(big) | (bitcast<u32>(x) & 0x80000000u)), small, ax < 0.625f);
  return select(t, x, isnan_f32(x) || (bitcast<u32>(x) << 1u) == 0u);
}`,
  /**
   * atan(x), Cephes' atanf: reduce |x| to [0, tan(π/8)] with atan(x) = π/2 - atan(1/x) above
   * tan(3π/8) and π/4 + atan((x-1)/(x+1)) between, then an odd minimax polynomial (~1e-7 relative).
   */
  atan_f32: `fn atan_f32(x: f32) -> f32 {
  if (isnan_f32(x)) { return x; }
  let ax = abs(x);
  var y0 = 0.0f;
  var z = ax;
  if (ax > 2.4142137f) { y0 = 1.5707964f; z = -1.0f / ax; }
  else if (ax > 0.41421357f) { y0 = 0.78539819f; z = (ax - 1.0f) / (ax + 1.0f); }
  let zz = z * z;
  let r = y0 + ((((8.05374449538e-2f * zz - 1.38776856032e-1f) * zz + 1.99777106478e-1f) * zz - 3.33329491539e-1f) * zz * z + z);
  return select(r, -r, signbit_f32(x));
}`,
  /**
   * Special functions in f32, the CPU's algorithms (cpu/special.ts) at f32 depth: erf by the
   * all-positive series 2/√π·e^{−x²}·Σ 2ⁿx^{2n+1}/(2n+1)!! below 2, erfc by its continued fraction
   * from 1.5 on (erf is 1 in f32 from 4 on); lgamma by Lanczos (g = 5, 6 terms, ~2e-10 on Γ) with
   * reflection below ½; digamma by reflection, the recurrence up to 10 and the asymptotic series.
   */
  erf_series_f32: `fn erf_series_f32(x: f32) -> f32 {
  let x2 = x * x;
  var term = x;
  var sum = x;
  var k = 1.0f;
  for (var n = 0; n < 40; n = n + 1) {
    term = term * (2.0f * x2) / (2.0f * k + 1.0f);
    sum = sum + term;
    k = k + 1.0f;
  }
  return 1.12837917f * exp(-x2) * sum;
}`,
  erfc_fraction_f32: `fn erfc_fraction_f32(x: f32) -> f32 {
  var f = x;
  var k = 40.0f;
  for (var n = 0; n < 40; n = n + 1) {
    f = x + 0.5f * k / f;
    k = k - 1.0f;
  }
  return exp(-x * x) / (1.77245385f * f);
}`,
  erf_f32: `fn erf_f32(x: f32) -> f32 {
  if (isnan_f32(x)) { return x; }
  let ax = abs(x);
  if (ax < 2.0f) { return erf_series_f32(x); }
  var r = 1.0f;
  if (ax < 4.0f) { r = 1.0f - erfc_fraction_f32(ax); }
  return select(r, -r, signbit_f32(x));
}`,
  erfc_f32: `fn erfc_f32(x: f32) -> f32 {
  if (isnan_f32(x)) { return x; }
  if (x < 1.5f) { return 1.0f - erf_f32(x); }
  if (x > 10.1f) { return 0.0f; }
  return erfc_fraction_f32(x);
}`,
  /** sin(πx) and cos(πx) after reducing x mod 2, so integers give exact zeros of sin. */
  sinpi_f32: `fn sinpi_f32(x: f32) -> f32 {
  let r = x - 2.0f * floor(0.5f * x);
  if (r == 1.0f || r == 0.0f) { return 0.0f; }
  return sin(3.14159265f * select(r, r - 2.0f, r > 1.0f));
}`,
  cospi_f32: `fn cospi_f32(x: f32) -> f32 {
  let r = x - 2.0f * floor(0.5f * x);
  if (r == 0.5f || r == 1.5f) { return 0.0f; }
  return cos(3.14159265f * r);
}`,
  lgamma_pos_f32: `fn lgamma_pos_f32(x: f32) -> f32 {
  if (x == 1.0f || x == 2.0f) { return 0.0f; }
  var t = x + 5.5f;
  t = t - (x + 0.5f) * log(t);
  var ser = 1.000000000190015f;
  ser = ser + 76.18009172947146f / (x + 1.0f);
  ser = ser - 86.50532032941677f / (x + 2.0f);
  ser = ser + 24.01409824083091f / (x + 3.0f);
  ser = ser - 1.231739572450155f / (x + 4.0f);
  ser = ser + 0.1208650973866179e-2f / (x + 5.0f);
  ser = ser - 0.5395239384953e-5f / (x + 6.0f);
  return -t + log(2.5066282746310005f * ser / x);
}`,
  lgamma_f32: `fn lgamma_f32(x: f32) -> f32 {
  if (isnan_f32(x)) { return x; }
  if (isinf_f32(x)) { return inf_f32(); }
  if (x < 0.5f) {
    if (floor(x) == x) { return inf_f32(); }
    return log(3.14159265f / abs(sinpi_f32(x))) - lgamma_pos_f32(1.0f - x);
  }
  return lgamma_pos_f32(x);
}`,
  digamma_f32: `fn digamma_f32(x0: f32) -> f32 {
  if (isnan_f32(x0) || (isinf_f32(x0) && signbit_f32(x0))) { return nan_f32(); }
  if (isinf_f32(x0)) { return x0; }
  var x = x0;
  var result = 0.0f;
  if (x < 0.5f) {
    if (floor(x) == x) { return nan_f32(); }
    result = -3.14159265f * cospi_f32(x) / sinpi_f32(x);
    x = 1.0f - x;
  }
  for (var n = 0; n < 10; n = n + 1) {
    if (x < 10.0f) { result = result - 1.0f / x; x = x + 1.0f; }
  }
  let r = 1.0f / (x * x);
  let series = r * (8.33333333e-2f - r * (8.33333333e-3f - r * (3.96825397e-3f - r * 4.16666667e-3f)));
  return result + log(x) - 0.5f / x - series;
}`,
  /** Math.atan2(y, x) with IEEE's signed zeros and infinities; otherwise atan(y/x) moved by ±π into x's half-plane. */
  atan2_f32: `fn atan2_f32(y: f32, x: f32) -> f32 {
  if (isnan_f32(x) || isnan_f32(y)) { return nan_f32(); }
  let pi = select(3.14159274f, -3.14159274f, signbit_f32(y));
  let xneg = signbit_f32(x);
  if ((bitcast<u32>(y) << 1u) == 0u) { return select(y, pi, xneg); }
  if (isinf_f32(x)) {
    if (isinf_f32(y)) { return select(0.25f, 0.75f, xneg) * pi; }
    return select(bitcast<f32>(bitcast<u32>(y) & 0x80000000u), pi, xneg);
  }
  if ((bitcast<u32>(x) << 1u) == 0u || isinf_f32(y)) { return 0.5f * pi; }
  let a = atan_f32(y / x);
  return select(a, a + pi, xneg);
}`,
  /**
   * JS x % y on f32, exactly (musl's fmodf): long division of the integer significands, so no
   * float rounding can flip the remainder's sign or leave it >= |y| (x - y*trunc(x/y) does both).
   */
  fmod_f32: `fn fmod_f32(x: f32, y: f32) -> f32 {
  var ux = bitcast<u32>(x);
  var uy = bitcast<u32>(y);
  var ex = i32((ux >> 23u) & 0xffu);
  var ey = i32((uy >> 23u) & 0xffu);
  let sx = ux & 0x80000000u;
  if ((uy << 1u) == 0u || isnan_f32(y) || ex == 0xff) { return nan_f32(); }
  if ((ux << 1u) <= (uy << 1u)) {
    if ((ux << 1u) == (uy << 1u)) { return bitcast<f32>(sx); }
    return x;
  }
  if (ex == 0) {
    var t = ux << 9u;
    while ((t >> 31u) == 0u) { ex = ex - 1; t = t << 1u; }
    ux = ux << u32(1 - ex);
  } else {
    ux = (ux & 0x7fffffu) | 0x800000u;
  }
  if (ey == 0) {
    var t = uy << 9u;
    while ((t >> 31u) == 0u) { ey = ey - 1; t = t << 1u; }
    uy = uy << u32(1 - ey);
  } else {
    uy = (uy & 0x7fffffu) | 0x800000u;
  }
  for (; ex > ey; ex = ex - 1) {
    let t = ux - uy;
    if ((t >> 31u) == 0u) {
      if (t == 0u) { return bitcast<f32>(sx); }
      ux = t;
    }
    ux = ux << 1u;
  }
  let t = ux - uy;
  if ((t >> 31u) == 0u) {
    if (t == 0u) { return bitcast<f32>(sx); }
    ux = t;
  }
  while ((ux >> 23u) == 0u) { ux = ux << 1u; ex = ex - 1; }
  if (ex > 0) { ux = (ux - 0x800000u) | (u32(ex) << 23u); } else { ux = ux >> u32(1 - ex); }
  return bitcast<f32>(ux | sx);
}`,
  /**
   * The CPU's pow: C/IEEE pow(1, y) = 1 and pow(-1, ±inf) = 1, else Math.pow. Integer exponents up
   * to 32 multiply by repeated squaring (a few roundings); others use 2^(y log2|x|). A negative base
   * keeps its sign for odd integer y and gives NaN for non-integer y.
   */
  pow_f32: `fn pow_f32(x: f32, y: f32) -> f32 {
  if ((bitcast<u32>(y) << 1u) == 0u || bitcast<u32>(x) == 0x3f800000u) { return 1.0f; }
  if (isnan_f32(x) || isnan_f32(y)) { return nan_f32(); }
  let ax = abs(x);
  if (isinf_f32(y)) {
    if (ax == 1.0f) { return 1.0f; }
    return select(0.0f, inf_f32(), (ax > 1.0f) == !signbit_f32(y));
  }
  let ay = abs(y);
  let yint = floor(ay) == ay;
  let yodd = yint && ay < 16777216.0f && (u32(ay) & 1u) == 1u;
  let neg = signbit_f32(x);
  if (neg && !yint && (bitcast<u32>(x) << 1u) != 0u && !isinf_f32(x)) { return nan_f32(); }
  var r = 1.0f;
  if (yint && ay <= 32.0f) {
    var n = u32(ay);
    var b = ax;
    while (n > 0u) {
      if ((n & 1u) == 1u) { r = r * b; }
      b = b * b;
      n = n >> 1u;
    }
    if (signbit_f32(y)) { r = 1.0f / r; }
  } else if ((bitcast<u32>(x) << 1u) == 0u || isinf_f32(x)) {
    r = select(0.0f, inf_f32(), (ax == 0.0f) == signbit_f32(y));
  } else {
    r = exp2(y * log2(ax));
  }
  return select(r, -r, neg && yodd);
}`,
  /** f32 → i32 the CPU's way: truncate, saturate at the range, NaN → 0. */
  /**
   * The float16 nearest x (ties to even), as an f32: float16 arrays live in f32 storage, rounded
   * here at every store. Done on the bits (no shader-f16 needed, and WGSL leaves the rounding of
   * f32 → f16 conversions to the implementation): 13 mantissa bits dropped with round-to-even, a
   * carry running into the exponent; from 65520 (halfway to 2^16) an infinity; below 2^-14 a
   * multiple of 2^-24 (x·2^24 is exact, and WGSL's round is half to even).
   */
  f16_round: `fn f16_round(x: f32) -> f32 {
  let b = bitcast<u32>(x);
  let sign = b & 0x80000000u;
  let a = b & 0x7fffffffu;
  if (a >= 0x7f800000u) { return x; }
  if (a >= 0x477ff000u) { return bitcast<f32>(sign | 0x7f800000u); }
  if (a < 0x38800000u) {
    let r = round(bitcast<f32>(a) * 16777216.0f) * 5.9604644775390625e-8f;
    return bitcast<f32>(sign | bitcast<u32>(r));
  }
  let r = a + 0xfffu + ((a >> 13u) & 1u);
  return bitcast<f32>(sign | (r & 0xffffe000u));
}`,
  f32_to_i32: `fn f32_to_i32(x: f32) -> i32 {
  if (isnan_f32(x)) { return 0i; }
  if (x >= 2147483648.0f) { return 2147483647i; }
  if (x <= -2147483648.0f) { return bitcast<i32>(0x80000000u); }
  return i32(x);
}`,
  /** f32 → u32: truncate, saturate at [0, 2^32 - 1], NaN → 0. */
  f32_to_u32: `fn f32_to_u32(x: f32) -> u32 {
  if (isnan_f32(x) || x <= 0.0f) { return 0u; }
  if (x >= 4294967296.0f) { return 0xffffffffu; }
  return u32(x);
}`,
};

/** Prepends the helper functions that `src` calls (and the ones they call), each once, dependencies first. */
export function withHelpers(src: string): string {
  const out: string[] = [];
  const seen = new Set<string>();
  const visit = (text: string): void => {
    for (const name of Object.keys(HELPERS)) {
      if (seen.has(name) || !new RegExp(`\\b${name}\\(`).test(text)) continue;
      seen.add(name);
      const body = HELPERS[name]!;
      visit(body.slice(body.indexOf('{')));
      out.push(body);
    }
  };
  visit(src);
  return [...out, src].join('\n');
}

// ---- index arithmetic ---------------------------------------------------------------------------
/**
 * Statements that split the flat row-major index `flat` into coordinates `${p}0..${p}{n-1}` of
 * `shape` (innermost first: c_k = r mod n_k, r = r div n_k). Size-1 axes get coordinate 0.
 */
export function unravel(p: string, flat: string, shape: Shape): string[] {
  const n = shape.length;
  if (n === 0) return [];
  const lines = [`var ${p}_r = ${flat};`];
  for (let k = n - 1; k >= 1; k--) {
    const d = shape[k]!;
    if (d === 1) { lines.push(`let ${p}${k} = 0u;`); continue; }
    lines.push(`let ${p}${k} = ${p}_r % ${u(d)};`, `${p}_r = ${p}_r / ${u(d)};`);
  }
  lines.push(`let ${p}0 = ${p}_r;`);
  return lines;
}

/** Σ coord_k · stride_k as a WGSL u32 expression, skipping zero strides. */
export function dot(coords: readonly string[], strides: readonly number[]): string {
  const terms = coords.flatMap((c, k) => (strides[k] ? [strides[k] === 1 ? c : `${c} * ${u(strides[k]!)}`] : []));
  return terms.length ? terms.join(' + ') : '0u';
}

// ---- shader skeletons ---------------------------------------------------------------------------
export const WORKGROUP = 64;

export interface BufferDecl { readonly type: WgslType; readonly atomic?: boolean; readonly vec4?: boolean }

/**
 * Declares the bindings of a dispatch: reads `x0..` first (read-only storage), then writes `y0..`
 * (read-write storage, optionally atomic). The order matches the Dispatch step's slot lists.
 */
export function bindings(reads: readonly BufferDecl[], writes: readonly BufferDecl[]): string {
  const lines: string[] = [];
  reads.forEach((b, k) => lines.push(`@group(0) @binding(${k}) var<storage, read> x${k}: array<${b.vec4 ? `vec4<${b.type}>` : b.type}>;`));
  writes.forEach((b, k) => {
    const elem = b.atomic ? `atomic<${b.type}>` : b.vec4 ? `vec4<${b.type}>` : b.type;
    lines.push(`@group(0) @binding(${reads.length + k}) var<storage, read_write> y${k}: array<${elem}>;`);
  });
  return lines.join('\n');
}

/**
 * A compute entry point over a 1- or 2-D grid of workgroups, flattened: `wid` is the linear
 * workgroup id (x + y · gridX, so dispatches can exceed maxComputeWorkgroupsPerDimension) and
 * `lid` the invocation's index in its workgroup. `workgroups` is how many are meaningful; the
 * extra ones of the rectangular grid return at once (a uniform return, so barriers stay legal).
 */
export function entry(workgroups: number, body: readonly string[], workgroupSize = WORKGROUP): string {
  return [
    `@compute @workgroup_size(${workgroupSize})`,
    `fn main(@builtin(workgroup_id) wg: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {`,
    `  let wid = wg.x + wg.y * nwg.x;`,
    `  if (wid >= ${u(workgroups)}) { return; }`,
    ...body.map((l) => `  ${l}`),
    `}`,
  ].join('\n');
}

/** One invocation per element: `gid` runs over [0, count). */
export function perElement(count: number, body: readonly string[]): { code: string; workgroups: number } {
  const workgroups = Math.ceil(count / WORKGROUP);
  return {
    workgroups,
    code: entry(workgroups, [`let gid = wid * ${u(WORKGROUP)} + lid;`, `if (gid >= ${u(count)}) { return; }`, ...body]),
  };
}

/**
 * Items per invocation of a loop over `count` items. Invocations are not free: on llvmpipe one
 * element each ran `tanh(x)*2 + exp(-x*x)` over 10M floats in ~100-130 ms and a plain scale in
 * ~90, against ~45-55 and ~20 with 4-16 elements each (bench/webgpu-jit.ts). Small loops keep one
 * item per invocation so that every core gets work.
 */
export const itemsPerInvocation = (count: number): number => (count >= 1 << 16 ? 8 : count >= 1 << 12 ? 4 : 1);

/**
 * `body` once per item of [0, count), named `name`, several items per invocation
 * (itemsPerInvocation) a workgroup apart: item j of invocation `lid` in workgroup `wid` is
 * wid·64E + j·64 + lid, so neighbouring invocations always touch neighbouring addresses (SIMD
 * lanes on a CPU adapter, coalesced accesses on a GPU).
 */
export function perItem(count: number, name: string, body: readonly string[]): { code: string; workgroups: number } {
  const E = itemsPerInvocation(count);
  if (E === 1) {
    const workgroups = Math.ceil(count / WORKGROUP);
    return { workgroups, code: entry(workgroups, [`let ${name} = wid * ${u(WORKGROUP)} + lid;`, `if (${name} >= ${u(count)}) { return; }`, ...body]) };
  }
  const workgroups = Math.ceil(count / (WORKGROUP * E));
  return {
    workgroups,
    code: entry(workgroups, [
      `let first = wid * ${u(WORKGROUP * E)} + lid;`,
      `for (var j = 0u; j < ${u(E)}; j = j + 1u) {`,
      `  let ${name} = first + j * ${u(WORKGROUP)};`,
      `  if (${name} >= ${u(count)}) { return; }`,
      ...body.map((l) => `  ${l}`),
      '}',
    ]),
  };
}

/** Elementwise loops this long, over a multiple of 4 elements, go four consecutive elements (one vec4) at a time. */
export const VECTOR_MIN = 1 << 12;
export const vectorizable = (count: number): boolean => count % 4 === 0 && count >= VECTOR_MIN;

// ---- plans: what a kernel hands to device.ts ------------------------------------------------------
/** A buffer of the call: an operand, a result, or a scratch buffer the plan asks for. */
export type Slot = readonly ['in' | 'out' | 'temp', number];
export const inp = (k: number): Slot => ['in', k];
export const out = (k: number): Slot => ['out', k];
export const temp = (k: number): Slot => ['temp', k];

export type Step =
  /** One compute dispatch; `reads` bind to x0.., `writes` to y0.., in order. */
  | { readonly kind: 'dispatch'; readonly label: string; readonly code: string; readonly reads: readonly Slot[]; readonly writes: readonly Slot[]; readonly workgroups: number }
  /** A buffer-to-buffer copy of `bytes` bytes (row-major data needs no shader to move as is). */
  | { readonly kind: 'copy'; readonly from: Slot; readonly to: Slot; readonly bytes: number };

/** The work of one primitive application: steps in order, plus the byte sizes of its scratch buffers. */
export interface Plan { readonly steps: readonly Step[]; readonly temps?: readonly number[] }

/** What a kernel sees: the params and the operand and result avals (shapes are static). */
export interface KernelCall<P extends ArrayPrimitive> {
  readonly params: Params<P>;
  readonly inAvals: readonly ShapedArray[];
  readonly outAvals: readonly ShapedArray[];
}
/** A WebGPU kernel builds the plan for one (params, shapes, dtypes); device.ts caches and runs it. */
export type WebGpuKernel<P extends ArrayPrimitive> = (call: KernelCall<P>) => Plan;

/**
 * A dispatch that runs `body` once per element `gid` of a `count`-element result, several per
 * invocation for long results (perItem; so `body` must not return early).
 */
export function elementwiseStep(label: string, reads: readonly [Slot, BufferDecl][], writes: readonly [Slot, BufferDecl][], count: number, body: readonly string[]): Step {
  const { code, workgroups } = perItem(count, 'gid', body);
  return {
    kind: 'dispatch', label, workgroups, reads: reads.map(([s]) => s), writes: writes.map(([s]) => s),
    code: withHelpers(`${bindings(reads.map(([, b]) => b), writes.map(([, b]) => b))}\n${code}`),
  };
}
