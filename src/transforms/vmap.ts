// Batching: each value carries (value, batch dim), the axis of its parent-level array that runs
// over the mapped lanes; every primitive's batching rule (batch-rules.ts) maps batched operands
// to batched outputs. Rules run on the parent interpreter; unbatched values stay unbatched.
import { ShapedArray } from '../core/aval.js';
import { NDArray, Tracer } from '../core/array.js';
import { expectFunction, ShapeError } from '../core/errors.js';
import { Interpreter, leakedTracerError, underNewInterpreter, withInterpreter, bind } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { optimize } from '../core/passes.js';
import { FlatFn, HigherOrderPrimitive, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { higherOrderRules } from './higher-order.js';
import * as tree from '../core/tree.js';
import { ArrayTree, PyTree, TreeDef } from '../core/tree.js';
import { BatchDim, batchRules, moveBatchDim } from './batch-rules.js';
import { flattenFun, toArrays } from './flat.js';
import { hoistConsts } from './jit.js';
import { traceFlat } from './make-jaxpr.js';
import { memoPerJaxprBy } from './memo.js';

export class BatchTracer extends Tracer {
  #aval: ShapedArray | null = null;
  constructor(readonly interpreter: BatchInterpreter, readonly value: NDArray, readonly batchDim: number) { super(); }
  /** One lane's aval: the value's without the batch dim. */
  get aval(): ShapedArray {
    if (!this.#aval) {
      const a = this.value.aval;
      this.#aval = new ShapedArray(a.shape.filter((_, i) => i !== this.batchDim), a.dtype, a.weakType);
    }
    return this.#aval;
  }
}

export class BatchInterpreter implements Interpreter {
  readonly kind = 'vmap';
  live = true;
  constructor(readonly parent: Interpreter, readonly axisSize: number) {}

  lift(x: NDArray, prim: string): [NDArray, BatchDim] {
    if (x instanceof BatchTracer && x.interpreter === this) return [x.value, x.batchDim];
    if (x instanceof Tracer && !x.interpreter.live) throw leakedTracerError(x.interpreter.kind, prim, x.aval);
    return [x, null];
  }

  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    const values: NDArray[] = [];
    const dims: BatchDim[] = [];
    for (const a of args) {
      const [v, d] = this.lift(a, prim);
      values.push(v);
      dims.push(d);
    }
    // Nothing here depends on the lane: run it once, unbatched, on the parent.
    if (dims.every((d) => d === null)) return withInterpreter(this.parent, () => bind(prim, values, params));
    const [outs, outDims] = withInterpreter(this.parent, () => (isArrayPrimitive(prim) ? batchRules[prim] : higherOrderRules(prim as HigherOrderPrimitive).batch)(values, dims, params as never, this.axisSize));
    return outs.map((o, i) => (outDims[i] === null ? o : new BatchTracer(this, o, outDims[i]!)));
  }
}

/**
 * vmap on flat lists: `f` runs once on lane-shaped values; each argument's batch dim is given
 * (null: the same in every lane). Returns the outputs at the parent level with their batch dims.
 */
export function batchFlat(f: FlatFn, args: readonly NDArray[], inDims: readonly BatchDim[], axisSize: number): [NDArray[], BatchDim[]] {
  return underNewInterpreter((p) => new BatchInterpreter(p, axisSize), (interp) => {
    const ins = args.map((x, i) => (inDims[i] === null ? x : new BatchTracer(interp, x, inDims[i]!)));
    const outs = f(...ins);
    const values: NDArray[] = [];
    const dims: BatchDim[] = [];
    for (const o of outs) {
      const [v, d] = interp.lift(o, 'output');
      values.push(v);
      dims.push(d);
    }
    return [values, dims];
  });
}

interface BatchedJaxpr { jaxpr: ClosedJaxpr; consts: readonly NDArray[]; outDims: BatchDim[] }
interface JitBatching { inDims: readonly BatchDim[]; size: number }

/**
 * A jitted jaxpr batched: inputs marked 0 gain a leading axis of `size`; batched outputs leave at
 * batch dim 0 and unbatched ones stay unbatched. Optimised, constants hoisted, as jit's own.
 */
export const batchedJitJaxpr = memoPerJaxprBy(
  ({ inDims, size }: JitBatching) => `${size}:${inDims.map((d) => (d === null ? '-' : d)).join(',')}`,
  (cj, { inDims, size }): BatchedJaxpr => {
    let outDims: BatchDim[] = [];
    const avals = cj.inAvals.map((a, i) => (inDims[i] === null ? a : a.withShape([size, ...a.shape])));
    const traced = optimize(traceFlat((...xs) => {
      const [outs, dims] = batchFlat((...ys) => evalClosedJaxpr(cj, ys), xs, inDims, size);
      outDims = dims.map((d) => (d === null ? null : 0));
      return outs.map((o, i) => (dims[i] === null ? o : moveBatchDim(o, dims[i]!, 0, size)));
    }, avals));
    return { jaxpr: hoistConsts(traced), consts: traced.consts, outDims };
  },
);

// ---- the public function ----------------------------------------------------------------------------
/** An axis spec: a number (negative counts from the end), null (not mapped), or a list/object prefix of the values' tree. */
export type AxisSpec = number | null | readonly AxisSpec[] | { readonly [k: string]: AxisSpec };

/** Options of vmap, as JAX's keywords. */
export interface VmapOptions {
  /** Which axis of each argument is mapped: a prefix of the argument list (default 0, every leaf's axis 0). */
  inAxes?: AxisSpec;
  /** Where the mapped axis goes in each output: a prefix of the output (default 0). */
  outAxes?: AxisSpec;
  /** The number of lanes, needed when no argument is mapped (and checked against them otherwise). */
  axisSize?: number;
}

/** The pytree path of every leaf of `def`, as `root[0].w`. */
function leafPaths(def: TreeDef, root: string): string[] {
  switch (def.kind) {
    case 'leaf': return [root];
    case 'none': return [];
    case 'array': return def.children.flatMap((c, i) => leafPaths(c, `${root}[${i}]`));
    case 'object': return def.children.flatMap((c, i) => leafPaths(c, `${root}.${def.keys[i]}`));
    case 'custom': return def.children.flatMap((c, i) => leafPaths(c, `${root}<${def.node.name}>[${i}]`));
  }
}

const describeSpec = (s: unknown): string =>
  Array.isArray(s) ? `a list of length ${s.length}` : s === undefined ? 'undefined' : typeof s === 'object' && s !== null ? `an object with keys {${Object.keys(s).sort().join(', ')}}` : JSON.stringify(s);

/** One axis per leaf of `def` from the prefix `spec`, or an error saying where the two part. */
function broadcastPrefix(spec: AxisSpec | undefined, def: TreeDef, specName: string, path: string, valueWord: string): (number | null)[] {
  if (spec === null || typeof spec === 'number') return Array<number | null>(tree.numLeaves(def)).fill(spec);
  const where = `${specName}${path.replace(/^[a-z]+/, '')}`;
  const mismatch = (what: string) =>
    new TypeError(`vmap: ${where || specName} is ${describeSpec(spec)}, but ${path} is ${what}; ${specName} must be a prefix of the ${valueWord}'s tree (a number or null applies to every leaf below it)`);
  if (Array.isArray(spec)) {
    if (def.kind !== 'array' && def.kind !== 'custom') throw mismatch(def.kind === 'object' ? 'an object' : def.kind === 'leaf' ? 'a leaf' : 'null');
    if (def.children.length !== spec.length) throw mismatch(`${def.kind === 'array' ? 'a list' : 'a node'} of length ${def.children.length}`);
    return def.children.flatMap((c, i) => broadcastPrefix(spec[i], c, specName, `${path}[${i}]`, valueWord));
  }
  if (typeof spec === 'object' && spec !== undefined && Object.getPrototypeOf(spec) === Object.prototype) {
    const keys = Object.keys(spec).sort();
    if (def.kind !== 'object') throw mismatch(def.kind === 'array' ? `a list of length ${def.children.length}` : def.kind === 'leaf' ? 'a leaf' : def.kind);
    if (keys.join() !== def.keys.join()) throw mismatch(`an object with keys {${def.keys.join(', ')}}`);
    return def.children.flatMap((c, i) => broadcastPrefix((spec as Record<string, AxisSpec>)[keys[i]!], c, specName, `${path}.${keys[i]}`, valueWord));
  }
  throw new TypeError(`vmap: ${where || specName} must be a number, null, or a list/object of them, got ${describeSpec(spec)}`);
}

function normalizeAxis(axis: number, ndim: number, what: string, path: string): number {
  if (!Number.isInteger(axis)) throw new TypeError(`vmap: ${what} for ${path} must be an integer or null, got ${axis}`);
  const a = axis < 0 ? axis + ndim : axis;
  if (a < 0 || a >= ndim) throw new RangeError(`vmap: ${what} ${axis} for ${path} is out of range: expected an axis in [${-ndim}, ${ndim})`);
  return a;
}

/**
 * vmap(f, {inAxes, outAxes, axisSize}): f mapped over an axis of its arguments, as if called once
 * per lane and the results stacked, but traced once with every primitive batched. `inAxes` and
 * `outAxes` are pytree prefixes of the argument list and of the output (a number applies to every
 * leaf below it, null means not mapped); `axisSize` gives the lane count when nothing is mapped.
 *
 * @example
 * // per-example gradients: grad over one example, mapped over the batch
 * const loss = (w: np.Array, x: np.Array) => x.matmul(w).square().sum();
 * const perExample = vmap(grad(loss), { inAxes: [null, 0] })(np.ones([3, 1]), np.ones([8, 3])); // [8, 3, 1]
 */
export function vmap<A extends PyTree[], R extends PyTree>(f: (...args: A) => R, opts: VmapOptions = {}): (...args: A) => ArrayTree<R> {
  expectFunction('vmap', f);
  const { inAxes = 0, outAxes = 0, axisSize } = opts;
  const name = f.name || 'function';
  if (axisSize !== undefined && (!Number.isInteger(axisSize) || axisSize < 0)) throw new RangeError(`vmap: axisSize must be a non-negative integer, got ${axisSize}`);
  const mapped = (...args: A): ArrayTree<R> => {
    const [leaves, inTree] = tree.flatten(args);
    const arrays = toArrays(leaves, `vmap(${name})`);
    const paths = leafPaths(inTree, 'args');
    const axes = broadcastPrefix(inAxes, inTree, 'inAxes', 'args', 'arguments')
      .map((a, i) => (a === null ? null : normalizeAxis(a, arrays[i]!.ndim, 'inAxes', `${paths[i]} (${arrays[i]!.aval.str()})`)));
    const sizes = axes.map((a, i) => (a === null ? null : arrays[i]!.shape[a]!));
    const known = sizes.filter((s): s is number => s !== null);
    const size = axisSize ?? known[0];
    if (size === undefined) throw new TypeError(`vmap(${name}): no argument is mapped (every inAxes entry is null) and no axisSize is given; pass axisSize to say how many lanes to make`);
    if (known.some((s) => s !== size)) {
      const list = sizes.map((s, i) => (s === null ? null : `${paths[i]} has size ${s} along axis ${axes[i]}`)).filter((s) => s !== null);
      throw new ShapeError(`vmap(${name}): the mapped axes must all have one size${axisSize !== undefined ? ` (axisSize ${axisSize})` : ''}, got: ${list.join('; ')}`);
    }
    const [flatF, outTree] = flattenFun(f as unknown as (...a: PyTree[]) => PyTree, inTree);
    const [outs, outDims] = batchFlat(flatF, arrays, axes, size);
    const def = outTree();
    const outPaths = leafPaths(def, 'output');
    const targets = broadcastPrefix(outAxes, def, 'outAxes', 'output', 'output');
    const results = outs.map((o, i) => {
      const t = targets[i]!, d = outDims[i]!;
      if (t === null) {
        if (d !== null) throw new TypeError(`vmap(${name}): outAxes for ${outPaths[i]} is null, but that output depends on the mapped axis (it differs between lanes); give it an axis`);
        return o;
      }
      return moveBatchDim(o, d, normalizeAxis(t, o.ndim + (d === null ? 1 : 0), 'outAxes', `${outPaths[i]} (${lane(o, d).str()})`), size);
    });
    return tree.unflatten(def, results) as ArrayTree<R>;
  };
  Object.defineProperty(mapped, 'name', { value: `vmap(${name})` });
  return mapped;
}

const lane = (o: NDArray, d: BatchDim): ShapedArray => (d === null ? o.aval : o.aval.withShape(o.shape.filter((_, i) => i !== d)));
