// A minimal WebAssembly binary encoder, enough to emit SIMD compute kernels at run time.
//
// It covers the parts of the format we use: types, an imported memory, functions, exports, and
// code with the MVP and SIMD opcodes the kernels need.
//
// The binary format (https://webassembly.github.io/spec/core/binary/) is a magic number, a
// version, then sections `id, byteLength, payload` in a fixed order. Integers are LEB128
// (7 bits per byte, high bit = "more follows"); vectors are a count followed by their elements.
// SIMD instructions are the prefix byte 0xFD followed by a LEB128 opcode, so opcodes ≥ 0x80 take
// two bytes (f32x4.add = 0xE4 encodes as FD E4 01).

/** Value types, by their one-byte codes. */
export const I32 = 0x7f;
export const F32 = 0x7d;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128;

/** Unsigned LEB128. */
export function uleb(value: number): number[] {
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`uleb: ${value} is not a non-negative integer`);
  const out: number[] = [];
  do {
    let byte = value % 128;
    value = Math.floor(value / 128);
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

/** Signed LEB128 (for i32.const immediates): stop once the remaining bits are all sign. */
export function sleb(value: number): number[] {
  if (!Number.isInteger(value)) throw new RangeError(`sleb: ${value} is not an integer`);
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value = Math.floor(value / 128); // arithmetic shift that also works beyond 32 bits
    const signBitSet = (byte & 0x40) !== 0;
    if ((value === 0 && !signBitSet) || (value === -1 && signBitSet)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const utf8 = (s: string): number[] => [...new TextEncoder().encode(s)];
const name = (s: string): number[] => { const b = utf8(s); return [...uleb(b.length), ...b]; };
const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const section = (id: number, payload: number[]): number[] => [id, ...uleb(payload.length), ...payload];

/**
 * An instruction stream for one function body. Each method appends one instruction and returns
 * `this`, so a kernel reads as a chain of stack-machine operations. Memory instructions take the
 * static byte `offset` immediate, which the engine folds into the address: the kernels use it for
 * constant displacements instead of spending an i32.add per access.
 */
export class Code {
  readonly bytes: number[] = [];

  private op(...bytes: number[]): this { this.bytes.push(...bytes); return this; }
  private simd(opcode: number): this { return this.op(0xfd, ...uleb(opcode)); }
  /** memarg: log2 of the alignment hint, then the static offset. */
  private mem(log2Align: number, offset: number): number[] { return [...uleb(log2Align), ...uleb(offset)]; }

  // Control. Blocks here are all of empty type (0x40): our loops keep values in locals.
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if(): this { return this.op(0x04, 0x40); }
  else(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, ...uleb(depth)); }
  brIf(depth: number): this { return this.op(0x0d, ...uleb(depth)); }
  call(funcIndex: number): this { return this.op(0x10, ...uleb(funcIndex)); }
  /** Stack: a b cond → cond ? a : b. */
  select(): this { return this.op(0x1b); }

  // Locals.
  localGet(i: number): this { return this.op(0x20, ...uleb(i)); }
  localSet(i: number): this { return this.op(0x21, ...uleb(i)); }
  localTee(i: number): this { return this.op(0x22, ...uleb(i)); }

  // Scalar memory and i32 arithmetic.
  f32Load(offset = 0): this { return this.op(0x2a, ...this.mem(2, offset)); }
  f32Store(offset = 0): this { return this.op(0x38, ...this.mem(2, offset)); }
  i32Const(v: number): this { return this.op(0x41, ...sleb(v | 0)); }
  f32Const(v: number): this {
    const bytes = new Uint8Array(new Float32Array([v]).buffer); // IEEE 754 little-endian
    return this.op(0x43, ...bytes);
  }
  i32Eq(): this { return this.op(0x46); }
  i32Ne(): this { return this.op(0x47); }
  i32LtU(): this { return this.op(0x49); }
  i32GtS(): this { return this.op(0x4a); }
  i32GeS(): this { return this.op(0x4e); }
  i32GeU(): this { return this.op(0x4f); }
  i32Add(): this { return this.op(0x6a); }
  i32Sub(): this { return this.op(0x6b); }
  i32Mul(): this { return this.op(0x6c); }
  i32And(): this { return this.op(0x71); }

  // SIMD (the 0xFD prefix). Alignment hints are the natural ones; they never trap.
  v128Load(offset = 0): this { return this.simd(0x00).op(...this.mem(4, offset)); }
  /** Load one f32 and broadcast it to all four lanes (vbroadcastss on x64). */
  v128Load32Splat(offset = 0): this { return this.simd(0x09).op(...this.mem(2, offset)); }
  v128Store(offset = 0): this { return this.simd(0x0b).op(...this.mem(4, offset)); }
  v128Zero(): this { return this.simd(0x0c).op(...new Array<number>(16).fill(0)); }
  /** Pick 4-byte lanes from the 8 of (a, b): lanes 0–3 are a's, 4–7 are b's (stack: a b). */
  f32x4Shuffle(l0: number, l1: number, l2: number, l3: number): this {
    const bytes = [l0, l1, l2, l3].flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]);
    return this.simd(0x0d).op(...bytes); // i8x16.shuffle with 16 byte-lane immediates
  }
  f32x4Add(): this { return this.simd(0xe4); }
  f32x4Mul(): this { return this.simd(0xe6); }
  /** relaxed-simd: a·b + c, fused or not at the engine's choice (stack: a b c). */
  f32x4RelaxedMadd(): this { return this.simd(0x105); }

  // What the elementwise loops (elementwise.ts) add: constants, lane access, lane-wise logic,
  // comparisons, rounding and integer lanes for bit manipulation. Opcodes from the SIMD proposal's table.
  v128Const(bytes: readonly number[]): this {
    if (bytes.length !== 16) throw new RangeError('v128Const: 16 bytes');
    return this.simd(0x0c).op(...bytes);
  }
  f32x4Splat(): this { return this.simd(0x13); }
  i32x4ExtractLane(lane: number): this { return this.simd(0x1b).op(lane); }
  f32x4ExtractLane(lane: number): this { return this.simd(0x1f).op(lane); }
  f32x4ReplaceLane(lane: number): this { return this.simd(0x20).op(lane); }
  i32x4Eq(): this { return this.simd(0x37); }
  f32x4Eq(): this { return this.simd(0x41); }
  f32x4Ne(): this { return this.simd(0x42); }
  f32x4Lt(): this { return this.simd(0x43); }
  f32x4Gt(): this { return this.simd(0x44); }
  f32x4Le(): this { return this.simd(0x45); }
  f32x4Ge(): this { return this.simd(0x46); }
  v128Not(): this { return this.simd(0x4d); }
  v128And(): this { return this.simd(0x4e); }
  v128AndNot(): this { return this.simd(0x4f); }
  v128Or(): this { return this.simd(0x50); }
  v128Xor(): this { return this.simd(0x51); }
  /** Stack: a b mask → (a & mask) | (b & ~mask). */
  v128Bitselect(): this { return this.simd(0x52); }
  v128AnyTrue(): this { return this.simd(0x53); }
  f32x4Ceil(): this { return this.simd(0x67); }
  f32x4Floor(): this { return this.simd(0x68); }
  f32x4Trunc(): this { return this.simd(0x69); }
  f32x4Nearest(): this { return this.simd(0x6a); }
  i32x4Shl(): this { return this.simd(0xab); }
  i32x4ShrS(): this { return this.simd(0xac); }
  i32x4ShrU(): this { return this.simd(0xad); }
  i32x4Add(): this { return this.simd(0xae); }
  i32x4Sub(): this { return this.simd(0xb1); }
  f32x4Abs(): this { return this.simd(0xe0); }
  f32x4Neg(): this { return this.simd(0xe1); }
  f32x4Sqrt(): this { return this.simd(0xe3); }
  f32x4Sub(): this { return this.simd(0xe5); }
  f32x4Div(): this { return this.simd(0xe7); }
  f32x4Min(): this { return this.simd(0xe8); }
  f32x4Max(): this { return this.simd(0xe9); }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8); }
  f32x4ConvertI32x4S(): this { return this.simd(0xfa); }

  // Scalar float conversions (for lanes handed to an imported JS function).
  f64PromoteF32(): this { return this.op(0xbb); }
  f32DemoteF64(): this { return this.op(0xb6); }
  i32Shl(): this { return this.op(0x74); }
  f32Add(): this { return this.op(0x92); }
}

/** One function: its signature, its extra locals, its body, and an optional export name. */
export class Func {
  readonly code = new Code();
  /** Locals beyond the parameters, in index order after them. */
  readonly locals: ValType[] = [];

  constructor(readonly params: ValType[], readonly results: ValType[] = [], readonly exportName?: string) {}

  /** The index of parameter i. */
  param(i: number): number {
    if (i < 0 || i >= this.params.length) throw new RangeError(`Func.param: no parameter ${i}`);
    return i;
  }
  /** Declare a fresh local and return its index. */
  local(t: ValType): number { this.locals.push(t); return this.params.length + this.locals.length - 1; }
}

/** An imported (JS) function: it takes function index `i` for the i-th import, before the module's own. */
export interface FunctionImport { module: string; field: string; params: ValType[]; results: ValType[] }

export interface MemoryImport {
  module: string;
  field: string;
  minPages: number;
  maxPages?: number;
  shared?: boolean;
}

/**
 * Encode a module that imports one linear memory and `fnImports` (function indices 0, 1, … in
 * order), and defines `funcs` (function i has index fnImports.length + i). Each function gets its
 * own type entry; duplicates are legal and the modules are tiny.
 */
export function encodeModule(memory: MemoryImport, funcs: Func[], fnImports: readonly FunctionImport[] = []): Uint8Array<ArrayBuffer> {
  const sig = (params: ValType[], results: ValType[]) => [0x60, ...vec(params.map((t) => [t])), ...vec(results.map((t) => [t]))];
  const types = [...fnImports.map((f) => sig(f.params, f.results)), ...funcs.map((f) => sig(f.params, f.results))];
  const ni = fnImports.length;
  // Memory limits flag: bit 0 = has maximum, bit 1 = shared (requires a maximum).
  const flags = (memory.maxPages !== undefined ? 1 : 0) | (memory.shared ? 2 : 0);
  if (memory.shared && memory.maxPages === undefined) throw new Error('encodeModule: a shared memory needs maxPages');
  const limits = [flags, ...uleb(memory.minPages), ...(memory.maxPages !== undefined ? uleb(memory.maxPages) : [])];
  const imports = [
    ...fnImports.map((f, i) => [...name(f.module), ...name(f.field), 0x00, ...uleb(i)]),
    [...name(memory.module), ...name(memory.field), 0x02, ...limits],
  ];
  const exports = funcs.flatMap((f, i) => (f.exportName !== undefined ? [[...name(f.exportName), 0x00, ...uleb(ni + i)]] : []));
  const bodies = funcs.map((f) => {
    // Locals are run-length encoded: (count, type) pairs over consecutive equal types.
    const runs: number[][] = [];
    for (const t of f.locals) {
      const last = runs[runs.length - 1];
      if (last !== undefined && last[1] === t) last[0]! += 1;
      else runs.push([1, t]);
    }
    const body = [...vec(runs.map(([count, t]) => [...uleb(count!), t!])), ...f.code.bytes, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // "\0asm", version 1
    ...section(1, vec(types)),
    ...section(2, vec(imports)),
    ...section(3, vec(funcs.map((_, i) => uleb(ni + i)))),
    ...section(7, vec(exports)),
    ...section(10, vec(bodies)),
  ]);
}
