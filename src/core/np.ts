// The public `np` namespace: every family of numpy functions, re-exported from its file (elementwise
// math in numpy.ts). The files import each other, never this one, so there is no import cycle; a new
// family's file gets its `export *` line here. Registered with the array class for its methods.
import { registerNumpy } from './array.js';
import * as self from './np.js';

export * from './numpy.js';
export * from './creation.js';
export * from './numpy-shape.js';
export * from './numpy-reduce.js';
export * from './numpy-linalg.js';
export * as linalg from './np-linalg.js';
export * from './numpy-sort.js';
export * from './numpy-conv.js';
export * from './numpy-math.js';
export * from './numpy-cumulative.js';
export * from './numpy-poly.js';
export * from './numpy-matrix.js';
export * from './numpy-stats.js';
export * from './numpy-select.js';
/** NumPy's fft module (complex values as a trailing axis of 2: see numpy-fft.ts). */
export * as fft from './numpy-fft.js';
export { getItem, atIndex, slice, Slice } from './indexing.js';
export type { Index, IndexUpdater } from './indexing.js';
export type { Axis } from './numpy-util.js';
/** The array type, as `np.Array` (the class of `instanceof` checks, and the type to annotate with). */
export { NDArray as Array } from './array.js';
export type { ArrayLike } from './array.js';

registerNumpy(self);
