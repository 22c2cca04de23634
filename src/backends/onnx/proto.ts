// The ONNX protobuf messages cotangent writes (ModelProto and what it contains), declared for
// protobufjs with the field numbers of onnx.proto, and the encoder/decoder built from them.
import protobuf from 'protobufjs/light.js';

/** ONNX's TensorProto.DataType codes for the dtypes cotangent holds (and int64 for indices and shapes). */
export const ONNX_DTYPE = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11, uint32: 12, uint64: 13 } as const;
export type OnnxDType = keyof typeof ONNX_DTYPE;

/** AttributeProto.AttributeType codes. */
export const ATTRIBUTE_TYPE = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, GRAPH: 5, FLOATS: 6, INTS: 7 } as const;

export interface TensorProto { name: string; dims: number[]; dataType: number; rawData: Uint8Array }
export interface AttributeProto {
  name: string; type: number;
  f?: number; i?: number; s?: Uint8Array; t?: TensorProto; g?: GraphProto; floats?: number[]; ints?: number[];
}
export interface NodeProto { input: string[]; output: string[]; name?: string; opType: string; domain?: string; attribute: AttributeProto[] }
export interface Dimension { dimValue?: number; dimParam?: string }
export interface ValueInfoProto { name: string; type: { tensorType: { elemType: number; shape: { dim: Dimension[] } } } }
export interface GraphProto { node: NodeProto[]; name: string; initializer: TensorProto[]; input: ValueInfoProto[]; output: ValueInfoProto[]; docString?: string }
export interface OperatorSetIdProto { domain: string; version: number }
export interface ModelProto {
  irVersion: number; opsetImport: OperatorSetIdProto[]; producerName: string; producerVersion: string;
  docString?: string; graph: GraphProto;
}

const f = (type: string, id: number, rule?: 'repeated') => (rule ? { type, id, rule } : { type, id });
const packed = (type: string, id: number) => ({ type, id, rule: 'repeated', options: { packed: true } });

// Field numbers as in onnx.proto (ONNX IR version 8); only the messages and fields cotangent writes.
const root = protobuf.Root.fromJSON({
  nested: {
    onnx: {
      nested: {
        AttributeProto: {
          fields: {
            name: f('string', 1), type: f('int32', 20), f: f('float', 2), i: f('int64', 3), s: f('bytes', 4),
            t: f('TensorProto', 5), g: f('GraphProto', 6), floats: packed('float', 7), ints: packed('int64', 8),
          },
        },
        ValueInfoProto: { fields: { name: f('string', 1), type: f('TypeProto', 2), docString: f('string', 3) } },
        NodeProto: {
          fields: {
            input: f('string', 1, 'repeated'), output: f('string', 2, 'repeated'), name: f('string', 3),
            opType: f('string', 4), attribute: f('AttributeProto', 5, 'repeated'), docString: f('string', 6), domain: f('string', 7),
          },
        },
        ModelProto: {
          fields: {
            irVersion: f('int64', 1), producerName: f('string', 2), producerVersion: f('string', 3), domain: f('string', 4),
            modelVersion: f('int64', 5), docString: f('string', 6), graph: f('GraphProto', 7), opsetImport: f('OperatorSetIdProto', 8, 'repeated'),
          },
        },
        GraphProto: {
          fields: {
            node: f('NodeProto', 1, 'repeated'), name: f('string', 2), initializer: f('TensorProto', 5, 'repeated'),
            docString: f('string', 10), input: f('ValueInfoProto', 11, 'repeated'), output: f('ValueInfoProto', 12, 'repeated'),
            valueInfo: f('ValueInfoProto', 13, 'repeated'),
          },
        },
        TensorProto: {
          fields: { dims: packed('int64', 1), dataType: f('int32', 2), name: f('string', 8), docString: f('string', 12), rawData: f('bytes', 9) },
        },
        TensorShapeProto: {
          fields: { dim: f('Dimension', 1, 'repeated') },
          nested: { Dimension: { oneofs: { value: { oneof: ['dimValue', 'dimParam'] } }, fields: { dimValue: f('int64', 1), dimParam: f('string', 2) } } },
        },
        TypeProto: {
          fields: { tensorType: f('Tensor', 1) },
          nested: { Tensor: { fields: { elemType: f('int32', 1), shape: f('TensorShapeProto', 2) } } },
        },
        OperatorSetIdProto: { fields: { domain: f('string', 1), version: f('int64', 2) } },
      },
    },
  },
});
const Model = root.lookupType('onnx.ModelProto');

/** Serialises a ModelProto to its wire bytes. */
export function encodeModel(model: ModelProto): Uint8Array {
  const err = Model.verify(model);
  if (err) throw new Error(`exportOnnx: internal error, the model does not fit ModelProto: ${err}`);
  return Model.encode(Model.fromObject(model)).finish();
}
/** Parses model bytes back (for tests and inspection): int64 fields come back as numbers. */
export function decodeModel(bytes: Uint8Array): ModelProto {
  return Model.toObject(Model.decode(bytes), { longs: Number, bytes: Uint8Array as never, defaults: false, arrays: true }) as ModelProto;
}
