// The threefry2x32 kernel: the counter-based PRNG behind `random`, bit-identical to the CPU's.
// WGSL's u32 arithmetic wraps mod 2^32, as the CPU's `>>> 0` does.
import { inp, out, elementwiseStep, WebGpuKernel } from './wgsl.js';

/**
 * Threefry-2x32 with 20 rounds (Salmon et al. 2011, as in JAX): key schedule ks = (k0, k1,
 * k0 ^ k1 ^ 0x1BD11BDA); five groups of four rounds x0 += x1, x1 = rotl(x1, r) ^ x0 with the
 * rotations alternating (13, 15, 26, 6) and (17, 29, 16, 24); after group g the key words
 * ks[(g+1) % 3] and ks[(g+2) % 3] + g + 1 are injected.
 */
const WGSL_THREEFRY = (() => {
  const rot = [[13, 15, 26, 6], [17, 29, 16, 24]] as const;
  const lines = [
    `let ks0 = x0[gid];`,
    `let ks1 = x1[gid];`,
    `let ks2 = ks0 ^ ks1 ^ 0x1BD11BDAu;`,
    `var a = x2[gid] + ks0;`,
    `var b = x3[gid] + ks1;`,
  ];
  for (let g = 0; g < 5; g++) {
    for (const r of rot[g % 2]!) lines.push(`a = a + b; b = ((b << ${r}u) | (b >> ${32 - r}u)) ^ a;`);
    lines.push(`a = a + ks${(g + 1) % 3};`, `b = b + ks${(g + 2) % 3} + ${g + 1}u;`);
  }
  lines.push(`y0[gid] = a;`, `y1[gid] = b;`);
  return lines;
})();

/** Operands (key0, key1, x0, x1), all uint32 of one shape; results (y0, y1). */
export const threefry2x32: WebGpuKernel<'threefry2x32'> = ({ outAvals: [oa] }) => {
  const t = { type: 'u32' } as const;
  return {
    steps: [elementwiseStep('threefry2x32', [[inp(0), t], [inp(1), t], [inp(2), t], [inp(3), t]], [[out(0), t], [out(1), t]], oa!.size, WGSL_THREEFRY)],
  };
};
