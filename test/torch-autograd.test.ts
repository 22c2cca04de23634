// cotangent/torch autograd: PyTorch's semantics (accumulation, noGrad, .data, in-place rules,
// the version counter, retainGraph, gradFn names), custom Functions whose backward is the user's,
// and the tape agreeing with the core's grad (one set of derivative rules).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import type { FunctionCtx } from '../src/nn/autograd-api.js';
import { np, grad } from '../src/index.js';

type Tensor = torch.Tensor;
const values = (t: Tensor | null): number[] => Array.from(t!.array.dataSync());
const closeAll = (got: readonly number[], want: readonly number[], tol = 1e-5, msg = '') => {
  assert.is(got.length, want.length, `${msg} length`);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]!) <= tol * (1 + Math.abs(want[i]!)), `${msg}[${i}]: got ${g}, expected ${want[i]}`));
};
const throwsMatching = (fn: () => unknown, pattern: RegExp) =>
  assert.throws(fn, (e: Error) => e instanceof torch.RuntimeError && pattern.test(e.message));

test('gradients accumulate across backward calls until zeroed or set to null', () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = torch.tensor([4, 5, 6], { requiresGrad: true });
  const s = x.mul(y).sum();
  s.backward({ retainGraph: true });
  assert.equal(values(x.grad), [4, 5, 6]);
  const held = x.grad!;
  s.backward({ retainGraph: true });
  assert.equal(values(x.grad), [8, 10, 12]);
  assert.ok(x.grad === held, 'accumulation is in place: the same .grad tensor');
  x.grad!.zero_();
  s.backward();
  assert.equal(values(x.grad), [4, 5, 6]);
  x.grad = null;
  x.mul(2).sum().backward();
  assert.equal(values(x.grad), [2, 2, 2]);
});

test('the tape gives the gradients the core grad gives', () => {
  const xs = [0.3, -1.2, 2.0, 0.7];
  const w = torch.tensor(xs, { requiresGrad: true });
  const loss = w.exp().mul(w.sin()).sub(w.pow(3).mul(0.5)).tanh().sum().div(w.abs().add(1).log().sum());
  loss.backward();
  const f = (v: np.Array) => np.tanh(np.exp(v).mul(np.sin(v)).sub(v.pow(3).mul(0.5))).sum().div(np.log(np.abs(v).add(1)).sum());
  closeAll(values(w.grad), Array.from((grad(f)(np.array(xs)) as np.Array).dataSync()), 1e-6);
});

test('a tensor used twice, and a module reused, get the sum of both paths', () => {
  const x = torch.tensor([2, 3], { requiresGrad: true });
  x.mul(x).add(x).sum().backward(); // d/dx (x² + x) = 2x + 1
  assert.equal(values(x.grad), [5, 7]);
  const lin = new torch.nn.Linear(2, 2, { bias: false });
  lin.weight.data = torch.tensor([[1, 0], [0, 2]]);
  lin(lin(torch.tensor([[1, 1]]))).sum().backward();
  // f = 1ᵀ W W v with v = [1, 1]: ∂f/∂W = 1 (Wv)ᵀ + Wᵀ1 vᵀ = [[1, 2], [1, 2]] + [[1, 1], [2, 2]].
  assert.equal(values(lin.weight.grad), [2, 3, 3, 4]);
});

test('noGrad results do not require grad; enableGrad turns recording back on', () => {
  const w = torch.ones(3, { requiresGrad: true });
  const y = torch.noGrad(() => w.mul(2));
  assert.is(y.requiresGrad, false);
  assert.is(y.gradFn, null);
  const z = torch.noGrad(() => torch.enableGrad(() => w.mul(2)));
  assert.is(z.requiresGrad, true);
  assert.is(torch.isGradEnabled(), true);
  assert.throws(() => torch.noGrad(() => Promise.resolve(1)), /synchronous/);
  assert.is(torch.isGradEnabled(), true, 'the mode is restored after an error');
});

test('gradFn names the op, nextFunctions lead to the leaves, isLeaf and requiresGrad follow PyTorch', () => {
  const x = torch.randn(2, 3, { requiresGrad: true });
  const w = torch.randn(3, 4, { requiresGrad: true });
  const y = x.mm(w).clamp({ min: 0 }).sum();
  assert.is(String(y.gradFn), '<SumBackward0>');
  const clampNode = y.gradFn!.nextFunctions[0]![0];
  assert.is(clampNode.toString(), '<ClampMinBackward0>');
  const mmNode = clampNode.nextFunctions[0]![0];
  assert.is(mmNode.name(), 'MmBackward0');
  assert.equal(mmNode.nextFunctions.map(([n]) => n.name()), ['AccumulateGrad', 'AccumulateGrad']);
  assert.ok((mmNode.nextFunctions[0]![0] as torch.autograd.AccumulateGrad).variable === x);
  assert.is(x.isLeaf, true);
  assert.is(y.isLeaf, false);
  assert.is(y.requiresGrad, true);
  assert.match(y.toString(), /gradFn=<SumBackward0>/);
  assert.match(torch.tensor([1, 2], { requiresGrad: true }).toString(), /requiresGrad=true/);
  throwsMatching(() => { y.requiresGrad = false; }, /only change requires_grad flags of leaf variables/);
  throwsMatching(() => torch.tensor([1, 2], { dtype: torch.long, requiresGrad: true }), /floating point/);
});

test('backward needs a gradient for non-scalars, refuses tensors without grad, and frees the graph', () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(x);
  throwsMatching(() => y.backward(), /^grad can be implicitly created only for scalar outputs$/);
  y.backward(torch.tensor([1, 0.5, 2]));
  assert.equal(values(x.grad), [2, 2, 12]);
  throwsMatching(() => y.backward(torch.ones(3)), /Trying to backward through the graph a second time/);
  throwsMatching(() => torch.ones(2).sum().backward(), /does not require grad and does not have a grad_fn/);
  // A graph whose nodes save nothing (add, sum) can be walked again, as in PyTorch.
  const s = x.add(1).sum();
  s.backward();
  s.backward();
  throwsMatching(() => torch.tensor([1, 2], { requiresGrad: true }).backward(torch.ones(3)), /Mismatch in shape/);
});

test('.data shares storage without history; detach shares storage and the version counter', () => {
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  const d = w.data;
  assert.is(d.requiresGrad, false);
  d.mul_(10); // allowed: .data is invisible to autograd
  assert.equal(values(w), [10, 20, 30]);
  assert.is(w.version, 0, '.data has its own version counter');
  const det = w.detach();
  det.add_(1);
  assert.equal(values(w), [11, 21, 31]);
  assert.is(w.version, 1, 'detach shares the version counter');
  assert.throws(() => w.numpy(), /Use tensor.detach\(\).numpy\(\)/);
  assert.equal(Array.from(w.detach().numpy().dataSync()), [11, 21, 31]);
});

test('in-place on a leaf that requires grad is an error outside noGrad and an update inside it', () => {
  const w = torch.tensor([1, 2], { requiresGrad: true });
  throwsMatching(() => w.add_(1), /a leaf Variable that requires grad is being used in an in-place operation/);
  throwsMatching(() => w.zero_(), /leaf Variable/);
  torch.noGrad(() => w.sub_(torch.tensor([0.5, 0.5])));
  assert.equal(values(w), [0.5, 1.5]);
  assert.is(w.isLeaf, true);
  assert.is(w.requiresGrad, true);
  // In-place on a non-leaf is recorded: its gradFn becomes the in-place op's node.
  const h = w.mul(2);
  h.add_(1);
  assert.is(String(h.gradFn), '<AddBackward0>');
  h.mul_(3).sum().backward();
  assert.equal(values(w.grad), [6, 6]);
  // Broadcasting goes the other way only, and dtypes cannot be narrowed.
  throwsMatching(() => torch.zeros(3).add_(torch.zeros(2, 3)), /doesn't match the broadcast shape/);
  throwsMatching(() => torch.zeros(3, { dtype: torch.long }).add_(0.5), /can't be cast to the desired output type/);
});

test('modifying a tensor saved for backward is reported at backward time, naming it and its versions', () => {
  const a = torch.tensor([1, 2, 3], { requiresGrad: true });
  const b = a.mul(2);
  const c = b.mul(b); // MulBackward0 saves b (version 0)
  b.add_(1); // version 1
  throwsMatching(() => c.sum().backward(), /modified by an inplace operation: \[torch\.FloatTensor \[3\]\], which is output 0 of AddBackward0, is at version 1; expected version 0 instead/);
  // Ops that save nothing do not mind: b2 + 1 keeps no values.
  const b2 = a.mul(2);
  const c2 = b2.add(1);
  b2.add_(1);
  c2.sum().backward();
  assert.equal(values(a.grad), [2, 2, 2]);
  // exp saves its output: changing the output in place breaks its backward.
  const e = a.exp();
  const f = e.sum();
  e.mul_(2);
  throwsMatching(() => f.backward(), /expected version 0 instead/);
});

test('retainGrad keeps .grad on a non-leaf; autograd.grad returns gradients without touching .grad', () => {
  const x = torch.tensor([1, 2], { requiresGrad: true });
  const h = x.mul(3);
  h.retainGrad();
  h.pow(2).sum().backward();
  assert.equal(values(h.grad), [6, 12]);
  assert.equal(values(x.grad), [18, 36]);
  const y = torch.tensor([2, 3], { requiresGrad: true });
  const [gy] = torch.autograd.grad(y.pow(3).sum(), [y]);
  assert.equal(values(gy!), [12, 27]);
  assert.is(y.grad, null);
  const z = torch.tensor([1], { requiresGrad: true });
  throwsMatching(() => torch.autograd.grad(y.sum(), [z]), /not have been used in the graph/);
  assert.is(torch.autograd.grad(y.sum(), [z], { allowUnused: true })[0], null);
});

test('broadcasting: the seed\'s x.unsqueeze(-1).pow(p) and gradients reduced back to each shape', () => {
  const x = torch.linspace(-1, 1, 4, { requiresGrad: true });
  const p = torch.tensor([1, 2, 3]);
  const xx = x.unsqueeze(-1).pow(p);
  assert.equal(xx.shape, [4, 3]);
  closeAll(values(xx.index(':', 2)), values(x.detach().pow(3)));
  xx.sum().backward(); // d/dx (x + x² + x³) = 1 + 2x + 3x²
  closeAll(values(x.grad), values(x).map((v) => 1 + 2 * v + 3 * v * v));
  const bias = torch.zeros(3, { requiresGrad: true });
  torch.ones(5, 3).add(bias).sum().backward();
  assert.equal(values(bias.grad), [5, 5, 5]);
});

test('comparisons, indexing, maskedFill and the legacy typed constructors', () => {
  const x = torch.tensor([[1, -2, 3], [-4, 5, -6]]);
  assert.equal(x.lt(0).tolistSync(), [[false, true, false], [true, false, true]]);
  assert.equal(values(x.index(0)), [1, -2, 3]);
  assert.equal(values(x.index(-1)), [-4, 5, -6]);
  assert.equal(values(x.index(':', 2)), [3, -6]);
  assert.equal(values(x.clone().maskedFill_(x.lt(0), 0)), [1, 0, 3, 0, 5, 0]);
  assert.equal(values(x.indexPut([0, ':'], 9)), [9, 9, 9, -4, 5, -6]);
  const w = torch.tensor([1, 2, 3], { requiresGrad: true });
  w.index(torch.tensor([2, 0, 2], { dtype: torch.long })).sum().backward();
  assert.equal(values(w.grad), [1, 0, 2]);
  const longs = torch.LongTensor(4, 5).random_(10);
  assert.is(longs.dtype, torch.long);
  assert.ok(values(longs).every((v) => Number.isInteger(v) && v >= 0 && v < 10));
  assert.equal(torch.FloatTensor(2, 3).shape, [2, 3]);
  assert.equal(values(torch.FloatTensor([3.5, 4])), [3.5, 4]);
  assert.equal(values(x.view(-1)), [1, -2, 3, -4, 5, -6]);
  assert.equal(x.view(3, -1).shape, [3, 2]);
  assert.equal(x.t().shape, [3, 2]);
});

test('manualSeed makes draws repeat', () => {
  torch.manualSeed(7);
  const a = values(torch.randn(5));
  torch.manualSeed(7);
  assert.equal(values(torch.randn(5)), a);
  assert.is(torch.initialSeed(), 7);
});

// ---- custom Functions ---------------------------------------------------------------------------
class MyReLU extends torch.autograd.Function {
  static forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.clamp({ min: 0 });
  }
  static backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.clone().maskedFill_(input!.lt(0), 0);
  }
}
/** Forward is x², backward deliberately wrong (3·g instead of 2x·g): only the user's backward can produce it. */
class WrongSquare extends torch.autograd.Function {
  static forward(ctx: FunctionCtx, input: Tensor, scale: number): Tensor {
    ctx.scale = scale;
    return input.pow(2);
  }
  static backward(ctx: FunctionCtx, gradOutput: Tensor): (Tensor | null)[] {
    return [gradOutput.mul(ctx.scale as number), null];
  }
}

test('a custom Function computes with its forward and differentiates with its own backward', () => {
  const relu = MyReLU.apply; // bound: usable as a plain function, as in the seed
  const x = torch.tensor([-1, 2, -3, 4], { requiresGrad: true });
  const y = relu(x);
  assert.equal(values(y), [0, 2, 0, 4]);
  assert.is(String(y.gradFn), '<MyReLUBackward>');
  y.mul(torch.tensor([1, 2, 3, 4])).sum().backward();
  assert.equal(values(x.grad), [0, 2, 0, 4]);

  const z = torch.tensor([1, 2, 5], { requiresGrad: true });
  WrongSquare.apply(z, 3).sum().backward();
  assert.equal(values(z.grad), [3, 3, 3], 'the gradient is the user backward (3·g), not the true 2x');
  // Saved inputs count for the version check, and the node is freed after backward.
  const w = torch.tensor([1, -1], { requiresGrad: true });
  const h = w.mul(1);
  const out = relu(h).sum();
  h.add_(1);
  throwsMatching(() => out.backward(), /modified by an inplace operation/);
  assert.throws(() => (class Broken extends torch.autograd.Function {}).apply, /needs static forward/);
});

test('a custom Function that returns the wrong number of gradients is reported', () => {
  class TwoInputs extends torch.autograd.Function {
    static forward(_ctx: FunctionCtx, a: Tensor, b: Tensor): Tensor { return a.mul(b); }
    static backward(_ctx: FunctionCtx, g: Tensor): Tensor { return g; }
  }
  const a = torch.ones(2, { requiresGrad: true }), b = torch.ones(2, { requiresGrad: true });
  throwsMatching(() => TwoInputs.apply(a, b).sum().backward(), /returned an incorrect number of gradients \(expected 2, got 1\)/);
});

test.run();
