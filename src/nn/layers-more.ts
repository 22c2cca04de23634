// More torch.nn modules over nn.functional: the activations, Dropout, LayerNorm, Embedding and the
// binary / smooth-L1 / Huber losses.
import { DType } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as F from './functional.js';
import { noGrad } from './grad-mode.js';
import { Module, Parameter } from './module.js';
import { Tensor } from './tensor.js';

/** PyTorch's `nn.GELU`: x·Φ(x), exactly (erf) or by the tanh approximation. */
export class GELU extends Module {
  /** @param approximate 'none' (erf, the default) or 'tanh'. */
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.gelu(input, { approximate: this.approximate }); }
  override extraRepr(): string { return `approximate='${this.approximate}'`; }
}
/** PyTorch's `nn.SiLU`: x·σ(x) (swish), elementwise. */
export class SiLU extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.silu(input); }
}
/** PyTorch's `nn.Mish`: x·tanh(softplus(x)), elementwise. */
export class Mish extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.mish(input); }
}
/** PyTorch's `nn.ReLU6`: min(max(x, 0), 6), elementwise. */
export class ReLU6 extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.relu6(input); }
}
/** PyTorch's `nn.SELU`: The scaled ELU with its self-normalising constants. */
export class SELU extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.selu(input); }
}
/** PyTorch's `nn.Hardsigmoid`: The piecewise-linear sigmoid relu6(x + 3) / 6. */
export class Hardsigmoid extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.hardsigmoid(input); }
}
/** PyTorch's `nn.Hardswish`: x·hardsigmoid(x). */
export class Hardswish extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.hardswish(input); }
}
/** PyTorch's `nn.LogSigmoid`: log σ(x), computed stably. */
export class LogSigmoid extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.logsigmoid(input); }
}
/** PyTorch's `nn.Softsign`: x / (1 + |x|). */
export class Softsign extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.softsign(input); }
}
/** PyTorch's `nn.LeakyReLU`: x for x ≥ 0, negativeSlope·x otherwise. */
export class LeakyReLU extends Module {
  /** @param negativeSlope The slope for negative inputs (0.01). */
  constructor(readonly negativeSlope = 0.01) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.leakyRelu(input, this.negativeSlope); }
  override extraRepr(): string { return `negativeSlope=${this.negativeSlope}`; }
}
/** PyTorch's `nn.ELU`: x for x > 0, alpha·(eˣ − 1) otherwise. */
export class ELU extends Module {
  /** @param alpha The saturation value for negative inputs (1). */
  constructor(readonly alpha = 1) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.elu(input, this.alpha); }
  override extraRepr(): string { return `alpha=${this.alpha}`; }
}
/** PyTorch's `nn.CELU`: max(0, x) + min(0, alpha·(e^{x/alpha} − 1)). */
export class CELU extends Module {
  /** @param alpha The scale (1). */
  constructor(readonly alpha = 1) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.celu(input, this.alpha); }
}
/** PyTorch's `nn.Softplus`: log(1 + e^{beta·x}) / beta, linear above `threshold`. */
export class Softplus extends Module {
  /**
   * @param beta The sharpness (1).
   * @param threshold Above beta·x > threshold the result is x (20).
   */
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.softplus(input, this.beta, this.threshold); }
  override extraRepr(): string { return `beta=${this.beta}, threshold=${this.threshold}`; }
}
/** PyTorch's `nn.Hardtanh`: x clamped to [minVal, maxVal]. */
export class Hardtanh extends Module {
  /**
   * @param minVal The lower bound (−1).
   * @param maxVal The upper bound (1).
   */
  constructor(readonly minVal = -1, readonly maxVal = 1) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.hardtanh(input, this.minVal, this.maxVal); }
  override extraRepr(): string { return `minVal=${this.minVal}, maxVal=${this.maxVal}`; }
}
/** PyTorch's `nn.GLU`: a·σ(b), with the input split in halves a, b along `dim`. */
export class GLU extends Module {
  /** @param dim The axis split in two (−1). */
  constructor(readonly dim = -1) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.glu(input, this.dim); }
}
/** PyTorch's `nn.LogSoftmax` along `dim`. */
export class LogSoftmax extends Module {
  /** @param dim The axis normalised over. */
  constructor(readonly dim: number) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.logSoftmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}

/** Zeroes elements with probability p while training (module.train()), the identity in eval(). */
export class Dropout extends Module {
  /** @param p The probability of zeroing an element (0.5). */
  constructor(readonly p = 0.5) {
    super();
    if (!(p >= 0 && p <= 1)) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  /** Applies dropout in training mode, the identity in eval mode. */
  forward(input: Tensor): Tensor { return F.dropout(input, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}`; }
}

/** Layer normalisation over the trailing normalizedShape dims, with a learnt scale (ones) and shift (zeros). */
export class LayerNorm extends Module {
  /** The trailing shape normalised over. */
  readonly normalizedShape: number[];
  /** The learnt scale (null without elementwiseAffine). */
  weight: Parameter | null;
  /** The learnt shift (null without elementwiseAffine or bias). */
  bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], opts: { eps?: number; elementwiseAffine?: boolean; bias?: boolean; dtype?: DType } = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === 'number' ? [normalizedShape] : [...normalizedShape];
    const affine = opts.elementwiseAffine ?? true, dtype = opts.dtype ?? 'float32';
    this.weight = affine ? new Parameter(np.ones(this.normalizedShape, { dtype })) : null;
    this.bias = affine && (opts.bias ?? true) ? new Parameter(np.zeros(this.normalizedShape, { dtype })) : null;
    this.eps = opts.eps ?? 1e-5;
  }
  /** Added to the variance for stability. */
  readonly eps: number;
  /** Normalises `input` over the trailing `normalizedShape`. */
  forward(input: Tensor): Tensor { return F.layerNorm(input, this.normalizedShape, this.weight, this.bias, this.eps); }
  override extraRepr(): string { return `[${this.normalizedShape.join(', ')}], eps=${this.eps}, elementwiseAffine=${this.weight !== null}`; }
}

/** A lookup table of numEmbeddings rows of size embeddingDim, initialised N(0, 1) (the padding row zero). */
export class Embedding extends Module {
  /** The embedding table, [numEmbeddings, embeddingDim]. */
  weight: Parameter;
  /** The row that gets no gradient (and starts at zero), or null. */
  readonly paddingIdx: number | null;
  /**
   * @param numEmbeddings The number of rows.
   * @param embeddingDim The size of each row.
   */
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
  /** The rows of the table at the integer indices `input`. */
  forward(input: Tensor): Tensor { return F.embedding(input, this.weight, this.paddingIdx); }
  override extraRepr(): string { return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, paddingIdx=${this.paddingIdx}` : ''}`; }
}

type Reduction = 'mean' | 'sum' | 'none';
abstract class Loss extends Module {
  /** 'mean' (default), 'sum' or 'none'. */
  readonly reduction: Reduction;
  constructor(opts: { reduction?: Reduction } = {}) { super(); this.reduction = opts.reduction ?? 'mean'; }
  override extraRepr(): string { return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`; }
}
/** PyTorch's `nn.BCELoss`: binary cross-entropy of probabilities. */
export class BCELoss extends Loss {
  /** Per-element weights, or null. */
  readonly weight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; reduction?: Reduction } = {}) { super(opts); this.weight = opts.weight ?? null; }
  /** The loss of `input` (probabilities) against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return F.binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction }); }
}
/** PyTorch's `nn.BCEWithLogitsLoss`: binary cross-entropy of logits, computed stably. */
export class BCEWithLogitsLoss extends Loss {
  /** Per-element weights, or null. */
  readonly weight: Tensor | null;
  /** The weight of positive examples per class, or null. */
  readonly posWeight: Tensor | null;
  constructor(opts: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}) {
    super(opts);
    this.weight = opts.weight ?? null;
    this.posWeight = opts.posWeight ?? null;
  }
  /** The loss of `input` (logits) against `target`. */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.binaryCrossEntropyWithLogits(input, target, { weight: this.weight, posWeight: this.posWeight, reduction: this.reduction });
  }
}
/** PyTorch's `nn.SmoothL1Loss`: quadratic below `beta`, linear above. */
export class SmoothL1Loss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  readonly beta: number;
  constructor(opts: { beta?: number; reduction?: Reduction } = {}) { super(opts); this.beta = opts.beta ?? 1; }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return F.smoothL1Loss(input, target, { beta: this.beta, reduction: this.reduction }); }
}
/** PyTorch's `nn.HuberLoss`: quadratic below `delta`, delta-scaled linear above. */
export class HuberLoss extends Loss {
  /** Where the loss turns from quadratic to linear. */
  readonly delta: number;
  constructor(opts: { delta?: number; reduction?: Reduction } = {}) { super(opts); this.delta = opts.delta ?? 1; }
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return F.huberLoss(input, target, { delta: this.delta, reduction: this.reduction }); }
}
