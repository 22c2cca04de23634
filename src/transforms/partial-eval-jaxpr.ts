// Partial evaluation of a jaxpr: given which inputs are unknown, split it into a known jaxpr
// (computable now; it also returns the residuals the rest needs) and an unknown jaxpr (residuals
// and unknown inputs in, unknown outputs out). linearize uses it so the primal half of a jitted
// call still runs as one compiled program.
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var } from '../core/jaxpr.js';
import { eliminateDeadCode } from '../core/passes.js';
import { memoPerJaxpr } from './memo.js';

export interface SplitJaxpr {
  /** Inputs: the known inputs (in order). Outputs: the known outputs, then the residuals. */
  readonly known: ClosedJaxpr;
  /** Inputs: the residuals, then the unknown inputs. Outputs: the unknown outputs. */
  readonly unknown: ClosedJaxpr;
  readonly outUnknown: readonly boolean[];
  readonly numResiduals: number;
}

export const partialEvalJaxpr = memoPerJaxpr((cj: ClosedJaxpr, inUnknown: readonly boolean[]): SplitJaxpr => {
  const { jaxpr } = cj;
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
    if (e.inputs.some(isUnknown)) {
      e.outvars.forEach((v) => unknownVars.add(v));
      unknownEqns.push({ ...e, inputs: e.inputs.map(residual) });
    } else knownEqns.push(e);
  }
  const outUnknown = jaxpr.outs.map(isUnknown);
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
  return { known, unknown, outUnknown, numResiduals: residuals.length };
});
