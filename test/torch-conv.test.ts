// The torch layer's convolutional pieces against the core (which test/conv.test.ts and
// test/window.test.ts check against direct references) and PyTorch's documented behaviour:
// shapes, initialisation bounds, pooling edge rules, batch norm's running statistics,
// group norm, DataLoader batching and shuffling, and the two schedulers' learning rates.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import { lax, np } from '../src/index.js';

const { nn } = torch;
const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5, what = '') => {
  assert.is(a.length, b.length, `${what} length`);
  for (let i = 0; i < a.length; i++) if (!(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)))) assert.unreachable(`${what} element ${i}: ${a[i]} vs ${b[i]}`);
};

test('Conv2d: output shapes, init bounds, and F.conv2d = lax.convGeneralDilated plus bias; gradients reach weight and bias', () => {
  torch.manualSeed(0);
  const conv = new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 });
  assert.equal(conv.weight.shape, [8, 3, 3, 3]);
  const bound = 1 / Math.sqrt(27);
  assert.ok(Array.from(conv.weight.detach().numpy().dataSync()).every((v) => Math.abs(v) <= bound + 1e-7));
  const x = torch.randn(2, 3, 9, 7, { requiresGrad: true });
  const y = conv.forward(x);
  assert.equal(y.shape, [2, 8, 5, 4]);
  const want = np.add(lax.convGeneralDilated(x.detach().numpy(), conv.weight.detach().numpy(), [2, 2], [[1, 1], [1, 1]]), np.reshape(conv.bias!.detach().numpy(), [1, 8, 1, 1]));
  close(y.detach().numpy().dataSync(), want.dataSync());
  y.sum().backward();
  assert.equal(conv.weight.grad!.shape, [8, 3, 3, 3]);
  close(conv.bias!.grad!.numpy().dataSync(), new Array(8).fill(2 * 5 * 4));
  assert.equal(x.grad!.shape, [2, 3, 9, 7]);
  assert.equal(new nn.Conv2d(4, 4, 3, { padding: 'same', groups: 2 }).forward(torch.randn(1, 4, 6, 6)).shape, [1, 4, 6, 6]);
  assert.equal(new nn.Conv1d(2, 5, 4, { dilation: 2 }).forward(torch.randn(3, 2, 20)).shape, [3, 5, 14]);
  assert.equal(conv.forward(torch.randn(3, 9, 7)).shape, [8, 5, 4], 'unbatched input');
  assert.throws(() => conv.forward(torch.randn(2, 4, 9, 7)), /expected input \[2, 4, 9, 7\] to have 3 channels, but got 4/);
});

test('ConvTranspose2d inverts the shape arithmetic and is the adjoint of Conv2d with the same weight', () => {
  torch.manualSeed(1);
  const ct = new nn.ConvTranspose2d(4, 3, 3, { stride: 2, padding: 1, outputPadding: 1, bias: false });
  const x = torch.randn(2, 4, 5, 6);
  const y = ct.forward(x);
  assert.equal(y.shape, [2, 3, 10, 12]);
  // ⟨convT(x), z⟩ = ⟨x, conv(z)⟩ with the same weight [in=4, out=3] read as conv's [out=4, in=3].
  const z = torch.randn(2, 3, 10, 12);
  const cz = torch.nn.F.conv2d(z, ct.weight, null, { stride: 2, padding: 1 });
  const lhs = y.mul(z).sum().itemSync(), rhs = x.mul(cz).sum().itemSync();
  assert.ok(Math.abs(lhs - rhs) < 1e-3 * (1 + Math.abs(lhs)), `${lhs} vs ${rhs}`);
});

test('MaxPool2d, AvgPool2d (padding, ceil mode, count_include_pad) and AdaptiveAvgPool2d give PyTorch\'s numbers', async () => {
  const x = torch.arange(0, 25, { dtype: 'float32' }).view(1, 1, 5, 5);
  assert.equal(await new nn.MaxPool2d(2).forward(x).tolist(), [[[[6, 8], [16, 18]]]]);
  assert.equal(await new nn.MaxPool2d(2, { ceilMode: true }).forward(x).tolist(), [[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]);
  assert.equal(await new nn.MaxPool2d(3, { stride: 2, padding: 1 }).forward(x).tolist(), [[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]);
  // Expected values from PyTorch's avg_pool2d rule (divisor: the window clipped to the padded input; or to the input without count_include_pad).
  close((await new nn.AvgPool2d(3, { stride: 2, padding: 1 }).forward(x).detach().numpy().data()), [1.3333333, 3, 2.6666667, 7, 12, 9, 8, 13, 9.3333333]);
  close((await new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }).forward(x).detach().numpy().data()), [3, 4.5, 6, 10.5, 12, 13.5, 18, 19.5, 21]);
  close((await new nn.AvgPool2d(2, { ceilMode: true }).forward(x).detach().numpy().data()), [3, 5, 6.5, 13, 15, 16.5, 20.5, 22.5, 24]);
  close((await new nn.AdaptiveAvgPool2d([2, 3]).forward(x).detach().numpy().data()), [5.5, 7, 8.5, 15.5, 17, 18.5]);
  assert.equal(new nn.AdaptiveAvgPool2d(1).forward(torch.randn(2, 3, 4, 4)).shape, [2, 3, 1, 1]);
});

test('BatchNorm2d: batch statistics in training, running ones (momentum, unbiased variance) in eval', () => {
  torch.manualSeed(2);
  const bn = new nn.BatchNorm2d(3);
  const x = torch.randn(4, 3, 2, 2).mul(2).add(1);
  const y = bn.forward(x);
  const a = x.detach().numpy(), axes = [0, 2, 3];
  const mean = np.mean(a, { axis: axes, keepdims: true }), variance = np.var(a, { axis: axes, keepdims: true });
  close(y.detach().numpy().dataSync(), np.divide(np.subtract(a, mean), np.sqrt(np.add(variance, 1e-5))).dataSync(), 1e-4, 'train output');
  close(bn.runningMean!.numpy().dataSync(), np.multiply(np.mean(a, { axis: axes }), 0.1).dataSync(), 1e-5, 'running mean');
  const unbiased = np.multiply(np.var(a, { axis: axes }), 16 / 15);
  close(bn.runningVar!.numpy().dataSync(), np.add(0.9, np.multiply(unbiased, 0.1)).dataSync(), 1e-5, 'running var');
  assert.is(bn.numBatchesTracked!.itemSync(), 1);
  bn.eval();
  const e = bn.forward(x);
  const want = np.divide(np.subtract(a, np.reshape(bn.runningMean!.numpy(), [1, 3, 1, 1])), np.sqrt(np.add(np.reshape(bn.runningVar!.numpy(), [1, 3, 1, 1]), 1e-5)));
  close(e.detach().numpy().dataSync(), want.dataSync(), 1e-5, 'eval output');
  assert.is(bn.numBatchesTracked!.itemSync(), 1, 'eval does not count batches');
  assert.ok(Object.keys(bn.stateDict()).includes('runningMean'));
  const bn1 = new nn.BatchNorm1d(5, { momentum: null });
  bn1.forward(torch.randn(8, 5)); bn1.forward(torch.randn(8, 5));
  assert.is(bn1.numBatchesTracked!.itemSync(), 2);
  assert.throws(() => new nn.BatchNorm2d(3).forward(torch.randn(4, 3)), /expected 4D input \(got 2D input\)/);
});

test('GroupNorm normalises each group of channels per sample', () => {
  const x = torch.randn(2, 6, 3, 3);
  const y = new nn.GroupNorm(3, 6).forward(x).detach().numpy();
  const g = np.reshape(y, [2, 3, 18]);
  close(np.mean(g, { axis: 2 }).dataSync(), new Array(6).fill(0), 1e-5, 'group means');
  close(np.var(g, { axis: 2 }).dataSync(), new Array(6).fill(1), 1e-3, 'group variances');
  assert.throws(() => new nn.GroupNorm(4, 6), /divisible by num_groups/);
});

test('DataLoader: batch sizes, drop_last, and a shuffle that torch.manualSeed reproduces', () => {
  const xs = torch.arange(0, 10, { dtype: 'float32' }).view(10, 1), ys = torch.arange(0, 10);
  const ds = new torch.utils.data.TensorDataset(xs, ys);
  assert.is(ds.length, 10);
  const plain = [...new torch.utils.data.DataLoader(ds, { batchSize: 4 })];
  assert.equal(plain.map((b) => b[0]!.shape[0]), [4, 4, 2]);
  assert.equal(Array.from(plain[2]![1]!.numpy().dataSync()), [8, 9]);
  assert.is(new torch.utils.data.DataLoader(ds, { batchSize: 4, dropLast: true }).length, 2);
  const order = (seed: number) => { torch.manualSeed(seed); return [...new torch.utils.data.DataLoader(ds, { batchSize: 3, shuffle: true })].flatMap((b) => Array.from(b[1]!.numpy().dataSync())); };
  const a = order(5), b = order(5), c = order(6);
  assert.equal(a, b);
  assert.not.equal(a, c);
  assert.equal([...a].sort((p, q) => p - q), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.throws(() => new torch.utils.data.TensorDataset(xs, torch.arange(0, 9)), /size mismatch/);
});

test('StepLR and CosineAnnealingLR follow PyTorch\'s formulas', () => {
  const p = new nn.Linear(2, 1);
  const opt = new torch.optim.SGD(p.parameters(), { lr: 1 });
  const step = new torch.optim.lrScheduler.StepLR(opt, 2, 0.5);
  const lrs = [opt.paramGroups[0]!.lr];
  for (let e = 0; e < 5; e++) { opt.step(); step.step(); lrs.push(step.getLastLr()[0]!); }
  assert.equal(lrs, [1, 1, 0.5, 0.5, 0.25, 0.25]);
  const opt2 = new torch.optim.Adam(p.parameters(), { lr: 0.1 });
  const cos = new torch.optim.lrScheduler.CosineAnnealingLR(opt2, 4, 0.01);
  const got: number[] = [];
  for (let e = 0; e < 4; e++) { cos.step(); got.push(cos.getLastLr()[0]!); }
  close(got, [1, 2, 3, 4].map((t) => 0.01 + (0.09 * (1 + Math.cos((Math.PI * t) / 4))) / 2), 1e-12);
});

test('a small CNN trains under torch.compile (loss falls; BatchNorm statistics change through the compiled step)', () => {
  torch.manualSeed(3);
  const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(4 * 4 * 4, 3));
  const opt = new torch.optim.Adam(model.parameters(), { lr: 0.01 });
  const x = torch.randn(12, 1, 8, 8), y = torch.tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2], { dtype: torch.long });
  const loss = new nn.CrossEntropyLoss();
  const step = torch.compile((xb: torch.Tensor, yb: torch.Tensor) => { opt.zeroGrad(); const l = loss.forward(model.forward(xb), yb); l.backward(); opt.step(); return l; }, { modules: [model], optimizers: [opt] });
  const first = step(x, y).itemSync();
  let last = first;
  for (let i = 0; i < 30; i++) last = step(x, y).itemSync();
  assert.ok(last < first * 0.5, `loss ${first} → ${last}`);
  const bn = model.at(1) as InstanceType<typeof nn.BatchNorm2d>;
  assert.is(bn.numBatchesTracked!.itemSync(), 31);
  assert.ok(Math.abs(bn.runningMean!.numpy().dataSync()[0]!) > 0);
});

test.run();
