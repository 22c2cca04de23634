// The seed's "PyTorch: optim": the nn.Sequential two-layer network trained with optim.Adam
// (lr 1e-4) on MSELoss(reduction: 'sum'), 500 steps.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const x = torch.randn(N, D_in);
  const y = torch.randn(N, D_out);

  const model = new torch.nn.Sequential(
    new torch.nn.Linear(D_in, H),
    new torch.nn.ReLU(),
    new torch.nn.Linear(H, D_out),
  );
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });

  // The optimizer updates the tensors it is given: the model's parameters.
  const learningRate = 1e-4;
  const optimizer = new torch.optim.Adam(model.parameters(), { lr: learningRate });
  const losses: number[] = [];
  for (let t = 0; t < opts.steps; t++) {
    const yPred = model(x);
    const loss = lossFn(yPred, y);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }
    // Zero the gradients of the variables the optimizer will update, backpropagate, step.
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return { losses };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
