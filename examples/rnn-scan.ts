// A recurrent network fitted to a sine wave with lax.scan: the hidden state is the scan's carry,
// each step reads one sample and predicts the next. The whole sequence is one `scan` equation, so
// `jit(valueAndGrad(loss))` compiles the forward loop and its reverse (backward) loop once, whatever
// the sequence length; training is plain gradient descent with momentum.
import { jit, lax, np, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';

const opts = await parseArgs({ steps: 300, every: 30 });
const [T, H] = [64, 32];
// Four waves of different phases, batch-first inputs: [T, batch, 1]; targets are the next samples.
const phases = np.array([0, 0.7, 1.9, 3.1]).reshape(1, 4, 1);
const ts = np.arange(T + 1).astype('float32').mul(0.2).reshape(T + 1, 1, 1);
const wave = np.sin(ts.add(phases));
const inputs = wave.get(`:${T}`), targets = wave.get('1:');

interface Params { wx: NDArray; wh: NDArray; b: NDArray; wo: NDArray; bo: NDArray }
const [k1, k2, k3] = keys(0, 3);
let params: Params = {
  wx: random.normal(k1, [1, H]).mul(0.5), wh: random.normal(k2, [H, H]).mul(1 / Math.sqrt(H)),
  b: np.zeros([H]), wo: random.normal(k3, [H, 1]).mul(1 / Math.sqrt(H)), bo: np.zeros([1]),
};

/** h' = tanh(x·Wx + h·Wh + b), prediction = h'·Wo + bo, over the sequence as one scan. */
function predict(p: Params, xs: NDArray): NDArray {
  const h0 = np.zeros([xs.shape[1]!, H]);
  const [, ys] = lax.scan((h: NDArray, x: NDArray) => {
    const next = np.tanh(x.matmul(p.wx).add(h.matmul(p.wh)).add(p.b));
    return [next, next.matmul(p.wo).add(p.bo)] as const;
  }, h0, xs);
  return ys;
}
const loss = (p: Params) => predict(p, inputs).sub(targets).square().mean();

const lossAndGrad = jit(valueAndGrad(loss));
const lr = 0.1, momentum = 0.9;
let velocity = Object.fromEntries(Object.entries(params).map(([n, a]) => [n, np.zerosLike(a)])) as unknown as Params;
const start = performance.now();
for (let t = 0; t < opts.steps; t++) {
  const [value, g] = lossAndGrad(params) as [NDArray, Params];
  if (t === 0 || t % opts.every === opts.every - 1) console.log(t, await value.item());
  const names = Object.keys(params) as (keyof Params)[];
  velocity = Object.fromEntries(names.map((n) => [n, velocity[n].mul(momentum).add(g[n])])) as unknown as Params;
  params = Object.fromEntries(names.map((n) => [n, params[n].sub(velocity[n].mul(lr))])) as unknown as Params;
}
console.log(`${opts.steps} steps on ${opts.backend}: ${((performance.now() - start) / opts.steps).toFixed(2)} ms/step, sequence length ${T}, hidden ${H}, compiled ${lossAndGrad.cacheSize} time(s)`);
