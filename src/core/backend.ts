// The narrow interface every backend implements: buffers in, buffers out. Backends know
// buffers and kernels, never transforms.
import { ShapedArray } from './aval.js';
import { DType, TypedArray } from './dtype.js';
import { CotangentError, DTypeError } from './errors.js';
import { ArrayPrimitive, Params } from './primitives.js';
import type { ClosedJaxpr } from './jaxpr.js';

/** An opaque handle to device memory; each backend defines what is inside. */
export interface DeviceBuffer {
  /** The name of the backend holding it. */
  readonly backend: string;
}

/** What a backend implements (cpu, webgpu): buffers from host data, reads, one primitive at a time, optionally whole jaxprs. */
export interface Backend {
  /** The backend's name ('cpu', 'webgpu'). */
  readonly name: string;
  /** Whether it can hold arrays of this dtype. */
  readonly supportsDtype: (dtype: DType) => boolean;
  /** Takes ownership of `data` where it can (no copy); `data` must not be mutated afterwards. */
  fromTypedArray(data: TypedArray, aval: ShapedArray): DeviceBuffer;
  /** Reads a buffer's values to the host. */
  read(buf: DeviceBuffer, aval: ShapedArray): Promise<TypedArray>;
  /** Synchronous read; backends that cannot do it throw an error naming the async form. */
  readSync(buf: DeviceBuffer, aval: ShapedArray): TypedArray;
  /** Runs one primitive on input buffers, returning new output buffers. */
  execute<P extends ArrayPrimitive>(prim: P, params: Params<P>, inputs: readonly DeviceBuffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): DeviceBuffer[];
  /** Frees a buffer now. */
  dispose?(buf: DeviceBuffer): void;
  /** Resolves once the work that writes `buf` has finished (and rejects with its errors); backends that compute synchronously leave it out. */
  whenReady?(buf: DeviceBuffer): Promise<void>;
  /**
   * Compiles a whole jaxpr (no constvars: jit hoists constants to leading inputs) into one program.
   * `donated[i]`: the program may reuse input i's buffer (the caller disposes that array afterwards).
   * Backends without it run jitted jaxprs equation by equation.
   */
  compile?(jaxpr: ClosedJaxpr, donated: readonly boolean[]): Executable;
  /**
   * Backends that read back only asynchronously (WebGPU): how a loop whose trip count depends on
   * device values runs under a synchronous API. `first` runs now (submitting as usual) and returns
   * the result buffers; `rest` then runs at the head of the device queue, reading predicates and
   * submitting more work through `head`, while everything submitted after this call is held back,
   * in order, until `rest` settles (reads wait for it; its error surfaces at the next read).
   */
  runHeld?(first: () => DeviceBuffer[], rest: (head: QueueHead) => Promise<void>): DeviceBuffer[];
}

/** What a task at the head of a held queue (see Backend.runHeld) may do ahead of the held work. */
export interface QueueHead {
  /** Runs `f`, whose submissions go to the device at once. */
  run<T>(f: () => T): T;
  /** Reads a buffer without waiting for the held work. */
  read(buf: DeviceBuffer, aval: ShapedArray): Promise<TypedArray>;
  /** Writes `from` over the memory of result k of `first` (even if that array was donated since). */
  writeResult(k: number, from: DeviceBuffer): void;
}

/** A compiled jaxpr: buffers in (one per jaxpr input), buffers out (one per output). */
export interface Executable {
  run(inputs: readonly DeviceBuffer[]): DeviceBuffer[];
  /** The compiled form as text (generated JS, WGSL), for jit(f).lower(...).compiledText(). */
  readonly text: string;
  /**
   * Builds what the first run would build on the device (WebGPU: its pipelines), without blocking,
   * so the first run starts at once. Backends with nothing to build leave it out.
   */
  prepare?(): Promise<void>;
}

const backends = new Map<string, Backend>();
let defaultName = 'cpu';

/** Makes a backend available by its name (the first registered becomes the default). */
export function registerBackend(b: Backend): void {
  backends.set(b.name, b);
}
/** The backend called `name` (the default without one); `op` names the user's call in the error. */
export function getBackend(name?: string, op = 'getBackend'): Backend {
  const b = backends.get(name ?? defaultName);
  if (!b) throw new CotangentError(`${op}: backend '${name ?? defaultName}' is not available (registered: ${[...backends.keys()].join(', ') || 'none'}${name === 'webgpu' ? '; call await initWebGPU() first' : ''})`);
  return b;
}
/** The backend new arrays go to (`useBackend` is the public form). */
export function setDefaultBackend(name: string): void {
  getBackend(name, 'setDefaultBackend');
  defaultName = name;
}
export const defaultBackendName = (): string => defaultName;

export function checkDtypeSupported(b: Backend, dtype: DType, op: string): void {
  if (!b.supportsDtype(dtype)) throw new DTypeError(`${op}: the ${b.name} backend cannot hold ${dtype} arrays`);
}
