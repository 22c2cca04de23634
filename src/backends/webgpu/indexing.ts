// Indexing kernels: gather and scatter_add along one axis.
// x is viewed as [outer, n, inner] and the indices as a flat list of P positions, so gather's
// result and scatter_add's updates are [outer, P, inner].
import { DType } from '../../core/dtype.js';
import { sizeOf } from '../../core/shape.js';
import { bindings, elementwiseStep, i, inp, out, perElement, u, WebGpuKernel, wgslType, withHelpers } from './wgsl.js';

/** Index `at` of the index buffer `buf`, as an i32 (uint32 indices past 2^31 - 1 are out of range either way). */
const indexAt = (d: DType, buf: string, at: string): string => (d === 'int32' ? `${buf}[${at}]` : `i32(min(${buf}[${at}], 0x7fffffffu))`);

/**
 * out[o, p, i] = x[o, clamp(idx[p], 0, n-1), i]. Indices clamp, as XLA's (and the CPU's) gather;
 * negative indices were already wrapped by the numpy layer. Gathering from an empty axis gives 0.
 */
export const gather: WebGpuKernel<'gather'> = ({ params: { axis }, inAvals: [xa, ia], outAvals: [oa] }) => {
  const shape = xa!.shape, n = shape[axis]!, inner = sizeOf(shape.slice(axis + 1));
  const P = ia!.size, t = wgslType(xa!.dtype);
  const body = n === 0
    ? [`y0[gid] = ${t}(0);`]
    : [
      `let o = gid / ${u(P * inner)};`,
      `let p = (gid / ${u(inner)}) % ${u(P)};`,
      `let j = u32(clamp(${indexAt(ia!.dtype, 'x1', 'p')}, 0i, ${i(n - 1)}));`,
      `y0[gid] = x0[(o * ${u(n)} + j) * ${u(inner)} + gid % ${u(inner)}];`,
    ];
  return { steps: [elementwiseStep('gather', [[inp(0), { type: t }], [inp(1), { type: wgslType(ia!.dtype) }]], [[out(0), { type: t }]], oa!.size, body)] };
};

/**
 * out = x, then out[o, idx[p], i] += upd[o, p, i] for every update whose index is in [0, n)
 * (out-of-range ones are dropped). Updates that hit the same element race, so the adds are
 * atomic: atomicAdd for int32/uint32, atomicOr for bool (add on bool is or), and for float32 a
 * compare-exchange loop on the u32 bit pattern (WGSL has no float atomics). Float sums then
 * happen in arrival order, so colliding float32 updates can differ from the CPU in the last bits.
 */
export const scatterAdd: WebGpuKernel<'scatter_add'> = ({ params: { axis }, inAvals: [xa, ia, ua] }) => {
  const shape = xa!.shape, n = shape[axis]!, inner = sizeOf(shape.slice(axis + 1));
  const P = ia!.size, d = xa!.dtype, t = wgslType(d);
  const copy = { kind: 'copy' as const, from: inp(0), to: out(0), bytes: xa!.size * 4 };
  if (ua!.size === 0) return { steps: [copy] };
  const at = `(o * ${u(n)} + u32(j)) * ${u(inner)} + gid % ${u(inner)}`;
  const add = d === 'float32'
    ? [
      `var old = atomicLoad(&y0[q]);`,
      `loop {`,
      `  let r = atomicCompareExchangeWeak(&y0[q], old, bitcast<u32>(bitcast<f32>(old) + v));`,
      `  if (r.exchanged) { break; }`,
      `  old = r.old_value;`,
      `}`,
    ]
    : [d === 'bool' ? `atomicOr(&y0[q], v);` : `atomicAdd(&y0[q], v);`];
  const { code, workgroups } = perElement(ua!.size, [
    `let o = gid / ${u(P * inner)};`,
    `let p = (gid / ${u(inner)}) % ${u(P)};`,
    `let j = ${indexAt(ia!.dtype, 'x0', 'p')};`,
    `if (j < 0i || j >= ${i(n)}) { return; }`,
    `let q = ${at};`,
    `let v = x1[gid];`,
    ...add,
  ]);
  // Bindings: indices, updates, then the result (already holding x), as x's dtype for ints and as
  // u32 bits for float32 (atomics need an integer type).
  const resultType = d === 'float32' ? 'u32' : t;
  const src = withHelpers([
    bindings([{ type: wgslType(ia!.dtype) }, { type: t }], [{ type: resultType, atomic: true }]),
    code,
  ].join('\n'));
  return {
    steps: [copy, { kind: 'dispatch', label: 'scatter_add', code: src, reads: [inp(1), inp(2)], writes: [out(0)], workgroups }],
  };
};
