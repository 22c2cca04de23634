// The autograd tape: graph nodes whose backward is a core `vjp` pullback, and the engine that walks
// them in reverse topological order (PyTorch's semantics, none of its derivative formulas).
//
// A differentiable Tensor op that sees an input requiring grad runs its `np` function through
// `vjp`, over the inputs that require grad only (the others are closed over as constants, so no
// cotangent is computed for them). The node keeps the pullback and one edge per such input: to the
// input's own node, or to the `AccumulateGrad` of a leaf. `backward()` seeds the root, visits each
// node after every node that consumes its outputs, calls its pullback on the summed cotangents and
// adds what reaches a leaf into `.grad`. The derivative rules are the ones `grad` uses.
//
// PyTorch's bookkeeping is kept where a program can observe it:
//   - nodes that keep values for backward ("saved tensors") drop their pullback after a backward
//     without retainGraph; going through them again is PyTorch's "backward through the graph a
//     second time" error. Nodes that save nothing (add, sum, view, ...) can be replayed, as in PyTorch.
//   - each saved tensor is stored with its version; an in-place change bumps the version and
//     backward reports the mismatch with PyTorch's message. Arrays are immutable here, so the
//     gradient would still be right: the error is kept so that programs behave as they do in PyTorch.
//   - which values an op saves (inputs, output, both, none) follows PyTorch's derivatives table; it
//     is bookkeeping for those two errors, never a derivative.
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import { CotangentError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import * as np from '../core/np.js';
import { vjp } from '../transforms/grad.js';
import { isGradEnabled } from './grad-mode.js';
import type { Tensor } from './tensor.js';

/** PyTorch's RuntimeError: misuse of autograd (in-place on a leaf, a freed graph, a modified saved tensor). */
export class RuntimeError extends CotangentError { override name = 'RuntimeError'; }

/** Which values a node keeps for its backward pass, as PyTorch's derivative of that op does. */
export type Saves = 'none' | 'inputs' | 'output' | 'all';

interface SavedVariable { tensor: Tensor; version: number; isOutput: boolean }

/** An edge to the node that produced one input: which of that node's outputs it was. */
export interface Edge { readonly node: GradNode; readonly outputNr: number }

/** A node of the backward graph: a `gradFn` (BackwardNode) or a leaf's AccumulateGrad. */
export abstract class GradNode {
  /** PyTorch's node name ('MulBackward0', 'AccumulateGrad'). */
  abstract name(): string;
  /** PyTorch's `next_functions`: the edges towards the inputs, as [node, outputNr] pairs. */
  abstract get nextFunctions(): readonly [GradNode, number][];
  /** `<name>`. */
  toString(): string { return `<${this.name()}>`; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
}

/** The sink of a leaf tensor: cotangents arriving here are added into `variable.grad`. */
export class AccumulateGrad extends GradNode {
  /** @param variable The leaf whose `.grad` receives the cotangents. */
  constructor(readonly variable: Tensor) { super(); }
  /** 'AccumulateGrad'. */
  name(): string { return 'AccumulateGrad'; }
  get nextFunctions(): readonly [GradNode, number][] { return []; }
}

/** Cotangents for every output of a node from the pullback's inputs; one per edge. */
type Pullback = (cotangents: NDArray[]) => NDArray[];

/** The `gradFn` of a non-leaf tensor: an op's pullback, its edges and what it saved. */
export class BackwardNode extends GradNode {
  private pullback: Pullback | null;
  private saved: SavedVariable[] = [];
  /** Non-leaf tensors produced here that asked for `.grad` with retainGrad(), by output number. */
  readonly retained = new Map<number, Tensor>();

  /**
   * @param opName PyTorch's name of the node.
   * @param pullback The cotangents of the inputs from those of the outputs.
   * @param edges Where the input cotangents go.
   * @param outputAvals The avals of the outputs (zeros stand in for missing cotangents).
   * @param keepsSaved Whether it saved tensors (freed after backward unless retainGraph).
   */
  constructor(
    private readonly opName: string,
    pullback: Pullback,
    readonly edges: readonly Edge[],
    readonly outputAvals: readonly ShapedArray[],
    private keepsSaved: boolean,
  ) {
    super();
    this.pullback = pullback;
  }
  /** The op's backward name. */
  name(): string { return this.opName; }
  get nextFunctions(): readonly [GradNode, number][] { return this.edges.map((e) => [e.node, e.outputNr]); }

  /** Keeps `tensor` for the version check; a node that saves anything is freed by backward. */
  save(tensor: Tensor, isOutput: boolean): void {
    this.keepsSaved = true;
    if (!this.saved.some((s) => s.tensor === tensor)) this.saved.push({ tensor, version: tensor.version, isOutput });
  }
  /**
   * After an in-place op committed this node's result into `target` (an alias of `result` and of
   * the input it overwrote), the node's own saved entries follow the tensor to its new version:
   * it saved the values it computed from, which the in-place write does not change for it.
   */
  rebindSaved(result: Tensor, target: Tensor): void {
    for (const s of this.saved) {
      if (s.tensor === result) s.tensor = target;
      if (s.tensor === target) s.version = target.version;
    }
  }

  /** Runs the pullback; checks saved versions and that the graph was not freed. */
  apply(cotangents: NDArray[], retainGraph: boolean): NDArray[] {
    if (!this.pullback) {
      throw new RuntimeError(
        'Trying to backward through the graph a second time (or directly access saved tensors after they have already been freed). ' +
          'Saved intermediate values of the graph are freed when you call .backward() or autograd.grad(). ' +
          'Specify retainGraph: true if you need to backward through the graph a second time or if you need to access saved tensors after calling backward.',
      );
    }
    for (const s of this.saved) {
      if (s.tensor.version !== s.version) throw modifiedError(s, this);
    }
    const out = this.pullback(cotangents);
    if (!retainGraph && this.keepsSaved) {
      this.pullback = null;
      this.saved = [];
    }
    return out;
  }
}

const LEGACY_TYPE: Record<string, string> = {
  float32: 'FloatTensor', float64: 'DoubleTensor', float16: 'HalfTensor', int32: 'LongTensor', int16: 'ShortTensor', int8: 'CharTensor', uint8: 'ByteTensor', bool: 'BoolTensor',
};
/** `[torch.FloatTensor [3, 4]]`, the way PyTorch names a tensor in autograd errors. */
export const describeTensor = (t: Tensor): string => `[torch.${LEGACY_TYPE[t.dtype] ?? t.dtype} [${t.shape.join(', ')}]]`;

function modifiedError(s: SavedVariable, node: BackwardNode): RuntimeError {
  const t = s.tensor;
  const which = t.gradFn ? `, which is output ${t.outputNr} of ${t.gradFn.name()},` : '';
  return new RuntimeError(
    `one of the variables needed for gradient computation has been modified by an inplace operation: ${describeTensor(t)}${which} ` +
      `is at version ${t.version}; expected version ${s.version} instead (it was saved by ${node.name()}). ` +
      `Hint: change a copy (x.clone()) instead, or make the in-place change after backward().`,
  );
}

/** The edge through which a cotangent reaches `t`: its node, or its leaf accumulator. */
function edgeTo(t: Tensor): Edge {
  return t.gradFn ? { node: t.gradFn, outputNr: t.outputNr } : { node: t.gradAccumulator(), outputNr: 0 };
}

export interface Recorded { readonly outputs: NDArray[]; readonly node: BackwardNode | null }

/**
 * Applies `f` to the inputs' arrays. Without grad mode or inputs requiring grad it is just `f`;
 * otherwise `f` runs through `vjp` with respect to the inputs requiring grad and a node records
 * the pullback. `f` returns one array or a list (custom Functions with several outputs).
 */
export function record(name: string, saves: Saves, f: (...xs: NDArray[]) => NDArray | NDArray[], inputs: readonly Tensor[]): Recorded {
  const arrays = inputs.map((t) => t.array);
  const tracked = isGradEnabled() ? inputs.flatMap((t, i) => (t.requiresGrad ? [i] : [])) : [];
  if (tracked.length === 0) {
    const out = f(...arrays);
    return { outputs: Array.isArray(out) ? out : [out], node: null };
  }
  const ofTracked = (...diff: NDArray[]) => {
    const xs = arrays.slice();
    tracked.forEach((i, k) => { xs[i] = diff[k]!; });
    return f(...xs);
  };
  const [out, vjpFn] = vjp(ofTracked, ...tracked.map((i) => arrays[i]!));
  const multiple = Array.isArray(out);
  const outputs = multiple ? out : [out];
  const pullback: Pullback = (cts) => vjpFn(multiple ? cts : cts[0]!) as NDArray[];
  const node = new BackwardNode(name, pullback, tracked.map((i) => edgeTo(inputs[i]!)), outputs.map((o) => o.aval), saves !== 'none');
  if (saves === 'inputs' || saves === 'all') for (const t of inputs) node.save(t, false);
  return { outputs, node };
}

/**
 * Records a one-input, one-output step whose pullback is given rather than derived by `vjp`: a
 * device move, whose cotangent moves back to the input's device (no primitive moves devices).
 */
export function recordWithPullback(name: string, input: Tensor, output: NDArray, pullback: (ct: NDArray) => NDArray): BackwardNode | null {
  if (!isGradEnabled() || !input.requiresGrad) return null;
  return new BackwardNode(name, (cts) => [pullback(cts[0]!)], [edgeTo(input)], [output.aval], false);
}

export interface BackwardOptions {
  retainGraph?: boolean;
  /** Where given, cotangents reaching these tensors are returned instead of accumulated (autograd.grad). */
  capture?: readonly Tensor[];
}

/**
 * Backpropagates `seeds` (one cotangent per root) through the graph. Nodes run in reverse
 * topological order: a node runs once all nodes consuming its outputs have run, so its cotangents
 * are complete. Leaf cotangents are summed and added into `.grad` at the end (or captured).
 */
export function runBackward(roots: readonly Tensor[], seeds: readonly NDArray[], opts: BackwardOptions = {}): Map<Tensor, NDArray> {
  const retainGraph = opts.retainGraph ?? false;
  const captureSet = opts.capture ? new Set(opts.capture) : null;
  const captured = new Map<Tensor, NDArray>();
  const leafCts = new Map<AccumulateGrad, NDArray>();
  const buffers = new Map<BackwardNode, (NDArray | undefined)[]>();
  const addTo = (edge: Edge, ct: NDArray) => {
    if (edge.node instanceof AccumulateGrad) {
      const prev = leafCts.get(edge.node);
      leafCts.set(edge.node, prev ? np.add(prev, ct) : ct);
      return;
    }
    const node = edge.node as BackwardNode;
    const buf = buffers.get(node) ?? [];
    const prev = buf[edge.outputNr];
    buf[edge.outputNr] = prev ? np.add(prev, ct) : ct;
    buffers.set(node, buf);
  };
  roots.forEach((r, i) => addTo(edgeTo(r), seeds[i]!));

  for (const node of reverseTopologicalOrder(roots)) {
    const buf = buffers.get(node) ?? [];
    buffers.delete(node);
    const cts = node.outputAvals.map((aval, k) => buf[k] ?? lax.zerosLike(aval));
    for (const [k, t] of node.retained) if (buf[k]) t.accumulateGrad(buf[k]!);
    if (captureSet) for (const t of captureSet) if (t.gradFn === node && buf[t.outputNr]) captured.set(t, buf[t.outputNr]!);
    const inCts = node.apply(cts, retainGraph);
    node.edges.forEach((e, i) => addTo(e, inCts[i]!));
  }
  for (const [acc, ct] of leafCts) {
    if (captureSet) { if (captureSet.has(acc.variable)) captured.set(acc.variable, ct); } else acc.variable.accumulateGrad(ct);
  }
  return captured;
}

/** Backward nodes reachable from the roots, each after all of its consumers (iterative DFS post-order, reversed). */
function reverseTopologicalOrder(roots: readonly Tensor[]): BackwardNode[] {
  const visited = new Set<BackwardNode>();
  const postOrder: BackwardNode[] = [];
  for (const r of roots) {
    if (!(r.gradFn instanceof BackwardNode) || visited.has(r.gradFn)) continue;
    visited.add(r.gradFn);
    const stack: [BackwardNode, number][] = [[r.gradFn, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const [node, next] = top;
      if (next < node.edges.length) {
        top[1]++;
        const child = node.edges[next]!.node;
        if (child instanceof BackwardNode && !visited.has(child)) { visited.add(child); stack.push([child, 0]); }
      } else {
        stack.pop();
        postOrder.push(node);
      }
    }
  }
  return postOrder.reverse();
}
