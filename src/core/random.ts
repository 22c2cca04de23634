// Functional, splittable random numbers: JAX's threefry-2x32 schemes, so the same key gives the
// same numbers here as in JAX. A key is just a uint32[2] array; nothing is stateful, so split a key
// rather than reusing it. Two key layouts, as JAX's `jax_threefry_partitionable` flag:
// 'partitionable' (JAX's default since 0.5, and ours) and 'classic' (setKeyLayout('classic')).
//
//   key(seed)          [hi, lo] words of the integer seed: [0, seed] for 0 ≤ seed < 2^32. Larger
//                      and negative seeds (|seed| ≤ 2^53) take hi = floor(seed / 2^32) mod 2^32 and
//                      lo = seed mod 2^32, as JAX with 64-bit seeds (jax_enable_x64); default JAX
//                      keeps only the low 32 bits, so it agrees for seeds in [0, 2^31). An int32 Array
//                      seed gives [0, seed as uint32] (a 32-bit seed, as JAX under jit).
//   threefry(k, c)     c (any shape) flattened, padded with one 0 to even length, split in halves
//                      x0 | x1; (y0, y1) = threefry2x32(k0, k1, x0, x1); the result is y0 ++ y1
//                      without the padding, in c's shape.
//   counter(k, shape)  partitionable: (y0, y1) = threefry2x32(k0, k1, hi, lo) where (hi, lo) are
//                      the two 32-bit words of each position's row-major index (hi = 0 below 2^32).
//   split(k, n)        partitionable: stack(y0, y1) of counter(k, [n]); classic: threefry(k,
//                      iota(2n)) reshaped to [n, 2].
//   foldIn(k, d)       threefry(k, [0, d]) in both layouts.
//   bits(k, shape)     partitionable: y0 ^ y1 of counter(k, shape); classic: threefry(k,
//                      iota(size)) reshaped to shape (uint32). 64-bit words (float64 uniforms):
//                      partitionable hi = y0, lo = y1; classic the two halves of threefry(k, iota(2n)).
//   uniform            (bits >>> 9) · 2^-23 in [0, 1) (the 23 high bits as a float32 mantissa, which
//                      is JAX's `bits >> 9 | 0x3f800000` reinterpreted minus 1), scaled to
//                      [minval, maxval) and floored at minval. float64 takes two words per value:
//                      ((hi << 32 | lo) >>> 12) · 2^-52.
//   normal             √2 · erfinv(uniform on [nextafter(−1, 0), 1)), float32 or float64.
//   permutation        ⌈3 ln(size) / ln(2^32 − 1)⌉ rounds (one for up to ~1600 elements) of:
//                      key, sub = split(key); x = x sorted by bits(sub, x.shape) (JAX's _shuffle).
//   choice             randint (replace, no p); a permutation's prefix (no replace, no p); the
//                      cumulative p searched at total · (1 − uniform) (replace, p); Gumbel top-k of
//                      log p (no replace, p): JAX's four cases.
import { ShapedArray } from './aval.js';
import { ArrayLike, NDArray, concreteFromTyped } from './array.js';
import { DType, isFloat } from './dtype.js';
import { DTypeError, ShapeError } from './errors.js';
import * as lax from './lax.js';
import { topK } from './lax-scan.js';
import { argmax, asarray, erfinv, less, log, negative } from './np.js';
import type { ArrayInput } from './creation.js';
import {
  axisOf, broadcastToShape, checkDtype, convertTo, describe, fullOf, hostValueOrNull, shapeOf, toArray, toFloatType,
} from './numpy-util.js';
import { showShape, sizeOf } from './shape.js';

const TWO_32 = 2 ** 32;
const uint32Array = (values: readonly number[]): NDArray => concreteFromTyped(Uint32Array.from(values), new ShapedArray([values.length], 'uint32'));

/**
 * A PRNG key from an integer seed (see the table above for seeds outside [0, 2^32)).
 *
 * @example
 * const k = random.key(0);
 * const [k1, k2] = [random.split(k).get(0), random.split(k).get(1)];
 * const x = random.normal(k1, [3, 2]);
 */
export function key(seed: number | NDArray): NDArray {
  if (seed instanceof NDArray) {
    if (seed.ndim !== 0 || !(seed.dtype === 'int32' || seed.dtype === 'uint32')) throw new TypeError(`random.key: an Array seed must be an int32 or uint32 scalar, got ${seed.aval.str()}`);
    return lax.concatenate([fullOf([1], 0, 'uint32'), lax.reshape(lax.convertElementType(seed, 'uint32'), [1])], 0);
  }
  if (typeof seed !== 'number' || !Number.isInteger(seed) || Math.abs(seed) > 2 ** 53) {
    throw new TypeError(`random.key: expected an integer seed with |seed| ≤ 2^53, got ${describe(seed)}`);
  }
  const hi = Math.floor(seed / TWO_32), lo = seed - hi * TWO_32;
  return uint32Array([((hi % TWO_32) + TWO_32) % TWO_32, lo]);
}
/** JAX's older name for `key`. */
export const PRNGKey = key;

/** A key argument: a uint32 array of shape [2]. */
function checkKey(op: string, k: unknown): NDArray {
  if (!(k instanceof NDArray)) throw new TypeError(`random.${op}: expected a key (a uint32[2] Array from random.key(seed)), got ${describe(k)}`);
  if (k.dtype !== 'uint32' || k.shape[k.ndim - 1] !== 2) {
    throw new TypeError(`random.${op}: expected a key (a uint32[2] Array from random.key(seed)), got ${k.aval.str()}`);
  }
  if (k.ndim !== 1) {
    throw new ShapeError(`random.${op}: expected a single key of shape [2], got a batch of keys of shape ${showShape(k.shape)}; pick one, e.g. keys.get(0)`);
  }
  return k;
}

/** Threefry-2x32 of the key over a counter array of any shape (JAX's threefry_2x32). */
function threefry(k: NDArray, counts: NDArray): NDArray {
  const n = counts.size;
  const odd = n % 2;
  const flat = lax.reshape(counts, [n]);
  const padded = odd ? lax.concatenate([flat, fullOf([1], 0, 'uint32', flat)], 0) : flat;
  const half = (n + odd) / 2;
  const x0 = lax.slice(padded, [0], [half]), x1 = lax.slice(padded, [half], [2 * half]);
  const word = (i: number) => lax.broadcastInDim(lax.reshape(lax.slice(k, [i], [i + 1]), []), [half], []);
  const [y0, y1] = lax.threefry2x32(word(0), word(1), x0, x1);
  const out = lax.concatenate([y0, y1], 0);
  return lax.reshape(odd ? lax.slice(out, [0], [n]) : out, counts.shape);
}

/** How keys are split and folded: JAX's partitionable threefry (the default) or its classic layout. */
export type KeyLayout = 'partitionable' | 'classic';
let layout: KeyLayout = 'partitionable';
/** Chooses JAX's key layout: 'partitionable' (jax_threefry_partitionable = True, JAX's default) or 'classic'. */
export function setKeyLayout(l: KeyLayout): void {
  if (l !== 'partitionable' && l !== 'classic') throw new TypeError(`random.setKeyLayout: expected 'partitionable' or 'classic', got ${describe(l)}`);
  layout = l;
}
/** The key layout in use. */
export const keyLayout = (): KeyLayout => layout;

/** The partitionable scheme's two words per position: threefry2x32 of the key over (0, row-major index). */
function counterWords(k: NDArray, shape: readonly number[]): [NDArray, NDArray] {
  const n = sizeOf(shape);
  if (n >= TWO_32) throw new ShapeError(`random: more than 2^32 - 1 values at once (shape ${showShape(shape)}) is not supported`);
  const word = (i: number) => lax.broadcastInDim(lax.reshape(lax.slice(k, [i], [i + 1]), []), [n], []);
  const [y0, y1] = lax.threefry2x32(word(0), word(1), fullOf([n], 0, 'uint32'), lax.iota('uint32', [n]));
  return [lax.reshape(y0, shape), lax.reshape(y1, shape)];
}
/** x ^ y for uint32 = (x | y) & ~(x & y). */
const xor = (x: NDArray, y: NDArray): NDArray => lax.and(lax.or(x, y), lax.not(lax.and(x, y)));

/**
 * `num` new keys, as a [num, 2] array; index them with keys.get(i).
 *
 * @example
 * const keys = random.split(random.key(42), 3);
 * const w = random.uniform(keys.get(0), [4, 4]);
 */
export function split(k: NDArray, num = 2): NDArray {
  const kk = checkKey('split', k);
  if (!Number.isInteger(num) || num < 1) throw new TypeError(`random.split: num must be a positive integer, got ${describe(num)}`);
  if (layout === 'partitionable') {
    const [y0, y1] = counterWords(kk, [num]);
    return lax.concatenate([lax.reshape(y0, [num, 1]), lax.reshape(y1, [num, 1])], 1);
  }
  return lax.reshape(threefry(kk, lax.iota('uint32', [2 * num])), [num, 2]);
}

/** A new key from a key and a 32-bit integer (e.g. a step number): threefry(key, [0, data]). */
export function foldIn(k: NDArray, data: number | NDArray): NDArray {
  const kk = checkKey('foldIn', k);
  let d: NDArray;
  if (data instanceof NDArray) {
    if (data.ndim !== 0 || !(data.dtype === 'int32' || data.dtype === 'uint32')) throw new TypeError(`random.foldIn: data must be an integer scalar, got ${data.aval.str()}`);
    d = lax.reshape(lax.convertElementType(data, 'uint32'), [1]);
  } else {
    if (typeof data !== 'number' || !Number.isInteger(data)) throw new TypeError(`random.foldIn: data must be an integer, got ${describe(data)}`);
    d = uint32Array([data >>> 0]);
  }
  return threefry(kk, lax.concatenate([fullOf([1], 0, 'uint32', d), d], 0));
}

/** Uniform random uint32 words of the given shape. */
export function bits(k: NDArray, shape: number | readonly number[] = []): NDArray {
  const kk = checkKey('bits', k);
  const s = shapeOf('random.bits', shape);
  if (layout === 'partitionable') { const [y0, y1] = counterWords(kk, s); return xor(y0, y1); }
  return lax.reshape(threefry(kk, lax.iota('uint32', [sizeOf(s)])), s);
}

function floatDtype(op: string, dtype: unknown): DType {
  const d = checkDtype(`random.${op}`, dtype);
  if (!isFloat(d)) throw new DTypeError(`random.${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}
/** A bound broadcast to the sample shape, in the sample dtype. */
function bound(op: string, name: string, v: ArrayLike, shape: readonly number[], dtype: DType): NDArray {
  const a = toArray(`random.${op}`, v);
  if (a.ndim > shape.length || a.shape.some((d, i) => d !== 1 && d !== shape[shape.length - a.ndim + i])) {
    throw new ShapeError(`random.${op}: ${name} of shape ${showShape(a.shape)} cannot be broadcast to the sample shape ${showShape(shape)}`);
  }
  return broadcastToShape(convertTo(a, { dtype, weakType: false }), shape);
}

/** Floats uniform on [0, 1), built exactly from the high mantissa bits (see the table above). */
function unitFloats(k: NDArray, shape: readonly number[], dtype: DType): NDArray {
  const n = sizeOf(shape);
  if (dtype === 'float32') {
    const mantissa = lax.shiftRightLogical(bits(k, shape), fullOf(shape, 9, 'uint32'));
    return lax.mul(lax.convertElementType(mantissa, 'float32'), fullOf(shape, 2 ** -23, 'float32'));
  }
  let hi: NDArray, lo: NDArray;
  if (layout === 'partitionable') [hi, lo] = counterWords(k, shape);
  else {
    const words = threefry(k, lax.iota('uint32', [2 * n]));
    hi = lax.reshape(lax.slice(words, [0], [n]), shape); lo = lax.reshape(lax.slice(words, [n], [2 * n]), shape);
  }
  const top52 = lax.add(
    lax.mul(lax.convertElementType(hi, 'float64'), fullOf(shape, 2 ** 20, 'float64')),
    lax.convertElementType(lax.shiftRightLogical(lo, fullOf(shape, 12, 'uint32')), 'float64'),
  );
  return lax.mul(top52, fullOf(shape, 2 ** -52, 'float64'));
}

/** Options of random.uniform. */
export interface UniformOptions {
  /** The lower bound, included (0). */
  minval?: ArrayLike;
  /** The upper bound, excluded (1). */
  maxval?: ArrayLike;
  /** float32 (default) or float64. */
  dtype?: DType;
}
/** Samples uniform on [minval, maxval) (default [0, 1)), float32 unless dtype says float64. */
export function uniform(k: NDArray, shape: number | readonly number[] = [], opts: UniformOptions = {}): NDArray {
  const kk = checkKey('uniform', k);
  const s = shapeOf('random.uniform', shape);
  const dtype = floatDtype('uniform', opts.dtype ?? 'float32');
  const lo = bound('uniform', 'minval', opts.minval ?? 0, s, dtype), hi = bound('uniform', 'maxval', opts.maxval ?? 1, s, dtype);
  const u = unitFloats(kk, s, dtype);
  return lax.max(lo, lax.add(lax.mul(u, lax.sub(hi, lo)), lo));
}

/**
 * Standard normal samples, float32: √2 · erfinv(u) for u uniform on (−1, 1).
 *
 * @example
 * const x = random.normal(random.key(0), [2, 3]); // N(0, 1), float32
 */
export function normal(k: NDArray, shape: number | readonly number[] = [], opts: { dtype?: DType } = {}): NDArray {
  const kk = checkKey('normal', k);
  const s = shapeOf('random.normal', shape);
  const dtype = floatDtype('normal', opts.dtype ?? 'float32');
  // u on [nextafter(−1, 0), 1) in the sample dtype, as JAX.
  const u = uniform(kk, s, { minval: dtype === 'float32' ? -(1 - 2 ** -24) : -(1 - 2 ** -53), maxval: 1, dtype });
  return lax.mul(fullOf(s, Math.SQRT2, dtype), erfinv(u));
}

const INT_RANGE: Record<'int32' | 'uint32', [number, number]> = { int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, TWO_32 - 1] };

/**
 * Integers uniform on [minval, maxval), JAX's algorithm: two words per sample (from the two halves
 * of split(key)) combined as (hi·2^32 + lo) mod span with span = maxval − minval, computed in
 * uint32 through (a·b) mod N = ((a mod N)(b mod N)) mod N. When maxval ≤ minval every sample is
 * minval. Number bounds are clipped to the dtype's range (maxval = 2^31 reaches int32's maximum).
 */
export function randint(k: NDArray, shape: number | readonly number[], minval: number | NDArray, maxval: number | NDArray, opts: { dtype?: DType } = {}): NDArray {
  const kk = checkKey('randint', k);
  const s = shapeOf('random.randint', shape);
  const dtype = checkDtype('random.randint', opts.dtype ?? 'int32');
  if (dtype !== 'int32' && dtype !== 'uint32') throw new DTypeError(`random.randint: dtype must be int32 or uint32, got ${dtype}`);
  const [lowest, highest] = INT_RANGE[dtype];
  const clipped = (name: string, v: number | NDArray): NDArray => {
    if (v instanceof NDArray) {
      if (!(v.dtype === 'int32' || v.dtype === 'uint32')) throw new DTypeError(`random.randint: ${name} must be an integer, got ${v.aval.str()}`);
      return bound('randint', name, v, s, dtype);
    }
    if (typeof v !== 'number' || !Number.isInteger(v)) throw new TypeError(`random.randint: ${name} must be an integer, got ${describe(v)}`);
    return fullOf(s, Math.min(highest, Math.max(lowest, v)), dtype);
  };
  const maxvalOutOfRange = typeof maxval === 'number' && maxval > highest;
  const lo = clipped('minval', minval), hi = clipped('maxval', maxval);
  const keys = split(kk);
  const higherBits = bits(lax.reshape(lax.slice(keys, [0, 0], [1, 2]), [2]), s);
  const lowerBits = bits(lax.reshape(lax.slice(keys, [1, 0], [2, 2]), [2]), s);
  const u32 = (v: number) => fullOf(s, v, 'uint32');
  const empty = lax.le(hi, lo);
  let span = lax.select(empty, u32(1), lax.convertElementType(lax.sub(hi, lo), 'uint32'));
  if (maxvalOutOfRange) span = lax.select(empty, span, lax.add(span, u32(1)));
  // A span of 2^32 wraps to 0, and (hi·2^32 + lo) mod 2^32 is lo. XLA gets there through its
  // rule x rem 0 = x; here the zero span is replaced by 1 in the remainders and lo selected.
  const fullRange = lax.eq(span, u32(0));
  const safeSpan = lax.select(fullRange, u32(1), span);
  const multiplier0 = lax.rem(u32(2 ** 16), safeSpan);
  const multiplier = lax.rem(lax.mul(multiplier0, multiplier0), safeSpan);
  const offset = lax.rem(lax.add(lax.mul(lax.rem(higherBits, safeSpan), multiplier), lax.rem(lowerBits, safeSpan)), safeSpan);
  return lax.add(lo, lax.convertElementType(lax.select(fullRange, lowerBits, offset), dtype));
}

/** true with probability p (float32 unless p is float64); the shape defaults to p's. */
export function bernoulli(k: NDArray, p: ArrayLike = 0.5, shape?: number | readonly number[]): NDArray {
  const kk = checkKey('bernoulli', k);
  const pa = toArray('random.bernoulli', p);
  const dtype: DType = pa.dtype === 'float64' ? 'float64' : 'float32';
  const s = shape === undefined ? [...pa.shape] : shapeOf('random.bernoulli', shape);
  return less(uniform(kk, s, { dtype }), bound('bernoulli', 'p', pa, s, dtype));
}

/** Standard Gumbel samples: −log(−log(u)) for u uniform on [tiny, 1). */
export function gumbel(k: NDArray, shape: number | readonly number[] = [], opts: { dtype?: DType } = {}): NDArray {
  const kk = checkKey('gumbel', k);
  const dtype = floatDtype('gumbel', opts.dtype ?? 'float32');
  const tiny = dtype === 'float32' ? 2 ** -126 : 2 ** -1022;
  return negative(log(negative(log(uniform(kk, shape, { minval: tiny, maxval: 1, dtype })))));
}

/**
 * Samples category indices from unnormalised log-probabilities along `axis` (the Gumbel-max trick:
 * argmax(logits + Gumbel noise)). The result has logits' shape without that axis, or `shape`, which
 * must end with that batch shape.
 */
export function categorical(k: NDArray, logits: NDArray, opts: { axis?: number; shape?: readonly number[]; replace?: boolean } = {}): NDArray {
  const kk = checkKey('categorical', k);
  if (!(logits instanceof NDArray) || !isFloat(logits.dtype)) throw new TypeError(`random.categorical: logits must be a float Array, got ${describe(logits)}`);
  const axis = axisOf('random.categorical', opts.axis ?? -1, logits.ndim);
  const batch = logits.shape.filter((_, i) => i !== axis);
  const shape = opts.shape === undefined ? batch : shapeOf('random.categorical', opts.shape);
  const prefix = shape.slice(0, shape.length - batch.length);
  if (shape.length < batch.length || shape.slice(prefix.length).some((d, i) => d !== batch[i])) {
    throw new ShapeError(`random.categorical: shape ${showShape(shape)} must end with the logits' batch shape ${showShape(batch)}`);
  }
  if (opts.replace === false) {
    // Without replacement (JAX's): the top prod(prefix) of logits + one Gumbel draw per category.
    const count = sizeOf(prefix);
    if (count > logits.shape[axis]!) throw new ShapeError(`random.categorical: cannot draw ${count} samples without replacement from ${logits.shape[axis]} categories`);
    const scores = lax.add(logits, gumbel(kk, logits.shape, { dtype: logits.dtype }));
    const last = lax.transpose(scores, [...logits.shape.map((_, i) => i).filter((i) => i !== axis), axis]);
    const [, idx] = topK(last, count);
    const front = lax.transpose(idx, [idx.ndim - 1, ...batch.map((_, i) => i)]);
    return lax.reshape(front, shape);
  }
  const full = [...prefix, ...logits.shape];
  const noise = gumbel(kk, full, { dtype: logits.dtype });
  const shifted = lax.add(noise, broadcastToShape(logits, full));
  return argmax(shifted, { axis: prefix.length + axis });
}

/** Row i of a [num, 2] array of keys, as a key. */
const keyAt = (keys: NDArray, i: number): NDArray => lax.reshape(lax.slice(keys, [i, 0], [i + 1, 2]), [2]);

/**
 * x shuffled along `axis`, every lane independently: JAX's _shuffle. One sort by random 32-bit keys
 * is a uniform shuffle only where the keys are distinct; each further round re-sorts by fresh keys,
 * so elements stay tied only if tied in every round. JAX's rule (from TensorFlow's random_ops)
 * takes ⌈3 ln(size) / ln(2^32 − 1)⌉ rounds.
 */
function shuffle(k: NDArray, x: NDArray, axis: number): NDArray {
  const rounds = Math.ceil((3 * Math.log(Math.max(1, x.size))) / Math.log(TWO_32 - 1));
  let key = k, out = x;
  for (let r = 0; r < rounds; r++) {
    const keys = split(key);
    key = keyAt(keys, 0);
    out = lax.sortKeyVal(bits(keyAt(keys, 1), out.shape), out, axis)[1];
  }
  return out;
}

/** A population size given as a number or an integer scalar whose value is known now. */
function populationSize(op: string, a: number | NDArray): number {
  const c = a instanceof NDArray ? hostValueOrNull(a) : null;
  if (a instanceof NDArray && (!c || !(a.dtype === 'int32' || a.dtype === 'uint32'))) {
    throw new TypeError(`random.${op}: a scalar population must be an integer whose value is known (not traced, on the CPU), got ${a.aval.str()}; pass a number or an array of at least one dimension`);
  }
  const n = c ? c.itemSync() : a;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) throw new TypeError(`random.${op}: expected a non-negative integer or an array, got ${describe(a)}`);
  return n;
}

/** Options of random.permutation. */
export interface PermutationOptions {
  /** The axis to shuffle along (default 0). */
  axis?: number;
  /** Shuffle every lane along `axis` on its own, instead of moving whole slices (default false). */
  independent?: boolean;
}
/**
 * A random permutation of arange(n) for an integer n, or of x along `axis`: whole slices move
 * together unless `independent` (JAX's random.permutation; see the table above).
 */
export function permutation(k: NDArray, x: number | ArrayInput, opts: PermutationOptions = {}): NDArray {
  const kk = checkKey('permutation', k);
  const a = typeof x === 'number' ? null : asarray(x);
  if (a === null || a.ndim === 0) return shuffle(kk, lax.iota('int32', [populationSize('permutation', a ?? (x as number))]), 0);
  const axis = axisOf('random.permutation', opts.axis ?? 0, a.ndim);
  if (opts.independent || a.ndim === 1) return shuffle(kk, a, axis);
  return lax.gather(a, shuffle(kk, lax.iota('int32', [a.shape[axis]!]), 0), axis);
}

/** Prefix sums of a 1-d array by doubling (Hillis–Steele): log2(n) shifted adds. */
function cumulativeSum(x: NDArray): NDArray {
  const n = x.shape[0]!;
  let s = x;
  for (let shift = 1; shift < n; shift *= 2) {
    s = lax.add(s, lax.pad(lax.slice(s, [0], [n - shift]), lax.scalar(0, s.dtype), [[shift, 0, 0]]));
  }
  return s;
}

/**
 * For each query, the first position i of the ascending 1-d `sorted` with query ≤ sorted[i] (n if
 * none): NumPy's searchsorted(side='left'), as JAX's 'scan' method does it, by ⌈log2(n + 1)⌉
 * halvings of [low, high) for all queries at once.
 */
function searchSortedLeft(sorted: NDArray, query: NDArray): NDArray {
  const n = sorted.shape[0]!, shape = query.shape;
  const u32 = (v: number) => fullOf(shape, v, 'uint32');
  let low = u32(0), high = u32(n);
  for (let level = 0; level < Math.ceil(Math.log2(n + 1)); level++) {
    // Halved in uint32 so low + high cannot overflow.
    const mid = lax.shiftRightLogical(lax.add(low, high), u32(1));
    const goLeft = lax.le(query, lax.gather(sorted, mid, 0));
    low = lax.select(goLeft, low, mid);
    high = lax.select(goLeft, mid, high);
  }
  return lax.convertElementType(high, 'int32');
}

/** Options of random.choice. */
export interface ChoiceOptions {
  /** The sample shape (default [], one draw). */
  shape?: number | readonly number[];
  /** Draw with replacement (default true). */
  replace?: boolean;
  /** Probabilities of the population's entries (length a.shape[axis]); they should sum to 1, which is not checked (as JAX). */
  p?: ArrayInput | null;
  /** The axis of `a` to draw from (default 0). */
  axis?: number;
}
/**
 * Draws from arange(a) for an integer a, or slices of the array a along `axis`, uniformly or with
 * probabilities p, with or without replacement (JAX's random.choice). The result has `shape` in
 * place of the drawn axis (just `shape` for an integer a, whose draws are int32 indices).
 */
export function choice(k: NDArray, a: number | ArrayInput, opts: ChoiceOptions = {}): NDArray {
  const kk = checkKey('choice', k);
  const shape = shapeOf('random.choice', opts.shape ?? []);
  const replace = opts.replace ?? true;
  const arr = typeof a === 'number' ? null : asarray(a);
  const pop = arr === null || arr.ndim === 0 ? null : arr;
  const axis = pop ? axisOf('random.choice', opts.axis ?? 0, pop.ndim) : 0;
  const n = pop ? pop.shape[axis]! : populationSize('choice', arr ?? (a as number));
  const outShape = pop ? [...pop.shape.slice(0, axis), ...shape, ...pop.shape.slice(axis + 1)] : shape;
  const draws = sizeOf(shape);
  if (draws === 0) return fullOf(outShape, 0, pop ? pop.dtype : 'int32');
  if (n <= 0) throw new ShapeError(`random.choice: the population is empty (size ${n}); it must have at least one entry unless no samples are taken`);
  if (!replace && draws > n) {
    throw new ShapeError(`random.choice: cannot take a larger sample (size ${draws}, shape ${showShape(shape)}) than the population (size ${n}) when replace is false`);
  }
  const prefix = (order: NDArray) => lax.reshape(lax.slice(order, [0], [draws]), shape);
  let ind: NDArray;
  if (opts.p === undefined || opts.p === null) {
    ind = replace ? randint(kk, shape, 0, n) : prefix(shuffle(kk, lax.iota('int32', [n]), 0));
  } else {
    const p0 = asarray(opts.p);
    const p = convertTo(p0, { dtype: toFloatType(p0).dtype, weakType: false });
    if (p.ndim !== 1 || p.shape[0] !== n) {
      throw new ShapeError(`random.choice: p must be a 1-d array with one probability per entry of the population (${n}), got shape ${showShape(p.shape)}`);
    }
    if (replace) {
      const cumulative = cumulativeSum(p);
      const total = lax.broadcastInDim(lax.reshape(lax.slice(cumulative, [n - 1], [n]), []), shape, []);
      const u = uniform(kk, shape, { dtype: p.dtype });
      ind = searchSortedLeft(cumulative, lax.mul(total, lax.sub(fullOf(shape, 1, p.dtype), u)));
    } else {
      // Gumbel top-k: the k largest of log p + Gumbel noise are a weighted sample without
      // replacement. Sorting the negated scores puts them first, ties in position order (top_k's).
      const scores = lax.add(gumbel(kk, [n], { dtype: p.dtype }), log(p));
      ind = prefix(lax.sort([lax.neg(scores), lax.iota('int32', [n])], { dimension: 0 })[1]!);
    }
  }
  return pop ? lax.gather(pop, ind, axis) : ind;
}
