// The eval interpreter: the bottom of every chain. It runs array primitives on the backend that
// holds their operands; higher-order primitives run by their row of the higher-order table.
import * as E from 'fp-ts/lib/Either.js';
import { ShapedArray } from './aval.js';
import { ConcreteArray, NDArray, onOneBackend, Tracer } from './array.js';
import { getBackend, checkDtypeSupported } from './backend.js';
import { ShapeError } from './errors.js';
import { checkOutputs, debugging, sourceHere } from './debug.js';
import { recordOrigin } from './debug-async.js';
import type { TypedArray } from './dtype.js';
import { Interpreter, leakedTracerError, setBaseInterpreter } from './interpreter.js';
import { ArrayPrimitive, HigherOrderPrimitive, isArrayPrimitive, Params, Primitive, shapeRules } from './primitives.js';

/** How a higher-order primitive runs on concrete values: a column of the higher-order table (transforms/higher-order.ts). */
export type HigherOrderImpl<P extends HigherOrderPrimitive> = (args: readonly NDArray[], params: Params<P>) => NDArray[];

let higherOrderImpls: { readonly [P in HigherOrderPrimitive]: HigherOrderImpl<P> } | null = null;
/** Called once at load, by the higher-order table: transforms sit above the core, so they hand their rules down. */
export function registerHigherOrderImpls(impls: { readonly [P in HigherOrderPrimitive]: HigherOrderImpl<P> }): void { higherOrderImpls = impls; }
function higherOrderImpl<P extends HigherOrderPrimitive>(p: P): HigherOrderImpl<P> {
  if (!higherOrderImpls) throw new Error('cotangent: the higher-order rules are not registered (import cotangent through its index)');
  return higherOrderImpls[p] as HigherOrderImpl<P>;
}

/** Output avals of a primitive, or a ShapeError naming it. */
export function outputAvals<P extends Primitive>(prim: P, avals: readonly ShapedArray[], params: Params<P>): ShapedArray[] {
  const r = shapeRules[prim](avals, params);
  if (E.isLeft(r)) throw new ShapeError(`${prim}: ${r.left}`);
  return r.right;
}

class EvalInterpreter implements Interpreter {
  readonly kind = 'eval';
  readonly parent = null;
  live = true;
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (!isArrayPrimitive(prim)) return higherOrderImpl(prim as HigherOrderPrimitive)(args, params as never);
    return evalArrayPrimitive(prim, args, params as Params<ArrayPrimitive>);
  }
}

export function evalArrayPrimitive<P extends ArrayPrimitive>(prim: P, args: readonly NDArray[], params: Params<P>): ConcreteArray[] {
  const concrete: ConcreteArray[] = [];
  for (const a of args) {
    if (a instanceof ConcreteArray) {
      a.checkLive(prim);
      concrete.push(a);
    } else if (a instanceof Tracer) {
      throw leakedTracerError(a.interpreter.kind, prim, a.aval);
    } else {
      throw new TypeError(`${prim}: expected arrays as operands, got ${String(a)}`);
    }
  }
  const operands = onOneBackend(prim, concrete);
  const backend = operands[0]?.backend ?? getBackend();
  const inAvals = operands.map((c) => c.aval);
  const outAvals = outputAvals(prim, inAvals, params);
  for (const o of outAvals) checkDtypeSupported(backend, o.dtype, prim);
  const bufs = backend.execute(prim, params, operands.map((c) => c.buffer), inAvals, outAvals);
  const outs = bufs.map((b, i) => new ConcreteArray(outAvals[i]!, b, backend));
  if (debugging) debugCheck(prim, operands, outs);
  return outs;
}

// ---- debugNans / debugInfs -------------------------------------------------------------------------
/** Values readable now (the CPU); on an asynchronous backend the check happens at readback (debug-async.ts). */
export const readNow = (x: NDArray): TypedArray | null =>
  x instanceof ConcreteArray && x.backend.name === 'cpu' && !x.isDisposed ? x.dataSync() : null;

function debugCheck(prim: string, inputs: readonly ConcreteArray[], outs: readonly ConcreteArray[]): void {
  if (outs.some((o) => readNow(o) === null)) { recordOrigin(outs, { kind: 'primitive', prim, inputs, source: sourceHere() }); return; }
  checkOutputs(prim, inputs, outs, readNow);
}

export const evalInterpreter: Interpreter = new EvalInterpreter();
setBaseInterpreter(evalInterpreter);
