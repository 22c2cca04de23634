// The seed's polynomial as a network: the features (x, x², x³) from x.unsqueeze(-1).pow(p) with
// p = [1, 2, 3] (broadcast to [2000, 3]), then Linear(3, 1) and Flatten(0, 1), MSELoss(sum),
// 2000 steps at lr 1e-6; the result is read from the Linear layer's bias and weight.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ losses: number[]; coefficients: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);

  // Create random input and output data
  const x = torch.linspace(-Math.PI, Math.PI, 2000);
  const y = torch.sin(x);

  // x.unsqueeze(-1) has shape [2000, 1] and p shape [3]: broadcasting gives [2000, 3].
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);

  // The output is a linear function of (x, x², x³): a linear layer, flattened to shape [2000].
  const model = new torch.nn.Sequential(
    new torch.nn.Linear(3, 1),
    new torch.nn.Flatten(0, 1),
  );
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });

  const losses: number[] = [];
  const learningRate = 1e-6;
  for (let t = 0; t < opts.steps; t++) {
    const yPred = model(xx);
    const loss = lossFn(yPred, y);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }
    model.zeroGrad();
    loss.backward();
    torch.noGrad(() => {
      for (const param of model.parameters()) param.sub_(param.grad!.mul(learningRate));
    });
  }

  // model.at(0) is model[0], typed as the Linear it is.
  const linearLayer = model.at(0);
  const coefficients = await Promise.all([
    linearLayer.bias!.item(),
    linearLayer.weight.index(':', 0).item(),
    linearLayer.weight.index(':', 1).item(),
    linearLayer.weight.index(':', 2).item(),
  ]);
  log(`Result: y = ${coefficients[0]} + ${coefficients[1]} x + ${coefficients[2]} x^2 + ${coefficients[3]} x^3`);
  return { losses, coefficients };
}

await runAsScript(import.meta.url, { steps: 2000, every: 100 }, run);
