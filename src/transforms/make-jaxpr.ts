// The staging interpreter: records every primitive into a jaxpr instead of running it.
// makeJaxpr(f)(...args) traces f on abstract values and returns the jaxpr without running anything.
import { expectFunction } from '../core/errors.js';
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import { Interpreter, underNewInterpreter, withInterpreter } from '../core/interpreter.js';
import { ClosedJaxpr } from '../core/jaxpr.js';
import { FlatFn, HigherOrderPrimitive, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { higherOrderRules, StageRule } from './higher-order.js';
import { PyTree, TreeDef } from '../core/tree.js';
import { StagingBase } from './builder.js';
import { flattenArgs, flattenFun, toArrays } from './flat.js';
import * as tree from '../core/tree.js';

class StagingInterpreter extends StagingBase {
  /** The user's transform, for messages: 'makeJaxpr' or 'jit'. */
  constructor(parent: Interpreter, readonly kind: string) { super(parent); }
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (isArrayPrimitive(prim)) return this.stage(prim, args, params);
    return (higherOrderRules(prim as HigherOrderPrimitive).stage as StageRule<HigherOrderPrimitive>)(this, args, params as never);
  }
}

/** Traces a flat function on abstract inputs into a closed jaxpr. */
export function traceFlat(f: FlatFn, avals: readonly ShapedArray[], parent?: StagingBase, kind = parent?.kind ?? 'makeJaxpr'): ClosedJaxpr {
  const run = () =>
    underNewInterpreter((p) => new StagingInterpreter(p, kind), (interp) => {
      const ins = avals.map((a) => interp.newArg(a));
      const outs = f(...ins);
      return interp.finish(ins, outs);
    });
  return parent ? withInterpreter(parent, run) : run();
}

export interface TracedJaxpr extends ClosedJaxpr {
  readonly inTree: TreeDef;
  readonly outTree: TreeDef;
}

/**
 * makeJaxpr(f)(...args): the jaxpr of f at these argument shapes and dtypes, without running f.
 *
 * @example
 * console.log(makeJaxpr((x: np.Array) => np.sin(x).mul(2))(np.ones([3])).toString());
 * // { lambda ; a:f32[3]. let
 *     b:f32[3] = sin a
 *     c:f32[3] = broadcast_in_dim[shape=(3,) broadcast_dimensions=()] 2.0:f32[]
 *     d:f32[3] = mul b c
 *   in (d,) }
 */
export function makeJaxpr<A extends PyTree[]>(f: (...args: A) => PyTree) {
  expectFunction('makeJaxpr', f);
  return (...args: A): TracedJaxpr => {
    const [leaves, inTree] = flattenArgs(args, 'makeJaxpr');
    const avals = toArrays(leaves, 'makeJaxpr').map((x) => x.aval);
    const [flatF, outTree] = flattenFun(f as (...a: PyTree[]) => PyTree, inTree, 'makeJaxpr');
    const closed = traceFlat(flatF, avals);
    return Object.assign(closed, { inTree, outTree: outTree() });
  };
}
