// The global random state behind torch.manualSeed: one core PRNG key that each random op splits.
//
// The core's random numbers are functional (a key in, numbers out); PyTorch's are a stateful
// generator. The bridge is a key held here: each draw splits it into (next state, key for this
// draw). Splitting always runs on the eval interpreter, even while `torch.compile` traces a step,
// so the state stays a concrete array (numbers drawn inside a compiled step are therefore fixed
// at trace time, as constants of the program).
import { NDArray } from '../core/array.js';
import { evalInterpreter } from '../core/eval.js';
import { withInterpreter } from '../core/interpreter.js';
import * as random from '../core/random.js';

/** The seed PyTorch's CPU generator starts from; any fixed seed makes runs reproducible. */
const DEFAULT_SEED = 67280421310721;
let seed = DEFAULT_SEED;
let state: NDArray | null = null;

/** Seeds the global generator (PyTorch's `torch.manual_seed`). */
export function manualSeed(s: number): void {
  if (!Number.isInteger(s) || Math.abs(s) > 2 ** 53) throw new TypeError(`manualSeed: expected an integer seed, got ${String(s)}`);
  seed = s;
  state = null;
  hostDraws = 0;
}
/** The seed of the global generator. */
export const initialSeed = (): number => seed;

let hostDraws = 0;
/**
 * A 32-bit seed for a draw made on the host (DataLoader's shuffle order, which must be known
 * synchronously on any backend): the manual seed mixed with a count of such draws, so
 * torch.manualSeed(s) reproduces the sequence.
 */
export function nextHostSeed(): number {
  let h = (Math.imul(seed % 0x7fffffff, 0x9e3779b1) ^ Math.imul(++hostDraws, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  return (h ^ (h >>> 15)) >>> 0;
}

/** A fresh key for one draw; advances the global state. */
export function nextKey(): NDArray {
  return withInterpreter(evalInterpreter, () => {
    const keys = random.split(state ?? random.key(seed));
    state = keys.get(0);
    return keys.get(1);
  });
}
