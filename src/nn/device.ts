// PyTorch's device idiom: `torch.device('cuda')` names the GPU, which here is WebGPU (the one GPU
// backend), and `await torch.cuda.isAvailable()` says whether an adapter exists, so the seeds'
// `device = 'cuda' if torch.cuda.is_available() else 'cpu'` ports line for line.
import { ConcreteArray, NDArray } from '../core/array.js';
import { getBackend } from '../core/backend.js';
import { DType, DTYPES, isDType } from '../core/dtype.js';
import { DTypeError } from '../core/errors.js';
import { initWebGPU } from '../backends/webgpu/index.js';

/**
 * The backend a PyTorch device string names: 'cpu' → 'cpu'; 'cuda', 'cuda:0', 'gpu', 'webgpu',
 * 'webgpu:0' → 'webgpu' (there is one GPU device; 'cuda:1' is an error).
 */
export function backendOfDevice(op: string, name: string): string {
  const m = /^(cpu|cuda|gpu|webgpu)(?::(\d+))?$/.exec(String(name).trim().toLowerCase());
  if (!m) throw new TypeError(`${op}: unknown device '${String(name)}'; expected 'cpu', 'cuda' (WebGPU here) or 'webgpu'`);
  if (m[2] !== undefined && m[2] !== '0') throw new RangeError(`${op}: device '${name}' does not exist: there is one GPU device ('cuda:0', which is WebGPU)`);
  return m[1] === 'cpu' ? 'cpu' : 'webgpu';
}

/** The option's backend name, or undefined (the default device) when no device is given. */
export const placement = (op: string, device: string | undefined): string | undefined =>
  device === undefined ? undefined : backendOfDevice(op, device);

/**
 * PyTorch's `torch.device('cuda')`: the backend name the device string stands for ('cuda' and
 * 'cuda:0' are WebGPU). Using a WebGPU device needs an adapter: `await torch.cuda.isAvailable()`
 * (or `useBackend('webgpu')`) acquires it.
 *
 * @example
 * const device = (await torch.cuda.isAvailable()) ? torch.device('cuda') : torch.device('cpu');
 * const x = torch.randn(64, 1000, { device });
 */
export function device(name: string): string {
  const backend = backendOfDevice('torch.device', name);
  if (backend === 'cpu') getBackend('cpu');
  return backend;
}

/** Whether a WebGPU adapter exists; acquires the device (so 'cuda' tensors can be made) when it does. */
async function isAvailable(): Promise<boolean> {
  try {
    await initWebGPU();
    return true;
  } catch {
    return false;
  }
}

/**
 * `torch.cuda`, which here means WebGPU: `await torch.cuda.isAvailable()` answers whether an
 * adapter exists (Node: the optional `webgpu` package and a driver; browsers: navigator.gpu).
 */
export const cuda = {
  /** Whether a WebGPU adapter exists; acquires the device (so 'cuda' tensors can be made) when it does. */
  isAvailable,
  /** One GPU device at most. */
  async deviceCount(): Promise<number> { return (await isAvailable()) ? 1 : 0; },
} as const;
/** The same as `torch.cuda`, under the backend's own name. */
export const webgpu = cuda;

/** What `Tensor.to` and `Module.to` accept: a device string, a dtype, or both in an object. */
export interface ToOptions {
  /** A device string as `torch.device` takes it ('cpu', 'cuda', 'cuda:0', 'webgpu'). */
  device?: string;
  /** A dtype ('float32', 'float64', 'int32', ...). */
  dtype?: DType;
}

/**
 * PyTorch's `.to(...)` arguments: `to('cuda')`, `to('float64')`, `to('cuda', 'float64')`,
 * `to({ device, dtype })`. A string is a dtype when it names one, else a device (an unknown
 * name is an error naming `op`). Returns the backend name and the dtype asked for.
 */
export function parseTo(op: string, target: string | ToOptions, dtype?: DType): { backend?: string; dtype?: DType } {
  const unknownDtype = (d: unknown) => new DTypeError(`${op}: unknown dtype ${JSON.stringify(d)}; expected one of ${DTYPES.join(', ')}`);
  if (typeof target === 'object' && target !== null) {
    if (target.dtype !== undefined && !isDType(target.dtype)) throw unknownDtype(target.dtype);
    return { backend: placement(op, target.device), dtype: target.dtype };
  }
  if (typeof target !== 'string') throw new TypeError(`${op}: expected a device ('cpu', 'cuda'), a dtype, a tensor or { device, dtype }; got ${typeof target}`);
  if (dtype !== undefined && !isDType(dtype)) throw unknownDtype(dtype);
  // A dtype-like name that is no dtype here (bfloat16, int64, complex64) is a dtype error, not a device one.
  if (!isDType(target) && /^(float|int|uint|bool|complex|bfloat|half|double|long|short)\d*$/i.test(target)) throw unknownDtype(target);
  if (isDType(target)) {
    if (dtype !== undefined) throw new TypeError(`${op}: two dtypes given ('${target}', '${dtype}'); the first argument of to(device, dtype) is a device`);
    return { dtype: target };
  }
  return { backend: backendOfDevice(op, target), dtype };
}

/**
 * The array on `backend`. Traced arrays (inside torch.compile or a transform) stay as they are: a
 * compiled program runs where its inputs live. WebGPU reads back asynchronously, so moving a WebGPU
 * array to the CPU synchronously is an error that names the asynchronous form.
 */
export function moveArray(op: string, a: NDArray, backend: string, asyncForm: string): NDArray {
  if (!(a instanceof ConcreteArray) || a.device === backend) return a;
  if (a.device === 'webgpu') {
    throw new TypeError(`${op}: moving a ${a.aval.str()} tensor from webgpu to ${backend} reads it back, which WebGPU does asynchronously; use \`${asyncForm}\``);
  }
  return a.to(backendFor(op, backend));
}

/** The array on `backend`, from any backend (awaits WebGPU's read-back). */
export async function moveArrayAsync(op: string, a: NDArray, backend: string): Promise<NDArray> {
  if (!(a instanceof ConcreteArray) || a.device === backend) return a;
  return a.toAsync(backendFor(op, backend));
}

/** The backend's name, checked: WebGPU needs its adapter first, which torch users get from isAvailable(). */
function backendFor(op: string, backend: string): string {
  if (backend === 'webgpu') {
    try { getBackend('webgpu'); } catch {
      throw new TypeError(`${op}: no WebGPU device yet ('cuda' is WebGPU here): call \`await torch.cuda.isAvailable()\` first, which acquires one when an adapter exists`);
    }
  }
  return getBackend(backend, op).name;
}
