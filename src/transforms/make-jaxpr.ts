// The staging interpreter: records every primitive into a jaxpr instead of running it.
// makeJaxpr(f)(...args) traces f on abstract values and returns the jaxpr without running anything.
import { expectFunction } from '../core/errors.js';
import { ShapedArray } from '../core/aval.js';
import { NDArray, Tracer } from '../core/array.js';
import { underNewInterpreter, withInterpreter } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { FlatFn, HigherOrderParams, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { PyTree, TreeDef } from '../core/tree.js';
import { StagingBase } from './builder.js';
import { flattenFun, toArrays } from './flat.js';
import * as tree from '../core/tree.js';

class StagingInterpreter extends StagingBase {
  readonly kind = 'makeJaxpr';
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (isArrayPrimitive(prim)) return this.stage(prim, args, params);
    if (prim === 'custom_lin') return this.stage(prim, args, params, (params as Params<'custom_lin'>).outAvals);
    if (prim === 'jit') return this.stage(prim, args, params, (params as Params<'jit'>).jaxpr.outAvals);
    return this.stageCustomCall(prim as 'custom_jvp_call' | 'custom_vjp_call', args, params as never);
  }
  /**
   * A custom-rule call becomes one equation holding its traced body, so transforms applied to the
   * jaxpr later still use the user's rule. A body that closes over values being traced here is
   * inlined instead (its equations would need those values as inputs).
   */
  private stageCustomCall<P extends 'custom_jvp_call' | 'custom_vjp_call'>(prim: P, args: readonly NDArray[], params: HigherOrderParams[P]): NDArray[] {
    const body = traceFlat(params.fun, args.map((a) => a.aval), this);
    if (body.consts.some((c) => c instanceof Tracer)) return withInterpreter(this, () => params.fun(...args));
    const fun: FlatFn = (...xs) => evalClosedJaxpr(body, xs);
    Object.defineProperty(fun, 'name', { value: params.fun.name || params.name });
    return this.stage(prim, args, { ...params, fun, jaxpr: body } as Params<P>, body.outAvals);
  }
}

/** Traces a flat function on abstract inputs into a closed jaxpr. */
export function traceFlat(f: FlatFn, avals: readonly ShapedArray[], parent?: StagingBase): ClosedJaxpr {
  const run = () =>
    underNewInterpreter((p) => new StagingInterpreter(p), (interp) => {
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

/** makeJaxpr(f)(...args): the jaxpr of f at these argument shapes and dtypes, without running f. */
export function makeJaxpr<A extends PyTree[]>(f: (...args: A) => PyTree) {
  expectFunction('makeJaxpr', f);
  return (...args: A): TracedJaxpr => {
    const [leaves, inTree] = tree.flatten(args);
    const avals = toArrays(leaves, 'makeJaxpr').map((x) => x.aval);
    const [flatF, outTree] = flattenFun(f as (...a: PyTree[]) => PyTree, inTree);
    const closed = traceFlat(flatF, avals);
    return Object.assign(closed, { inTree, outTree: outTree() });
  };
}
