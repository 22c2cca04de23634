// The FFT at the lax level: lax.fft (XLA's Fft on the real-pair representation of complex values)
// and the transpose of the fft primitive, which is again an FFT (JAX's _fft_transpose_rule).
//
// Complex values are float arrays with a trailing axis of 2 holding (re, im): the transposes are
// transposes of real linear maps on those pairs, i.e. the complex adjoints. With F the
// unnormalized DFT over N = ΠL points: fftᵀ = F^H = N·ifft, ifftᵀ = F/N. rfft keeps the first
// ⌊n/2⌋+1 bins of F applied to a real x, so rfftᵀ zero-pads those bins back to n, applies F^H and
// keeps the real part. irfft reads each bin k of the half spectrum twice (as k and n−k) except DC
// and, for even n, the Nyquist bin, whose imaginary parts it ignores: irfftᵀ = rfft weighted by
// 1 at those bins and 2 elsewhere, over N.
import { ShapedArray } from './aval.js';
import { NDArray } from './array.js';
import { ShapeError } from './errors.js';
import { bind1 } from './interpreter.js';
import * as lax from './lax.js';
import { FftParams, FftType } from './primitives.js';

const FFT_TYPES: readonly FftType[] = ['fft', 'ifft', 'rfft', 'irfft'];

/**
 * JAX's lax.fft on cotangent's complex representation: `x` is a float array whose trailing axis of
 * 2 holds (re, im) (rfft: a real array), transformed over its `fftLengths.length` trailing signal
 * axes. 'fft' and 'rfft' are unnormalized, 'ifft' and 'irfft' divide by ΠfftLengths.
 */
export function fft(x: NDArray, fftType: FftType, fftLengths: readonly number[]): NDArray {
  if (!FFT_TYPES.includes(fftType)) throw new ShapeError(`lax.fft: fftType must be one of ${FFT_TYPES.join(', ')}, got ${String(fftType)}`);
  return bind1('fft', [x], { fftType, fftLengths: [...fftLengths] });
}

const scaled = (x: NDArray, s: number): NDArray => (s === 1 ? x : lax.mul(x, lax.full(x.shape, s, x.dtype, x.weakType)));

/** x̄ of y = fft(x) with these params, for a cotangent ȳ of y's shape. */
export function fftTranspose(ct: NDArray, x: ShapedArray, { fftType, fftLengths: L }: FftParams): NDArray {
  const N = L.reduce((a, b) => a * b, 1), k = L.length, n = L[k - 1]!;
  switch (fftType) {
    case 'fft': return scaled(fft(ct, 'ifft', L), N);
    case 'ifft': return scaled(fft(ct, 'fft', L), 1 / N);
    case 'rfft': {
      // ȳ is [..., ⌊n/2⌋+1, 2]: zero bins up to n along the last signal axis (the one before the pair axis).
      const m = ct.shape[ct.ndim - 2]!;
      const config = ct.shape.map((_, i): [number, number, number] => [0, i === ct.ndim - 2 ? n - m : 0, 0]);
      const full = lax.pad(ct, lax.scalar(0, ct.dtype, ct.weakType), config);
      const z = fft(full, 'ifft', L);
      const re = lax.slice(z, z.shape.map(() => 0), z.shape.map((d, i) => (i === z.ndim - 1 ? 1 : d)));
      return scaled(lax.reshape(re, x.shape), N);
    }
    case 'irfft': {
      const y = fft(ct, 'rfft', L);
      // Weights along the half-spectrum axis: 1/N at DC and (even n) Nyquist, 2/N between.
      const bins = lax.iota('int32', y.shape, y.ndim - 2);
      const single = n % 2 === 0 ? lax.or(lax.eq(bins, lax.full(y.shape, 0, 'int32')), lax.eq(bins, lax.full(y.shape, n / 2, 'int32'))) : lax.eq(bins, lax.full(y.shape, 0, 'int32'));
      return lax.mul(y, lax.select(single, lax.full(y.shape, 1 / N, y.dtype), lax.full(y.shape, 2 / N, y.dtype)));
    }
  }
}
