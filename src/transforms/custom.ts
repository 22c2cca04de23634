// User-defined derivatives: customJvp(f).defJvp(rule) and customVjp(f).defVjp(fwd, bwd), bound
// as higher-order primitives so every transform sees them; stopGradient on top of customJvp.
import { expectFunction } from '../core/errors.js';
import { NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import * as lax from '../core/lax.js';
import { FlatBwdFn, FlatFn, FlatFwdFn, FlatJvpFn } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { PyTree, TreeDef } from '../core/tree.js';
import { toArrays } from './flat.js';

function castLike(xs: NDArray[], likes: readonly NDArray[], what: string, name: string): NDArray[] {
  if (xs.length !== likes.length) throw new TypeError(`${name}: ${what} has ${xs.length} leaves, expected ${likes.length}`);
  return xs.map((x, i) => {
    const l = likes[i]!;
    if (x.shape.join() !== l.shape.join()) throw new TypeError(`${name}: ${what} leaf ${i} is ${x.aval.str()}, expected the shape of ${l.aval.str()}`);
    return x.dtype === l.dtype ? x : lax.convertElementType(x, l.dtype);
  });
}

export interface CustomJvpFunction<A extends PyTree[], R extends PyTree> {
  (...args: A): R;
  /** rule(primals, tangents) → [primalOut, tangentOut]; primals and tangents are the argument lists. */
  defJvp(rule: (primals: A, tangents: A) => [R, R]): CustomJvpFunction<A, R>;
}

export function customJvp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R): CustomJvpFunction<A, R> {
  expectFunction('customJvp', f);
  const name = f.name || 'customJvp';
  let rule: ((primals: A, tangents: A) => [R, R]) | null = null;
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
      const [po, to] = jvpRule(tree.unflatten(inTree, primals) as A, tree.unflatten(inTree, tangents) as A);
      const [pl, pd] = tree.flatten(po);
      outTree = pd;
      const primalsOut = toArrays(pl, name);
      return [primalsOut, castLike(toArrays(tree.flatten(to)[0], name), primalsOut, 'the tangent output', name)];
    };
    const outs = bind('custom_jvp_call', ins, { name, fun, jvp });
    return tree.unflatten(outTree!, outs) as R;
  }) as CustomJvpFunction<A, R>;
  call.defJvp = (r) => { rule = r; return call; };
  return call;
}

export interface CustomVjpFunction<A extends PyTree[], R extends PyTree, Res extends PyTree> {
  (...args: A): R;
  /** fwd(...args) → [out, residuals]; bwd(residuals, outCotangent) → one cotangent per argument (null for none). */
  defVjp<Res2 extends PyTree>(fwd: (...args: A) => [R, Res2], bwd: (residuals: Res2, ct: R) => PyTree[]): CustomVjpFunction<A, R, Res2>;
}

export function customVjp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R): CustomVjpFunction<A, R, PyTree> {
  expectFunction('customVjp', f);
  const name = f.name || 'customVjp';
  let rules: { fwd: (...args: A) => [R, PyTree]; bwd: (residuals: PyTree, ct: R) => PyTree[] } | null = null;
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
      const ctArgs = userBwd(tree.unflatten(resTree!, residuals), tree.unflatten(outTree!, cts) as R);
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
    rules = { fwd, bwd: bwd as (residuals: PyTree, ct: R) => PyTree[] };
    return call as never;
  };
  return call;
}

const stopGradientLeaf = customJvp((x: NDArray) => x).defJvp(([x], [t]) => [x, lax.zerosLike(t)]);

/** The value of x with its derivative cut: transforms treat it as a constant. */
export function stopGradient<T extends PyTree>(x: T): T {
  return tree.map((l) => (l instanceof NDArray ? stopGradientLeaf(l) : l), x) as T;
}
