// np.fft: NumPy's discrete Fourier transforms over the one fft primitive (lax.fft), with NumPy's
// `n`/`s`, `axis`/`axes` and `norm` options, plus fftfreq, rfftfreq, fftshift and ifftshift.
//
// ## Complex values
// cotangent has no complex dtype. A complex array is a float32/float64 array with a trailing axis
// of 2 holding (real, imaginary): a complex array of shape [3, 8] is stored as [3, 8, 2]. Every
// function here that takes or returns complex values uses that form, and its `axis`/`axes` count
// the axes of the complex array, not the pair axis (axis -1 of a [3, 8, 2] array is the length-8
// axis). fft/ifft/fft2/ifft2/fftn/ifftn and irfft* take complex input; to transform a real signal
// use rfft* (the half spectrum, as NumPy's rfft) or make it complex with `np.fft.complex(re)`.
// `np.fft.real`, `np.fft.imag`, `np.fft.abs` and `np.fft.conj` read the pair form.
// Integer and bool inputs become float32 (as JAX's complex64); float64 stays float64.
import { ArrayLike, NDArray } from './array.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { fft as laxFft } from './fft.js';
import { axisOf, convertTo, describe, range, toArray, toFloatType } from './numpy-util.js';
import { showShape } from './shape.js';
import { roll } from './numpy-shape.js';

/** NumPy's normalization modes: 'backward' (default: 1/N on the inverse), 'ortho' (1/√N both ways), 'forward' (1/N on the forward). */
export type FftNorm = 'backward' | 'ortho' | 'forward';

function floatOf(op: string, a: ArrayLike): NDArray {
  const x = toArray(op, a);
  return convertTo(x, toFloatType(x.aval));
}
/** A complex operand: a float array whose trailing axis of 2 holds (re, im). */
function complexOf(op: string, a: ArrayLike): NDArray {
  const x = floatOf(op, a);
  if (x.ndim < 2 || x.shape[x.ndim - 1] !== 2) {
    throw new ShapeError(`${op}: expected a complex array (a float array with a trailing axis of 2 holding re and im, of at least one complex axis), got ${x.aval.str()}; for a real signal use np.fft.rfft or np.fft.complex(x)`);
  }
  return x;
}
function normOf(op: string, norm: unknown): FftNorm {
  if (norm === undefined || norm === null) return 'backward';
  if (norm === 'backward' || norm === 'ortho' || norm === 'forward') return norm;
  throw new ShapeError(`${op}: norm must be 'backward', 'ortho', 'forward' or null, got ${describe(norm)}`);
}
function lengthOf(op: string, n: unknown, what: string): number {
  if (!Number.isInteger(n) || (n as number) < 1) throw new ShapeError(`${op}: invalid number of data points ${typeof n === 'number' ? n : describe(n)} for ${what}; expected a positive integer`);
  return n as number;
}

/** x cut or zero-padded to `len` along `axis` (NumPy's `n`/`s`). */
function fitAxis(x: NDArray, axis: number, len: number): NDArray {
  const d = x.shape[axis]!;
  if (d === len) return x;
  if (d > len) return lax.slice(x, x.shape.map(() => 0), x.shape.map((v, i) => (i === axis ? len : v)));
  return lax.pad(x, lax.scalar(0, x.dtype, x.weakType), x.shape.map((_, i): [number, number, number] => [0, i === axis ? len - d : 0, 0]));
}

/** The scale NumPy's `norm` adds on top of the primitive's (which is 'backward'). */
function normScale(norm: FftNorm, inverse: boolean, N: number): number {
  if (norm === 'backward') return 1;
  if (norm === 'ortho') return inverse ? Math.sqrt(N) : 1 / Math.sqrt(N);
  return inverse ? N : 1 / N;
}
const scaled = (x: NDArray, s: number): NDArray => (s === 1 ? x : lax.mul(x, lax.full(x.shape, s, x.dtype, x.weakType)));

/** The axes and lengths of an n-d transform over a rank-`rank` (complex or real) array, as NumPy resolves `s` and `axes`. */
function axesAndLengths(op: string, s: unknown, axes: unknown, rank: number, shape: readonly number[], defaultLast?: (d: number) => number): [number[], number[]] {
  let list: number[];
  if (axes === undefined || axes === null) {
    if (s === undefined || s === null) list = range(rank);
    else {
      if (!Array.isArray(s)) throw new ShapeError(`${op}: s must be a list of lengths or null, got ${describe(s)}`);
      if (s.length > rank) throw new ShapeError(`${op}: s ${showShape(s)} has more entries than the array has axes (${rank})`);
      list = range(rank, rank - s.length);
    }
  } else {
    const given = typeof axes === 'number' ? [axes] : axes;
    if (!Array.isArray(given)) throw new ShapeError(`${op}: axes must be a list of integers or null, got ${describe(axes)}`);
    list = given.map((a) => axisOf(op, a, rank));
    if (new Set(list).size !== list.length) throw new ShapeError(`${op}: repeated axis in axes ${showShape(given)}`);
  }
  if (list.length === 0) throw new ShapeError(`${op}: no axes to transform (array of rank ${rank})`);
  let lengths: number[];
  if (s === undefined || s === null) {
    lengths = list.map((a, i) => (i === list.length - 1 && defaultLast ? defaultLast(shape[a]!) : shape[a]!));
  } else {
    if (!Array.isArray(s) || s.length !== list.length) throw new ShapeError(`${op}: s ${describe(s)} must have one length per transformed axis (${list.length})`);
    lengths = s.map((n, i) => lengthOf(op, n, `axis ${list[i]} (n or s)`));
  }
  lengths.forEach((n, i) => lengthOf(op, n, `axis ${list[i]} of an array of shape ${showShape(shape)}`));
  return [list, lengths];
}

/** The permutation moving `axes` (in order) to the end of a rank-`rank` array, the pair axis (if `pair`) staying last. */
function toEnd(axes: readonly number[], rank: number, pair: boolean): number[] {
  const rest = range(rank).filter((a) => !axes.includes(a));
  return [...rest, ...axes, ...(pair ? [rank] : [])];
}
const inversePerm = (p: readonly number[]) => { const q = new Array<number>(p.length); p.forEach((v, i) => { q[v] = i; }); return q; };

/** A complex n-d transform: fitted, moved to the trailing axes, transformed, moved back, normalized. */
function complexTransform(op: string, a: ArrayLike, s: unknown, axes: unknown, norm: unknown, inverse: boolean): NDArray {
  const x = complexOf(op, a), nm = normOf(op, norm), rank = x.ndim - 1;
  const [list, lengths] = axesAndLengths(op, s, axes, rank, x.shape);
  let y = x;
  list.forEach((ax, i) => { y = fitAxis(y, ax, lengths[i]!); });
  const perm = toEnd(list, rank, true);
  y = lax.transpose(laxFft(lax.transpose(y, perm), inverse ? 'ifft' : 'fft', lengths), inversePerm(perm));
  return scaled(y, normScale(nm, inverse, lengths.reduce((p, q) => p * q, 1)));
}

/** A real-input n-d transform: the last listed axis keeps bins 0..⌊n/2⌋. */
function realTransform(op: string, a: ArrayLike, s: unknown, axes: unknown, norm: unknown): NDArray {
  const x = floatOf(op, a), nm = normOf(op, norm), rank = x.ndim;
  if (rank === 0) throw new ShapeError(`${op}: expected an array of at least one axis, got ${x.aval.str()}`);
  const [list, lengths] = axesAndLengths(op, s, axes, rank, x.shape);
  let y = x;
  list.forEach((ax, i) => { y = fitAxis(y, ax, lengths[i]!); });
  const perm = toEnd(list, rank, false);
  y = lax.transpose(laxFft(lax.transpose(y, perm), 'rfft', lengths), inversePerm([...perm, rank]));
  return scaled(y, normScale(nm, false, lengths.reduce((p, q) => p * q, 1)));
}

/** The inverse of realTransform: the last listed axis is a half spectrum giving n = s[-1] (default 2·(m − 1)) real points. */
function realInverse(op: string, a: ArrayLike, s: unknown, axes: unknown, norm: unknown): NDArray {
  const x = complexOf(op, a), nm = normOf(op, norm), rank = x.ndim - 1;
  const [list, lengths] = axesAndLengths(op, s, axes, rank, x.shape, (m) => 2 * (m - 1));
  let y = x;
  list.forEach((ax, i) => { y = fitAxis(y, ax, i === list.length - 1 ? Math.floor(lengths[i]! / 2) + 1 : lengths[i]!); });
  const perm = toEnd(list, rank, true);
  y = lax.transpose(laxFft(lax.transpose(y, perm), 'irfft', lengths), inversePerm(perm.slice(0, -1)));
  return scaled(y, normScale(nm, true, lengths.reduce((p, q) => p * q, 1)));
}

const one = (n: unknown) => (n === undefined || n === null ? null : [n]);

/** NumPy's fft: the 1-d DFT of a complex array (trailing axis of 2) along `axis` (default -1, of the complex axes), cut or zero-padded to `n`. */
export const fft = (a: ArrayLike, n: number | null = null, axis = -1, norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.fft', a, one(n), [axis], norm, false);
/** NumPy's ifft: the inverse of fft (1/n under the default norm). */
export const ifft = (a: ArrayLike, n: number | null = null, axis = -1, norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.ifft', a, one(n), [axis], norm, true);
/** NumPy's fft2: fftn over `axes` (default the last two complex axes). */
export const fft2 = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] = [-2, -1], norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.fft2', a, s, axes, norm, false);
/** NumPy's ifft2: the inverse of fft2. */
export const ifft2 = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] = [-2, -1], norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.ifft2', a, s, axes, norm, true);
/** NumPy's fftn: the DFT over `axes` (default: the last len(s) complex axes, or all), each cut or padded to s. */
export const fftn = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] | null = null, norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.fftn', a, s, axes, norm, false);
/** NumPy's ifftn: the inverse of fftn. */
export const ifftn = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] | null = null, norm: FftNorm | null = null): NDArray =>
  complexTransform('np.fft.ifftn', a, s, axes, norm, true);

/** NumPy's rfft: the DFT of a real array along `axis`, bins 0..⌊n/2⌋ (complex: a trailing axis of 2). */
export const rfft = (a: ArrayLike, n: number | null = null, axis = -1, norm: FftNorm | null = null): NDArray =>
  realTransform('np.fft.rfft', a, one(n), [axis], norm);
/** NumPy's irfft: the real signal of length n (default 2·(m − 1)) whose rfft is the half spectrum `a`; the imaginary parts of DC and (even n) Nyquist are ignored. */
export const irfft = (a: ArrayLike, n: number | null = null, axis = -1, norm: FftNorm | null = null): NDArray =>
  realInverse('np.fft.irfft', a, one(n), [axis], norm);
/** NumPy's rfft2: rfftn over the last two axes. */
export const rfft2 = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] = [-2, -1], norm: FftNorm | null = null): NDArray =>
  realTransform('np.fft.rfft2', a, s, axes, norm);
/** NumPy's irfft2: the inverse of rfft2. */
export const irfft2 = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] = [-2, -1], norm: FftNorm | null = null): NDArray =>
  realInverse('np.fft.irfft2', a, s, axes, norm);
/** NumPy's rfftn: the DFT of a real array over `axes`, halved along the last. */
export const rfftn = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] | null = null, norm: FftNorm | null = null): NDArray =>
  realTransform('np.fft.rfftn', a, s, axes, norm);
/** NumPy's irfftn: the inverse of rfftn. */
export const irfftn = (a: ArrayLike, s: readonly number[] | null = null, axes: readonly number[] | null = null, norm: FftNorm | null = null): NDArray =>
  realInverse('np.fft.irfftn', a, s, axes, norm);

// ---- frequencies and shifts --------------------------------------------------------------------
function spacingOf(op: string, d: unknown): number {
  if (typeof d !== 'number' || !Number.isFinite(d) || d === 0) throw new ShapeError(`${op}: the sample spacing d must be a finite nonzero number, got ${describe(d)}`);
  return d;
}
/** NumPy's fftfreq: the frequency of each fft bin, [0, 1, …, ⌈n/2⌉−1, −⌊n/2⌋, …, −1] / (d·n) (float32 unless dtype says float64). */
export function fftfreq(n: number, d = 1.0, opts: { dtype?: 'float32' | 'float64' } = {}): NDArray {
  lengthOf('np.fft.fftfreq', n, 'the window length');
  const step = spacingOf('np.fft.fftfreq', d) * n, dtype = opts.dtype ?? 'float32';
  const k = lax.iota('int32', [n], 0), ceilHalf = Math.ceil(n / 2);
  const signed = lax.select(lax.lt(k, lax.full([n], ceilHalf, 'int32')), k, lax.sub(k, lax.full([n], n, 'int32')));
  return lax.div(lax.convertElementType(signed, dtype), lax.full([n], step, dtype));
}
/** NumPy's rfftfreq: the frequencies of the rfft bins, [0, 1, …, ⌊n/2⌋] / (d·n). */
export function rfftfreq(n: number, d = 1.0, opts: { dtype?: 'float32' | 'float64' } = {}): NDArray {
  lengthOf('np.fft.rfftfreq', n, 'the window length');
  const step = spacingOf('np.fft.rfftfreq', d) * n, dtype = opts.dtype ?? 'float32', m = Math.floor(n / 2) + 1;
  return lax.div(lax.iota(dtype, [m], 0), lax.full([m], step, dtype));
}

/** Options of fftshift/ifftshift: `complex: true` reads `x` as a complex array, so axes skip the trailing pair axis. */
export interface ShiftOptions {
  /** x is complex (a trailing axis of 2). */
  complex?: boolean;
}
function shift(op: string, x: ArrayLike, axes: number | readonly number[] | null, { complex = false }: ShiftOptions, dir: 1 | -1): NDArray {
  let a = toArray(op, x);
  if (complex && (a.ndim < 1 || a.shape[a.ndim - 1] !== 2)) throw new ShapeError(`${op}: complex: true needs a trailing axis of 2 (re, im), got ${a.aval.str()}`);
  const rank = complex ? a.ndim - 1 : a.ndim;
  const list = axes === null || axes === undefined ? range(rank) : (typeof axes === 'number' ? [axes] : [...axes]).map((ax) => axisOf(op, ax, rank));
  for (const ax of list) {
    const n = a.shape[ax]!;
    a = roll(a, dir === 1 ? Math.floor(n / 2) : -Math.floor(n / 2), ax);
  }
  return a;
}
/**
 * NumPy's fftshift: the zero-frequency bin moved to the centre of each axis in `axes` (default
 * all). On a complex array (trailing pair axis) pass `{ complex: true }` (or explicit axes), or
 * the pair axis is shifted too, as NumPy would shift any axis of size 2.
 */
export const fftshift = (x: ArrayLike, axes: number | readonly number[] | null = null, opts: ShiftOptions = {}): NDArray => shift('np.fft.fftshift', x, axes, opts, 1);
/** NumPy's ifftshift: the inverse of fftshift (they differ for odd lengths). */
export const ifftshift = (x: ArrayLike, axes: number | readonly number[] | null = null, opts: ShiftOptions = {}): NDArray => shift('np.fft.ifftshift', x, axes, opts, -1);

// ---- the complex pair form ---------------------------------------------------------------------
/** A complex array from its real part and (optionally) imaginary part: stacks them on a new trailing axis of 2. */
export function complex(re: ArrayLike, im?: ArrayLike): NDArray {
  const r = floatOf('np.fft.complex', re);
  const i = im === undefined ? lax.zerosLike(r) : floatOf('np.fft.complex', im);
  if (r.dtype !== i.dtype || r.ndim !== i.ndim || r.shape.some((d, k) => d !== i.shape[k])) {
    throw new ShapeError(`np.fft.complex: the real and imaginary parts must share a shape and dtype, got ${r.aval.str()} and ${i.aval.str()}`);
  }
  const pair = [...r.shape, 1];
  return lax.concatenate([lax.reshape(r, pair), lax.reshape(convertTo(i, r.aval), pair)], r.ndim);
}
function part(op: string, z: ArrayLike, k: 0 | 1): NDArray {
  const x = toArray(op, z);
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== 2) throw new ShapeError(`${op}: expected a complex array (a trailing axis of 2 holding re and im), got ${x.aval.str()}`);
  return lax.reshape(lax.slice(x, x.shape.map((_, i) => (i === x.ndim - 1 ? k : 0)), x.shape.map((d, i) => (i === x.ndim - 1 ? k + 1 : d))), x.shape.slice(0, -1));
}
/** The real part of a complex array (its trailing pair axis dropped). */
export const real = (z: ArrayLike): NDArray => part('np.fft.real', z, 0);
/** The imaginary part of a complex array. */
export const imag = (z: ArrayLike): NDArray => part('np.fft.imag', z, 1);
/** |z| of a complex array, √(re² + im²). */
export function abs(z: ArrayLike): NDArray {
  const r = part('np.fft.abs', z, 0), i = part('np.fft.abs', z, 1);
  return lax.sqrt(lax.add(lax.mul(r, r), lax.mul(i, i)));
}
/** The complex conjugate (the imaginary part negated). */
export function conj(z: ArrayLike): NDArray {
  const x = complexOf('np.fft.conj', z);
  const sign = lax.broadcastInDim(lax.concatenate([lax.full([1], 1, x.dtype), lax.full([1], -1, x.dtype)], 0), x.shape, [x.ndim - 1]);
  return lax.mul(x, sign);
}
