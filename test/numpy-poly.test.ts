// polyfit, polydiv and roots: against closed forms, identities (u = q·v + r, p(root) = 0), jit and gradients.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, np } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ShapeError } from '../src/core/errors.js';
import { expectError } from './helpers/expect.js';

const f64 = (v: number[]) => np.array(v, { dtype: 'float64' });
const values = (x: NDArray) => Array.from(x.dataSync(), Number);
const close = (got: readonly number[], want: readonly number[], tol: number, what: string) => {
  assert.is(got.length, want.length, `${what}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol * Math.max(1, Math.abs(want[i]!)), `${what}[${i}]: ${g} vs ${want[i]}`));
};
let seed = 11;
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31 - 0.5; };

test('polyfit: recovers exact polynomials, matches the normal equations on noisy data, weights, 2-d y, full, jit', () => {
  for (const coeffs of [[2, 0, 1], [-0.5, 3], [1, -2, 0.25, 4], [7]]) {
    const xs = Array.from({ length: 9 }, (_, i) => i / 2 - 1.5);
    const ys = xs.map((x) => coeffs.reduce((acc, c) => acc * x + c, 0));
    close(values(np.polyfit(f64(xs), f64(ys), coeffs.length - 1)), coeffs, 1e-10, `exact ${coeffs}`);
  }
  // Noisy line: slope and intercept from the closed-form least-squares formulas.
  const xs = Array.from({ length: 20 }, (_, i) => i * 0.3), ys = xs.map((x) => 1.7 * x - 0.4 + rnd());
  const n = xs.length, mx = xs.reduce((a, b) => a + b) / n, my = ys.reduce((a, b) => a + b) / n;
  const slope = xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  close(values(np.polyfit(f64(xs), f64(ys), 1)), [slope, my - slope * mx], 1e-10, 'line');
  close(values(jit((a: NDArray, b: NDArray) => np.polyfit(a, b, 1))(f64(xs), f64(ys))), [slope, my - slope * mx], 1e-10, 'line under jit');
  // Weights: a weighted line equals the unweighted fit of repeated points (weight √2 ≙ a point twice).
  const w = xs.map((_, i) => (i % 3 === 0 ? Math.SQRT2 : 1));
  const rx = xs.flatMap((x, i) => (i % 3 === 0 ? [x, x] : [x])), ry = ys.flatMap((y, i) => (i % 3 === 0 ? [y, y] : [y]));
  close(values(np.polyfit(f64(xs), f64(ys), 1, { w: f64(w) })), values(np.polyfit(f64(rx), f64(ry), 1)), 1e-10, 'weights');
  // 2-d y: one fit per column.
  const y2 = np.stack([f64(ys), f64(xs.map((x) => 3 * x * x))], 1);
  const c2 = np.polyfit(f64(xs), y2, 2);
  assert.equal([...c2.shape], [3, 2]);
  close(values(c2).filter((_, i) => i % 2 === 1), [3, 0, 0], 1e-10, '2-d column 1');
  // full: residuals, rank, singular values, rcond (float32: len(x)·eps).
  const [p, resid, rank, s, rcond] = np.polyfit(np.array([0, 1, 2, 3]), np.array([1, 2, 2.9, 4.2]), 1, { full: true });
  close(values(p), [1.05, 0.95], 1e-6, 'full p');
  close(values(resid), [0.035], 1e-5, 'full residuals');
  assert.is(rank.itemSync(), 2);
  assert.is(s.shape[0], 2);
  assert.is(rcond, 4 * 2 ** -23);
  expectError(() => np.polyfit(f64([1, 2]), f64([1, 2, 3]), 1), ShapeError, /^polyfit: y must be 1-d or 2-d with x's length 2/);
  expectError(() => np.polyfit(f64([1, 2]), f64([1, 2]), -1), TypeError, /^polyfit: deg must be a non-negative integer, got number -1/);
});

test('polyfit: differentiable in y (the fit is linear in y: the gradient is a row of the pseudo-inverse)', () => {
  const xs = f64([0, 0.5, 1, 1.5, 2]);
  const loss = (y: NDArray) => np.sum(np.multiply(np.polyfit(xs, y, 1), f64([1, 0])));
  const y0 = f64([0.1, 0.7, 0.9, 1.8, 2.2]);
  const g = values(grad(loss)(y0));
  const h = 1e-6, base = values(y0);
  const fd = base.map((_, i) => {
    const up = base.slice(), dn = base.slice();
    up[i]! += h; dn[i]! -= h;
    return (loss(f64(up)).itemSync() - loss(f64(dn)).itemSync()) / (2 * h);
  });
  close(g, fd, 1e-6, 'grad of the slope');
});

test('polydiv: u = q·v + r for random polynomials, hand cases, jit and gradients', () => {
  close(values(np.polydiv(f64([1, -6, 11, -6]), f64([1, -1]))[0]), [1, -5, 6], 1e-12, 'q of (x−1)(x−2)(x−3)/(x−1)');
  const [q, r] = np.polydiv(f64([3, 5, 2]), f64([2, 1]));
  close(values(q), [1.5, 1.75], 1e-12, 'q');
  close(values(r), [0, 0, 0.25], 1e-12, 'r keeps u\'s length (JAX)');
  for (const [m, n] of [[5, 2], [3, 3], [2, 4], [6, 0]] as const) {
    const u = Array.from({ length: m + 1 }, rnd), v = [1 + Math.abs(rnd()), ...Array.from({ length: n }, rnd)];
    const [qq, rr] = np.polydiv(f64(u), f64(v));
    close(values(np.polyadd(np.polymul(qq, f64(v)), rr)).slice(-(m + 1)), u, 1e-12, `identity m=${m} n=${n}`);
    const [jq, jr] = jit((a: NDArray, b: NDArray) => np.polydiv(a, b))(f64(u), f64(v));
    close(values(jq), values(qq), 1e-14, 'jit q'); close(values(jr), values(rr), 1e-14, 'jit r');
  }
  // d(sum q)/du[0] = 1/v[0] for a degree-1 divisor (q[0] = u[0]/v[0], and later terms depend on it).
  const g = values(grad((u: NDArray) => np.sum(np.polydiv(u, f64([2, 0]))[0]))(f64([4, 6, 8])));
  close(g, [0.5, 0.5, 0], 1e-12, 'grad');
  assert.is(np.polydiv(np.array([1, 2], { dtype: 'int32' }), np.array([1], { dtype: 'int32' }))[0].dtype, 'float32');
});

test('roots: p(root) = 0, known roots, conjugate pairs, stripped zeros; eager only', () => {
  const evalAt = (p: readonly number[], re: number, im: number): number => {
    let a = 0, b = 0;
    for (const c of p) { const t = a * re - b * im + c; b = a * im + b * re; a = t; }
    return Math.hypot(a, b);
  };
  close(values(np.roots(f64([1, -6, 11, -6]))), [3, 0, 2, 0, 1, 0], 1e-12, 'three real roots, descending');
  close(values(np.roots(np.array([1, 0, 1]))), [0, 1, 0, -1], 1e-6, '±i');
  close(values(np.roots(f64([0, 0, 2, -4, 0]))), [2, 0, 0, 0], 1e-12, 'leading zeros stripped, a root at 0');
  assert.equal([...np.roots(f64([5])).shape], [0, 2]);
  for (let deg = 1; deg <= 12; deg++) {
    const p = [1 + Math.abs(rnd()), ...Array.from({ length: deg }, rnd)];
    const r = values(np.roots(f64(p)));
    assert.is(r.length, 2 * deg, `degree ${deg}`);
    const scale = p.reduce((a, c) => a + Math.abs(c), 0);
    for (let k = 0; k < deg; k++) {
      const [re, im] = [r[2 * k]!, r[2 * k + 1]!];
      const rad = Math.max(1, Math.hypot(re, im)) ** deg;
      assert.ok(evalAt(p, re, im) <= 1e-9 * scale * rad, `degree ${deg}: |p(${re} + ${im}i)| = ${evalAt(p, re, im)}`);
      if (im !== 0) assert.ok(r.some((v, j) => j % 2 === 0 && Math.abs(v - re) < 1e-9 && Math.abs(r[j + 1]! + im) < 1e-9), `conjugate of ${re} + ${im}i`);
    }
  }
  close(values(np.roots(f64([1, -2, 1]))), [1, 0, 1, 0], 1e-7, 'double root snapped to the real axis');
  expectError(() => jit((p: NDArray) => np.roots(p))(f64([1, 2])), TypeError, /^roots: the number of roots depends on the values/);
  expectError(() => np.roots(f64([[1, 2]] as never)), ShapeError, /^roots: coefficients must be 1-d/);
});

test.run();
