// The control-flow primitives: registers their shape rules, implementations and DCE rules with the core
// (their other rules are rows of the higher-order table) and gathers their API.
import { registerControlImpls } from '../core/eval.js';
import { registerControlShapeRules } from '../core/primitives.js';
import { registerControlDceRules } from '../core/passes.js';
import { condDce, condImpl, condShape } from './cond.js';
import { scanDce, scanImpl, scanShape } from './scan.js';
import { whileDce, whileImpl, whileShape } from './while.js';
import { checkpointDce, checkpointImpl, checkpointShape } from './checkpoint.js';

registerControlShapeRules({ cond: condShape, scan: scanShape, while: whileShape, checkpoint: checkpointShape });
registerControlDceRules({ cond: condDce, scan: scanDce, while: whileDce, checkpoint: checkpointDce });
registerControlImpls({ cond: condImpl, scan: scanImpl, while: whileImpl, checkpoint: checkpointImpl });

export { cond, switchCase } from './cond.js';
export { scan, map } from './scan.js';
export type { ScanOptions } from './scan.js';
export { whileLoop, foriLoop } from './while.js';
export { checkpoint, remat, checkpointPolicies } from './checkpoint.js';
export type { CheckpointOptions } from './checkpoint.js';
