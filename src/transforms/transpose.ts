// Transposition of linear jaxprs: run the equations backwards, turning output cotangents into
// input cotangents with each linear primitive's transpose rule. vjp = linearize + transpose.
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import { Atom, ClosedJaxpr, Literal, Var } from '../core/jaxpr.js';
import * as lax from '../core/lax.js';
import { withSource } from '../core/debug.js';
import { transposeRules, UndefinedPrimal } from './transpose-rules.js';
import { higherOrderRules } from './higher-order.js';
import { HigherOrderPrimitive, isArrayPrimitive } from '../core/primitives.js';
import { addTangents, isZero, Tangent, Zero } from './tangent.js';

/** Cotangents of `linear`'s inputs given cotangents of its outputs (zeros allowed). */
export function backwardPass(linear: ClosedJaxpr, cotangentsOut: readonly Tangent[]): Tangent[] {
  const { jaxpr, consts } = linear;
  const known = new Map<Var, NDArray>();
  jaxpr.constvars.forEach((v, i) => known.set(v, consts[i]!));
  const cts = new Map<Var, Tangent>();
  const accumulate = (a: Atom, ct: Tangent | null) => {
    if (ct === null || isZero(ct) || a instanceof Literal || known.has(a)) return;
    const prev = cts.get(a);
    cts.set(a, prev ? addTangents(prev, ct) : ct);
  };
  jaxpr.outs.forEach((a, i) => accumulate(a, cotangentsOut[i]!));

  for (let k = jaxpr.eqns.length - 1; k >= 0; k--) {
    const eqn = jaxpr.eqns[k]!;
    const ctsOut = eqn.outvars.map((v) => cts.get(v) ?? new Zero(v.aval));
    eqn.outvars.forEach((v) => cts.delete(v));
    if (ctsOut.every((t) => isZero(t))) continue;
    const args = eqn.inputs.map((a): NDArray | UndefinedPrimal => {
      if (a instanceof Literal) return lax.scalar(a.value, a.aval.dtype, a.aval.weakType);
      return known.get(a) ?? new UndefinedPrimal(a.aval);
    });
    const rule = (isArrayPrimitive(eqn.primitive) ? transposeRules[eqn.primitive] : higherOrderRules(eqn.primitive as HigherOrderPrimitive).transpose) as (c: Tangent[], a: (NDArray | UndefinedPrimal)[], p: unknown, o: ShapedArray[]) => (Tangent | null)[];
    // The transposed equation is the backward pass of the user's line that made the forward one.
    const ctsIn = withSource({ location: eqn.source?.location ?? null, pass: 'backward' }, () => rule(ctsOut, args, eqn.params, eqn.outvars.map((v) => v.aval)));
    eqn.inputs.forEach((a, i) => { if (args[i] instanceof UndefinedPrimal) accumulate(a, ctsIn[i] ?? null); });
  }
  return jaxpr.invars.map((v) => cts.get(v) ?? new Zero(v.aval));
}
