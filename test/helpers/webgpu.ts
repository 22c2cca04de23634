// Shared setup of the WebGPU test files: the adapter (skipped loudly without one, a failure under REQUIRE_WEBGPU=1) and float32 comparison.
import * as assert from 'uvu/assert';
import type { Test } from 'uvu';
import '../../src/index.js';
import { ConcreteArray } from '../../src/core/array.js';
import { defaultBackendName, setDefaultBackend } from '../../src/core/backend.js';
import { DType } from '../../src/core/dtype.js';
import type { Array as NDArray } from '../../src/index.js';
import { adapterDescription, initWebGPU } from '../../src/backends/webgpu/index.js';
import { mismatch, Tolerance } from './primitive-cases.js';

let found: string | null = null;
let whyNot = '';
try {
  await initWebGPU();
  found = adapterDescription();
} catch (e) {
  whyNot = (e as Error).message;
}
/** The adapter's description, or null when there is none. */
export const adapter = found;

/**
 * Registers `test`'s GPU tests: real ones with an adapter, run with webgpu as the default backend
 * (so constants the functions under test create live there too; `onCpu` computes references);
 * without one, a failing test under REQUIRE_WEBGPU=1 (CI) and otherwise visibly skipped ones with
 * a banner naming the file.
 */
export function gpuSuite(test: Test, file: string): (name: string, fn: () => Promise<void> | void) => void {
  if (adapter) {
    console.log(`${file}: webgpu tests on ${adapter}`);
  } else if (process.env.REQUIRE_WEBGPU === '1') {
    test('a WebGPU adapter is available (REQUIRE_WEBGPU=1)', () => { assert.unreachable(`no WebGPU adapter: ${whyNot}`); });
  } else {
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n!! ${file}: WEBGPU TESTS SKIPPED: no adapter (${whyNot})\n!! Set REQUIRE_WEBGPU=1 to make this a failure.\n${bar}\n`);
  }
  const onWebgpu = async (fn: () => Promise<void> | void) => {
    const before = defaultBackendName();
    setDefaultBackend('webgpu');
    try { await fn(); } finally { setDefaultBackend(before); }
  };
  return (name, fn) => (adapter ? test(name, () => onWebgpu(fn)) : test.skip(name, fn));
}

export type { Tolerance };
export { mismatch };


/** Asserts that a WebGPU array equals a CPU one in shape, dtype and values (within `tol` for floats). */
export async function assertClose(gpu: NDArray, cpu: NDArray, tol: Tolerance, what: string): Promise<void> {
  assert.equal([...gpu.shape], [...cpu.shape], `${what}: shape`);
  assert.is(gpu.dtype, cpu.dtype, `${what}: dtype`);
  assert.is((gpu as ConcreteArray).device, 'webgpu', `${what}: device`);
  const bad = mismatch(await gpu.data(), await cpu.data(), cpu.dtype, tol);
  if (bad) assert.unreachable(`${what}: ${bad}`);
}

/** Runs `f` with `name` as the default backend (where constants it creates live), then restores the previous one. */
export function onBackend<T>(name: 'cpu' | 'webgpu', f: () => T): T {
  const before = defaultBackendName();
  setDefaultBackend(name);
  try { return f(); } finally { setDefaultBackend(before); }
}
export const onGpu = <T>(f: () => T): T => onBackend('webgpu', f);
export const onCpu = <T>(f: () => T): T => onBackend('cpu', f);
