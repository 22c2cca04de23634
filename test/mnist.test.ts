// MNIST end to end on the CPU, kept small for CI: the examples' LeNet (torch layer + torch.compile)
// and the functional one (jit(valueAndGrad) + Adam), a few hundred steps on 1,600 training digits;
// accuracy on the 2,000 test digits must rise well above chance (10%).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trainMnistCnn } from '../examples/mnist-cnn.js';
import { trainMnistFunctional } from '../examples/mnist-functional.js';
import { loadMnist } from '../examples/mnist-data.js';

const data = loadMnist();

test('the mnist package gives 10,000 digits: 8,000 train and 2,000 test, every class in both', () => {
  assert.is(data.train.count, 8000);
  assert.is(data.test.count, 2000);
  for (const d of [data.train, data.test]) assert.is(new Set(d.labels).size, 10);
});

test('LeNet (torch layer, torch.compile): 200 steps reach well above chance', async () => {
  const res = await trainMnistCnn({ epochs: 1, batch: 8, lr: 2e-3, trainCount: 1600 }, data);
  assert.is(res.losses.length, 200);
  assert.ok(res.losses.slice(-20).reduce((a, b) => a + b, 0) / 20 < res.losses.slice(0, 20).reduce((a, b) => a + b, 0) / 20 / 2, 'the loss halves');
  assert.ok(res.testAccuracy > 0.8, `test accuracy ${res.testAccuracy}`);
});

test('LeNet (np/lax, jit(valueAndGrad) + Adam): 200 steps reach well above chance', async () => {
  const res = await trainMnistFunctional({ epochs: 1, batch: 8, lr: 2e-3, trainCount: 1600 }, data);
  assert.is(res.losses.length, 200);
  assert.ok(res.testAccuracy > 0.8, `test accuracy ${res.testAccuracy}`);
});

test.run();
