// float32 GEMM (sgemm) in WebAssembly SIMD, emitted at run time, with a JS driver and a second core.
//
// Emitted (sgemm-module.ts): packing routines, an MR×NR register-blocked micro-kernel and the
// cache-blocking loops around it. In JS (here): staging the operands into WASM memory, splitting work with a worker, copy-out.
//
// C = A·B is computed the Goto / BLIS way ("Anatomy of high-performance matrix multiplication"):
//   for jc over N in NC-wide blocks:                                   (B panel, ~L2/L3)
//     for pc over K in KC-deep blocks:
//       for ic over M in MC-tall blocks:                               (A block, ~L2)
//         for each NR-wide sliver of the B panel:                      (sliver, L1)
//           for each MR-tall micro-panel of the A block:
//             C[MR×NR tile] (+)= Ap micro-panel · Bp sliver             (micro-kernel, registers)
// The operands are first *packed*: A into MR-row micro-panels stored k-major (MR consecutive floats
// per k), B into NR-column slivers stored k-major (NR floats per k), both zero-padded to whole tiles.
// The micro-kernel then reads both with unit stride, whatever the caller's strides were, so Aᵀ·B
// and A·Bᵀ (what the gradients of a matmul need) run the very same inner loop as A·B; and with the
// padding the multiply has no edge cases. C lives in WASM memory with the caller's row stride n
// (and whole row tiles, the rows past m being scratch): the tiles of the last column sliver store
// only their columns below n, lane by lane, so C leaves WASM memory in one memcpy (it used to be
// padded to whole column tiles too and copied out row by row, 13% of the seed's two-layer step).
//
// Data flow per call: copy each operand's span into WASM memory (one memcpy; odd strided views are
// gathered), pack in WASM (SIMD copies or 4×4 shuffle transposes), multiply, copy C out. Packing in
// WASM measured ~3× faster than packing from the JS arrays in JS (~0.6 vs 1.6–2.7 ns per element,
// staging copy included), and a worker thread cannot read the caller's arrays anyway.
//
// Two cores: products of ≥ 2²³ multiply-adds (PARALLEL_MIN_MADDS) are cut into tasks (packing groups, then chunks of C)
// that this thread and one worker thread take from atomic counters on a shared memory; see
// `participate`. On an idle 2-core machine that is ~1.7–1.9× one core; when the other core is busy,
// the worker just takes fewer tasks.
import { KC, MAX_PAGES, MC, MC_TILES, moduleBytes, MR, NC, NC_TILES, NR } from './sgemm-module.js';

/**
 * Products with at least this many multiply-adds (m·n·k) are split across two cores, if a worker is
 * up. Below ~8M (a third of a millisecond on one core) waking the worker and waiting for its last
 * task can cost more than it saves (issue #17's profile: 11% of the seed's two-layer step, whose
 * products are 6.4M). Measured on the shared 2-core machine (load 8–14), the step interleaved with
 * the worker allowed and forbidden: 1.54 vs 1.38 ms in one run, 1.28 vs 1.32 and 1.26 vs 1.28 in
 * two later ones (with 2^21, the threshold before): no gain from the second core at this size.
 */
const PARALLEL_MIN_MADDS = 1 << 23;
const PAGE = 65536;

// ---------------------------------------------------------------------------------------------
// Feature detection and the engine: one memory and one instance per JS thread, reused by every call

interface Exports {
  gemm(ap: number, bp: number, c: number, p0: number, p1: number, q0: number, q1: number, k: number, mPad: number, nPad: number, n: number): void;
  packA(src: number, os: number, ks: number, count: number, k: number, t0: number, t1: number, dst: number, pad: number): void;
  packB(src: number, os: number, ks: number, count: number, k: number, t0: number, t1: number, dst: number, pad: number): void;
}

/**
 * The slice of the WebAssembly JS API we use. The project compiles without the DOM lib, which is
 * where TypeScript declares `WebAssembly`, so it is typed here and read off globalThis (absent in
 * some runtimes, which then take the JS path).
 */
interface WasmMemory { readonly buffer: ArrayBuffer | SharedArrayBuffer; grow(deltaPages: number): number }
interface WasmModule { readonly __wasmModule: unique symbol }
interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => WasmModule;
  Instance: new (module: WasmModule, imports: { env: { memory: WasmMemory } }) => { exports: unknown };
  Memory: new (descriptor: { initial: number; maximum: number; shared?: boolean }) => WasmMemory;
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

function validates(bytes: Uint8Array<ArrayBuffer>): boolean {
  try { return wasm !== undefined && wasm.validate(bytes); } catch { return false; }
}
function sharedMemoryWorks(): boolean {
  try {
    return typeof SharedArrayBuffer === 'function' &&
      new wasm!.Memory({ initial: 1, maximum: 1, shared: true }).buffer instanceof SharedArrayBuffer;
  } catch { return false; }
}
const SIMD = validates(moduleBytes(false, false));
/** relaxed-simd (f32x4.relaxed_madd): shipped in V8 11.4+ (Node 22); Node 20 needs --experimental-wasm-relaxed-simd. */
const RELAXED = SIMD && validates(moduleBytes(false, true));
const SHARED = SIMD && sharedMemoryWorks() && validates(moduleBytes(true, RELAXED));

/** False where WebAssembly SIMD is missing: the caller should use its JS kernel instead. */
export const wasmSgemmAvailable: boolean = SIMD;
/** Which multiply-add the kernel uses, for benchmarks and reports. */
export const wasmSgemmFeatures = { simd: SIMD, relaxedMadd: RELAXED, sharedMemory: SHARED } as const;

/**
 * Int32 indices of the control words that coordinate the two threads, in the first CTL_BYTES of
 * memory: the open job (0 = none), whether the worker is inside it, task counters, and the job's
 * parameters from P on (see `participate`).
 */
const CTL = {
  JOB: 0, IN: 1, READY: 2, FAILED: 3, NEXT_PACK: 4, PACKED: 5, NEXT_CHUNK: 6, CHUNKS_DONE: 7, KIND: 8, STAGED: 9, P: 16,
} as const;
type CtlLayout = typeof CTL;
const CTL_BYTES = 256;

class Engine {
  readonly module: WasmModule;
  readonly memory: WasmMemory;
  readonly x: Exports;
  readonly ctl: Int32Array;
  f32: Float32Array;

  constructor(readonly shared: boolean) {
    const api = wasm!;
    this.module = new api.Module(moduleBytes(shared, RELAXED));
    this.memory = new api.Memory({ initial: 1, maximum: MAX_PAGES, shared });
    this.x = new api.Instance(this.module, { env: { memory: this.memory } }).exports as unknown as Exports;
    this.ctl = new Int32Array(this.memory.buffer, 0, CTL_BYTES / 4);
    this.f32 = new Float32Array(this.memory.buffer);
  }

  /** Grow (never shrink) the memory to at least `bytes`; refresh the view, which growth detaches. */
  reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes > have) this.memory.grow(Math.ceil((bytes - have) / PAGE));
    if (this.f32.buffer !== this.memory.buffer || this.f32.length * 4 !== this.memory.buffer.byteLength) {
      this.f32 = new Float32Array(this.memory.buffer);
    }
  }
}

let engine: Engine | undefined;
const getEngine = (): Engine => (engine ??= new Engine(SHARED));

/** Largest WASM memory the driver lets itself use; bigger products are split into pieces that fit. */
let memoryLimit = MAX_PAGES * PAGE;
/**
 * Cap the WASM memory sgemm may grow to (bytes, at most 1 GiB). A product whose packed operands
 * and result do not fit is computed in pieces (halving its largest dimension), so any size works.
 */
export function setWasmSgemmMemoryLimit(bytes: number): void {
  memoryLimit = Math.max(PAGE, Math.min(MAX_PAGES * PAGE, Math.floor(bytes)));
}

// ---------------------------------------------------------------------------------------------
// The second core: a worker thread on the same shared memory, both threads taking tasks from counters

/** Tile groups per packing task, and the most tiles a C chunk spans in rows and in columns. */
const PACK_GROUP = 32, CHUNK_ROWS = MC_TILES, CHUNK_COLS = 32;

/**
 * One product's work as tasks, done by whichever thread takes them: first packing tasks (groups of
 * PACK_GROUP A panels or B slivers), then — once every packing task is finished, since any chunk
 * reads panels packed by either thread — chunks of C (a rectangle of tiles over all of k).
 * Counters are claimed with Atomics.add, so a thread that is slow, descheduled, or not awake yet
 * just takes fewer tasks: the caller never waits on a core that is busy elsewhere for more than
 * the one task it holds. Which thread computes a tile does not change its arithmetic, so results
 * are bitwise the same on one core or two.
 *
 * This function's source text is also the worker's (see WORKER_SOURCE), so it must not refer to
 * anything outside itself: the control layout comes in as `L`.
 */
function participate(x: Exports, ctl: Int32Array, L: CtlLayout, waitForAll: boolean): void {
  const [srcA, osA, ksA, m, mT, ap, mPad, srcB, osB, ksB, n, nT, bp, nPad, k, cp, group, rowsPer, colsPer] =
    Array.from(ctl.subarray(L.P, L.P + 19));
  const packsA = Math.ceil(mT! / group!), packs = packsA + Math.ceil(nT! / group!);
  const rowChunks = Math.ceil(mT! / rowsPer!), chunks = rowChunks * Math.ceil(nT! / colsPer!);
  const waitUntil = (i: number, target: number): void => {
    for (let v = Atomics.load(ctl, i); v < target; v = Atomics.load(ctl, i)) Atomics.wait(ctl, i, v);
  };
  for (let t = Atomics.add(ctl, L.NEXT_PACK, 1); t < packs; t = Atomics.add(ctl, L.NEXT_PACK, 1)) {
    try {
      if (t < packsA) x.packA(srcA!, osA!, ksA!, m!, k!, t * group!, Math.min(mT!, (t + 1) * group!), ap!, mPad!);
      else x.packB(srcB!, osB!, ksB!, n!, k!, (t - packsA) * group!, Math.min(nT!, (t - packsA + 1) * group!), bp!, nPad!);
    } catch {
      Atomics.store(ctl, L.FAILED, 1);
    }
    if (Atomics.add(ctl, L.PACKED, 1) + 1 === packs) Atomics.notify(ctl, L.PACKED);
  }
  waitUntil(L.PACKED, packs);
  for (let t = Atomics.add(ctl, L.NEXT_CHUNK, 1); t < chunks; t = Atomics.add(ctl, L.NEXT_CHUNK, 1)) {
    const p0 = (t % rowChunks) * rowsPer!, q0 = Math.floor(t / rowChunks) * colsPer!;
    try {
      x.gemm(ap!, bp!, cp!, p0, Math.min(mT!, p0 + rowsPer!), q0, Math.min(nT!, q0 + colsPer!), k!, mPad!, nPad!, n!);
    } catch {
      Atomics.store(ctl, L.FAILED, 1);
    }
    if (Atomics.add(ctl, L.CHUNKS_DONE, 1) + 1 === chunks) Atomics.notify(ctl, L.CHUNKS_DONE);
  }
  if (waitForAll) waitUntil(L.CHUNKS_DONE, chunks);
}

/**
 * The worker instantiates the same module on the same memory, says READY, and sleeps while no job
 * is open. To join a job it raises IN and then re-reads JOB; the caller, closing a job, lowers JOB
 * and then reads IN. Both are sequentially consistent atomics, so either the worker sees the job
 * closed and leaves, or the caller sees IN and waits for it to leave: the caller never rewrites a
 * job's parameters under a worker still reading them. (The source is loaded with a dynamic
 * import() because an eval'd worker is CommonJS or ESM depending on the parent's flags.)
 */
const WORKER_SOURCE = `
import('node:worker_threads').then(({ workerData, receiveMessageOnPort }) => {
  const { module, memory, L, port } = workerData;
  const x = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const ctl = new Int32Array(memory.buffer, 0, ${CTL_BYTES / 4});
  const participate = ${participate.toString()};
  const loopTasks = ${loopTasks.toString()};
  // Elementwise loops (loops.ts), by id: posted on the port before their first job.
  const loops = new Map();
  const loopFor = (id) => {
    for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
      const { id: k, module: mod, callouts } = m.message;
      const co = Object.fromEntries(callouts.map(([name, src]) => [name, new Function('return ' + src)()]));
      loops.set(k, new WebAssembly.Instance(mod, { env: { memory }, co }).exports.loop);
    }
    return loops.get(id);
  };
  Atomics.store(ctl, L.READY, 1);
  for (;;) {
    Atomics.wait(ctl, L.JOB, 0);
    const job = Atomics.load(ctl, L.JOB);
    if (job === 0) continue;
    Atomics.store(ctl, L.IN, 1);
    if (Atomics.load(ctl, L.JOB) === job) {
      if (Atomics.load(ctl, L.KIND) === 1) { const loop = loopFor(ctl[L.P]); if (loop) loopTasks(loop, ctl, L, new Int32Array(memory.buffer)); }
      else participate(x, ctl, L, false);
    }
    Atomics.store(ctl, L.IN, 0);
    Atomics.notify(ctl, L.IN);
    Atomics.wait(ctl, L.JOB, job);
  }
});
`;

const workerThreads = await import('node:worker_threads').catch(() => undefined);

type WorkerState = 'none' | 'started' | 'dead';
/** Where compiled elementwise loops are posted to the worker (loops.ts). */
let loopPort: { postMessage(m: unknown): void } | undefined;
let workerState: WorkerState = 'none';
let parallelEnabled = true;
let lastJob = 0;

/**
 * Allow (default) or forbid the second core. Forbidding it keeps every product on the calling
 * thread (an app may want the other core for itself); an already started worker just stays asleep.
 */
export function setWasmSgemmParallel(enabled: boolean): void {
  parallelEnabled = enabled;
}

/** Whether the helper thread is up, so that large products use two cores. */
export function wasmSgemmWorkerReady(): boolean {
  return workerState === 'started' && engine !== undefined && Atomics.load(engine.ctl, CTL.READY) === 1;
}

/** Start the helper (once, on the first large product). Until it is READY, products run on one core. */
function startWorker(e: Engine): void {
  if (workerState !== 'none' || workerThreads === undefined || !e.shared) return;
  workerState = 'started';
  try {
    const { port1, port2 } = new workerThreads.MessageChannel();
    port1.unref();
    loopPort = port1;
    const w = new workerThreads.Worker(WORKER_SOURCE, { eval: true, workerData: { module: e.module, memory: e.memory, L: CTL, port: port2 }, transferList: [port2] });
    w.unref(); // an idle helper must not keep the process alive
    w.on('error', () => { workerState = 'dead'; });
    w.on('exit', () => { workerState = 'dead'; });
  } catch {
    workerState = 'dead';
  }
}

// ---------------------------------------------------------------------------------------------
// The driver

/** How a strided operand X(o, kk) = x[off + o·so + kk·sk] gets into WASM memory before packing. */
interface Staging {
  /** Copy the contiguous span [lo, lo + elems) as is (when it is not much bigger than the matrix). */
  span: boolean;
  lo: number;
  elems: number;
}

function planStaging(x: Float32Array, off: number, so: number, sk: number, outer: number, k: number, what: string): Staging {
  const lo = off + Math.min(0, (outer - 1) * so) + Math.min(0, (k - 1) * sk);
  const hi = off + Math.max(0, (outer - 1) * so) + Math.max(0, (k - 1) * sk) + 1;
  if (lo < 0 || hi > x.length) throw new RangeError(`sgemm: ${what} reaches elements [${lo}, ${hi}) of an array of ${x.length}`);
  // A dense matrix, transposed or not, spans exactly outer·k; a slice of a wider array a bit more.
  const span = hi - lo <= 2 * outer * k + 1024;
  return { span, lo, elems: span ? hi - lo : outer * k };
}

/**
 * Put the operand at byte address `at` and return (address of X(0,0), outer stride, k stride) in
 * bytes. A span is one memcpy; otherwise gather it densely, in whichever order reads x more
 * contiguously, and in a layout the packing routine has a SIMD path for.
 */
function stage(f32: Float32Array, at: number, plan: Staging, x: Float32Array, off: number, so: number, sk: number,
  outer: number, k: number): [number, number, number] {
  const base = at >> 2;
  if (plan.span) {
    f32.set(x.subarray(plan.lo, plan.lo + plan.elems), base);
    return [at + 4 * (off - plan.lo), 4 * so, 4 * sk];
  }
  if (Math.abs(sk) <= Math.abs(so)) {
    for (let o = 0; o < outer; o++) {
      let src = off + o * so, dst = base + o * k;
      for (let kk = 0; kk < k; kk++, src += sk) f32[dst++] = x[src]!;
    }
    return [at, 4 * k, 4];
  }
  for (let kk = 0; kk < k; kk++) {
    let src = off + kk * sk, dst = base + kk * outer;
    for (let o = 0; o < outer; o++, src += so) f32[dst++] = x[src]!;
  }
  return [at, 4, 4 * outer];
}

const align64 = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * C[m×n] = Σ_k A[i,k]·B[k,j] for float32, where A and B are given with arbitrary element strides
 * (rowStride, colStride), so Aᵀ and Bᵀ need no copies; batched via a loop by the caller.
 * C is written densely (row stride n) from cOffset, and must not overlap A or B. Sums are
 * accumulated in float32 (error ≤ (k+1)·2⁻²⁴·Σ|A||B| per element).
 */
export function sgemm(m: number, n: number, k: number,
  a: Float32Array, aOffset: number, aRowStride: number, aColStride: number,
  b: Float32Array, bOffset: number, bRowStride: number, bColStride: number,
  c: Float32Array, cOffset: number): void {
  if (!SIMD) throw new Error('sgemm: WebAssembly SIMD is not available here (check wasmSgemmAvailable)');
  for (const [v, what] of [[m, 'm'], [n, 'n'], [k, 'k'], [aOffset, 'aOffset'], [bOffset, 'bOffset'], [cOffset, 'cOffset']] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`sgemm: ${what} = ${v} is not a non-negative integer`);
  }
  for (const [v, what] of [[aRowStride, 'aRowStride'], [aColStride, 'aColStride'], [bRowStride, 'bRowStride'], [bColStride, 'bColStride']] as const) {
    if (!Number.isInteger(v)) throw new RangeError(`sgemm: ${what} = ${v} is not an integer`);
  }
  if (cOffset + m * n > c.length) throw new RangeError(`sgemm: C needs ${cOffset + m * n} elements, has ${c.length}`);
  gemmInto(m, n, k, a, aOffset, aRowStride, aColStride, b, bOffset, bRowStride, bColStride, c, cOffset, n, false);
}

/** C[i·ldc + j] (+)= (A·B)[i, j]; pieces a product too big for the memory limit. */
function gemmInto(m: number, n: number, k: number,
  a: Float32Array, aOff: number, ars: number, acs: number,
  b: Float32Array, bOff: number, brs: number, bcs: number,
  c: Float32Array, cOff: number, ldc: number, accumulate: boolean): void {
  if (m === 0 || n === 0) return;
  if (k === 0) {
    if (!accumulate) for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    return;
  }
  // A stride along a dimension of extent 1 is never stepped; zero it so no huge value reaches i32 math.
  if (m === 1) ars = 0;
  if (n === 1) bcs = 0;
  if (k === 1) acs = brs = 0;
  const mT = Math.ceil(m / MR), nT = Math.ceil(n / NR), mPad = mT * MR, nPad = nT * NR;
  // A is X(o = i, kk) with strides (ars, acs); B is X(o = j, kk) with strides (bcs, brs).
  const sa = planStaging(a, aOff, ars, acs, m, k, 'A');
  const sb = planStaging(b, bOff, bcs, brs, n, k, 'B');
  const rawA = CTL_BYTES, rawB = rawA + align64(4 * sa.elems), ap = rawB + align64(4 * sb.elems);
  // C: mPad rows of n (rows past m are scratch for the padded A panels), written by the kernel in place.
  const bp = ap + align64(4 * mPad * k), cp = bp + align64(4 * k * nPad), end = cp + align64(4 * mPad * n);

  if (end > memoryLimit) {
    // Too big for the memory: halve the largest dimension. Rows and columns of C are independent;
    // halves of k are summed, the second accumulating into the first.
    if (m >= n && m >= k && m > 1) {
      const h = m >> 1;
      gemmInto(h, n, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
      gemmInto(m - h, n, k, a, aOff + h * ars, ars, acs, b, bOff, brs, bcs, c, cOff + h * ldc, ldc, accumulate);
    } else if (n >= k && n > 1) {
      const h = n >> 1;
      gemmInto(m, h, k, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
      gemmInto(m, n - h, k, a, aOff, ars, acs, b, bOff + h * bcs, brs, bcs, c, cOff + h, ldc, accumulate);
    } else if (k > 1) {
      const h = k >> 1;
      gemmInto(m, n, h, a, aOff, ars, acs, b, bOff, brs, bcs, c, cOff, ldc, accumulate);
      gemmInto(m, n, k - h, a, aOff + h * acs, ars, acs, b, bOff + h * brs, brs, bcs, c, cOff, ldc, true);
    } else {
      throw new RangeError(`sgemm: the memory limit ${memoryLimit} B is too small for a 1×1×1 product`);
    }
    return;
  }

  const e = getEngine();
  e.reserve(end);
  const [srcA, osA, ksA] = stage(e.f32, rawA, sa, a, aOff, ars, acs, m, k);
  const [srcB, osB, ksB] = stage(e.f32, rawB, sb, b, bOff, bcs, brs, n, k);
  const parallel = parallelEnabled && m * n * k >= PARALLEL_MIN_MADDS && (mT > 1 || nT > 1);
  if (parallel && workerState === 'none') startWorker(e);
  const workerUp = parallel && wasmSgemmWorkerReady();
  // Chunks of C: at most CHUNK_ROWS × CHUNK_COLS tiles, and small enough that there are at least
  // ~16 of them, so the two threads can balance even when one of them starts late.
  const rowsPer = Math.min(CHUNK_ROWS, Math.ceil(mT / 4)), colsPer = Math.min(CHUNK_COLS, Math.ceil(nT / 4));
  if (!(workerUp && runShared(e, [srcA, osA, ksA, m, mT, ap, mPad, srcB, osB, ksB, n, nT, bp, nPad, k, cp, PACK_GROUP, rowsPer, colsPer]))) {
    e.x.packA(srcA, osA, ksA, m, k, 0, mT, ap, mPad);
    e.x.packB(srcB, osB, ksB, n, k, 0, nT, bp, nPad);
    e.x.gemm(ap, bp, cp, 0, mT, 0, nT, k, mPad, nPad, n);
  }

  // Copy the first m rows of C (row stride n) out: one memcpy unless the caller's rows are apart.
  const f32 = e.f32, c0 = cp >> 2;
  if (!accumulate && ldc === n) {
    c.set(f32.subarray(c0, c0 + m * n), cOff);
  } else {
    for (let i = 0; i < m; i++) {
      const row = f32.subarray(c0 + i * n, c0 + i * n + n);
      if (accumulate) for (let j = 0, o = cOff + i * ldc; j < n; j++, o++) c[o] = c[o]! + row[j]!;
      else c.set(row, cOff + i * ldc);
    }
  }
}

/**
 * Pack and multiply as tasks shared with the worker (see `participate`), and return false if a
 * task threw (then the caller recomputes on this thread alone).
 */
function runShared(e: Engine, params: number[]): boolean {
  const ctl = e.ctl;
  ctl.set(params, CTL.P);
  for (const i of [CTL.FAILED, CTL.NEXT_PACK, CTL.PACKED, CTL.NEXT_CHUNK, CTL.CHUNKS_DONE]) Atomics.store(ctl, i, 0);
  lastJob = (lastJob % 0x3fffffff) + 1;
  Atomics.store(ctl, CTL.JOB, lastJob);
  Atomics.notify(ctl, CTL.JOB);
  participate(e.x, ctl, CTL, true);
  Atomics.store(ctl, CTL.JOB, 0);
  for (let v = Atomics.load(ctl, CTL.IN); v !== 0; v = Atomics.load(ctl, CTL.IN)) Atomics.wait(ctl, CTL.IN, v);
  return Atomics.load(ctl, CTL.FAILED) === 0;
}

// ---------------------------------------------------------------------------------------------
// Elementwise loops on both cores (loops.ts): the same memory, worker and job protocol

/**
 * The worker's half of a loop job: take chunk indices from NEXT_CHUNK, wait until the caller has
 * staged that chunk (STAGED counts staged chunks), run the loop over it, and raise the chunk's flag
 * (an int32 per chunk at byte `flags`). Chunk t lives in ring slot t mod `slots` of every array.
 * Params from P: loop id, chunks, chunk bytes, total bytes, flags address, slots, pointer count,
 * pointers. Like `participate`, its source is the worker's too.
 */
function loopTasks(loop: (...a: number[]) => void, ctl: Int32Array, L: CtlLayout, mem: Int32Array): void {
  const [, chunks, chunkBytes, total, flags, slots, nPtrs] = Array.from(ctl.subarray(L.P, L.P + 7)) as number[];
  const ptrs = Array.from(ctl.subarray(L.P + 7, L.P + 7 + nPtrs!));
  for (let t = Atomics.add(ctl, L.NEXT_CHUNK, 1); t < chunks!; t = Atomics.add(ctl, L.NEXT_CHUNK, 1)) {
    for (let v = Atomics.load(ctl, L.STAGED); v <= t; v = Atomics.load(ctl, L.STAGED)) Atomics.wait(ctl, L.STAGED, v);
    const at = (t % slots!) * chunkBytes!;
    try {
      loop(at, at + Math.min(chunkBytes!, total! - t * chunkBytes!), ...ptrs);
    } catch {
      Atomics.store(ctl, L.FAILED, 1);
    }
    Atomics.store(mem, (flags! >> 2) + t, 1);
    Atomics.notify(mem, (flags! >> 2) + t);
  }
}

/** A compiled loop module, for the worker to instantiate: its callouts as (import name, JS source of the function). */
export interface SharedLoopModule { readonly id: number; readonly module: WasmModule; readonly callouts: readonly (readonly [string, string])[] }

let nextLoopId = 1;
/** Chunks the caller stages ahead of the last one claimed. */
const LOOP_AHEAD = 3;
/** Every registered loop module: the worker gets them all when it starts. */
const loopModules: SharedLoopModule[] = [];
/**
 * The memory the elementwise loops share with sgemm (shared with the worker where the engine
 * allows), and what they need to run on both cores. Loops and products never run at once: both
 * are synchronous calls on this thread, and the worker only works inside a job.
 */
export const loopHost = {
  shared: (): boolean => SHARED,
  memory: (): WasmMemory => getEngine().memory,
  /** Memory from `CTL_BYTES` on is the caller's while it is inside a call. */
  base: CTL_BYTES,
  reserve(bytes: number): Float32Array { const e = getEngine(); e.reserve(bytes); return e.f32; },
  /** Register a compiled module with the worker (it instantiates it at its first job). */
  register(module: WasmModule, callouts: readonly (readonly [string, string])[]): SharedLoopModule {
    const m = { id: nextLoopId++, module, callouts };
    loopModules.push(m);
    if (loopPort) loopPort.postMessage(m);
    return m;
  },
  /** Whether a loop job can use the worker now; starts it (in the background) the first time. */
  workerUp(m: SharedLoopModule): boolean {
    if (!parallelEnabled || !SHARED) return false;
    const e = getEngine();
    if (workerState === 'none') { startWorker(e); for (const k of loopModules) loopPort?.postMessage(k); }
    return wasmSgemmWorkerReady() && loopModules.includes(m);
  },
  /**
   * Run `chunks` chunks of a loop on this thread and the worker, through a ring of `slots` chunk
   * slots per array. `stage(t)` copies chunk t's inputs in, `run(t)` runs the loop over it here,
   * `unstage(t)` copies its outputs out; flags (an int32 per chunk, zeroed here) at byte `flags`. Returns false if the worker failed a chunk (the caller
   * then recomputes everything on this thread).
   */
  runShared(m: SharedLoopModule, params: readonly number[], chunks: number, flags: number, slots: number,
    stage: (t: number) => void, run: (t: number) => void, unstage: (t: number) => void): boolean {
    const e = getEngine(), ctl = e.ctl;
    const mem = new Int32Array(e.memory.buffer);
    mem.fill(0, flags >> 2, (flags >> 2) + chunks);
    ctl.set([m.id, ...params], CTL.P);
    for (const i of [CTL.FAILED, CTL.NEXT_CHUNK, CTL.STAGED]) Atomics.store(ctl, i, 0);
    Atomics.store(ctl, CTL.KIND, 1);
    lastJob = (lastJob % 0x3fffffff) + 1;
    Atomics.store(ctl, CTL.JOB, lastJob);
    Atomics.notify(ctl, CTL.JOB);
    // This thread, by priority: keep the staged chunks LOOP_AHEAD ahead of those claimed (so the
    // worker never waits for input), copy finished chunks out in order, else claim a chunk and
    // compute it (staging up to it first). A chunk's ring slot is free once the chunk `slots`
    // before it is copied out. Staging everything first measured slower: the worker kept up with
    // the copies and this thread computed nothing.
    const flag = (t: number) => (flags >> 2) + t;
    let staged = 0, out = 0;
    const publish = () => { stage(staged++); Atomics.store(ctl, CTL.STAGED, staged); Atomics.notify(ctl, CTL.STAGED); };
    /** Stage one more chunk, or make room for it by copying out (waiting for the worker if it must). */
    const advance = () => {
      if (staged < out + slots) publish();
      else if (Atomics.load(mem, flag(out)) === 1) unstage(out++);
      else Atomics.wait(mem, flag(out), 0);
    };
    while (out < chunks) {
      if (staged < chunks && staged < out + slots && staged < Atomics.load(ctl, CTL.NEXT_CHUNK) + LOOP_AHEAD) { publish(); continue; }
      if (Atomics.load(mem, flag(out)) === 1) { unstage(out++); continue; }
      const t = Atomics.add(ctl, CTL.NEXT_CHUNK, 1);
      if (t < chunks) {
        while (staged <= t) advance();
        run(t);
        Atomics.store(mem, flag(t), 1);
        continue;
      }
      Atomics.wait(mem, flag(out), 0);
    }
    Atomics.store(ctl, CTL.JOB, 0);
    for (let v = Atomics.load(ctl, CTL.IN); v !== 0; v = Atomics.load(ctl, CTL.IN)) Atomics.wait(ctl, CTL.IN, v);
    Atomics.store(ctl, CTL.KIND, 0);
    return Atomics.load(ctl, CTL.FAILED) === 0;
  },
};
