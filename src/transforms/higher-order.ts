// The typed table of higher-order primitives: every rule each interpreter needs of a primitive that
// carries functions or jaxprs. Each primitive's rules live in one file beside it (src/control/ for
// control flow, jit-rules.ts, custom-rules.ts); leaving a rule out of a row fails `tsc`.
import type { NDArray } from '../core/array.js';
import type { HigherOrderPrimitive, Params } from '../core/primitives.js';
import type { StagingBase } from './builder.js';
import type { JvpRule } from './jvp-rules.js';
import type { PartialEvalRule } from './partial-eval-jaxpr.js';
import type { TransposeRule } from './transpose-rules.js';
import { condRules } from '../control/cond.js';
import { scanRules } from '../control/scan.js';
import { whileRules } from '../control/while.js';
import { checkpointRules } from '../control/checkpoint.js';
import { jitRules } from './jit-rules.js';
import { customJvpCallRules, customLinRules, customVjpCallRules } from './custom-rules.js';

/** How staging (makeJaxpr, jit's trace) records the primitive: usually one equation with its params. */
export type StageRule<P extends HigherOrderPrimitive> = (interp: StagingBase, args: readonly NDArray[], params: Params<P>) => NDArray[];

export interface HigherOrderRules<P extends HigherOrderPrimitive> {
  readonly jvp: JvpRule<P>;
  readonly partialEval: PartialEvalRule<P>;
  readonly transpose: TransposeRule<P>;
  readonly stage: StageRule<P>;
}

type Table = { readonly [P in HigherOrderPrimitive]: HigherOrderRules<P> };
let table: Table | null = null;
// Built on first use: the rule files import the interpreters that import this table.
const build = (): Table => ({
  custom_jvp_call: customJvpCallRules(),
  custom_vjp_call: customVjpCallRules(),
  custom_lin: customLinRules(),
  jit: jitRules(),
  cond: condRules(),
  scan: scanRules(),
  while: whileRules(),
  checkpoint: checkpointRules(),
});

export function higherOrderRules<P extends HigherOrderPrimitive>(prim: P): HigherOrderRules<P> {
  return (table ??= build())[prim] as HigherOrderRules<P>;
}
