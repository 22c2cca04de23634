// The catalog: every primitive's name, its params type and its shape/dtype rule. Every other
// table (JVP, transpose, CPU and WGSL kernels, test rows) is keyed by this list, so a primitive
// added here is a compile error everywhere it still lacks a rule.
import * as E from 'fp-ts/lib/Either.js';
import { ShapedArray } from './aval.js';
import { DType, highestOf, isFloat, isInteger, lowestOf } from './dtype.js';
import { Shape, showShape, sizeOf, shapeEq } from './shape.js';
import type { NDArray } from './array.js';
import type { ClosedJaxpr } from './jaxpr.js';

type NoParams = Record<string, never>;
export type FlatFn = (...args: NDArray[]) => NDArray[];
/** A user JVP rule over flat lists: (primals, tangents) → [primalsOut, tangentsOut]. */
export type FlatJvpFn = (primals: NDArray[], tangents: NDArray[]) => [NDArray[], NDArray[]];
/** A user forward pass for customVjp: primals → [outs, residuals]. */
export type FlatFwdFn = (...primals: NDArray[]) => [NDArray[], NDArray[]];
/** A user backward pass for customVjp: (residuals, output cotangents) → input cotangents. */
export type FlatBwdFn = (residuals: NDArray[], cotangents: NDArray[]) => NDArray[];

/** Which operand dtypes an elementwise primitive takes (its shape rule's check). */
type DtypeClass = 'any' | 'float' | 'numeric' | 'integral' | 'int';

/**
 * The unary elementwise primitives, each with the dtypes it takes: one row declares one (its
 * params type, its kind and its shape rule follow). Rows in catalog order.
 */
const UNARY = {
  neg: 'numeric', sign: 'numeric', floor: 'float', ceil: 'float', round: 'float', abs: 'numeric',
  exp: 'float', log: 'float', expm1: 'float', log1p: 'float', sin: 'float', cos: 'float',
  /** JAX's tan_p. */
  tan: 'float',
  tanh: 'float', sqrt: 'float', not: 'integral',
  /** Special functions (JAX's erf_p, erfc_p, lgamma_p, digamma_p): float64-accurate on the CPU. */
  erf: 'float', erfc: 'float', lgamma: 'float', digamma: 'float',
} as const satisfies Record<string, DtypeClass>;
/** The binary elementwise primitives (operands of one shape and dtype), as UNARY. */
const BINARY = {
  add: 'any', sub: 'numeric', mul: 'any', div: 'numeric', rem: 'numeric', pow: 'float',
  max: 'any', min: 'any', atan2: 'float', and: 'integral', or: 'integral',
  shift_right_logical: 'int',
} as const satisfies Record<string, DtypeClass>;
/** Comparisons: two operands of one shape and dtype, a bool result. */
const COMPARE = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;

export type UnaryParams = { [P in keyof typeof UNARY]: NoParams };
export type BinaryParams = { [P in keyof typeof BINARY]: NoParams };
export type CompareParams = { [P in (typeof COMPARE)[number]]: NoParams };
export interface ReduceParams {
  reduce_sum: { axes: readonly number[] }; reduce_max: { axes: readonly number[] };
  reduce_min: { axes: readonly number[] }; reduce_prod: { axes: readonly number[] };
}
export interface DotDimensionNumbers {
  /** [lhs contracting axes, rhs contracting axes] */
  readonly contracting: readonly [readonly number[], readonly number[]];
  /** [lhs batch axes, rhs batch axes] */
  readonly batch: readonly [readonly number[], readonly number[]];
}

/**
 * Which axis is which in a convolution (JAX's ConvDimensionNumbers): `lhs` lists the lhs's
 * [batch, feature, ...spatial] axes, `rhs` the kernel's [out feature, in feature, ...spatial],
 * `out` the result's [batch, feature, ...spatial]. NCHW/OIHW/NCHW is [0,1,2,3] for all three.
 */
export interface ConvDimensionNumbers {
  readonly lhs: readonly number[];
  readonly rhs: readonly number[];
  readonly out: readonly number[];
}
/** XLA's ConvGeneralDilated, as JAX's conv_general_dilated_p; one entry per spatial dimension in the lists. */
export interface ConvParams {
  readonly windowStrides: readonly number[];
  /** [low, high] per spatial dimension, in lhs-dilated coordinates (may be negative). */
  readonly padding: readonly (readonly [number, number])[];
  readonly lhsDilation: readonly number[];
  readonly rhsDilation: readonly number[];
  readonly dimensionNumbers: ConvDimensionNumbers;
  readonly featureGroupCount: number;
  readonly batchGroupCount: number;
}

/**
 * A window over every axis of an operand (XLA's ReduceWindow): window position k of output o meets
 * the operand at o·stride + k·windowDilation − lo in base-dilated coordinates (the operand's
 * elements baseDilation apart); positions in the padding or between dilated elements hold the
 * reduction's identity.
 */
export interface WindowParams {
  readonly windowDimensions: readonly number[];
  readonly windowStrides: readonly number[];
  readonly padding: readonly (readonly [number, number])[];
  readonly baseDilation: readonly number[];
  readonly windowDilation: readonly number[];
}
/** Which element of a window is selected: the first maximum ('ge') or the first minimum ('le'). */
export type SelectPrim = 'ge' | 'le';

/**
 * Matrix decompositions over the last two axes (leading axes are a batch), as JAX's lax.linalg
 * primitives; everything else in np.linalg derives from these (src/core/linalg.ts).
 */
export interface LinalgParams {
  /** (…, n, n) → L, lower with zeros above; reads only the lower triangle. Not positive definite: all NaN (as JAX). */
  cholesky: NoParams;
  /**
   * Operands (a: (…, n, n), b): x with op(a)·x = b (leftSide) or x·op(a) = b, op(a) = aᵀ if
   * transposeA. Reads only a's `lower` (or upper) triangle, and not its diagonal if unitDiagonal.
   */
  triangular_solve: { leftSide: boolean; lower: boolean; transposeA: boolean; unitDiagonal: boolean };
  /** (…, m, n) → (lu, pivots int32 (…, min(m, n)), permutation int32 (…, m)): a[permutation] = L·U, partial pivoting (LAPACK's getrf). */
  lu: NoParams;
  /** (…, m, n) → (q, r) by Householder reflections (LAPACK's signs); q is m×m if fullMatrices, else m×min(m, n). */
  qr: { fullMatrices: boolean };
  /** (…, n, n) symmetric → (v, w): eigenvalues w ascending, a·v = v·diag(w); reads the `lower` (or upper) triangle. */
  eigh: { lower: boolean };
  /** (…, m, n) → (s descending, u, vt) or (s) alone; u is m×m and vt n×n if fullMatrices, else m×k and k×n. */
  svd: { fullMatrices: boolean; computeUv: boolean };
}
/** XLA's FFT types. ifft and irfft carry the 1/N of the inverse transform; fft and rfft are unnormalized. */
export type FftType = 'fft' | 'ifft' | 'rfft' | 'irfft';
/**
 * A discrete Fourier transform over the trailing `fftLengths.length` signal axes (XLA's Fft). There
 * is no complex dtype: a complex array is a float array with a trailing axis of 2 holding (re, im).
 * fft, ifft: complex [..., ...L, 2] → complex [..., ...L, 2]; rfft: real [..., ...L] → complex
 * [..., ...L', ⌊n/2⌋+1, 2] (L = [...L', n]); irfft: that half spectrum → real [..., ...L].
 */
export interface FftParams { readonly fftType: FftType; readonly fftLengths: readonly number[] }

/** Primitives on arrays: what backends implement as kernels. */
export interface ArrayPrimitiveParams extends UnaryParams, BinaryParams, CompareParams, ReduceParams, LinalgParams {
  select: NoParams;
  convert_element_type: { newDtype: DType; weakType: boolean };
  iota: { dtype: DType; shape: Shape; dimension: number };
  argmax: { axis: number; indexDtype: DType };
  argmin: { axis: number; indexDtype: DType };
  broadcast_in_dim: { shape: Shape; broadcastDimensions: readonly number[] };
  reshape: { newSizes: Shape };
  transpose: { permutation: readonly number[] };
  slice: { startIndices: readonly number[]; limitIndices: readonly number[]; strides: readonly number[] | null };
  /** Operands (x, paddingValue scalar); per axis [low, high, interior], low/high may be negative. */
  pad: { config: readonly (readonly [number, number, number])[] };
  concatenate: { dimension: number };
  rev: { dimensions: readonly number[] };
  /** take along one axis: out = x.shape[:axis] + idx.shape + x.shape[axis+1:]; indices clamp. */
  gather: { axis: number };
  /** Operands (x, indices, updates): adds updates into x at indices along axis; out-of-range dropped. */
  scatter_add: { axis: number };
  /**
   * Operands of one shape, any dtypes; every one is permuted by the stable lexicographic order of
   * the first `numKeys` along `dimension` (JAX's sort_p). Floats order totally, as NumPy sorts:
   * -inf < … < -0 = +0 < … < inf < NaN (every NaN equal and last).
   */
  sort: { dimension: number; numKeys: number };
  dot_general: { dimensionNumbers: DotDimensionNumbers };
  /** Operands (lhs, rhs) of one dtype: out[n, o, s] = Σ_{i,k} lhs[n, g·I + i, s·stride + k·rhsDilation − lo] · rhs[o, i, k] (lhs dilated). */
  conv_general_dilated: ConvParams;
  reduce_window_sum: WindowParams;
  reduce_window_max: WindowParams;
  reduce_window_min: WindowParams;
  /** Operands (tangent, operand): per window, the tangent where the operand is selected (0 if that is padding). The JVP of reduce_window_max/min. */
  select_and_gather_add: WindowParams & { readonly selectPrim: SelectPrim };
  /** Operands (source, operand): each window's source value added where the operand is selected; out has the operand's shape. */
  select_and_scatter_add: WindowParams & { readonly selectPrim: SelectPrim };
  /** Operand x (float32/float64): the DFT over its trailing signal axes, complex values as a trailing (re, im) axis. */
  fft: FftParams;
  /** Threefry-2x32 (20 rounds) on (key0, key1, x0, x1), all uint32 of one shape → (y0, y1). */
  threefry2x32: NoParams;
}

/** Primitives that carry functions: interpreters handle them, backends never see them. */
export interface HigherOrderParams {
  custom_jvp_call: { name: string; fun: FlatFn; jvp: FlatJvpFn; jaxpr?: ClosedJaxpr };
  custom_vjp_call: { name: string; fun: FlatFn; fwd: FlatFwdFn; bwd: FlatBwdFn; jaxpr?: ClosedJaxpr };
  /** The linear tangent of a customVjp call; its transpose runs the user's bwd on the residuals. */
  custom_lin: { name: string; bwd: FlatBwdFn; numResiduals: number; outAvals: readonly ShapedArray[] };
  /** A jitted call: its jaxpr (constants hoisted to leading inputs) runs as one compiled program. */
  jit: { name: string; jaxpr: ClosedJaxpr; donated: readonly boolean[] };
  /**
   * Operands (index: int32 scalar, ...operands); runs branches[clamp(index)] on the operands (JAX's
   * cond_p: lax.cond is the two-branch case with index = int(pred)). Every branch takes and
   * returns the same types.
   */
  cond: { branches: readonly ClosedJaxpr[] };
  /**
   * Operands (...consts, ...init carry, ...xs); body: (consts, carry, x) → (carry, y), run `length`
   * times over the leading axis of the xs (from the end when `reverse`); outputs (carry, ...ys stacked).
   */
  scan: { jaxpr: ClosedJaxpr; numConsts: number; numCarry: number; length: number; reverse: boolean; unroll: number };
  /** Operands (...cond consts, ...body consts, ...init carry); loops body while cond(carry) is true. */
  while: { condJaxpr: ClosedJaxpr; bodyJaxpr: ClosedJaxpr; condNumConsts: number; bodyNumConsts: number };
  /** Rematerialization: the jaxpr's values are recomputed in the backward pass, except those the policy saves. */
  checkpoint: { name: string; jaxpr: ClosedJaxpr; policy: CheckpointPolicy };
}

/** Which intermediate values of a checkpointed function the forward pass keeps for the backward pass (JAX's checkpoint_policies). */
export type CheckpointPolicy = 'nothing_saveable' | 'dots_saveable' | 'everything_saveable';

export interface PrimitiveParams extends ArrayPrimitiveParams, HigherOrderParams {}
export type Primitive = keyof PrimitiveParams;
export type ArrayPrimitive = keyof ArrayPrimitiveParams;
export type UnaryPrimitive = keyof UnaryParams;
export type BinaryPrimitive = keyof BinaryParams;
export type ComparePrimitive = keyof CompareParams;
export type ReducePrimitive = keyof ReduceParams;
export type LinalgPrimitive = keyof LinalgParams;
export type HigherOrderPrimitive = keyof HigherOrderParams;
export type Params<P extends Primitive> = PrimitiveParams[P];

// ---- the elementwise contract ------------------------------------------------------------------
/**
 * The elementwise primitives: one scalar function applied at every index of operands of one shape.
 * Each backend gives every one a scalar expression in one table (src/backends/elementwise.ts) and
 * generates its elementwise kernels from it; batching treats them all alike.
 */
export type ElementwisePrimitive = UnaryPrimitive | BinaryPrimitive | ComparePrimitive | 'select' | 'convert_element_type';
/** How an elementwise primitive is applied: the signature of its scalar expression. */
export type ElementwiseKind<P extends ElementwisePrimitive = ElementwisePrimitive> =
  P extends UnaryPrimitive ? 'unary' : P extends BinaryPrimitive ? 'binary' : P extends ComparePrimitive ? 'compare'
  : P extends 'select' ? 'select' : 'convert';

/** Every elementwise primitive's kind, in catalog order: from the UNARY, BINARY and COMPARE lists, so complete by construction. */
export const ELEMENTWISE_KINDS = Object.fromEntries([
  ...Object.keys(UNARY).map((p) => [p, 'unary']),
  ...Object.keys(BINARY).map((p) => [p, 'binary']),
  ...COMPARE.map((p) => [p, 'compare']),
  ['select', 'select'],
  ['convert_element_type', 'convert'],
]) as { readonly [P in ElementwisePrimitive]: ElementwiseKind<P> };
export const ELEMENTWISE_PRIMITIVES = Object.keys(ELEMENTWISE_KINDS) as ElementwisePrimitive[];
export const isElementwise = (p: string): p is ElementwisePrimitive => Object.prototype.hasOwnProperty.call(ELEMENTWISE_KINDS, p);
/** Operands of each application: select takes (predicate, on true, on false). */
export const elementwiseArity = (p: ElementwisePrimitive): 1 | 2 | 3 => {
  const kind = ELEMENTWISE_KINDS[p];
  return kind === 'select' ? 3 : kind === 'unary' || kind === 'convert' ? 1 : 2;
};

/**
 * One row per elementwise primitive, each made by `row` (a kernel, a batching rule, …): how a
 * table typed `{ [P in ArrayPrimitive]: … }` takes its elementwise rows from the list above, so a
 * new elementwise primitive needs no row there. `T` is the mapped type of the rows.
 */
export function elementwiseRows<T extends { [P in ElementwisePrimitive]: unknown }>(row: (p: ElementwisePrimitive) => T[ElementwisePrimitive]): T {
  return Object.fromEntries(ELEMENTWISE_PRIMITIVES.map((p) => [p, row(p)])) as T;
}

/** Each reduction folds with a binary elementwise primitive (on bool, add is or and mul is and). */
export const REDUCE_COMBINE = { reduce_sum: 'add', reduce_max: 'max', reduce_min: 'min', reduce_prod: 'mul' } as const satisfies { readonly [P in ReducePrimitive]: BinaryPrimitive };
/** The fold's identity, what a reduction over nothing gives: the lowest or highest value of the dtype for max and min (bool: false, true). */
export function reduceIdentity(prim: ReducePrimitive, dtype: DType): number {
  switch (prim) {
    case 'reduce_sum': return 0;
    case 'reduce_prod': return 1;
    case 'reduce_max': return lowestOf(dtype);
    case 'reduce_min': return highestOf(dtype);
  }
}

export type ShapeRule<P extends Primitive> = (avals: readonly ShapedArray[], params: Params<P>) => E.Either<string, ShapedArray[]>;

// ---- helpers for the rules ------------------------------------------------------------------
const ok = (...avals: ShapedArray[]) => E.right(avals);
const fail = (msg: string) => E.left(msg);
const arity = (n: number, avals: readonly ShapedArray[]): string | null =>
  avals.length === n ? null : `expected ${n} operand${n === 1 ? '' : 's'}, got ${avals.length}`;
const allWeak = (avals: readonly ShapedArray[]) => avals.every((a) => a.weakType);

const accepts: Record<DtypeClass, (d: DType) => boolean> = {
  any: () => true,
  float: isFloat,
  numeric: (d) => d !== 'bool',
  integral: (d) => d === 'bool' || isInteger(d),
  int: isInteger,
};
const CLASS_WORDS: Record<DtypeClass, string> = {
  any: 'any dtype', float: 'a float dtype', numeric: 'a numeric (non-bool) dtype', integral: 'bool or an integer dtype', int: 'an integer dtype',
};

function unary(cls: DtypeClass): ShapeRule<UnaryPrimitive> {
  return (avals) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    if (!accepts[cls](x.dtype)) return fail(`got ${x.str()}, expected ${CLASS_WORDS[cls]}`);
    return ok(x);
  };
}
function sameShapes(avals: readonly ShapedArray[]): string | null {
  const [x, ...rest] = avals;
  for (const y of rest) {
    if (!shapeEq(x!.shape, y.shape) || x!.dtype !== y.dtype) {
      return `operands must have identical shapes and dtypes (the numpy layer broadcasts and promotes), got ${avals.map((v) => v.str()).join(' and ')}`;
    }
  }
  return null;
}
function binary(cls: DtypeClass): ShapeRule<BinaryPrimitive> {
  return (avals) => {
    const a = arity(2, avals) ?? sameShapes(avals); if (a) return fail(a);
    const x = avals[0]!;
    if (!accepts[cls](x.dtype)) return fail(`got ${x.str()}, expected ${CLASS_WORDS[cls]}`);
    return ok(new ShapedArray(x.shape, x.dtype, allWeak(avals)));
  };
}
const compare: ShapeRule<ComparePrimitive> = (avals) => {
  const a = arity(2, avals) ?? sameShapes(avals); if (a) return fail(a);
  return ok(new ShapedArray(avals[0]!.shape, 'bool'));
};
function checkAxes(axes: readonly number[], ndim: number): string | null {
  const seen = new Set<number>();
  for (const ax of axes) {
    if (!Number.isInteger(ax) || ax < 0 || ax >= ndim) return `axis ${ax} out of range for rank ${ndim}`;
    if (seen.has(ax)) return `repeated axis ${ax}`;
    seen.add(ax);
  }
  return null;
}
function reduce(cls: DtypeClass): ShapeRule<ReducePrimitive> {
  return (avals, { axes }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    const bad = checkAxes(axes, x.ndim); if (bad) return fail(bad);
    if (!accepts[cls](x.dtype)) return fail(`got ${x.str()}, expected ${CLASS_WORDS[cls]}`);
    return ok(new ShapedArray(x.shape.filter((_, i) => !axes.includes(i)), x.dtype, x.weakType));
  };
}
const argReduce: ShapeRule<'argmax' | 'argmin'> = (avals, { axis, indexDtype }) => {
  const a = arity(1, avals); if (a) return fail(a);
  const x = avals[0]!;
  if (!Number.isInteger(axis) || axis < 0 || axis >= x.ndim) return fail(`axis ${axis} out of range for rank ${x.ndim}`);
  if (x.shape[axis] === 0) return fail(`cannot take the arg-extremum of an empty axis (shape ${showShape(x.shape)})`);
  if (!isInteger(indexDtype)) return fail(`indexDtype must be an integer dtype, got ${indexDtype}`);
  return ok(new ShapedArray(x.shape.filter((_, i) => i !== axis), indexDtype));
};
const validShape = (s: Shape) => s.every((d) => Number.isInteger(d) && d >= 0);

export const shapeRules: { [P in Primitive]: ShapeRule<P> } = {
  // The elementwise lists at the top of the file: each row's dtype class is its shape rule.
  ...(Object.fromEntries(Object.entries(UNARY).map(([p, cls]) => [p, unary(cls)])) as { [P in UnaryPrimitive]: ShapeRule<P> }),
  ...(Object.fromEntries(Object.entries(BINARY).map(([p, cls]) => [p, binary(cls)])) as { [P in BinaryPrimitive]: ShapeRule<P> }),
  ...(Object.fromEntries(COMPARE.map((p) => [p, compare])) as { [P in ComparePrimitive]: ShapeRule<P> }),

  reduce_sum: reduce('any'), reduce_max: reduce('any'), reduce_min: reduce('any'), reduce_prod: reduce('any'),
  argmax: argReduce, argmin: argReduce,

  select: (avals) => {
    const a = arity(3, avals); if (a) return fail(a);
    const [p, t, f] = avals as [ShapedArray, ShapedArray, ShapedArray];
    if (p.dtype !== 'bool') return fail(`predicate must be bool, got ${p.str()}`);
    const s = sameShapes([t, f]); if (s) return fail(s);
    if (!shapeEq(p.shape, t.shape)) return fail(`predicate shape ${showShape(p.shape)} differs from the cases' ${showShape(t.shape)}`);
    return ok(new ShapedArray(t.shape, t.dtype, t.weakType && f.weakType));
  },
  convert_element_type: (avals, { newDtype, weakType }) => {
    const a = arity(1, avals); if (a) return fail(a);
    return ok(new ShapedArray(avals[0]!.shape, newDtype, weakType));
  },
  iota: (avals, { dtype, shape, dimension }) => {
    const a = arity(0, avals); if (a) return fail(a);
    if (!validShape(shape)) return fail(`invalid shape ${showShape(shape)}`);
    if (dimension < 0 || dimension >= shape.length) return fail(`dimension ${dimension} out of range for shape ${showShape(shape)}`);
    if (dtype === 'bool') return fail('cannot produce bool (iota counts: use an integer or float dtype)');
    return ok(new ShapedArray(shape, dtype));
  },
  broadcast_in_dim: (avals, { shape, broadcastDimensions: bd }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    if (!validShape(shape)) return fail(`invalid shape ${showShape(shape)}`);
    if (bd.length !== x.ndim) return fail(`broadcastDimensions ${showShape(bd)} must have one entry per operand axis (operand ${x.str()})`);
    for (let i = 0; i < bd.length; i++) {
      const d = bd[i]!;
      if (d < 0 || d >= shape.length || (i > 0 && d <= bd[i - 1]!)) return fail(`broadcastDimensions ${showShape(bd)} must be increasing and within rank ${shape.length}`);
      if (x.shape[i] !== 1 && x.shape[i] !== shape[d]) return fail(`cannot broadcast ${x.str()} to ${showShape(shape)}: axis ${i} has size ${x.shape[i]}, target axis ${d} has ${shape[d]}`);
    }
    return ok(new ShapedArray(shape, x.dtype, x.weakType));
  },
  reshape: (avals, { newSizes }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    if (!validShape(newSizes)) return fail(`invalid shape ${showShape(newSizes)}`);
    if (sizeOf(newSizes) !== x.size) return fail(`cannot reshape ${x.str()} (size ${x.size}) into ${showShape(newSizes)} (size ${sizeOf(newSizes)})`);
    return ok(new ShapedArray(newSizes, x.dtype, x.weakType));
  },
  transpose: (avals, { permutation }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    const sorted = [...permutation].sort((p, q) => p - q);
    if (permutation.length !== x.ndim || sorted.some((p, i) => p !== i)) return fail(`permutation ${showShape(permutation)} is not a permutation of the ${x.ndim} axes of ${x.str()}`);
    return ok(new ShapedArray(permutation.map((p) => x.shape[p]!), x.dtype, x.weakType));
  },
  slice: (avals, { startIndices, limitIndices, strides }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const x = avals[0]!;
    if (startIndices.length !== x.ndim || limitIndices.length !== x.ndim || (strides && strides.length !== x.ndim)) {
      return fail(`start/limit/strides must each have ${x.ndim} entries for ${x.str()}`);
    }
    const out: number[] = [];
    for (let i = 0; i < x.ndim; i++) {
      const s = startIndices[i]!, l = limitIndices[i]!, st = strides?.[i] ?? 1;
      if (s < 0 || l > x.shape[i]! || s > l || st < 1) return fail(`slice [${s}:${l}:${st}] is out of range for axis ${i} of ${x.str()}`);
      out.push(Math.ceil((l - s) / st));
    }
    return ok(new ShapedArray(out, x.dtype, x.weakType));
  },
  pad: (avals, { config }) => {
    const a = arity(2, avals); if (a) return fail(a);
    const [x, v] = avals as [ShapedArray, ShapedArray];
    if (v.ndim !== 0 || v.dtype !== x.dtype) return fail(`padding value must be a scalar of ${x.dtype}, got ${v.str()}`);
    if (config.length !== x.ndim) return fail(`padding config needs ${x.ndim} entries for ${x.str()}, got ${config.length}`);
    const out: number[] = [];
    for (let i = 0; i < x.ndim; i++) {
      const [lo, hi, interior] = config[i]!;
      const n = x.shape[i]!;
      const d = lo + hi + n + Math.max(0, n - 1) * interior;
      if (interior < 0 || d < 0) return fail(`padding (${lo}, ${hi}, ${interior}) on axis ${i} of ${x.str()} gives a negative size`);
      out.push(d);
    }
    return ok(new ShapedArray(out, x.dtype, x.weakType));
  },
  concatenate: (avals, { dimension }) => {
    if (avals.length === 0) return fail('needs at least one operand');
    const x = avals[0]!;
    if (dimension < 0 || dimension >= x.ndim) return fail(`dimension ${dimension} out of range for ${x.str()}`);
    let total = 0;
    for (const y of avals) {
      if (y.dtype !== x.dtype || y.ndim !== x.ndim || y.shape.some((d, i) => i !== dimension && d !== x.shape[i])) {
        return fail(`operands must agree except on axis ${dimension}: got ${avals.map((v) => v.str()).join(', ')}`);
      }
      total += y.shape[dimension]!;
    }
    return ok(new ShapedArray(x.shape.map((d, i) => (i === dimension ? total : d)), x.dtype, allWeak(avals)));
  },
  rev: (avals, { dimensions }) => {
    const a = arity(1, avals); if (a) return fail(a);
    const bad = checkAxes(dimensions, avals[0]!.ndim); if (bad) return fail(bad);
    return ok(avals[0]!);
  },
  gather: (avals, { axis }) => {
    const a = arity(2, avals); if (a) return fail(a);
    const [x, idx] = avals as [ShapedArray, ShapedArray];
    if (axis < 0 || axis >= x.ndim) return fail(`axis ${axis} out of range for ${x.str()}`);
    if (!isInteger(idx.dtype)) return fail(`indices must be integers, got ${idx.str()}`);
    return ok(new ShapedArray([...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)], x.dtype, x.weakType));
  },
  scatter_add: (avals, { axis }) => {
    const a = arity(3, avals); if (a) return fail(a);
    const [x, idx, upd] = avals as [ShapedArray, ShapedArray, ShapedArray];
    if (axis < 0 || axis >= x.ndim) return fail(`axis ${axis} out of range for ${x.str()}`);
    if (!isInteger(idx.dtype)) return fail(`indices must be integers, got ${idx.str()}`);
    const want = [...x.shape.slice(0, axis), ...idx.shape, ...x.shape.slice(axis + 1)];
    if (upd.dtype !== x.dtype || !shapeEq(upd.shape, want)) return fail(`updates must be ${x.dtype}${showShape(want)}, got ${upd.str()}`);
    return ok(x);
  },
  sort: (avals, { dimension, numKeys }) => {
    if (avals.length === 0) return fail('expected at least one operand, got none');
    const x = avals[0]!;
    if (avals.some((y) => !shapeEq(y.shape, x.shape))) return fail(`operands must all have one shape (dtypes may differ), got ${avals.map((v) => v.str()).join(', ')}`);
    if (!Number.isInteger(dimension) || dimension < 0 || dimension >= x.ndim) {
      return fail(`dimension ${dimension} is out of range for ${x.str()}: expected an axis in [0, ${x.ndim})${x.ndim === 0 ? ' (a scalar has no axis to sort along)' : ''}`);
    }
    if (!Number.isInteger(numKeys) || numKeys < 1 || numKeys > avals.length) {
      return fail(`numKeys must be an integer from 1 to the number of operands (${avals.length}), got ${numKeys}`);
    }
    return ok(...avals);
  },
  dot_general: (avals, { dimensionNumbers: { contracting: [lc, rc], batch: [lb, rb] } }) => {
    const a = arity(2, avals) ?? null; if (a) return fail(a);
    const [l, r] = avals as [ShapedArray, ShapedArray];
    if (l.dtype !== r.dtype) return fail(`operands must share a dtype, got ${l.str()} and ${r.str()}`);
    if (l.dtype === 'bool') return fail(`bool operands are not supported, got ${l.str()}`);
    const badL = checkAxes([...lc, ...lb], l.ndim), badR = checkAxes([...rc, ...rb], r.ndim);
    if (badL || badR) return fail(`bad dimension numbers for ${l.str()} · ${r.str()}: ${badL ?? badR}`);
    if (lc.length !== rc.length || lb.length !== rb.length) return fail('contracting and batch axis lists must pair up');
    for (let i = 0; i < lc.length; i++) if (l.shape[lc[i]!] !== r.shape[rc[i]!]) return fail(`contracting axes differ in size: ${l.str()} axis ${lc[i]} vs ${r.str()} axis ${rc[i]}`);
    for (let i = 0; i < lb.length; i++) if (l.shape[lb[i]!] !== r.shape[rb[i]!]) return fail(`batch axes differ in size: ${l.str()} axis ${lb[i]} vs ${r.str()} axis ${rb[i]}`);
    const free = (s: ShapedArray, c: readonly number[], b: readonly number[]) => s.shape.filter((_, i) => !c.includes(i) && !b.includes(i));
    return ok(new ShapedArray([...lb.map((i) => l.shape[i]!), ...free(l, lc, lb), ...free(r, rc, rb)], l.dtype, l.weakType && r.weakType));
  },
  conv_general_dilated: convShapeRule,
  reduce_window_sum: windowRule('reduce_window_sum', 1), reduce_window_max: windowRule('reduce_window_max', 1),
  reduce_window_min: windowRule('reduce_window_min', 1),
  select_and_gather_add: windowRule('select_and_gather_add', 2),
  select_and_scatter_add: (avals, p) => {
    const a = arity(2, avals); if (a) return fail(a);
    const [src, x] = avals as [ShapedArray, ShapedArray];
    const outs = windowRule('select_and_scatter_add', 1)([x], p);
    if (E.isLeft(outs)) return outs;
    if (!src.equals(outs.right[0]!.strong()) && !shapeEq(src.shape, outs.right[0]!.shape)) return fail(`the source must have the windows' shape ${showShape(outs.right[0]!.shape)}, got ${src.str()}`);
    if (src.dtype !== x.dtype) return fail(`source and operand must share a dtype, got ${src.str()} and ${x.str()}`);
    return ok(new ShapedArray(x.shape, x.dtype, src.weakType));
  },
  fft: fftShapeRule,
  threefry2x32: (avals) => {
    const a = arity(4, avals) ?? sameShapes(avals); if (a) return fail(a);
    if (avals[0]!.dtype !== 'uint32') return fail(`operands must be uint32, got ${avals[0]!.str()}`);
    return ok(avals[2]!, avals[3]!);
  },
  cholesky: (avals) => {
    const a = arity(1, avals) ?? matrixOperand(avals[0]!, true); if (a) return fail(a);
    return ok(avals[0]!.strong());
  },
  triangular_solve: (avals, { leftSide }) => {
    const bad = arity(2, avals); if (bad) return fail(bad);
    const [a, b] = avals as [ShapedArray, ShapedArray];
    const m = matrixOperand(a, true) ?? matrixOperand(b, false); if (m) return fail(m);
    if (a.dtype !== b.dtype) return fail(`a and b must share a dtype, got ${a.str()} and ${b.str()}`);
    if (!shapeEq(a.shape.slice(0, -2), b.shape.slice(0, -2))) return fail(`a and b must have the same batch dimensions, got ${a.str()} and ${b.str()}`);
    const n = a.shape[a.ndim - 1]!, k = b.shape[leftSide ? b.ndim - 2 : b.ndim - 1]!;
    if (k !== n) return fail(`a is ${n}×${n} but b's ${leftSide ? 'rows' : 'columns'} number ${k} (${a.str()}, ${b.str()}, leftSide ${leftSide})`);
    return ok(b.strong());
  },
  lu: (avals) => {
    const a = arity(1, avals) ?? matrixOperand(avals[0]!, false); if (a) return fail(a);
    const x = avals[0]!, batch = x.shape.slice(0, -2), [m, n] = x.shape.slice(-2) as [number, number];
    return ok(x.strong(), new ShapedArray([...batch, Math.min(m, n)], 'int32'), new ShapedArray([...batch, m], 'int32'));
  },
  qr: (avals, { fullMatrices }) => {
    const a = arity(1, avals) ?? matrixOperand(avals[0]!, false); if (a) return fail(a);
    const x = avals[0]!, batch = x.shape.slice(0, -2), [m, n] = x.shape.slice(-2) as [number, number];
    const k = fullMatrices ? m : Math.min(m, n);
    return ok(new ShapedArray([...batch, m, k], x.dtype), new ShapedArray([...batch, k, n], x.dtype));
  },
  eigh: (avals) => {
    const a = arity(1, avals) ?? matrixOperand(avals[0]!, true); if (a) return fail(a);
    const x = avals[0]!;
    return ok(x.strong(), new ShapedArray(x.shape.slice(0, -1), x.dtype));
  },
  svd: (avals, { fullMatrices, computeUv }) => {
    const a = arity(1, avals) ?? matrixOperand(avals[0]!, false); if (a) return fail(a);
    const x = avals[0]!, batch = x.shape.slice(0, -2), [m, n] = x.shape.slice(-2) as [number, number];
    const k = Math.min(m, n);
    const s = new ShapedArray([...batch, k], x.dtype);
    if (!computeUv) return ok(s);
    return ok(s, new ShapedArray([...batch, m, fullMatrices ? m : k], x.dtype), new ShapedArray([...batch, fullMatrices ? n : k, n], x.dtype));
  },

  // Higher-order primitives: their output avals come from tracing their function.
  custom_jvp_call: () => fail('custom_jvp_call has no static shape rule: its outputs come from tracing its function'),
  custom_vjp_call: () => fail('custom_vjp_call has no static shape rule: its outputs come from tracing its function'),
  custom_lin: (avals, { numResiduals, outAvals }) =>
    avals.length < numResiduals ? fail(`expected at least ${numResiduals} residuals`) : ok(...outAvals),
  jit: (avals, { jaxpr }) => {
    const want = jaxpr.inAvals;
    if (avals.length !== want.length || avals.some((a, i) => !a.equals(want[i]!))) {
      return fail(`called with ${avals.map((a) => a.str()).join(', ')} but traced for ${want.map((a) => a.str()).join(', ')}`);
    }
    return ok(...jaxpr.outAvals);
  },
  // Control flow: each primitive's shape rule lives in its own file (src/control/), registered below.
  cond: (avals, params) => higherOrderShape('cond')(avals, params),
  scan: (avals, params) => higherOrderShape('scan')(avals, params),
  while: (avals, params) => higherOrderShape('while')(avals, params),
  checkpoint: (avals, params) => higherOrderShape('checkpoint')(avals, params),
};

/** Why `x` is not a float matrix (a square one if `square`), or null: the linalg primitives' operand check. */
function matrixOperand(x: ShapedArray, square: boolean): string | null {
  if (!isFloat(x.dtype)) return `got ${x.str()}, expected a float dtype (float32 or float64)`;
  if (x.ndim < 2) return `got ${x.str()}, expected a matrix (at least 2 dimensions: …, rows, columns)`;
  if (square && x.shape[x.ndim - 1] !== x.shape[x.ndim - 2]) return `got ${x.str()}, expected square matrices in the last two dimensions`;
  return null;
}

/** (n − 1)·d + 1: the extent of n points d apart (0 for n = 0). */
export const dilateDim = (n: number, d: number): number => (n === 0 ? 0 : (n - 1) * d + 1);

/** The output shape of a window over `shape`, or why there is none. */
export function windowOutShape(shape: Shape, p: WindowParams): number[] | string {
  const n = shape.length;
  for (const [name, v] of [['windowDimensions', p.windowDimensions], ['windowStrides', p.windowStrides], ['baseDilation', p.baseDilation], ['windowDilation', p.windowDilation]] as const) {
    if (v.length !== n || v.some((x) => !Number.isInteger(x) || x < 1)) return `${name} must be ${n} positive integers (one per operand axis), got ${showShape(v)}`;
  }
  if (p.padding.length !== n || p.padding.some((q) => q.length !== 2 || !q.every(Number.isInteger))) return `padding must be ${n} [low, high] integer pairs, got ${JSON.stringify(p.padding)}`;
  return shape.map((d, i) => {
    const padded = dilateDim(d, p.baseDilation[i]!) + p.padding[i]![0] + p.padding[i]![1];
    const window = dilateDim(p.windowDimensions[i]!, p.windowDilation[i]!);
    return padded < window ? 0 : Math.floor((padded - window) / p.windowStrides[i]!) + 1;
  });
}
function windowRule(prim: string, operands: 1 | 2): (avals: readonly ShapedArray[], p: WindowParams) => E.Either<string, ShapedArray[]> {
  return (avals, p) => {
    const a = arity(operands, avals); if (a) return fail(a);
    const x = avals[operands - 1]!;
    if (operands === 2 && !avals[0]!.strong().equals(x.strong())) return fail(`tangent and operand must have one shape and dtype, got ${avals[0]!.str()} and ${x.str()}`);
    if (x.dtype === 'bool' && prim === 'reduce_window_sum') return fail(`bool operands are not supported, got ${x.str()}`);
    const out = windowOutShape(x.shape, p);
    if (typeof out === 'string') return fail(out);
    return ok(new ShapedArray(out, x.dtype, avals[0]!.weakType));
  };
}

function isPermutation(p: readonly number[], n: number): boolean {
  return p.length === n && [...p].sort((a, b) => a - b).every((v, i) => v === i);
}
function convShapeRule(avals: readonly ShapedArray[], p: ConvParams): E.Either<string, ShapedArray[]> {
  const a = arity(2, avals); if (a) return fail(a);
  const [l, r] = avals as [ShapedArray, ShapedArray];
  if (l.dtype !== r.dtype) return fail(`lhs and rhs must share a dtype, got ${l.str()} and ${r.str()}`);
  if (l.dtype === 'bool') return fail(`bool operands are not supported, got ${l.str()}`);
  if (l.ndim < 2 || l.ndim !== r.ndim) return fail(`lhs and rhs must have one rank of at least 2 (batch and feature axes), got ${l.str()} and ${r.str()}`);
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  if (!isPermutation(ls, l.ndim) || !isPermutation(rs, r.ndim) || !isPermutation(os, l.ndim)) {
    return fail(`dimension numbers lhs=${showShape(ls)} rhs=${showShape(rs)} out=${showShape(os)} must each be a permutation of the ${l.ndim} axes`);
  }
  const d = l.ndim - 2;
  for (const [name, v] of [['windowStrides', p.windowStrides], ['lhsDilation', p.lhsDilation], ['rhsDilation', p.rhsDilation]] as const) {
    if (v.length !== d || v.some((x) => !Number.isInteger(x) || x < 1)) return fail(`${name} must be ${d} positive integers (one per spatial dimension), got ${showShape(v)}`);
  }
  if (p.padding.length !== d || p.padding.some((q) => q.length !== 2 || !q.every(Number.isInteger))) {
    return fail(`padding must be ${d} [low, high] integer pairs, got ${JSON.stringify(p.padding)}`);
  }
  const fg = p.featureGroupCount, bg = p.batchGroupCount;
  if (!Number.isInteger(fg) || fg < 1 || !Number.isInteger(bg) || bg < 1) return fail(`featureGroupCount and batchGroupCount must be positive integers, got ${fg} and ${bg}`);
  if (fg > 1 && bg > 1) return fail(`featureGroupCount (${fg}) and batchGroupCount (${bg}) cannot both exceed 1`);
  const N = l.shape[ls[0]!]!, C = l.shape[ls[1]!]!, O = r.shape[rs[0]!]!, I = r.shape[rs[1]!]!;
  if (C !== I * fg) return fail(`the lhs has ${C} features but the rhs takes ${I} per group × ${fg} group${fg === 1 ? '' : 's'} (${l.str()}, ${r.str()})`);
  if (O % fg !== 0) return fail(`the rhs's ${O} output features do not split into ${fg} feature groups`);
  if (O % bg !== 0 || N % bg !== 0) return fail(`batchGroupCount ${bg} must divide the batch (${N}) and the rhs's output features (${O})`);
  const out = new Array<number>(l.ndim);
  out[os[0]!] = N / bg;
  out[os[1]!] = O;
  for (let i = 0; i < d; i++) {
    const padded = dilateDim(l.shape[ls[2 + i]!]!, p.lhsDilation[i]!) + p.padding[i]![0] + p.padding[i]![1];
    const window = dilateDim(r.shape[rs[2 + i]!]!, p.rhsDilation[i]!);
    out[os[2 + i]!] = padded < window ? 0 : Math.floor((padded - window) / p.windowStrides[i]!) + 1;
  }
  return ok(new ShapedArray(out, l.dtype, l.weakType && r.weakType));
}

function fftShapeRule(avals: readonly ShapedArray[], { fftType, fftLengths: L }: FftParams): E.Either<string, ShapedArray[]> {
  const a = arity(1, avals); if (a) return fail(a);
  const x = avals[0]!;
  if (!['fft', 'ifft', 'rfft', 'irfft'].includes(fftType)) return fail(`fftType must be 'fft', 'ifft', 'rfft' or 'irfft', got ${String(fftType)}`);
  if (!isFloat(x.dtype)) return fail(`the operand must be float32 or float64 (complex values are a trailing axis of 2), got ${x.str()}`);
  if (L.length === 0 || L.some((n) => !Number.isInteger(n) || n < 1)) return fail(`fftLengths must be one or more positive integers, got ${showShape(L)}`);
  const k = L.length, n = L[k - 1]!, half = [...L.slice(0, -1), Math.floor(n / 2) + 1];
  const complexIn = fftType !== 'rfft';
  if (complexIn && (x.ndim < k + 1 || x.shape[x.ndim - 1] !== 2)) return fail(`a complex operand needs ${k} signal axes and a trailing axis of 2 (re, im), got ${x.str()}`);
  if (!complexIn && x.ndim < k) return fail(`a real operand needs ${k} signal axes, got ${x.str()}`);
  const signal = complexIn ? x.shape.slice(x.ndim - 1 - k, x.ndim - 1) : x.shape.slice(x.ndim - k);
  const want = fftType === 'irfft' ? half : L;
  if (!shapeEq(signal, want)) return fail(`${fftType} of lengths ${showShape(L)} needs signal axes ${showShape(want)}, got ${x.str()}`);
  const lead = x.shape.slice(0, x.ndim - k - (complexIn ? 1 : 0));
  const out = fftType === 'rfft' ? [...lead, ...half, 2] : fftType === 'irfft' ? [...lead, ...L] : x.shape;
  return ok(new ShapedArray(out, x.dtype, x.weakType));
}

/** Shape rules of the control-flow primitives, kept beside their other rules and registered at load. */
export type ControlPrimitive = 'cond' | 'scan' | 'while' | 'checkpoint';
let controlShapes: { [P in ControlPrimitive]: ShapeRule<P> } | null = null;
export function registerControlShapeRules(rules: { [P in ControlPrimitive]: ShapeRule<P> }): void { controlShapes = rules; }
function higherOrderShape<P extends ControlPrimitive>(p: P): ShapeRule<P> {
  if (!controlShapes) throw new Error('cotangent: control-flow rules are not registered (import cotangent through its index)');
  return controlShapes[p] as ShapeRule<P>;
}

const HIGHER_ORDER = new Set<Primitive>(['custom_jvp_call', 'custom_vjp_call', 'custom_lin', 'jit', 'cond', 'scan', 'while', 'checkpoint']);
export const PRIMITIVES = Object.keys(shapeRules) as Primitive[];
export const ARRAY_PRIMITIVES = PRIMITIVES.filter((p) => !HIGHER_ORDER.has(p)) as ArrayPrimitive[];
export const isArrayPrimitive = (p: Primitive): p is ArrayPrimitive => !HIGHER_ORDER.has(p);
