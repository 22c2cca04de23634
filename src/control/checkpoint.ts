// checkpoint(f, {policy}) (alias remat): the `checkpoint` primitive with its rules side by side
// (JAX's remat_p). Under differentiation its forward pass saves only what the policy allows; the
// backward pass recomputes the rest from the function's inputs.
import * as E from 'fp-ts/lib/Either.js';
import { NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import { Atom, ClosedJaxpr, evalClosedJaxpr, Jaxpr, JaxprEqn, Var } from '../core/jaxpr.js';
import { DceRule, dropInputs, eliminateDeadCode, pruneOutputs } from '../core/passes.js';
import { CheckpointPolicy, Params, ShapeRule } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { ArrayTree, PyTree, TreeDef } from '../core/tree.js';
import type { HigherOrderRules } from '../transforms/higher-order.js';
import { EqnSplit, partialEvalJaxpr } from '../transforms/partial-eval-jaxpr.js';
import { isZero, Tangent, Zero } from '../transforms/tangent.js';
import { UndefinedPrimal } from '../transforms/transpose-rules.js';
import { stageByShape } from '../transforms/custom-rules.js';
import { BatchDim, moveBatchDim } from '../transforms/batch-rules.js';
import { batchJaxpr, flattenArrays, jvpJaxpr, traceBody, transposeJaxpr, where } from './common.js';
import * as lax from '../core/lax.js';

/** JAX's checkpoint_policies, by their JS names. */
export const checkpointPolicies = {
  /** Save nothing: the backward pass recomputes every intermediate from the inputs (the default). */
  nothingSaveable: 'nothing_saveable',
  /** Save the results of matrix products (dot_general); recompute the cheap elementwise work. */
  dotsSaveable: 'dots_saveable',
  /** Save everything: as if there were no checkpoint. */
  everythingSaveable: 'everything_saveable',
} as const satisfies Record<string, CheckpointPolicy>;
const POLICIES = new Set<string>(Object.values(checkpointPolicies));

/** Options of checkpoint. */
export interface CheckpointOptions {
  /** What the forward pass may save (see checkpointPolicies; nothing by default). */
  policy?: CheckpointPolicy;
}

/**
 * checkpoint(f, {policy}): f, whose intermediates are recomputed in the backward pass instead of
 * being kept from the forward pass (all but those the policy saves). Values and gradients are f's.
 */
export function checkpoint<A extends PyTree[], R extends PyTree>(f: (...args: A) => R, { policy = 'nothing_saveable' }: CheckpointOptions = {}): (...args: A) => ArrayTree<R> {
  if (typeof f !== 'function') throw new TypeError('checkpoint: f must be a function');
  if (!POLICIES.has(policy)) throw new TypeError(`checkpoint: unknown policy ${JSON.stringify(policy)}; expected one of ${[...POLICIES].join(', ')} (see checkpointPolicies)`);
  const name = f.name || 'checkpointed';
  return (...args: A): ArrayTree<R> => {
    const [ins, inTree] = flattenArrays(args, `checkpoint(${name})`);
    let outTree: TreeDef | null = null;
    const body = traceBody((...xs) => {
      const [outs, d] = flattenArrays(f(...(tree.unflatten(inTree, xs) as A)), `checkpoint(${name})`);
      outTree = d;
      return outs;
    }, ins.map((x) => x.aval));
    const outs = bind('checkpoint', [...body.consts, ...ins], { name, jaxpr: body.jaxpr, policy });
    return tree.unflatten(outTree!, outs) as ArrayTree<R>;
  };
}
/** The same as checkpoint (JAX's other name). */
export const remat = checkpoint;

// ---- the rules ----------------------------------------------------------------------------------
const shape: ShapeRule<'checkpoint'> = (avals, { jaxpr }) => {
  const want = jaxpr.inAvals;
  if (avals.length !== want.length || avals.some((a, i) => !a.equals(want[i]!))) {
    return E.left(`called with (${avals.map((a) => a.str()).join(', ')}) but traced for (${want.map((a) => a.str()).join(', ')})`);
  }
  return E.right(jaxpr.outAvals.map((a) => a.strong()));
};

/** Run as it is: checkpointing changes only what differentiation keeps. */
const impl = (args: readonly NDArray[], { jaxpr }: Params<'checkpoint'>): NDArray[] => evalClosedJaxpr(jaxpr, args);

function jvp(primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<'checkpoint'>): [NDArray[], Tangent[]] {
  const nonzero = tangents.map((t) => !isZero(t));
  const { jaxpr, zeroOut } = jvpJaxpr(params.jaxpr, nonzero);
  const outs = bind('checkpoint', [...primals, ...tangents.filter((t) => !isZero(t)) as NDArray[]], { ...params, name: `jvp(${params.name})`, jaxpr });
  const n = params.jaxpr.outAvals.length;
  let k = n;
  return [outs.slice(0, n), zeroOut.map((z, i) => (z ? new Zero(outs[i]!.aval) : outs[k++]!))];
}

const saveable: { [P in CheckpointPolicy]: (e: JaxprEqn) => boolean } = {
  nothing_saveable: () => false,
  dots_saveable: (e) => e.primitive === 'dot_general',
  everything_saveable: () => true,
};

/**
 * The known half runs the primal and returns what the policy saves; the unknown half is a
 * checkpoint again, which recomputes every other known value it needs from the known inputs
 * (forwarded to it) before its tangent work. Its transpose runs that recomputation in the backward pass.
 */
function partialEval(params: Params<'checkpoint'>, inUnknown: readonly boolean[]): EqnSplit {
  const cj = params.jaxpr, { jaxpr } = cj;
  const isSaved = saveable[params.policy];
  const unknownVars = new Set<Var>(jaxpr.invars.filter((_, i) => inUnknown[i]));
  const isUk = (a: Atom) => a instanceof Var && unknownVars.has(a);
  const knownEqns: JaxprEqn[] = [], recomputed: JaxprEqn[] = [];
  const saved: Var[] = [];
  for (const e of jaxpr.eqns) {
    if (e.inputs.some(isUk)) { e.outvars.forEach((v) => unknownVars.add(v)); recomputed.push(e); continue; }
    knownEqns.push(e);
    if (isSaved(e)) saved.push(...e.outvars);
    else recomputed.push(e);
  }
  const outUnknown = jaxpr.outs.map(isUk);
  const knownInvars = jaxpr.invars.filter((_, i) => !inUnknown[i]);
  const ukInvars = jaxpr.invars.filter((_, i) => inUnknown[i]);
  // The unknown half, before pruning: every known input and saved value available, then DCE.
  const full = eliminateDeadCode(new ClosedJaxpr(new Jaxpr(jaxpr.constvars, [...knownInvars, ...saved, ...ukInvars], recomputed, jaxpr.outs.filter((_, i) => outUnknown[i])), cj.consts));
  const used = new Set<Var>();
  for (const e of full.jaxpr.eqns) e.inputs.forEach((a) => { if (a instanceof Var) used.add(a); });
  full.jaxpr.outs.forEach((a) => { if (a instanceof Var) used.add(a); });
  const fwdKnown = knownInvars.filter((v) => used.has(v)), res = saved.filter((v) => used.has(v));
  const unknownJaxpr = new ClosedJaxpr(new Jaxpr(full.jaxpr.constvars, [...fwdKnown, ...res, ...ukInvars], full.jaxpr.eqns, full.jaxpr.outs), full.consts);
  const knownJaxpr = eliminateDeadCode(new ClosedJaxpr(new Jaxpr(jaxpr.constvars, knownInvars, knownEqns, [...jaxpr.outs.filter((_, i) => !outUnknown[i]), ...res]), cj.consts));
  return {
    outUnknown,
    knownInputs: where(inUnknown, false),
    known: { primitive: 'checkpoint', params: { ...params, jaxpr: knownJaxpr } },
    numResiduals: res.length,
    unknown: { primitive: 'checkpoint', params: { ...params, name: `rematted(${params.name})`, jaxpr: unknownJaxpr } },
    unknownInputs: [
      ...fwdKnown.map((v) => ['known', jaxpr.invars.indexOf(v)] as const),
      ...res.map((_, r) => ['residual', r] as const),
      ...where(inUnknown).map((i) => ['unknown', i] as const),
    ],
  };
}

/** Recompute the non-linear part from the known inputs now, then transpose the linear part. */
function transpose(cts: readonly Tangent[], args: readonly (NDArray | UndefinedPrimal)[], { jaxpr }: Params<'checkpoint'>): (Tangent | null)[] {
  const linear = args.map((a) => a instanceof UndefinedPrimal);
  const split = partialEvalJaxpr(jaxpr, linear);
  const knownArgs = args.filter((a): a is NDArray => !(a instanceof UndefinedPrimal));
  const knownOuts = evalClosedJaxpr(split.known, knownArgs);
  const residuals = knownOuts.slice(knownOuts.length - split.numResiduals);
  const ukOuts = jaxpr.outAvals.map((_, i) => i).filter((i) => split.outUnknown[i]);
  const lin = transposeJaxpr(split.unknown, [...residuals.map(() => false), ...linear.filter(Boolean)]);
  const ctsIn = evalClosedJaxpr(lin, [...residuals, ...ukOuts.map((i) => (isZero(cts[i]) ? lax.zerosLike(jaxpr.outAvals[i]!.strong()) : cts[i] as NDArray))]);
  let k = 0;
  return linear.map((l) => (l ? ctsIn[k++]! : null));
}

/** Unread outputs are dropped from the checkpointed jaxpr, then the inputs it no longer reads. */
const dce: DceRule<'checkpoint'> = (e, used) => {
  const pruned = pruneOutputs(e.params.jaxpr, used);
  if (used.every((u) => u) && pruned.reads.every((r) => r)) return e;
  return {
    ...e,
    inputs: e.inputs.filter((_, i) => pruned.reads[i]),
    outvars: e.outvars.filter((_, i) => used[i]),
    params: { ...e.params, jaxpr: dropInputs(pruned.closed, pruned.reads) },
  };
};

export const checkpointDce = dce;
export const checkpointShape = shape;
export const checkpointRules = (): HigherOrderRules<'checkpoint'> => ({ impl, jvp, partialEval, transpose, stage: stageByShape('checkpoint'), batch: checkpointBatch });

// ---- batching -----------------------------------------------------------------------------------
/** Under vmap: a checkpoint of the batched function. */
export function checkpointBatch(args: readonly NDArray[], dims: readonly BatchDim[], params: Params<'checkpoint'>, size: number): [NDArray[], BatchDim[]] {
  const { jaxpr, outBatched } = batchJaxpr(params.jaxpr, dims.map((d) => d !== null), size);
  const outs = bind('checkpoint', args.map((a, i) => (dims[i] === null ? a : moveBatchDim(a, dims[i]!, 0, size))), { ...params, name: `vmap(${params.name})`, jaxpr });
  return [outs, outBatched.map((b) => (b ? 0 : null))];
}
