// conv_general_dilated on the GPU: one output element per item, a direct loop over the group's
// input features and the kernel window, reading both operands through their strides (any layout).
// Positions that fall in the padding or between dilated lhs elements are skipped.
import { stridesOf } from '../../core/shape.js';
import { elementwiseStep, i, inp, out, u, WebGpuKernel, wgslType, zero } from './wgsl.js';

export const convGeneralDilated: WebGpuKernel<'conv_general_dilated'> = ({ params: p, inAvals: [la, ra], outAvals: [oa] }) => {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2, t = wgslType(oa!.dtype);
  if (oa!.size === 0) return { steps: [] };
  const N = la!.shape[ls[0]!]!, O = ra!.shape[rs[0]!]!, I = ra!.shape[rs[1]!]!;
  const fg = p.featureGroupCount, bg = p.batchGroupCount, G = fg * bg, Nout = N / bg, Og = O / G;
  const xs = stridesOf(la!.shape), ws = stridesOf(ra!.shape), ys = stridesOf(oa!.shape);
  const coord = (axis: number) => `((gid / ${u(ys[axis]!)}) % ${u(oa!.shape[axis]!)})`;
  const body: string[] = [
    `let n = ${coord(os[0]!)};`,
    `let o = ${coord(os[1]!)};`,
    `let g = o / ${u(Og)};`,
    `let xb = (n + ${bg > 1 ? `g * ${u(Nout)}` : '0u'}) * ${u(xs[ls[0]!]!)} + ${fg > 1 ? `g * ${u(I * xs[ls[1]!]!)}` : '0u'};`,
    `let wb = o * ${u(ws[rs[0]!]!)};`,
    ...Array.from({ length: d }, (_, a) => `let s${a} = i32(${coord(os[2 + a]!)});`),
    `var acc = ${zero(oa!.dtype)};`,
    `for (var c = 0u; c < ${u(I)}; c++) {`,
  ];
  const close: string[] = ['}'];
  for (let a = 0; a < d; a++) {
    const K = ra!.shape[rs[2 + a]!]!, ld = p.lhsDilation[a]!, n = la!.shape[ls[2 + a]!]!;
    body.push(
      `for (var k${a} = 0i; k${a} < ${i(K)}; k${a}++) {`,
      `  let q${a} = s${a} * ${i(p.windowStrides[a]!)} + k${a} * ${i(p.rhsDilation[a]!)} - ${i(p.padding[a]![0])};`,
      ld === 1
        ? `  if (q${a} < 0i || q${a} >= ${i(n)}) { continue; }`
        : `  if (q${a} < 0i || q${a} % ${i(ld)} != 0i || q${a} / ${i(ld)} >= ${i(n)}) { continue; }`,
    );
    close.push('}');
  }
  const xOff = ['xb', `c * ${u(xs[ls[1]!]!)}`, ...Array.from({ length: d }, (_, a) => `u32(q${a} / ${i(p.lhsDilation[a]!)}) * ${u(xs[ls[2 + a]!]!)}`)].join(' + ');
  const wOff = ['wb', `c * ${u(ws[rs[1]!]!)}`, ...Array.from({ length: d }, (_, a) => `u32(k${a}) * ${u(ws[rs[2 + a]!]!)}`)].join(' + ');
  body.push(`acc += x0[${xOff}] * x1[${wOff}];`, ...close, 'y0[gid] = acc;');
  return { steps: [elementwiseStep('conv_general_dilated', [[inp(0), { type: t }], [inp(1), { type: t }]], [[out(0), { type: t }]], oa!.size, body)] };
};
