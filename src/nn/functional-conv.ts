// torch.nn.functional for convolutional nets: conv1d/conv2d/conv_transpose2d, max/avg/adaptive
// pooling, batch_norm and group_norm. Each is one recorded op whose forward is lax/np (so its
// gradient comes from the core's rules: convolutions transpose into convolutions, max pooling
// into select-and-scatter); batch_norm also updates the running statistics in place.
import { NDArray } from '../core/array.js';
import * as lax from '../lax.js';
import * as np from '../core/np.js';
import { RuntimeError } from './autograd.js';
import { noGrad } from './grad-mode.js';
import * as ops from './ops.js';
import { Tensor } from './tensor.js';

/** One size for every spatial dimension, or one each. */
export type IntOrTuple = number | readonly number[];
const tuple = (v: IntOrTuple, n: number, what: string, fn: string): number[] => {
  const t = typeof v === 'number' ? new Array<number>(n).fill(v) : [...v];
  if (t.length !== n || t.some((x) => !Number.isInteger(x) || x < 0)) throw new RuntimeError(`${fn}: ${what} must be a non-negative integer or ${n} of them, got ${JSON.stringify(v)}`);
  return t;
};

/** Options of conv1d/conv2d, as PyTorch's keyword arguments. */
export interface ConvOptions {
  /** The step between windows (1). */
  stride?: IntOrTuple;
  /** Zeros added on each side, per dimension or one for all; 'same' or 'valid' (0). */
  padding?: IntOrTuple | 'same' | 'valid';
  /** The spacing between kernel elements (1). */
  dilation?: IntOrTuple;
  /** Input and output channels split into this many groups (1). */
  groups?: number;
}

/** Inputs may be unbatched ([C, ...spatial]): they run as a batch of one. */
function batched(input: Tensor, d: number, fn: string): [Tensor, (t: Tensor) => Tensor] {
  if (input.ndim === d + 2) return [input, (t) => t];
  if (input.ndim === d + 1) return [ops.unsqueeze(input, 0), (t) => ops.squeeze(t, 0)];
  throw new RuntimeError(`${fn}: expected a ${d + 1}-d (unbatched) or ${d + 2}-d (batched) input, got shape [${input.shape.join(', ')}]`);
}

function convNd(d: number, fn: string, input: Tensor, weight: Tensor, bias: Tensor | null, o: ConvOptions): Tensor {
  const [x, unbatch] = batched(input, d, fn);
  const groups = o.groups ?? 1;
  if (weight.ndim !== d + 2) throw new RuntimeError(`${fn}: weight must be ${d + 2}-d [out, in/groups, ...kernel], got shape [${weight.shape.join(', ')}]`);
  if (x.shape[1] !== weight.shape[1]! * groups) {
    throw new RuntimeError(`${fn}: given groups=${groups}, weight of size [${weight.shape.join(', ')}], expected input [${x.shape.join(', ')}] to have ${weight.shape[1]! * groups} channels, but got ${x.shape[1]} channels instead`);
  }
  const stride = tuple(o.stride ?? 1, d, 'stride', fn), dilation = tuple(o.dilation ?? 1, d, 'dilation', fn);
  let padding: 'SAME' | 'VALID' | [number, number][];
  if (o.padding === 'same') {
    if (stride.some((s) => s !== 1)) throw new RuntimeError(`${fn}: padding='same' is not supported for strided convolutions`);
    padding = 'SAME';
  } else if (o.padding === 'valid') padding = 'VALID';
  else padding = tuple(o.padding ?? 0, d, 'padding', fn).map((p) => [p, p]);
  const f = (xa: NDArray, w: NDArray, b?: NDArray) => {
    const y = lax.convGeneralDilated(xa, w, stride, padding, { rhsDilation: dilation, featureGroupCount: groups });
    return b ? np.add(y, np.reshape(b, [1, b.shape[0]!, ...new Array<number>(d).fill(1)])) : y;
  };
  return unbatch(ops.run('ConvolutionBackward0', 'inputs', f, bias ? [x, weight, bias] : [x, weight]));
}
/** `F.conv1d(input [N, C, L], weight [O, C/groups, K], bias?, opts)`. */
export const conv1d = (input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvOptions = {}): Tensor => convNd(1, 'conv1d', input, weight, bias, opts);
/**
 * `F.conv2d(input [N, C, H, W], weight [O, C/groups, kH, kW], bias?, opts)`.
 *
 * @example
 * const y = torch.nn.functional.conv2d(torch.randn(1, 3, 8, 8), torch.randn(4, 3, 3, 3), null, { padding: 1 }); // [1, 4, 8, 8]
 */
export const conv2d = (input: Tensor, weight: Tensor, bias: Tensor | null = null, opts: ConvOptions = {}): Tensor => convNd(2, 'conv2d', input, weight, bias, opts);

/** Options of convTranspose2d, as PyTorch's. */
export interface ConvTransposeOptions {
  /** The input's upsampling step (1). */
  stride?: IntOrTuple;
  /** dilation·(kernel − 1) − padding zeros are added to each side (0). */
  padding?: IntOrTuple;
  /** Extra size added to one side of the output (0). */
  outputPadding?: IntOrTuple;
  /** The spacing between kernel elements (1). */
  dilation?: IntOrTuple;
  /** Channel groups (1). */
  groups?: number;
}
/**
 * The gradient of conv2d with respect to its input, as a layer: weight [in, out/groups, kH, kW];
 * out = (in − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1. It is a convolution of
 * the stride-dilated input with the flipped kernel, padded by dilation·(k − 1) − padding.
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, o: ConvTransposeOptions = {}): Tensor {
  const fn = 'conv_transpose2d', d = 2;
  const [x, unbatch] = batched(input, d, fn);
  const groups = o.groups ?? 1;
  if (weight.ndim !== 4 || x.shape[1] !== weight.shape[0]) throw new RuntimeError(`${fn}: weight [in, out/groups, kH, kW] = [${weight.shape.join(', ')}] does not match input channels ${x.shape[1]}`);
  const stride = tuple(o.stride ?? 1, d, 'stride', fn), pad = tuple(o.padding ?? 0, d, 'padding', fn);
  const outPad = tuple(o.outputPadding ?? 0, d, 'outputPadding', fn), dilation = tuple(o.dilation ?? 1, d, 'dilation', fn);
  if (outPad.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) throw new RuntimeError(`${fn}: outputPadding ${JSON.stringify(outPad)} must be smaller than stride or dilation`);
  const K = [weight.shape[2]!, weight.shape[3]!], G = groups, I = weight.shape[0]! / G, Og = weight.shape[1]!;
  const f = (xa: NDArray, w: NDArray, b?: NDArray) => {
    // [in = G·I, Og, kH, kW] → [G·Og, I, kH, kW] (per group the I and O axes swap), flipped in space.
    const wg = np.reshape(np.transpose(np.reshape(w, [G, I, Og, K[0]!, K[1]!]), [0, 2, 1, 3, 4]), [G * Og, I, K[0]!, K[1]!]);
    const kernel = lax.rev(wg, [2, 3]);
    const padding = K.map((k, i): [number, number] => [dilation[i]! * (k - 1) - pad[i]!, dilation[i]! * (k - 1) - pad[i]! + outPad[i]!]);
    const y = lax.convGeneralDilated(xa, kernel, [1, 1], padding, { lhsDilation: stride, rhsDilation: dilation, featureGroupCount: G });
    return b ? np.add(y, np.reshape(b, [1, b.shape[0]!, 1, 1])) : y;
  };
  return unbatch(ops.run('ConvolutionBackward0', 'inputs', f, bias ? [x, weight, bias] : [x, weight]));
}

/** Options of the pooling functions, as PyTorch's. */
export interface PoolOptions {
  /** The step between windows (default: the kernel size). */
  stride?: IntOrTuple | null;
  /** Implicit padding on each side (−∞ for max pooling, 0 for average). */
  padding?: IntOrTuple;
  /** The spacing between window elements (1). */
  dilation?: IntOrTuple;
  /** Round the output size up instead of down. */
  ceilMode?: boolean;
}

/** Per spatial axis: [low, high] padding giving PyTorch's output size (ceil mode adds high padding, but no window starts in it). */
function poolPads(sizes: readonly number[], k: readonly number[], s: readonly number[], p: readonly number[], dil: readonly number[], ceil: boolean, fn: string): [number, number][] {
  return sizes.map((n, i) => {
    if (p[i]! * 2 > k[i]!) throw new RuntimeError(`${fn}: pad should be at most half of effective kernel size, but got pad=${p[i]} and kernel_size=${k[i]}`);
    const span = dil[i]! * (k[i]! - 1) + 1, room = n + 2 * p[i]! - span;
    if (room < 0) throw new RuntimeError(`${fn}: the kernel (${span}) is larger than the padded input (${n + 2 * p[i]!})`);
    let out = (ceil ? Math.ceil(room / s[i]!) : Math.floor(room / s[i]!)) + 1;
    if (ceil && (out - 1) * s[i]! >= n + p[i]!) out--;
    return [p[i]!, (out - 1) * s[i]! + span - n - p[i]!];
  });
}

function pool2d(kind: 'max' | 'avg', fn: string, input: Tensor, kernelSize: IntOrTuple, o: PoolOptions & { countIncludePad?: boolean; divisorOverride?: number | null }): Tensor {
  const d = 2;
  const [x, unbatch] = batched(input, d, fn);
  const k = tuple(kernelSize, d, 'kernel_size', fn), s = tuple(o.stride ?? k, d, 'stride', fn), p = tuple(o.padding ?? 0, d, 'padding', fn);
  const dil = tuple(o.dilation ?? 1, d, 'dilation', fn);
  const pads = poolPads(x.shape.slice(2), k, s, p, dil, o.ceilMode ?? false, fn);
  const win = [1, 1, ...k], strides = [1, 1, ...s], padding: [number, number][] = [[0, 0], [0, 0], ...pads], ones = [1, 1, 1, 1], wdil = [1, 1, ...dil];
  if (kind === 'max') return unbatch(ops.run('MaxPool2DWithIndicesBackward0', 'inputs', (xa) => lax.reduceWindow(xa, -Infinity, 'max', win, strides, padding, ones, wdil), [x]));
  const f = (xa: NDArray) => {
    const sum = lax.reduceWindow(xa, 0, 'sum', win, strides, padding, ones, wdil);
    if (o.divisorOverride) return np.divide(sum, o.divisorOverride);
    // PyTorch counts the explicit padding but never ceil mode's extra: the divisor is the window clipped to the padded input.
    const counted = np.ones([1, 1, x.shape[2]! + 2 * p[0]!, x.shape[3]! + 2 * p[1]!], { dtype: xa.dtype });
    const inner = lax.pad(np.ones([1, 1, x.shape[2]!, x.shape[3]!], { dtype: xa.dtype }), lax.scalar(0, xa.dtype), [[0, 0, 0], [0, 0, 0], [p[0]!, p[0]!, 0], [p[1]!, p[1]!, 0]]);
    const area = lax.reduceWindow(o.countIncludePad ?? true ? counted : inner, 0, 'sum', win, strides,
      [[0, 0], [0, 0], [0, pads[0]![1] - p[0]!], [0, pads[1]![1] - p[1]!]], ones, wdil);
    return np.divide(sum, area);
  };
  return unbatch(ops.run('AvgPool2DBackward0', 'inputs', f, [x]));
}
/** `F.max_pool2d`: the maximum of each window. */
export const maxPool2d = (input: Tensor, kernelSize: IntOrTuple, opts: PoolOptions = {}): Tensor => pool2d('max', 'max_pool2d', input, kernelSize, opts);
/** `F.avg_pool2d`: the mean of each window. */
export const avgPool2d = (input: Tensor, kernelSize: IntOrTuple, opts: PoolOptions & { countIncludePad?: boolean; divisorOverride?: number | null } = {}): Tensor =>
  pool2d('avg', 'avg_pool2d', input, kernelSize, opts);

/** Output i averages input rows ⌊i·n/m⌋ … ⌈(i+1)·n/m⌉ − 1 (PyTorch's bins): an [m, n] averaging matrix. */
function binMatrix(n: number, m: number): number[][] {
  return Array.from({ length: m }, (_, i) => {
    const a = Math.floor((i * n) / m), b = Math.ceil(((i + 1) * n) / m);
    return Array.from({ length: n }, (_, j) => (j >= a && j < b ? 1 / (b - a) : 0));
  });
}
/** `F.adaptive_avg_pool2d`: means over windows chosen so the output has `outputSize`. */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntOrTuple | readonly (number | null)[]): Tensor {
  const fn = 'adaptive_avg_pool2d';
  const [x, unbatch] = batched(input, 2, fn);
  const [H, W] = [x.shape[2]!, x.shape[3]!];
  const sz = typeof outputSize === 'number' ? [outputSize, outputSize] : outputSize.map((v, i) => v ?? [H, W][i]!);
  if (sz.length !== 2 || sz.some((v) => !Number.isInteger(v) || v! < 1)) throw new RuntimeError(`${fn}: outputSize must be a positive integer or two (null keeps an axis), got ${JSON.stringify(outputSize)}`);
  const f = (xa: NDArray) => {
    const Ah = np.array(binMatrix(H, sz[0]!), { dtype: xa.dtype }), Aw = np.array(binMatrix(W, sz[1]!), { dtype: xa.dtype });
    return np.matmul(np.matmul(Ah, xa), np.transpose(Aw));
  };
  return unbatch(ops.run('AdaptiveAvgPool2DBackward0', 'inputs', f, [x]));
}

/** Options of batchNorm. */
export interface BatchNormOptions {
  /** The scale per channel, or null. */
  weight?: Tensor | null;
  /** The shift per channel, or null. */
  bias?: Tensor | null;
  /** Use (and update) the batch's statistics instead of the running ones. */
  training?: boolean;
  /** The running statistics' update factor (0.1; null: cumulative average). */
  momentum?: number | null;
  /** Added to the variance (1e-5). */
  eps?: number;
  /** The counter buffer incremented per training batch, or null. */
  numBatchesTracked?: Tensor | null;
}
/**
 * (x − mean)/√(var + eps)·weight + bias per channel (axis 1). Training: the batch's statistics
 * (biased variance), and the running ones move toward them by `momentum` (the unbiased variance,
 * as PyTorch; momentum null: a cumulative average over numBatchesTracked). Eval: the running ones.
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o: BatchNormOptions = {}): Tensor {
  const fn = 'batch_norm';
  if (input.ndim < 2) throw new RuntimeError(`${fn}: expected at least a 2-d input [N, C, ...], got shape [${input.shape.join(', ')}]`);
  const C = input.shape[1]!, eps = o.eps ?? 1e-5, training = o.training ?? false;
  const axes = input.shape.map((_, i) => i).filter((i) => i !== 1);
  const count = axes.reduce((s, a) => s * input.shape[a]!, 1);
  if (training && count <= 1) throw new RuntimeError(`${fn}: expected more than 1 value per channel when training, got input size [${input.shape.join(', ')}]`);
  if (!training && (!runningMean || !runningVar)) throw new RuntimeError(`${fn}: running_mean and running_var are needed in eval mode`);
  const perChannel = (v: NDArray) => np.reshape(v, input.shape.map((d, i) => (i === 1 ? C : 1)));
  const params = [o.weight, o.bias].filter((t): t is Tensor => !!t);
  const f = (x: NDArray, ...wb: NDArray[]) => {
    let mean: NDArray, variance: NDArray;
    if (training) {
      mean = np.mean(x, { axis: axes, keepdims: true });
      variance = np.mean(np.square(np.subtract(x, mean)), { axis: axes, keepdims: true });
    } else {
      mean = perChannel(runningMean!.array);
      variance = perChannel(runningVar!.array);
    }
    let y = np.divide(np.subtract(x, mean), np.sqrt(np.add(variance, eps)));
    let k = 0;
    if (o.weight) y = np.multiply(y, perChannel(wb[k++]!));
    if (o.bias) y = np.add(y, perChannel(wb[k++]!));
    return y;
  };
  const out = ops.run('NativeBatchNormBackward0', 'inputs', f, [input, ...params]);
  if (training && runningMean && runningVar) {
    noGrad(() => {
      const x = input.array;
      const mean = np.mean(x, { axis: axes });
      const unbiased = np.multiply(np.mean(np.square(np.subtract(x, np.reshape(mean, perChannel(mean).shape))), { axis: axes }), count / (count - 1));
      if (o.numBatchesTracked) o.numBatchesTracked.add_(1);
      let m: number | NDArray = o.momentum === undefined ? 0.1 : (o.momentum ?? 0.1);
      if (o.momentum === null) {
        if (!o.numBatchesTracked) throw new RuntimeError(`${fn}: momentum=null (a cumulative average) needs numBatchesTracked`);
        m = np.divide(1, np.astype(o.numBatchesTracked.array, x.dtype));
      }
      runningMean.mul_(np.subtract(1, m)).add_(np.multiply(mean, m));
      runningVar.mul_(np.subtract(1, m)).add_(np.multiply(unbiased, m));
    });
  }
  return out;
}

/** Options of groupNorm. */
export interface GroupNormOptions {
  /** The scale per channel, or null. */
  weight?: Tensor | null;
  /** The shift per channel, or null. */
  bias?: Tensor | null;
  /** Added to the variance (1e-5). */
  eps?: number;
}
/** Normalises each sample's channels in `numGroups` groups (over the group's channels and all positions), then a per-channel affine map. */
export function groupNorm(input: Tensor, numGroups: number, o: GroupNormOptions = {}): Tensor {
  const fn = 'group_norm';
  const [N, C] = [input.shape[0]!, input.shape[1]!];
  if (input.ndim < 2 || !Number.isInteger(numGroups) || numGroups < 1 || C % numGroups !== 0) {
    throw new RuntimeError(`${fn}: expected the ${C} channels of an input [N, C, ...] to divide into ${numGroups} groups, got shape [${input.shape.join(', ')}]`);
  }
  const eps = o.eps ?? 1e-5;
  const perChannel = (v: NDArray) => np.reshape(v, input.shape.map((d, i) => (i === 1 ? C : 1)));
  const params = [o.weight, o.bias].filter((t): t is Tensor => !!t);
  const f = (x: NDArray, ...wb: NDArray[]) => {
    const g = np.reshape(x, [N, numGroups, -1]);
    const mean = np.mean(g, { axis: 2, keepdims: true });
    const variance = np.mean(np.square(np.subtract(g, mean)), { axis: 2, keepdims: true });
    let y = np.reshape(np.divide(np.subtract(g, mean), np.sqrt(np.add(variance, eps))), x.shape);
    let k = 0;
    if (o.weight) y = np.multiply(y, perChannel(wb[k++]!));
    if (o.bias) y = np.add(y, perChannel(wb[k++]!));
    return y;
  };
  return ops.run('NativeGroupNormBackward0', 'inputs', f, [input, ...params]);
}
