// Adapters between user functions on pytrees and the flat lists of arrays that transforms see.
import { NDArray } from '../core/array.js';
import { isFloat, weakDtypeOf } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
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

/** Wraps `f(...args)` as a function of flat leaves; `outTree()` gives the output structure once it ran. */
export function flattenFun(f: (...args: PyTree[]) => PyTree, inTree: TreeDef): [FlatFn, () => TreeDef] {
  let outTree: TreeDef | null = null;
  const flat: FlatFn = (...leaves) => {
    const args = tree.unflatten(inTree, leaves) as PyTree[];
    const [outLeaves, def] = tree.flatten(f(...args));
    outTree = def;
    return toArrays(outLeaves, f.name || 'function');
  };
  Object.defineProperty(flat, 'name', { value: f.name });
  return [flat, () => {
    if (!outTree) throw new Error('internal: output structure read before the function ran');
    return outTree;
  }];
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
