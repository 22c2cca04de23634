// The WebGPU backend's jit compiler: a jaxpr becomes one planned program of WGSL dispatches, run with one submit per call.
//
// jaxpr → (calls inlined) → shared fusion plan and buffer plan (src/backends/fusion/) → program of
// resources and commands (program.ts, WGSL from codegen.ts and the eager kernels) → pipelines and
// pooled buffers on the device (runtime.ts). Compiled once per jaxpr; pipelines are built on the
// first call and cached by their WGSL, since a software adapter takes tens of milliseconds to a
// second per pipeline.
import { Executable } from '../../../core/backend.js';
import { ClosedJaxpr } from '../../../core/jaxpr.js';
import { deviceLive, ctx } from '../device.js';
import { lowerJaxpr } from './program.js';
import { GpuPoolStats, gpuPool, Runner } from './runtime.js';

/** WebGPU guarantees at least 8 storage buffers per shader stage; the device may offer more. */
const MIN_STORAGE_BUFFERS = 8;

/**
 * Compiles a jaxpr (no constvars: jit hoists constants to leading inputs) into an Executable.
 * `donated[i]`: input i's buffer may be written in place or handed out as an output.
 */
export function compileJaxpr(cj: ClosedJaxpr, donated: readonly boolean[]): Executable {
  const maxBuffers = deviceLive() ? ctx().device.limits.maxStorageBuffersPerShaderStage : MIN_STORAGE_BUFFERS;
  const runner = new Runner(lowerJaxpr(cj, donated, maxBuffers));
  return { text: runner.program.text, run: (inputs) => runner.run(inputs), prepare: () => runner.prepareAsync() };
}

/** The scratch pool every compiled WebGPU program shares: buffers made, reused and idle. */
export const compiledPoolStats = (): GpuPoolStats => gpuPool.stats();
/** Destroys the pool's idle buffers (and resets its counters). */
export const clearCompiledPool = (): void => gpuPool.clear();
