// The ONNX lowering of the fft primitive: DFT (opset 17's form: axis, inverse and onesided as
// attributes) on the operand reshaped to [batch, ...signal, 1 or 2], one signal axis at a time.
// irfft has no one-node form (opset 17's DFT is onesided only for real input), so its last axis
// is the Hermitian extension (a reversed Slice, conjugated, beside the half spectrum, DC's and
// Nyquist's imaginary parts zeroed) through an inverse DFT, whose real part is the result.
import type { OnnxLowering } from './lowerings.js';

export const fftLowering: OnnxLowering<'fft'> = ({ g }, [x], { fftType, fftLengths: L }, [xa], [oa]) => {
  const k = L.length, n = L[k - 1]!, m = Math.floor(n / 2) + 1;
  const dtype = xa!.dtype as 'float32' | 'float64';
  const complexIn = fftType !== 'rfft';
  const signalIn = complexIn ? xa!.shape.slice(xa!.ndim - 1 - k, xa!.ndim - 1) : xa!.shape.slice(xa!.ndim - k);
  const batch = xa!.size / (signalIn.reduce((a, b) => a * b, 1) * (complexIn ? 2 : 1));
  const reshape = (v: string, shape: readonly number[]) => g.op('Reshape', [v, g.ints(shape)]);
  const dft = (v: string, axis: number, inverse: boolean, onesided = 0) => g.op('DFT', [v], { axis, inverse: inverse ? 1 : 0, onesided });
  const axes = Array.from({ length: k }, (_, i) => i + 1);
  let y = reshape(x!, [batch, ...signalIn, complexIn ? 2 : 1]);
  switch (fftType) {
    case 'fft': case 'ifft':
      for (const a of axes) y = dft(y, a, fftType === 'ifft');
      break;
    case 'rfft':
      y = dft(y, k, false, 1);
      for (const a of axes.slice(0, -1)) y = dft(y, a, false);
      break;
    case 'irfft': {
      for (const a of axes.slice(0, -1)) y = dft(y, a, true);
      const mask = Array.from({ length: m * 2 }, (_, i) => (i % 2 === 1 && (i === 1 || (n % 2 === 0 && i === n + 1)) ? 0 : 1));
      const half = g.op('Mul', [y, g.constant(dtype, [m, 2], mask)]);
      let full = half;
      if (n > m) {
        const mirrored = g.op('Slice', [half, g.ints([n - m]), g.ints([0]), g.ints([k]), g.ints([-1])]);
        full = g.op('Concat', [half, g.op('Mul', [mirrored, g.constant(dtype, [2], [1, -1])])], { axis: k });
      }
      const z = dft(full, k, true);
      y = g.op('Slice', [z, g.ints([0]), g.ints([1]), g.ints([k + 1])]);
      break;
    }
  }
  return [reshape(y, oa!.shape)];
};
