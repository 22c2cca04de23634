// More of torch.nn.functional over the core's nn/np functions: activations (gelu, silu, softplus,
// elu, …), oneHot, dropout, layerNorm, embedding and the binary / smooth-L1 / Huber losses.
// Each is one recorded op whose forward is written with np or nn; gradients come from the core.
import { NDArray } from '../core/array.js';
import { isInteger } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as random from '../core/random.js';
import * as jnn from '../lib/nn.js';
import { stopGradient } from '../transforms/custom.js';
import { RuntimeError } from './autograd.js';
import * as ops from './ops.js';
import { nextKey } from './rng.js';
import { Tensor } from './tensor.js';

type Reduction = 'mean' | 'sum' | 'none';
function reduce(losses: NDArray, reduction: Reduction): NDArray {
  if (reduction === 'mean') return np.mean(losses);
  if (reduction === 'sum') return np.sum(losses);
  if (reduction === 'none') return losses;
  throw new TypeError(`${String(reduction)} is not a valid value for reduction (use 'mean', 'sum' or 'none')`);
}

// ---- activations ---------------------------------------------------------------------------------
/** GELU: exact x·Φ(x) by default (PyTorch's 'none'), or the tanh approximation. */
export function gelu(x: Tensor, opts: { approximate?: 'none' | 'tanh' } = {}): Tensor {
  const approximate = opts.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') throw new RuntimeError(`approximate argument must be either none or tanh, got ${String(approximate)}`);
  return ops.run('GeluBackward0', 'inputs', (a) => jnn.gelu(a, approximate === 'tanh'), [x]);
}
/** x·σ(x), elementwise. */
export const silu = (x: Tensor): Tensor => ops.run('SiluBackward0', 'inputs', (a) => jnn.silu(a), [x]);
/** x·tanh(softplus(x)). */
export const mish = (x: Tensor): Tensor => ops.run('MishBackward0', 'inputs', (a) => np.multiply(a, np.tanh(jnn.softplus(a))), [x]);
/** log(1 + e^{βx})/β, and x itself where βx > threshold (PyTorch's linear region). */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return ops.run('SoftplusBackward0', 'inputs', (a) => {
    const bx = np.multiply(a, beta);
    return np.where(np.greater(bx, threshold), a, np.divide(jnn.softplus(bx), beta));
  }, [x]);
}
/** x for x ≥ 0, negativeSlope·x otherwise. */
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => ops.run('LeakyReluBackward0', 'inputs', (a) => jnn.leakyRelu(a, negativeSlope), [x]);
/** x for x > 0, alpha·(eˣ − 1) otherwise. */
export const elu = (x: Tensor, alpha = 1): Tensor => ops.run('EluBackward0', 'output', (a) => jnn.elu(a, alpha), [x]);
/** max(0, x) + min(0, alpha·(e^{x/alpha} − 1)). */
export const celu = (x: Tensor, alpha = 1): Tensor => ops.run('CeluBackward0', 'output', (a) => jnn.celu(a, alpha), [x]);
/** The scaled ELU with its self-normalising constants. */
export const selu = (x: Tensor): Tensor => ops.run('EluBackward0', 'output', (a) => jnn.selu(a), [x]);
/** min(max(x, 0), 6). */
export const relu6 = (x: Tensor): Tensor => ops.run('HardtanhBackward0', 'inputs', (a) => jnn.relu6(a), [x]);
/** clip(x, minVal, maxVal); the gradient is 0 outside (and at) the bounds. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return ops.run('HardtanhBackward0', 'inputs', (a) => np.where(np.lessEqual(a, minVal), minVal, np.where(np.greaterEqual(a, maxVal), maxVal, a)).astype(a.dtype), [x]);
}
/** relu6(x + 3) / 6. */
export const hardsigmoid = (x: Tensor): Tensor => ops.run('HardsigmoidBackward0', 'inputs', (a) => jnn.hardSigmoid(a), [x]);
/** x·hardsigmoid(x). */
export const hardswish = (x: Tensor): Tensor => ops.run('HardswishBackward0', 'inputs', (a) => jnn.hardSilu(a), [x]);
/** log σ(x), computed stably. */
export const logsigmoid = (x: Tensor): Tensor => ops.run('LogSigmoidBackward0', 'inputs', (a) => jnn.logSigmoid(a), [x]);
/** x / (1 + |x|). */
export const softsign = (x: Tensor): Tensor => ops.run('DivBackward0', 'inputs', (a) => jnn.softSign(a), [x]);
/** a·σ(b), with x split in halves a, b along `dim`. */
export function glu(x: Tensor, dim = -1): Tensor {
  const d = dim < 0 ? dim + x.ndim : dim;
  if (x.shape[d]! % 2 !== 0) throw new RuntimeError(`Halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`);
  return ops.run('GluBackward0', 'inputs', (a) => jnn.glu(a, d), [x]);
}

/** Class indices (int) → one-hot rows of 0/1 (int32, PyTorch's long); numClasses −1 means max + 1. */
export function oneHot(x: Tensor, numClasses = -1): Tensor {
  if (!isInteger(x.dtype)) throw new RuntimeError(`one_hot is only applicable to index tensor of integer dtype, got ${x.dtype}`);
  const v = Array.from(x.array.dataSync(), Number);
  if (v.some((e) => e < 0)) throw new RuntimeError('Class values must be non-negative.');
  const n = numClasses === -1 ? (v.length ? Math.max(...v) + 1 : 0) : numClasses;
  if (v.some((e) => e >= n)) throw new RuntimeError('Class values must be smaller than num_classes.');
  return new Tensor(jnn.oneHot(x.array, n, { dtype: 'int32' }));
}

// ---- dropout and normalisation --------------------------------------------------------------------
/** Zeroes each element with probability p (from the global generator) and scales the rest by 1/(1 − p); the identity when not training. */
export function dropout(x: Tensor, p = 0.5, training = true): Tensor {
  if (!(p >= 0 && p <= 1)) throw new RuntimeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return ops.run('MulBackward0', 'none', (a) => np.multiply(a, 0), [x]);
  const keep = random.bernoulli(nextKey(), 1 - p, x.shape);
  return ops.run('NativeDropoutBackward0', 'none', (a) => np.where(keep, np.divide(a, 1 - p), 0).astype(a.dtype), [x]);
}
/** (x − mean)/√(var + eps) over the trailing normalizedShape dims (biased variance), then ·weight + bias. */
export function layerNorm(x: Tensor, normalizedShape: number | readonly number[], weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const shape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
  const k = shape.length;
  if (x.shape.slice(x.ndim - k).join() !== shape.join()) {
    throw new RuntimeError(`Given normalized_shape=[${shape.join(', ')}], expected input with shape [*, ${shape.join(', ')}], but got input of size[${x.shape.join(', ')}]`);
  }
  const axes = shape.map((_, i) => x.ndim - k + i);
  const inputs = [x, ...(weight ? [weight] : []), ...(bias ? [bias] : [])];
  return ops.run('NativeLayerNormBackward0', 'inputs', (a, ...wb) => {
    const mu = np.mean(a, { axis: axes, keepdims: true });
    const centred = np.subtract(a, mu);
    const v = np.mean(np.square(centred), { axis: axes, keepdims: true });
    let out = np.multiply(centred, np.reciprocal(np.sqrt(np.add(v, eps))));
    let i = 0;
    if (weight) out = np.multiply(out, wb[i++]!);
    if (bias) out = np.add(out, wb[i]!);
    return out;
  }, inputs);
}
/** Rows of weight picked by integer indices; the paddingIdx row gets no gradient. */
export function embedding(input: Tensor, weight: Tensor, paddingIdx: number | null = null): Tensor {
  if (!isInteger(input.dtype)) throw new RuntimeError(`Expected tensor for argument #1 'indices' to have an integer scalar type; but got ${input.dtype} instead`);
  const idx = input.array;
  const n = weight.shape[0]!;
  const values = Array.from(idx.dataSync(), Number);
  const bad = values.find((v) => v < 0 || v >= n);
  if (bad !== undefined) throw new RuntimeError(`index out of range in self: index ${bad} for an embedding of ${n} rows`);
  return ops.run('EmbeddingBackward0', 'inputs', (w) => {
    const rows = np.take(w, idx, { axis: 0 });
    if (paddingIdx === null) return rows;
    const pad = np.expandDims(np.equal(idx, paddingIdx < 0 ? paddingIdx + n : paddingIdx), -1);
    return np.where(pad, stopGradient(rows), rows);
  }, [weight]);
}

// ---- losses ---------------------------------------------------------------------------------------
function sameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() !== target.shape.join()) throw new RuntimeError(`${op}: Using a target size ([${target.shape.join(', ')}]) that is different to the input size ([${input.shape.join(', ')}]) is deprecated. Please ensure they have the same size.`);
}
/** −w·(t·log x + (1 − t)·log(1 − x)), each log clamped at −100 as PyTorch does. */
export function binaryCrossEntropy(input: Tensor, target: Tensor, opts: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  sameShape('binaryCrossEntropy', input, target);
  const w = opts.weight?.array ?? null;
  return ops.run('BinaryCrossEntropyBackward0', 'inputs', (x, t) => {
    const logX = np.maximum(np.log(x), -100), log1mX = np.maximum(np.log(np.subtract(1, x)), -100);
    let losses = np.negative(np.add(np.multiply(t, logX), np.multiply(np.subtract(1, t), log1mX)));
    if (w) losses = np.multiply(losses, w);
    return reduce(losses, opts.reduction ?? 'mean');
  }, [input, target]);
}
/** BCE of σ(x) without forming σ: (1 − t)·x + (1 + (pw − 1)·t)·softplus(−x), stable for any x. */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  sameShape('binaryCrossEntropyWithLogits', input, target);
  const w = opts.weight?.array ?? null, pw = opts.posWeight?.array ?? null;
  return ops.run('BinaryCrossEntropyWithLogitsBackward0', 'inputs', (x, t) => {
    const sp = jnn.softplus(np.negative(x));
    const coeff = pw ? np.add(1, np.multiply(np.subtract(pw, 1), t)) : 1;
    let losses = np.add(np.multiply(np.subtract(1, t), x), np.multiply(coeff, sp));
    if (w) losses = np.multiply(losses, w);
    return reduce(losses, opts.reduction ?? 'mean');
  }, [input, target]);
}
/** ½d²/β for |d| < β, |d| − ½β beyond (β = 0 is the L1 loss). */
export function smoothL1Loss(input: Tensor, target: Tensor, opts: { beta?: number; reduction?: Reduction } = {}): Tensor {
  const beta = opts.beta ?? 1;
  if (beta < 0) throw new RuntimeError('smooth_l1_loss does not support negative values for beta.');
  return ops.run('SmoothL1LossBackward0', 'inputs', (x, t) => {
    const d = np.abs(np.subtract(x, t));
    const losses = beta === 0 ? d : np.where(np.less(d, beta), np.divide(np.multiply(np.square(d), 0.5), beta), np.subtract(d, 0.5 * beta));
    return reduce(losses, opts.reduction ?? 'mean');
  }, [input, target]);
}
/** ½d² for |d| ≤ δ, δ(|d| − ½δ) beyond. */
export function huberLoss(input: Tensor, target: Tensor, opts: { delta?: number; reduction?: Reduction } = {}): Tensor {
  const delta = opts.delta ?? 1;
  return ops.run('HuberLossBackward0', 'inputs', (x, t) => {
    const d = np.abs(np.subtract(x, t));
    const losses = np.where(np.lessEqual(d, delta), np.multiply(np.square(d), 0.5), np.multiply(np.subtract(d, 0.5 * delta), delta));
    return reduce(losses, opts.reduction ?? 'mean');
  }, [input, target]);
}
