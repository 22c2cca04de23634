// The bad-input suites' row type and check: a wrong call must throw the named error class with a
// message that matches every pattern (the user-facing function, then the offending value).
import * as assert from 'uvu/assert';

export type ErrorClass = new (...args: never[]) => Error;
/** [what is wrong, the call, the error class, patterns the message must match: the function's name, then the offending value]. */
export type BadInput = readonly [string, () => unknown, ErrorClass, ...RegExp[]];

/** Checks a thrown value against a row's class and patterns. */
export function checkThrown(what: string, thrown: unknown, cls: ErrorClass, patterns: readonly RegExp[]): void {
  if (!(thrown instanceof cls)) assert.unreachable(`${what}: expected ${cls.name}, got ${thrown instanceof Error ? `${thrown.constructor.name}: ${thrown.message}` : String(thrown)}`);
  const message = (thrown as Error).message;
  for (const p of patterns) assert.ok(p.test(message), `${what}: the message ${JSON.stringify(message)} does not match ${p}`);
}

/** Runs one row: its call must throw `cls` with every pattern in the message. */
export function expectBadInput([what, call, cls, ...patterns]: BadInput): void {
  let thrown: unknown = undefined, threw = false;
  try {
    call();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  if (!threw) assert.unreachable(`${what}: no error was thrown`);
  checkThrown(what, thrown, cls, patterns);
}

/** The async form: the call's promise (or the call itself) must reject/throw as the row says. */
export async function expectBadInputAsync(what: string, call: () => unknown, cls: ErrorClass, ...patterns: RegExp[]): Promise<void> {
  let thrown: unknown = undefined, threw = false;
  try {
    await call();
  } catch (e) {
    threw = true;
    thrown = e;
  }
  if (!threw) assert.unreachable(`${what}: no error was thrown`);
  checkThrown(what, thrown, cls, patterns);
}
