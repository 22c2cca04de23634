// `nn`: JAX's jax.nn (activations, softmax and friends, oneHot, standardize, dotProductAttention)
// written with np, so each one differentiates, jits and runs on every backend for free.
//
// Derivatives at the kinks follow JAX's custom rules: relu'(0) = 0, relu6' is 0 at 0 and 6, and
// hardTanh' is 0 at ±1 (a `select` differentiates as the branch it takes). softmax and logsumexp
// subtract the max first (the result does not depend on it, so its derivative cancels).
import { ArrayLike, NDArray } from '../core/array.js';
import { DType } from '../core/dtype.js';
import { ShapeError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import * as np from '../core/np.js';
import { Axis, axesOf, axisOf, checkDtype, convertTo, describe, resultType, toArray, toFloatType } from '../core/numpy-util.js';
import { showShape } from '../core/shape.js';

export * as initializers from './initializers.js';

const float = (op: string, x: ArrayLike): NDArray => { const a = toArray(op, x); return convertTo(a, toFloatType(a)); };
const c = (x: NDArray, v: number): NDArray => lax.fullLike(x, v);

// ---- activations -------------------------------------------------------------------------------
/** max(x, 0); NaN stays NaN; the derivative at 0 is 0. */
export function relu(x: ArrayLike): NDArray {
  const a = toArray('relu', x);
  return lax.select(lax.le(a, lax.zerosLike(a)), lax.zerosLike(a), a);
}
/** min(max(x, 0), 6); the derivative is 0 at both kinks. */
export function relu6(x: ArrayLike): NDArray {
  const a = toArray('relu6', x);
  return lax.select(lax.le(a, lax.zerosLike(a)), lax.zerosLike(a), lax.select(lax.ge(a, c(a, 6)), c(a, 6), a));
}
/** `jax.nn.sigmoid`: 1 / (1 + e⁻ˣ). */
export const sigmoid = (x: ArrayLike): NDArray => np.sigmoid(x);
/** x·σ(x). */
export function silu(x: ArrayLike): NDArray { const a = float('silu', x); return lax.mul(a, np.sigmoid(a)); }
/** `jax.nn.swish`, the same as silu. */
export const swish = silu;
/** log(1 + eˣ) = max(x, 0) + log1p(e^{−|x|}): no overflow for large |x|. */
export function softplus(x: ArrayLike): NDArray {
  const a = float('softplus', x);
  return lax.add(lax.max(a, lax.zerosLike(a)), lax.log1p(lax.exp(lax.neg(lax.abs(a)))));
}
/** log σ(x) = −softplus(−x). */
export function logSigmoid(x: ArrayLike): NDArray { return lax.neg(softplus(lax.neg(float('logSigmoid', x)))); }
/** x / (|x| + 1). */
export function softSign(x: ArrayLike): NDArray { const a = float('softSign', x); return lax.div(a, lax.add(lax.abs(a), c(a, 1))); }
/** x for x ≥ 0, negativeSlope·x below. */
export function leakyRelu(x: ArrayLike, negativeSlope = 0.01): NDArray {
  const a = float('leakyRelu', x);
  return lax.select(lax.ge(a, lax.zerosLike(a)), a, lax.mul(c(a, negativeSlope), a));
}
/** x for x > 0, α(eˣ − 1) otherwise (the exponential only sees x ≤ 0, so it never overflows). */
export function elu(x: ArrayLike, alpha = 1): NDArray {
  const a = float('elu', x);
  const positive = lax.gt(a, lax.zerosLike(a));
  return lax.select(positive, a, lax.mul(c(a, alpha), lax.expm1(lax.select(positive, lax.zerosLike(a), a))));
}
/** max(x, 0) + α·expm1(min(x, 0)/α). */
export function celu(x: ArrayLike, alpha = 1): NDArray {
  const a = float('celu', x);
  return lax.add(lax.max(a, lax.zerosLike(a)), lax.mul(c(a, alpha), lax.expm1(lax.div(lax.min(a, lax.zerosLike(a)), c(a, alpha)))));
}
const SELU_ALPHA = 1.6732632423543772848170429916717, SELU_SCALE = 1.0507009873554804934193349852946;
/** λ·elu(x, α) with the self-normalising constants of Klambauer et al. */
export function selu(x: ArrayLike): NDArray { const e = elu(x, SELU_ALPHA); return lax.mul(c(e, SELU_SCALE), e); }
/**
 * GELU. approximate (JAX's default): ½x(1 + tanh(√(2/π)(x + 0.044715x³))); exact: x·Φ(x) =
 * ½x·erfc(−x/√2) (erfc keeps the digits of Φ far into the negative tail).
 */
export function gelu(x: ArrayLike, approximate = true): NDArray {
  const a = float('gelu', x);
  if (approximate) {
    const inner = lax.mul(c(a, Math.sqrt(2 / Math.PI)), lax.add(a, lax.mul(c(a, 0.044715), lax.mul(a, lax.mul(a, a)))));
    return lax.mul(lax.mul(c(a, 0.5), a), lax.add(c(a, 1), lax.tanh(inner)));
  }
  return lax.mul(lax.mul(c(a, 0.5), a), lax.erfc(lax.mul(a, c(a, -Math.SQRT1_2))));
}
/** Gated linear unit: x split in halves a | b along axis, a·σ(b). */
export function glu(x: ArrayLike, axis = -1): NDArray {
  const a = float('glu', x);
  const ax = axisOf('glu', axis, a.ndim);
  if (a.shape[ax]! % 2 !== 0) throw new ShapeError(`glu: axis ${ax} of shape ${showShape(a.shape)} must have an even size to split in two`);
  const [first, second] = np.split(a, 2, ax);
  return lax.mul(first!, np.sigmoid(second!));
}
/** clip(x, −1, 1); the derivative is 0 at ±1. */
export function hardTanh(x: ArrayLike): NDArray {
  const a = float('hardTanh', x);
  return lax.select(lax.ge(a, c(a, 1)), c(a, 1), lax.select(lax.le(a, c(a, -1)), c(a, -1), a));
}
/** relu6(x + 3) / 6. */
export function hardSigmoid(x: ArrayLike): NDArray { const a = float('hardSigmoid', x); return lax.div(relu6(lax.add(a, c(a, 3))), c(a, 6)); }
/** x · hardSigmoid(x). */
export function hardSilu(x: ArrayLike): NDArray { const a = float('hardSilu', x); return lax.mul(a, hardSigmoid(a)); }
/** `jax.nn.hard_swish`, the same as hardSilu. */
export const hardSwish = hardSilu;

// ---- softmax, logsumexp ------------------------------------------------------------------------
/** Options of softmax and logSoftmax. */
export interface SoftmaxOptions {
  /** The axis (or axes) normalised over (default −1). */
  axis?: Axis;
  /** Elements to include; the others count as −∞ and get probability 0. */
  where?: ArrayLike;
}
function softmaxParts(op: string, x: ArrayLike, opts: SoftmaxOptions) {
  const a = float(op, x);
  const axes = axesOf(op, opts.axis === undefined ? -1 : opts.axis, a.ndim);
  const mask = opts.where === undefined ? null : np.broadcastTo(np.asarray(toArray(op, opts.where)).astype('bool'), a.shape);
  const masked = mask ? lax.select(mask, a, c(a, -Infinity)) : a;
  const m = np.max(masked, { axis: axes, keepdims: true });
  // A row that is all −∞ (or fully masked) would give ∞ − ∞: shift it by 0 instead.
  const shift = np.where(np.isfinite(m), m, 0);
  const shifted = lax.sub(a, np.broadcastTo(shift, a.shape));
  return { a, axes, mask, shifted };
}
/** exp(x) / Σ exp(x) along axis (default −1), computed after subtracting the max. */
export function softmax(x: ArrayLike, opts: SoftmaxOptions | number = {}): NDArray {
  const o = typeof opts === 'number' ? { axis: opts } : opts;
  const { axes, mask, shifted } = softmaxParts('softmax', x, o);
  let e = lax.exp(shifted);
  if (mask) e = lax.select(mask, e, lax.zerosLike(e));
  return lax.div(e, np.broadcastTo(np.sum(e, { axis: axes, keepdims: true }), e.shape));
}
/** x − logsumexp(x) along axis (default −1). */
export function logSoftmax(x: ArrayLike, opts: SoftmaxOptions | number = {}): NDArray {
  const o = typeof opts === 'number' ? { axis: opts } : opts;
  const { axes, mask, shifted } = softmaxParts('logSoftmax', x, o);
  let e = lax.exp(shifted);
  if (mask) e = lax.select(mask, e, lax.zerosLike(e));
  const out = lax.sub(shifted, np.broadcastTo(np.log(np.sum(e, { axis: axes, keepdims: true })), shifted.shape));
  return mask ? lax.select(mask, out, c(out, -Infinity)) : out;
}

/** Options of logsumexp. */
export interface LogsumexpOptions {
  /** The axes reduced (all by default). */
  axis?: Axis;
  /** Scale factors: log Σ b·eˣ (b may be negative; see returnSign). */
  b?: ArrayLike;
  /** Keep the reduced axes as size 1. */
  keepdims?: boolean;
  /** Elements to include in the sum. */
  where?: ArrayLike;
}
/**
 * log Σ eˣ over the axes (all by default), stable: max + log Σ e^{x − max}. With `b`, log |Σ b·eˣ|
 * and, under returnSign, also the sign of the sum; without returnSign a negative sum gives NaN.
 */
export function logsumexp(x: ArrayLike, opts?: LogsumexpOptions & { returnSign?: false }): NDArray;
export function logsumexp(x: ArrayLike, opts: LogsumexpOptions & { returnSign: true }): [NDArray, NDArray];
export function logsumexp(x: ArrayLike, opts: LogsumexpOptions & { returnSign?: boolean } = {}): NDArray | [NDArray, NDArray] {
  let a = float('logsumexp', x);
  let scale: NDArray | null = null;
  if (opts.b !== undefined) {
    [a, scale] = np.broadcastArrays(a, float('logsumexp', opts.b)) as [NDArray, NDArray];
    const t = resultType([a, scale]);
    a = convertTo(a, t); scale = convertTo(scale, t);
  }
  const axes = axesOf('logsumexp', opts.axis, a.ndim);
  const mask = opts.where === undefined ? null : np.broadcastTo(np.asarray(toArray('logsumexp', opts.where)).astype('bool'), a.shape);
  const masked = mask ? lax.select(mask, a, c(a, -Infinity)) : a;
  const m = np.max(masked, { axis: axes, keepdims: true });
  const shift = np.where(np.isfinite(m), m, 0);
  let e = lax.exp(lax.sub(a, np.broadcastTo(shift, a.shape)));
  if (scale) e = lax.mul(scale, e);
  if (mask) e = lax.select(mask, e, lax.zerosLike(e));
  const total = np.sum(e, { axis: axes, keepdims: true });
  const sign = np.sign(total);
  let out = lax.add(np.log(np.abs(total)), shift);
  if (!opts.keepdims) { out = np.squeeze(out, axes); }
  const signOut = opts.keepdims ? sign : np.squeeze(sign, axes);
  if (opts.returnSign) return [out, signOut];
  return scale ? np.where(np.less(signOut, 0), NaN, out) : out;
}

// ---- encodings and normalisation ---------------------------------------------------------------
/** x[..., None] == arange(numClasses) as `dtype` (float32 by default); the new axis goes at `axis`. */
export function oneHot(x: ArrayLike, numClasses: number, opts: { dtype?: DType; axis?: number } = {}): NDArray {
  const a = toArray('oneHot', x);
  if (!Number.isInteger(numClasses) || numClasses < 0) throw new TypeError(`oneHot: numClasses must be a non-negative integer, got ${describe(numClasses)}`);
  const dtype = checkDtype('oneHot', opts.dtype ?? 'float32');
  const ax = axisOf('oneHot', opts.axis ?? -1, a.ndim + 1);
  const shape = [...a.shape.slice(0, ax), numClasses, ...a.shape.slice(ax)];
  const classes = lax.iota(a.dtype === 'bool' ? 'int32' : a.dtype, shape, ax);
  const values = lax.broadcastInDim(a.dtype === 'bool' ? lax.convertElementType(a, 'int32') : a, shape, shape.map((_, i) => i).filter((i) => i !== ax));
  return lax.convertElementType(lax.eq(values, classes), dtype);
}

/** Options of standardize. */
export interface StandardizeOptions {
  /** The axes the statistics are taken over (default −1). */
  axis?: Axis;
  /** A precomputed mean (else computed). */
  mean?: ArrayLike;
  /** A precomputed variance (else computed). */
  variance?: ArrayLike;
  /** Added to the variance (1e-5). */
  epsilon?: number;
  /** A mask of the elements the statistics count. */
  where?: ArrayLike;
}
/** (x − mean) / √(variance + ε) along axis (default −1); variance = mean(x²) − mean(x)², as JAX. */
export function standardize(x: ArrayLike, opts: StandardizeOptions = {}): NDArray {
  const a = float('standardize', x);
  const axes = axesOf('standardize', opts.axis === undefined ? -1 : opts.axis, a.ndim);
  const mask = opts.where === undefined ? null : np.broadcastTo(np.asarray(toArray('standardize', opts.where)).astype('bool'), a.shape);
  const maskedMean = (v: NDArray): NDArray => {
    if (!mask) return np.mean(v, { axis: axes, keepdims: true });
    const w = lax.convertElementType(mask, v.dtype);
    return lax.div(np.sum(lax.mul(v, w), { axis: axes, keepdims: true }), np.sum(w, { axis: axes, keepdims: true }));
  };
  const mu = opts.mean !== undefined ? float('standardize', opts.mean) : maskedMean(a);
  const variance = opts.variance !== undefined ? float('standardize', opts.variance) : np.subtract(maskedMean(lax.mul(a, a)), np.square(mu));
  return np.multiply(np.subtract(a, mu), np.reciprocal(np.sqrt(np.add(variance, opts.epsilon ?? 1e-5))));
}

// ---- attention ---------------------------------------------------------------------------------
/** Options of dotProductAttention. */
export interface AttentionOptions {
  /** Added to the logits; broadcastable to [B, N, T, S]. */
  bias?: ArrayLike;
  /** true where a query may attend to a key; broadcastable to [B, N, T, S]. */
  mask?: ArrayLike;
  /** Multiplies q·k (default 1/√H). */
  scale?: number;
  /** Query t attends to keys s ≤ t only. */
  isCausal?: boolean;
}
/**
 * softmax(q·kᵀ·scale + bias, masked)·v over layouts [B, T, N, H] (query), [B, S, K, H] (key,
 * value), or the same without B. K may divide N (grouped-query attention: query head n reads key
 * head ⌊n / (N/K)⌋). Masked logits become −0.7·max(dtype), as JAX; the softmax runs in float32
 * or wider. Returns [B, T, N, H].
 */
export function dotProductAttention(query: ArrayLike, key: ArrayLike, value: ArrayLike, opts: AttentionOptions = {}): NDArray {
  const op = 'dotProductAttention';
  let [q, k, v] = [float(op, query), float(op, key), float(op, value)];
  if (q.ndim !== k.ndim || q.ndim !== v.ndim || (q.ndim !== 3 && q.ndim !== 4)) {
    throw new ShapeError(`${op}: query, key and value must all be [B, T, N, H] or [T, N, H]; got ${showShape(q.shape)}, ${showShape(k.shape)}, ${showShape(v.shape)}`);
  }
  const batched = q.ndim === 4;
  if (!batched) [q, k, v] = [q, k, v].map((a) => np.expandDims(a, 0)) as [NDArray, NDArray, NDArray];
  const [B, T, N, H] = q.shape as [number, number, number, number];
  const [Bk, S, K, Hk] = k.shape as [number, number, number, number];
  if (Bk !== B || Hk !== H || v.shape.join() !== k.shape.join() || N % K !== 0) {
    throw new ShapeError(`${op}: expected key and value [B, S, K, H] with query's B and H and K dividing N; got query ${showShape(q.shape)}, key ${showShape(k.shape)}, value ${showShape(v.shape)}`);
  }
  const t = resultType([q, k, v]);
  [q, k, v] = [q, k, v].map((a) => convertTo(a, t)) as [NDArray, NDArray, NDArray];
  const G = N / K;
  // logits[b, k, t, g, s] = Σ_h q[b, t, k, g, h] · key[b, s, k, h]
  const qg = lax.reshape(q, [B, T, K, G, H]);
  let logits = lax.dotGeneral(qg, k, { contracting: [[4], [3]], batch: [[0, 2], [0, 2]] });
  logits = lax.reshape(lax.transpose(logits, [0, 1, 3, 2, 4]), [B, N, T, S]);
  logits = lax.mul(logits, c(logits, opts.scale ?? 1 / Math.sqrt(H)));
  if (opts.bias !== undefined) logits = convertTo(np.add(logits, np.broadcastTo(float(op, opts.bias), logits.shape)), t);
  let mask: NDArray | null = opts.mask === undefined ? null : np.broadcastTo(np.asarray(toArray(op, opts.mask)).astype('bool'), logits.shape);
  if (opts.isCausal) {
    const causal = lax.ge(lax.iota('int32', [B, N, T, S], 2), lax.iota('int32', [B, N, T, S], 3));
    mask = mask ? lax.and(mask, causal) : causal;
  }
  if (mask) logits = lax.select(mask, logits, c(logits, -0.7 * (t.dtype === 'float64' ? Number.MAX_VALUE : 3.4028234663852886e38)));
  const probs = softmax(logits, { axis: -1 });
  // out[b, k, g, t, h] = Σ_s probs[b, k, g, t, s] · value[b, s, k, h]
  const pg = lax.reshape(probs, [B, K, G, T, S]);
  const out = lax.dotGeneral(pg, v, { contracting: [[4], [1]], batch: [[0, 1], [0, 2]] });
  const result = lax.reshape(lax.transpose(out, [0, 3, 1, 2, 4]), [B, T, N, H]);
  return batched ? result : lax.reshape(result, [T, N, H]);
}
