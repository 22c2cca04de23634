// The public `lax` namespace: the primitive wrappers of core/lax.ts and the control-flow operators.
export * from './core/lax.js';
export * as linalg from './lax-linalg.js';
export { cond, switchCase as switch, scan, map, whileLoop, foriLoop } from './control/index.js';
export type { ScanOptions } from './control/index.js';
