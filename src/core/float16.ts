// IEEE binary16 (float16) on hosts without Float16Array: rounding, and the bits ↔ value conversions.
//
// A float16 array is stored as a Uint16Array of its bit patterns; values are computed in float32
// or float64 and rounded to float16 when stored (round to nearest, ties to even; overflow to ±inf;
// NaN stays NaN), as XLA's CPU backend does.

/** Every float16 value by its bits (256 KB, built on first use): decoding is one table read. */
let table: Float32Array | null = null;
function decodeTable(): Float32Array {
  if (table) return table;
  table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const s = h >>> 15 ? -1 : 1, e = (h >>> 10) & 0x1f, m = h & 0x3ff;
    table[h] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
  }
  return table;
}

/** The value of a float16 bit pattern. */
export const f16FromBits = (h: number): number => decodeTable()[h & 0xffff]!;

// The double's bits, for rounding straight from its 52-bit mantissa (hosts are little-endian).
const f64 = new Float64Array(1), w32 = new Uint32Array(f64.buffer);

/**
 * The bits of the float16 nearest `v`, rounded once from the double (ties to even; beyond the
 * range an infinity; NaN a quiet NaN).
 */
export function f16ToBits(v: number): number {
  f64[0] = v;
  const hi = w32[1]!, lo = w32[0]!;
  const sign = (hi >>> 16) & 0x8000, e = (hi >>> 20) & 0x7ff;
  if (e === 0x7ff) return sign | ((hi & 0xfffff) | lo ? 0x7e00 : 0x7c00);
  const E = e - 1023;
  if (E >= 16) return sign | 0x7c00;
  if (E < -14) {
    // Subnormal (or zero): a multiple of 2^-24; scaling by 2^24 is exact, so is the fraction. A
    // result of 1024 is the smallest normal's bits.
    const s = Math.abs(v) * 16777216;
    let r = Math.floor(s);
    const f = s - r;
    if (f > 0.5 || (f === 0.5 && (r & 1) === 1)) r++;
    return sign | r;
  }
  // Normal: the top 10 of the 52 mantissa bits, rounded by the next bit and the sticky rest; a
  // carry runs into the exponent (and past 65504 into the infinity's bits).
  const m = (hi >>> 10) & 0x3ff, round = (hi >>> 9) & 1, sticky = (hi & 0x1ff) | lo;
  let bits = ((E + 15) << 10) | m;
  if (round && (sticky || (m & 1))) bits++;
  return sign | bits;
}

/** The float16 nearest `v` (ties to even), as a JS number: Math.f16round where the host lacks it. */
export const f16round = (v: number): number => decodeTable()[f16ToBits(v)]!;

/** Decodes float16 bits into float32 values (every float16 is a float32). */
export function decodeF16(bits: ArrayLike<number>): Float32Array {
  const t = decodeTable(), out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = t[bits[i]! & 0xffff]!;
  return out;
}

/** Encodes values into float16 bits, rounding each to the nearest float16. */
export function encodeF16(values: ArrayLike<number>, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  for (let i = 0; i < values.length; i++) out[i] = f16ToBits(values[i]!);
  return out;
}

