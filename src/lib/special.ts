// `special`: JAX's jax.scipy.special. erf, erfc, lgamma and digamma are primitives (float64-exact
// on the CPU); the rest is derived from them and np, with JAX's values and derivatives at the edges.
import { ArrayLike, NDArray } from '../core/array.js';
import * as lax from '../core/lax.js';
import * as np from '../core/np.js';
import { convertTo, elementwiseOperands, toArray, toFloatType } from '../core/numpy-util.js';

export { logsumexp, softmax, logSoftmax } from './nn.js';

const float = (op: string, x: ArrayLike): NDArray => { const a = toArray(op, x); return convertTo(a, toFloatType(a)); };
const c = (x: NDArray, v: number): NDArray => lax.fullLike(x, v);
const floatPair = (op: string, x: ArrayLike, y: ArrayLike): [NDArray, NDArray] => {
  const [[a, b]] = elementwiseOperands(op, [x, y], toFloatType);
  return [a!, b!];
};

/** 2/√π ∫₀ˣ e^{−t²} dt. */
export const erf = (x: ArrayLike): NDArray => lax.erf(float('erf', x));
/** 1 − erf(x), accurate where erf(x) is close to 1. */
export const erfc = (x: ArrayLike): NDArray => lax.erfc(float('erfc', x));
/** The inverse of erf on (−1, 1) (float32). */
export const erfinv = (x: ArrayLike): NDArray => np.erfinv(x);
/** log|Γ(x)|. */
export const gammaln = (x: ArrayLike): NDArray => lax.lgamma(float('gammaln', x));
/** The same as gammaln. */
export const lgamma = gammaln;
/** ψ(x) = d/dx log Γ(x). */
export const digamma = (x: ArrayLike): NDArray => lax.digamma(float('digamma', x));
/** log B(a, b) = lgamma(a) + lgamma(b) − lgamma(a + b). */
export function betaln(a: ArrayLike, b: ArrayLike): NDArray {
  const [x, y] = floatPair('betaln', a, b);
  return lax.sub(lax.add(lax.lgamma(x), lax.lgamma(y)), lax.lgamma(lax.add(x, y)));
}
/** The logistic function 1 / (1 + e^{−x}). */
export const expit = (x: ArrayLike): NDArray => np.sigmoid(x);
/** log(x / (1 − x)), the inverse of expit. */
export function logit(x: ArrayLike): NDArray { const a = float('logit', x); return lax.log(lax.div(a, lax.sub(c(a, 1), a))); }
/** Φ(x) = ½·erfc(−x/√2), the standard normal CDF. */
export function ndtr(x: ArrayLike): NDArray { const a = float('ndtr', x); return lax.mul(c(a, 0.5), lax.erfc(lax.mul(a, c(a, -Math.SQRT1_2)))); }
/** Φ⁻¹(p) = √2·erfinv(2p − 1) (float32). */
export function ndtri(p: ArrayLike): NDArray { const a = float('ndtri', p); return lax.mul(c(a, Math.SQRT2), np.erfinv(lax.sub(lax.mul(c(a, 2), a), c(a, 1)))); }

/**
 * x·log(y), and 0 where x = 0 (whatever y is). The derivatives are JAX's: log(y) in x, x/y in y;
 * at x = 0 the product is taken with a y of 1 where y is 0, ∞ or NaN, so its derivative stays finite.
 */
function xlogOf(op: string, x: ArrayLike, y: ArrayLike, log: (v: NDArray) => NDArray, lowest: number): NDArray {
  const [a, b] = floatPair(op, x, y);
  const atZero = lax.eq(a, lax.zerosLike(a));
  const ordinary = lax.and(lax.gt(b, c(b, lowest)), lax.lt(b, c(b, Infinity)));
  const safe = lax.select(ordinary, b, c(b, lowest + 1));
  return lax.select(atZero, lax.mul(a, log(safe)), lax.mul(a, log(b)));
}
/** x·log(y), 0 where x = 0 (even for y = 0). */
export const xlogy = (x: ArrayLike, y: ArrayLike): NDArray => xlogOf('xlogy', x, y, lax.log, 0);
/** x·log1p(y), and 0 where x = 0. */
export const xlog1py = (x: ArrayLike, y: ArrayLike): NDArray => xlogOf('xlog1py', x, y, lax.log1p, -1);
/** −x·log(x), the entropy term (−∞ below 0, 0 at 0). */
export function entr(x: ArrayLike): NDArray {
  const a = float('entr', x);
  return lax.select(lax.lt(a, lax.zerosLike(a)), c(a, -Infinity), lax.neg(xlogy(a, a)));
}
/**
 * log(1 − e^{−x}) for x > 0: log1p(−e^{−x}) above ln 2 and log(−expm1(−x)) below (Mächler's
 * switch, as JAX), so neither form loses digits.
 */
export function log1mexp(x: ArrayLike): NDArray {
  const a = float('log1mexp', x);
  const big = lax.gt(a, c(a, Math.LN2));
  return lax.select(big, lax.log1p(lax.neg(lax.exp(lax.neg(a)))), lax.log(lax.neg(lax.expm1(lax.neg(a)))));
}
