// The WebGPU device and its memory: acquisition, buffers, readback, pipelines and the plan runner.
// The device comes from Node's `webgpu` package or a browser's navigator.gpu; buffer handles carry
// their lifetime accounting; a kernel's Plan becomes one command encoder and one queue submission.
import { ShapedArray } from '../../core/aval.js';
import { allocTyped, DType, TypedArray } from '../../core/dtype.js';
import { decodeF16, encodeF16 } from '../../core/float16.js';
import { CotangentError, DTypeError } from '../../core/errors.js';
import { Plan, Slot } from './wgsl.js';
import type { MemoryStats } from './memory-stats.js';

// WebGPU's flag values (the spec fixes them), so nothing depends on the globals a Node binding installs.
const BUFFER_MAP_READ = 0x0001, BUFFER_COPY_SRC = 0x0004, BUFFER_COPY_DST = 0x0008, BUFFER_STORAGE = 0x0080;
const MAP_MODE_READ = 0x0001;
const SHADER_STAGE_COMPUTE = 0x4;

const INSTALL_HINT =
  'On Linux without a GPU, a software adapter comes from Mesa\'s lavapipe: run `sudo scripts/install-software-webgpu.sh` ' +
  '(Debian 12; elsewhere install Mesa >= 24 with its Vulkan drivers) and start Node with XDG_RUNTIME_DIR set, e.g. XDG_RUNTIME_DIR=/tmp.';

// ---- acquisition -------------------------------------------------------------------------------
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapterInfo: string;
  /**
   * Whether the adapter runs shaders on the CPU (llvmpipe, SwiftShader, WARP): kernels that pay for
   * themselves on GPU hardware (workgroup-shared tiles and their barriers) lose there, so kernels
   * choose by this.
   */
  readonly cpuAdapter: boolean;
  /** Largest workgroup count per grid dimension; bigger dispatches use a 2-D grid. */
  readonly maxWorkgroupsPerDimension: number;
  readonly maxBindingBytes: number;
}

let context: GpuContext | null = null;
let lostReason: string | null = null;
/**
 * The GPU object (Dawn's instance in Node), held for the life of the process and reused by later
 * acquisitions. Letting it be garbage-collected while a kernel runs aborts the process (seen on
 * llvmpipe: "The futex facility returned an unexpected error code" or std::system_error from a
 * mutex), so it is never dropped.
 */
let gpuInstance: GPU | null = null;

/** navigator.gpu where it exists (browsers, Deno), else Dawn through the optional `webgpu` package in Node. */
async function findGpu(): Promise<GPU> {
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav?.gpu) return nav.gpu;
  const proc = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (!proc?.versions?.node) throw new CotangentError('webgpu: this environment has no WebGPU (navigator.gpu is missing)');
  // A variable specifier keeps bundlers and tsc from resolving the optional package statically:
  // the CPU path must never load it.
  const specifier = 'webgpu';
  let mod: { create(flags: string[]): GPU };
  try {
    mod = (await import(specifier)) as typeof mod;
  } catch (e) {
    throw new CotangentError(`webgpu: WebGPU in Node needs the optional 'webgpu' package (npm install webgpu), which failed to load: ${(e as Error).message}`);
  }
  try {
    return mod.create([]);
  } catch (e) {
    throw new CotangentError(`webgpu: Dawn could not start (${(e as Error).message}). ${INSTALL_HINT}`);
  }
}

/** Acquires the adapter and device once; later calls return the same context until the device is lost. */
export async function acquireDevice(): Promise<GpuContext> {
  if (context) return context;
  const gpu = (gpuInstance ??= await findGpu());
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new CotangentError(`webgpu: requesting an adapter failed (${(e as Error).message}). ${INSTALL_HINT}`);
  }
  if (!adapter) throw new CotangentError(`webgpu: no WebGPU adapter found. ${INSTALL_HINT}`);
  const lim = adapter.limits;
  // Ask for the adapter's own limits where the defaults are smaller than the hardware allows.
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxBufferSize: lim.maxBufferSize,
      maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
      maxComputeWorkgroupsPerDimension: lim.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: lim.maxStorageBuffersPerShaderStage,
    },
  });
  const info = adapter.info;
  const adapterInfo = [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ') || 'unknown adapter';
  device.addEventListener('uncapturederror', (ev) => {
    recordError('uncaptured', (ev as GPUUncapturedErrorEvent).error.message);
  });
  lostReason = null;
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  const cpuAdapter = fallback || info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader|warp|software/i.test(`${info.device} ${info.description}`);
  const ctx: GpuContext = {
    device, adapterInfo, cpuAdapter,
    maxWorkgroupsPerDimension: device.limits.maxComputeWorkgroupsPerDimension,
    maxBindingBytes: device.limits.maxStorageBufferBindingSize,
  };
  void device.lost.then((l) => {
    if (context !== ctx) return;
    context = null;
    lostReason = `${l.reason}${l.message ? `: ${l.message}` : ''}`;
    forgetDeviceState();
  });
  context = ctx;
  return ctx;
}

/** The live context, or an error saying why there is none. */
export function ctx(): GpuContext {
  if (context) return context;
  if (lostReason !== null) throw new CotangentError(`webgpu: the device was lost (${lostReason}); call initWebGPU() again and recreate the arrays`);
  throw new CotangentError('webgpu: not initialised; call `await initWebGPU()` first');
}

/** Whether a device is held (false before acquisition and after loss or destruction). */
export const deviceLive = (): boolean => context !== null;
/** The adapter's vendor / architecture / device / description. */
export const adapterDescription = (): string => ctx().adapterInfo;

/**
 * Destroys the device (every buffer with it); a later initWebGPU() starts afresh on the same GPU
 * instance. Waits for the queue first: a destroy while a kernel ran (and the instance was then
 * released) once left the event loop frozen on llvmpipe; after the wait nothing is in flight.
 */
export async function destroyDevice(): Promise<void> {
  const c = context;
  if (!c) return;
  context = null;
  lostReason = 'destroyed by destroyWebGPU()';
  await queueFree().catch(() => undefined);
  await c.device.queue.onSubmittedWorkDone();
  forgetDeviceState();
  c.device.destroy();
}

/** Drops what belonged to a device that is gone: its pipelines, layouts and buffers (all freed with it). */
function forgetDeviceState(): void {
  pipelines.clear();
  compiling.clear();
  layouts.clear();
  for (const rec of live) rec.live = false;
  live.clear();
  liveBytes = 0;
  sweptAt = 0;
  idle.clear();
  idleBytes = 0;
  idleCount = 0;
  stagingIdle.clear();
  stagingIdleBytes = 0;
}

// ---- holding the queue: a loop that reads its predicate back ------------------------------------
// WebGPU reads back only asynchronously, and the API above is synchronous: a whileLoop cannot wait
// for its predicate. So it runs as a task at the head of the queue: its first chunk of iterations
// is submitted at once and its result arrays are returned; then, while the task reads the predicate
// and submits further chunks from the event loop, every later submission (whatever the caller goes
// on to record, in order) is held back and submitted only when the task is done, and buffer
// destruction is deferred until the held work has been submitted. Reads wait for the task.
type Held = { readonly kind: 'submit'; readonly buffers: GPUCommandBuffer[] } | { readonly kind: 'task'; readonly run: () => Promise<void> };
/** Work held back behind a running task, in order; null when no task holds the queue. */
let held: Held[] | null = null;
/** Buffers released while work was held (held command buffers may use them): destroyed once it is submitted. */
let heldDestroys: GPUBuffer[] = [];
/**
 * What waits for the held work to be submitted: buffers let go of meanwhile (into the idle cache or a
 * pool) must not be reused by the task's own work, which runs before held work that may still read them.
 */
let heldActions: (() => void)[] = [];
/** Runs `f` now, or once the held work has been submitted (see heldActions). */
export function whenNotHeld(f: () => void): void {
  if (held) heldActions.push(f); else f();
}
/** Above 0 while a task's own synchronous code runs: its submissions go to the queue at once. */
let direct = 0;
let drained: Promise<void> = Promise.resolve();
/** The first error a task threw, surfaced by the next read. */
let taskError: unknown = null;

/** Submits, or holds the command buffers back (in order) while a task holds the queue. */
export function submit(device: GPUDevice, buffers: GPUCommandBuffer[]): void {
  if (held && direct === 0) held.push({ kind: 'submit', buffers });
  else device.queue.submit(buffers);
}
function destroyBuffer(b: GPUBuffer): void {
  if (held) heldDestroys.push(b); else b.destroy();
}
/** Runs `f` as the task at the queue's head: what it submits goes to the device at once. */
export function asHead<T>(f: () => T): T {
  direct++;
  try { return f(); } finally { direct--; }
}
/** Whether code runs as the head task now (a loop inside a loop's body cannot hold the queue again). */
export const runningAsHead = (): boolean => direct > 0;

/**
 * Runs `task` once everything submitted before it has been; what is submitted after it is held
 * back until it settles. Its synchronous parts that submit must run inside asHead().
 */
export function holdQueue(task: () => Promise<void>): void {
  if (held) { held.push({ kind: 'task', run: task }); return; }
  held = [];
  drained = drainHeld(task);
}
async function drainHeld(first: () => Promise<void>): Promise<void> {
  const runTask = async (t: () => Promise<void>) => { try { await t(); } catch (e) { taskError ??= e; } };
  try {
    await runTask(first);
    for (let h = held!.shift(); h; h = held!.shift()) {
      if (h.kind === 'task') await runTask(h.run);
      else if (context) context.device.queue.submit(h.buffers);
    }
  } finally {
    held = null;
    const ds = heldDestroys, as = heldActions;
    heldDestroys = [];
    heldActions = [];
    for (const b of ds) b.destroy();
    for (const f of as) f();
  }
}
/** Resolves when no task holds the queue (nothing is held back); throws what a task threw. */
async function queueFree(): Promise<void> {
  while (held) await drained;
  if (taskError !== null) { const e = taskError; taskError = null; throw e; }
}

// ---- errors: WebGPU reports them asynchronously, so each op's are checked at the next read ---------
const errors: string[] = [];
/** Error-scope results not yet settled; each removes itself when it settles, so the set stays small. */
const pending = new Set<Promise<void>>();

function recordError(label: string, message: string): void {
  if (errors.length < 100) errors.push(`${label}: ${message}`);
}

/** Runs `f` inside validation and out-of-memory error scopes; what they catch surfaces at the next read. */
export function scoped<T>(label: string, f: () => T): T {
  const { device } = ctx();
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  try {
    return f();
  } finally {
    for (let k = 0; k < 2; k++) {
      const p: Promise<void> = device.popErrorScope().then((e) => { if (e) recordError(label, e.message); }, () => undefined)
        .finally(() => pending.delete(p));
      pending.add(p);
    }
  }
}

/** Waits for the error scopes of every op so far; throws the first error any of them caught. */
async function checkErrors(): Promise<void> {
  await Promise.all([...pending]);
  if (errors.length) {
    const all = errors.splice(0);
    throw new CotangentError(`webgpu: ${all[0]}${all.length > 1 ? ` (and ${all.length - 1} more error${all.length > 2 ? 's' : ''})` : ''}`);
  }
}

// ---- buffers ------------------------------------------------------------------------------------
// A caching allocator (as PyTorch's CUDA one): a buffer an array lets go of (dispose(), or its
// collection) waits idle, by capacity, for the next request of that capacity, instead of being
// destroyed. Creating a buffer is not free, and its first use is worse: WebGPU promises zeroed
// memory, so Dawn clears every new buffer before its first use (on llvmpipe, a 40 MB output took
// ~20 ms to clear against ~27 ms for the kernel writing it). Reuse is safe without waiting: the
// queue runs submissions in order, so work submitted later touches the buffer after earlier work.
/** What the registry needs to free a buffer: never the handle itself, or the handle could not be collected. */
interface BufferRecord { readonly gpu: GPUBuffer; readonly bytes: number; live: boolean }

const live = new Set<BufferRecord>();
let liveBytes = 0;
let peakBytes = 0;
/** Idle buffers by capacity (their GPUBuffer size), most recently released last. */
const idle = new Map<number, GPUBuffer[]>();
let idleBytes = 0;
let idleCount = 0;
let created = 0;
let reused = 0;
/** Idle bytes beyond this are destroyed rather than kept: the bound on memory held for reuse. */
let idleLimit = 256 * 2 ** 20;

/**
 * The capacity a request of `bytes` gets: a multiple of 256 bytes below 1 MiB, above it the next
 * eighth of a power of two (at most 12.5% unused), so arrays of nearby sizes share idle buffers.
 */
function capacityFor(bytes: number): number {
  const b = Math.max(16, bytes);
  if (b < 2 ** 20) return Math.ceil(b / 256) * 256;
  const step = 2 ** (Math.floor(Math.log2(b)) - 3);
  return Math.ceil(b / step) * step;
}

function release(rec: BufferRecord): void {
  if (!rec.live) return;
  rec.live = false;
  live.delete(rec);
  liveBytes -= rec.bytes;
  if (liveBytes < sweptAt) sweptAt = liveBytes;
  const cap = rec.gpu.size;
  // While work is held, the buffer may still be read by it: it becomes reusable once that is submitted.
  if (held) { const device = context?.device; heldActions.push(() => toIdle(rec.gpu, cap, context?.device === device)); return; }
  toIdle(rec.gpu, cap, true);
}
function toIdle(gpu: GPUBuffer, cap: number, sameDevice: boolean): void {
  if (!context || !sameDevice || idleBytes + cap > idleLimit) { destroyBuffer(gpu); return; }
  const list = idle.get(cap);
  if (list) list.push(gpu); else idle.set(cap, [gpu]);
  idleBytes += cap;
  idleCount++;
}

/** Frees the GPU buffer of a handle the program dropped without dispose(). */
const registry = new FinalizationRegistry<BufferRecord>(release);

// ---- pressure: the collector cannot see device memory ------------------------------------------
// An array handle is a few dozen bytes of JS heap holding up to megabytes on the device, so the
// collector has no reason to run while dropped arrays pile up on the GPU, and those it finds are
// released only by finalizers, which run in a later task. So the asynchronous paths (every read,
// blockUntilReady) sweep when live bytes have grown by SWEEP_GROWTH since the last sweep: a full
// collection where the host offers one (Node: `global.gc` under --expose-gc, else the same hook
// through `node:v8`/`node:vm`), then one task's wait so the finalizers run. A loop that awaits
// anything each step keeps its dropped arrays to about SWEEP_GROWTH; one that never awaits cannot
// be helped (dispose(), or jit).
const SWEEP_GROWTH = 32 * 2 ** 20;
/** Live bytes after the last sweep (or the lowest since). */
let sweptAt = 0;
let sweeps = 0;
let collector: (() => void) | null | undefined;
function findCollector(): (() => void) | null {
  const g = (globalThis as { gc?: unknown }).gc;
  if (typeof g === 'function') return () => (g as () => void)();
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function') return null;
  try {
    const v8 = proc.getBuiltinModule('node:v8') as { setFlagsFromString(f: string): void };
    const vm = proc.getBuiltinModule('node:vm') as { runInNewContext(code: string): unknown };
    v8.setFlagsFromString('--expose-gc');
    const hook = vm.runInNewContext('gc');
    return typeof hook === 'function' ? () => (hook as () => void)() : null;
  } catch {
    return null;
  }
}
/** Collects and lets finalizers run when dropped arrays may hold SWEEP_GROWTH bytes or more. */
export async function sweepIfPressed(): Promise<void> {
  if (liveBytes - sweptAt < SWEEP_GROWTH) return;
  if (collector === undefined) collector = findCollector();
  collector?.();
  sweeps++;
  await new Promise((r) => setTimeout(r, 0));
  sweptAt = liveBytes;
}

/** Destroys the idle buffers the allocator keeps for reuse (as torch.cuda.empty_cache()); live arrays are untouched. */
export function emptyCache(): void {
  for (const list of idle.values()) for (const b of list) destroyBuffer(b);
  idle.clear();
  idleBytes = 0;
  idleCount = 0;
  for (const list of stagingIdle.values()) for (const b of list) b.destroy();
  stagingIdle.clear();
  stagingIdleBytes = 0;
}

/** Sets how many idle bytes the allocator may keep for reuse (0 keeps none); trims the cache now if it holds more. */
export function setCacheLimit(bytes: number): void {
  if (!(bytes >= 0)) throw new RangeError(`webgpu: setCacheLimit expects a byte count >= 0, got ${bytes}`);
  idleLimit = bytes;
  if (idleBytes > idleLimit) emptyCache();
}

/** The DeviceBuffer of this backend: a GPUBuffer of 4-byte elements (bool as u32 0/1). */
export class GpuBuffer {
  readonly backend = 'webgpu';
  #rec: BufferRecord;
  constructor(rec: BufferRecord) {
    this.#rec = rec;
    registry.register(this, rec, rec);
  }
  get gpu(): GPUBuffer {
    if (!this.#rec.live) throw new CotangentError('webgpu: this buffer was disposed (or its device destroyed) and can no longer be used');
    return this.#rec.gpu;
  }
  /** The bytes the array needs (a multiple of 4); the GPUBuffer may be larger. */
  get bytes(): number { return this.#rec.bytes; }
  get isLive(): boolean { return this.#rec.live; }
  dispose(): void {
    registry.unregister(this.#rec);
    release(this.#rec);
  }
  /**
   * A new handle that owns this memory, leaving this one dead (its dispose() does nothing): how a
   * compiled program hands out a donated input it wrote in place, while the donated array is
   * disposed.
   */
  transfer(): GpuBuffer {
    const rec = this.#rec;
    if (!rec.live) throw new CotangentError('webgpu: this buffer was disposed (or its device destroyed) and can no longer be used');
    registry.unregister(rec);
    this.#rec = { gpu: rec.gpu, bytes: 0, live: false };
    return new GpuBuffer(rec);
  }
}

/**
 * A storage buffer for `bytes` rounded up to 4-byte words, from the idle cache when one of its
 * capacity waits there. Mapped-at-creation requests (uploads) always create one: only a new
 * buffer can be mapped without waiting for the queue.
 */
function allocRecord(bytes: number, mappedAtCreation = false): BufferRecord {
  const c = ctx();
  const size = Math.max(4, Math.ceil(bytes / 4) * 4);
  if (size > c.maxBindingBytes) {
    throw new CotangentError(`webgpu: an array of ${bytes} bytes exceeds this device's largest storage binding (${c.maxBindingBytes} bytes)`);
  }
  const cap = Math.min(capacityFor(size), c.maxBindingBytes);
  let gpu = mappedAtCreation ? undefined : idle.get(cap)?.pop();
  if (gpu) {
    idleBytes -= cap;
    idleCount--;
    reused++;
  } else {
    gpu = c.device.createBuffer({ size: cap, usage: BUFFER_STORAGE | BUFFER_COPY_SRC | BUFFER_COPY_DST, mappedAtCreation });
    created++;
  }
  const rec: BufferRecord = { gpu, bytes: size, live: true };
  live.add(rec);
  liveBytes += size;
  peakBytes = Math.max(peakBytes, liveBytes);
  return rec;
}
const allocBuffer = (aval: ShapedArray): GpuBuffer => new GpuBuffer(allocRecord(aval.size * 4));
/** A tracked storage buffer of `bytes` (compiled programs' pools and outputs). */
export const allocGpuBuffer = (bytes: number): GpuBuffer => new GpuBuffer(allocRecord(bytes));

/** Uploads row-major storage; bool bytes and the narrow integers widen to 32 bits, float16 bits decode to f32. */
export function upload(data: TypedArray, aval: ShapedArray): GpuBuffer {
  if (aval.dtype === 'float64' || data instanceof Float64Array) throw new DTypeError('webgpu: the webgpu backend cannot hold float64 arrays (WGSL has no f64); use float32');
  if (data.length !== aval.size) throw new CotangentError(`webgpu: ${data.length} values given for a ${aval.str()} array`);
  const rec = scoped('upload', () => allocRecord(aval.size * 4, true));
  const view = rec.gpu.getMappedRange();
  if (aval.dtype === 'bool') {
    const dst = new Uint32Array(view);
    for (let k = 0; k < data.length; k++) dst[k] = data[k] ? 1 : 0;
  } else if (aval.dtype === 'float16') {
    new Float32Array(view).set(decodeF16(data));
  } else if (aval.dtype === 'int8' || aval.dtype === 'int16') {
    new Int32Array(view).set(data);
  } else if (aval.dtype === 'uint8' || aval.dtype === 'uint16') {
    new Uint32Array(view).set(data);
  } else {
    new Uint8Array(view).set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  rec.gpu.unmap();
  return new GpuBuffer(rec);
}

/** Resolves when everything submitted so far has run; throws the first error any op caught. */
export async function queueSettled(): Promise<void> {
  await sweepIfPressed();
  await queueFree();
  const { device } = ctx();
  await device.queue.onSubmittedWorkDone();
  await checkErrors();
}

/**
 * Copies a buffer back through a mappable staging buffer; u32 0/1 narrow back to bool bytes. Waits
 * for a task holding the queue (its results are what later reads must see), unless `asHeadTask`:
 * the task's own read of its predicate.
 */
export async function readBack(buf: GpuBuffer, aval: ShapedArray, asHeadTask = false): Promise<TypedArray> {
  const { device } = ctx();
  const bytes = aval.size * 4;
  const src = buf.gpu;
  await sweepIfPressed();
  await checkErrors();
  // Nothing awaits between here and the submit below, so no task can start holding in between.
  if (!asHeadTask) await queueFree();
  if (bytes === 0) return emptyOf(aval.dtype);
  const staging = takeStaging(device, Math.ceil(bytes / 4) * 4);
  try {
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(src, 0, staging, 0, staging.size);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(MAP_MODE_READ);
    const raw = staging.getMappedRange().slice(0, bytes);
    staging.unmap();
    switch (aval.dtype) {
      case 'float32': return new Float32Array(raw);
      case 'int32': return new Int32Array(raw);
      case 'uint32': return new Uint32Array(raw);
      case 'bool': return Uint8Array.from(new Uint32Array(raw), (v) => (v ? 1 : 0));
      // The narrow types' 32-bit words hold values already in range (every store wraps or rounds).
      case 'int8': return Int8Array.from(new Int32Array(raw));
      case 'int16': return Int16Array.from(new Int32Array(raw));
      case 'uint8': return Uint8Array.from(new Uint32Array(raw));
      case 'uint16': return Uint16Array.from(new Uint32Array(raw));
      case 'float16': return encodeF16(new Float32Array(raw));
      case 'float64': throw new DTypeError('webgpu: float64 arrays cannot live on the webgpu backend');
    }
  } finally {
    giveStaging(device, staging);
  }
}

/**
 * Mappable staging buffers kept for the next read of the same size (a training loop reads the
 * same loss every step): creating one per read cost about half of a 40 MB read-back on llvmpipe.
 * Only unmapped buffers come back here, so any buffer taken can be mapped at once.
 */
const stagingIdle = new Map<number, GPUBuffer[]>();
let stagingIdleBytes = 0;
const STAGING_LIMIT = 128 * 2 ** 20;
let stagingDevice: GPUDevice | null = null;
function takeStaging(device: GPUDevice, size: number): GPUBuffer {
  if (device !== stagingDevice) { stagingIdle.clear(); stagingIdleBytes = 0; stagingDevice = device; }
  const hit = stagingIdle.get(size)?.pop();
  if (hit) { stagingIdleBytes -= size; return hit; }
  return device.createBuffer({ size, usage: BUFFER_MAP_READ | BUFFER_COPY_DST });
}
function giveStaging(device: GPUDevice, buffer: GPUBuffer): void {
  if (device !== stagingDevice || buffer.mapState !== 'unmapped' || stagingIdleBytes + buffer.size > STAGING_LIMIT) { buffer.destroy(); return; }
  const list = stagingIdle.get(buffer.size);
  if (list) list.push(buffer); else stagingIdle.set(buffer.size, [buffer]);
  stagingIdleBytes += buffer.size;
}

function emptyOf(d: DType): TypedArray {
  return allocTyped(d, 0);
}

export type { MemoryStats };
export const memoryStats = (): MemoryStats => ({
  liveBuffers: live.size, liveBytes, peakBytes, cachedBuffers: idleCount, cachedBytes: idleBytes, created, reused, pipelines: pipelines.size, sweeps,
});

// ---- pipelines --------------------------------------------------------------------------------
/** Pipelines by WGSL source (shapes are baked in, so the source is the full key). */
const pipelines = new Map<string, GPUComputePipeline>();
/** Bind group layouts by (reads, writes) count. */
const layouts = new Map<string, GPUBindGroupLayout>();

/** The bind group layout of `reads` read-only then `writes` read-write storage buffers (the order `bindings()` declares). */
export function layoutFor(reads: number, writes: number): GPUBindGroupLayout {
  const key = `${reads}r${writes}w`;
  let l = layouts.get(key);
  if (!l) {
    const entries: GPUBindGroupLayoutEntry[] = [];
    for (let k = 0; k < reads + writes; k++) {
      entries.push({ binding: k, visibility: SHADER_STAGE_COMPUTE, buffer: { type: k < reads ? 'read-only-storage' : 'storage' } });
    }
    l = ctx().device.createBindGroupLayout({ entries });
    layouts.set(key, l);
  }
  return l;
}

/** What both pipeline builders ask for: the WGSL's module, entry point `main`, and the layout `bindings()` declares. */
function pipelineDescriptor(device: GPUDevice, label: string, code: string, reads: number, writes: number): GPUComputePipelineDescriptor {
  const layout = device.createPipelineLayout({ bindGroupLayouts: [layoutFor(reads, writes)] });
  return { label, layout, compute: { module: device.createShaderModule({ label, code }), entryPoint: 'main' } };
}

/** The compute pipeline of a WGSL source, compiled once per device. */
export function pipelineFor(label: string, code: string, reads: number, writes: number): GPUComputePipeline {
  let p = pipelines.get(code);
  if (!p) {
    const { device } = ctx();
    p = device.createComputePipeline(pipelineDescriptor(device, label, code, reads, writes));
    pipelines.set(code, p);
  }
  return p;
}

/** Compiles in flight from pipelineAsync, by WGSL source: a second request waits for the same one. */
const compiling = new Map<string, Promise<GPUComputePipeline>>();

/**
 * The compute pipeline of a WGSL source, built without blocking (createComputePipelineAsync: the
 * driver may compile several at once on other threads) and cached where pipelineFor finds it.
 */
export function pipelineAsync(label: string, code: string, reads: number, writes: number): Promise<GPUComputePipeline> {
  const hit = pipelines.get(code);
  if (hit) return Promise.resolve(hit);
  let p = compiling.get(code);
  if (!p) {
    const { device } = ctx();
    p = device.createComputePipelineAsync(pipelineDescriptor(device, label, code, reads, writes))
      .then((pipeline) => {
        if (context?.device === device) pipelines.set(code, pipeline);
        return pipeline;
      })
      .catch((e: unknown) => { throw new CotangentError(`webgpu: building the pipeline of ${label} failed: ${(e as Error).message}`); })
      .finally(() => compiling.delete(code));
    compiling.set(code, p);
  }
  return p;
}

/** A rectangular grid holding `n` workgroups within the per-dimension limit; shaders flatten it back. */
export function grid(n: number): [number, number] {
  const max = ctx().maxWorkgroupsPerDimension;
  if (n <= max) return [n, 1];
  const y = Math.ceil(n / max);
  if (y > max) throw new CotangentError(`webgpu: a dispatch of ${n} workgroups exceeds the ${max}×${max} grid`);
  return [Math.ceil(n / y), y];
}

// ---- running a plan ---------------------------------------------------------------------------
/**
 * Runs a plan eagerly: allocates the results and scratch buffers, records every step into one
 * command encoder and submits it. Scratch buffers are destroyed right after the submit (WebGPU
 * keeps them alive until the queued work that uses them has finished).
 */
export function runPlan(label: string, plan: Plan, inputs: readonly GpuBuffer[], outAvals: readonly ShapedArray[]): GpuBuffer[] {
  const outs: GpuBuffer[] = [];
  const temps: BufferRecord[] = [];
  try {
    scoped(label, () => {
      const { device } = ctx();
      for (const a of outAvals) outs.push(allocBuffer(a));
      for (const bytes of plan.temps ?? []) temps.push(allocRecord(bytes));
      const bufferOf = ([kind, k]: Slot): GPUBuffer => {
        const b = kind === 'in' ? inputs[k]?.gpu : kind === 'out' ? outs[k]?.gpu : temps[k]?.gpu;
        if (!b) throw new Error(`webgpu: ${label}: the plan names ${kind} slot ${k}, which does not exist`);
        return b;
      };
      const enc = device.createCommandEncoder({ label });
      let pass: GPUComputePassEncoder | null = null;
      for (const step of plan.steps) {
        if (step.kind === 'copy') {
          if (pass) { pass.end(); pass = null; }
          if (step.bytes > 0) enc.copyBufferToBuffer(bufferOf(step.from), 0, bufferOf(step.to), 0, Math.ceil(step.bytes / 4) * 4);
          continue;
        }
        if (step.workgroups === 0) continue;
        const pipeline = pipelineFor(step.label, step.code, step.reads.length, step.writes.length);
        const entries = [...step.reads, ...step.writes].map((s, binding) => ({ binding, resource: { buffer: bufferOf(s) } }));
        const group = device.createBindGroup({ layout: layoutFor(step.reads.length, step.writes.length), entries });
        pass ??= enc.beginComputePass({ label });
        pass.setPipeline(pipeline);
        pass.setBindGroup(0, group);
        const [x, y] = grid(step.workgroups);
        pass.dispatchWorkgroups(x, y);
      }
      if (pass) pass.end();
      submit(device, [enc.finish()]);
    });
  } catch (e) {
    for (const o of outs) o.dispose();
    throw e;
  } finally {
    for (const t of temps) release(t);
  }
  return outs;
}
