// Fusion planning shared by every backend's compiler: which values get a buffer, and the steps.
//
// Steps are fused elementwise loops, reductions with their prologue (and epilogue), and kernel calls
// (a dot_general may carry an epilogue where the backend fuses one into its matmul).
//
// A value is *materialised* (computed by its own step into a buffer) when it is a jaxpr output,
// when a non-fusible equation (dot_general, gather, …) reads it, or when several equations read it
// (computed once, read many times). Everything else is *inline*: its equation is evaluated inside the
// loop of its single consumer, so `tanh(x)*2 + exp(-x*x)` is one loop with no intermediate arrays.
// Two exceptions keep that rule from costing work: movement of constants, iota, movement of
// materialised values and single-element elementwise chains (a constant converted, a learning
// rate scaled) are free to recompute, so they are inlined into every consumer (code generators
// hoist what does not move out of their loops); and a value feeding a broadcast that enlarges it is
// materialised (inlining would recompute it per copy).
//
// Steps follow equation order. A loop step right after another over the same shape joins it (one
// loop computing both, the first's values reused from locals when the second reads them at the same
// index), and a loop over a reduction's output joins the reduction as its epilogue where the
// reduction finishes each output element before starting the next.
//
// Backends differ only in the policy: whether every reduction finishes its outputs one at a time (a
// GPU gives each output its own invocation; the CPU's loop order decides), whether a loop over a
// matmul's result fuses into the matmul, and how many buffers one step may bind (a shader's limit).
import * as E from 'fp-ts/lib/Either.js';
import { Jaxpr, JaxprEqn, Literal, Var } from '../../core/jaxpr.js';
import { isArrayPrimitive, isElementwise, Params, shapeRules } from '../../core/primitives.js';
import { Shape, shapeEq, sizeOf } from '../../core/shape.js';
import {
  Affine, flatForm, formsEqual, identityAccess, identityFlat, isConstant, isLoopFusible, MOVEMENT, TreeVisitor, TreeWalk,
} from './access.js';

/** What a backend's code generator can fuse; the planning itself is the same for all. */
export interface FusionPolicy {
  /**
   * Every reduction finishes its output elements one at a time wherever its axes lie (a GPU gives
   * each output element its own invocation or workgroup), so any reduction may take an epilogue, and
   * an epilogue may read finished buffers at any index. Off (the CPU), only reductions whose loop
   * order finishes each element before the next (`foldsInLocal`) take one, reading other buffers
   * only at that element or at a constant position.
   */
  readonly reducePerOutput: boolean;
  /** A loop over a dot_general's (or a convolution's) result right after it joins it as an epilogue (run inside the matmul or conv shader). */
  readonly dotEpilogue: boolean;
  /** The most buffers one fused step may read and write together (a shader's storage-binding limit). */
  readonly maxBuffers: number;
}

/** The CPU's policy: loops in JS have no binding limit and reductions follow the input's order. */
export const CPU_POLICY: FusionPolicy = { reducePerOutput: false, dotEpilogue: false, maxBuffers: Infinity };

export interface LoopStep { readonly kind: 'loop'; readonly shape: Shape; readonly members: Var[] }
/** A reduction (reduce_* or argmax/argmin) and the loop over its output fused after it. */
export interface ReduceStep { readonly kind: 'reduce'; readonly eqn: JaxprEqn; readonly epilogue: Var[] }
/**
 * A primitive run by the backend's kernel ('kernel'), or a higher-order one bound through the
 * interpreter ('call'). `epilogue`: loop values over a dot_general's result computed as it is
 * written (only under `FusionPolicy.dotEpilogue`; empty otherwise).
 */
export interface CallStep { readonly kind: 'kernel' | 'call'; readonly eqn: JaxprEqn; readonly epilogue: Var[] }
/** A reshape of a value that already has a buffer: the same buffer, read with a new shape. */
export interface AliasStep { readonly kind: 'alias'; readonly v: Var; readonly of: Var }
export type Step = LoopStep | ReduceStep | CallStep | AliasStep;

/** A buffer read by a step; `identity`: only ever at the position the step writes (so it may be overwritten in place). */
export interface Read { readonly v: Var; readonly identity: boolean }

export interface FusionPlan {
  readonly jaxpr: Jaxpr;
  readonly eqns: readonly JaxprEqn[];
  readonly steps: readonly Step[];
  readonly producer: ReadonlyMap<Var, JaxprEqn>;
  /** Jaxpr inputs (constvars first) and materialised values: what fused loops read from buffers. */
  readonly buffered: ReadonlySet<Var>;
  /** Materialised values that need a buffer: read by another step, or outputs. */
  readonly stored: ReadonlySet<Var>;
  readonly stepOf: ReadonlyMap<Var, number>;
  readonly reads: readonly (readonly Read[])[];
}

const REDUCE = new Set<string>(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod']);

/** Reduced axes of a reduction equation. */
export const reducedAxes = (eqn: JaxprEqn): readonly number[] =>
  REDUCE.has(eqn.primitive) ? (eqn.params as Params<'reduce_sum'>).axes : [(eqn.params as Params<'argmax'>).axis];

/**
 * argmax/argmin fuse when their axis is the innermost one that moves (a running best per output
 * element); otherwise, and over an axis of one element, the kernel does them.
 */
export function isFusedReduce(eqn: JaxprEqn): boolean {
  if (REDUCE.has(eqn.primitive)) return true;
  if (eqn.primitive !== 'argmax' && eqn.primitive !== 'argmin') return false;
  const { axis } = eqn.params as Params<'argmax'>;
  const shape = (eqn.inputs[0] as Var).aval.shape;
  return shape[axis]! > 1 && sizeOf(shape.slice(axis + 1)) === 1 && sizeOf(shape) > 0;
}

/**
 * Whether each output element is finished before the next starts: after dropping axes of size 1,
 * no kept axis comes after a reduced one (`R`, `KR`, `KKR`…). Then the reduction folds into a local
 * and an epilogue can use the result at once; otherwise it folds into an accumulator array.
 */
export function foldsInLocal(eqn: JaxprEqn): boolean {
  const shape = (eqn.inputs[0] as Var).aval.shape, axes = reducedAxes(eqn);
  let seenR = false;
  for (let a = 0; a < shape.length; a++) {
    if (shape[a] === 1) continue;
    if (axes.includes(a)) seenR = true;
    else if (seenR) return false;
  }
  return true;
}

/**
 * transpose(dot_general(l, r)) that swaps the two free groups is dot_general(r, l): the packed
 * kernel then writes the transposed layout directly instead of a strided copy after it. Each output
 * element is the same sum in the same order of k, so the numbers do not change.
 */
function foldTransposedDots(jaxpr: Jaxpr): JaxprEqn[] {
  const eqns = [...jaxpr.eqns];
  const uses = new Map<Var, number>();
  const use = (a: unknown) => { if (a instanceof Var) uses.set(a, (uses.get(a) ?? 0) + 1); };
  eqns.forEach((e) => e.inputs.forEach(use));
  jaxpr.outs.forEach(use);
  const at = new Map<Var, number>();
  eqns.forEach((e, i) => e.outvars.forEach((v) => at.set(v, i)));
  for (let t = 0; t < eqns.length; t++) {
    const tr = eqns[t]!;
    const z = tr.inputs[0];
    if (tr.primitive !== 'transpose' || !(z instanceof Var) || uses.get(z) !== 1) continue;
    const d = at.get(z);
    const dot = d === undefined ? undefined : eqns[d];
    if (!dot || dot.primitive !== 'dot_general') continue;
    const { contracting: [lc, rc], batch: [lb, rb] } = (dot.params as Params<'dot_general'>).dimensionNumbers;
    const [l, r] = dot.inputs as [Var, Var];
    const nb = lb.length, nl = l.aval.ndim - lc.length - nb, nr = r.aval.ndim - rc.length - nb;
    const swap = [...Array.from({ length: nb }, (_, i) => i), ...Array.from({ length: nr }, (_, i) => nb + nl + i), ...Array.from({ length: nl }, (_, i) => nb + i)];
    if (!swap.every((p, i) => p === (tr.params as Params<'transpose'>).permutation[i])) continue;
    const params: Params<'dot_general'> = { dimensionNumbers: { contracting: [rc, lc], batch: [rb, lb] } };
    const check = shapeRules.dot_general([r.aval, l.aval], params);
    if (E.isLeft(check) || !check.right[0]!.equals(tr.outvars[0]!.aval)) continue;
    eqns[d!] = { primitive: 'dot_general', params, inputs: [r, l], outvars: tr.outvars } as JaxprEqn;
    eqns.splice(t--, 1);
    eqns.forEach((e, i) => e.outvars.forEach((v) => at.set(v, i)));
  }
  return eqns;
}

/** The buffers a tree reads (with the flat forms it reads them at), marking blocked nodes. */
function leafCollector(isBuffer: (v: Var) => boolean, rank: number, found: { v: Var; form: Affine }[], blocked: (v: Var) => void): TreeVisitor<null> {
  return {
    leaf: (v, access) => {
      if (!isBuffer(v)) return undefined;
      found.push({ v, form: flatForm(access, v.aval.shape, rank) });
      return null;
    },
    literal: () => null,
    iota: () => null,
    elementwise: () => null,
    blocked: (v) => { blocked(v); return null; },
  };
}

const distinct = (vs: readonly { v: Var }[]): number => new Set(vs.map((x) => x.v)).size;

/**
 * Where to cut a tree that reads more buffers than a step may bind: the inline elementwise value
 * below it (not `root` itself) whose subtree reads the most buffers while still fitting one step.
 * Materialising it gives that subtree its own step and leaves one buffer in its place.
 */
function cutPoint(producer: ReadonlyMap<Var, JaxprEqn>, isBuffer: (v: Var) => boolean, rank: number, at: (w: TreeWalk<Set<Var>>) => void, root: Var | null, maxBuffers: number): Var | null {
  let best: Var | null = null, bestSize = 0;
  const walk = new TreeWalk<Set<Var>>(producer, rank, {
    leaf: (v) => (isBuffer(v) ? new Set([v]) : undefined),
    literal: () => new Set(),
    iota: () => new Set(),
    elementwise: (eqn, ops) => {
      const s = new Set(ops.flatMap((o) => [...o]));
      const v = eqn.outvars[0]!;
      if (v !== root && s.size + 1 <= maxBuffers && s.size > bestSize) { best = v; bestSize = s.size; }
      return s;
    },
    blocked: () => new Set(),
  });
  at(walk);
  return best;
}

export function planFusion(jaxpr: Jaxpr, policy: FusionPolicy = CPU_POLICY): FusionPlan {
  const eqns = foldTransposedDots(jaxpr);
  const producer = new Map<Var, JaxprEqn>();
  eqns.forEach((e) => e.outvars.forEach((v) => producer.set(v, e)));
  const inputs = new Set<Var>([...jaxpr.constvars, ...jaxpr.invars]);
  const outputs = new Set<Var>(jaxpr.outs.filter((a): a is Var => a instanceof Var));
  const consumers = new Map<Var, JaxprEqn[]>();
  for (const e of eqns) {
    for (const a of new Set(e.inputs)) if (a instanceof Var) consumers.set(a, [...(consumers.get(a) ?? []), e]);
  }
  const readsInLoop = (e: JaxprEqn) => isLoopFusible(e.primitive) || isFusedReduce(e);
  const { maxBuffers } = policy;

  // ---- which values get a buffer --------------------------------------------------------------
  const materialized = new Set<Var>();
  const cheap = new Set<Var>();
  const isBuffer = (v: Var) => inputs.has(v) || materialized.has(v);
  for (const e of eqns) {
    if (!isLoopFusible(e.primitive)) { e.outvars.forEach((v) => materialized.add(v)); continue; }
    const v = e.outvars[0]!;
    const x = e.inputs[0];
    const movesBufferOrConstant = MOVEMENT.has(e.primitive) && (x instanceof Literal || (x instanceof Var && (isBuffer(x) || cheap.has(x))));
    const scalarChain = isElementwise(e.primitive) && v.aval.size === 1;
    if (e.primitive === 'iota' || movesBufferOrConstant || scalarChain) cheap.add(v);
    const cs = consumers.get(v) ?? [];
    if (outputs.has(v) || !cs.every(readsInLoop)) materialized.add(v);
    else if (cheap.has(v)) continue;
    else if (cs.length !== 1) materialized.add(v);
    else if (cs[0]!.primitive === 'broadcast_in_dim' && cs[0]!.outvars[0]!.aval.size > v.aval.size) materialized.add(v);
  }

  // Materialise nodes an access cannot reach affinely, and cut trees that read more buffers than
  // a step may bind, until every tree walks cleanly.
  for (let changed = true; changed;) {
    changed = false;
    const block = (v: Var) => { if (!materialized.has(v)) { materialized.add(v); changed = true; } };
    const check = (domain: Shape, root: Var | null, at: <R>(w: TreeWalk<R>) => void) => {
      const found: { v: Var; form: Affine }[] = [];
      at(new TreeWalk(producer, domain.length, leafCollector(isBuffer, domain.length, found, block)));
      if (changed || distinct(found) + 1 <= maxBuffers) return;
      const cut = cutPoint(producer, isBuffer, domain.length, at, root, maxBuffers);
      if (cut) block(cut);
    };
    for (const e of eqns) {
      const root = e.outvars[0]!;
      if (isLoopFusible(e.primitive) && materialized.has(root) && root.aval.size > 0) {
        const domain = root.aval.shape;
        check(domain, root, (w) => { w.expand(root, identityAccess(domain)); });
      } else if (isFusedReduce(e) && (e.inputs[0] as Var).aval.size > 0) {
        const domain = (e.inputs[0] as Var).aval.shape;
        check(domain, null, (w) => { w.atom(e.inputs[0]!, identityAccess(domain)); });
      }
    }
  }

  // ---- steps, in equation order, merging neighbours ----------------------------------------------
  const steps: Step[] = [];
  const stepOf = new Map<Var, number>();
  const reads: Read[][] = [];
  /** The buffers a value's tree reads, as flat forms over `domain`. */
  const leavesOf = (root: Var, domain: Shape): { v: Var; form: Affine }[] => {
    const found: { v: Var; form: Affine }[] = [];
    if (sizeOf(domain) === 0) return found;
    const fail = () => { throw new Error('fusion: a tree is blocked after the fixpoint'); };
    new TreeWalk(producer, domain.length, leafCollector(isBuffer, domain.length, found, fail)).expand(root, identityAccess(domain));
    return found;
  };
  const toReads = (found: { v: Var; form: Affine }[], domain: Shape): Read[] => {
    const id = identityFlat(domain);
    return found.map(({ v, form }) => ({ v, identity: v.aval.size === sizeOf(domain) && formsEqual(form, id) }));
  };
  /** Whether a step reading `had` and `more` and writing `writes` values stays within the binding limit (writes counted whether stored or not). */
  const fits = (had: readonly Read[], more: readonly { v: Var }[], writes: number) => distinct([...had, ...more]) + writes <= maxBuffers;
  /** The same for a matmul's epilogue: the operands keep bindings of their own, even where the epilogue reads them too. */
  const fitsDot = (k: number, more: readonly { v: Var }[], writes: number) => {
    const step = steps[k] as CallStep, operands = step.eqn.inputs.filter((a) => a instanceof Var).length;
    return operands + distinct([...reads[k]!.slice(operands), ...more]) + writes <= maxBuffers;
  };
  const push = (s: Step, r: Read[], defines: readonly Var[]) => {
    steps.push(s);
    reads.push(r);
    defines.forEach((v) => stepOf.set(v, steps.length - 1));
  };

  for (const e of eqns) {
    const v = e.outvars[0]!;
    if (isLoopFusible(e.primitive)) {
      if (!materialized.has(v)) continue;
      const x = e.inputs[0];
      if (e.primitive === 'reshape' && x instanceof Var && isBuffer(x)) { push({ kind: 'alias', v, of: x }, [{ v: x, identity: false }], [v]); continue; }
      const found = leavesOf(v, v.aval.shape);
      const last = steps.length - 1, prev = steps[last];
      if (prev?.kind === 'loop' && shapeEq(prev.shape, v.aval.shape) && fits(reads[last]!, found, prev.members.length + 1)) {
        const r = toReads(found, v.aval.shape);
        if (r.every((rd) => stepOf.get(rd.v) !== last || rd.identity)) {
          prev.members.push(v);
          reads[last]!.push(...r);
          stepOf.set(v, last);
          continue;
        }
      }
      const epilogueOf = prev?.kind === 'reduce' ? canJoinEpilogue(prev, v, found, policy.reducePerOutput) && fits(reads[last]!, found, prev.epilogue.length + 2)
        : prev?.kind === 'kernel' && policy.dotEpilogue ? canJoinDotEpilogue(prev, v, found) && fitsDot(last, found, prev.epilogue.length + 2) : false;
      if (prev && epilogueOf && (prev.kind === 'reduce' || prev.kind === 'kernel')) {
        prev.epilogue.push(v);
        reads[last]!.push(...toReads(found, v.aval.shape));
        stepOf.set(v, last);
        continue;
      }
      // A matmul further back whose product this loop reads (a weight update after the gradient's
      // matmul, with other steps in between): the loop may run there as its epilogue if everything
      // it reads is computed by then. Its consumers all come later, so moving it earlier is safe.
      // Not when a step in between reads a buffer this loop could overwrite in place (a donated
      // weight the backward pass still reads): writing it in place here saves more than the fusion.
      if (policy.dotEpilogue) {
        const k = Math.max(-1, ...found.map((f) => stepOf.get(f.v) ?? -1));
        const back = steps[k];
        const r = toReads(found, v.aval.shape);
        const inPlaceLater = r.some((rd) => rd.identity && stepOf.get(rd.v) !== k && rd.v.aval.dtype === v.aval.dtype &&
          reads.slice(k + 1).some((rs) => rs.some((x) => x.v === rd.v)));
        if (back?.kind === 'kernel' && k < last && !inPlaceLater && canJoinDotEpilogue(back, v, found) && fitsDot(k, found, back.epilogue.length + 2)) {
          back.epilogue.push(v);
          reads[k]!.push(...toReads(found, v.aval.shape));
          stepOf.set(v, k);
          continue;
        }
      }
      push({ kind: 'loop', shape: v.aval.shape, members: [v] }, toReads(found, v.aval.shape), [v]);
    } else if (isFusedReduce(e)) {
      const x = e.inputs[0] as Var, domain = x.aval.shape;
      const found: { v: Var; form: Affine }[] = [];
      if (sizeOf(domain) > 0) {
        new TreeWalk(producer, domain.length, leafCollector(isBuffer, domain.length, found, () => { throw new Error('fusion: blocked reduction'); })).atom(x, identityAccess(domain));
      }
      push({ kind: 'reduce', eqn: e, epilogue: [] }, found.map((f) => ({ v: f.v, identity: false })), [v]);
    } else {
      const r = e.inputs.filter((a): a is Var => a instanceof Var).map((a) => ({ v: a, identity: false }));
      push({ kind: isArrayPrimitive(e.primitive) ? 'kernel' : 'call', eqn: e, epilogue: [] }, r, e.outvars);
    }
  }

  // ---- which materialised values need a buffer -------------------------------------------------------
  const stored = new Set<Var>(outputs);
  reads.forEach((rs, s) => rs.forEach(({ v }) => { if (stepOf.get(v) !== s) stored.add(v); }));
  return { jaxpr, eqns, steps, producer, buffered: new Set([...inputs, ...materialized]), stored, stepOf, reads };
}

/**
 * An epilogue reads the reduction's result and earlier epilogue values only at the output element
 * being finished (they are locals there). Other buffers: at that element or at a constant position
 * when the reduction runs in the input's order (the fused code has just that index), anywhere when
 * each output element is finished on its own (`perOutput`).
 */
function canJoinEpilogue(step: ReduceStep, v: Var, found: readonly { v: Var; form: Affine }[], perOutput: boolean): boolean {
  const out = step.eqn.outvars[0]!;
  const x = step.eqn.inputs[0] as Var;
  if ((!perOutput && !foldsInLocal(step.eqn)) || x.aval.size <= 1 || !shapeEq(out.aval.shape, v.aval.shape) || v.aval.size === 0) return false;
  const id = identityFlat(v.aval.shape);
  return found.every(({ v: u, form }) => (u.aval.size === v.aval.size && formsEqual(form, id)) ||
    (u !== out && !step.epilogue.includes(u) && (perOutput || isConstant(form))));
}

/**
 * A loop over a dot_general's result joins it as an epilogue (bias, activation, the update
 * `w - lr·g`): it reads the product and earlier epilogue values only at the element being written
 * (they are registers there), other buffers anywhere.
 */
function canJoinDotEpilogue(step: CallStep, v: Var, found: readonly { v: Var; form: Affine }[]): boolean {
  const out = step.eqn.outvars[0]!;
  if ((step.eqn.primitive !== 'dot_general' && step.eqn.primitive !== 'conv_general_dilated') || !shapeEq(out.aval.shape, v.aval.shape) || v.aval.size === 0) return false;
  const id = identityFlat(v.aval.shape);
  return found.every(({ v: u, form }) => (u !== out && !step.epilogue.includes(u)) || (u.aval.size === v.aval.size && formsEqual(form, id)));
}
