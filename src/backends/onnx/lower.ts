// Lowers a closed jaxpr (constants hoisted or given) to an ONNX ModelProto through the lowering table.
import { ConcreteArray, NDArray } from '../../core/array.js';
import { DType } from '../../core/dtype.js';
import { ClosedJaxpr, Jaxpr, Literal, Var } from '../../core/jaxpr.js';
import { GraphBuilder, OnnxLoweringError, tensorProto, valueInfo } from './builder.js';
import { LowerContext, onnxLowerings } from './lowerings.js';
import { encodeModel, ModelProto, NodeProto, OnnxDType, TensorProto } from './proto.js';

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
  g.nodes = dropBroadcasts(g.nodes, g.shapes, outs);
  const outputNames = cj.jaxpr.outs.map((_, i) => opts.outputNames?.[i] ?? `y${i}`);
  nameOutputs(g.nodes, outs, outputNames);
  const outputs = cj.jaxpr.outs.map((a, i) => valueInfo(outputNames[i]!, a.aval.dtype as OnnxDType, a.aval.shape));
  return {
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'cotangent',
    producerVersion: '0.1.0',
    docString: opts.docString ?? '',
    graph: { name: 'cotangent', node: g.nodes, initializer: usedInitializers(g.initializers, g.nodes, outputNames), input: inputs, output: outputs },
  };
}

/**
 * The initializers some node (subgraphs included: they read the main graph's) or output reads. The
 * shape constants of dropped Expands would be left behind otherwise, and ONNX Runtime warns about
 * each unused one when it loads the model.
 */
function usedInitializers(initializers: readonly TensorProto[], nodes: readonly NodeProto[], outputs: readonly string[]): TensorProto[] {
  const read = new Set(outputs);
  const collect = (list: readonly NodeProto[]): void => {
    for (const n of list) {
      for (const x of n.input) read.add(x);
      for (const a of n.attribute) if (a.g) collect(a.g.node);
    }
  };
  collect(nodes);
  return initializers.filter((t) => read.has(t.name));
}

const EXPORTABLE: ReadonlySet<DType> = new Set<DType>(['bool', 'int32', 'uint32', 'float32', 'float64']);

/** ONNX operators that broadcast their operands (NumPy's rules) elementwise. */
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Where', 'Equal', 'Greater', 'GreaterOrEqual', 'Less', 'LessOrEqual', 'And', 'Or', 'Xor', 'BitwiseAnd', 'BitwiseOr', 'BitwiseXor']);

/**
 * Lets ONNX's own broadcasting do what a materialised broadcast did: an `Expand` whose consumers
 * all broadcast their operands, each with another operand already of the expanded shape (so the
 * result's shape cannot change), reads the unexpanded value instead, and the Expand goes. Values
 * read by a subgraph, or that are graph outputs, keep theirs. (Measured: Expand was ~5% of an Adam
 * step's kernel time, the bias adds and scalar broadcasts.)
 */
function dropBroadcasts(nodes: NodeProto[], shapes: ReadonlyMap<string, readonly number[]>, outputs: readonly string[]): NodeProto[] {
  const sameShape = (a: readonly number[] | undefined, b: readonly number[]) => a !== undefined && a.length === b.length && a.every((d, i) => d === b[i]);
  const consumers = new Map<string, NodeProto[]>();
  const inSubgraph = new Set<string>();
  const collect = (list: NodeProto[], nested: boolean) => {
    for (const n of list) {
      for (const x of n.input) { if (nested) inSubgraph.add(x); else consumers.set(x, [...(consumers.get(x) ?? []), n]); }
      for (const a of n.attribute) if (a.g) collect(a.g.node, true);
    }
  };
  collect(nodes, false);
  const dropped = new Set<NodeProto>();
  for (const n of nodes) {
    if (n.opType !== 'Expand') continue;
    const [out] = n.output, shape = shapes.get(out!);
    if (!shape || inSubgraph.has(out!) || outputs.includes(out!)) continue;
    const users = consumers.get(out!) ?? [];
    const ok = users.length > 0 && users.every((u) => BROADCASTING.has(u.opType) && u.input.some((x) => x !== out && sameShape(shapes.get(x), shape)));
    if (!ok) continue;
    for (const u of users) u.input = u.input.map((x) => (x === out ? n.input[0]! : x));
    dropped.add(n);
  }
  return nodes.filter((n) => !dropped.has(n));
}

/**
 * Gives the graph outputs their names. A value computed by a node of the main graph is renamed in
 * place (its consumers, subgraphs included, follow), so ORT writes it straight into the output: an
 * Identity node per output would copy every result once more (measured: ~5% of an Adam step's
 * kernel time). Inputs, constants and values named twice get an Identity.
 */
function nameOutputs(nodes: NodeProto[], values: readonly string[], names: readonly string[]): void {
  const produced = new Set(nodes.flatMap((n) => n.output));
  const rename = new Map<string, string>();
  values.forEach((v, i) => {
    const name = names[i]!;
    if (produced.has(v) && !rename.has(v) && v !== name) rename.set(v, name);
    else if (rename.get(v) !== name && v !== name) nodes.push({ input: [rename.get(v) ?? v], output: [name], opType: 'Identity', attribute: [] });
  });
  const visit = (list: NodeProto[]) => {
    for (const n of list) {
      n.input = n.input.map((x) => rename.get(x) ?? x);
      n.output = n.output.map((x) => rename.get(x) ?? x);
      for (const a of n.attribute) if (a.g) visit(a.g.node);
    }
  };
  visit(nodes);
}

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
    e.outvars.forEach((v, i) => { env.set(v, outs[i]!); g.shapes.set(outs[i]!, v.aval.shape); });
  }
  return jaxpr.outs.map(read);
}
