// lax.scan and lax.map: the `scan` primitive with its shape rule, implementation, JVP, partial
// evaluation and transpose side by side, as JAX keeps scan_p beside _scan_jvp in loops.py.
//
// scan(f, init, xs): carry = init; for each i: [carry, ys[i]] = f(carry, xs[i]). Its JVP is a scan
// of the body's JVP (the tangent carry rides along, found by a fixpoint over which carries are
// perturbed); partial evaluation splits it into a known scan that also stacks the residuals of
// every iteration and an unknown scan that reads them; the transpose of that linear scan is a scan
// in the other direction whose carry accumulates the cotangents of the loop's constants.
import * as E from 'fp-ts/lib/Either.js';
import { ShapedArray } from '../core/aval.js';
import { ConcreteArray, NDArray } from '../core/array.js';
import { getBackend } from '../core/backend.js';
import { ShapeError } from '../core/errors.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr, Jaxpr, Var } from '../core/jaxpr.js';
import * as lax from '../core/lax.js';
import { Params, ShapeRule } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { PyTree, TreeDef } from '../core/tree.js';
import type { HigherOrderRules } from '../transforms/higher-order.js';
import { EqnSplit, partialEvalJaxpr } from '../transforms/partial-eval-jaxpr.js';
import { isZero, Tangent, Zero } from '../transforms/tangent.js';
import { UndefinedPrimal } from '../transforms/transpose-rules.js';
import { stageByShape } from '../transforms/custom-rules.js';
import { DceRule, dropInputs, eliminateDeadCode, pruneOutputs } from '../core/passes.js';
import { BatchDim, moveBatchDim } from '../transforms/batch-rules.js';
import { batchJaxpr, checkSameTypes, flattenArrays, jvpJaxpr, permute, range, traceBody, traceJaxpr, transposeJaxpr, where } from './common.js';

/** Options of lax.scan. */
export interface ScanOptions {
  /** The number of iterations; required when xs has no leaves, else it must match their leading axis. */
  length?: number;
  /** Iterate from the last element to the first (ys are still stacked in xs's order). */
  reverse?: boolean;
  /** Iterations per step of the emitted loop (a hint to the compilers; results are the same). */
  unroll?: number;
}

// ---- the API ------------------------------------------------------------------------------------
/**
 * lax.scan(f, init, xs, {length, reverse, unroll}) → [carry, ys], where f(carry, x) → [carry, y].
 * Carries and xs are pytrees; `xs` may be null (then give `length`). Staged as one `scan` equation
 * whose body is f's jaxpr, traced once whatever the length.
 *
 * @example
 * // a running sum: carry the total, emit it at every step
 * const [total, partial] = lax.scan((c: np.Array, x: np.Array) => [c.add(x), c.add(x)], np.array(0), np.arange(5).astype('float32'));
 */
export function scan<C extends PyTree, X extends PyTree, Y extends PyTree>(
  f: (carry: C, x: X) => readonly [C, Y], init: C, xs: X | null, opts: ScanOptions = {},
): [C, Y] {
  const op = 'lax.scan';
  if (typeof f !== 'function') throw new TypeError(`${op}: f must be a function (carry, x) → [carry, y]`);
  const { reverse = false, unroll = 1 } = opts;
  const [carry, carryTree] = flattenArrays(init, `${op} (init)`);
  const [xsArr, xsTree] = flattenArrays(xs ?? null, `${op} (xs)`);
  const length = scanLength(op, xsArr, xsTree, opts.length);
  if (!Number.isInteger(unroll) || unroll < 1) throw new RangeError(`${op}: unroll must be a positive integer, got ${unroll}`);
  const xAvals = xsArr.map((x) => x.aval.withShape(x.shape.slice(1)));
  const carryAvals = carry.map((c) => c.aval);
  let yTree: TreeDef | null = null, carryOutTree: TreeDef | null = null;
  const body = traceBody((...args) => {
    const c = tree.unflatten(carryTree, args.slice(0, carry.length)) as C;
    const x = tree.unflatten(xsTree, args.slice(carry.length)) as X;
    const out = f(c, x);
    if (!Array.isArray(out) || out.length !== 2) throw new TypeError(`${op}: f must return a pair [carry, y], got ${Array.isArray(out) ? `a list of ${out.length}` : typeof out}`);
    const [co, cd] = flattenArrays(out[0] as PyTree, `${op} (carry output)`);
    const [yo, yd] = flattenArrays(out[1] as PyTree, `${op} (y)`);
    carryOutTree = cd; yTree = yd;
    return [...co, ...yo];
  }, [...carryAvals, ...xAvals]);
  const outAvals = body.jaxpr.outAvals;
  checkSameTypes(op, 'the body must return a carry of the type it takes', [carryOutTree!, outAvals.slice(0, carry.length), 'f returns'], [carryTree, carryAvals, 'the carry (init) is'], 'carry');
  const outs = bind('scan', [...body.consts, ...carry, ...xsArr], {
    jaxpr: body.jaxpr, numConsts: body.consts.length, numCarry: carry.length, length, reverse, unroll,
  });
  return [tree.unflatten(carryTree, outs.slice(0, carry.length)) as C, tree.unflatten(yTree!, outs.slice(carry.length)) as Y];
}

function scanLength(op: string, xs: readonly NDArray[], xsTree: TreeDef, length: number | undefined): number {
  if (length !== undefined && (!Number.isInteger(length) || length < 0)) throw new RangeError(`${op}: length must be a non-negative integer, got ${length}`);
  if (xs.length === 0) {
    if (length === undefined) throw new TypeError(`${op}: xs has no arrays, so the number of iterations must be given as {length}`);
    return length;
  }
  const paths = leafPathsOf(xsTree);
  for (let i = 0; i < xs.length; i++) {
    if (xs[i]!.ndim === 0) throw new ShapeError(`${op}: every leaf of xs needs a leading axis to scan over, but xs${paths[i]} is ${xs[i]!.aval.str()}`);
  }
  const n = xs[0]!.shape[0]!;
  for (let i = 1; i < xs.length; i++) {
    if (xs[i]!.shape[0] !== n) throw new ShapeError(`${op}: the leaves of xs must share their leading axis: xs${paths[0]} is ${xs[0]!.aval.str()} but xs${paths[i]} is ${xs[i]!.aval.str()}`);
  }
  if (length !== undefined && length !== n) throw new ShapeError(`${op}: length ${length} does not match the leading axis of xs (${n}, from xs${paths[0]}: ${xs[0]!.aval.str()})`);
  return n;
}
import { leafPaths } from './common.js';
const leafPathsOf = (d: TreeDef) => leafPaths(d);

/**
 * lax.map(f, xs): ys[i] = f(xs[i]), as a scan with no carry.
 *
 * @example
 * const squares = lax.map((x: np.Array) => x.square(), np.arange(4).astype('float32'));
 */
export function map<X extends PyTree, Y extends PyTree>(f: (x: X) => Y, xs: X): Y {
  if (typeof f !== 'function') throw new TypeError('lax.map: f must be a function');
  return scan((c: null, x: X) => [c, f(x)] as const, null, xs)[1];
}

// ---- the rules ----------------------------------------------------------------------------------
const shape: ShapeRule<'scan'> = (avals, { jaxpr, numConsts, numCarry, length }) => {
  const ins = jaxpr.inAvals, outs = jaxpr.outAvals;
  if (avals.length !== ins.length) return E.left(`the body takes ${ins.length} inputs but the scan has ${avals.length} operands`);
  for (let i = 0; i < avals.length; i++) {
    const a = avals[i]!, want = ins[i]!;
    const isX = i >= numConsts + numCarry;
    const what = i < numConsts ? `constant ${i}` : isX ? `xs ${i - numConsts - numCarry}` : `carry ${i - numConsts}`;
    if (isX ? a.shape[0] !== length || !a.withShape(a.shape.slice(1)).equals(want) : !a.equals(want)) {
      return E.left(`${what} is ${a.str()} but the body expects ${isX ? `${length} stacked slices of ${want.str()}` : want.str()}`);
    }
  }
  for (let c = 0; c < numCarry; c++) {
    if (!outs[c]!.equals(ins[numConsts + c]!)) return E.left(`the body returns carry ${c} as ${outs[c]!.str()} but takes it as ${ins[numConsts + c]!.str()}`);
  }
  return E.right([...outs.slice(0, numCarry).map((a, c) => ins[numConsts + c]!.strong().withShape(a.shape)), ...outs.slice(numCarry).map((a) => a.strong().withShape([length, ...a.shape]))]);
};

/** Slice t of a stacked array: x[t]. */
const sliceAt = (x: NDArray, t: number): NDArray =>
  lax.reshape(lax.slice(x, x.shape.map((_, a) => (a === 0 ? t : 0)), x.shape.map((d, a) => (a === 0 ? t + 1 : d))), x.shape.slice(1));

/**
 * Eagerly: the scan equation alone as one compiled program where the backend compiles (the CPU's
 * loop over the compiled body; on WebGPU one submission replaying the body), else, and when that
 * program hands the scan back to the interpreter (a WebGPU body it cannot replay), a JS loop
 * running the body as one compiled call per iteration.
 */
function impl(args: readonly NDArray[], params: Params<'scan'>): NDArray[] {
  const backend = args.find((a): a is ConcreteArray => a instanceof ConcreteArray)?.backend ?? getBackend();
  if (backend.compile && wholeScanDepth === 0) {
    wholeScanDepth++;
    try {
      return bind('jit', args, { name: 'scan', jaxpr: wholeScan(params), donated: args.map(() => false) });
    } finally {
      wholeScanDepth--;
    }
  }
  return perIteration(args, params);
}
/** Above 0 while an eager scan runs as its own program: a scan handed back from it loops here. */
let wholeScanDepth = 0;
/** The scan equation as a jaxpr of its own, per equation params (the params hold the body). */
const wholeScans = new WeakMap<Params<'scan'>, ClosedJaxpr>();
function wholeScan(params: Params<'scan'>): ClosedJaxpr {
  let cj = wholeScans.get(params);
  if (!cj) {
    const ins = params.jaxpr.inAvals.map((a, i) => new Var(i < params.numConsts + params.numCarry ? a : a.withShape([params.length, ...a.shape])));
    const outs = shape(ins.map((v) => v.aval), params);
    if (E.isLeft(outs)) throw new Error(`internal: lax.scan: ${outs.left}`);
    const outvars = outs.right.map((a) => new Var(a));
    cj = new ClosedJaxpr(new Jaxpr([], ins, [{ primitive: 'scan', params, inputs: ins, outvars }], outvars), []);
    wholeScans.set(params, cj);
  }
  return cj;
}
function perIteration(args: readonly NDArray[], { jaxpr, numConsts, numCarry, length, reverse }: Params<'scan'>): NDArray[] {
  const consts = args.slice(0, numConsts), xs = args.slice(numConsts + numCarry);
  let carry = args.slice(numConsts, numConsts + numCarry);
  const yAvals = jaxpr.outAvals.slice(numCarry);
  const ys: NDArray[][] = yAvals.map(() => new Array<NDArray>(length));
  const donated = jaxpr.inAvals.map(() => false);
  for (let i = 0; i < length; i++) {
    const t = reverse ? length - 1 - i : i;
    const outs = bind('jit', [...consts, ...carry, ...xs.map((x) => sliceAt(x, t))], { name: 'scan body', jaxpr, donated });
    carry = outs.slice(0, numCarry);
    outs.slice(numCarry).forEach((y, k) => { ys[k]![t] = y; });
  }
  return [...carry, ...ys.map((slices, k) => stack(slices, yAvals[k]!, length))];
}
function stack(slices: readonly NDArray[], aval: ShapedArray, length: number): NDArray {
  if (length === 0) return lax.zerosLike(aval.strong().withShape([0, ...aval.shape]));
  return lax.concatenate(slices.map((s) => lax.reshape(s, [1, ...s.shape])), 0);
}

/** Counts of each group of operands. */
const groups = (p: Params<'scan'>) => {
  const n = p.jaxpr.inAvals.length;
  return { nK: p.numConsts, nC: p.numCarry, nX: n - p.numConsts - p.numCarry, nY: p.jaxpr.outAvals.length - p.numCarry };
};

function jvp(primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<'scan'>): [NDArray[], Tangent[]] {
  const { nK, nC, nX, nY } = groups(params);
  const nz = tangents.map((t) => !isZero(t));
  // Which carries are perturbed: those whose init is, and then whatever the body perturbs from them.
  const nzCarry = nz.slice(nK, nK + nC);
  for (;;) {
    const { zeroOut } = jvpJaxpr(params.jaxpr, [...nz.slice(0, nK), ...nzCarry, ...nz.slice(nK + nC)]);
    const grown = zeroOut.slice(0, nC).map((z, c) => !z && !nzCarry[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) nzCarry[c] = true; });
  }
  const nzIn = [...nz.slice(0, nK), ...nzCarry, ...nz.slice(nK + nC)];
  const { jaxpr, zeroOut } = jvpJaxpr(params.jaxpr, nzIn, [...nzCarry, ...range(0, nY).map(() => false)]);
  // The JVP jaxpr takes (primals, nonzero tangents): reorder into the scan's (consts, carry, xs) groups.
  const nT = (from: number, to: number) => nzIn.slice(from, to).filter(Boolean).length;
  const tK = nT(0, nK), tC = nT(nK, nK + nC), tX = nT(nK + nC, nK + nC + nX);
  const n = nK + nC + nX;
  const inOrder = [...range(0, nK), ...range(n, n + tK), ...range(nK, nK + nC), ...range(n + tK, n + tK + tC), ...range(nK + nC, n), ...range(n + tK + tC, n + tK + tC + tX)];
  const tyOut = zeroOut.slice(nC).filter((z) => !z).length;
  const m = nC + nY;
  const outOrder = [...range(0, nC), ...range(m, m + tC), ...range(nC, m), ...range(m + tC, m + tC + tyOut)];
  const body = permute(jaxpr, inOrder, outOrder);
  const t = (i: number) => (isZero(tangents[i]) ? lax.zerosLike(primals[i]!.aval.strong()) : tangents[i] as NDArray);
  const tangentIdx = (from: number, to: number) => range(from, to).filter((i) => nzIn[i]);
  const operands = [
    ...primals.slice(0, nK), ...tangentIdx(0, nK).map(t),
    ...primals.slice(nK, nK + nC), ...tangentIdx(nK, nK + nC).map(t),
    ...primals.slice(nK + nC), ...tangentIdx(nK + nC, n).map(t),
  ];
  const outs = bind('scan', operands, { ...params, jaxpr: body, numConsts: nK + tK, numCarry: nC + tC });
  let kc = nC, ky = nC + tC + nY;
  const carryT = nzCarry.map((z, c) => (z ? outs[kc++]! : new Zero(params.jaxpr.outAvals[c]!.strong())));
  const yT = zeroOut.slice(nC).map((z, y) => (z ? new Zero(outs[nC + tC + y]!.aval) : outs[ky++]!));
  return [[...outs.slice(0, nC), ...outs.slice(nC + tC, nC + tC + nY)], [...carryT, ...yT]];
}

/**
 * A scan with some unknown operands splits into a known scan (the primal loop, which also returns
 * each iteration's residuals stacked as ys) and an unknown scan reading them. Residuals that are
 * the loop's known constants or xs are read directly instead of being stacked again.
 */
function partialEval(params: Params<'scan'>, inUnknown: readonly boolean[]): EqnSplit {
  const { nK, nC, nY } = groups(params);
  const { jaxpr, length } = params;
  const carryUk = inUnknown.slice(nK, nK + nC);
  let split;
  for (;;) {
    split = partialEvalJaxpr(jaxpr, [...inUnknown.slice(0, nK), ...carryUk, ...inUnknown.slice(nK + nC)], [...carryUk, ...range(0, nY).map(() => false)]);
    const grown = split.outUnknown.slice(0, nC).map((u, c) => u && !carryUk[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) carryUk[c] = true; });
  }
  const inUk = [...inUnknown.slice(0, nK), ...carryUk, ...inUnknown.slice(nK + nC)];
  const kind = split.residualInput.map((i) => (i === null ? 'stacked' : i < nK ? 'const' : i >= nK + nC ? 'xs' : 'stacked'));
  const resAvals = split.known.outAvals.slice(split.known.outAvals.length - split.numResiduals);
  // The known body: known outputs, then only the stacked residuals (as extra ys).
  const nKnownOut = split.known.outAvals.length - split.numResiduals;
  const stacked = where(kind.map((k) => k === 'stacked'));
  const kj = split.known.jaxpr;
  const knownBody = eliminateDeadCode(new ClosedJaxpr(new Jaxpr(kj.constvars, kj.invars, kj.eqns, [...kj.outs.slice(0, nKnownOut), ...stacked.map((r) => kj.outs[nKnownOut + r]!)]), split.known.consts));
  const knownCarry = carryUk.filter((u) => !u).length;
  const known = { jaxpr: knownBody, numConsts: inUk.slice(0, nK).filter((u) => !u).length, numCarry: knownCarry, length, reverse: params.reverse, unroll: params.unroll };
  // The unknown body takes (residuals, unknown inputs): reorder into (consts, carry, xs) groups.
  const constRes = where(kind.map((k) => k === 'const')), xsRes = where(kind.map((k) => k === 'xs'));
  const R = split.numResiduals;
  const ukIdx = where(inUk);
  const ukPos = (from: number, to: number) => ukIdx.map((i, k) => [i, R + k] as const).filter(([i]) => i >= from && i < to).map(([, k]) => k);
  const nAll = inUk.length;
  const inOrder = [...constRes, ...ukPos(0, nK), ...ukPos(nK, nK + nC), ...xsRes, ...stacked, ...ukPos(nK + nC, nAll)];
  const unknownBody = permute(split.unknown, inOrder);
  const unknown = {
    jaxpr: unknownBody, numConsts: constRes.length + ukPos(0, nK).length, numCarry: ukPos(nK, nK + nC).length,
    length, reverse: params.reverse, unroll: params.unroll,
  };
  const outerUk = (from: number, to: number) => range(from, to).filter((i) => inUnknown[i]);
  void resAvals;
  return {
    outUnknown: [...carryUk, ...split.outUnknown.slice(nC)],
    knownInputs: where(inUk, false),
    known: { primitive: 'scan', params: known },
    numResiduals: stacked.length,
    unknown: { primitive: 'scan', params: unknown },
    unknownInputs: [
      ...constRes.map((r) => ['known', split.residualInput[r]!] as const),
      ...outerUk(0, nK).map((i) => ['unknown', i] as const),
      ...range(nK, nK + nC).filter((i) => carryUk[i - nK]).map((i) => [inUnknown[i] ? 'unknown' : 'known', i] as const),
      ...xsRes.map((r) => ['known', split.residualInput[r]!] as const),
      ...stacked.map((_, s) => ['residual', s] as const),
      ...outerUk(nK + nC, nAll).map((i) => ['unknown', i] as const),
    ],
  };
}

/**
 * The transpose of a scan linear in its undefined operands: a scan in the other direction over
 * (known xs, cotangents of ys), carrying (cotangents of the linear constants, accumulated;
 * cotangents of the carry); it returns the cotangents of the linear xs as its ys.
 */
function transpose(cts: readonly Tangent[], args: readonly (NDArray | UndefinedPrimal)[], params: Params<'scan'>): (Tangent | null)[] {
  const { nK, nC } = groups(params);
  const { jaxpr, length } = params;
  // A known carry init in a linear scan can only be a zero (an instantiated symbolic zero): the
  // carry is treated as linear and that init gets no cotangent, as JAX's _scan_transpose does.
  const linear = args.map((a, i) => a instanceof UndefinedPrimal || (i >= nK && i < nK + nC));
  const constLin = where(linear.slice(0, nK)), constKnown = where(linear.slice(0, nK), false);
  const xsIdx = range(nK + nC, args.length);
  const xsLin = xsIdx.filter((i) => linear[i]), xsKnown = xsIdx.filter((i) => !linear[i]);
  const ins = jaxpr.inAvals, outs = jaxpr.outAvals;
  // Body transpose: (known consts, known x, ct carry, ct y) → (ct of linear consts, ct carry in, ct of linear x).
  const bodyT = transposeJaxpr(jaxpr, linear);
  const ctConstAvals = constLin.map((i) => ins[i]!.strong());
  const carryAvals = range(nK, nK + nC).map((i) => ins[i]!.strong());
  const knownXAvals = xsKnown.map((i) => ins[i]!);
  const yAvals = outs.slice(nC).map((a) => a.strong());
  // Scan body: consts (known consts), carry (ct consts acc, ct carry), xs (known x, ct y).
  const body = traceJaxpr((...v) => {
    let k = 0;
    const kc = v.slice(k, k += constKnown.length);
    const acc = v.slice(k, k += constLin.length);
    const ctCarry = v.slice(k, k += nC);
    const kx = v.slice(k, k += xsKnown.length);
    const ctY = v.slice(k);
    const r = evalClosedJaxpr(bodyT, [...kc, ...kx, ...ctCarry, ...ctY]);
    const ctConsts = r.slice(0, constLin.length), ctCarryIn = r.slice(constLin.length, constLin.length + nC), ctX = r.slice(constLin.length + nC);
    return [...acc.map((a, i) => lax.add(a, ctConsts[i]!)), ...ctCarryIn, ...ctX];
  }, [...constKnown.map((i) => ins[i]!), ...ctConstAvals, ...carryAvals, ...knownXAvals, ...yAvals]);
  const zeros = (a: ShapedArray) => lax.zerosLike(a);
  const ct = (i: number, a: ShapedArray) => (isZero(cts[i]) ? zeros(a) : cts[i] as NDArray);
  const res = bind('scan', [
    ...constKnown.map((i) => args[i] as NDArray),
    ...ctConstAvals.map(zeros), ...carryAvals.map((a, c) => ct(c, a)),
    ...xsKnown.map((i) => args[i] as NDArray), ...yAvals.map((a, y) => ct(nC + y, a.withShape([length, ...a.shape]))),
  ], { jaxpr: body, numConsts: constKnown.length, numCarry: constLin.length + nC, length, reverse: !params.reverse, unroll: params.unroll });
  const out: (Tangent | null)[] = args.map(() => null);
  constLin.forEach((i, k) => { out[i] = res[k]!; });
  range(0, nC).forEach((c) => { if (args[nK + c] instanceof UndefinedPrimal) out[nK + c] = res[constLin.length + c]!; });
  xsLin.forEach((i, k) => { out[i] = res[constLin.length + nC + k]!; });
  return out;
}

/**
 * Unread ys are not stacked; an unread carry is dropped unless a kept output depends on it through
 * the body (a fixpoint over the carries, as JAX's scan DCE); consts and xs the body no longer reads
 * are dropped from the operands.
 */
const dce: DceRule<'scan'> = (e, used) => {
  const { jaxpr, numConsts: nK, numCarry: nC } = e.params;
  const keepY = used.slice(nC);
  const liveCarry = used.slice(0, nC);
  let pruned = pruneOutputs(jaxpr, [...liveCarry, ...keepY]);
  for (;;) {
    const more = liveCarry.map((l, c) => l || pruned.reads[nK + c]!);
    if (more.every((m, c) => m === liveCarry[c])) break;
    more.forEach((m, c) => { liveCarry[c] = m; });
    pruned = pruneOutputs(jaxpr, [...liveCarry, ...keepY]);
  }
  if (!liveCarry.some((l) => l) && !keepY.some((k) => k)) return null;
  if (liveCarry.every((l) => l) && keepY.every((k) => k) && pruned.reads.every((r, i) => r || (i >= nK && i < nK + nC))) return e;
  // A live carry stays an input even where the body ignores it (its slot is the output's).
  const keepIn = pruned.reads.map((r, i) => (i >= nK && i < nK + nC ? liveCarry[i - nK]! : r));
  const body = dropInputs(pruned.closed, keepIn);
  return {
    ...e,
    inputs: e.inputs.filter((_, i) => keepIn[i]),
    outvars: e.outvars.filter((_, i) => (i < nC ? liveCarry[i] : keepY[i - nC])),
    params: { ...e.params, jaxpr: body, numConsts: keepIn.slice(0, nK).filter((k) => k).length, numCarry: liveCarry.filter((l) => l).length },
  };
};

export const scanDce = dce;
export const scanShape = shape;
export const scanRules = (): HigherOrderRules<'scan'> => ({ impl, jvp, partialEval, transpose, stage: stageByShape('scan'), batch: scanBatch });

// ---- batching -----------------------------------------------------------------------------------
/**
 * Under vmap: a scan of the batched body. A carry is batched if its init is or the body makes it
 * so (a fixpoint); the xs' lane axis moves behind the scanned axis, and batched ys come out the same way.
 */
export function scanBatch(args: readonly NDArray[], dims: readonly BatchDim[], params: Params<'scan'>, size: number): [NDArray[], BatchDim[]] {
  const { nK, nC, nY } = groups(params);
  const batched = dims.map((d) => d !== null);
  const carryB = batched.slice(nK, nK + nC);
  for (;;) {
    const { outBatched } = batchJaxpr(params.jaxpr, [...batched.slice(0, nK), ...carryB, ...batched.slice(nK + nC)], size);
    const grown = outBatched.slice(0, nC).map((b, c) => b && !carryB[c]);
    if (!grown.some(Boolean)) break;
    grown.forEach((g, c) => { if (g) carryB[c] = true; });
  }
  const inB = [...batched.slice(0, nK), ...carryB, ...batched.slice(nK + nC)];
  const { jaxpr, outBatched } = batchJaxpr(params.jaxpr, inB, size, [...carryB, ...range(0, nY).map(() => false)]);
  const operands = args.map((a, i) => {
    if (i >= nK + nC) return dims[i] === null ? a : moveBatchDim(a, dims[i]!, 1, size);
    return inB[i] ? moveBatchDim(a, dims[i]!, 0, size) : a;
  });
  // The body's lane axis leads each x slice: in the stacked xs it is axis 1.
  const outs = bind('scan', operands, { ...params, jaxpr });
  return [outs, outBatched.map((b, o) => (!b ? null : o < nC ? 0 : 1))];
}
