// cotangent/onnx: export jitted functions as ONNX models, and run jit on ONNX Runtime.
import '../index.js';
import { NDArray } from '../core/array.js';
import { PyTree } from '../core/tree.js';
import { OnnxLoweringError } from '../backends/onnx/builder.js';
import { DEFAULT_OPSET, lowerToBytes, lowerToModel } from '../backends/onnx/lower.js';
import { DynamicAxes, makeDynamic, SymbolSource, traceSizes } from '../backends/onnx/dynamic.js';
import { encodeModel } from '../backends/onnx/proto.js';
import { zeros } from '../core/creation.js';
import * as tree from '../core/tree.js';
import { jit, Lowered } from '../transforms/jit.js';

export { setJitTarget, jitTarget, estimateFlops, DEFAULT_MIN_FLOPS } from '../backends/onnx/target.js';
export type { JitTarget, JitTargetOptions } from '../backends/onnx/target.js';
export { onnxLowerings } from '../backends/onnx/lowerings.js';
export type { OnnxLowering } from '../backends/onnx/lowerings.js';
export { decodeModel } from '../backends/onnx/proto.js';
export { loadOrt as onnxRuntime } from '../backends/onnx/runtime.js';
export { OnnxLoweringError, DEFAULT_OPSET };

/** Options of exportOnnx and toOnnx. */
export interface OnnxExportOptions {
  /** The opset to import (default 18, the lowest the lowerings need). */
  opset?: number;
  /**
   * Symbolic input axes, per flat input: `{ 0: { 0: 'batch' } }` makes input 0's axis 0 a symbol
   * (inputs sharing a name share the size). The model then runs at any size of it: shapes inside
   * the graph that follow the axis are computed from the inputs' shapes. exportOnnx only (it
   * retraces the function at other sizes); see the README for what cannot follow an axis.
   */
  dynamicAxes?: DynamicAxes;
  /** Graph input names, one per flat array argument (default x0, x1, …). */
  inputNames?: readonly string[];
  /** Graph output names, one per flat output (default y0, y1, …). */
  outputNames?: readonly string[];
  /** The model's doc string. */
  docString?: string;
}
const OPTION_KEYS = new Set(['opset', 'dynamicAxes', 'inputNames', 'outputNames', 'docString']);
const isOptions = (x: unknown): x is OnnxExportOptions =>
  typeof x === 'object' && x !== null && !(x instanceof NDArray) && !Array.isArray(x) && Object.keys(x).length > 0 &&
  Object.keys(x).every((k) => OPTION_KEYS.has(k));

/** The ONNX model (ModelProto bytes) of a lowered jitted function: captured arrays become initializers. */
export function toOnnx(lowered: Lowered, opts: OnnxExportOptions = {}): Uint8Array {
  if (opts.dynamicAxes && Object.keys(opts.dynamicAxes).length) {
    throw new TypeError('toOnnx: dynamicAxes needs the function, to trace it at other sizes: use exportOnnx(f, ...exampleArgs, { dynamicAxes })');
  }
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
    const jitted = jit(f);
    const axes = opts.dynamicAxes ?? {};
    if (Object.keys(axes).length === 0) {
      const lowered = jitted.lower(...args);
      return lowerToBytes(lowered.jaxpr, { ...opts, constants: lowered.consts });
    }
    const { symbols, sources, at } = dynamicInputs(args, axes, opts.inputNames);
    const sizes = traceSizes(symbols);
    const models = sizes.map((s) => {
      const lowered = jitted.lower(...at(s));
      return lowerToModel(lowered.jaxpr, { ...opts, constants: lowered.consts });
    });
    return encodeModel(makeDynamic(models, symbols, sizes, sources));
  } catch (e) {
    if (e instanceof OnnxLoweringError) throw new OnnxLoweringError(`exportOnnx(${f.name || 'f'}): ${e.message}`);
    throw e;
  }
}

/** The symbols of `axes`, where each is read, and the example arguments with the symbolic axes resized. */
function dynamicInputs<A extends PyTree[]>(args: A, axes: DynamicAxes, inputNames: readonly string[] | undefined) {
  const [leaves, def] = tree.flatten(args as PyTree);
  const symbols: string[] = [], sources: SymbolSource[] = [], example = new Map<string, number>();
  for (const [k, byAxis] of Object.entries(axes)) {
    const input = Number(k), leaf = leaves[input];
    if (!Number.isInteger(input) || leaf === undefined) throw new RangeError(`dynamicAxes: input ${k} does not exist (the arguments have ${leaves.length} array leaves)`);
    if (!(leaf instanceof NDArray)) throw new TypeError(`dynamicAxes: input ${input} is a ${typeof leaf}, not an array: it has no axes`);
    for (const [ax, symbol] of Object.entries(byAxis)) {
      const axis = Number(ax);
      if (!Number.isInteger(axis) || axis < 0 || axis >= leaf.ndim) throw new RangeError(`dynamicAxes: input ${input} (${leaf.aval.str()}) has no axis ${ax}`);
      if (typeof symbol !== 'string' || symbol === '') throw new TypeError(`dynamicAxes: the name of input ${input}'s axis ${axis} must be a non-empty string, got ${JSON.stringify(symbol)}`);
      const seen = example.get(symbol);
      if (seen !== undefined && seen !== leaf.shape[axis]) throw new RangeError(`dynamicAxes: '${symbol}' names axes of sizes ${seen} and ${leaf.shape[axis]} in the example arguments; axes sharing a name must have the same size`);
      if (seen === undefined) { symbols.push(symbol); example.set(symbol, leaf.shape[axis]!); sources.push({ symbol, input: inputNames?.[input] ?? `x${input}`, axis }); }
    }
  }
  const at = (sizes: ReadonlyMap<string, number>): A => {
    const resized = leaves.map((leaf, i) => {
      const byAxis = axes[i];
      if (!byAxis || !(leaf instanceof NDArray)) return leaf;
      const shape = leaf.shape.map((d, ax) => (byAxis[ax] === undefined ? d : sizes.get(byAxis[ax]!)!));
      return zeros(shape, { dtype: leaf.dtype });
    });
    return tree.unflatten(def, resized) as A;
  };
  return { symbols, sources, at };
}
