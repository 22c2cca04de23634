// Benchmark of np.linalg on the CPU against NumPy (LAPACK) in one run: cholesky, solve, qr, eigh,
// svd of one n×n float64 matrix at a few sizes, medians of `rounds` (ours in this process, NumPy's
// by timeit in a python3 subprocess right after, on the same sizes). The kernels are textbook
// loops in JS (src/backends/cpu/linalg.ts), unblocked: the point is how far they are from LAPACK.
// With --webgpu: the same ops in float32 on the WebGPU backend against the CPU backend in float32
// (n = 32, 128; each timed to the read-back of its results).
// Usage: node build/bench/linalg.js [--rounds 5] [--webgpu]
import { execSync } from 'node:child_process';
import { initWebGPU, np, setDefaultBackend } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : fallback; };
const ROUNDS = arg('rounds', 5);
const SIZES = [32, 128, 256];
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
console.log(`uptime: ${execSync('uptime').toString().trim()}`);

const OPS: [string, (a: NDArray, b: NDArray) => unknown, string][] = [
  ['cholesky', (a) => np.linalg.cholesky(a), 'np.linalg.cholesky(s)'],
  ['solve', (a, b) => np.linalg.solve(a, b), 'np.linalg.solve(a, b)'],
  ['qr', (a) => np.linalg.qr(a), 'np.linalg.qr(a)'],
  ['eigh', (a) => np.linalg.eigh(a), 'np.linalg.eigh(s)'],
  ['svd', (a) => np.linalg.svd(a), 'np.linalg.svd(a)'],
];
const py = (n: number, stmt: string) => `
import numpy as np, timeit
rng = np.random.default_rng(0); a = rng.standard_normal((${n}, ${n})); s = a @ a.T + ${n} * np.eye(${n}); b = rng.standard_normal((${n}, 1))
f = lambda: ${stmt}
f()
print(sorted(timeit.repeat(f, number=1, repeat=${ROUNDS}))[${Math.floor(ROUNDS / 2)}] * 1e3)`;
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
// One thread: this machine's cores are shared, and a threaded LAPACK there times its own contention.
env.OPENBLAS_NUM_THREADS = '1';

console.log('op        n   cotangent (ms)   numpy (ms)   ratio');
for (const n of SIZES) {
  const x = np.array(Float64Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1), { dtype: 'float64' }).reshape([n, n]);
  const s = np.add(np.matmul(x, x.T), np.multiply(np.eye(n, undefined, { dtype: 'float64' }), n));
  const b = np.ones([n, 1], { dtype: 'float64' });
  for (const [name, f, stmt] of OPS) {
    const operand = name === 'cholesky' || name === 'eigh' ? s : x;
    const ours: number[] = [], theirs: number[] = [];
    const warm = n <= 128 ? 5 : 1; // V8 optimises the kernels' loops after a few calls
    for (let r = -warm; r < ROUNDS; r++) {
      const t = performance.now();
      const out = f(operand, b);
      for (const o of (Array.isArray(out) ? out : [out]) as NDArray[]) o.dataSync();
      if (r >= 0) ours.push(performance.now() - t); // negative rounds warm up (kernel generation, V8 tiers)
    }
    theirs.push(Number(execSync(`python3 -c '${py(n, stmt)}'`, { env }).toString()));
    const o = median(ours), p = median(theirs);
    console.log(`${name.padEnd(9)} ${String(n).padStart(3)}   ${o.toFixed(2).padStart(14)}   ${p.toFixed(3).padStart(10)}   ${(o / p).toFixed(1)}×`);
  }
}

if (process.argv.includes('--webgpu')) {
  await initWebGPU();
  console.log('\nfloat32, webgpu vs cpu backend');
  console.log('op        n   webgpu (ms)   cpu (ms)');
  for (const n of [32, 128]) {
    const data = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
    const make = (backend: 'cpu' | 'webgpu') => {
      setDefaultBackend(backend);
      const x = np.array(data, { dtype: 'float32' }).reshape([n, n]);
      return { x, s: np.add(np.matmul(x, x.T), np.multiply(np.eye(n), n)), b: np.ones([n, 1]) };
    };
    for (const [name, f] of OPS) {
      const times: Record<string, number> = {};
      for (const backend of ['webgpu', 'cpu'] as const) {
        const { x, s, b } = make(backend);
        const operand = name === 'cholesky' || name === 'eigh' ? s : x;
        const ts: number[] = [];
        for (let r = -2; r < ROUNDS; r++) {
          const t = performance.now();
          const out = f(operand, b);
          for (const o of (Array.isArray(out) ? out : [out]) as NDArray[]) await o.data();
          if (r >= 0) ts.push(performance.now() - t);
        }
        times[backend] = median(ts);
      }
      console.log(`${name.padEnd(9)} ${String(n).padStart(3)}   ${times.webgpu!.toFixed(2).padStart(11)}   ${times.cpu!.toFixed(2).padStart(8)}`);
    }
  }
  setDefaultBackend('cpu');
}
