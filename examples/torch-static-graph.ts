// The seed's "TensorFlow: Static Graphs" program with torch-style code: the whole training step
// (forward, loss.backward(), the weight update) is traced once by torch.compile into a jitted
// program, and each iteration feeds x and y to it, as sess.run fed the placeholders.
// N=64, D_in=1000, H=100, D_out=10, 500 steps at lr 1e-6.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

type Tensor = torch.Tensor;

export async function run(opts: RunOptions): Promise<{ losses: number[]; compiles: number }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];

  // The "variables": weights that persist across executions of the graph.
  const w1 = torch.randn(D_in, H, { requiresGrad: true });
  const w2 = torch.randn(H, D_out, { requiresGrad: true });
  const learningRate = 1e-6;

  // The graph: defined once, executed many times. w1 and w2 are its state (read and assigned).
  const trainStep = torch.compile((x: Tensor, y: Tensor): Tensor => {
    const h = x.mm(w1);
    const hRelu = h.clamp({ min: 0 });
    const yPred = hRelu.mm(w2);
    const loss = y.sub(yPred).pow(2).sum();
    loss.backward();
    torch.noGrad(() => {
      w1.sub_(w1.grad!.mul(learningRate)); // new_w1 = w1.assign(w1 - learning_rate * grad_w1)
      w2.sub_(w2.grad!.mul(learningRate));
    });
    w1.grad = null;
    w2.grad = null;
    return loss;
  }, { tensors: [w1, w2], name: 'trainStep' });

  // The values fed to the placeholders.
  const xValue = torch.randn(N, D_in);
  const yValue = torch.randn(N, D_out);
  const losses: number[] = [];
  for (let t = 0; t < opts.steps; t++) {
    const loss = trainStep(xValue, yValue);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      if (opts.tty) logStep(opts, t, value);
      else log(`t = ${(t + 1).toLocaleString('en-US')}\tLoss = ${value < 0.01 ? value.toExponential(4) : value.toFixed(2)}`);
    }
  }
  log(`(the step was traced ${trainStep.cacheSize} time${trainStep.cacheSize === 1 ? '' : 's'} and replayed for every other iteration)`);
  return { losses, compiles: trainStep.cacheSize };
}

await runAsScript(import.meta.url, { steps: 500, every: 50 }, run);
