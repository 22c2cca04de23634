// Elementwise loops over float32 in WebAssembly SIMD: a lane program compiled to one f32x4 loop, with the operands staged through WASM memory.
//
// A loop reads `vector` inputs at the element it computes and `scalar` inputs (a broadcast value)
// once, and writes its outputs at the element it computes. WASM cannot read the JS arrays, so the
// driver copies them through WASM memory in chunks of CHUNK elements (each chunk's inputs, the
// loop, its outputs): the chunks stay in L2, so the copies cost about one pass over the data
// instead of two over DRAM. A chunk is padded to whole vectors with zeros (the padding lanes are
// computed and dropped), so the emitted loop has no scalar tail: every lane is independent, and a
// padded lane changes nothing else.
//
// Loop invariants (constants, scalar inputs and what depends only on them) are computed before the
// loop. The module imports the memory and the program's callouts (lanes.ts).
//
// Two cores. The loops live in the memory sgemm uses (shared with its worker thread where the
// engine has shared memory), and a loop over at least PARALLEL_MIN_ELEMENTS is one job for both
// threads (sgemm.ts's loopHost): this thread copies the inputs in chunk by chunk (into a ring of
// chunk slots), the worker starts
// computing chunks as soon as they are in, and this thread then alternates between copying finished
// chunks out and computing chunks itself. Lanes are independent, so which thread computes a chunk
// does not change a bit.
import { Code, encodeModule, Func, I32, V128 } from './encoder.js';
import { calloutImports, emitWasm, Lanes, Node, reachable } from './lanes.js';
import { loopHost, SharedLoopModule } from './sgemm.js';
import { MAX_PAGES } from './sgemm-module.js'; // the one memory sgemm.ts creates, so the same maximum

/** Elements per staged chunk (a multiple of 4): 64 KiB per array. */
const CHUNK = 16384;
/** Loops over at least this many elements use the second core (when it is up); chunks of PARALLEL_CHUNK then. */
const PARALLEL_MIN_ELEMENTS = 1 << 18, PARALLEL_CHUNK = 1 << 14;
/**
 * Chunk slots per array in a two-thread loop: a ring, so the staged data stays in cache (staging
 * whole arrays sent every element through DRAM three more times).
 */
const PARALLEL_SLOTS = 8;
/** At most this many inputs and outputs in a two-thread loop (its pointers travel in the control block). */
const PARALLEL_MAX_ARRAYS = 40;

interface WasmApi {
  validate(bytes: Uint8Array<ArrayBuffer>): boolean;
  Module: new (bytes: Uint8Array<ArrayBuffer>) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

export type InputKind = 'vector' | 'scalar';

/**
 * An array a loop reads or writes: float32, or bool as 0/1 bytes (staged as 0.0 / 1.0: TypedArray.set
 * converts both ways).
 */
export type LoopArray = Float32Array | Uint8Array;

/** What a compiled loop runs: `n` elements of each output from `ins` (vectors of n, or arrays whose element 0 is the scalar). */
export interface WasmLoop {
  run(n: number, outs: readonly LoopArray[], ins: readonly LoopArray[]): void;
  /** The module's size, for tests and reports. */
  readonly bytes: number;
}

function loopFunction(p: Lanes, outputs: readonly Node[], kinds: readonly InputKind[]): Func {
  const nIn = kinds.length, nOut = outputs.length;
  // (begin, end) in bytes, then one byte pointer per input and per output.
  const f = new Func([I32, I32, ...new Array<typeof I32>(nIn + nOut).fill(I32)], [], 'loop');
  const begin = f.param(0), end = f.param(1), ptr = (k: number) => f.param(2 + k);
  const i = f.local(I32);
  const c: Code = f.code;
  const local = () => f.local(V128);
  const inputs = p.nodes.filter((n) => n.op === 'input');
  const need = reachable(p.nodes, outputs);
  // Invariant: constants, scalar inputs, and (pure) functions of them, callouts included: Adam's
  // 1 − 0.9^t is a pow of a scalar, which inside the loop would call JS for every element.
  const invariant = new Set<number>();
  for (const n of need) {
    const inv = n.op === 'const' || n.op === 'iconst' || (n.op === 'input' ? kinds[n.imm] === 'scalar' : n.args.every((a) => invariant.has(a.id)));
    if (inv) invariant.add(n.id);
  }
  const have = new Map<number, number>();
  for (const n of inputs) {
    if (kinds[n.imm] !== 'scalar' || !invariant.has(n.id)) continue;
    const l = local();
    c.localGet(ptr(n.imm)).v128Load32Splat().localSet(l);
    have.set(n.id, l);
  }
  emitWasm(p, need.filter((n) => invariant.has(n.id) && n.op !== 'input'), c, have, local);
  c.localGet(begin).localSet(i);
  c.block().localGet(i).localGet(end).i32GeU().brIf(0).loop();
  for (const n of inputs) {
    if (kinds[n.imm] !== 'vector' || !need.includes(n)) continue;
    const l = local();
    c.localGet(ptr(n.imm)).localGet(i).i32Add().v128Load().localSet(l);
    have.set(n.id, l);
  }
  emitWasm(p, outputs, c, have, local);
  outputs.forEach((o, k) => { c.localGet(ptr(nIn + k)).localGet(i).i32Add().localGet(have.get(o.id)!).v128Store(); });
  c.localGet(i).i32Const(16).i32Add().localTee(i).localGet(end).i32LtU().brIf(0);
  c.end().end();
  return f;
}

/** The memory's float32 view with room for `floats` floats from loopHost.base on; addresses from there on. */
const BASE = loopHost.base >> 2;
const reserve = (floats: number): Float32Array => loopHost.reserve(4 * (BASE + floats));

function probe(): boolean {
  if (wasm === undefined) return false;
  try {
    const p = new Lanes();
    const x = p.input(0);
    const f = loopFunction(p, [p.float(p.iadd(p.bits(p.nearest(p.addf(x, p.c(1)))), p.ic(1)))], ['vector']);
    return wasm.validate(encodeModule({ module: 'env', field: 'memory', minPages: 1, maxPages: MAX_PAGES }, [f]));
  } catch { return false; }
}
/** Whether this engine validates the loops' SIMD instructions; if not, the JS loops run instead. */
export const wasmLoopsAvailable: boolean = probe();

/** Compiles a lane program whose inputs are `kinds` and whose values `outputs` are stored. */
export function compileLoop(p: Lanes, outputs: readonly Node[], kinds: readonly InputKind[]): WasmLoop {
  if (!wasmLoopsAvailable) throw new Error('compileLoop: WebAssembly SIMD is not available here');
  const shared = loopHost.shared();
  const bytes = encodeModule({ module: 'env', field: 'memory', minPages: 1, maxPages: MAX_PAGES, shared }, [loopFunction(p, outputs, kinds)], calloutImports(p));
  const module = new wasm!.Module(bytes);
  const co = Object.fromEntries(p.callouts.map((c) => [c.name, c.fn]));
  const loop = new wasm!.Instance(module, { env: { memory: loopHost.memory() }, co }).exports.loop as (...a: number[]) => void;
  const nIn = kinds.length, nOut = outputs.length;
  const reg: SharedLoopModule | null = shared && nIn + nOut <= PARALLEL_MAX_ARRAYS
    ? loopHost.register(module as never, p.callouts.map((c) => [c.name, c.source] as const)) : null;

  // One-thread layout (floats from BASE), fixed for the loop: a 4-float slot per scalar, then a
  // CHUNK per vector input and per output; `args` are the loop's (begin, end, pointers).
  const at: number[] = [];
  let top = 0;
  for (const k of kinds) { at.push(top); top += k === 'scalar' ? 4 : CHUNK; }
  const outAt = outputs.map((_, k) => top + k * CHUNK);
  top += nOut * CHUNK;
  const args = [0, 0, ...at.map((a) => 4 * (BASE + a)), ...outAt.map((a) => 4 * (BASE + a))];

  /** Both threads, through a ring of PARALLEL_SLOTS chunks per array; false if the worker failed a chunk. */
  const runParallel = (n: number, outs: readonly LoopArray[], ins: readonly LoopArray[]): boolean => {
    const padded = Math.ceil(n / 4) * 4, chunks = Math.ceil(n / PARALLEL_CHUNK), ring = PARALLEL_SLOTS * PARALLEL_CHUNK;
    const at: number[] = [];
    let top = 0;
    for (const k of kinds) { at.push(top); top += k === 'scalar' ? 4 : ring; }
    const outAt = outs.map((_, k) => top + k * ring);
    const flags = top + nOut * ring;
    const mem = reserve(flags + chunks).subarray(BASE);
    kinds.forEach((k, j) => { if (k === 'scalar') mem[at[j]!] = ins[j]![0]!; });
    const ptrs = [...at, ...outAt].map((a) => 4 * (BASE + a));
    const range = (t: number): [number, number, number] => [t * PARALLEL_CHUNK, Math.min(n, (t + 1) * PARALLEL_CHUNK), (t % PARALLEL_SLOTS) * PARALLEL_CHUNK];
    return loopHost.runShared(reg!, [chunks, 4 * PARALLEL_CHUNK, 4 * padded, 4 * (BASE + flags), PARALLEL_SLOTS, ptrs.length, ...ptrs], chunks, 4 * (BASE + flags), PARALLEL_SLOTS,
      (t) => {
        const [s, e, slot] = range(t);
        for (let j = 0; j < nIn; j++) {
          if (kinds[j] !== 'vector') continue;
          mem.set(ins[j]!.subarray(s, e), at[j]! + slot);
          if (e === n && padded !== n) mem.fill(0, at[j]! + slot + (e - s), at[j]! + slot + (padded - s));
        }
      },
      (t) => { const [s, e, slot] = range(t); loop(4 * slot, 4 * (slot + (e === n ? padded : e) - s), ...ptrs); },
      (t) => { const [s, e, slot] = range(t); for (let k = 0; k < nOut; k++) outs[k]!.set(mem.subarray(outAt[k]! + slot, outAt[k]! + slot + e - s), s); });
  };

  return {
    bytes: bytes.length,
    run(n, outs, ins) {
      if (ins.length !== nIn || outs.length !== nOut) throw new Error(`wasm loop: expected ${nIn} inputs and ${nOut} outputs, got ${ins.length} and ${outs.length}`);
      if (n === 0) return;
      if (reg && n >= PARALLEL_MIN_ELEMENTS && loopHost.workerUp(reg) && runParallel(n, outs, ins)) return;
      const mem = reserve(top);
      for (let j = 0; j < nIn; j++) if (kinds[j] === 'scalar') mem[BASE + at[j]!] = ins[j]![0]!;
      for (let s = 0; s < n; s += CHUNK) {
        const len = Math.min(CHUNK, n - s), padded = Math.ceil(len / 4) * 4;
        for (let j = 0; j < nIn; j++) {
          if (kinds[j] !== 'vector') continue;
          const x = ins[j]!, a = BASE + at[j]!;
          mem.set(s === 0 && len === x.length ? x : x.subarray(s, s + len), a);
          if (padded !== len) mem.fill(0, a + len, a + padded);
        }
        args[1] = 4 * padded;
        loop(...args);
        for (let k = 0; k < nOut; k++) outs[k]!.set(mem.subarray(BASE + outAt[k]!, BASE + outAt[k]! + len), s);
      }
    },
  };
}
