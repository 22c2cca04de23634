// Matmul throughput of the default backend (the CPU): GFLOP/s of A·B, Aᵀ·B and A·Bᵀ through dot_general.
// Usage: node build/bench/matmul.js [--sizes 256,512,1024] [--dtype float32|float64|int32]
import { lax } from '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { concreteFromTyped, NDArray } from '../src/core/array.js';
import { allocTyped, DType, isDType } from '../src/core/dtype.js';
import { DotDimensionNumbers } from '../src/core/primitives.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '256,512,1024').split(',').map(Number);
const dtypeArg = arg('dtype', 'float32');
if (!isDType(dtypeArg)) throw new Error(`unknown dtype ${dtypeArg}`);
const dtype: DType = dtypeArg;

function random(n: number): NDArray {
  const data = allocTyped(dtype, n * n);
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'int32' ? (Math.random() * 20 - 10) | 0 : Math.random();
  return concreteFromTyped(data, new ShapedArray([n, n], dtype));
}

/** Contracting axes for C = op(A)·op(B) with both stored n×n. */
const VARIANTS: [string, DotDimensionNumbers][] = [
  ['A·B', { contracting: [[1], [0]], batch: [[], []] }],
  ['Aᵀ·B', { contracting: [[0], [0]], batch: [[], []] }],
  ['A·Bᵀ', { contracting: [[1], [1]], batch: [[], []] }],
];

console.log(`dot_general ${dtype}, best of several runs, GFLOP/s = 2n³ / seconds / 1e9`);
for (const n of sizes) {
  const a = random(n), b = random(n);
  const cells: string[] = [];
  for (const [name, dn] of VARIANTS) {
    lax.dotGeneral(a, b, dn).dataSync(); // warm up: compiles the kernels
    const reps = Math.max(2, Math.min(20, Math.round(2e9 / (2 * n ** 3))));
    let best = Infinity;
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      lax.dotGeneral(a, b, dn).dataSync();
      best = Math.min(best, performance.now() - t0);
    }
    cells.push(`${name} ${((2 * n ** 3) / (best / 1000) / 1e9).toFixed(2)}`);
  }
  console.log(`n=${String(n).padEnd(5)} ${cells.join('   ')}`);
}
