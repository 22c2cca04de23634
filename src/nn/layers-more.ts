// More torch.nn modules over nn.functional: the activations, Dropout, LayerNorm, Embedding and the
// binary / smooth-L1 / Huber losses.
import { DType } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as F from './functional.js';
import { noGrad } from './grad-mode.js';
import { Module, Parameter } from './module.js';
import { Tensor } from './tensor.js';

export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(input: Tensor): Tensor { return F.gelu(input, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
export class SiLU extends Module { forward(input: Tensor): Tensor { return F.silu(input); } }
export class Mish extends Module { forward(input: Tensor): Tensor { return F.mish(input); } }
export class ReLU6 extends Module { forward(input: Tensor): Tensor { return F.relu6(input); } }
export class SELU extends Module { forward(input: Tensor): Tensor { return F.selu(input); } }
export class Hardsigmoid extends Module { forward(input: Tensor): Tensor { return F.hardsigmoid(input); } }
export class Hardswish extends Module { forward(input: Tensor): Tensor { return F.hardswish(input); } }
export class LogSigmoid extends Module { forward(input: Tensor): Tensor { return F.logsigmoid(input); } }
export class Softsign extends Module { forward(input: Tensor): Tensor { return F.softsign(input); } }
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) { super(); }
  forward(input: Tensor): Tensor { return F.leakyRelu(input, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}
export class ELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(input: Tensor): Tensor { return F.elu(input, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}
export class CELU extends Module {
  constructor(readonly alpha = 1) { super(); }
  forward(input: Tensor): Tensor { return F.celu(input, this.alpha); }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(input: Tensor): Tensor { return F.softplus(input, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
export class Hardtanh extends Module {
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  forward(input: Tensor): Tensor { return F.hardtanh(input, this.minVal, this.maxVal); }
  override extraRepr(): string { return `minVal=${this.minVal}, maxVal=${this.maxVal}`; }
}
export class GLU extends Module {
  constructor(readonly dim = -1) { super(); }
  forward(input: Tensor): Tensor { return F.glu(input, this.dim); }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(input: Tensor): Tensor { return F.logSoftmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** Zeroes elements with probability p while training (module.train()), the identity in eval(). */
export class Dropout extends Module {
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  forward(input: Tensor): Tensor { return F.dropout(input, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

/** Layer normalisation over the trailing normalizedShape dims, with a learnt scale (ones) and shift (zeros). */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Parameter | null;
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = opts.elementwiseAffine ?? true, dtype = opts.dtype ?? 'float32';
    this.weight = affine ? new Parameter(np.ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine && (opts.bias ?? true) ? new Parameter(np.zeros(this.normalizedShape, { dtype })) : null;
    this.eps = opts.eps ?? 1e-5;
  }
  readonly eps: number;
  forward(input: Tensor): Tensor { return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps); }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`; }
}

/** A lookup table of numEmbeddings rows of size embeddingDim, initialised N(0, 1) (the padding row zero). */
export class Embedding extends Module {
  weight: Parameter;
  readonly paddingIdx: number | null;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, opts: { paddingIdx?: number | null; dtype?: DType } = {}) {
    super();
    const p = opts.paddingIdx ?? null;
    if (p !== null && (p >= numEmbeddings || p < -numEmbeddings)) throw new RangeError(`Padding_idx must be within num_embeddings, got ${p} for ${numEmbeddings}`);
    this.paddingIdx = p === null ? null : p < 0 ? p + numEmbeddings : p;
    this.weight = new Parameter(np.zeros([numEmbeddings, embeddingDim], { dtype: opts.dtype ?? 'float32' }));
    noGrad(() => {
      this.weight.normal_();
      if (this.paddingIdx !== null) this.weight.rebind(np.atIndex(this.weight.array, [this.paddingIdx]).set(0));
    });
  }
  forward(input: Tensor): Tensor { return F.embedding(input, this.weight, this.paddingIdx); }
  override extraRepr(): string { return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`; }
}

type Reduction = 'mean' | 'sum' | 'none';
abstract class Loss extends Module {
  readonly reduction: Reduction;
  constructor(opts: { reduction?: Reduction } = {}) { super(); this.reduction = opts.reduction ?? 'mean'; }
  override extraRepr(): string { return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`; }
}
export class BCELoss extends Loss {
  readonly weight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; reduction?: Reduction } = {}) { super(opts); this.weight = opts.weight ?? null; }
  forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction }); }
}
export class BCEWithLogitsLoss extends Loss {
  readonly weight: Tensor | null;
  readonly posWeight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts);
    this.weight = opts.weight ?? null;
    this.posWeight = opts.posWeight ?? null;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
export class SmoothL1Loss extends Loss {
  readonly beta: number;
  constructor(opts: { beta?: number; reduction?: Reduction } = {}) { super(opts); this.beta = opts.beta ?? 1; }
  forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction }); }
}
export class HuberLoss extends Loss {
  readonly delta: number;
  constructor(opts: { delta?: number; reduction?: Reduction } = {}) { super(opts); this.delta = opts.delta ?? 1; }
  forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, { delta: this.delta, reduction: this.reduction }); }
}
