// The convolutional layers: Conv1d, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d,
// AdaptiveAvgPool2d, BatchNorm1d/2d and GroupNorm, thin modules over functional-conv.ts with
// PyTorch's parameter layouts and default initialisations.
import { DType } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as F from './functional-conv.js';
import type { IntOrTuple } from './functional-conv.js';
import * as init from './init.js';
import { Module, Parameter } from './module.js';
import { Tensor } from './tensor.js';

const pair = (v: IntOrTuple, n: number): number[] => (typeof v === 'number' ? new Array<number>(n).fill(v) : [...v]);

/** Options of Conv1d/Conv2d, as PyTorch's keyword arguments: stride, padding (sizes, 'same' or 'valid'), dilation, groups, bias (default true), dtype. */
export interface ConvLayerOptions { stride?: IntOrTuple; padding?: IntOrTuple | 'same' | 'valid'; dilation?: IntOrTuple; groups?: number; bias?: boolean; dtype?: DType }

/** Weight [out, in/groups, ...kernel] ~ kaiming-uniform(a = √5), bias ~ U(±1/√fanIn): PyTorch's reset_parameters. */
abstract class ConvNd extends Module {
  /** The kernel, [outChannels, inChannels / groups, ...kernelSize] (transposed layers: [inChannels, outChannels / groups, ...]). */
  weight: Parameter;
  /** The bias per output channel, or null with `bias: false`. */
  bias: Parameter | null;
  /** The kernel size per spatial dimension. */
  readonly kernelSize: number[];
  /**
   * @param inChannels Channels of the input.
   * @param outChannels Channels of the output.
   * @param kernelSize One size for every spatial dimension, or one each.
   * @param opts The layer's options.
   * @param d The number of spatial dimensions.
   * @param weightShape The weight's shape from the kernel size.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: IntOrTuple, readonly opts: ConvLayerOptions, d: number, weightShape: (k: number[]) => number[]) {
    super();
    const groups = opts.groups ?? 1;
    if (inChannels % groups !== 0 || outChannels % groups !== 0) throw new RangeError(`in_channels (${inChannels}) and out_channels (${outChannels}) must be divisible by groups (${groups})`);
    this.kernelSize = pair(kernelSize, d);
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(np.zeros(weightShape(this.kernelSize), { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(np.zeros([outChannels], { dtype })) : null;
    this.resetParameters();
  }
  /** Re-initialises weight and bias as PyTorch does (kaiming-uniform with a = √5; bias U(±1/√fanIn)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const [fanIn] = init.calculateFanInAndFanOut(this.weight);
      const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  override extraRepr(): string {
    const o = this.opts;
    return `${this.inChannels}, ${this.outChannels}, kernelSize=[${this.kernelSize.join(', ')}], stride=${JSON.stringify(o.stride ?? 1)}` +
      `${o.padding ? `, padding=${JSON.stringify(o.padding)}` : ''}${o.groups && o.groups > 1 ? `, groups=${o.groups}` : ''}${this.bias ? '' : ', bias=false'}`;
  }
}
/**
 * PyTorch's `nn.Conv1d` over [N, C, L] inputs.
 *
 * @example
 * const conv = new torch.nn.Conv1d(3, 8, 5, { padding: 2 });
 * const y = conv(torch.randn(4, 3, 100)); // [4, 8, 100]
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 1, (k) => [outChannels, inChannels / (opts.groups ?? 1), ...k]);
  }
  /** The convolution of `input` with the weight, plus the bias. */
  forward(input: Tensor): Tensor { return F.conv1d(input, this.weight, this.bias, this.opts); }
}
/**
 * PyTorch's `nn.Conv2d` over [N, C, H, W] inputs.
 *
 * @example
 * const conv = new torch.nn.Conv2d(1, 16, 3, { stride: 2, padding: 1 });
 * const y = conv(torch.randn(8, 1, 28, 28)); // [8, 16, 14, 14]
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 2, (k) => [outChannels, inChannels / (opts.groups ?? 1), ...k]);
  }
  /** The convolution of `input` with the weight, plus the bias. */
  forward(input: Tensor): Tensor { return F.conv2d(input, this.weight, this.bias, this.opts); }
}
/** Options of ConvTranspose2d, as PyTorch's: stride, padding, outputPadding, dilation, groups, bias, dtype. */
export interface ConvTransposeLayerOptions { stride?: IntOrTuple; padding?: IntOrTuple; outputPadding?: IntOrTuple; dilation?: IntOrTuple; groups?: number; bias?: boolean; dtype?: DType }
/** Weight [in, out/groups, kH, kW] (PyTorch's transposed layout). */
export class ConvTranspose2d extends ConvNd {
  /**
   * @param inChannels Channels of the input.
   * @param outChannels Channels of the output.
   * @param kernelSize One size for both spatial dimensions, or one each.
   * @param tOpts The layer's options.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, readonly tOpts: ConvTransposeLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, { groups: tOpts.groups, bias: tOpts.bias, dtype: tOpts.dtype }, 2, (k) => [inChannels, outChannels / (tOpts.groups ?? 1), ...k]);
  }
  /** The transposed convolution of `input`, plus the bias. */
  forward(input: Tensor): Tensor { return F.convTranspose2d(input, this.weight, this.bias, this.tOpts); }
}

/** PyTorch's `nn.MaxPool2d` (stride defaults to the kernel size). */
export class MaxPool2d extends Module {
  /**
   * @param kernelSize The window size.
   * @param opts stride, padding, dilation, ceilMode.
   */
  constructor(readonly kernelSize: IntOrTuple, readonly opts: F.PoolOptions = {}) { super(); }
  /** The maximum of each window of `input`. */
  forward(input: Tensor): Tensor { return F.maxPool2d(input, this.kernelSize, this.opts); }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`; }
}
/** PyTorch's `nn.AvgPool2d` (stride defaults to the kernel size). */
export class AvgPool2d extends Module {
  /**
   * @param kernelSize The window size.
   * @param opts stride, padding, ceilMode, countIncludePad, divisorOverride.
   */
  constructor(readonly kernelSize: IntOrTuple, readonly opts: F.PoolOptions & {
    /** Count padded zeros in the mean (true). */
    countIncludePad?: boolean;
    /** Divide by this instead of the window size. */
    divisorOverride?: number | null;
  } = {}) { super(); }
  /** The mean of each window of `input`. */
  forward(input: Tensor): Tensor { return F.avgPool2d(input, this.kernelSize, this.opts); }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`; }
}
/** PyTorch's `nn.AdaptiveAvgPool2d`: means over windows chosen so the output has `outputSize`. */
export class AdaptiveAvgPool2d extends Module {
  /** @param outputSize The output's height and width (null keeps the input's). */
  constructor(readonly outputSize: IntOrTuple | readonly (number | null)[]) { super(); }
  /** The adaptive average pooling of `input`. */
  forward(input: Tensor): Tensor { return F.adaptiveAvgPool2d(input, this.outputSize); }
  override extraRepr(): string { return `outputSize=${JSON.stringify(this.outputSize)}`; }
}

/** Options of the batch norms, as PyTorch's: eps (1e-5), momentum (0.1; null: cumulative average), affine, trackRunningStats, dtype. */
export interface BatchNormLayerOptions { eps?: number; momentum?: number | null; affine?: boolean; trackRunningStats?: boolean; dtype?: DType }
/** Running statistics as buffers (runningMean 0, runningVar 1, numBatchesTracked 0); weight 1 and bias 0 when affine. */
abstract class BatchNormNd extends Module {
  /** The learnt scale per feature (null without affine). */
  weight: Parameter | null;
  /** The learnt shift per feature (null without affine). */
  bias: Parameter | null;
  /** The running mean per feature (a buffer), or null without trackRunningStats. */
  declare runningMean: Tensor | null;
  /** The running variance per feature (a buffer), or null. */
  declare runningVar: Tensor | null;
  /** How many training batches updated the running statistics (a buffer), or null. */
  declare numBatchesTracked: Tensor | null;
  /**
   * @param numFeatures Features (channels) normalised.
   * @param opts The layer's options.
   * @param ranks The input ranks this layer takes.
   * @param layerName The name errors use.
   */
  constructor(readonly numFeatures: number, readonly opts: BatchNormLayerOptions, private readonly ranks: readonly number[], private readonly layerName: string) {
    super();
    const dtype = opts.dtype ?? 'float32', affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(np.ones([numFeatures], { dtype })) : null;
    this.bias = affine ? new Parameter(np.zeros([numFeatures], { dtype })) : null;
    const track = opts.trackRunningStats ?? true;
    this.registerBuffer('runningMean', track ? new Tensor(np.zeros([numFeatures], { dtype })) : null);
    this.registerBuffer('runningVar', track ? new Tensor(np.ones([numFeatures], { dtype })) : null);
    this.registerBuffer('numBatchesTracked', track ? new Tensor(np.zeros([], { dtype: 'int32' })) : null);
  }
  /** Normalises `input` by the batch's statistics in training (updating the running ones), by the running ones in eval. */
  forward(input: Tensor): Tensor {
    if (!this.ranks.includes(input.ndim)) throw new RangeError(`${this.layerName}: expected ${this.ranks.map((r) => `${r}D`).join(' or ')} input (got ${input.ndim}D input)`);
    // Without running statistics the batch's are used in eval mode too (PyTorch's rule).
    const useBatch = this.training || !this.runningMean;
    return F.batchNorm(input, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: this.opts.momentum === undefined ? 0.1 : this.opts.momentum,
      eps: this.opts.eps ?? 1e-5, numBatchesTracked: this.training ? this.numBatchesTracked : null,
    });
  }
  override extraRepr(): string { return `${this.numFeatures}, eps=${this.opts.eps ?? 1e-5}, momentum=${this.opts.momentum === undefined ? 0.1 : this.opts.momentum}, affine=${this.weight !== null}, trackRunningStats=${this.runningMean !== null}`; }
}
/** PyTorch's `nn.BatchNorm1d` over [N, C] or [N, C, L] inputs. */
export class BatchNorm1d extends BatchNormNd {
  /**
   * @param numFeatures C, the features normalised.
   * @param opts The layer's options.
   */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super(numFeatures, opts, [2, 3], 'BatchNorm1d'); }
}
/**
 * PyTorch's `nn.BatchNorm2d` over [N, C, H, W] inputs.
 *
 * @example
 * const bn = new torch.nn.BatchNorm2d(16);
 * const y = bn(torch.randn(8, 16, 14, 14));
 */
export class BatchNorm2d extends BatchNormNd {
  /**
   * @param numFeatures C, the channels normalised.
   * @param opts The layer's options.
   */
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super(numFeatures, opts, [4], 'BatchNorm2d'); }
}

/** PyTorch's `nn.GroupNorm`: normalisation over groups of channels, per example. */
export class GroupNorm extends Module {
  /** The learnt scale per channel (null without affine). */
  weight: Parameter | null;
  /** The learnt shift per channel (null without affine). */
  bias: Parameter | null;
  /**
   * @param numGroups Groups the channels split into.
   * @param numChannels Channels of the input.
   * @param opts eps (1e-5), affine (true), dtype.
   */
  constructor(readonly numGroups: number, readonly numChannels: number, readonly opts: {
    /** Added to the variance (1e-5). */
    eps?: number;
    /** Learn a scale and shift per channel (true). */
    affine?: boolean;
    /** The parameters' dtype. */
    dtype?: DType;
  } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError(`num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    const dtype = opts.dtype ?? 'float32', affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(np.ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(np.zeros([numChannels], { dtype })) : null;
  }
  /** Normalises `input` per group of channels. */
  forward(input: Tensor): Tensor { return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.opts.eps ?? 1e-5 }); }
  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${this.opts.eps ?? 1e-5}, affine=${this.weight !== null}`; }
}
