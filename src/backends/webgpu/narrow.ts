// The narrow dtypes (int8, int16, uint8, uint16, float16) on WebGPU: held in 32-bit words, computed at 32 bits.
//
// Their storage is their 32-bit counterparts' (i32, u32, f32) holding in-range values, so any
// kernel runs on them unchanged at the 32-bit dtype. Only a result that can leave the narrow range
// (a sum, a product, a matmul, iota; float16: any arithmetic) is then brought back by one
// convert_element_type (wrap the low bits, or round to float16). The elementwise templates wrap and
// round themselves (elementwise.ts). Eager execution (index.ts) and jit (`narrowJaxpr`) share this.
import { ShapedArray } from '../../core/aval.js';
import { computeDtype } from '../../core/dtype.js';
import { ClosedJaxpr, Jaxpr, JaxprEqn, Var } from '../../core/jaxpr.js';
import { isElementwise } from '../../core/primitives.js';

export const isNarrow = (a: ShapedArray): boolean => computeDtype(a.dtype) !== a.dtype;
export const widenAval = (a: ShapedArray): ShapedArray => (isNarrow(a) ? new ShapedArray(a.shape, computeDtype(a.dtype), a.weakType) : a);

/** Kernels that only move, pick or compare elements: their results are in range whenever their operands are. */
export const MOVES: ReadonlySet<string> = new Set([
  'broadcast_in_dim', 'reshape', 'transpose', 'slice', 'pad', 'concatenate', 'rev', 'gather', 'sort',
  'reduce_max', 'reduce_min', 'reduce_window_max', 'reduce_window_min', 'argmax', 'argmin', 'select_and_gather_add',
]);

/** Whether `prim` at these result avals computes at 32 bits and needs its narrow results brought back. */
export const needsNarrowing = (prim: string, outAvals: readonly ShapedArray[]): boolean =>
  !isElementwise(prim) && !MOVES.has(prim) && outAvals.some(isNarrow);

/**
 * The jaxpr with each equation that computes a narrow result at 32 bits split in two: the equation
 * with 32-bit results, then convert_element_type back to the narrow dtype (which fusion folds into
 * what follows). Other equations are unchanged.
 */
export function narrowJaxpr(cj: ClosedJaxpr): ClosedJaxpr {
  const { jaxpr } = cj;
  if (!jaxpr.eqns.some((e) => needsNarrowing(e.primitive, e.outvars.map((v) => v.aval)))) return cj;
  const eqns: JaxprEqn[] = [];
  for (const e of jaxpr.eqns) {
    if (!needsNarrowing(e.primitive, e.outvars.map((v) => v.aval))) { eqns.push(e); continue; }
    const wide = e.outvars.map((v) => (isNarrow(v.aval) ? new Var(widenAval(v.aval)) : v));
    eqns.push({ ...e, outvars: wide });
    e.outvars.forEach((v, k) => {
      if (wide[k] === v) return;
      eqns.push({ primitive: 'convert_element_type', params: { newDtype: v.aval.dtype, weakType: v.aval.weakType }, inputs: [wide[k]!], outvars: [v], source: e.source } as JaxprEqn);
    });
  }
  return new ClosedJaxpr(new Jaxpr(jaxpr.constvars, jaxpr.invars, eqns, jaxpr.outs), cj.consts);
}
