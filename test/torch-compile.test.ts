// torch.compile: a whole torch-style training step (forward, backward, optimizer.step) traced once
// by jit gives the eager step's numbers; its state (parameters, .grad, optimizer state) is written
// back; hyperparameter changes retrace; undeclared mutations are refused. Also functionalCall under jit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import type { FunctionCtx } from '../src/nn/autograd-api.js';
import { np, jit, valueAndGrad, ConcretizationError } from '../src/index.js';

type Tensor = torch.Tensor;
const nn = torch.nn;
const values = (t: Tensor | null): number[] => Array.from(t!.array.dataSync());
function assertClose(got: readonly number[], want: readonly number[], tol: number, msg: string) {
  assert.is(got.length, want.length, `${msg}: length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)), `${msg}[${i}]: got ${g}, expected ${want[i]}`));
}

function makeModel(seed: number) {
  torch.manualSeed(seed);
  return new nn.Sequential(new nn.Linear(6, 5), new nn.ReLU(), new nn.Linear(5, 2));
}
type Model = ReturnType<typeof makeModel>;
const trainStep = (model: Model, optimizer: torch.optim.Optimizer<object>, lossFn: torch.nn.MSELoss) => (x: Tensor, y: Tensor): Tensor => {
  const loss = lossFn(model(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  return loss;
};

for (const [name, makeOptimizer] of [
  ['Adam', (m: Model) => new torch.optim.Adam(m.parameters(), { lr: 0.01 })],
  ['SGD with momentum', (m: Model) => new torch.optim.SGD(m.parameters(), { lr: 0.01, momentum: 0.9 })],
  ['RMSprop centered', (m: Model) => new torch.optim.RMSprop(m.parameters(), { lr: 0.01, centered: true })],
] as const) {
  test(`a compiled ${name} step equals the eager step, traced twice (before and after state exists)`, () => {
    torch.manualSeed(100);
    const x = torch.randn(8, 6), y = torch.randn(8, 2);
    const lossFn = new nn.MSELoss();
    const eagerModel = makeModel(1), compiledModel = makeModel(1);
    const eagerOpt = makeOptimizer(eagerModel), compiledOpt = makeOptimizer(compiledModel);
    const eagerStep = trainStep(eagerModel, eagerOpt, lossFn);
    const compiled = torch.compile(trainStep(compiledModel, compiledOpt, lossFn), { modules: [compiledModel], optimizers: [compiledOpt] });
    for (let t = 0; t < 4; t++) {
      const a = eagerStep(x, y).itemSync(), b = compiled(x, y).itemSync();
      assertClose([b], [a], 1e-5, `loss at step ${t}`);
    }
    assert.is(compiled.cacheSize, 2);
    for (const [[pname, p], q] of eagerModel.namedParameters().map((e, i) => [e, compiledModel.parameters()[i]!] as const)) {
      assertClose(values(q), values(p), 1e-5, pname);
      assertClose(values(q.grad), values(p.grad), 1e-5, `${pname}.grad`);
    }
    const eagerState = eagerOpt.stateDict().state, compiledState = compiledOpt.stateDict().state;
    assert.equal(Object.keys(compiledState[0]!).sort(), Object.keys(eagerState[0]!).sort());
    for (const [k, v] of Object.entries(eagerState[3]!)) assertClose(values(compiledState[3]![k]!), values(v), 1e-5, `state ${k}`);
  });
}

test('changing a hyperparameter retraces; the compiled step keeps following the eager one', () => {
  torch.manualSeed(5);
  const x = torch.randn(4, 6), y = torch.randn(4, 2);
  const lossFn = new nn.MSELoss({ reduction: 'sum' });
  const m1 = makeModel(2), m2 = makeModel(2);
  const o1 = new torch.optim.SGD(m1.parameters(), { lr: 0.01 }), o2 = new torch.optim.SGD(m2.parameters(), { lr: 0.01 });
  const eager = trainStep(m1, o1, lossFn);
  const compiled = torch.compile(trainStep(m2, o2, lossFn), { modules: [m2], optimizers: [o2] });
  for (const lr of [0.01, 0.01, 0.002, 0.002, 0.01]) {
    o1.paramGroups[0]!.lr = lr;
    o2.paramGroups[0]!.lr = lr;
    assertClose([compiled(x, y).itemSync()], [eager(x, y).itemSync()], 1e-5, `loss at lr ${lr}`);
  }
  assert.is(compiled.cacheSize, 3, 'no state → lr 0.01 → lr 0.002 (back to 0.01 hits the cache)');
  assertClose(values(m2.at(0).weight), values(m1.at(0).weight), 1e-5, 'weights');
});

test('the seed\'s static-graph style: raw weight tensors as state, updated under noGrad inside the step', () => {
  torch.manualSeed(9);
  const x = torch.randn(16, 10), y = torch.randn(16, 3);
  const make = () => { torch.manualSeed(11); return [torch.randn(10, 7, { requiresGrad: true }), torch.randn(7, 3, { requiresGrad: true })] as const; };
  const step = (w1: Tensor, w2: Tensor) => (xs: Tensor, ys: Tensor) => {
    const loss = xs.mm(w1).clamp({ min: 0 }).mm(w2).sub(ys).pow(2).sum();
    loss.backward();
    torch.noGrad(() => { w1.sub_(w1.grad!.mul(1e-3)); w2.sub_(w2.grad!.mul(1e-3)); });
    w1.grad = null;
    w2.grad = null;
    return loss;
  };
  const [e1, e2] = make(), [c1, c2] = make();
  const eager = step(e1, e2), compiled = torch.compile(step(c1, c2), { tensors: [c1, c2] });
  const held = c1.detach(); // an alias: follows the compiled updates
  for (let t = 0; t < 3; t++) assertClose([compiled(x, y).itemSync()], [eager(x, y).itemSync()], 1e-5, `loss ${t}`);
  assert.is(compiled.cacheSize, 1);
  assertClose(values(c1), values(e1), 1e-5, 'w1');
  assertClose(values(held), values(e1), 1e-5, 'detached alias of w1');
  assert.is(c1.isLeaf && c1.requiresGrad, true);
});

test('a custom Function inside a compiled step uses its backward under jit', () => {
  class ScaledGrad extends torch.autograd.Function {
    static forward(_ctx: FunctionCtx, input: Tensor): Tensor { return input.mul(1); }
    static backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g.mul(10); }
  }
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  const compiled = torch.compile(() => {
    const loss = ScaledGrad.apply(w).sum();
    loss.backward();
    return loss;
  }, { tensors: [w] });
  compiled();
  assert.equal(values(w.grad), [10, 10, 10]);
  compiled(); // the gradient is state: it accumulates across calls, as in eager mode
  assert.equal(values(w.grad), [20, 20, 20]);
});

test('compiled outputs are detached; reading values or mutating undeclared tensors inside is refused', () => {
  const w = torch.tensor([1, 2], { requiresGrad: true });
  const out = torch.compile((x: Tensor) => w.mul(x).sum(), { tensors: [w] })(torch.tensor([3, 4]));
  assert.is(out.itemSync(), 11);
  assert.is(out.requiresGrad, false);
  assert.throws(() => torch.compile((x: Tensor) => x.mul(x.sum().itemSync()))(torch.ones(2)), (e: Error) => e instanceof ConcretizationError);
  const counter = torch.zeros(1);
  const sneaky = torch.compile((x: Tensor) => { counter.add_(1); return x; });
  assert.throws(() => sneaky(torch.ones(1)), /changed in place a \[torch\.FloatTensor \[1\]\] tensor that is not part of its state/);
  assert.equal(values(counter), [0], 'the undeclared tensor is left as it was');
  const declared = torch.compile((x: Tensor) => { counter.add_(x); return counter.mul(1); }, { tensors: [counter] });
  declared(torch.ones(1));
  assert.equal(values(declared(torch.ones(1))), [2]);
});

test('state tensors sharing one array (the gradients of a + b) are passed and written back separately', () => {
  const a = torch.tensor([1, 2], { requiresGrad: true }), b = torch.tensor([3, 4], { requiresGrad: true });
  a.add(b).sum().backward();
  assert.ok(a.grad!.array === b.grad!.array, 'eager backward gives both the same immutable array');
  const step = torch.compile(() => { const l = a.mul(b).sum(); l.backward(); return l; }, { tensors: [a, b] });
  assert.is(step().itemSync(), 11);
  assert.equal(values(a.grad), [1 + 3, 1 + 4]);
  assert.equal(values(b.grad), [1 + 1, 1 + 2]);
});

test('functionalCall inside jit(valueAndGrad(...)): the torch module as a pure function of its parameters', () => {
  const model = makeModel(4);
  torch.manualSeed(6);
  const x = torch.randn(3, 6), y = torch.randn(3, 2);
  const loss = (params: Record<string, np.Array>, xs: np.Array, ys: np.Array) =>
    nn.functional.mseLoss(nn.functionalCall(model, params, torch.fromArray(xs)), torch.fromArray(ys)).array;
  const step = jit(valueAndGrad(loss) as (p: Record<string, np.Array>, xs: np.Array, ys: np.Array) => [np.Array, Record<string, np.Array>]);
  const params = Object.fromEntries(model.namedParameters().map(([n, p]) => [n, p.detach().numpy()]));
  const [value, grads] = step(params, x.array, y.array);
  const eagerLoss = nn.functional.mseLoss(model(x), y);
  eagerLoss.backward();
  assertClose([value.itemSync()], [eagerLoss.itemSync()], 1e-6, 'loss');
  for (const [n, p] of model.namedParameters()) assertClose(Array.from(grads[n]!.dataSync()), values(p.grad), 1e-5, n);
});

test.run();
