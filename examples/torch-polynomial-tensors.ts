// The seed's polynomial with tensors and hand-written gradients: y = a + b x + c x² + d x³ fitted
// to sin(x) on [−π, π] (2000 points), 2000 steps at lr 1e-6.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[]; coefficients: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const dtype = torch.float;

  // Create random input and output data
  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
  const y = torch.sin(x);

  // Randomly initialize weights
  let a = torch.randn([], { dtype });
  let b = torch.randn([], { dtype });
  let c = torch.randn([], { dtype });
  let d = torch.randn([], { dtype });

  const losses: number[] = [];
  const learningRate = 1e-6;
  for (let t = 0; t < opts.steps; t++) {
    // Forward pass: compute predicted y = a + b x + c x^2 + d x^3
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

    // Compute and print loss
    if (shouldPrint(t, opts)) {
      const loss = await yPred.sub(y).pow(2).sum().item();
      losses.push(loss);
      logStep(opts, t, loss);
    }

    // Backprop to compute gradients of a, b, c, d with respect to loss
    const gradYPred = yPred.sub(y).mul(2.0);
    const gradA = gradYPred.sum();
    const gradB = gradYPred.mul(x).sum();
    const gradC = gradYPred.mul(x.pow(2)).sum();
    const gradD = gradYPred.mul(x.pow(3)).sum();

    // Update weights (a -= learning_rate * grad_a rebinds a, as in the seed)
    a = a.sub(gradA.mul(learningRate));
    b = b.sub(gradB.mul(learningRate));
    c = c.sub(gradC.mul(learningRate));
    d = d.sub(gradD.mul(learningRate));
  }
  const coefficients = await Promise.all([a.item(), b.item(), c.item(), d.item()]);
  log(`Result: y = ${coefficients[0]} + ${coefficients[1]} x + ${coefficients[2]} x^2 + ${coefficients[3]} x^3`);
  return { losses, coefficients };
}

await runAsScript(import.meta.url, { steps: 2000, every: 100 }, run);
