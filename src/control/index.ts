// The control-flow primitives: registers their shape rules and implementations with the core
// (their other rules are rows of the higher-order table) and gathers their API.
import { registerControlImpls } from '../core/eval.js';
import { registerControlShapeRules } from '../core/primitives.js';
import { condImpl, condShape } from './cond.js';
import { scanImpl, scanShape } from './scan.js';
import { whileImpl, whileShape } from './while.js';
import { checkpointImpl, checkpointShape } from './checkpoint.js';

registerControlShapeRules({ cond: condShape, scan: scanShape, while: whileShape, checkpoint: checkpointShape });
registerControlImpls({ cond: condImpl, scan: scanImpl, while: whileImpl, checkpoint: checkpointImpl });

export { cond, switchCase } from './cond.js';
export { scan, map } from './scan.js';
export type { ScanOptions } from './scan.js';
export { whileLoop, foriLoop } from './while.js';
export { checkpoint, remat, checkpointPolicies } from './checkpoint.js';
export type { CheckpointOptions } from './checkpoint.js';
