// More of jax.random's distributions, each a transform of uniform/normal bits as JAX writes it
// (so the same key gives JAX's numbers wherever the underlying uniform/normal do).
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { DType, isFloat } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import { householderQr } from './host-qr.js';
import * as lax from './lax.js';
import { broadcastShapesOf, checkDtype, convertTo, describe, hostValueOrNull, shapeOf, toArray } from './numpy-util.js';
import { erfinv } from './numpy.js';
import { normal, uniform } from './random.js';
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
 * normal matrix, each column's sign fixed by R's diagonal (JAX's random.orthogonal). The QR runs
 * on the host, so the key must be concrete (not traced).
 */
export function orthogonal(k: NDArray, n: number, shape: number | readonly number[] = [], opts: { dtype?: DType } = {}): NDArray {
  if (!Number.isInteger(n) || n < 0) throw new TypeError(`random.orthogonal: n must be a non-negative integer, got ${describe(n)}`);
  const dtype = floatDtype('orthogonal', opts.dtype);
  const s = shapeOf('random.orthogonal', shape);
  const z = normal(k, [...s, n, n], { dtype: 'float32' });
  return convertTo(hostOrthonormal('random.orthogonal', z, n, n), { dtype, weakType: false });
}

/**
 * For a batch of m×n matrices (m ≥ n) with concrete values: Q·diag(sign(diag R)) of each, float64.
 */
export function hostOrthonormal(op: string, z: NDArray, m: number, n: number): NDArray {
  const host = hostValueOrNull(z);
  if (!host) throw new TypeError(`${op}: needs a concrete key (its QR runs on the host), got a traced or non-CPU value ${z.aval.str()}`);
  const data = host.dataSync();
  const count = sizeOf(z.shape) / (m * n || 1);
  const out = new Float64Array(data.length);
  for (let b = 0; b < count; b++) {
    const { q, rDiag } = householderQr(data.subarray(b * m * n, (b + 1) * m * n), m, n);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[b * m * n + i * n + j] = q[i * n + j]! * (rDiag[j]! < 0 ? -1 : 1);
  }
  return concreteFromTyped(out, new ShapedArray(z.shape, 'float64'));
}
