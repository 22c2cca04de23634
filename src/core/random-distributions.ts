// More of jax.random's distributions, each a transform of uniform/normal bits as JAX writes it
// (so the same key gives JAX's numbers wherever the underlying uniform/normal do).
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { DType, isFloat } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import * as linalg from './linalg.js';
import { diagonal } from './numpy-matrix.js';
import * as lax from './lax.js';
import { cumsum } from './lax-scan.js';
import { broadcastShapesOf, checkDtype, convertTo, describe, hostValueOrNull, shapeOf, toArray } from './numpy-util.js';
import { erfinv } from './numpy.js';
import { bernoulli, normal, split, uniform } from './random.js';
import { bind } from './interpreter.js';
import { showShape, sizeOf } from './shape.js';

function floatDtype(op: string, dtype: unknown): DType {
  const d = checkDtype(`random.${op}`, dtype ?? 'float32');
  if (!isFloat(d)) throw new DTypeError(`random.${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}
/** The sample shape: given, or the broadcast of the parameters' shapes. */
function sampleShape(op: string, shape: number | readonly number[] | undefined, params: readonly NDArray[]): number[] {
  const joint = broadcastShapesOf(`random.${op}`, params.map((p) => p.shape));
  if (shape === undefined) return [...joint];
  const s = shapeOf(`random.${op}`, shape);
  broadcastShapesOf(`random.${op}`, [s, joint]);
  if (broadcastShapesOf(`random.${op}`, [s, joint]).join() !== s.join()) {
    throw new ShapeError(`random.${op}: the parameters' shape ${showShape(joint)} does not broadcast to the sample shape ${showShape(s)}`);
  }
  return s;
}
const param = (op: string, v: ArrayLike, dtype: DType, shape: readonly number[]): NDArray => {
  const a = convertTo(toArray(`random.${op}`, v), { dtype, weakType: false });
  return lax.broadcastInDim(a, shape, a.shape.map((_, i) => shape.length - a.ndim + i));
};
const nextAfter32 = (x: number, toward: number): number => {
  if (x === toward || !Number.isFinite(x)) return x;
  const f = new Float32Array([x]), u = new Uint32Array(f.buffer);
  if (x === 0) { u[0] = 1; return toward > 0 ? f[0]! : -f[0]!; }
  u[0] = (x < toward) === (x > 0) ? u[0]! + 1 : u[0]! - 1;
  return f[0]!;
};

const nextAfter64 = (x: number, toward: number): number => {
  if (x === toward || !Number.isFinite(x)) return x;
  const f = new Float64Array([x]), u = new BigUint64Array(f.buffer);
  if (x === 0) { u[0] = 1n; return toward > 0 ? f[0]! : -f[0]!; }
  u[0] = (x < toward) === (x > 0) ? u[0]! + 1n : u[0]! - 1n;
  return f[0]!;
};

/**
 * Standard normal samples truncated to [lower, upper], JAX's inverse-CDF method:
 * √2·erfinv(u) for u uniform on (erf(lower/√2), erf(upper/√2)), clipped inside the bounds.
 */
export function truncatedNormal(k: NDArray, lower: ArrayLike, upper: ArrayLike, shape?: number | readonly number[], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('truncatedNormal', opts.dtype);
  const lo0 = toArray('random.truncatedNormal', lower), hi0 = toArray('random.truncatedNormal', upper);
  const s = sampleShape('truncatedNormal', shape, [lo0, hi0]);
  const lo = param('truncatedNormal', lo0, dtype, s), hi = param('truncatedNormal', hi0, dtype, s);
  const c = (v: number) => lax.full(s, v, dtype);
  const a = lax.erf(lax.mul(lo, c(Math.SQRT1_2))), b = lax.erf(lax.mul(hi, c(Math.SQRT1_2)));
  const u = uniform(k, s, { minval: a, maxval: b, dtype });
  const out = lax.mul(c(Math.SQRT2), erfinv(u));
  // Clip strictly inside, to nextafter(lower, +∞) and nextafter(upper, −∞) as JAX; bounds whose
  // values are not known here (traced) clip to the closed interval.
  return lax.min(lax.max(out, nudged(lo, Infinity)), nudged(hi, -Infinity));
}

/** x moved one float32 step toward `toward`, element by element, where its values are known. */
function nudged(x: NDArray, toward: number): NDArray {
  const v = hostValueOrNull(x);
  if (!v) return x;
  if (x.dtype === 'float64') return concreteFromTyped(Float64Array.from(v.dataSync(), (e) => nextAfter64(Number(e), toward)), new ShapedArray(x.shape, 'float64'));
  return concreteFromTyped(Float32Array.from(v.dataSync(), (e) => nextAfter32(Number(e), toward)), new ShapedArray(x.shape, 'float32'));
}

/**
 * Uniformly random (Haar) orthogonal n×n matrices, `shape` of them: Q of the QR of a standard
 * normal matrix, each column's sign fixed by R's diagonal (JAX's random.orthogonal). The QR is
 * the linalg primitive, so this runs under jit and vmap, with a traced key, on every backend.
 */
export function orthogonal(k: NDArray, n: number, shape: number | readonly number[] = [], opts: { dtype?: DType } = {}): NDArray {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`random.orthogonal: n must be a non-negative integer, got ${describe(n)}`);
  const dtype = floatDtype('orthogonal', opts.dtype);
  const s = shapeOf('random.orthogonal', shape);
  const z = normal(k, [...s, n, n], { dtype: 'float32' });
  return convertTo(orthonormalColumns(dtype === 'float64' ? convertTo(z, { dtype: 'float64', weakType: false }) : z), { dtype, weakType: false });
}

/**
 * For a batch of m×n matrices (m ≥ n): Q·diag(sign(diag R)) of each reduced QR (a zero diagonal
 * entry counts as +1), the matrix with orthonormal columns that the sign fix makes unique.
 */
export function orthonormalColumns(z: NDArray): NDArray {
  const [q, r] = linalg.qr(z, { fullMatrices: false });
  const d = diagonal(r, 0, -2, -1);
  const sign = lax.select(lax.lt(d, lax.fullLike(d, 0)), lax.fullLike(d, -1), lax.fullLike(d, 1));
  const nb = q.ndim - 2;
  return lax.mul(q, lax.broadcastInDim(sign, q.shape, [...Array.from({ length: nb }, (_, i) => i), q.ndim - 1]));
}

// ---- transforms of one uniform (JAX's formulas) --------------------------------------------------------
const EPS: Record<string, number> = { float32: 2 ** -23, float64: 2 ** -52 };
const EPSNEG: Record<string, number> = { float32: 2 ** -24, float64: 2 ** -53 };
const TINY: Record<string, number> = { float32: 2 ** -126, float64: 2 ** -1022 };
type Shape = number | readonly number[];
const sized = (op: string, shape: Shape | undefined) => shapeOf(`random.${op}`, shape ?? []);

/** Exp(1): −log1p(−u). */
export function exponential(k: NDArray, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('exponential', opts.dtype);
  return lax.neg(lax.log1p(lax.neg(uniform(k, sized('exponential', shape), { dtype }))));
}
/** Laplace(0, 1): sign(u)·log1p(−|u|) for u uniform on (−1, 1). */
export function laplace(k: NDArray, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('laplace', opts.dtype);
  const u = uniform(k, sized('laplace', shape), { dtype, minval: -1 + EPSNEG[dtype]!, maxval: 1 });
  return lax.mul(lax.sign(u), lax.log1p(lax.neg(lax.abs(u))));
}
/** Logistic(0, 1): log(u / (1 − u)). */
export function logistic(k: NDArray, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('logistic', opts.dtype);
  const u = uniform(k, sized('logistic', shape), { dtype, minval: TINY[dtype]!, maxval: 1 });
  return lax.log(lax.div(u, lax.sub(lax.fullLike(u, 1), u)));
}
/** Cauchy(0, 1): tan(π(u − ½)). */
export function cauchy(k: NDArray, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('cauchy', opts.dtype);
  const u = uniform(k, sized('cauchy', shape), { dtype, minval: EPS[dtype]!, maxval: 1 });
  const t = lax.mul(lax.sub(u, lax.fullLike(u, 0.5)), lax.fullLike(u, Math.PI));
  return lax.div(lax.sin(t), lax.cos(t));
}
/** ±1 with equal probability: 2·bernoulli(½) − 1 (int32 by default). */
export function rademacher(k: NDArray, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = checkDtype('random.rademacher', opts.dtype ?? 'int32');
  const b = lax.convertElementType(bernoulli(k, 0.5, sized('rademacher', shape)), dtype);
  return lax.sub(lax.mul(b, lax.fullLike(b, 2)), lax.fullLike(b, 1));
}

// ---- gamma and what derives from it --------------------------------------------------------------------
const GAMMA_ROUNDS = 12;
/**
 * Gamma(a, 1) by Marsaglia and Tsang's squeeze (d = a − ⅓, v = (1 + x/√(9d))³ for x ~ N(0, 1),
 * accepted when log u < x²/2 + d − dv + d·log v) over 12 vectorised rounds, the first accepted
 * round kept (each accepts with probability > 0.95, so all twelve fail with probability < 1e-15);
 * a < 1 boosts a + 1 by u^(1/a). Not JAX's numbers (JAX loops per element with its own keys).
 * Differentiable in a by JAX's implicit reparameterization gradient (gammaSampleGrad), so beta,
 * dirichlet, chisquare and t differentiate in their parameters too.
 */
export function gamma(k: NDArray, a: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('gamma', opts.dtype);
  const a0 = toArray('random.gamma', a);
  const s = sampleShape('gamma', shape, [a0]);
  const alpha = param('gamma', a0, dtype, s);
  // One custom_jvp_call (the primitive customJvp binds, reached from core as np.linalg.det does).
  // The key is an operand, not a closure, so a traced key keeps the call (and its rule) whole under jit.
  const fun = (...xs: NDArray[]) => [gammaSample(xs[0]!, xs[1]!)];
  Object.defineProperty(fun, 'name', { value: 'gamma' });
  return bind('custom_jvp_call', [k, alpha], {
    name: 'random.gamma',
    fun,
    jvp: ([key, al], [, tAlpha]) => {
      const x = gammaSample(key!, al!);
      return [[x], [lax.mul(gammaSampleGrad(x, al!), tAlpha!)]];
    },
  })[0]!;
}

/** Terms of the series for ∂F(x; a)/∂a: it converges once a + n > x, and 256 terms reach far past x ≈ a + 12√a for every a below GAMMA_ASYMPTOTIC. */
const GAMMA_GRAD_TERMS = 256;
/** From this shape on, the gradient of the Wilson–Hilferty quantile (relative error below 1e-4 there). */
const GAMMA_ASYMPTOTIC = 120;
/**
 * dx/da for x ~ Gamma(a, 1), holding the sample's quantile fixed (implicit reparameterization, JAX's
 * random_gamma_grad): −(∂F(x; a)/∂a) / f(x; a), F the regularized lower incomplete gamma and f the
 * density. With F = Σₙ xᵃ⁺ⁿe⁻ˣ/Γ(a+n+1) this is x·Σₙ uₙ·(ψ(a+n+1) − log x), uₙ = xⁿΓ(a)/Γ(a+n+1)
 * (u₀ = 1/a, uₙ = uₙ₋₁·x/(a+n)); the terms are one extra axis, not a loop, so jit/vmap see a few
 * equations. Large a: x = a(1 − 1/(9a) + z/(3√a))³ at fixed z gives −w³/2 + 3w²/2 + w²/(6a), w = (x/a)^(1/3).
 */
export function gammaSampleGrad(x: NDArray, a: NDArray): NDArray {
  const dtype = x.dtype, s = x.shape, nd = s.length;
  const c = (v: number) => lax.full(s, v, dtype);
  const positive = lax.gt(x, c(0));
  const safeX = lax.select(positive, x, c(1));
  const big = lax.ge(a, c(GAMMA_ASYMPTOTIC));
  const aSeries = lax.select(big, c(1), a);
  const terms = [...s, GAMMA_GRAD_TERMS];
  const along = (v: NDArray) => lax.broadcastInDim(v, terms, s.map((_, i) => i));
  const n = lax.broadcastInDim(lax.convertElementType(lax.iota('int32', [GAMMA_GRAD_TERMS], 0), dtype), terms, [nd]);
  const logX = lax.log(safeX);
  const an1 = lax.add(lax.add(along(aSeries), n), lax.full(terms, 1, dtype));
  const logU = lax.sub(lax.add(lax.mul(n, along(logX)), along(lax.lgamma(aSeries))), lax.lgamma(an1));
  const series = lax.reduceSum(lax.mul(lax.exp(logU), lax.sub(lax.digamma(an1), along(logX))), [nd]);
  const bySeries = lax.mul(safeX, series);
  const aBig = lax.select(big, a, c(GAMMA_ASYMPTOTIC));
  const w = lax.pow(lax.div(safeX, aBig), c(1 / 3)), w2 = lax.mul(w, w);
  const byQuantile = lax.add(lax.mul(w2, lax.sub(c(1.5), lax.mul(c(0.5), w))), lax.div(w2, lax.mul(c(6), aBig)));
  // x = 0 (underflow at tiny a): x·log x → 0, so the gradient is 0 there.
  return lax.select(positive, lax.select(big, byQuantile, bySeries), c(0));
}

/** The Marsaglia–Tsang sampler itself (gamma's primal). */
function gammaSample(k: NDArray, alpha: NDArray): NDArray {
  const dtype = alpha.dtype, s = alpha.shape;
  const c = (v: number) => lax.full(s, v, dtype);
  const small = lax.lt(alpha, c(1));
  const boosted = lax.select(small, lax.add(alpha, c(1)), alpha);
  const d = lax.sub(boosted, c(1 / 3));
  const cc = lax.div(c(1), lax.sqrt(lax.mul(c(9), d)));
  const keys = split(k, 3);
  const xs = normal(keys.get(0), [GAMMA_ROUNDS, ...s], { dtype });
  const us = uniform(keys.get(1), [GAMMA_ROUNDS, ...s], { dtype, minval: TINY[dtype]!, maxval: 1 });
  let out = lax.mul(d, c(1));
  for (let r = GAMMA_ROUNDS - 1; r >= 0; r--) {
    // Walk from the last round to the first so the earliest accepted round wins.
    const x = lax.reshape(lax.slice(xs, [r, ...s.map(() => 0)], [r + 1, ...s]), s);
    const u = lax.reshape(lax.slice(us, [r, ...s.map(() => 0)], [r + 1, ...s]), s);
    const t = lax.add(c(1), lax.mul(cc, x));
    const v = lax.mul(lax.mul(t, t), t);
    const positive = lax.gt(v, c(0));
    const safeV = lax.select(positive, v, c(1));
    const bound = lax.add(lax.add(lax.mul(c(0.5), lax.mul(x, x)), d), lax.sub(lax.mul(d, lax.log(safeV)), lax.mul(d, safeV)));
    const accept = lax.and(positive, lax.lt(lax.log(u), bound));
    out = lax.select(accept, lax.mul(d, safeV), out);
  }
  const boost = uniform(keys.get(2), s, { dtype, minval: TINY[dtype]!, maxval: 1 });
  return lax.select(small, lax.mul(out, lax.pow(boost, lax.div(c(1), alpha))), out);
}
/** Beta(a, b) = X / (X + Y) for X ~ Gamma(a), Y ~ Gamma(b). */
export function beta(k: NDArray, a: ArrayLike, b: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const [a0, b0] = [toArray('random.beta', a), toArray('random.beta', b)];
  const s = sampleShape('beta', shape, [a0, b0]);
  const keys = split(k, 2);
  const x = gamma(keys.get(0), a0, s, opts), y = gamma(keys.get(1), b0, s, opts);
  return lax.div(x, lax.add(x, y));
}
/** Dirichlet(α) along the last axis: independent Gamma(α_i) normalised to sum 1; shape is the batch shape. */
export function dirichlet(k: NDArray, alpha: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const a0 = toArray('random.dirichlet', alpha);
  if (a0.ndim < 1) throw new ShapeError(`random.dirichlet: alpha must have at least one axis (the categories), got ${a0.aval.str()}`);
  const batch = shape === undefined ? a0.shape.slice(0, -1) : shapeOf('random.dirichlet', shape);
  const g = gamma(k, a0, [...batch, a0.shape[a0.ndim - 1]!], opts);
  const total = lax.reduceSum(g, [g.ndim - 1]);
  return lax.div(g, lax.broadcastInDim(total, g.shape, total.shape.map((_, i) => i)));
}
/** χ²(df) = 2·Gamma(df/2). */
export function chisquare(k: NDArray, df: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const d = toArray('random.chisquare', df);
  const g = gamma(k, lax.mul(convertTo(d, { dtype: floatDtype('chisquare', opts.dtype), weakType: false }), lax.full(d.shape, 0.5, floatDtype('chisquare', opts.dtype))), shape, opts);
  return lax.mul(g, lax.fullLike(g, 2));
}
/** Student's t(df) = N(0, 1)·√(df / χ²(df)), as JAX. */
export function t(k: NDArray, df: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('t', opts.dtype);
  const d0 = toArray('random.t', df);
  const s = sampleShape('t', shape, [d0]);
  const keys = split(k, 2);
  const n = normal(keys.get(0), s, { dtype });
  const d = param('t', d0, dtype, s);
  const twoG = chisquare(keys.get(1), d, s, { dtype });
  return lax.mul(n, lax.sqrt(lax.div(d, twoG)));
}
/** The same as `random.t`. */
export const studentT = t;

/** Rounds of the transformed-rejection sampler: each accepts with probability > 0.86, so 16 rounds all fail with probability < 1e-13. */
const PTRS_ROUNDS = 16;
/** Below this rate, counting arrivals; from it on, transformed rejection (JAX's split, at 10). */
const POISSON_SMALL = 10;
/** Arrivals drawn per sample for λ < 10: more than 52 arrivals before time 10 has probability < 1e-13. */
const POISSON_ARRIVALS = 52;

/**
 * Poisson(λ) counts (int32 by default), for any λ: concrete, traced (jit, vmap, grad-free), per
 * element. λ < 10 counts the arrivals of a unit-rate process before time λ (the partial sums of 52
 * Exp(1) draws); λ ≥ 10 uses Hörmann's transformed rejection with squeeze (PTRS, as NumPy and
 * JAX), 16 vectorised rounds of which the first accepted wins. Exact in distribution; not JAX's
 * numbers (JAX loops per element with its own keys). λ ≤ 0 gives 0.
 */
export function poisson(k: NDArray, lam: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const l0 = toArray('random.poisson', lam);
  const outDtype = checkDtype('random.poisson', opts.dtype ?? 'int32');
  if (isFloat(outDtype)) throw new DTypeError(`random.poisson: dtype must be an integer dtype, got ${outDtype}`);
  const s = sampleShape('poisson', shape, [l0]);
  const ft: DType = l0.dtype === 'float64' ? 'float64' : 'float32';
  const rate = param('poisson', l0, ft, s);
  const c = (v: number) => lax.full(s, v, ft);
  const keys = split(k, 3);
  // Small λ: arrivals before time λ (λ clamped into [0, 10) so the draws stay enough).
  const small = lax.lt(rate, c(POISSON_SMALL));
  const lamSmall = lax.select(small, lax.max(rate, c(0)), c(0));
  const e = exponential(keys.get(0), [...s, POISSON_ARRIVALS], { dtype: ft });
  const arrivals = cumsum(e, s.length);
  const before = lax.lt(arrivals, lax.broadcastInDim(lamSmall, [...s, POISSON_ARRIVALS], s.map((_, i) => i)));
  const counted = lax.convertElementType(lax.reduceSum(lax.convertElementType(before, 'int32'), [s.length]), ft);
  // Large λ: PTRS (Hörmann 1993), with λ ≥ 10 substituted where the small branch is taken.
  const L = lax.select(small, c(POISSON_SMALL), rate);
  const slam = lax.sqrt(L), loglam = lax.log(L);
  const b = lax.add(c(0.931), lax.mul(c(2.53), slam));
  const a = lax.add(c(-0.059), lax.mul(c(0.02483), b));
  const invalpha = lax.add(c(1.1239), lax.div(c(1.1328), lax.sub(b, c(3.4))));
  const vr = lax.sub(c(0.9277), lax.div(c(3.6224), lax.sub(b, c(2))));
  const us0 = uniform(keys.get(1), [PTRS_ROUNDS, ...s], { dtype: ft });
  const vs0 = uniform(keys.get(2), [PTRS_ROUNDS, ...s], { dtype: ft });
  const round = (x: NDArray, r: number) => lax.reshape(lax.slice(x, [r, ...s.map(() => 0)], [r + 1, ...s]), s);
  let drawn = lax.floor(L); // only if all 16 rounds reject (probability < 1e-13)
  for (let r = PTRS_ROUNDS - 1; r >= 0; r--) {
    const U = lax.sub(round(us0, r), c(0.5)), V = round(vs0, r);
    const us = lax.sub(c(0.5), lax.abs(U));
    const kk = lax.floor(lax.add(lax.add(lax.mul(lax.add(lax.div(lax.mul(c(2), a), us), b), U), L), c(0.43)));
    const quick = lax.and(lax.ge(us, c(0.07)), lax.le(V, vr));
    const rejectFast = lax.or(lax.lt(kk, c(0)), lax.and(lax.lt(us, c(0.013)), lax.gt(V, us)));
    const kSafe = lax.max(kk, c(0));
    const lhs = lax.sub(lax.add(lax.log(V), lax.log(invalpha)), lax.log(lax.add(lax.div(a, lax.mul(us, us)), b)));
    const rhs = lax.sub(lax.sub(lax.mul(kSafe, loglam), L), lax.lgamma(lax.add(kSafe, c(1))));
    const accept = lax.or(quick, lax.and(lax.not(rejectFast), lax.le(lhs, rhs)));
    drawn = lax.select(accept, kk, drawn);
  }
  const count = lax.select(small, counted, drawn);
  return lax.convertElementType(lax.select(lax.gt(rate, c(0)), count, c(0)), outDtype);
}

/** Generalised normal with shape p: ±Gamma(1/p)^(1/p). */
export function generalizedNormal(k: NDArray, p: number, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('generalizedNormal', opts.dtype);
  const s = sized('generalizedNormal', shape);
  const keys = split(k, 2);
  const g = gamma(keys.get(0), 1 / p, s, { dtype });
  const r = rademacher(keys.get(1), s, { dtype });
  return lax.mul(r, lax.pow(g, lax.full(s, 1 / p, dtype)));
}
/** Uniform in the d-dimensional unit p-ball: g / (Σ|g|^p + e)^(1/p) for g generalised normal, e ~ Exp(1) (JAX's). */
export function ball(k: NDArray, d: number, p = 2, shape: Shape = [], opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('ball', opts.dtype);
  const s = sized('ball', shape);
  const keys = split(k, 2);
  const g = generalizedNormal(keys.get(0), p, [...s, d], { dtype });
  const e = exponential(keys.get(1), s, { dtype });
  const norm = lax.add(lax.reduceSum(lax.pow(lax.abs(g), lax.full(g.shape, p, dtype)), [s.length]), e);
  const scale = lax.pow(norm, lax.full(s, 1 / p, dtype));
  return lax.div(g, lax.broadcastInDim(scale, g.shape, s.map((_, i) => i)));
}

/** mean + L·z with L the Cholesky factor of cov and z standard normal: samples of shape [...shape, n]. */
export function multivariateNormal(k: NDArray, mean: ArrayLike, cov: ArrayLike, shape?: Shape, opts: { dtype?: DType } = {}): NDArray {
  const dtype = floatDtype('multivariateNormal', opts.dtype);
  const m = convertTo(toArray('random.multivariateNormal', mean), { dtype, weakType: false });
  const c = convertTo(toArray('random.multivariateNormal', cov), { dtype, weakType: false });
  if (m.ndim < 1 || c.ndim !== 2 || c.shape[0] !== c.shape[1] || c.shape[0] !== m.shape[m.ndim - 1]) {
    throw new ShapeError(`random.multivariateNormal: expected mean [..., n] and cov [n, n], got ${m.aval.str()} and ${c.aval.str()}`);
  }
  const n = c.shape[0]!;
  const s = shape === undefined ? m.shape.slice(0, -1) : shapeOf('random.multivariateNormal', shape);
  const z = normal(k, [...s, n], { dtype });
  const l = linalg.cholesky(c); // the primitive (JAX's method='cholesky'); it differentiates and batches
  const lz = lax.dotGeneral(z, l, { contracting: [[s.length], [1]], batch: [[], []] });
  return lax.add(lz, lax.broadcastInDim(m, lz.shape, m.shape.map((_, i) => lz.ndim - m.ndim + i)));
}
