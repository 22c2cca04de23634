// torch.fft: fft, ifft, rfft, irfft (and their 2-d/n-d forms, fftfreq, rfftfreq, fftshift) over
// np.fft, recorded on the tape under PyTorch's backward-node names. As in np.fft there is no
// complex dtype: a complex tensor is a float tensor with a trailing dimension of 2 holding
// (re, im), and `dim` counts the complex tensor's dimensions (not the pair).
import * as np from '../core/np.js';
import type { FftNorm } from '../core/numpy-fft.js';
import { run } from './ops.js';
import { Tensor } from './tensor.js';

type Norm = FftNorm | null;
/** torch.fft.fft(input, n, dim = -1, norm): the 1-d DFT of a complex tensor (trailing dimension of 2). */
export const fft = (input: Tensor, n: number | null = null, dim = -1, norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.fft(x, n, dim, norm), [input]);
/** torch.fft.ifft: the inverse 1-d DFT of a complex tensor. */
export const ifft = (input: Tensor, n: number | null = null, dim = -1, norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.ifft(x, n, dim, norm), [input]);
/** torch.fft.rfft: the half spectrum of a real tensor along `dim`. */
export const rfft = (input: Tensor, n: number | null = null, dim = -1, norm: Norm = null): Tensor =>
  run('FftR2CBackward0', 'none', (x) => np.fft.rfft(x, n, dim, norm), [input]);
/** torch.fft.irfft: the real signal of length n (default 2·(m − 1)) of a half spectrum. */
export const irfft = (input: Tensor, n: number | null = null, dim = -1, norm: Norm = null): Tensor =>
  run('FftC2RBackward0', 'none', (x) => np.fft.irfft(x, n, dim, norm), [input]);
/** torch.fft.fft2: the 2-d DFT over `dim` (the last two). */
export const fft2 = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] = [-2, -1], norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.fft2(x, s, dim, norm), [input]);
/** torch.fft.ifft2: the inverse 2-d DFT. */
export const ifft2 = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] = [-2, -1], norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.ifft2(x, s, dim, norm), [input]);
/** torch.fft.fftn: the n-d DFT over `dim` (all by default). */
export const fftn = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] | null = null, norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.fftn(x, s, dim, norm), [input]);
/** torch.fft.ifftn: the inverse n-d DFT. */
export const ifftn = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] | null = null, norm: Norm = null): Tensor =>
  run('FftC2CBackward0', 'none', (x) => np.fft.ifftn(x, s, dim, norm), [input]);
/** torch.fft.rfftn: the n-d DFT of a real tensor, halved along the last dim. */
export const rfftn = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] | null = null, norm: Norm = null): Tensor =>
  run('FftR2CBackward0', 'none', (x) => np.fft.rfftn(x, s, dim, norm), [input]);
/** torch.fft.irfftn: the real n-d signal of a half spectrum. */
export const irfftn = (input: Tensor, s: readonly number[] | null = null, dim: readonly number[] | null = null, norm: Norm = null): Tensor =>
  run('FftC2RBackward0', 'none', (x) => np.fft.irfftn(x, s, dim, norm), [input]);
/** torch.fft.fftfreq(n, d = 1.0). */
export const fftfreq = (n: number, d = 1.0): Tensor => new Tensor(np.fft.fftfreq(n, d));
/** torch.fft.rfftfreq(n, d = 1.0): the frequencies of rfft's bins. */
export const rfftfreq = (n: number, d = 1.0): Tensor => new Tensor(np.fft.rfftfreq(n, d));
/** torch.fft.fftshift(input, dim = all): on a complex (pair-form) tensor pass `{ complex: true }` or explicit dims. */
export const fftshift = (input: Tensor, dim: number | readonly number[] | null = null, opts: np.fft.ShiftOptions = {}): Tensor =>
  run('RollBackward0', 'none', (x) => np.fft.fftshift(x, dim, opts), [input]);
/** torch.fft.ifftshift: undoes fftshift. */
export const ifftshift = (input: Tensor, dim: number | readonly number[] | null = null, opts: np.fft.ShiftOptions = {}): Tensor =>
  run('RollBackward0', 'none', (x) => np.fft.ifftshift(x, dim, opts), [input]);
