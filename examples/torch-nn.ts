// The seed's "PyTorch: nn": the two-layer network as nn.Sequential(Linear, ReLU, Linear) with
// MSELoss(reduction: 'sum') and a manual update of model.parameters(), 500 steps at lr 1e-4.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const x = torch.randn(N, D_in);
  const y = torch.randn(N, D_out);

  // Each Linear holds its weight and bias; Sequential applies the modules in order.
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(D_in, H),
    new torch.nn.ReLU(),
    new torch.nn.Linear(H, D_out),
  );
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });

  const losses: number[] = [];
  const learningRate = 1e-4;
  for (let t = 0; t < opts.steps; t++) {
    // Forward pass: a module is called like a function.
    const yPred = model(x);

    const loss = lossFn(yPred, y);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }

    // Zero the gradients before running the backward pass.
    model.zeroGrad();
    loss.backward();

    // Each parameter is a tensor: update it with its gradient, without recording.
    torch.noGrad(() => {
      for (const param of model.parameters()) param.sub_(param.grad!.mul(learningRate));
    });
  }
  return { losses };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
