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

export interface ConvLayerOptions { stride?: IntOrTuple; padding?: IntOrTuple | 'same' | 'valid'; dilation?: IntOrTuple; groups?: number; bias?: boolean; dtype?: DType }

/** Weight [out, in/groups, ...kernel] ~ kaiming-uniform(a = √5), bias ~ U(±1/√fanIn): PyTorch's reset_parameters. */
abstract class ConvNd extends Module {
  weight: Parameter;
  bias: Parameter | null;
  readonly kernelSize: number[];
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
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 1, (k) => [outChannels, inChannels / (opts.groups ?? 1), ...k]);
  }
  forward(input: Tensor): Tensor { return F.conv1d(input, this.weight, this.bias, this.opts); }
}
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, opts: ConvLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, opts, 2, (k) => [outChannels, inChannels / (opts.groups ?? 1), ...k]);
  }
  forward(input: Tensor): Tensor { return F.conv2d(input, this.weight, this.bias, this.opts); }
}
export interface ConvTransposeLayerOptions { stride?: IntOrTuple; padding?: IntOrTuple; outputPadding?: IntOrTuple; dilation?: IntOrTuple; groups?: number; bias?: boolean; dtype?: DType }
/** Weight [in, out/groups, kH, kW] (PyTorch's transposed layout). */
export class ConvTranspose2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: IntOrTuple, readonly tOpts: ConvTransposeLayerOptions = {}) {
    super(inChannels, outChannels, kernelSize, { groups: tOpts.groups, bias: tOpts.bias, dtype: tOpts.dtype }, 2, (k) => [inChannels, outChannels / (tOpts.groups ?? 1), ...k]);
  }
  forward(input: Tensor): Tensor { return F.convTranspose2d(input, this.weight, this.bias, this.tOpts); }
}

export class MaxPool2d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly opts: F.PoolOptions = {}) { super(); }
  forward(input: Tensor): Tensor { return F.maxPool2d(input, this.kernelSize, this.opts); }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`; }
}
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly opts: F.PoolOptions & { countIncludePad?: boolean; divisorOverride?: number | null } = {}) { super(); }
  forward(input: Tensor): Tensor { return F.avgPool2d(input, this.kernelSize, this.opts); }
  override extraRepr(): string { return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.opts.stride ?? this.kernelSize)}`; }
}
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntOrTuple | readonly (number | null)[]) { super(); }
  forward(input: Tensor): Tensor { return F.adaptiveAvgPool2d(input, this.outputSize); }
  override extraRepr(): string { return `outputSize=${JSON.stringify(this.outputSize)}`; }
}

export interface BatchNormLayerOptions { eps?: number; momentum?: number | null; affine?: boolean; trackRunningStats?: boolean; dtype?: DType }
/** Running statistics as buffers (runningMean 0, runningVar 1, numBatchesTracked 0); weight 1 and bias 0 when affine. */
abstract class BatchNormNd extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;
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
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super(numFeatures, opts, [2, 3], 'BatchNorm1d'); }
}
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, opts: BatchNormLayerOptions = {}) { super(numFeatures, opts, [4], 'BatchNorm2d'); }
}

export class GroupNorm extends Module {
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, readonly opts: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError(`num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    const dtype = opts.dtype ?? 'float32', affine = opts.affine ?? true;
    this.weight = affine ? new Parameter(np.ones([numChannels], { dtype })) : null;
    this.bias = affine ? new Parameter(np.zeros([numChannels], { dtype })) : null;
  }
  forward(input: Tensor): Tensor { return F.groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.opts.eps ?? 1e-5 }); }
  override extraRepr(): string { return `${this.numGroups}, ${this.numChannels}, eps=${this.opts.eps ?? 1e-5}, affine=${this.weight !== null}`; }
}
