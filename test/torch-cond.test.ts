// torch.cond over lax.cond: eager values, gradients through the branch taken, under torch.compile
// (both branches compiled, the predicate chooses per call), and the error for a JS branch on a
// traced tensor that names torch.cond.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import { ConcretizationError } from '../src/index.js';
import type { Tensor } from '../src/nn/index.js';

const vals = (t: Tensor) => Array.from(t.array.dataSync());

test('torch.cond picks the branch; gradients flow through it', () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  const f = (p: boolean) => torch.cond(p, (a: Tensor) => a.mul(a), (a: Tensor) => a.mul(-2), [x]) as Tensor;
  assert.equal(vals(f(true)), [1, 4, 9]);
  assert.equal(vals(f(false)), [-2, -4, -6]);
  f(true).sum().backward();
  assert.equal(vals(x.grad!), [2, 4, 6]);
  x.grad = null;
  (torch.cond(x.sum().gt(10), (a: Tensor) => a.sin(), (a: Tensor) => a.mul(3), [x]) as Tensor).sum().backward();
  assert.equal(vals(x.grad!), [3, 3, 3]);
});

test('torch.cond under torch.compile: one program, the predicate chooses at run time', () => {
  const w = torch.tensor([0.5, -1, 2]);
  const step = torch.compile((x: Tensor) => torch.cond(x.sum().gt(0), (a: Tensor, b: Tensor) => a.mul(b), (a: Tensor, b: Tensor) => a.sub(b), [x, w]) as Tensor, { tensors: [w] });
  assert.equal(vals(step(torch.tensor([1, 1, 1]))), [0.5, -1, 2]);
  assert.equal(vals(step(torch.tensor([-1, -1, -1]))), [-1.5, 0, -3]);
});

test('a JS branch on a traced tensor under torch.compile names torch.cond', () => {
  const step = torch.compile((x: Tensor) => ((x.sum() as unknown as number) > 0 ? x.mul(2) : x.neg()));
  assert.throws(() => step(torch.tensor([1, 2])), (e: Error) => e instanceof ConcretizationError && /torch\.cond\(pred, trueFn, falseFn, operands\)/.test(e.message));
  assert.throws(() => torch.cond(torch.tensor([1, 2]).gt(0), (a: Tensor) => a, (a: Tensor) => a, []), (e: Error) => /torch\.cond: pred must be a one-element bool tensor/.test(e.message));
});

test.run();
