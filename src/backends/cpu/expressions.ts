// The scalar semantics of every elementwise primitive, as JS expression templates: one table, pure data.
//
// Each template takes the operand dtype and operand expressions (strings) and returns a JS
// expression string. The CPU kernels splice them into a `for` loop (elementwise.ts, reduce.ts); the
// jit code generator splices the same strings into fused loops, so a primitive's scalar meaning is
// written exactly once.
//
// Contract on values: operands are the canonical JS numbers of their dtype (bool is 0/1, int8 in
// [-2^7, 2^7), …, uint32 in [0, 2^32), floats are doubles; a float32 or float16 operand is a double
// that type can hold). Every template returns the canonical value of its output dtype, with one
// exception: float32 and float16 results are computed in double precision and must be rounded by
// the caller, with a Float32Array store, `storeExpr` or `roundTo(d, e)`. For +, -, *, / and sqrt
// that double rounding is exactly the correctly rounded result (53 >= 2*24 + 2 bits). The narrow
// integers wrap as their 32-bit counterparts do, modulo 2^8 or 2^16 (XLA's and NumPy's rule).
//
// Helpers that Math lacks (the special functions) are called as `S.name(x)`: the JS helper prelude
// (prelude.ts), which every generated function gets through `withPrelude`.
//
// Templates may mention an operand more than once, so operands should be names or loads (`a[i]`),
// not expressions with side effects or large cost.
import { DType, INT_BOUNDS, IntDType, isFloat, isSmallInt } from '../../core/dtype.js';
import { ElementwisePrimitive, elementwiseExpr, ExpressionTable } from '../elementwise.js';

type Binary = (d: DType, a: string, b: string) => string;

/**
 * Wraps an integer result into the dtype: `|0` is mod 2^32 into int32, `>>>0` into uint32, and the
 * narrow types keep their low 8 or 16 bits (sign-extended for int8/int16). ToInt32 is exact mod 2^32
 * for every double below 2^53, which every product/sum of two operands here is (or Math.imul's).
 */
const wrap = (d: DType, e: string): string => {
  switch (d) {
    case 'int32': return `((${e}) | 0)`;
    case 'uint32': return `((${e}) >>> 0)`;
    case 'int8': return `((${e}) << 24 >> 24)`;
    case 'int16': return `((${e}) << 16 >> 16)`;
    case 'uint8': return `((${e}) & 255)`;
    case 'uint16': return `((${e}) & 65535)`;
    default: return `(${e})`;
  }
};
const bitWidth = (d: DType): number => (d === 'int8' || d === 'uint8' ? 8 : d === 'int16' || d === 'uint16' ? 16 : 32);
const call = (fn: string) => (_d: DType, x: string): string => `${fn}(${x})`;
/**
 * A math function: on float32 the float32 library's scalar form (S.f32, wasm/math.ts: the very
 * program the WASM loops run, so JS and WASM loops agree bit for bit), else the float64 one.
 */
const math = (name: string, fn: string) => (d: DType, x: string) => (d === 'float32' ? `S.f32.${name}(${x})` : `${fn}(${x})`);
/** `+(a < b)` is 0/1 without a branch: about 3× faster than `a < b ? 1 : 0` on unpredictable data. */
const cmp = (op: string): Binary => (_d, a, b) => `(+((${a}) ${op} (${b})))`;

/**
 * round: half to even (numpy's and jnp.round's rule). `Math.round` rounds halves up, so on an exact
 * half (x - floor(x) === 0.5, which is computed exactly) we round x/2 and double it instead: 2.5 → 2,
 * 3.5 → 4, -2.5 → -2. NaN and ±Infinity fall through to `Math.round`, which keeps them.
 */
/** JS source rounding x half to even (IEEE's roundTiesToEven; Math.round rounds halves up); the WASM lanes' JS form uses it too. */
export const roundHalfEven = (x: string) => `((${x}) - Math.floor(${x}) === 0.5 ? 2 * Math.round((${x}) / 2) : Math.round(${x}))`;

/** The table: every elementwise primitive, rows in catalog order (unary, binary, compare, select, convert). */
export const EXPRESSIONS: ExpressionTable = {
  neg: (d, x) => wrap(d, `-(${x})`),
  /** sign(0) = 0 (and sign(-0) = -0), sign(NaN) = NaN; Math.sign gives exactly that, and 0/1 for uint32. */
  sign: call('Math.sign'),
  floor: call('Math.floor'),
  ceil: call('Math.ceil'),
  round: (_d, x) => roundHalfEven(x),
  /** abs of int32's minimum wraps back to itself, as in two's complement (and XLA). */
  abs: (d, x) => (d === 'uint32' || d === 'uint8' || d === 'uint16' ? `(${x})` : wrap(d, `Math.abs(${x})`)),
  exp: math('exp', 'Math.exp'),
  log: math('log', 'Math.log'),
  expm1: math('expm1', 'Math.expm1'),
  log1p: math('log1p', 'Math.log1p'),
  sin: math('sin', 'Math.sin'),
  cos: math('cos', 'Math.cos'),
  /** float64 Math.tan on every float dtype (the float32 library has no tan; rounding it to float32 is within an ulp). */
  tan: call('Math.tan'),
  tanh: math('tanh', 'Math.tanh'),
  sqrt: call('Math.sqrt'),
  /** Logical not on bool, bitwise not on integers. */
  not: (d, x) => (d === 'bool' ? `((${x}) ^ 1)` : wrap(d, `~(${x})`)),
  /** Special functions: float64 scalar helpers (special.ts), reached through the loop's helper object S. */
  erf: math('erf', 'S.erf'), erfc: call('S.erfc'), lgamma: call('S.lgamma'), digamma: call('S.digamma'),

  /** On bool, add is logical or and mul is logical and (as in JAX); integers wrap mod 2^32. */
  add: (d, a, b) => (d === 'bool' ? `((${a}) | (${b}))` : wrap(d, `(${a}) + (${b})`)),
  sub: (d, a, b) => wrap(d, `(${a}) - (${b})`),
  /** Math.imul is the exact low 32 bits of the product; a double product would lose them past 2^53. */
  mul: (d, a, b) =>
    d === 'bool' ? `((${a}) & (${b}))`
    : d === 'int32' ? `Math.imul(${a}, ${b})`
    : d === 'uint32' ? `(Math.imul(${a}, ${b}) >>> 0)`
    : isSmallInt(d) ? wrap(d, `Math.imul(${a}, ${b})`)
    : `((${a}) * (${b}))`,
  /**
   * Integer division truncates toward zero (C, XLA). The double quotient of two 32-bit integers
   * never rounds across an integer, so truncating it is exact. Division by zero gives ±Infinity or
   * NaN, which `|0` / `>>>0` turn into 0: integer x / 0 is 0 here (XLA leaves it
   * implementation-defined). int32 min / -1 wraps to int32 min, as in XLA.
   */
  div: (d, a, b) => (isFloat(d) ? `((${a}) / (${b}))` : wrap(d, `(${a}) / (${b})`)),
  /** C fmod: the result has the dividend's sign (JS `%` is exactly that). Integer x rem 0 is 0. */
  rem: (d, a, b) => (isFloat(d) ? `((${a}) % (${b}))` : wrap(d, `(${a}) % (${b})`)),
  /** C/IEEE pow: pow(1, y) = 1 and pow(-1, ±inf) = 1 even where JS's Math.pow says NaN. */
  pow: (d, a, b) => {
    const p = `((${a}) === 1 || ((${a}) === -1 && ((${b}) === Infinity || (${b}) === -Infinity)) ? 1 : Math.pow(${a}, ${b}))`;
    return isSmallInt(d) ? wrap(d, p) : p;
  },
  /** max/min propagate NaN on floats (Math.max/min do); on ints and bools a comparison suffices. */
  max: (d, a, b) => (isFloat(d) ? `Math.max(${a}, ${b})` : `((${a}) > (${b}) ? (${a}) : (${b}))`),
  min: (d, a, b) => (isFloat(d) ? `Math.min(${a}, ${b})` : `((${a}) < (${b}) ? (${a}) : (${b}))`),
  atan2: (_d, a, b) => `Math.atan2(${a}, ${b})`,
  /** Bitwise on the 32-bit pattern; on bool (0/1) that is logical and/or. */
  and: (d, a, b) => (d === 'uint32' ? `(((${a}) & (${b})) >>> 0)` : `((${a}) & (${b}))`),
  or: (d, a, b) => (d === 'uint32' ? `(((${a}) | (${b})) >>> 0)` : `((${a}) | (${b}))`),
  /**
   * Logical right shift of the 32-bit pattern. JS masks the shift amount to 5 bits; XLA gives 0
   * for a shift of 32 or more (and for a negative int32 shift, which is huge as unsigned).
   */
  shift_right_logical: (d, a, b) => {
    if (d === 'uint32') return `((${b}) >= 32 ? 0 : (${a}) >>> (${b}))`;
    if (d === 'int32') return `(((${b}) >>> 0) >= 32 ? 0 : ((${a}) >>> (${b})) | 0)`;
    // Narrow types shift their own bit pattern (int8 -1 is 0xff: >> 1 gives 0x7f = 127).
    const w = bitWidth(d);
    return `(((${b}) >>> 0) >= ${w} ? 0 : ${wrap(d, `((${a}) & ${2 ** w - 1}) >>> (${b})`)})`;
  },

  /** Comparisons give bool results, as 0/1. NaN compares unequal to everything, itself included. */
  eq: cmp('==='), ne: cmp('!=='), lt: cmp('<'), le: cmp('<='), gt: cmp('>'), ge: cmp('>='),

  select: (_d, p, t, f) => `((${p}) !== 0 ? (${t}) : (${f}))`,

  /**
   * convert_element_type. Float → int truncates toward zero, saturates at the type's range and maps
   * NaN to 0 (XLA's rule: Math.max/min pass NaN through and `|0` turns it into 0). Int ↔ int
   * wraps modulo the destination's width (int32 -1 → uint32 4294967295, int32 300 → int8 44, as
   * XLA and NumPy's astype). Anything → bool is x != 0, so NaN → true.
   */
  convert_element_type: (d, x, to) => {
    if (d === to) return `(${x})`;
    switch (to) {
      case 'bool': return `(+((${x}) !== 0))`;
      case 'float16': case 'float32': case 'float64': return `(${x})`;
      default: {
        if (!isFloat(d)) return wrap(to, x);
        const [lo, hi] = INT_BOUNDS[to as IntDType];
        return wrap(to, `Math.min(Math.max(${x}, ${lo}), ${hi})`);
      }
    }
  },
};

/** Rounds an expression's value into `d` where the table leaves it unrounded (float32 and float16). */
export const roundTo = (d: DType, e: string): string => (d === 'float32' ? `Math.fround(${e})` : d === 'float16' ? `S.f16round(${e})` : e);
/** A load from storage of `d` as its value: float16 storage holds bits (`S` is special.ts's SPECIAL). */
export const loadExpr = (d: DType, e: string): string => (d === 'float16' ? `S.f16val(${e})` : e);
/** A value as what storage of `d` holds (float16: its bits, rounded from the double); other stores round or wrap themselves. */
export const storeExpr = (d: DType, e: string): string => (d === 'float16' ? `S.f16bits(${e})` : e);

/** The JS expression of one application of an elementwise primitive (see elementwise.ts's elementwiseExpr). */
export const jsExpr = (prim: ElementwisePrimitive, inDtype: DType, outDtype: DType, operands: readonly string[]): string =>
  elementwiseExpr(EXPRESSIONS, prim, inDtype, outDtype, operands);
