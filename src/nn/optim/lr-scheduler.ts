// torch.optim.lr_scheduler: StepLR and CosineAnnealingLR. A scheduler rewrites each parameter
// group's lr when step() is called (once per epoch, after optimizer.step(), as in PyTorch).
import type { Optimizer } from './optimizer.js';

type WithLr = Optimizer<{ lr: number }>;

/** What the schedulers share: the optimizer, its base learning rates, the epoch counter. */
abstract class LRScheduler {
  /** The learning rates when the scheduler was made, per group. */
  readonly baseLrs: number[];
  /** How many times step() was called. */
  lastEpoch = 0;
  /** @param optimizer The optimizer whose groups' lr this scheduler sets. */
  constructor(readonly optimizer: WithLr) {
    this.baseLrs = optimizer.paramGroups.map((g) => g.lr);
  }
  /** The learning rates of epoch `lastEpoch`. */
  protected abstract lrAt(epoch: number): number[];
  /** Advances one epoch and sets each group's lr (call after optimizer.step()). */
  step(): void {
    this.lastEpoch++;
    this.lrAt(this.lastEpoch).forEach((lr, i) => { this.optimizer.paramGroups[i]!.lr = lr; });
  }
  /** The current learning rate of each group. */
  getLastLr(): number[] { return this.optimizer.paramGroups.map((g) => g.lr); }
  /** The epoch and base learning rates. */
  stateDict(): {
    /** The epoch counter. */
    lastEpoch: number;
    /** The base learning rates. */
    baseLrs: number[];
  } { return { lastEpoch: this.lastEpoch, baseLrs: [...this.baseLrs] }; }
}

/** lr = base · gamma^⌊epoch / stepSize⌋. */
export class StepLR extends LRScheduler {
  /**
   * @param optimizer The optimizer.
   * @param stepSize Epochs between decays.
   * @param gamma The decay factor (0.1).
   */
  constructor(optimizer: WithLr, readonly stepSize: number, readonly gamma = 0.1) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new RangeError(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
  }
  protected lrAt(epoch: number): number[] { return this.baseLrs.map((b) => b * this.gamma ** Math.floor(epoch / this.stepSize)); }
}

/** lr = etaMin + (base − etaMin)·(1 + cos(π·epoch / tMax)) / 2 (the closed form; it keeps going past tMax, as PyTorch's does). */
export class CosineAnnealingLR extends LRScheduler {
  /**
   * @param optimizer The optimizer.
   * @param tMax The half period, in epochs.
   * @param etaMin The minimum learning rate (0).
   */
  constructor(optimizer: WithLr, readonly tMax: number, readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax > 0)) throw new RangeError(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
  }
  protected lrAt(epoch: number): number[] {
    return this.baseLrs.map((b) => this.etaMin + ((b - this.etaMin) * (1 + Math.cos((Math.PI * epoch) / this.tMax))) / 2);
  }
}
