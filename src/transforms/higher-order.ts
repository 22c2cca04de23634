// The typed table of higher-order primitives: every rule each interpreter needs of a primitive that
// carries functions or jaxprs. Each primitive's row lives in one file beside it (src/control/ for
// control flow, jit-rules.ts, custom-rules.ts); higher-order-table.ts assembles the rows and
// registers them here at load, so the interpreters that read this table import none of the rule
// files (which import the interpreters). Leaving a rule out of a row fails `tsc`.
import type { NDArray } from '../core/array.js';
import { registerHigherOrderImpls } from '../core/eval.js';
import type { HigherOrderImpl } from '../core/eval.js';
import type { HigherOrderPrimitive, Params } from '../core/primitives.js';
import type { BatchRule } from './batch-rules.js';
import type { StagingBase } from './builder.js';
import type { JvpRule } from './jvp-rules.js';
import type { PartialEvalRule } from './partial-eval-jaxpr.js';
import type { TransposeRule } from './transpose-rules.js';

/** How staging (makeJaxpr, jit's trace) records the primitive: usually one equation with its params. */
export type StageRule<P extends HigherOrderPrimitive> = (interp: StagingBase, args: readonly NDArray[], params: Params<P>) => NDArray[];

/** One higher-order primitive's rule for every interpreter (its shape rule is the catalog's). */
export interface HigherOrderRules<P extends HigherOrderPrimitive> {
  /** The eval interpreter: run it on concrete values. */
  readonly impl: HigherOrderImpl<P>;
  readonly jvp: JvpRule<P>;
  readonly partialEval: PartialEvalRule<P>;
  readonly transpose: TransposeRule<P>;
  readonly stage: StageRule<P>;
  readonly batch: BatchRule<P>;
}

export type HigherOrderTable = { readonly [P in HigherOrderPrimitive]: HigherOrderRules<P> };
let table: HigherOrderTable | null = null;

/** Installs the table (higher-order-table.ts does, at load) and hands the eval interpreter its column. */
export function registerHigherOrderRules(rows: HigherOrderTable): void {
  table = rows;
  registerHigherOrderImpls({
    custom_jvp_call: rows.custom_jvp_call.impl, custom_vjp_call: rows.custom_vjp_call.impl, custom_lin: rows.custom_lin.impl,
    jit: rows.jit.impl, cond: rows.cond.impl, scan: rows.scan.impl, while: rows.while.impl, checkpoint: rows.checkpoint.impl,
  });
}

export function higherOrderRules<P extends HigherOrderPrimitive>(prim: P): HigherOrderRules<P> {
  if (!table) throw new Error('cotangent: the higher-order rules are not registered (import cotangent through its index)');
  return table[prim] as HigherOrderRules<P>;
}
