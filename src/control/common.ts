// What the control-flow primitives share: tracing user functions into closed jaxprs (constants
// become operands), derived jaxprs of a body (its JVP, its transpose), and type checks that name
// the pytree path of a mismatch.
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import { ShapeError } from '../core/errors.js';
import { ClosedJaxpr, evalClosedJaxpr, Jaxpr } from '../core/jaxpr.js';
import { optimize } from '../core/passes.js';
import { FlatFn } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { PyTree, TreeDef } from '../core/tree.js';
import { toArrays } from '../transforms/flat.js';
import { jvpFlat } from '../transforms/jvp.js';
import { traceFlat } from '../transforms/make-jaxpr.js';
import { memoPerJaxpr } from '../transforms/memo.js';
import { instantiate, isZero, Tangent, Zero } from '../transforms/tangent.js';
import { backwardPass } from '../transforms/transpose.js';
import { moveBatchDim } from '../transforms/batch-rules.js';
import { batchFlat } from '../transforms/vmap.js';

// ---- pytrees ------------------------------------------------------------------------------------
/** The path of every leaf of a tree, as JAX prints key paths: `[0]['w']`. */
export function leafPaths(def: TreeDef, prefix = ''): string[] {
  switch (def.kind) {
    case 'leaf': return [prefix];
    case 'none': return [];
    case 'array': return def.children.flatMap((c, i) => leafPaths(c, `${prefix}[${i}]`));
    case 'object': return def.children.flatMap((c, i) => leafPaths(c, `${prefix}['${def.keys[i]}']`));
    case 'custom': return def.children.flatMap((c, i) => leafPaths(c, `${prefix}.${def.node.name}[${i}]`));
  }
}

export function flattenArrays(t: PyTree, op: string): [NDArray[], TreeDef] {
  const [leaves, def] = tree.flatten(t);
  return [toArrays(leaves, op), def];
}

/**
 * Checks that two trees of avals agree (structure, then shape and dtype leaf by leaf); the error
 * names the operation, what is compared, the leaf's path and both types. Names carry their verb
 * ('branch 1 returns', 'the carry (init) is').
 */
export function checkSameTypes(op: string, what: string, [aDef, a, aName]: [TreeDef, readonly ShapedArray[], string], [bDef, b, bName]: [TreeDef, readonly ShapedArray[], string], root: string): void {
  if (!tree.treedefEqual(aDef, bDef)) {
    throw new TypeError(`${op}: ${what}: ${aName} the structure ${tree.treedefString(aDef)} but ${bName} ${tree.treedefString(bDef)}`);
  }
  const paths = leafPaths(aDef, root);
  for (let i = 0; i < a.length; i++) {
    if (!a[i]!.equals(b[i]!)) {
      throw new ShapeError(`${op}: ${what}: at ${paths[i] || root}, ${aName} ${a[i]!.str()} but ${bName} ${b[i]!.str()}`);
    }
  }
}

// ---- tracing ------------------------------------------------------------------------------------
/** A traced body: a jaxpr with no constants (they lead its inputs) and the values to pass for them. */
export interface Body { readonly jaxpr: ClosedJaxpr; readonly consts: readonly NDArray[] }

/** Traces `f` on abstract inputs; the values it captures (arrays, tracers of enclosing transforms) become leading inputs. */
export function traceBody(f: FlatFn, avals: readonly ShapedArray[]): Body {
  const cj = traceFlat(f, avals);
  return { jaxpr: hoist(cj), consts: cj.consts };
}
/** Constants as leading inputs, so a sub-jaxpr holds no values. */
export const hoist = (cj: ClosedJaxpr): ClosedJaxpr =>
  cj.consts.length === 0 ? cj : new ClosedJaxpr(new Jaxpr([], [...cj.jaxpr.constvars, ...cj.jaxpr.invars], cj.jaxpr.eqns, cj.jaxpr.outs), []);

/** A jaxpr with its inputs and outputs reordered: new input k is old input inOrder[k]. Same variables, no retrace. */
export function permute(cj: ClosedJaxpr, inOrder: readonly number[], outOrder?: readonly number[]): ClosedJaxpr {
  const j = cj.jaxpr;
  return new ClosedJaxpr(new Jaxpr(j.constvars, inOrder.map((i) => j.invars[i]!), j.eqns, outOrder ? outOrder.map((i) => j.outs[i]!) : j.outs), cj.consts);
}

/** Indices 0..n-1 of the entries where mask is true (or false). */
export const where = (mask: readonly boolean[], value = true): number[] => mask.flatMap((m, i) => (m === value ? [i] : []));
export const range = (from: number, to: number): number[] => Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);

/** A jaxpr traced with no constants left (concrete constants of its trace become inputs with their values). */
function closed(f: FlatFn, avals: readonly ShapedArray[]): ClosedJaxpr {
  return optimize(traceFlat(f, avals));
}

// ---- derived jaxprs ------------------------------------------------------------------------------
export interface JvpJaxpr {
  /** Inputs: primals, then the nonzero tangents; outputs: primal outputs, then the nonzero tangent outputs. */
  readonly jaxpr: ClosedJaxpr;
  readonly zeroOut: readonly boolean[];
}
/**
 * The JVP of a jaxpr for the tangent inputs marked `nonzero`; outputs marked `instantiate` always
 * get a tangent (a zero array where it is symbolically zero), so several bodies can share one signature.
 */
export function jvpJaxpr(cj: ClosedJaxpr, nonzero: readonly boolean[], instantiateOut?: readonly boolean[]): JvpJaxpr {
  return jvpMemo(cj, [...nonzero, ...(instantiateOut ?? cj.outAvals.map(() => false))]);
}
const jvpMemo = memoPerJaxpr((cj: ClosedJaxpr, mask: readonly boolean[]): JvpJaxpr => {
  const inAvals = cj.inAvals, n = inAvals.length;
  const nonzero = mask.slice(0, n), inst = mask.slice(n);
  let zeroOut: boolean[] = [];
  const jaxpr = closed((...xs) => {
    const primals = xs.slice(0, n);
    let k = n;
    const tangents: Tangent[] = inAvals.map((a, i) => (nonzero[i] ? xs[k++]! : new Zero(a)));
    const [po, to] = jvpFlat((...ys) => evalClosedJaxpr(cj, ys), primals, tangents);
    zeroOut = to.map((t, i) => isZero(t) && !inst[i]);
    return [...po, ...to.filter((_, i) => !zeroOut[i]).map(instantiate)];
  }, [...inAvals, ...inAvals.filter((_, i) => nonzero[i]).map((a) => a.strong())]);
  return { jaxpr, zeroOut };
});

/**
 * The transpose of a jaxpr linear in the inputs marked `linear`: inputs (the other inputs, then a
 * cotangent per output), outputs a cotangent per linear input (zero arrays where nothing flows).
 */
export const transposeJaxpr = memoPerJaxpr((cj: ClosedJaxpr, linear: readonly boolean[]): ClosedJaxpr => {
  const { jaxpr } = cj;
  const knownVars = jaxpr.invars.filter((_, i) => !linear[i]);
  const linearVars = jaxpr.invars.filter((_, i) => linear[i]);
  return closed((...xs) => {
    const known = xs.slice(0, knownVars.length), cts = xs.slice(knownVars.length);
    // The same equations with the known inputs as constants: a linear jaxpr backwardPass can run.
    const asLinear = new ClosedJaxpr(new Jaxpr([...jaxpr.constvars, ...knownVars], linearVars, jaxpr.eqns, jaxpr.outs), [...cj.consts, ...known]);
    return backwardPass(asLinear, cts).map(instantiate);
  }, [...knownVars.map((v) => v.aval), ...cj.outAvals.map((a) => a.strong())]);
});

/** Traces a function of avals into a closed, optimised jaxpr (for rules that build new bodies). */
export const traceJaxpr = (f: FlatFn, avals: readonly ShapedArray[]): ClosedJaxpr => closed(f, avals);

// ---- batching -------------------------------------------------------------------------------------
export interface BatchedJaxpr {
  /** Inputs: as the original, those marked batched with a leading lane axis; outputs likewise. */
  readonly jaxpr: ClosedJaxpr;
  readonly outBatched: readonly boolean[];
}
/**
 * A jaxpr batched over `size` lanes: inputs marked in `inBatched` carry a leading lane axis; each
 * output leaves with a leading lane axis if it depends on the lanes or is marked in `forceOut`.
 */
export function batchJaxpr(cj: ClosedJaxpr, inBatched: readonly boolean[], size: number, forceOut?: readonly boolean[]): BatchedJaxpr {
  return batchMemo(cj, [...inBatched, ...(forceOut ?? cj.outAvals.map(() => false)), ...size.toString(2).split('').map((b) => b === '1')]);
}
const batchMemo = memoPerJaxpr((cj: ClosedJaxpr, mask: readonly boolean[]): BatchedJaxpr => {
  const n = cj.inAvals.length, m = cj.outAvals.length;
  const inBatched = mask.slice(0, n), force = mask.slice(n, n + m);
  const size = parseInt(mask.slice(n + m).map((b) => (b ? '1' : '0')).join(''), 2);
  let outBatched: boolean[] = [];
  const jaxpr = closed((...xs) => {
    const [outs, dims] = batchFlat((...ys) => evalClosedJaxpr(cj, ys), xs, inBatched.map((b) => (b ? 0 : null)), size);
    outBatched = dims.map((d, i) => d !== null || force[i]!);
    return outs.map((o, i) => (outBatched[i] ? moveBatchDim(o, dims[i]!, 0, size) : o));
  }, cj.inAvals.map((a, i) => (inBatched[i] ? a.withShape([size, ...a.shape]) : a)));
  return { jaxpr, outBatched };
});
