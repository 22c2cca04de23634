// Window reductions on the CPU: reduce_window_{sum,max,min}, select_and_gather_add and
// select_and_scatter_add, all from one table of which operand element each window position meets.
import { allocTyped, DType, highestOf, lowestOf, TypedArray } from '../../core/dtype.js';
import { Params, WindowParams } from '../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../core/shape.js';
import type { CpuKernel } from './kernels.js';

/**
 * idx[o·W + k]: the flat operand index that window position k of output o meets, or -1 in the
 * padding or between base-dilated elements (W = the window's size). Built axis by axis: per axis a
 * table of coordinates, then the flat offsets as sums over axes.
 */
export function windowIndex(shape: Shape, outShape: Shape, p: WindowParams): Int32Array {
  // A training loop pools the same shapes every step: the table is built once per signature.
  const key = `${shape.join(',')}|${outShape.join(',')}|${p.windowDimensions.join(',')}|${p.windowStrides.join(',')}|${p.padding.join(',')}|${p.baseDilation.join(',')}|${p.windowDilation.join(',')}`;
  const hit = INDEX_CACHE.get(key);
  if (hit) return hit;
  const idx = buildWindowIndex(shape, outShape, p);
  if (INDEX_CACHE.size >= 64) INDEX_CACHE.delete(INDEX_CACHE.keys().next().value!);
  INDEX_CACHE.set(key, idx);
  return idx;
}
const INDEX_CACHE = new Map<string, Int32Array>();
function buildWindowIndex(shape: Shape, outShape: Shape, p: WindowParams): Int32Array {
  const n = shape.length, W = sizeOf(p.windowDimensions), outSize = sizeOf(outShape);
  const xs = stridesOf(shape);
  const tabs = shape.map((size, a) => {
    const w = p.windowDimensions[a]!, m = outShape[a]!, t = new Int32Array(m * w);
    for (let o = 0; o < m; o++) {
      for (let k = 0; k < w; k++) {
        const q = o * p.windowStrides[a]! + k * p.windowDilation[a]! - p.padding[a]![0], bd = p.baseDilation[a]!;
        t[o * w + k] = q >= 0 && q % bd === 0 && q / bd < size ? (q / bd) * xs[a]! : -1;
      }
    }
    return t;
  });
  const idx = new Int32Array(outSize * W);
  const o = new Array<number>(n).fill(0), k = new Array<number>(n).fill(0);
  for (let flat = 0; flat < outSize; flat++) {
    for (let a = n - 1, rest = flat; a >= 0; a--) { o[a] = rest % outShape[a]!; rest = Math.floor(rest / outShape[a]!); }
    for (let kt = 0; kt < W; kt++) {
      for (let a = n - 1, rest = kt; a >= 0; a--) { k[a] = rest % p.windowDimensions[a]!; rest = Math.floor(rest / p.windowDimensions[a]!); }
      let off = 0;
      for (let a = 0; a < n; a++) {
        const q = tabs[a]![o[a]! * p.windowDimensions[a]! + k[a]!]!;
        if (q < 0) { off = -1; break; }
        off += q;
      }
      idx[flat * W + kt] = off;
    }
  }
  return idx;
}

type WindowPrim = 'reduce_window_sum' | 'reduce_window_max' | 'reduce_window_min';
function reduceWindow<P extends WindowPrim>(op: 'sum' | 'max' | 'min'): CpuKernel<P> {
  return ([x], params, [xa], [oa]) => {
    const p = params as WindowParams;
    const out = allocTyped(oa!.dtype, oa!.size), W = sizeOf(p.windowDimensions);
    const idx = windowIndex(xa!.shape, oa!.shape, p), d: DType = xa!.dtype;
    if (op === 'sum') {
      // float32 sums accumulate in float64 and round once, as the reductions do.
      const wrap = d === 'int32' ? (v: number) => v | 0 : d === 'uint32' ? (v: number) => v >>> 0 : (v: number) => v;
      for (let o = 0; o < out.length; o++) {
        let acc = 0;
        for (let k = 0; k < W; k++) { const j = idx[o * W + k]!; if (j >= 0) acc += x![j]!; }
        out[o] = wrap(acc);
      }
      return [out];
    }
    // Math.max/min: NaN wins, as reduce_max does.
    const init = op === 'max' ? lowestOf(d) : highestOf(d), pick = op === 'max' ? Math.max : Math.min;
    for (let o = 0; o < out.length; o++) {
      let acc = init;
      for (let k = 0; k < W; k++) { const j = idx[o * W + k]!; if (j >= 0) acc = pick(acc, x![j]!); }
      out[o] = acc;
    }
    return [out];
  };
}
export const reduceWindowSum = reduceWindow<'reduce_window_sum'>('sum');
export const reduceWindowMax = reduceWindow<'reduce_window_max'>('max');
export const reduceWindowMin = reduceWindow<'reduce_window_min'>('min');

/**
 * Per window, the operand index it selects: the first element strictly better than every earlier
 * one (so the first maximum for 'ge'; padding holds the identity and is never better), or -1 for
 * a window with no element (all padding). NaN counts as the best, as in max, and the first NaN stays.
 */
function selected(x: TypedArray, idx: Int32Array, W: number, outSize: number, selectPrim: 'ge' | 'le'): Int32Array {
  const sel = new Int32Array(outSize);
  const ge = selectPrim === 'ge';
  for (let o = 0; o < outSize; o++) {
    let best = -1, bv = 0;
    for (let k = 0; k < W; k++) {
      const j = idx[o * W + k]!;
      if (j < 0) continue;
      const v = x[j]!;
      if (best < 0 || (!Number.isNaN(bv) && (Number.isNaN(v) || (ge ? v > bv : v < bv)))) { best = j; bv = v; }
    }
    sel[o] = best;
  }
  return sel;
}

export const selectAndGatherAdd: CpuKernel<'select_and_gather_add'> = ([t, x], p: Params<'select_and_gather_add'>, [xa], [oa]) => {
  const W = sizeOf(p.windowDimensions), sel = selected(x!, windowIndex(xa!.shape, oa!.shape, p), W, oa!.size, p.selectPrim);
  const out = allocTyped(oa!.dtype, oa!.size);
  for (let o = 0; o < out.length; o++) if (sel[o]! >= 0) out[o] = t![sel[o]!]!;
  return [out];
};

export const selectAndScatterAdd: CpuKernel<'select_and_scatter_add'> = ([s, x], p, [sa, xa], [oa]) => {
  const W = sizeOf(p.windowDimensions), sel = selected(x!, windowIndex(xa!.shape, sa!.shape, p), W, sa!.size, p.selectPrim);
  // float32 sums in float64, rounded once.
  const acc = oa!.dtype === 'float32' ? new Float64Array(oa!.size) : allocTyped(oa!.dtype, oa!.size);
  for (let o = 0; o < sel.length; o++) if (sel[o]! >= 0) acc[sel[o]!] = acc[sel[o]!]! + s![o]!;
  return [acc instanceof Float64Array && oa!.dtype === 'float32' ? Float32Array.from(acc) : acc];
};
