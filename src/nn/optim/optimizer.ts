// The Optimizer base: parameter groups, per-parameter state, zeroGrad/step/stateDict. Each
// optimizer is a pure update rule (arrays in, arrays out) plus this object skin, so the same rule
// runs eagerly in step() and inside a compiled (jitted) training step.
import { NDArray } from '../../core/array.js';
import * as np from '../../core/np.js';
import { enableGrad, noGrad } from '../grad-mode.js';
import { Tensor } from '../tensor.js';

/** The gradient a step follows, as PyTorch's optimizers begin: −g when maximizing, plus weightDecay·p (the L2 penalty). */
export function penalizedGradient(p: NDArray, grad: NDArray, h: { readonly maximize: boolean; readonly weightDecay: number }): NDArray {
  const g = h.maximize ? np.negative(grad) : grad;
  return h.weightDecay !== 0 ? np.add(g, np.multiply(p, h.weightDecay)) : g;
}

/** An optimizer's per-parameter state as arrays (Adam: step, expAvg, expAvgSq); null before its first step. */
export type StateArrays = Readonly<Record<string, NDArray>>;

/**
 * The pure part of an optimizer: one parameter's update from its gradient, state and
 * hyperparameters. Written as a method type so that its hyperparameter argument is bivariant and
 * every Optimizer<H> is an Optimizer<object> (the type a list of mixed optimizers has).
 */
export type UpdateRule<H> = {
  /** The new parameter and state. */
  rule(param: NDArray, grad: NDArray, state: StateArrays | null, hyper: Readonly<H>): [param: NDArray, state: StateArrays];
}['rule'];

/** A group of parameters with its hyperparameters. */
export type ParamGroup<H> = H & {
  /** The group's parameters. */
  params: Tensor[];
};
/** What constructors accept: parameters, or groups of them with their own hyperparameters. */
export type ParamsInput<H> = Iterable<Tensor> | readonly (Partial<H> & {
  /** The group's parameters. */
  params: Iterable<Tensor>;
})[];

/** What stateDict() returns and loadStateDict() takes, as PyTorch's. */
export interface OptimizerStateDict<H> {
  /** Per parameter (numbered across groups in order): its state tensors. */
  state: Record<number, Record<string, Tensor>>;
  /** Per group its hyperparameters, with parameters as their numbers. */
  paramGroups: (H & {
    /** The group's parameters, by number. */
    params: number[];
  })[];
}

/** What torch.optim's optimizers share: parameter groups, per-parameter state, step(), zeroGrad(), stateDict(). */
export abstract class Optimizer<H extends object> {
  /** The parameter groups with their hyperparameters (a scheduler rewrites their lr). */
  readonly paramGroups: ParamGroup<H>[] = [];
  /** Per-parameter state tensors (PyTorch's `optimizer.state[p]`), created by the first step. */
  state = new Map<Tensor, Record<string, Tensor>>();

  /**
   * @param params Parameters, or groups of them with their own hyperparameters.
   * @param defaults The hyperparameters a group does not set.
   * @param rule The update of one parameter.
   */
  constructor(params: ParamsInput<H>, readonly defaults: Readonly<H>, private readonly rule: UpdateRule<H>) {
    const list = [...(params as Iterable<Tensor | (Partial<H> & { params: Iterable<Tensor> })>)];
    if (list.length === 0) throw new TypeError('optimizer got an empty parameter list');
    if (list.every((p) => p instanceof Tensor)) this.addParamGroup({ params: list as Tensor[] } as unknown as Partial<H> & { params: Iterable<Tensor> });
    else for (const group of list) this.addParamGroup(group as Partial<H> & { params: Iterable<Tensor> });
  }

  /** A new group of parameters; unspecified hyperparameters take the optimizer's defaults. */
  addParamGroup(group: Partial<H> & { params: Iterable<Tensor> }): void {
    const params = group.params instanceof Tensor ? [group.params] : [...group.params];
    for (const p of params) {
      if (!(p instanceof Tensor)) throw new TypeError(`optimizer can only optimize Tensors, but one of the params is ${typeof p}`);
      if (!p.isLeaf) throw new TypeError("can't optimize a non-leaf Tensor");
      if (this.paramGroups.some((g) => g.params.includes(p))) throw new TypeError('some parameters appear in more than one parameter group');
    }
    this.paramGroups.push({ ...this.defaults, ...group, params } as ParamGroup<H>);
  }

  /** Clears the gradients of every optimized parameter: to null by default, or zeros in place. */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        if (p.grad === null) continue;
        if (setToNone) p.grad = null;
        else p.grad.detach_().zero_();
      }
    }
  }

  /**
   * One update of every parameter that has a gradient. With a closure (which recomputes the loss
   * and calls backward), the closure runs first with grad enabled and its loss is returned.
   */
  step(closure?: () => Tensor): Tensor | undefined {
    const loss = closure ? enableGrad(closure) : undefined;
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) {
          if (p.grad === null) continue;
          const [param, state] = this.rule(p.array, p.grad.array, this.stateArraysOf(p), group);
          p.rebind(param);
          this.setStateArraysOf(p, state);
        }
      }
    });
    return loss;
  }

  /** Every optimized parameter, across groups, in order. */
  params(): Tensor[] { return this.paramGroups.flatMap((g) => g.params); }
  /** The state of one parameter as arrays, null before its first step. */
  stateArraysOf(p: Tensor): StateArrays | null {
    const s = this.state.get(p);
    return s ? Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.array])) : null;
  }
  /** Writes a parameter's state: existing state tensors are updated in place, new ones created. */
  setStateArraysOf(p: Tensor, arrays: StateArrays | null): void {
    if (arrays === null) { this.state.delete(p); return; }
    const s = this.state.get(p) ?? {};
    for (const [k, a] of Object.entries(arrays)) {
      const t = s[k];
      if (t && t.shape.join() === a.shape.join() && t.dtype === a.dtype) t.rebind(a);
      else s[k] = new Tensor(a);
    }
    if (Object.keys(s).length > 0) this.state.set(p, s);
  }
  /** The hyperparameters of each group, without the parameters (compile keys its cache on them). */
  hyperparameters(): Omit<ParamGroup<H>, 'params'>[] {
    return this.paramGroups.map(({ params: _params, ...hyper }) => hyper as Omit<ParamGroup<H>, 'params'>);
  }

  /** State and groups with parameters numbered in order (PyTorch's format), state tensors shared. */
  stateDict(): OptimizerStateDict<H> {
    const index = new Map(this.params().map((p, i) => [p, i]));
    const state: Record<number, Record<string, Tensor>> = {};
    for (const [p, s] of this.state) state[index.get(p)!] = Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.detach()]));
    return { state, paramGroups: this.paramGroups.map(({ params, ...hyper }) => ({ ...(hyper as H), params: params.map((p) => index.get(p)!) })) };
  }
  /** Restores hyperparameters and (copies of) the state saved by stateDict(). */
  loadStateDict(dict: OptimizerStateDict<H>): void {
    if (dict.paramGroups.length !== this.paramGroups.length) throw new RangeError('loaded state dict has a different number of parameter groups');
    dict.paramGroups.forEach((saved, i) => {
      const group = this.paramGroups[i]!;
      if (saved.params.length !== group.params.length) throw new RangeError("loaded state dict contains a parameter group that doesn't match the size of optimizer's group");
      Object.assign(group, { ...saved, params: group.params });
    });
    const params = this.params();
    this.state = new Map();
    for (const [i, s] of Object.entries(dict.state)) {
      const p = params[Number(i)];
      if (p) this.state.set(p, Object.fromEntries(Object.entries(s).map(([k, t]) => [k, t.clone().detach()])));
    }
  }

  /** PyTorch's repr: the class and each group's hyperparameters. */
  toString(): string {
    const groups = this.hyperparameters().map((h, i) =>
      [`Parameter Group ${i}`, ...Object.entries(h).map(([k, v]) => `    ${k}: ${Array.isArray(v) ? `[${v.join(', ')}]` : String(v)}`)].join('\n'));
    return `${this.constructor.name} (\n${groups.join('\n\n')}\n)`;
  }
}
