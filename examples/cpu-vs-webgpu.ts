// The same jitted training program (the seed's two-layer net) on the CPU and on WebGPU, side by
// side: both losses at each report, and ms/step for each backend.
import { np, jit, valueAndGrad, random, useBackend, Array as NDArray } from '../src/index.js';
import { adapterDescription } from '../src/backends/webgpu/index.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const steps = flag('steps', 200), every = flag('every', 50);
const [N, D_in, H, D_out] = [64, 1000, 100, 10];

type Weights = { w1: NDArray; w2: NDArray };
const loss = (w: Weights, x: NDArray, y: NDArray) => np.maximum(x.matmul(w.w1), 0).matmul(w.w2).sub(y).square().sum();
const step = jit((w: Weights, x: NDArray, y: NDArray): [NDArray, Weights] => {
  const [value, g] = valueAndGrad(loss)(w, x, y);
  return [value, { w1: w.w1.sub(g.w1.mul(1e-6)), w2: w.w2.sub(g.w2.mul(1e-6)) }];
}, { donateArgnums: 0 });

/** Runs the whole program with `backend` as the default; the data comes from the same keys. */
async function train(backend: 'cpu' | 'webgpu'): Promise<{ losses: number[]; msPerStep: number }> {
  await useBackend(backend);
  const k = random.split(random.key(0), 4);
  const keys = [0, 1, 2, 3].map((i) => k.get(i));
  const x = random.normal(keys[0]!, [N, D_in]), y = random.normal(keys[1]!, [N, D_out]);
  let w: Weights = { w1: random.normal(keys[2]!, [D_in, H]), w2: random.normal(keys[3]!, [H, D_out]) };
  const losses: number[] = [];
  // Compile and warm up outside the timing, and wait for it: a software adapter compiles each
  // shader when it first runs on the queue (seconds), so an un-awaited warm-up would be timed.
  if (backend === 'webgpu') console.log('webgpu: compiling the step\'s shaders (the warm-up step; not timed)…');
  let value = step(w, x, y)[0];
  await value.blockUntilReady();
  w = { w1: random.normal(keys[2]!, [D_in, H]), w2: random.normal(keys[3]!, [H, D_out]) };
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    [value, w] = step(w, x, y);
    if (t % every === every - 1) losses.push(await value.item());
  }
  await w.w2.data(); // the last step has finished
  return { losses, msPerStep: (performance.now() - t0) / steps };
}

const cpu = await train('cpu');
const gpu = await train('webgpu');
console.log(`adapter: ${adapterDescription()}`);
console.log('step      loss (cpu)        loss (webgpu)     relative difference');
cpu.losses.forEach((l, i) => {
  const g = gpu.losses[i]!;
  console.log(`${String((i + 1) * every - 1).padEnd(9)} ${l.toExponential(6).padEnd(17)} ${g.toExponential(6).padEnd(17)} ${(Math.abs(l - g) / Math.abs(l)).toExponential(2)}`);
});
console.log(`cpu:    ${cpu.msPerStep.toFixed(2)} ms/step (jitted)`);
console.log(`webgpu: ${gpu.msPerStep.toFixed(2)} ms/step (jitted)`);
