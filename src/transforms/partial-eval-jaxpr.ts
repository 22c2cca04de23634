// Partial evaluation of a jaxpr: given which inputs are unknown, split it into a known jaxpr
// (computable now; it also returns the residuals the rest needs) and an unknown jaxpr (residuals
// and unknown inputs in, unknown outputs out). linearize uses it so the primal half of a jitted
// call still runs as one compiled program; higher-order equations split by their own rule.
import { ShapedArray } from '../core/aval.js';
import { outputAvals } from '../core/eval.js';
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var } from '../core/jaxpr.js';
import { eliminateDeadCode } from '../core/passes.js';
import { HigherOrderPrimitive, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { higherOrderRules } from './higher-order.js';
import { memoPerJaxpr } from './memo.js';

export interface SplitJaxpr {
  /** Inputs: the known inputs (in order). Outputs: the known outputs, then the residuals. */
  readonly known: ClosedJaxpr;
  /** Inputs: the residuals, then the unknown inputs. Outputs: the unknown outputs. */
  readonly unknown: ClosedJaxpr;
  readonly outUnknown: readonly boolean[];
  readonly numResiduals: number;
  /** For each residual: the index of the input it is (a known input read as it is), else null. */
  readonly residualInput: readonly (number | null)[];
}

/** One equation of the split: which primitive runs, with which params. */
export interface EqnSpec { readonly primitive: Primitive; readonly params: unknown }
/** Where an input of the unknown half comes from: a known input of the equation, a residual, or an unknown input. */
export type UnknownInput = readonly ['known' | 'residual' | 'unknown', number];

/**
 * How a higher-order equation with some unknown inputs splits: the known equation takes `knownInputs` and returns the known outputs, then `numResiduals` residuals; the unknown
 * equation takes `unknownInputs` and returns the unknown outputs.
 */
export interface EqnSplit {
  readonly outUnknown: readonly boolean[];
  /** The equation's inputs the known half takes, in order (a known input may also go to the unknown half only). */
  readonly knownInputs: readonly number[];
  readonly known: EqnSpec;
  readonly numResiduals: number;
  readonly unknown: EqnSpec;
  readonly unknownInputs: readonly UnknownInput[];
}
/**
 * A higher-order primitive's partial-evaluation rule: a split, or 'unknown' (the whole equation is
 * staged: linear as it is, or impossible to split), or 'inline' (run its body: custom-rule calls,
 * whose rule the tangent computation no longer needs).
 */
export type PartialEvalRule<P extends Primitive> = (params: Params<P>, inUnknown: readonly boolean[], inAvals: readonly ShapedArray[]) => EqnSplit | 'unknown' | 'inline';

const key = (inUnknown: readonly boolean[], instantiate: readonly boolean[] | undefined) => [...inUnknown, ...(instantiate ? [true, ...instantiate] : [false])];

/** Splits `cj`; outputs marked in `instantiate` are unknown even when they are known (their value becomes a residual). */
export function partialEvalJaxpr(cj: ClosedJaxpr, inUnknown: readonly boolean[], instantiate?: readonly boolean[]): SplitJaxpr {
  return splitMemo(cj, key(inUnknown, instantiate));
}

const splitMemo = memoPerJaxpr((cj: ClosedJaxpr, mask: readonly boolean[]): SplitJaxpr => {
  const { jaxpr } = cj;
  const n = jaxpr.invars.length;
  const inUnknown = mask.slice(0, n);
  const instantiate = mask[n] ? mask.slice(n + 1) : jaxpr.outs.map(() => false);
  const unknownVars = new Set<Var>(jaxpr.invars.filter((_, i) => inUnknown[i]));
  const isUnknown = (a: Atom) => a instanceof Var && unknownVars.has(a);
  const knownEqns: JaxprEqn[] = [], unknownEqns: JaxprEqn[] = [];
  // Known values the unknown side reads: each becomes a residual (a known output, an unknown input).
  const residuals: Var[] = [];
  const residualOf = new Map<Var, Var>();
  const residual = (a: Atom): Atom => {
    if (a instanceof Literal || isUnknown(a)) return a;
    let r = residualOf.get(a);
    if (!r) { r = new Var(a.aval); residualOf.set(a, r); residuals.push(a); }
    return r;
  };
  for (const e of jaxpr.eqns) {
    const inUk = e.inputs.map(isUnknown);
    if (!inUk.some(Boolean)) { knownEqns.push(e); continue; }
    const rule = isArrayPrimitive(e.primitive) ? 'unknown' : higherOrderRules(e.primitive as HigherOrderPrimitive).partialEval(e.params as never, inUk, e.inputs.map((a) => a.aval));
    if (rule === 'unknown' || rule === 'inline') {
      e.outvars.forEach((v) => unknownVars.add(v));
      unknownEqns.push({ ...e, inputs: e.inputs.map(residual) });
      continue;
    }
    // A higher-order equation split by its rule: its known half joins the known jaxpr, and the
    // residuals it returns are read by its unknown half.
    const knownIns = rule.knownInputs.map((i) => e.inputs[i]!);
    const knownAvals = outputAvals(rule.known.primitive, knownIns.map((a) => a.aval), rule.known.params as never);
    const nKnownOut = knownAvals.length - rule.numResiduals;
    const knownOutvars: Var[] = [];
    let k = 0;
    const outvarsOfKnown = knownAvals.map((a, i) => {
      if (i < nKnownOut) {
        while (rule.outUnknown[k]) k++;
        const v = e.outvars[k++]!;
        knownOutvars.push(v);
        return v;
      }
      return new Var(a);
    });
    knownEqns.push({ primitive: rule.known.primitive, params: rule.known.params as never, inputs: knownIns, outvars: outvarsOfKnown, source: e.source });
    const resVars = outvarsOfKnown.slice(nKnownOut);
    const inputs = rule.unknownInputs.map(([kind, i]) => (kind === 'residual' ? residual(resVars[i]!) : kind === 'known' ? residual(e.inputs[i]!) : e.inputs[i]!));
    const ukOutvars = e.outvars.filter((_, i) => rule.outUnknown[i]);
    ukOutvars.forEach((v) => unknownVars.add(v));
    unknownEqns.push({ primitive: rule.unknown.primitive, params: rule.unknown.params as never, inputs, outvars: ukOutvars, source: e.source });
  }
  const outUnknown = jaxpr.outs.map((a, i) => isUnknown(a) || instantiate[i]!);
  const knownOuts = jaxpr.outs.filter((_, i) => !outUnknown[i]);
  const unknownOuts = jaxpr.outs.filter((_, i) => outUnknown[i]).map(residual);
  const known = eliminateDeadCode(new ClosedJaxpr(
    new Jaxpr(jaxpr.constvars, jaxpr.invars.filter((_, i) => !inUnknown[i]), knownEqns, [...knownOuts, ...residuals]),
    cj.consts,
  ));
  const unknown = new ClosedJaxpr(
    new Jaxpr([], [...residuals.map((r) => residualOf.get(r)!), ...jaxpr.invars.filter((_, i) => inUnknown[i])], unknownEqns, unknownOuts),
    [],
  );
  const residualInput = residuals.map((r) => { const i = jaxpr.invars.indexOf(r); return i < 0 ? null : i; });
  return { known, unknown, outUnknown, numResiduals: residuals.length, residualInput };
});
