// Benchmark of staged control flow on the CPU, in one run:
//  1. a 1000-step RNN (hidden 64, batch 8) forward + backward as one jitted scan, against a JS loop
//     of jitted cell calls under valueAndGrad (interleaved rounds, medians);
//  2. the jit compile time (trace, optimise, generate code) of that scan at 10 and at 1000 steps;
//  3. a 100-layer tanh MLP (width 512) under grad: the bytes its forward pass keeps for the
//     backward pass (the residuals of the linearized jaxpr, the parameters excluded), without and
//     with checkpoint per layer; and both gradients' agreement.
// Usage: node build/bench/control-flow.js [--rounds 5]
import { checkpoint, jit, lax, np, random, valueAndGrad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { linearizeFlat } from '../src/transforms/linearize.js';
import { execSync } from 'node:child_process';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : fallback; };
const ROUNDS = arg('rounds', 5);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const time = (f: () => void) => { const t = performance.now(); f(); return performance.now() - t; };
console.log(`uptime: ${execSync('uptime').toString().trim()}`);

// ---- 1. RNN forward + backward ---------------------------------------------------------------------
const [T, B, H] = [1000, 8, 64];
const ks = random.split(random.key(0), 4);
const params0 = { wx: random.normal(ks.get(0), [H, H]).mul(0.1), wh: random.normal(ks.get(1), [H, H]).mul(0.1), b: np.zeros([H]) };
type P = typeof params0;
const xs = random.normal(ks.get(2), [T, B, H]);
const h0 = np.zeros([B, H]);

const cellFn = (p: P, h: NDArray, x: NDArray) => np.tanh(x.matmul(p.wx).add(h.matmul(p.wh)).add(p.b));
const scanLoss = (p: P, seq: NDArray) => lax.scan((h: NDArray, x: NDArray) => [cellFn(p, h, x), null] as const, h0, seq)[0].square().sum();
const jittedScan = jit(valueAndGrad(scanLoss));
const cell = jit(cellFn);
const slices = Array.from({ length: T }, (_, t) => xs.get(t));
const loopLoss = (p: P) => { let h = h0; for (let t = 0; t < T; t++) h = cell(p, h, slices[t]!); return h.square().sum(); };
const loopGrad = valueAndGrad(loopLoss);

const [vs, gs] = jittedScan(params0, xs) as [NDArray, P];
const [vl, gl] = loopGrad(params0) as [NDArray, P];
const rel = (a: NDArray, b: NDArray) => np.abs(a.sub(b)).max().itemSync() / Math.max(1e-30, np.abs(b).max().itemSync());
console.log(`RNN T=${T} B=${B} H=${H}: loss scan ${vs.itemSync().toFixed(6)} vs loop ${vl.itemSync().toFixed(6)}; max relative gradient difference ${Math.max(rel(gs.wx, gl.wx), rel(gs.wh, gl.wh), rel(gs.b, gl.b)).toExponential(2)}`);
const tScan: number[] = [], tLoop: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  tScan.push(time(() => { const [v] = jittedScan(params0, xs) as [NDArray, P]; v.dataSync(); }));
  tLoop.push(time(() => { const [v] = loopGrad(params0) as [NDArray, P]; v.dataSync(); }));
}
console.log(`  fwd+bwd, one jitted scan:          median ${median(tScan).toFixed(1)} ms (${tScan.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`  fwd+bwd, JS loop of jitted cells:  median ${median(tLoop).toFixed(1)} ms (${tLoop.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`  speed-up: ${(median(tLoop) / median(tScan)).toFixed(1)}×`);

// ---- 2. compile time against length ----------------------------------------------------------------
// The sequences are sliced once, outside the timed region (a slice copies, and its garbage would land in the timing).
const seqs = new Map([10, 1000].map((n) => [n, xs.get(`:${n}`)] as const));
const compileTime = (n: number) => {
  const seq = seqs.get(n)!;
  return time(() => { jit(valueAndGrad(scanLoss)).lower(params0, seq).compiledText(); });
};
compileTime(10); compileTime(1000); // warm: the first trace of any function pays for V8's own compilation
const c10: number[] = [], c1000: number[] = [];
for (let r = 0; r < ROUNDS; r++) { c10.push(compileTime(10)); c1000.push(compileTime(1000)); }
console.log(`jit compile (trace + optimise + generate) of valueAndGrad(scan): 10 steps median ${median(c10).toFixed(1)} ms, 1000 steps ${median(c1000).toFixed(1)} ms, ratio ${(median(c1000) / median(c10)).toFixed(2)}`);

// ---- 3. checkpoint per layer: what the forward pass keeps ---------------------------------------
const [L, W, N] = [100, 512, 256];
const kl = random.split(random.key(1), L + 1);
const ws = Array.from({ length: L }, (_, i) => random.normal(kl.get(i), [W, W]).mul(1 / Math.sqrt(W)));
const bs = Array.from({ length: L }, () => np.zeros([W]));
const input = random.normal(kl.get(L), [N, W]);
const layer = (w: NDArray, b: NDArray, h: NDArray) => np.tanh(h.matmul(w).add(b));
const ckLayer = checkpoint(layer);
const mlp = (ck: boolean) => (...p: NDArray[]) => {
  let h = input;
  for (let i = 0; i < L; i++) h = (ck ? ckLayer : layer)(p[i]!, p[L + i]!, h);
  return [h.square().mean()];
};
const residualBytes = (ck: boolean) => {
  const lin = linearizeFlat(mlp(ck), [...ws, ...bs]);
  const inputs = new Set<unknown>([...ws, ...bs]);
  // Distinct residual arrays, parameters (which are live anyway) excluded.
  return [...new Set(lin.linear.consts)].filter((c) => !inputs.has(c)).reduce((s, c) => s + c.size * 4, 0);
};
const plain = residualBytes(false), ck = residualBytes(true);
const [, g0] = valueAndGrad((p: NDArray[]) => mlp(false)(...p)[0]!)([...ws, ...bs]) as [NDArray, NDArray[]];
const [, g1] = valueAndGrad((p: NDArray[]) => mlp(true)(...p)[0]!)([...ws, ...bs]) as [NDArray, NDArray[]];
const gdiff = Math.max(...g0.map((g, i) => rel(g1[i]!, g)));
console.log(`MLP L=${L} width=${W} batch=${N}: bytes kept for the backward pass: without checkpoint ${(plain / 2 ** 20).toFixed(1)} MiB, checkpoint per layer ${(ck / 2 ** 20).toFixed(1)} MiB, ratio ${(ck / plain).toFixed(3)} (parameters, ${((ws.length * W * W + bs.length * W) * 4 / 2 ** 20).toFixed(1)} MiB, excluded); max relative gradient difference ${gdiff.toExponential(2)}`);
