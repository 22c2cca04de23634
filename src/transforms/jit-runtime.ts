// jit's runtime half: a jitted call on concrete values runs the backend's compiled program for its
// jaxpr (built once per jaxpr and backend compiler), or the jaxpr equation by equation where the
// backend compiles nothing. The eval interpreter reaches it through jit's row (jit-rules.ts).
import { ConcreteArray, NDArray, onOneBackend, Tracer } from '../core/array.js';
import { Backend, Executable, getBackend } from '../core/backend.js';
import { badValue, currentPass, debugging } from '../core/debug.js';
import { recordOrigin } from '../core/debug-async.js';
import { FloatingPointError } from '../core/errors.js';
import { readNow } from '../core/eval.js';
import { leakedTracerError } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { Params } from '../core/primitives.js';

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
export function runJit(args: readonly NDArray[], { jaxpr, donated }: Params<'jit'>): NDArray[] {
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
