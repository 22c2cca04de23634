// Movement kernels: index arithmetic for broadcast_in_dim, reshape, transpose, slice, pad, ...
// (also concatenate, rev, iota): mostly one strided copy each, as on the CPU.
import { DType } from '../../core/dtype.js';
import { Shape, sizeOf, stridesOf } from '../../core/shape.js';
import { BufferDecl, dot, elementwiseStep, i, inp, out, Slot, Step, unravel, u, WebGpuKernel, wgslType } from './wgsl.js';
import { mergeCopyAxes, reversedView } from '../strided-copy.js';

/** A u32 shader constant for a possibly negative stride or offset: u32 arithmetic wraps mod 2^32, so -s works as 2^32 - s. */
const w = (n: number): number => n >>> 0;

/**
 * dst[dOff + Σ_k c_k·dS_k] = src[sOff + Σ_k c_k·sS_k] for every index c of `shape`, one invocation
 * per element. Strides may be 0 (broadcasting) or negative (rev). Size-1 axes are dropped and
 * neighbouring axes contiguous on both sides merged first (as the CPU's stridedCopy), so a
 * contiguous copy needs no division at all and a transpose keeps only the axes it really permutes.
 */
function stridedCopyStep(
  label: string, d: DType, src: Slot, sOff: number, sStrides: readonly number[],
  dst: Slot, dOff: number, dStrides: readonly number[], shape: Shape,
): Step {
  const { n, ds, ss } = mergeCopyAxes(shape, dStrides, sStrides);
  const c = n.map((_, k) => `c${k}`);
  const offset = (base: number, strides: number[]): string => {
    const terms = dot(c, strides.map(w));
    return base === 0 ? terms : terms === '0u' ? u(w(base)) : `${u(w(base))} + ${terms}`;
  };
  const t: BufferDecl = { type: wgslType(d) };
  return elementwiseStep(label, [[src, t]], [[dst, t]], sizeOf(shape), [
    ...unravel('c', 'gid', n),
    `y0[${offset(dOff, ds)}] = x0[${offset(sOff, ss)}];`,
  ]);
}

/** A row-major copy of a strided view of input 0 into result 0, of the result's shape. */
function gatherView(label: string, d: DType, sOff: number, sStrides: readonly number[], shape: Shape): Step {
  return stridedCopyStep(label, d, inp(0), sOff, sStrides, out(0), 0, stridesOf(shape), shape);
}

/** Materialises a transpose (out axis k is axis perm[k]) from `src` into `dst`; matmul uses it too. */
export function transposeStep(label: string, d: DType, src: Slot, dst: Slot, shape: Shape, perm: readonly number[]): Step {
  const xs = stridesOf(shape);
  const outShape = perm.map((p) => shape[p]!);
  return stridedCopyStep(label, d, src, 0, perm.map((p) => xs[p]!), dst, 0, stridesOf(outShape), outShape);
}

/** An operand axis of size 1 is broadcast (stride 0), as are target axes the operand lacks. */
export const broadcastInDim: WebGpuKernel<'broadcast_in_dim'> = ({ params: { shape, broadcastDimensions }, inAvals: [xa] }) => {
  const xs = stridesOf(xa!.shape);
  const strides = new Array<number>(shape.length).fill(0);
  broadcastDimensions.forEach((t, k) => { if (xa!.shape[k] !== 1) strides[t] = xs[k]!; });
  return { steps: [gatherView('broadcast_in_dim', xa!.dtype, 0, strides, shape)] };
};

/** Row-major data is unchanged by a reshape: a buffer copy (results never alias operands, so dispose stays simple). */
export const reshape: WebGpuKernel<'reshape'> = ({ inAvals: [xa] }) =>
  ({ steps: [{ kind: 'copy', from: inp(0), to: out(0), bytes: xa!.size * 4 }] });

export const transpose: WebGpuKernel<'transpose'> = ({ params: { permutation }, inAvals: [xa] }) =>
  ({ steps: [transposeStep('transpose', xa!.dtype, inp(0), out(0), xa!.shape, permutation)] });

/** out[c] = x[start + c·stride] per axis. */
export const slice: WebGpuKernel<'slice'> = ({ params: { startIndices, strides }, inAvals: [xa], outAvals: [oa] }) => {
  const xs = stridesOf(xa!.shape);
  const off = startIndices.reduce((acc, s, k) => acc + s * xs[k]!, 0);
  return { steps: [gatherView('slice', xa!.dtype, off, xs.map((s, k) => s * (strides?.[k] ?? 1)), oa!.shape)] };
};

/**
 * Per axis, element j of x sits at lo + j·(interior + 1) of the output; every other position is
 * the padding value (operand 1). So output coordinate c reads x at (c - lo) / (interior + 1) when
 * that divides exactly and lands in [0, n). Negative lo/hi crop, and need nothing special.
 */
export const pad: WebGpuKernel<'pad'> = ({ params: { config }, inAvals: [xa], outAvals: [oa] }) => {
  const xs = stridesOf(xa!.shape);
  const body = [...unravel('c', 'gid', oa!.shape), 'var inside = true;', 'var src = 0u;'];
  config.forEach(([lo, , interior], k) => {
    const step = interior + 1;
    body.push(`let t${k} = i32(c${k}) - ${i(lo)};`);
    body.push(`if (t${k} < 0i${step > 1 ? ` || t${k} % ${i(step)} != 0i` : ''}) { inside = false; }`);
    body.push(`let s${k} = ${step > 1 ? `t${k} / ${i(step)}` : `t${k}`};`);
    body.push(`if (s${k} >= ${i(xa!.shape[k]!)}) { inside = false; }`);
    body.push(`src = src + u32(s${k}) * ${u(xs[k]!)};`);
  });
  body.push('if (inside) { y0[gid] = x0[src]; } else { y0[gid] = x1[0]; }');
  const t: BufferDecl = { type: wgslType(oa!.dtype) };
  return { steps: [elementwiseStep('pad', [[inp(0), t], [inp(1), t]], [[out(0), t]], oa!.size, body)] };
};

/**
 * One strided copy per operand into its band of the result: viewed as [outer, total·inner], operand
 * j fills columns [offset_j·inner, (offset_j + n_j)·inner). One dispatch per operand keeps the
 * bindings per shader at two, whatever the operand count.
 */
export const concatenate: WebGpuKernel<'concatenate'> = ({ params: { dimension }, inAvals, outAvals: [oa] }) => {
  const os = stridesOf(oa!.shape);
  const steps: Step[] = [];
  let offset = 0;
  inAvals.forEach((a, j) => {
    if (a.size > 0) {
      steps.push(stridedCopyStep('concatenate', a.dtype, inp(j), 0, stridesOf(a.shape), out(0), offset * os[dimension]!, os, a.shape));
    }
    offset += a.shape[dimension]!;
  });
  return { steps };
};

/** A reversed axis reads from its far end with a negative stride. */
export const rev: WebGpuKernel<'rev'> = ({ params: { dimensions }, inAvals: [xa] }) => {
  const { offset, strides } = reversedView(xa!.shape, dimensions);
  return { steps: [gatherView('rev', xa!.dtype, offset, strides, xa!.shape)] };
};

/** out[c] = c[dimension], in the result's dtype. */
export const iota: WebGpuKernel<'iota'> = ({ params: { dtype, shape, dimension } }) => {
  const stride = stridesOf(shape)[dimension]!;
  const n = shape[dimension]!;
  const v = `(gid / ${u(stride)}) % ${u(n)}`;
  const value = wgslType(dtype) === 'f32' ? `f32(${v})` : wgslType(dtype) === 'i32' ? `i32(${v})` : v;
  return { steps: [elementwiseStep('iota', [], [[out(0), { type: wgslType(dtype) }]], sizeOf(shape), [`y0[gid] = ${value};`])] };
};
