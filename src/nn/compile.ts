// The bridge from torch-style code to the functional world: torch.compile(step) jits a whole
// training step written with tensors, modules and optimizers; nn.functionalCall runs a module
// with parameters it is given (arrays from grad/jit, or other tensors).
//
// torch.compile functionalizes the step. The state it touches (parameter values, their .grad,
// optimizer state, other tensors named in `tensors`) becomes an explicit input and output:
//   pure(state, hyperparameters, ...inputs) → [outputs, state']
// Tracing pure under `jit` binds each state tensor to its tracer, runs the user's step unchanged
// (forward, loss.backward(), optimizer.step() all run on tracers: the tape's vjp works under jit's
// staging), reads the state back, and restores the tensors. Each call then runs the cached program
// and writes state' into the tensors, donating the old state arrays to it. A new trace happens
// when the state's structure changes (the first step creates .grad and optimizer state, so a
// training loop compiles twice), when shapes change, or when hyperparameters or train/eval modes
// change (they are static: constants of the program, part of the cache key, as in PyTorch).
//
// Rules of a compiled step, as for jit: it must not branch on tensor values (no .item() inside),
// random draws inside it are fixed at trace time, tensors it reads but does not receive (as an
// argument or as state) are constants of the program, and it may change in place only state and
// tensors it creates (anything else raises, naming the tensor). Outputs come back detached.
// Donated arrays are freed: a core array taken from a parameter with .numpy() before a call is
// not usable after it (tensors and their .data/.detach() aliases follow the new values).
import { expectFunction } from '../core/errors.js';
import { NDArray } from '../core/array.js';
import * as np from '../core/np.js';
import * as tree from '../core/tree.js';
import type { PyTree } from '../core/tree.js';
import { jit, Lowered } from '../transforms/jit.js';
import { describeTensor, RuntimeError } from './autograd.js';
import { ForwardOf, Module } from './module.js';
import type { Optimizer, StateArrays } from './optim/optimizer.js';
import { observeMutations, Storage, storageWatermark, Tensor } from './tensor.js';

/** Options of torch.compile: what state the step reads and writes besides its arguments. */
export interface CompileOptions {
  /** Modules whose parameters and buffers the step reads or trains. */
  modules?: readonly Module[];
  /** Optimizers the step steps: their parameters and state. */
  optimizers?: readonly Optimizer<object>[];
  /** Other tensors the step reads or updates in place (e.g. hand-made weights). */
  tensors?: readonly Tensor[];
  /** Let the program reuse the old state's buffers (default true). */
  donate?: boolean;
  /** The name the compiled program is shown under. */
  name?: string;
}

interface StateTree {
  values: NDArray[];
  grads: (NDArray | null)[];
  optimizerState: (StateArrays | null)[][];
}

interface Bound {
  readonly tensors: Tensor[];
  readonly storages: Storage[];
  readonly optimizers: readonly Optimizer<object>[];
}

/** The tensors a compiled step owns: parameters, buffers, optimizer parameters and extras, once each. */
function collectState(opts: CompileOptions): Bound {
  const tensors: Tensor[] = [];
  const add = (t: Tensor) => { if (!tensors.includes(t)) tensors.push(t); };
  for (const m of opts.modules ?? []) { m.parameters().forEach(add); m.buffers().forEach(add); }
  for (const o of opts.optimizers ?? []) o.params().forEach(add);
  for (const t of opts.tensors ?? []) {
    if (!(t instanceof Tensor)) throw new TypeError(`compile: options.tensors must hold Tensors, got ${typeof t}`);
    add(t);
  }
  const storages = [...new Set(tensors.map((t) => t.storage))];
  return { tensors, storages, optimizers: opts.optimizers ?? [] };
}

function readState(b: Bound): StateTree {
  return {
    values: b.storages.map((s) => s.array),
    grads: b.tensors.map((t) => t.grad?.array ?? null),
    optimizerState: b.optimizers.map((o) => o.params().map((p) => o.stateArraysOf(p))),
  };
}

/**
 * The state with every array appearing once. Two state tensors can hold the same immutable array
 * (the gradients of a and b in a + b; SGD's first momentum buffer and the gradient); donated
 * twice, a program that reuses donated buffers could overwrite a value another input still reads,
 * so the repeats are passed as copies.
 */
function unaliased(state: StateTree): StateTree {
  const seen = new Set<unknown>();
  return tree.map((leaf) => {
    if (!seen.has(leaf)) { seen.add(leaf); return leaf; }
    const a = leaf as NDArray;
    return np.where(true, a, a);
  }, state as unknown as PyTree) as unknown as StateTree;
}

/** Runs `fn` with the state tensors holding `state` (tracers while tracing), then puts everything back. */
function withBoundState<T>(b: Bound, state: StateTree, fn: () => T): T {
  const arrays = b.storages.map((s) => s.array);
  const grads = b.tensors.map((t) => t.grad);
  const versions = b.tensors.map((t) => t.version);
  const optimizerMaps = b.optimizers.map((o) => o.state);
  try {
    b.storages.forEach((s, i) => { s.array = state.values[i]!; });
    b.tensors.forEach((t, i) => { const g = state.grads[i]; t.grad = g ? new Tensor(g) : null; });
    b.optimizers.forEach((o, j) => {
      o.state = new Map();
      o.params().forEach((p, k) => o.setStateArraysOf(p, state.optimizerState[j]![k]!));
    });
    return fn();
  } finally {
    b.storages.forEach((s, i) => { s.array = arrays[i]!; });
    b.tensors.forEach((t, i) => { t.grad = grads[i]!; t.versionCounter.value = versions[i]!; });
    b.optimizers.forEach((o, j) => { o.state = optimizerMaps[j]!; });
  }
}

/** Writes a call's new state into the tensors (in place: aliases and held .grad objects follow). */
function writeState(b: Bound, next: StateTree): void {
  b.storages.forEach((s, i) => b.tensors.find((t) => t.storage === s)!.rebind(next.values[i]!));
  b.tensors.forEach((t, i) => {
    const g = next.grads[i];
    if (!g) t.grad = null;
    else if (t.grad && t.grad.shape.join() === g.shape.join()) t.grad.rebind(g);
    else t.grad = new Tensor(g);
  });
  b.optimizers.forEach((o, j) => o.params().forEach((p, k) => o.setStateArraysOf(p, next.optimizerState[j]![k]!)));
}

/** What torch.compile returns: the step, callable as before, with its cache's size. */
export interface CompiledStep<A extends unknown[], R> {
  (...args: A): R;
  /** How many programs were traced so far (one per state structure, shape and hyperparameter set). */
  readonly cacheSize: number;
  /** The program for these arguments and the current state, without running it (`.asText()` prints its jaxpr). */
  lower(...args: A): Lowered;
}

/**
 * Compiles a training (or inference) step that uses tensors, modules and optimizers into one
 * jitted program. Arguments and results are pytrees of Tensors (or core arrays and numbers).
 *
 * @example
 * const step = torch.compile((x: torch.Tensor, y: torch.Tensor) => {
 *   const loss = F.mseLoss(model(x), y);
 *   opt.zeroGrad(); loss.backward(); opt.step();
 *   return loss;
 * }, { modules: [model], optimizers: [opt] });
 * for (let t = 0; t < 500; t++) step(x, y);
 */
export function compile<A extends unknown[], R>(step: (...args: A) => R, opts: CompileOptions = {}): CompiledStep<A, R> {
  expectFunction('torch.compile', step);
  const name = opts.name ?? (step.name || 'compiledStep');
  let bound: Bound | null = null;
  const pure = (state: StateTree, _static: string, ...args: unknown[]): [R, StateTree] => {
    const b = bound!;
    const owned = new Set(b.storages);
    const watermark = storageWatermark();
    // Storages from before the trace that the step changed, with their values before it did.
    const foreign = new Map<Storage, NDArray>();
    const observe = (s: Storage) => { if (s.id < watermark && !owned.has(s) && !foreign.has(s)) foreign.set(s, s.array); };
    return withBoundState(b, state, () => {
      try {
        const out = observeMutations(observe, () => step(...(args as A)));
        const [first] = foreign.keys();
        if (first) {
          throw new RuntimeError(`compile(${name}): the step changed in place a ${describeTensor(new Tensor(first.array))} tensor that is not part of its state; pass it in options.tensors (or as an argument and return it)`);
        }
        return [out, readState(b)];
      } finally {
        for (const [s, array] of foreign) s.array = array;
      }
    });
  };
  Object.defineProperty(pure, 'name', { value: name });
  const jitted = jit(pure as unknown as (...args: PyTree[]) => PyTree, { name, staticArgnums: [1], donateArgnums: opts.donate === false ? [] : [0] });

  /** The jit arguments for this call: the state as it is now, the static key, the inputs. */
  const jitArgs = (args: A): PyTree[] => {
    bound = collectState(opts);
    const statics = JSON.stringify({
      hyperparameters: bound.optimizers.map((o) => o.hyperparameters()),
      training: (opts.modules ?? []).map((m) => m.modules().map((x) => x.training)),
    });
    const state = opts.donate === false ? readState(bound) : unaliased(readState(bound));
    return [state as unknown as PyTree, statics as unknown as PyTree, ...(args as PyTree[])];
  };
  const call = ((...args: A): R => {
    const [out, next] = jitted(...jitArgs(args)) as unknown as [R, StateTree];
    writeState(bound!, next);
    return out;
  }) as CompiledStep<A, R>;
  call.lower = (...args: A): Lowered => jitted.lower(...jitArgs(args));
  Object.defineProperty(call, 'cacheSize', { get: () => jitted.cacheSize });
  return call;
}

/**
 * Runs `module` with some parameters and buffers replaced, by dotted name (PyTorch's
 * torch.func.functional_call). Values may be Tensors (the tape connects to them) or core arrays,
 * including tracers of grad or jit, so a module becomes a pure function of its parameters:
 *   grad((params) => F.mseLoss(nn.functionalCall(model, params, x), y).array)(params)
 */
export function functionalCall<M extends Module>(module: M, params: Readonly<Record<string, Tensor | NDArray>>, ...args: Parameters<ForwardOf<M>>): ReturnType<ForwardOf<M>> {
  const owners = new Map<string, [Module, string]>();
  for (const [path, m] of module.namedModules()) {
    for (const key of Object.keys(m)) owners.set(path ? `${path}.${key}` : key, [m, key]);
  }
  const replaced: [Record<string, unknown>, string, unknown][] = [];
  try {
    for (const [name, value] of Object.entries(params)) {
      const owner = owners.get(name);
      const current = owner ? (owner[0] as unknown as Record<string, unknown>)[owner[1]] : undefined;
      if (!owner || !(current instanceof Tensor)) throw new RuntimeError(`functionalCall: ${module.constructor.name} has no parameter or buffer named "${name}"`);
      const target = owner[0] as unknown as Record<string, unknown>;
      replaced.push([target, owner[1], current]);
      target[owner[1]] = value instanceof Tensor ? value : new Tensor(value);
    }
    return (module as unknown as (...a: unknown[]) => ReturnType<ForwardOf<M>>)(...args);
  } finally {
    for (const [target, key, original] of replaced.reverse()) target[key] = original;
  }
}
