// The functional seed programs in examples/, run as a user would (node on the built file): each
// must print falling losses the way its seed does and end with the seed's kind of result.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
// uvu sets FORCE_COLOR, which would make console.log colour the numbers the test parses.
const env = { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' };
const run = (name: string, ...args: string[]) => execFileSync(process.execPath, [join(examples, name), ...args], { encoding: 'utf8', timeout: 120_000, env });
/** The "t loss" lines a seed prints. */
const losses = (out: string) => out.split('\n').map((l) => /^(\d+) ([-\d.e+]+)$/.exec(l.trim())).filter((m) => m).map((m) => Number(m![2]));

function assertFalls(ls: number[], factor: number, what: string) {
  assert.ok(ls.length >= 3, `${what}: expected several loss lines, got ${ls.length}`);
  assert.ok(ls.every(Number.isFinite), `${what}: non-finite loss in ${ls}`);
  assert.ok(ls[ls.length - 1]! < ls[0]! / factor, `${what}: loss should fall by ${factor}×, went ${ls[0]} → ${ls[ls.length - 1]}`);
}

test('numpy warm-up: the loss collapses as in the seed', () => {
  const out = run('numpy-warmup.js', '--steps', '200', '--every', '20');
  assertFalls(losses(out), 1e3, 'numpy-warmup');
  assert.match(out, /200 steps on cpu: [\d.]+ ms\/step/);
});

test('polynomial with grad: the full 2000 steps land near y ≈ 0.85x − 0.09x³', () => {
  const out = run('polynomial-grad.js');
  assertFalls(losses(out), 10, 'polynomial-grad');
  const m = /Result: y = ([-\d.e]+) \+ ([-\d.e]+) x \+ ([-\d.e]+) x\^2 \+ ([-\d.e]+) x\^3/.exec(out);
  assert.ok(m, `no Result line in:\n${out}`);
  const [a, b, c, d] = m!.slice(1).map(Number) as [number, number, number, number];
  assert.ok(Math.abs(a) < 0.1 && Math.abs(c) < 0.05, `a=${a}, c=${c} should be near 0`);
  assert.ok(b > 0.75 && b < 0.9, `b=${b} should be near 0.85`);
  assert.ok(d < -0.07 && d > -0.11, `d=${d} should be near -0.09`);
});

test('two-layer net with valueAndGrad: the loss falls as in the seed', () => {
  assertFalls(losses(run('two-layer-grad.js', '--steps', '100', '--every', '10')), 100, 'two-layer-grad');
});

test('custom functions: MyReLU net trains, and the P3 fit reaches the tutorial result', () => {
  const out = run('custom-functions.js', '--every', '100');
  const [relu, p3] = out.split('Legendre P3 fit:') as [string, string];
  assertFalls(losses(relu), 1e3, 'MyReLU');
  assertFalls(losses(p3), 3, 'P3');
  const m = /Result: y = ([-\d.e]+) \+ ([-\d.e]+) \* P3\(([-\d.e]+) \+ ([-\d.e]+) x\)/.exec(p3);
  assert.ok(m, `no Result line in:\n${p3}`);
  // The tutorial's run ends at b ≈ -2.2085, d ≈ 0.2555.
  assert.ok(Math.abs(Number(m![2]) + 2.2085) < 0.01 && Math.abs(Number(m![4]) - 0.2555) < 0.01, `got ${m![0]}`);
});

test('dynamic net with lax.switch: one compiled step for every depth, the loss falls', () => {
  const out = run('dynamic-net-functional.js', '--steps', '200', '--every', '20');
  const ls = losses(out.replace(/ \(middle layer applied \d×\)/g, ''));
  assertFalls(ls, 3, 'dynamic-net-functional');
  const depths = new Set([...out.matchAll(/applied (\d)×/g)].map((m) => m[1]));
  assert.ok(depths.size >= 3, `several depths should be drawn, got ${[...depths]}`);
  assert.match(out, /jit compiled 1 time\(s\)/);
});

test('RNN on a sine wave with lax.scan under jit(valueAndGrad): the loss falls, compiled once', () => {
  const out = run('rnn-scan.js', '--steps', '90', '--every', '30');
  assertFalls(losses(out), 20, 'rnn-scan');
  assert.match(out, /compiled 1 time\(s\)/);
});

test('per-example gradients: jit(vmap(grad)) matches a loop of grad over the batch', () => {
  const out = run('per-example-gradients.js', '--steps', '1');
  const m = /max relative difference vmap vs loop: ([-\d.e+]+)/.exec(out);
  assert.ok(m, `no comparison line in:\n${out}`);
  assert.ok(Number(m![1]) < 1e-4, `vmap and loop differ by ${m![1]}`);
  assert.match(out, /OK: per-example gradients from vmap match the loop/);
});

test('export-onnx: the trained forward pass runs in ONNX Runtime and predicts as cotangent does', () => {
  const out = run('export-onnx.js', '--steps', '100', '--every', '10');
  assertFalls(losses(out), 100, 'export-onnx');
  assert.match(out, /exported the forward pass: \d+ bytes/);
  const rows = out.split('\n').map((l) => /^\s*(\d)\s+([-\d.]+)\s+([-\d.]+)$/.exec(l)).filter((m) => m);
  assert.is(rows.length, 5, `five prediction rows in:\n${out}`);
  for (const m of rows) assert.ok(Math.abs(Number(m![2]) - Number(m![3])) <= 1e-4 * Math.max(1, Math.abs(Number(m![2]))), `row ${m![1]}: ${m![2]} vs ${m![3]}`);
  const m = /largest difference over all 640 outputs: ([\d.e+-]+) \(largest \|y_pred\| ([\d.]+)\)/.exec(out);
  assert.ok(m && Number(m[1]) <= 1e-4 * Number(m[2]), `largest difference vs scale: ${m?.[0]}`);
});

test.run();
