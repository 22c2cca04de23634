// Lowers a closed jaxpr (constants hoisted or given) to an ONNX ModelProto through the lowering table.
import { ConcreteArray, NDArray } from '../../core/array.js';
import { DType } from '../../core/dtype.js';
import { ClosedJaxpr, Jaxpr, Literal, Var } from '../../core/jaxpr.js';
import { GraphBuilder, OnnxLoweringError, tensorProto, valueInfo } from './builder.js';
import { LowerContext, onnxLowerings } from './lowerings.js';
import { encodeModel, ModelProto, OnnxDType } from './proto.js';

/** The opset exportOnnx writes unless told (the lowest the lowerings need). */
export const DEFAULT_OPSET = 18;
export const MIN_OPSET = 18;

export interface LowerOptions {
  /** The ONNX opset to import (18 or newer: bitwise operators and ReduceMax's axes input need it). */
  opset?: number;
  /** Names for the graph's inputs and outputs (default x0, x1, … and y0, y1, …). */
  inputNames?: readonly string[];
  outputNames?: readonly string[];
  /** Symbolic dimension names per input: `{ 0: { 0: 'batch' } }` marks input 0's axis 0. */
  dynamicAxes?: Readonly<Record<number, Readonly<Record<number, string>>>>;
  /** How many leading jaxpr inputs are constants, stored in the model as initializers with these values. */
  constants?: readonly NDArray[];
  docString?: string;
}

/** The model for `cj` (no constvars; with `constants`, its leading inputs are baked in). */
export function lowerToModel(cj: ClosedJaxpr, opts: LowerOptions = {}): ModelProto {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET) throw new OnnxLoweringError(`opset must be an integer ≥ ${MIN_OPSET}, got ${opset}`);
  if (cj.jaxpr.constvars.length) cj = new ClosedJaxpr(new Jaxpr([], [...cj.jaxpr.constvars, ...cj.jaxpr.invars], cj.jaxpr.eqns, cj.jaxpr.outs), []);
  const g = new GraphBuilder();
  const consts = opts.constants ?? [];
  const invars = cj.jaxpr.invars;
  const names: string[] = [];
  const inputs = [];
  for (let i = 0; i < invars.length; i++) {
    const v = invars[i]!;
    if (i < consts.length) {
      const c = consts[i]!;
      if (!(c instanceof ConcreteArray)) throw new OnnxLoweringError(`constant ${i} is not a concrete array (an enclosing transform's tracer cannot be exported)`);
      const name = g.fresh('weight');
      g.initializers.push(tensorProto(name, v.aval.dtype as OnnxDType, v.aval.shape, c.dataSync() as ArrayLike<number>));
      names.push(name);
    } else {
      const k = i - consts.length;
      const name = opts.inputNames?.[k] ?? `x${k}`;
      const dyn = opts.dynamicAxes?.[k] ?? {};
      inputs.push(valueInfo(name, v.aval.dtype as OnnxDType, v.aval.shape.map((d, ax) => dyn[ax] ?? d)));
      names.push(name);
    }
  }
  const ctx: LowerContext = { g, lowerJaxpr: (inner, ins) => lowerJaxprInto(ctx, inner, ins) };
  const outs = lowerJaxprInto(ctx, cj, names);
  const outputs = cj.jaxpr.outs.map((a, i) => {
    const name = opts.outputNames?.[i] ?? `y${i}`;
    g.nodes.push({ input: [outs[i]!], output: [name], opType: 'Identity', attribute: [] });
    return valueInfo(name, a.aval.dtype as OnnxDType, a.aval.shape);
  });
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'cotangent',
    producerVersion: '0.1.0',
    docString: opts.docString ?? '',
    graph: { name: 'cotangent', node: g.nodes, initializer: g.initializers, input: inputs, output: outputs },
  };
}

const EXPORTABLE: ReadonlySet<DType> = new Set<DType>(['bool', 'int32', 'uint32', 'float32', 'float64']);

export const lowerToBytes = (cj: ClosedJaxpr, opts: LowerOptions = {}): Uint8Array => encodeModel(lowerToModel(cj, opts));

/** Emits the equations of `cj` given names for its inputs (constvars first); returns its outputs' names. */
export function lowerJaxprInto(ctx: LowerContext, cj: ClosedJaxpr, inputs: readonly string[]): string[] {
  const { g } = ctx;
  const env = new Map<Var, string>();
  const { jaxpr } = cj;
  jaxpr.constvars.forEach((v, i) => {
    const c = cj.consts[i];
    if (!(c instanceof ConcreteArray)) throw new OnnxLoweringError('a sub-jaxpr constant is not concrete');
    env.set(v, g.constant(v.aval.dtype as OnnxDType, v.aval.shape, c.dataSync() as ArrayLike<number>));
  });
  jaxpr.invars.forEach((v, i) => env.set(v, inputs[i]!));
  const read = (a: Var | Literal): string => {
    if (a instanceof Literal) return g.scalar(a.value, a.aval.dtype as DType);
    const n = env.get(a);
    if (n === undefined) throw new OnnxLoweringError('internal error: a variable is read before it is defined');
    return n;
  };
  for (const e of jaxpr.eqns) {
    const rule = onnxLowerings[e.primitive] as (...a: unknown[]) => string[];
    const inAvals = e.inputs.map((a) => a.aval), outAvals = e.outvars.map((v) => v.aval);
    // The narrow dtypes' wrapping/rounding rules are not lowered yet: say so rather than export a
    // model whose int8 sums ORT would compute differently.
    const narrow = [...inAvals, ...outAvals].find((a) => !EXPORTABLE.has(a.dtype));
    if (narrow) throw new OnnxLoweringError(`${e.primitive}: exporting ${narrow.dtype} values is not supported yet (float32, float64, int32, uint32 and bool are); convert with .astype('float32') or .astype('int32') before exporting`);
    let outs: string[];
    // Empty results need no computation (and ORT's Expand/Range disagree on zero-sized shapes).
    if (outAvals.length && outAvals.every((a) => a.size === 0)) {
      outs = outAvals.map((a) => g.constant(a.dtype as OnnxDType, a.shape, []));
      e.outvars.forEach((v, i) => env.set(v, outs[i]!));
      continue;
    }
    try {
      outs = rule(ctx, e.inputs.map(read), e.params, inAvals, outAvals);
    } catch (err) {
      if (err instanceof OnnxLoweringError && !err.message.startsWith(e.primitive)) throw new OnnxLoweringError(`${e.primitive}: ${err.message}`);
      throw err;
    }
    e.outvars.forEach((v, i) => env.set(v, outs[i]!));
  }
  return jaxpr.outs.map(read);
}
