// lax.whileLoop and lax.foriLoop: the `while` primitive with its shape rule, implementation, JVP
// and partial evaluation side by side (JAX's while_p in loops.py). foriLoop with static bounds is
// a scan (so reverse mode works); with traced bounds it is a while loop.
import * as E from 'fp-ts/lib/Either.js';
import { ConcreteArray, NDArray } from '../core/array.js';
import type { Backend } from '../core/backend.js';
import { isInteger } from '../core/dtype.js';
import { CotangentError, DTypeError } from '../core/errors.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, Jaxpr, Var } from '../core/jaxpr.js';
import * as lax from '../core/lax.js';
import { DceRule, dropInputs, eliminateDeadCode, pruneOutputs } from '../core/passes.js';
import { Params, ShapeRule } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { PyTree } from '../core/tree.js';
import type { HigherOrderRules } from '../transforms/higher-order.js';
import { EqnSplit, partialEvalJaxpr } from '../transforms/partial-eval-jaxpr.js';
import { isZero, Tangent, Zero } from '../transforms/tangent.js';
import { stageByShape } from '../transforms/custom-rules.js';
import { BatchDim, moveBatchDim } from '../transforms/batch-rules.js';
import { batchJaxpr, checkSameTypes, flattenArrays, jvpJaxpr, permute, range, traceBody, traceJaxpr, where } from './common.js';
import { evalClosedJaxpr } from '../core/jaxpr.js';
import { scan } from './scan.js';

// ---- the API ------------------------------------------------------------------------------------
/**
 * lax.whileLoop(condFn, bodyFn, init): carry = init; while condFn(carry): carry = bodyFn(carry). Forward-mode only.
 *
 * @example
 * const n = lax.whileLoop((i: np.Array) => i.lt(10), (i: np.Array) => i.mul(2), np.array(1)); // 16
 */
export function whileLoop<C extends PyTree>(condFn: (carry: C) => NDArray | boolean, bodyFn: (carry: C) => C, init: C): C {
  const op = 'lax.whileLoop';
  if (typeof condFn !== 'function' || typeof bodyFn !== 'function') throw new TypeError(`${op}: condFn and bodyFn must be functions`);
  const [carry, carryTree] = flattenArrays(init, `${op} (init)`);
  const avals = carry.map((c) => c.aval);
  const condBody = traceBody((...xs) => {
    const p = condFn(tree.unflatten(carryTree, xs) as C);
    const pa = typeof p === 'boolean' ? lax.scalar(p, 'bool') : p;
    if (!(pa instanceof NDArray) || pa.ndim !== 0 || pa.dtype !== 'bool') {
      throw new DTypeError(`${op}: condFn must return a boolean scalar, got ${pa instanceof NDArray ? pa.aval.str() : typeof p}`);
    }
    return [pa];
  }, avals);
  let outTree: tree.TreeDef | null = null;
  const body = traceBody((...xs) => {
    const [outs, d] = flattenArrays(bodyFn(tree.unflatten(carryTree, xs) as C), `${op} (bodyFn output)`);
    outTree = d;
    return outs;
  }, avals);
  checkSameTypes(op, 'bodyFn must return a carry of the type it takes', [outTree!, body.jaxpr.outAvals, 'bodyFn returns'], [carryTree, avals, 'the carry (init) is'], 'carry');
  const outs = bind('while', [...condBody.consts, ...body.consts, ...carry], {
    condJaxpr: condBody.jaxpr, bodyJaxpr: body.jaxpr, condNumConsts: condBody.consts.length, bodyNumConsts: body.consts.length,
  });
  return tree.unflatten(carryTree, outs) as C;
}

/**
 * lax.foriLoop(lower, upper, bodyFn, init): for i in [lower, upper): carry = bodyFn(i, carry).
 * With JS-number bounds it is a scan of upper − lower steps (differentiable in reverse mode too);
 * with traced bounds, a while loop.
 *
 * @example
 * const sum = lax.foriLoop(0, 10, (i: np.Array, acc: np.Array) => acc.add(i), np.array(0)); // 45
 */
export function foriLoop<C extends PyTree>(lower: number | NDArray, upper: number | NDArray, bodyFn: (i: NDArray, carry: C) => C, init: C): C {
  const op = 'lax.foriLoop';
  if (typeof bodyFn !== 'function') throw new TypeError(`${op}: bodyFn must be a function (i, carry) → carry`);
  const concrete = (b: number | NDArray): number | null => {
    if (typeof b === 'number') return b;
    if (!(b instanceof NDArray) || b.ndim !== 0 || !isInteger(b.dtype)) throw new DTypeError(`${op}: bounds must be integer scalars, got ${b instanceof NDArray ? b.aval.str() : typeof b}`);
    return b instanceof ConcreteArray && b.backend.name === 'cpu' ? Number(b.dataSync()[0]) : null;
  };
  const lo = concrete(lower), hi = concrete(upper);
  if (lo !== null && hi !== null) {
    if (!Number.isInteger(lo) || !Number.isInteger(hi)) throw new TypeError(`${op}: bounds must be integers, got ${lo} and ${hi}`);
    const step = ([i, c]: [NDArray, C]): [[NDArray, C], null] => [[lax.add(i, lax.scalar(1, 'int32')), bodyFn(i, c)], null];
    const [[, result]] = scan(step, [lax.scalar(lo, 'int32'), init] as [NDArray, C], null, { length: Math.max(0, hi - lo) });
    return result;
  }
  const asI32 = (b: number | NDArray) => (typeof b === 'number' ? lax.scalar(b, 'int32') : lax.convertElementType(b, 'int32'));
  const [, , result] = whileLoop(([i, u]: [NDArray, NDArray, C]) => lax.lt(i, u),
    ([i, u, c]: [NDArray, NDArray, C]) => [lax.add(i, lax.scalar(1, 'int32')), u, bodyFn(i, c)] as [NDArray, NDArray, C],
    [asI32(lower), asI32(upper), init] as [NDArray, NDArray, C]);
  return result;
}

// ---- the rules ----------------------------------------------------------------------------------
const shape: ShapeRule<'while'> = (avals, { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK }) => {
  const carry = avals.slice(nCK + nBK);
  const condIn = [...avals.slice(0, nCK), ...carry], bodyIn = [...avals.slice(nCK, nCK + nBK), ...carry];
  const same = (a: readonly { equals(o: never): boolean }[], b: readonly unknown[]) => a.length === b.length && a.every((x, i) => x.equals(b[i] as never));
  if (!same(condJaxpr.inAvals, condIn)) return E.left(`the condition takes (${condJaxpr.inAvals.map((a) => a.str()).join(', ')}) but is given (${condIn.map((a) => a.str()).join(', ')})`);
  const p = condJaxpr.outAvals;
  if (p.length !== 1 || p[0]!.ndim !== 0 || p[0]!.dtype !== 'bool') return E.left(`the condition must return one bool scalar, got (${p.map((a) => a.str()).join(', ')})`);
  if (!same(bodyJaxpr.inAvals, bodyIn)) return E.left(`the body takes (${bodyJaxpr.inAvals.map((a) => a.str()).join(', ')}) but is given (${bodyIn.map((a) => a.str()).join(', ')})`);
  const outs = bodyJaxpr.outAvals;
  for (let c = 0; c < carry.length; c++) if (!outs[c]?.equals(carry[c]!)) return E.left(`the body returns carry ${c} as ${outs[c]?.str()} but takes it as ${carry[c]!.str()}`);
  if (outs.length !== carry.length) return E.left(`the body returns ${outs.length} values for ${carry.length} carries`);
  return E.right(carry.map((a) => a.strong()));
};

/**
 * The predicate is read on the host each iteration. The CPU reads it synchronously. A backend that
 * reads only asynchronously (WebGPU) runs the loop held at the head of its queue (heldWhile).
 */
function impl(args: readonly NDArray[], params: Params<'while'>): NDArray[] {
  const { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK } = params;
  const cc = args.slice(0, nCK), bc = args.slice(nCK, nCK + nBK);
  let carry = args.slice(nCK + nBK);
  const backend = args.find((a): a is ConcreteArray => a instanceof ConcreteArray && a.backend.name !== 'cpu')?.backend;
  if (backend?.runHeld) return heldWhile(backend as Backend & Required<Pick<Backend, 'runHeld'>>, args, params);
  const run = (jaxpr: ClosedJaxpr, xs: NDArray[], name: string) => bind('jit', xs, { name, jaxpr, donated: xs.map(() => false) });
  for (;;) {
    const [p] = run(condJaxpr, [...cc, ...carry], 'while cond');
    if (!(p instanceof ConcreteArray)) throw new Error('internal: while predicate is not concrete');
    if (p.backend.runHeld) return heldWhile(p.backend as Backend & Required<Pick<Backend, 'runHeld'>>, args, params);
    if (!p.dataSync()[0]) return carry;
    carry = run(bodyJaxpr, [...bc, ...carry], 'while body');
  }
}

// ---- the loop on a backend that reads back only asynchronously ---------------------------------
/** Whether a while equation is anywhere inside (sub-jaxprs of any equation included). */
const containsWhile = (cj: ClosedJaxpr): boolean => cj.jaxpr.eqns.some((e) => e.primitive === 'while' ||
  Object.values(e.params as object).some((p) => (p instanceof ClosedJaxpr ? containsWhile(p) : Array.isArray(p) && p.some((q) => q instanceof ClosedJaxpr && containsWhile(q)))));
/** The most predicated iterations one chunk runs between two reads of the predicate. */
const MAX_CHUNK = 64;
/**
 * (cond consts, body consts, carry) → (carry after k predicated iterations, cond of it): each
 * iteration steps the carry if the predicate holds and keeps it otherwise, so iterations past the
 * end change nothing. A static-length scan: on WebGPU one submission. `copyConsts`: the constants
 * come out too, as copies the loop owns (an operand may be scratch of the calling program, which
 * it reuses once its own call returns, before the loop's later chunks read it).
 */
const chunks = new WeakMap<ClosedJaxpr, Map<string, ClosedJaxpr>>();
function chunkJaxpr({ condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK }: Params<'while'>, k: number, copyConsts: boolean): ClosedJaxpr {
  let byK = chunks.get(bodyJaxpr);
  if (!byK) { byK = new Map(); chunks.set(bodyJaxpr, byK); }
  const key = `${k}${copyConsts ? '+consts' : ''}`;
  let cj = byK.get(key);
  if (!cj) {
    const avals = [...condJaxpr.inAvals.slice(0, nCK), ...bodyJaxpr.inAvals];
    cj = traceJaxpr((...xs) => {
      const ck = xs.slice(0, nCK), bk = xs.slice(nCK, nCK + nBK);
      const step = (c: NDArray[]): [NDArray[], null] => {
        const [p] = evalClosedJaxpr(condJaxpr, [...ck, ...c]);
        const next = evalClosedJaxpr(bodyJaxpr, [...bk, ...c]);
        return [next.map((n, i) => lax.select(lax.broadcastInDim(p!, n.shape, []), n, c[i]!)), null];
      };
      const [carry] = scan(step, xs.slice(nCK + nBK), null, { length: k });
      return [...carry, evalClosedJaxpr(condJaxpr, [...ck, ...carry])[0]!, ...(copyConsts ? xs.slice(0, nCK + nBK) : [])];
    }, avals);
    byK.set(key, cj);
  }
  return cj;
}

/**
 * The loop as chunks of predicated iterations (1, 2, 4, … up to MAX_CHUNK) with one read of the
 * predicate between chunks: the first chunk runs now and its carries are the results; the
 * backend holds everything submitted later until the loop is done, then the final carries are
 * written over the results' memory. At most MAX_CHUNK − 1 iterations run past the end (their
 * updates are selected away), and a loop of n iterations reads back about log2(n) + n / MAX_CHUNK times.
 */
function heldWhile(backend: Backend & Required<Pick<Backend, 'runHeld'>>, args: readonly NDArray[], params: Params<'while'>): NDArray[] {
  if (containsWhile(params.condJaxpr) || containsWhile(params.bodyJaxpr)) {
    throw new CotangentError(`lax.whileLoop: on the ${backend.name} backend a whileLoop cannot run inside the condition or body of another whileLoop: ` +
      'the outer loop holds the device queue while it reads its predicate back. Use lax.foriLoop with JS-number bounds or lax.scan for the inner loop');
  }
  const nK = params.condNumConsts + params.bodyNumConsts;
  const nC = args.length - nK;
  let consts = args.slice(0, nK);
  const runChunk = (k: number, carry: readonly NDArray[], copyConsts = false) => {
    const jaxpr = chunkJaxpr(params, k, copyConsts);
    return bind('jit', [...consts, ...carry], { name: 'while chunk', jaxpr, donated: jaxpr.inAvals.map(() => false) });
  };
  const bufferOf = (a: NDArray) => {
    if (!(a instanceof ConcreteArray)) throw new Error('internal: a whileLoop chunk returned a traced value');
    return a.buffer;
  };
  // `first` (the results) and `consts` stay referenced until the loop ends: their memory is not recycled under it.
  let first: NDArray[] = [];
  backend.runHeld(() => {
    const outs = runChunk(1, args.slice(nK), true);
    first = outs.slice(0, nC + 1);
    consts = outs.slice(nC + 1);
    return first.slice(0, nC).map(bufferOf);
  }, async (head) => {
    let outs = first, k = 1;
    for (;;) {
      const flag = outs[nC]!;
      const [more] = await head.read(bufferOf(flag), flag.aval);
      if (!more) break;
      k = Math.min(2 * k, MAX_CHUNK);
      const carry = outs.slice(0, nC);
      outs = head.run(() => runChunk(k, carry));
    }
    if (outs !== first) head.run(() => outs.slice(0, nC).forEach((c, i) => head.writeResult(i, bufferOf(c))));
  });
  return first.slice(0, nC);
}

function jvp(primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<'while'>): [NDArray[], Tangent[]] {
  const { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK } = params;
  const nC = primals.length - nCK - nBK;
  const nz = tangents.map((t) => !isZero(t));
  const nzBK = nz.slice(nCK, nCK + nBK), nzCarry = nz.slice(nCK + nBK);
  for (;;) {
    const { zeroOut } = jvpJaxpr(bodyJaxpr, [...nzBK, ...nzCarry]);
    const grown = zeroOut.map((z, c) => !z && !nzCarry[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) nzCarry[c] = true; });
  }
  const { jaxpr } = jvpJaxpr(bodyJaxpr, [...nzBK, ...nzCarry], nzCarry);
  const tK = nzBK.filter(Boolean).length, tC = nzCarry.filter(Boolean).length;
  const n = nBK + nC;
  const body = permute(jaxpr, [...range(0, nBK), ...range(n, n + tK), ...range(nBK, n), ...range(n + tK, n + tK + tC)]);
  // The condition reads the primal carry only: the tangent carries are extra, unused inputs.
  const cj = condJaxpr.jaxpr;
  const tangentCarryAvals = where(nzCarry).map((c) => primals[nCK + nBK + c]!.aval.strong());
  const condT = new ClosedJaxpr(new Jaxpr(cj.constvars, [...cj.invars, ...tangentCarryAvals.map((a) => new Var(a))], cj.eqns, cj.outs), condJaxpr.consts);
  const t = (i: number) => (isZero(tangents[i]) ? lax.zerosLike(primals[i]!.aval.strong()) : tangents[i] as NDArray);
  const outs = bind('while', [
    ...primals.slice(0, nCK),
    ...primals.slice(nCK, nCK + nBK), ...where(nzBK).map((k) => t(nCK + k)),
    ...primals.slice(nCK + nBK), ...where(nzCarry).map((c) => t(nCK + nBK + c)),
  ], { condJaxpr: condT, bodyJaxpr: body, condNumConsts: nCK, bodyNumConsts: nBK + tK });
  let k = nC;
  return [outs.slice(0, nC), nzCarry.map((z, c) => (z ? outs[k++]! : new Zero(outs[c]!.aval)))];
}

/**
 * The known carries are computed by a while loop over them alone (when the condition reads known
 * values only); the unknown ones by the whole loop again, staged. That loop cannot be transposed.
 */
function partialEval(params: Params<'while'>, inUnknown: readonly boolean[]): EqnSplit | 'unknown' {
  const { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK } = params;
  const carryUk = inUnknown.slice(nCK + nBK);
  let split;
  for (;;) {
    split = partialEvalJaxpr(bodyJaxpr, [...inUnknown.slice(nCK, nCK + nBK), ...carryUk], carryUk);
    const grown = split.outUnknown.map((u, c) => u && !carryUk[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) carryUk[c] = true; });
  }
  const condSplit = partialEvalJaxpr(condJaxpr, [...inUnknown.slice(0, nCK), ...carryUk]);
  if (condSplit.outUnknown[0] || carryUk.every(Boolean)) return 'unknown';
  const dropResiduals = (s: typeof split) => {
    const j = s.known.jaxpr, nOut = j.outs.length - s.numResiduals;
    return eliminateDeadCode(new ClosedJaxpr(new Jaxpr(j.constvars, j.invars, j.eqns, j.outs.slice(0, nOut)), s.known.consts));
  };
  const inUk = [...inUnknown.slice(0, nCK + nBK), ...carryUk];
  return {
    outUnknown: carryUk,
    knownInputs: where(inUk, false),
    known: {
      primitive: 'while', params: {
        condJaxpr: dropResiduals(condSplit), bodyJaxpr: dropResiduals(split),
        condNumConsts: inUnknown.slice(0, nCK).filter((u) => !u).length, bodyNumConsts: inUnknown.slice(nCK, nCK + nBK).filter((u) => !u).length,
      },
    },
    numResiduals: 0,
    // The whole loop again, on every input, returning its unknown carries.
    unknown: { primitive: 'jit', params: { name: 'whileLoop', jaxpr: wholeLoop(params, inUnknown.length, carryUk), donated: inUnknown.map(() => false) } },
    unknownInputs: inUnknown.map((u, i) => [u ? 'unknown' : 'known', i] as const),
  };
}

/** A jaxpr running the while equation and returning the carries marked in `keep`. */
function wholeLoop(params: Params<'while'>, nIn: number, keep: readonly boolean[]): ClosedJaxpr {
  const avals = [...params.condJaxpr.inAvals.slice(0, params.condNumConsts), ...params.bodyJaxpr.inAvals];
  const invars = avals.slice(0, nIn).map((a) => new Var(a));
  const outvars = params.bodyJaxpr.outAvals.map((a) => new Var(a.strong()));
  return new ClosedJaxpr(new Jaxpr([], invars, [{ primitive: 'while', params, inputs: invars, outvars }], outvars.filter((_, c) => keep[c])), []);
}

/** The number of iterations is only known at run time, so there is no reverse loop to build. */
function transpose(): never {
  throw new CotangentError(
    'Reverse-mode differentiation (grad, vjp) does not work through lax.whileLoop: its trip count is only known at run time, so its residuals cannot be stacked. ' +
      'Use lax.scan, or lax.foriLoop with JS-number bounds (it becomes a scan), or forward mode (jvp, jacfwd).',
  );
}

/**
 * A carry is kept when it is read after the loop, by the condition, or (a fixpoint) by the body
 * for a kept carry; the others leave the loop, and the constants nothing reads then.
 */
const dce: DceRule<'while'> = (e, used) => {
  const { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK } = e.params;
  const condReads = pruneOutputs(condJaxpr, [true]).reads;
  const live = used.map((u, c) => u || condReads[nCK + c]!);
  let body = pruneOutputs(bodyJaxpr, live);
  for (;;) {
    const more = live.map((l, c) => l || body.reads[nBK + c]!);
    if (more.every((m, c) => m === live[c])) break;
    more.forEach((m, c) => { live[c] = m; });
    body = pruneOutputs(bodyJaxpr, live);
  }
  const keepCK = condReads.slice(0, nCK), keepBK = body.reads.slice(0, nBK);
  if (live.every((l) => l) && keepCK.every((k) => k) && keepBK.every((k) => k)) return e;
  const condKeep = [...keepCK, ...live], bodyKeep = [...keepBK, ...live];
  return {
    ...e,
    inputs: e.inputs.filter((_, i) => (i < nCK ? keepCK[i] : i < nCK + nBK ? keepBK[i - nCK] : live[i - nCK - nBK])),
    outvars: e.outvars.filter((_, i) => live[i]),
    params: {
      condJaxpr: dropInputs(pruneOutputs(condJaxpr, [true]).closed, condKeep),
      bodyJaxpr: dropInputs(body.closed, bodyKeep),
      condNumConsts: keepCK.filter((k) => k).length,
      bodyNumConsts: keepBK.filter((k) => k).length,
    },
  };
};

export const whileDce = dce;
export const whileShape = shape;
export const whileRules = (): HigherOrderRules<'while'> => ({ impl, jvp, partialEval, transpose, stage: stageByShape('while'), batch: whileBatch });

// ---- batching -----------------------------------------------------------------------------------
/**
 * Under vmap: with one predicate for all lanes, a while loop of the batched body. With a predicate
 * per lane, the loop runs while any lane's predicate holds, and a lane whose predicate is false
 * keeps its carry (the body's result is selected away), so finished lanes stay frozen.
 */
export function whileBatch(args: readonly NDArray[], dims: readonly BatchDim[], params: Params<'while'>, size: number): [NDArray[], BatchDim[]] {
  const { condJaxpr, bodyJaxpr, condNumConsts: nCK, bodyNumConsts: nBK } = params;
  const batched = dims.map((d) => d !== null);
  const carryB = batched.slice(nCK + nBK);
  const bodyIn = () => [...batched.slice(nCK, nCK + nBK), ...carryB];
  for (;;) {
    const { outBatched } = batchJaxpr(bodyJaxpr, bodyIn(), size);
    const grown = outBatched.map((b, c) => b && !carryB[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) carryB[c] = true; });
  }
  const predBatched = batchJaxpr(condJaxpr, [...batched.slice(0, nCK), ...carryB], size).outBatched[0]!;
  // A predicate per lane: every carry is per lane too.
  if (predBatched) carryB.fill(true);
  const front = (a: NDArray, i: number, want: boolean) => (want ? moveBatchDim(a, dims[i]!, 0, size) : a);
  const cc = args.slice(0, nCK).map((a, i) => front(a, i, batched[i]!));
  const bc = args.slice(nCK, nCK + nBK).map((a, i) => front(a, nCK + i, batched[nCK + i]!));
  const carry = args.slice(nCK + nBK).map((a, c) => front(a, nCK + nBK + c, carryB[c]!));
  const condIn = [...batched.slice(0, nCK), ...carryB];
  const body = batchJaxpr(bodyJaxpr, bodyIn(), size, carryB).jaxpr;
  const condB = batchJaxpr(condJaxpr, condIn, size).jaxpr;
  if (!predBatched) {
    const outs = bind('while', [...cc, ...bc, ...carry], { condJaxpr: condB, bodyJaxpr: body, condNumConsts: nCK, bodyNumConsts: nBK });
    return [outs, carryB.map((b) => (b ? 0 : null))];
  }
  const carryAvals = carry.map((c) => c.aval);
  const ccAvals = cc.map((c) => c.aval), bcAvals = bc.map((c) => c.aval);
  // Continue while any lane continues.
  const anyCond = traceJaxpr((...xs) => {
    const [p] = evalClosedJaxpr(condB, xs);
    return [lax.gt(lax.reduceMax(lax.convertElementType(p!, 'int32'), [0]), lax.scalar(0, 'int32'))];
  }, [...ccAvals, ...carryAvals]);
  // The body steps the lanes whose predicate holds; the others keep their carry.
  const frozenBody = traceJaxpr((...xs) => {
    const k = xs.slice(0, nCK), b = xs.slice(nCK, nCK + nBK), c = xs.slice(nCK + nBK);
    const [p] = evalClosedJaxpr(condB, [...k, ...c]);
    const next = evalClosedJaxpr(body, [...b, ...c]);
    return next.map((n, i) => lax.select(lax.broadcastInDim(p!, n.shape, [0]), n, c[i]!));
  }, [...ccAvals, ...bcAvals, ...carryAvals]);
  const outs = bind('while', [...cc, ...cc, ...bc, ...carry], { condJaxpr: anyCond, bodyJaxpr: frozenBody, condNumConsts: nCK, bodyNumConsts: nCK + nBK });
  return [outs, outs.map(() => 0)];
}
