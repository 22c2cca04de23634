// ONNX lowerings of convolution and window reductions: Conv, MaxPool and a ones-kernel Conv for
// windowed sums, on float operands. What standard ONNX cannot say directly (lhs or base dilation,
// batch groups, integer convolution, negative window padding, the select-and-scatter gradient
// primitives) raises OnnxLoweringError naming the parameter.
import { ShapedArray } from '../../core/aval.js';
import { isFloat } from '../../core/dtype.js';
import { Params, WindowParams } from '../../core/primitives.js';
import { GraphBuilder, OnnxLoweringError } from './builder.js';
import type { OnnxLowering } from './lowerings.js';

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
  need(p.lhsDilation.every((d) => d === 1), prim, `lhs dilation ${JSON.stringify(p.lhsDilation)} (a transposed convolution's input dilation)`);
  need(p.batchGroupCount === 1, prim, `batchGroupCount ${p.batchGroupCount}`);
  need(oa!.size > 0, prim, `an empty result (${oa!.str()})`);
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  let x = transpose(g, l!, ls);
  const w = transpose(g, r!, rs);
  const d = ls.length - 2;
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
function pooled(g: GraphBuilder, x: string, xa: ShapedArray, oa: ShapedArray, p: WindowParams, prim: string, pool: (y: string, axes: number[], pads: number[]) => string): string {
  need(isFloat(xa.dtype), prim, `a ${xa.dtype} operand`);
  need(p.baseDilation.every((v) => v === 1), prim, `base dilation ${JSON.stringify(p.baseDilation)}`);
  need(p.padding.every((q) => q[0] >= 0 && q[1] >= 0), prim, `negative padding ${JSON.stringify(p.padding)}`);
  need(oa.size > 0, prim, `an empty result (${oa.str()})`);
  const n = xa.ndim;
  const trivial = (a: number) => p.windowDimensions[a] === 1 && p.windowStrides[a] === 1 && p.padding[a]![0] === 0 && p.padding[a]![1] === 0;
  const kept = Array.from({ length: n }, (_, a) => a).filter((a) => trivial(a)), pooledAxes = Array.from({ length: n }, (_, a) => a).filter((a) => !trivial(a));
  need(pooledAxes.length <= 3, prim, `a window over ${pooledAxes.length} axes (ONNX pooling takes at most 3)`);
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
  [pooled(g, x!, xa!, oa!, p, 'reduce_window_max', (y, axes, pads) => maxPoolNan(g, y, poolAttrs(p, axes, pads), xa!.dtype))];
/** min = −max(−x). */
export const reduceWindowMinLowering: OnnxLowering<'reduce_window_min'> = ({ g }, [x], p, [xa], [oa]) =>
  [g.op('Neg', [pooled(g, g.op('Neg', [x!]), xa!, oa!, p, 'reduce_window_min', (y, axes, pads) => maxPoolNan(g, y, poolAttrs(p, axes, pads), xa!.dtype))])];
/** A windowed sum is a one-channel convolution with a kernel of ones (the padding is zeros). */
export const reduceWindowSumLowering: OnnxLowering<'reduce_window_sum'> = ({ g }, [x], p, [xa], [oa]) =>
  [pooled(g, x!, xa!, oa!, p, 'reduce_window_sum', (y, axes, pads) => {
    const k = axes.map((a) => p.windowDimensions[a]!), size = k.reduce((s, v) => s * v, 1);
    const ones = g.constant(xa!.dtype === 'float64' ? 'float64' : 'float32', [1, 1, ...k], new Array<number>(size).fill(1));
    return g.op('Conv', [y, ones], { strides: axes.map((a) => p.windowStrides[a]!), dilations: axes.map((a) => p.windowDilation[a]!), pads });
  })];
