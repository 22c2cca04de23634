// Adagrad with PyTorch's update:
//   t = t + 1;  g = g (−g when maximizing) + weightDecay·p;  clr = lr / (1 + (t − 1)·lrDecay)
//   sum = sum + g²  (sum starts at initialAccumulatorValue);  p = p − clr · g / (√sum + eps)
import * as np from '../../core/np.js';
import { Optimizer, ParamsInput, penalizedGradient, UpdateRule } from './optimizer.js';

/** Adagrad's hyperparameters, as PyTorch's. */
export interface AdagradOptions {
  /** The learning rate (0.01). */
  lr: number;
  /** Learning-rate decay per step (0). */
  lrDecay: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** The squared-gradient sum's starting value (0). */
  initialAccumulatorValue: number;
  /** Added to the denominator (1e-10). */
  eps: number;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/** Adagrad's update of one parameter. */
export const adagradUpdate: UpdateRule<AdagradOptions> = (p, grad, state, h) => {
  const g = penalizedGradient(p, grad, h);
  const step = np.add(state?.step ?? np.zeros([]), 1);
  const clr = np.divide(h.lr, np.add(np.multiply(np.subtract(step, 1), h.lrDecay), 1));
  const sum = np.add(state?.sum ?? np.fullLike(p, h.initialAccumulatorValue), np.multiply(g, g));
  const std = np.add(np.sqrt(sum), h.eps);
  return [np.subtract(p, np.divide(np.multiply(g, clr), std)), { step, sum }];
};

/** PyTorch's `optim.Adagrad`. */
export class Adagrad extends Optimizer<AdagradOptions> {
  constructor(params: ParamsInput<AdagradOptions>, opts: Partial<AdagradOptions> = {}) {
    const defaults: AdagradOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10, maximize: false, ...opts };
    if (defaults.lr < 0) throw new RangeError(`Invalid learning rate: ${defaults.lr}`);
    if (defaults.initialAccumulatorValue < 0) throw new RangeError(`Invalid initial_accumulator_value value: ${defaults.initialAccumulatorValue}`);
    super(params, defaults, adagradUpdate);
  }
}
