// Adam and AdamW with PyTorch's update (the step count is a float32 tensor, as PyTorch keeps it):
//   t = t + 1;  g = g (−g when maximizing) + weightDecay·p  (Adam; AdamW instead p = p·(1 − lr·wd))
//   m = m + (1 − β1)(g − m);  v = β2·v + (1 − β2)·g²;  (amsgrad: vmax = max(vmax, v), used for v)
//   p = p − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + eps)
import { NDArray } from '../../core/array.js';
import * as np from '../../core/np.js';
import { Optimizer, ParamsInput, StateArrays, UpdateRule } from './optimizer.js';

/** Adam's (and AdamW's) hyperparameters, as PyTorch's. */
export interface AdamOptions {
  /** The learning rate (1e-3). */
  lr: number;
  /** The decay rates of the first and second moment averages ([0.9, 0.999]). */
  betas: readonly [number, number];
  /** Added to the denominator (1e-8). */
  eps: number;
  /** Adam: L2 penalty added to the gradient; AdamW: decoupled decay (0; AdamW 0.01). */
  weightDecay: number;
  /** Use the maximum of past second moments (AMSGrad). */
  amsgrad: boolean;
  /** Ascend instead of descend. */
  maximize: boolean;
}

/**
 * 1 − βᵗ as −expm1(t·ln β), with ln β taken in double precision. In float32, 1 − 0.999ᵗ loses
 * about five digits to cancellation (0.999 itself is off by 1.3e-8); PyTorch computes it in double
 * on the host. This form keeps float32 within an ulp or two of that on every backend.
 */
const biasCorrection = (beta: number, step: NDArray): NDArray => np.negative(np.expm1(np.multiply(step, Math.log(beta))));

function adamRule(decoupledWeightDecay: boolean): UpdateRule<AdamOptions> {
  return (p, grad, state, h) => {
    const [beta1, beta2] = h.betas;
    let g = h.maximize ? np.negative(grad) : grad;
    let param = p;
    if (h.weightDecay !== 0) {
      if (decoupledWeightDecay) param = np.multiply(param, 1 - h.lr * h.weightDecay);
      else g = np.add(g, np.multiply(p, h.weightDecay));
    }
    const step = np.add(state?.step ?? np.zeros([]), 1);
    const m0 = state?.expAvg ?? np.zerosLike(p), v0 = state?.expAvgSq ?? np.zerosLike(p);
    const m = np.add(m0, np.multiply(np.subtract(g, m0), 1 - beta1));
    const v = np.add(np.multiply(v0, beta2), np.multiply(np.multiply(g, g), 1 - beta2));
    const next: Record<string, NDArray> = { step, expAvg: m, expAvgSq: v };
    let vUsed = v;
    if (h.amsgrad) vUsed = next.maxExpAvgSq = np.maximum(state?.maxExpAvgSq ?? np.zerosLike(p), v);
    const stepSize = np.divide(h.lr, biasCorrection(beta1, step));
    const biasCorrection2Sqrt = np.sqrt(biasCorrection(beta2, step));
    const denom = np.add(np.divide(np.sqrt(vUsed), biasCorrection2Sqrt), h.eps);
    return [np.subtract(param, np.divide(np.multiply(m, stepSize), denom)), next as StateArrays];
  };
}
/** Adam's update of one parameter. */
export const adamUpdate = adamRule(false);
/** AdamW's update of one parameter (decoupled weight decay). */
export const adamwUpdate = adamRule(true);

function checked(opts: AdamOptions): AdamOptions {
  if (opts.lr < 0) throw new RangeError(`Invalid learning rate: ${opts.lr}`);
  if (opts.eps < 0) throw new RangeError(`Invalid epsilon value: ${opts.eps}`);
  opts.betas.forEach((b, i) => { if (b < 0 || b >= 1) throw new RangeError(`Invalid beta parameter at index ${i}: ${b}`); });
  if (opts.weightDecay < 0) throw new RangeError(`Invalid weight_decay value: ${opts.weightDecay}`);
  return opts;
}

/**
 * PyTorch's `optim.Adam`.
 *
 * @example
 * const model = new torch.nn.Linear(10, 1);
 * const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3 });
 * model(torch.randn(4, 10)).sum().backward();
 * opt.step();
 * opt.zeroGrad();
 */
export class Adam extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, checked({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false, ...opts }), adamUpdate);
  }
}
/** Adam with decoupled weight decay (default 1e-2): p shrinks by lr·wd before the Adam step. */
export class AdamW extends Optimizer<AdamOptions> {
  constructor(params: ParamsInput<AdamOptions>, opts: Partial<AdamOptions> = {}) {
    super(params, checked({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 1e-2, amsgrad: false, maximize: false, ...opts }), adamwUpdate);
  }
}
