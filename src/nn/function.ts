// torch.autograd.Function: user-defined forward/backward pairs, mapped onto the core's customVjp so
// the user's backward is the derivative the tape (and jit, and grad) uses.
//
//   class MyReLU extends torch.autograd.Function {
//     static forward(ctx: FunctionCtx, input: Tensor) { ctx.saveForBackward(input); return input.clamp({ min: 0 }); }
//     static backward(ctx: FunctionCtx, gradOutput: Tensor) {
//       const [input] = ctx.savedTensors;
//       return gradOutput.clone().maskedFill_(input!.lt(0), 0);
//     }
//   }
//   const relu = MyReLU.apply;      // bound to the class, so it can be passed around as in PyTorch
//
// One application is one customVjp call: fwd runs the user's forward (under noGrad, on tensors
// wrapping the arrays it is given) and returns the arrays saved with ctx.saveForBackward as the
// residuals; bwd hands them back as ctx.savedTensors and runs the user's backward. Other attributes
// set on ctx (plain JS values) travel from forward to backward in the closure of that call.
import { NDArray } from '../core/array.js';
import * as np from '../core/np.js';
import { customVjp } from '../transforms/custom.js';
import { record, RuntimeError } from './autograd.js';
import { isGradEnabled, noGrad } from './grad-mode.js';
import { resultTensor } from './ops.js';
import { Tensor } from './tensor.js';

/** The `ctx` of a custom Function: saved tensors, which inputs need a gradient, and any attributes. */
export class FunctionCtx {
  [attribute: string]: unknown;
  #saved: Tensor[] = [];
  /** @param needsInputGrad Per input of forward, whether it needs a gradient. */
  constructor(readonly needsInputGrad: readonly boolean[]) {}
  /** Keeps tensors for backward (inputs, outputs or intermediates of forward). */
  saveForBackward(...tensors: Tensor[]): void {
    for (const t of tensors) if (!(t instanceof Tensor)) throw new TypeError(`saveForBackward: expected Tensors, got ${typeof t}`);
    this.#saved = tensors;
  }
  /** The tensors given to saveForBackward, in order. */
  get savedTensors(): readonly Tensor[] { return this.#saved; }
  /** @internal the forward's saved tensors, replaced by the residuals handed to backward. */
  restoreSaved(tensors: Tensor[]): void { this.#saved = tensors; }
}

type Forward = (ctx: FunctionCtx, ...args: never[]) => Tensor | readonly Tensor[];
type Backward = (ctx: FunctionCtx, ...gradOutputs: Tensor[]) => Tensor | null | readonly (Tensor | null)[];
/** What a subclass provides: static forward and backward. */
export interface FunctionClass {
  /** The class's name (the backward node's name). */
  readonly name: string;
  /** `forward(ctx, ...inputs)`: the outputs. */
  forward: Forward;
  /** `backward(ctx, ...gradOutputs)`: one gradient (or null) per input. */
  backward: Backward;
}

/** Subclass with static `forward(ctx, ...)` and `backward(ctx, ...gradOutputs)`; call `.apply(...)`. */
export class Function {
  /** Runs the Function on its inputs and records the user's backward for them. Bound to its class. */
  static get apply(): (...args: unknown[]) => Tensor {
    const cls = this as unknown as FunctionClass;
    if (typeof cls.forward !== 'function' || typeof cls.backward !== 'function') {
      throw new TypeError(`${cls.name}.apply: a torch.autograd.Function subclass needs static forward(ctx, ...) and backward(ctx, ...gradOutputs)`);
    }
    return (...args: unknown[]) => applyFunction(cls, args) as Tensor;
  }
}

function applyFunction(cls: FunctionClass, args: readonly unknown[]): Tensor | Tensor[] {
  const tensorAt = args.flatMap((a, i) => (a instanceof Tensor ? [i] : []));
  const inputs = tensorAt.map((i) => args[i] as Tensor);
  const needsInputGrad = args.map((a) => a instanceof Tensor && a.requiresGrad && isGradEnabled());
  let multiple = false;
  let ctx: FunctionCtx | null = null;
  // The forward's own wrapper tensors, to tell which inputs and outputs it saved.
  let wrappers: Tensor[] = [];
  let outWrappers: Tensor[] = [];

  const forward = (c: FunctionCtx, arrays: NDArray[]): NDArray[] => {
    wrappers = arrays.map((a) => new Tensor(a));
    const callArgs = args.slice();
    tensorAt.forEach((pos, k) => { callArgs[pos] = wrappers[k]; });
    const out = noGrad(() => cls.forward(c, ...(callArgs as never[])));
    multiple = Array.isArray(out);
    outWrappers = (multiple ? out : [out]) as Tensor[];
    if (!outWrappers.every((o) => o instanceof Tensor)) throw new TypeError(`${cls.name}.forward must return a Tensor or a list of Tensors`);
    return outWrappers.map((o) => o.array);
  };
  const asOutput = (outs: NDArray[]): NDArray | NDArray[] => (multiple ? outs : outs[0]!);

  const fn = customVjp((...arrays: NDArray[]) => asOutput(forward(new FunctionCtx(needsInputGrad), arrays)));
  Object.defineProperty(fn, 'name', { value: cls.name });
  fn.defVjp(
    (...arrays: NDArray[]) => {
      ctx = new FunctionCtx(needsInputGrad);
      const outs = forward(ctx, arrays);
      return [asOutput(outs), ctx.savedTensors.map((t) => t.array)];
    },
    (residuals: NDArray[], cts: NDArray | NDArray[]) => {
      const c = ctx!;
      c.restoreSaved(residuals.map((r) => new Tensor(r)));
      const gradOutputs = (Array.isArray(cts) ? cts : [cts]).map((g) => new Tensor(g));
      const result = noGrad(() => cls.backward(c, ...gradOutputs));
      const grads = (Array.isArray(result) ? result : [result]) as (Tensor | null)[];
      if (grads.length !== args.length) {
        throw new RuntimeError(`function ${cls.name}Backward returned an incorrect number of gradients (expected ${args.length}, got ${grads.length})`);
      }
      return tensorAt.map((pos, k) => {
        const g = grads[pos] ?? null;
        if (g !== null && !(g instanceof Tensor)) throw new TypeError(`${cls.name}.backward must return Tensors or null, got ${typeof g} for input ${pos}`);
        return g ? gradientFor(cls.name, pos, g.array, inputs[k]!.shape) : null;
      });
    },
  );

  const { outputs, node } = record(`${cls.name}Backward`, 'none', (...arrays) => fn(...arrays), inputs);
  const results = outputs.map((o, i) => resultTensor(o, node, i));
  if (node && ctx) {
    // PyTorch checks the versions of what forward saved: map its wrappers back to the caller's tensors.
    for (const saved of (ctx as FunctionCtx).savedTensors) {
      const inputIndex = wrappers.indexOf(saved), outputIndex = outWrappers.indexOf(saved);
      if (inputIndex >= 0) node.save(inputs[inputIndex]!, false);
      else if (outputIndex >= 0) node.save(results[outputIndex]!, true);
    }
  }
  return multiple ? results : results[0]!;
}

/**
 * PyTorch's check of a returned gradient: the input's shape, or one the input broadcasts to (then
 * summed down to it); anything else names the Function and both shapes.
 */
function gradientFor(name: string, pos: number, g: NDArray, shape: readonly number[]): NDArray {
  if (g.shape.join() === shape.join()) return g;
  const lead = g.ndim - shape.length;
  const expandable = lead >= 0 && shape.every((d, i) => d === g.shape[lead + i] || d === 1);
  if (!expandable) {
    throw new RuntimeError(`Function ${name}Backward returned an invalid gradient at index ${pos} - got [${g.shape.join(', ')}] but expected shape compatible with [${shape.join(', ')}]`);
  }
  const summed = np.sum(g, { axis: [...Array(lead).keys(), ...shape.flatMap((d, i) => (d === 1 && g.shape[lead + i] !== 1 ? [lead + i] : []))], keepdims: true });
  return np.reshape(summed, shape);
}
