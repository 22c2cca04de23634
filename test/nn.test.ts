// nn (jax.nn) and special (jax.scipy.special): every function against a float64 reference written
// from its definition, eagerly and under jit, and through the numerical gradient checks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, nn, np, random, special, ShapeError, vmap } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';
import { expectError } from './helpers/expect.js';

const f64 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'float64' });
const values = (x: NDArray): number[] => Array.from(x.dataSync(), Number);
function close(got: readonly number[], want: readonly number[], tol: number, label: string): void {
  assert.is(got.length, want.length, `${label}: length`);
  want.forEach((e, i) => {
    const a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${label}: element ${i} is ${a}, expected ${e}`);
  });
}
/** erf by Simpson's rule on its defining integral (error < 1e-14 at 4000 panels). */
function erfRef(x: number): number {
  const n = 4000, h = x / n, f = (t: number) => Math.exp(-t * t);
  let s = f(0) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (2 / Math.sqrt(Math.PI)) * (s * h) / 3;
}
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const SELU_A = 1.6732632423543772, SELU_L = 1.0507009873554805;

// ---- elementwise activations: [name, f, reference, input range avoiding kinks] ----------------------
type Unary = (x: NDArray) => NDArray;
const UNARY_ROWS: [string, Unary, (x: number) => number][] = [
  ['relu', nn.relu, (x) => Math.max(x, 0)],
  ['relu6', (x) => nn.relu6(np.multiply(x, 4)), (x) => Math.min(Math.max(4 * x, 0), 6)],
  ['sigmoid', nn.sigmoid, sig],
  ['silu', nn.silu, (x) => x * sig(x)],
  ['swish', nn.swish, (x) => x * sig(x)],
  ['softplus', nn.softplus, (x) => Math.log(1 + Math.exp(x))],
  ['logSigmoid', nn.logSigmoid, (x) => Math.log(sig(x))],
  ['softSign', nn.softSign, (x) => x / (Math.abs(x) + 1)],
  ['leakyRelu', (x) => nn.leakyRelu(x, 0.2), (x) => (x >= 0 ? x : 0.2 * x)],
  ['elu', (x) => nn.elu(x, 1.5), (x) => (x > 0 ? x : 1.5 * Math.expm1(x))],
  ['celu', (x) => nn.celu(x, 0.7), (x) => Math.max(x, 0) + 0.7 * Math.expm1(Math.min(x, 0) / 0.7)],
  ['selu', nn.selu, (x) => SELU_L * (x > 0 ? x : SELU_A * Math.expm1(x))],
  ['gelu (tanh)', (x) => nn.gelu(x), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
  ['gelu (exact)', (x) => nn.gelu(x, false), (x) => 0.5 * x * (1 + Math.sign(x) * erfRef(Math.abs(x) / Math.SQRT2))],
  ['hardTanh', (x) => nn.hardTanh(np.multiply(x, 2)), (x) => Math.min(Math.max(2 * x, -1), 1)],
  ['hardSigmoid', (x) => nn.hardSigmoid(np.multiply(x, 4)), (x) => Math.min(Math.max(4 * x + 3, 0), 6) / 6],
  ['hardSilu', (x) => nn.hardSilu(np.multiply(x, 4)), (x) => 4 * x * Math.min(Math.max(4 * x + 3, 0), 6) / 6],
  ['special.expit', special.expit, sig],
  ['special.logit', (x) => special.logit(np.divide(np.add(x, 3), 6)), (x) => Math.log(((x + 3) / 6) / (1 - (x + 3) / 6))],
  ['special.erf', special.erf, (x) => Math.sign(x) * erfRef(Math.abs(x))],
  ['special.erfc', special.erfc, (x) => 1 - Math.sign(x) * erfRef(Math.abs(x))],
  ['special.ndtr', special.ndtr, (x) => 0.5 * (1 + Math.sign(x) * erfRef(Math.abs(x) / Math.SQRT2))],
  ['special.log1mexp', (x) => special.log1mexp(np.add(np.abs(x), 0.25)), (x) => Math.log(1 - Math.exp(-(Math.abs(x) + 0.25)))],
  ['special.gammaln', (x) => special.gammaln(np.add(np.abs(x), 0.5)), (x) => lgammaRef(Math.abs(x) + 0.5)],
];
/** log Γ(x) for x > 0: the recurrence Γ(x) = Γ(x + 30)/(x(x+1)…(x+29)), then Stirling's series at z ≥ 30 (error < 1e-16). */
function lgammaRef(x: number): number {
  let shift = 0;
  for (let k = 0; k < 30; k++) shift += Math.log(x + k);
  const z = x + 30;
  return (z - 0.5) * Math.log(z) - z + 0.5 * Math.log(2 * Math.PI) + 1 / (12 * z) - 1 / (360 * z ** 3) + 1 / (1260 * z ** 5) - 1 / (1680 * z ** 7) - shift;
}
const rng0 = new Rng(5);
for (const [name, f, ref] of UNARY_ROWS) {
  test(`${name}: forward (eager and jit) and gradients`, () => {
    const x = rng0.awayFromZero([3, 4], 0.05, 2.5);
    const want = values(x).map(ref);
    close(values(f(x)), want, 1e-12, `${name} eager`);
    close(values(jit(f)(x)), want, 1e-12, `${name} jit`);
    checkGrads(f, [x], { label: name, rtol: 1e-5, atol: 1e-6 });
  });
}
test('relu, relu6, hardTanh: JAX\'s derivative at the kinks (0 at 0, 6 and ±1), NaN passes', () => {
  const at = (f: Unary, v: number) => (grad((x: NDArray) => f(x).sum())(f64([v])) as NDArray).dataSync()[0];
  assert.is(at(nn.relu, 0), 0);
  assert.is(at(nn.relu6, 0), 0);
  assert.is(at(nn.relu6, 6), 0);
  assert.is(at(nn.relu6, 3), 1);
  assert.is(at(nn.hardTanh, 1), 0);
  assert.is(at(nn.hardTanh, -1), 0);
  assert.ok(Number.isNaN(nn.relu(f64([NaN])).dataSync()[0]!));
  // softplus stays finite far out, where log(1 + eˣ) would overflow.
  close(values(nn.softplus(f64([800, -800]))), [800, 0], 0, 'softplus far out');
  close(values(nn.gelu(f64([-30]), false)), [-30 * 0.5 * special.erfc(f64([30 / Math.SQRT2])).dataSync()[0]!], 1e-12, 'exact gelu tail');
  assert.ok(nn.gelu(f64([-10]), false).dataSync()[0]! < 0, 'exact gelu keeps the negative tail (not rounded to 0)');
});

test('glu: a·σ(b) over the halves of an axis', () => {
  const x = new Rng(2).array([2, 6]);
  const v = values(x);
  const want = [0, 1].flatMap((r) => [0, 1, 2].map((j) => v[r * 6 + j]! * sig(v[r * 6 + 3 + j]!)));
  close(values(nn.glu(x)), want, 1e-14, 'glu');
  checkGrads((a) => nn.glu(a, 1), [x], { label: 'glu' });
  expectError(() => nn.glu(np.zeros([2, 5])), ShapeError, /glu: axis 1 .*even/);
});

// ---- softmax, logSoftmax, logsumexp ---------------------------------------------------------------
const softmaxRef = (row: number[]) => { const m = Math.max(...row); const e = row.map((v) => Math.exp(v - m)); const s = e.reduce((a, b) => a + b); return e.map((v) => v / s); };
test('softmax, logSoftmax: against the definition, each axis, eager and jit; gradients', () => {
  const x = new Rng(3).array([3, 4], -3, 3);
  const v = values(x);
  const rows = [0, 1, 2].map((r) => v.slice(r * 4, r * 4 + 4));
  close(values(nn.softmax(x)), rows.flatMap(softmaxRef), 1e-14, 'softmax');
  close(values(jit((a: NDArray) => nn.softmax(a))(x)), rows.flatMap(softmaxRef), 1e-14, 'softmax jit');
  close(values(nn.logSoftmax(x)), rows.flatMap((r) => softmaxRef(r).map(Math.log)), 1e-13, 'logSoftmax');
  const cols = [0, 1, 2, 3].map((j) => softmaxRef([0, 1, 2].map((r) => v[r * 4 + j]!)));
  close(values(nn.softmax(x, 0)), [0, 1, 2].flatMap((r) => cols.map((c) => c[r]!)), 1e-14, 'softmax axis 0');
  checkGrads((a) => nn.softmax(a), [x], { label: 'softmax' });
  checkGrads((a) => nn.logSoftmax(a, { axis: 0 }), [x], { label: 'logSoftmax' });
  // Large logits do not overflow.
  close(values(nn.softmax(f64([1000, 1000]))), [0.5, 0.5], 0, 'softmax of large logits');
});
test('softmax / logSoftmax with where: masked entries get probability 0 (log −∞)', () => {
  const x = f64([[1, 2, 3], [4, 5, 6]]);
  const where = np.array([[true, false, true], [false, false, true]]);
  close(values(nn.softmax(x, { where })), [...softmaxRef([1, 3]).flatMap((p, i) => (i === 0 ? [p, 0] : [p])), 0, 0, 1], 1e-14, 'masked softmax');
  close(values(nn.logSoftmax(x, { where })), [Math.log(softmaxRef([1, 3])[0]!), -Infinity, Math.log(softmaxRef([1, 3])[1]!), -Infinity, -Infinity, 0], 1e-14, 'masked logSoftmax');
  checkGrads((a) => nn.softmax(a, { where }), [new Rng(4).array([2, 3])], { label: 'masked softmax' });
});
test('logsumexp: stable, axes, keepdims, b (with returnSign), where; gradients', () => {
  const x = new Rng(6).array([2, 3], -2, 2);
  const v = values(x);
  const lse = (xs: number[], bs?: number[]) => Math.log(Math.abs(xs.reduce((s, a, i) => s + (bs ? bs[i]! : 1) * Math.exp(a), 0)));
  close(values(nn.logsumexp(x)), [lse(v)], 1e-14, 'all axes');
  close(values(nn.logsumexp(x, { axis: 1 })), [lse(v.slice(0, 3)), lse(v.slice(3))], 1e-14, 'axis 1');
  assert.equal([...nn.logsumexp(x, { axis: 1, keepdims: true }).shape], [2, 1]);
  close(values(nn.logsumexp(f64([1000, 1000]))), [1000 + Math.LN2], 0, 'no overflow');
  close(values(nn.logsumexp(f64([-Infinity, -Infinity]))), [-Infinity], 0, 'all −∞');
  const b = f64([[1, -2, 0.5], [2, 1, 1]]);
  const [out, sign] = nn.logsumexp(x, { axis: 1, b, returnSign: true });
  const bv = values(b);
  const sums = [0, 1].map((r) => v.slice(r * 3, r * 3 + 3).reduce((s, a, i) => s + bv[r * 3 + i]! * Math.exp(a), 0));
  close(values(out), sums.map((s) => Math.log(Math.abs(s))), 1e-13, 'with b');
  close(values(sign), sums.map(Math.sign), 0, 'sign');
  const negative = nn.logsumexp(f64([0, 0]), { b: f64([-1, -1]) });
  assert.ok(Number.isNaN(negative.dataSync()[0]!), 'a negative sum without returnSign is NaN');
  const where = np.array([[true, false, true], [true, true, false]]);
  close(values(nn.logsumexp(x, { axis: 1, where })), [lse([v[0]!, v[2]!]), lse([v[3]!, v[4]!])], 1e-14, 'where');
  checkGrads((a) => nn.logsumexp(a, { axis: 0 }), [x], { label: 'logsumexp' });
  checkGrads((a, s) => nn.logsumexp(a, { axis: 1, b: np.add(np.abs(s), 0.1) }), [x, new Rng(8).array([2, 3])], { label: 'logsumexp with b' });
  close(values(special.logsumexp(x)), [lse(v)], 1e-14, 'special.logsumexp is the same function');
});

// ---- oneHot, standardize ---------------------------------------------------------------------------
test('oneHot: classes along the last axis or another, dtype, out-of-range rows are zero', () => {
  const labels = np.array([0, 2, 3, -1], { dtype: 'int32' });
  assert.equal(values(nn.oneHot(labels, 3)), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  assert.is(nn.oneHot(labels, 3).dtype, 'float32');
  const t = nn.oneHot(np.array([1, 0], { dtype: 'int32' }), 2, { axis: 0, dtype: 'int32' });
  assert.equal([...t.shape], [2, 2]);
  assert.equal(values(t), [0, 1, 1, 0]);
  assert.is(t.dtype, 'int32');
});
test('standardize: zero mean, unit variance; given mean/variance; where; gradients', () => {
  const x = new Rng(9).array([2, 5], -2, 3);
  const v = values(x);
  const want = [0, 1].flatMap((r) => {
    const row = v.slice(r * 5, r * 5 + 5);
    const m = row.reduce((a, b) => a + b) / 5, s2 = row.reduce((a, b) => a + b * b, 0) / 5 - m * m;
    return row.map((e) => (e - m) / Math.sqrt(s2 + 1e-5));
  });
  close(values(nn.standardize(x)), want, 1e-12, 'standardize');
  close(values(nn.standardize(x, { mean: 1, variance: 4, epsilon: 0 })), v.map((e) => (e - 1) / 2), 1e-14, 'given mean and variance');
  checkGrads((a) => nn.standardize(a), [x], { label: 'standardize' });
  const where = np.array([[true, true, false, true, true], [true, true, true, true, true]]);
  const row0 = [v[0]!, v[1]!, v[3]!, v[4]!];
  const m0 = row0.reduce((a, b) => a + b) / 4, s0 = row0.reduce((a, b) => a + b * b, 0) / 4 - m0 * m0;
  close(values(nn.standardize(x, { where })).slice(0, 2), [(v[0]! - m0) / Math.sqrt(s0 + 1e-5), (v[1]! - m0) / Math.sqrt(s0 + 1e-5)], 1e-12, 'where');
});

// ---- dotProductAttention -------------------------------------------------------------------------
/** out[b,t,n,:] = Σ_s softmax_s(scale·q[b,t,n]·k[b,s,kv(n)] + bias, masked) · v[b,s,kv(n)], in float64 loops. */
function attentionRef(q: NDArray, k: NDArray, v: NDArray, opts: { scale?: number; causal?: boolean; mask?: boolean[][] } = {}): number[] {
  const [B, T, N, H] = q.shape as number[] as [number, number, number, number];
  const [, S, K] = k.shape as number[] as [number, number, number];
  const qv = values(q), kv = values(k), vv = values(v);
  const scale = opts.scale ?? 1 / Math.sqrt(H);
  const out: number[] = [];
  for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) for (let n = 0; n < N; n++) {
    const kh = Math.floor(n / (N / K));
    const logits: number[] = [];
    for (let s = 0; s < S; s++) {
      let d = 0;
      for (let h = 0; h < H; h++) d += qv[((b * T + t) * N + n) * H + h]! * kv[((b * S + s) * K + kh) * H + h]!;
      const allowed = (!opts.causal || s <= t) && (!opts.mask || opts.mask[t]![s]!);
      logits.push(allowed ? d * scale : -Infinity);
    }
    const p = softmaxRef(logits);
    for (let h = 0; h < H; h++) out.push(p.reduce((acc, w, s) => acc + w * vv[((b * S + s) * K + kh) * H + h]!, 0));
  }
  return out;
}
test('dotProductAttention: against loops (plain, scale, causal, mask, grouped heads, unbatched); gradients', () => {
  const r = new Rng(12);
  const q = r.array([2, 3, 4, 5]), k = r.array([2, 6, 2, 5]), v = r.array([2, 6, 2, 5]);
  close(values(nn.dotProductAttention(q, k, v)), attentionRef(q, k, v), 1e-12, 'grouped heads');
  close(values(nn.dotProductAttention(q, k, v, { scale: 0.7 })), attentionRef(q, k, v, { scale: 0.7 }), 1e-12, 'scale');
  close(values(nn.dotProductAttention(q, k, v, { isCausal: true })), attentionRef(q, k, v, { causal: true }), 1e-12, 'causal');
  const mask = [[true, false, true, true, false, true], [false, true, true, false, true, true], [true, true, false, true, true, false]];
  close(values(nn.dotProductAttention(q, k, v, { mask: np.array(mask) })), attentionRef(q, k, v, { mask }), 1e-12, 'mask');
  const out3 = nn.dotProductAttention(q.get(0), k.get(0), v.get(0));
  assert.equal([...out3.shape], [3, 4, 5]);
  close(values(out3), attentionRef(q, k, v).slice(0, 60), 1e-12, 'unbatched');
  close(values(jit((a: NDArray, b: NDArray, c: NDArray) => nn.dotProductAttention(a, b, c, { isCausal: true }))(q, k, v)), attentionRef(q, k, v, { causal: true }), 1e-12, 'jit');
  const small = [r.array([1, 2, 2, 3]), r.array([1, 3, 1, 3]), r.array([1, 3, 1, 3])];
  checkGrads((a, b, c) => nn.dotProductAttention(a, b, c, { isCausal: true }), small, { label: 'attention' });
  expectError(() => nn.dotProductAttention(q, r.array([2, 6, 3, 5]), r.array([2, 6, 3, 5])), ShapeError, /K dividing N/);
});

// ---- initializers ----------------------------------------------------------------------------------
const stats = (x: NDArray) => { const v = values(x); const m = v.reduce((a, b) => a + b) / v.length; return { m, s2: v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length, lo: Math.min(...v), hi: Math.max(...v) }; };
test('initializers: the variance-scaling family has its variance and support', () => {
  const key = random.key(0);
  const shape = [200, 300];
  const { initializers: init } = nn;
  const fanAvg = 250, fanIn = 200;
  const gu = stats(init.glorotUniform()(key, shape));
  assert.ok(Math.abs(gu.s2 * fanAvg - 1) < 0.03 && gu.hi <= Math.sqrt(3 / fanAvg) && gu.lo >= -Math.sqrt(3 / fanAvg), `glorotUniform ${JSON.stringify(gu)}`);
  const gn = stats(init.glorotNormal()(key, shape));
  assert.ok(Math.abs(gn.s2 * fanAvg - 1) < 0.03 && gn.hi <= 2 * Math.sqrt(1 / fanAvg) / 0.8796256610342398, `glorotNormal ${JSON.stringify(gn)}`);
  const hn = stats(init.heNormal()(key, shape));
  assert.ok(Math.abs(hn.s2 * fanIn / 2 - 1) < 0.03 && Math.abs(hn.m) < 0.003, `heNormal ${JSON.stringify(hn)}`);
  const hu = stats(init.heUniform()(key, shape));
  assert.ok(Math.abs(hu.s2 * fanIn / 2 - 1) < 0.03, `heUniform ${JSON.stringify(hu)}`);
  const ln = stats(init.lecunNormal()(key, shape));
  assert.ok(Math.abs(ln.s2 * fanIn - 1) < 0.03, `lecunNormal ${JSON.stringify(ln)}`);
  const lu = stats(init.lecunUniform()(key, shape));
  assert.ok(Math.abs(lu.s2 * fanIn - 1) < 0.03, `lecunUniform ${JSON.stringify(lu)}`);
  // A conv kernel [3, 3, 16, 32]: fan_in = 3·3·16 (the receptive field times the input channels).
  assert.equal(init.computeFans([3, 3, 16, 32]), [144, 288]);
  const conv = stats(init.varianceScaling(1, 'fan_in', 'normal')(key, [3, 3, 16, 32]));
  assert.ok(Math.abs(conv.s2 * 144 - 1) < 0.05, `conv fan_in ${JSON.stringify(conv)}`);
  assert.equal(values(init.zeros(key, [2])), [0, 0]);
  assert.equal(values(init.constant(3)(key, [2])), [3, 3]);
  assert.is(init.heNormal()(key, [4, 4], 'float64').dtype, 'float64');
  expectError(() => init.glorotNormal()(key, [5]), ShapeError, /at least 2-d/);
});
test('initializers.orthogonal and random.orthogonal: orthonormal columns (or rows), scaled', () => {
  const key = random.key(1);
  const check = (w: NDArray, rowsOrthonormal: boolean, scale: number, label: string) => {
    const m = rowsOrthonormal ? w : np.transpose(w);
    const gram = values(np.matmul(m, np.transpose(m)));
    const n = m.shape[0]!;
    gram.forEach((g, i) => assert.ok(Math.abs(g - (i % (n + 1) === 0 ? scale * scale : 0)) < 1e-5, `${label}: gram[${i}] = ${g}`));
  };
  check(nn.initializers.orthogonal()(key, [6, 4]), false, 1, 'tall');
  check(nn.initializers.orthogonal(2)(key, [3, 7]), true, 2, 'wide, scaled');
  const conv = nn.initializers.orthogonal(1, 0)(key, [4, 2, 3]);
  check(np.reshape(conv, [4, 6]), true, 1, 'column axis 0');
  const q = random.orthogonal(key, 5, [2]);
  assert.equal([...q.shape], [2, 5, 5]);
  check(q.get(1), true, 1, 'random.orthogonal');
  // The QR is a primitive: under jit (a traced key) and vmap the same matrices come out.
  const eager = nn.initializers.orthogonal()(key, [6, 4]);
  const jitted = jit((k: NDArray) => nn.initializers.orthogonal()(k, [6, 4]))(key);
  values(np.abs(np.subtract(jitted, eager))).forEach((d, i) => assert.ok(d < 1e-5, `jit differs at ${i}: ${d}`));
  const keys = random.split(key, 3);
  const batched = vmap((k: NDArray) => random.orthogonal(k, 4))(keys);
  assert.equal([...batched.shape], [3, 4, 4]);
  for (let b = 0; b < 3; b++) {
    check(batched.get(b), true, 1, `vmap ${b}`);
    values(np.abs(np.subtract(batched.get(b), random.orthogonal(keys.get(b), 4)))).forEach((d, i) => assert.ok(d < 1e-5, `vmap ${b} differs at ${i}`));
  }
  check(jit((k: NDArray) => random.orthogonal(k, 3, [], { dtype: 'float64' }))(key), true, 1, 'jit float64');
});
test('random.truncatedNormal: inside the bounds with the truncated moments', () => {
  const x = random.truncatedNormal(random.key(3), -2, 2, [40000]);
  const s = stats(x);
  // Var of N(0,1) truncated to ±2: 1 − 4φ(2)/(Φ(2) − Φ(−2)) = 0.7737413.
  const phi2 = Math.exp(-2) / Math.sqrt(2 * Math.PI);
  const mass = erfRef(2 / Math.SQRT2);
  assert.ok(Math.abs(s.s2 - (1 - 4 * phi2 / mass)) < 0.015 && Math.abs(s.m) < 0.01 && s.lo > -2 && s.hi < 2, JSON.stringify(s));
  const y = stats(random.truncatedNormal(random.key(4), 0.5, 1, [20000]));
  assert.ok(y.lo > 0.5 && y.hi < 1, JSON.stringify(y));
});

// ---- special ---------------------------------------------------------------------------------------
test('special: xlogy, xlog1py (0 at x = 0, JAX\'s derivatives), entr, betaln, digamma', () => {
  close(values(special.xlogy(f64([0, 0, 2, 3]), f64([0, 5, 3, 0]))), [0, 0, 2 * Math.log(3), -Infinity], 1e-15, 'xlogy');
  close(values(special.xlog1py(f64([0, 2]), f64([-1, 0.5]))), [0, 2 * Math.log1p(0.5)], 1e-15, 'xlog1py');
  const dx = grad((x: NDArray) => special.xlogy(x, f64([4])).sum())(f64([0])) as NDArray;
  close(values(dx), [Math.log(4)], 1e-15, "xlogy's x-derivative at 0 is log y");
  const r = new Rng(21);
  const pos = () => np.add(np.abs(r.array([2, 3])), 0.2);
  checkGrads((x, y) => special.xlogy(x, y), [r.array([2, 3]), pos()], { label: 'xlogy' });
  checkGrads((x, y) => special.xlog1py(x, y), [r.array([2, 3]), pos()], { label: 'xlog1py' });
  close(values(special.entr(f64([0, 0.5, -1]))), [0, 0.5 * Math.LN2, -Infinity], 1e-15, 'entr');
  close(values(special.betaln(f64([2, 0.5]), f64([3, 0.5]))), [Math.log(1 / 12), Math.log(Math.PI)], 1e-13, 'betaln');
  checkGrads((a, b) => special.betaln(a, b), [pos(), pos()], { label: 'betaln' });
  close(values(special.digamma(f64([1, 2]))), [-0.5772156649015329, 1 - 0.5772156649015329], 1e-14, 'digamma');
  close(values(jit((x: NDArray) => special.digamma(x))(f64([1, 2]))), [-0.5772156649015329, 1 - 0.5772156649015329], 1e-14, 'digamma jit');
  // ψ' = ψ₁: ψ₁(1) = π²/6, ψ₁(½) = π²/2.
  close(values(grad((x: NDArray) => special.digamma(x).sum())(f64([1, 0.5, -0.5])) as NDArray), [Math.PI ** 2 / 6, Math.PI ** 2 / 2, Math.PI ** 2 / 2 + 4], 1e-12, 'trigamma');
  close(values(special.erfinv(special.erf(np.array([0.3, -0.9])))), [0.3, -0.9], 1e-5, 'erfinv ∘ erf');
  close(values(special.ndtri(np.array([0.975]))), [1.959963984540054], 1e-5, 'ndtri');
  // float64: the float32 approximation refined by Newton steps on erf.
  const p = f64([0.3, -0.9, 0.999999, 1e-10, -0.5]);
  close(values(special.erf(special.erfinv(p))), values(p), 2e-15, 'erf ∘ erfinv in float64');
  checkGrads((x) => special.erfinv(x), [new Rng(30).array([2, 3], -0.9, 0.9)], { label: 'erfinv float64' });
  const z = values(random.normal(random.key(5), [20000], { dtype: 'float64' }));
  const mz = z.reduce((a, b) => a + b) / z.length, vz = z.reduce((a, b) => a + (b - mz) ** 2, 0) / z.length;
  // 4.5 standard errors at n = 20000 (the variance's is √(2/n) = 0.01).
  assert.ok(Math.abs(mz) < 0.032 && Math.abs(vz - 1) < 0.045, `float64 normal moments ${mz} ${vz}`);
});

test.run();
