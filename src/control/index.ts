// The control-flow primitives' API. Their rules are rows of the higher-order table, registered by
// transforms/higher-order-table.ts (imported here, so importing control flow registers them).
import '../transforms/higher-order-table.js';

export { cond, switchCase } from './cond.js';
export { scan, map } from './scan.js';
export type { ScanOptions } from './scan.js';
export { whileLoop, foriLoop } from './while.js';
export { checkpoint, remat, checkpointPolicies } from './checkpoint.js';
export type { CheckpointOptions } from './checkpoint.js';
