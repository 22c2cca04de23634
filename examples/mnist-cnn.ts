// MNIST with the torch layer: a LeNet-style CNN (conv 5×5 → ReLU → max-pool 2, twice; then two
// linear layers), one training step compiled with torch.compile, Adam, trained on 8,000 digits of
// the `mnist` package and tested on the other 2,000. Prints a progress line per epoch (loss,
// train accuracy, images/s), writes the loss curve to build/examples/mnist-cnn.svg and ends with
// `test accuracy: NN.N%`.
// Usage: node build/examples/mnist-cnn.js [--epochs 6] [--backend cpu|webgpu] [--batch 64] [--train N]
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as torch from '../src/nn/index.js';
import { np } from '../src/index.js';
import { Digits, loadMnist, lossCurveSvg } from './mnist-data.js';
import { flag, selectBackend } from './cli.js';

const { nn } = torch;

export class LeNet extends nn.Module {
  conv1 = new nn.Conv2d(1, 6, 5, { padding: 2 });
  conv2 = new nn.Conv2d(6, 16, 5);
  pool = new nn.MaxPool2d(2);
  fc1 = new nn.Linear(16 * 5 * 5, 120);
  fc2 = new nn.Linear(120, 10);
  forward(x: torch.Tensor): torch.Tensor {
    x = this.pool.forward(torch.relu(this.conv1.forward(x)));   // 6 × 14 × 14
    x = this.pool.forward(torch.relu(this.conv2.forward(x)));   // 16 × 5 × 5
    return this.fc2.forward(torch.relu(this.fc1.forward(torch.flatten(x, 1))));
  }
}

export interface MnistOptions { epochs: number; batch: number; lr: number; trainCount?: number; testCount?: number; log?: (line: string) => void }
export interface MnistResult { testAccuracy: number; losses: number[]; imagesPerSecond: number[] }

export async function trainMnistCnn(o: MnistOptions, data = loadMnist()): Promise<MnistResult> {
  const log = o.log ?? (() => {});
  torch.manualSeed(0);
  const subset = (d: Digits, n: number) => ({ images: d.images.subarray(0, n * 784), labels: d.labels.subarray(0, n), count: n });
  const train = subset(data.train, Math.min(o.trainCount ?? data.train.count, data.train.count));
  const xs = torch.fromArray(torchArray(train.images, [train.count, 1, 28, 28])), ys = torch.tensor(Array.from(train.labels), { dtype: torch.long });
  const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(xs, ys), { batchSize: o.batch, shuffle: true, dropLast: true });
  const model = new LeNet();
  const opt = new torch.optim.Adam(model.parameters(), { lr: o.lr });
  const sched = new torch.optim.lrScheduler.CosineAnnealingLR(opt, o.epochs);
  const lossFn = new nn.CrossEntropyLoss();
  const step = torch.compile((x: torch.Tensor, y: torch.Tensor) => {
    opt.zeroGrad();
    const logits = model.forward(x);
    const loss = lossFn.forward(logits, y);
    loss.backward();
    opt.step();
    return [loss, torch.argmax(logits, 1).eq(y).sum()] as const;
  }, { modules: [model], optimizers: [opt] });

  const losses: number[] = [], rates: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    model.train();
    const t0 = performance.now();
    let seen = 0, correct = 0, lossSum = 0;
    const pending: (readonly [torch.Tensor, torch.Tensor])[] = [];
    for (const [x, y] of loader) {
      pending.push(step(x!, y!));
      seen += x!.shape[0]!;
    }
    for (const [l, c] of pending) { const v = await l.item(); losses.push(v); lossSum += v; correct += await c.item(); }
    const secs = (performance.now() - t0) / 1000;
    rates.push(seen / secs);
    sched.step();
    log(`epoch ${epoch + 1}/${o.epochs}  loss ${(lossSum / pending.length).toFixed(4)}  train accuracy ${((100 * correct) / seen).toFixed(1)}%  ${(seen / secs).toFixed(0)} images/s`);
  }
  model.eval();
  const testAccuracy = await evaluate(model, subset(data.test, Math.min(o.testCount ?? data.test.count, data.test.count)), 500);
  return { testAccuracy, losses, imagesPerSecond: rates };
}

/** The test set in batches, without gradients: the fraction of argmax predictions that are right. */
export async function evaluate(model: torch.nn.Module, d: Digits, batch: number): Promise<number> {
  let correct = 0;
  for (let s = 0; s < d.count; s += batch) {
    const n = Math.min(batch, d.count - s);
    const x = torch.fromArray(torchArray(d.images.subarray(s * 784, (s + n) * 784), [n, 1, 28, 28]));
    const y = torch.tensor(Array.from(d.labels.subarray(s, s + n)), { dtype: torch.long });
    correct += await torch.noGrad(() => torch.argmax((model as LeNet).forward(x), 1).eq(y).sum()).item();
  }
  return correct / d.count;
}

/** A core array over a copy of the pixels (the copy keeps the dataset's buffer unshared). */
const torchArray = (data: Float32Array, shape: number[]) => np.fromTypedArray(data.slice(), shape);

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const backend = flag('backend', 'cpu');
  await selectBackend(backend);
  const epochs = Number(flag('epochs', '6')), batch = Number(flag('batch', '64'));
  console.log(`LeNet on MNIST (8,000 train / 2,000 test digits of the mnist package), backend ${backend}, ${epochs} epochs, batch ${batch}`);
  const res = await trainMnistCnn({ epochs, batch, lr: 2e-3, trainCount: Number(flag('train', '8000')), log: console.log });
  const svg = fileURLToPath(new URL('./mnist-cnn.svg', import.meta.url));
  writeFileSync(svg, lossCurveSvg(res.losses, `LeNet on MNIST (${backend}): training loss; test accuracy ${(100 * res.testAccuracy).toFixed(1)}%`));
  console.log(`loss curve: ${svg}`);
  console.log(`test accuracy: ${(100 * res.testAccuracy).toFixed(1)}%`);
}
