// torch.autograd: custom Functions, and gradients of outputs with respect to chosen inputs
// without touching `.grad` (autograd.grad) or for several roots at once (autograd.backward).
import { NDArray } from '../core/array.js';
import * as np from '../core/np.js';
import { runBackward, RuntimeError } from './autograd.js';
import { Tensor } from './tensor.js';

export { Function, FunctionCtx } from './function.js';
export type { FunctionClass } from './function.js';
export { GradNode, BackwardNode, AccumulateGrad } from './autograd.js';

const asList = (x: Tensor | readonly Tensor[]): Tensor[] => (x instanceof Tensor ? [x] : [...x]);

function seedsFor(op: string, roots: readonly Tensor[], gradOutputs: readonly (Tensor | null)[] | undefined): NDArray[] {
  return roots.map((r, i) => {
    if (!r.requiresGrad) throw new RuntimeError(`element ${i} of tensors does not require grad and does not have a grad_fn`);
    const g = gradOutputs?.[i] ?? null;
    if (g) {
      if (g.shape.join() !== r.shape.join()) throw new RuntimeError(`${op}: Mismatch in shape: grad_output[${i}] has a shape of [${g.shape.join(', ')}] and output[${i}] has a shape of [${r.shape.join(', ')}].`);
      return np.astype(g.array, r.dtype);
    }
    if (r.numel() !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
    return np.onesLike(r.array);
  });
}

/** Options of torch.autograd.grad, as PyTorch's keywords. */
export interface GradOptions {
  /** The cotangent to start from for each output (needed for outputs with more than one element). */
  gradOutputs?: readonly (Tensor | null)[];
  /** Keep the graph for another backward pass (false). */
  retainGraph?: boolean;
  /** Return null for inputs the outputs do not depend on, instead of raising. */
  allowUnused?: boolean;
}

/** Gradients of `outputs` with respect to `inputs`, returned rather than accumulated into `.grad`. */
export function grad(outputs: Tensor | readonly Tensor[], inputs: Tensor | readonly Tensor[], opts: GradOptions = {}): (Tensor | null)[] {
  const roots = asList(outputs), wrt = asList(inputs);
  for (const t of wrt) if (!t.requiresGrad) throw new RuntimeError('One of the differentiated Tensors does not require grad');
  const captured = runBackward(roots, seedsFor('grad', roots, opts.gradOutputs), { retainGraph: opts.retainGraph, capture: wrt });
  return wrt.map((t) => {
    const g = captured.get(t);
    if (g) return new Tensor(g);
    if (opts.allowUnused) return null;
    throw new RuntimeError('One of the differentiated Tensors appears to not have been used in the graph. Set allowUnused: true if this is the desired behavior.');
  });
}

/** Backpropagates from several roots at once, accumulating into `.grad` (one shared pass). */
export function backward(tensors: Tensor | readonly Tensor[], gradTensors?: readonly (Tensor | null)[], opts: { retainGraph?: boolean } = {}): void {
  const roots = asList(tensors);
  runBackward(roots, seedsFor('backward', roots, gradTensors), opts);
}

/**
 * The legacy `torch.autograd.Variable(t, requires_grad=True)`: since PyTorch 0.4 a Variable is a
 * Tensor, so this returns a tensor sharing `t`'s storage, detached from its graph, with
 * `requiresGrad` as given (false by default). Callable with or without `new`.
 *
 * @example
 * const w = torch.autograd.Variable(torch.randn(3, 1), { requiresGrad: true });
 */
export const Variable = function Variable(data: Tensor, opts: { requiresGrad?: boolean } = {}): Tensor {
  if (!(data instanceof Tensor)) throw new TypeError(`torch.autograd.Variable: expected a Tensor, got ${data === null ? 'null' : typeof data}; make one with torch.tensor(...) first`);
  return data.detach().requiresGrad_(opts.requiresGrad ?? false);
} as unknown as {
  /** `torch.autograd.Variable(t, {requiresGrad})`. */
  (data: Tensor, opts?: { requiresGrad?: boolean }): Tensor;
  /** `new torch.autograd.Variable(t, {requiresGrad})`, the same. */
  new (data: Tensor, opts?: { requiresGrad?: boolean }): Tensor;
};
