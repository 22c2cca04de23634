// The higher-order table, assembled: each higher-order primitive's row comes from its own file, and
// is registered at load with the interpreters (higher-order.ts), the catalog (control shape rules)
// and dead-code elimination (core/passes.ts's control DCE rules).
// The one module that imports every rule file: imported by cotangent's index and src/control/index.ts.
import { registerControlDceRules } from '../core/passes.js';
import { registerControlShapeRules } from '../core/primitives.js';
import { checkpointDce, checkpointRules, checkpointShape } from '../control/checkpoint.js';
import { condDce, condRules, condShape } from '../control/cond.js';
import { scanDce, scanRules, scanShape } from '../control/scan.js';
import { whileDce, whileRules, whileShape } from '../control/while.js';
import { customJvpCallRules, customLinRules, customVjpCallRules } from './custom-rules.js';
import { registerHigherOrderRules } from './higher-order.js';
import { jitRules } from './jit-rules.js';

registerHigherOrderRules({
  custom_jvp_call: customJvpCallRules(),
  custom_vjp_call: customVjpCallRules(),
  custom_lin: customLinRules(),
  jit: jitRules(),
  cond: condRules(),
  scan: scanRules(),
  while: whileRules(),
  checkpoint: checkpointRules(),
});
registerControlShapeRules({ cond: condShape, scan: scanShape, while: whileShape, checkpoint: checkpointShape });
registerControlDceRules({ cond: condDce, scan: scanDce, while: whileDce, checkpoint: checkpointDce });
