// The errors a user can meet. Each names the operation, what it received and what it expected.
import * as E from 'fp-ts/lib/Either.js';

/** The base class of cotangent's errors (catch this to catch them all). */
export class CotangentError extends Error {
  /** The error's class name. */
  override name = 'CotangentError';
}
/** Shapes or ranks that do not fit an operation. */
export class ShapeError extends CotangentError {
  /** The error's class name. */
  override name = 'ShapeError';
}
/** An index out of range or malformed (NumPy's IndexError). */
export class IndexError extends ShapeError {
  /** The error's class name. */
  override name = 'IndexError';
}
/** A dtype an operation cannot take, or a backend cannot hold. */
export class DTypeError extends CotangentError {
  /** The error's class name. */
  override name = 'DTypeError';
}
/** A JS number that the target dtype cannot hold (NumPy's OverflowError for a Python int out of bounds). */
export class OverflowError extends CotangentError {
  /** The error's class name. */
  override name = 'OverflowError';
}
/**
 * A primitive produced a NaN (or an infinity) while `debugNans(true)` (`debugInfs(true)`) is on:
 * JAX's FloatingPointError under jax_debug_nans. Names the primitive, its pass and source line.
 */
export class FloatingPointError extends CotangentError {
  /** The error's class name. */
  override name = 'FloatingPointError';
  /**
   * @param message What happened.
   * @param primitive The primitive that produced the NaN or infinity.
   * @param pass Whether it happened in the forward or the backward pass.
   * @param location The user's source line, where known.
   */
  constructor(message: string, readonly primitive: string, readonly pass: 'forward' | 'backward', readonly location: string | null) { super(message); }
}
/** A concrete value was needed where only an abstract (traced) value exists. */
export class ConcretizationError extends CotangentError {
  /** The error's class name. */
  override name = 'ConcretizationError';
}
/** A traced value used after the transformation that made it has finished. */
export class LeakedTracerError extends CotangentError {
  /** The error's class name. */
  override name = 'LeakedTracerError';
}
/** A jaxpr that does not type-check. */
export class JaxprTypeError extends CotangentError {
  /** The error's class name. */
  override name = 'JaxprTypeError';
}

/** Throws `err(message)` for a Left, returns the Right. Validation inside is Either; at the API edge, exceptions. */
export function orThrow<T>(e: E.Either<string, T>, make: (msg: string) => Error): T {
  if (E.isLeft(e)) throw make(e.left);
  return e.right;
}

/** A transform's argument must be callable: say so at once, naming the transform (not later, at the call). */
export function expectFunction(op: string, f: unknown, what = 'the function to transform'): void {
  if (typeof f !== 'function') {
    const got = f === null ? 'null' : typeof f === 'string' ? `string "${f}"` : typeof f === 'object' ? `an ${f?.constructor?.name ?? 'object'}` : `${typeof f} ${String(f)}`;
    throw new TypeError(`${op}: expected ${what} (a function), got ${got}`);
  }
  // Transforms trace synchronous functions: an async one would be traced up to its first await.
  const tag = (f as { [Symbol.toStringTag]?: string })[Symbol.toStringTag];
  if (tag === 'AsyncFunction' || tag === 'AsyncGeneratorFunction') {
    throw new TypeError(`${op}: got an async function; ${op} needs a synchronous function (values are abstract while it traces and cannot be awaited). Await what you need before calling it and pass the arrays in.`);
  }
}
