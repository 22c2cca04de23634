// RMSprop with PyTorch's update:
//   g = g (−g when maximizing) + weightDecay·p;  s = α·s + (1 − α)·g²
//   centered: ḡ = ḡ + (1 − α)(g − ḡ), avg = √(s − ḡ²) + eps;  else avg = √s + eps
//   momentum: buf = momentum·buf + g / avg, p = p − lr·buf;  else p = p − lr·g / avg
import { NDArray } from '../../core/array.js';
import * as np from '../../core/np.js';
import { Optimizer, ParamsInput, penalizedGradient, StateArrays, UpdateRule } from './optimizer.js';

/** RMSprop's hyperparameters, as PyTorch's. */
export interface RMSpropOptions {
  /** The learning rate (0.01). */
  lr: number;
  /** The smoothing constant of the squared-gradient average (0.99). */
  alpha: number;
  /** Added to the denominator (1e-8). */
  eps: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** Momentum factor (0). */
  momentum: number;
  /** Normalise by the gradient's estimated variance instead of its second moment. */
  centered: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/** RMSprop's update of one parameter (the rule `torch.compile` and `step()` share). */
export const rmspropUpdate: UpdateRule<RMSpropOptions> = (p, grad, state, h) => {
  const g = penalizedGradient(p, grad, h);
  const step = np.add(state?.step ?? np.zeros([]), 1);
  const squareAvg = np.add(np.multiply(state?.squareAvg ?? np.zerosLike(p), h.alpha), np.multiply(np.multiply(g, g), 1 - h.alpha));
  const next: Record<string, NDArray> = { step, squareAvg };
  let avg: NDArray;
  if (h.centered) {
    const g0 = state?.gradAvg ?? np.zerosLike(p);
    const gradAvg = next.gradAvg = np.add(g0, np.multiply(np.subtract(g, g0), 1 - h.alpha));
    avg = np.sqrt(np.subtract(squareAvg, np.multiply(gradAvg, gradAvg)));
  } else {
    avg = np.sqrt(squareAvg);
  }
  avg = np.add(avg, h.eps);
  if (h.momentum > 0) {
    const buf = next.momentumBuffer = np.add(np.multiply(state?.momentumBuffer ?? np.zerosLike(p), h.momentum), np.divide(g, avg));
    return [np.add(p, np.multiply(buf, -h.lr)), next as StateArrays];
  }
  return [np.add(p, np.divide(np.multiply(g, -h.lr), avg)), next as StateArrays];
};

/** PyTorch's `optim.RMSprop`. */
export class RMSprop extends Optimizer<RMSpropOptions> {
  constructor(params: ParamsInput<RMSpropOptions>, opts: Partial<RMSpropOptions> = {}) {
    const defaults: RMSpropOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...opts };
    if (defaults.lr < 0) throw new RangeError(`Invalid learning rate: ${defaults.lr}`);
    if (defaults.alpha < 0) throw new RangeError(`Invalid alpha value: ${defaults.alpha}`);
    super(params, defaults, rmspropUpdate);
  }
}
