// Loss modules: thin wrappers holding a reduction (and class weights) around nn.functional.
import * as F from './functional.js';
import { Module } from './module.js';
import { Tensor } from './tensor.js';

abstract class Loss extends Module {
  readonly reduction: F.Reduction;
  constructor(opts: { reduction?: F.Reduction } = {}) {
    super();
    this.reduction = opts.reduction ?? 'mean';
  }
  override extraRepr(): string { return this.reduction === 'mean' ? '' : `reduction='${this.reduction}'`; }
}

/** Mean (or sum, with {reduction: 'sum'}) of squared errors. */
export class MSELoss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return F.mseLoss(input, target, { reduction: this.reduction }); }
}
export class L1Loss extends Loss {
  forward(input: Tensor, target: Tensor): Tensor { return F.l1Loss(input, target, { reduction: this.reduction }); }
}

/** logSoftmax + negative log-likelihood over logits; targets are class indices (torch.long) or probabilities. */
export class CrossEntropyLoss extends Loss {
  readonly weight: Tensor | null;
  readonly ignoreIndex: number;
  constructor(opts: { reduction?: F.Reduction; weight?: Tensor | null; ignoreIndex?: number } = {}) {
    super(opts);
    this.weight = opts.weight ?? null;
    this.ignoreIndex = opts.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return F.crossEntropy(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}
/** Negative log-likelihood of log-probabilities. */
export class NLLLoss extends CrossEntropyLoss {
  override forward(input: Tensor, target: Tensor): Tensor {
    return F.nllLoss(input, target, { reduction: this.reduction, weight: this.weight, ignoreIndex: this.ignoreIndex });
  }
}
