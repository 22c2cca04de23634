// cotangent/torch nn: Module registration by assignment, callable modules, Sequential indexing,
// PyTorch's repr, stateDict round trips, Linear's default initialisation, the losses against values
// computed by hand, and functionalCall as the bridge to grad.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import { np, grad } from '../src/index.js';

type Tensor = torch.Tensor;
const nn = torch.nn, F = torch.nn.functional;
const values = (t: Tensor | null): number[] => Array.from(t!.array.dataSync());
const close = (got: number, want: number, tol = 1e-5, msg = '') => assert.ok(Math.abs(got - want) <= tol * (1 + Math.abs(want)), `${msg}: got ${got}, expected ${want}`);

class TwoLayerNet extends nn.Module {
  linear1: torch.nn.Linear;
  linear2: torch.nn.Linear;
  scale = 2; // a plain value: neither a parameter nor a submodule
  constructor(dIn: number, h: number, dOut: number) {
    super();
    this.linear1 = new nn.Linear(dIn, h);
    this.linear2 = new nn.Linear(h, dOut);
  }
  forward(x: Tensor): Tensor { return this.linear2(this.linear1(x).clamp({ min: 0 })).mul(this.scale); }
}

test('a Module subclass is callable, and registers submodules and parameters by assignment', () => {
  const net = new TwoLayerNet(4, 3, 2);
  assert.ok(net instanceof TwoLayerNet && net instanceof nn.Module);
  assert.equal(net(torch.ones(5, 4)).shape, [5, 2]);
  assert.equal(net.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`), ['linear1.weight:3x4', 'linear1.bias:3', 'linear2.weight:2x3', 'linear2.bias:2']);
  assert.equal(net.namedChildren().map(([n]) => n), ['linear1', 'linear2']);
  assert.is(net.modules().length, 3);
  Object.assign(net, { extra: new nn.Parameter(torch.zeros(1)) });
  assert.is(net.parameters().length, 5, 'a Parameter assigned later is a parameter too');
  net.registerBuffer('runningMean', torch.zeros(2));
  assert.equal(Object.keys(net.stateDict()), ['extra', 'runningMean', 'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias']);
  assert.throws(() => new (class NoForward extends nn.Module {})()(torch.ones(1)), /missing the required "forward" function/);
});

test('toString prints like PyTorch\'s repr', () => {
  const model = new nn.Sequential(new nn.Linear(3, 1), new nn.Flatten(0, 1));
  assert.is(model.toString(), 'Sequential(\n  (0): Linear(inFeatures=3, outFeatures=1, bias=true)\n  (1): Flatten(startDim=0, endDim=1)\n)');
  assert.is(new TwoLayerNet(2, 2, 1).toString(), 'TwoLayerNet(\n  (linear1): Linear(inFeatures=2, outFeatures=2, bias=true)\n  (linear2): Linear(inFeatures=2, outFeatures=1, bias=true)\n)');
  assert.is(new nn.MSELoss({ reduction: 'sum' }).toString(), "MSELoss(reduction='sum')");
  assert.is(new nn.ReLU().toString(), 'ReLU()');
});

test('Sequential is indexable with at(i) and [i], iterable, and shares modules used twice', () => {
  const first = new nn.Linear(2, 2);
  const model = new nn.Sequential(first, new nn.ReLU(), first);
  assert.ok(model.at(0) === first && model[0] === first && model.at(-1) === first);
  assert.is(model.length, 3);
  assert.equal([...model].map((m) => m.constructor.name), ['Linear', 'ReLU', 'Linear']);
  assert.is(model.parameters().length, 2, 'a module used twice contributes its parameters once');
  assert.throws(() => model.at(3), RangeError);
  const named = new nn.Sequential({ fc: new nn.Linear(2, 1), act: new nn.Tanh() });
  assert.equal(named.namedParameters().map(([n]) => n), ['fc.weight', 'fc.bias']);
  const list = new nn.ModuleList([new nn.Linear(1, 1), new nn.Linear(1, 1)]);
  assert.is(list.parameters().length, 4);
});

test('zeroGrad, train/eval, and stateDict/loadStateDict round trips with PyTorch\'s errors', () => {
  const net = new TwoLayerNet(3, 4, 2);
  net(torch.ones(1, 3)).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
  assert.is(net.eval().training, false);
  assert.is(net.linear1.training, false);
  net.train();
  const copy = new TwoLayerNet(3, 4, 2);
  copy.loadStateDict(net.stateDict());
  assert.equal(values(copy.linear2.weight), values(net.linear2.weight));
  assert.is(copy.linear2.weight.requiresGrad, true);
  const state = net.stateDict();
  torch.noGrad(() => net.linear1.bias!.fill_(7));
  assert.equal(values(state['linear1.bias']!), [7, 7, 7, 7], 'stateDict shares storage with the parameters');
  const { ['linear1.bias']: _dropped, ...partial } = state;
  assert.throws(() => copy.loadStateDict(partial), /Missing key\(s\) in state_dict: "linear1.bias"/);
  assert.equal(copy.loadStateDict(partial, { strict: false }).missingKeys, ['linear1.bias']);
  assert.throws(() => copy.loadStateDict({ ...state, 'linear1.weight': torch.zeros(2, 2) }), /size mismatch for linear1.weight/);
});

test('Linear\'s default init is U(−1/√fanIn, 1/√fanIn) for weight and bias, seeded by manualSeed', () => {
  torch.manualSeed(3);
  const lin = new nn.Linear(400, 50);
  const bound = 1 / Math.sqrt(400);
  const w = values(lin.weight), b = values(lin.bias);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && b.every((v) => Math.abs(v) <= bound));
  // Uniform on [−c, c] has variance c²/3: 20000 samples land within a few percent.
  const variance = w.reduce((s, v) => s + v * v, 0) / w.length;
  close(variance, bound * bound / 3, 0.05, 'weight variance');
  assert.ok(Math.max(...w) > 0.95 * bound && Math.min(...w) < -0.95 * bound, 'the whole interval is used');
  torch.manualSeed(3);
  assert.equal(values(new nn.Linear(400, 50).weight), w);
});

test('MSELoss and L1Loss with each reduction, against hand computation', () => {
  const a = torch.tensor([[1, 2], [3, 4]]), b = torch.tensor([[0, 2], [5, 1]]);
  close(new nn.MSELoss()(a, b).itemSync(), (1 + 0 + 4 + 9) / 4);
  close(new nn.MSELoss({ reduction: 'sum' })(a, b).itemSync(), 14);
  assert.equal(values(F.mseLoss(a, b, { reduction: 'none' })), [1, 0, 4, 9]);
  close(new nn.L1Loss()(a, b).itemSync(), (1 + 0 + 2 + 3) / 4);
  const x = torch.tensor([1, 2], { requiresGrad: true });
  F.mseLoss(x, torch.tensor([0, 0])).backward(); // d/dx mean(x²) = x
  assert.equal(values(x.grad), [1, 2]);
});

test('crossEntropy: class indices, weights, ignoreIndex and probability targets, against hand computation', () => {
  const logits = [[2, 1, 0.1], [0.5, 2.5, 0.3]];
  const target = [0, 1];
  const logSoftmax = logits.map((row) => { const m = Math.max(...row); const lse = m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)); return row.map((v) => v - lse); });
  const nll = target.map((t, i) => -logSoftmax[i]![t]!);
  const input = torch.tensor(logits, { requiresGrad: true });
  const loss = new nn.CrossEntropyLoss()(input, torch.tensor(target, { dtype: torch.long }));
  close(loss.itemSync(), (nll[0]! + nll[1]!) / 2, 1e-6, 'mean');
  assert.is(String(loss.gradFn), '<NllLossBackward0>');
  loss.backward(); // ∂/∂logits = (softmax − onehot) / N
  const expected = logits.flatMap((row, i) => row.map((_, c) => (Math.exp(logSoftmax[i]![c]!) - (c === target[i] ? 1 : 0)) / 2));
  values(input.grad).forEach((g, k) => close(g, expected[k]!, 1e-5, `grad ${k}`));
  const weight = torch.tensor([1, 3, 1]);
  close(F.crossEntropy(torch.tensor(logits), torch.tensor(target, { dtype: torch.long }), { weight }).itemSync(), (1 * nll[0]! + 3 * nll[1]!) / 4, 1e-6, 'weighted mean');
  close(F.crossEntropy(torch.tensor(logits), torch.tensor([0, -100], { dtype: torch.long })).itemSync(), nll[0]!, 1e-6, 'ignoreIndex');
  const probs = [[0.7, 0.2, 0.1], [0, 1, 0]];
  const soft = probs.map((p, i) => -p.reduce((s, v, c) => s + v * logSoftmax[i]![c]!, 0));
  close(F.crossEntropy(torch.tensor(logits), torch.tensor(probs)).itemSync(), (soft[0]! + soft[1]!) / 2, 1e-6, 'probabilities');
});

test('functionalCall makes a module a pure function of its parameters for grad', () => {
  const model = new nn.Sequential(new nn.Linear(3, 2), new nn.Tanh(), new nn.Linear(2, 1));
  const x = torch.randn(4, 3), y = torch.randn(4, 1);
  const params = Object.fromEntries(model.namedParameters().map(([n, p]) => [n, p.detach().numpy()]));
  const loss = (ps: Record<string, np.Array>) => F.mseLoss(nn.functionalCall(model, ps, x), y).array;
  const g = grad(loss)(params) as Record<string, np.Array>;
  F.mseLoss(model(x), y).backward();
  for (const [name, p] of model.namedParameters()) {
    Array.from(g[name]!.dataSync()).forEach((v, i) => close(v, p.grad!.array.dataSync()[i]!, 1e-5, name));
  }
  assert.ok(model.at(0).weight instanceof nn.Parameter, 'the parameters are put back');
  assert.throws(() => nn.functionalCall(model, { 'nope.weight': torch.zeros(1) }, x), /no parameter or buffer named "nope.weight"/);
});

test.run();
