// The JS helper prelude: scalar functions that Math lacks, for the expression templates (expressions.ts).
//
// JS's counterpart of WGSL's helper library (webgpu/wgsl.ts): a template calls a helper as
// `S.name(x)`, and every function the CPU backend generates gets this object as `S` (withPrelude).
// A new helper is one row here; keep them float64 scalar functions of plain numbers.
import { f16FromBits, f16round, f16ToBits } from '../../core/float16.js';
import { digamma, erf, erfc, lgamma } from './special.js';
import { MATH_F32 } from './wasm/math.js';

/**
 * `f32` is the float32 math library (wasm/math.ts) in its scalar JS form: the float32 templates
 * call it (`S.f32.tanh(x)`), so JS loops compute what the WASM loops compute, bit for bit. The
 * f16 helpers round to float16 and convert its bits ↔ values (float16 storage holds bits).
 */
export const PRELUDE = { erf, erfc, lgamma, digamma, f32: MATH_F32, f16round, f16bits: f16ToBits, f16val: f16FromBits };

/**
 * `new Function(...params, body)` with the prelude bound as `S`: how every generated CPU function
 * is built, so each sees the helpers its templates call. Returns what `body` returns.
 */
export function withPrelude(params: readonly string[], body: string, ...args: unknown[]): unknown {
  return new Function(...params, 'S', body)(...args, PRELUDE);
}
