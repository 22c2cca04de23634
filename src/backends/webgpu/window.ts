// Window reductions on the GPU: one invocation per window walks it with one loop per axis, the
// operand index computed from the window's coordinates (positions in the padding or between
// base-dilated elements are skipped). select_and_scatter_add runs one invocation per window too
// and adds its source atomically where its selected element is (windows may overlap).
import { DType } from '../../core/dtype.js';
import { Shape, stridesOf } from '../../core/shape.js';
import { WindowParams } from '../../core/primitives.js';
import { bindings, elementwiseStep, highest, i, inp, lowest, out, perElement, u, WebGpuKernel, wgslType, withHelpers, zero } from './wgsl.js';

/** Lines that open the loops over window `o` (= `win`) of `outShape`, leaving `at` (the operand index) for `body`, then close them. */
function overWindow(shape: Shape, outShape: Shape, p: WindowParams, win: string, body: readonly string[]): string[] {
  const n = shape.length, xs = stridesOf(shape), os = stridesOf(outShape);
  const lines: string[] = [];
  for (let a = 0; a < n; a++) {
    const bd = p.baseDilation[a]!;
    lines.push(
      `for (var k${a} = 0i; k${a} < ${i(p.windowDimensions[a]!)}; k${a}++) {`,
      `  let q${a} = i32((${win} / ${u(os[a]!)}) % ${u(outShape[a]!)}) * ${i(p.windowStrides[a]!)} + k${a} * ${i(p.windowDilation[a]!)} - ${i(p.padding[a]![0])};`,
      bd === 1
        ? `  if (q${a} < 0i || q${a} >= ${i(shape[a]!)}) { continue; }`
        : `  if (q${a} < 0i || q${a} % ${i(bd)} != 0i || q${a} / ${i(bd)} >= ${i(shape[a]!)}) { continue; }`,
    );
  }
  const at = n === 0 ? '0u' : Array.from({ length: n }, (_, a) => `u32(q${a} / ${i(p.baseDilation[a]!)}) * ${u(xs[a]!)}`).join(' + ');
  lines.push(`let at = ${at};`, ...body, ...Array.from({ length: n }, () => '}'));
  return lines;
}

const pickFn = (d: DType, op: 'max' | 'min') => (d === 'float32' ? `${op}_f32` : op);

function reduceWindow<P extends 'reduce_window_sum' | 'reduce_window_max' | 'reduce_window_min'>(op: 'sum' | 'max' | 'min'): WebGpuKernel<P> {
  return ({ params, inAvals: [xa], outAvals: [oa] }) => {
    const p = params as WindowParams, d = xa!.dtype, t = wgslType(d);
    if (oa!.size === 0) return { steps: [] };
    const init = op === 'sum' ? zero(d) : op === 'max' ? lowest(d) : highest(d);
    const fold = op === 'sum' ? (d === 'bool' ? 'acc = acc | x0[at];' : 'acc = acc + x0[at];') : `acc = ${pickFn(d, op)}(acc, x0[at]);`;
    const body = [`var acc: ${t} = ${init};`, ...overWindow(xa!.shape, oa!.shape, p, 'gid', [fold]), 'y0[gid] = acc;'];
    return { steps: [elementwiseStep(`reduce_window_${op}`, [[inp(0), { type: t }]], [[out(0), { type: t }]], oa!.size, body)] };
  };
}
export const reduceWindowSum = reduceWindow<'reduce_window_sum'>('sum');
export const reduceWindowMax = reduceWindow<'reduce_window_max'>('max');
export const reduceWindowMin = reduceWindow<'reduce_window_min'>('min');

/** Lines leaving `best` (the selected operand index, or 0xffffffff) for window `win`; the operand is binding x1. */
function selectLines(shape: Shape, outShape: Shape, p: WindowParams & { selectPrim: 'ge' | 'le' }, d: DType, win: string): string[] {
  const t = wgslType(d);
  const better = p.selectPrim === 'ge' ? 'v > bv' : 'v < bv';
  // The first element; later ones replace it only when strictly better, or NaN (then it stays).
  const cond = d === 'float32' ? `best == 0xffffffffu || (!isnan_f32(bv) && (isnan_f32(v) || ${better}))` : `best == 0xffffffffu || ${better}`;
  return [
    'var best = 0xffffffffu;',
    `var bv: ${t} = ${zero(d)};`,
    ...overWindow(shape, outShape, p, win, ['let v = x1[at];', `if (${cond}) { best = at; bv = v; }`]),
  ];
}

export const selectAndGatherAdd: WebGpuKernel<'select_and_gather_add'> = ({ params: p, inAvals: [, xa], outAvals: [oa] }) => {
  const d = xa!.dtype, t = wgslType(d);
  if (oa!.size === 0) return { steps: [] };
  const body = [...selectLines(xa!.shape, oa!.shape, p, d, 'gid'), `y0[gid] = select(${zero(d)}, x0[best], best != 0xffffffffu);`];
  return { steps: [elementwiseStep('select_and_gather_add', [[inp(0), { type: t }], [inp(1), { type: t }]], [[out(0), { type: t }]], oa!.size, body)] };
};

/** out = 0, then each window adds its source where it selects (atomically: float32 by compare-exchange on the bits, as scatter_add). */
export const selectAndScatterAdd: WebGpuKernel<'select_and_scatter_add'> = ({ params: p, inAvals: [sa, xa], outAvals: [oa] }) => {
  const d = xa!.dtype, t = wgslType(d);
  const clear = elementwiseStep('select_and_scatter_add zero', [], [[out(0), { type: t }]], oa!.size, [`y0[gid] = ${zero(d)};`]);
  if (sa!.size === 0 || oa!.size === 0) return { steps: oa!.size ? [clear] : [] };
  const add = d === 'float32'
    ? ['var old = atomicLoad(&y0[best]);', 'loop {', '  let r = atomicCompareExchangeWeak(&y0[best], old, bitcast<u32>(bitcast<f32>(old) + x0[gid]));',
      '  if (r.exchanged) { break; }', '  old = r.old_value;', '}']
    : [d === 'bool' ? 'atomicOr(&y0[best], x0[gid]);' : 'atomicAdd(&y0[best], x0[gid]);'];
  const { code, workgroups } = perElement(sa!.size, [...selectLines(xa!.shape, sa!.shape, p, d, 'gid'), 'if (best == 0xffffffffu) { return; }', ...add]);
  const src = withHelpers([bindings([{ type: t }, { type: t }], [{ type: d === 'float32' ? 'u32' : t, atomic: true }]), code].join('\n'));
  return { steps: [clear, { kind: 'dispatch', label: 'select_and_scatter_add', code: src, reads: [inp(0), inp(1)], writes: [out(0)], workgroups }] };
};
