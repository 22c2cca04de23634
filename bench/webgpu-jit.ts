// WebGPU eager vs jit (one planned WGSL program per jaxpr): matmul GFLOP/s, the two-layer training step, a fused elementwise chain.
// Usage: XDG_RUNTIME_DIR=/tmp node build/bench/webgpu-jit.js [--sizes 256,512,1024] [--steps 30] [--n 10000000]
//
// Every figure is timed on the host from the first dispatch to the queue reporting the work done
// (GPUQueue.onSubmittedWorkDone), after a warm-up call that builds the pipelines; the best of
// several runs, since software adapters share the CPU with everything else. Readback is excluded:
// it is the same copy for eager and jit.
import { jit, lax, np, random, useBackend, valueAndGrad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { adapterDescription } from '../src/backends/webgpu/index.js';
import { ctx } from '../src/backends/webgpu/device.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
const sizes = arg('sizes', '256,512,1024').split(',').map(Number);
const trainSteps = Number(arg('steps', '30'));
const chainSize = Number(arg('n', '10000000'));

await useBackend('webgpu');
const adapter = adapterDescription();
const done = () => ctx().device.queue.onSubmittedWorkDone();

/** Best wall time in ms of `run` (which dispatches work), until the queue is idle again; `setup` is untimed. */
async function best(reps: number, run: () => unknown): Promise<number> {
  run();
  await done();
  let ms = Infinity;
  for (let r = 0; r < reps; r++) {
    await done();
    const t0 = performance.now();
    run();
    await done();
    ms = Math.min(ms, performance.now() - t0);
  }
  return ms;
}

const normal = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
console.log(`adapter: ${adapter}`);

// ---- matmul ------------------------------------------------------------------------------------
const mm = (a: NDArray, b: NDArray) => lax.dotGeneral(a, b, { contracting: [[1], [0]], batch: [[], []] });
const mmJit = jit(mm);
console.log(`\nmatmul A·B float32, GFLOP/s = 2n³ / time (${adapter})`);
for (const n of sizes) {
  const a = normal(1, [n, n]), b = normal(2, [n, n]);
  await a.data();
  await b.data();
  const reps = Math.max(3, Math.min(10, Math.round(4e9 / (2 * n ** 3))));
  const gflops = (ms: number) => ((2 * n ** 3) / (ms / 1000) / 1e9).toFixed(2);
  const eager = await best(reps, () => mm(a, b));
  const jitted = await best(reps, () => mmJit(a, b));
  console.log(`  n=${String(n).padEnd(5)} eager ${gflops(eager).padStart(6)}   jit ${gflops(jitted).padStart(6)}`);
}

// ---- the two-layer training step --------------------------------------------------------------------
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
type Weights = { w1: NDArray; w2: NDArray };
const loss = (w: Weights, x: NDArray, y: NDArray) => np.maximum(x.matmul(w.w1), 0).matmul(w.w2).sub(y).square().sum();
const update = (w: Weights, x: NDArray, y: NDArray): [NDArray, Weights] => {
  const [value, g] = valueAndGrad(loss)(w, x, y) as [NDArray, Weights];
  return [value, { w1: w.w1.sub(g.w1.mul(1e-6)), w2: w.w2.sub(g.w2.mul(1e-6)) }];
};
const jitUpdate = jit(update, { donateArgnums: 0 });

/** ms per step over `trainSteps` steps (the loss read once, at the end), best of 3 runs; and the first call (tracing, compiling, pipelines). */
async function train(stepFn: typeof update): Promise<{ ms: number; loss: number; firstMs: number }> {
  const x = normal(3, [N, D_in]), y = normal(4, [N, D_out]);
  let w: Weights = { w1: normal(5, [D_in, H]), w2: normal(6, [H, D_out]) };
  await w.w2.data();
  const t1 = performance.now();
  let value = stepFn(w, x, y)[0];
  await value.data();
  const firstMs = performance.now() - t1;
  let ms = Infinity;
  for (let r = 0; r < 3; r++) {
    w = { w1: normal(5, [D_in, H]), w2: normal(6, [H, D_out]) };
    await w.w2.data();
    const t0 = performance.now();
    for (let t = 0; t < trainSteps; t++) [value, w] = stepFn(w, x, y);
    await done();
    ms = Math.min(ms, (performance.now() - t0) / trainSteps);
  }
  return { ms, loss: await value.item(), firstMs };
}
console.log(`\ntwo-layer training step (N=${N}, D_in=${D_in}, H=${H}, D_out=${D_out}), ms/step over ${trainSteps} steps (${adapter})`);
const eagerTrain = await train(update);
const jitTrain = await train(jitUpdate);
console.log(`  eager ${eagerTrain.ms.toFixed(2)} ms/step   jit ${jitTrain.ms.toFixed(2)} ms/step   (losses after the run: ${eagerTrain.loss.toExponential(4)}, ${jitTrain.loss.toExponential(4)})`);
const header = jitUpdate.lower({ w1: normal(5, [D_in, H]), w2: normal(6, [H, D_out]) }, normal(3, [N, D_in]), normal(4, [N, D_out])).compiledText().split('\n')[0]!;
console.log(`  jit program: ${header.replace(/^\/\/ cotangent jit → WGSL: /, '')}`);
console.log(`  first call (trace, plan, WGSL, pipelines; Mesa caches shaders on disk across runs): eager ${eagerTrain.firstMs.toFixed(0)} ms, jit ${jitTrain.firstMs.toFixed(0)} ms`);

// ---- a fused elementwise chain ------------------------------------------------------------------------
const chain = (x: NDArray) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x)));
const chainJit = jit(chain);
const big = random.uniform(random.key(7), [chainSize], { minval: -3, maxval: 3 });
await big.data();
console.log(`\ntanh(x)*2 + exp(-x*x) on ${chainSize.toLocaleString('en')} float32 (${adapter})`);
const eagerChain = await best(5, () => chain(big));
const jitChain = await best(5, () => chainJit(big));
// The same with each result disposed before the next call: its buffer comes back from the
// allocator's cache, so the call skips creating (and Dawn clearing) a new 40 MB buffer. Dropped
// results reach the cache too, but only when the garbage collector gets to them.
let last: NDArray | null = null;
const jitReused = await best(5, () => { last?.dispose(); last = chainJit(big); });
const gbs = (ms: number) => (ms > 0 ? ((chainSize * 4 * 2) / (ms / 1000) / 1e9).toFixed(2) : '?');
console.log(`  eager ${eagerChain.toFixed(1)} ms   jit ${jitChain.toFixed(1)} ms (${gbs(jitChain)} GB/s read+write)   jit, previous result disposed ${jitReused.toFixed(1)} ms (${gbs(jitReused)} GB/s)`);
