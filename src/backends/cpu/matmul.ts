// dot_general on the CPU: strided [batch, M, K]·[batch, K, N] views; float32 through the WASM SIMD
// sgemm (wasm/sgemm.ts), other dtypes and small or vector shapes through a packed, cache-blocked JS GEMM.
//
// Each operand is viewed as [batch, M, K] / [batch, K, N] through strides (no transposed copy),
// then a packed, cache-blocked GEMM with a register-blocked micro-kernel does the arithmetic.
//
// The GEMM follows Goto & van de Geijn ("Anatomy of high-performance matrix multiplication"):
//   for jc over N in NC-wide blocks:
//     for pc over K in KC-deep blocks:     pack B[pc.., jc..] into NR-column panels  (Bp, ~L2/L3)
//       for ic over M in MC-tall blocks:   pack A[ic.., pc..] into MR-row panels     (Ap, ~L2)
//         for each NR panel, each MR panel: C[MR×NR tile] += Ap panel · Bp panel   (micro-kernel)
// Packing copies each panel into contiguous scratch in exactly the order the micro-kernel reads it,
// so the operand strides matter only while packing: Aᵀ·B and A·Bᵀ (what gradients of A·B need)
// run the same inner loop as A·B. The micro-kernel keeps an MR×NR tile of C in local variables,
// so each loaded element of A is used NR times and each element of B MR times.
import { ShapedArray } from '../../core/aval.js';
import { allocTyped, TypedArray } from '../../core/dtype.js';
import { Shape, stridesOf } from '../../core/shape.js';
import { EXPRESSIONS } from './expressions.js';
import type { CpuKernel } from './kernels.js';
import { transposeTyped } from './movement.js';
import { sgemm, wasmSgemmAvailable } from './wasm/sgemm.js';

/** Below this many multiply-adds the copy into WASM memory costs more than the JS kernel. */
const WASM_MIN_FLOPS = 16 * 16 * 16;

/**
 * Micro-tile MR×NR and cache blocks. Measured on a Zen 5 core under V8: scalar JS peaks near one
 * multiply-add per cycle (~5.4 GFLOP/s), and every tile from 3×4 to 8×4 lands within 10% of it; 4×4
 * keeps its 16 accumulators in the 16 xmm registers. KC·NR doubles of a B panel (8 KiB) and KC·MR of
 * an A panel stay in L1, the MC×KC A block (256 KiB) in L2. MC must be a multiple of MR and NC of NR
 * (the scratch holds whole zero-padded panels).
 */
const MR = 4, NR = 4, MC = 128, KC = 256, NC = 1024;

type Scratch = Float64Array | Int32Array;
/** C[pc + r·ldc + c] += Σ_k Ap[pa + k·MR + r] · Bp[pb + k·NR + c] for r < MR, c < NR. */
type Micro = (kc: number, Ap: Scratch, pa: number, Bp: Scratch, pb: number, C: Scratch, pc: number, ldc: number) => void;
/** C[cOff + r] += Σ_k Mat[mOff + r·sR + k·sK] · Vec[vOff + k·sV] for r < R. */
type Gemv = (R: number, K: number, Mat: TypedArray, mOff: number, sR: number, sK: number, Vec: TypedArray, vOff: number, sV: number, C: Scratch, cOff: number) => void;

/**
 * The arithmetic of one family of dtypes. Floats accumulate in float64 (packed as doubles), so a
 * float32 product is rounded once, when stored. Integers compute the exact low 32 bits
 * (Math.imul, `|0`), which are the same bits for int32 and uint32, so both share one int32 kernel.
 */
interface Flavour {
  readonly micro: Micro;
  readonly gemvDot: Gemv;
  readonly gemvAxpy: Gemv;
  readonly alloc: (n: number) => Scratch;
  scratch?: { Ap: Scratch; Bp: Scratch; Ct: Scratch };
}

function makeFlavour(name: string, accDtype: 'float64' | 'int32', alloc: (n: number) => Scratch): Flavour {
  const add = (a: string, b: string) => EXPRESSIONS.add(accDtype, a, b);
  const madd = (c: string, a: string, b: string) => add(c, EXPRESSIONS.mul(accDtype, a, b));
  const compile = <F>(fn: string, params: string, body: string[]): F =>
    new Function(`return function ${fn}_${name}(${params}) {\n'use strict';\n${body.join('\n')}\n};`)() as F;

  const rows = Array.from({ length: MR }, (_, r) => r), cols = Array.from({ length: NR }, (_, c) => c);
  const c = (r: number, j: number) => `c${r}_${j}`;
  const micro = compile<Micro>('micro', 'kc, Ap, pa, Bp, pb, C, pc, ldc', [
    `let ${rows.flatMap((r) => cols.map((j) => `${c(r, j)} = 0`)).join(', ')};`,
    'for (let k = 0; k < kc; k++) {',
    `  const ${rows.map((r) => `a${r} = Ap[pa + ${r}]`).join(', ')};`,
    `  const ${cols.map((j) => `b${j} = Bp[pb + ${j}]`).join(', ')};`,
    ...rows.flatMap((r) => cols.map((j) => `  ${c(r, j)} = ${madd(c(r, j), `a${r}`, `b${j}`)};`)),
    `  pa += ${MR}; pb += ${NR};`,
    '}',
    ...rows.flatMap((r) => [
      `{ const row = pc + ${r} * ldc;`,
      ...cols.map((j) => `  C[row + ${j}] = ${add(`C[row + ${j}]`, c(r, j))};`),
      '}',
    ]),
  ]);
  // Matrix–vector products (M = 1 or N = 1): no reuse to gain from packing, so two plain loops,
  // picked by which matrix stride is unit: a dot product per row, or an axpy per column.
  const gemvDot = compile<Gemv>('gemv_dot', 'R, K, Mat, mOff, sR, sK, Vec, vOff, sV, C, cOff', [
    'for (let r = 0; r < R; r++) {',
    '  let acc = 0, pm = mOff + r * sR, pv = vOff;',
    `  for (let k = 0; k < K; k++) { acc = ${madd('acc', 'Mat[pm]', 'Vec[pv]')}; pm += sK; pv += sV; }`,
    `  C[cOff + r] = ${add('C[cOff + r]', 'acc')};`,
    '}',
  ]);
  const gemvAxpy = compile<Gemv>('gemv_axpy', 'R, K, Mat, mOff, sR, sK, Vec, vOff, sV, C, cOff', [
    'for (let k = 0; k < K; k++) {',
    '  const v = Vec[vOff + k * sV], pm = mOff + k * sK;',
    `  for (let r = 0; r < R; r++) C[cOff + r] = ${madd('C[cOff + r]', 'Mat[pm + r * sR]', 'v')};`,
    '}',
  ]);
  return { micro, gemvDot, gemvAxpy, alloc };
}

const FLOAT = makeFlavour('float', 'float64', (n) => new Float64Array(n));
const INT = makeFlavour('int', 'int32', (n) => new Int32Array(n));

/** Packs rows [0, mc) × depth [0, kc) of A into MR-row panels, k-major inside a panel; short panels are zero-filled. */
function packA(Ap: Scratch, A: TypedArray, off: number, sAm: number, sAk: number, mc: number, kc: number): void {
  let p = 0;
  for (let i0 = 0; i0 < mc; i0 += MR) {
    const mr = Math.min(MR, mc - i0);
    for (let k = 0; k < kc; k++) {
      const src = off + i0 * sAm + k * sAk;
      let r = 0;
      for (; r < mr; r++) Ap[p++] = A[src + r * sAm]!;
      for (; r < MR; r++) Ap[p++] = 0;
    }
  }
}

/** Packs depth [0, kc) × columns [0, nc) of B into NR-column panels, k-major inside a panel. */
function packB(Bp: Scratch, B: TypedArray, off: number, sBk: number, sBn: number, kc: number, nc: number): void {
  let p = 0;
  for (let j0 = 0; j0 < nc; j0 += NR) {
    const nr = Math.min(NR, nc - j0);
    for (let k = 0; k < kc; k++) {
      const src = off + k * sBk + j0 * sBn;
      let c = 0;
      for (; c < nr; c++) Bp[p++] = B[src + c * sBn]!;
      for (; c < NR; c++) Bp[p++] = 0;
    }
  }
}

/**
 * C[cOff + m·N + n] += Σ_k A[aOff + m·sAm + k·sAk] · B[bOff + k·sBk + n·sBn] for m < M, n < N.
 * C is the accumulator (float64 for floats, int32 for ints), row-major with leading dimension N.
 */
function gemm(
  f: Flavour, M: number, N: number, K: number,
  A: TypedArray, aOff: number, sAm: number, sAk: number,
  B: TypedArray, bOff: number, sBk: number, sBn: number,
  C: Scratch, cOff: number,
): void {
  if (M === 0 || N === 0 || K === 0) return;
  // A·v walks the rows of A; u·B walks the columns of B, i.e. the rows of Bᵀ.
  if (N === 1) return (sAm === 1 && sAk !== 1 ? f.gemvAxpy : f.gemvDot)(M, K, A, aOff, sAm, sAk, B, bOff, sBk, C, cOff);
  if (M === 1) return (sBn === 1 && sBk !== 1 ? f.gemvAxpy : f.gemvDot)(N, K, B, bOff, sBn, sBk, A, aOff, sAk, C, cOff);
  const s = (f.scratch ??= { Ap: f.alloc(MC * KC), Bp: f.alloc(KC * NC), Ct: f.alloc(MR * NR) });
  const { Ap, Bp, Ct } = s;
  const micro = f.micro;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = Math.min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = Math.min(KC, K - pc);
      packB(Bp, B, bOff + pc * sBk + jc * sBn, sBk, sBn, kc, nc);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = Math.min(MC, M - ic);
        packA(Ap, A, aOff + ic * sAm + pc * sAk, sAm, sAk, mc, kc);
        for (let j0 = 0; j0 < nc; j0 += NR) {
          const nr = Math.min(NR, nc - j0), pb = j0 * kc;
          for (let i0 = 0; i0 < mc; i0 += MR) {
            const mr = Math.min(MR, mc - i0), pa = i0 * kc;
            const c0 = cOff + (ic + i0) * N + jc + j0;
            if (mr === MR && nr === NR) {
              micro(kc, Ap, pa, Bp, pb, C, c0, N);
            } else {
              // An edge tile: compute the full tile (the panels are zero-padded) into Ct, keep what fits.
              Ct.fill(0);
              micro(kc, Ap, pa, Bp, pb, Ct, 0, NR);
              for (let r = 0; r < mr; r++) {
                for (let c = 0; c < nr; c++) C[c0 + r * N + c] = C[c0 + r * N + c]! + Ct[r * NR + c]!;
              }
            }
          }
        }
      }
    }
  }
}

/**
 * The one stride that steps through a group of axes as one flattened index, if there is one: the
 * axes (in the given order, size-1 axes ignored) must be nested like row-major ones. Null when the
 * group is not a single strided run (say, the free axes of an operand split by a contracting one).
 */
function groupStride(shape: Shape, strides: readonly number[], axes: readonly number[]): number | null {
  const live = axes.filter((a) => shape[a] !== 1);
  for (let i = 0; i + 1 < live.length; i++) {
    if (strides[live[i]!] !== strides[live[i + 1]!]! * shape[live[i + 1]!]!) return null;
  }
  return live.length ? strides[live[live.length - 1]!]! : 0;
}

/**
 * An operand as three strided index groups (batch, rows, depth) without copying it. Only when some
 * group is not one strided run is the operand transposed into group order (which makes every group
 * contiguous); the common layouts, including all transposed 2-d and batched ones, never copy.
 */
function viewAs3d(x: TypedArray, aval: ShapedArray, groups: readonly (readonly number[])[]): { data: TypedArray; strides: number[] } {
  const strides = stridesOf(aval.shape);
  const direct = groups.map((g) => groupStride(aval.shape, strides, g));
  if (direct.every((s): s is number => s !== null)) return { data: x, strides: direct };
  const perm = groups.flat();
  const data = transposeTyped(x, aval.shape, perm, allocTyped(aval.dtype, aval.size));
  const tShape = perm.map((p) => aval.shape[p]!), tStrides = stridesOf(tShape);
  // After the transpose, group g is the run of axes [start, start + g.length).
  let start = 0;
  return {
    data,
    strides: groups.map((g) => {
      const axes = g.map((_, i) => start + i);
      start += g.length;
      return groupStride(tShape, tStrides, axes)!;
    }),
  };
}

const freeAxes = (ndim: number, contracting: readonly number[], batch: readonly number[]): number[] =>
  Array.from({ length: ndim }, (_, i) => i).filter((i) => !contracting.includes(i) && !batch.includes(i));
const prod = (shape: Shape, axes: readonly number[]): number => axes.reduce((a, i) => a * shape[i]!, 1);

/** out[b, m, n] = a[b, m] · c[b, n]; `+ 0` gives a sum's +0 where the product is −0. One copy per array type keeps each loop monomorphic. */
function outer(nb: number, M: number, N: number, a: Float32Array | Float64Array, sAb: number, sAm: number, c: Float32Array | Float64Array, sCb: number, sCn: number, out: Float32Array | Float64Array): void {
  if (a instanceof Float32Array && c instanceof Float32Array && out instanceof Float32Array) return outer32(nb, M, N, a, sAb, sAm, c, sCb, sCn, out);
  for (let b = 0; b < nb; b++) {
    for (let m = 0; m < M; m++) {
      const av = a[b * sAb + m * sAm]!, o = (b * M + m) * N, c0 = b * sCb;
      for (let n = 0; n < N; n++) out[o + n] = av * c[c0 + n * sCn]! + 0;
    }
  }
}
function outer32(nb: number, M: number, N: number, a: Float32Array, sAb: number, sAm: number, c: Float32Array, sCb: number, sCn: number, out: Float32Array): void {
  for (let b = 0; b < nb; b++) {
    for (let m = 0; m < M; m++) {
      const av = a[b * sAb + m * sAm]!, o = (b * M + m) * N, c0 = b * sCb;
      if (sCn === 1) for (let n = 0; n < N; n++) out[o + n] = av * c[c0 + n]! + 0;
      else for (let n = 0; n < N; n++) out[o + n] = av * c[c0 + n * sCn]! + 0;
    }
  }
}

/**
 * out[b, m, n] = Σ_k lhs[b, m, k] · rhs[b, k, n], where b, m, k, n are the flattened batch, lhs-free,
 * contracting and rhs-free indices: the output is [batch..., lhs free..., rhs free...] (as in XLA).
 */
export const dotGeneral: CpuKernel<'dot_general'> = ([l, r], { dimensionNumbers }, [la, ra], [oa]) => {
  const { contracting: [lc, rc], batch: [lb, rb] } = dimensionNumbers;
  const lf = freeAxes(la!.ndim, lc, lb), rf = freeAxes(ra!.ndim, rc, rb);
  const lhs = viewAs3d(l!, la!, [lb, lf, lc]);
  const rhs = viewAs3d(r!, ra!, [rb, rc, rf]);
  const nb = prod(la!.shape, lb), M = prod(la!.shape, lf), K = prod(la!.shape, lc), N = prod(ra!.shape, rf);
  const dtype = oa!.dtype;
  const out = allocTyped(dtype, oa!.size);
  const [lsB, lsM, lsK] = lhs.strides as [number, number, number];
  const [rsB, rsK, rsN] = rhs.strides as [number, number, number];
  // An outer product (K = 1: per-example weight gradients under vmap are batches of them) is one
  // multiply per output: no packing, no accumulator.
  if (K === 1 && (out instanceof Float32Array || out instanceof Float64Array)) {
    outer(nb, M, N, lhs.data as Float32Array | Float64Array, lsB, lsM, rhs.data as Float32Array | Float64Array, rsB, rsN, out);
    return [out];
  }
  // float32 products go to the WASM SIMD kernel (its own packing makes transposed operands as fast
  // as plain ones); matrix·vector shapes and tiny products stay here, where it would mostly pad.
  if (out instanceof Float32Array && wasmSgemmAvailable && M > 1 && N > 1 && M * N * K >= WASM_MIN_FLOPS) {
    const a = lhs.data as Float32Array, bm = rhs.data as Float32Array;
    for (let b = 0; b < nb; b++) sgemm(M, N, K, a, b * lsB, lsM, lsK, bm, b * rsB, rsK, rsN, out, b * M * N);
    return [out];
  }
  const f = dtype === 'int32' || dtype === 'uint32' ? INT : FLOAT;
  // The accumulator: the output itself where its type is the accumulator's (uint32 is viewed as
  // int32: the same bits), else a float64 array rounded into the float32 output at the end.
  const acc: Scratch =
    out instanceof Float64Array || out instanceof Int32Array ? out
    : out instanceof Uint32Array ? new Int32Array(out.buffer, out.byteOffset, out.length)
    : new Float64Array(out.length);
  for (let b = 0; b < nb; b++) gemm(f, M, N, K, lhs.data, b * lsB, lsM, lsK, rhs.data, b * rsB, rsK, rsN, acc, b * M * N);
  if (out instanceof Float32Array) out.set(acc);
  return [out];
};
