// The seed's "PyTorch: Tensors and autograd": the two-layer network again, with the backward pass
// from loss.backward() and the update under torch.noGrad, 500 steps at lr 1e-6.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const dtype = torch.float;
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];

  // Create random Tensors to hold input and outputs; they need no gradients.
  const x = torch.randn(N, D_in, { dtype });
  const y = torch.randn(N, D_out, { dtype });

  // Random weights with requiresGrad: backward() computes their gradients.
  const w1 = torch.randn(D_in, H, { dtype, requiresGrad: true });
  const w2 = torch.randn(H, D_out, { dtype, requiresGrad: true });

  const losses: number[] = [];
  const learningRate = 1e-6;
  for (let t = 0; t < opts.steps; t++) {
    // Forward pass: the same operations as before, now recorded for backward.
    const yPred = x.mm(w1).clamp({ min: 0 }).mm(w2);

    // Compute and print loss; loss.item() reads the single value it holds.
    const loss = yPred.sub(y).pow(2).sum();
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }

    // Gradients of loss with respect to w1 and w2 land in w1.grad and w2.grad.
    loss.backward();

    // Update the weights without recording, then zero the gradients.
    torch.noGrad(() => {
      w1.sub_(w1.grad!.mul(learningRate));
      w2.sub_(w2.grad!.mul(learningRate));
      w1.grad!.zero_();
      w2.grad!.zero_();
    });
  }
  return { losses };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
