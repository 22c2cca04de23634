// The rules of the custom-derivative primitives (custom_jvp_call, custom_vjp_call and the linear
// custom_lin), registered in the higher-order table (higher-order.ts).
import { NDArray, Tracer } from '../core/array.js';
import { outputAvals } from '../core/eval.js';
import { CotangentError } from '../core/errors.js';
import { bind, withInterpreter } from '../core/interpreter.js';
import { evalClosedJaxpr } from '../core/jaxpr.js';
import { FlatFn, HigherOrderParams, Params } from '../core/primitives.js';
import type { StagingBase } from './builder.js';
import type { HigherOrderRules } from './higher-order.js';
import { linearJvp } from './jvp-rules.js';
import { traceFlat } from './make-jaxpr.js';
import { instantiate, isZero, zeroLike } from './tangent.js';
import { known, notLinear } from './transpose-rules.js';

/** Staged as one equation with its output avals from the shape rule. */
export function stageByShape<P extends keyof HigherOrderParams>(prim: P) {
  return (interp: StagingBase, args: readonly NDArray[], params: Params<P>): NDArray[] =>
    interp.stage(prim, args, params, outputAvals(prim, args.map((a) => a.aval), params));
}

/**
 * A custom-rule call becomes one equation holding its traced body, so transforms applied to the
 * jaxpr later still use the user's rule. A body that closes over values being traced here is
 * inlined instead (its equations would need those values as inputs).
 */
function stageCustomCall<P extends 'custom_jvp_call' | 'custom_vjp_call'>(prim: P) {
  return (interp: StagingBase, args: readonly NDArray[], params: HigherOrderParams[P]): NDArray[] => {
    const body = traceFlat(params.fun, args.map((a) => a.aval), interp);
    if (body.consts.some((c) => c instanceof Tracer)) return withInterpreter(interp, () => params.fun(...args));
    const fun: FlatFn = (...xs) => evalClosedJaxpr(body, xs);
    Object.defineProperty(fun, 'name', { value: params.fun.name || params.name });
    return interp.stage(prim, args, { ...params, fun, jaxpr: body } as Params<P>, body.outAvals);
  };
}

export const customJvpCallRules = (): HigherOrderRules<'custom_jvp_call'> => ({
  jvp: (primals, tangents, { jvp }) => jvp([...primals], tangents.map(instantiate)),
  // On unknown (tangent) values the rule is no longer needed: run the body.
  partialEval: () => 'inline',
  transpose: notLinear('custom_jvp_call'),
  stage: stageCustomCall('custom_jvp_call'),
});

export const customVjpCallRules = (): HigherOrderRules<'custom_vjp_call'> => ({
  // The forward pass runs now; the tangent is a linear custom_lin whose transpose is the user's bwd.
  jvp: (primals, tangents, { name, fwd, bwd }) => {
    const [outs, residuals] = fwd(...primals);
    if (tangents.every((t) => isZero(t))) return [outs, outs.map(zeroLike)];
    const touts = bind('custom_lin', [...residuals, ...tangents.map(instantiate)], {
      name, bwd, numResiduals: residuals.length, outAvals: outs.map((o) => o.aval.strong()),
    });
    return [outs, touts];
  },
  partialEval: () => 'inline',
  transpose: notLinear('custom_vjp_call'),
  stage: stageCustomCall('custom_vjp_call'),
});

export const customLinRules = (): HigherOrderRules<'custom_lin'> => ({
  jvp: (primals, tangents, params) => {
    if (tangents.slice(0, params.numResiduals).some((t) => !isZero(t))) {
      throw new CotangentError(`${params.name}: cannot differentiate the backward pass of a customVjp function with respect to its residuals in forward mode`);
    }
    return linearJvp('custom_lin')(primals, tangents, params);
  },
  // Linear in its tangents: staged whole, reading the residuals from the known side.
  partialEval: () => 'unknown',
  // The user's backward pass, on the residuals saved by the forward pass.
  transpose: (cts, args, { bwd, numResiduals, name }) => {
    const residuals = args.slice(0, numResiduals).map((r) => known(r, name));
    const ctsIn = bwd(residuals, cts.map(instantiate));
    return [...residuals.map(() => null), ...ctsIn];
  },
  stage: stageByShape('custom_lin'),
});
