// Elementwise kernels: one straight `for` loop per (primitive, dtypes), generated from expressions.ts's table.
// Each loop is built once with `new Function` and cached; there is no per-element closure call.
import { allocTyped, DType, TypedArray } from '../../core/dtype.js';
import { ElementwisePrimitive, elementwiseArity } from '../elementwise.js';
import { jsExpr, loadExpr, storeExpr } from './expressions.js';
import type { CpuKernel } from './kernels.js';
import { withPrelude } from './prelude.js';
import { eagerWasmLoop, WASM_MIN_ELEMENTS } from './wasm/elementwise.js';

/** out[i] = f(x0[i], x1[i], ...) for i < n. */
type Loop = (out: TypedArray, n: number, ...xs: TypedArray[]) => void;

const loops = new Map<string, Loop>();

/**
 * Compiles the loop for one primitive at one (input, output) dtype pair. Operands are read into
 * locals first (templates may repeat an operand), and the result is stored straight into the
 * output typed array, whose store does the final rounding (float32) or wrapping; float16 operands
 * are decoded from their bits and results rounded and encoded (`loadExpr`/`storeExpr`).
 */
export function elementwiseLoop(prim: ElementwisePrimitive, inDtypes: readonly DType[], outDtype: DType): Loop {
  const inDtype = inDtypes[inDtypes.length - 1]!;
  const key = `${prim}:${inDtypes.join(',')}:${outDtype}`;
  let loop = loops.get(key);
  if (!loop) {
    const arity = elementwiseArity(prim);
    const xs = Array.from({ length: arity }, (_, k) => `x${k}`);
    const vs = xs.map((_, k) => `v${k}`);
    const expr = jsExpr(prim, inDtype, outDtype, vs);
    const name = `${prim}_${inDtypes.join('_')}_${outDtype}`;
    const src =
      `return function ${name}(out, n, ${xs.join(', ')}) {\n` +
      `  'use strict';\n` +
      `  for (let i = 0; i < n; i++) {\n` +
      `    const ${vs.map((v, k) => `${v} = ${loadExpr(inDtypes[k]!, `${xs[k]}[i]`)}`).join(', ')};\n` +
      `    out[i] = ${storeExpr(outDtype, expr)};\n` +
      `  }\n` +
      `};`;
    loop = withPrelude([], src) as Loop;
    loops.set(key, loop);
  }
  return loop;
}

/**
 * The kernel of an elementwise primitive. Operands share one shape (the numpy layer broadcasts);
 * the dtype the templates see is the last operand's, which for select is the cases' dtype.
 */
export function elementwiseKernel<P extends ElementwisePrimitive>(prim: P): CpuKernel<P> {
  return (inputs, _params, inAvals, outAvals) => {
    const outAval = outAvals[0]!;
    const out = allocTyped(outAval.dtype, outAval.size);
    // float32 loops of WASM-computable primitives run as WASM SIMD; both paths give the same bits.
    const w = outAval.size >= WASM_MIN_ELEMENTS ? eagerWasmLoop(prim, inAvals.map((a) => a.dtype), outAval.dtype) : null;
    if (w) w.run(outAval.size, [out as Float32Array | Uint8Array], inputs as (Float32Array | Uint8Array)[]);
    else elementwiseLoop(prim, inAvals.map((a) => a.dtype), outAval.dtype)(out, outAval.size, ...inputs);
    return [out];
  };
}
