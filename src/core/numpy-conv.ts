// np.convolve and np.correlate: 1-d discrete convolution and cross-correlation with NumPy's modes,
// as one-channel conv_general_dilated calls (so they differentiate, jit and run on every backend).
import { ArrayLike, NDArray } from './array.js';
import { CotangentError } from './errors.js';
import * as lax from './lax.js';
import { convGeneralDilated } from './conv.js';
import { convertTo, resultType, toArrays } from './numpy-util.js';

/** np.convolve's modes: 'full' (every overlap), 'same' (the first input's length), 'valid' (full overlaps only). */
export type ConvolveMode = 'full' | 'same' | 'valid';

/** Σₙ a[n + k]·v[n] for len(a) ≥ len(v) = m, the window positions k set by the mode's padding. */
function correlateLong(a: NDArray, v: NDArray, mode: ConvolveMode): NDArray {
  const m = v.shape[0]!;
  const pad: [number, number] = mode === 'full' ? [m - 1, m - 1] : mode === 'same' ? [Math.floor(m / 2), m - 1 - Math.floor(m / 2)] : [0, 0];
  const out = convGeneralDilated(lax.reshape(a, [1, 1, a.shape[0]!]), lax.reshape(v, [1, 1, m]), [1], [pad]);
  return lax.reshape(out, [out.shape[2]!]);
}

function operands(fn: string, a: ArrayLike, v: ArrayLike, mode: unknown): [NDArray, NDArray] {
  const [x, y] = toArrays(fn, [a, v]);
  if (x!.ndim !== 1 || y!.ndim !== 1) throw new CotangentError(`${fn}: both inputs must be 1-d, got ${x!.aval.str()} and ${y!.aval.str()}`);
  if (x!.size === 0 || y!.size === 0) throw new CotangentError(`${fn}: inputs cannot be empty, got ${x!.aval.str()} and ${y!.aval.str()}`);
  if (mode !== 'full' && mode !== 'same' && mode !== 'valid') throw new CotangentError(`${fn}: mode must be 'full', 'same' or 'valid', got ${String(mode)}`);
  let t = resultType([x!, y!]);
  if (t.dtype === 'bool') t = { dtype: 'int32', weakType: t.weakType };
  return [convertTo(x!, t), convertTo(y!, t)];
}

/** NumPy's correlate: c[k] = Σₙ a[n + k]·v[n] (default mode 'valid'). */
export function correlate(a: ArrayLike, v: ArrayLike, mode: ConvolveMode = 'valid'): NDArray {
  const [x, y] = operands('np.correlate', a, v, mode);
  // NumPy correlates the longer with the shorter and reverses the result when v is the longer.
  return y.shape[0]! > x.shape[0]! ? lax.rev(correlateLong(y, x, mode), [0]) : correlateLong(x, y, mode);
}

/** NumPy's convolve: (a ∗ v)[k] = Σₙ a[n]·v[k − n] (default mode 'full'). */
export function convolve(a: ArrayLike, v: ArrayLike, mode: ConvolveMode = 'full'): NDArray {
  const [x, y] = operands('np.convolve', a, v, mode);
  const [long, short] = y.shape[0]! > x.shape[0]! ? [y, x] : [x, y];
  return correlateLong(long, lax.rev(short, [0]), mode);
}
