// Records equations into a jaxpr. Shared by the staging interpreter (makeJaxpr, jit) and the
// partial evaluator (linearize), which differ only in which values they stage.
import { ShapedArray } from '../core/aval.js';
import { ConcreteArray, knownScalarValue, NDArray, Tracer } from '../core/array.js';
import { outputAvals } from '../core/eval.js';
import { Interpreter, leakedTracerError } from '../core/interpreter.js';
import { Atom, ClosedJaxpr, Jaxpr, JaxprEqn, Literal, Var } from '../core/jaxpr.js';
import { debugging, sourceHere } from '../core/debug.js';
import { isArrayPrimitive, Params, Primitive } from '../core/primitives.js';

export class StagedTracer extends Tracer {
  constructor(readonly interpreter: Interpreter, readonly aval: ShapedArray, readonly v: Var) { super(); }
}

export class JaxprBuilder {
  constructor(readonly recordSource = true) {}
  readonly eqns: JaxprEqn[] = [];
  private readonly consts = new Map<NDArray, Var>();

  /** A value from outside the trace: a literal if it is a concrete CPU scalar, else a constvar. */
  addConst(x: NDArray): Atom {
    if (x instanceof ConcreteArray && x.ndim === 0) {
      const known = knownScalarValue(x);
      if (known !== undefined) return new Literal(known, x.aval);
      if (x.backend.name === 'cpu') return new Literal(Number(x.dataSync()[0]), x.aval);
    }
    let v = this.consts.get(x);
    if (!v) { v = new Var(x.aval); this.consts.set(x, v); }
    return v;
  }

  addEqn<P extends Primitive>(primitive: P, inputs: Atom[], params: Params<P>, outAvals: readonly ShapedArray[]): Var[] {
    const outvars = outAvals.map((a) => new Var(a));
    // Source lines cost a stack capture per equation: always for jit/makeJaxpr traces (once per
    // signature), for linearize (every grad call) only while debugging NaNs.
    const source = this.recordSource || debugging ? sourceHere() : undefined;
    this.eqns.push({ primitive, params, inputs, outvars, source });
    return outvars;
  }

  build(invars: readonly Var[], outs: readonly Atom[]): ClosedJaxpr {
    return new ClosedJaxpr(new Jaxpr([...this.consts.values()], invars, [...this.eqns], outs), [...this.consts.keys()]);
  }
}

/**
 * The common part of interpreters that stage: own tracers become their variables, everything else
 * (concrete arrays, tracers of enclosing transforms) becomes a constant of the jaxpr.
 */
export abstract class StagingBase implements Interpreter {
  abstract readonly kind: string;
  live = true;
  readonly builder: JaxprBuilder;
  constructor(readonly parent: Interpreter, recordSource = true) { this.builder = new JaxprBuilder(recordSource); }
  abstract process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[];

  owns(x: NDArray): x is StagedTracer {
    return x instanceof StagedTracer && x.interpreter === this;
  }
  newArg(aval: ShapedArray): StagedTracer {
    return new StagedTracer(this, aval, new Var(aval));
  }
  atom(x: NDArray, prim: string): Atom {
    if (this.owns(x)) return x.v;
    if (x instanceof Tracer && !x.interpreter.live) throw leakedTracerError(x.interpreter.kind, prim, x.aval);
    return this.builder.addConst(x);
  }
  /** Records `prim` applied to args and returns tracers for its outputs. */
  stage<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>, outAvals?: readonly ShapedArray[]): NDArray[] {
    const inputs = args.map((a) => this.atom(a, prim));
    const avals = outAvals ?? (isArrayPrimitive(prim) ? outputAvals(prim, args.map((a) => a.aval), params) : null);
    if (!avals) throw new Error(`internal: ${prim} staged without output avals`);
    return this.builder.addEqn(prim, inputs, params, avals).map((v) => new StagedTracer(this, v.aval, v));
  }
  /** Builds the jaxpr with `ins` as binders and `outs` (own tracers or outside values) as results. */
  finish(ins: readonly StagedTracer[], outs: readonly NDArray[]): ClosedJaxpr {
    return this.builder.build(ins.map((t) => t.v), outs.map((o) => this.atom(o, 'output')));
  }
}
