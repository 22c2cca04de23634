// The primitive test table: hand-checked inputs and expected outputs for every array primitive.
// Plain data shared by every backend: the CPU runs it in test/primitives.test.ts, WebGPU the same rows.
import { DType, storageOf, TypedArray } from '../../src/core/dtype.js';
import type { ArrayPrimitive, ComparePrimitive, Params } from '../../src/core/primitives.js';

export type Nested = number | boolean | readonly Nested[];
/** An array written out: its dtype, its shape and its values as nested JS arrays (bools as true/false). */
export interface ArraySpec { readonly dtype: DType; readonly shape: readonly number[]; readonly values: Nested }
/** Floats pass when |actual - expected| <= atol + rtol·|expected|; NaN matches NaN, ±Infinity itself. Ints and bools are exact. */
export interface Tolerance { readonly rtol: number; readonly atol: number }

/** The first element outside |a − e| ≤ atol + rtol·|e| (NaN matches NaN, infinities themselves; ints and bools exact), or null. */
export function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: DType, tol: Tolerance): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const ok = dtype === 'float32' || dtype === 'float64' || dtype === 'float16'
      ? (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))
      : a === e;
    if (!ok) return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}
export interface PrimitiveCase<P extends ArrayPrimitive = ArrayPrimitive> {
  readonly name: string;
  readonly inputs: readonly ArraySpec[];
  readonly params: Params<P>;
  readonly expected: readonly ArraySpec[];
  readonly tol: Tolerance;
  /** Set where standard ONNX cannot express the row: the ONNX test then expects this OnnxLoweringError text instead. */
  readonly noOnnx?: string;
}
/** The row, marked as one the ONNX exporter refuses with an error containing `why`. */
const noOnnx = <P extends ArrayPrimitive>(c: PrimitiveCase<P>, why: string): PrimitiveCase<P> => ({ ...c, noOnnx: why });
/** Linear-algebra rows: no ONNX lowering exists for any of them. */
const noOnnxLinalg = <P extends ArrayPrimitive>(rows: PrimitiveCase<P>[], what: string): PrimitiveCase<P>[] => rows.map((c) => noOnnx(c, what));

/** The shape nested arrays spell out; `[]` alone is shape [0]. */
function shapeOfNested(v: Nested): number[] {
  return Array.isArray(v) ? [v.length, ...(v.length ? shapeOfNested(v[0] as Nested) : [])] : [];
}
const spec = (dtype: DType) => (values: Nested, shape?: readonly number[]): ArraySpec => ({ dtype, shape: shape ?? shapeOfNested(values), values });
const f32 = spec('float32'), f64 = spec('float64'), i32 = spec('int32'), u32 = spec('uint32'), bool = spec('bool');
const T = true, F = false, NaN_ = Number.NaN, Inf = Number.POSITIVE_INFINITY;

/** erf(x) for x ≥ 0 by composite Simpson's rule on 2/√π·e^{−t²} (4000 panels: error below 1e-15). */
function erfByQuadrature(x: number): number {
  const n = 4000, h = x / n, f = (t: number) => Math.exp(-t * t);
  let s = f(0) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(i * h);
  return (2 / Math.sqrt(Math.PI)) * (s * h) / 3;
}
/** The asymptotic expansion of erfc to the x⁻⁸ term. */
const erfcTail = (x: number): number => {
  const r = 1 / (2 * x * x);
  return Math.exp(-x * x) / (x * Math.sqrt(Math.PI)) * (1 - r + 3 * r * r - 15 * r ** 3 + 105 * r ** 4);
};
const logFactorial = (n: number): number => { let s = 0; for (let k = 2; k <= n; k++) s += Math.log(k); return s; };
const EULER = 0.5772156649015329;
const harmonic = (n: number): number => { let s = 0; for (let k = 1; k <= n; k++) s += 1 / k; return s; };
/** ψ(n + ½) = ψ(½) + Σ_{k<n} 1/(k + ½). */
const digammaHalfInteger = (x: number): number => { let s = -EULER - 2 * Math.LN2; for (let y = 0.5; y < x; y++) s += 1 / y; return s; };

/** Row-major values of a spec, checked against its shape (so a mistyped row fails loudly, not silently). */
export function flatValues(s: ArraySpec): number[] {
  const out: number[] = [];
  const walk = (v: Nested, axis: number): void => {
    if (axis === s.shape.length) {
      if (Array.isArray(v)) throw new Error(`values nest deeper than shape [${s.shape.join(', ')}]`);
      out.push(Number(v));
      return;
    }
    if (!Array.isArray(v) || v.length !== s.shape[axis]) throw new Error(`values do not match shape [${s.shape.join(', ')}] at axis ${axis}`);
    for (const x of v) walk(x as Nested, axis + 1);
  };
  // An empty array may be written `[]` whatever its shape.
  if (s.shape.includes(0) && Array.isArray(s.values) && s.values.length === 0) return [];
  walk(s.values, 0);
  return out;
}

const DEFAULT_TOL: Record<DType, Tolerance> = {
  float32: { rtol: 1e-6, atol: 1e-6 }, float64: { rtol: 1e-12, atol: 1e-12 },
  int32: { rtol: 0, atol: 0 }, uint32: { rtol: 0, atol: 0 }, bool: { rtol: 0, atol: 0 },
  int8: { rtol: 0, atol: 0 }, int16: { rtol: 0, atol: 0 }, uint8: { rtol: 0, atol: 0 }, uint16: { rtol: 0, atol: 0 },
  // float16 rows give values a float16 holds exactly (both backends round every result to float16).
  float16: { rtol: 0, atol: 0 },
};
const EXACT: Tolerance = { rtol: 0, atol: 0 };

function row<P extends ArrayPrimitive>(name: string, inputs: ArraySpec[], params: Params<P>, expected: ArraySpec | ArraySpec[], tol?: Tolerance): PrimitiveCase<P> {
  const outs = Array.isArray(expected) ? expected : [expected];
  return { name, inputs, params, expected: outs, tol: tol ?? DEFAULT_TOL[outs[0]!.dtype] };
}
/** A row of a primitive without params (elementwise ops, threefry). */
const ew = <P extends ArrayPrimitive>(name: string, inputs: ArraySpec[], expected: ArraySpec | ArraySpec[], tol?: Tolerance): PrimitiveCase<P> =>
  row<P>(name, inputs, {} as Params<P>, expected, tol);

/** The six comparisons share their inputs, one pair per dtype; each op lists its expected results. */
const CMP_INPUTS: Partial<Record<DType, [ArraySpec, ArraySpec]>> = {
  float32: [f32([1, 2, NaN_, -0, Inf]), f32([1, 3, NaN_, 0, Inf])],
  float64: [f64([0.1, -Inf, 5, NaN_]), f64([0.2, -Inf, 4, 1])],
  int32: [i32([-1, 5, 3]), i32([1, 5, -3])],
  uint32: [u32([4294967295, 0, 7]), u32([1, 0, 7])],
  bool: [bool([T, F, T, F]), bool([F, F, T, T])],
};
const compareRows = <P extends ArrayPrimitive>(expected: Partial<Record<DType, boolean[]>>): PrimitiveCase<P>[] =>
  (Object.keys(expected) as DType[]).map((d) => ew<P>(d, CMP_INPUTS[d]!, bool(expected[d]!)));

const axes = (...a: number[]) => ({ axes: a });
const to = (newDtype: DType) => ({ newDtype, weakType: false });
const contract = (l: number[], r: number[], bl: number[] = [], br: number[] = []) =>
  ({ dimensionNumbers: { contracting: [l, r] as const, batch: [bl, br] as const } });
/** conv_general_dilated params in NC…/OI…/NC… layout. */
const conv1 = (windowStrides: number[], padding: [number, number][], lhsDilation = windowStrides.map(() => 1), rhsDilation = windowStrides.map(() => 1)) => {
  const axes = [0, 1, ...windowStrides.map((_, i) => 2 + i)];
  return { windowStrides, padding, lhsDilation, rhsDilation, dimensionNumbers: { lhs: axes, rhs: axes, out: axes }, featureGroupCount: 1, batchGroupCount: 1 };
};
/** Window params over every axis. */
const win = (windowDimensions: number[], windowStrides: number[], padding: [number, number][], baseDilation = windowDimensions.map(() => 1), windowDilation = windowDimensions.map(() => 1)) =>
  ({ windowDimensions, windowStrides, padding, baseDilation, windowDilation });
/** 0..23 as int32[2,3,4]: x[i][j][k] = 12i + 4j + k. */
const X234 = i32([[[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]], [[12, 13, 14, 15], [16, 17, 18, 19], [20, 21, 22, 23]]]);
const M23 = [[1, 2, 3], [4, 5, 6]], M32 = [[7, 8], [9, 10], [11, 12]];

export const PRIMITIVE_CASES: { [P in ArrayPrimitive]: PrimitiveCase<P>[] } = {
  // ---- unary ------------------------------------------------------------------------------------
  neg: [
    ew('f32 with specials', [f32([1.5, -2, 0, Inf, NaN_])], f32([-1.5, 2, -0, -Inf, NaN_])),
    ew('f64 scalar', [f64(3.25)], f64(-3.25)),
    ew('i32 wraps at the minimum', [i32([1, -7, 0, 2147483647, -2147483648])], i32([-1, 7, 0, -2147483647, -2147483648])),
    ew('u32 wraps mod 2^32', [u32([0, 1, 4294967295])], u32([0, 4294967295, 1])),
    ew('empty', [f32([], [0])], f32([], [0])),
  ],
  sign: [
    ew('f32', [f32([-2.5, 0, 3, -Inf, NaN_])], f32([-1, 0, 1, -1, NaN_])),
    ew('f64 2-d', [f64([[-0.1, 0.1]])], f64([[-1, 1]])),
    ew('i32', [i32([-5, 0, 9])], i32([-1, 0, 1])),
    ew('u32', [u32([0, 7, 4294967295])], u32([0, 1, 1])),
    ew('f32 scalar', [f32(-0.5)], f32(-1)),
  ],
  floor: [
    ew('f32', [f32([1.5, -1.5, 2, -0.25, Inf, NaN_])], f32([1, -2, 2, -1, Inf, NaN_])),
    ew('f64', [f64([[2.999], [-3.001]])], f64([[2], [-4]])),
    ew('f32 scalar', [f32(-0.5)], f32(-1)),
    ew('empty', [f64([], [0, 2])], f64([], [0, 2])),
  ],
  ceil: [
    ew('f32', [f32([1.5, -1.5, 2, -0.25, -Inf])], f32([2, -1, 2, -0, -Inf])),
    ew('f64', [f64([0.001, NaN_])], f64([1, NaN_])),
  ],
  round: [
    ew('f32 halves go to even', [f32([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -2.6])], f32([0, 2, 2, -0, -2, -2, 2, 3, -3])),
    ew('f64 specials', [f64([3.5, 4.5, 1e300, NaN_, -Inf, 0.49999999999999994])], f64([4, 4, 1e300, NaN_, -Inf, 0])),
  ],
  abs: [
    ew('f32', [f32([-1.5, 2, -0, -Inf, NaN_])], f32([1.5, 2, 0, Inf, NaN_])),
    ew('f64 scalar', [f64(-7.25)], f64(7.25)),
    ew('i32 minimum wraps to itself', [i32([-3, 4, -2147483648])], i32([3, 4, -2147483648])),
    ew('u32 is the identity', [u32([4294967295, 3])], u32([4294967295, 3])),
  ],
  exp: [
    ew('f32', [f32([0, 1, -1, -Inf, Inf, NaN_])], f32([1, 2.718281828459045, 0.36787944117144233, 0, Inf, NaN_])),
    ew('f64', [f64([2, 0.5])], f64([7.38905609893065, 1.6487212707001282])),
  ],
  log: [
    ew('f32', [f32([1, 0, -1, Inf, 4])], f32([0, -Inf, NaN_, Inf, 1.3862943611198906])),
    ew('f64', [f64([10, 0.5])], f64([2.302585092994046, -0.6931471805599453])),
  ],
  expm1: [
    // Near 0 expm1 keeps the digits exp(x) - 1 loses: expm1(1e-10) = 1e-10 + 5e-21.
    ew('f64 keeps small arguments exact', [f64([1e-10, 0, -Inf, 1])], f64([1.00000000005e-10, 0, -1, 1.718281828459045]), { rtol: 1e-12, atol: 0 }),
    ew('f32', [f32([0.5, -0.5])], f32([0.6487212707001282, -0.3934693402873666])),
  ],
  log1p: [
    ew('f64 keeps small arguments exact', [f64([1e-10, 0, -1, 1])], f64([9.9999999995e-11, 0, -Inf, 0.6931471805599453]), { rtol: 1e-12, atol: 0 }),
    ew('f32', [f32([-2, 3])], f32([NaN_, 1.3862943611198906])),
  ],
  sin: [
    ew('f64', [f64([0, 1.5707963267948966, 0.5235987755982988, -1, Inf])], f64([0, 1, 0.49999999999999994, -0.8414709848078965, NaN_])),
    ew('f32', [f32([1, 2])], f32([0.8414709848078965, 0.9092974268256817])),
  ],
  cos: [
    ew('f64', [f64([0, 3.141592653589793, 1, Inf])], f64([1, -1, 0.5403023058681398, NaN_])),
    ew('f32', [f32([0.5])], f32([0.8775825618903728])),
  ],
  // Table values: tan 1 = 1.5574077246549022305…, tan ½ = 0.5463024898437905132…, tan(±π/4) = ±1; tan(∞) is NaN.
  tan: [
    ew('f64', [f64([0, 1, -0.5, 0.7853981633974483, -0.7853981633974483, Inf])], f64([0, 1.5574077246549023, -0.5463024898437905, 1, -1, NaN_]), { rtol: 1e-15, atol: 0 }),
    ew('f32', [f32([1, 0.5])], f32([1.5574077246549023, 0.5463024898437905])),
  ],
  tanh: [
    ew('f64', [f64([0, 1, -1, Inf, -Inf, 20])], f64([0, 0.7615941559557649, -0.7615941559557649, 1, -1, 1])),
    ew('f32', [f32([0.5])], f32([0.46211715726000974])),
    ew('empty', [f32([], [2, 0])], f32([], [2, 0])),
  ],
  sqrt: [
    ew('f32', [f32([4, 2, 0, -1, Inf])], f32([2, 1.4142135623730951, 0, NaN_, Inf])),
    ew('f64', [f64([[0.25, 1e-300]])], f64([[0.5, 1e-150]])),
    ew('f64 scalar', [f64(9)], f64(3)),
  ],
  not: [
    ew('bool', [bool([T, F])], bool([F, T])),
    ew('i32 is bitwise', [i32([0, -1, 5])], i32([-1, 0, -6])),
    ew('u32 is bitwise', [u32([0, 4294967295, 5])], u32([4294967295, 0, 4294967290])),
  ],
  // References from the definitions: erf by Simpson's rule on 2/√π·e^{−t²}; Γ(n) = (n−1)!,
  // Γ(½) = √π, Γ(x+1) = xΓ(x); ψ(n) = −γ + Σ_{k<n} 1/k, ψ(½) = −γ − 2 ln 2, ψ(x+1) = ψ(x) + 1/x.
  erf: [
    ew('f64', [f64([0, 0.1, 0.5, 1, -1.7, 2.5, 3.5, -6, Inf, -Inf, NaN_])], f64([0, erfByQuadrature(0.1), erfByQuadrature(0.5), erfByQuadrature(1), -erfByQuadrature(1.7), erfByQuadrature(2.5), erfByQuadrature(3.5), -1, 1, -1, NaN_]), { rtol: 1e-14, atol: 1e-16 }),
    ew('f32', [f32([0.25, -1.2, 2.2, 3, 5])], f32([erfByQuadrature(0.25), -erfByQuadrature(1.2), erfByQuadrature(2.2), erfByQuadrature(3), 1]), { rtol: 2e-6, atol: 1e-7 }),
  ],
  erfc: [
    // erfc(x) = 1 − erf(x) below 1; far out the tail e^{−x²}/(x√π)·(1 − 1/(2x²) + 3/(4x⁴) − 15/(8x⁶) + 105/(16x⁸)) at x = 12 is exact to 1e-9.
    ew('f64', [f64([0, -1, 0.5, 12, 30, -Inf, Inf, NaN_])], f64([1, 1 + erfByQuadrature(1), 1 - erfByQuadrature(0.5), erfcTail(12), 0, 2, 0, NaN_]), { rtol: 1e-9, atol: 1e-300 }),
    ew('f32', [f32([0.3, -2, 1])], f32([1 - erfByQuadrature(0.3), 1 + erfByQuadrature(2), 1 - erfByQuadrature(1)]), { rtol: 2e-6, atol: 1e-7 }),
    ew('f32 tail', [f32([4])], f32([erfcTail(4)]), { rtol: 2e-4, atol: 0 }),
  ],
  lgamma: [
    ew('f64', [f64([1, 2, 5, 0.5, 1.5, -0.5, 100, 0, -3, Inf, NaN_])],
      f64([0, 0, Math.log(24), Math.log(Math.sqrt(Math.PI)), Math.log(Math.sqrt(Math.PI) / 2), Math.log(2 * Math.sqrt(Math.PI)), logFactorial(99), Inf, Inf, Inf, NaN_]), { rtol: 1e-13, atol: 1e-14 }),
    ew('f32', [f32([3, 0.5, -1.5, 30])], f32([Math.log(2), Math.log(Math.sqrt(Math.PI)), Math.log(4 * Math.sqrt(Math.PI) / 3), logFactorial(29)]), { rtol: 2e-6, atol: 2e-6 }),
  ],
  digamma: [
    ew('f64', [f64([1, 0.5, 1.5, -0.5, 20, 0, -2, Inf, NaN_])],
      f64([-EULER, -EULER - 2 * Math.LN2, 2 - EULER - 2 * Math.LN2, 2 - EULER - 2 * Math.LN2, harmonic(19) - EULER, NaN_, NaN_, Inf, NaN_]), { rtol: 1e-13, atol: 1e-14 }),
    ew('f32', [f32([1, 3, 0.5, 12.5])], f32([-EULER, 1.5 - EULER, -EULER - 2 * Math.LN2, digammaHalfInteger(12.5)]), { rtol: 2e-6, atol: 2e-6 }),
  ],

  // ---- binary -----------------------------------------------------------------------------------
  add: [
    ew('f32 with specials', [f32([1.5, -2, Inf, Inf, NaN_]), f32([2.25, 2, 1, -Inf, 1])], f32([3.75, 0, Inf, NaN_, NaN_])),
    ew('f32 rounds to float32', [f32([16777216]), f32([1])], f32([16777216]), EXACT),
    ew('f64', [f64([[0.1, 1e16]]), f64([[0.2, 1]])], f64([[0.30000000000000004, 1e16]]), EXACT),
    ew('i32 wraps', [i32([2147483647, -5, 7]), i32([1, 3, -7])], i32([-2147483648, -2, 0])),
    ew('u32 wraps', [u32([4294967295, 3]), u32([1, 4])], u32([0, 7])),
    ew('bool is or', [bool([T, T, F, F]), bool([T, F, T, F])], bool([T, T, T, F])),
    ew('i32 scalars', [i32(2), i32(3)], i32(5)),
    ew('empty', [f32([], [0, 3]), f32([], [0, 3])], f32([], [0, 3])),
  ],
  sub: [
    ew('f32', [f32([5, 1, Inf]), f32([2.5, 3, Inf])], f32([2.5, -2, NaN_])),
    ew('f64', [f64([1]), f64([0.9])], f64([0.09999999999999998]), EXACT),
    ew('i32 wraps', [i32([-2147483648, 5]), i32([1, 10])], i32([2147483647, -5])),
    ew('u32 wraps', [u32([0, 10]), u32([1, 3])], u32([4294967295, 7])),
    ew('empty', [i32([], [0]), i32([], [0])], i32([], [0])),
  ],
  mul: [
    ew('f32', [f32([1.5, -2, 0, Inf]), f32([2, 3, Inf, -1])], f32([3, -6, NaN_, -Inf])),
    ew('f64 overflows to inf', [f64([1e200, 3]), f64([1e200, 0.5])], f64([Inf, 1.5])),
    // Exact low 32 bits: 65536² = 2^32 → 0; 123456789000 mod 2^32 = 3197704712 → -1097262584.
    ew('i32 keeps the low 32 bits', [i32([65536, -3, 123456789, 46341]), i32([65536, 7, 1000, 46341])], i32([0, -21, -1097262584, -2147479015])),
    ew('u32 keeps the low 32 bits', [u32([4294967295, 65537]), u32([4294967295, 65537])], u32([1, 131073])),
    ew('bool is and', [bool([T, T, F]), bool([T, F, F])], bool([T, F, F])),
    ew('f64 scalars', [f64(-1.5), f64(4)], f64(-6)),
  ],
  div: [
    ew('f32', [f32([7, -7, 1, -1, 0]), f32([2, 2, 0, 0, 0])], f32([3.5, -3.5, Inf, -Inf, NaN_])),
    ew('f64', [f64([1]), f64([3])], f64([0.3333333333333333]), EXACT),
    // Truncates toward zero; x / 0 is 0; int32 min / -1 wraps to int32 min.
    ew('i32 truncates', [i32([7, -7, 7, -7, 5, -2147483648]), i32([2, 2, -2, -2, 0, -1])], i32([3, -3, -3, 3, 0, -2147483648])),
    ew('u32', [u32([7, 4294967295, 9]), u32([2, 2, 0])], u32([3, 2147483647, 0])),
  ],
  rem: [
    ew('f32 takes the dividend sign', [f32([5.5, -5.5, 5.5, 1, Inf]), f32([2, 2, -2, 0, 2])], f32([1.5, -1.5, 1.5, NaN_, NaN_])),
    ew('f64 x rem inf is x', [f64([7.5]), f64([Inf])], f64([7.5])),
    ew('i32 takes the dividend sign', [i32([7, -7, 7, -7, 5, -2147483648]), i32([3, 3, -3, -3, 0, -1])], i32([1, -1, 1, -1, 0, 0])),
    ew('u32', [u32([4294967295, 10]), u32([10, 0])], u32([5, 0])),
  ],
  pow: [
    ew('f32', [f32([2, 4, 2, -2, 0, -2]), f32([10, 0.5, -1, 3, 0, 0.5])], f32([1024, 2, 0.5, -8, 1, NaN_])),
    ew('f64 IEEE special cases', [f64([1, -1, 1, 2, NaN_]), f64([NaN_, Inf, Inf, -Inf, 0])], f64([1, 1, 1, 0, 1])),
  ],
  max: [
    ew('f32 propagates NaN', [f32([1, -2, NaN_, 3]), f32([2, -3, 1, NaN_])], f32([2, -2, NaN_, NaN_])),
    ew('f64', [f64([-Inf]), f64([-1e308])], f64([-1e308])),
    ew('i32', [i32([-5, 7]), i32([3, -8])], i32([3, 7])),
    ew('u32 is unsigned', [u32([4294967295, 0]), u32([1, 0])], u32([4294967295, 0])),
    ew('bool', [bool([T, F, F]), bool([F, T, F])], bool([T, T, F])),
  ],
  min: [
    ew('f32 propagates NaN', [f32([1, -2, NaN_, 3]), f32([2, -3, 1, NaN_])], f32([1, -3, NaN_, NaN_])),
    ew('f64', [f64([Inf]), f64([1e308])], f64([1e308])),
    ew('i32', [i32([-5, 7]), i32([3, -8])], i32([-5, -8])),
    ew('u32 is unsigned', [u32([4294967295, 0]), u32([1, 0])], u32([1, 0])),
    ew('bool', [bool([T, F, T]), bool([F, T, T])], bool([F, F, T])),
  ],
  atan2: [
    ew('f64 quadrants', [f64([1, 1, -1, 0, 0]), f64([1, -1, -1, -1, 1])], f64([0.7853981633974483, 2.356194490192345, -2.356194490192345, 3.141592653589793, 0])),
    ew('f32', [f32([1]), f32([0])], f32([1.5707963267948966])),
  ],
  and: [
    ew('bool', [bool([T, T, F, F]), bool([T, F, T, F])], bool([T, F, F, F])),
    ew('i32 bitwise', [i32([12, -1, -8]), i32([10, 5, 7])], i32([8, 5, 0])),
    ew('u32 bitwise', [u32([4294967295, 12]), u32([2147483648, 10])], u32([2147483648, 8])),
  ],
  or: [
    ew('bool', [bool([T, T, F, F]), bool([T, F, T, F])], bool([T, T, T, F])),
    ew('i32 bitwise', [i32([12, -8]), i32([3, 3])], i32([15, -5])),
    ew('u32 bitwise', [u32([2147483648, 12]), u32([1, 3])], u32([2147483649, 15])),
  ],
  shift_right_logical: [
    ew('u32; shifts of 32 or more give 0', [u32([4294967295, 256, 1, 5]), u32([28, 4, 32, 0])], u32([15, 16, 0, 5])),
    ew('i32 shifts the bit pattern', [i32([-1, -8, 256, 7]), i32([28, 1, 33, -1])], i32([15, 2147483644, 0, 0])),
  ],

  // ---- comparisons (inputs per dtype in CMP_INPUTS) ----------------------------------------------
  eq: compareRows({ float32: [T, F, F, T, T], float64: [F, T, F, F], int32: [F, T, F], uint32: [F, T, T], bool: [F, T, T, F] }),
  ne: compareRows({ float32: [F, T, T, F, F], float64: [T, F, T, T], int32: [T, F, T], uint32: [T, F, F], bool: [T, F, F, T] }),
  lt: [
    ...compareRows<'lt'>({ float32: [F, T, F, F, F], float64: [T, F, F, F], int32: [T, F, F], uint32: [F, F, F], bool: [F, F, F, T] }),
    ew('scalar', [f64(1), f64(2)], bool(T)),
    ew('empty', [i32([], [0, 2]), i32([], [0, 2])], bool([], [0, 2])),
  ],
  le: compareRows({ float32: [T, T, F, T, T], float64: [T, T, F, F], int32: [T, T, F], uint32: [F, T, T], bool: [F, T, T, T] }),
  gt: compareRows({ float32: [F, F, F, F, F], float64: [F, F, T, F], int32: [F, F, T], uint32: [T, F, F], bool: [T, F, F, F] }),
  ge: compareRows({ float32: [T, F, F, T, T], float64: [F, T, T, F], int32: [F, T, T], uint32: [T, T, T], bool: [T, T, T, F] }),

  // ---- reductions -------------------------------------------------------------------------------
  reduce_sum: [
    row('f32 axis 0', [f32(M23)], axes(0), f32([5, 7, 9])),
    row('f32 axis 1', [f32(M23)], axes(1), f32([6, 15])),
    row('f32 all axes', [f32(M23)], axes(0, 1), f32(21)),
    row('f32 NaN and inf', [f32([[1, NaN_], [Inf, -Inf]])], axes(1), f32([NaN_, NaN_])),
    row('i32 middle axis', [X234], axes(1), i32([[12, 15, 18, 21], [48, 51, 54, 57]])),
    row('i32 outer axes', [X234], axes(0, 2), i32([60, 92, 124])),
    row('i32 leading axis', [X234], axes(0), i32([[12, 14, 16, 18], [20, 22, 24, 26], [28, 30, 32, 34]])),
    row('i32 all', [X234], axes(0, 1, 2), i32(276)),
    row('i32 wraps', [i32([2147483647, 1, 5])], axes(0), i32(-2147483643)),
    row('u32 wraps', [u32([4294967295, 2])], axes(0), u32(1)),
    row('f64 no axes', [f64([[1.5, 2]])], axes(), f64([[1.5, 2]])),
    row('f64 size-1 axes', [f64([[[1], [2], [3]]])], axes(0, 2), f64([1, 2, 3])),
    row('f64 scalar', [f64(4)], axes(), f64(4)),
    row('bool is any', [bool([[F, F], [T, F]])], axes(1), bool([F, T])),
    row('empty reduced axis gives 0', [f32([], [0, 3])], axes(0), f32([0, 0, 0])),
    row('empty kept axis', [f32([], [0, 3])], axes(1), f32([], [0])),
    row('empty to scalar', [i32([], [0])], axes(0), i32(0)),
  ],
  reduce_max: [
    row('f32 propagates NaN', [f32([[1, 5, NaN_], [-Inf, -2, 3]])], axes(1), f32([NaN_, 3])),
    row('f32 axis 0', [f32([[1, 5, NaN_], [-Inf, -2, 3]])], axes(0), f32([1, 5, NaN_])),
    row('f64 empty is -inf', [f64([], [2, 0])], axes(1), f64([-Inf, -Inf])),
    row('i32', [X234], axes(0, 2), i32([15, 19, 23])),
    row('i32 empty is the minimum', [i32([], [0])], axes(0), i32(-2147483648)),
    row('u32 is unsigned', [u32([4294967295, 3])], axes(0), u32(4294967295)),
    row('u32 empty is 0', [u32([], [0])], axes(0), u32(0)),
    row('bool', [bool([[F, F], [T, F]])], axes(1), bool([F, T])),
    row('bool empty', [bool([], [0])], axes(0), bool(F)),
  ],
  reduce_min: [
    row('f32 propagates NaN', [f32([[1, 5, NaN_], [-Inf, -2, 3]])], axes(1), f32([NaN_, -Inf])),
    row('f32 empty is +inf', [f32([], [0])], axes(0), f32(Inf)),
    row('f64', [f64([[2.5, -1], [0.5, 7]])], axes(0, 1), f64(-1)),
    row('i32', [X234], axes(1), i32([[0, 1, 2, 3], [12, 13, 14, 15]])),
    row('i32 empty is the maximum', [i32([], [0])], axes(0), i32(2147483647)),
    row('u32 is unsigned', [u32([4294967295, 3])], axes(0), u32(3)),
    row('u32 empty is the maximum', [u32([], [0])], axes(0), u32(4294967295)),
    row('bool', [bool([[T, F], [T, T]])], axes(1), bool([F, T])),
    row('bool empty', [bool([], [0])], axes(0), bool(T)),
  ],
  reduce_prod: [
    row('f32 axis 1', [f32(M23)], axes(1), f32([6, 120])),
    row('f32 all', [f32(M23)], axes(0, 1), f32(720)),
    row('f64 0 · inf', [f64([0, Inf])], axes(0), f64(NaN_)),
    row('f64 empty is 1', [f64([], [0])], axes(0), f64(1)),
    row('i32 signs', [i32([-2, 3, -4])], axes(0), i32(24)),
    row('i32 wraps', [i32([[100000, 100000], [65536, 65536]])], axes(1), i32([1410065408, 0])),
    row('u32 wraps', [u32([[4294967295, 4294967295], [65536, 65537]])], axes(1), u32([1, 65536])),
    row('bool is all', [bool([[T, T, F], [T, T, T]])], axes(1), bool([F, T])),
    row('bool empty', [bool([], [0])], axes(0), bool(T)),
  ],
  argmax: [
    row('f32 first max; NaN wins', [f32([[1, 3, 3], [-1, NaN_, 5]])], { axis: 1, indexDtype: 'int32' }, i32([1, 1])),
    row('f32 axis 0', [f32([[1, 3, 3], [-1, NaN_, 5]])], { axis: 0, indexDtype: 'int32' }, i32([0, 1, 1])),
    row('f64 first NaN', [f64([NaN_, NaN_, 1])], { axis: 0, indexDtype: 'int32' }, i32(0)),
    row('i32 middle axis', [i32([[[1, 9], [5, 2], [5, 8]], [[0, 0], [-1, 3], [7, 3]]])], { axis: 1, indexDtype: 'int32' }, i32([[1, 0], [2, 1]])),
    row('i32 into uint32', [i32([-5, 7, 7, -9])], { axis: 0, indexDtype: 'uint32' }, u32(1)),
    row('u32 is unsigned', [u32([4294967295, 1])], { axis: 0, indexDtype: 'int32' }, i32(0)),
    row('bool', [bool([F, T, T])], { axis: 0, indexDtype: 'int32' }, i32(1)),
    row('empty outer axis', [f32([], [0, 3])], { axis: 1, indexDtype: 'int32' }, i32([], [0])),
  ],
  argmin: [
    row('f32 first min; NaN wins', [f32([[1, 3, 3], [-1, NaN_, 5]])], { axis: 1, indexDtype: 'int32' }, i32([0, 1])),
    row('f32 axis 0', [f32([[1, 3, 3], [-1, NaN_, 5]])], { axis: 0, indexDtype: 'int32' }, i32([1, 1, 0])),
    row('f64 ties take the first', [f64([2, 1, 1])], { axis: 0, indexDtype: 'int32' }, i32(1)),
    row('i32 middle axis', [i32([[[1, 9], [5, 2], [5, 8]], [[0, 0], [-1, 3], [7, 3]]])], { axis: 1, indexDtype: 'uint32' }, u32([[0, 1], [1, 0]])),
    row('u32 is unsigned', [u32([4294967295, 1])], { axis: 0, indexDtype: 'int32' }, i32(1)),
    row('bool', [bool([T, F, F])], { axis: 0, indexDtype: 'int32' }, i32(1)),
    row('empty trailing axis', [f32([], [3, 0])], { axis: 0, indexDtype: 'int32' }, i32([], [0])),
  ],

  // ---- other elementwise ------------------------------------------------------------------------
  select: [
    ew('f32', [bool([T, F, T]), f32([1, 2, 3]), f32([-1, -2, -3])], f32([1, -2, 3])),
    ew('f64 keeps NaN cases', [bool([[F, T]]), f64([[NaN_, 1]]), f64([[0.5, NaN_]])], f64([[0.5, 1]])),
    ew('i32', [bool([F, F]), i32([1, 2]), i32([-7, 8])], i32([-7, 8])),
    ew('u32', [bool([T, F]), u32([4294967295, 2]), u32([3, 4])], u32([4294967295, 4])),
    ew('bool', [bool([T, F]), bool([F, F]), bool([T, T])], bool([F, T])),
    ew('scalar', [bool(T), i32(5), i32(6)], i32(5)),
    ew('empty', [bool([], [0]), f32([], [0]), f32([], [0])], f32([], [0])),
  ],
  convert_element_type: [
    // Float → int truncates toward zero, saturates, and sends NaN to 0.
    row('f32 → i32', [f32([1.9, -1.9, 0.5, NaN_, Inf, -Inf, 3e9, -3e9])], to('int32'), i32([1, -1, 0, 0, 2147483647, -2147483648, 2147483647, -2147483648])),
    row('f64 → u32', [f64([3.7, -1, 4294967295.5, 5e9, NaN_])], to('uint32'), u32([3, 0, 4294967295, 4294967295, 0])),
    row('f64 → i32 of -0.5', [f64([-0.5])], to('int32'), i32([0])),
    row('i32 → f32 rounds', [i32([16777217, -3])], to('float32'), f32([16777216, -3]), EXACT),
    row('i32 → u32 reinterprets', [i32([-1, 5])], to('uint32'), u32([4294967295, 5])),
    row('u32 → i32 reinterprets', [u32([4294967295, 2147483648])], to('int32'), i32([-1, -2147483648])),
    row('u32 → f64', [u32([4294967295])], to('float64'), f64([4294967295]), EXACT),
    row('bool → f32', [bool([T, F])], to('float32'), f32([1, 0])),
    row('bool → i32', [bool([T, F])], to('int32'), i32([1, 0])),
    row('f32 → bool is x != 0', [f32([0, -0, 0.5, NaN_, -Inf])], to('bool'), bool([F, F, T, T, T])),
    row('i32 → bool', [i32([0, -3])], to('bool'), bool([F, T])),
    row('u32 → bool', [u32([4294967295, 0])], to('bool'), bool([T, F])),
    row('f64 → f32 rounds', [f64([0.1, 1e40, 1e-50])], to('float32'), f32([0.10000000149011612, Inf, 0]), EXACT),
    row('f32 → f64 is exact', [f32([0.1])], to('float64'), f64([0.10000000149011612]), EXACT),
    row('same dtype', [i32([1, 2])], to('int32'), i32([1, 2])),
    row('scalar', [f64(2.5)], to('float32'), f32(2.5)),
    row('empty', [f32([], [0])], to('int32'), i32([], [0])),
  ],

  // ---- movement ---------------------------------------------------------------------------------
  iota: [
    row('i32', [], { dtype: 'int32', shape: [4], dimension: 0 }, i32([0, 1, 2, 3])),
    row('f32 along axis 1', [], { dtype: 'float32', shape: [2, 3], dimension: 1 }, f32([[0, 1, 2], [0, 1, 2]])),
    row('f64 along axis 0', [], { dtype: 'float64', shape: [2, 3], dimension: 0 }, f64([[0, 0, 0], [1, 1, 1]])),
    row('u32 middle axis', [], { dtype: 'uint32', shape: [2, 2, 2], dimension: 1 }, u32([[[0, 0], [1, 1]], [[0, 0], [1, 1]]])),
    row('empty', [], { dtype: 'int32', shape: [0, 2], dimension: 1 }, i32([], [0, 2])),
  ],
  broadcast_in_dim: [
    row('f32 new leading axis', [f32([1, 2, 3])], { shape: [2, 3], broadcastDimensions: [1] }, f32([M23[0]!, M23[0]!])),
    row('i32 new trailing axis', [i32([1, 2])], { shape: [2, 3], broadcastDimensions: [0] }, i32([[1, 1, 1], [2, 2, 2]])),
    row('f64 scalar', [f64(5)], { shape: [2, 2], broadcastDimensions: [] }, f64([[5, 5], [5, 5]])),
    row('i32 size-1 axis stretches', [i32([[1], [2]])], { shape: [2, 3], broadcastDimensions: [0, 1] }, i32([[1, 1, 1], [2, 2, 2]])),
    row('bool', [bool([[T, F]])], { shape: [3, 2], broadcastDimensions: [0, 1] }, bool([[T, F], [T, F], [T, F]])),
    row('u32 size-1 kept', [u32([7])], { shape: [2, 1, 3], broadcastDimensions: [1] }, u32([[[7, 7, 7]], [[7, 7, 7]]])),
    row('f32 middle axis', [f32([1, 2, 3])], { shape: [2, 3, 2], broadcastDimensions: [1] }, f32([[[1, 1], [2, 2], [3, 3]], [[1, 1], [2, 2], [3, 3]]])),
    row('empty', [f32([], [0])], { shape: [2, 0], broadcastDimensions: [1] }, f32([], [2, 0])),
  ],
  reshape: [
    row('f32', [f32(M23)], { newSizes: [3, 2] }, f32([[1, 2], [3, 4], [5, 6]])),
    row('i32 adds an axis', [i32([1, 2, 3, 4, 5, 6])], { newSizes: [2, 1, 3] }, i32([[[1, 2, 3]], [[4, 5, 6]]])),
    row('bool scalar to [1, 1]', [bool(T)], { newSizes: [1, 1] }, bool([[T]])),
    row('u32 to scalar', [u32([5])], { newSizes: [] }, u32(5)),
    row('f64 empty', [f64([], [0, 3])], { newSizes: [3, 0] }, f64([], [3, 0])),
  ],
  transpose: [
    row('f32 2-d', [f32(M23)], { permutation: [1, 0] }, f32([[1, 4], [2, 5], [3, 6]])),
    row('i32 rotate axes', [X234], { permutation: [2, 0, 1] },
      i32([[[0, 4, 8], [12, 16, 20]], [[1, 5, 9], [13, 17, 21]], [[2, 6, 10], [14, 18, 22]], [[3, 7, 11], [15, 19, 23]]])),
    row('i32 swap leading axes', [X234], { permutation: [1, 0, 2] },
      i32([[[0, 1, 2, 3], [12, 13, 14, 15]], [[4, 5, 6, 7], [16, 17, 18, 19]], [[8, 9, 10, 11], [20, 21, 22, 23]]])),
    row('bool', [bool([[T, F]])], { permutation: [1, 0] }, bool([[T], [F]])),
    row('u32', [u32([[1, 2], [3, 4]])], { permutation: [1, 0] }, u32([[1, 3], [2, 4]])),
    row('f64 empty', [f64([], [0, 2])], { permutation: [1, 0] }, f64([], [2, 0])),
    row('scalar', [f32(3)], { permutation: [] }, f32(3)),
  ],
  slice: [
    row('f32', [f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])], { startIndices: [2], limitIndices: [7], strides: null }, f32([2, 3, 4, 5, 6])),
    row('f32 strided', [f32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])], { startIndices: [1], limitIndices: [8], strides: [3] }, f32([1, 4, 7])),
    row('i32 2-d strided', [i32([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])], { startIndices: [1, 1], limitIndices: [3, 4], strides: [1, 2] }, i32([[6, 8], [10, 12]])),
    row('u32 column', [u32([[1, 2], [3, 4]])], { startIndices: [0, 1], limitIndices: [2, 2], strides: null }, u32([[2], [4]])),
    row('bool', [bool([T, F, T])], { startIndices: [1], limitIndices: [3], strides: null }, bool([F, T])),
    row('f64 empty', [f64([1, 2, 3])], { startIndices: [2], limitIndices: [2], strides: null }, f64([], [0])),
    row('scalar', [i32(4)], { startIndices: [], limitIndices: [], strides: null }, i32(4)),
  ],
  pad: [
    row('f32 low and high', [f32([1, 2, 3]), f32(0)], { config: [[1, 2, 0]] }, f32([0, 1, 2, 3, 0, 0])),
    row('f32 interior', [f32([1, 2, 3]), f32(-1)], { config: [[0, 0, 1]] }, f32([1, -1, 2, -1, 3])),
    row('f64 negative crops', [f64([1, 2, 3, 4, 5]), f64(0)], { config: [[-1, -2, 0]] }, f64([2, 3])),
    row('i32 crop with interior', [i32([1, 2, 3]), i32(9)], { config: [[-1, 1, 1]] }, i32([9, 2, 9, 3, 9])),
    row('i32 2-d', [i32([[1, 2], [3, 4]]), i32(0)], { config: [[1, 0, 0], [0, 1, 1]] }, i32([[0, 0, 0, 0], [1, 0, 2, 0], [3, 0, 4, 0]])),
    row('u32 scalar', [u32(7), u32(1)], { config: [] }, u32(7)),
    row('bool empty operand', [bool([], [0]), bool(T)], { config: [[2, 1, 3]] }, bool([T, T, T])),
    row('f32 cropped to nothing', [f32([1, 2]), f32(0)], { config: [[-2, 0, 0]] }, f32([], [0])),
  ],
  concatenate: [
    row('f32 three pieces', [f32([1, 2]), f32([3]), f32([4, 5, 6])], { dimension: 0 }, f32([1, 2, 3, 4, 5, 6])),
    row('i32 along axis 1', [i32([[1, 2], [3, 4]]), i32([[5], [6]])], { dimension: 1 }, i32([[1, 2, 5], [3, 4, 6]])),
    row('f64 along axis 0', [f64([[1, 2]]), f64([[3, 4], [5, 6]])], { dimension: 0 }, f64([[1, 2], [3, 4], [5, 6]])),
    row('u32 with an empty piece', [u32([1, 2]), u32([], [0])], { dimension: 0 }, u32([1, 2])),
    row('bool single operand', [bool([T, F])], { dimension: 0 }, bool([T, F])),
  ],
  rev: [
    row('f32', [f32([1, 2, 3])], { dimensions: [0] }, f32([3, 2, 1])),
    row('i32 axis 1', [i32(M23)], { dimensions: [1] }, i32([[3, 2, 1], [6, 5, 4]])),
    row('i32 axis 0', [i32(M23)], { dimensions: [0] }, i32([[4, 5, 6], [1, 2, 3]])),
    row('f64 both axes', [f64(M23)], { dimensions: [0, 1] }, f64([[6, 5, 4], [3, 2, 1]])),
    row('u32 no axes', [u32([1, 2])], { dimensions: [] }, u32([1, 2])),
    row('bool', [bool([T, F, F])], { dimensions: [0] }, bool([F, F, T])),
    row('empty', [f32([], [0])], { dimensions: [0] }, f32([], [0])),
    row('scalar', [f64(2)], { dimensions: [] }, f64(2)),
  ],

  // ---- indexing ---------------------------------------------------------------------------------
  gather: [
    row('f32 indices clamp', [f32([10, 20, 30]), i32([2, 0, 2, -1, 5])], { axis: 0 }, f32([30, 10, 30, 10, 30])),
    row('i32 rows with 2-d indices', [i32(M23), i32([[1], [0]])], { axis: 0 }, i32([[[4, 5, 6]], [[1, 2, 3]]])),
    row('f64 axis 1, u32 indices', [f64(M23), u32([2, 2, 0, 4294967295])], { axis: 1 }, f64([[3, 3, 1, 3], [6, 6, 4, 6]])),
    row('scalar index', [i32([7, 8, 9]), i32(1)], { axis: 0 }, i32(8)),
    row('bool', [bool([T, F]), i32([1, 1, 0])], { axis: 0 }, bool([F, F, T])),
    row('u32 empty indices', [u32(M23), i32([], [0])], { axis: 1 }, u32([], [2, 0])),
  ],
  scatter_add: [
    row('f32 duplicates accumulate', [f32([1, 2, 3]), i32([0, 2, 0]), f32([10, 20, 30])], { axis: 0 }, f32([41, 2, 23])),
    row('f32 out of range dropped', [f32([0, 0, 0]), i32([-1, 3, 1]), f32([5, 6, 7])], { axis: 0 }, f32([0, 7, 0])),
    row('f64 axis 1', [f64([[1, 1], [1, 1]]), i32([1, 1]), f64([[1, 2], [3, 4]])], { axis: 1 }, f64([[1, 4], [1, 8]])),
    row('i32 rows', [i32([[0, 0], [0, 0], [0, 0]]), i32([2, 2]), i32([[1, 2], [3, 4]])], { axis: 0 }, i32([[0, 0], [0, 0], [4, 6]])),
    row('i32 wraps', [i32([2147483647]), i32([0]), i32([1])], { axis: 0 }, i32([-2147483648])),
    row('u32 indices past the end dropped', [u32([0, 0]), u32([4294967295, 1]), u32([5, 6])], { axis: 0 }, u32([0, 6])),
    row('bool is or', [bool([F, F, T]), i32([0, 0]), bool([T, T])], { axis: 0 }, bool([T, F, T])),
    row('empty indices', [f32([1, 2]), i32([], [0]), f32([], [0])], { axis: 0 }, f32([1, 2])),
  ],

  // ---- sorting ----------------------------------------------------------------------------------
  // A second operand of positions shows where each key came from: that is how ties (±0, equal
  // ints, NaNs) are seen to keep their order, since -0 and 0 compare equal in the value check.
  sort: [
    row('f32 specials: NaN last, ±0 tie, stable', [f32([3, NaN_, -0, -Inf, 0, 1, NaN_, Inf, -2, 0]), i32([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])], { dimension: 0, numKeys: 1 },
      [f32([-Inf, -2, -0, 0, 0, 1, 3, Inf, NaN_, NaN_]), i32([3, 8, 2, 4, 9, 5, 0, 7, 1, 6])]),
    row('f32 one operand along axis 0', [f32([[3, 1], [1, 2], [2, 0]])], { dimension: 0, numKeys: 1 }, f32([[1, 0], [2, 1], [3, 2]])),
    row('f64 rows (the last axis)', [f64([[2.5, -1e300, NaN_, 1e-300], [0, -0, -Inf, 5]]), i32([[0, 1, 2, 3], [0, 1, 2, 3]])], { dimension: 1, numKeys: 1 },
      [f64([[-1e300, 1e-300, 2.5, NaN_], [-Inf, 0, -0, 5]]), i32([[1, 3, 0, 2], [2, 0, 1, 3]])]),
    row('i32 extremes and ties, f32 values ride along', [i32([5, -2147483648, 2147483647, 5, 0, -1]), f32([0.5, 1.5, 2.5, 3.5, 4.5, 5.5])], { dimension: 0, numKeys: 1 },
      [i32([-2147483648, -1, 0, 5, 5, 2147483647]), f32([1.5, 5.5, 4.5, 0.5, 3.5, 2.5])]),
    row('u32 is unsigned', [u32([4294967295, 0, 2147483648, 1])], { dimension: 0, numKeys: 1 }, u32([0, 1, 2147483648, 4294967295])),
    row('bool, stable', [bool([T, F, T, F]), i32([0, 1, 2, 3])], { dimension: 0, numKeys: 1 }, [bool([F, F, T, T]), i32([1, 3, 0, 2])]),
    row('numKeys 2: the second key breaks ties of the first', [i32([1, 0, 1, 0, 1]), f32([2, 9, -1, NaN_, 2]), u32([10, 11, 12, 13, 14])], { dimension: 0, numKeys: 2 },
      [i32([0, 0, 1, 1, 1]), f32([9, NaN_, -1, 2, 2]), u32([11, 13, 12, 10, 14])]),
    row('numKeys 1: the second operand only rides along', [i32([1, 0, 1, 0, 1]), f32([2, 9, -1, NaN_, 2]), u32([10, 11, 12, 13, 14])], { dimension: 0, numKeys: 1 },
      [i32([0, 0, 1, 1, 1]), f32([9, NaN_, 2, -1, 2]), u32([11, 13, 10, 12, 14])]),
    row('i32 middle axis of three', [i32([[[3, 0], [1, 5], [2, -1]], [[0, 0], [0, -3], [-7, 9]]])], { dimension: 1, numKeys: 1 },
      i32([[[1, -1], [2, 0], [3, 5]], [[-7, -3], [0, 0], [0, 9]]])),
    row('lanes of one element', [f32([[1], [NaN_]]), i32([[7], [8]])], { dimension: 1, numKeys: 1 }, [f32([[1], [NaN_]]), i32([[7], [8]])]),
    row('empty', [f32([], [0])], { dimension: 0, numKeys: 1 }, f32([], [0])),
    row('empty outer axis', [f32([], [0, 3]), i32([], [0, 3])], { dimension: 1, numKeys: 1 }, [f32([], [0, 3]), i32([], [0, 3])]),
  ],

  // ---- contraction ------------------------------------------------------------------------------
  dot_general: [
    row('f32 A·B', [f32(M23), f32(M32)], contract([1], [0]), f32([[58, 64], [139, 154]])),
    row('f32 Aᵀ·B', [f32([[1, 4], [2, 5], [3, 6]]), f32(M32)], contract([0], [0]), f32([[58, 64], [139, 154]])),
    row('f32 A·Bᵀ', [f32(M23), f32([[7, 9, 11], [8, 10, 12]])], contract([1], [1]), f32([[58, 64], [139, 154]])),
    row('f64 Aᵀ·Bᵀ', [f64([[1, 4], [2, 5], [3, 6]]), f64([[7, 9, 11], [8, 10, 12]])], contract([0], [1]), f64([[58, 64], [139, 154]])),
    row('f64 3×5 · 5×2', [f64([[1, 0, 2, 0, 1], [0, 1, 0, 1, 0], [1, 1, 1, 1, 1]]), f64([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])], contract([1], [0]),
      f64([[20, 24], [10, 12], [25, 30]])),
    row('i32 1×1', [i32([[3]]), i32([[4]])], contract([1], [0]), i32([[12]])),
    row('i32 wraps', [i32([[65536, -2], [1, 1]]), i32([[65536, 0], [5, 1]])], contract([1], [0]), i32([[-10, -2], [65541, 1]])),
    row('i32 row · column', [i32([[-2, 3]]), i32([[4], [5]])], contract([1], [0]), i32([[7]])),
    row('u32 wraps', [u32([[4294967295, 2]]), u32([[1], [3]])], contract([1], [0]), u32([[5]])),
    row('f32 rounds the result', [f32([[4097]]), f32([[4097]])], contract([1], [0]), f32([[16785408]]), EXACT),
    row('f64 batch', [f64([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), f64([[[1], [1]], [[2], [0]]])], contract([2], [1], [0], [0]), f64([[[3], [7]], [[10], [14]]])),
    row('f32 batch on different axes', [f32(M23), f32([[1, 0], [0, 1], [1, 1]])], contract([1], [0], [0], [1]), f32([4, 11])),
    row('f32 outer product', [f32([1, 2]), f32([3, 4, 5])], contract([], []), f32([[3, 4, 5], [6, 8, 10]])),
    row('f64 two contracting axes', [f64([[1, 2], [3, 4]]), f64([[5, 6], [7, 8]])], contract([0, 1], [0, 1]), f64(70)),
    row('f64 contracting axes paired crosswise', [f64([[1, 2], [3, 4]]), f64([[5, 6], [7, 8]])], contract([0, 1], [1, 0]), f64(69)),
    // The free axes 0 and 2 of the lhs are split by the contracting axis 1.
    row('f64 split free axes · vector', [f64([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]), f64([1, 10, 100])], contract([1], [0]),
      f64([[531, 642], [1197, 1308]])),
    row('f64 split free axes · matrix', [f64([[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]]), f64([[1, 0], [10, 1], [100, 0]])], contract([1], [0]),
      f64([[[531, 3], [642, 4]], [[1197, 9], [1308, 10]]])),
    row('empty contraction gives zeros', [f32([], [2, 0]), f32([], [0, 3])], contract([1], [0]), f32([[0, 0, 0], [0, 0, 0]])),
    row('empty rows', [i32([], [0, 3]), i32([[1, 2], [3, 4], [5, 6]])], contract([1], [0]), i32([], [0, 2])),
  ],

  // ---- convolution: worked by hand (test/conv.test.ts checks many more against nested loops) --------
  conv_general_dilated: [
    row('f32 1-d VALID', [f32([[[1, 2, 3, 4]]]), f32([[[1, -1]]])], conv1([1], [[0, 0]]), f32([[[-1, -1, -1]]])),
    row('f32 1-d padded, stride 2', [f32([[[1, 2, 3, 4]]]), f32([[[1, -1]]])], conv1([2], [[1, 1]]), f32([[[-1, -1, 4]]])),
    row('f32 lhs dilation 2', [f32([[[1, 2, 3]]]), f32([[[1, 1]]])], conv1([1], [[0, 0]], [2]), f32([[[1, 2, 2, 3]]])),
    row('f32 rhs dilation 2', [f32([[[1, 2, 3, 4]]]), f32([[[1, 1]]])], conv1([1], [[0, 0]], [1], [2]), f32([[[4, 6]]])),
    noOnnx(row('i32 NHWC · HWIO', [i32([[[[1], [2]], [[3], [4]]]]), i32([[[[1]], [[1]]], [[[1]], [[1]]]])],
      { ...conv1([1, 1], [[0, 0], [0, 0]]), dimensionNumbers: { lhs: [0, 3, 1, 2], rhs: [3, 2, 0, 1], out: [0, 3, 1, 2] } }, i32([[[[10]]]])), 'int32 convolution'),
    row('f32 two feature groups', [f32([[[1, 2, 3], [4, 5, 6]]]), f32([[[1]], [[10]]])], { ...conv1([1], [[0, 0]]), featureGroupCount: 2 },
      f32([[[1, 2, 3], [40, 50, 60]]])),
    noOnnx(row('f32 two batch groups', [f32([[[1, 2]], [[3, 4]]]), f32([[[1]], [[10]]])], { ...conv1([1], [[0, 0]]), batchGroupCount: 2 },
      f32([[[1, 2], [30, 40]]])), 'batchGroupCount'),
    row('f32 window larger than the input gives an empty result', [f32([[[1, 2]]]), f32([[[1, 1, 1]]])], conv1([1], [[0, 0]]), f32([], [1, 1, 0])),
  ],

  // ---- windows: worked by hand (test/window.test.ts checks many more against nested loops) ---------
  reduce_window_sum: [
    row('f32 1-d, stride 2, padded high', [f32([1, 2, 3, 4, 5])], win([2], [2], [[0, 1]]), f32([3, 7, 5])),
    row('i32 2-d overlapping', [i32([[1, 2, 3], [4, 5, 6]])], win([2, 2], [1, 1], [[0, 0], [0, 0]]), i32([[12, 16]])),
    row('f32 window dilation 2', [f32([1, 2, 3, 4, 5])], win([2], [1], [[0, 0]], [1], [2]), f32([4, 6, 8])),
  ],
  reduce_window_max: [
    row('f32 2×2', [f32([[1, 5], [3, 2]])], win([2, 2], [1, 1], [[0, 0], [0, 0]]), f32([[5]])),
    row('f32 base dilation 2 (the holes hold -inf)', [f32([1, 3, 2])], win([2], [1], [[0, 0]], [2]), f32([1, 3, 3, 2])),
    row('f32 NaN wins', [f32([1, NaN_, 2, 3])], win([2], [2], [[0, 0]]), f32([NaN_, 3])),
  ],
  reduce_window_min: [
    row('i32', [i32([4, -1, 7])], win([2], [1], [[0, 0]]), i32([-1, -1])),
    row('f32 padded (the padding holds +inf)', [f32([4, 2])], win([2], [1], [[1, 1]]), f32([4, 2, 2])),
  ],
  select_and_gather_add: ([
    row('f32 first maximum of each window', [f32([10, 20, 30, 40]), f32([1, 3, 3, 0])], { ...win([2], [2], [[0, 0]]), selectPrim: 'ge' }, f32([20, 30])),
    row('f32 ties pick the first; minimum', [f32([10, 20, 30, 40]), f32([2, 2, 5, 1])], { ...win([2], [2], [[0, 0]]), selectPrim: 'le' }, f32([10, 40])),
    row('i32 a window of padding only gives 0', [i32([7, 8]), i32([1, 2])], { ...win([1], [1], [[1, 0]]), selectPrim: 'ge' }, i32([0, 7, 8])),
  ] as PrimitiveCase<'select_and_gather_add'>[]),
  select_and_scatter_add: ([
    row('f32 overlapping windows add up', [f32([5, 7, 9]), f32([1, 3, 3, 0])], { ...win([2], [1], [[0, 0]]), selectPrim: 'ge' }, f32([0, 12, 9, 0])),
    row('i32 2×2 pooling', [i32([[1, 2]]), i32([[0, 4, 6, 1], [3, 2, 0, 7]])], { ...win([2, 2], [2, 2], [[0, 0], [0, 0]]), selectPrim: 'ge' },
      i32([[0, 1, 0, 0], [0, 0, 0, 2]])),
  ] as PrimitiveCase<'select_and_scatter_add'>[]),

  // ---- fft: worked by hand (test/fft.test.ts checks many more against the naive DFT) -------------
  fft: [
    // [1, 2, 3, 4] as complex: X = [10, −2+2i, −2, −2−2i].
    row('f32 fft n=4 (radix 2)', [f32([[1, 0], [2, 0], [3, 0], [4, 0]])], { fftType: 'fft', fftLengths: [4] }, f32([[10, 0], [-2, 2], [-2, 0], [-2, -2]]), { rtol: 1e-5, atol: 1e-5 }),
    // [1, i, 0] over n = 3 (Bluestein): X_k = 1 + i·e^{−2πik/3}.
    row('f32 fft n=3 (Bluestein)', [f32([[1, 0], [0, 1], [0, 0]])], { fftType: 'fft', fftLengths: [3] },
      f32([[1, 1], [1 + Math.sqrt(3) / 2, -0.5], [1 - Math.sqrt(3) / 2, -0.5]]), { rtol: 1e-5, atol: 1e-5 }),
    row('f32 ifft n=2 of a batch of 2', [f32([[[2, 0], [0, 2]], [[1, 1], [1, 1]]])], { fftType: 'ifft', fftLengths: [2] },
      f32([[[1, 1], [1, -1]], [[1, 1], [0, 0]]]), { rtol: 1e-5, atol: 1e-5 }),
    row('f32 rfft n=5', [f32([1, 0, 0, 0, 0])], { fftType: 'rfft', fftLengths: [5] }, f32([[1, 0], [1, 0], [1, 0]]), { rtol: 1e-5, atol: 1e-5 }),
    row('f64 rfft 2-d [2, 4]', [f64([[1, 2, 3, 4], [0, 0, 0, 0]])], { fftType: 'rfft', fftLengths: [2, 4] },
      f64([[[10, 0], [-2, 2], [-2, 0]], [[10, 0], [-2, 2], [-2, 0]]]), { rtol: 1e-12, atol: 1e-12 }),
    // irfft ignores the imaginary parts of DC and Nyquist: [4, 0+0i, 0] with junk there → constant 1.
    row('f32 irfft n=4', [f32([[4, 9], [0, 0], [0, 9]])], { fftType: 'irfft', fftLengths: [4] }, f32([1, 1, 1, 1]), { rtol: 1e-5, atol: 1e-5 }),
    row('f32 irfft n=3', [f32([[3, 0], [0, 3]])], { fftType: 'irfft', fftLengths: [3] },
      f32([1, 1 - Math.sqrt(3), 1 + Math.sqrt(3)]), { rtol: 1e-5, atol: 1e-5 }),
    row('f32 fft 2-d [2, 3]', [f32([[[1, 0], [0, 0], [0, 0]], [[0, 0], [0, 0], [0, 0]]])], { fftType: 'fft', fftLengths: [2, 3] },
      f32([[[1, 0], [1, 0], [1, 0]], [[1, 0], [1, 0], [1, 0]]]), { rtol: 1e-5, atol: 1e-5 }),
  ],

  // ---- random -----------------------------------------------------------------------------------
  threefry2x32: [
    // Known-answer vectors of Random123 (kat_vectors, threefry2x32_20), as JAX tests them.
    ew('known answers', [u32([0, 0xffffffff, 0x13198a2e]), u32([0, 0xffffffff, 0x03707344]), u32([0, 0xffffffff, 0x243f6a88]), u32([0, 0xffffffff, 0x85a308d3])],
      [u32([0x6b200159, 0x1cb996fc, 0xc4923a9c]), u32([0x99ba4efe, 0xbb002be7, 0x483df7a0])]),
    ew('scalar', [u32(0x13198a2e), u32(0x03707344), u32(0x243f6a88), u32(0x85a308d3)], [u32(0xc4923a9c), u32(0x483df7a0)]),
    ew('empty', [u32([], [0]), u32([], [0]), u32([], [0]), u32([], [0])], [u32([], [0]), u32([], [0])]),
  ],

  // ---- linear algebra: small matrices factored by hand (test/linalg.test.ts reconstructs many more) ----
  cholesky: noOnnxLinalg([
    ew('f32 2×2', [f32([[4, 2], [2, 5]])], f32([[2, 0], [1, 2]])),
    ew('f64 reads only the lower triangle', [f64([[4, 99], [2, 5]])], f64([[2, 0], [1, 2]])),
    ew('f32 batched', [f32([[[1, 0], [0, 9]], [[9, 3], [3, 5]]])], f32([[[1, 0], [0, 3]], [[3, 0], [1, 2]]])),
    ew('f32 not positive definite gives NaN', [f32([[1, 2], [2, 1]])], f32([[NaN_, NaN_], [NaN_, NaN_]])),
  ], 'Cholesky'),
  triangular_solve: noOnnxLinalg([
    // a = [[2, ·], [1, 4]] lower (the 99 above the diagonal is never read).
    row('f32 lower, left', [f32([[2, 99], [1, 4]]), f32([[2], [9]])], { leftSide: true, lower: true, transposeA: false, unitDiagonal: false }, f32([[1], [2]])),
    row('f32 lower, left, transposed', [f32([[2, 99], [1, 4]]), f32([[4], [8]])], { leftSide: true, lower: true, transposeA: true, unitDiagonal: false }, f32([[1], [2]])),
    row('f64 lower, right', [f64([[2, 99], [1, 4]]), f64([[4, 8]])], { leftSide: false, lower: true, transposeA: false, unitDiagonal: false }, f64([[1, 2]])),
    row('f32 upper, unit diagonal', [f32([[7, 1], [99, 7]]), f32([[3, 1], [2, 1]])], { leftSide: true, lower: false, transposeA: false, unitDiagonal: true }, f32([[1, 0], [2, 1]])),
  ], 'triangular solve'),
  lu: noOnnxLinalg([
    ew('f32 2×2 pivots the larger row first', [f32([[1, 2], [3, 4]])], [f32([[3, 4], [1 / 3, 2 / 3]]), i32([1, 1]), i32([1, 0])]),
    ew('f64 3×2 (tall)', [f64([[1, 1], [2, 4], [0, 1]])], [f64([[2, 4], [0.5, -1], [0, -1]]), i32([1, 1]), i32([1, 0, 2])]),
  ], 'LU'),
  qr: noOnnxLinalg([
    // Householder with LAPACK's signs: R₀₀ = −sign(a₀₀)·‖a₀‖.
    row('f32 2×1 reduced', [f32([[3], [4]])], { fullMatrices: false }, [f32([[-0.6], [-0.8]]), f32([[-5]])]),
    row('f32 2×1 complete', [f32([[3], [4]])], { fullMatrices: true }, [f32([[-0.6, -0.8], [-0.8, 0.6]]), f32([[-5], [0]])]),
    row('f64 already upper triangular (negative diagonal kept)', [f64([[-2, 1], [0, 3]])], { fullMatrices: false }, [f64([[1, 0], [0, 1]]), f64([[-2, 1], [0, 3]])]),
  ], 'QR'),
  eigh: noOnnxLinalg([
    // Eigenvectors signed so their first component of size ≥ 1/(2√n) is positive (src/backends/cpu/linalg.ts).
    row('f64 2×2', [f64([[2, 1], [1, 2]])], { lower: true }, [f64([[Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2]]), f64([1, 3])]),
    row('f32 2×2', [f32([[2, 1], [1, 2]])], { lower: true }, [f32([[Math.SQRT1_2, Math.SQRT1_2], [-Math.SQRT1_2, Math.SQRT1_2]]), f32([1, 3])], { rtol: 1e-5, atol: 1e-5 }),
    row('f64 diagonal, sorted ascending', [f64([[3, 0], [0, 1]])], { lower: true }, [f64([[0, 1], [1, 0]]), f64([1, 3])]),
    row('f64 upper triangle read', [f64([[3, 0], [99, 1]])], { lower: false }, [f64([[0, 1], [1, 0]]), f64([1, 3])]),
  ], 'eigensolver'),
  svd: noOnnxLinalg([
    row('f64 diagonal with a negative entry', [f64([[3, 0], [0, -2]])], { fullMatrices: true, computeUv: true }, [f64([3, 2]), f64([[1, 0], [0, 1]]), f64([[1, 0], [0, -1]])]),
    row('f64 3×2 full', [f64([[0, 2], [1, 0], [0, 0]])], { fullMatrices: true, computeUv: true }, [f64([2, 1]), f64([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), f64([[0, 1], [1, 0]])]),
    row('f64 3×2 reduced', [f64([[0, 2], [1, 0], [0, 0]])], { fullMatrices: false, computeUv: true }, [f64([2, 1]), f64([[1, 0], [0, 1], [0, 0]]), f64([[0, 1], [1, 0]])]),
    row('f32 3×2 full', [f32([[0, 2], [1, 0], [0, 0]])], { fullMatrices: true, computeUv: true }, [f32([2, 1]), f32([[1, 0, 0], [0, 1, 0], [0, 0, 1]]), f32([[0, 1], [1, 0]])]),
    row('f32 values only, batched', [f32([[[3, 0], [0, 4]], [[0, 0], [0, 0]]])], { fullMatrices: false, computeUv: false }, f32([[4, 3], [0, 0]])),
    row('f64 values only', [f64([[0, 1, 0], [2, 0, 0]])], { fullMatrices: false, computeUv: false }, f64([2, 1])),
  ], 'SVD'),
};

// ---- the narrow dtypes (int8, uint8, int16, uint16, float16) ------------------------------------------
// Rows appended to the table above, so every runner (CPU, jit, vmap, WebGPU, ONNX) takes them. Expected
// values are two's-complement wraps and float16 roundings worked by hand; ONNX export of these dtypes
// is a clear error for now.
const i8 = spec('int8'), u8 = spec('uint8'), i16 = spec('int16'), u16 = spec('uint16'), f16 = spec('float16');
const NO_ONNX_NARROW = 'is not supported yet';
const narrowRows: { [P in ArrayPrimitive]?: PrimitiveCase<P>[] } = {
  neg: [ew('i8 min wraps to itself', [i8([-128, 5, 0])], i8([-128, -5, 0])), ew('u8 wraps', [u8([1, 0, 255])], u8([255, 0, 1]))],
  abs: [ew('i16 min wraps to itself', [i16([-32768, -3, 4])], i16([-32768, 3, 4]))],
  not: [ew('u8 bitwise', [u8([0, 255, 15])], u8([255, 0, 240])), ew('i8 bitwise', [i8([0, -1, 5])], i8([-1, 0, -6]))],
  sqrt: [ew('f16 rounds', [f16([2, 4, 0.25])], f16([1.4140625, 2, 0.5]))],
  exp: [ew('f16 rounds, overflows past 65504', [f16([0, 1, 12])], f16([1, 2.71875, Inf]))],
  add: [
    ew('i8 wraps', [i8([127, -128, 5]), i8([1, -1, -6])], i8([-128, 127, -1])),
    ew('u8 wraps', [u8([255, 0, 200]), u8([1, 0, 100])], u8([0, 0, 44])),
    ew('i16 wraps', [i16([32767, -5]), i16([1, 3])], i16([-32768, -2])),
    ew('u16 wraps', [u16([65535, 1]), u16([1, 2])], u16([0, 3])),
    ew('f16 ties to even, overflows at 65520', [f16([1, 2048, 65504]), f16([2 ** -11, 1, 16])], f16([1, 2048, Inf])),
  ],
  sub: [ew('u8 below zero wraps', [u8([0, 5]), u8([1, 6])], u8([255, 255])), ew('i8 wraps', [i8([-128]), i8([1])], i8([127]))],
  mul: [
    ew('i8 wraps', [i8([16, -128, 11]), i8([16, -1, 12])], i8([0, -128, -124])),
    ew('u16 wraps', [u16([300, 65535]), u16([300, 65535])], u16([24464, 1])),
    ew('f16 rounds and overflows', [f16([3, 300]), f16([0.333251953125, 300])], f16([1, Inf])),
  ],
  div: [
    ew('i8 truncates; min / -1 wraps; x / 0 = 0', [i8([-128, 7, -7, 5]), i8([-1, 2, 2, 0])], i8([-128, 3, -3, 0])),
    ew('f16 rounds', [f16([1, 1, -1]), f16([3, 0, 8])], f16([0.333251953125, Inf, -0.125])),
  ],
  max: [ew('i8', [i8([-128, 7]), i8([127, -7])], i8([127, 7])), ew('f16 propagates NaN', [f16([1, NaN_]), f16([2, 0])], f16([2, NaN_]))],
  min: [ew('u16', [u16([65535, 3]), u16([0, 9])], u16([0, 3]))],
  and: [ew('u8', [u8([255, 12]), u8([15, 10])], u8([15, 8]))],
  or: [ew('i16', [i16([-32768, 1]), i16([1, 2])], i16([-32767, 3]))],
  shift_right_logical: [
    ew('i8 shifts its own bit pattern; 8 or more gives 0', [i8([-1, -128, 64]), i8([1, 7, 8])], i8([127, 1, 0])),
    ew('u16', [u16([65535, 256]), u16([15, 16])], u16([1, 0])),
  ],
  select: [row('f16 cases', [bool([T, F]), f16([0.5, 1]), f16([2, -0])], {}, f16([0.5, -0]))],
  convert_element_type: [
    row('f32 → i8 saturates, NaN → 0, truncates', [f32([300.7, -300, NaN_, -3.9])], to('int8'), i8([127, -128, 0, -3])),
    row('i32 → u8 wraps', [i32([300, -1, 255])], to('uint8'), u8([44, 255, 255])),
    row('u16 → i16 wraps', [u16([65535, 32768, 7])], to('int16'), i16([-1, -32768, 7])),
    row('f32 → f16 rounds (ties to even)', [f32([0.1, 70000, 2049, -1e-8])], to('float16'), f16([0.0999755859375, Inf, 2048, -0])),
    row('f16 → i32 truncates', [f16([2.5, -7.75, 65504])], to('int32'), i32([2, -7, 65504])),
    row('i8 → f32', [i8([-128, 127])], to('float32'), f32([-128, 127])),
    row('u8 → bool', [u8([0, 3])], to('bool'), bool([F, T])),
  ],
  reduce_sum: [
    row('i8 wraps', [i8([[100, 100], [-128, -1]])], axes(1), i8([-56, 127])),
    row('f16 in float32, rounded once', [f16([2048, 1, 1])], axes(0), f16(2050)),
  ],
  reduce_max: [row('u8', [u8([[3, 250], [7, 0]])], axes(0, 1), u8(250)), row('f16', [f16([0.5, -Inf, 3])], axes(0), f16(3))],
  reduce_min: [row('i16', [i16([[5, -32768], [7, 0]])], axes(1), i16([-32768, 0]))],
  reduce_prod: [row('i8 wraps', [i8([16, 16, 3])], axes(0), i8(0))],
  iota: [row('u8', [], { dtype: 'uint8', shape: [3], dimension: 0 }, u8([0, 1, 2])), row('f16', [], { dtype: 'float16', shape: [2], dimension: 0 }, f16([0, 1]))],
  dot_general: [
    row('i8 wraps (300 → 44)', [i8([[100, 100]]), i8([[2], [1]])], contract([1], [0]), i8([[44]])),
    row('f16 accumulates in float32', [f16([[2048, 1, 1]]), f16([[1], [1], [1]])], contract([1], [0]), f16([[2050]])),
  ],
  sort: [row('i8 signed order', [i8([5, -128, 127, 0])], { dimension: 0, numKeys: 1 }, i8([-128, 0, 5, 127])), row('f16', [f16([1, NaN_, -2])], { dimension: 0, numKeys: 1 }, f16([-2, 1, NaN_]))],
};
for (const [p, rows] of Object.entries(narrowRows) as [ArrayPrimitive, PrimitiveCase[]][]) {
  (PRIMITIVE_CASES[p] as PrimitiveCase[]).push(...rows.map((r) => noOnnx(r, NO_ONNX_NARROW)));
}
CMP_INPUTS.int8 = [i8([-128, 5, 127]), i8([127, 5, -1])];
CMP_INPUTS.uint8 = [u8([255, 0, 7]), u8([1, 0, 7])];
CMP_INPUTS.float16 = [f16([1, NaN_, 65504]), f16([2, NaN_, 65504])];
const narrowCompare: Record<ComparePrimitive, Partial<Record<DType, boolean[]>>> = {
  eq: { int8: [F, T, F], uint8: [F, T, T], float16: [F, F, T] },
  ne: { int8: [T, F, T], uint8: [T, F, F], float16: [T, T, F] },
  lt: { int8: [T, F, F], uint8: [F, F, F], float16: [T, F, F] },
  le: { int8: [T, T, F], uint8: [F, T, T], float16: [T, F, T] },
  gt: { int8: [F, F, T], uint8: [T, F, F], float16: [F, F, F] },
  ge: { int8: [F, T, T], uint8: [T, T, T], float16: [F, F, T] },
};
for (const [p, expected] of Object.entries(narrowCompare) as [ComparePrimitive, Partial<Record<DType, boolean[]>>][]) {
  (PRIMITIVE_CASES[p] as PrimitiveCase[]).push(...compareRows(expected).map((r) => noOnnx(r, NO_ONNX_NARROW)));
}

/** The storage a spec's values occupy (float16: bits), for building its array on any backend. */
export const specStorage = (s: ArraySpec): TypedArray => storageOf(s.dtype, flatValues(s));
