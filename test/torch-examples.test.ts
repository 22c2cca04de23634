// Every torch-* example, run for a few steps: the loss falls the way the seed's does, the paired
// programs agree (manual backward = autograd, nn + manual update = custom module + SGD), and the
// Linear(3, 1) polynomial lands on the seed's y ≈ 0.84x − 0.09x³ after its full 2000 steps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tensors from '../examples/torch-tensors.js';
import * as autograd from '../examples/torch-autograd.js';
import * as polynomialTensors from '../examples/torch-polynomial-tensors.js';
import * as polynomialAutograd from '../examples/torch-polynomial-autograd.js';
import * as customFunction from '../examples/torch-custom-function.js';
import * as staticGraph from '../examples/torch-static-graph.js';
import * as nnExample from '../examples/torch-nn.js';
import * as polynomialNn from '../examples/torch-polynomial-nn.js';
import * as optimExample from '../examples/torch-optim.js';
import * as customModule from '../examples/torch-custom-module.js';
import * as dynamicNet from '../examples/torch-dynamic-net.js';
import * as linearRegression from '../examples/torch-linear-regression.js';
import * as basics from '../examples/torch-basics.js';

/** The loss at the end is below `factor` times the first one printed. */
function falls(losses: readonly number[], factor: number, label: string) {
  assert.ok(losses.length >= 2, `${label}: at least two losses printed`);
  assert.ok(losses.every(Number.isFinite), `${label}: finite losses ${losses.join(', ')}`);
  assert.ok(losses[losses.length - 1]! < factor * losses[0]!, `${label}: ${losses.join(' → ')} should fall below ${factor}× the first`);
}
const close = (got: number, want: number, tol: number, label: string) => assert.ok(Math.abs(got - want) <= tol, `${label}: got ${got}, expected ${want} ± ${tol}`);

test('tensors with a hand-written backward, and the same net with autograd: equal losses, falling fast', async () => {
  const manual = await tensors.run({ steps: 15, every: 5 });
  const auto = await autograd.run({ steps: 15, every: 5 });
  falls(manual.losses, 0.1, 'manual');
  assert.equal(auto.losses, manual.losses, 'autograd reproduces the hand-written gradients');
});

test('the polynomial, by hand and with autograd: equal losses, falling', async () => {
  const manual = await polynomialTensors.run({ steps: 300, every: 100 });
  const auto = await polynomialAutograd.run({ steps: 300, every: 100 });
  falls(manual.losses, 0.6, 'polynomial');
  assert.equal(auto.losses, manual.losses);
  assert.equal(auto.coefficients, manual.coefficients);
});

test('MyReLU and LegendrePolynomial3 custom Functions train', async () => {
  const r = await customFunction.run({ steps: 300, every: 5, reluSteps: 10 });
  falls(r.reluLosses, 0.5, 'MyReLU net');
  falls(r.p3Losses, 0.5, 'P3 fit');
});

test('the static-graph program compiles its step once and its loss falls', async () => {
  const r = await staticGraph.run({ steps: 20, every: 5 });
  falls(r.losses, 0.1, 'static graph');
  assert.is(r.compiles, 1);
});

test('nn.Sequential with a manual update, and TwoLayerNet with optim.SGD: the same numbers', async () => {
  const seq = await nnExample.run({ steps: 20, every: 5 });
  const custom = await customModule.run({ steps: 20, every: 5 });
  falls(seq.losses, 0.5, 'nn');
  assert.equal(custom.losses, seq.losses, 'the same init and update through SGD');
  assert.match(custom.description, /^TwoLayerNet\(\n {2}\(linear1\): Linear\(inFeatures=1000, outFeatures=100, bias=true\)/);
});

test('the polynomial as Linear(3, 1) + Flatten(0, 1): after the full run, y ≈ 0.84x − 0.09x³ as in the seed', async () => {
  const r = await polynomialNn.run({ steps: 2000, every: 100 });
  falls(r.losses, 0.1, 'polynomial nn');
  assert.ok(r.losses[r.losses.length - 1]! < 12, 'the seed ends near 9.3');
  const [a, b, c, d] = r.coefficients as [number, number, number, number];
  close(a, 0, 0.05, 'a');
  close(b, 0.84, 0.03, 'b (x)');
  close(c, 0, 0.02, 'c (x²)');
  close(d, -0.09, 0.01, 'd (x³)');
});

test('optim.Adam on the two-layer net', async () => {
  const r = await optimExample.run({ steps: 60, every: 20 });
  falls(r.losses, 0.5, 'Adam');
});

test('DynamicNet: random depth, shared middle layer, loss falls', async () => {
  const r = await dynamicNet.run({ steps: 40, every: 10 });
  falls(r.losses, 0.5, 'DynamicNet');
  assert.ok(new Set(r.depths).size > 1 && r.depths.every((d) => d >= 0 && d <= 3), `depths ${r.depths.join(',')}`);
});

test('linear regression with param.data updates and with optim.SGD, and its SVG scatter plot', async () => {
  const svgPath = join(tmpdir(), `torch-linear-regression-${process.pid}.svg`);
  try {
    const r = await linearRegression.run({ steps: 300, every: 50, svgPath });
    falls(r.manualLosses, 0.001, 'manual');
    falls(r.sgdLosses, 0.001, 'SGD');
    close(r.slope, Math.PI, 0.2, 'slope');
    close(r.intercept, 42.5, 0.4, 'intercept (42 + mean noise 0.5)');
    assert.ok(existsSync(svgPath));
    const svg = readFileSync(svgPath, 'utf8');
    assert.ok(svg.startsWith('<svg') && (svg.match(/<circle/g) ?? []).length === 10, 'one dot per data point (10)');
    assert.is((svg.match(/<polyline [^>]*points="([^"]*)"/)?.[1] ?? '').split(' ').length, 500, 'the fitted line through 500 predictions');
    assert.match(svg, />x<\/text>[\s\S]*>y<\/text>/, 'axis titles');
    assert.match(svg, />data<\/text>/, 'a legend');
  } finally {
    rmSync(svgPath, { force: true });
  }
});

test('the tensor tour: gradients accumulate over repeated backward calls', async () => {
  const r = await basics.run({ steps: 3, every: 1 });
  assert.equal(r.accumulated, [1, 2, 3]);
});

test.run();
