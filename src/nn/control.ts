// torch.cond (PyTorch 2's control-flow operator) over lax.cond: both branches are traced, the
// predicate picks one when the program runs, so it works eagerly, under autograd and under
// torch.compile, where a JS `if` on a tensor's value cannot.
import { NDArray } from '../core/array.js';
import { DTypeError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import { cond as laxCond } from '../control/cond.js';
import { record } from './autograd.js';
import { noGrad } from './grad-mode.js';
import { resultTensor } from './ops.js';
import { Tensor } from './tensor.js';

type Branch = (...operands: Tensor[]) => Tensor | readonly Tensor[];

/**
 * torch.cond(pred, trueFn, falseFn, operands): trueFn(...operands) if pred else falseFn(...operands).
 * `pred` is a one-element bool tensor (or a JS boolean); both branches must return tensors of the
 * same shapes and dtypes. Gradients flow to the operands through the branch taken.
 *
 * @example
 * const y = torch.cond(x.sum().gt(0), (t: torch.Tensor) => t.mul(2), (t: torch.Tensor) => t.neg(), [x]);
 */
export function cond(pred: Tensor | boolean, trueFn: Branch, falseFn: Branch, operands: readonly Tensor[] = []): Tensor | Tensor[] {
  if (typeof trueFn !== 'function' || typeof falseFn !== 'function') throw new TypeError('torch.cond: trueFn and falseFn must be functions');
  if (!Array.isArray(operands) || operands.some((o) => !(o instanceof Tensor))) throw new TypeError('torch.cond: operands must be a list (tuple) of tensors');
  const p = typeof pred === 'boolean' ? new Tensor(lax.scalar(pred, 'bool')) : pred;
  if (!(p instanceof Tensor) || p.numel() !== 1 || p.dtype !== 'bool') {
    throw new DTypeError(`torch.cond: pred must be a one-element bool tensor (or a boolean), got ${p instanceof Tensor ? `a ${p.dtype} tensor of shape [${p.shape.join(', ')}]` : typeof pred}`);
  }
  let multiple = false;
  const branch = (fn: Branch) => (...xs: NDArray[]): NDArray[] => {
    // The branches run on traced arrays: the tape records the whole cond once, outside.
    const out = noGrad(() => fn(...xs.map((x) => new Tensor(x))));
    multiple = Array.isArray(out);
    const list = (Array.isArray(out) ? out : [out]) as Tensor[];
    if (list.some((t) => !(t instanceof Tensor))) throw new TypeError('torch.cond: each branch must return a tensor or a list of tensors');
    return list.map((t) => t.array);
  };
  const f = (q: NDArray, ...xs: NDArray[]) => laxCond(lax.reshape(q, []), branch(trueFn), branch(falseFn), ...xs);
  const { outputs, node } = record('CondBackward0', 'none', f, [p, ...operands]);
  const results = outputs.map((o, i) => resultTensor(o, node, i));
  return multiple ? results : results[0]!;
}
