// The eval interpreter: the bottom of every chain. It runs array primitives on the backend that
// holds their operands and calls the function inside higher-order primitives.
import { ShapedArray } from './aval.js';
import { ConcreteArray, NDArray, Tracer } from './array.js';
import { getBackend, checkDtypeSupported } from './backend.js';
import { CotangentError, ShapeError } from './errors.js';
import { Interpreter, leakedTracerError, setBaseInterpreter } from './interpreter.js';
import { evalClosedJaxpr } from './jaxpr.js';
import { ArrayPrimitive, HigherOrderParams, isArrayPrimitive, Params, Primitive, shapeRules } from './primitives.js';

type HigherOrder = keyof HigherOrderParams;

const evalHigherOrder: { [P in HigherOrder]: (args: readonly NDArray[], params: Params<P>) => NDArray[] } = {
  custom_jvp_call: (args, { fun }) => fun(...args),
  custom_vjp_call: (args, { fun }) => fun(...args),
  jit: (args, { jaxpr }) => evalClosedJaxpr(jaxpr, args),
  custom_lin: (_args, { name }) => {
    throw new CotangentError(
      `${name}: forward-mode differentiation (jvp) of a customVjp function is not supported: it defines only a backward pass. ` +
        `Use grad/vjp, or define the function with customJvp instead.`,
    );
  },
};

/** Output avals of a primitive, or a ShapeError naming it. */
export function outputAvals<P extends Primitive>(prim: P, avals: readonly ShapedArray[], params: Params<P>): ShapedArray[] {
  const r = shapeRules[prim](avals, params);
  if (r._tag === 'Left') throw new ShapeError(`${prim}: ${r.left}`);
  return r.right;
}

class EvalInterpreter implements Interpreter {
  readonly kind = 'eval';
  readonly parent = null;
  live = true;
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
    if (!isArrayPrimitive(prim)) return evalHigherOrder[prim as HigherOrder](args, params as never);
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
  const backend = concrete[0]?.backend ?? getBackend();
  for (const c of concrete) {
    if (c.backend !== backend) {
      throw new CotangentError(`${prim}: operands live on different backends (${backend.name} and ${c.backend.name}); move one with x.to('${backend.name}')`);
    }
  }
  const inAvals = concrete.map((c) => c.aval);
  const outAvals = outputAvals(prim, inAvals, params);
  for (const o of outAvals) checkDtypeSupported(backend, o.dtype, prim);
  const bufs = backend.execute(prim, params, concrete.map((c) => c.buffer), inAvals, outAvals);
  return bufs.map((b, i) => new ConcreteArray(outAvals[i]!, b, backend));
}

export const evalInterpreter: Interpreter = new EvalInterpreter();
setBaseInterpreter(evalInterpreter);
