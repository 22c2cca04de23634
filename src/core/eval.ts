// The eval interpreter: the bottom of every chain. It runs array primitives on the backend that
// holds their operands and calls the function inside higher-order primitives.
import { ShapedArray } from './aval.js';
import { ConcreteArray, NDArray, onOneBackend, Tracer } from './array.js';
import { Backend, Executable, getBackend, checkDtypeSupported } from './backend.js';
import { CotangentError, FloatingPointError, ShapeError } from './errors.js';
import { badValue, checkOutputs, currentPass, debugging, sourceHere } from './debug.js';
import { recordOrigin } from './debug-async.js';
import type { TypedArray } from './dtype.js';
import { Interpreter, leakedTracerError, setBaseInterpreter } from './interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from './jaxpr.js';
import { ArrayPrimitive, ControlPrimitive, HigherOrderParams, isArrayPrimitive, Params, Primitive, shapeRules } from './primitives.js';

type HigherOrder = keyof HigherOrderParams;
type Impl<P extends Primitive> = (args: readonly NDArray[], params: Params<P>) => NDArray[];

/** How control-flow primitives run on concrete values; each lives beside its other rules (src/control/). */
let controlImpls: { [P in ControlPrimitive]: Impl<P> } | null = null;
export function registerControlImpls(impls: { [P in ControlPrimitive]: Impl<P> }): void { controlImpls = impls; }
function controlImpl<P extends ControlPrimitive>(p: P): Impl<P> {
  if (!controlImpls) throw new Error('cotangent: control-flow rules are not registered (import cotangent through its index)');
  return controlImpls[p] as Impl<P>;
}

const evalHigherOrder: { [P in HigherOrder]: Impl<P> } = {
  custom_jvp_call: (args, { fun }) => fun(...args),
  custom_vjp_call: (args, { fun }) => fun(...args),
  jit: (args, { jaxpr, donated }) => runJit(args, jaxpr, donated),
  custom_lin: (_args, { name }) => {
    throw new CotangentError(
      `${name}: forward-mode differentiation (jvp) of a customVjp function is not supported: it defines only a backward pass. ` +
        `Use grad/vjp, or define the function with customJvp instead.`,
    );
  },
  cond: (args, params) => controlImpl('cond')(args, params),
  scan: (args, params) => controlImpl('scan')(args, params),
  while: (args, params) => controlImpl('while')(args, params),
  checkpoint: (args, params) => controlImpl('checkpoint')(args, params),
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

const executables = new WeakMap<ClosedJaxpr, Map<Backend['compile'], Executable>>();

/** The backend's compiled program for a jaxpr, built once per (jaxpr, backend compiler: a backend may switch compilers, as the CPU's jit target does). */
export function executableFor(backend: Backend, jaxpr: ClosedJaxpr, donated: readonly boolean[]): Executable | null {
  if (!backend.compile) return null;
  let perBackend = executables.get(jaxpr);
  if (!perBackend) { perBackend = new Map(); executables.set(jaxpr, perBackend); }
  let exe = perBackend.get(backend.compile);
  if (!exe) { exe = backend.compile(jaxpr, donated); perBackend.set(backend.compile, exe); }
  return exe;
}

/** A jitted call on concrete values: the backend's compiled program, or the jaxpr op by op. */
function runJit(args: readonly NDArray[], jaxpr: ClosedJaxpr, donated: readonly boolean[]): NDArray[] {
  const concrete = args.map((a) => {
    if (a instanceof ConcreteArray) { a.checkLive('jit'); return a; }
    if (a instanceof Tracer) throw leakedTracerError(a.interpreter.kind, 'jit', a.aval);
    throw new TypeError(`jit: expected arrays as operands, got ${String(a)}`);
  });
  const operands = onOneBackend('jit', concrete);
  const backend = operands[0]?.backend ?? getBackend();
  // Debugging NaNs: no donation (a re-run needs the inputs as they were).
  const exe = executableFor(backend, jaxpr, debugging ? donated.map(() => false) : donated);
  if (!exe) return evalClosedJaxpr(jaxpr, operands);
  const outs = exe.run(operands.map((c) => c.buffer)).map((b, i) => new ConcreteArray(jaxpr.outAvals[i]!, b, backend));
  if (debugging) debugCheckJit(jaxpr, operands, outs);
  return outs;
}

// ---- debugNans / debugInfs -------------------------------------------------------------------------
/** Values readable now (the CPU); on an asynchronous backend the check happens at readback (debug-async.ts). */
const readNow = (x: NDArray): TypedArray | null =>
  x instanceof ConcreteArray && x.backend.name === 'cpu' && !x.isDisposed ? x.dataSync() : null;

function debugCheck(prim: string, inputs: readonly ConcreteArray[], outs: readonly ConcreteArray[]): void {
  if (outs.some((o) => readNow(o) === null)) { recordOrigin(outs, { kind: 'primitive', prim, inputs, source: sourceHere() }); return; }
  checkOutputs(prim, inputs, outs, readNow);
}

/**
 * A jitted call whose outputs hold a NaN runs again op by op (de-optimised), so the eager check
 * names the primitive and the equation's recorded source line. On an asynchronous backend the
 * outputs remember the call, and reading them back does the same.
 */
function debugCheckJit(jaxpr: ClosedJaxpr, inputs: readonly ConcreteArray[], outs: readonly ConcreteArray[]): void {
  if (outs.some((o) => readNow(o) === null)) { recordOrigin(outs, { kind: 'jit', jaxpr, inputs }); return; }
  if (!outs.some((o) => badValue(o, readNow(o)!))) return;
  evalClosedJaxpr(jaxpr, inputs);
  const bad = outs.find((o) => badValue(o, readNow(o)!))!;
  throw new FloatingPointError(`${badValue(bad, readNow(bad)!) === 'NaN' ? 'invalid value (NaN)' : 'infinity (Inf)'} in the output of a jitted function, which did not recur when it ran op by op (the compiled program rounds or fuses differently)`, 'jit', currentPass(), null);
}

export const evalInterpreter: Interpreter = new EvalInterpreter();
setBaseInterpreter(evalInterpreter);
