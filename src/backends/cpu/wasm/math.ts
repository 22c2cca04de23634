// The float32 math library of the WASM loops: exp, log, expm1, log1p, tanh, sin, cos, erf, pow, sqrt as lane programs.
//
// Each function is one lane program (lanes.ts), so the SIMD loops and the JS fallback compute it
// identically. The polynomials were fitted for this file (least squares on Chebyshev nodes in
// float64, relative error, coefficients then rounded to float32) over the reduced ranges below;
// the maximum errors, measured against float64 over the whole float32 range (test/wasm-math.test.ts
// asserts them), are in MATH_MAX_ULP.
//
// - exp: x = n·ln2 + r, |r| ≤ ln2/2 (ln2 in two parts, n·ln2_hi exact), e^r = 1 + r + r²·P(r),
//   times 2^n in two scalings so that subnormal results round once. Clamped to [-104, 89] first.
// - log: x = 2^e·m with m ∈ [√½, √2) from the bits (subnormals scaled by 2^23 first), f = m − 1,
//   log(1+f) = f − f²/2 + f³·Q(f), plus e·ln2 in two parts.
// - expm1: the same reduction as exp, e^r − 1 = r + r²/2 + r³·E(r), then 2^n·p + (2^n − 1) (both
//   terms exact or once rounded); exp(x) beyond 40, where e^x − 1 rounds to e^x.
// - log1p: u = 1 + x rounded, then log(u)·x/(u − 1) (the correction for the rounding of u), x where u = 1.
// - tanh: x + x³·T(x²) below 0.625; 1 − 2/(e^{2|x|} + 1) with x's sign above (|x| clamped to 9.1,
//   where that rounds to 1).
// - sin, cos: q = round(x·2/π), r = x − q·π/2 with π/2 in five parts (four of 12 bits, whose
//   products with q are exact for |q| < 2^12, and 24 bits: r keeps its relative accuracy even for the
//   float32 closest to a multiple of π/2), sin r = r + r³·S(r²), cos r = 1 − r²/2 + r⁴·C(r²),
//   chosen and signed by q mod 4. For |x| > 2^12 (where q·π/2's parts stop being exact) and
//   non-finite x, the lane calls Math.sin / Math.cos in float64 (fdlibm's exact reduction) and rounds.
// - erf: x·B(x²) below 0.9; 1 − exp(W(|x| − 2.45)) with W a fit to log erfc on [0.9, 4] (weighted by
//   erfc, which is what erf's absolute error sees), |x| clamped to 4 (where it rounds to 1).
// - pow: every lane calls the float64 C/IEEE pow (Math.pow with pow(1, y) = 1 and pow(−1, ±∞) = 1)
//   and rounds, exactly what the JS path computes: a float32 pow to a few ulp needs log in extended
//   precision, which is not written yet.
// - sqrt: f32x4.sqrt (correctly rounded).
// Zero keeps its sign where the function is odd (x returned for x = ±0).
import { Callout, compileScalar, Lanes, Node } from './lanes.js';

const LOG2E = 1.4426950408889634;
/** ln 2 = LN2_HI + LN2_LO, LN2_HI with 9 significant bits (n·LN2_HI is exact for |n| < 2^15). */
const LN2_HI = 0.693359375, LN2_LO = -2.1219444005469057e-4;

const EXP_P = [0.49999988079071045, 0.166665181517601, 0.04166953265666962, 0.008368915878236294, 0.0013751407386735082];
const EXPM1_E = [0.1666666567325592, 0.04166647791862488, 0.008333500474691391, 0.0013933555455878377, 0.0001977888314286247];
const LOG_Q = [0.3333335518836975, -0.2500085234642029, 0.19999825954437256, -0.16621370613574982, 0.14227114617824554,
  -0.13202103972434998, 0.1262032687664032, -0.07362867891788483];
const TANH_T = [-0.3333328068256378, 0.13331381976604462, -0.05373531952500343, 0.020626291632652283, -0.005691985599696636];
const SIN_S = [-0.1666666716337204, 0.008333329111337662, -0.0001983929832931608, 2.7180080905964132e-06];
const COS_C = [0.0416666679084301, -0.0013888883404433727, 2.4799432139843702e-05, -2.720371981013159e-07];
const ERF_B = [1.1283791065216064, -0.376125305891037, 0.11282212287187576, -0.026781339198350906, 0.0050153573974967, -0.0006106989458203316];
const ERF_W = [-7.541539669036865, -5.258374214172363, -0.942231297492981, -0.011296543292701244, 0.0022810972295701504,
  -0.00044546069693751633, 7.203855057014152e-05, -2.1179030227358453e-05];
const ERF_CENTER = 2.45;

/**
 * π/2 in parts of 12, 12, 12, 12 and 24 bits (72 bits in all), cut from π's decimal digits with
 * BigInt: Math.PI / 2 itself is off by 6e-17, which q times that would put into r.
 */
const PIO2 = (() => {
  const scaled = (314159265358979323846264338327950288419716939937510n << 120n) / (2n * 10n ** 50n); // ⌊π/2 · 2^120⌋
  const parts: number[] = [];
  let top = 120;
  for (const bits of [12, 12, 12, 12, 24]) {
    const chunk = (scaled >> BigInt(top - bits + 1)) & ((1n << BigInt(bits)) - 1n);
    parts.push(Number(chunk) * 2 ** (top - bits + 1 - 120));
    top -= bits;
  }
  return parts;
})();
/** Above this |x| (and for non-finite x), sin and cos call float64 Math.sin / Math.cos. */
export const SIN_FAST_LIMIT = 4096;

const keepZero = (p: Lanes, x: Node, r: Node) => p.sel(p.cmp('eq', x, p.c(0)), x, r);

export function expf(p: Lanes, x: Node): Node {
  const xc = p.min(p.max(x, p.c(-104)), p.c(89));
  const n = p.nearest(p.mul(xc, p.c(LOG2E)));
  const r = p.sub(p.sub(xc, p.mul(n, p.c(LN2_HI))), p.mul(n, p.c(LN2_LO)));
  const y = p.addf(p.mad(p.mul(r, r), p.poly(r, EXP_P), r), p.c(1));
  return p.ldexp(y, p.tsat(n));
}

export function logf(p: Lanes, x: Node): Node {
  const sub = p.cmp('lt', x, p.c(2 ** -126));
  const xs = p.sel(sub, p.mul(x, p.c(2 ** 23)), x);
  const ib = p.bits(xs);
  let e = p.isub(p.iand(p.shrs(ib, 23), p.ic(0xff)), p.ic(127));
  e = p.isub(e, p.sel(sub, p.ic(23), p.ic(0)));
  let m = p.float(p.ior(p.iand(ib, p.ic(0x007fffff)), p.ic(0x3f800000)));
  const big = p.cmp('gt', m, p.c(Math.SQRT2));
  m = p.sel(big, p.mul(m, p.c(0.5)), m);
  e = p.iadd(e, p.sel(big, p.ic(1), p.ic(0)));
  const f = p.sub(m, p.c(1)), ef = p.cvt(e), z = p.mul(f, f);
  let y = p.mul(p.mul(f, z), p.poly(f, LOG_Q));
  y = p.addf(y, p.mul(ef, p.c(LN2_LO)));
  y = p.sub(y, p.mul(z, p.c(0.5)));
  const r = p.addf(p.addf(f, y), p.mul(ef, p.c(LN2_HI)));
  // log 0 = −∞, log of a negative = NaN, log ∞ = ∞, NaN stays NaN.
  const inf = p.c(Infinity);
  return p.sel(p.cmp('eq', x, p.c(0)), p.c(-Infinity),
    p.sel(p.cmp('lt', x, p.c(0)), p.c(NaN), p.sel(p.cmp('eq', x, inf), inf, p.sel(p.cmp('ne', x, x), x, r))));
}

export function expm1f(p: Lanes, x: Node): Node {
  const xc = p.min(p.max(x, p.c(-30)), p.c(40));
  const n = p.nearest(p.mul(xc, p.c(LOG2E)));
  const r = p.sub(p.sub(xc, p.mul(n, p.c(LN2_HI))), p.mul(n, p.c(LN2_LO)));
  const r2 = p.mul(r, r);
  const q = p.mad(r2, p.mad(r, p.poly(r, EXPM1_E), p.c(0.5)), r);
  const s = p.float(p.shl(p.iadd(p.tsat(n), p.ic(127)), 23));
  const y = p.addf(p.mul(s, q), p.sub(s, p.c(1)));
  return keepZero(p, x, p.sel(p.cmp('gt', x, p.c(40)), expf(p, x), y));
}

export function log1pf(p: Lanes, x: Node): Node {
  const u = p.addf(p.c(1), x), d = p.sub(u, p.c(1));
  const r = p.mul(logf(p, u), p.div(x, d));
  return p.sel(p.cmp('eq', d, p.c(0)), x, p.sel(p.cmp('eq', x, p.c(Infinity)), x, r));
}

export function tanhf(p: Lanes, x: Node): Node {
  const ax = p.abs(x), z = p.mul(x, x);
  const small = p.mad(p.mul(x, z), p.poly(z, TANH_T), x);
  const e = expf(p, p.mul(p.min(ax, p.c(9.1)), p.c(2)));
  const large = p.copysign(p.sub(p.c(1), p.div(p.c(2), p.addf(e, p.c(1)))), x);
  return keepZero(p, x, p.sel(p.cmp('lt', ax, p.c(0.625)), small, large));
}

/** A C/IEEE pow in float64 (what expressions.ts computes): Math.pow but pow(1, y) = 1 and pow(−1, ±∞) = 1. */
const cPow = (a: number, b: number): number => (a === 1 || (a === -1 && (b === Infinity || b === -Infinity)) ? 1 : Math.pow(a, b));
const SIN_CALL: Callout = { name: 'sin', arity: 1, fn: Math.sin, source: 'Math.sin' };
const COS_CALL: Callout = { name: 'cos', arity: 1, fn: Math.cos, source: 'Math.cos' };
const POW_CALL: Callout = { name: 'pow', arity: 2, fn: cPow, source: cPow.toString() };

function sinCos(p: Lanes, x: Node, cos: boolean): Node {
  const q = p.nearest(p.mul(x, p.c(2 / Math.PI)));
  let r = x;
  for (const part of PIO2) r = p.sub(r, p.mul(q, p.c(part)));
  const qi = p.tsat(q), z = p.mul(r, r);
  const s = p.mad(p.mul(r, z), p.poly(z, SIN_S), r);
  const c = p.mad(p.mul(z, z), p.poly(z, COS_C), p.sub(p.c(1), p.mul(z, p.c(0.5))));
  const odd = p.ieq(p.iand(qi, p.ic(1)), p.ic(1));
  // sin: quadrants 0..3 give s, c, −s, −c; cos: c, −s, −c, s. The sign flips with bit 1 of q (of q + 1 for cos).
  const v = cos ? p.sel(odd, s, c) : p.sel(odd, c, s);
  const flip = p.shl(p.iand(cos ? p.iadd(qi, p.ic(1)) : qi, p.ic(2)), 30);
  const fast = p.float(p.ixor(p.bits(v), flip));
  const slow = p.not(p.cmp('le', p.abs(x), p.c(SIN_FAST_LIMIT)));
  const y = p.callout(cos ? COS_CALL : SIN_CALL, slow, fast, x);
  return cos ? y : keepZero(p, x, y);
}
export const sinf = (p: Lanes, x: Node): Node => sinCos(p, x, false);
export const cosf = (p: Lanes, x: Node): Node => sinCos(p, x, true);

export function erff(p: Lanes, x: Node): Node {
  const ax = p.abs(x);
  const small = p.mul(x, p.poly(p.mul(x, x), ERF_B));
  const t = p.min(ax, p.c(4));
  const large = p.copysign(p.sub(p.c(1), expf(p, p.poly(p.sub(t, p.c(ERF_CENTER)), ERF_W))), x);
  return p.sel(p.cmp('lt', ax, p.c(0.9)), small, large);
}

export const powf = (p: Lanes, a: Node, b: Node): Node => {
  const all = p.cmp('eq', p.c(0), p.c(0));
  return p.callout(POW_CALL, all, p.c(NaN), a, b);
};

export const sqrtf = (p: Lanes, x: Node): Node => p.sqrt(x);

/** The unary functions by name, and the maximum error each reaches (ulp of the float32 result, asserted by the tests). */
export const MATH_UNARY = { exp: expf, log: logf, expm1: expm1f, log1p: log1pf, tanh: tanhf, sin: sinf, cos: cosf, erf: erff, sqrt: sqrtf } as const;
export type MathUnary = keyof typeof MATH_UNARY;
export const MATH_MAX_ULP: { readonly [F in MathUnary | 'pow']: number } = {
  exp: 1, log: 1, expm1: 1.5, log1p: 2.5, tanh: 1.5, sin: 2.5, cos: 2.5, erf: 3, sqrt: 0.5, pow: 0.5,
};

/**
 * The scalar JS form of each function (float32 in, float32 out), compiled from the same lane
 * program: what the JS elementwise templates call for float32 operands, so that a JS loop and a
 * WASM loop give the same bits.
 */
export const MATH_F32: { readonly [F in MathUnary]: (x: number) => number } & { pow: (a: number, b: number) => number } = {
  ...(Object.fromEntries(Object.entries(MATH_UNARY).map(([k, f]) => [k, compileScalar(f, `${k}f`)])) as { [F in MathUnary]: (x: number) => number }),
  pow: (a: number, b: number) => Math.fround(cPow(a, b)),
};
