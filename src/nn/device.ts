// PyTorch's device idiom: `torch.device('cuda')` names the GPU, which here is WebGPU (the one GPU
// backend), and `await torch.cuda.isAvailable()` says whether an adapter exists, so the seeds'
// `device = 'cuda' if torch.cuda.is_available() else 'cpu'` ports line for line.
import { getBackend } from '../core/backend.js';
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
  isAvailable,
  /** One GPU device at most. */
  async deviceCount(): Promise<number> { return (await isAvailable()) ? 1 : 0; },
} as const;
/** The same as `torch.cuda`, under the backend's own name. */
export const webgpu = cuda;
