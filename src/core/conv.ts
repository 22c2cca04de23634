// Convolution at the lax level: lax.convGeneralDilated (JAX's conv_general_dilated, with string
// padding and dimension numbers), lax.conv, lax.convTranspose, and the two transposes of the
// primitive, which are convolutions again (JAX's _conv_general_dilated_transpose_lhs/_rhs).
import { NDArray } from './array.js';
import { bind1 } from './interpreter.js';
import { CotangentError } from './errors.js';
import { ConvDimensionNumbers, ConvParams, dilateDim } from './primitives.js';
import { reshape, rev, transpose } from './lax.js';
import { ShapedArray } from './aval.js';
import { Shape } from './shape.js';

/** 'SAME' pads so out = ⌈in / stride⌉ (the extra element high; 'SAME_LOWER' puts it low); 'VALID' pads nothing. */
export type PaddingSpec = 'SAME' | 'SAME_LOWER' | 'VALID' | readonly (readonly [number, number])[];
/** Dimension numbers as JAX spells them, e.g. ['NCHW', 'OIHW', 'NCHW'] or ['NHWC', 'HWIO', 'NHWC'], or as axis lists. */
export type ConvDimensionSpec = readonly [string, string, string] | ConvDimensionNumbers;

/** Options of lax.convGeneralDilated, as JAX's keyword arguments. */
export interface ConvOptions {
  /** Dilation of the input: zeros between its elements (a transposed convolution), per spatial axis. */
  lhsDilation?: readonly number[];
  /** Dilation of the kernel (atrous convolution), per spatial axis. */
  rhsDilation?: readonly number[];
  /** Default: NC…/OI…/NC… (batch and feature first, then the spatial axes). */
  dimensionNumbers?: ConvDimensionSpec;
  /** Input features split into this many groups, each with its own kernels (depthwise: the feature count). */
  featureGroupCount?: number;
  /** The batch split into groups (appears in gradients of grouped convolutions). */
  batchGroupCount?: number;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** The axis lists of string dimension numbers; spatial axes pair up by letter, in the rhs's order (as JAX's conv_general_permutations). */
export function convDimensionNumbers(spec: ConvDimensionSpec | undefined, ndim: number, fn: string): ConvDimensionNumbers {
  if (spec === undefined) return { lhs: range(ndim), rhs: range(ndim), out: range(ndim) };
  if (!Array.isArray(spec)) return spec as ConvDimensionNumbers;
  const [l, r, o] = spec as readonly [string, string, string];
  const bad = (why: string) => new CotangentError(`${fn}: dimension numbers ${JSON.stringify(spec)} ${why}`);
  if ([l, r, o].some((s) => typeof s !== 'string' || s.length !== ndim)) throw bad(`must be three strings of ${ndim} letters (the operands' rank)`);
  const need = (s: string, chars: string, which: string) => {
    for (const c of chars) if (s.split(c).length !== 2) throw bad(`: the ${which} spec '${s}' must contain '${c}' exactly once`);
    if (new Set(s).size !== s.length) throw bad(`: the ${which} spec '${s}' repeats a letter`);
  };
  need(l, 'NC', 'lhs'); need(r, 'OI', 'rhs'); need(o, 'NC', 'out');
  const spatial = [...r].filter((c) => c !== 'O' && c !== 'I');
  const find = (s: string, c: string, which: string) => {
    const i = s.indexOf(c);
    if (i < 0) throw bad(`: spatial axis '${c}' of the rhs is missing from the ${which} spec '${s}'`);
    return i;
  };
  return {
    lhs: [l.indexOf('N'), l.indexOf('C'), ...spatial.map((c) => find(l, c, 'lhs'))],
    rhs: [r.indexOf('O'), r.indexOf('I'), ...spatial.map((c) => r.indexOf(c))],
    out: [o.indexOf('N'), o.indexOf('C'), ...spatial.map((c) => find(o, c, 'out'))],
  };
}

/** Explicit [low, high] pads for string padding (JAX's padtype_to_pads) over inputs `sizes`, windows `windows`. */
export function padtypeToPads(sizes: readonly number[], windows: readonly number[], strides: readonly number[], padding: PaddingSpec, fn: string): [number, number][] {
  if (typeof padding !== 'string') {
    if (!Array.isArray(padding) || padding.length !== sizes.length) {
      throw new CotangentError(`${fn}: padding must be 'SAME', 'SAME_LOWER', 'VALID' or ${sizes.length} [low, high] pairs, got ${JSON.stringify(padding)}`);
    }
    return padding.map((p) => [p[0]!, p[1]!]);
  }
  if (padding === 'VALID') return sizes.map(() => [0, 0]);
  if (padding !== 'SAME' && padding !== 'SAME_LOWER') throw new CotangentError(`${fn}: unknown padding '${padding}' (expected 'SAME', 'SAME_LOWER', 'VALID' or [low, high] pairs)`);
  return sizes.map((n, i) => {
    const out = Math.ceil(n / strides[i]!);
    const total = Math.max(0, (out - 1) * strides[i]! + windows[i]! - n);
    const small = Math.floor(total / 2);
    return padding === 'SAME' ? [small, total - small] : [total - small, small];
  });
}

/** The primitive itself, with params already explicit. */
export const convWithParams = (lhs: NDArray, rhs: NDArray, params: ConvParams): NDArray => bind1('conv_general_dilated', [lhs, rhs], params);

/**
 * JAX's lax.conv_general_dilated: a batched, grouped, strided and dilated N-d convolution (really a
 * cross-correlation, as in every deep-learning library). `windowStrides` has one entry per spatial
 * dimension; `padding` is 'SAME', 'VALID' or [low, high] per spatial dimension.
 */
export function convGeneralDilated(lhs: NDArray, rhs: NDArray, windowStrides: readonly number[], padding: PaddingSpec, opts: ConvOptions = {}): NDArray {
  const fn = 'lax.convGeneralDilated';
  if (lhs.ndim < 2 || lhs.ndim !== rhs.ndim) throw new CotangentError(`${fn}: lhs and rhs need one rank of at least 2, got ${lhs.aval.str()} and ${rhs.aval.str()}`);
  const d = lhs.ndim - 2;
  const dn = convDimensionNumbers(opts.dimensionNumbers, lhs.ndim, fn);
  const lhsDilation = opts.lhsDilation ?? new Array<number>(d).fill(1);
  const rhsDilation = opts.rhsDilation ?? new Array<number>(d).fill(1);
  if (windowStrides.length !== d) throw new CotangentError(`${fn}: windowStrides needs ${d} entries (one per spatial dimension of ${lhs.aval.str()}), got ${JSON.stringify(windowStrides)}`);
  let pads: [number, number][];
  if (typeof padding === 'string') {
    const sizes = range(d).map((i) => dilateDim(lhs.shape[dn.lhs[2 + i]!]!, lhsDilation[i] ?? 1));
    const windows = range(d).map((i) => dilateDim(rhs.shape[dn.rhs[2 + i]!]!, rhsDilation[i] ?? 1));
    pads = padtypeToPads(sizes, windows, windowStrides, padding, fn);
  } else {
    pads = padtypeToPads(range(d).map(() => 0), [], [], padding, fn);
  }
  return convWithParams(lhs, rhs, {
    windowStrides: [...windowStrides], padding: pads, lhsDilation: [...lhsDilation], rhsDilation: [...rhsDilation],
    dimensionNumbers: dn, featureGroupCount: opts.featureGroupCount ?? 1, batchGroupCount: opts.batchGroupCount ?? 1,
  });
}

/** JAX's lax.conv: NCHW input, OIHW kernel, no dilation. */
export const conv = (lhs: NDArray, rhs: NDArray, windowStrides: readonly number[], padding: PaddingSpec): NDArray =>
  convGeneralDilated(lhs, rhs, windowStrides, padding);

/** JAX's _conv_transpose_padding: the pads that make convTranspose the gradient of a strided conv. */
function convTransposePadding(k: number, s: number, padding: 'SAME' | 'VALID'): [number, number] {
  let len: number, a: number;
  if (padding === 'SAME') { len = k + s - 2; a = s > k - 1 ? k - 1 : Math.ceil(len / 2); }
  else { len = k + s - 2 + Math.max(k - s, 0); a = k - 1; }
  return [a, len - a];
}

/** Options of lax.convTranspose, as JAX's. */
export interface ConvTransposeOptions {
  /** Dilation of the kernel, per spatial axis. */
  rhsDilation?: readonly number[];
  /** Default for rank 4: ['NHWC', 'HWIO', 'NHWC'] (JAX's default), and likewise for other ranks. */
  dimensionNumbers?: ConvDimensionSpec;
  /** Flip the kernel's spatial axes and swap its I and O axes: then this is exactly the gradient of conv with that kernel. */
  transposeKernel?: boolean;
}
/** JAX's lax.conv_transpose: a convolution with the input dilated by `strides` (a "deconvolution"). */
export function convTranspose(lhs: NDArray, rhs: NDArray, strides: readonly number[], padding: PaddingSpec, opts: ConvTransposeOptions = {}): NDArray {
  const fn = 'lax.convTranspose';
  const ndim = lhs.ndim;
  if (ndim < 2) throw new CotangentError(`${fn}: the lhs needs rank at least 2, got ${lhs.aval.str()}`);
  const sp = 'HWDXYZ'.slice(0, ndim - 2);
  const spec = opts.dimensionNumbers ?? ([`N${sp}C`, `${sp}IO`, `N${sp}C`] as const);
  const dn = convDimensionNumbers(spec, ndim, fn);
  const d = ndim - 2;
  const rhsDilation = opts.rhsDilation ?? new Array<number>(d).fill(1);
  let pads: PaddingSpec = padding;
  if (padding === 'SAME' || padding === 'VALID') {
    pads = range(d).map((i) => convTransposePadding(dilateDim(rhs.shape[dn.rhs[2 + i]!]!, rhsDilation[i]!), strides[i]!, padding));
  } else if (typeof padding === 'string') {
    throw new CotangentError(`${fn}: padding must be 'SAME', 'VALID' or [low, high] pairs, got '${padding}'`);
  }
  let kernel = rhs;
  if (opts.transposeKernel) {
    kernel = rev(kernel, dn.rhs.slice(2));
    const perm = range(ndim);
    perm[dn.rhs[0]!] = dn.rhs[1]!; perm[dn.rhs[1]!] = dn.rhs[0]!;
    kernel = transpose(kernel, perm);
  }
  return convGeneralDilated(lhs, kernel, new Array<number>(d).fill(1), pads, { lhsDilation: strides, rhsDilation, dimensionNumbers: dn });
}

// ---- the transposes (reverse mode) ---------------------------------------------------------------
/** Splits axis `src` into (size1, rest), size1 major. */
export function reshapeAxisOutOf(src: number, size1: number, x: NDArray): NDArray {
  const shape = [...x.shape];
  shape.splice(src, 1, size1, shape[src]! / size1);
  return reshape(x, shape);
}
/** Moves axis `src` in front of axis `dst` (numbered after removing src) and merges the two, src major. */
export function reshapeAxisInto(src: number, dst: number, x: NDArray): NDArray {
  const perm = range(x.ndim).filter((i) => i !== src);
  perm.splice(dst, 0, src);
  const shape: number[] = x.shape.filter((_, i) => i !== src);
  shape[dst] = shape[dst]! * x.shape[src]!;
  return reshape(transpose(x, perm), shape);
}
/** Swaps the first two entries of a spec: batch ↔ feature, or out ↔ in feature. */
const specTranspose = (s: readonly number[]): number[] => [s[1]!, s[0]!, ...s.slice(2)];
const sdims = (s: readonly number[]) => s.slice(2);
const take = (shape: Shape, axes: readonly number[]) => axes.map((a) => shape[a]!);

/** x̄ of out = conv(x, w): a convolution of the cotangent with the flipped kernel, strides and lhs dilation swapped. */
export function convTransposeLhs(ct: NDArray, rhs: NDArray, lhsAval: ShapedArray, p: ConvParams): NDArray {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  let fg = p.featureGroupCount;
  const bg = p.batchGroupCount;
  let w = rhs;
  if (fg > 1) {
    w = reshapeAxisInto(rs[0]!, rs[1]!, reshapeAxisOutOf(rs[0]!, fg, w));
  } else if (bg > 1) {
    w = reshapeAxisInto(rs[0]!, rs[1]!, reshapeAxisOutOf(rs[0]!, bg, w));
    fg = bg;
  }
  const inS = take(lhsAval.shape, sdims(ls)), kS = take(w.shape, sdims(rs)), outS = take(ct.shape, sdims(os));
  const padding = inS.map((n, i): [number, number] => {
    const lhsD = dilateDim(n, p.lhsDilation[i]!), rhsD = dilateDim(kS[i]!, p.rhsDilation[i]!), outD = dilateDim(outS[i]!, p.windowStrides[i]!);
    const before = rhsD - p.padding[i]![0] - 1;
    return [before, lhsD + rhsD - 1 - outD - before];
  });
  let out = convWithParams(ct, rev(w, sdims(rs)), {
    windowStrides: p.lhsDilation, padding, lhsDilation: p.windowStrides, rhsDilation: p.rhsDilation,
    dimensionNumbers: { lhs: os, rhs: specTranspose(rs), out: ls }, featureGroupCount: fg, batchGroupCount: 1,
  });
  if (bg > 1) out = reshapeAxisInto(ls[1]!, ls[0]!, reshapeAxisOutOf(ls[1]!, bg, out));
  return out;
}

/** w̄ of out = conv(x, w): a convolution of the input with the cotangent as its kernel (feature and batch groups swap roles). */
export function convTransposeRhs(ct: NDArray, lhs: NDArray, rhsAval: ShapedArray, p: ConvParams): NDArray {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  let fg = p.featureGroupCount, bg = p.batchGroupCount;
  if (bg > 1) { fg = bg; bg = 1; } else if (fg > 1) { bg = fg; fg = 1; }
  const inS = take(lhs.shape, sdims(ls)), kS = take(rhsAval.shape, sdims(rs)), outS = take(ct.shape, sdims(os));
  const padding = inS.map((n, i): [number, number] => {
    const lhsD = dilateDim(n, p.lhsDilation[i]!), rhsD = dilateDim(kS[i]!, p.rhsDilation[i]!), outD = dilateDim(outS[i]!, p.windowStrides[i]!);
    const lo = p.padding[i]![0];
    return [lo, (outD - lhsD) + (rhsD - lo - 1)];
  });
  return convWithParams(lhs, ct, {
    windowStrides: p.rhsDilation, padding, lhsDilation: p.lhsDilation, rhsDilation: p.windowStrides,
    dimensionNumbers: { lhs: specTranspose(ls), rhs: specTranspose(os), out: specTranspose(rs) }, featureGroupCount: fg, batchGroupCount: bg,
  });
}
