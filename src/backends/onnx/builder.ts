// Builds an ONNX graph node by node: fresh value names, deduplicated constants, attributes, and
// the value types ONNX needs at the graph's edges.
import { DType, TypedArray } from '../../core/dtype.js';
import { ATTRIBUTE_TYPE, AttributeProto, GraphProto, NodeProto, ONNX_DTYPE, OnnxDType, TensorProto, ValueInfoProto } from './proto.js';

/** What an attribute may hold: a number is an INT unless written `{ float: x }`; number[] is INTS. */
export type Attr = number | { float: number } | string | readonly number[] | GraphProto;

/** An error raised while lowering: the user-facing function prepends its name. */
export class OnnxLoweringError extends Error {
  /** The error's class name. */
  override name = 'OnnxLoweringError';
}

function attribute(name: string, v: Attr): AttributeProto {
  if (typeof v === 'number') return { name, type: ATTRIBUTE_TYPE.INT, i: v };
  if (typeof v === 'string') return { name, type: ATTRIBUTE_TYPE.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: ATTRIBUTE_TYPE.INTS, ints: [...v] };
  if ('float' in (v as object)) return { name, type: ATTRIBUTE_TYPE.FLOAT, f: (v as { float: number }).float };
  return { name, type: ATTRIBUTE_TYPE.GRAPH, g: v as GraphProto };
}

const TYPED: Record<OnnxDType, (n: number) => TypedArray | BigInt64Array | Uint8Array> = {
  float32: (n) => new Float32Array(n), float64: (n) => new Float64Array(n), int32: (n) => new Int32Array(n),
  uint32: (n) => new Uint32Array(n), bool: (n) => new Uint8Array(n), int64: (n) => new BigInt64Array(n),
  uint8: (n) => new Uint8Array(n), int8: (n) => new Int8Array(n) as unknown as Uint8Array, uint64: (n) => new BigUint64Array(n) as unknown as BigInt64Array,
};

/** A tensor's raw little-endian bytes (the platforms cotangent runs on are little-endian). */
export function tensorProto(name: string, dtype: OnnxDType, dims: readonly number[], values: ArrayLike<number> | ArrayLike<bigint>): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new OnnxLoweringError(`internal error: tensor ${name} has ${values.length} values for dims [${dims.join(', ')}]`);
  const arr = TYPED[dtype](n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    (arr as unknown as (number | bigint)[])[i] = dtype === 'int64' || dtype === 'uint64' ? BigInt(v) : typeof v === 'bigint' ? Number(v) : dtype === 'bool' ? (v ? 1 : 0) : v;
  }
  return { name, dims: [...dims], dataType: ONNX_DTYPE[dtype], rawData: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) };
}

export const valueInfo = (name: string, dtype: OnnxDType, dims: readonly (number | string)[]): ValueInfoProto => ({
  name,
  type: { tensorType: { elemType: ONNX_DTYPE[dtype], shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
});

export class GraphBuilder {
  nodes: NodeProto[] = [];
  readonly initializers: TensorProto[] = [];
  private counter = 0;
  private readonly constCache = new Map<string, string>();
  /** Shapes of the values that hold a jaxpr variable (what later passes may rely on). */
  readonly shapes = new Map<string, readonly number[]>();

  constructor(private readonly prefix = 'v') {}

  fresh(hint = ''): string { return `${this.prefix}${this.counter++}${hint ? '_' + hint : ''}`; }

  /** Appends a node; returns its output names. */
  node(opType: string, inputs: readonly string[], attrs: Record<string, Attr | undefined> = {}, numOutputs = 1): string[] {
    const outputs = Array.from({ length: numOutputs }, () => this.fresh(opType));
    const attribute = Object.entries(attrs).filter(([, v]) => v !== undefined).map(([k, v]) => attributeOf(k, v!));
    this.nodes.push({ input: [...inputs], output: outputs, opType, attribute });
    return outputs;
  }
  /** A node with one output. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, Attr | undefined> = {}): string {
    return this.node(opType, inputs, attrs, 1)[0]!;
  }
  /** A constant tensor as an initializer, shared between uses with the same contents. */
  constant(dtype: OnnxDType, dims: readonly number[], values: ArrayLike<number> | ArrayLike<bigint>): string {
    const small = values.length <= 64;
    const key = small ? `${dtype}[${dims.join(',')}]${Array.from(values as ArrayLike<number>, (v) => (Object.is(v, -0) ? '-0' : String(v))).join(',')}` : '';
    if (small) { const hit = this.constCache.get(key); if (hit) return hit; }
    const name = this.fresh('const');
    this.initializers.push(tensorProto(name, dtype, dims, values));
    if (small) this.constCache.set(key, name);
    return name;
  }
  /**
   * A subgraph (the body of If or Loop): `body` emits nodes into it and returns the names of its
   * outputs; it may read any name of the enclosing graphs (ONNX's outer scope), and its constants
   * join the main graph's initializers, which subgraphs see too.
   */
  subgraph(name: string, inputs: readonly { name: string; dtype: OnnxDType; shape: readonly number[] }[], outputs: readonly { dtype: OnnxDType; shape: readonly number[] }[], body: () => string[]): GraphProto {
    const saved = this.nodes;
    this.nodes = [];
    try {
      const outs = body();
      const outInfo = outputs.map((o, i) => {
        const n = this.fresh(`${name}_out${i}`);
        this.nodes.push({ input: [outs[i]!], output: [n], opType: 'Identity', attribute: [] });
        return valueInfo(n, o.dtype, o.shape);
      });
      return { name: this.fresh(name), node: this.nodes, initializer: [], input: inputs.map((i) => valueInfo(i.name, i.dtype, i.shape)), output: outInfo };
    } finally {
      this.nodes = saved;
    }
  }
  scalar(value: number, dtype: OnnxDType | DType): string { return this.constant(dtype as OnnxDType, [], [value]); }
  /** A 1-d int64 tensor (shapes, axes, starts and ends). */
  ints(values: readonly number[]): string { return this.constant('int64', [values.length], values); }
}
const attributeOf = attribute;
