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
import type { ConvParams } from '../../core/primitives.js';
import type { CpuKernel } from './kernels.js';
import { dotGeneral } from './matmul.js';
import { transposeTyped } from './movement.js';
import { directConv, directEligible } from './conv-direct.js';

const isIdentity = (p: readonly number[]) => p.every((v, i) => v === i);
const PLAN_CACHE = new Map<string, RowPlan[]>();

/** tab[i][k·outS[i] + s]: the (undilated) lhs coordinate that kernel position k meets at output s along spatial axis i, or -1. */
function tabsOf(d: number, kS: readonly number[], outS: readonly number[], inS: readonly number[], p: ConvParams): Int32Array[] {
  return Array.from({ length: d }, (_, i) => {
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
}

export const convGeneralDilated: CpuKernel<'conv_general_dilated'> = ([l, r], p, [la, ra], [oa]) => {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2, dtype = oa!.dtype;
  const N = la!.shape[ls[0]!]!, C = la!.shape[ls[1]!]!;
  const O = ra!.shape[rs[0]!]!, I = ra!.shape[rs[1]!]!;
  const inS = ls.slice(2).map((a) => la!.shape[a]!), kS = rs.slice(2).map((a) => ra!.shape[a]!), outS = os.slice(2).map((a) => oa!.shape[a]!);
  const fg = p.featureGroupCount, bg = p.batchGroupCount, G = fg * bg;
  const Nout = N / bg, Og = O / G, Kp = sizeOf(kS), Sp = sizeOf(outS), R = I * Kp, cols = Nout * Sp;
  if (oa!.size === 0) return [allocTyped(dtype, 0)];
  if (directEligible(p, la!, ra!)) return [directConv(l!, r!, p, la!, ra!, oa!)];

  const xs = stridesOf(la!.shape);
  const sN = xs[ls[0]!]!, sC = xs[ls[1]!]!, sS = ls.slice(2).map((a) => xs[a]!);
  // The copy plan depends only on shapes and params: built once per signature (a training loop repeats them).
  const key = `${la!.shape.join(',')}|${ra!.shape.join(',')}|${oa!.shape.join(',')}|${JSON.stringify(p)}`;
  let plan = PLAN_CACHE.get(key);
  if (!plan) {
    plan = rowPlan(d, kS, outS, inS, tabsOf(d, kS, outS, inS, p), sS, p);
    if (PLAN_CACHE.size >= 64) PLAN_CACHE.delete(PLAN_CACHE.keys().next().value!);
    PLAN_CACHE.set(key, plan);
  }
  const P = allocTyped(dtype, G * R * cols);
  // Bits are moved, never computed on, so every 4-byte dtype is copied as int32 and float64 as
  // itself: the copy loop then sees two array types at most and stays fast in V8.
  const [Pv, lv] = P instanceof Float64Array ? [P, l as Float64Array] : [asInt32(P), asInt32(l!)];
  for (let g = 0; g < G; g++) {
    const n0 = bg > 1 ? g * Nout : 0, c0 = fg > 1 ? g * I : 0;
    for (let i = 0; i < I; i++) {
      for (let kt = 0; kt < Kp; kt++) {
        const rows = plan[kt]!;
        for (let n = 0; n < Nout; n++) {
          const base = (n0 + n) * sN + (c0 + i) * sC, dst = (((g * I + i) * Kp + kt) * Nout + n) * Sp;
          fillRows(Pv, lv, rows, base, dst);
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

const asInt32 = (a: TypedArray): Int32Array => new Int32Array(a.buffer, a.byteOffset, a.length);

/**
 * Copies for one kernel position: runs of `len` elements, run j from src + rows[4j] (stepping
 * rows[4j+2]) to dst + rows[4j+1], or, where rows[4j+3] ≥ 0, through the lhs-dilation table `tab`
 * (an entry per output position along the last axis: -1 or the element's offset).
 */
interface RowPlan { readonly runs: Int32Array; readonly len: Int32Array; readonly tables: readonly Int32Array[] }

/** For every kernel position: its copy runs, one per valid output position of the leading spatial axes. */
function rowPlan(d: number, kS: readonly number[], outS: readonly number[], inS: readonly number[], tabs: readonly Int32Array[], sS: readonly number[], p: ConvParams): RowPlan[] {
  const Kp = sizeOf(kS), plans: RowPlan[] = [];
  if (d === 0) {
    for (let kt = 0; kt < Kp; kt++) plans.push({ runs: Int32Array.of(0, 0, 1, -1), len: Int32Array.of(1), tables: [] });
    return plans;
  }
  const last = d - 1, nLast = outS[last]!, stLast = sS[last]!;
  const k = new Array<number>(d).fill(0);
  for (let kt = 0; kt < Kp; kt++) {
    for (let a = d - 1, rest = kt; a >= 0; a--) { k[a] = rest % kS[a]!; rest = Math.floor(rest / kS[a]!); }
    // The last axis: a linear run when the lhs is not dilated there, else a table.
    const tab = tabs[last]!, ko = k[last]! * nLast;
    let s0 = 0, s1 = nLast, srcOff = 0, step = 0, table = -1;
    const tables: Int32Array[] = [];
    if (p.lhsDilation[last] === 1) {
      while (s0 < nLast && tab[ko + s0]! < 0) s0++;
      while (s1 > s0 && tab[ko + s1 - 1]! < 0) s1--;
      srcOff = s0 < s1 ? tab[ko + s0]! * stLast : 0;
      step = p.windowStrides[last]! * stLast;
    } else {
      const t = new Int32Array(nLast);
      for (let s = 0; s < nLast; s++) t[s] = tab[ko + s]! < 0 ? -1 : tab[ko + s]! * stLast;
      tables.push(t);
      table = 0;
    }
    const runs: number[] = [], lens: number[] = [];
    // Odometer over the leading axes' output positions.
    const lead = outS.slice(0, last), leadCount = sizeOf(lead);
    for (let flat = 0; flat < leadCount; flat++) {
      let src = 0, dstRow = flat * nLast, ok = true;
      for (let a = last - 1, rest = flat; a >= 0; a--) {
        const s = rest % lead[a]!; rest = Math.floor(rest / lead[a]!);
        const q = tabs[a]![k[a]! * outS[a]! + s]!;
        if (q < 0) { ok = false; break; }
        src += q * sS[a]!;
      }
      if (!ok || s0 >= s1) continue;
      runs.push(table < 0 ? src + srcOff : src, table < 0 ? dstRow + s0 : dstRow, step, table);
      lens.push(table < 0 ? s1 - s0 : nLast);
    }
    void inS;
    plans.push({ runs: Int32Array.from(runs), len: Int32Array.from(lens), tables });
  }
  return plans;
}

function fillRows(P: Int32Array | Float64Array, l: Int32Array | Float64Array, plan: RowPlan, base: number, dst: number): void {
  const { runs, len, tables } = plan;
  for (let j = 0; j < len.length; j++) {
    const src = base + runs[4 * j]!, to = dst + runs[4 * j + 1]!, n = len[j]!;
    if (runs[4 * j + 3]! < 0) {
      const step = runs[4 * j + 2]!;
      for (let s = 0, from = src; s < n; s++, from += step) P[to + s] = l[from]!;
    } else {
      const t = tables[runs[4 * j + 3]!]!;
      for (let s = 0; s < n; s++) { const q = t[s]!; if (q >= 0) P[to + s] = l[src + q]!; }
    }
  }
}
