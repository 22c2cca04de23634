// nn.init: PyTorch's parameter initialisers, drawing from the global generator (torch.manualSeed).
// Each fills a tensor in place without recording (PyTorch runs them under no_grad).
import { noGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/** The nonlinearities calculateGain knows. */
export type Nonlinearity = 'linear' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'conv2d';

/** The gain PyTorch recommends for a nonlinearity (leaky_relu's negative slope `param`, default 0.01). */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear': case 'conv2d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.SQRT2;
    case 'leaky_relu': { const slope = param ?? 0.01; return Math.sqrt(2 / (1 + slope * slope)); }
  }
}

/** fan_in = size(1)·receptive field, fan_out = size(0)·receptive field (weights are [out, in, ...]). */
export function calculateFanInAndFanOut(t: Tensor): [fanIn: number, fanOut: number] {
  if (t.ndim < 2) throw new TypeError('Fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const receptive = t.shape.slice(2).reduce((a, b) => a * b, 1);
  return [t.shape[1]! * receptive, t.shape[0]! * receptive];
}

/** Fills t in place with U(a, b) samples. */
export const uniform_ = (t: Tensor, a = 0, b = 1): Tensor => noGrad(() => t.uniform_(a, b));
/** Fills t in place with N(mean, std²) samples. */
export const normal_ = (t: Tensor, mean = 0, std = 1): Tensor => noGrad(() => t.normal_(mean, std));
/** Fills t in place with `value`. */
export const constant_ = (t: Tensor, value: number): Tensor => noGrad(() => t.fill_(value));
/** Fills t in place with zeros. */
export const zeros_ = (t: Tensor): Tensor => constant_(t, 0);
/** Fills t in place with ones. */
export const ones_ = (t: Tensor): Tensor => constant_(t, 1);

/** Options of the Kaiming initialisers, as PyTorch's. */
export interface KaimingOptions {
  /** The negative slope of the leaky ReLU that follows (0). */
  a?: number;
  /** Preserve the variance of the forward ('fanIn', default) or the backward pass ('fanOut'). */
  mode?: 'fanIn' | 'fanOut';
  /** The nonlinearity that follows, for its gain ('leaky_relu'). */
  nonlinearity?: Nonlinearity;
}
/** std = gain / √fan for the chosen fan; gain for leaky_relu with slope `a` by default. */
function kaimingStd(t: Tensor, { a = 0, mode = 'fanIn', nonlinearity = 'leaky_relu' }: KaimingOptions): number {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return calculateGain(nonlinearity, a) / Math.sqrt(mode === 'fanIn' ? fanIn : fanOut);
}
/** U(−bound, bound) with bound = √3 · gain / √fan (He et al.); nn.Linear uses a = √5, giving 1/√fan_in. */
export function kaimingUniform_(t: Tensor, opts: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd(t, opts);
  return uniform_(t, -bound, bound);
}
/** Fills t in place from N(0, std²) with Kaiming's std for its fan and nonlinearity. */
export const kaimingNormal_ = (t: Tensor, opts: KaimingOptions = {}): Tensor => normal_(t, 0, kaimingStd(t, opts));
/** U(−a, a) with a = gain·√(6 / (fan_in + fan_out)) (Glorot and Bengio). */
export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const bound = gain * Math.sqrt(6 / (fanIn + fanOut));
  return uniform_(t, -bound, bound);
}
/** Fills t in place from N(0, std²), std = gain·√(2 / (fanIn + fanOut)). */
export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2 / (fanIn + fanOut)));
}
