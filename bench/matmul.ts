// Matmul throughput of the default backend (the CPU): GFLOP/s of A·B, Aᵀ·B and A·Bᵀ through dot_general,
// then the seed's numpy warm-up step (forward + hand-written backprop, eager) in ms/step.
// Usage: node build/bench/matmul.js [--sizes 256,512,1024] [--dtype float32|float64|int32] [--steps 100]
import { lax, np, random as prng } from '../src/index.js';
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

// ---- the numpy warm-up's training step (examples/numpy-warmup.ts), eager --------------------------
{
  const steps = Number(arg('steps', '100'));
  const keys = prng.split(prng.key(0), 4);
  const x = prng.normal(keys.get(0), [64, 1000]), y = prng.normal(keys.get(1), [64, 10]);
  let w1 = prng.normal(keys.get(2), [1000, 100]), w2 = prng.normal(keys.get(3), [100, 10]);
  const step = () => {
    const h = x.dot(w1);
    const hRelu = np.maximum(h, 0);
    const yPred = hRelu.dot(w2);
    const loss = yPred.sub(y).square().sum();
    const gradYPred = yPred.sub(y).mul(2.0);
    const gradW2 = hRelu.T.dot(gradYPred);
    const gradH = np.where(h.lt(0), 0, gradYPred.dot(w2.T));
    const gradW1 = x.T.dot(gradH);
    w1 = w1.sub(gradW1.mul(1e-6));
    w2 = w2.sub(gradW2.mul(1e-6));
    return loss.itemSync();
  };
  for (let i = 0; i < 10; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`numpy warm-up step (N=64, D_in=1000, H=100, D_out=10), eager: median ${times[times.length >> 1]!.toFixed(2)} ms/step over ${steps} steps`);
}
