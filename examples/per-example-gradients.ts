// Per-example gradient norms of the seed's two-layer network (N=64, D_in=1000, H=100, D_out=10):
// jit(vmap(grad(loss), {inAxes: [null, 0, 0]})) gives all 64 gradients in one compiled program;
// they are checked against a JS loop of jit(grad(loss)) over the examples.
// Usage: node build/examples/per-example-gradients.js [--backend cpu|webgpu] [--steps N (timing repeats)]
import { np, jit, grad, vmap, random, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';

const opts = await parseArgs({ steps: 5, every: 1 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];

type Weights = { w1: NDArray; w2: NDArray };
const [kx, ky, k1, k2] = keys(0, 4) as [NDArray, NDArray, NDArray, NDArray];
const x = random.normal(kx, [N, D_in]);
const y = random.normal(ky, [N, D_out]);
const weights: Weights = { w1: random.normal(k1, [D_in, H]), w2: random.normal(k2, [H, D_out]) };

// One example's loss: x_i [D_in], y_i [D_out]; y_pred = relu(x_i·w1)·w2, loss = Σ (y_pred − y_i)².
const loss = (w: Weights, xi: NDArray, yi: NDArray) => np.maximum(xi.matmul(w.w1), 0).matmul(w.w2).sub(yi).square().sum();
/** ‖g‖ over every weight of a gradient; with a leading batch axis, one norm per example. */
const norm = (g: Weights, batched: boolean) => {
  const axes = batched ? [1, 2] : null;
  return np.sqrt(g.w1.square().sum({ axis: axes }).add(g.w2.square().sum({ axis: axes })));
};

const perExample = jit(vmap(grad(loss), { inAxes: [null, 0, 0] })) as (w: Weights, xs: NDArray, ys: NDArray) => Weights;
const oneExample = jit(grad(loss)) as (w: Weights, xi: NDArray, yi: NDArray) => Weights;
const rows = Array.from({ length: N }, (_, i) => [x.get(i), y.get(i)] as const);

const batchedNorms = async () => Array.from(await norm(perExample(weights, x, y), true).data());
const loopNorms = async () => Promise.all(rows.map(async ([xi, yi]) => (await norm(oneExample(weights, xi, yi), false).data())[0]!));

const vmapped = await batchedNorms();
const looped = await loopNorms();
const maxRel = Math.max(...vmapped.map((v, i) => Math.abs(v - looped[i]!) / Math.abs(looped[i]!)));

const time = async (f: () => Promise<unknown>) => {
  const t0 = performance.now();
  for (let r = 0; r < opts.steps; r++) await f();
  return (performance.now() - t0) / opts.steps;
};
const tVmap = await time(batchedNorms), tLoop = await time(loopNorms);

console.log(`per-example gradient norms on ${opts.backend} (first 5 of ${N}):`);
console.log(`  vmap: ${vmapped.slice(0, 5).map((v) => v.toFixed(2)).join(' ')}`);
console.log(`  loop: ${looped.slice(0, 5).map((v) => v.toFixed(2)).join(' ')}`);
console.log(`max relative difference vmap vs loop: ${maxRel.toExponential(2)}`);
console.log(`jit(vmap(grad)): ${tVmap.toFixed(2)} ms per batch; loop of ${N} jit(grad) calls: ${tLoop.toFixed(2)} ms per batch`);
if (!(maxRel < 1e-4)) {
  console.error(`MISMATCH: the batched norms differ from the loop's by ${maxRel}`);
  process.exit(1);
}
console.log('OK: per-example gradients from vmap match the loop');
