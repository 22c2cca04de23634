// Jaxpr-to-jaxpr passes run before lowering: inline nested jit, fold literal-only scalar
// equations, common-subexpression elimination, dead-code elimination.
import { ShapedArray } from './aval.js';
import { ConcreteArray, concreteFromTyped } from './array.js';
import { allocTyped, castScalar, storeScalar } from './dtype.js';
import { evalArrayPrimitive } from './eval.js';
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var } from './jaxpr.js';
import { ControlPrimitive, isArrayPrimitive, Params } from './primitives.js';

type Subst = Map<Var, Atom>;
const sub = (s: Subst, a: Atom): Atom => (a instanceof Var ? s.get(a) ?? a : a);

/** Replaces each `jit` equation by its body (fresh variables per call site; inner constants join the outer). */
export function inlineJit(cj: ClosedJaxpr): ClosedJaxpr {
  if (!cj.jaxpr.eqns.some((e) => e.primitive === 'jit')) return cj;
  const constvars = [...cj.jaxpr.constvars], consts = [...cj.consts];
  const eqns: JaxprEqn[] = [];
  const run = (jaxpr: Jaxpr, inner: { consts: readonly unknown[]; inputs: readonly Atom[] } | null): Atom[] => {
    const env: Subst = new Map();
    if (inner) {
      jaxpr.constvars.forEach((v, i) => {
        const nv = new Var(v.aval);
        constvars.push(nv);
        consts.push(inner.consts[i] as ConcreteArray);
        env.set(v, nv);
      });
      jaxpr.invars.forEach((v, i) => env.set(v, inner.inputs[i]!));
    }
    for (const e of jaxpr.eqns) {
      const ins = e.inputs.map((a) => sub(env, a));
      if (e.primitive === 'jit') {
        const body = (e.params as Params<'jit'>).jaxpr;
        const outs = run(body.jaxpr, { consts: body.consts, inputs: ins });
        e.outvars.forEach((v, i) => env.set(v, outs[i]!));
        continue;
      }
      const outvars = inner ? e.outvars.map((v) => new Var(v.aval)) : e.outvars;
      e.outvars.forEach((v, i) => env.set(v, outvars[i]!));
      eqns.push({ ...e, inputs: ins, outvars });
    }
    return jaxpr.outs.map((a) => sub(env, a));
  };
  const outs = run(cj.jaxpr, null);
  return new ClosedJaxpr(new Jaxpr(constvars, cj.jaxpr.invars, eqns, outs), consts);
}

/** Evaluates elementwise equations whose inputs are all scalar literals, replacing them by literals. */
export function foldConstants(cj: ClosedJaxpr): ClosedJaxpr {
  const s: Subst = new Map();
  const eqns: JaxprEqn[] = [];
  for (const e of cj.jaxpr.eqns) {
    const ins = e.inputs.map((a) => sub(s, a));
    const foldable = isArrayPrimitive(e.primitive) && e.primitive !== 'iota' && e.primitive !== 'threefry2x32' && ins.length > 0 &&
      ins.every((a) => a instanceof Literal) && e.outvars.length === 1 && e.outvars[0]!.aval.ndim === 0;
    if (foldable) {
      // Folded on the CPU whatever the default backend: the result is read back at once.
      const args = (ins as Literal[]).map((l) => {
        const data = allocTyped(l.aval.dtype, 1);
        storeScalar(data, 0, l.value, l.aval.dtype);
        return concreteFromTyped(data, l.aval, 'cpu');
      });
      const [out] = evalArrayPrimitive(e.primitive as never, args, e.params as never);
      const v = out!.dataSync()[0]!;
      s.set(e.outvars[0]!, new Literal(Number(v), e.outvars[0]!.aval));
      continue;
    }
    eqns.push({ ...e, inputs: ins });
  }
  return new ClosedJaxpr(new Jaxpr(cj.jaxpr.constvars, cj.jaxpr.invars, eqns, cj.jaxpr.outs.map((a) => sub(s, a))), cj.consts);
}

function paramsKey(p: unknown): string | null {
  let ok = true;
  const json = JSON.stringify(p, (_k, v) => {
    if (typeof v === 'function' || v instanceof ClosedJaxpr) ok = false;
    if (v instanceof ShapedArray) return v.str();
    return v;
  });
  return ok ? json : null;
}

/** Reuses the first of several equations with the same primitive, params and inputs. */
export function eliminateCommonSubexpressions(cj: ClosedJaxpr): ClosedJaxpr {
  const ids = new Map<Var, number>();
  const atomKey = (a: Atom) => (a instanceof Literal ? `${a.value}:${a.aval.str()}` : `v${ids.get(a) ?? (ids.set(a, ids.size), ids.get(a))}`);
  const s: Subst = new Map();
  const seen = new Map<string, readonly Var[]>();
  const eqns: JaxprEqn[] = [];
  for (const e of cj.jaxpr.eqns) {
    const ins = e.inputs.map((a) => sub(s, a));
    const pk = isArrayPrimitive(e.primitive) && e.primitive !== 'threefry2x32' ? paramsKey(e.params) : null;
    if (pk !== null) {
      const key = `${e.primitive}|${pk}|${ins.map(atomKey).join(',')}`;
      const prev = seen.get(key);
      if (prev) { e.outvars.forEach((v, i) => s.set(v, prev[i]!)); continue; }
      seen.set(key, e.outvars);
    }
    eqns.push({ ...e, inputs: ins });
  }
  return new ClosedJaxpr(new Jaxpr(cj.jaxpr.constvars, cj.jaxpr.invars, eqns, cj.jaxpr.outs.map((a) => sub(s, a))), cj.consts);
}

/**
 * Dead-code elimination inside a control-flow equation (kept beside the primitive's other rules):
 * given which of its outputs are read, the equation computing only those (outputs in order, fewer
 * inputs where its sub-jaxprs stop reading them), or null when nothing it computes is needed.
 */
export type DceRule<P extends ControlPrimitive> = (eqn: JaxprEqn<P>, used: readonly boolean[]) => JaxprEqn<P> | null;
let controlDce: { [P in ControlPrimitive]: DceRule<P> } | null = null;
export function registerControlDceRules(rules: { [P in ControlPrimitive]: DceRule<P> }): void { controlDce = rules; }

/** Drops equations whose outputs nobody reads, and constants nobody reads; control-flow equations drop the outputs nobody reads. */
export function eliminateDeadCode(cj: ClosedJaxpr): ClosedJaxpr {
  const live = new Set<Var>();
  const mark = (a: Atom) => { if (a instanceof Var) live.add(a); };
  cj.jaxpr.outs.forEach(mark);
  const kept: JaxprEqn[] = [];
  for (let i = cj.jaxpr.eqns.length - 1; i >= 0; i--) {
    let e: JaxprEqn | null = cj.jaxpr.eqns[i]!;
    const used = e.outvars.map((v) => live.has(v));
    if (!used.some((u) => u)) continue;
    const rule = controlDce && (controlDce as Record<string, DceRule<ControlPrimitive> | undefined>)[e.primitive];
    if (rule) e = rule(e as JaxprEqn<ControlPrimitive>, used);
    if (!e) continue;
    kept.push(e);
    e.inputs.forEach(mark);
  }
  kept.reverse();
  const constIdx = cj.jaxpr.constvars.map((v, i) => [v, i] as const).filter(([v]) => live.has(v));
  return new ClosedJaxpr(
    new Jaxpr(constIdx.map(([v]) => v), cj.jaxpr.invars, kept, cj.jaxpr.outs),
    constIdx.map(([, i]) => cj.consts[i]!),
  );
}

/**
 * A sub-jaxpr computing only the outputs `keepOuts` marks (dead code dropped), and which of its
 * inputs that still reads: the building block of the control-flow DCE rules.
 */
export function pruneOutputs(cj: ClosedJaxpr, keepOuts: readonly boolean[]): { closed: ClosedJaxpr; reads: boolean[] } {
  const { jaxpr } = cj;
  const closed = eliminateDeadCode(new ClosedJaxpr(new Jaxpr(jaxpr.constvars, jaxpr.invars, jaxpr.eqns, jaxpr.outs.filter((_, i) => keepOuts[i])), cj.consts));
  const read = new Set<Atom>(closed.jaxpr.outs);
  for (const e of closed.jaxpr.eqns) e.inputs.forEach((a) => read.add(a));
  return { closed, reads: jaxpr.invars.map((v) => read.has(v)) };
}

/** `cj` without the inputs `keepIns` does not mark (which it must not read). */
export function dropInputs(cj: ClosedJaxpr, keepIns: readonly boolean[]): ClosedJaxpr {
  const { jaxpr } = cj;
  return new ClosedJaxpr(new Jaxpr(jaxpr.constvars, jaxpr.invars.filter((_, i) => keepIns[i]), jaxpr.eqns, jaxpr.outs), cj.consts);
}

/**
 * transpose(transpose(x, p), q) is transpose(x, r) with r[i] = p[q[i]], and x itself when r is the
 * identity: gradients of `x·wᵀ` produce such pairs. The inner transpose is left for DCE to drop.
 */
export function foldTransposes(cj: ClosedJaxpr): ClosedJaxpr {
  const producer = new Map<Var, JaxprEqn<'transpose'>>();
  const s: Subst = new Map();
  const eqns: JaxprEqn[] = [];
  for (const e of cj.jaxpr.eqns) {
    const ins = e.inputs.map((a) => sub(s, a));
    if (e.primitive === 'transpose') {
      const inner = ins[0] instanceof Var ? producer.get(ins[0]) : undefined;
      const q = (e.params as Params<'transpose'>).permutation;
      if (inner) {
        const p = inner.params.permutation;
        const r = q.map((qi) => p[qi]!);
        if (r.every((ri, i) => ri === i)) { s.set(e.outvars[0]!, inner.inputs[0]!); continue; }
        const fused: JaxprEqn<'transpose'> = { primitive: 'transpose', params: { permutation: r }, inputs: [inner.inputs[0]!], outvars: e.outvars };
        producer.set(e.outvars[0]!, fused);
        eqns.push(fused);
        continue;
      }
      const eqn = { ...e, inputs: ins } as JaxprEqn<'transpose'>;
      producer.set(e.outvars[0]!, eqn);
      eqns.push(eqn);
      continue;
    }
    eqns.push({ ...e, inputs: ins });
  }
  return new ClosedJaxpr(new Jaxpr(cj.jaxpr.constvars, cj.jaxpr.invars, eqns, cj.jaxpr.outs.map((a) => sub(s, a))), cj.consts);
}

/**
 * dot_general(transpose(x, p), y) reads x directly with its axes renamed through p (operand axis i
 * is x's axis p[i]), since kernels take operands by strides. Only when the renaming keeps the free
 * axes in increasing order, because their order fixes the output layout.
 */
export function foldTransposeIntoDot(cj: ClosedJaxpr): ClosedJaxpr {
  const transposeOf = new Map<Var, JaxprEqn<'transpose'>>();
  for (const e of cj.jaxpr.eqns) if (e.primitive === 'transpose') transposeOf.set(e.outvars[0]!, e as JaxprEqn<'transpose'>);
  const eqns = cj.jaxpr.eqns.map((e): JaxprEqn => {
    if (e.primitive !== 'dot_general') return e;
    const { contracting, batch } = (e.params as Params<'dot_general'>).dimensionNumbers;
    const inputs = [...e.inputs];
    const c: [number[], number[]] = [[...contracting[0]], [...contracting[1]]];
    const b: [number[], number[]] = [[...batch[0]], [...batch[1]]];
    for (const side of [0, 1] as const) {
      const a = inputs[side];
      const t = a instanceof Var ? transposeOf.get(a) : undefined;
      if (!t) continue;
      const perm = t.params.permutation;
      const free = perm.map((_, i) => i).filter((i) => !c[side].includes(i) && !b[side].includes(i));
      const mapped = free.map((i) => perm[i]!);
      if (!mapped.every((m, k) => k === 0 || m > mapped[k - 1]!)) continue;
      c[side] = c[side].map((i) => perm[i]!);
      b[side] = b[side].map((i) => perm[i]!);
      inputs[side] = t.inputs[0]!;
    }
    if (inputs.every((a, i) => a === e.inputs[i])) return e;
    return { ...e, inputs, params: { dimensionNumbers: { contracting: c, batch: b } } } as JaxprEqn;
  });
  return new ClosedJaxpr(new Jaxpr(cj.jaxpr.constvars, cj.jaxpr.invars, eqns, cj.jaxpr.outs), cj.consts);
}

/** The pipeline jit runs before handing a jaxpr to a backend. */
export const optimize = (cj: ClosedJaxpr): ClosedJaxpr =>
  eliminateDeadCode(foldTransposeIntoDot(eliminateCommonSubexpressions(foldTransposes(foldConstants(inlineJit(cj))))));
