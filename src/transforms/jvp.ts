// Forward-mode differentiation: each value carries (primal, tangent); every primitive's JVP rule
// maps primal and tangent inputs to primal and tangent outputs. Rules run on the parent interpreter.
import { NDArray, Tracer } from '../core/array.js';
import { Interpreter, leakedTracerError, underNewInterpreter, withInterpreter, bind } from '../core/interpreter.js';
import { FlatFn, HigherOrderPrimitive, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { ArgTangents, ArrayTree, PyTree } from '../core/tree.js';
import { expectFunction } from '../core/errors.js';
import { JvpRule, jvpRules } from './jvp-rules.js';
import { higherOrderRules } from './higher-order.js';
import { checkTangent, flattenArgs, flattenFun, primalArrays, splitAuxTree, toArrays } from './flat.js';
import { instantiate, isZero, Tangent, Zero, zeroLike } from './tangent.js';

export class JvpTracer extends Tracer {
  constructor(readonly interpreter: JvpInterpreter, readonly primal: NDArray, readonly tangent: Tangent) { super(); }
  get aval() { return this.primal.aval; }
  override concreteValue(): NDArray | null {
    return this.primal instanceof Tracer ? this.primal.concreteValue() : this.primal;
  }
}

export class JvpInterpreter implements Interpreter {
  readonly kind = 'jvp';
  live = true;
  constructor(readonly parent: Interpreter) {}

  lift(x: NDArray, prim: string): [NDArray, Tangent] {
    if (x instanceof JvpTracer && x.interpreter === this) return [x.primal, x.tangent];
    if (x instanceof Tracer && !x.interpreter.live) throw leakedTracerError(x.interpreter.kind, prim, x.aval);
    return [x, zeroLike(x)];
  }

  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    const primals: NDArray[] = [];
    const tangents: Tangent[] = [];
    for (const a of args) {
      const [p, t] = this.lift(a, prim);
      primals.push(p);
      tangents.push(t);
    }
    // Nothing here is perturbed: run on the parent without building tracers.
    if (tangents.every((t) => isZero(t))) return withInterpreter(this.parent, () => bind(prim, primals, params));
    const rule = (isArrayPrimitive(prim) ? jvpRules[prim] : higherOrderRules(prim as HigherOrderPrimitive).jvp) as JvpRule<P>;
    const [primalsOut, tangentsOut] = withInterpreter(this.parent, () => rule(primals, tangents, params));
    return primalsOut.map((p, i) => new JvpTracer(this, p, tangentsOut[i]!));
  }
}

/** jvp on flat lists; tangents may be symbolic zeros. */
export function jvpFlat(f: FlatFn, primals: readonly NDArray[], tangents: readonly Tangent[]): [NDArray[], Tangent[]] {
  return underNewInterpreter((p) => new JvpInterpreter(p), (interp) => {
    const ins = primals.map((p, i) => new JvpTracer(interp, p, tangents[i]!));
    const outs = f(...ins);
    const primalsOut: NDArray[] = [];
    const tangentsOut: Tangent[] = [];
    for (const o of outs) {
      const [p, t] = interp.lift(o, 'output');
      primalsOut.push(p);
      tangentsOut.push(t);
    }
    return [primalsOut, tangentsOut];
  });
}

/** Options of jvp. */
export interface JvpOptions {
  /** f returns [output, aux]: the result is then [output, tangent, aux], aux carried out undifferentiated. */
  hasAux?: boolean;
}

/**
 * jvp(f, primals, tangents) → [f(...primals), J·tangents]. `primals` and `tangents` are lists of
 * the positional arguments (pytrees of matching structure); the tangent output has the output's
 * structure. With {hasAux: true}, f returns [output, aux] and the result is [output, tangent, aux].
 *
 * @example
 * const [y, dy] = jvp((x: np.Array) => np.sin(x), [np.zeros([2])], [np.ones([2])]);   // dy = cos(0) = 1
 */
export function jvp<A extends PyTree[], O extends PyTree, X extends PyTree>(f: (...args: A) => readonly [O, X], primals: A, tangents: ArgTangents<A>, opts: { hasAux: true }): [ArrayTree<O>, ArrayTree<O>, ArrayTree<X>];
export function jvp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R, primals: A, tangents: ArgTangents<A>, opts?: { hasAux?: false }): [ArrayTree<R>, ArrayTree<R>];
export function jvp<A extends PyTree[]>(f: (...args: A) => PyTree, primals: A, tangents: ArgTangents<A>, opts: JvpOptions = {}): PyTree[] {
  expectFunction('jvp', f);
  if (!Array.isArray(primals) || !Array.isArray(tangents)) throw new TypeError('jvp: primals and tangents must be lists of the positional arguments');
  const [pl, inTree] = flattenArgs(primals, 'jvp');
  const [tl, tTree] = flattenArgs(tangents as unknown[], 'jvp');
  if (!tree.treedefEqual(inTree, tTree)) {
    throw new TypeError(`jvp: primals and tangents must have the same structure, got ${tree.treedefString(inTree)} and ${tree.treedefString(tTree)}`);
  }
  const pa = primalArrays(pl, 'jvp');
  const ta = toArrays(tl, 'jvp').map((t, i) => checkTangent(t, pa[i]!, i, 'jvp', tl[i]));
  const [flatF, outTree] = flattenFun(f as unknown as (...a: PyTree[]) => PyTree, inTree, 'jvp');
  const [po, to] = jvpFlat(flatF, pa, ta);
  if (!opts.hasAux) return [tree.unflatten(outTree(), po), tree.unflatten(outTree(), to.map(instantiate))];
  const [mainTree, auxTree] = splitAuxTree(outTree(), 'jvp');
  const n = tree.numLeaves(mainTree);
  return [tree.unflatten(mainTree, po.slice(0, n)), tree.unflatten(mainTree, to.slice(0, n).map(instantiate)), tree.unflatten(auxTree, po.slice(n))];
}

export { Zero };
