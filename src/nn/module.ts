// nn.Module, nn.Parameter, nn.Sequential and nn.ModuleList: models as callable objects whose
// parameters are found by walking their properties.
//
// Callable instances. `model(x)` calls `model.forward(x)`: the Module constructor returns a
// function object whose prototype is the subclass's, so subclasses are written as in PyTorch
// (fields assigned in the constructor after super(), a `forward` method) and `instanceof` works.
// Its TypeScript call signature is the subclass's `forward`. Two consequences of being a function:
// `Function.prototype` methods (call, bind) are not available on modules, and the base constructor
// cannot use class fields or #private fields (subclasses can).
//
// Registration by assignment. PyTorch intercepts `self.x = ...`; here nothing needs intercepting:
// parameters(), children(), stateDict() enumerate the module's own properties at call time, so a
// property holding an nn.Parameter is a parameter and one holding a Module is a submodule, in
// assignment order (integer-like names first, as JS orders keys: Sequential's '0', '1', ...).
// Plain tensors are not parameters (as in PyTorch); registerBuffer marks a tensor as state.
import { NDArray } from '../core/array.js';
import { DType, isFloat } from '../core/dtype.js';
import * as np from '../core/np.js';
import { RuntimeError } from './autograd.js';
import { moveArray, moveArrayAsync, parseTo, ToOptions } from './device.js';
import { noGrad } from './grad-mode.js';
import { Tensor } from './tensor.js';

/** A tensor that is a module parameter: requiresGrad by default, found by Module.parameters(). */
export class Parameter extends Tensor {
  /** Shares the storage of `data` (a Tensor or a core array); a leaf requiring grad unless told otherwise. */
  constructor(data: Tensor | NDArray = new Tensor(), requiresGrad = true) {
    super(data instanceof Tensor ? data.array : data);
    if (data instanceof Tensor) this.storage = data.storage;
    if (requiresGrad) this.requiresGrad_(true);
  }
  override reprPrefix(): string { return 'Parameter containing:\n'; }
}

type AnyFunction = (...args: any[]) => any;
/** The type of a module's forward (any function for the base Module). */
export type ForwardOf<T> = T extends { forward: infer F extends AnyFunction } ? F : AnyFunction;

const BUFFERS = Symbol('buffers');

/** Module.to's cast: floating tensors only (PyTorch keeps integer buffers such as counts). */
const cast = (a: NDArray, dtype: DType | undefined): NDArray => (dtype === undefined || !isFloat(a.dtype) || a.dtype === dtype ? a : np.astype(a, dtype));

/** Calling a module runs its forward. */
/** Calling a module runs its forward. */
export interface Module {
  (...args: Parameters<ForwardOf<this>>): ReturnType<ForwardOf<this>>;
}
/**
 * PyTorch's `nn.Module`: subclass it, assign layers and Parameters in the constructor, write `forward`; call the module like a function.
 *
 * @example
 * class TwoLayerNet extends torch.nn.Module {
 *   linear1 = new torch.nn.Linear(1000, 100);
 *   linear2 = new torch.nn.Linear(100, 10);
 *   forward(x: torch.Tensor) { return this.linear2(this.linear1(x).clamp({ min: 0 })); }
 * }
 * const model = new TwoLayerNet();
 * const y = model(torch.randn(64, 1000)); // [64, 10]
 */
export class Module {
  /** Whether the module is in training mode (train()) or evaluation mode (eval()). */
  declare training: boolean;
  /** The names of the properties registered as buffers. */
  declare [BUFFERS]: Set<string>;

  constructor() {
    const callable = ((...args: unknown[]) => {
      const forward = (callable as unknown as { forward?: AnyFunction }).forward;
      if (typeof forward !== 'function') throw new RuntimeError(`Module [${callable.constructor.name}] is missing the required "forward" function`);
      return forward.apply(callable, args);
    }) as unknown as Module;
    // A function's own `name` and `length` are read-only: remove them so subclasses may use the names.
    delete (callable as unknown as { name?: string }).name;
    delete (callable as unknown as { length?: number }).length;
    Object.setPrototypeOf(callable, new.target.prototype);
    Object.defineProperty(callable, BUFFERS, { value: new Set<string>(), enumerable: false });
    Object.defineProperty(callable, 'training', { value: true, writable: true, enumerable: false });
    return callable;
  }

  // ---- registration ----------------------------------------------------------------------------
  /** Adds a tensor that is state but not a parameter (saved in stateDict, not trained). */
  registerBuffer(name: string, tensor: Tensor | null): void {
    (this as unknown as Record<string, unknown>)[name] = tensor;
    this[BUFFERS].add(name);
  }
  /** Sets a parameter (or null) under `name`; anything but a Parameter is an error. */
  registerParameter(name: string, param: Parameter | null): void {
    if (param !== null && !(param instanceof Parameter)) throw new TypeError(`cannot assign ${typeof param} object to parameter '${name}' (torch.nn.Parameter or null required)`);
    (this as unknown as Record<string, unknown>)[name] = param;
  }
  /** Sets a submodule (or null) under `name`. */
  addModule(name: string, module: Module | null): void {
    if (module !== null && !(module instanceof Module)) throw new TypeError(`${typeof module} is not a Module subclass`);
    (this as unknown as Record<string, unknown>)[name] = module;
  }
  /** The same as addModule. */
  registerModule(name: string, module: Module | null): void { this.addModule(name, module); }

  private entries(): [string, unknown][] { return Object.entries(this as unknown as Record<string, unknown>); }

  // ---- traversal -------------------------------------------------------------------------------
  /** The direct submodules with their property names. */
  namedChildren(): [string, Module][] {
    return this.entries().filter((e): e is [string, Module] => e[1] instanceof Module);
  }
  /** The direct submodules. */
  children(): Module[] { return this.namedChildren().map(([, m]) => m); }
  /** This module and every submodule (each once), with dotted names ('' for this one). */
  namedModules(prefix = '', seen = new Set<Module>()): [string, Module][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix ? `${prefix}.${name}` : name, seen));
    return out;
  }
  /** This module and every submodule, each once. */
  modules(): Module[] { return this.namedModules().map(([, m]) => m); }

  /** Parameters with dotted names ('linear1.weight'); a parameter shared by two modules is listed once. */
  namedParameters(prefix = '', recurse = true): [string, Parameter][] {
    const seen = new Set<Parameter>();
    const out: [string, Parameter][] = [];
    const modules: [string, Module][] = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [path, m] of modules) {
      for (const [name, v] of m.entries()) {
        if (v instanceof Parameter && !seen.has(v)) { seen.add(v); out.push([path ? `${path}.${name}` : name, v]); }
      }
    }
    return out;
  }
  /** Every parameter (of submodules too, unless recurse is false), each once: what an optimizer takes. */
  parameters(recurse = true): Parameter[] { return this.namedParameters('', recurse).map(([, p]) => p); }
  /** Buffers with dotted names. */
  namedBuffers(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [path, m] of this.namedModules(prefix)) {
      for (const name of m[BUFFERS]) {
        const v = (m as unknown as Record<string, unknown>)[name];
        if (v instanceof Tensor) out.push([path ? `${path}.${name}` : name, v]);
      }
    }
    return out;
  }
  /** Every buffer (of submodules too). */
  buffers(): Tensor[] { return this.namedBuffers().map(([, b]) => b); }

  /** Calls fn on every submodule (children first) and this module, as PyTorch's Module.apply (e.g. for init). */
  apply(fn: (module: Module) => void): this {
    for (const child of this.children()) child.apply(fn);
    fn(this);
    return this;
  }

  // ---- device and dtype ------------------------------------------------------------------------
  /**
   * Moves every parameter and buffer (and their gradients) to a device and/or casts the floating
   * ones to a dtype, in place, as PyTorch's `model.to(device)`: the Parameter objects stay the same,
   * so an optimizer made before or after sees them. 'cuda' is WebGPU (after `await
   * torch.cuda.isAvailable()`); moving from WebGPU to the CPU reads back: use `await model.toAsync('cpu')`.
   *
   * @example
   * const device = (await torch.cuda.isAvailable()) ? 'cuda' : 'cpu';
   * const model = new nn.Linear(10, 1).to(device);
   */
  to(target: string | ToOptions, dtype?: DType): this {
    const { backend, dtype: dt } = parseTo('Module.to', target, dtype);
    const move = (a: NDArray) => (backend === undefined ? a : moveArray('Module.to', a, backend, `await model.toAsync('${backend}')`));
    this.rebindState((a) => cast(move(a), dt));
    return this;
  }
  /** `to` from any device: awaits WebGPU's read-back when moving to the CPU. */
  async toAsync(target: string | ToOptions, dtype?: DType): Promise<this> {
    const { backend, dtype: dt } = parseTo('Module.toAsync', target, dtype);
    const tensors = this.stateTensors();
    const moved = await Promise.all(tensors.map((a) => (backend === undefined ? a : moveArrayAsync('Module.toAsync', a, backend))));
    const byArray = new Map(tensors.map((a, i) => [a, moved[i]!]));
    this.rebindState((a) => cast(byArray.get(a)!, dt));
    return this;
  }
  /** `to('cpu')`. */
  cpu(): this { return this.to('cpu'); }
  /** `to('cuda')`: WebGPU. */
  cuda(device: string | number = 'cuda'): this { return this.to(typeof device === 'number' ? `cuda:${device}` : device); }
  /** The arrays behind the parameters, buffers and gradients, each once. */
  private stateTensors(): NDArray[] {
    const arrays = new Set<NDArray>();
    for (const t of [...this.parameters(), ...this.buffers()]) { arrays.add(t.array); if (t.grad) arrays.add(t.grad.array); }
    return [...arrays];
  }
  /** Rebinds each parameter's and buffer's storage (and gradient) to `f` of its array; aliases follow. */
  private rebindState(f: (a: NDArray) => NDArray): void {
    noGrad(() => {
      const done = new Set<Tensor['storage']>();
      for (const t of [...this.parameters(), ...this.buffers()]) {
        const grad = t.grad;
        if (!done.has(t.storage)) { done.add(t.storage); t.storage.array = f(t.storage.array); }
        if (grad) { if (!done.has(grad.storage)) { done.add(grad.storage); grad.storage.array = f(grad.storage.array); } t.grad = grad; }
      }
    });
  }

  // ---- training state --------------------------------------------------------------------------
  /** Clears the gradients: to null by default (PyTorch 2's setToNone), or zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      if (p.grad === null) continue;
      if (setToNone) p.grad = null;
      else p.grad.detach_().zero_();
    }
  }
  /** Sets training mode (dropout, batch norm) on this module and its submodules. */
  train(mode = true): this {
    for (const m of this.modules()) m.training = mode;
    return this;
  }
  /** Evaluation mode: `train(false)`. */
  eval(): this { return this.train(false); }
  /** Sets requiresGrad on every parameter; returns this module. */
  requiresGrad_(flag = true): this {
    for (const p of this.parameters()) p.requiresGrad_(flag);
    return this;
  }

  /**
   * Parameters and buffers by dotted name in PyTorch's order (each module's own parameters, then its
   * buffers, then its children's), detached and sharing storage: they follow later updates.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    const buffers = new Set(this.buffers());
    for (const [path, m] of this.namedModules()) {
      for (const [name, p] of m.namedParameters(path, false)) out[name] = p.detach();
      for (const [name, v] of m.entries()) {
        if (m[BUFFERS].has(name) && v instanceof Tensor && buffers.has(v)) out[path ? `${path}.${name}` : name] = v.detach();
      }
    }
    return out;
  }
  /** Copies values into the parameters and buffers; strict (default) requires the keys to match exactly. */
  /** Copies values into the parameters and buffers; strict (default) requires the keys to match exactly. */
  loadStateDict(state: Readonly<Record<string, Tensor | NDArray>>, opts: { strict?: boolean } = {}): {
    /** Parameters and buffers the state did not hold. */
    missingKeys: string[];
    /** Keys of the state that name no parameter or buffer. */
    unexpectedKeys: string[];
  } {
    const targets = new Map<string, Tensor>([...this.namedParameters(), ...this.namedBuffers()]);
    const missingKeys = [...targets.keys()].filter((k) => !(k in state));
    const unexpectedKeys = Object.keys(state).filter((k) => !targets.has(k));
    const errors: string[] = [];
    if (opts.strict ?? true) {
      if (missingKeys.length) errors.push(`Missing key(s) in state_dict: ${missingKeys.map((k) => `"${k}"`).join(', ')}.`);
      if (unexpectedKeys.length) errors.push(`Unexpected key(s) in state_dict: ${unexpectedKeys.map((k) => `"${k}"`).join(', ')}.`);
    }
    for (const [name, target] of targets) {
      const v = state[name];
      if (v === undefined) continue;
      const value = v instanceof Tensor ? v : new Tensor(v);
      if (value.shape.join() !== target.shape.join()) {
        errors.push(`size mismatch for ${name}: copying a param with shape [${value.shape.join(', ')}] from checkpoint, the shape in current model is [${target.shape.join(', ')}].`);
      }
    }
    if (errors.length) throw new RuntimeError(`Error(s) in loading state_dict for ${this.constructor.name}:\n\t${errors.join('\n\t')}`);
    noGrad(() => {
      for (const [name, target] of targets) {
        const v = state[name];
        if (v !== undefined) target.copy_(v instanceof Tensor ? v : new Tensor(v));
      }
    });
    return { missingKeys, unexpectedKeys };
  }

  // ---- printing --------------------------------------------------------------------------------
  /** The text inside this module's parentheses (layer settings); subclasses override it. */
  extraRepr(): string { return ''; }
  /** PyTorch's repr: `Name(extra)` or the children indented, one `(name): repr` per line. */
  toString(): string {
    const extra = this.extraRepr();
    const children = this.namedChildren();
    if (children.length === 0) return `${this.constructor.name}(${extra})`;
    const lines = [...(extra ? extra.split('\n') : []), ...children.map(([name, m]) => `(${name}): ${m.toString()}`)];
    return `${this.constructor.name}(\n${lines.map((l) => `  ${l.replace(/\n/g, '\n  ')}`).join('\n')}\n)`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/** Modules applied in order; indexable as `model.at(i)` (typed per position) or `model[i]`. */
export class Sequential<T extends readonly Module[] = Module[]> extends Module {
  readonly [index: number]: T[number];
  /** new Sequential(a, b, c), or new Sequential({name: module, ...}) for named stages. */
  constructor(...modules: T | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && first !== undefined && !(first instanceof Module) && typeof first === 'object') {
      for (const [name, m] of Object.entries(first)) this.addModule(name, m);
    } else {
      (modules as readonly Module[]).forEach((m, i) => this.addModule(String(i), m));
    }
  }
  /** The number of submodules (a module is a function object, whose own `length` this replaces). */
  override get length(): number { return this.namedChildren().length; }
  /** The i-th module (negative counts from the end). */
  at<I extends number>(i: I): I extends keyof T ? T[I] : T[number] {
    const children = this.children();
    const k = i < 0 ? i + children.length : i;
    const m = children[k];
    if (m === undefined) throw new RangeError(`index ${i} is out of range for a Sequential of ${children.length} modules`);
    return m as I extends keyof T ? T[I] : T[number];
  }
  /** Adds a module at the end. */
  append(module: Module): this {
    this.addModule(String(this.length), module);
    return this;
  }
  /** The modules in order. */
  [Symbol.iterator](): Iterator<T[number]> { return (this.children() as T[number][])[Symbol.iterator](); }
  /** Runs the modules in order, each on the previous one's output. */
  forward(input: Tensor): Tensor {
    let x = input;
    for (const m of this.children()) x = (m as (x: Tensor) => Tensor)(x);
    return x;
  }
}

/** A list of submodules (registered, unlike a plain JS array); no forward of its own. */
export class ModuleList<T extends Module = Module> extends Module {
  readonly [index: number]: T;
  constructor(modules: readonly T[] = []) {
    super();
    modules.forEach((m, i) => this.addModule(String(i), m));
  }
  /** The number of submodules (a module is a function object, whose own `length` this replaces). */
  override get length(): number { return this.namedChildren().length; }
  /** The module at index i (negative counts from the end). */
  at(i: number): T {
    const children = this.children() as T[];
    const m = children[i < 0 ? i + children.length : i];
    if (m === undefined) throw new RangeError(`index ${i} is out of range for a ModuleList of ${children.length} modules`);
    return m;
  }
  /** Adds a module at the end. */
  append(module: T): this {
    this.addModule(String(this.length), module);
    return this;
  }
  /** The modules in order. */
  [Symbol.iterator](): Iterator<T> { return (this.children() as T[])[Symbol.iterator](); }
}
