// The rules of the custom-derivative primitives (custom_jvp_call, custom_vjp_call and the linear
// custom_lin), registered in the higher-order table (higher-order.ts).
import { NDArray, Tracer } from '../core/array.js';
import { outputAvals } from '../core/eval.js';
import { CotangentError } from '../core/errors.js';
import { bind, withInterpreter } from '../core/interpreter.js';
import { evalClosedJaxpr } from '../core/jaxpr.js';
import { FlatBwdFn, FlatFn, FlatFwdFn, FlatJvpFn, HigherOrderParams, Params } from '../core/primitives.js';
import type { StagingBase } from './builder.js';
import type { HigherOrderRules } from './higher-order.js';
import { linearJvp } from './jvp-rules.js';
import { traceFlat } from './make-jaxpr.js';
import { instantiate, isZero, zeroLike } from './tangent.js';
import { known, notLinear } from './transpose-rules.js';
import { allAtFront, BatchDim, BatchRule, batchedAtFront, frontDims, moveBatchDim } from './batch-rules.js';
import { batchFlat } from './vmap.js';
import * as lax from '../core/lax.js';

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
  impl: (args, { fun }) => fun(...args),
  jvp: (primals, tangents, { jvp }) => jvp([...primals], tangents.map(instantiate)),
  // On unknown (tangent) values the rule is no longer needed: run the body.
  partialEval: () => 'inline',
  transpose: notLinear('custom_jvp_call'),
  stage: stageCustomCall('custom_jvp_call'),
  batch: batchCustomJvp,
});

export const customVjpCallRules = (): HigherOrderRules<'custom_vjp_call'> => ({
  impl: (args, { fun }) => fun(...args),
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
  batch: batchCustomVjp,
});

export const customLinRules = (): HigherOrderRules<'custom_lin'> => ({
  // Only the tangent of a customVjp call is a custom_lin, and only its transpose is defined.
  impl: (_args, { name }) => {
    throw new CotangentError(
      `${name}: forward-mode differentiation (jvp) of a customVjp function is not supported: it defines only a backward pass. ` +
        `Use grad/vjp, or define the function with customJvp instead.`,
    );
  },
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
  batch: batchCustomLin,
});

// ---- batching: the user's functions run under vmap ----------------------------------------------------
/** Values with their batch dims, all moved (or broadcast) to batch dim 0. */
const forceAtFront = ([xs, dims]: [NDArray[], BatchDim[]], size: number): NDArray[] => allAtFront(xs, dims, size);

/**
 * A custom rule's functions, batched: a call with these inputs' batch dims (0 or null) runs the
 * user's function under vmap and returns every output at batch dim 0.
 */
function batchedFun(fun: FlatFn, inDims: readonly BatchDim[], size: number): FlatFn {
  const batched: FlatFn = (...xs) => forceAtFront(batchFlat(fun, xs, inDims, size), size);
  Object.defineProperty(batched, 'name', { value: fun.name });
  return batched;
}

/** As JAX does: the function and the user's JVP rule are both batched, into a new custom_jvp_call. */
const batchCustomJvp: BatchRule<'custom_jvp_call'> = (args, dims, params, size) => {
  const inDims = frontDims(dims);
  const jvp: FlatJvpFn = (primals, tangents) => {
    let nOut = 0;
    const both = batchedFun((...xs) => {
      const [po, to] = params.jvp(xs.slice(0, primals.length), xs.slice(primals.length));
      nOut = po.length;
      return [...po, ...to];
    }, [...inDims, ...inDims], size)(...primals, ...tangents);
    return [both.slice(0, nOut), both.slice(nOut)];
  };
  const outs = bind('custom_jvp_call', batchedAtFront(args, dims, size), {
    name: params.name, fun: batchedFun(params.fun, inDims, size), jvp,
  });
  return [outs, outs.map(() => 0)];
};

/** The function, fwd and bwd are batched; an unbatched input's cotangent sums over the lanes. */
const batchCustomVjp: BatchRule<'custom_vjp_call'> = (args, dims, params, size) => {
  const inDims = frontDims(dims);
  const fwd: FlatFwdFn = (...xs) => {
    let nOut = 0;
    const both = batchedFun((...ys) => {
      const [o, r] = params.fwd(...ys);
      nOut = o.length;
      return [...o, ...r];
    }, inDims, size)(...xs);
    return [both.slice(0, nOut), both.slice(nOut)];
  };
  const bwd: FlatBwdFn = (residuals, cts) => {
    const [ctIns, ctDims] = batchFlat((...ys) => params.bwd(ys.slice(0, residuals.length), ys.slice(residuals.length)),
      [...residuals, ...cts], [...residuals, ...cts].map(() => 0), size);
    return ctIns.map((c, i) => {
      const d = ctDims[i]!;
      if (inDims[i] === null) return d === null ? c : lax.reduceSum(c, [d]);
      return moveBatchDim(c, d, 0, size);
    });
  };
  const outs = bind('custom_vjp_call', batchedAtFront(args, dims, size), {
    name: params.name, fun: batchedFun(params.fun, inDims, size), fwd, bwd,
  });
  return [outs, outs.map(() => 0)];
};

/** Residuals and tangents all at batch dim 0; the user's bwd batched over both. */
const batchCustomLin: BatchRule<'custom_lin'> = (args, dims, params, size) => {
  const nr = params.numResiduals;
  const bwd: FlatBwdFn = (residuals, cts) =>
    forceAtFront(batchFlat((...ys) => params.bwd(ys.slice(0, nr), ys.slice(nr)), [...residuals, ...cts], [...residuals, ...cts].map(() => 0), size), size);
  const outs = bind('custom_lin', allAtFront(args, dims, size), {
    name: params.name, bwd, numResiduals: nr, outAvals: params.outAvals.map((a) => a.withShape([size, ...a.shape])),
  });
  return [outs, outs.map(() => 0)];
};
