// How the transforms go through a jitted call: jvp(jit(f)) = jit(jvp(f)) and transpose(jit(f)) =
// jit(transpose(f)) and vmap(jit(f)) = jit(vmap(f)), each traced once per (jaxpr, which inputs take
// part) and cached; on concrete values it runs the backend's compiled program (jit-runtime.ts).
import { ConcreteArray, NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr, Jaxpr } from '../core/jaxpr.js';
import { backwardPass } from './transpose.js';
import { UndefinedPrimal } from './transpose-rules.js';
import { Params } from '../core/primitives.js';
import { jvpFlat } from './jvp.js';
import { traceFlat } from './make-jaxpr.js';
import { hoistConsts } from './jit.js';
import { optimize } from '../core/passes.js';
import { memoPerJaxpr } from './memo.js';
import { instantiate, isZero, Tangent, Zero } from './tangent.js';
import type { HigherOrderRules } from './higher-order.js';
import type { EqnSplit } from './partial-eval-jaxpr.js';
import { partialEvalJaxpr } from './partial-eval-jaxpr.js';
import { stageByShape } from './custom-rules.js';
import { BatchRule, batchedAtFront, frontDims } from './batch-rules.js';
import { runJit } from './jit-runtime.js';
import { batchedJitJaxpr } from './vmap.js';

/** A jitted call's row in the higher-order table. */
export const jitRules = (): HigherOrderRules<'jit'> => ({
  impl: runJit,
  jvp: jvpOfJit,
  partialEval: splitJit,
  transpose: transposeJit,
  stage: stageByShape('jit'),
  batch: batchJit,
});

/**
 * A jitted call with some unknown inputs: its known half (the primal computation) runs now as one
 * jitted call, returning residuals; its unknown half (linear in the unknowns) is a jitted call
 * too, which transposes into a jitted call of its transpose.
 */
function splitJit(params: Params<'jit'>, inUnknown: readonly boolean[]): EqnSplit {
  const split = partialEvalJaxpr(params.jaxpr, inUnknown);
  return {
    outUnknown: split.outUnknown,
    knownInputs: inUnknown.flatMap((u, i) => (u ? [] : [i])),
    known: { primitive: 'jit', params: { name: params.name, jaxpr: split.known, donated: split.known.inAvals.map(() => false) } },
    numResiduals: split.numResiduals,
    unknown: { primitive: 'jit', params: { name: params.name, jaxpr: split.unknown, donated: split.unknown.inAvals.map(() => false) } },
    unknownInputs: [
      ...Array.from({ length: split.numResiduals }, (_, r) => ['residual', r] as const),
      ...inUnknown.flatMap((u, i) => (u ? [['unknown', i] as const] : [])),
    ],
  };
}

interface JvpJaxpr { jaxpr: ClosedJaxpr; consts: readonly NDArray[]; zeroOut: boolean[] }

/**
 * The jaxpr of (primals, nonzero tangents) ↦ (primal outputs, nonzero tangent outputs), optimised
 * and with its constants hoisted to leading inputs like every jaxpr jit hands a backend.
 */
const jvpJaxpr = memoPerJaxpr((jaxpr: ClosedJaxpr, nonzero: readonly boolean[]): JvpJaxpr => {
  const inAvals = jaxpr.inAvals;
  const tangentAvals = inAvals.filter((_, i) => nonzero[i]).map((a) => a.strong());
  let zeroOut: boolean[] = [];
  const traced = optimize(traceFlat((...xs) => {
    const primals = xs.slice(0, inAvals.length);
    let k = inAvals.length;
    const tangents: Tangent[] = inAvals.map((a, i) => (nonzero[i] ? xs[k++]! : new Zero(a)));
    const [po, to] = jvpFlat((...ys) => evalClosedJaxpr(jaxpr, ys), primals, tangents);
    zeroOut = to.map((t) => isZero(t));
    return [...po, ...to.filter((t) => !isZero(t)).map(instantiate)];
  }, [...inAvals, ...tangentAvals]));
  return { jaxpr: hoistConsts(traced), consts: traced.consts, zeroOut };
});

export function jvpOfJit(primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<'jit'>): [NDArray[], Tangent[]] {
  const nonzero = tangents.map((t) => !isZero(t));
  const { jaxpr, consts, zeroOut } = jvpJaxpr(params.jaxpr, nonzero);
  const nOut = params.jaxpr.outAvals.length;
  const outs = bind('jit', [...consts, ...primals, ...tangents.filter((t) => !isZero(t)).map(instantiate)], {
    name: `jvp(${params.name})`, jaxpr, donated: jaxpr.inAvals.map(() => false),
  });
  let k = nOut;
  const tangentOuts = zeroOut.map((z, i) => (z ? new Zero(params.jaxpr.outAvals[i]!) : outs[k++]!));
  return [outs.slice(0, nOut), tangentOuts];
}

/**
 * The jaxpr of (known inputs, output cotangents) ↦ cotangents of the linear inputs, for a jitted
 * jaxpr that is linear in the inputs marked `linear`: the backward pass, traced and optimised.
 */
const transposeJaxpr = memoPerJaxpr((cj: ClosedJaxpr, linear: readonly boolean[]): { jaxpr: ClosedJaxpr; consts: readonly NDArray[] } => {
  const { jaxpr } = cj;
  const knownVars = jaxpr.invars.filter((_, i) => !linear[i]);
  const linearVars = jaxpr.invars.filter((_, i) => linear[i]);
  const traced = optimize(traceFlat((...xs) => {
    const known = xs.slice(0, knownVars.length), cts = xs.slice(knownVars.length);
    // The same equations with the known inputs as constants: a linear jaxpr backwardPass can run.
    const asLinear = new ClosedJaxpr(new Jaxpr([...jaxpr.constvars, ...knownVars], linearVars, jaxpr.eqns, jaxpr.outs), [...cj.consts, ...known]);
    return backwardPass(asLinear, cts).map(instantiate);
  }, [...knownVars.map((v) => v.aval), ...cj.outAvals]));
  return { jaxpr: hoistConsts(traced), consts: traced.consts };
});

export function transposeJit(cts: readonly Tangent[], args: readonly (NDArray | UndefinedPrimal)[], params: Params<'jit'>): (Tangent | null)[] {
  const linear = args.map((a) => a instanceof UndefinedPrimal);
  const known = args.filter((a): a is NDArray => !(a instanceof UndefinedPrimal));
  const { jaxpr, consts } = transposeJaxpr(params.jaxpr, linear);
  const ctsIn = bind('jit', [...consts, ...known, ...cts.map(instantiate)], {
    name: `transpose(${params.name})`, jaxpr, donated: jaxpr.inAvals.map(() => false),
  });
  let k = 0;
  return linear.map((l) => (l ? ctsIn[k++]! : null));
}

/**
 * vmap(jit(f)) is one jitted call of the batched jaxpr, traced once per (jaxpr, batched inputs,
 * size). Donation carries over (as JAX's pjit batching keeps donated_invars): a donated operand is
 * the batched array itself (or its transposed copy), which the call may overwrite or hand out, so
 * it is disposed afterwards as the jit layer disposes its own donated arguments.
 */
const batchJit: BatchRule<'jit'> = (args, dims, params, size) => {
  const inDims = frontDims(dims);
  const { jaxpr, consts, outDims } = batchedJitJaxpr(params.jaxpr, { inDims, size });
  const operands = batchedAtFront(args, dims, size);
  const outs = bind('jit', [...consts, ...operands], {
    name: `vmap(${params.name})`, jaxpr, donated: [...consts.map(() => false), ...params.donated],
  });
  operands.forEach((a, i) => { if (params.donated[i] && a instanceof ConcreteArray && !outs.includes(a)) a.dispose(); });
  return [outs, outDims];
};
