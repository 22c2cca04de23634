// cotangent/torch: the activations, dropout, layerNorm, embedding, the binary/smooth-L1/Huber losses,
// cumsum/einsum/stack variants. Forward against float64 loops of the definitions, backward (through
// the tape) against central differences of those same loops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import { Rng } from './helpers/check-grads.js';

type Tensor = torch.Tensor;
const nn = torch.nn, F = torch.nn.functional;
const values = (t: Tensor | null): number[] => Array.from(t!.array.dataSync(), Number);
function close(got: readonly number[], want: readonly number[], tol: number, label: string): void {
  assert.is(got.length, want.length, `${label}: length`);
  want.forEach((e, i) => assert.ok(Math.abs(got[i]! - e) <= tol * (1 + Math.abs(e)), `${label}: element ${i} is ${got[i]}, expected ${e}`));
}
const rng = new Rng(77);
const data = (n: number, lo = -2, hi = 2) => Array.from({ length: n }, () => rng.uniform(lo, hi));
const leaf = (v: number[], shape = [v.length]) => torch.tensor(v, { dtype: 'float64', requiresGrad: true }).reshape(shape).detach().requiresGrad_();
/** d/dv_i Σ_j w_j·f(v)_j by central differences of a JS reference. */
function numericGrad(f: (v: number[]) => number[], v: number[], w: number[]): number[] {
  const h = 1e-6;
  return v.map((_, i) => {
    const plus = v.slice(), minus = v.slice();
    plus[i]! += h; minus[i]! -= h;
    const fp = f(plus), fm = f(minus);
    return fp.reduce((s, p, j) => s + w[j]! * (p - fm[j]!), 0) / (2 * h);
  });
}
/** Forward against the reference and the tape's gradient of Σ w·f(x) against central differences. */
function checkTorch(label: string, op: (x: Tensor) => Tensor, ref: (v: number[]) => number[], v: number[], shape = [v.length], tol = 1e-12): void {
  const x = leaf(v, shape);
  const y = op(x);
  close(values(y), ref(v), tol, `${label} forward`);
  const w = data(y.shape.reduce((a, b) => a * b, 1));
  y.mul(torch.tensor(w, { dtype: 'float64' }).reshape(y.shape)).sum().backward();
  close(values(x.grad), numericGrad(ref, v, w), 1e-6, `${label} backward`);
}

const erf = (x: number): number => { const n = 4000, h = Math.abs(x) / n, f = (t: number) => Math.exp(-t * t); let s = f(0) + f(Math.abs(x)); for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h); return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * (s * h) / 3; };
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const softplus = (x: number) => Math.log1p(Math.exp(x));
const ACTIVATIONS: [string, (x: Tensor) => Tensor, (x: number) => number][] = [
  ['F.gelu', (x) => F.gelu(x), (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
  ['F.gelu tanh', (x) => F.gelu(x, { approximate: 'tanh' }), (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)))],
  ['nn.GELU', (x) => new nn.GELU()(x), (x) => 0.5 * x * (1 + erf(x / Math.SQRT2))],
  ['nn.SiLU', (x) => new nn.SiLU()(x), (x) => x * sig(x)],
  ['nn.Mish', (x) => new nn.Mish()(x), (x) => x * Math.tanh(softplus(x))],
  ['F.softplus β=2', (x) => F.softplus(x, 2), (x) => softplus(2 * x) / 2],
  ['nn.LeakyReLU', (x) => new nn.LeakyReLU(0.1)(x), (x) => (x >= 0 ? x : 0.1 * x)],
  ['nn.ELU', (x) => new nn.ELU(0.5)(x), (x) => (x > 0 ? x : 0.5 * Math.expm1(x))],
  ['nn.SELU', (x) => new nn.SELU()(x), (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * Math.expm1(x))],
  ['nn.Hardtanh', (x) => new nn.Hardtanh(-0.5, 1.5)(x), (x) => Math.min(Math.max(x, -0.5), 1.5)],
  ['nn.ReLU6', (x) => new nn.ReLU6()(x.mul(4)), (x) => Math.min(Math.max(4 * x, 0), 6)],
  ['nn.Hardswish', (x) => new nn.Hardswish()(x), (x) => x * Math.min(Math.max(x + 3, 0), 6) / 6],
  ['nn.LogSigmoid', (x) => new nn.LogSigmoid()(x), (x) => Math.log(sig(x))],
  ['nn.Softsign', (x) => new nn.Softsign()(x), (x) => x / (1 + Math.abs(x))],
];
for (const [name, op, ref] of ACTIVATIONS) {
  test(`${name}: forward and backward`, () => checkTorch(name, op, (v) => v.map(ref), data(8).map((e) => (Math.abs(e) < 0.05 ? e + 0.1 : e))));
}

test('torch.tan and Tensor.tan: forward and backward (TanBackward0), against sin/cos', () => {
  const v = data(8);
  checkTorch('torch.tan', (x) => torch.tan(x), (u) => u.map((e) => Math.sin(e) / Math.cos(e)), v);
  checkTorch('Tensor.tan', (x) => x.tan(), (u) => u.map((e) => Math.sin(e) / Math.cos(e)), v);
  assert.is(String(torch.tan(leaf(v, [8])).gradFn), '<TanBackward0>');
});

test('nn.LogSoftmax, F.glu, torch.cumsum, torch.cumprod, torch.einsum: forward and backward', () => {
  const lsm = (v: number[]) => [0, 1].flatMap((r) => { const row = v.slice(r * 3, r * 3 + 3); const m = Math.max(...row); const l = Math.log(row.reduce((s, e) => s + Math.exp(e - m), 0)) + m; return row.map((e) => e - l); });
  checkTorch('LogSoftmax', (x) => new nn.LogSoftmax(1)(x), lsm, data(6), [2, 3]);
  checkTorch('glu', (x) => F.glu(x, 1), (v) => [0, 1].flatMap((r) => [0, 1].map((j) => v[r * 4 + j]! * sig(v[r * 4 + 2 + j]!))), data(8), [2, 4]);
  const cs = (v: number[]) => [0, 1].flatMap((r) => { let s = 0; return v.slice(r * 4, r * 4 + 4).map((e) => (s += e)); });
  checkTorch('cumsum', (x) => torch.cumsum(x, 1), cs, data(8), [2, 4]);
  checkTorch('Tensor.cumsum', (x) => x.cumsum(-1), cs, data(8), [2, 4]);
  checkTorch('cumprod', (x) => torch.cumprod(x, -1), (v) => [0, 1].flatMap((r) => { let s = 1; return v.slice(r * 4, r * 4 + 4).map((e) => (s *= e)); }), data(8, 0.5, 1.5), [2, 4]);
  const b = data(6);
  checkTorch('einsum', (x) => torch.einsum('ij,jk->ik', x, torch.tensor(b, { dtype: 'float64' }).reshape(2, 3)),
    (v) => [0, 1].flatMap((i) => [0, 1, 2].map((k) => v[i * 2]! * b[k]! + v[i * 2 + 1]! * b[3 + k]!)), data(4), [2, 2]);
});

test('nn.Dropout: zero with probability p and scaled by 1/(1−p) in training, seeded; the identity in eval', () => {
  const d = new nn.Dropout(0.25);
  const x = torch.ones(20000, { dtype: 'float64' });
  torch.manualSeed(3);
  const y = values(d(x));
  const kept = y.filter((v) => v !== 0);
  assert.ok(kept.every((v) => Math.abs(v - 1 / 0.75) < 1e-12), 'survivors are scaled by 1/(1 − p)');
  assert.ok(Math.abs(kept.length / y.length - 0.75) < 0.015, `keep fraction ${kept.length / y.length}`);
  torch.manualSeed(3);
  assert.equal(values(d(x)), y, 'the same seed gives the same mask');
  d.eval();
  assert.equal(values(d(x)), values(x), 'eval() is the identity');
  d.train();
  const w = torch.ones(4, { dtype: 'float64', requiresGrad: true });
  const out = F.dropout(w, 0.5);
  out.sum().backward();
  close(values(w.grad), values(out), 0, 'the gradient is the mask (times 1/(1 − p))');
  assert.throws(() => new nn.Dropout(1.5), /between 0 and 1/);
});

test('nn.LayerNorm: per-row (x − mean)/√(var + eps)·w + b, and its gradients', () => {
  const v = data(6);
  const ln = (xs: number[]) => [0, 1].flatMap((r) => { const row = xs.slice(r * 3, r * 3 + 3); const m = row.reduce((a, b) => a + b) / 3; const s2 = row.reduce((a, b) => a + (b - m) ** 2, 0) / 3; return row.map((e) => (e - m) / Math.sqrt(s2 + 1e-5)); });
  checkTorch('LayerNorm', (x) => new nn.LayerNorm(3, { dtype: 'float64' })(x), ln, v, [2, 3]);
  const layer = new nn.LayerNorm([3], { dtype: 'float64' });
  torch.noGrad(() => { layer.weight!.fill_(2); layer.bias!.fill_(0.5); });
  close(values(layer(torch.tensor(v, { dtype: 'float64' }).reshape(2, 3))), ln(v).map((e) => 2 * e + 0.5), 1e-12, 'affine');
  layer(torch.tensor(v, { dtype: 'float64' }).reshape(2, 3)).sum().backward();
  close(values(layer.bias!.grad), [2, 2, 2], 1e-12, 'bias gradient');
  assert.throws(() => layer(torch.ones(2, 4)), /normalized_shape=\[3\]/);
});

test('nn.Embedding: rows by index, the gradient accumulates per row, the padding row gets none', () => {
  const emb = new nn.Embedding(5, 3, { paddingIdx: 0, dtype: 'float64' });
  assert.equal(values(emb.weight).slice(0, 3), [0, 0, 0], 'the padding row starts at zero');
  const idx = torch.tensor([[1, 0], [1, 4]], { dtype: 'int32' });
  const out = emb(idx);
  assert.equal(out.shape, [2, 2, 3]);
  const w = values(emb.weight);
  close(values(out), [1, 0, 1, 4].flatMap((i) => w.slice(i * 3, i * 3 + 3)), 0, 'lookup');
  out.sum().backward();
  close(values(emb.weight.grad), [0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 1, 1, 1], 0, 'row gradients');
  assert.throws(() => emb(torch.tensor([5], { dtype: 'int32' })), /index out of range/);
});

test('losses: NLLLoss, BCELoss, BCEWithLogitsLoss (posWeight), L1Loss, SmoothL1Loss, HuberLoss against loops, with gradients', () => {
  const p = data(6, 0.05, 0.95), t = data(6, 0, 1).map((e) => Math.round(e));
  const bce = (v: number[]) => [v.reduce((s, x, i) => s - (t[i]! * Math.log(x) + (1 - t[i]!) * Math.log(1 - x)), 0) / v.length];
  checkTorch('BCELoss', (x) => new nn.BCELoss()(x, torch.tensor(t, { dtype: 'float64' })), bce, p);
  const logits = data(6, -4, 4), pw = 3;
  const bcel = (v: number[]) => [v.reduce((s, x, i) => s - (pw * t[i]! * Math.log(sig(x)) + (1 - t[i]!) * Math.log(1 - sig(x))), 0)];
  checkTorch('BCEWithLogitsLoss', (x) => new nn.BCEWithLogitsLoss({ posWeight: torch.tensor([pw], { dtype: 'float64' }), reduction: 'sum' })(x, torch.tensor(t, { dtype: 'float64' })), bcel, logits);
  const far = new nn.BCEWithLogitsLoss()(torch.tensor([800, -800], { dtype: 'float64' }), torch.tensor([0, 1], { dtype: 'float64' }));
  close(values(far), [800], 1e-12, 'BCEWithLogits stays finite far out');
  const target = data(6);
  const d = (v: number[]) => v.map((x, i) => x - target[i]!);
  checkTorch('L1Loss', (x) => new nn.L1Loss()(x, torch.tensor(target, { dtype: 'float64' })), (v) => [d(v).reduce((s, e) => s + Math.abs(e), 0) / 6], data(6));
  const sl1 = (v: number[]) => [d(v).reduce((s, e) => s + (Math.abs(e) < 0.5 ? (0.5 * e * e) / 0.5 : Math.abs(e) - 0.25), 0) / 6];
  checkTorch('SmoothL1Loss', (x) => new nn.SmoothL1Loss({ beta: 0.5 })(x, torch.tensor(target, { dtype: 'float64' })), sl1, data(6));
  const hub = (v: number[]) => [d(v).reduce((s, e) => s + (Math.abs(e) <= 0.7 ? 0.5 * e * e : 0.7 * (Math.abs(e) - 0.35)), 0)];
  checkTorch('HuberLoss', (x) => new nn.HuberLoss({ delta: 0.7, reduction: 'sum' })(x, torch.tensor(target, { dtype: 'float64' })), hub, data(6));
  const lp = data(6), cls = [2, 0];
  checkTorch('NLLLoss', (x) => new nn.NLLLoss()(x, torch.tensor(cls, { dtype: 'int32' })), (v) => [-(v[2]! + v[3]!) / 2], lp, [2, 3]);
});

test('F.oneHot, torch.where, cat/stack variants', () => {
  const oh = F.oneHot(torch.tensor([0, 2], { dtype: 'int32' }));
  assert.equal(oh.shape, [2, 3]);
  assert.equal(values(oh), [1, 0, 0, 0, 0, 1]);
  assert.equal(F.oneHot(torch.tensor([1], { dtype: 'int32' }), 4).shape, [1, 4]);
  assert.throws(() => F.oneHot(torch.tensor([0.5])), /integer dtype/);
  const a = torch.tensor([1, 2]), b = torch.tensor([3, 4]);
  assert.equal(values(torch.where(a.gt(1), a, b)), [3, 2]);
  assert.equal(values(torch.hstack([a, b])), [1, 2, 3, 4]);
  assert.equal(torch.vstack([a, b]).shape, [2, 2]);
  assert.equal(torch.dstack([a, b]).shape, [1, 2, 2]);
  assert.equal(values(torch.columnStack([a, b])), [1, 3, 2, 4]);
  assert.equal(values(torch.concat([a, b])), [1, 2, 3, 4]);
  const x = torch.tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  torch.vstack([x, x.mul(3)]).sum().backward();
  assert.equal(values(x.grad), [4, 4]);
});

test.run();
