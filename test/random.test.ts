// Random numbers: JAX's known answers for the classic threefry scheme, distribution checks over
// 10k samples, determinism, erfinv, and key validation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, random, jit, grad, DTypeError, ShapeError } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { expectError } from './helpers/expect.js';

const values = (x: NDArray) => Array.from(x.dataSync(), Number);
const closeAll = (got: readonly number[], want: readonly number[], tol: number, msg: string) => {
  assert.is(got.length, want.length, `${msg}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol, `${msg}[${i}]: got ${g}, expected ${want[i]}`));
};
const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const variance = (xs: readonly number[]) => { const m = mean(xs); return xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length; };
const N = 10_000;

// ---- known answers (JAX, classic threefry: jax_threefry_partitionable=False) ---------------------
test('key and split match JAX', () => {
  const k = random.key(0);
  assert.is(k.dtype, 'uint32');
  assert.equal(values(k), [0, 0]);
  assert.equal(values(random.key(42)), [0, 42]);
  const s = random.split(k);
  assert.equal([...s.shape], [2, 2]);
  assert.equal(s.tolistSync(), [[4146024105, 967050713], [2718843009, 1272950319]]);
});

test('normal and uniform match the values printed in JAX documentation', () => {
  // jax.random.normal(jax.random.key(0), (3,)) and key(123), from JAX's "Pseudorandom numbers" guide.
  closeAll(values(random.normal(random.key(0), [3])), [1.8160863, -0.48262316, 0.33988908], 1e-6, 'normal(key(0))');
  closeAll(values(random.normal(random.key(123), [3])), [-0.1470326, 0.5524756, 1.648498], 1e-6, 'normal(key(123))');
  closeAll(values(random.normal(random.key(0), [2, 2])), [1.8160863, -0.75488514, 0.33988908, -0.53483534], 1e-6, 'normal(key(0), (2, 2))');
  // jax.random.uniform(key(0), (3,), minval=-1, maxval=1).
  closeAll(values(random.uniform(random.key(0), [3], { minval: -1, maxval: 1 })), [0.93064284, -0.3706367, 0.26605988], 1e-7, 'uniform(key(0), ±1)');
});

test('seeds beyond 32 bits and negative seeds split into two words', () => {
  assert.equal(values(random.key(2 ** 40 + 5)), [256, 5]);
  assert.equal(values(random.key(-1)), [4294967295, 4294967295]);
  assert.equal(values(random.key(np.array(-1, { dtype: 'int32' }))), [0, 4294967295]);
  expectError(() => random.key(1.5), TypeError, /^random\.key: expected an integer seed with \|seed\| ≤ 2\^53, got number 1\.5/);
});

test('foldIn is threefry of the key over [0, data], the same counter block bits(key, [2]) uses', () => {
  const k = random.key(7);
  assert.equal(values(random.foldIn(k, 1)), values(random.bits(k, [2])));
  assert.not.equal(values(random.foldIn(k, 1)), values(random.foldIn(k, 2)));
  assert.equal(values(random.foldIn(k, np.array(3, { dtype: 'int32' }))), values(random.foldIn(k, 3)));
});

// ---- determinism --------------------------------------------------------------------------------
test('same key, same numbers; different keys, different numbers', () => {
  const [k1, k2] = [random.split(random.key(1)).get(0), random.split(random.key(1)).get(1)];
  assert.equal(values(random.uniform(k1, [5])), values(random.uniform(k1, [5])));
  assert.not.equal(values(random.uniform(k1, [5])), values(random.uniform(k2, [5])));
  assert.not.equal(values(random.normal(random.key(0), [5])), values(random.normal(random.key(1), [5])));
  // Odd sizes pad the counter with one zero; the first values still agree with the even size's halves rule.
  const b5 = values(random.bits(k1, [5])), b6 = values(random.bits(k1, [6]));
  assert.is(b5.length, 5);
  assert.not.equal(b5, b6.slice(0, 5));
});

test('the same numbers under jit', () => {
  const k = random.key(3);
  const eager = values(random.normal(k, [4]));
  const jitted = jit((key: NDArray) => random.normal(key, [4]));
  closeAll(values(jitted(k) as NDArray), eager, 0, 'jit(normal)');
});

// ---- distributions -------------------------------------------------------------------------------
test('uniform: in [0, 1), mean ≈ 1/2, variance ≈ 1/12', () => {
  const u = values(random.uniform(random.key(11), [N]));
  assert.ok(u.every((v) => v >= 0 && v < 1), 'range');
  assert.ok(Math.abs(mean(u) - 0.5) < 0.01, `mean ${mean(u)}`);
  assert.ok(Math.abs(variance(u) - 1 / 12) < 0.005, `variance ${variance(u)}`);
  const scaled = values(random.uniform(random.key(12), [N], { minval: -3, maxval: 5 }));
  assert.ok(scaled.every((v) => v >= -3 && v < 5), 'scaled range');
  assert.ok(Math.abs(mean(scaled) - 1) < 0.1, `scaled mean ${mean(scaled)}`);
  const d = random.uniform(random.key(13), [N], { dtype: 'float64' });
  assert.is(d.dtype, 'float64');
  const dv = values(d);
  assert.ok(dv.every((v) => v >= 0 && v < 1) && Math.abs(mean(dv) - 0.5) < 0.01, 'float64 uniform');
  assert.ok(dv.some((v) => Math.fround(v) !== v), 'float64 samples use more than float32 precision');
  const perRow = values(random.uniform(random.key(14), [2, 3], { minval: np.array([[0], [10]]), maxval: np.array([[1], [11]]) }));
  assert.ok(perRow.slice(0, 3).every((v) => v < 1) && perRow.slice(3).every((v) => v >= 10), 'broadcast bounds');
});

test('normal: mean ≈ 0, std ≈ 1, symmetric tails', () => {
  const z = values(random.normal(random.key(21), [N]));
  assert.ok(Math.abs(mean(z)) < 0.03, `mean ${mean(z)}`);
  assert.ok(Math.abs(Math.sqrt(variance(z)) - 1) < 0.03, `std ${Math.sqrt(variance(z))}`);
  const beyond2 = z.filter((v) => Math.abs(v) > 2).length / N;
  assert.ok(Math.abs(beyond2 - 0.0455) < 0.01, `P(|z| > 2) = ${beyond2}`);
  assert.ok(z.every(Number.isFinite), 'finite');
});

test('erfinv: reference values, odd symmetry, endpoints, gradient', () => {
  closeAll(values(np.erfinv(np.array([0.5, 0.9]))), [0.4769362762, 1.1630871537], 1e-6, 'erfinv');
  closeAll(values(np.erfinv(np.array([-0.999, 0.999, 0.1]))), [-2.3267537655, 2.3267537655, 0.0888559905], 1e-5, 'erfinv tails');
  assert.equal(values(np.erfinv(np.array([1, -1]))), [Infinity, -Infinity]);
  // d/dx erfinv(x) = (√π / 2) · exp(erfinv(x)²).
  const g = values(grad((x: NDArray) => np.erfinv(x).sum())(np.array([0.5])) as NDArray)[0]!;
  closeAll([g], [(Math.sqrt(Math.PI) / 2) * Math.exp(0.4769362762 ** 2)], 1e-4, 'erfinv gradient');
});

test('randint: in range, covers it, degenerate bounds, int32 extremes', () => {
  const r = random.randint(random.key(31), [N], 3, 10);
  assert.is(r.dtype, 'int32');
  const v = values(r);
  assert.ok(v.every((x) => Number.isInteger(x) && x >= 3 && x < 10), 'range');
  assert.equal([...new Set(v)].sort((a, b) => a - b), [3, 4, 5, 6, 7, 8, 9]);
  assert.ok(Math.abs(mean(v) - 6) < 0.1, `mean ${mean(v)}`);
  assert.equal(values(random.randint(random.key(32), [4], 5, 5)), [5, 5, 5, 5]);
  assert.equal(values(random.randint(random.key(32), [3], 5, 2)), [5, 5, 5]);
  const wide = values(random.randint(random.key(33), [1000], -(2 ** 31), 2 ** 31));
  assert.ok(wide.some((x) => x < -(2 ** 30)) && wide.some((x) => x > 2 ** 30), 'the full int32 range is reachable');
  const u = random.randint(random.key(34), [100], 0, 4, { dtype: 'uint32' });
  assert.is(u.dtype, 'uint32');
  assert.ok(values(u).every((x) => x >= 0 && x < 4));
});

test('bernoulli, gumbel, categorical', () => {
  const b = random.bernoulli(random.key(41), 0.3, [N]);
  assert.is(b.dtype, 'bool');
  assert.ok(Math.abs(mean(values(b)) - 0.3) < 0.015, `P(true) = ${mean(values(b))}`);
  const perElement = values(random.bernoulli(random.key(42), np.array([0, 1, 0, 1])));
  assert.equal(perElement, [0, 1, 0, 1]);
  const g = values(random.gumbel(random.key(43), [N]));
  assert.ok(Math.abs(mean(g) - 0.5772156649) < 0.04, `gumbel mean ${mean(g)}`);
  const logits = np.log(np.array([0.1, 0.2, 0.7]));
  const c = values(random.categorical(random.key(44), logits, { shape: [N] }));
  const freq = [0, 1, 2].map((k) => c.filter((x) => x === k).length / N);
  closeAll(freq, [0.1, 0.2, 0.7], 0.02, 'categorical frequencies');
  const batched = random.categorical(random.key(45), np.array([[0, -1e9], [-1e9, 0]]), { axis: 1 });
  assert.equal(values(batched), [0, 1]);
});

test('keys are validated', () => {
  expectError(() => random.uniform(np.array([1, 2])), TypeError, /^random\.uniform: expected a key \(a uint32\[2\] Array from random\.key\(seed\)\), got f32\[2\]/);
  expectError(() => random.normal(random.split(random.key(0), 3)), ShapeError, /^random\.normal: expected a single key of shape \[2\], got a batch of keys of shape \[3, 2\]; pick one, e.g\. keys\.get\(0\)/);
  expectError(() => random.split(5 as never), TypeError, /^random\.split: expected a key/);
  expectError(() => random.split(random.key(0), 0), TypeError, /^random\.split: num must be a positive integer/);
  expectError(() => random.uniform(random.key(0), [2], { dtype: 'int32' }), DTypeError, /^random\.uniform: dtype must be float32 or float64, got int32/);
  expectError(() => random.normal(random.key(0), [2], { dtype: 'float64' }), DTypeError, /^random\.normal: only float32 is implemented/);
  expectError(() => random.uniform(random.key(0), [2], { minval: np.zeros([3]) }), ShapeError, /^random\.uniform: minval of shape \[3\] cannot be broadcast to the sample shape \[2\]/);
});

test.run();
