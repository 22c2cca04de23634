// lax.cond and lax.switch: the `cond` primitive (JAX's cond_p: an index picks one of several
// branch jaxprs of one signature) with its shape rule, implementation, JVP, partial evaluation and
// transpose side by side, as JAX keeps them in conditionals.py.
import * as E from 'fp-ts/lib/Either.js';
import { DceRule, dropInputs, pruneOutputs } from '../core/passes.js';
import { ShapedArray } from '../core/aval.js';
import { ConcreteArray, NDArray } from '../core/array.js';
import { isInteger } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, Jaxpr, Var } from '../core/jaxpr.js';
import * as lax from '../core/lax.js';
import { Params, ShapeRule } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { PyTree, TreeDef } from '../core/tree.js';
import type { HigherOrderRules } from '../transforms/higher-order.js';
import { EqnSplit, partialEvalJaxpr } from '../transforms/partial-eval-jaxpr.js';
import { instantiate, isZero, Tangent, Zero } from '../transforms/tangent.js';
import { UndefinedPrimal } from '../transforms/transpose-rules.js';
import { stageByShape } from '../transforms/custom-rules.js';
import { evalClosedJaxpr } from '../core/jaxpr.js';
import { BatchDim, moveBatchDim } from '../transforms/batch-rules.js';
import { batchJaxpr, checkSameTypes, flattenArrays, jvpJaxpr, traceBody, traceJaxpr, transposeJaxpr, where } from './common.js';

// ---- the API ------------------------------------------------------------------------------------
/**
 * `lax.switch(index, branches, ...operands)`: `branches[clamp(index, 0, n-1)](...operands)`, staged as
 * one `cond` equation: every branch is traced, and all must return the same types.
 */
export function switchCase<A extends PyTree[], R extends PyTree>(index: NDArray | number, branches: readonly ((...operands: A) => R)[], ...operands: A): R {
  return condOf('lax.switch', index, branches as never, operands, branches.map((_, k) => `branches[${k}] returns`));
}

/** lax.cond(pred, trueFn, falseFn, ...operands): trueFn(...operands) where pred is true, else falseFn(...). */
export function cond<A extends PyTree[], R extends PyTree>(pred: NDArray | boolean, trueFn: (...operands: A) => R, falseFn: (...operands: A) => R, ...operands: A): R {
  if (typeof trueFn !== 'function' || typeof falseFn !== 'function') throw new TypeError('lax.cond: trueFn and falseFn must be functions (the operands follow them)');
  const p = typeof pred === 'boolean' ? lax.scalar(pred, 'bool') : pred;
  if (!(p instanceof NDArray)) throw new TypeError(`lax.cond: pred must be a boolean scalar (an Array or a JS boolean), got ${typeof pred}`);
  if (p.ndim !== 0 || p.dtype !== 'bool') {
    throw new DTypeError(`lax.cond: pred must be a boolean scalar, got ${p.aval.str()}${p.dtype !== 'bool' ? ' (compare explicitly, e.g. x.gt(0), to get a bool)' : ' (reduce it, e.g. with np.all, or use np.where for an elementwise choice)'}`);
  }
  // Branch 0 is taken for index 0 (false), as JAX's cond lowers to switch(pred, [falseFn, trueFn]).
  return condOf('lax.cond', lax.convertElementType(p, 'int32'), [falseFn, trueFn] as never, operands, ['falseFn returns', 'trueFn returns']);
}

function condOf<R extends PyTree>(op: string, index: NDArray | number, branches: readonly ((...operands: PyTree[]) => R)[], operands: PyTree[], names: readonly string[]): R {
  if (!Array.isArray(branches) || branches.length === 0 || branches.some((b) => typeof b !== 'function')) {
    throw new TypeError(`${op}: branches must be a non-empty list of functions`);
  }
  const idx = typeof index === 'number' ? lax.scalar(index, 'int32') : index;
  if (!(idx instanceof NDArray) || idx.ndim !== 0 || !isInteger(idx.dtype)) {
    throw new DTypeError(`${op}: the index must be an integer scalar, got ${idx instanceof NDArray ? idx.aval.str() : typeof index}`);
  }
  const [ops, inTree] = flattenArrays(operands, op);
  const avals = ops.map((o) => o.aval);
  // Trace each branch; each may capture different values, which become operands of every branch.
  const outTrees: TreeDef[] = [];
  const traced = branches.map((b) => traceBody((...xs) => {
    const [outs, d] = flattenArrays(b(...(tree.unflatten(inTree, xs) as PyTree[])), op);
    outTrees.push(d);
    return outs;
  }, avals));
  traced.forEach((t, k) => {
    if (k > 0) {
      checkSameTypes(op, 'the branches must return the same types',
        [outTrees[k]!, t.jaxpr.outAvals, names[k]!], [outTrees[0]!, traced[0]!.jaxpr.outAvals, names[0]!], 'output');
    }
  });
  // Every branch takes all captured values (its own and the others', ignored), then the operands.
  const allConsts = traced.flatMap((t) => t.consts);
  const constAvals = allConsts.map((c) => c.aval);
  let offset = 0;
  const jaxprs = traced.map((t) => {
    const before = offset;
    offset += t.consts.length;
    return widen(t.jaxpr, constAvals, before, t.consts.length);
  });
  const outs = bind('cond', [lax.convertElementType(idx, 'int32'), ...allConsts, ...ops], { branches: jaxprs });
  return tree.unflatten(outTrees[0]!, outs) as R;
}

/** A branch over (its consts, operands) as one over (all consts, operands): the others' consts are unused inputs. */
function widen(cj: ClosedJaxpr, constAvals: readonly ShapedArray[], before: number, mine: number): ClosedJaxpr {
  if (constAvals.length === mine) return cj;
  const j = cj.jaxpr;
  const invars = constAvals.map((a, i) => (i >= before && i < before + mine ? j.invars[i - before]! : new Var(a)));
  return new ClosedJaxpr(new Jaxpr(j.constvars, [...invars, ...j.invars.slice(mine)], j.eqns, j.outs), cj.consts);
}

// ---- the rules ----------------------------------------------------------------------------------
const shape: ShapeRule<'cond'> = (avals, { branches }) => {
  const [index, ...ops] = avals;
  if (!index || index.ndim !== 0 || index.dtype !== 'int32') return E.left(`the index must be an int32 scalar, got ${index?.str() ?? 'nothing'}`);
  if (branches.length === 0) return E.left('needs at least one branch');
  const outs0 = branches[0]!.outAvals;
  for (let k = 0; k < branches.length; k++) {
    const b = branches[k]!;
    if (b.inAvals.length !== ops.length || b.inAvals.some((a, i) => !a.equals(ops[i]!))) {
      return E.left(`branch ${k} takes (${b.inAvals.map((a) => a.str()).join(', ')}) but the operands are (${ops.map((a) => a.str()).join(', ')})`);
    }
    const outs = b.outAvals;
    if (outs.length !== outs0.length || outs.some((a, i) => !a.equals(outs0[i]!))) {
      return E.left(`branch ${k} returns (${outs.map((a) => a.str()).join(', ')}) but branch 0 returns (${outs0.map((a) => a.str()).join(', ')})`);
    }
  }
  return E.right(outs0.map((a) => a.strong()));
};

const clampIndex = (i: number, n: number) => Math.min(Math.max(Math.trunc(i), 0), n - 1);

/**
 * On the CPU the index is read and one branch runs. Elsewhere the index stays on the device: every
 * branch runs and the results are selected by the index (no read-back; the price is computing the
 * branches not taken, as a vmapped cond does).
 */
function impl(args: readonly NDArray[], { branches }: Params<'cond'>): NDArray[] {
  const [index, ...ops] = args;
  if (index instanceof ConcreteArray && index.backend.name === 'cpu') {
    return evalClosedJaxpr(branches[clampIndex(index.dataSync()[0]!, branches.length)]!, ops);
  }
  return selectBranches(index!, branches.map((b) => bind('jit', ops, { name: 'cond branch', jaxpr: b, donated: ops.map(() => false) })));
}

/** out = results[clamp(index)], elementwise selects on the index: every branch's results are computed. */
export function selectBranches(index: NDArray, results: readonly NDArray[][]): NDArray[] {
  const n = results.length;
  return results[0]!.map((_, o) => {
    let acc = results[n - 1]![o]!;
    for (let k = n - 2; k >= 0; k--) {
      const r = results[k]![o]!;
      // index ≤ k picks branch k (index below 0 clamps to branch 0).
      const pick = lax.broadcastInDim(lax.le(index, lax.scalar(k, index.dtype)), r.shape, []);
      acc = lax.select(pick, r, acc);
    }
    return acc;
  });
}

function jvp(primals: readonly NDArray[], tangents: readonly Tangent[], { branches }: Params<'cond'>): [NDArray[], Tangent[]] {
  const [index, ...ops] = primals;
  const nonzero = tangents.slice(1).map((t) => !isZero(t));
  // The union of the branches' nonzero outputs: every branch then returns a tangent for each.
  const nzOut = branches[0]!.outAvals.map((_, o) => branches.some((b) => !jvpJaxpr(b, nonzero).zeroOut[o]));
  const jvps = branches.map((b) => jvpJaxpr(b, nonzero, nzOut).jaxpr);
  const outs = bind('cond', [index!, ...ops, ...tangents.slice(1).filter((t) => !isZero(t)).map(instantiate)], { branches: jvps });
  const n = branches[0]!.outAvals.length;
  let k = n;
  return [outs.slice(0, n), nzOut.map((nz, o) => (nz ? outs[k++]! : new Zero(branches[0]!.outAvals[o]!)))];
}

/**
 * Each branch splits into a known half (run now under the index) and an unknown half (staged under
 * the same index). Branches save different residuals: every known branch returns all of them, zeros
 * in the others' places.
 */
function partialEval(params: Params<'cond'>, inUnknown: readonly boolean[]): EqnSplit | 'unknown' {
  if (inUnknown[0]) return 'unknown';
  const opsUk = inUnknown.slice(1);
  const { branches } = params;
  const outUnknown = branches[0]!.outAvals.map((_, o) => branches.some((b) => partialEvalJaxpr(b, opsUk).outUnknown[o]!));
  const splits = branches.map((b) => partialEvalJaxpr(b, opsUk, outUnknown));
  const resAvals = splits.flatMap((s) => s.known.outAvals.slice(s.known.outAvals.length - s.numResiduals));
  const starts: number[] = [];
  splits.reduce((off, s) => { starts.push(off); return off + s.numResiduals; }, 0);
  const knownAvals = branches[0]!.inAvals.filter((_, i) => !opsUk[i]);
  const knownBranches = splits.map((s, k) => traceJaxpr((...xs) => {
    const outs = evalClosedJaxpr(s.known, xs);
    const nOut = outs.length - s.numResiduals;
    const res = resAvals.map((a, r) => (r >= starts[k]! && r < starts[k]! + s.numResiduals ? outs[nOut + r - starts[k]!]! : lax.zerosLike(a)));
    return [...outs.slice(0, nOut), ...res];
  }, knownAvals));
  const ukAvals = branches[0]!.inAvals.filter((_, i) => opsUk[i]);
  const unknownBranches = splits.map((s, k) => traceJaxpr((...xs) => {
    const res = xs.slice(starts[k]!, starts[k]! + s.numResiduals);
    return evalClosedJaxpr(s.unknown, [...res, ...xs.slice(resAvals.length)]);
  }, [...resAvals, ...ukAvals]));
  return {
    outUnknown,
    knownInputs: where(inUnknown, false),
    known: { primitive: 'cond', params: { branches: knownBranches } },
    numResiduals: resAvals.length,
    unknown: { primitive: 'cond', params: { branches: unknownBranches } },
    unknownInputs: [['known', 0], ...resAvals.map((_, r) => ['residual', r] as const), ...where(inUnknown).map((i) => ['unknown', i] as const)],
  };
}

/** The transpose of a linear cond is a cond of the branches' transposes under the same index. */
function transpose(cts: readonly Tangent[], args: readonly (NDArray | UndefinedPrimal)[], { branches }: Params<'cond'>): (Tangent | null)[] {
  const [index, ...ops] = args;
  if (index instanceof UndefinedPrimal) throw new Error('internal: the index of a cond cannot be linear');
  const linear = ops.map((o) => o instanceof UndefinedPrimal);
  const knownOps = ops.filter((o): o is NDArray => !(o instanceof UndefinedPrimal));
  const transposed = branches.map((b) => transposeJaxpr(b, linear));
  const ctsIn = bind('cond', [index!, ...knownOps, ...cts.map((c, i) => (isZero(c) ? lax.zerosLike(branches[0]!.outAvals[i]!.strong()) : c))], { branches: transposed });
  let k = 0;
  return [null, ...linear.map((l) => (l ? ctsIn[k++]! : null))];
}

/** Unread outputs are dropped from every branch, then the operands no branch reads any more. */
const dce: DceRule<'cond'> = (e, used) => {
  const { branches } = e.params;
  if (used.every((u) => u)) {
    const reads = branches.map((b) => pruneOutputs(b, used).reads);
    if (reads[0]!.every((_, i) => reads.some((r) => r[i]))) return e;
  }
  const pruned = branches.map((b) => pruneOutputs(b, used));
  const keepOp = pruned[0]!.reads.map((_, i) => pruned.some((p) => p.reads[i]));
  return {
    ...e,
    inputs: e.inputs.filter((_, i) => i === 0 || keepOp[i - 1]),
    outvars: e.outvars.filter((_, i) => used[i]),
    params: { branches: pruned.map((p) => dropInputs(p.closed, keepOp)) },
  };
};

export const condDce = dce;
export const condShape = shape;
export const condRules = (): HigherOrderRules<'cond'> => ({ impl, jvp, partialEval, transpose, stage: stageByShape('cond'), batch: condBatch });

// ---- batching -----------------------------------------------------------------------------------
/**
 * Under vmap: with one index for every lane, a cond of the batched branches; with an index per
 * lane, every branch runs on every lane and each lane selects its branch's results (as JAX does).
 */
export function condBatch(args: readonly NDArray[], dims: readonly BatchDim[], { branches }: Params<'cond'>, size: number): [NDArray[], BatchDim[]] {
  const [index, ...ops] = args;
  const opsBatched = dims.slice(1).map((d) => d !== null);
  const front = ops.map((o, i) => (dims[i + 1] === null ? o : moveBatchDim(o, dims[i + 1]!, 0, size)));
  if (dims[0] === null) {
    const outBatched = branches[0]!.outAvals.map((_, o) => branches.some((b) => batchJaxpr(b, opsBatched, size).outBatched[o]!));
    const batched = branches.map((b) => batchJaxpr(b, opsBatched, size, outBatched).jaxpr);
    const outs = bind('cond', [index!, ...front], { branches: batched });
    return [outs, outBatched.map((b) => (b ? 0 : null))];
  }
  const lanes = moveBatchDim(index!, dims[0]!, 0, size);
  const results = branches.map((b) => {
    const { jaxpr, outBatched } = batchJaxpr(b, opsBatched, size, b.outAvals.map(() => true));
    void outBatched;
    return evalClosedJaxpr(jaxpr, front);
  });
  const n = branches.length;
  const outs = results[0]!.map((_, o) => {
    let acc = results[n - 1]![o]!;
    for (let k = n - 2; k >= 0; k--) {
      const r = results[k]![o]!;
      const pick = lax.broadcastInDim(lax.le(lanes, lax.fullLike(lanes, k)), r.shape, [0]);
      acc = lax.select(pick, r, acc);
    }
    return acc;
  });
  return [outs, outs.map(() => 0)];
}
