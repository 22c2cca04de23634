// Grad mode: whether Tensor operations record the autograd graph (torch.noGrad, torch.enableGrad).
//
// One global flag, as PyTorch's thread-local one: JS runs user code on one thread, so a flag
// restored in `finally` scopes exactly the synchronous call. The callbacks must be synchronous: an
// `await` inside would let unrelated code run with the mode switched, so a returned promise is
// refused with an explanation instead of silently leaking the mode.

let gradEnabled = true;

/** Whether gradient recording is on (off inside noGrad). */
export const isGradEnabled = (): boolean => gradEnabled;

/** Turns recording on or off (PyTorch's `torch.set_grad_enabled(mode)` as a plain setter). */
export function setGradEnabled(mode: boolean): void {
  gradEnabled = mode;
}

function withGradMode<T>(mode: boolean, name: string, fn: () => T): T {
  if (typeof fn !== 'function') throw new TypeError(`${name}: expected a function to run, got ${typeof fn}`);
  const previous = gradEnabled;
  gradEnabled = mode;
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new TypeError(`${name}: the function returned a Promise; grad mode covers only synchronous code, so await outside it (e.g. read loss.item() after ${name} returns)`);
    }
    return result;
  } finally {
    gradEnabled = previous;
  }
}

/** Runs `fn` without recording the graph (PyTorch's `with torch.no_grad():`). Results have requiresGrad false. */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, 'noGrad', fn);

/** Runs `fn` with recording on, also inside `noGrad` (PyTorch's `with torch.enable_grad():`). */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, 'enableGrad', fn);
