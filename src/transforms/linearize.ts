// linearize = jvp + partial evaluation. Primal work is "known" and runs at once on the parent
// interpreter; tangent work touches "unknown" inputs and is staged into a linear jaxpr whose
// constants are the residuals. vjp then only has to transpose that jaxpr.
import { NDArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { bind, Interpreter, underNewInterpreter, withInterpreter } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { outputAvals } from '../core/eval.js';
import { FlatFn, HigherOrderPrimitive, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { StagingBase } from './builder.js';
import { higherOrderRules } from './higher-order.js';
import { EqnSplit, PartialEvalRule } from './partial-eval-jaxpr.js';
import { jvpFlat } from './jvp.js';
import { instantiate, isZero, Tangent, Zero } from './tangent.js';

class PartialEvalInterpreter extends StagingBase {
  readonly kind = 'linearize';
  // Source lines of the linear equations: wanted when this is traced into a jaxpr (their
  // transposes inherit them); eagerly they cost a stack capture per op, so only while debugging.
  constructor(parent: Interpreter) { super(parent, parent.kind !== 'eval'); }
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (!args.some((a) => this.owns(a))) return withInterpreter(this.parent, () => bind(prim, args, params));
    if (isArrayPrimitive(prim)) return this.stage(prim, args, params);
    const inUnknown = args.map((a) => this.owns(a));
    const rule = (higherOrderRules(prim as HigherOrderPrimitive).partialEval as PartialEvalRule<P>)(params, inUnknown, args.map((a) => a.aval));
    if (rule === 'unknown') return this.stage(prim, args, params, outputAvals(prim, args.map((a) => a.aval), params));
    // A custom-rule call on unknown (tangent) values: the rule is not needed here, run its body.
    if (rule === 'inline') return (params as Params<'custom_jvp_call'>).fun(...args);
    return this.split(args, rule);
  }

  /**
   * A higher-order equation with some unknown inputs, split by its rule: the known half (the primal
   * computation: a jitted call, a scan over the primal carry) runs now on the parent and returns
   * residuals; the unknown half (linear in the unknowns) is staged reading them.
   */
  private split(args: readonly NDArray[], s: EqnSplit): NDArray[] {
    const knownArgs = s.knownInputs.map((i) => args[i]!);
    const knownOuts = withInterpreter(this.parent, () => bind(s.known.primitive, knownArgs, s.known.params as never));
    const residuals = knownOuts.slice(knownOuts.length - s.numResiduals);
    const ukArgs = s.unknownInputs.map(([kind, i]) => (kind === 'residual' ? residuals[i]! : args[i]!));
    const unknownOuts = this.stage(s.unknown.primitive, ukArgs, s.unknown.params as never, outputAvals(s.unknown.primitive, ukArgs.map((a) => a.aval), s.unknown.params as never));
    let k = 0, u = 0;
    return s.outUnknown.map((isU) => (isU ? unknownOuts[u++]! : knownOuts[k++]!));
  }
}

export interface Linearized {
  readonly primalsOut: NDArray[];
  /** Linear map from the float inputs' tangents to the nonzero output tangents. */
  readonly linear: ClosedJaxpr;
  /** Which inputs feed the linear jaxpr (float inputs). */
  readonly inputUsed: readonly boolean[];
  /** For each output: null if its tangent is symbolically zero, else its position in `linear`'s outputs. */
  readonly outputSlot: readonly (number | null)[];
}

export function linearizeFlat(f: FlatFn, primals: readonly NDArray[]): Linearized {
  return underNewInterpreter((p) => new PartialEvalInterpreter(p), (pe) => {
    const inputUsed = primals.map((p) => isFloat(p.dtype));
    const tangentArgs = primals.map((p, i) => (inputUsed[i] ? pe.newArg(p.aval.strong()) : new Zero(p.aval)));
    const [primalsOut, tangentsOut] = jvpFlat(f, primals, tangentArgs);
    const outputSlot: (number | null)[] = [];
    const linearOuts: NDArray[] = [];
    for (const t of tangentsOut) {
      if (isZero(t)) { outputSlot.push(null); continue; }
      outputSlot.push(linearOuts.length);
      linearOuts.push(t);
    }
    const ins = tangentArgs.filter((t): t is ReturnType<typeof pe.newArg> => !isZero(t));
    return { primalsOut, linear: pe.finish(ins, linearOuts), inputUsed, outputSlot };
  });
}

/** Applies the linear map to input tangents (forward mode on the staged jaxpr). */
export function applyLinear(lin: Linearized, tangents: readonly Tangent[]): Tangent[] {
  const ins = tangents.filter((_, i) => lin.inputUsed[i]).map(instantiate);
  const outs = evalClosedJaxpr(lin.linear, ins);
  return lin.outputSlot.map((slot, i) => (slot === null ? new Zero(lin.primalsOut[i]!.aval) : outs[slot]!));
}
