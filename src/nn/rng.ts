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
}
/** The seed of the global generator. */
export const initialSeed = (): number => seed;

/** A fresh key for one draw; advances the global state. */
export function nextKey(): NDArray {
  return withInterpreter(evalInterpreter, () => {
    const keys = random.split(state ?? random.key(seed));
    state = keys.get(0);
    return keys.get(1);
  });
}
