// Lane programs: float32 computations written once, emitted as WebAssembly SIMD (f32x4) and as scalar JS that rounds the same way.
//
// A lane program is a DAG of operations on one lane: float32 values, int32 values (for bit
// manipulation: exponent fields, sign bits) and masks (comparison results). Every operation has
// one exact meaning in both emitters: IEEE float32 arithmetic rounded to nearest (JS: an operation
// in double, then Math.fround, which for +, −, ×, ÷ and √ is exactly the float32 result since
// 53 ≥ 2·24 + 2), min/max that propagate NaN and order −0 below +0 (f32x4.min/max, Math.min/max),
// wrapping int32 arithmetic, saturating truncation, bit reinterpretation. So the SIMD loop, a JS
// loop and a JS scalar function compiled from the same program agree bit for bit (up to NaN
// payloads), and the math library (math.ts) is one program per function, not two implementations
// that drift apart.
//
// `callout` hands chosen lanes to a JS function in float64 (Math.sin for arguments too large for the
// polynomial's range reduction, Math.pow): the WASM module imports it, and both emitters apply it to
// the same lanes and round its double result to float32 the same way.
import { Code, F64, FunctionImport, V128 } from './encoder.js';
import { roundHalfEven } from '../expressions.js';

export type Ty = 'f32' | 'i32' | 'mask';

type F32Unary = 'neg' | 'abs' | 'sqrt' | 'floor' | 'ceil' | 'trunc' | 'nearest';
type F32Binary = 'add' | 'sub' | 'mul' | 'div' | 'min' | 'max';
export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';
type IntBinary = 'iadd' | 'isub' | 'iand' | 'ior' | 'ixor';
type Shift = 'shl' | 'shrs' | 'shru';
type Op = 'const' | 'iconst' | 'input' | F32Unary | F32Binary | CompareOp | IntBinary | Shift
  | 'ieq' | 'mand' | 'mor' | 'mnot' | 'sel' | 'bits' | 'float' | 'cvt' | 'tsat' | 'callout';

export interface Node {
  readonly id: number;
  readonly op: Op;
  readonly ty: Ty;
  readonly args: readonly Node[];
  /** const: the float32 value; iconst: the int32; input: its index; shifts: the amount; callout: the import's index. */
  readonly imm: number;
}

/** A JS function of float64 arguments that a program may call on chosen lanes. */
export interface Callout {
  readonly name: string;
  readonly arity: number;
  readonly fn: (...xs: number[]) => number;
  /** A JS expression for `fn` that needs nothing around it (the worker thread rebuilds the import from it). */
  readonly source: string;
}

/** Builds a lane program; each method adds one node (constants are shared). */
export class Lanes {
  readonly nodes: Node[] = [];
  readonly callouts: Callout[] = [];
  private readonly consts = new Map<string, Node>();

  private add(op: Op, ty: Ty, args: readonly Node[], imm = 0): Node {
    const n: Node = { id: this.nodes.length, op, ty, args, imm };
    this.nodes.push(n);
    return n;
  }
  private expect(n: Node, ty: Ty, what: string): Node {
    if (n.ty !== ty) throw new Error(`lane program: ${what} expects ${ty}, got ${n.ty}`);
    return n;
  }

  input(index: number, ty: Ty = 'f32'): Node { return this.add('input', ty, [], index); }
  /** A float32 constant (the value is rounded to float32). */
  c(v: number): Node {
    const f = Math.fround(v), key = `f${Object.is(f, -0) ? '-0' : f}`;
    let n = this.consts.get(key);
    if (!n) { n = this.add('const', 'f32', [], f); this.consts.set(key, n); }
    return n;
  }
  ic(v: number): Node {
    const key = `i${v | 0}`;
    let n = this.consts.get(key);
    if (!n) { n = this.add('iconst', 'i32', [], v | 0); this.consts.set(key, n); }
    return n;
  }

  private un(op: F32Unary, x: Node): Node { return this.add(op, 'f32', [this.expect(x, 'f32', op)]); }
  private bin(op: F32Binary, a: Node, b: Node): Node { return this.add(op, 'f32', [this.expect(a, 'f32', op), this.expect(b, 'f32', op)]); }
  neg(x: Node) { return this.un('neg', x); }
  abs(x: Node) { return this.un('abs', x); }
  sqrt(x: Node) { return this.un('sqrt', x); }
  floor(x: Node) { return this.un('floor', x); }
  ceil(x: Node) { return this.un('ceil', x); }
  trunc(x: Node) { return this.un('trunc', x); }
  /** Round half to even. */
  nearest(x: Node) { return this.un('nearest', x); }
  addf(a: Node, b: Node) { return this.bin('add', a, b); }
  sub(a: Node, b: Node) { return this.bin('sub', a, b); }
  mul(a: Node, b: Node) { return this.bin('mul', a, b); }
  div(a: Node, b: Node) { return this.bin('div', a, b); }
  min(a: Node, b: Node) { return this.bin('min', a, b); }
  max(a: Node, b: Node) { return this.bin('max', a, b); }
  /** a·b + c, rounded twice (baseline WASM SIMD has no fused multiply-add). */
  mad(a: Node, b: Node, c: Node) { return this.addf(this.mul(a, b), c); }
  /** Horner: Σ coefs[i]·x^i (coefs from the constant term up). */
  poly(x: Node, coefs: readonly number[]): Node {
    let acc = this.c(coefs[coefs.length - 1]!);
    for (let i = coefs.length - 2; i >= 0; i--) acc = this.mad(acc, x, this.c(coefs[i]!));
    return acc;
  }

  cmp(op: CompareOp, a: Node, b: Node): Node { return this.add(op, 'mask', [this.expect(a, 'f32', op), this.expect(b, 'f32', op)]); }
  /** int32 equality, as a mask. */
  ieq(a: Node, b: Node): Node { return this.add('ieq', 'mask', [this.expect(a, 'i32', 'ieq'), this.expect(b, 'i32', 'ieq')]); }
  and(a: Node, b: Node) { return this.add('mand', 'mask', [this.expect(a, 'mask', 'and'), this.expect(b, 'mask', 'and')]); }
  or(a: Node, b: Node) { return this.add('mor', 'mask', [this.expect(a, 'mask', 'or'), this.expect(b, 'mask', 'or')]); }
  not(a: Node) { return this.add('mnot', 'mask', [this.expect(a, 'mask', 'not')]); }
  /** m ? a : b, lane by lane (a and b of one type). */
  sel(m: Node, a: Node, b: Node): Node {
    if (a.ty !== b.ty) throw new Error(`lane program: sel of ${a.ty} and ${b.ty}`);
    return this.add('sel', a.ty, [this.expect(m, 'mask', 'sel'), a, b]);
  }

  /** The float32's bit pattern as an int32, and back. */
  bits(x: Node) { return this.add('bits', 'i32', [this.expect(x, 'f32', 'bits')]); }
  float(i: Node) { return this.add('float', 'f32', [this.expect(i, 'i32', 'float')]); }
  private ibin(op: IntBinary, a: Node, b: Node) { return this.add(op, 'i32', [this.expect(a, 'i32', op), this.expect(b, 'i32', op)]); }
  iadd(a: Node, b: Node) { return this.ibin('iadd', a, b); }
  isub(a: Node, b: Node) { return this.ibin('isub', a, b); }
  iand(a: Node, b: Node) { return this.ibin('iand', a, b); }
  ior(a: Node, b: Node) { return this.ibin('ior', a, b); }
  ixor(a: Node, b: Node) { return this.ibin('ixor', a, b); }
  shl(a: Node, k: number) { return this.add('shl', 'i32', [this.expect(a, 'i32', 'shl')], k); }
  shrs(a: Node, k: number) { return this.add('shrs', 'i32', [this.expect(a, 'i32', 'shrs')], k); }
  shru(a: Node, k: number) { return this.add('shru', 'i32', [this.expect(a, 'i32', 'shru')], k); }
  /** int32 → the nearest float32. */
  cvt(i: Node) { return this.add('cvt', 'f32', [this.expect(i, 'i32', 'cvt')]); }
  /** float32 → int32 toward zero, saturating; NaN → 0. */
  tsat(x: Node) { return this.add('tsat', 'i32', [this.expect(x, 'f32', 'tsat')]); }

  /** A mask as 1.0 / 0.0. */
  one(m: Node) { return this.sel(m, this.c(1), this.c(0)); }
  /** |a| with b's sign bit. */
  copysign(a: Node, b: Node): Node {
    return this.float(this.ior(this.iand(this.bits(a), this.ic(0x7fffffff)), this.iand(this.bits(b), this.ic(-0x80000000))));
  }
  /** x·2^n for an int32 n in [-252, 254] (two scalings, so subnormal results round once). */
  ldexp(x: Node, n: Node): Node {
    const h = this.shrs(n, 1);
    const pow2 = (e: Node) => this.float(this.shl(this.iadd(e, this.ic(127)), 23));
    return this.mul(this.mul(x, pow2(h)), pow2(this.isub(n, h)));
  }

  /** m ? fn(args) in float64, rounded to float32 : otherwise. */
  callout(c: Callout, m: Node, otherwise: Node, ...args: Node[]): Node {
    if (args.length !== c.arity) throw new Error(`lane program: ${c.name} takes ${c.arity} arguments`);
    let k = this.callouts.indexOf(c);
    if (k < 0) { k = this.callouts.length; this.callouts.push(c); }
    return this.add('callout', 'f32', [this.expect(m, 'mask', 'callout'), this.expect(otherwise, 'f32', 'callout'), ...args.map((a) => this.expect(a, 'f32', c.name))], k);
  }
}

/** The nodes `roots` need, in creation (hence dependency) order. */
export function reachable(nodes: readonly Node[], roots: readonly Node[]): Node[] {
  const need = new Set<number>();
  const stack = [...roots];
  while (stack.length) { const n = stack.pop()!; if (need.has(n.id)) continue; need.add(n.id); stack.push(...n.args); }
  return nodes.filter((n) => need.has(n.id));
}

// ---- JS ------------------------------------------------------------------------------------------
const F32 = new Float32Array(1), I32 = new Int32Array(F32.buffer);
/** Helpers the emitted JS calls through `L`: bit reinterpretation and saturating truncation. */
export const LANE_HELPERS = {
  bits(x: number): number { F32[0] = x; return I32[0]!; },
  float(i: number): number { I32[0] = i; return F32[0]!; },
  tsat(x: number): number { return x !== x ? 0 : x >= 2147483647 ? 2147483647 : x <= -2147483648 ? -2147483648 : Math.trunc(x) | 0; },
};

function jsLiteral(v: number): string {
  if (Object.is(v, -0)) return '(-0)';
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '(-Infinity)';
  return v < 0 ? `(${v})` : String(v);
}
const JS_CMP: Record<CompareOp, string> = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' };
const JS_INT: Record<IntBinary, string> = { iadd: '+', isub: '-', iand: '&', ior: '|', ixor: '^' };

/**
 * The program as JS statements: `const tN = …;` per node, with `input(k)` giving operand k's JS
 * expression. The caller binds `L` to LANE_HELPERS and `CO` to the program's callout functions.
 * Returns the statements and each root's name.
 */
export function emitJs(p: Lanes, roots: readonly Node[], input: (k: number) => string, prefix = 't'): { lines: string[]; refs: string[] } {
  const name = new Map<number, string>();
  const lines: string[] = [];
  const r = (n: Node) => name.get(n.id)!;
  for (const n of reachable(p.nodes, roots)) {
    const [a, b, c] = n.args;
    let e: string;
    switch (n.op) {
      case 'const': case 'iconst': name.set(n.id, jsLiteral(n.imm)); continue;
      case 'input': name.set(n.id, input(n.imm)); continue;
      case 'neg': e = `-${r(a!)}`; break;
      case 'abs': e = `Math.abs(${r(a!)})`; break;
      case 'sqrt': e = `Math.fround(Math.sqrt(${r(a!)}))`; break;
      case 'floor': e = `Math.floor(${r(a!)})`; break;
      case 'ceil': e = `Math.ceil(${r(a!)})`; break;
      case 'trunc': e = `Math.trunc(${r(a!)})`; break;
      case 'nearest': e = roundHalfEven(r(a!)); break; // the JS round's own spelling, so the two agree
      case 'add': e = `Math.fround(${r(a!)} + ${r(b!)})`; break;
      case 'sub': e = `Math.fround(${r(a!)} - ${r(b!)})`; break;
      case 'mul': e = `Math.fround(${r(a!)} * ${r(b!)})`; break;
      case 'div': e = `Math.fround(${r(a!)} / ${r(b!)})`; break;
      case 'min': e = `Math.min(${r(a!)}, ${r(b!)})`; break;
      case 'max': e = `Math.max(${r(a!)}, ${r(b!)})`; break;
      case 'eq': case 'ne': case 'lt': case 'le': case 'gt': case 'ge': e = `(${r(a!)} ${JS_CMP[n.op]} ${r(b!)})`; break;
      case 'ieq': e = `(${r(a!)} === ${r(b!)})`; break;
      case 'mand': e = `(${r(a!)} && ${r(b!)})`; break;
      case 'mor': e = `(${r(a!)} || ${r(b!)})`; break;
      case 'mnot': e = `!${r(a!)}`; break;
      case 'sel': e = `(${r(a!)} ? ${r(b!)} : ${r(c!)})`; break;
      case 'bits': e = `L.bits(${r(a!)})`; break;
      case 'float': e = `L.float(${r(a!)})`; break;
      case 'iadd': case 'isub': case 'iand': case 'ior': case 'ixor': e = `((${r(a!)} ${JS_INT[n.op]} ${r(b!)}) | 0)`; break;
      case 'shl': e = `(${r(a!)} << ${n.imm})`; break;
      case 'shrs': e = `(${r(a!)} >> ${n.imm})`; break;
      case 'shru': e = `((${r(a!)} >>> ${n.imm}) | 0)`; break;
      case 'cvt': e = `Math.fround(${r(a!)})`; break;
      case 'tsat': e = `L.tsat(${r(a!)})`; break;
      case 'callout': e = `(${r(a!)} ? Math.fround(CO[${n.imm}](${n.args.slice(2).map(r).join(', ')})) : ${r(b!)})`; break;
    }
    const v = `${prefix}${n.id}`;
    lines.push(`const ${v} = ${e};`);
    name.set(n.id, v);
  }
  return { lines, refs: roots.map(r) };
}

/** A program of one input compiled to a JS function of one float32 number (the scalar form of a math function). */
export function compileScalar(build: (p: Lanes, x: Node) => Node, label: string): (x: number) => number {
  const p = new Lanes();
  const out = build(p, p.input(0));
  const { lines, refs } = emitJs(p, [out], () => 'x');
  const src = `return function ${label}(x) {\n  ${lines.join('\n  ')}\n  return ${refs[0]};\n};`;
  return new Function('L', 'CO', src)(LANE_HELPERS, p.callouts.map((c) => c.fn)) as (x: number) => number;
}

// ---- WebAssembly SIMD ------------------------------------------------------------------------------
const splat32 = (write: (dv: DataView) => void): number[] => {
  const dv = new DataView(new ArrayBuffer(16));
  write(dv);
  return [...new Uint8Array(dv.buffer)];
};
const f32Bytes = (v: number) => splat32((dv) => { for (let l = 0; l < 4; l++) dv.setFloat32(4 * l, v, true); });
const i32Bytes = (v: number) => splat32((dv) => { for (let l = 0; l < 4; l++) dv.setInt32(4 * l, v, true); });

/** The imports a program's callouts need, in index order (to pass to encodeModule). */
export const calloutImports = (p: Lanes): FunctionImport[] =>
  p.callouts.map((c) => ({ module: 'co', field: c.name, params: new Array(c.arity).fill(F64), results: [F64] }));

/**
 * Emits the nodes `roots` need into `code`, each into a fresh v128 local from `local()`, skipping
 * those already in `have` (inputs, and values emitted earlier, such as loop invariants), which it
 * extends. `scratch` is an f64 local (for callout lanes). Callout k is function index k.
 */
export function emitWasm(p: Lanes, roots: readonly Node[], code: Code, have: Map<number, number>, local: () => number): void {
  const c = code;
  const get = (n: Node) => {
    const l = have.get(n.id);
    if (l === undefined) throw new Error(`lane program: node ${n.id} (${n.op}) has no value here`);
    c.localGet(l);
  };
  for (const n of reachable(p.nodes, roots)) {
    if (have.has(n.id)) continue;
    const [a, b, m] = n.args;
    switch (n.op) {
      case 'input': throw new Error(`lane program: input ${n.imm} was not provided`);
      case 'const': c.v128Const(f32Bytes(n.imm)); break;
      case 'iconst': c.v128Const(i32Bytes(n.imm)); break;
      case 'neg': get(a!); c.f32x4Neg(); break;
      case 'abs': get(a!); c.f32x4Abs(); break;
      case 'sqrt': get(a!); c.f32x4Sqrt(); break;
      case 'floor': get(a!); c.f32x4Floor(); break;
      case 'ceil': get(a!); c.f32x4Ceil(); break;
      case 'trunc': get(a!); c.f32x4Trunc(); break;
      case 'nearest': get(a!); c.f32x4Nearest(); break;
      case 'add': get(a!); get(b!); c.f32x4Add(); break;
      case 'sub': get(a!); get(b!); c.f32x4Sub(); break;
      case 'mul': get(a!); get(b!); c.f32x4Mul(); break;
      case 'div': get(a!); get(b!); c.f32x4Div(); break;
      case 'min': get(a!); get(b!); c.f32x4Min(); break;
      case 'max': get(a!); get(b!); c.f32x4Max(); break;
      case 'eq': get(a!); get(b!); c.f32x4Eq(); break;
      case 'ne': get(a!); get(b!); c.f32x4Ne(); break;
      case 'lt': get(a!); get(b!); c.f32x4Lt(); break;
      case 'le': get(a!); get(b!); c.f32x4Le(); break;
      case 'gt': get(a!); get(b!); c.f32x4Gt(); break;
      case 'ge': get(a!); get(b!); c.f32x4Ge(); break;
      case 'ieq': get(a!); get(b!); c.i32x4Eq(); break;
      case 'mand': case 'iand': get(a!); get(b!); c.v128And(); break;
      case 'mor': case 'ior': get(a!); get(b!); c.v128Or(); break;
      case 'ixor': get(a!); get(b!); c.v128Xor(); break;
      case 'mnot': get(a!); c.v128Not(); break;
      case 'sel': get(b!); get(m!); get(a!); c.v128Bitselect(); break;
      case 'bits': case 'float': get(a!); break; // the same 128 bits, read as the other lane type
      case 'iadd': get(a!); get(b!); c.i32x4Add(); break;
      case 'isub': get(a!); get(b!); c.i32x4Sub(); break;
      case 'shl': get(a!); c.i32Const(n.imm).i32x4Shl(); break;
      case 'shrs': get(a!); c.i32Const(n.imm).i32x4ShrS(); break;
      case 'shru': get(a!); c.i32Const(n.imm).i32x4ShrU(); break;
      case 'cvt': get(a!); c.f32x4ConvertI32x4S(); break;
      case 'tsat': get(a!); c.i32x4TruncSatF32x4S(); break;
      case 'callout': {
        // Start from `otherwise`; if any lane is chosen, replace each chosen lane by the call's result.
        const out = local();
        get(b!); c.localSet(out);
        get(a!); c.v128AnyTrue().if();
        for (let l = 0; l < 4; l++) {
          get(a!); c.i32x4ExtractLane(l).if();
          c.localGet(out);
          for (const x of n.args.slice(2)) { get(x); c.f32x4ExtractLane(l).f64PromoteF32(); }
          c.call(n.imm).f32DemoteF64().f32x4ReplaceLane(l).localSet(out);
          c.end();
        }
        c.end();
        have.set(n.id, out);
        continue;
      }
    }
    const l = local();
    c.localSet(l);
    have.set(n.id, l);
  }
}

export { V128 };
