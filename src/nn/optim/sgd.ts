// Stochastic gradient descent with momentum, dampening, Nesterov and weight decay: PyTorch's
// update, step by step:
//   d = g (−g when maximizing) + weightDecay·p
//   with momentum: buf = d on the first step, else momentum·buf + (1 − dampening)·d;
//                  d = d + momentum·buf (Nesterov) or d = buf
//   p = p − lr·d
import * as np from '../../core/np.js';
import { Optimizer, ParamsInput, penalizedGradient, StateArrays, UpdateRule } from './optimizer.js';

/** SGD's hyperparameters, as PyTorch's. */
export interface SGDOptions {
  /** The learning rate (1e-3). */
  lr: number;
  /** Momentum factor (0). */
  momentum: number;
  /** Dampening of the momentum (0). */
  dampening: number;
  /** L2 penalty added to the gradient (0). */
  weightDecay: number;
  /** Nesterov momentum. */
  nesterov: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/** SGD's update of one parameter. */
export const sgdUpdate: UpdateRule<SGDOptions> = (p, grad, state, h) => {
  let d = penalizedGradient(p, grad, h);
  let next: StateArrays = {};
  if (h.momentum !== 0) {
    const previous = state?.momentumBuffer;
    const buf = previous ? np.add(np.multiply(previous, h.momentum), np.multiply(d, 1 - h.dampening)) : d;
    next = { momentumBuffer: buf };
    d = h.nesterov ? np.add(d, np.multiply(buf, h.momentum)) : buf;
  }
  return [np.add(p, np.multiply(d, -h.lr)), next];
};

/**
 * PyTorch's `optim.SGD`.
 *
 * @example
 * const opt = new torch.optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
 */
export class SGD extends Optimizer<SGDOptions> {
  constructor(params: ParamsInput<SGDOptions>, opts: Partial<SGDOptions> = {}) {
    const defaults: SGDOptions = { lr: 1e-3, momentum: 0, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, ...opts };
    if (defaults.lr < 0) throw new RangeError(`Invalid learning rate: ${defaults.lr}`);
    if (defaults.momentum < 0) throw new RangeError(`Invalid momentum value: ${defaults.momentum}`);
    if (defaults.weightDecay < 0) throw new RangeError(`Invalid weight_decay value: ${defaults.weightDecay}`);
    if (defaults.nesterov && (defaults.momentum <= 0 || defaults.dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    super(params, defaults, sgdUpdate);
  }
}
