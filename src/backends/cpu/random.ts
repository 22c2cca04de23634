// threefry2x32: the Threefry-2x32 block cipher with 20 rounds, as in Random123 and JAX's threefry2x32_p.
import type { CpuKernel } from './kernels.js';

/** Rotation distances of the even and odd groups of four rounds (Salmon et al., SC'11, table 4). */
const ROTATIONS: readonly (readonly number[])[] = [[13, 15, 26, 6], [17, 29, 16, 24]];
/** The key-schedule parity constant: the third key word is k0 ^ k1 ^ PARITY. */
const PARITY = 0x1bd11bda;

/**
 * Encrypts the counter (x0, x1) under the key (k0, k1), elementwise. All arithmetic is mod 2^32:
 * `|0` after each add, rotations on the 32-bit pattern. Each round is
 *   a += b;  b = rotl(b, r);  b ^= a
 * and after every 4 rounds (5 groups) the key schedule is injected:
 *   a += ks[(g+1) mod 3];  b += ks[(g+2) mod 3] + (g+1),   with ks = (k0, k1, k0 ^ k1 ^ PARITY).
 */
export const threefry2x32: CpuKernel<'threefry2x32'> = ([k0, k1, x0, x1], _params, _inAvals, [oa]) => {
  const n = oa!.size;
  const y0 = new Uint32Array(n), y1 = new Uint32Array(n);
  const ks = new Int32Array(3);
  for (let i = 0; i < n; i++) {
    ks[0] = k0![i]!; ks[1] = k1![i]!; ks[2] = ks[0]! ^ ks[1]! ^ PARITY;
    let a = (x0![i]! + ks[0]!) | 0, b = (x1![i]! + ks[1]!) | 0;
    for (let g = 0; g < 5; g++) {
      const rot = ROTATIONS[g & 1]!;
      for (let j = 0; j < 4; j++) {
        const r = rot[j]!;
        a = (a + b) | 0;
        b = ((b << r) | (b >>> (32 - r))) ^ a;
      }
      a = (a + ks[(g + 1) % 3]!) | 0;
      b = (b + ks[(g + 2) % 3]! + g + 1) | 0;
    }
    y0[i] = a; y1[i] = b;
  }
  return [y0, y1];
};
