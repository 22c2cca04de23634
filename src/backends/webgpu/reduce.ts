// Reduction kernels: reduce_sum/max/min/prod over any set of axes, and argmax/argmin over one.
import { DType } from '../../core/dtype.js';
import { REDUCE_COMBINE, ReducePrimitive } from '../../core/primitives.js';
import { Shape, sizeOf } from '../../core/shape.js';
import { combineExpr } from './elementwise.js';
import {
  bindings, dot, elementwiseStep, entry, highest, inp, lowest, one, out, unravel, u, WebGpuKernel, wgslType, withHelpers, zero,
} from './wgsl.js';

/** The fold's identity, the catalog's reduceIdentity spelled in WGSL (extremes made at run time, see wgsl.ts). */
export function identity(prim: ReducePrimitive, d: DType): string {
  switch (prim) {
    case 'reduce_sum': return zero(d);
    case 'reduce_prod': return one(d);
    case 'reduce_max': return lowest(d);
    case 'reduce_min': return highest(d);
  }
}

/**
 * The input as blocks: size-1 axes dropped, neighbours that are both kept or both reduced merged
 * (row-major, so a merged block is contiguous). Each block has its size and input stride; the
 * kept blocks, in order, are exactly the output's layout.
 */
interface Block { size: number; stride: number }
function collapse(shape: Shape, axes: readonly number[]): { kept: Block[]; reduced: Block[] } {
  const kept: Block[] = [], reduced: Block[] = [];
  let stride = sizeOf(shape);
  let prev: 'K' | 'R' | '' = '';
  shape.forEach((n, k) => {
    stride /= n || 1;
    if (n === 1) return;
    const kind = axes.includes(k) ? 'R' : 'K';
    const list = kind === 'R' ? reduced : kept;
    if (prev === kind) { const b = list[list.length - 1]!; b.size *= n; b.stride = stride; }
    else list.push({ size: n, stride });
    prev = kind;
  });
  return { kept, reduced };
}

/** A reduction long enough (or with few enough outputs) to share among a workgroup's invocations. */
export const cooperative = (outSize: number, reduceSize: number): boolean => reduceSize >= 1024 || (reduceSize >= 64 && outSize <= 256);
export const COOP = 64;

/**
 * reduce_sum/prod/max/min. With many outputs, one invocation folds each output's blocks in
 * nested loops (innermost = the smallest stride). With a long reduction, one workgroup of 64 per
 * output: each invocation folds a strided share, then a tree in workgroup memory (log2 64 = 6
 * barriers) combines the partials, which also keeps float32 sums' rounding error down.
 */
export function reduceKernel<P extends ReducePrimitive>(prim: P): WebGpuKernel<P> {
  return ({ params: { axes }, inAvals: [xa], outAvals: [oa] }) => {
    const d = oa!.dtype, t = wgslType(d);
    const fold = (acc: string, v: string) => combineExpr(REDUCE_COMBINE[prim], d, acc, v);
    const { kept, reduced } = collapse(xa!.shape, axes);
    const R = reduced.reduce((a, b) => a * b.size, 1);
    const OUT = oa!.size;
    const keptCoords = kept.map((_, k) => `k${k}`);
    const base = [...unravel('k', 'o', kept.map((b) => b.size)), `let base = ${dot(keptCoords, kept.map((b) => b.stride))};`];
    if (xa!.size === 0 || !cooperative(OUT, R)) {
      const loops: string[] = [];
      let off = 'base';
      reduced.forEach((b, k) => {
        loops.push(`${'  '.repeat(k)}for (var r${k} = 0u; r${k} < ${u(b.size)}; r${k} = r${k} + 1u) {`);
        loops.push(`${'  '.repeat(k + 1)}let p${k} = ${off} + r${k}${b.stride === 1 ? '' : ` * ${u(b.stride)}`};`);
        off = `p${k}`;
      });
      const inner = xa!.size === 0 ? [] : [...loops, `${'  '.repeat(reduced.length)}acc = ${fold('acc', `x0[${off}]`)};`, ...reduced.map((_, k) => `${'  '.repeat(reduced.length - 1 - k)}}`)];
      const body = [`let o = gid;`, ...base, `var acc: ${t} = ${identity(prim, d)};`, ...inner, `y0[o] = acc;`];
      return { steps: [elementwiseStep(prim, xa!.size === 0 ? [] : [[inp(0), { type: t }]], [[out(0), { type: t }]], OUT, body)] };
    }
    const redCoords = reduced.map((_, k) => `q${k}`);
    const body = [
      `let o = wid;`,
      ...base,
      `var acc: ${t} = ${identity(prim, d)};`,
      `for (var r = lid; r < ${u(R)}; r = r + ${u(COOP)}) {`,
      ...unravel('q', 'r', reduced.map((b) => b.size)).map((l) => `  ${l}`),
      `  acc = ${fold('acc', `x0[base + ${dot(redCoords, reduced.map((b) => b.stride))}]`)};`,
      `}`,
      `part[lid] = acc;`,
      `workgroupBarrier();`,
      `for (var s = ${u(COOP / 2)}; s > 0u; s = s >> 1u) {`,
      `  if (lid < s) { part[lid] = ${fold('part[lid]', 'part[lid + s]')}; }`,
      `  workgroupBarrier();`,
      `}`,
      `if (lid == 0u) { y0[o] = part[0]; }`,
    ];
    const code = withHelpers([
      bindings([{ type: t }], [{ type: t }]),
      `var<workgroup> part: array<${t}, ${COOP}>;`,
      entry(OUT, body, COOP),
    ].join('\n'));
    return { steps: [{ kind: 'dispatch', label: prim, code, reads: [inp(0)], writes: [out(0)], workgroups: OUT }] };
  };
}

/**
 * argmax/argmin along one axis: the index of the first extremum, NaN counting as the extremum
 * (the first NaN wins and stops the search), as on the CPU. The input is viewed as [outer, n, inner].
 */
function argKernel(isMax: boolean): WebGpuKernel<'argmax' | 'argmin'> {
  return ({ params: { axis }, inAvals: [xa], outAvals: [oa] }) => {
    const shape = xa!.shape, d = xa!.dtype, t = wgslType(d);
    const n = shape[axis]!;
    const inner = sizeOf(shape.slice(axis + 1));
    const op = isMax ? '>' : '<';
    // better(v, best): for floats, once best is NaN nothing beats it; a NaN v beats any number.
    const better = d === 'float32' ? `!isnan_f32(best) && (isnan_f32(v) || v ${op} best)` : `v ${op} best`;
    const body = [
      `let base = (gid / ${u(inner)}) * ${u(n * inner)} + gid % ${u(inner)};`,
      `var best = x0[base];`,
      `var bestAt = 0u;`,
      `for (var j = 1u; j < ${u(n)}; j = j + 1u) {`,
      `  let v = x0[base + j * ${u(inner)}];`,
      `  if (${better}) { best = v; bestAt = j; }`,
      `}`,
      `y0[gid] = ${oa!.dtype === 'int32' ? 'i32(bestAt)' : 'bestAt'};`,
    ];
    return { steps: [elementwiseStep(isMax ? 'argmax' : 'argmin', [[inp(0), { type: t }]], [[out(0), { type: wgslType(oa!.dtype) }]], oa!.size, body)] };
  };
}
export const argmax: WebGpuKernel<'argmax'> = argKernel(true);
export const argmin: WebGpuKernel<'argmin'> = argKernel(false);
