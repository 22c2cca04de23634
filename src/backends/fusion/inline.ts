// A pre-pass for compilers that run a whole jaxpr as one device program: inline the bodies of calls.
//
// jit already inlines nested `jit` equations before a jaxpr reaches a backend (core/passes.ts), but
// custom_jvp_call / custom_vjp_call (and checkpoint) stay as equations so that transforms applied
// later still find the user's rule (or the recomputation). When the jaxpr is only going to be *run*, the rule no longer matters: the call
// is its traced body (which staging records in the equation's params), so a compiler can fuse
// across it instead of leaving the program to run it through the interpreter. The body's constants
// become constvars of the result (the compiler holds their values).
import { ShapedArray } from '../../core/aval.js';
import { NDArray } from '../../core/array.js';
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var } from '../../core/jaxpr.js';
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

export interface InlineOptions {
  /**
   * Also inline `cond` as every branch followed by a select on the index (WebGPU's choice: the
   * index stays on the device, and the program stays one submission — a scan body with a cond can
   * then be replayed). Branches not taken still run: fine for cheap branches.
   */
  readonly selectConds?: boolean;
}

/** Replaces every call equation that carries its body by the body's equations (recursively). */
export function inlineCalls(cj: ClosedJaxpr, opts: InlineOptions = {}): ClosedJaxpr {
  const inlined = (e: JaxprEqn) => bodyOf(e) !== null || (opts.selectConds === true && e.primitive === 'cond');
  if (!cj.jaxpr.eqns.some(inlined)) return cj;
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
      if (opts.selectConds && e.primitive === 'cond') {
        const [index, ...ops] = ins;
        const results = (e.params as Params<'cond'>).branches.map((b) => run(b.jaxpr, b.consts, ops));
        e.outvars.forEach((v, o) => env.set(v, selectBranch(eqns, index!, results.map((r) => r[o]!), v.aval)));
        continue;
      }
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

/**
 * Branch k's value where index ≤ k (from the last branch down), as lax.cond's eager WebGPU rule:
 * an index below 0 picks branch 0, above the last the last (JAX's clamping).
 */
function selectBranch(eqns: JaxprEqn[], index: Atom, values: readonly Atom[], aval: ShapedArray): Atom {
  let acc = values[values.length - 1]!;
  for (let k = values.length - 2; k >= 0; k--) {
    const le = new Var(new ShapedArray([], 'bool'));
    eqns.push({ primitive: 'le', params: {}, inputs: [index, new Literal(k, new ShapedArray([], index.aval.dtype))], outvars: [le] });
    let pick: Atom = le;
    if (aval.ndim > 0) {
      pick = new Var(new ShapedArray(aval.shape, 'bool'));
      eqns.push({ primitive: 'broadcast_in_dim', params: { shape: [...aval.shape], broadcastDimensions: [] }, inputs: [le], outvars: [pick] });
    }
    const out = new Var(aval);
    eqns.push({ primitive: 'select', params: {}, inputs: [pick, values[k]!, acc], outvars: [out] });
    acc = out;
  }
  return acc;
}
