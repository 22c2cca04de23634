// Matmul throughput of the WebGPU backend: GFLOP/s of A·B, Aᵀ·B and A·Bᵀ through dot_general.
// Usage: XDG_RUNTIME_DIR=/tmp node build/bench/webgpu-matmul.js [--sizes 256,512,1024] [--dtype float32|int32]
//        [--kernel auto|tiled|blocked]   (default: COTANGENT_WEBGPU_MATMUL, else auto: the adapter's choice; see setMatmulKernel)
import { lax } from '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { concreteFromTyped, NDArray } from '../src/core/array.js';
import { allocTyped, DType, isDType } from '../src/core/dtype.js';
import { DotDimensionNumbers } from '../src/core/primitives.js';
import { adapterDescription, initWebGPU, MatmulKernel, matmulKernel, setMatmulKernel } from '../src/backends/webgpu/index.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '256,512,1024').split(',').map(Number);
const dtypeArg = arg('dtype', 'float32');
if (!isDType(dtypeArg) || dtypeArg === 'float64') throw new Error(`the webgpu backend benchmarks float32 or int32, not ${dtypeArg}`);
const dtype: DType = dtypeArg;
const kernelArg = arg('kernel', '');
if (kernelArg && !['auto', 'tiled', 'blocked'].includes(kernelArg)) throw new Error(`--kernel takes auto, tiled or blocked, not ${kernelArg}`);

await initWebGPU();
if (kernelArg) setMatmulKernel(kernelArg as MatmulKernel);
const why = kernelArg && kernelArg !== 'auto' ? '--kernel' : process.env.COTANGENT_WEBGPU_MATMUL && !kernelArg ? 'COTANGENT_WEBGPU_MATMUL' : 'chosen for the adapter';

function random(n: number): NDArray {
  const data = allocTyped(dtype, n * n);
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'int32' ? (Math.random() * 20 - 10) | 0 : Math.random();
  return concreteFromTyped(data, new ShapedArray([n, n], dtype), 'webgpu');
}

const VARIANTS: [string, DotDimensionNumbers][] = [
  ['A·B', { contracting: [[1], [0]], batch: [[], []] }],
  ['Aᵀ·B', { contracting: [[0], [0]], batch: [[], []] }],
  ['A·Bᵀ', { contracting: [[1], [1]], batch: [[], []] }],
];

/** One product, timed from dispatch to the result read back on the host (the only way to know it finished). */
async function timed(a: NDArray, b: NDArray, dn: DotDimensionNumbers): Promise<number> {
  const t0 = performance.now();
  const c = lax.dotGeneral(a, b, dn);
  await c.data();
  const ms = performance.now() - t0;
  (c as { dispose?: () => void }).dispose?.();
  return ms;
}

console.log(`webgpu dot_general ${dtype}, ${matmulKernel()} kernel (${why}), on ${adapterDescription()}`);
console.log('best of several runs after a warm-up (which compiles the pipeline), readback included; GFLOP/s = 2n³ / seconds / 1e9');
for (const n of sizes) {
  const a = random(n), b = random(n);
  const cells: string[] = [];
  for (const [name, dn] of VARIANTS) {
    await timed(a, b, dn);
    const reps = Math.max(3, Math.min(10, Math.round(2e9 / (2 * n ** 3))));
    let best = Infinity;
    for (let r = 0; r < reps; r++) best = Math.min(best, await timed(a, b, dn));
    cells.push(`${name} ${((2 * n ** 3) / (best / 1000) / 1e9).toFixed(2)}`);
  }
  console.log(`n=${String(n).padEnd(5)} ${cells.join('   ')}`);
}
