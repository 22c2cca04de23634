// ONNX Runtime on Node, synchronously: the onnxruntime-node package's native binding (whose
// `run` is synchronous; the package's public API only wraps it in a promise) loaded lazily.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { ShapedArray } from '../../core/aval.js';
import { allocTyped, TypedArray } from '../../core/dtype.js';

interface NativeTensor { readonly data: TypedArray; readonly dims: readonly number[]; readonly type: string }
interface NativeSession {
  loadModel(buffer: ArrayBufferLike, byteOffset: number, byteLength: number, options: object): void;
  run(feeds: Record<string, NativeTensor>, fetches: Record<string, NativeTensor | null>, options: object): Record<string, NativeTensor>;
  dispose(): void;
}
interface Ort {
  readonly binding: { InferenceSession: new () => NativeSession };
  readonly Tensor: new (type: string, data: TypedArray, dims: readonly number[]) => NativeTensor;
  readonly version: string;
}

let ort: Ort | null | undefined;
let loadError = '';

/** The onnxruntime-node package, or null (with the reason in `ortLoadError()`) where it is not installed or will not load. */
export function loadOrt(): Ort | null {
  if (ort !== undefined) return ort;
  try {
    const require = createRequire(import.meta.url);
    const b = require('onnxruntime-node/dist/binding.js') as { binding: Ort['binding']; initOrt: () => void };
    const common = require('onnxruntime-common') as { Tensor: Ort['Tensor'] };
    const pkg = require('onnxruntime-node/package.json') as { version: string };
    b.initOrt();
    ort = { binding: b.binding, Tensor: common.Tensor, version: pkg.version };
  } catch (e) {
    loadError = (e as Error).message.split('\n')[0]!;
    ort = null;
  }
  return ort;
}
export const ortLoadError = (): string => loadError;

const ORT_TYPE: Record<string, string> = { float32: 'float32', float64: 'float64', int32: 'int32', uint32: 'uint32', bool: 'bool' };

export interface SessionOptions {
  /** Intra-op threads (default: the machine's cores). */
  threads?: number;
  /** Whether idle intra-op threads spin-wait (ORT's default, true). */
  spinning?: boolean;
}

/**
 * One ONNX model loaded into ORT, run synchronously on typed arrays: inputs are passed without a
 * copy (ORT reads the JS buffers), and outputs are written into arrays allocated here (no copy back).
 */
export class OrtProgram {
  private readonly session: NativeSession;
  private readonly ort: Ort;
  constructor(bytes: Uint8Array, private readonly inputs: readonly { name: string; aval: ShapedArray }[], private readonly outputs: readonly { name: string; aval: ShapedArray }[], opts: SessionOptions = {}) {
    const o = loadOrt();
    if (!o) throw new Error(`onnxruntime-node is not available: ${loadError}`);
    this.ort = o;
    this.session = new o.binding.InferenceSession();
    this.session.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, {
      intraOpNumThreads: opts.threads ?? availableParallelism(), interOpNumThreads: 1,
      graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: true,
      ...(opts.spinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' } } } } : {}),
    });
  }
  /** Runs the model; `spare(aval)` may hand over a dead array of that dtype and size to write an output into. */
  run(args: readonly TypedArray[], spare: (aval: ShapedArray) => TypedArray | undefined = () => undefined): TypedArray[] {
    const feeds: Record<string, NativeTensor> = {};
    this.inputs.forEach(({ name, aval }, i) => { feeds[name] = new this.ort.Tensor(ORT_TYPE[aval.dtype]!, args[i]!, aval.shape); });
    const fetches: Record<string, NativeTensor | null> = {};
    const outs = this.outputs.map(({ name, aval }) => {
      const data = (aval.size > 0 ? spare(aval) : undefined) ?? allocTyped(aval.dtype, aval.size);
      // ORT cannot write into a zero-length buffer it is handed; let it allocate those.
      fetches[name] = aval.size === 0 ? null : new this.ort.Tensor(ORT_TYPE[aval.dtype]!, data, aval.shape);
      return data;
    });
    const res = this.session.run(feeds, fetches, {});
    return this.outputs.map(({ name, aval }, i) => (aval.size === 0 ? (res[name]!.data as TypedArray) : outs[i]!));
  }
  dispose(): void { this.session.dispose(); }
}
