// The WASM expression table: each elementwise primitive on float32 as a lane program, or the reason it stays in JS.
//
// One row per elementwise primitive (typed over the catalog's lists, so a new primitive without a
// row fails tsc). A rule gets the operands as lane values — float32, or masks for bool operands
// (comparison results inside a fused loop) — and returns the result, or null for dtypes it does not
// cover (then the whole loop runs as JS, with the same bits: see lanes.ts). Rules cover float32
// arithmetic, comparisons into masks, select on a mask, and the math library (math.ts).
import { DType } from '../../../core/dtype.js';
import { ElementwisePrimitive } from '../../../core/primitives.js';
import { CompareOp, Lanes, Node } from './lanes.js';
import { compileLoop, WasmLoop, wasmLoopsAvailable } from './loops.js';
import { cosf, erff, expf, expm1f, log1pf, logf, powf, sinf, sqrtf, tanhf } from './math.js';

/** `d`: the operands' dtype (for select, the cases'); `to`: the result's. */
export type WasmRule = (p: Lanes, ops: readonly Node[], d: DType, to: DType) => Node | null;
/** A primitive the WASM loops do not compute, and why: loops containing it run as generated JS. */
export interface JsOnly { readonly js: string }

const f32 = (ops: readonly Node[], d: DType, to: DType) => d === 'float32' && to === 'float32' && ops.every((o) => o.ty === 'f32');
const unary = (f: (p: Lanes, x: Node) => Node): WasmRule => (p, [x], d, to) => (f32([x!], d, to) ? f(p, x!) : null);
const binary = (f: (p: Lanes, a: Node, b: Node) => Node): WasmRule => (p, [a, b], d, to) => (f32([a!, b!], d, to) ? f(p, a!, b!) : null);
const compare = (op: CompareOp): WasmRule => (p, [a, b], d, to) => (d === 'float32' && to === 'bool' && a!.ty === 'f32' && b!.ty === 'f32' ? p.cmp(op, a!, b!) : null);

const INTEGER = { js: 'bitwise and shift operators are defined on integer and bool dtypes; the WASM loops compute float32' } as const;

export const WASM_RULES: { readonly [P in ElementwisePrimitive]: WasmRule | JsOnly } = {
  neg: unary((p, x) => p.neg(x)),
  /** sign(±0) = ±0 and sign(NaN) = NaN: both comparisons are false there, and x itself is kept. */
  sign: unary((p, x) => p.sel(p.cmp('gt', x, p.c(0)), p.c(1), p.sel(p.cmp('lt', x, p.c(0)), p.c(-1), x))),
  floor: unary((p, x) => p.floor(x)),
  ceil: unary((p, x) => p.ceil(x)),
  round: unary((p, x) => p.nearest(x)),
  abs: unary((p, x) => p.abs(x)),
  exp: unary(expf),
  log: unary(logf),
  expm1: unary(expm1f),
  log1p: unary(log1pf),
  sin: unary(sinf),
  cos: unary(cosf),
  tan: { js: 'tan is not in the WASM math library yet: float64 Math.tan' },
  tanh: unary(tanhf),
  sqrt: unary(sqrtf),
  not: INTEGER,
  erf: unary(erff),
  erfc: { js: 'erfc is not in the WASM math library yet (1 − erf loses its relative accuracy for large x); float64 special.ts' },
  lgamma: { js: 'lgamma needs the reflection formula and a Lanczos sum: kept in float64 (special.ts)' },
  digamma: { js: 'digamma needs reflection, recurrence and an asymptotic series: kept in float64 (special.ts)' },

  add: binary((p, a, b) => p.addf(a, b)),
  sub: binary((p, a, b) => p.sub(a, b)),
  mul: binary((p, a, b) => p.mul(a, b)),
  div: binary((p, a, b) => p.div(a, b)),
  rem: { js: 'fmod is exact (x − trunc(x/y)·y is not): JS % on the float32 values' },
  /** x^2 is x·x exactly (the float64 square of a float32 is exact, so rounding it once matches); otherwise the float64 pow. */
  pow: binary((p, a, b) => (b.op === 'const' && b.imm === 2 ? p.mul(a, a) : powf(p, a, b))),
  max: binary((p, a, b) => p.max(a, b)),
  min: binary((p, a, b) => p.min(a, b)),
  atan2: { js: 'atan2 is not in the WASM math library: float64 Math.atan2' },
  and: INTEGER,
  or: INTEGER,
  shift_right_logical: INTEGER,

  eq: compare('eq'), ne: compare('ne'), lt: compare('lt'), le: compare('le'), gt: compare('gt'), ge: compare('ge'),

  select: (p, [pred, t, f], d, to) => (d === 'float32' && to === 'float32' && pred!.ty === 'mask' && t!.ty === 'f32' && f!.ty === 'f32' ? p.sel(pred!, t!, f!) : null),
  /** Only float32 → float32 and bool (a mask) → float32: other dtypes are not staged. */
  convert_element_type: (p, [x], d, to) => (to !== 'float32' ? null : d === 'float32' && x!.ty === 'f32' ? x! : d === 'bool' && x!.ty === 'mask' ? p.one(x!) : null),
};

/** The rule's value, or null where the primitive or its dtypes stay in JS. */
export function wasmApply(p: Lanes, prim: ElementwisePrimitive, ops: readonly Node[], d: DType, to: DType): Node | null {
  const rule = WASM_RULES[prim];
  return typeof rule === 'function' ? rule(p, ops, d, to) : null;
}

/** Arrays shorter than this stay in JS loops: below it the call and staging cost more than the loop (the bits are the same). */
export const WASM_MIN_ELEMENTS = 256;

const eagerLoops = new Map<string, WasmLoop | null>();
/**
 * The WASM loop of one primitive over float32 (and bool) vectors, the eager kernel's, or null where
 * the primitive or its dtypes stay in JS. `inDtypes`: each operand's dtype; `d`: the dtype the
 * templates see (the last operand's). Bools travel as 0.0 / 1.0 and are masks inside.
 */
export function eagerWasmLoop(prim: ElementwisePrimitive, inDtypes: readonly DType[], outDtype: DType): WasmLoop | null {
  if (!wasmLoopsAvailable || !inDtypes.every((d) => d === 'float32' || d === 'bool') || !(outDtype === 'float32' || outDtype === 'bool')) return null;
  const key = `${prim}:${inDtypes.join(',')}:${outDtype}`;
  let loop = eagerLoops.get(key);
  if (loop === undefined) {
    const p = new Lanes();
    const ops = inDtypes.map((d, k) => (d === 'bool' ? p.cmp('ne', p.input(k), p.c(0)) : p.input(k)));
    const out = wasmApply(p, prim, ops, inDtypes[inDtypes.length - 1]!, outDtype);
    const ok = out !== null && (outDtype === 'float32' ? out.ty === 'f32' : out.ty === 'mask');
    loop = ok ? compileLoop(p, [out.ty === 'mask' ? p.one(out) : out], ops.map(() => 'vector')) : null;
    eagerLoops.set(key, loop);
  }
  return loop;
}
