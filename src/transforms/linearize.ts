// linearize = jvp + partial evaluation. Primal work is "known" and runs at once on the parent
// interpreter; tangent work touches "unknown" inputs and is staged into a linear jaxpr whose
// constants are the residuals. vjp then only has to transpose that jaxpr.
import { NDArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { bind, underNewInterpreter, withInterpreter } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { FlatFn, isArrayPrimitive, Params, Primitive } from '../core/primitives.js';
import { StagingBase } from './builder.js';
import { partialEvalJaxpr } from './partial-eval-jaxpr.js';
import { jvpFlat } from './jvp.js';
import { instantiate, isZero, Tangent, Zero } from './tangent.js';

class PartialEvalInterpreter extends StagingBase {
  readonly kind = 'linearize';
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (!args.some((a) => this.owns(a))) return withInterpreter(this.parent, () => bind(prim, args, params));
    if (isArrayPrimitive(prim)) return this.stage(prim, args, params);
    if (prim === 'custom_lin') return this.stage(prim, args, params, (params as Params<'custom_lin'>).outAvals);
    if (prim === 'jit') return this.splitJit(args, params as Params<'jit'>);
    // A custom-rule call on unknown (tangent) values: the rule is not needed here, run its body.
    return (params as Params<'custom_jvp_call'>).fun(...args);
  }

  /**
   * A jitted call with some unknown inputs: its known half (the primal computation) runs now as
   * one jitted call on the parent, returning residuals; its unknown half (linear in the unknowns)
   * is staged as a jitted call too, which transposes into a jitted call of its transpose.
   */
  private splitJit(args: readonly NDArray[], params: Params<'jit'>): NDArray[] {
    const inUnknown = args.map((a) => this.owns(a));
    const split = partialEvalJaxpr(params.jaxpr, inUnknown);
    const knownArgs = args.filter((_, i) => !inUnknown[i]);
    const knownOuts = withInterpreter(this.parent, () =>
      bind('jit', knownArgs, { name: params.name, jaxpr: split.known, donated: knownArgs.map(() => false) }));
    const nKnown = knownOuts.length - split.numResiduals;
    const residuals = knownOuts.slice(nKnown);
    const unknownOuts = this.stage('jit', [...residuals, ...args.filter((_, i) => inUnknown[i])], {
      name: params.name, jaxpr: split.unknown, donated: split.unknown.inAvals.map(() => false),
    }, split.unknown.outAvals);
    let k = 0, u = 0;
    return split.outUnknown.map((isU) => (isU ? unknownOuts[u++]! : knownOuts[k++]!));
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
