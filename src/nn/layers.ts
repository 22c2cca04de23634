// The layers of the seeds and their neighbours: Linear, the activations, Flatten, Identity.
import { DType } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as F from './functional.js';
import * as init from './init.js';
import { Module, Parameter } from './module.js';
import { Tensor } from './tensor.js';

/**
 * y = x·Wᵀ + b with W of shape [outFeatures, inFeatures]. PyTorch's default initialisation:
 * W ~ kaiming-uniform with a = √5, which is U(−1/√in, 1/√in), and b ~ U(−1/√in, 1/√in).
 */
export class Linear extends Module {
  /** The weight, [outFeatures, inFeatures]. */
  weight: Parameter;
  /** The bias, [outFeatures], or null with `bias: false`. */
  bias: Parameter | null;
  /**
   * @param inFeatures The size of each input row.
   * @param outFeatures The size of each output row.
   * @param opts bias (true), dtype.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, opts: { bias?: boolean; dtype?: DType } = {}) {
    super();
    for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`Linear: ${what} must be a non-negative integer, got ${String(n)}`);
    }
    const dtype = opts.dtype ?? 'float32';
    this.weight = new Parameter(np.zeros([outFeatures, inFeatures], { dtype }));
    this.bias = (opts.bias ?? true) ? new Parameter(np.zeros([outFeatures], { dtype })) : null;
    this.resetParameters();
  }
  /** Re-initialises weight and bias as PyTorch does (U(±1/√inFeatures)). */
  resetParameters(): void {
    init.kaimingUniform_(this.weight, { a: Math.sqrt(5) });
    if (this.bias) {
      const bound = this.inFeatures > 0 ? 1 / Math.sqrt(this.inFeatures) : 0;
      init.uniform_(this.bias, -bound, bound);
    }
  }
  /** input · weightᵀ + bias. */
  forward(input: Tensor): Tensor { return F.linear(input, this.weight, this.bias); }
  override extraRepr(): string { return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`; }
}

/** PyTorch's `nn.ReLU`: max(x, 0). */
export class ReLU extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.relu(input); }
}
/** PyTorch's `nn.Tanh`. */
export class Tanh extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.tanh(input); }
}
/** PyTorch's `nn.Sigmoid`. */
export class Sigmoid extends Module {
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.sigmoid(input); }
}
/** PyTorch's `nn.Softmax` along `dim`. */
export class Softmax extends Module {
  /** @param dim The axis normalised over. */
  constructor(readonly dim: number) { super(); }
  /** Applies it to `input`. */
  forward(input: Tensor): Tensor { return F.softmax(input, this.dim); }
  override extraRepr(): string { return `dim=${this.dim}`; }
}
/** PyTorch's `nn.Identity`: returns its input. */
export class Identity extends Module {
  /** Returns `input`. */
  forward(input: Tensor): Tensor { return input; }
}

/** Merges dims startDim..endDim (PyTorch's defaults 1 and −1 keep the batch axis). */
export class Flatten extends Module {
  /**
   * @param startDim The first dimension merged (1).
   * @param endDim The last dimension merged (−1).
   */
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  /** Merges dimensions startDim..endDim of `input`. */
  forward(input: Tensor): Tensor { return F.flatten(input, this.startDim, this.endDim); }
  override extraRepr(): string { return `startDim=${this.startDim}, endDim=${this.endDim}`; }
}
