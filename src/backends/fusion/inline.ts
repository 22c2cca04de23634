// A pre-pass for compilers that run a whole jaxpr as one device program: inline the bodies of calls.
//
// jit already inlines nested `jit` equations before a jaxpr reaches a backend (core/passes.ts), but
// custom_jvp_call / custom_vjp_call (and checkpoint) stay as equations so that transforms applied
// later still find the user's rule (or the recomputation). When the jaxpr is only going to be *run*, the rule no longer matters: the call
// is its traced body (which staging records in the equation's params), so a compiler can fuse
// across it instead of leaving the program to run it through the interpreter. The body's constants
// become constvars of the result (the compiler holds their values).
import { NDArray } from '../../core/array.js';
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Var } from '../../core/jaxpr.js';
import { Params } from '../../core/primitives.js';

/** The traced body of a call equation, or null when it has none (then it stays an equation). */
function bodyOf(e: JaxprEqn): ClosedJaxpr | null {
  switch (e.primitive) {
    case 'custom_jvp_call': return (e.params as Params<'custom_jvp_call'>).jaxpr ?? null;
    case 'custom_vjp_call': return (e.params as Params<'custom_vjp_call'>).jaxpr ?? null;
    case 'jit': return (e.params as Params<'jit'>).jaxpr;
    case 'checkpoint': return (e.params as Params<'checkpoint'>).jaxpr;
    default: return null;
  }
}

/** Replaces every call equation that carries its body by the body's equations (recursively). */
export function inlineCalls(cj: ClosedJaxpr): ClosedJaxpr {
  if (!cj.jaxpr.eqns.some((e) => bodyOf(e) !== null)) return cj;
  const constvars = [...cj.jaxpr.constvars];
  const consts: NDArray[] = [...cj.consts];
  const eqns: JaxprEqn[] = [];
  const run = (jaxpr: Jaxpr, bodyConsts: readonly NDArray[], inputs: readonly Atom[] | null): Atom[] => {
    const env = new Map<Var, Atom>();
    const sub = (a: Atom): Atom => (a instanceof Var ? env.get(a) ?? a : a);
    if (inputs) {
      jaxpr.constvars.forEach((v, i) => {
        const nv = new Var(v.aval);
        constvars.push(nv);
        consts.push(bodyConsts[i]!);
        env.set(v, nv);
      });
      jaxpr.invars.forEach((v, i) => env.set(v, inputs[i]!));
    }
    for (const e of jaxpr.eqns) {
      const ins = e.inputs.map(sub);
      const body = bodyOf(e);
      if (body) {
        const outs = run(body.jaxpr, body.consts, ins);
        e.outvars.forEach((v, i) => env.set(v, outs[i]!));
        continue;
      }
      // Equations of an inlined body get fresh variables: the same body may be inlined twice.
      const outvars = inputs ? e.outvars.map((v) => new Var(v.aval)) : e.outvars;
      e.outvars.forEach((v, i) => env.set(v, outvars[i]!));
      eqns.push({ ...e, inputs: ins, outvars });
    }
    return jaxpr.outs.map(sub);
  };
  const outs = run(cj.jaxpr, cj.consts, null);
  return new ClosedJaxpr(new Jaxpr(constvars, cj.jaxpr.invars, eqns, outs), consts);
}
