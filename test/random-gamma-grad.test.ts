// random.gamma's implicit reparameterization gradient in a, against a float64 reference of
// −(∂F/∂a)/f (F the regularized lower incomplete gamma, by series/continued fraction here), by
// Monte Carlo (E[dx/da] = dE[x]/da = 1), and under jit and vmap; and the distributions built on it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, random, grad, jit, vmap } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const values = (x: NDArray) => Array.from(x.dataSync(), Number);
const mean = (xs: readonly number[]) => xs.reduce((s, v) => s + v, 0) / xs.length;

// float64 references: log Γ (Lanczos, g = 7), P(a, x) (Numerical Recipes' series / Lentz continued fraction).
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
function lgamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  z -= 1;
  let s = LANCZOS[0]!;
  for (let i = 1; i < 9; i++) s += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}
function lowerP(a: number, x: number): number {
  const front = Math.exp(a * Math.log(x) - x - lgamma(a));
  if (x < a + 1) {
    let term = 1 / a, sum = term;
    for (let n = 1; n < 10000 && Math.abs(term) > Math.abs(sum) * 1e-17; n++) { term *= x / (a + n); sum += term; }
    return sum * front;
  }
  let b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b; if (Math.abs(d) < 1e-300) d = 1e-300;
    c = b + an / c; if (Math.abs(c) < 1e-300) c = 1e-300;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-17) break;
  }
  return 1 - front * h;
}
/** −(∂P/∂a)/f at (a, x), ∂P/∂a by a central difference of the float64 reference. */
function implicitGrad(a: number, x: number): number {
  const h = 1e-5 * Math.max(a, 1);
  const dPda = (lowerP(a + h, x) - lowerP(a - h, x)) / (2 * h);
  const density = Math.exp((a - 1) * Math.log(x) - x - lgamma(a));
  return -dPda / density;
}

const M = 40;
/** Per-sample dx_i/da_i: the gradient of Σ gamma(key, a_i) with respect to the vector a. */
const perSample = (a: number, dtype: 'float32' | 'float64', wrap = (f: (v: NDArray) => NDArray) => f) => {
  const av = np.full([M], a, { dtype });
  const k = random.key(7);
  const g = wrap(grad((v: NDArray) => np.sum(random.gamma(k, v, undefined, { dtype }))))(av);
  return [values(random.gamma(k, av, undefined, { dtype })), values(g)] as const;
};

test('gamma: dx/da = −(∂F/∂a)/f against a float64 reference, float64 and float32 (jit)', () => {
  // Tolerances: the series is float64-exact up to the reference's difference error; the
  // Wilson–Hilferty branch (a ≥ 120) is an approximation; float32 loses the series' cancellation.
  for (const [a, tol64, tol32] of [[0.1, 1e-6, 2e-3], [0.5, 1e-6, 2e-3], [1, 1e-6, 2e-3], [3, 1e-6, 2e-3], [10, 1e-6, 2e-3], [100, 1e-5, 1e-2], [1000, 1e-3, 1e-2]] as const) {
    for (const [dtype, tol] of [['float64', tol64], ['float32', tol32]] as const) {
      const [xs, gs] = perSample(a, dtype, dtype === 'float32' ? jit : undefined);
      xs.forEach((x, i) => {
        if (x < 1e-30) return; // underflowed draws (a = 0.1) have gradient 0, checked below
        const want = implicitGrad(a, x), got = gs[i]!;
        assert.ok(Math.abs(got - want) <= tol * Math.max(Math.abs(want), 1e-3 * Math.max(x, 1)), `a=${a} ${dtype} x=${x}: dx/da ${got}, expected ${want}`);
      });
      assert.ok(gs.every(Number.isFinite), `a=${a} ${dtype}: non-finite gradient`);
    }
  }
});

test('gamma: E[dx/da] = dE[x]/da = 1 (Monte Carlo), and chisquare: E[dx/d df] = 1', () => {
  const n = 4000;
  for (const a of [0.5, 1, 3, 10]) {
    const g = values(grad((v: NDArray) => np.sum(random.gamma(random.key(11), v, undefined, { dtype: 'float64' })))(np.full([n], a, { dtype: 'float64' })));
    assert.ok(Math.abs(mean(g) - 1) < 0.05, `a=${a}: mean dx/da ${mean(g)}`);
  }
  const g = values(grad((v: NDArray) => np.sum(random.chisquare(random.key(12), v, undefined, { dtype: 'float64' })))(np.full([n], 4, { dtype: 'float64' })));
  assert.ok(Math.abs(mean(g) - 1) < 0.05, `chisquare: mean dx/d df ${mean(g)}`);
});

test('beta and dirichlet: E[∂x/∂a] = ∂E[x]/∂a (Monte Carlo)', () => {
  const n = 4000, a = 2, b = 3;
  const [ga, gb] = grad((p: NDArray, q: NDArray) => np.mean(random.beta(random.key(13), p, q, [n], { dtype: 'float64' })), { argnums: [0, 1] })(np.array(a, { dtype: 'float64' }), np.array(b, { dtype: 'float64' })) as NDArray[];
  const s = a + b;
  assert.ok(Math.abs(values(ga!)[0]! - b / s ** 2) < 0.01, `beta ∂/∂a ${values(ga!)[0]} vs ${b / s ** 2}`);
  assert.ok(Math.abs(values(gb!)[0]! + a / s ** 2) < 0.01, `beta ∂/∂b ${values(gb!)[0]} vs ${-a / s ** 2}`);
  const alpha = np.array([1, 2, 3], { dtype: 'float64' });
  const gd = values(grad((al: NDArray) => np.mean(np.take(random.dirichlet(random.key(14), al, [n], { dtype: 'float64' }), 0, { axis: 1 })))(alpha));
  // E[x₀] = α₀/Σα: ∂/∂α = (Σα − α₀)/Σα² for α₀ and −α₀/Σα² for the others.
  const want = [5 / 36, -1 / 36, -1 / 36];
  gd.forEach((v, i) => assert.ok(Math.abs(v - want[i]!) < 0.01, `dirichlet ∂E[x0]/∂α${i} ${v} vs ${want[i]}`));
});

test('gamma gradient under vmap (over keys and shapes) equals the per-key gradient', () => {
  const keys = random.split(random.key(21), 3);
  const f = (k: NDArray, a: NDArray) => grad((v: NDArray) => np.sum(random.gamma(k, v)))(a);
  const a = np.array([0.7, 2, 5]);
  const batched = values(vmap(f)(keys, np.stack([a, a, a])));
  const loop = [0, 1, 2].flatMap((i) => values(f(keys.get(i) as NDArray, a)));
  batched.forEach((v, i) => assert.ok(Math.abs(v - loop[i]!) <= 1e-5 * Math.max(1, Math.abs(loop[i]!)), `lane ${i}: ${v} vs ${loop[i]}`));
  // jit outside grad keeps the rule (the key is an operand, not a closed-over tracer).
  const jitted = values(jit((k: NDArray, v: NDArray) => grad((w: NDArray) => np.sum(random.gamma(k, w)))(v))(keys.get(0) as NDArray, a));
  jitted.forEach((v, i) => assert.ok(Math.abs(v - loop[i]!) <= 1e-5 * Math.max(1, Math.abs(loop[i]!)), `jit ${i}: ${v} vs ${loop[i]}`));
  const gradOfJit = values(grad((w: NDArray) => np.sum(jit((k: NDArray, v: NDArray) => random.gamma(k, v))(keys.get(0) as NDArray, w)))(a));
  gradOfJit.forEach((v, i) => assert.ok(Math.abs(v - loop[i]!) <= 1e-5 * Math.max(1, Math.abs(loop[i]!)), `grad∘jit ${i}: ${v} vs ${loop[i]}`));
});

test.run();
