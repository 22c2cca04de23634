// conv_general_dilated on the CPU: im2col, then one GEMM per group through the dot_general kernel
// (float32: the WASM SIMD sgemm; other dtypes: the packed JS GEMM).
//
// With G groups (feature or batch groups; at most one kind exceeds 1), I input features per group,
// K kernel positions and S output positions, the patch matrix is P[g, (i, k), (n, s)]: the lhs
// element that kernel position k meets at output position s of batch n, or 0 in the padding and
// between dilated elements. The kernel viewed as W[g, o, (i, k)] (its natural OI… layout) gives
// out[g, o, (n, s)] = Σ W[g, o, r]·P[g, r, (n, s)], which is transposed once into the output layout.
// The lhs is read through its strides, so NHWC and NCHW inputs cost the same; only the kernel and
// the result are transposed (both usually small next to P).
import { ShapedArray } from '../../core/aval.js';
import { allocTyped, TypedArray } from '../../core/dtype.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import type { CpuKernel } from './index.js';
import { dotGeneral } from './matmul.js';
import { transposeTyped } from './movement.js';

const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);

export const convGeneralDilated: CpuKernel<'conv_general_dilated'> = ([l, r], p, [la, ra], [oa]) => {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2, dtype = oa!.dtype;
  const N = la!.shape[ls[0]!]!, C = la!.shape[ls[1]!]!;
  const O = ra!.shape[rs[0]!]!, I = ra!.shape[rs[1]!]!;
  const inS = ls.slice(2).map((a) => la!.shape[a]!), kS = rs.slice(2).map((a) => ra!.shape[a]!), outS = os.slice(2).map((a) => oa!.shape[a]!);
  const fg = p.featureGroupCount, bg = p.batchGroupCount, G = fg * bg;
  const Nout = N / bg, Og = O / G, Kp = sizeOf(kS), Sp = sizeOf(outS), R = I * Kp, cols = Nout * Sp;
  if (oa!.size === 0) return [allocTyped(dtype, 0)];

  // tab[i][k·outS[i] + s]: the (undilated) lhs coordinate that kernel position k meets at output s along spatial axis i, or -1.
  const tabs = Array.from({ length: d }, (_, i) => {
    const t = new Int32Array(kS[i]! * outS[i]!);
    const [lo] = p.padding[i]!, ld = p.lhsDilation[i]!, st = p.windowStrides[i]!, rd = p.rhsDilation[i]!;
    for (let k = 0; k < kS[i]!; k++) {
      for (let s = 0; s < outS[i]!; s++) {
        const q = s * st + k * rd - lo;
        t[k * outS[i]! + s] = q >= 0 && q % ld === 0 && q / ld < inS[i]! ? q / ld : -1;
      }
    }
    return t;
  });
  const xs = stridesOf(la!.shape);
  const sN = xs[ls[0]!]!, sC = xs[ls[1]!]!, sS = ls.slice(2).map((a) => xs[a]!);

  const P = allocTyped(dtype, G * R * cols);
  const k = new Array<number>(d).fill(0);
  // One row of P: every output position s for kernel position k, reading from lhs offset `base`.
  const fillRow = (axis: number, off: number, dst: number): number => {
    const tab = tabs[axis]!, n = outS[axis]!, ko = k[axis]! * n, stride = sS[axis]!;
    if (axis === d - 1) {
      for (let s = 0; s < n; s++, dst++) {
        const q = tab[ko + s]!;
        if (q >= 0) P[dst] = l![off + q * stride]!;
      }
      return dst;
    }
    const span = sizeOf(outS.slice(axis + 1));
    for (let s = 0; s < n; s++) {
      const q = tab[ko + s]!;
      if (q >= 0) fillRow(axis + 1, off + q * stride, dst);
      dst += span;
    }
    return dst;
  };
  for (let g = 0; g < G; g++) {
    const n0 = bg > 1 ? g * Nout : 0, c0 = fg > 1 ? g * I : 0;
    for (let i = 0; i < I; i++) {
      for (let kt = 0; kt < Kp; kt++) {
        for (let a = d - 1, rest = kt; a >= 0; a--) { k[a] = rest % kS[a]!; rest = Math.floor(rest / kS[a]!); }
        let dst = ((g * I + i) * Kp + kt) * cols;
        for (let n = 0; n < Nout; n++) {
          const base = (n0 + n) * sN + (c0 + i) * sC;
          if (d === 0) P[dst++] = l![base]!;
          else dst = fillRow(0, base, dst);
        }
      }
    }
  }

  // The kernel as W[g, o, (i, k)]: its canonical [O, I, K…] layout, O = G·Og group-major.
  const W = isIdentity(rs) ? r! : transposeTyped(r!, ra!.shape, rs, allocTyped(dtype, ra!.size));
  const [prod] = dotGeneral([W, P], { dimensionNumbers: { contracting: [[2], [1]], batch: [[0], [0]] } },
    [new ShapedArray([G, Og, R], dtype), new ShapedArray([G, R, cols], dtype)], [new ShapedArray([G, Og, cols], dtype)]);

  // prod is [G, Og, Nout, S…]; the output axis os[0] is Nout, os[1] is (G, Og), os[2 + i] is S_i.
  const perm: number[] = [];
  for (let a = 0; a < oa!.ndim; a++) {
    const j = os.indexOf(a);
    if (j === 0) perm.push(2);
    else if (j === 1) perm.push(0, 1);
    else perm.push(1 + j);
  }
  if (isIdentity(perm)) return [prod!];
  return [transposeTyped(prod!, [G, Og, Nout, ...outS], perm, allocTyped(dtype, oa!.size)) as TypedArray];
};
