// cotangent/onnx: export jitted functions as ONNX models, and run jit on ONNX Runtime.
import '../index.js';
import { NDArray } from '../core/array.js';
import { PyTree } from '../core/tree.js';
import { OnnxLoweringError } from '../backends/onnx/builder.js';
import { DEFAULT_OPSET, lowerToBytes } from '../backends/onnx/lower.js';
import { jit, Lowered } from '../transforms/jit.js';

export { setJitTarget, jitTarget, estimateFlops, DEFAULT_MIN_FLOPS } from '../backends/onnx/target.js';
export type { JitTarget, JitTargetOptions } from '../backends/onnx/target.js';
export { onnxLowerings } from '../backends/onnx/lowerings.js';
export type { OnnxLowering } from '../backends/onnx/lowerings.js';
export { decodeModel } from '../backends/onnx/proto.js';
export { loadOrt as onnxRuntime } from '../backends/onnx/runtime.js';
export { OnnxLoweringError, DEFAULT_OPSET };

export interface OnnxExportOptions {
  /** The opset to import (default 18, the lowest the lowerings need). */
  opset?: number;
  /**
   * Symbolic names for input axes, per flat input: `{ 0: { 0: 'batch' } }`. They are written into
   * the model's input types; the graph itself is traced at the example's sizes, so the model runs
   * only at those sizes unless every shape in it is independent of that axis (see the README).
   */
  dynamicAxes?: Readonly<Record<number, Readonly<Record<number, string>>>>;
  /** Graph input names, one per flat array argument (default x0, x1, …). */
  inputNames?: readonly string[];
  /** Graph output names, one per flat output (default y0, y1, …). */
  outputNames?: readonly string[];
  docString?: string;
}
const OPTION_KEYS = new Set(['opset', 'dynamicAxes', 'inputNames', 'outputNames', 'docString']);
const isOptions = (x: unknown): x is OnnxExportOptions =>
  typeof x === 'object' && x !== null && !(x instanceof NDArray) && !Array.isArray(x) && Object.keys(x).length > 0 &&
  Object.keys(x).every((k) => OPTION_KEYS.has(k));

/** The ONNX model (ModelProto bytes) of a lowered jitted function: captured arrays become initializers. */
export function toOnnx(lowered: Lowered, opts: OnnxExportOptions = {}): Uint8Array {
  try {
    return lowerToBytes(lowered.jaxpr, { ...opts, constants: lowered.consts });
  } catch (e) {
    if (e instanceof OnnxLoweringError) throw new OnnxLoweringError(`toOnnx: ${e.message}`);
    throw e;
  }
}

/**
 * exportOnnx(f, ...exampleArgs, options?): the ONNX model of the program `jit(f)` runs for these
 * argument shapes and dtypes (after the IR passes), as ModelProto bytes. Inputs are the flattened
 * array leaves of the arguments (x0, x1, …), outputs the flattened leaves of the result (y0, …).
 * A trailing plain object whose keys are all export options is taken as the options.
 */
export function exportOnnx<A extends PyTree[]>(f: (...args: A) => PyTree, ...rest: [...A] | [...A, OnnxExportOptions]): Uint8Array {
  const last = rest[rest.length - 1];
  const opts = isOptions(last) ? last : {};
  const args = (isOptions(last) ? rest.slice(0, -1) : rest) as A;
  try {
    const lowered = jit(f).lower(...args);
    return lowerToBytes(lowered.jaxpr, { ...opts, constants: lowered.consts });
  } catch (e) {
    if (e instanceof OnnxLoweringError) throw new OnnxLoweringError(`exportOnnx(${f.name || 'f'}): ${e.message}`);
    throw e;
  }
}
