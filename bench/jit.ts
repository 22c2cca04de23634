// Benchmark of jit on the CPU: the two-layer training step and a 10M-element elementwise chain.
//
// Reports ms/step eager vs jitted, and for tanh(x)*2 + exp(-x*x) ms and GB/s eager vs jitted and
// the fused loop (WASM SIMD) beside the generated JS loop without float32 rounding.
// Usage: node build/bench/jit.js [--steps 300] [--n 10000000]
import { np, jit, grad, random } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ConcreteArray } from '../src/core/array.js';
import { compileJaxpr, compiledPoolStats } from '../src/backends/cpu/compile/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}
const STEPS = Math.max(200, arg('steps', 300));
const N_ELEMS = arg('n', 10_000_000);

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
/**
 * Per-call wall times of several variants, measured in interleaved rounds (A, B, C, A, B, C, …) so
 * that background load on a shared machine falls on every variant alike; `warm` untimed calls each first.
 */
function timeInterleaved(fs: readonly (() => void)[], warm: number, reps: number, perRound: number): number[][] {
  for (const f of fs) for (let i = 0; i < warm; i++) f();
  const ts = fs.map((): number[] => []);
  for (let done = 0; done < reps; done += perRound) {
    fs.forEach((f, k) => {
      for (let i = 0; i < perRound && done + i < reps; i++) { const t0 = performance.now(); f(); ts[k]!.push(performance.now() - t0); }
    });
  }
  return ts;
}

// ---- the seed's two-layer network: forward, sum-of-squares loss, grad, SGD -------------------------
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const lr = 1e-6;
const keys = random.split(random.key(0), 4);
const x = random.normal(keys.get(0), [N, D_in]), y = random.normal(keys.get(1), [N, D_out]);
const w1Init = random.normal(keys.get(2), [D_in, H]), w2Init = random.normal(keys.get(3), [H, D_out]);
const loss = (w1: NDArray, w2: NDArray, xs: NDArray, ys: NDArray) => np.maximum(xs.matmul(w1), 0).matmul(w2).sub(ys).square().sum();
const gradLoss = grad(loss, { argnums: [0, 1] }) as unknown as (w1: NDArray, w2: NDArray, xs: NDArray, ys: NDArray) => [NDArray, NDArray];
function step(w1: NDArray, w2: NDArray, xs: NDArray, ys: NDArray): [NDArray, NDArray, NDArray] {
  const [g1, g2] = gradLoss(w1, w2, xs, ys);
  return [w1.sub(g1.mul(lr)), w2.sub(g2.mul(lr)), loss(w1, w2, xs, ys)];
}

/** One training step per call, carrying the weights along; the loss is read so every step's result is used. */
function trainer(run: (w1: NDArray, w2: NDArray) => [NDArray, NDArray, NDArray]) {
  let w1 = np.add(w1Init, 0), w2 = np.add(w2Init, 0); // copies: donation consumes its arguments
  const state = { loss: 0 };
  const stepOnce = () => {
    const [a, b, l] = run(w1, w2);
    w1 = a; w2 = b;
    state.loss = l.dataSync()[0]!;
  };
  return { stepOnce, state };
}

console.log(`two-layer step N=${N} D_in=${D_in} H=${H} D_out=${D_out}: median of ${STEPS} steps each after 20 warm-up steps, variants interleaved in blocks of 25`);
const jstep = jit(step);
const jstepDonated = jit(step, { donateArgnums: [0, 1] });
const variants = [
  trainer((a, b) => step(a, b, x, y)),
  trainer((a, b) => jstep(a, b, x, y)),
  trainer((a, b) => jstepDonated(a, b, x, y)),
];
for (const v of variants) for (let i = 0; i < 20; i++) v.stepOnce();
const before = compiledPoolStats().allocations;
const [eagerTs, jitTs, donatedTs] = timeInterleaved(variants.map((v) => v.stepOnce), 0, STEPS, 25).map(median) as [number, number, number];
const made = compiledPoolStats().allocations - before;
const lossOf = (k: number) => variants[k]!.state.loss.toExponential(4);
console.log(`  eager            ${eagerTs.toFixed(3)} ms/step   (loss after ${STEPS + 20} steps ${lossOf(0)})`);
console.log(`  jit              ${jitTs.toFixed(3)} ms/step   (loss ${lossOf(1)})   ${(eagerTs / jitTs).toFixed(1)}× eager`);
console.log(`  jit + donation   ${donatedTs.toFixed(3)} ms/step   (loss ${lossOf(2)})   scratch arrays the pool made while timing: ${made}`);

// ---- the elementwise chain tanh(x)*2 + exp(-x*x) ---------------------------------------------------
const chain = (v: NDArray) => np.tanh(v).mul(2).add(np.exp(v.neg().mul(v)));
const big = random.normal(random.key(1), [N_ELEMS]);
const jchain = jit(chain);
const reps = 9;
const gbps = (ms: number) => (8 * N_ELEMS) / (ms / 1000) / 1e9;
// The same fused loop without Math.fround on intermediates: what exact float32 semantics cost.
const noRound = compileJaxpr(jchain.lower(big).jaxpr, [false], { roundFloat32: false });
const buf = (big as ConcreteArray).buffer;
const [eagerChain, jitChain, noRoundChain] = timeInterleaved([
  () => { chain(big).dataSync(); },
  () => { jchain(big).dataSync(); },
  () => { noRound.run([buf]); },
], 2, reps, 1).map(median) as [number, number, number];
console.log(`\ntanh(x)*2 + exp(-x*x) on ${N_ELEMS.toExponential(0)} float32 (8 bytes moved per element), median of ${reps}, interleaved`);
console.log(`  eager            ${eagerChain.toFixed(1)} ms   ${gbps(eagerChain).toFixed(2)} GB/s`);
console.log(`  jit              ${jitChain.toFixed(1)} ms   ${gbps(jitChain).toFixed(2)} GB/s   ${(eagerChain / jitChain).toFixed(1)}× eager`);
console.log(`  JS loop, no fround   ${noRoundChain.toFixed(1)} ms   ${gbps(noRoundChain).toFixed(2)} GB/s   (the generated JS loop, float32 library in JS, no rounding; beside the WASM SIMD loop jit runs: ${(noRoundChain / jitChain).toFixed(1)}× its time)`);
