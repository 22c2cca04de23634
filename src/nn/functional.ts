// torch.nn.functional (imported as F): layers and losses as functions of tensors. Each is one or
// two recorded ops whose forward is written with `np`; their gradients come from the core.
import { ConcreteArray, NDArray } from '../core/array.js';
import { IndexError } from '../core/errors.js';
import { isFloat, isInteger } from '../core/dtype.js';
import * as np from '../core/np.js';
import { RuntimeError } from './autograd.js';
import * as ops from './ops.js';
import { Tensor } from './tensor.js';

/** How a loss reduces over elements: 'mean' (default), 'sum' or 'none'. */
export type Reduction = 'mean' | 'sum' | 'none';

/** x·Wᵀ + b, with W of shape [out, in] (PyTorch's layout); AddmmBackward0 as PyTorch names it. */
export function linear(input: Tensor, weight: Tensor, bias: Tensor | null = null): Tensor {
  if (input.shape[input.ndim - 1] !== weight.shape[1]) {
    throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${input.shape.slice(0, -1).reduce((a, b) => a * b, 1)}x${input.shape[input.ndim - 1]} and ${weight.shape[1]}x${weight.shape[0]})`);
  }
  if (bias === null) return ops.run('MmBackward0', 'inputs', (x, w) => np.matmul(x, np.transpose(w)), [input, weight]);
  return ops.run('AddmmBackward0', 'inputs', (x, w, b) => np.add(np.matmul(x, np.transpose(w)), b), [input, weight, bias]);
}

/** max(x, 0). */
export const relu = (x: Tensor): Tensor => ops.relu(x);
/** The logistic sigmoid. */
export const sigmoid = (x: Tensor): Tensor => ops.sigmoid(x);
/** The hyperbolic tangent. */
export const tanh = (x: Tensor): Tensor => ops.tanh(x);
/** Softmax along `dim`. */
export const softmax = (x: Tensor, dim: number): Tensor => ops.softmax(x, dim);
/** log(softmax) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => ops.logSoftmax(x, dim);
/** Dimensions startDim..endDim merged. */
export const flatten = (x: Tensor, startDim = 0, endDim = -1): Tensor => ops.flatten(x, startDim, endDim);

/** Applies the reduction to per-element losses. */
function reduce(losses: NDArray, reduction: Reduction): NDArray {
  if (reduction === 'mean') return np.mean(losses);
  if (reduction === 'sum') return np.sum(losses);
  if (reduction === 'none') return losses;
  throw new TypeError(`${String(reduction)} is not a valid value for reduction (use 'mean', 'sum' or 'none')`);
}

const warned = new Set<string>();
/** PyTorch's UserWarning when a regression target broadcasts against the input instead of matching it. */
function warnOnBroadcast(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.join() === target.shape.join()) return;
  const message = `${op}: Using a target size ([${target.shape.join(', ')}]) that is different to the input size ([${input.shape.join(', ')}]). ` +
    'This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.';
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`UserWarning: ${message}`);
}

/**
 * Mean (or sum) of squared differences.
 *
 * @example
 * const loss = torch.nn.functional.mseLoss(yPred, y); // the mean of squared errors
 */
export function mseLoss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  warnOnBroadcast('mseLoss', input, target);
  const reduction = opts.reduction ?? 'mean';
  return ops.run('MseLossBackward0', 'inputs', (a, b) => reduce(np.square(np.subtract(a, b)), reduction), [input, target]);
}
/** Mean (or sum) of absolute differences. */
export function l1Loss(input: Tensor, target: Tensor, opts: { reduction?: Reduction } = {}): Tensor {
  warnOnBroadcast('l1Loss', input, target);
  const reduction = opts.reduction ?? 'mean';
  return ops.run('L1LossBackward0', 'inputs', (a, b) => reduce(np.abs(np.subtract(a, b)), reduction), [input, target]);
}

/** Options of nllLoss and crossEntropy. */
export interface NllOptions {
  /** 'mean' (default), 'sum' or 'none'. */
  reduction?: Reduction;
  /** A rescaling weight per class, shape [C]. */
  weight?: Tensor | null;
  /** Targets equal to this class index contribute nothing (and do not count in the mean). */
  ignoreIndex?: number;
  /** @internal the user-facing function, for messages. */
  op?: string;
}

/** The class axis: 1 for batched input [N, C, ...], 0 for one sample [C]. */
const classAxisOf = (input: Tensor): number => (input.ndim === 1 ? 0 : 1);

/**
 * Negative log-likelihood of class indices under log-probabilities: −w[t]·logp[t] per sample;
 * 'mean' divides by the total weight of the counted samples (PyTorch's rule).
 */
export function nllLoss(logProbs: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  if (!isInteger(target.dtype)) throw new RuntimeError(`nllLoss: expected class indices of dtype torch.long for the target, got ${target.dtype}`);
  const axis = classAxisOf(logProbs);
  const classes = logProbs.shape[axis]!;
  const expected = logProbs.shape.filter((_, i) => i !== axis);
  if (target.shape.join() !== expected.join()) throw new RuntimeError(`nllLoss: expected target of shape [${expected.join(', ')}] for input of shape [${logProbs.shape.join(', ')}], got [${target.shape.join(', ')}]`);
  const reduction = opts.reduction ?? 'mean';
  const t = target.array, ignoreIndex = opts.ignoreIndex ?? -100;
  // One-hot over the class axis: class ids laid along `axis`, the target broadcast along it.
  const classShape = logProbs.shape.map((d, i) => (i === axis ? d : 1));
  const oneHot = np.equal(np.expandDims(t, axis), np.reshape(np.arange(classes, { dtype: 'int32' }), classShape));
  const weightOfTarget = opts.weight ? np.sum(np.where(oneHot, np.reshape(opts.weight.array, classShape), 0), axis) : 1;
  const sampleWeight = np.astype(np.where(np.notEqual(t, ignoreIndex), weightOfTarget, 0), logProbs.dtype);
  // Targets outside [0, classes) other than the ignore index raise as PyTorch's do when their values
  // can be read here (concrete on the CPU). Where they cannot (traced by torch.compile, or on a
  // device read asynchronously) nothing can raise, so such a sample's loss is NaN instead of a
  // plausible number; debugNans(true) then names the op.
  const checked = checkTargets(opts.op ?? 'nllLoss', t, classes, ignoreIndex);
  const valid = checked ? null : np.logicalOr(np.logicalAnd(np.greaterEqual(t, 0), np.less(t, classes)), np.equal(t, ignoreIndex));
  return ops.run('NllLossBackward0', 'inputs', (lp) => {
    const sum = np.negative(np.sum(np.where(oneHot, lp, 0), axis));
    const picked = valid ? np.where(valid, sum, NaN) : sum;
    const losses = np.multiply(picked, sampleWeight);
    return reduction === 'mean' ? np.divide(np.sum(losses), np.sum(sampleWeight)) : reduce(losses, reduction);
  }, [logProbs]);
}

/** Checks class-index targets on the host when their values are readable now; false when they are not. */
function checkTargets(op: string, t: NDArray, classes: number, ignoreIndex: number): boolean {
  if (!(t instanceof ConcreteArray) || t.backend.name !== 'cpu') return false;
  for (const v of t.dataSync()) {
    if ((v < 0 || v >= classes) && v !== ignoreIndex) throw new IndexError(`${op}: Target ${v} is out of bounds (the input has ${classes} classes: a target is in [0, ${classes}) or the ignore index ${ignoreIndex})`);
  }
  return true;
}

/**
 * Cross entropy of logits [N, C] (or [C], or [N, C, d...]) against class indices (torch.long) or
 * class probabilities (a float target of the input's shape): logSoftmax over the class axis, then
 * the negative log-likelihood.
 *
 * @example
 * const loss = torch.nn.functional.crossEntropy(logits, labels); // logits [N, C], labels int [N]
 */
export function crossEntropy(input: Tensor, target: Tensor, opts: NllOptions = {}): Tensor {
  const axis = classAxisOf(input);
  const logProbs = ops.logSoftmax(input, axis);
  if (!isFloat(target.dtype)) return nllLoss(logProbs, target, { ...opts, op: 'crossEntropy' });
  if (target.shape.join() !== input.shape.join()) throw new RuntimeError(`crossEntropy: probability targets must have the input's shape [${input.shape.join(', ')}], got [${target.shape.join(', ')}]`);
  const reduction = opts.reduction ?? 'mean';
  const w = opts.weight ? np.reshape(opts.weight.array, input.shape.map((d, i) => (i === axis ? d : 1))) : null;
  const batch = input.ndim === 1 ? 1 : input.shape.filter((_, i) => i !== axis).reduce((a, b) => a * b, 1);
  return ops.run('SumBackward1', 'inputs', (lp, p) => {
    const weighted = w ? np.multiply(np.multiply(lp, p), w) : np.multiply(lp, p);
    const losses = np.negative(np.sum(weighted, axis));
    return reduction === 'mean' ? np.divide(np.sum(losses), batch) : reduce(losses, reduction);
  }, [logProbs, target]);
}
export * from './functional-conv.js';
export * from './functional-more.js';
