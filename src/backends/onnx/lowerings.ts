// The ONNX lowering of every primitive: one row per primitive in catalog order, each emitting
// standard ONNX operators (opset 18) whose results match the CPU backend's kernels.
import { ShapedArray } from '../../core/aval.js';
import { DType, isFloat } from '../../core/dtype.js';
import type { ClosedJaxpr } from '../../core/jaxpr.js';
import { BinaryPrimitive, ComparePrimitive, Params, Primitive, reduceIdentity, ReducePrimitive, UnaryPrimitive } from '../../core/primitives.js';
import { GraphBuilder, OnnxLoweringError } from './builder.js';
import { convLowering, reduceWindowMaxLowering, reduceWindowMinLowering, reduceWindowSumLowering, selectAndGatherAddLowering, selectAndScatterAddLowering } from './conv.js';
import type { OnnxDType } from './proto.js';
import { fftLowering } from './fft.js';
import { cast, fromInt64, interiorPad, ONNX_CODE, reshape } from './graph-ops.js';

/** What a lowering sees besides its operands: the graph and a way to lower a sub-jaxpr in place. */
export interface LowerContext {
  readonly g: GraphBuilder;
  lowerJaxpr(cj: ClosedJaxpr, inputs: readonly string[]): string[];
}
/** Emits the nodes of one equation; returns the names of its outputs. */
export type OnnxLowering<P extends Primitive> = (
  ctx: LowerContext, inputs: readonly string[], params: Params<P>, inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[],
) => string[];

/** A lowering that reads no params (usable for any primitive's row). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyLowering = (ctx: LowerContext, inputs: readonly string[], params: any, inAvals: readonly ShapedArray[], outAvals: readonly ShapedArray[]) => string[];

// ---- helpers ----------------------------------------------------------------------------------
const INT32_MIN = -2147483648, INT32_MAX = 2147483647, UINT32_MAX = 4294967295;
const one = (f: (ctx: LowerContext, ins: readonly string[], a: readonly ShapedArray[]) => string) =>
  ((ctx: LowerContext, ins: readonly string[], _p: unknown, a: readonly ShapedArray[]) => [f(ctx, ins, a)]) as AnyLowering;
/** One ONNX operator on the operands as they are. */
const direct = (opType: string, attrs: Record<string, number> = {}) => one(({ g }, ins) => g.op(opType, ins, attrs));
/** A float-only unary op (the catalog's shape rules admit only floats). */
const floatUnary = direct;
/** Integer results of an int64 computation, cast back mod 2^32. */
const viaInt64 = (opType: string) => one(({ g }, ins, [a]) => cast(g, g.op(opType, ins.map((x) => cast(g, x, a!.dtype, 'int64'))), 'int64', a!.dtype));
/** Per dtype: `bool` rows and the rest. */
const byDtype = (onBool: AnyLowering, onOther: AnyLowering): AnyLowering =>
  ((ctx, ins, p, a, o) => (a[0]!.dtype === 'bool' ? onBool : onOther)(ctx, ins, p as never, a, o)) as AnyLowering;

/** Where(p, t, f) for any dtype: ORT's CPU Where has no uint32 or bool kernel, so those go through int64/uint8. */
export function where(g: GraphBuilder, p: string, t: string, f: string, d: DType | OnnxDType): string {
  if (d === 'uint32') return fromInt64(g, g.op('Where', [p, cast(g, t, d, 'int64'), cast(g, f, d, 'int64')]), 'uint32');
  if (d === 'bool') return cast(g, g.op('Where', [p, cast(g, t, d, 'uint8'), cast(g, f, d, 'uint8')]), 'uint8', 'bool');
  return g.op('Where', [p, t, f]);
}

/** x / y for integers, truncating toward zero, with x / 0 = 0 and int32 min / -1 = int32 min (no trap). */
function intDivide(g: GraphBuilder, x: string, y: string, d: DType): string {
  const zero = g.scalar(0, d), oneC = g.scalar(1, d);
  const isZero = g.op('Equal', [y, zero]);
  let safe = where(g, isZero, oneC, y, d);
  if (d === 'int32') safe = where(g, g.op('Equal', [y, g.scalar(-1, d)]), oneC, safe, d);
  let q = g.op('Div', [x, safe]);
  if (d === 'int32') q = where(g, g.op('Equal', [y, g.scalar(-1, d)]), g.op('Sub', [zero, x]), q, d);
  return where(g, isZero, zero, q, d);
}
function intRemainder(g: GraphBuilder, x: string, y: string, d: DType): string {
  const zero = g.scalar(0, d), oneC = g.scalar(1, d);
  let trivial = g.op('Equal', [y, zero]);
  if (d === 'int32') trivial = g.op('Or', [trivial, g.op('Equal', [y, g.scalar(-1, d)])]);
  const safe = where(g, trivial, oneC, y, d);
  const r = g.op('Sub', [x, g.op('Mul', [g.op('Div', [x, safe]), safe])]);
  return where(g, trivial, zero, r, d);
}
/** expm1 and log1p keep small arguments exact (Kahan's corrections) and use the plain form elsewhere. */
function expm1(g: GraphBuilder, x: string, d: DType): string {
  const u = g.op('Exp', [x]), oneC = g.scalar(1, d);
  const um1 = g.op('Sub', [u, oneC]);
  const kahan = g.op('Where', [g.op('Equal', [u, oneC]), x, g.op('Div', [g.op('Mul', [um1, x]), g.op('Log', [u])])]);
  return g.op('Where', [g.op('Less', [g.op('Abs', [x]), g.scalar(0.5, d)]), kahan, um1]);
}
function log1p(g: GraphBuilder, x: string, d: DType): string {
  const oneC = g.scalar(1, d), u = g.op('Add', [x, oneC]);
  const kahan = g.op('Where', [g.op('Equal', [u, oneC]), x, g.op('Div', [g.op('Mul', [g.op('Log', [u]), x]), g.op('Sub', [u, oneC])])]);
  return g.op('Where', [g.op('Less', [g.op('Abs', [x]), g.scalar(0.5, d)]), kahan, g.op('Log', [u])]);
}
/**
 * atan; ORT's CPU Atan is float32 only, so float64 reduces the argument (1/z past 1, then three
 * half-angle steps z → z / (1 + √(1 + z²)) to |t| ≤ tan(π/32)) and sums the odd series to 1e-17.
 */
function atan(g: GraphBuilder, z: string, d: DType): string {
  if (d !== 'float64') return g.op('Atan', [z]);
  const c = (v: number) => g.scalar(v, d);
  const big = g.op('Greater', [g.op('Abs', [z]), c(1)]);
  let t = g.op('Where', [big, g.op('Div', [c(1), z]), z]);
  for (let k = 0; k < 3; k++) t = g.op('Div', [t, g.op('Add', [c(1), g.op('Sqrt', [g.op('Add', [c(1), g.op('Mul', [t, t])])])])]);
  const t2 = g.op('Mul', [t, t]);
  // Horner in t²: Σ_{n≤9} (−1)ⁿ t²ⁿ / (2n + 1).
  const coef = (n: number) => c((n % 2 ? -1 : 1) / (2 * n + 1));
  let sum = coef(9);
  for (let n = 8; n >= 0; n--) sum = g.op('Add', [coef(n), g.op('Mul', [t2, sum])]);
  const small = g.op('Mul', [g.op('Mul', [t, sum]), c(8)]);
  const flipped = g.op('Sub', [g.op('Mul', [g.op('Sign', [z]), c(Math.PI / 2)]), small]);
  return g.op('Where', [big, flipped, small]);
}
/** atan2 by quadrant from atan(y/x). */
function atan2(g: GraphBuilder, y: string, x: string, d: DType): string {
  const zero = g.scalar(0, d), pi = g.scalar(Math.PI, d), half = g.scalar(Math.PI / 2, d);
  const base = atan(g, g.op('Div', [y, x]), d);
  const yNonNeg = g.op('GreaterOrEqual', [y, zero]);
  const xNeg = g.op('Less', [x, zero]), xZero = g.op('Equal', [x, zero]);
  const left = g.op('Where', [yNonNeg, g.op('Add', [base, pi]), g.op('Sub', [base, pi])]);
  const vertical = g.op('Where', [g.op('Greater', [y, zero]), half, g.op('Where', [g.op('Less', [y, zero]), g.op('Neg', [half]), g.op('Mul', [y, zero])])]);
  return g.op('Where', [xZero, vertical, g.op('Where', [xNeg, left, base])]);
}

/** ORT's CPU kernels for comparisons and Where cover these dtypes; others are widened first. */
function comparable(g: GraphBuilder, x: string, d: DType): [string, DType | OnnxDType] {
  return d === 'bool' || d === 'uint32' ? [cast(g, x, d, 'int64'), 'int64'] : [x, d];
}
const compare = (opType: string, negate = false): OnnxLowering<ComparePrimitive> => ({ g }, ins, _p, [a]) => {
  const [x] = comparable(g, ins[0]!, a!.dtype), [y] = comparable(g, ins[1]!, a!.dtype);
  const r = g.op(opType, [x, y]);
  return [negate ? g.op('Not', [r]) : r];
};

/** A reduction over `axes` (none: the identity); dtypes ORT cannot reduce go through int64. */
/** The product over `axes` of an int64 tensor holding 32-bit words, mod 2^32: axes moved last and flattened, then halved. */
function pairwiseProduct(g: GraphBuilder, x: string, shape: readonly number[], axes: readonly number[]): string {
  const keep = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const outer = keep.map((i) => shape[i]!);
  let k = axes.reduce((p, i) => p * shape[i]!, 1);
  const rank = outer.length;
  let cur = reshape(g, g.op('Transpose', [x], { perm: [...keep, ...axes] }), [...outer, k]);
  const M = g.scalar(UINT32_MAX, 'int64');
  while (k > 1) {
    if (k % 2) { cur = g.op('Pad', [cur, g.ints([...new Array(rank + 1).fill(0), ...new Array(rank).fill(0), 1]), g.scalar(1, 'int64')]); k++; }
    const half = k / 2;
    const lo = g.op('Slice', [cur, g.ints([0]), g.ints([half]), g.ints([rank])]);
    const hi = g.op('Slice', [cur, g.ints([half]), g.ints([k]), g.ints([rank])]);
    cur = g.op('BitwiseAnd', [g.op('Mul', [lo, hi]), M]);
    k = half;
  }
  return reshape(g, cur, outer);
}
const reduction = (prim: ReducePrimitive, opType: string, onBool: 'any' | 'all', propagatesNan: boolean): OnnxLowering<ReducePrimitive> => ({ g }, [x], { axes }, [a]) => {
  if (axes.length === 0) return [g.op('Identity', [x!])];
  const d = a!.dtype, ax = g.ints(axes);
  const outShape = a!.shape.filter((_, i) => !axes.includes(i));
  if (axes.some((i) => a!.shape[i] === 0)) return [g.constant(d as OnnxDType, outShape, new Array(outShape.reduce((p, q) => p * q, 1)).fill(reduceIdentity(prim, d)))];
  if (d === 'bool') {
    // any = sum of the ones is nonzero; all = not any of the negation (both right on empty axes).
    const any = (v: string) => g.op('Cast', [g.op('ReduceSum', [cast(g, v, 'bool', 'int64'), ax], { keepdims: 0 })], { to: ONNX_CODE.bool! });
    return [onBool === 'any' ? any(x!) : g.op('Not', [any(g.op('Not', [x!]))])];
  }
  // Integer sums and products wrap mod 2^32: computed in int64 and narrowed explicitly. ORT's
  // int64 ReduceProd saturates, so integer products multiply halves pairwise, masking each step.
  if (!isFloat(d) && opType === 'ReduceProd') return [fromInt64(g, pairwiseProduct(g, cast(g, x!, d, 'int64'), a!.shape, axes), d)];
  if (!isFloat(d)) return [fromInt64(g, g.op(opType, [cast(g, x!, d as OnnxDType, 'int64'), ax], { keepdims: 0 }), d)];
  const r = g.op(opType, [x!, ax], { keepdims: 0 });
  if (!propagatesNan) return [r];
  // ORT's ReduceMax/Min skip NaN; cotangent's (like numpy's) return it.
  const anyNan = g.op('Cast', [g.op('ReduceMax', [g.op('Cast', [g.op('IsNaN', [x!])], { to: ONNX_CODE.int32! }), ax], { keepdims: 0 })], { to: ONNX_CODE.bool! });
  return [g.op('Where', [anyNan, g.scalar(Number.NaN, d), r])];
};
const argReduction = (opType: string): OnnxLowering<'argmax' | 'argmin'> => ({ g }, [x], { axis, indexDtype }, [a]) => {
  const d = a!.dtype;
  let v = d === 'bool' || d === 'uint32' ? cast(g, x!, d, 'int64') : x!;
  if (isFloat(d)) {
    // NaN wins, the first one (numpy's rule): search the NaN mask first, then the values.
    const nan = g.op('Cast', [g.op('IsNaN', [x!])], { to: ONNX_CODE.int32! });
    const anyNan = g.op('ReduceMax', [nan, g.ints([axis])], { keepdims: 0 });
    const firstNan = g.op('ArgMax', [nan], { axis, keepdims: 0 });
    const plain = g.op(opType, [v], { axis, keepdims: 0 });
    v = g.op('Where', [g.op('Cast', [anyNan], { to: ONNX_CODE.bool! }), firstNan, plain]);
    return [cast(g, v, 'int64', indexDtype)];
  }
  return [cast(g, g.op(opType, [v], { axis, keepdims: 0 }), 'int64', indexDtype)];
};

/** Float → int as the CPU backend converts: truncate, saturate at the type's range, NaN → 0 (in float64, exactly). */
function convert(g: GraphBuilder, x: string, from: DType, to: DType): string {
  if (from === to) return g.op('Identity', [x]);
  if (isFloat(from) && (to === 'int32' || to === 'uint32')) {
    const wide = cast(g, x, from, 'float64');
    const [lo, hi] = to === 'int32' ? [INT32_MIN, INT32_MAX] : [0, UINT32_MAX];
    const clipped = g.op('Clip', [wide, g.scalar(lo, 'float64'), g.scalar(hi, 'float64')]);
    const noNan = g.op('Where', [g.op('IsNaN', [wide]), g.scalar(0, 'float64'), clipped]);
    return cast(g, noNan, 'float64', to);
  }
  if (from === 'bool' || to === 'bool' || isFloat(to)) return cast(g, x, from, to);
  // int32 ↔ uint32 reinterprets the bits: through int64 with the low 32 bits kept.
  return fromInt64(g, cast(g, x, from, 'int64'), to);
}

/** x reshaped to keep its axes at `bd` of a rank-`rank` result, 1 elsewhere. */
function expandTo(g: GraphBuilder, x: string, xShape: readonly number[], shape: readonly number[], bd: readonly number[]): string {
  const withOnes = shape.map(() => 1);
  bd.forEach((d, i) => { withOnes[d] = xShape[i]!; });
  const r = bd.length === shape.length && bd.every((d, i) => d === i) ? x : reshape(g, x, withOnes);
  return withOnes.every((d, i) => d === shape[i]) ? r : g.op('Expand', [r, g.ints(shape)]);
}


/** A permutation of every lane along `axis` that sorts `key` stably (ascending; NaN last, ±0 tied). */
function stableArgsort(g: GraphBuilder, key: string, d: DType, axis: number, n: number, perm: string | null): string {
  // Sorting the key as permuted so far, then composing, keeps the earlier (less significant) order on ties.
  const sortBy = (k: string, current: string | null): string => {
    const permuted = current ? g.op('GatherElements', [k, current], { axis }) : k;
    const [, idx] = g.node('TopK', [permuted, g.ints([n])], { axis, largest: 0, sorted: 1 }, 2);
    return current ? g.op('GatherElements', [current, idx!], { axis }) : idx!;
  };
  // Least significant first: a float key is (isNaN, value with NaN → 0); stable passes compose.
  if (isFloat(d)) {
    const nan = g.op('IsNaN', [key]);
    const clean = g.op('Where', [nan, g.scalar(0, d), key]);
    const p1 = sortBy(clean, perm);
    return sortBy(g.op('Cast', [nan], { to: ONNX_CODE.int32! }), p1);
  }
  const k = d === 'int32' ? key : cast(g, key, d, 'int64');
  return sortBy(k, perm);
}

/** Threefry-2x32 in int64 arithmetic (exact for 32-bit words): adds masked to 32 bits, rotations by multiply/divide. */
function threefry(g: GraphBuilder, [k0, k1, x0, x1]: readonly string[]): string[] {
  const M = g.scalar(UINT32_MAX, 'int64');
  const w = (x: string) => cast(g, x, 'uint32', 'int64');
  const add = (a: string, b: string) => g.op('BitwiseAnd', [g.op('Add', [a, b]), M]);
  const rotl = (x: string, r: number) =>
    g.op('BitwiseOr', [g.op('BitwiseAnd', [g.op('Mul', [x, g.scalar(2 ** r, 'int64')]), M]), g.op('Div', [x, g.scalar(2 ** (32 - r), 'int64')])]);
  const ks = [w(k0!), w(k1!)];
  ks.push(g.op('BitwiseXor', [g.op('BitwiseXor', [ks[0]!, ks[1]!]), g.scalar(0x1bd11bda, 'int64')]));
  let a = add(w(x0!), ks[0]!), b = add(w(x1!), ks[1]!);
  const ROT = [[13, 15, 26, 6], [17, 29, 16, 24]] as const;
  for (let grp = 0; grp < 5; grp++) {
    for (const r of ROT[grp & 1]!) {
      a = add(a, b);
      b = g.op('BitwiseXor', [rotl(b, r), a]);
    }
    a = add(a, ks[(grp + 1) % 3]!);
    b = add(add(b, ks[(grp + 2) % 3]!), g.scalar(grp + 1, 'int64'));
  }
  return [cast(g, a, 'int64', 'uint32'), cast(g, b, 'int64', 'uint32')];
}

/** dot_general as one MatMul on [batch, M, K] · [batch, K, N] (transposes and reshapes around it). */
const dotGeneral: OnnxLowering<'dot_general'> = ({ g }, [l, r], { dimensionNumbers: { contracting: [lc, rc], batch: [lb, rb] } }, [la, ra], [oa]) => {
  const free = (a: ShapedArray, c: readonly number[], b: readonly number[]) => a.shape.map((_, i) => i).filter((i) => !c.includes(i) && !b.includes(i));
  const lf = free(la!, lc, lb), rf = free(ra!, rc, rb);
  const size = (a: ShapedArray, axes: readonly number[]) => axes.reduce((p, i) => p * a.shape[i]!, 1);
  const B = size(la!, lb), M = size(la!, lf), K = size(la!, lc), N = size(ra!, rf);
  const arrange = (x: string, a: ShapedArray, perm: number[], dims: number[]) => {
    const t = perm.every((p, i) => p === i) ? x : g.op('Transpose', [x], { perm });
    return a.shape.length === dims.length && a.shape.every((d, i) => d === dims[i]) && perm.every((p, i) => p === i) ? t : reshape(g, t, dims);
  };
  const batched = lb.length > 0;
  const lhs = arrange(l!, la!, [...lb, ...lf, ...lc], batched ? [B, M, K] : [M, K]);
  const rhs = arrange(r!, ra!, [...rb, ...rc, ...rf], batched ? [B, K, N] : [K, N]);
  const d = la!.dtype;
  // ORT's MatMul has no bool kernel, and int32 products wrap only if computed in 32 bits: int32 stays int32.
  const prod = g.op('MatMul', [lhs, rhs]);
  void d;
  return [oa!.shape.length === (batched ? 3 : 2) && (batched ? [B, M, N] : [M, N]).every((x, i) => x === oa!.shape[i]) ? prod : reshape(g, prod, oa!.shape)];
};

// ---- special functions, evaluated in float64 (the CPU backend's algorithms, as fixed graphs) -------
/** Runs `f` on x widened to float64 and narrows the result back to `d`. */
const inFloat64 = (f: (g: GraphBuilder, x: string, c: (v: number) => string) => string): AnyLowering => ({ g }, [x], _p, [a]) => {
  const d = a!.dtype;
  return [cast(g, f(g, cast(g, x!, d, 'float64'), (v) => g.scalar(v, 'float64')), 'float64', d)];
};
const op2 = (g: GraphBuilder, o: string, a: string, b: string) => g.op(o, [a, b]);
/** erf x = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1}/(2n+1)!! (60 terms: converged for |x| < 2.5). */
function erfSeries(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const x2 = op2(g, 'Mul', x, x);
  let term = x, sum = x;
  for (let n = 1; n < 60; n++) { term = op2(g, 'Mul', term, op2(g, 'Mul', x2, c(2 / (2 * n + 1)))); sum = op2(g, 'Add', sum, term); }
  return op2(g, 'Mul', op2(g, 'Mul', sum, g.op('Exp', [g.op('Neg', [x2])])), c(2 / Math.sqrt(Math.PI)));
}
/** erfc x for x ≥ 1.5 by the continued fraction e^{−x²}/√π · 1/(x + ½/(x + 1/(x + …))) (depth 100). */
function erfcFraction(g: GraphBuilder, x: string, c: (v: number) => string): string {
  let f = x;
  for (let k = 100; k >= 1; k--) f = op2(g, 'Add', x, op2(g, 'Div', c(k / 2), f));
  return op2(g, 'Div', g.op('Exp', [g.op('Neg', [op2(g, 'Mul', x, x)])]), op2(g, 'Mul', f, c(Math.sqrt(Math.PI))));
}
function erf64(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const ax = g.op('Abs', [x]);
  const small = g.op('Less', [ax, c(2.5)]);
  const inner = g.op('Where', [small, x, c(0)]), outer = g.op('Where', [small, c(3), ax]);
  const tail = op2(g, 'Sub', c(1), erfcFraction(g, outer, c));
  const big = g.op('Where', [g.op('Less', [x, c(0)]), g.op('Neg', [tail]), tail]);
  // Infinities: the fraction gives NaN at ±∞, where erf is ±1.
  const r = g.op('Where', [small, erfSeries(g, inner, c), big]);
  return g.op('Where', [g.op('IsInf', [x]), g.op('Sign', [x]), r]);
}
function erfc64(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const low = g.op('Less', [x, c(1.5)]);
  const mid = g.op('Where', [low, c(2), g.op('Where', [g.op('Greater', [x, c(27.3)]), c(27.3), x])]);
  const r = g.op('Where', [low, op2(g, 'Sub', c(1), erf64(g, x, c)), erfcFraction(g, mid, c)]);
  return g.op('Where', [g.op('Greater', [x, c(27.3)]), c(0), r]);
}
/** sin(πx) with the argument reduced mod 2 (exact zeros at the integers). */
function sinPi(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const r = op2(g, 'Sub', x, op2(g, 'Mul', c(2), g.op('Floor', [op2(g, 'Div', x, c(2))])));
  const centred = g.op('Where', [g.op('Greater', [r, c(1)]), op2(g, 'Sub', r, c(2)), r]);
  return g.op('Where', [g.op('Equal', [r, c(1)]), c(0), g.op('Sin', [op2(g, 'Mul', centred, c(Math.PI))])]);
}
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
/** log Γ for x ≥ ½ by Lanczos (g = 7, 9 terms). */
function lgammaRight(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const z = op2(g, 'Sub', x, c(1)), t = op2(g, 'Add', z, c(7.5));
  let a = c(LANCZOS[0]!);
  for (let i = 1; i < 9; i++) a = op2(g, 'Add', a, op2(g, 'Div', c(LANCZOS[i]!), op2(g, 'Add', z, c(i))));
  const r = op2(g, 'Add', op2(g, 'Sub', op2(g, 'Add', c(0.5 * Math.log(2 * Math.PI)), op2(g, 'Mul', op2(g, 'Add', z, c(0.5)), g.op('Log', [t]))), t), g.op('Log', [a]));
  return g.op('Where', [g.op('Or', [g.op('Equal', [x, c(1)]), g.op('Equal', [x, c(2)])]), c(0), r]);
}
function lgamma64(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const left = g.op('Less', [x, c(0.5)]);
  const right = lgammaRight(g, g.op('Where', [left, op2(g, 'Sub', c(1), x), x]), c);
  // Γ(x)Γ(1 − x) = π / sin(πx)
  const reflected = op2(g, 'Sub', g.op('Log', [op2(g, 'Div', c(Math.PI), g.op('Abs', [sinPi(g, x, c)]))]), right);
  const pole = g.op('And', [left, g.op('Equal', [g.op('Floor', [x]), x])]);
  const r = g.op('Where', [pole, c(Infinity), g.op('Where', [left, reflected, right])]);
  return g.op('Where', [g.op('IsInf', [x]), c(Infinity), r]);
}
function digamma64(g: GraphBuilder, x: string, c: (v: number) => string): string {
  const left = g.op('Less', [x, c(0.5)]);
  const sp = sinPi(g, x, c);
  const cp = sinPi(g, op2(g, 'Add', x, c(0.5)), c);
  // ψ(1 − x) − ψ(x) = π cot(πx); then ψ(y) = ψ(y + 10) − Σ_{k<10} 1/(y + k) and the asymptotic series at y + 10.
  let acc = g.op('Where', [left, g.op('Neg', [op2(g, 'Div', op2(g, 'Mul', c(Math.PI), cp), sp)]), c(0)]);
  let y = g.op('Where', [left, op2(g, 'Sub', c(1), x), x]);
  for (let k = 0; k < 10; k++) { acc = op2(g, 'Sub', acc, op2(g, 'Div', c(1), y)); y = op2(g, 'Add', y, c(1)); }
  const r = op2(g, 'Div', c(1), op2(g, 'Mul', y, y));
  let series = c(1 / 12);
  const B = [1 / 120, 1 / 252, 1 / 240, 1 / 132, 691 / 32760, 1 / 12];
  let inner = op2(g, 'Mul', r, c(B[5]!));
  for (let i = 4; i >= 0; i--) inner = op2(g, 'Mul', r, op2(g, 'Sub', c(B[i]!), inner));
  series = op2(g, 'Mul', r, op2(g, 'Sub', series, inner));
  const res = op2(g, 'Sub', op2(g, 'Sub', op2(g, 'Add', acc, g.op('Log', [y])), op2(g, 'Div', c(0.5), y)), series);
  const pole = g.op('And', [left, g.op('Equal', [g.op('Floor', [x]), x])]);
  const posInf = g.op('Equal', [x, c(Infinity)]);
  return g.op('Where', [posInf, c(Infinity), g.op('Where', [g.op('Or', [pole, g.op('Equal', [x, c(-Infinity)])]), c(Number.NaN), res])]);
}

const noLowering = (prim: string, why: string): AnyLowering => () => {
  throw new OnnxLoweringError(`the primitive '${prim}' has no ONNX lowering: ${why}`);
};

const unaryRows: { [P in UnaryPrimitive]: OnnxLowering<P> } = {
  neg: one(({ g }, [x], [a]) => (a!.dtype === 'uint32' ? g.op('Sub', [g.scalar(0, 'uint32'), x!]) : g.op('Neg', [x!]))),
  sign: direct('Sign'), floor: floatUnary('Floor'), ceil: floatUnary('Ceil'), round: floatUnary('Round'),
  abs: one(({ g }, [x], [a]) => (a!.dtype === 'uint32' ? g.op('Identity', [x!]) : g.op('Abs', [x!]))),
  exp: floatUnary('Exp'), log: floatUnary('Log'),
  expm1: one(({ g }, [x], [a]) => expm1(g, x!, a!.dtype)),
  log1p: one(({ g }, [x], [a]) => log1p(g, x!, a!.dtype)),
  sin: floatUnary('Sin'), cos: floatUnary('Cos'), tanh: floatUnary('Tanh'), sqrt: floatUnary('Sqrt'),
  // ORT's Tan kernel is float32 only: sin/cos serves both float dtypes.
  tan: one(({ g }, [x]) => g.op('Div', [g.op('Sin', [x!]), g.op('Cos', [x!])])),
  not: byDtype(direct('Not'), direct('BitwiseNot')),
  erf: ((ctx, ins, p, a, o) => (a[0]!.dtype === 'float32' ? direct('Erf')(ctx, ins, p, a, o) : inFloat64(erf64)(ctx, ins, p, a, o))) as AnyLowering,
  erfc: inFloat64(erfc64), lgamma: inFloat64(lgamma64), digamma: inFloat64(digamma64),
};
const binaryRows: { [P in BinaryPrimitive]: OnnxLowering<P> } = {
  add: byDtype(direct('Or'), direct('Add')),
  sub: direct('Sub'),
  mul: byDtype(direct('And'), direct('Mul')),
  div: one(({ g }, [x, y], [a]) => (isFloat(a!.dtype) ? g.op('Div', [x!, y!]) : intDivide(g, x!, y!, a!.dtype))),
  rem: one(({ g }, [x, y], [a]) => (isFloat(a!.dtype) ? g.op('Mod', [x!, y!], { fmod: 1 }) : intRemainder(g, x!, y!, a!.dtype))),
  pow: direct('Pow'),
  max: byDtype(direct('Or'), direct('Max')),
  min: byDtype(direct('And'), direct('Min')),
  atan2: one(({ g }, [y, x], [a]) => atan2(g, y!, x!, a!.dtype)),
  and: byDtype(direct('And'), direct('BitwiseAnd')),
  or: byDtype(direct('Or'), direct('BitwiseOr')),
  shift_right_logical: one(({ g }, [x, s], [a]) => {
    const d = a!.dtype;
    const ux = convert(g, x!, d, 'uint32'), us = convert(g, s!, d, 'uint32');
    const shifted = g.op('BitShift', [ux, us], { direction: 'RIGHT' });
    const r = where(g, g.op('GreaterOrEqual', [cast(g, us, 'uint32', 'int64'), g.scalar(32, 'int64')]), g.scalar(0, 'uint32'), shifted, 'uint32');
    return convert(g, r, 'uint32', d);
  }),
};

/** Rows in catalog order (src/core/primitives.ts). */
export const onnxLowerings: { [P in Primitive]: OnnxLowering<P> } = {
  ...unaryRows,
  ...binaryRows,

  eq: compare('Equal'), ne: compare('Equal', true), lt: compare('Less'), le: compare('LessOrEqual'),
  gt: compare('Greater'), ge: compare('GreaterOrEqual'),

  reduce_sum: reduction('reduce_sum', 'ReduceSum', 'any', false), reduce_max: reduction('reduce_max', 'ReduceMax', 'any', true),
  reduce_min: reduction('reduce_min', 'ReduceMin', 'all', true), reduce_prod: reduction('reduce_prod', 'ReduceProd', 'all', false),
  argmax: argReduction('ArgMax'), argmin: argReduction('ArgMin'),

  select: one(({ g }, [p, t, f], [, ta]) => where(g, p!, t!, f!, ta!.dtype)),
  convert_element_type: ({ g }, [x], { newDtype }, [a]) => [convert(g, x!, a!.dtype, newDtype)],
  iota: ({ g }, _ins, { dtype, shape, dimension }) => {
    const n = shape[dimension]!;
    const range = g.op('Range', [g.scalar(0, 'int64'), g.scalar(n, 'int64'), g.scalar(1, 'int64')]);
    const line = cast(g, range, 'int64', dtype);
    return [expandTo(g, line, [n], shape, [dimension])];
  },
  broadcast_in_dim: ({ g }, [x], { shape, broadcastDimensions }, [a]) => [expandTo(g, x!, a!.shape, shape, broadcastDimensions)],
  reshape: ({ g }, [x], { newSizes }) => [reshape(g, x!, newSizes)],
  transpose: ({ g }, [x], { permutation }) => [g.op('Transpose', [x!], { perm: permutation })],
  slice: ({ g }, [x], { startIndices, limitIndices, strides }, [a]) => {
    if (a!.ndim === 0) return [g.op('Identity', [x!])];
    const axes = a!.shape.map((_, i) => i);
    return [g.op('Slice', [x!, g.ints(startIndices), g.ints(limitIndices), g.ints(axes), g.ints(strides ?? axes.map(() => 1))])];
  },
  pad: ({ g }, [x, v], { config }, [a]) => {
    const shape = [...a!.shape];
    let cur = x!;
    config.forEach(([, , interior], axis) => { if (interior > 0) cur = interiorPad(g, cur, shape, axis, interior, v!); });
    if (config.every(([lo, hi]) => lo === 0 && hi === 0)) return [g.op('Identity', [cur])];
    // Negative low/high padding crops: ONNX Pad takes negative pads.
    return [g.op('Pad', [cur, g.ints([...config.map(([lo]) => lo), ...config.map(([, hi]) => hi)]), v!])];
  },
  concatenate: ({ g }, ins, { dimension }) => [g.op('Concat', ins, { axis: dimension })],
  rev: ({ g }, [x], { dimensions }) => {
    if (dimensions.length === 0) return [g.op('Identity', [x!])];
    const big = -(2 ** 53);
    return [g.op('Slice', [x!, g.ints(dimensions.map(() => -1)), g.ints(dimensions.map(() => big)), g.ints(dimensions), g.ints(dimensions.map(() => -1))])];
  },
  gather: ({ g }, [x, idx], { axis }, [xa, ia]) => {
    const n = xa!.shape[axis]!;
    if (n === 0) throw new OnnxLoweringError(`gather: cannot take from an empty axis (${xa!.str()})`);
    const i64 = cast(g, idx!, ia!.dtype, 'int64');
    // ORT's int64 Clip/Min/Max compare wrongly past 2^31 (measured on 1.30): clamp with Less/Greater.
    const lo = g.scalar(0, 'int64'), hi = g.scalar(n - 1, 'int64');
    const clamped = g.op('Where', [g.op('Less', [i64, lo]), lo, g.op('Where', [g.op('Greater', [i64, hi]), hi, i64])]);
    return [g.op('Gather', [x!, clamped], { axis })];
  },
  scatter_add: ({ g }, [x, idx, upd], { axis }, [xa, ia], [oa]) => {
    // Axis first, indices flattened to [m, 1]; out-of-range rows go to an extra row that is dropped.
    const d = xa!.dtype, n = xa!.shape[axis]!, m = ia!.size;
    const rest = xa!.shape.filter((_, i) => i !== axis);
    const permX = [axis, ...xa!.shape.map((_, i) => i).filter((i) => i !== axis)];
    const inv = permX.map((_, i) => permX.indexOf(i));
    const via: OnnxDType | DType = d === 'bool' || d === 'uint32' ? 'int64' : d;
    const xt = cast(g, g.op('Transpose', [x!], { perm: permX }), d, via);
    const grown = g.op('Pad', [xt, g.ints([0, ...rest.map(() => 0), 1, ...rest.map(() => 0)])]);
    const k = ia!.ndim;
    const permU = [...Array.from({ length: k }, (_, i) => axis + i), ...Array.from({ length: axis }, (_, i) => i), ...Array.from({ length: xa!.ndim - axis - 1 }, (_, i) => axis + k + i)];
    const ut = cast(g, reshape(g, g.op('Transpose', [upd!], { perm: permU }), [m, ...rest]), d, via);
    const i64 = cast(g, idx!, ia!.dtype, 'int64');
    const bad = g.op('Or', [g.op('Less', [i64, g.scalar(0, 'int64')]), g.op('GreaterOrEqual', [i64, g.scalar(n, 'int64')])]);
    const target = reshape(g, g.op('Where', [bad, g.scalar(n, 'int64'), i64]), [m, 1]);
    const summed = g.op('ScatterND', [grown, target, ut], { reduction: 'add' });
    const kept = g.op('Slice', [summed, g.ints([0]), g.ints([n]), g.ints([0])]);
    const back = d === 'bool' ? g.op('Cast', [kept], { to: ONNX_CODE.bool! }) : cast(g, kept, via, d);
    void oa;
    return [g.op('Transpose', [back], { perm: inv })];
  },
  sort: ({ g }, ins, { dimension, numKeys }, avals) => {
    const n = avals[0]!.shape[dimension]!;
    if (n <= 1 || avals[0]!.size === 0) return ins.map((x) => g.op('Identity', [x]));
    let perm: string | null = null;
    for (let k = numKeys - 1; k >= 0; k--) perm = stableArgsort(g, ins[k]!, avals[k]!.dtype, dimension, n, perm);
    return ins.map((x) => g.op('GatherElements', [x, perm!], { axis: dimension }));
  },
  dot_general: dotGeneral,
  conv_general_dilated: convLowering,
  reduce_window_sum: reduceWindowSumLowering, reduce_window_max: reduceWindowMaxLowering, reduce_window_min: reduceWindowMinLowering,
  select_and_gather_add: selectAndGatherAddLowering,
  select_and_scatter_add: selectAndScatterAddLowering,
  fft: fftLowering,
  threefry2x32: ({ g }, ins, _p, [a]) => (a!.size === 0 ? [g.op('Identity', [ins[2]!]), g.op('Identity', [ins[3]!])] : threefry(g, ins)),
  // Standard ONNX has no matrix decompositions (only Det, which np.linalg.det does not lower to: it derives from lu).
  cholesky: noLowering('cholesky', 'standard ONNX has no Cholesky operator (np.linalg.cholesky, solve of a positive-definite system)'),
  triangular_solve: noLowering('triangular_solve', 'standard ONNX has no triangular solve (lax.linalg.triangularSolve, np.linalg.solve, inv)'),
  lu: noLowering('lu', 'standard ONNX has no LU decomposition (lax.linalg.lu, np.linalg.solve, inv, det, slogdet)'),
  qr: noLowering('qr', 'standard ONNX has no QR decomposition (np.linalg.qr)'),
  eigh: noLowering('eigh', 'standard ONNX has no symmetric eigensolver (np.linalg.eigh)'),
  svd: noLowering('svd', 'standard ONNX has no SVD (np.linalg.svd, pinv, lstsq, matrixRank, norm with ord 2/nuc)'),

  custom_jvp_call: (ctx, ins, { name, jaxpr }) => {
    if (!jaxpr) throw new OnnxLoweringError(`custom_jvp_call ${name} carries no traced jaxpr to export`);
    return ctx.lowerJaxpr(jaxpr, ins);
  },
  custom_vjp_call: (ctx, ins, { name, jaxpr }) => {
    if (!jaxpr) throw new OnnxLoweringError(`custom_vjp_call ${name} carries no traced jaxpr to export`);
    return ctx.lowerJaxpr(jaxpr, ins);
  },
  custom_lin: noLowering('custom_lin', 'it is the tangent map of a customVjp function, which has no forward meaning (the CPU backend cannot run it either); export the function of the gradient instead'),
  jit: (ctx, ins, { jaxpr }) => ctx.lowerJaxpr(jaxpr, ins),
  // Control flow lowers to ONNX's own: cond → If (nested for more than two branches), scan → Loop
  // over its static length with the ys as Loop's scan outputs, while → Loop with a condition.
  cond: (ctx, [index, ...ops], { branches }, _in, outAvals) => {
    const { g } = ctx;
    const types = outAvals.map((a) => ({ dtype: a.dtype as OnnxDType, shape: a.shape }));
    const branch = (k: number) => g.subgraph(`branch${k}`, [], types, () => ctx.lowerJaxpr(branches[k]!, ops));
    // branches[clamp(index)]: branch k is taken when index ≤ k (and no earlier one was).
    const chooseFrom = (k: number): string[] => {
      if (k === branches.length - 1) return ctx.lowerJaxpr(branches[k]!, ops);
      const rest = k + 1 === branches.length - 1 ? branch(k + 1) : g.subgraph(`else${k}`, [], types, () => chooseFrom(k + 1));
      return g.node('If', [g.op('LessOrEqual', [index!, g.scalar(k, 'int32')])], { then_branch: branch(k), else_branch: rest }, outAvals.length);
    };
    return chooseFrom(0);
  },
  scan: (ctx, ins, { jaxpr, numConsts, numCarry, length, reverse }, _in, outAvals) => {
    const { g } = ctx;
    const consts = ins.slice(0, numConsts), init = ins.slice(numConsts, numConsts + numCarry), xs = ins.slice(numConsts + numCarry);
    const carryAvals = outAvals.slice(0, numCarry), yAvals = outAvals.slice(numCarry);
    if (length === 0) return [...init.map((c) => g.op('Identity', [c])), ...yAvals.map((a) => g.constant(a.dtype as OnnxDType, a.shape, []))];
    const iter = g.fresh('iter'), condIn = g.fresh('cond');
    const carryIn = carryAvals.map(() => g.fresh('carry'));
    const body = g.subgraph('scan_body',
      [{ name: iter, dtype: 'int64', shape: [] }, { name: condIn, dtype: 'bool', shape: [] }, ...carryAvals.map((a, i) => ({ name: carryIn[i]!, dtype: a.dtype as OnnxDType, shape: a.shape }))],
      [{ dtype: 'bool', shape: [] }, ...outAvals.map((a, i) => ({ dtype: a.dtype as OnnxDType, shape: i < numCarry ? a.shape : a.shape.slice(1) }))],
      () => {
        const t = reverse ? g.op('Sub', [g.scalar(length - 1, 'int64'), iter]) : iter;
        const slices = xs.map((x) => g.op('Gather', [x, t], { axis: 0 }));
        return [g.op('Identity', [condIn]), ...ctx.lowerJaxpr(jaxpr, [...consts, ...carryIn, ...slices])];
      });
    const outs = g.node('Loop', [g.scalar(length, 'int64'), '', ...init], { body }, outAvals.length);
    // Loop stacks scan outputs in iteration order: a reverse scan's ys come out backwards.
    const big = -(2 ** 53);
    return outs.map((o, i) => (i >= numCarry && reverse ? g.op('Slice', [o, g.ints([-1]), g.ints([big]), g.ints([0]), g.ints([-1])]) : o));
  },
  while: (ctx, ins, { condJaxpr, bodyJaxpr, condNumConsts, bodyNumConsts }, _in, outAvals) => {
    const { g } = ctx;
    const condConsts = ins.slice(0, condNumConsts), bodyConsts = ins.slice(condNumConsts, condNumConsts + bodyNumConsts);
    const init = ins.slice(condNumConsts + bodyNumConsts);
    const first = ctx.lowerJaxpr(condJaxpr, [...condConsts, ...init])[0]!;
    const iter = g.fresh('iter'), condIn = g.fresh('cond');
    const carryIn = outAvals.map(() => g.fresh('carry'));
    const body = g.subgraph('while_body',
      [{ name: iter, dtype: 'int64', shape: [] }, { name: condIn, dtype: 'bool', shape: [] }, ...outAvals.map((a, i) => ({ name: carryIn[i]!, dtype: a.dtype as OnnxDType, shape: a.shape }))],
      [{ dtype: 'bool', shape: [] }, ...outAvals.map((a) => ({ dtype: a.dtype as OnnxDType, shape: a.shape }))],
      () => {
        const next = ctx.lowerJaxpr(bodyJaxpr, [...bodyConsts, ...carryIn]);
        return [ctx.lowerJaxpr(condJaxpr, [...condConsts, ...next])[0]!, ...next];
      });
    return g.node('Loop', ['', first, ...init], { body }, outAvals.length);
  },
  checkpoint: (ctx, ins, { jaxpr }) => ctx.lowerJaxpr(jaxpr, ins),
};
