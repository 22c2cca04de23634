// Elementwise kernels: the WGSL expression table, mirroring the CPU's expressions.ts, and the kernels generated from it.
// Same semantics line for line: int division truncates and x / 0 = 0, rem takes the dividend's
// sign, round is half to even, float max/min propagate NaN, shifts of 32 or more give 0.
import { DType, INT_BOUNDS, isSmallInt } from '../../core/dtype.js';
import { DTypeError } from '../../core/errors.js';
import { ELEMENTWISE_KINDS } from '../../core/primitives.js';
import { ElementwisePrimitive, elementwiseExpr, ExpressionTable } from '../elementwise.js';
import { bindings, BufferDecl, elementwiseStep, i, inp, out, perItem, Slot, u, vectorizable, WebGpuKernel, wgslType, withHelpers } from './wgsl.js';

// Operands are WGSL values of the storage type: f32, i32, u32, and bool as u32 0/1. WGSL's i32
// and u32 arithmetic wraps mod 2^32, which is the CPU's `|0` / `>>>0` / Math.imul. The narrow
// types compute in their storage type and are brought back into range by `narrowOut` (int8/int16
// sign-extend their low bits, uint8/uint16 mask them, float16 rounds with f16_round).
type Unary = (d: DType, x: string) => string;
type Binary = (d: DType, a: string, b: string) => string;

const isF = (d: DType): boolean => wgslType(d) === 'f32';
/** Signed integer storage (int32, int16, int8). */
const isI = (d: DType): boolean => wgslType(d) === 'i32';
/** Unsigned integer storage (not bool). */
const isU = (d: DType): boolean => wgslType(d) === 'u32' && d !== 'bool';
const zeroOf = (d: DType): string => (isI(d) ? '0i' : '0u');

/** A result of the storage type brought into the narrow dtype's range (the CPU's wrap and float16 rounding). */
export function narrowOut(d: DType, e: string): string {
  switch (d) {
    // Shifted as u32 (a constant i32 shift that overflows is a shader-creation error), then back.
    case 'int8': return `(bitcast<i32>(bitcast<u32>(${e}) << 24u) >> 24u)`;
    case 'int16': return `(bitcast<i32>(bitcast<u32>(${e}) << 16u) >> 16u)`;
    case 'uint8': return `((${e}) & 0xffu)`;
    case 'uint16': return `((${e}) & 0xffffu)`;
    case 'float16': return `f16_round(${e})`;
    default: return e;
  }
}
const bits = (d: DType): number => (d === 'int8' || d === 'uint8' ? 8 : d === 'int16' || d === 'uint16' ? 16 : 32);
/** bool → u32 0/1 */
const b2u = (cond: string): string => `select(0u, 1u, ${cond})`;
const call = (fn: string): Unary => (_d, x) => `${fn}(${x})`;
/** Float comparisons hold only between numbers: the NaN test is explicit (see wgsl.ts on NaN folding). */
const cmp = (op: string): Binary => (d, a, b) =>
  isF(d) ? b2u(`ordered_f32(${a}, ${b}) && (${a}) ${op} (${b})`) : b2u(`(${a}) ${op} (${b})`);

/** Float → bool is x != 0 with NaN → true: the bits without the sign are nonzero. */
function convert(d: DType, x: string, to: DType): string {
  if (d === to) return `(${x})`;
  const asI = isF(d) ? `f32_to_i32(${x})` : isI(d) ? `(${x})` : `bitcast<i32>(${x})`;
  const asU = isF(d) ? `f32_to_u32(${x})` : isI(d) ? `bitcast<u32>(${x})` : `(${x})`;
  switch (to) {
    case 'bool': return isF(d) ? b2u(`(bitcast<u32>(${x}) << 1u) != 0u`) : b2u(`(${x}) != ${zeroOf(d)}`);
    case 'float32': return `f32(${x})`;
    case 'float16': return `f16_round(f32(${x}))`;
    case 'int32': return asI;
    case 'uint32': return asU;
    // From a float: saturate at the type's range (NaN → 0); from an integer: wrap (keep the low bits).
    case 'int8': case 'int16': return isF(d) ? `clamp(${asI}, ${i(INT_BOUNDS[to][0])}, ${i(INT_BOUNDS[to][1])})` : narrowOut(to, asI);
    case 'uint8': case 'uint16': return isF(d) ? `min(${asU}, ${u(INT_BOUNDS[to][1])})` : narrowOut(to, asU);
    case 'float64': throw new DTypeError('convert_element_type: the webgpu backend cannot hold float64 arrays');
  }
}

/** The table: every elementwise primitive, rows in catalog order, typed exactly as the CPU's. */
export const WGSL_EXPRESSIONS: ExpressionTable = {
  neg: (d, x) => (isU(d) ? `(0u - (${x}))` : `(-(${x}))`),
  sign: (d, x) => (isF(d) ? `sign_f32(${x})` : isI(d) ? `sign(${x})` : `min(${x}, 1u)`),
  floor: call('floor'),
  ceil: call('ceil'),
  /** WGSL's round is half to even, as the CPU's. */
  round: call('round'),
  /** WGSL's abs of int32's minimum is itself, as in two's complement. */
  abs: (d, x) => (isU(d) ? `(${x})` : `abs(${x})`),
  exp: call('exp'),
  log: call('log_f32'),
  expm1: call('expm1_f32'),
  log1p: call('log1p_f32'),
  sin: call('sin'),
  cos: call('cos'),
  /** sin/cos, as np.tan was derived before tan was a primitive (WGSL's tan builtin has no accuracy bound on CPU adapters). */
  tan: (_d, x) => `(sin(${x}) / cos(${x}))`,
  tanh: call('tanh_f32'),
  sqrt: call('sqrt_f32'),
  not: (d, x) => (d === 'bool' ? `((${x}) ^ 1u)` : `(~(${x}))`),
  erf: call('erf_f32'), erfc: call('erfc_f32'), lgamma: call('lgamma_f32'), digamma: call('digamma_f32'),

  add: (d, a, b) => (d === 'bool' ? `((${a}) | (${b}))` : `((${a}) + (${b}))`),
  sub: (_d, a, b) => `((${a}) - (${b}))`,
  mul: (d, a, b) => (d === 'bool' ? `((${a}) & (${b}))` : `((${a}) * (${b}))`),
  /** WGSL gives x / 0 = x for integers; the CPU gives 0. int32 min / -1 is int32 min on both. */
  div: (d, a, b) => (isF(d) ? `((${a}) / (${b}))` : `select((${a}) / (${b}), ${zeroOf(d)}, (${b}) == ${zeroOf(d)})`),
  /** WGSL's integer % truncates and gives x % 0 = 0, as the CPU; floats need an exact fmod. */
  rem: (d, a, b) => (isF(d) ? `fmod_f32(${a}, ${b})` : `((${a}) % (${b}))`),
  pow: (_d, a, b) => `pow_f32(${a}, ${b})`,
  max: (d, a, b) => (isF(d) ? `max_f32(${a}, ${b})` : `max(${a}, ${b})`),
  min: (d, a, b) => (isF(d) ? `min_f32(${a}, ${b})` : `min(${a}, ${b})`),
  atan2: (_d, a, b) => `atan2_f32(${a}, ${b})`,
  and: (_d, a, b) => `((${a}) & (${b}))`,
  or: (_d, a, b) => `((${a}) | (${b}))`,
  /** WGSL masks the shift amount to 5 bits; a shift of 32 or more (or a negative int32 one) gives 0. */
  shift_right_logical: (d, a, b) => {
    const w = bits(d);
    if (isU(d)) return `select((${a}) >> (${b}), 0u, (${b}) >= ${w}u)`;
    // Signed types shift their own bit pattern (int8 -1 is 0xff: >> 1 gives 127); narrowOut sign-extends.
    const pattern = w === 32 ? `bitcast<u32>(${a})` : `(bitcast<u32>(${a}) & ${u(2 ** w - 1)})`;
    return `select(bitcast<i32>(${pattern} >> bitcast<u32>(${b})), 0i, bitcast<u32>(${b}) >= ${w}u)`;
  },

  eq: cmp('=='), lt: cmp('<'), le: cmp('<='), gt: cmp('>'), ge: cmp('>='),
  /** NaN is unequal to everything, itself included. */
  ne: (d, a, b) => (isF(d) ? b2u(`!ordered_f32(${a}, ${b}) || (${a}) != (${b})`) : b2u(`(${a}) != (${b})`)),

  select: (_d, p, t, f) => `select(${f}, ${t}, (${p}) != 0u)`,
  convert_element_type: convert,
};

/**
 * The WGSL expression of one application (see ../elementwise.ts's elementwiseExpr). Arithmetic
 * results of the narrow dtypes are brought back into range (narrowOut); comparisons, select and
 * conversions already are.
 */
export function wgslElementwiseExpr(prim: ElementwisePrimitive, inDtype: DType, outDtype: DType, operands: readonly string[]): string {
  const e = elementwiseExpr(WGSL_EXPRESSIONS, prim, inDtype, outDtype, operands);
  const kind = ELEMENTWISE_KINDS[prim];
  return kind === 'unary' || kind === 'binary' ? narrowOut(outDtype, e) : e;
}

/** A fold step for reductions: the binary expression of `prim` at `d` (wrapped for the narrow integers). */
export const combineExpr = (prim: 'add' | 'mul' | 'max' | 'min', d: DType, acc: string, x: string): string =>
  isSmallInt(d) ? narrowOut(d, WGSL_EXPRESSIONS[prim](d, acc, x)) : WGSL_EXPRESSIONS[prim](d, acc, x);

/**
 * The kernel of an elementwise primitive: one invocation per element, operands loaded into
 * locals `v0..` (templates may repeat an operand). The templates see the last operand's dtype,
 * which for select is the cases' dtype.
 */
export function elementwiseKernel<P extends ElementwisePrimitive>(prim: P): WebGpuKernel<P> {
  return ({ inAvals, outAvals }) => {
    const o = outAvals[0]!;
    const inDtype = inAvals[inAvals.length - 1]!.dtype;
    const vs = inAvals.map((_, k) => `v${k}`);
    if (vectorizable(o.size)) {
      // Four consecutive elements per item: one vec4 load per operand and one store, the
      // expression per component (as compiled loops do, codegen.ts).
      const reads = inAvals.map((a, k): [Slot, BufferDecl] => [inp(k), { type: wgslType(a.dtype), vec4: true }]);
      const t = wgslType(o.dtype);
      const body = [
        ...vs.map((v, k) => `let ${v} = x${k}[g];`),
        `y0[g] = vec4<${t}>(${[0, 1, 2, 3].map((c) => wgslElementwiseExpr(prim, inDtype, o.dtype, vs.map((v) => `${v}[${c}]`))).join(', ')});`,
      ];
      const { code, workgroups } = perItem(o.size / 4, 'g', body);
      const src = withHelpers(`${bindings(reads.map(([, b]) => b), [{ type: t, vec4: true }])}\n${code}`);
      return { steps: [{ kind: 'dispatch', label: prim, code: src, reads: reads.map(([sl]) => sl), writes: [out(0)], workgroups }] };
    }
    const reads = inAvals.map((a, k): [Slot, BufferDecl] => [inp(k), { type: wgslType(a.dtype) }]);
    const body = [
      ...vs.map((v, k) => `let ${v} = x${k}[gid];`),
      `y0[gid] = ${wgslElementwiseExpr(prim, inDtype, o.dtype, vs)};`,
    ];
    return { steps: [elementwiseStep(prim, reads, [[out(0), { type: wgslType(o.dtype) }]], o.size, body)] };
  };
}
