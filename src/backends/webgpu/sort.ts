// sort on the GPU: a stable sort of every lane along one axis (JAX's sort_p), as a bottom-up merge
// sort whose merges run one invocation per element, so a long lane uses the whole device.
//
// Each element becomes a record of R = numKeys + 1 u32 words: its keys as order-preserving words
// (the CPU's encoding: src/backends/cpu/sort.ts), then its position in the lane. Records compare
// lexicographically, and the position makes every record distinct, so "sorted by records" is the
// stable order and no step has to reason about ties. The steps:
//   pack     one dispatch per key: write its words into the records (the first also the positions)
//   merge    ⌈log2 n⌉ passes over runs of width w = 1, 2, 4, …: a record at position i of its run
//            moves to runStart(pair) + i + (how many records of the partner run are less than it),
//            found by binary search; records ping-pong between two scratch buffers
//   gather   one dispatch per operand: output i of a lane is the operand at the position that
//            ended up in record i
// Every merge pass is the same shader: the run width lives in a header word after the records,
// which each pass reads from its source and writes doubled into its destination, so a lane of any
// length costs three or four pipelines, not one per pass. Keys are compared on their bits, since
// llvmpipe's float comparisons assume no NaNs.
import { DType } from '../../core/dtype.js';
import { sizeOf } from '../../core/shape.js';
import { bindings, BufferDecl, inp, out, perItem, Slot, Step, temp, u, WebGpuKernel, wgslType, withHelpers } from './wgsl.js';

/** The order-preserving word of a stored key value `v` (bool is stored as a u32 0/1). */
function keyWord(dtype: DType, v: string): string {
  switch (dtype) {
    case 'float32': return `sort_word_f32(${v})`;
    case 'int32': return `(bitcast<u32>(${v}) ^ 0x80000000u)`;
    default: return v;
  }
}
/** −0 → +0 and every NaN → all ones, then the IEEE sign-magnitude flip (unsigned order = float order). */
const SORT_WORD_F32 = `fn sort_word_f32(v: f32) -> u32 {
  let b = bitcast<u32>(v);
  let m = b & 0x7fffffffu;
  if (m > 0x7f800000u) { return 0xffffffffu; }
  if (m == 0u) { return 0x80000000u; }
  return select(b | 0x80000000u, ~b, (b >> 31u) == 1u);
}`;

/** A dispatch running `body` once per item `g` of [0, count), with module-scope `functions` beside it. */
function dispatch(reads: readonly [Slot, BufferDecl][], writes: readonly [Slot, BufferDecl][], count: number, body: readonly string[], functions: readonly string[] = []): Step {
  const { code, workgroups } = perItem(count, 'g', body);
  return {
    kind: 'dispatch', label: 'sort', workgroups, reads: reads.map(([s]) => s), writes: writes.map(([s]) => s),
    code: withHelpers([bindings(reads.map(([, b]) => b), writes.map(([, b]) => b)), ...functions, code].join('\n')),
  };
}

export const sort: WebGpuKernel<'sort'> = ({ params: { dimension, numKeys }, inAvals }) => {
  const shape = inAvals[0]!.shape;
  const n = shape[dimension]!, post = sizeOf(shape.slice(dimension + 1)), total = sizeOf(shape);
  if (total === 0) return { steps: [] };
  // Lanes of one element are already sorted.
  if (n === 1) return { steps: inAvals.map((a, k) => ({ kind: 'copy', from: inp(k), to: out(k), bytes: a.size * 4 })) };

  const R = numKeys + 1, header = total * R;
  const words: BufferDecl = { type: 'u32' };
  // Element g of an operand (row-major) is position i of lane p·post + q, i.e. record t.
  const locate = [
    `let p = g / ${u(n * post)};`,
    `let i = (g / ${u(post)}) % ${u(n)};`,
    `let t = (p * ${u(post)} + g % ${u(post)}) * ${u(n)} + i;`,
  ];
  const steps: Step[] = inAvals.slice(0, numKeys).map((a, m) => dispatch(
    [[inp(m), { type: wgslType(a.dtype) }]], [[temp(0), words]], total,
    [...locate, `y0[t * ${u(R)} + ${u(m)}] = ${keyWord(a.dtype, 'x0[g]')};`,
      ...(m === 0 ? [`y0[t * ${u(R)} + ${u(numKeys)}] = i;`, `if (g == 0u) { y0[${u(header)}] = 1u; }`] : [])],
    a.dtype === 'float32' ? [SORT_WORD_F32] : [],
  ));

  // less(a, b): record a orders before record b in the source buffer (words compared in turn).
  const less = [
    `fn less(a: u32, b: u32) -> bool {`,
    ...Array.from({ length: R }, (_, w) => `  if (x0[a * ${u(R)} + ${u(w)}] != x0[b * ${u(R)} + ${u(w)}]) { return x0[a * ${u(R)} + ${u(w)}] < x0[b * ${u(R)} + ${u(w)}]; }`),
    `  return false;`,
    `}`,
  ].join('\n');
  // Here g runs over records: record g is position k of the lane whose records start at g − k.
  const merge = (from: Slot, to: Slot) => dispatch([[from, words]], [[to, words]], total, [
    `let w = x0[${u(header)}];`,
    `let k = g % ${u(n)};`,
    `let lane = g - k;`,
    `let run = k / w;`,
    `let partner = (run ^ 1u) * w;`,
    // Records of the partner run less than this one: all of them that precede it in the merged run.
    `var lo = 0u;`,
    `var hi = select(0u, min(w, ${u(n)} - partner), partner < ${u(n)});`,
    `while (lo < hi) {`,
    `  let mid = (lo + hi) / 2u;`,
    `  if (less(lane + partner + mid, g)) { lo = mid + 1u; } else { hi = mid; }`,
    `}`,
    `let dest = lane + min(run, run ^ 1u) * w + (k - run * w) + lo;`,
    ...Array.from({ length: R }, (_, w) => `y0[dest * ${u(R)} + ${u(w)}] = x0[g * ${u(R)} + ${u(w)}];`),
    `if (g == 0u) { y0[${u(header)}] = w * 2u; }`,
  ], [less]);
  let passes = 0;
  for (let w = 1; w < n; w *= 2, passes++) steps.push(passes % 2 === 0 ? merge(temp(0), temp(1)) : merge(temp(1), temp(0)));
  const sorted = temp(passes % 2);

  inAvals.forEach((a, m) => {
    const decl = { type: wgslType(a.dtype) };
    steps.push(dispatch([[inp(m), decl], [sorted, words]], [[out(m), decl]], total, [
      ...locate,
      `let source = x1[t * ${u(R)} + ${u(numKeys)}];`,
      `y0[g] = x0[(p * ${u(n)} + source) * ${u(post)} + g % ${u(post)}];`,
    ]));
  });
  const bytes = (header + 1) * 4;
  return { steps, temps: [bytes, bytes] };
};
