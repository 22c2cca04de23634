// Adapters between user functions on pytrees and the flat lists of arrays that transforms see.
import { NDArray } from '../core/array.js';
import { isFloat, weakDtypeOf } from '../core/dtype.js';
import { DTypeError, ShapeError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import { FlatFn } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { Leaf, PyTree, TreeDef } from '../core/tree.js';

/** Leaves as arrays: JS numbers and booleans enter as weakly typed scalars. */
export function toArrays(leaves: readonly Leaf[] | readonly unknown[], op: string): NDArray[] {
  return leaves.map((l, i) => {
    if (l instanceof NDArray) return l;
    if (typeof l === 'number' || typeof l === 'boolean') return lax.scalar(l, weakDtypeOf(l), true);
    throw new TypeError(`${op}: leaf ${i} is a ${typeof l}, expected an Array, number or boolean`);
  });
}

/**
 * The leaves of a transform's positional arguments. A value that is no pytree is reported with the
 * transform's name and the argument's position.
 */
export function flattenArgs(args: readonly unknown[], op: string, positions: readonly number[] = args.map((_, i) => i)): [Leaf[], TreeDef] {
  try {
    return tree.flatten(args as PyTree);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const i = args.findIndex((a) => { try { tree.flatten(a as PyTree); return false; } catch { return true; } });
    const a = args[i];
    const what = typeof a !== 'object' || a === null ? `is a ${typeof a}` : `contains ${e.message.replace(/^pytree: /, '').replace(/ is not a pytree node.*/, '')}`;
    throw new TypeError(`${op}: argument ${positions[i]} ${what}, which is not an Array, a number, a boolean or a pytree of them (nested lists, plain objects, null, or classes registered with tree.registerPytreeNode)`);
  }
}

const isThenable = (x: unknown): x is PromiseLike<unknown> =>
  (typeof x === 'object' || typeof x === 'function') && x !== null && typeof (x as { then?: unknown }).then === 'function';

/**
 * A function's result, refused if it is a Promise: its traced values would be used after the trace
 * ended. The promise's rejection (it will reject, on a leaked tracer) is handled here, so it never
 * reaches the process as an unhandled rejection.
 */
export function checkNotPromise<T>(out: T, op: string): T {
  if (isThenable(out)) {
    Promise.resolve(out).catch(() => {});
    throw new TypeError(`${op}: the function returned a Promise; ${op} needs a synchronous function that returns arrays (values are abstract while it traces and cannot be awaited)`);
  }
  return out;
}

/** Wraps `f(...args)` as a function of flat leaves; `outTree()` gives the output structure once it ran. */
export function flattenFun(f: (...args: PyTree[]) => PyTree, inTree: TreeDef, op = f.name || 'function'): [FlatFn, () => TreeDef] {
  let outTree: TreeDef | null = null;
  const flat: FlatFn = (...leaves) => {
    const args = tree.unflatten(inTree, leaves) as PyTree[];
    const [outLeaves, def] = tree.flatten(checkNotPromise(f(...args), op));
    outTree = def;
    return toArrays(outLeaves, op);
  };
  Object.defineProperty(flat, 'name', { value: f.name });
  return [flat, () => {
    if (!outTree) throw new Error('internal: output structure read before the function ran');
    return outTree;
  }];
}

/**
 * Primals given to a differentiating transform: a JS number is a weak float32 scalar in all of them
 * (JS cannot tell `3` from `3.0`, and an integer primal would have no derivative), as in grad.
 */
export function primalArrays(leaves: readonly Leaf[], op: string): NDArray[] {
  return toArrays(leaves, op).map((x, i) => (typeof leaves[i] === 'number' ? lax.convertElementType(x, 'float32', true) : x));
}

/**
 * A tangent for `primal`: the same shape (ShapeError) and dtype (TypeError, as JAX's); a JS number
 * takes the primal's dtype.
 */
export function checkTangent(t: NDArray, primal: NDArray, i: number, op: string, given: unknown): NDArray {
  if (t.shape.join() !== primal.shape.join()) {
    throw new ShapeError(`${op}: tangent ${i} is ${t.aval.str()} but its primal is ${primal.aval.str()}; their shapes must match`);
  }
  if (typeof given === 'number' || typeof given === 'boolean') return lax.convertElementType(t, primal.dtype, primal.weakType);
  if (t.dtype !== primal.dtype) {
    throw new TypeError(`${op}: tangent ${i} is ${t.aval.str()} but its primal is ${primal.aval.str()}; the tangent of a ${primal.dtype} primal must be ${primal.dtype}, not ${t.dtype}`);
  }
  return t;
}

export function requireFloat(x: NDArray, op: string, what: string): void {
  if (!isFloat(x.dtype)) {
    throw new DTypeError(`${op}: ${what} has dtype ${x.dtype}; differentiation needs float inputs (convert with .astype('float32'), or leave the argument out of argnums)`);
  }
}

/** With hasAux the function returns [output, aux]: the two parts of its output structure. */
export function splitAuxTree(def: TreeDef, op: string): [TreeDef, TreeDef] {
  if (def.kind !== 'array' || def.children.length !== 2) {
    throw new TypeError(`${op} with hasAux: the function must return [output, aux], got the structure ${tree.treedefString(def)}`);
  }
  return [def.children[0]!, def.children[1]!];
}
