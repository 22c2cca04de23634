// The single interception point: `bind` hands every primitive application to the current
// interpreter. Interpreters form a chain through `parent` (Autodidax's "stackless" design): a
// transform installs itself as current, and its rules run with its parent installed.
import { ShapedArray } from './aval.js';
import { LeakedTracerError } from './errors.js';
import type { NDArray } from './array.js';
import { Params, Primitive } from './primitives.js';

export interface Interpreter {
  /** What kind of transformation this is, for messages: 'eval', 'jvp', 'staging', 'partial_eval'. */
  readonly kind: string;
  readonly parent: Interpreter | null;
  /** False once the transformation has returned; a tracer of a dead interpreter has leaked. */
  live: boolean;
  process<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[];
}

let current: Interpreter | null = null;

export function currentInterpreter(): Interpreter {
  if (!current) throw new Error('cotangent: no interpreter installed (import cotangent through its index so the eval interpreter registers)');
  return current;
}
export function setBaseInterpreter(interp: Interpreter): void {
  if (!current) current = interp;
}

/** Runs `f` with `interp` as the current interpreter. */
export function withInterpreter<T>(interp: Interpreter, f: () => T): T {
  const prev = current;
  current = interp;
  try {
    return f();
  } finally {
    current = prev;
  }
}

/** Runs `f` under a new interpreter made from the current one, and marks it dead afterwards. */
export function underNewInterpreter<I extends Interpreter, T>(make: (parent: Interpreter) => I, f: (interp: I) => T): T {
  const interp = make(currentInterpreter());
  try {
    return withInterpreter(interp, () => f(interp));
  } finally {
    interp.live = false;
  }
}

export function bind<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray[] {
  return currentInterpreter().process(prim, args, params);
}
export function bind1<P extends Primitive>(prim: P, args: readonly NDArray[], params: Params<P>): NDArray {
  return currentInterpreter().process(prim, args, params)[0]!;
}

/** The LeakedTracerError for a tracer of a finished (or unrelated) transformation. */
export function leakedTracerError(kind: string, prim: string, aval: ShapedArray): LeakedTracerError {
  return new LeakedTracerError(
    `${prim}: got a traced value (${aval.str()}) from a \`${kind}\` transformation that has already finished. ` +
      `A traced array was stored in an outer variable or captured by a closure and used after its transformation returned; ` +
      `return it from the transformed function instead.`,
  );
}
