// The seed's "PyTorch: Tensors": the two-layer ReLU network (N=64, D_in=1000, H=100, D_out=10)
// fitted to random data with tensors and a hand-written backward pass, 500 steps at lr 1e-6.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const dtype = torch.float;

  // N is batch size; D_in is input dimension; H is hidden dimension; D_out is output dimension.
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];

  // Create random input and output data
  const x = torch.randn(N, D_in, { dtype });
  const y = torch.randn(N, D_out, { dtype });

  // Randomly initialize weights
  const w1 = torch.randn(D_in, H, { dtype });
  const w2 = torch.randn(H, D_out, { dtype });

  const losses: number[] = [];
  const learningRate = 1e-6;
  for (let t = 0; t < opts.steps; t++) {
    // Forward pass: compute predicted y
    const h = x.mm(w1);
    const hRelu = h.clamp({ min: 0 });
    const yPred = hRelu.mm(w2);

    // Compute and print loss
    if (shouldPrint(t, opts)) {
      const loss = await yPred.sub(y).pow(2).sum().item();
      losses.push(loss);
      logStep(opts, t, loss);
    }

    // Backprop to compute gradients of w1 and w2 with respect to loss
    const gradYPred = yPred.sub(y).mul(2.0);
    const gradW2 = hRelu.t().mm(gradYPred);
    const gradHRelu = gradYPred.mm(w2.t());
    const gradH = gradHRelu.clone();
    gradH.maskedFill_(h.lt(0), 0); // grad_h[h < 0] = 0
    const gradW1 = x.t().mm(gradH);

    // Update weights using gradient descent
    w1.sub_(gradW1.mul(learningRate));
    w2.sub_(gradW2.mul(learningRate));
  }
  return { losses };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
