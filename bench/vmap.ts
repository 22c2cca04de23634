// Per-example gradients of the seed's two-layer net (batch 64, D_in=1000, H=100, D_out=10) on the
// CPU: jit(vmap(grad(loss))) — one compiled program for the batch — against a JS loop of 64
// jit(grad(loss)) calls on pre-sliced rows (slicing kept out of the loop's timing), measured in
// interleaved rounds in one process; medians and their ratio.
// Usage: node build/bench/vmap.js [--reps 30]
import { execSync } from 'node:child_process';
import { np, jit, grad, vmap, random } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}
const REPS = arg('reps', 30);
const [N, D_in, H, D_out] = [64, 1000, 100, 10];

type Weights = { w1: NDArray; w2: NDArray };
const keys = random.split(random.key(0), 4);
const x = random.normal(keys.get(0), [N, D_in]), y = random.normal(keys.get(1), [N, D_out]);
const weights: Weights = { w1: random.normal(keys.get(2), [D_in, H]), w2: random.normal(keys.get(3), [H, D_out]) };
/** One example's loss: x_i [D_in], y_i [D_out]. */
const loss = (w: Weights, xi: NDArray, yi: NDArray) => np.maximum(xi.matmul(w.w1), 0).matmul(w.w2).sub(yi).square().sum();

const perExample = jit(vmap(grad(loss), { inAxes: [null, 0, 0] })) as (w: Weights, xs: NDArray, ys: NDArray) => Weights;
const oneExample = jit(grad(loss)) as (w: Weights, xi: NDArray, yi: NDArray) => Weights;
const rows = Array.from({ length: N }, (_, i) => [x.get(i), y.get(i)] as const);
const loop = (): Weights[] => rows.map(([xi, yi]) => oneExample(weights, xi, yi));

// The two agree before anything is timed.
const batched = perExample(weights, x, y);
const looped = loop();
// Largest difference relative to each gradient leaf's largest entry (float32 sums in another order).
let maxRel = 0;
for (const k of ['w1', 'w2'] as const) {
  const b = batched[k].dataSync(), n = looped[0]![k].size;
  let scale = 0, diff = 0;
  looped.forEach((g, i) => {
    const d = g[k].dataSync();
    for (let j = 0; j < n; j++) { scale = Math.max(scale, Math.abs(d[j]!)); diff = Math.max(diff, Math.abs(b[i * n + j]! - d[j]!)); }
  });
  maxRel = Math.max(maxRel, diff / scale);
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
// The memory floor beside them: writing the batch's ∂loss/∂w1 (N·D_in·H floats) as one fresh array, or as N of them.
const kept: Float32Array[] = [];
const fill = (n: number) => { const a = new Float32Array(n); for (let i = 0; i < n; i++) a[i] = i; kept.push(a); if (kept.length > 2 * N) kept.shift(); };
const fs = [
  () => { perExample(weights, x, y).w1.dataSync(); },
  () => { loop().forEach((g) => g.w1.dataSync()); },
  () => fill(N * D_in * H),
  () => { for (let i = 0; i < N; i++) fill(D_in * H); },
];
for (const f of fs) for (let i = 0; i < 3; i++) f();
const ts: number[][] = fs.map(() => []);
for (let r = 0; r < REPS; r++) fs.forEach((f, k) => { const t0 = performance.now(); f(); ts[k]!.push(performance.now() - t0); });
const [tv, tl, tOne, tMany] = ts.map(median) as [number, number, number, number];

console.log(`per-example gradients, batch ${N}, two-layer net ${D_in}-${H}-${D_out}, CPU, ${REPS} interleaved rounds (median)`);
console.log(`  jit(vmap(grad)):            ${tv.toFixed(2)} ms per batch`);
console.log(`  loop of ${N} jit(grad) calls: ${tl.toFixed(2)} ms per batch`);
console.log(`  speed-up: ${(tl / tv).toFixed(1)}×   (max relative difference of the gradients: ${maxRel.toExponential(1)})`);
console.log(`  memory floor: allocating and filling ${N}·${D_in}·${H} float32 as one array ${tOne.toFixed(2)} ms, as ${N} arrays ${tMany.toFixed(2)} ms`);
try { console.log(`  uptime: ${execSync('uptime').toString().trim()}`); } catch { /* no uptime here */ }
