// Benchmark: GFLOP/s of the WebAssembly SIMD sgemm for A·B, Aᵀ·B and A·Bᵀ, on one core and on two.
//
// Run: `npx tsc -p . && node build/bench/wasm-sgemm.js [--sizes 256,512] [--runs 7]`.
//
// Each configuration is warmed up (compilation tier-up, memory growth, the worker starting), then
// timed `runs` times; a timing covers only sgemm calls, repeated enough to last ≥ 30 ms, and the
// table shows the median. The machine's load average is printed because other processes on a
// 2-core machine take time from both columns, and cap the two-core one.
import { loadavg } from 'node:os';
import {
  sgemm, setWasmSgemmParallel, wasmSgemmAvailable, wasmSgemmFeatures, wasmSgemmWorkerReady,
} from '../src/backends/cpu/wasm/sgemm.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '256,512,1024,2048').split(',').map(Number);
const runs = Number(arg('runs', '7'));

if (!wasmSgemmAvailable) {
  console.log('WebAssembly SIMD is not available in this runtime.');
  process.exit(1);
}

/** A·B, Aᵀ·B, A·Bᵀ for N×N operands, as (row stride, column stride) of A and of B. */
const layouts = (N: number): [string, number, number, number, number][] => [
  ['A·B', N, 1, N, 1],
  ['Aᵀ·B', 1, N, N, 1],
  ['A·Bᵀ', N, 1, 1, N],
];

const median = (xs: number[]): number => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;

/**
 * Median GFLOP/s on one core and on two. The two modes alternate run by run, so that both see the
 * same background load (this machine is shared, and a busy second core caps the two-core number).
 */
function measure(N: number, ars: number, acs: number, brs: number, bcs: number, a: Float32Array, b: Float32Array, c: Float32Array): [number, number] {
  const call = (): void => sgemm(N, N, N, a, 0, ars, acs, b, 0, brs, bcs, c, 0);
  let reps = 1;
  for (const parallel of [false, true]) { // warm up both paths, and find a repeat count lasting ≥ 30 ms
    setWasmSgemmParallel(parallel);
    for (let t = performance.now(); ; reps *= 2) {
      for (let i = 0; i < reps; i++) call();
      if (performance.now() - t >= 30) break;
      t = performance.now();
    }
  }
  const gflops: [number[], number[]] = [[], []];
  for (let r = 0; r < runs; r++) {
    for (const parallel of [false, true]) {
      setWasmSgemmParallel(parallel);
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) call();
      gflops[parallel ? 1 : 0].push((2 * N ** 3 * reps) / ((performance.now() - t0) * 1e6));
    }
  }
  return [median(gflops[0]), median(gflops[1])];
}

async function main(): Promise<void> {
  const mats = new Map(sizes.map((N) => {
    const fill = (x: Float32Array): Float32Array => { for (let i = 0; i < x.length; i++) x[i] = Math.random() - 0.5; return x; };
    return [N, { a: fill(new Float32Array(N * N)), b: fill(new Float32Array(N * N)), c: new Float32Array(N * N) }];
  }));
  // Start the worker with one large product and give it time to come up.
  const big = Math.max(...sizes), m0 = mats.get(big)!;
  sgemm(big, big, big, m0.a, 0, big, 1, m0.b, 0, big, 1, m0.c, 0);
  for (let waited = 0; !wasmSgemmWorkerReady() && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));

  const mode = wasmSgemmFeatures.relaxedMadd ? 'f32x4.relaxed_madd' : 'f32x4.mul + f32x4.add';
  console.log(`wasm sgemm, ${mode}; worker ${wasmSgemmWorkerReady() ? 'up' : 'not available'}; ` +
    `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}; median of ${runs} runs, GFLOP/s`);
  const header = ['N', ...layouts(0).flatMap(([name]) => [`${name} 1 core`, `${name} 2 cores`])];
  console.log(header.map((h, i) => (i === 0 ? h.padStart(5) : h.padStart(15))).join(''));
  for (const N of sizes) {
    const { a, b, c } = mats.get(N)!;
    const cells: string[] = [];
    for (const [, ars, acs, brs, bcs] of layouts(N)) cells.push(...measure(N, ars, acs, brs, bcs, a, b, c).map((g) => g.toFixed(1)));
    console.log([String(N).padStart(5), ...cells.map((x) => x.padStart(15))].join(''));
  }
  setWasmSgemmParallel(true);
}

await main();
