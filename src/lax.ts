// The public `lax` namespace: the primitive wrappers of core/lax.ts, the functions built on them, and the control-flow operators.
export * from './core/lax.js';
// lax functions built on the wrappers live in their own files (which import core/lax.ts, so it cannot re-export them).
export { conv, convGeneralDilated, convTranspose, convDimensionNumbers, padtypeToPads } from './core/conv.js';
export type { ConvDimensionSpec, ConvOptions, ConvTransposeOptions, PaddingSpec } from './core/conv.js';
export { reduceWindow } from './core/window.js';
export type { WindowComputation } from './core/window.js';
export { fft } from './core/fft.js';
export { associativeScan, cumsum, cumprod, cummax, cummin, topK } from './core/lax-scan.js';
export * as linalg from './lax-linalg.js';
export { cond, switchCase as switch, scan, map, whileLoop, foriLoop } from './control/index.js';
export type { ScanOptions } from './control/index.js';
