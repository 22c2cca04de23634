// The seed's DynamicNet ("Control Flow + Weight Sharing") written functionally: each step draws a
// depth 0–3 and applies the one shared middle layer that many times. The depth is a traced value,
// so one jitted training step holds all four depths as branches of a `lax.switch`: compiled once,
// then every step picks its branch on the device. Trained with SGD + momentum on the summed squared
// error (lr 1e-4, momentum 0.9), 500 steps, as the seed does.
import { grad, jit, lax, np, random, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';

const opts = await parseArgs({ steps: 500, every: 50 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const [kx, ky, k1, k2, k3, kDepth] = keys(0, 6);
const x = random.normal(kx, [N, D_in]);
const y = random.normal(ky, [N, D_out]);

interface Params { w1: NDArray; b1: NDArray; wm: NDArray; bm: NDArray; w2: NDArray; b2: NDArray }
// torch.nn.Linear's initialisation: U(-1/√fan_in, 1/√fan_in) for weights and biases.
const linear = (k: NDArray, fanIn: number, fanOut: number) => {
  const [kw, kb] = [random.foldIn(k, 0), random.foldIn(k, 1)];
  const bound = 1 / Math.sqrt(fanIn);
  return [random.uniform(kw, [fanIn, fanOut], { minval: -bound, maxval: bound }), random.uniform(kb, [fanOut], { minval: -bound, maxval: bound })];
};
const [w1, b1] = linear(k1, D_in, H), [wm, bm] = linear(k2, H, H), [w2, b2] = linear(k3, H, D_out);
let params: Params = { w1: w1!, b1: b1!, wm: wm!, bm: bm!, w2: w2!, b2: b2! };

const relu = (v: NDArray) => np.maximum(v, 0);
/** Branch d applies the shared middle layer d times. */
const middle = (p: Params) => [0, 1, 2, 3].map((d) => (h: NDArray) => {
  for (let i = 0; i < d; i++) h = relu(h.matmul(p.wm).add(p.bm));
  return h;
});
const forward = (p: Params, depth: NDArray) => lax.switch(depth, middle(p), relu(x.matmul(p.w1).add(p.b1))).matmul(p.w2).add(p.b2);
const loss = (p: Params, depth: NDArray) => forward(p, depth).sub(y).square().sum();

// One compiled step: gradient (through the branch taken), then SGD with momentum as torch.optim.SGD.
const lr = 1e-4, momentum = 0.9;
const step = jit((p: Params, v: Params, depth: NDArray) => {
  const g = grad(loss)(p, depth) as Params;
  const names = Object.keys(p) as (keyof Params)[];
  const nv = Object.fromEntries(names.map((n) => [n, v[n].mul(momentum).add(g[n])])) as unknown as Params;
  const np2 = Object.fromEntries(names.map((n) => [n, p[n].sub(nv[n].mul(lr))])) as unknown as Params;
  return { params: np2, velocity: nv, loss: loss(p, depth) };
});

let velocity = Object.fromEntries(Object.entries(params).map(([n, a]) => [n, np.zerosLike(a)])) as unknown as Params;
const depths = random.randint(kDepth, [opts.steps], 0, 4);
const start = performance.now();
for (let t = 0; t < opts.steps; t++) {
  const depth = depths.get(t);
  const out = step(params, velocity, depth);
  if (t % opts.every === opts.every - 1) console.log(t, await out.loss.item(), `(middle layer applied ${await depth.item()}×)`);
  params = out.params;
  velocity = out.velocity;
}
console.log(`${opts.steps} steps on ${opts.backend}: ${((performance.now() - start) / opts.steps).toFixed(2)} ms/step, jit compiled ${step.cacheSize} time(s)`);
