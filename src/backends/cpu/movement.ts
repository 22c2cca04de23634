// Movement kernels: broadcast_in_dim, reshape, transpose, slice, pad, concatenate, rev and iota.
// Each is one strided copy, described by an offset and a stride per axis on either side.
import { allocTyped, TypedArray } from '../../core/dtype.js';
import { Shape, sizeOf, stridesOf } from '../../core/shape.js';
import type { CpuKernel } from './kernels.js';
import { mergeCopyAxes, reversedView } from '../strided-copy.js';

/** Rows at least this long are copied with `TypedArray.set` (a memmove) instead of a JS loop. */
const SET_MIN = 32;
/** Edge of the square tiles a transposing copy walks, so both sides stay in L1. */
const TILE = 32;

/**
 * dst[dOff + Σ_k i_k·dS_k] = src[sOff + Σ_k i_k·sS_k] for every index i of `shape`.
 *
 * Strides may be 0 (broadcasting) or negative (rev). Axes of size 1 are dropped and neighbouring
 * axes that are contiguous on both sides are merged first, so a copy of contiguous data becomes a
 * single `set` and a 2-d transpose stays 2-d whatever the rank it came with. A copy that reads the
 * source across its innermost axis but along some other axis (a transpose) walks in tiles.
 */
export function stridedCopy(
  dst: TypedArray, dOff: number, dStrides: readonly number[],
  src: TypedArray, sOff: number, sStrides: readonly number[], shape: Shape,
): void {
  if (shape.includes(0)) return;
  const { n, ds, ss } = mergeCopyAxes(shape, dStrides, sStrides);
  const rank = n.length;
  if (rank === 0) { dst[dOff] = src[sOff]!; return; }
  const inner = rank - 1;
  const ni = n[inner]!, dsi = ds[inner]!, ssi = ss[inner]!;
  if (ssi !== 1 && ssi !== -1 && ni >= TILE) {
    const u = ss.findIndex((s, k) => k < inner && (s === 1 || s === -1) && n[k]! >= TILE);
    if (u >= 0) { tiledCopy(dst, dOff, ds, src, sOff, ss, n, u); return; }
  }
  // Odometer over the outer axes; the innermost axis is one tight loop.
  const idx = new Array<number>(inner).fill(0);
  let so = sOff, d = dOff;
  for (;;) {
    if (dsi === 1 && ssi === 1) {
      if (ni >= SET_MIN) dst.set(src.subarray(so, so + ni), d);
      else for (let j = 0; j < ni; j++) dst[d + j] = src[so + j]!;
    } else if (dsi === 1 && ssi === 0) {
      dst.fill(src[so]!, d, d + ni);
    } else {
      for (let j = 0; j < ni; j++) dst[d + j * dsi] = src[so + j * ssi]!;
    }
    let k = inner - 1;
    for (; k >= 0; k--) {
      so += ss[k]!; d += ds[k]!;
      if (++idx[k]! < n[k]!) break;
      so -= ss[k]! * n[k]!; d -= ds[k]! * n[k]!; idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** stridedCopy for a transpose: axis `u` is contiguous in the source, the last axis in the destination. */
function tiledCopy(dst: TypedArray, dOff: number, ds: number[], src: TypedArray, sOff: number, ss: number[], n: number[], u: number): void {
  const inner = n.length - 1;
  const nu = n[u]!, ni = n[inner]!, dsu = ds[u]!, ssu = ss[u]!, dsi = ds[inner]!, ssi = ss[inner]!;
  const outer = n.map((_, k) => k).filter((k) => k !== u && k !== inner);
  const idx = new Array<number>(outer.length).fill(0);
  let so = sOff, d = dOff;
  for (;;) {
    for (let u0 = 0; u0 < nu; u0 += TILE) {
      const u1 = Math.min(nu, u0 + TILE);
      for (let j0 = 0; j0 < ni; j0 += TILE) {
        const j1 = Math.min(ni, j0 + TILE);
        for (let a = u0; a < u1; a++) {
          const sRow = so + a * ssu, dRow = d + a * dsu;
          for (let j = j0; j < j1; j++) dst[dRow + j * dsi] = src[sRow + j * ssi]!;
        }
      }
    }
    let t = outer.length - 1;
    for (; t >= 0; t--) {
      const k = outer[t]!;
      so += ss[k]!; d += ds[k]!;
      if (++idx[t]! < n[k]!) break;
      so -= ss[k]! * n[k]!; d -= ds[k]! * n[k]!; idx[t] = 0;
    }
    if (t < 0) return;
  }
}

/** Row-major copy of a strided view of `src` into a new array of `shape`. */
export function gatherStrided(src: TypedArray, sOff: number, sStrides: readonly number[], shape: Shape, out: TypedArray): TypedArray {
  stridedCopy(out, 0, stridesOf(shape), src, sOff, sStrides, shape);
  return out;
}

/** A contiguous transpose: out axis i is axis perm[i] of x. */
export function transposeTyped(x: TypedArray, shape: Shape, perm: readonly number[], out: TypedArray): TypedArray {
  const xs = stridesOf(shape);
  return gatherStrided(x, 0, perm.map((p) => xs[p]!), perm.map((p) => shape[p]!), out);
}

export const broadcastInDim: CpuKernel<'broadcast_in_dim'> = ([x], { shape, broadcastDimensions }, [xa], [oa]) => {
  // An operand axis of size 1 is broadcast: stride 0. Target axes the operand lacks: stride 0.
  const xs = stridesOf(xa!.shape);
  const strides = new Array<number>(shape.length).fill(0);
  broadcastDimensions.forEach((d, i) => { if (xa!.shape[i] !== 1) strides[d] = xs[i]!; });
  return [gatherStrided(x!, 0, strides, shape, allocTyped(oa!.dtype, oa!.size))];
};

/** Inputs are contiguous and arrays immutable, so a reshape is the same buffer read with a new shape. */
export const reshape: CpuKernel<'reshape'> = ([x]) => [x!];

export const transpose: CpuKernel<'transpose'> = ([x], { permutation }, [xa], [oa]) =>
  [transposeTyped(x!, xa!.shape, permutation, allocTyped(oa!.dtype, oa!.size))];

/** out[i] = x[start + i·stride] per axis. */
export const slice: CpuKernel<'slice'> = ([x], { startIndices, strides }, [xa], [oa]) => {
  const xs = stridesOf(xa!.shape);
  const off = startIndices.reduce((acc, s, k) => acc + s * xs[k]!, 0);
  return [gatherStrided(x!, off, xs.map((s, k) => s * (strides?.[k] ?? 1)), oa!.shape, allocTyped(oa!.dtype, oa!.size))];
};

/**
 * Per axis, element j of x lands at lo + j·(interior + 1) of the output; everything else is the
 * padding value. Negative lo/hi crop: only the j whose position falls inside [0, outSize) are copied.
 */
export const pad: CpuKernel<'pad'> = ([x, v], { config }, [xa], [oa]) => {
  const out = allocTyped(oa!.dtype, oa!.size);
  out.fill(v![0]!);
  const xs = stridesOf(xa!.shape), os = stridesOf(oa!.shape);
  let sOff = 0, dOff = 0;
  const counts: number[] = [], dStrides: number[] = [];
  for (let k = 0; k < config.length; k++) {
    const [lo, , interior] = config[k]!;
    const step = interior + 1, n = xa!.shape[k]!, outN = oa!.shape[k]!;
    const jlo = Math.max(0, Math.ceil(-lo / step));
    const jhi = Math.min(n - 1, Math.floor((outN - 1 - lo) / step));
    if (jhi < jlo) return [out];
    counts.push(jhi - jlo + 1);
    sOff += jlo * xs[k]!;
    dOff += (lo + jlo * step) * os[k]!;
    dStrides.push(os[k]! * step);
  }
  stridedCopy(out, dOff, dStrides, x!, sOff, xs, counts);
  return [out];
};

/** Each operand is copied into its band of the output along `dimension`. */
export const concatenate: CpuKernel<'concatenate'> = (xs, { dimension }, avals, [oa]) => {
  const out = allocTyped(oa!.dtype, oa!.size);
  const os = stridesOf(oa!.shape);
  let at = 0;
  xs.forEach((x, i) => {
    const a = avals[i]!;
    stridedCopy(out, at * os[dimension]!, os, x, 0, stridesOf(a.shape), a.shape);
    at += a.shape[dimension]!;
  });
  return [out];
};

/** Reversed axes are read from their last element with a negated stride. */
export const rev: CpuKernel<'rev'> = ([x], { dimensions }, [xa], [oa]) => {
  const { offset, strides } = reversedView(xa!.shape, dimensions);
  return [gatherStrided(x!, offset, strides, xa!.shape, allocTyped(oa!.dtype, oa!.size))];
};

/** out[..., j, ...] = j along `dimension`: each j fills a contiguous block of the inner axes. */
export const iota: CpuKernel<'iota'> = (_inputs, { shape, dimension }, _avals, [oa]) => {
  const out = allocTyped(oa!.dtype, oa!.size);
  const n = shape[dimension]!, inner = sizeOf(shape.slice(dimension + 1)), outer = sizeOf(shape.slice(0, dimension));
  for (let o = 0, p = 0; o < outer; o++) {
    for (let j = 0; j < n; j++, p += inner) out.fill(j, p, p + inner);
  }
  return [out];
};
