// The fft primitive on the CPU: 1-d transforms along each signal axis in turn, computed in float64
// work arrays. Power-of-two lengths run a Stockham radix-2 FFT (self-sorting, no bit reversal);
// other lengths Bluestein's chirp-z algorithm, which turns a length-n DFT into a circular
// convolution of power-of-two length m ≥ 2n−1 (so every length costs O(n log n), never n²).
// Complex data is interleaved (re, im), as the primitive's trailing axis of 2 stores it.
import { allocTyped, DType, TypedArray } from '../../core/dtype.js';
import { FftParams } from '../../core/primitives.js';
import type { CpuKernel } from './kernels.js';

const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;

/** An in-place unnormalized 1-d DFT of (re, im), sign −1 (forward) or +1 (inverse). */
interface Plan1d { run(re: Float64Array, im: Float64Array, sign: 1 | -1): void }

/** Stockham radix-2: log2 n passes, each reading a and writing b (then swapping), twiddles e^{−2πik/n}. */
class Stockham implements Plan1d {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly bre: Float64Array;
  private readonly bim: Float64Array;
  constructor(private readonly n: number) {
    this.cos = new Float64Array(n / 2);
    this.sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) { this.cos[k] = Math.cos((2 * Math.PI * k) / n); this.sin[k] = Math.sin((2 * Math.PI * k) / n); }
    this.bre = new Float64Array(n);
    this.bim = new Float64Array(n);
  }
  run(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
    const n = this.n, half = n / 2;
    if (n === 1) return;
    let ar = re, ai = im, br = this.bre, bi = this.bim;
    // Pass with sub-transform size s: y[(j/s)·2s + j%s (+ s)] = x[j] ± w·x[j + n/2], w = e^{∓iπ(j%s)/s}.
    for (let s = 1; s < n; s *= 2) {
      const step = half / s;
      // Block b of sub-transforms: j = b·s + k reads x[j], x[j + n/2] and writes y[b·2s + k], y[b·2s + k + s].
      for (let b = 0; b < half / s; b++) {
        const j0 = b * s, d0 = 2 * j0;
        for (let k = 0; k < s; k++) {
          const t = k * step, wr = this.cos[t]!, wi = sign * this.sin[t]!;
          const j = j0 + k, xr = ar[j + half]!, xi = ai[j + half]!;
          const vr = xr * wr - xi * wi, vi = xr * wi + xi * wr;
          const ur = ar[j]!, ui = ai[j]!, d = d0 + k;
          br[d] = ur + vr; bi[d] = ui + vi;
          br[d + s] = ur - vr; bi[d + s] = ui - vi;
        }
      }
      [ar, br] = [br, ar];
      [ai, bi] = [bi, ai];
    }
    if (ar !== re) { re.set(ar); im.set(ai); }
  }
}

/**
 * Bluestein: X_k = w_k · Σ_j (x_j w_j) · conj(w_{k−j}), w_k = e^{−iπk²/n}, the sum a circular
 * convolution of length m done by three power-of-two FFTs (the chirp's transform is precomputed).
 * k² is reduced mod 2n before the angle is formed, so large k keep full accuracy.
 */
class Bluestein implements Plan1d {
  private readonly m: number;
  private readonly inner: Stockham;
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;
  private readonly bre: Float64Array;
  private readonly bim: Float64Array;
  private readonly are: Float64Array;
  private readonly aim: Float64Array;
  constructor(private readonly n: number) {
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.m = m;
    this.inner = planFor(m) as Stockham;
    this.wr = new Float64Array(n); this.wi = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      this.wr[k] = Math.cos(a); this.wi[k] = -Math.sin(a);
    }
    this.bre = new Float64Array(m); this.bim = new Float64Array(m);
    for (let k = 0; k < n; k++) {
      this.bre[k] = this.wr[k]!; this.bim[k] = -this.wi[k]!;
      if (k > 0) { this.bre[m - k] = this.wr[k]!; this.bim[m - k] = -this.wi[k]!; }
    }
    this.inner.run(this.bre, this.bim, -1);
    this.are = new Float64Array(m); this.aim = new Float64Array(m);
  }
  run(re: Float64Array, im: Float64Array, sign: 1 | -1): void {
    const { n, m, wr, wi, are, aim, bre, bim } = this;
    // The inverse DFT is the conjugate of the forward DFT of the conjugate.
    for (let k = 0; k < n; k++) {
      const xr = re[k]!, xi = -sign * im[k]!;
      are[k] = xr * wr[k]! - xi * wi[k]!; aim[k] = xr * wi[k]! + xi * wr[k]!;
    }
    are.fill(0, n); aim.fill(0, n);
    this.inner.run(are, aim, -1);
    for (let k = 0; k < m; k++) {
      const ar = are[k]!, ai = aim[k]!;
      are[k] = ar * bre[k]! - ai * bim[k]!; aim[k] = ar * bim[k]! + ai * bre[k]!;
    }
    this.inner.run(are, aim, 1);
    for (let k = 0; k < n; k++) {
      const cr = are[k]! / m, ci = aim[k]! / m;
      re[k] = cr * wr[k]! - ci * wi[k]!; im[k] = -sign * (cr * wi[k]! + ci * wr[k]!);
    }
  }
}

const plans = new Map<number, Plan1d>();
function planFor(n: number): Plan1d {
  let p = plans.get(n);
  if (!p) {
    p = isPow2(n) ? new Stockham(n) : new Bluestein(n);
    if (plans.size > 64) plans.delete(plans.keys().next().value!);
    plans.set(n, p);
  }
  return p;
}

/** Transforms interleaved complex `data` of signal shape [outer, n, inner] along the middle axis, in place. */
function transformAxis(data: Float64Array, outer: number, n: number, inner: number, sign: 1 | -1): void {
  const plan = planFor(n), re = new Float64Array(n), im = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      for (let j = 0; j < n; j++) { const at = 2 * (base + j * inner); re[j] = data[at]!; im[j] = data[at + 1]!; }
      plan.run(re, im, sign);
      for (let j = 0; j < n; j++) { const at = 2 * (base + j * inner); data[at] = re[j]!; data[at + 1] = im[j]!; }
    }
  }
}

/** Complex transforms along signal axes `axes` (indices into `shape`, the complex array's shape without the pair axis). */
function transformAxes(data: Float64Array, shape: readonly number[], axes: readonly number[], sign: 1 | -1): void {
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  for (const a of axes) transformAxis(data, prod(shape.slice(0, a)), shape[a]!, prod(shape.slice(a + 1)), sign);
}

function toOut(work: Float64Array, dtype: DType, scale: number): TypedArray {
  const out = allocTyped(dtype, work.length);
  for (let i = 0; i < work.length; i++) out[i] = work[i]! * scale;
  return out;
}

export const fft: CpuKernel<'fft'> = ([x], { fftType, fftLengths: L }: FftParams, [xa], [oa]) => {
  const k = L.length, N = L.reduce((a, b) => a * b, 1), n = L[k - 1]!, m = Math.floor(n / 2) + 1;
  if (oa!.size === 0) return [allocTyped(oa!.dtype, 0)];
  switch (fftType) {
    case 'fft': case 'ifft': {
      const shape = xa!.shape.slice(0, -1), work = Float64Array.from(x!);
      transformAxes(work, shape, shape.map((_, i) => i).slice(-k), fftType === 'fft' ? -1 : 1);
      return [toOut(work, oa!.dtype, fftType === 'fft' ? 1 : 1 / N)];
    }
    case 'rfft': {
      // The last axis as full complex transforms of the real lanes, keeping bins 0..⌊n/2⌋; then the others.
      const lanes = xa!.size / n, work = new Float64Array(lanes * m * 2);
      const plan = planFor(n), re = new Float64Array(n), im = new Float64Array(n);
      for (let l = 0; l < lanes; l++) {
        for (let j = 0; j < n; j++) re[j] = x![l * n + j]!;
        im.fill(0);
        plan.run(re, im, -1);
        for (let j = 0; j < m; j++) { work[2 * (l * m + j)] = re[j]!; work[2 * (l * m + j) + 1] = im[j]!; }
      }
      const shape = oa!.shape.slice(0, -1);
      transformAxes(work, shape, shape.map((_, i) => i).slice(-k, -1), -1);
      return [toOut(work, oa!.dtype, 1)];
    }
    case 'irfft': {
      // Inverse transforms along the other axes first, then the last axis from its Hermitian extension.
      const shape = xa!.shape.slice(0, -1), work = Float64Array.from(x!);
      transformAxes(work, shape, shape.map((_, i) => i).slice(-k, -1), 1);
      const lanes = work.length / (2 * m), out = allocTyped(oa!.dtype, lanes * n);
      const plan = planFor(n), re = new Float64Array(n), im = new Float64Array(n);
      for (let l = 0; l < lanes; l++) {
        for (let j = 0; j < m; j++) { re[j] = work[2 * (l * m + j)]!; im[j] = work[2 * (l * m + j) + 1]!; }
        // DC and (even n) Nyquist are real in a Hermitian spectrum: their imaginary parts are ignored, as NumPy's c2r does.
        im[0] = 0;
        if (n % 2 === 0) im[n / 2] = 0;
        for (let j = m; j < n; j++) { re[j] = re[n - j]!; im[j] = -im[n - j]!; }
        plan.run(re, im, 1);
        for (let j = 0; j < n; j++) out[l * n + j] = re[j]! / N;
      }
      return [out];
    }
  }
};
