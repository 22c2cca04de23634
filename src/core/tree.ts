// Pytrees: nested JS arrays, plain objects (keys sorted), null/undefined as empty nodes, and
// registered classes. Every transform flattens its arguments and outputs through here.
import { NDArray } from './array.js';

/** A pytree leaf: an array, a JS number or a boolean. */
export type Leaf = NDArray | number | boolean;
/** A pytree: leaves inside arrays, plain objects and registered classes (null and undefined are empty nodes), as JAX's. */
export type PyTree = Leaf | null | undefined | readonly PyTree[] | { readonly [k: string]: PyTree } | object;

/**
 * The type of a pytree of type `T` after a transform has been through it: every leaf an Array
 * (JS numbers and booleans enter transforms as scalar Arrays), every node kept. So a gradient,
 * a tangent or a cotangent of a `T` is an `ArrayTree<T>`: `ArrayTree<{w: Array; b: number}>` is
 * `{w: Array; b: Array}`, tuples stay tuples, and methods of registered classes stay as they are.
 */
export type ArrayTree<T> =
  [PyTree] extends [T] ? PyTree // an untyped tree stays untyped
  : T extends NDArray | number | boolean ? NDArray
    : T extends null | undefined ? T
      : T extends (...args: never[]) => unknown ? T
        : T extends readonly unknown[] ? { -readonly [K in keyof T]: ArrayTree<T[K]> }
          : T extends object ? { [K in keyof T]: ArrayTree<T[K]> }
            : T;
/** One tangent or cotangent per positional argument of a function taking `A`. */
export type ArgTangents<A extends readonly unknown[]> = { -readonly [K in keyof A]: ArrayTree<A[K]> };

interface NodeType<T = unknown, Aux = unknown> {
  readonly name: string;
  readonly flatten: (x: T) => [children: PyTree[], aux: Aux];
  readonly unflatten: (aux: Aux, children: PyTree[]) => T;
}
const registry = new Map<Function, NodeType>();

/** Makes instances of `cls` pytree nodes: `flatten` gives children and static data, `unflatten` rebuilds. */
export function registerPytreeNode<T extends object, Aux>(
  cls: abstract new (...args: never[]) => T,
  flatten: (x: T) => [PyTree[], Aux],
  unflatten: (aux: Aux, children: PyTree[]) => T,
): void {
  registry.set(cls, { name: cls.name, flatten, unflatten } as NodeType);
}

/** The structure of a pytree without its leaves (what flatten returns beside them). */
export type TreeDef =
  | {
    /** A leaf. */
    readonly kind: 'leaf';
  }
  | {
    /** An empty node. */
    readonly kind: 'none';
    /** Which empty value. */
    readonly value: null | undefined;
  }
  | {
    /** A JS array. */
    readonly kind: 'array';
    /** Its elements' structures. */
    readonly children: readonly TreeDef[];
  }
  | {
    /** A plain object. */
    readonly kind: 'object';
    /** Its keys, sorted. */
    readonly keys: readonly string[];
    /** The structures of its values, in key order. */
    readonly children: readonly TreeDef[];
  }
  | {
    /** A registered class. */
    readonly kind: 'custom';
    /** Its registration. */
    readonly node: NodeType;
    /** What its flatten kept beside the children. */
    readonly aux: unknown;
    /** The structures of its children. */
    readonly children: readonly TreeDef[];
  };

const LEAF: TreeDef = { kind: 'leaf' };
/** Whether x is a leaf (an array, number or boolean). */
export const isLeaf = (x: unknown): x is Leaf => x instanceof NDArray || typeof x === 'number' || typeof x === 'boolean';

function nodeTypeOf(x: object): NodeType | undefined {
  for (let p = Object.getPrototypeOf(x); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    const t = registry.get(p.constructor);
    if (t) return t;
  }
  return undefined;
}

/**
 * The leaves of a tree in order (object keys sorted, as JAX sorts dict keys) and its structure.
 *
 * @example
 * const [leaves, def] = tree.flatten({ b: np.ones([2]), a: [1, 2] }); // leaves: 1, 2, Array([1., 1.])
 * const again = tree.unflatten(def, leaves);
 */
export function flatten(tree: PyTree): [Leaf[], TreeDef] {
  const leaves: Leaf[] = [];
  const rec = (x: PyTree): TreeDef => {
    if (isLeaf(x)) { leaves.push(x); return LEAF; }
    if (x === null || x === undefined) return { kind: 'none', value: x };
    if (Array.isArray(x)) return { kind: 'array', children: x.map(rec) };
    if (typeof x === 'object') {
      const custom = nodeTypeOf(x);
      if (custom) {
        const [children, aux] = custom.flatten(x);
        return { kind: 'custom', node: custom, aux, children: children.map(rec) };
      }
      if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
        const keys = Object.keys(x).sort();
        return { kind: 'object', keys, children: keys.map((k) => rec((x as Record<string, PyTree>)[k])) };
      }
    }
    throw new TypeError(`pytree: a ${describe(x)} is not a pytree node; use arrays, numbers, nested arrays, plain objects, null, or register the class with tree.registerPytreeNode`);
  };
  const def = rec(tree);
  return [leaves, def];
}

/** The tree of structure `def` with these leaves, in flatten's order. */
export function unflatten(def: TreeDef, leaves: readonly unknown[]): PyTree {
  let i = 0;
  const rec = (d: TreeDef): PyTree => {
    switch (d.kind) {
      case 'leaf':
        if (i >= leaves.length) throw new TypeError(`tree.unflatten: too few leaves (${leaves.length}) for the tree structure`);
        return leaves[i++] as PyTree;
      case 'none': return d.value;
      case 'array': return d.children.map(rec);
      case 'object': return Object.fromEntries(d.keys.map((k, j) => [k, rec(d.children[j]!)]));
      case 'custom': return d.node.unflatten(d.aux, d.children.map(rec)) as PyTree;
    }
  };
  const out = rec(def);
  if (i !== leaves.length) throw new TypeError(`tree.unflatten: ${leaves.length} leaves given, the structure holds ${i}`);
  return out;
}

/** The leaves of a tree in order. */
export const leaves = (tree: PyTree): Leaf[] => flatten(tree)[0];
/** The number of leaves a structure holds. */
export const numLeaves = (def: TreeDef): number =>
  def.kind === 'leaf' ? 1 : def.kind === 'none' ? 0 : def.children.reduce((a, c) => a + numLeaves(c), 0);

/** Applies `f` leaf-wise across trees of the same structure. */
export function map(f: (...leaves: Leaf[]) => unknown, tree: PyTree, ...rest: PyTree[]): PyTree {
  const [ls, def] = flatten(tree);
  const others = rest.map((r) => {
    const [l, d] = flatten(r);
    if (!treedefEqual(def, d)) throw new TypeError(`tree.map: tree structures differ: ${treedefString(def)} vs ${treedefString(d)}`);
    return l;
  });
  return unflatten(def, ls.map((l, i) => f(l, ...others.map((o) => o[i]!))));
}

/** Whether two structures are the same. */
export function treedefEqual(a: TreeDef, b: TreeDef): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'leaf': return true;
    case 'none': return true;
    case 'array': {
      const bc = (b as typeof a).children;
      return a.children.length === bc.length && a.children.every((c, i) => treedefEqual(c, bc[i]!));
    }
    case 'object': {
      const bo = b as typeof a;
      return a.keys.length === bo.keys.length && a.keys.every((k, i) => k === bo.keys[i] && treedefEqual(a.children[i]!, bo.children[i]!));
    }
    case 'custom': {
      const bo = b as typeof a;
      return a.node === bo.node && JSON.stringify(a.aux) === JSON.stringify(bo.aux) && a.children.length === bo.children.length && a.children.every((c, i) => treedefEqual(c, bo.children[i]!));
    }
  }
}

/** A structure as text (`{a: *, b: [*, *]}`), for messages and cache keys. */
export function treedefString(d: TreeDef): string {
  switch (d.kind) {
    case 'leaf': return '*';
    case 'none': return String(d.value);
    case 'array': return `[${d.children.map(treedefString).join(', ')}]`;
    case 'object': return `{${d.keys.map((k, i) => `${k}: ${treedefString(d.children[i]!)}`).join(', ')}}`;
    case 'custom': return `${d.node.name}(${d.children.map(treedefString).join(', ')})`;
  }
}

function describe(x: unknown): string {
  if (typeof x === 'object' && x !== null) return `${x.constructor?.name ?? 'object'} instance`;
  return typeof x;
}
