// The distributions beyond uniform/normal: sample moments against the closed forms (20k draws),
// supports, and categorical without replacement.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, random, grad, jit, vmap } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { expectError } from './helpers/expect.js';
import { ShapeError } from '../src/index.js';

const values = (x: NDArray) => Array.from(x.dataSync(), Number);
const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;
const variance = (xs: readonly number[]) => { const m = mean(xs); return xs.reduce((s, v) => s + (v - m) ** 2, 0) / xs.length; };
const N = 20000;
const key = (i: number) => random.key(100 + i);
function moments(label: string, xs: number[], m: number, v: number, tol = 0.04): void {
  // Tolerances: a few standard errors of the sample mean and variance at N = 20k.
  assert.ok(Math.abs(mean(xs) - m) < tol * Math.max(1, Math.sqrt(v)), `${label}: mean ${mean(xs)}, expected ${m}`);
  assert.ok(Math.abs(variance(xs) - v) < 2 * tol * Math.max(1, v), `${label}: variance ${variance(xs)}, expected ${v}`);
}

test('exponential, laplace, logistic: moments and supports', () => {
  const e = values(random.exponential(key(1), [N]));
  assert.ok(e.every((v) => v >= 0));
  moments('exponential', e, 1, 1);
  moments('laplace', values(random.laplace(key(2), [N])), 0, 2);
  moments('logistic', values(random.logistic(key(3), [N])), 0, Math.PI ** 2 / 3, 0.06);
});
test('cauchy: median 0 and quartiles ±1 (no moments)', () => {
  const c = values(random.cauchy(key(4), [N])).sort((a, b) => a - b);
  assert.ok(Math.abs(c[N / 2]!) < 0.05 && Math.abs(c[N / 4]! + 1) < 0.06 && Math.abs(c[(3 * N) / 4]! - 1) < 0.06, `quartiles ${c[N / 4]} ${c[N / 2]} ${c[(3 * N) / 4]}`);
});
test('rademacher: ±1, balanced', () => {
  const r = values(random.rademacher(key(5), [N]));
  assert.ok(r.every((v) => v === 1 || v === -1));
  assert.ok(Math.abs(mean(r)) < 0.03);
});
test('gamma (a < 1 and a > 1, array a), beta, dirichlet, chisquare, t: moments', () => {
  for (const a of [0.3, 1, 2.5, 9]) moments(`gamma(${a})`, values(random.gamma(key(6), a, [N])), a, a, 0.05);
  const ga = random.gamma(key(7), np.array([0.5, 4]), [N, 2]);
  const cols = [0, 1].map((j) => values(ga).filter((_, i) => i % 2 === j));
  moments('gamma column a=0.5', cols[0]!, 0.5, 0.5);
  moments('gamma column a=4', cols[1]!, 4, 4, 0.05);
  const [a, b] = [2, 5];
  moments('beta', values(random.beta(key(8), a, b, [N])), a / (a + b), (a * b) / ((a + b) ** 2 * (a + b + 1)), 0.01);
  const d = random.dirichlet(key(9), np.array([1, 2, 3]), [N]);
  assert.equal([...d.shape], [N, 3]);
  const dv = values(d);
  for (let i = 0; i < N; i += 997) assert.ok(Math.abs(dv[3 * i]! + dv[3 * i + 1]! + dv[3 * i + 2]! - 1) < 1e-5, 'rows sum to 1');
  moments('dirichlet component 2', dv.filter((_, i) => i % 3 === 2), 0.5, (3 * 3) / (36 * 7), 0.01);
  moments('chisquare(4)', values(random.chisquare(key(10), 4, [N])), 4, 8, 0.05);
  moments('t(6)', values(random.t(key(11), 6, [N])), 0, 6 / 4, 0.05);
});
test('poisson: mean = variance = λ on both sides of the method switch at 10; the pmf (χ²); traced λ under jit and vmap', () => {
  const M = 8000;
  for (const lam of [0.7, 4, 9.99, 10, 60, 1000]) {
    const p = values(random.poisson(key(12), lam, [M]));
    assert.ok(p.every((v) => Number.isInteger(v) && v >= 0));
    moments(`poisson(${lam})`, p, lam, lam, 0.05);
  }
  // Pearson's χ² over k within 3σ of λ = 15 (the rejection branch): below df + 5·√(2df).
  const lam = 15, p = values(random.poisson(key(14), lam, [M]));
  let chi = 0, df = 0;
  for (let k = Math.ceil(lam - 3 * Math.sqrt(lam)); k <= lam + 3 * Math.sqrt(lam); k++, df++) {
    let logPmf = -lam + k * Math.log(lam);
    for (let i = 2; i <= k; i++) logPmf -= Math.log(i);
    const expected = M * Math.exp(logPmf), observed = p.filter((v) => v === k).length;
    chi += (observed - expected) ** 2 / expected;
  }
  assert.ok(chi < df + 5 * Math.sqrt(2 * df), `χ² = ${chi} over ${df} bins`);
  // A traced rate: jit over an array of λ, and vmap over λ.
  const lams = np.array([0.5, 5, 12, 100]);
  const j = values(jit((k: NDArray, l: NDArray) => random.poisson(k, l, [3000, 4]))(key(15), lams));
  [0.5, 5, 12, 100].forEach((l, c) => moments(`jit poisson column ${c}`, j.filter((_, i) => i % 4 === c), l, l, 0.08));
  const v = vmap((l: NDArray) => random.poisson(key(16), l, [3000]))(np.array([2, 30]));
  assert.equal([...v.shape], [2, 3000]);
  moments('vmap poisson(30)', values(v).slice(3000), 30, 30, 0.08);
  assert.equal(values(random.poisson(key(17), np.array([0, -1]), [2])), [0, 0]);
  assert.is(random.poisson(key(17), 3, [2], { dtype: 'int16' }).dtype, 'int16');
});
test('ball: inside the unit p-ball, radius distribution r^d', () => {
  const b = values(random.ball(key(13), 3, 2, [5000]));
  const radii = [...Array(5000).keys()].map((i) => Math.hypot(b[3 * i]!, b[3 * i + 1]!, b[3 * i + 2]!));
  assert.ok(radii.every((r) => r <= 1));
  // P(r ≤ ½) = ½³ for a uniform point in the 3-ball.
  const inner = radii.filter((r) => r <= 0.5).length / radii.length;
  assert.ok(Math.abs(inner - 0.125) < 0.02, `fraction inside r = ½: ${inner}`);
});
test('multivariateNormal: mean and covariance; differentiable in mean and cov', () => {
  const cov = np.array([[2, 0.6], [0.6, 1]], { dtype: 'float64' });
  const x = random.multivariateNormal(key(14), np.array([1, -1], { dtype: 'float64' }), cov, [N], { dtype: 'float64' });
  const v = values(x);
  const c0 = v.filter((_, i) => i % 2 === 0), c1 = v.filter((_, i) => i % 2 === 1);
  moments('component 0', c0, 1, 2);
  moments('component 1', c1, -1, 1);
  const m0 = mean(c0), m1 = mean(c1);
  const cross = c0.reduce((s, a, i) => s + (a - m0) * (c1[i]! - m1), 0) / N;
  assert.ok(Math.abs(cross - 0.6) < 0.05, `covariance ${cross}`);
  const g = grad((m: NDArray) => random.multivariateNormal(key(15), m, cov, [4], { dtype: 'float64' }).sum())(np.zeros([2], { dtype: 'float64' })) as NDArray;
  assert.equal(values(g), [4, 4], 'd/dmean of a sum of 4 samples');
  expectError(() => random.multivariateNormal(key(1), np.zeros([3]), cov), ShapeError, /expected mean \[\.\.\., n\] and cov \[n, n\]/);
});
test('categorical without replacement: distinct draws, weighted by the probabilities', () => {
  const logits = np.log(np.array([0.1, 0.2, 0.3, 0.4]));
  const draws = random.categorical(key(16), logits, { shape: [3], replace: false });
  const d = values(draws);
  assert.is(new Set(d).size, 3);
  let firstIsThree = 0;
  for (let i = 0; i < 400; i++) if (values(random.categorical(random.key(1000 + i), logits, { shape: [2], replace: false }))[0] === 3) firstIsThree++;
  assert.ok(Math.abs(firstIsThree / 400 - 0.4) < 0.08, `first draw is category 3 in ${firstIsThree}/400`);
  expectError(() => random.categorical(key(1), logits, { shape: [5], replace: false }), ShapeError, /cannot draw 5 samples without replacement from 4/);
});

test.run();
