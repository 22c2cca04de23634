// The seed's polynomial fit y = a + b x + c x² + d x³ to sin(x) on [-π, π], 2000 steps of
// gradient descent, with the gradients from `grad` instead of hand-written backprop.
import { np, grad, random, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';
import { Progress } from './progress.js';
import { lossCurveSvg, writeSvg } from './plot.js';

const opts = await parseArgs({ steps: 2000, every: 100 });

// Create random input and output data
const x = np.linspace(-Math.PI, Math.PI, 2000);
const y = np.sin(x);

// Randomly initialize weights
type Coefficients = { a: NDArray; b: NDArray; c: NDArray; d: NDArray };
const [ka, kb, kc, kd] = keys(1, 4);
let params: Coefficients = { a: random.normal(ka, []), b: random.normal(kb, []), c: random.normal(kc, []), d: random.normal(kd, []) };

// y = a + b x + c x^2 + d x^3, and the sum of squared errors
const loss = ({ a, b, c, d }: Coefficients) => {
  const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));
  return yPred.sub(y).square().sum();
};
const lossGrad = grad(loss);

const learningRate = 1e-6;
const progress = new Progress(opts.steps);
for (let t = 0; t < opts.steps; t++) {
  if (t % opts.every === opts.every - 1) progress.report(t, await loss(params).item());
  const g = lossGrad(params);
  params = {
    a: params.a.sub(g.a.mul(learningRate)), b: params.b.sub(g.b.mul(learningRate)),
    c: params.c.sub(g.c.mul(learningRate)), d: params.d.sub(g.d.mul(learningRate)),
  };
}
progress.done();
console.log(`loss curve written to ${writeSvg('polynomial-grad-loss', lossCurveSvg(progress.losses, 'cubic fitted to sin(x) with grad'))}`);
const [a, b, c, d] = await Promise.all([params.a.item(), params.b.item(), params.c.item(), params.d.item()]);
console.log(`Result: y = ${a} + ${b} x + ${c} x^2 + ${d} x^3`);
