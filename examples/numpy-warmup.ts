// The seed's numpy warm-up: a two-layer ReLU network fitted to random data with hand-written
// backpropagation (no autodiff), N=64, D_in=1000, H=100, D_out=10, 500 steps.
import { np, random } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';
import { Progress } from './progress.js';
import { lossCurveSvg, writeSvg } from './plot.js';

const opts = await parseArgs({ steps: 500, every: 1 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];

// Create random input and output data
const [kx, ky, k1, k2] = keys(0, 4);
const x = random.normal(kx, [N, D_in]);
const y = random.normal(ky, [N, D_out]);

// Randomly initialize weights
let w1 = random.normal(k1, [D_in, H]);
let w2 = random.normal(k2, [H, D_out]);

const learningRate = 1e-6;
const start = performance.now();
const progress = new Progress(opts.steps);
for (let t = 0; t < opts.steps; t++) {
  // Forward pass: compute predicted y
  const h = x.dot(w1);
  const hRelu = np.maximum(h, 0);
  const yPred = hRelu.dot(w2);

  // Compute and print loss
  const loss = yPred.sub(y).square().sum();
  if (t % opts.every === opts.every - 1 || t === opts.steps - 1) progress.report(t, await loss.item());

  // Backprop to compute gradients of w1 and w2 with respect to loss
  const gradYPred = yPred.sub(y).mul(2.0);
  const gradW2 = hRelu.T.dot(gradYPred);
  const gradHRelu = gradYPred.dot(w2.T);
  const gradH = np.where(h.lt(0), 0, gradHRelu); // grad_h[h < 0] = 0
  const gradW1 = x.T.dot(gradH);

  // Update weights
  w1 = w1.sub(gradW1.mul(learningRate));
  w2 = w2.sub(gradW2.mul(learningRate));
}
progress.done();
const ms = (performance.now() - start) / opts.steps;
console.log(`loss curve written to ${writeSvg('numpy-warmup-loss', lossCurveSvg(progress.losses, 'numpy warm-up: two-layer net, hand-written backprop'))}`);
console.log(`${opts.steps} steps on ${opts.backend}: ${ms.toFixed(2)} ms/step`);

