// NaN/Inf hunting (JAX's jax_debug_nans / jax_debug_infs) and the source locations it reports:
// the flags, the user's source line of an equation (from a captured stack, library frames skipped),
// the pass (forward or backward) a primitive runs in, and the check of a primitive's outputs.
import type { NDArray } from './array.js';
import { isFloat, TypedArray } from './dtype.js';
import { FloatingPointError } from './errors.js';

const env = (name: string): boolean => typeof process !== 'undefined' && process.env?.[name] === '1';
let nans = env('COTANGENT_DEBUG_NANS');
let infs = env('COTANGENT_DEBUG_INFS');
/** One boolean the hot paths test: off, nothing else here runs. */
export let debugging = nans || infs;

/** Raise a FloatingPointError at the first primitive whose output holds a NaN (also `COTANGENT_DEBUG_NANS=1`). */
export function debugNans(on = true): void { nans = on; debugging = nans || infs; }
/** Raise a FloatingPointError at the first primitive whose output holds an infinity (also `COTANGENT_DEBUG_INFS=1`). */
export function debugInfs(on = true): void { infs = on; debugging = nans || infs; }

// ---- where an equation comes from ----------------------------------------------------------------
/** The pass a primitive belongs to: the user's function (and its tangents), or the transposed (backward) pass. */
export type Pass = 'forward' | 'backward';
export interface SourceInfo { readonly location: string | null; readonly pass: Pass }

// The library's own files (build/src/… or src/…): frames there are skipped when finding the user's line.
const LIBRARY = ((): string => {
  const url = import.meta.url; // …/src/core/debug.js
  return url.slice(0, url.lastIndexOf('/core/') + 1);
})();
const libraryPath = LIBRARY.replace(/^file:\/\//, '');

/** The first stack frame outside the library: `fn (file:line:col)` or `file:line:col`. */
export function userFrame(): string | null {
  // Library frames can be many (transforms nest): look deeper than V8's default of 10.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 64;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  if (!stack) return null;
  for (const raw of stack.split('\n').slice(1)) {
    const line = raw.trim().replace(/^at /, '');
    if (line.includes(LIBRARY) || line.includes(libraryPath) || line.includes('node:internal') || line.includes('/node_modules/')) continue;
    return line;
  }
  return null;
}

// Set while a jaxpr's equations are re-run (their recorded source wins) and during the backward pass.
let context: SourceInfo | null = null;
/** Runs `f` with equations and eager primitives attributed to `info` (a re-run equation, a transposed one). */
export function withSource<T>(info: SourceInfo | null, f: () => T): T {
  const prev = context;
  context = info;
  try { return f(); } finally { context = prev; }
}
export const currentPass = (): Pass => context?.pass ?? 'forward';
/** Where a new equation (or an eager primitive) comes from: the context's, else the user's frame now. */
export function sourceHere(): SourceInfo {
  if (context?.location) return context;
  return { location: userFrame(), pass: currentPass() };
}

// ---- the check -------------------------------------------------------------------------------------
interface Stats { nan: number; inf: number; min: number; max: number }
function stats(data: TypedArray): Stats {
  let nan = 0, inf = 0, min = Infinity, max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v !== v) nan++;
    else {
      if (v === Infinity || v === -Infinity) inf++;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { nan, inf, min, max };
}

/** `f32[3] min=-1 max=2 nan=1 inf=0`: what a primitive's input held. */
export function summarize(x: NDArray, read: (x: NDArray) => TypedArray | null): string {
  const data = read(x);
  if (!data) return x.aval.str();
  if (x.size === 0) return `${x.aval.str()} (empty)`;
  if (!isFloat(x.dtype)) {
    const s = stats(data);
    return `${x.aval.str()} min=${s.min} max=${s.max}`;
  }
  const s = stats(data);
  const range = s.nan + s.inf === data.length && s.inf === 0 ? 'all NaN' : `min=${s.min} max=${s.max}`;
  return `${x.aval.str()} ${range} nan=${s.nan} inf=${s.inf}`;
}

/** What is wrong with a float output, if anything the flags ask about: 'NaN', 'Inf' or null. */
export function badValue(x: NDArray, data: TypedArray): 'NaN' | 'Inf' | null {
  if (!isFloat(x.dtype)) return null;
  const s = stats(data);
  if (nans && s.nan > 0) return 'NaN';
  if (infs && s.inf > 0) return 'Inf';
  return null;
}

/**
 * Checks a primitive's outputs (readable now: `read` returns null when they are not) and raises
 * the FloatingPointError naming it, its inputs, its pass and the user's source line.
 */
export function checkOutputs(prim: string, inputs: readonly NDArray[], outputs: readonly NDArray[], read: (x: NDArray) => TypedArray | null, source?: SourceInfo | null): void {
  for (const o of outputs) {
    const data = read(o);
    if (!data) continue;
    const bad = badValue(o, data);
    if (!bad) continue;
    const info = source ?? sourceHere();
    const ins = inputs.map((x, i) => `  input ${i}: ${summarize(x, read)}`).join('\n');
    throw new FloatingPointError(
      `${bad === 'NaN' ? 'invalid value (NaN)' : 'infinity (Inf)'} encountered in ${prim} ` +
        `(${info.pass === 'backward' ? 'the backward pass: a transposed primitive of the gradient' : 'the forward pass'})` +
        `${info.location ? `, from ${info.location}` : ''}\n` +
        `  output: ${summarize(o, read)}\n${ins || '  (no inputs)'}`,
      prim, info.pass, info.location,
    );
  }
}
