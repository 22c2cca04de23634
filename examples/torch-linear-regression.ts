// The seed's linear regression: y = πx + 42 + noise for 10 points, fitted by nn.Linear(1, 1) with
// F.mseLoss, first updating param.data by hand, then again from scratch with optim.SGD (lr 0.05,
// 500 epochs each, loss printed every 50). The data and the fitted line are written as an SVG
// scatter plot next to this script: build/examples/torch-linear-regression.svg.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep } from './torch-common.js';
import { plotSvg } from './plot.js';

const F = torch.nn.functional;
type Tensor = torch.Tensor;

/** An SVG scatter plot of point sets, each drawn in its color, with axes and a few ticks. */
/** 500 epochs of full-batch gradient descent on the MSE; `update` applies one step. */
async function train(model: torch.nn.Linear, x: Tensor, y: Tensor, epochs: number, every: number, update: () => void, opts: RunOptions): Promise<number[]> {
  const losses: number[] = [];
  for (let idx = 0; idx < epochs; idx++) {
    model.zeroGrad();
    const yHat = model(x);
    const loss = F.mseLoss(yHat, y); // the mean squared error
    loss.backward(); // computes the gradient for us
    update();
    if (idx % every === 0 || idx === epochs - 1) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, idx, value, [], epochs);
    }
  }
  return losses;
}

export async function run(opts: RunOptions & { svgPath?: string }): Promise<{ manualLosses: number[]; sgdLosses: number[]; slope: number; intercept: number; svgPath: string }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [inputSize, outputSize] = [1, 1];

  // Lets generate some linear data: y = A x + b + noise, the params we are trying to learn.
  const N = 10;
  const A = torch.FloatTensor([Math.PI]);
  const b = torch.FloatTensor([42]);
  const x = torch.rand(N, inputSize).mul(5);
  const y = A.mul(x).add(b).add(torch.rand(N, inputSize));

  const learningRate = 0.05;
  // Gradient descent by hand: param.data.add_(-learning_rate * param.grad.data).
  let model = new torch.nn.Linear(inputSize, outputSize);
  log('gradient descent on param.data:');
  const manualLosses = await train(model, x, y, opts.steps, opts.every, () => {
    for (const param of model.parameters()) param.data.add_(param.grad!.data.mul(-learningRate));
  }, opts);

  // The same with the optimizer doing the update.
  model = new torch.nn.Linear(inputSize, outputSize); // reset model
  const opt = new torch.optim.SGD(model.parameters(), { lr: learningRate });
  log('optim.SGD:');
  const sgdLosses = await train(model, x, y, opts.steps, opts.every, () => opt.step(), opts);
  log((await Promise.all(model.parameters().map((p) => p.format()))).join('\n'));

  const xs = torch.arange(0, 5, 0.01).view(-1, 1);
  const ys = model(xs);
  const column = async (t: Tensor) => Array.from(await t.data.numpy().data());
  const svg = plotSvg({
    title: 'linear regression: the data and the fitted line',
    xLabel: 'x', yLabel: 'y',
    series: [
      { label: 'data', color: '#ff7f0e', kind: 'points', radius: 4, xs: await column(x), ys: await column(y) },
      { label: `model(x) = ${(await model.weight.item()).toFixed(3)}x + ${(await model.bias!.item()).toFixed(3)}`, color: '#1f77b4', kind: 'line', xs: await column(xs), ys: await column(ys) },
    ],
  });
  const svgPath = opts.svgPath ?? fileURLToPath(new URL('./torch-linear-regression.svg', import.meta.url));
  writeFileSync(svgPath, svg);
  log(`scatter plot written to ${svgPath}`);
  const [slope, intercept] = await Promise.all([model.weight.item(), model.bias!.item()]);
  return { manualLosses, sgdLosses, slope, intercept, svgPath };
}

await runAsScript(import.meta.url, { steps: 500, every: 50 }, run);
