// Choosing the default backend by name: one call, which acquires the WebGPU device first when needed.
import { setDefaultBackend } from '../core/backend.js';
import { CotangentError } from '../core/errors.js';
import { initWebGPU } from './webgpu/index.js';

export type BackendName = 'cpu' | 'webgpu';

/** Makes `name` the backend new arrays are created on. `await useBackend('webgpu')` finds an adapter first. */
export async function useBackend(name: BackendName): Promise<void> {
  if (name === 'webgpu') await initWebGPU();
  else if (name !== 'cpu') throw new CotangentError(`useBackend: unknown backend '${String(name)}' (expected 'cpu' or 'webgpu')`);
  setDefaultBackend(name);
}
