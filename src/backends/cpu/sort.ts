// sort: a stable sort of every lane along one axis by the lexicographic order of the key operands,
// every operand permuted alike (JAX's sort_p).
//
// Each key element becomes one uint32 word (two for float64, high word first) whose unsigned order
// is the sort order, so one comparison loop serves every dtype:
//   bool, uint32   the value
//   int32          the value with its sign bit flipped (−2^31 → 0, 2^31 − 1 → 2^32 − 1)
//   floats         the bits with the sign bit set for positives and all bits flipped for negatives
//                  (the IEEE sign-magnitude trick), after −0 → +0 (so ±0 tie and keep their order)
//                  and every NaN → all ones (NaNs last, tied with each other), as NumPy and JAX order.
import { allocTyped, DType, TypedArray } from '../../core/dtype.js';
import { decodeF16 } from '../../core/float16.js';
import type { CpuKernel } from './kernels.js';

/** A key as words: `width` consecutive uint32 words per element, compared unsigned, first word first. */
interface KeyWords { readonly words: Uint32Array; readonly width: 1 | 2 }

function keyWords(x: TypedArray, dtype: DType): KeyWords {
  const n = x.length;
  switch (dtype) {
    case 'bool': case 'uint8': case 'uint16': case 'uint32': return { words: Uint32Array.from(x), width: 1 };
    case 'int8': case 'int16': case 'int32': {
      const words = new Uint32Array(n);
      for (let i = 0; i < n; i++) words[i] = x[i]! ^ 0x80000000;
      return { words, width: 1 };
    }
    // float16 storage (bits) orders as its float32 values (index.ts widens it before this kernel anyway).
    case 'float16': return keyWords(decodeF16(x), 'float32');
    case 'float32': {
      const bits = new Uint32Array(x.buffer, x.byteOffset, n);
      const words = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const b = bits[i]!, magnitude = b & 0x7fffffff;
        words[i] = magnitude > 0x7f800000 ? 0xffffffff : magnitude === 0 ? 0x80000000 : b >>> 31 ? ~b : b | 0x80000000;
      }
      return { words, width: 1 };
    }
    case 'float64': {
      // Little-endian halves: the low word first in memory.
      const bits = new Uint32Array(x.buffer, x.byteOffset, 2 * n);
      const words = new Uint32Array(2 * n);
      for (let i = 0; i < n; i++) {
        const lo = bits[2 * i]!, hi = bits[2 * i + 1]!, magnitude = hi & 0x7fffffff;
        let h: number, l: number;
        if (magnitude > 0x7ff00000 || (magnitude === 0x7ff00000 && lo !== 0)) { h = 0xffffffff; l = 0xffffffff; }
        else if (magnitude === 0 && lo === 0) { h = 0x80000000; l = 0; }
        else if (hi >>> 31) { h = ~hi; l = ~lo; }
        else { h = hi | 0x80000000; l = lo; }
        words[2 * i] = h; words[2 * i + 1] = l;
      }
      return { words, width: 2 };
    }
  }
}

/** Runs this short are insertion-sorted before merging (fewer passes; insertion sort is stable). */
const RUN = 16;

/**
 * Sorts `perm` (lane positions) stably by `less`, a strict order: bottom-up merge sort, taking the
 * left run's element unless the right one is strictly less. Returns whichever of perm and scratch
 * holds the result.
 */
function mergeSort(perm: Int32Array, scratch: Int32Array, n: number, less: (a: number, b: number) => boolean): Int32Array {
  for (let s = 0; s < n; s += RUN) {
    const e = Math.min(s + RUN, n);
    for (let i = s + 1; i < e; i++) {
      const v = perm[i]!;
      let j = i - 1;
      while (j >= s && less(v, perm[j]!)) { perm[j + 1] = perm[j]!; j--; }
      perm[j + 1] = v;
    }
  }
  let src = perm, dst = scratch;
  for (let w = RUN; w < n; w *= 2) {
    for (let lo = 0; lo < n; lo += 2 * w) {
      const mid = Math.min(lo + w, n), hi = Math.min(lo + 2 * w, n);
      let i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = less(src[j]!, src[i]!) ? src[j++]! : src[i++]!;
      while (i < mid) dst[k++] = src[i++]!;
      while (j < hi) dst[k++] = src[j++]!;
    }
    [src, dst] = [dst, src];
  }
  return src;
}

/** Lanes up to this long sort one key word with its position packed below it in a float64 (exact below 2^53). */
const PACK = 2 ** 21;

/**
 * Operands of one shape viewed as [pre, n, post] around `dimension`; lane (p, q) is the n elements
 * (p·n + i)·post + q. Each lane's key words are gathered contiguously, its permutation found, and
 * every operand copied through it.
 */
export const sort: CpuKernel<'sort'> = (inputs, { dimension, numKeys }, inAvals) => {
  const shape = inAvals[0]!.shape;
  const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const pre = prod(shape.slice(0, dimension)), n = shape[dimension]!, post = prod(shape.slice(dimension + 1));
  const outs = inputs.map((x, k) => allocTyped(inAvals[k]!.dtype, x.length));
  if (pre * n * post === 0) return outs;
  const keys = inputs.slice(0, numKeys).map((x, k) => keyWords(x, inAvals[k]!.dtype));
  const width = keys.reduce((w, k) => w + k.width, 0);
  const lane = new Uint32Array(n * width);
  const perm = new Int32Array(n);
  const scratch = new Int32Array(n);
  // One word with positions below PACK: native numeric sort of word·2^21 + position, whose values
  // are distinct, so the order is the stable one. Otherwise compare the words in turn, then merge.
  const packed = width === 1 && n <= PACK ? new Float64Array(n) : null;
  const less = (a: number, b: number): boolean => {
    for (let w = 0; w < width; w++) {
      const x = lane[a * width + w]!, y = lane[b * width + w]!;
      if (x !== y) return x < y;
    }
    return false;
  };
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = (i: number) => (p * n + i) * post + q;
      let offset = 0;
      for (const { words, width: kw } of keys) {
        for (let i = 0; i < n; i++) for (let w = 0; w < kw; w++) lane[i * width + offset + w] = words[at(i) * kw + w]!;
        offset += kw;
      }
      if (packed) {
        for (let i = 0; i < n; i++) packed[i] = lane[i]! * PACK + i;
        packed.sort();
        for (let i = 0; i < n; i++) perm[i] = packed[i]! % PACK;
      } else {
        for (let i = 0; i < n; i++) perm[i] = i;
        const sorted = mergeSort(perm, scratch, n, less);
        if (sorted !== perm) perm.set(sorted);
      }
      inputs.forEach((x, k) => {
        const o = outs[k]!;
        for (let i = 0; i < n; i++) o[at(i)] = x[at(perm[i]!)]!;
      });
    }
  }
  return outs;
};
