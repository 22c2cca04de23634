// User-defined derivatives: customJvp(f).defJvp(rule) and customVjp(f).defVjp(fwd, bwd), bound
// as higher-order primitives so every transform sees them; stopGradient on top of customJvp.
import { expectFunction } from '../core/errors.js';
import { NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import * as lax from '../core/lax.js';
import { FlatBwdFn, FlatFn, FlatFwdFn, FlatJvpFn } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { ArgTangents, ArrayTree, PyTree, TreeDef } from '../core/tree.js';
import { toArrays } from './flat.js';

function castLike(xs: NDArray[], likes: readonly NDArray[], what: string, name: string): NDArray[] {
  if (xs.length !== likes.length) throw new TypeError(`${name}: ${what} has ${xs.length} leaves, expected ${likes.length}`);
  return xs.map((x, i) => {
    const l = likes[i]!;
    if (x.shape.join() !== l.shape.join()) throw new TypeError(`${name}: ${what} leaf ${i} is ${x.aval.str()}, expected the shape of ${l.aval.str()}`);
    return x.dtype === l.dtype ? x : lax.convertElementType(x, l.dtype);
  });
}

/** A function with a user-defined JVP rule: called like `f`, differentiated by the rule. */
export interface CustomJvpFunction<A extends PyTree[], R extends PyTree> {
  (...args: A): R;
  /** rule(primals, tangents) → [primalOut, tangentOut]; primals and tangents are the argument lists. */
  defJvp(rule: (primals: A, tangents: ArgTangents<A>) => readonly [R, ArrayTree<R>]): CustomJvpFunction<A, R>;
}

/**
 * customJvp(f).defJvp(rule): `f` with its forward-mode derivative given by `rule` (JAX's
 * `custom_jvp`); reverse mode transposes the rule's linear tangent.
 *
 * @example
 * const f = customJvp((x: np.Array) => np.exp(x)).defJvp(([x], [t]) => {
 *   const y = np.exp(x);
 *   return [y, y.mul(t)];
 * });
 */
export function customJvp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R): CustomJvpFunction<A, R> {
  expectFunction('customJvp', f);
  const name = f.name || 'customJvp';
  let rule: ((primals: A, tangents: ArgTangents<A>) => readonly [R, ArrayTree<R>]) | null = null;
  const call = ((...args: A): R => {
    if (!rule) throw new Error(`customJvp(${name}): define the rule with .defJvp(rule) before calling it`);
    const jvpRule = rule;
    const [leaves, inTree] = tree.flatten(args);
    const ins = toArrays(leaves, name);
    let outTree: TreeDef | null = null;
    const fun: FlatFn = (...xs) => {
      const [ol, od] = tree.flatten(f(...(tree.unflatten(inTree, xs) as A)));
      outTree = od;
      return toArrays(ol, name);
    };
    Object.defineProperty(fun, 'name', { value: name });
    const jvp: FlatJvpFn = (primals, tangents) => {
      const [po, to] = jvpRule(tree.unflatten(inTree, primals) as A, tree.unflatten(inTree, tangents) as ArgTangents<A>);
      const [pl, pd] = tree.flatten(po);
      outTree = pd;
      const primalsOut = toArrays(pl, name);
      return [primalsOut, castLike(toArrays(tree.flatten(to as PyTree)[0], name), primalsOut, 'the tangent output', name)];
    };
    const outs = bind('custom_jvp_call', ins, { name, fun, jvp });
    return tree.unflatten(outTree!, outs) as R;
  }) as CustomJvpFunction<A, R>;
  call.defJvp = (r) => { rule = r; return call; };
  return call;
}

/** One cotangent per argument of a function taking `A`, `null` standing for a zero one. */
export type ArgCotangentsOrNull<A extends readonly unknown[]> = { -readonly [K in keyof A]: ArrayTree<A[K]> | null };

/** A function with user-defined reverse-mode rules: called like `f`, differentiated by `fwd`/`bwd`. */
export interface CustomVjpFunction<A extends PyTree[], R extends PyTree, Res extends PyTree> {
  (...args: A): R;
  /** fwd(...args) → [out, residuals]; bwd(residuals, outCotangent) → one cotangent per argument (null for none). */
  defVjp<Res2 extends PyTree>(fwd: (...args: A) => readonly [R, Res2], bwd: (residuals: Res2, ct: ArrayTree<R>) => ArgCotangentsOrNull<A>): CustomVjpFunction<A, R, Res2>;
}

/**
 * customVjp(f).defVjp(fwd, bwd): `f` with its reverse-mode derivative given by `fwd` (the
 * output and residuals) and `bwd` (residuals, output cotangent → argument cotangents), as
 * JAX's `custom_vjp`.
 *
 * @example
 * const relu = customVjp((x: np.Array) => np.maximum(x, 0)).defVjp(
 *   (x) => [np.maximum(x, 0), x],
 *   (x, g) => [np.where(x.gt(0), g, 0)],
 * );
 */
export function customVjp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R): CustomVjpFunction<A, R, PyTree> {
  expectFunction('customVjp', f);
  const name = f.name || 'customVjp';
  let rules: { fwd: (...args: A) => readonly [R, PyTree]; bwd: (residuals: PyTree, ct: ArrayTree<R>) => ArgCotangentsOrNull<A> } | null = null;
  const call = ((...args: A): R => {
    if (!rules) throw new Error(`customVjp(${name}): define the rules with .defVjp(fwd, bwd) before calling it`);
    const { fwd: userFwd, bwd: userBwd } = rules;
    const [leaves, inTree] = tree.flatten(args);
    const ins = toArrays(leaves, name);
    let outTree: TreeDef | null = null;
    let resTree: TreeDef | null = null;
    const fun: FlatFn = (...xs) => {
      const [ol, od] = tree.flatten(f(...(tree.unflatten(inTree, xs) as A)));
      outTree = od;
      return toArrays(ol, name);
    };
    Object.defineProperty(fun, 'name', { value: name });
    const fwd: FlatFwdFn = (...xs) => {
      const [out, res] = userFwd(...(tree.unflatten(inTree, xs) as A));
      const [ol, od] = tree.flatten(out);
      const [rl, rd] = tree.flatten(res);
      outTree = od;
      resTree = rd;
      return [toArrays(ol, name), toArrays(rl, name)];
    };
    const bwd: FlatBwdFn = (residuals, cts) => {
      const ctArgs: readonly PyTree[] = userBwd(tree.unflatten(resTree!, residuals), tree.unflatten(outTree!, cts) as ArrayTree<R>);
      if (!Array.isArray(ctArgs) || ctArgs.length !== args.length) {
        throw new TypeError(`${name}: bwd must return a list with one cotangent per argument (${args.length}), got ${Array.isArray(ctArgs) ? `a list of ${ctArgs.length}` : typeof ctArgs}`);
      }
      // null stands for "no cotangent" (a zero), as None does in JAX.
      const filled = ctArgs.map((c, i) => (c === null ? tree.map((l) => lax.zerosLike(l as NDArray), tree.unflatten(inTree, ins) as PyTree[]) as PyTree[] : null)?.[i] ?? c);
      return castLike(toArrays(tree.flatten(filled)[0], name), ins, 'bwd output', name);
    };
    const outs = bind('custom_vjp_call', ins, { name, fun, fwd, bwd });
    return tree.unflatten(outTree!, outs) as R;
  }) as CustomVjpFunction<A, R, PyTree>;
  call.defVjp = (fwd, bwd) => {
    rules = { fwd, bwd: bwd as (residuals: PyTree, ct: ArrayTree<R>) => ArgCotangentsOrNull<A> };
    return call as never;
  };
  return call;
}

const stopGradientLeaf = customJvp((x: NDArray) => x).defJvp(([x], [t]) => [x, lax.zerosLike(t)]);

/** The value of x with its derivative cut: transforms treat it as a constant. */
export function stopGradient<T extends PyTree>(x: T): T {
  return tree.map((l) => (l instanceof NDArray ? stopGradientLeaf(l) : l), x) as T;
}
