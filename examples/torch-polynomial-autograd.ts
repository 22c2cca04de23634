// The seed's polynomial with autograd: a, b, c, d require grad, loss.backward() fills their .grad,
// the update runs under torch.noGrad and the gradients are reset to null; 2000 steps at lr 1e-6.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[]; coefficients: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const dtype = torch.float;

  const x = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
  const y = torch.sin(x);

  // Randomly initialize weights that require gradients
  const a = torch.randn([], { dtype, requiresGrad: true });
  const b = torch.randn([], { dtype, requiresGrad: true });
  const c = torch.randn([], { dtype, requiresGrad: true });
  const d = torch.randn([], { dtype, requiresGrad: true });

  const losses: number[] = [];
  const learningRate = 1e-6;
  for (let t = 0; t < opts.steps; t++) {
    // Forward pass: y = a + b x + c x^2 + d x^3
    const yPred = a.add(b.mul(x)).add(c.mul(x.pow(2))).add(d.mul(x.pow(3)));

    // Compute and print loss
    const loss = yPred.sub(y).pow(2).sum();
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }

    // a.grad, b.grad, c.grad, d.grad now hold the gradients of the loss.
    loss.backward();

    torch.noGrad(() => {
      for (const p of [a, b, c, d]) p.sub_(p.grad!.mul(learningRate));
    });
    for (const p of [a, b, c, d]) p.grad = null;
  }
  const coefficients = await Promise.all([a.item(), b.item(), c.item(), d.item()]);
  log(`Result: y = ${coefficients[0]} + ${coefficients[1]} x + ${coefficients[2]} x^2 + ${coefficients[3]} x^3`);
  return { losses, coefficients };
}

await runAsScript(import.meta.url, { steps: 2000, every: 100 }, run);
