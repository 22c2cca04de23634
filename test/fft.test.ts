// np.fft against the naive float64 DFT (Σ x_j e^{∓2πijk/n} straight from the definition) at
// power-of-two, prime and odd lengths, in 1, 2 and 3 dimensions; n/s cropping and padding, axes,
// norms; round trips; gradients (the VJP identity checks every transpose rule, DC and Nyquist
// bins included); jit = eager; vmap; fftfreq/rfftfreq/fftshift; clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jit, np, vmap, grad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';
import * as torch from '../src/nn/index.js';

type C = [number, number];
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const stridesOf = (s: readonly number[]) => s.map((_, i) => prod(s.slice(i + 1)));

/** The naive DFT of complex data (interleaved, complex shape `shape`) over `axes`, sign −1 forward, optional scale. */
function naiveDft(data: Float64Array, shape: readonly number[], axes: readonly number[], sign: 1 | -1): Float64Array {
  let cur = data;
  for (const ax of axes) {
    const n = shape[ax]!, st = stridesOf(shape)[ax]!, next = new Float64Array(cur.length);
    for (let flat = 0; flat < cur.length / 2; flat++) {
      const k = Math.floor(flat / st) % n, base = flat - k * st;
      let re = 0, im = 0;
      for (let j = 0; j < n; j++) {
        const a = (sign * 2 * Math.PI * ((j * k) % n)) / n, c = Math.cos(a), s = Math.sin(a);
        const xr = cur[2 * (base + j * st)]!, xi = cur[2 * (base + j * st) + 1]!;
        re += xr * c - xi * s; im += xr * s + xi * c;
      }
      next[2 * flat] = re; next[2 * flat + 1] = im;
    }
    cur = next;
  }
  return cur;
}
const realToComplex = (x: ArrayLike<number>) => { const z = new Float64Array(2 * x.length); for (let i = 0; i < x.length; i++) z[2 * i] = x[i]!; return z; };
/** The first m bins of the last axis of a complex array of complex shape `shape`. */
function halfSpectrum(z: Float64Array, shape: readonly number[], m: number): Float64Array {
  const n = shape[shape.length - 1]!, lanes = prod(shape) / n, out = new Float64Array(lanes * m * 2);
  for (let l = 0; l < lanes; l++) for (let j = 0; j < m; j++) { out[2 * (l * m + j)] = z[2 * (l * n + j)]!; out[2 * (l * m + j) + 1] = z[2 * (l * n + j) + 1]!; }
  return out;
}
function close(actual: NDArray, expected: ArrayLike<number>, tol: number, label: string): void {
  const a = actual.dataSync();
  assert.is(a.length, expected.length, `${label}: length`);
  let scale = 1;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - expected[i]!) <= tol * scale)) assert.unreachable(`${label}: element ${i}: got ${a[i]}, expected ${expected[i]} (tol ${tol}·${scale})`);
  }
}
const rng = new Rng(5);
const randomData = (n: number) => Float64Array.from({ length: n }, () => rng.uniform(-1, 1));
const f64 = (data: Float64Array, shape: readonly number[]) => np.array(data, { dtype: 'float64' }).reshape(shape);

const LENGTHS = [1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 16, 17, 31, 32, 100];

test('fft and ifft match the naive DFT at power-of-two, prime and odd lengths (float64)', () => {
  for (const n of LENGTHS) {
    const x = randomData(2 * 3 * n);
    const z = f64(x, [3, n, 2]);
    close(np.fft.fft(z), naiveDft(x, [3, n], [1], -1), 1e-12, `fft n=${n}`);
    close(np.fft.ifft(z), naiveDft(x, [3, n], [1], 1).map((v) => v / n), 1e-12, `ifft n=${n}`);
  }
});

test('rfft and irfft match the naive DFT (even and odd lengths)', () => {
  for (const n of LENGTHS) {
    const x = randomData(2 * n), m = Math.floor(n / 2) + 1;
    const spectrum = halfSpectrum(naiveDft(realToComplex(x), [2, n], [1], -1), [2, n], m);
    close(np.fft.rfft(f64(x, [2, n])), spectrum, 1e-12, `rfft n=${n}`);
    // irfft of that spectrum gives the signal back, for the length it came from.
    close(np.fft.irfft(f64(spectrum, [2, m, 2]), n), x, 1e-12, `irfft n=${n}`);
  }
});

test('irfft ignores the imaginary parts of DC and Nyquist, as NumPy does', () => {
  const y = np.array([[1, 5], [2, -1], [3, 7]], { dtype: 'float64' }); // m = 3: n = 4 (Nyquist at bin 2) or n = 5
  // n = 4: Hermitian spectrum [1, 2−i, 3, 2+i] → real signal by the definition.
  const full4 = new Float64Array([1, 0, 2, -1, 3, 0, 2, 1]);
  close(np.fft.irfft(y, 4), naiveDft(full4, [4], [0], 1).filter((_, i) => i % 2 === 0).map((v) => v / 4), 1e-12, 'irfft n=4');
  const full5 = new Float64Array([1, 0, 2, -1, 3, 7, 3, -7, 2, 1]);
  close(np.fft.irfft(y, 5), naiveDft(full5, [5], [0], 1).filter((_, i) => i % 2 === 0).map((v) => v / 5), 1e-12, 'irfft n=5');
});

test('fft2, fftn, ifftn, rfftn, irfftn over 2 and 3 axes match the naive DFT', () => {
  for (const shape of [[4, 6], [3, 5], [2, 3, 4], [8, 7]]) {
    const x = randomData(2 * prod(shape));
    const z = f64(x, [...shape, 2]);
    const all = shape.map((_, i) => i);
    close(np.fft.fftn(z), naiveDft(x, shape, all, -1), 1e-12, `fftn ${shape}`);
    close(np.fft.ifftn(z), naiveDft(x, shape, all, 1).map((v) => v / prod(shape)), 1e-12, `ifftn ${shape}`);
    close(np.fft.fft2(z), naiveDft(x, shape, all.slice(-2), -1), 1e-12, `fft2 ${shape}`);
    close(np.fft.ifft2(z), naiveDft(x, shape, all.slice(-2), 1).map((v) => v / prod(shape.slice(-2))), 1e-12, `ifft2 ${shape}`);
    const r = randomData(prod(shape)), n = shape[shape.length - 1]!, m = Math.floor(n / 2) + 1;
    const half = halfSpectrum(naiveDft(realToComplex(r), shape, all, -1), shape, m);
    close(np.fft.rfftn(f64(r, shape)), half, 1e-12, `rfftn ${shape}`);
    close(np.fft.irfftn(f64(half, [...shape.slice(0, -1), m, 2]), shape), r, 1e-12, `irfftn ${shape}`);
    if (shape.length === 2) close(np.fft.rfft2(f64(r, shape)), half, 1e-12, `rfft2 ${shape}`);
  }
});

test('axis/axes pick the transformed axes; n and s crop or zero-pad', () => {
  const x = randomData(2 * 4 * 5);
  const z = f64(x, [4, 5, 2]);
  // axis 0 of the complex [4, 5] array.
  close(np.fft.fft(z, null, 0), naiveDft(x, [4, 5], [0], -1), 1e-12, 'fft axis 0');
  close(np.fft.fftn(z, null, [0]), naiveDft(x, [4, 5], [0], -1), 1e-12, 'fftn axes [0]');
  // n = 3 crops the last axis, n = 8 zero-pads it.
  const cropped = new Float64Array(2 * 4 * 3), padded = new Float64Array(2 * 4 * 8);
  for (let r = 0; r < 4; r++) for (let j = 0; j < 5; j++) for (const c of [0, 1]) {
    if (j < 3) cropped[2 * (r * 3 + j) + c] = x[2 * (r * 5 + j) + c]!;
    padded[2 * (r * 8 + j) + c] = x[2 * (r * 5 + j) + c]!;
  }
  close(np.fft.fft(z, 3), naiveDft(cropped, [4, 3], [1], -1), 1e-12, 'fft n=3');
  close(np.fft.fft(z, 8), naiveDft(padded, [4, 8], [1], -1), 1e-12, 'fft n=8');
  close(np.fft.fftn(z, [4, 8]), naiveDft(padded, [4, 8], [0, 1], -1), 1e-12, 'fftn s=[4, 8]');
  // rfft along axis 0 of a real [4, 5] array.
  const r = randomData(20);
  const rt = new Float64Array(20); for (let i = 0; i < 4; i++) for (let j = 0; j < 5; j++) rt[j * 4 + i] = r[i * 5 + j]!;
  const want = halfSpectrum(naiveDft(realToComplex(rt), [5, 4], [1], -1), [5, 4], 3); // [5, 3] complex: transpose to [3, 5]
  const wantT = new Float64Array(30); for (let j = 0; j < 5; j++) for (let k = 0; k < 3; k++) for (const c of [0, 1]) wantT[2 * (k * 5 + j) + c] = want[2 * (j * 3 + k) + c]!;
  close(np.fft.rfft(f64(r, [4, 5]), null, 0), wantT, 1e-12, 'rfft axis 0');
});

test('norm: backward, ortho and forward scale as NumPy', () => {
  const x = randomData(2 * 6), z = f64(x, [6, 2]);
  const F = naiveDft(x, [6], [0], -1), B = naiveDft(x, [6], [0], 1);
  close(np.fft.fft(z, null, -1, 'ortho'), F.map((v) => v / Math.sqrt(6)), 1e-12, 'fft ortho');
  close(np.fft.fft(z, null, -1, 'forward'), F.map((v) => v / 6), 1e-12, 'fft forward');
  close(np.fft.ifft(z, null, -1, 'ortho'), B.map((v) => v / Math.sqrt(6)), 1e-12, 'ifft ortho');
  close(np.fft.ifft(z, null, -1, 'forward'), B, 1e-12, 'ifft forward');
  const r = f64(randomData(6), [6]);
  close(np.fft.irfft(np.fft.rfft(r, null, -1, 'ortho'), 6, -1, 'ortho'), r.dataSync(), 1e-12, 'rfft/irfft ortho round trip');
  close(np.fft.irfft(np.fft.rfft(r, null, -1, 'forward'), 6, -1, 'forward'), r.dataSync(), 1e-12, 'rfft/irfft forward round trip');
});

test('round trips: ifft(fft(x)) = x, irfft(rfft(x), n) = x (float32 within 1e-5, Bluestein lengths too)', () => {
  for (const n of [8, 9, 64, 97, 250]) {
    const z = np.array(randomData(2 * n), { dtype: 'float32' }).reshape([n, 2]);
    close(np.fft.ifft(np.fft.fft(z)), z.dataSync(), 1e-5, `ifft∘fft n=${n}`);
    const r = np.array(randomData(n), { dtype: 'float32' });
    close(np.fft.irfft(np.fft.rfft(r), n), r.dataSync(), 1e-5, `irfft∘rfft n=${n}`);
  }
});

test('a long Bluestein length (1000) and a long power of two (4096) keep float64 accuracy', () => {
  for (const n of [1000, 4096]) {
    const x = randomData(2 * n);
    close(np.fft.fft(f64(x, [n, 2])), naiveDft(x, [n], [0], -1), 1e-11, `fft n=${n}`);
  }
});

test('integer input becomes float32; float64 stays float64', () => {
  assert.is(np.fft.rfft(np.array([1, 2, 3, 4], { dtype: 'int32' })).dtype, 'float32');
  assert.is(np.fft.rfft(np.array([1, 2, 3, 4], { dtype: 'float64' })).dtype, 'float64');
  close(np.fft.rfft(np.array([1, 2, 3, 4], { dtype: 'int32' })), [10, 0, -2, 2, -2, 0], 1e-6, 'rfft of ints');
});

test('gradients: numerical checks of fft, ifft, rfft, irfft (even and odd n), fft2, rfftn, irfftn, norms', () => {
  const r = new Rng(9);
  const cases: [string, () => NDArray[], (x: NDArray) => NDArray][] = [
    ['fft n=8', () => [r.array([2, 8, 2])], (x) => np.fft.fft(x)],
    ['fft n=5', () => [r.array([5, 2])], (x) => np.fft.fft(x)],
    ['ifft n=6 ortho', () => [r.array([6, 2])], (x) => np.fft.ifft(x, null, -1, 'ortho')],
    ['rfft n=8', () => [r.array([3, 8])], (x) => np.fft.rfft(x)],
    ['rfft n=7 forward', () => [r.array([7])], (x) => np.fft.rfft(x, null, -1, 'forward')],
    ['irfft n=8', () => [r.array([5, 2])], (x) => np.fft.irfft(x, 8)],
    ['irfft n=7', () => [r.array([2, 4, 2])], (x) => np.fft.irfft(x, 7)],
    ['irfft n=4 from 5 bins (cropped)', () => [r.array([5, 2])], (x) => np.fft.irfft(x, 4)],
    ['fft2 [3, 4]', () => [r.array([3, 4, 2])], (x) => np.fft.fft2(x)],
    ['rfftn [3, 6]', () => [r.array([3, 6])], (x) => np.fft.rfftn(x)],
    ['irfftn [4, 5]', () => [r.array([4, 3, 2])], (x) => np.fft.irfftn(x, [4, 5])],
    ['fft n=6 padded from 4', () => [r.array([4, 2])], (x) => np.fft.fft(x, 6)],
  ];
  for (const [label, args, f] of cases) checkGrads(f, args(), { label });
});

test('grad of a spectral energy: d/dx Σ|rfft(x)|² weights the bins as Parseval says', () => {
  // Σ_k |X_k|² over all n bins = n Σ x², so with the half spectrum: 2·(Σ_{k<m} w_k |X_k|²) where w = ½ at DC/Nyquist.
  const x = np.array(randomData(8), { dtype: 'float64' });
  const energy = (v: NDArray) => {
    const X = np.fft.rfft(v), w = np.array([0.5, 1, 1, 1, 0.5], { dtype: 'float64' }).reshape([5, 1]);
    return np.sum(np.multiply(np.multiply(X, X), w)).mul(2);
  };
  close(grad(energy)(x), x.dataSync().map((v) => 2 * 8 * v), 1e-12, 'Parseval gradient');
});

test('jit = eager and vmap = a loop over lanes', () => {
  const z = np.array(randomData(3 * 6 * 2), { dtype: 'float32' }).reshape([3, 6, 2]);
  const f = (x: NDArray) => np.fft.irfft(np.fft.fft(x), 10);
  assert.equal(Array.from(jit(f)(z).dataSync()), Array.from(f(z).dataSync()));
  const batched = vmap(f)(z);
  for (let i = 0; i < 3; i++) close(batched.get(i), f(z.get(i)).dataSync(), 1e-6, `vmap lane ${i}`);
  // A batch dim that is not leading.
  const moved = vmap((x: NDArray) => np.fft.rfft(x), { inAxes: 1 })(np.array(randomData(4 * 3), { dtype: 'float32' }).reshape([4, 3]));
  assert.equal(moved.shape, [3, 3, 2]);
});

test('fftfreq and rfftfreq as NumPy; fftshift and ifftshift invert each other', () => {
  close(np.fft.fftfreq(5, 0.5), [0, 0.4, 0.8, -0.8, -0.4], 1e-6, 'fftfreq 5');
  close(np.fft.fftfreq(4), [0, 0.25, -0.5, -0.25], 1e-7, 'fftfreq 4');
  close(np.fft.rfftfreq(5, 0.1), [0, 2, 4], 1e-6, 'rfftfreq 5');
  close(np.fft.rfftfreq(4), [0, 0.25, 0.5], 1e-7, 'rfftfreq 4');
  assert.equal(Array.from(np.fft.fftshift(np.fft.fftfreq(5)).dataSync()).map((v) => Math.round(v * 10) / 10), [-0.4, -0.2, 0, 0.2, 0.4]);
  assert.equal(Array.from(np.fft.fftshift(np.arange(6)).dataSync()), [3, 4, 5, 0, 1, 2]);
  assert.equal(Array.from(np.fft.ifftshift(np.fft.fftshift(np.arange(7))).dataSync()), [0, 1, 2, 3, 4, 5, 6]);
  const z = np.arange(6).reshape([3, 2]);
  assert.equal(Array.from(np.fft.fftshift(z, null, { complex: true }).dataSync()), [4, 5, 0, 1, 2, 3]);
  assert.equal(np.fft.fftfreq(3, 1, { dtype: 'float64' }).dtype, 'float64');
});

test('the pair form: complex, real, imag, abs, conj', () => {
  const z = np.fft.complex(np.array([3, 0]), np.array([4, -2]));
  assert.equal(z.shape, [2, 2]);
  assert.equal(Array.from(np.fft.real(z).dataSync()), [3, 0]);
  assert.equal(Array.from(np.fft.imag(z).dataSync()), [4, -2]);
  assert.equal(Array.from(np.fft.abs(z).dataSync()), [5, 2]);
  assert.equal(Array.from(np.fft.conj(z).dataSync()), [3, -4, 0, 2]);
  close(np.fft.fft(np.fft.complex(np.array([1, 2, 3, 4]))), [10, 0, -2, 2, -2, 0, -2, -2], 1e-6, 'fft of a real signal made complex');
});

test('bad input gets errors naming the function', () => {
  assert.throws(() => np.fft.fft(np.ones([4])), /np\.fft\.fft: expected a complex array .*f32\[4\].*rfft/);
  assert.throws(() => np.fft.fft(np.ones([4, 2]), 0), /np\.fft\.fft: invalid number of data points 0/);
  assert.throws(() => np.fft.fft(np.ones([4, 2]), null, 1), /np\.fft\.fft: .*axis 1/);
  assert.throws(() => np.fft.fft(np.ones([4, 2]), null, -1, 'sideways' as 'ortho'), /np\.fft\.fft: norm must be/);
  assert.throws(() => np.fft.fftn(np.ones([4, 3, 2]), [4], [0, 1]), /np\.fft\.fftn: s .*must have one length per transformed axis/);
  assert.throws(() => np.fft.fftn(np.ones([4, 3, 2]), null, [0, 0]), /np\.fft\.fftn: repeated axis/);
  assert.throws(() => np.fft.irfft(np.ones([1, 2])), /np\.fft\.irfft: invalid number of data points 0/);
  assert.throws(() => np.fft.fftfreq(0), /np\.fft\.fftfreq: invalid number of data points 0/);
  assert.throws(() => np.fft.fftfreq(4, 0), /np\.fft\.fftfreq: the sample spacing/);
});

test('torch.fft: fft, ifft, rfft, irfft on tensors, with backward through the tape', () => {
  const data = randomData(8);
  const x = torch.tensor(Array.from(data), { requiresGrad: true });
  const spec = torch.fft.rfft(x);
  close(spec.array, np.fft.rfft(np.array(data)).dataSync(), 1e-6, 'rfft');
  const back = torch.fft.irfft(spec, 8);
  close(back.array, data, 1e-5, 'irfft∘rfft');
  const z = torch.fft.ifft(torch.fft.fft(torch.stack([x, torch.zerosLike(x)], -1), null, -1, 'ortho'), null, -1, 'ortho');
  close(z.array, np.fft.complex(np.array(data)).dataSync(), 1e-5, 'ifft∘fft ortho');
  // d/dx Σ irfft(rfft(x))² = 2x.
  back.mul(back).sum().backward();
  close(x.grad!.array, data.map((v) => 2 * v), 1e-5, 'gradient');
  assert.is(spec.gradFn?.name(), 'FftR2CBackward0');
});

test.run();
