// A direct convolution for layers with few output features per group (LeNet's first layer, and
// the input gradient of any layer with few input channels): no patch matrix, just
// out[n, o, oh, ow] += w[o, i, kh, kw] · x[n, i, oh·sh + kh·dh − ph, ow·sw + kw·dw − pw]
// read through the operands' strides (any layout), accumulated per output plane in float64. One
// JS function is generated per signature with every size and stride a constant and the shorter
// of the kernel row and the output row unrolled into registers (the longer is the loop), so a
// 5-wide kernel does five multiply-adds per load and store of the accumulator.
//
// Why: im2col copies I·K values per output position before one GEMM of M = O/G rows. When O/G is
// small the copy costs more than the arithmetic (the input gradient of LeNet's conv1 built a
// 150 × 50,176 patch matrix to feed a GEMM with one row), while a direct loop does exactly the
// multiply-adds. Covers 1-d and 2-d convolutions without lhs dilation, float dtypes.
import { allocTyped, TypedArray } from '../../core/dtype.js';
import { ShapeError } from '../../core/errors.js';
import { ShapedArray } from '../../core/aval.js';
import { stridesOf } from '../../core/shape.js';
import type { ConvParams } from '../../core/primitives.js';
import { wasmDirectConv } from './wasm/conv.js';

/** Output features per group up to which the direct loop beats im2col + GEMM (measured: bench/compare/conv.mjs). */
export const DIRECT_MAX_FEATURES = 8;

export function directEligible(p: ConvParams, la: ShapedArray, ra: ShapedArray): boolean {
  const d = p.dimensionNumbers.lhs.length - 2;
  if (d < 1 || d > 2 || p.lhsDilation.some((v) => v !== 1)) return false;
  if (la.dtype !== 'float32' && la.dtype !== 'float64') return false;
  // An empty kernel (no input features or a zero-size window) gives zeros: im2col's path handles it.
  if (ra.size === 0) return false;
  const O = ra.shape[p.dimensionNumbers.rhs[0]!]!, G = p.featureGroupCount * p.batchGroupCount;
  return O / G <= DIRECT_MAX_FEATURES;
}

/** The longest kernel or output row that is unrolled; past it both rows loop (still no patch matrix). */
const UNROLL = 8;
type DirectFn = (x: TypedArray, w: TypedArray, out: TypedArray, acc: Float64Array) => void;
const FNS = new Map<string, DirectFn>();
/** How many JS direct kernels have been generated (the tests check the WASM path makes none). */
export const jsDirectKernelCount = (): number => FNS.size;

export function directConv(x: TypedArray, w: TypedArray, p: ConvParams, la: ShapedArray, ra: ShapedArray, oa: ShapedArray): TypedArray {
  // The WASM kernel first: where it serves (float32, contiguous rows) the JS one is never generated.
  if (x instanceof Float32Array && w instanceof Float32Array) {
    const y = wasmDirectConv(x, w, p, la, ra, oa);
    if (y) return y;
  }
  const key = `${la.shape.join(',')}|${ra.shape.join(',')}|${oa.shape.join(',')}|${JSON.stringify(p)}`;
  let fn = FNS.get(key);
  if (!fn) {
    fn = generate(p, la, ra, oa);
    if (FNS.size >= 64) FNS.delete(FNS.keys().next().value!);
    FNS.set(key, fn);
  }
  const out = allocTyped(oa.dtype, oa.size);
  const [OH, OW] = p.dimensionNumbers.out.length === 4 ? [oa.shape[p.dimensionNumbers.out[2]!]!, oa.shape[p.dimensionNumbers.out[3]!]!] : [1, oa.shape[p.dimensionNumbers.out[2]!]!];
  fn(x, w, out, new Float64Array(OH * OW));
  return out;
}

function generate(p: ConvParams, la: ShapedArray, ra: ShapedArray, oa: ShapedArray): DirectFn {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2;
  if (d !== 1 && d !== 2) throw new ShapeError(`internal: the direct convolution takes 1 or 2 spatial dimensions, got ${d}`);
  const xs = stridesOf(la.shape), ws = stridesOf(ra.shape), ys = stridesOf(oa.shape);
  // 1-d runs as 2-d with a height of 1.
  const sp = (shape: readonly number[], st: readonly number[], axes: readonly number[]): [number, number, number, number] =>
    d === 2 ? [shape[axes[2]!]!, shape[axes[3]!]!, st[axes[2]!]!, st[axes[3]!]!] : [1, shape[axes[2]!]!, 0, st[axes[2]!]!];
  const [H, W, xsH, xsW] = sp(la.shape, xs, ls), [KH, KW, wsH, wsW] = sp(ra.shape, ws, rs), [OH, OW, ysH, ysW] = sp(oa.shape, ys, os);
  const [sh, sw] = d === 2 ? [p.windowStrides[0]!, p.windowStrides[1]!] : [1, p.windowStrides[0]!];
  const [dh, dw] = d === 2 ? [p.rhsDilation[0]!, p.rhsDilation[1]!] : [1, p.rhsDilation[0]!];
  const [ph, pw] = d === 2 ? [p.padding[0]![0], p.padding[1]![0]] : [0, p.padding[0]![0]];
  const xsN = xs[ls[0]!]!, xsC = xs[ls[1]!]!, wsO = ws[rs[0]!]!, wsI = ws[rs[1]!]!, ysN = ys[os[0]!]!, ysO = ys[os[1]!]!;
  const O = ra.shape[rs[0]!]!, I = ra.shape[rs[1]!]!, fg = p.featureGroupCount, bg = p.batchGroupCount;
  const Nout = oa.shape[os[0]!]!, Og = O / (fg * bg);
  const range = (n: number) => Array.from({ length: n }, (_, j) => j);
  // Output column ow meets input column ow·sw + kw·dw − pw: valid in [0, W).
  const validOw = (kw: number): [number, number] => {
    const off = kw * dw - pw;
    return [Math.max(0, Math.ceil(-off / sw)), Math.min(OW, Math.floor((W - 1 - off) / sw) + 1)];
  };
  const validKw = (ow: number): [number, number] => {
    const base = ow * sw - pw;
    return [Math.max(0, Math.ceil(-base / dw)), Math.min(KW, Math.floor((W - 1 - base) / dw) + 1)];
  };
  const inner: string[] = [];
  if (KW <= UNROLL && (OW >= KW || OW > UNROLL)) {
    // Kernel row in registers; loop along the output row, checking bounds only near the edges.
    const A = Math.max(0, ...range(KW).map((k) => validOw(k)[0])), B = Math.max(A, Math.min(OW, ...range(KW).map((k) => validOw(k)[1])));
    inner.push(...range(KW).map((k) => `const w${k} = w[wr + ${k * wsW}];`));
    inner.push(`for (let oh = 0; oh < ${OH}; oh++) {`,
      `const ih = oh * ${sh} + kh * ${dh} - ${ph};`,
      `if (ih < 0 || ih >= ${H}) continue;`,
      `const xr = xb + ih * ${xsH}, ar = oh * ${OW};`,
      `for (let ow = ${A}; ow < ${B}; ow++) { const xi = xr + (ow * ${sw} - ${pw}) * ${xsW}; acc[ar + ow] += ${range(KW).map((k) => `w${k} * x[xi + ${k * dw * xsW}]`).join(' + ')}; }`,
      `for (let ow = 0; ow < ${OW}; ow++) {`,
      `  if (ow === ${A}) ow = ${B};`,
      `  if (ow >= ${OW}) break;`,
      `  let s = 0;`,
      ...range(KW).map((k) => `  { const iw = ow * ${sw} + ${k * dw - pw}; if (iw >= 0 && iw < ${W}) s += w${k} * x[xr + iw * ${xsW}]; }`),
      `  acc[ar + ow] += s;`,
      `}`,
      `}`);
  } else if (OW <= UNROLL) {
    // Output row in registers (a weight gradient's long kernel rows); loop along the kernel row.
    const A = Math.max(0, ...range(OW).map((o) => validKw(o)[0])), B = Math.max(A, Math.min(KW, ...range(OW).map((o) => validKw(o)[1])));
    inner.push(`for (let oh = 0; oh < ${OH}; oh++) {`,
      `const ih = oh * ${sh} + kh * ${dh} - ${ph};`,
      `if (ih < 0 || ih >= ${H}) continue;`,
      `const xr = xb + ih * ${xsH}, ar = oh * ${OW};`,
      `let ${range(OW).map((o) => `a${o} = 0`).join(', ')};`,
      `for (let kw = ${A}; kw < ${B}; kw++) { const wv = w[wr + kw * ${wsW}], xi = xr + (kw * ${dw} - ${pw}) * ${xsW}; ${range(OW).map((o) => `a${o} += wv * x[xi + ${o * sw * xsW}];`).join(' ')} }`,
      `for (let kw = 0; kw < ${KW}; kw++) {`,
      `  if (kw === ${A}) kw = ${B};`,
      `  if (kw >= ${KW}) break;`,
      `  const wv = w[wr + kw * ${wsW}];`,
      ...range(OW).map((o) => `  { const iw = ${o * sw - pw} + kw * ${dw}; if (iw >= 0 && iw < ${W}) a${o} += wv * x[xr + iw * ${xsW}]; }`),
      `}`,
      ...range(OW).map((o) => `acc[ar + ${o}] += a${o};`),
      `}`);
  } else {
    // Both rows long: plain loops.
    inner.push(`for (let oh = 0; oh < ${OH}; oh++) {`,
      `const ih = oh * ${sh} + kh * ${dh} - ${ph};`,
      `if (ih < 0 || ih >= ${H}) continue;`,
      `const xr = xb + ih * ${xsH}, ar = oh * ${OW};`,
      `for (let kw = 0; kw < ${KW}; kw++) {`,
      `  const wv = w[wr + kw * ${wsW}], off = kw * ${dw} - ${pw};`,
      `  const a = Math.max(0, Math.ceil(-off / ${sw})), b = Math.min(${OW}, Math.floor((${W - 1} - off) / ${sw}) + 1);`,
      `  for (let ow = a; ow < b; ow++) acc[ar + ow] += wv * x[xr + (ow * ${sw} + off) * ${xsW}];`,
      `}`,
      `}`);
  }
  const body = [
    `for (let n = 0; n < ${Nout}; n++) {`,
    `for (let o = 0; o < ${O}; o++) {`,
    `const g = Math.floor(o / ${Og});`,
    `const xn = (n + ${bg > 1 ? `g * ${Nout}` : '0'}) * ${xsN}, c0 = ${fg > 1 ? `g * ${I}` : '0'};`,
    `acc.fill(0);`,
    `for (let i = 0; i < ${I}; i++) {`,
    `const xb = xn + (c0 + i) * ${xsC}, wb = o * ${wsO} + i * ${wsI};`,
    `for (let kh = 0; kh < ${KH}; kh++) {`,
    `const wr = wb + kh * ${wsH};`,
    ...inner,
    `}`,
    `}`,
    `const yb = n * ${ysN} + o * ${ysO};`,
    `for (let oh = 0; oh < ${OH}; oh++) for (let ow = 0; ow < ${OW}; ow++) out[yb + oh * ${ysH} + ow * ${ysW}] = acc[oh * ${OW} + ow];`,
    `}`,
    `}`,
  ];
  return new Function(`return function directConv(x, w, out, acc) {\n'use strict';\n${body.join('\n')}\n};`)() as DirectFn;
}
