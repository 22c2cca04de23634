// ONNX lowerings of convolution and window reductions: Conv (lhs dilation as interior padding),
// MaxPool and a ones-kernel Conv for float windowed sums; and, for what pooling cannot say (integer
// operands, base dilation, negative padding, the select-and-gather/scatter derivatives), windows
// gathered through the CPU kernels' own window table. Batch groups and integer convolution raise
// OnnxLoweringError naming the parameter.
import { ShapedArray } from '../../core/aval.js';
import { DType, highestOf, isFloat, lowestOf } from '../../core/dtype.js';
import { Params, SelectPrim, WindowParams } from '../../core/primitives.js';
import { windowIndex } from '../cpu/window.js';
import { GraphBuilder, OnnxLoweringError } from './builder.js';
import { cast, fromInt64, interiorPad } from './graph-ops.js';
import type { OnnxLowering } from './lowerings.js';
import type { OnnxDType } from './proto.js';

const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const transpose = (g: GraphBuilder, x: string, perm: readonly number[]) => (isIdentity(perm) ? x : g.op('Transpose', [x], { perm: [...perm] }));
const reshape = (g: GraphBuilder, x: string, shape: readonly number[]) => g.op('Reshape', [x, g.ints(shape)], { allowzero: shape.includes(0) ? 1 : 0 });
const inverse = (p: readonly number[]) => { const q = new Array<number>(p.length); p.forEach((v, i) => { q[v] = i; }); return q; };

function need(ok: boolean, prim: string, why: string): void {
  if (!ok) throw new OnnxLoweringError(`${prim}: ${why} has no ONNX lowering`);
}

/** Conv on NC…/OI… operands (transposed there and back), explicit padding through Pad where negative. */
export const convLowering: OnnxLowering<'conv_general_dilated'> = ({ g }, [l, r], p: Params<'conv_general_dilated'>, [la], [oa]) => {
  const prim = 'conv_general_dilated';
  need(isFloat(la!.dtype), prim, `a ${la!.dtype} convolution (ONNX Conv is float-only)`);
  need(p.batchGroupCount === 1, prim, `batchGroupCount ${p.batchGroupCount}`);
  need(oa!.size > 0, prim, `an empty result (${oa!.str()})`);
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  let x = transpose(g, l!, ls);
  const w = transpose(g, r!, rs);
  const d = ls.length - 2;
  // lhs dilation (a transposed convolution's input dilation): zeros between the input's elements.
  const shape = ls.map((a) => la!.shape[a]!);
  p.lhsDilation.forEach((k, i) => { if (k > 1) x = interiorPad(g, x, shape, 2 + i, k - 1, g.scalar(0, la!.dtype)); });
  let pads = [...p.padding.map((q) => q[0]), ...p.padding.map((q) => q[1])];
  if (pads.some((v) => v < 0)) {
    x = g.op('Pad', [x, g.ints([0, 0, ...p.padding.map((q) => q[0]), 0, 0, ...p.padding.map((q) => q[1])])]);
    pads = new Array<number>(2 * d).fill(0);
  }
  const y = g.op('Conv', [x, w], { strides: [...p.windowStrides], dilations: [...p.rhsDilation], pads, group: p.featureGroupCount });
  return [transpose(g, y, inverse(os))];
};

/**
 * A window reduction as a pooling over the axes whose window is more than one element: the other
 * axes (window 1, stride 1, no padding) fold into the batch axis of an [N, 1, …] pooling input.
 */
/** Axes whose window is one element (stride 1, no padding or dilation): they fold into a batch axis. */
function splitAxes(n: number, p: WindowParams): { kept: number[]; pooledAxes: number[] } {
  const trivial = (a: number) => p.windowDimensions[a] === 1 && p.windowStrides[a] === 1 && p.padding[a]![0] === 0 && p.padding[a]![1] === 0 && p.baseDilation[a] === 1;
  const axes = Array.from({ length: n }, (_, a) => a);
  return { kept: axes.filter(trivial), pooledAxes: axes.filter((a) => !trivial(a)) };
}
/** Whether ONNX pooling can take this window reduction (else it goes through gathered windows). */
const poolable = (xa: ShapedArray, p: WindowParams) =>
  isFloat(xa.dtype) && p.baseDilation.every((v) => v === 1) && p.padding.every((q) => q[0] >= 0 && q[1] >= 0) && splitAxes(xa.ndim, p).pooledAxes.length <= 3;

function pooled(g: GraphBuilder, x: string, xa: ShapedArray, oa: ShapedArray, p: WindowParams, prim: string, pool: (y: string, axes: number[], pads: number[]) => string): string {
  need(oa.size > 0, prim, `an empty result (${oa.str()})`);
  const { kept, pooledAxes } = splitAxes(xa.ndim, p);
  if (pooledAxes.length === 0) return g.op('Identity', [x]);
  const perm = [...kept, ...pooledAxes];
  const batch = kept.reduce((s, a) => s * xa.shape[a]!, 1);
  const y = reshape(g, transpose(g, x, perm), [batch, 1, ...pooledAxes.map((a) => xa.shape[a]!)]);
  const pads = [...pooledAxes.map((a) => p.padding[a]![0]), ...pooledAxes.map((a) => p.padding[a]![1])];
  const z = pool(y, pooledAxes, pads);
  const back = reshape(g, z, perm.map((a) => oa.shape[a]!));
  return transpose(g, back, inverse(perm));
}

function poolAttrs(p: WindowParams, axes: number[], pads: number[]) {
  return { kernel_shape: axes.map((a) => p.windowDimensions[a]!), strides: axes.map((a) => p.windowStrides[a]!), dilations: axes.map((a) => p.windowDilation[a]!), pads };
}

/** MaxPool, with NaN winning as in the kernels (ORT's MaxPool skips NaN): a pooled NaN mask picks NaN. */
function maxPoolNan(g: GraphBuilder, y: string, attrs: ReturnType<typeof poolAttrs>, dtype: string): string {
  const nan = g.op('MaxPool', [g.op('Cast', [g.op('IsNaN', [y])], { to: dtype === 'float64' ? 11 : 1 })], attrs);
  const c = (v: number) => g.scalar(v, dtype === 'float64' ? 'float64' : 'float32');
  return g.op('Where', [g.op('Greater', [nan, c(0)]), c(Number.NaN), g.op('MaxPool', [y], attrs)]);
}
export const reduceWindowMaxLowering: OnnxLowering<'reduce_window_max'> = ({ g }, [x], p, [xa], [oa]) =>
  [poolable(xa!, p) ? pooled(g, x!, xa!, oa!, p, 'reduce_window_max', (y, axes, pads) => maxPoolNan(g, y, poolAttrs(p, axes, pads), xa!.dtype)) : gatheredReduce(g, x!, xa!, oa!, p, 'max')];
/** min = −max(−x). */
export const reduceWindowMinLowering: OnnxLowering<'reduce_window_min'> = ({ g }, [x], p, [xa], [oa]) =>
  [poolable(xa!, p) ? g.op('Neg', [pooled(g, g.op('Neg', [x!]), xa!, oa!, p, 'reduce_window_min', (y, axes, pads) => maxPoolNan(g, y, poolAttrs(p, axes, pads), xa!.dtype))]) : gatheredReduce(g, x!, xa!, oa!, p, 'min')];
/** A windowed sum is a one-channel convolution with a kernel of ones (the padding is zeros). */
export const reduceWindowSumLowering: OnnxLowering<'reduce_window_sum'> = ({ g }, [x], p, [xa], [oa]) =>
  [!poolable(xa!, p) ? gatheredReduce(g, x!, xa!, oa!, p, 'sum') : pooled(g, x!, xa!, oa!, p, 'reduce_window_sum', (y, axes, pads) => {
    const k = axes.map((a) => p.windowDimensions[a]!), size = k.reduce((s, v) => s * v, 1);
    const ones = g.constant(xa!.dtype === 'float64' ? 'float64' : 'float32', [1, 1, ...k], new Array<number>(size).fill(1));
    return g.op('Conv', [y, ones], { strides: axes.map((a) => p.windowStrides[a]!), dilations: axes.map((a) => p.windowDilation[a]!), pads });
  })];

// ---- gathered windows -------------------------------------------------------------------------
/**
 * The windows of x as a [batch, O, W] tensor (batch: the trivial axes, O: windows over the other
 * axes, W: positions in a window), from the CPU kernels' window table; `pad` marks positions in the
 * padding or between base-dilated elements. `back` reshapes a [batch, …] result over the windows
 * (`outShape`) or over x's pooled axes into the result's layout.
 */
function gatherWindows(g: GraphBuilder, x: string, xa: ShapedArray, outShape: readonly number[], p: WindowParams) {
  // ORT's CPU Where has no uint32 or bool kernel; the catalog's window primitives take neither in practice.
  need(xa.dtype !== 'uint32' && xa.dtype !== 'bool', 'window', `a ${xa.dtype} operand`);
  const { kept, pooledAxes } = splitAxes(xa.ndim, p);
  const sub = <T>(v: readonly T[]) => pooledAxes.map((a) => v[a]!);
  const perm = [...kept, ...pooledAxes];
  const batch = kept.reduce((s, a) => s * xa.shape[a]!, 1);
  const xs = sub(xa.shape), os = sub(outShape);
  const S = xs.reduce((s, v) => s * v, 1), O = os.reduce((s, v) => s * v, 1), W = sub(p.windowDimensions).reduce((s, v) => s * v, 1);
  const table = windowIndex(xs, os, { windowDimensions: sub(p.windowDimensions), windowStrides: sub(p.windowStrides), padding: sub(p.padding), baseDilation: sub(p.baseDilation), windowDilation: sub(p.windowDilation) });
  const flatIdx = g.constant('int64', [O * W], Array.from(table, (j) => Math.max(j, 0)));
  const pad = g.constant('bool', [1, O, W], Array.from(table, (j) => (j < 0 ? 1 : 0)));
  const flat = (y: string) => reshape(g, transpose(g, y, perm), [batch, S]);
  const values = g.op('Reshape', [g.op('Gather', [flat(x), flatIdx], { axis: 1 }), g.ints([batch, O, W])]);
  const back = (y: string, shape: readonly number[]) => transpose(g, reshape(g, y, perm.map((a) => shape[a]!)), inverse(perm));
  return { values, pad, flat, back, flatIdx, batch, S, O, W };
}
const extreme = (d: DType, which: 'lowest' | 'highest') => (which === 'lowest' ? lowestOf(d) : highestOf(d));
/** NaN wins a max or min, as in the kernels (ORT's ReduceMax/Min skip NaN). */
function nanWins(g: GraphBuilder, vals: string, pad: string, reduced: string, d: DType): string {
  if (!isFloat(d)) return reduced;
  const nan = g.op('And', [g.op('IsNaN', [vals]), g.op('Not', [pad])]); // padding positions hold a gathered stand-in
  const anyNan = g.op('ReduceMax', [cast(g, nan, 'bool', 'int32'), g.ints([2])], { keepdims: 0 });
  return g.op('Where', [g.op('Greater', [anyNan, g.scalar(0, 'int32')]), g.scalar(Number.NaN, d), reduced]);
}
/** A window reduction over gathered windows, the padding holding the reduction's identity. */
function gatheredReduce(g: GraphBuilder, x: string, xa: ShapedArray, oa: ShapedArray, p: WindowParams, op: 'sum' | 'max' | 'min'): string {
  if (oa.size === 0) return g.constant(xa.dtype as OnnxDType, oa.shape, []);
  const w = gatherWindows(g, x, xa, oa.shape, p), d = xa.dtype;
  let out: string;
  if (op === 'sum') {
    const masked = g.op('Where', [w.pad, g.scalar(0, d), w.values]);
    // Integer sums wrap as the kernels do (in int64, then to 32 bits; ORT's int32 ReduceSum saturates).
    out = isFloat(d) ? g.op('ReduceSum', [masked, g.ints([2])], { keepdims: 0 })
      : fromInt64(g, g.op('ReduceSum', [cast(g, masked, d, 'int64'), g.ints([2])], { keepdims: 0 }), d);
  } else {
    const masked = g.op('Where', [w.pad, g.scalar(extreme(d, op === 'max' ? 'lowest' : 'highest'), d), w.values]);
    out = nanWins(g, w.values, w.pad, g.op(op === 'max' ? 'ReduceMax' : 'ReduceMin', [masked, g.ints([2])], { keepdims: 0 }), d);
  }
  return w.back(out, oa.shape);
}

/**
 * Per window, the flat operand position it selects ([batch, O] int64) and whether it selects one
 * (a window of padding only does not): the first element better than every earlier one, NaN the
 * best (the first NaN), as the CPU kernels choose.
 */
function selectInWindows(g: GraphBuilder, w: ReturnType<typeof gatherWindows>, d: DType, selectPrim: SelectPrim) {
  const vals = selectPrim === 'le' && isFloat(d) ? g.op('Neg', [w.values]) : w.values;
  const notPad = g.op('Not', [w.pad]);
  const nan = isFloat(d) ? g.op('And', [g.op('IsNaN', [vals]), notPad]) : null;
  const real = nan ? g.op('And', [notPad, g.op('Not', [nan])]) : notPad;
  // For integer 'le', compare the other way instead of negating (−INT32_MIN overflows).
  const worst = selectPrim === 'le' && !isFloat(d) ? highestOf(d) : lowestOf(d);
  const best = g.op(selectPrim === 'le' && !isFloat(d) ? 'ReduceMin' : 'ReduceMax', [g.op('Where', [real, vals, g.scalar(worst, d)]), g.ints([2])], { keepdims: 1 });
  let candidate = g.op('And', [real, g.op('Equal', [vals, best])]);
  if (nan) {
    const anyNan = g.op('ReduceMax', [cast(g, nan, 'bool', 'int32'), g.ints([2])], { keepdims: 1 });
    const hasNan = g.op('Greater', [anyNan, g.scalar(0, 'int32')]); // (ORT's Where has no bool kernel)
    candidate = g.op('Or', [g.op('And', [hasNan, nan]), g.op('And', [g.op('Not', [hasNan]), candidate])]);
  }
  const asNumber = cast(g, candidate, 'bool', 'float32');
  const position = g.op('ArgMax', [asNumber], { axis: 2, keepdims: 0, select_last_index: 0 });
  const valid = g.op('Greater', [g.op('ReduceMax', [asNumber, g.ints([2])], { keepdims: 0 }), g.scalar(0, 'float32')]);
  const offsets = g.constant('int64', [w.O], Array.from({ length: w.O }, (_, o) => o * w.W));
  const selected = g.op('Gather', [w.flatIdx, g.op('Add', [position, offsets])]);
  return { selected, valid };
}

/** The tangent at each window's selected operand element (0 for a window of padding only). */
export const selectAndGatherAddLowering: OnnxLowering<'select_and_gather_add'> = ({ g }, [t, x], p, [, xa], [oa]) => {
  const w = gatherWindows(g, x!, xa!, oa!.shape, p), d = xa!.dtype;
  const { selected, valid } = selectInWindows(g, w, d, p.selectPrim);
  const picked = g.op('GatherElements', [w.flat(t!), selected], { axis: 1 });
  return [w.back(g.op('Where', [valid, picked, g.scalar(0, oa!.dtype)]), oa!.shape)];
};
/** Each window's source value added at its selected operand element (ScatterElements with add). */
export const selectAndScatterAddLowering: OnnxLowering<'select_and_scatter_add'> = ({ g }, [s, x], p, [sa, xa], [oa]) => {
  const w = gatherWindows(g, x!, xa!, sa!.shape, p), d = oa!.dtype;
  const { selected, valid } = selectInWindows(g, w, xa!.dtype, p.selectPrim);
  const source = g.op('Where', [valid, reshape(g, transpose(g, s!, [...splitAxes(xa!.ndim, p).kept, ...splitAxes(xa!.ndim, p).pooledAxes]), [w.batch, w.O]), g.scalar(0, d)]);
  const zeros = g.op('Expand', [g.scalar(0, d), g.ints([w.batch, w.S])]);
  // float32 sums in float64 and rounds once, as the kernel does.
  const acc = d === 'float32' ? 'float64' : d;
  const summed = g.op('ScatterElements', [cast(g, zeros, d, acc), selected, cast(g, source, d, acc)], { axis: 1, reduction: 'add' });
  return [w.back(cast(g, summed, acc, d), xa!.shape)];
};
