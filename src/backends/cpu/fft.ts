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

/**
 * Real transforms of length n along one lane. Even n packs the signal into a complex one of
 * length h = n/2 (z_j = x_2j + i·x_2j+1), transforms that, and untangles the even and odd halves:
 * X_k = E_k + W^k·O_k with E_k = (Z_k + conj Z_{h−k})/2, O_k = (Z_k − conj Z_{h−k})/2i, W = e^{−2πi/n};
 * the inverse runs the same steps backwards (half the work of a complex transform of length n).
 * Odd n transforms the signal as a complex one.
 */
class RealPlan {
  private readonly h: number;
  private readonly half: Plan1d | null;
  private readonly full: Plan1d | null;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  constructor(private readonly n: number) {
    const even = n % 2 === 0 && n >= 4;
    this.h = even ? n / 2 : n;
    this.half = even ? planFor(this.h) : null;
    this.full = even ? null : planFor(n);
    this.cos = new Float64Array(this.h + 1); this.sin = new Float64Array(this.h + 1);
    for (let k = 0; k <= this.h; k++) { this.cos[k] = Math.cos((2 * Math.PI * k) / n); this.sin[k] = Math.sin((2 * Math.PI * k) / n); }
    this.re = new Float64Array(even ? this.h : n); this.im = new Float64Array(even ? this.h : n);
  }
  /** Bins 0..⌊n/2⌋ of the DFT of x[from..from+n) into interleaved `out` at `at`. */
  forward(x: TypedArray, from: number, out: Float64Array, at: number): void {
    const { n, h, re, im } = this, m = Math.floor(n / 2) + 1;
    if (!this.half) {
      for (let j = 0; j < n; j++) re[j] = x[from + j]!;
      im.fill(0);
      this.full!.run(re, im, -1);
      for (let j = 0; j < m; j++) { out[at + 2 * j] = re[j]!; out[at + 2 * j + 1] = im[j]!; }
      return;
    }
    for (let j = 0; j < h; j++) { re[j] = x[from + 2 * j]!; im[j] = x[from + 2 * j + 1]!; }
    this.half.run(re, im, -1);
    for (let k = 0; k <= h; k++) {
      const a = k % h, b = (h - k) % h;
      const ar = re[a]!, ai = im[a]!, br = re[b]!, bi = -im[b]!; // Z_k and conj Z_{h−k}
      const er = (ar + br) / 2, ei = (ai + bi) / 2, or = (ai - bi) / 2, oi = -(ar - br) / 2;
      const wr = this.cos[k]!, wi = -this.sin[k]!;
      out[at + 2 * k] = er + wr * or - wi * oi; out[at + 2 * k + 1] = ei + wr * oi + wi * or;
    }
  }
  /** n times the real signal whose bins 0..⌊n/2⌋ are interleaved in `spec` at `at` (DC's and Nyquist's imaginary parts ignored). */
  inverse(spec: Float64Array, at: number, out: Float64Array): void {
    const { n, h, re, im } = this, m = Math.floor(n / 2) + 1;
    const X = (k: number, part: 0 | 1) => (part === 1 && (k === 0 || 2 * k === n) ? 0 : spec[at + 2 * k + part]!);
    if (!this.half) {
      for (let j = 0; j < m; j++) { re[j] = X(j, 0); im[j] = X(j, 1); }
      for (let j = m; j < n; j++) { re[j] = re[n - j]!; im[j] = -im[n - j]!; }
      this.full!.run(re, im, 1);
      for (let j = 0; j < n; j++) out[j] = re[j]!;
      return;
    }
    for (let k = 0; k < h; k++) {
      const ar = X(k, 0), ai = X(k, 1), br = X(h - k, 0), bi = -X(h - k, 1); // X_k and conj X_{h−k}
      const er = (ar + br) / 2, ei = (ai + bi) / 2, dr = (ar - br) / 2, di = (ai - bi) / 2;
      // O_k = W^{−k}·(X_k − conj X_{h−k})/2, then Z_k = E_k + i·O_k.
      const wr = this.cos[k]!, wi = this.sin[k]!;
      const or = dr * wr - di * wi, oi = dr * wi + di * wr;
      re[k] = er - oi; im[k] = ei + or;
    }
    this.half.run(re, im, 1);
    for (let j = 0; j < h; j++) { out[2 * j] = 2 * re[j]!; out[2 * j + 1] = 2 * im[j]!; }
  }
}
const realPlans = new Map<number, RealPlan>();
function realPlanFor(n: number): RealPlan {
  let p = realPlans.get(n);
  if (!p) {
    p = new RealPlan(n);
    if (realPlans.size > 64) realPlans.delete(realPlans.keys().next().value!);
    realPlans.set(n, p);
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
      const real = realPlanFor(n);
      for (let l = 0; l < lanes; l++) real.forward(x!, l * n, work, 2 * l * m);
      const shape = oa!.shape.slice(0, -1);
      transformAxes(work, shape, shape.map((_, i) => i).slice(-k, -1), -1);
      return [toOut(work, oa!.dtype, 1)];
    }
    case 'irfft': {
      // Inverse transforms along the other axes first, then the last axis from its Hermitian extension.
      const shape = xa!.shape.slice(0, -1), work = Float64Array.from(x!);
      transformAxes(work, shape, shape.map((_, i) => i).slice(-k, -1), 1);
      const lanes = work.length / (2 * m), out = allocTyped(oa!.dtype, lanes * n);
      const real = realPlanFor(n), lane = new Float64Array(n);
      for (let l = 0; l < lanes; l++) {
        real.inverse(work, 2 * l * m, lane);
        for (let j = 0; j < n; j++) out[l * n + j] = lane[j]! / N;
      }
      return [out];
    }
  }
};
