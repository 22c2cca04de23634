// The WebGPU backend: GPUBuffers for arrays and one WGSL kernel per array primitive (kernels.ts's table).
// Dispatch is eager (one submit per primitive); `await initWebGPU()` acquires the device and
// registers the backend as 'webgpu'.
import { ShapedArray } from '../../core/aval.js';
import { Backend, DeviceBuffer, registerBackend } from '../../core/backend.js';
import { computeDtype, DType } from '../../core/dtype.js';
import { isElementwise } from '../../core/primitives.js';
import { isNarrow, needsNarrowing, widenAval } from './narrow.js';
import { CotangentError } from '../../core/errors.js';
import { ArrayPrimitive, Params } from '../../core/primitives.js';
import { compileJaxpr } from './compile/index.js';
// The public functions below wrap device.ts's rather than re-export them, so these declarations
// never import device.ts's, which name WebGPU's types (a consumer need not have @webgpu/types).
import {
  acquireDevice, adapterDescription as deviceAdapterDescription, destroyDevice, deviceLive, emptyCache as deviceEmptyCache,
  GpuBuffer, memoryStats as deviceMemoryStats, queueSettled, readBack, runPlan, setCacheLimit as deviceSetCacheLimit, upload,
  asHead, ctx, holdQueue, runningAsHead, submit,
} from './device.js';
import type { MemoryStats } from './memory-stats.js';
import { webgpuKernels } from './kernels.js';
import { MatmulKernel, setMatmulKernel as chooseMatmulKernel } from './matmul.js';
import { Plan, WebGpuKernel } from './wgsl.js';

export type { WebGpuKernel } from './wgsl.js';
export type { MemoryStats } from './memory-stats.js';

/** Plans by (primitive, params, operand avals, result avals): a plan holds its WGSL, whose pipeline device.ts caches. */
const plans = new Map<string, Plan>();
const MAX_PLANS = 4096;

const avalKey = (a: ShapedArray): string => `${a.dtype}[${a.shape.join(',')}]`;

function planFor<P extends ArrayPrimitive>(prim: P, params: Params<P>, inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): Plan {
  const key = `${prim}|${JSON.stringify(params)}|${inAvals.map(avalKey).join(';')}|${outAvals.map(avalKey).join(';')}`;
  let plan = plans.get(key);
  if (!plan) {
    const kernel: WebGpuKernel<P> = webgpuKernels[prim];
    plan = kernel({ params, inAvals, outAvals });
    // Drop the oldest plan past the bound (Map iterates in insertion order); its pipeline stays cached.
    if (plans.size >= MAX_PLANS) plans.delete(plans.keys().next().value!);
    plans.set(key, plan);
  }
  return plan;
}

function handleOf(buf: DeviceBuffer, op: string): GpuBuffer {
  if (!(buf instanceof GpuBuffer)) throw new CotangentError(`${op}: the webgpu backend got a buffer of the ${buf.backend} backend`);
  return buf;
}

const SUPPORTED: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'uint32', 'bool', 'int8', 'int16', 'uint8', 'uint16', 'float16']);

/**
 * One primitive on device buffers. The narrow dtypes share their 32-bit counterparts' storage, so
 * every kernel but the elementwise ones (whose templates wrap and round) runs at the 32-bit dtype;
 * a result that may leave the narrow range (a sum, a product, iota) is then wrapped or rounded
 * by one convert_element_type pass: int8 sums wrap, float16 sums are float32 sums rounded once.
 */
function execute<P extends ArrayPrimitive>(prim: P, params: Params<P>, handles: readonly GpuBuffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): GpuBuffer[] {
  if (isElementwise(prim) || (!inAvals.some(isNarrow) && !outAvals.some(isNarrow))) return runPlan(prim, planFor(prim, params, inAvals, outAvals), handles, outAvals);
  const wide = outAvals.map(widenAval);
  const outs = runPlan(prim, planFor(prim, params, inAvals.map(widenAval), wide), handles, wide);
  if (!needsNarrowing(prim, outAvals)) return outs;
  return outs.map((o, k) => {
    const a = outAvals[k]!;
    if (!isNarrow(a)) return o;
    const [r] = runPlan('convert_element_type', planFor('convert_element_type', { newDtype: a.dtype, weakType: a.weakType }, [wide[k]!], [a]), [o], [a]);
    o.dispose();
    return r!;
  });
}

export const webgpuBackend: Backend = {
  name: 'webgpu',
  /** Every dtype but float64 (WGSL has no f64); bool and the narrow types are held in 32-bit words. */
  supportsDtype: (d) => SUPPORTED.has(d),
  fromTypedArray: (data, aval) => upload(data, aval),
  read: (buf, aval) => readBack(handleOf(buf, 'read'), aval),
  readSync(buf, aval) {
    handleOf(buf, 'readSync');
    throw new CotangentError(
      `readSync: the webgpu backend reads its ${aval.str()} buffers asynchronously; use \`await x.data()\` (or \`await x.item()\`, \`await x.tolist()\`) instead of the *Sync forms`,
    );
  },
  execute<P extends ArrayPrimitive>(prim: P, params: Params<P>, inputs: readonly DeviceBuffer[], inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]): DeviceBuffer[] {
    return execute(prim, params, inputs.map((b) => handleOf(b, prim)), inAvals, outAvals);
  },
  dispose: (buf) => handleOf(buf, 'dispose').dispose(),
  // The queue runs submissions in order: when all submitted work is done, so is this buffer's.
  whenReady: (buf) => { handleOf(buf, 'blockUntilReady'); return queueSettled(); },
  compile: compileJaxpr,
  runHeld: (first, rest) => {
    if (runningAsHead()) {
      throw new CotangentError('lax.whileLoop: on the webgpu backend a whileLoop cannot run inside the condition or body of another whileLoop (the outer loop holds the device queue while it reads its predicate); use lax.foriLoop with JS-number bounds or lax.scan for the inner loop');
    }
    const outs = first();
    // The results' memory itself: an array may be donated (its handle moved) before the task ends.
    const targets = outs.map((b) => ({ gpu: handleOf(b, 'whileLoop').gpu, bytes: handleOf(b, 'whileLoop').bytes }));
    holdQueue(() => rest({
      run: asHead,
      read: (buf, aval) => readBack(handleOf(buf, 'whileLoop'), aval, true),
      writeResult: (k, from) => asHead(() => {
        const { device } = ctx(), t = targets[k]!, src = handleOf(from, 'whileLoop');
        const enc = device.createCommandEncoder({ label: 'whileLoop result' });
        if (t.bytes > 0) enc.copyBufferToBuffer(src.gpu, 0, t.gpu, 0, t.bytes);
        submit(device, [enc.finish()]);
      }),
    }));
    return outs;
  },
};

let ready: Promise<Backend> | null = null;
let acquired = false;

/**
 * Acquires a WebGPU device (Node: the optional `webgpu` package, loaded only here; browsers:
 * navigator.gpu) and registers the 'webgpu' backend. Idempotent; a failed attempt can be retried.
 * Rejects with a hint at scripts/install-software-webgpu.sh when there is no adapter.
 */
export function initWebGPU(): Promise<Backend> {
  if (acquired && !deviceLive()) { ready = null; acquired = false; } // lost since: acquire a new device
  ready ??= acquireDevice().then(
    () => { acquired = true; registerBackend(webgpuBackend); return webgpuBackend; },
    (e: unknown) => { ready = null; throw e; },
  );
  return ready;
}

/**
 * Destroys the device and every buffer on it once queued work has finished; arrays on 'webgpu'
 * become unusable. initWebGPU() starts afresh.
 */
export async function destroyWebGPU(): Promise<void> {
  await destroyDevice();
  plans.clear();
  ready = null;
  acquired = false;
}

/** Live GPU buffers and bytes (arrays not yet disposed or collected), the peak, the allocator's cache, and the pipeline count. */
export const memoryStats = (): MemoryStats => deviceMemoryStats();

/** The allocator's cache of idle buffers: emptyCache() destroys them; setCacheLimit(bytes) bounds them. */
export function emptyCache(): void { deviceEmptyCache(); }
/** How many bytes of freed WebGPU buffers the pool keeps for reuse (beyond it, buffers are destroyed). */
export function setCacheLimit(bytes: number): void { deviceSetCacheLimit(bytes); }

/**
 * Forces the matmul kernel ('tiled', 'blocked', or 'auto': per adapter; see matmul.ts). Cached
 * eager dot_general plans are dropped, since each holds the WGSL of the kernel it was built
 * with; jitted executables already compiled keep theirs.
 */
export function setMatmulKernel(kernel: MatmulKernel): void {
  chooseMatmulKernel(kernel);
  for (const key of plans.keys()) if (key.startsWith('dot_general|')) plans.delete(key);
}
export type { MatmulKernel } from './matmul.js';
export { matmulKernel } from './matmul.js';

/** The adapter's vendor / architecture / device / description, once initialised. */
export function adapterDescription(): string { return deviceAdapterDescription(); }
