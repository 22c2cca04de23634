// The seed's two-layer network (N=64, D_in=1000, H=100, D_out=10, 500 steps) written
// functionally: the loss is a pure function of the weights, `valueAndGrad` gives the gradients.
import { np, valueAndGrad, random, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';
import { Progress } from './progress.js';
import { lossCurveSvg, writeSvg } from './plot.js';

const opts = await parseArgs({ steps: 500, every: 100 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];

const [kx, ky, k1, k2] = keys(0, 4);
const x = random.normal(kx, [N, D_in]);
const y = random.normal(ky, [N, D_out]);
let weights = { w1: random.normal(k1, [D_in, H]), w2: random.normal(k2, [H, D_out]) };

// Forward pass and loss: y_pred = relu(x·w1)·w2, loss = Σ (y_pred − y)²
const loss = ({ w1, w2 }: { w1: NDArray; w2: NDArray }) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum();
const lossAndGrad = valueAndGrad(loss);

const learningRate = 1e-6;
const start = performance.now();
const progress = new Progress(opts.steps);
for (let t = 0; t < opts.steps; t++) {
  const [value, g] = lossAndGrad(weights);
  if (t % opts.every === opts.every - 1) progress.report(t, await value.item());
  weights = { w1: weights.w1.sub(g.w1.mul(learningRate)), w2: weights.w2.sub(g.w2.mul(learningRate)) };
}
progress.done();
console.log(`${opts.steps} steps on ${opts.backend}: ${((performance.now() - start) / opts.steps).toFixed(2)} ms/step`);
console.log(`loss curve written to ${writeSvg('two-layer-grad-loss', lossCurveSvg(progress.losses, 'two-layer net with valueAndGrad'))}`);
