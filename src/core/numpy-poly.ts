// Polynomial fitting, division and roots (NumPy's/JAX's polyfit, polydiv, roots; coefficients highest power first).
//
// polyfit is a least-squares solve (np.linalg.lstsq, the SVD primitive) of the column-scaled
// Vandermonde system, as NumPy and JAX scale it; polydiv is long division unrolled over the static
// degrees. Both are differentiable and run under jit. roots needs eigenvalues of a non-symmetric
// matrix (NumPy's companion-matrix eig), which the library does not have: it finds the roots on
// the host (Aberth–Ehrlich iteration in float64, then a Newton polish), so it is eager only and
// returns complex values as a trailing axis of 2 (real, imaginary), as np.fft does.
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { lstsq } from './np-linalg.js';
import { vander } from './numpy-matrix.js';
import { convertTo, describe, hostValueOrNull, resultType, toArray, toFloatType } from './numpy-util.js';
import { showShape } from './shape.js';

const EPS: Record<string, number> = { float16: 2 ** -10, float32: 2 ** -23, float64: 2 ** -52 };

/** Options of np.polyfit, as NumPy's keywords. */
export interface PolyfitOptions {
  /** Singular values below rcond·s_max are dropped (default len(x)·eps, as NumPy). */
  rcond?: number;
  /** Weights applied to the residuals (w[i]·(y[i] − p(x[i]))), as NumPy's `w`. */
  w?: ArrayLike;
  /** Also return [residuals, rank, singular values, rcond], as NumPy's full=True. */
  full?: boolean;
}

/**
 * The least-squares polynomial of degree `deg` through (x, y): coefficients highest power first.
 * y may be 2-d (one fit per column). With `full`, returns [p, residuals, rank, singularValues, rcond].
 */
export function polyfit(x: ArrayLike, y: ArrayLike, deg: number, opts: PolyfitOptions & { full: true }): [NDArray, NDArray, NDArray, NDArray, number];
export function polyfit(x: ArrayLike, y: ArrayLike, deg: number, opts?: PolyfitOptions): NDArray;
export function polyfit(x: ArrayLike, y: ArrayLike, deg: number, opts: PolyfitOptions = {}): NDArray | [NDArray, NDArray, NDArray, NDArray, number] {
  const fn = 'polyfit';
  if (!Number.isInteger(deg) || deg < 0) throw new TypeError(`${fn}: deg must be a non-negative integer, got ${describe(deg)}`);
  const x0 = toArray(fn, x), y0 = toArray(fn, y);
  if (x0.ndim !== 1) throw new ShapeError(`${fn}: x must be 1-d, got shape ${showShape(x0.shape)}`);
  if (x0.shape[0] === 0) throw new ShapeError(`${fn}: x must not be empty`);
  if (y0.ndim < 1 || y0.ndim > 2 || y0.shape[0] !== x0.shape[0]) throw new ShapeError(`${fn}: y must be 1-d or 2-d with x's length ${x0.shape[0]} first, got shape ${showShape(y0.shape)}`);
  const t = toFloatType(resultType([x0, y0]));
  const xs = convertTo(x0, t), ys = convertTo(y0, t);
  const n = xs.shape[0]!, order = deg + 1;
  const rcond = opts.rcond ?? n * (EPS[t.dtype] ?? EPS.float32!);
  let lhs = vander(xs, order);
  let rhs = ys;
  if (opts.w !== undefined) {
    const w = convertTo(toArray(fn, opts.w), t);
    if (w.ndim !== 1 || w.shape[0] !== n) throw new ShapeError(`${fn}: w must be 1-d with x's length ${n}, got shape ${showShape(w.shape)}`);
    lhs = lax.mul(lhs, lax.broadcastInDim(w, lhs.shape, [0]));
    rhs = lax.mul(rhs, lax.broadcastInDim(w, rhs.shape, [0]));
  }
  // Scale the columns to unit norm (NumPy's conditioning), solve, and undo the scaling.
  const scale = lax.sqrt(lax.reduceSum(lax.mul(lhs, lhs), [0]));
  const safe = lax.select(lax.eq(scale, lax.fullLike(scale, 0)), lax.fullLike(scale, 1), scale);
  const [c0, resids, rank, s] = lstsq(lax.div(lhs, lax.broadcastInDim(safe, lhs.shape, [1])), rhs, rcond);
  const c = lax.div(c0, lax.broadcastInDim(safe, c0.shape, [0]));
  return opts.full ? [c, resids, rank, s, rcond] : c;
}

/**
 * Polynomial long division: [quotient, remainder] with u = q·v + r (JAX's polydiv with
 * trim_leading_zeros false: r keeps u's length, its leading entries zero). v[0] must be nonzero.
 */
export function polydiv(u: ArrayLike, v: ArrayLike): [NDArray, NDArray] {
  const fn = 'polydiv';
  const a = toArray(fn, u), b = toArray(fn, v);
  if (a.ndim !== 1 || b.ndim !== 1) throw new ShapeError(`${fn}: coefficients must be 1-d, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  if (b.shape[0] === 0) throw new ShapeError(`${fn}: the divisor has no coefficients`);
  const t = toFloatType(resultType([a, b]));
  const uu = convertTo(a, t), vv = convertTo(b, t);
  const m = uu.shape[0]! - 1, n = vv.shape[0]! - 1;
  const scale = lax.div(lax.full([], 1, t.dtype), lax.reshape(lax.slice(vv, [0], [1]), []));
  let r = uu;
  const q: NDArray[] = [];
  for (let k = 0; k <= m - n; k++) {
    const d = lax.mul(scale, lax.reshape(lax.slice(r, [k], [k + 1]), []));
    q.push(lax.reshape(d, [1]));
    // r[k : k+n+1] -= d·v, written as one padded subtraction.
    const dv = lax.mul(lax.broadcastInDim(d, vv.shape, []), vv);
    r = lax.sub(r, lax.pad(dv, lax.scalar(0, t.dtype), [[k, m - n - k, 0]]));
  }
  const quotient = q.length ? lax.concatenate(q, 0) : lax.full([1], 0, t.dtype);
  return [quotient, r];
}

// ---- roots (host) -----------------------------------------------------------------------------------
type C = [number, number];
const cmul = (a: C, b: C): C => [a[0] * b[0] - a[1] * b[1], a[0] * b[1] + a[1] * b[0]];
const cdiv = (a: C, b: C): C => { const d = b[0] * b[0] + b[1] * b[1]; return [(a[0] * b[0] + a[1] * b[1]) / d, (a[1] * b[0] - a[0] * b[1]) / d]; };
/** p(z) and p'(z) by Horner's rule (p highest power first, p[0] = 1). */
function horner(p: readonly number[], z: C): [C, C] {
  let f: C = [p[0]!, 0], df: C = [0, 0];
  for (let i = 1; i < p.length; i++) { df = [df[0] * z[0] - df[1] * z[1] + f[0], df[0] * z[1] + df[1] * z[0] + f[1]]; f = cmul(f, z); f = [f[0] + p[i]!, f[1]]; }
  return [f, df];
}

/**
 * The roots of a polynomial (highest power first; leading zeros stripped, as NumPy), as an
 * [n, 2] array of (real, imaginary) parts, sorted by real part then imaginary part, descending.
 * Trailing zero coefficients are roots at 0. Eager only: the iteration runs on the host.
 */
export function roots(p: ArrayLike): NDArray {
  const fn = 'roots';
  const a = toArray(fn, p);
  if (a.ndim !== 1) throw new ShapeError(`${fn}: coefficients must be 1-d, got shape ${showShape(a.shape)}`);
  const host = hostValueOrNull(a);
  if (!host) throw new TypeError(`${fn}: the number of roots depends on the values (leading zeros are stripped) and they are found on the host; call it on a concrete CPU array, not ${a.aval.str()} under a transform or on another backend`);
  const dtype = isFloat(a.dtype) ? a.dtype : 'float32';
  let c = Array.from(host.dataSync(), Number);
  if (c.some((v) => !Number.isFinite(v))) throw new RangeError(`${fn}: the coefficients must be finite, got [${c.join(', ')}]`);
  while (c.length && c[0] === 0) c = c.slice(1);
  let zerosAtOrigin = 0;
  while (c.length > 1 && c[c.length - 1] === 0) { c = c.slice(0, -1); zerosAtOrigin++; }
  const found: C[] = [];
  const n = c.length - 1;
  if (n > 0) {
    const monic = c.map((v) => v / c[0]!);
    // Start on a circle of the Cauchy bound's radius, at angles off the real axis (so conjugate pairs can split).
    const radius = 1 + Math.max(...monic.slice(1).map(Math.abs));
    let z: C[] = Array.from({ length: n }, (_, k) => { const th = (2 * Math.PI * k) / n + 0.4; return [radius * Math.cos(th), radius * Math.sin(th)]; });
    for (let iter = 0; iter < 1000; iter++) {
      let moved = 0;
      const next = z.map((zi, i) => {
        const [f, df] = horner(monic, zi);
        if (f[0] === 0 && f[1] === 0) return zi;
        const ratio = cdiv(f, df);
        let sum: C = [0, 0];
        for (let j = 0; j < n; j++) if (j !== i) { const d = cdiv([1, 0], [zi[0] - z[j]![0], zi[1] - z[j]![1]]); sum = [sum[0] + d[0], sum[1] + d[1]]; }
        const w = cdiv(ratio, [1 - (ratio[0] * sum[0] - ratio[1] * sum[1]), -(ratio[0] * sum[1] + ratio[1] * sum[0])]);
        moved = Math.max(moved, Math.hypot(w[0], w[1]) / Math.max(1, Math.hypot(zi[0], zi[1])));
        return [zi[0] - w[0], zi[1] - w[1]] as C;
      });
      z = next;
      if (moved < 1e-15) break;
    }
    // A real polynomial's roots are real or in conjugate pairs. A multiple real root comes out as
    // a cluster off the axis by ~eps^(1/multiplicity): snap an imaginary part to 0 where it is small
    // and the real point is as good a root (|p(re)| no larger than |p(z)|).
    const size = (v: C): number => Math.hypot(v[0], v[1]);
    for (const zi of z) {
      const small = Math.abs(zi[1]) <= 1e-5 * Math.max(1, Math.abs(zi[0]));
      found.push(small && size(horner(monic, [zi[0], 0])[0]) <= 2 * size(horner(monic, zi)[0]) + Number.MIN_VALUE ? [zi[0], 0] : zi);
    }
  }
  for (let k = 0; k < zerosAtOrigin; k++) found.push([0, 0]);
  found.sort((u, v) => v[0] - u[0] || v[1] - u[1]);
  const out = dtype === 'float64' ? new Float64Array(2 * found.length) : new Float32Array(2 * found.length);
  found.forEach(([re, im], i) => { out[2 * i] = re; out[2 * i + 1] = im; });
  return convertTo(concreteFromTyped(out, new ShapedArray([found.length, 2], dtype === 'float64' ? 'float64' : 'float32')), { dtype, weakType: false });
}
