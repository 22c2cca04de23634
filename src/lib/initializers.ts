// nn.initializers: JAX's weight initializers. Each factory returns init(key, shape, dtype?) → Array;
// the variance-scaling family computes fans as JAX does (receptive field = the other axes).
import * as E from 'fp-ts/lib/Either.js';
import { NDArray } from '../core/array.js';
import { DType, isFloat } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import * as np from '../core/np.js';
import { checkDtype, describe, shapeOf } from '../core/numpy-util.js';
import * as random from '../core/random.js';
import { orthonormalColumns, truncatedNormal as truncatedNormalSample } from '../core/random-distributions.js';
import { normalizeAxis, showShape, sizeOf } from '../core/shape.js';

/** `jax.nn.initializers`' type: (key, shape, dtype?) → a new array. */
export type Initializer = (key: NDArray, shape: number | readonly number[], dtype?: DType) => NDArray;

function floatDtype(op: string, d: DType | undefined, fallback: DType): DType {
  const dtype = checkDtype(`initializers.${op}`, d ?? fallback);
  if (!isFloat(dtype)) throw new DTypeError(`initializers.${op}: expected a float dtype, got ${dtype}`);
  return dtype;
}
const scaled = (x: NDArray, s: number): NDArray => lax.mul(x, lax.fullLike(x, s));

/** An initializer of zeros. */
export const zeros: Initializer = (_key, shape, dtype = 'float32') => np.zeros(shapeOf('initializers.zeros', shape), { dtype });
/** An initializer of ones. */
export const ones: Initializer = (_key, shape, dtype = 'float32') => np.ones(shapeOf('initializers.ones', shape), { dtype });
/** An initializer of `value`. */
export const constant = (value: number, dtype: DType = 'float32'): Initializer => (_key, shape, d) => np.full(shapeOf('initializers.constant', shape), value, { dtype: d ?? dtype });

/** Uniform on [0, scale). */
export const uniform = (scale = 1e-2, dtype: DType = 'float32'): Initializer => (key, shape, d) =>
  scaled(random.uniform(key, shape, { dtype: floatDtype('uniform', d, dtype) }), scale);
/** Normal with standard deviation stddev. */
export const normal = (stddev = 1e-2, dtype: DType = 'float32'): Initializer => (key, shape, d) =>
  scaled(random.normal(key, shape, { dtype: floatDtype('normal', d, dtype) }), stddev);
/** stddev · (standard normal truncated to [lower, upper]). */
export const truncatedNormal = (stddev = 1e-2, dtype: DType = 'float32', lower = -2, upper = 2): Initializer => (key, shape, d) =>
  scaled(truncatedNormalSample(key, lower, upper, shape, { dtype: floatDtype('truncatedNormal', d, dtype) }), stddev);

/** Which fan varianceScaling divides by. */
export type FanMode = 'fan_in' | 'fan_out' | 'fan_avg' | 'fan_geo_avg';
/** The distribution varianceScaling samples. */
export type Distribution = 'truncated_normal' | 'normal' | 'uniform';
/** Which axes of a shape count as input, output and batch (default: in −2, out −1), and the dtype. */
export interface FanAxes {
  /** The input axis or axes (−2). */
  inAxis?: number | readonly number[];
  /** The output axis or axes (−1). */
  outAxis?: number | readonly number[];
  /** Axes excluded from both fans. */
  batchAxis?: readonly number[];
  /** The dtype of the result. */
  dtype?: DType;
}

/** (fan_in, fan_out): in/out sizes times the receptive field (every axis that is neither). */
export function computeFans(shape: readonly number[], inAxis: number | readonly number[] = -2, outAxis: number | readonly number[] = -1, batchAxis: readonly number[] = []): [number, number] {
  if (shape.length <= 1) throw new ShapeError(`initializers: can't compute input and output sizes of a ${shape.length}-dimensional weights tensor ${showShape(shape)}; it must be at least 2-d`);
  const size = (ax: number | readonly number[]) => (typeof ax === 'number' ? [ax] : ax).reduce((p, a) => {
    const i = normalizeAxis(a, shape.length);
    if (E.isLeft(i)) throw new ShapeError(`initializers: ${i.left} (weights shape ${showShape(shape)})`);
    return p * shape[i.right]!;
  }, 1);
  const inSize = size(inAxis), outSize = size(outAxis), batchSize = size(batchAxis);
  const receptive = sizeOf(shape) / inSize / outSize / batchSize;
  return [inSize * receptive, outSize * receptive];
}

/**
 * Samples with variance scale / n, n the fan given by mode; the distribution is a normal truncated
 * to ±2 standard deviations (rescaled so the variance is exact), a normal, or a uniform.
 */
export function varianceScaling(scale: number, mode: FanMode, distribution: Distribution, axes: FanAxes = {}): Initializer {
  return (key, shape, d) => {
    const s = shapeOf('initializers.varianceScaling', shape);
    const dtype = floatDtype('varianceScaling', d, axes.dtype ?? 'float32');
    const [fanIn, fanOut] = computeFans(s, axes.inAxis, axes.outAxis, axes.batchAxis);
    const denominator = mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : mode === 'fan_avg' ? (fanIn + fanOut) / 2
      : mode === 'fan_geo_avg' ? Math.sqrt(fanIn * fanOut) : NaN;
    if (Number.isNaN(denominator)) throw new TypeError(`initializers.varianceScaling: invalid mode ${describe(mode)}; expected fan_in, fan_out, fan_avg or fan_geo_avg`);
    const variance = scale / denominator;
    switch (distribution) {
      // .87962566103423978 is the standard deviation of a standard normal truncated to (−2, 2).
      case 'truncated_normal': return scaled(truncatedNormalSample(key, -2, 2, s, { dtype }), Math.sqrt(variance) / 0.87962566103423978);
      case 'normal': return scaled(random.normal(key, s, { dtype }), Math.sqrt(variance));
      case 'uniform': return random.uniform(key, s, { dtype, minval: -Math.sqrt(3 * variance), maxval: Math.sqrt(3 * variance) });
      default: throw new TypeError(`initializers.varianceScaling: invalid distribution ${describe(distribution)}; expected truncated_normal, normal or uniform`);
    }
  };
}

/**
 * Glorot (Xavier) uniform: variance 1 / fan_avg.
 *
 * @example
 * const w = nn.initializers.glorotUniform()(random.key(0), [784, 256]);
 */
export const glorotUniform = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fan_avg', 'uniform', axes);
/** Glorot (Xavier) normal (truncated): variance 1 / fan_avg. */
export const glorotNormal = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fan_avg', 'truncated_normal', axes);
/** LeCun uniform: variance 1 / fan_in. */
export const lecunUniform = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fan_in', 'uniform', axes);
/** LeCun normal (truncated): variance 1 / fan_in. */
export const lecunNormal = (axes: FanAxes = {}): Initializer => varianceScaling(1, 'fan_in', 'truncated_normal', axes);
/** He (Kaiming) uniform: variance 2 / fan_in. */
export const heUniform = (axes: FanAxes = {}): Initializer => varianceScaling(2, 'fan_in', 'uniform', axes);
/** He (Kaiming) normal (truncated): variance 2 / fan_in. */
export const heNormal = (axes: FanAxes = {}): Initializer => varianceScaling(2, 'fan_in', 'truncated_normal', axes);
/** The same as glorotUniform. */
export const xavierUniform = glorotUniform;
/** The same as glorotNormal. */
export const xavierNormal = glorotNormal;
/** The same as heUniform. */
export const kaimingUniform = heUniform;
/** The same as heNormal. */
export const kaimingNormal = heNormal;

/**
 * scale · a matrix with orthonormal columns (or rows, whichever are fewer), reshaped so that
 * `columnAxis` holds the columns: JAX's orthogonal initializer (its QR is the linalg primitive: it
 * runs under jit and vmap, with a traced key).
 */
export function orthogonal(scale = 1, columnAxis = -1, dtype: DType = 'float32'): Initializer {
  return (key, shape, d) => {
    const s = shapeOf('initializers.orthogonal', shape);
    const dt = floatDtype('orthogonal', d, dtype);
    if (s.length < 2) throw new ShapeError(`initializers.orthogonal: the shape must be at least 2-d, got ${showShape(s)}`);
    const ax = normalizeAxis(columnAxis, s.length);
    if (E.isLeft(ax)) throw new ShapeError(`initializers.orthogonal: ${ax.left}`);
    const nCols = s[ax.right]!, nRows = sizeOf(s) / nCols;
    const tall = nRows >= nCols;
    const [m, n] = tall ? [nRows, nCols] : [nCols, nRows];
    const z = random.normal(key, [m, n], { dtype: dt === 'float64' ? 'float64' : 'float32' });
    let q = orthonormalColumns(z);
    if (!tall) q = np.transpose(q);
    const rest = s.filter((_, i) => i !== ax.right);
    q = np.moveaxis(np.reshape(q, [...rest, nCols]), -1, ax.right);
    return np.astype(scaled(q, scale), dt);
  };
}
