// Loss modules: thin wrappers holding a reduction (and class weights) around nn.functional.
import * as F from './functional.js';
import { Module } from './module.js';
import { Tensor } from './tensor.js';

abstract class Loss extends Module {
  /** 'mean' (default), 'sum' or 'none'. */
  readonly reduction: F.Reduction;
  constructor(opts: { reduction?: F.Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
  override extraRepr(): string { return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`; }
}

/** Mean (or sum, with {reduction: 'sum'}) of squared errors. */
export class MSELoss extends Loss {
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}
/** Mean (or sum) of absolute errors. */
export class L1Loss extends Loss {
  /** The loss of `input` against `target`. */
  forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

/** logSoftmax + negative log-likelihood over logits; targets are class indices (torch.long) or probabilities. */
export class CrossEntropyLoss extends Loss {
  /** A weight per class, or null. */
  readonly weight: Tensor | null;
  /** Targets equal to this class index contribute nothing (−100). */
  readonly ignoreIndex: number;
  constructor(opts: { reduction?: F.Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    this.weight = opts.weight ?? null;
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  /**
   * The loss of `input` (logits) against `target`.
   *
   * @example
   * const loss = new torch.nn.CrossEntropyLoss()(torch.randn(4, 10), torch.tensor([1, 0, 9, 3], { dtype: torch.long }));
   */
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}
/** Negative log-likelihood of log-probabilities. */
export class NLLLoss extends CrossEntropyLoss {
  /** The loss of `input` (log-probabilities) against `target`. */
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}
