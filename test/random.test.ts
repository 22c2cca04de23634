// Random numbers: JAX's known answers for the classic threefry scheme, distribution checks over
// 10k samples, determinism, erfinv, key validation, and permutation/choice (JAX's algorithms, and
// uniformity over many lanes and keys).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, random, jit, grad, lax, DTypeError, ShapeError } from '../src/index.js';
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
/** Runs f with the classic key layout (jax_threefry_partitionable=False), restoring the default after. */
function classic(f: () => void): void {
  random.setKeyLayout('classic');
  try { f(); } finally { random.setKeyLayout('partitionable'); }
}
test('key and split match JAX', () => classic(() => {
  const k = random.key(0);
  assert.is(k.dtype, 'uint32');
  assert.equal(values(k), [0, 0]);
  assert.equal(values(random.key(42)), [0, 42]);
  const s = random.split(k);
  assert.equal([...s.shape], [2, 2]);
  assert.equal(s.tolistSync(), [[4146024105, 967050713], [2718843009, 1272950319]]);
}));

test('normal and uniform match the values printed in JAX documentation (classic layout)', () => classic(() => {
  // jax.random.normal(jax.random.key(0), (3,)) and key(123), from JAX's "Pseudorandom numbers" guide.
  closeAll(values(random.normal(random.key(0), [3])), [1.8160863, -0.48262316, 0.33988908], 1e-6, 'normal(key(0))');
  closeAll(values(random.normal(random.key(123), [3])), [-0.1470326, 0.5524756, 1.648498], 1e-6, 'normal(key(123))');
  closeAll(values(random.normal(random.key(0), [2, 2])), [1.8160863, -0.75488514, 0.33988908, -0.53483534], 1e-6, 'normal(key(0), (2, 2))');
  // jax.random.uniform(key(0), (3,), minval=-1, maxval=1).
  closeAll(values(random.uniform(random.key(0), [3], { minval: -1, maxval: 1 })), [0.93064284, -0.3706367, 0.26605988], 1e-7, 'uniform(key(0), ±1)');
}));

test('the partitionable layout (the default): split, bits and 64-bit words are threefry over (0, index)', () => {
  assert.is(random.keyLayout(), 'partitionable');
  const k = random.key(5);
  const n = 4;
  const word = (i: number) => np.broadcastTo(k.get(i), [n]);
  const [y0, y1] = lax.threefry2x32(word(0), word(1), np.zeros([n], { dtype: 'uint32' }), np.arange(n).astype('uint32'));
  const s = random.split(k, n);
  assert.equal(values(s.get(':', 0)), values(y0));
  assert.equal(values(s.get(':', 1)), values(y1));
  const b = values(random.bits(k, [n]));
  assert.equal(b, values(y0).map((v, i) => (v ^ values(y1)[i]!) >>> 0));
  // Each position's bits depend only on its index: a longer draw extends a shorter one.
  assert.equal(values(random.bits(k, [6])).slice(0, 4), b);
  const u64 = values(random.uniform(k, [n], { dtype: 'float64' }));
  assert.equal(u64, values(y0).map((hi, i) => (hi * 2 ** 20 + Math.floor(values(y1)[i]! / 2 ** 12)) * 2 ** -52));
  // foldIn is the same in both layouts; split is not.
  const f = values(random.foldIn(k, 9));
  let classicSplit: number[] = [];
  classic(() => { assert.equal(values(random.foldIn(k, 9)), f); classicSplit = values(random.split(k)); });
  assert.not.equal(values(random.split(k)), classicSplit);
  expectError(() => random.setKeyLayout('rbg' as never), TypeError, /random\.setKeyLayout: expected 'partitionable' or 'classic'/);
});

test('seeds beyond 32 bits and negative seeds split into two words', () => {
  assert.equal(values(random.key(2 ** 40 + 5)), [256, 5]);
  assert.equal(values(random.key(-1)), [4294967295, 4294967295]);
  assert.equal(values(random.key(np.array(-1, { dtype: 'int32' }))), [0, 4294967295]);
  expectError(() => random.key(1.5), TypeError, /^random\.key: expected an integer seed with \|seed\| ≤ 2\^53, got number 1\.5/);
});

test('foldIn is threefry of the key over [0, data], the same counter block bits(key, [2]) uses (classic)', () => classic(() => {
  const k = random.key(7);
  assert.equal(values(random.foldIn(k, 1)), values(random.bits(k, [2])));
  assert.not.equal(values(random.foldIn(k, 1)), values(random.foldIn(k, 2)));
  assert.equal(values(random.foldIn(k, np.array(3, { dtype: 'int32' }))), values(random.foldIn(k, 3)));
}));

// ---- determinism --------------------------------------------------------------------------------
test('same key, same numbers; different keys, different numbers', () => {
  const [k1, k2] = [random.split(random.key(1)).get(0), random.split(random.key(1)).get(1)];
  assert.equal(values(random.uniform(k1, [5])), values(random.uniform(k1, [5])));
  assert.not.equal(values(random.uniform(k1, [5])), values(random.uniform(k2, [5])));
  assert.not.equal(values(random.normal(random.key(0), [5])), values(random.normal(random.key(1), [5])));
  // Classic: odd sizes pad the counter with one zero, and the halves rule makes sizes 5 and 6 differ.
  classic(() => {
    const b5 = values(random.bits(k1, [5])), b6 = values(random.bits(k1, [6]));
    assert.is(b5.length, 5);
    assert.not.equal(b5, b6.slice(0, 5));
  });
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
  expectError(() => random.normal(random.key(0), [2], { dtype: 'int32' }), DTypeError, /^random\.normal: dtype must be float32 or float64, got int32/);
  expectError(() => random.uniform(random.key(0), [2], { minval: np.zeros([3]) }), ShapeError, /^random\.uniform: minval of shape \[3\] cannot be broadcast to the sample shape \[2\]/);
});

// ---- permutation and choice ------------------------------------------------------------------------
/** Positions 0..n-1 ordered stably by `keys` (JS's sort is stable). */
const orderBy = (keys: readonly number[]) => keys.map((_, i) => i).sort((i, j) => keys[i]! - keys[j]!);
const counts = (xs: readonly number[], n: number) => xs.reduce((c, x) => { c[x]!++; return c; }, new Array<number>(n).fill(0));

test("permutation is JAX's shuffle: rounds of key, sub = split(key), sort by bits(sub)", () => {
  // n = 10: ⌈3 ln 10 / ln(2^32 − 1)⌉ = 1 round.
  const k = random.key(0);
  const sub = random.split(k).get(1);
  assert.equal(values(random.permutation(k, 10)), orderBy(values(random.bits(sub, [10]))));
  // n = 2000 needs 2 rounds (3 ln 2000 / ln(2^32 − 1) ≈ 1.03); the second sorts the first's result.
  const keys1 = random.split(k);
  const first = orderBy(values(random.bits(keys1.get(1), [2000])));
  const keys2 = random.split(keys1.get(0));
  const second = orderBy(values(random.bits(keys2.get(1), [2000]))).map((i) => first[i]!);
  assert.equal(values(random.permutation(k, 2000)), second);
  // An array of rank 1 is shuffled the same way as its positions.
  assert.equal(values(random.permutation(k, np.arange(10).mul(3))), orderBy(values(random.bits(sub, [10]))).map((i) => 3 * i));
});

test('permutation: a permutation, deterministic per key, different per key; slices move together', () => {
  const p = values(random.permutation(random.key(5), 50));
  assert.equal([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.equal(values(random.permutation(random.key(5), 50)), p);
  assert.not.equal(values(random.permutation(random.key(6), 50)), p);
  assert.equal(values(random.permutation(random.key(5), np.array(50, { dtype: 'int32' }))), p);
  assert.is(random.permutation(random.key(5), 0).size, 0);
  const m = np.arange(12).reshape(3, 4);
  const rows = random.permutation(random.key(7), m).tolistSync() as number[][];
  assert.equal(rows.map((r) => r[0]! / 4).sort(), [0, 1, 2]);
  rows.forEach((r) => assert.equal(r, [r[0]!, r[0]! + 1, r[0]! + 2, r[0]! + 3]));
  const cols = random.permutation(random.key(7), m, { axis: 1 }).tolistSync() as number[][];
  cols.forEach((r, i) => assert.equal(r, cols[0]!.map((c) => c + 4 * i)));
  const independent = random.permutation(random.key(7), np.tile(np.arange(8), [20, 1]), { axis: 1, independent: true }).tolistSync() as number[][];
  independent.forEach((r) => assert.equal([...r].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6, 7]));
  assert.ok(new Set(independent.map((r) => r.join())).size > 15, 'rows shuffled independently');
  expectError(() => random.permutation(random.key(0), 2.5), TypeError, /^random\.permutation: expected a non-negative integer or an array, got number 2\.5/);
  expectError(() => random.permutation(random.key(0), np.array(2.5)), TypeError, /^random\.permutation: a scalar population must be an integer/);
});

test('permutation is uniform: position frequencies and all 24 orders of 4 over 4800 lanes, 6 orders of 3 over 600 keys', () => {
  const lanes = 4800;
  const rows = random.permutation(random.key(8), np.tile(np.arange(4), [lanes, 1]), { axis: 1, independent: true }).tolistSync() as number[][];
  for (let pos = 0; pos < 4; pos++) {
    const c = counts(rows.map((r) => r[pos]!), 4);
    // Each count is Binomial(4800, 1/4): mean 1200, sd 30.
    c.forEach((x, v) => assert.ok(Math.abs(x - lanes / 4) < 150, `value ${v} at position ${pos}: ${x} times`));
  }
  const orders = new Map<string, number>();
  rows.forEach((r) => orders.set(r.join(), (orders.get(r.join()) ?? 0) + 1));
  assert.is(orders.size, 24);
  // Each order: mean 200, sd ≈ 14.
  for (const [o, x] of orders) assert.ok(Math.abs(x - lanes / 24) < 70, `order ${o}: ${x} times`);
  const keys = random.split(random.key(9), 600);
  const permute3 = jit((k: NDArray) => random.permutation(k, 3));
  const perKey = new Map<string, number>();
  for (let i = 0; i < 600; i++) { const o = values(permute3(keys.get(i)) as NDArray).join(); perKey.set(o, (perKey.get(o) ?? 0) + 1); }
  assert.is(perKey.size, 6);
  for (const [o, x] of perKey) assert.ok(Math.abs(x - 100) < 45, `order ${o} over keys: ${x} times`);
});

test("choice without p: randint with replacement, a permutation's prefix without (JAX's definitions)", () => {
  const k = random.key(50);
  const draws = random.choice(k, 5, { shape: [N] });
  assert.is(draws.dtype, 'int32');
  assert.equal(values(draws), values(random.randint(k, [N], 0, 5)));
  counts(values(draws), 5).forEach((c, v) => assert.ok(Math.abs(c / N - 0.2) < 0.02, `value ${v}: ${c / N}`));
  const some = random.choice(k, 10, { shape: [2, 3], replace: false });
  assert.equal([...some.shape], [2, 3]);
  assert.equal(values(some), values(random.permutation(k, 10)).slice(0, 6));
  assert.is(new Set(values(some)).size, 6);
  // From an array: whole slices along the axis; the draws take its place in the shape.
  const a = np.array([[1, 2, 3], [10, 20, 30]], { dtype: 'float32' });
  const picked = random.choice(random.key(51), a, { shape: [4], axis: 1 });
  assert.equal([...picked.shape], [2, 4]);
  const [top, bottom] = picked.tolistSync() as number[][];
  top!.forEach((v, i) => { assert.ok([1, 2, 3].includes(v)); assert.is(bottom![i], 10 * v); });
  assert.equal(values(random.choice(random.key(52), a, { shape: [3], replace: false, axis: 1 })).length, 6);
  assert.equal([...random.choice(k, 4, { shape: [0, 2] }).shape], [0, 2]);
  assert.equal(values(random.choice(k, 1, { shape: [3] })), [0, 0, 0]);
});

test('choice with p: frequencies follow p with replacement; without, distinct draws weighted by p', () => {
  const p = np.array([0.1, 0.2, 0.7, 0]);
  const withReplacement = values(random.choice(random.key(60), 4, { shape: [N], p }));
  closeAll(counts(withReplacement, 4).map((c) => c / N), [0.1, 0.2, 0.7, 0], 0.015, 'frequencies');
  const f64 = values(random.choice(random.key(61), 4, { shape: [N], p: np.array([0.5, 0, 0, 0.5], { dtype: 'float64' }) }));
  assert.ok(f64.every((v) => v === 0 || v === 3), 'float64 p: zero-probability entries never drawn');
  const keys = random.split(random.key(62), 1000);
  const draw2 = jit((kk: NDArray) => random.choice(kk, 4, { shape: [2], replace: false, p }));
  const firsts: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const [x, y] = values(draw2(keys.get(i)) as NDArray);
    assert.ok(x !== y && x !== 3 && y !== 3, `draw ${i}: ${x}, ${y}`);
    firsts.push(x!);
  }
  // The first of a weighted draw without replacement is a draw from p.
  closeAll(counts(firsts, 4).map((c) => c / 1000), [0.1, 0.2, 0.7, 0], 0.05, 'first-draw frequencies');
  const all3 = values(random.choice(random.key(63), 4, { shape: [3], replace: false, p }));
  assert.equal([...all3].sort(), [0, 1, 2]);
});

test('choice validates its population, sample size and p', () => {
  expectError(() => random.choice(random.key(0), 3, { shape: [4], replace: false }), ShapeError,
    /^random\.choice: cannot take a larger sample \(size 4, shape \[4\]\) than the population \(size 3\) when replace is false/);
  expectError(() => random.choice(random.key(0), 3, { p: np.array([0.5, 0.5]) }), ShapeError, /^random\.choice: p must be a 1-d array with one probability per entry of the population \(3\), got shape \[2\]/);
  expectError(() => random.choice(random.key(0), 0, { shape: [1] }), ShapeError, /^random\.choice: the population is empty/);
  expectError(() => random.choice(random.key(0), -2), TypeError, /^random\.choice: expected a non-negative integer or an array, got number -2/);
});

test.run();
