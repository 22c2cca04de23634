// The sgemm's WebAssembly module, emitted at run time: the MR×NR micro-kernel, the cache-blocking
// loops around it and the packing routines (the JS driver that runs it is sgemm.ts).
//
// Why 4×8. On x64, V8 gives WASM 15 usable xmm registers (xmm15 is its scratch). Per step of k the
// kernel holds MR·NR/4 accumulators, NR/4 vectors of B, MR broadcasts of A (TurboFan's scheduler
// hoists all loads of a step ahead of the arithmetic) and one product temporary: 8 + 2 + 4 + 1 = 15
// for 4×8. Larger tiles (6×8, 4×12) spill and measured ~40% slower; 4×8 runs at about the 128-bit
// mul+add peak of a Zen 5 core (2 f32x4 multiplies + 2 adds per cycle: 16 flops/cycle, ~50–55
// GFLOP/s). The k loop is not unrolled in the emitted code: TurboFan unrolls it itself, and a
// manual unroll made it schedule every load of the unrolled steps first and spill.
//
// Block sizes: KC = 256 keeps a B sliver (KC·NR·4 = 8 KiB) and an A micro-panel (4 KiB) in the
// 48 KiB L1; MC = 128 makes the A block 128 KiB of the 1 MiB L2; NC = 1024 makes the B panel 1 MiB,
// streamed from L2/L3 once per A block. The kernel is compute-bound here: KC 128–512, MC 64–256 and
// NC 512–4096 all measured within noise (±3%) of each other at 1024 and 2048.
//
// Multiply-add: baseline WASM SIMD has no FMA, so the kernel does f32x4.mul then f32x4.add. Where
// the engine validates relaxed-simd's f32x4.relaxed_madd (Node 22+; Node 20 only behind
// --experimental-wasm-relaxed-simd), the kernel uses it instead: on cores whose adds and multiplies
// share ports (Intel) an FMA doubles the peak; on Zen 5, with separate add pipes, it measured the
// same (±5%). It rounds once instead of twice, so results can differ in the last bit between the two.
import { Code, encodeModule, Func, I32, V128 } from './encoder.js';

/** Micro-tile: rows of A, columns of B (a multiple of 4: one f32x4 per 4 columns). */
export const MR = 4, NR = 8;
/** Cache blocks: KC in k, MC in rows (a multiple of MR), NC in columns (a multiple of NR). */
export const KC = 256, MC = 128, NC = 1024;
export const MC_TILES = MC / MR, NC_TILES = NC / NR;

/** The memory is created with this maximum (1 GiB): a shared memory must declare one up front. */
export const MAX_PAGES = 16384;


/** `if (i < limit) do { body; i += step } while (i < limit)`, unsigned; `limit` is a local. */
function forUp(c: Code, i: number, limit: number, step: number, body: () => void): void {
  c.block().localGet(i).localGet(limit).i32GeU().brIf(0).loop();
  body();
  c.localGet(i).i32Const(step).i32Add().localTee(i).localGet(limit).i32LtU().brIf(0);
  c.end().end();
}

/**
 * Function 0, `block(ap, bp, c, mTiles, nTiles, kc, ldc, accumulate)`: all tiles of an MC×NC block
 * for one KC slice. For each NR-sliver (jr) and each MR-panel (ir):
 *   acc[r][v] = Σ_kk splat(Ap[kk·MR + r]) · Bp[kk·NR + 4v .. +4]
 * then C tile = acc (first KC slice) or C tile + acc (later slices). Byte addresses; ldc in bytes.
 * `madd` uses relaxed-simd's f32x4.relaxed_madd (a fused multiply-add where the CPU has one).
 */
function blockKernel(madd: boolean): Func {
  const f = new Func([I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [ap, bp, cBase, mTiles, nTiles, kc, ldc, accumulate, lastCols] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => f.param(i)) as
    [number, number, number, number, number, number, number, number, number];
  const jr = f.local(I32), ir = f.local(I32), pa = f.local(I32), pb = f.local(I32), pEnd = f.local(I32);
  const cTile = f.local(I32), bSliver = f.local(I32), cCol = f.local(I32), aPanel = f.local(I32);
  const NV = NR / 4;
  const acc: number[][] = [];
  for (let r = 0; r < MR; r++) acc.push(Array.from({ length: NV }, () => f.local(V128)));
  const bv = Array.from({ length: NV }, () => f.local(V128));
  const av = f.local(V128);
  const c = f.code;
  const accAt = (r: number, v: number): number => acc[r]![v]!;

  c.localGet(bp).localSet(bSliver).localGet(cBase).localSet(cCol);
  c.i32Const(0).localSet(jr);
  forUp(c, jr, nTiles, 1, () => {
    c.localGet(ap).localSet(aPanel).localGet(cCol).localSet(cTile);
    c.i32Const(0).localSet(ir);
    forUp(c, ir, mTiles, 1, () => {
      for (let r = 0; r < MR; r++) for (let v = 0; v < NV; v++) c.v128Zero().localSet(accAt(r, v));
      c.localGet(aPanel).localSet(pa);
      c.localGet(bSliver).localSet(pb);
      c.localGet(bSliver).localGet(kc).i32Const(NR * 4).i32Mul().i32Add().localSet(pEnd);
      // The k loop: one rank-1 update of the tile per step; pb walks the sliver, pa the panel.
      forUp(c, pb, pEnd, NR * 4, () => {
        for (let v = 0; v < NV; v++) c.localGet(pb).v128Load(16 * v).localSet(bv[v]!);
        for (let r = 0; r < MR; r++) {
          c.localGet(pa).v128Load32Splat(4 * r).localSet(av);
          for (let v = 0; v < NV; v++) {
            if (madd) c.localGet(av).localGet(bv[v]!).localGet(accAt(r, v)).f32x4RelaxedMadd();
            else c.localGet(accAt(r, v)).localGet(av).localGet(bv[v]!).f32x4Mul().f32x4Add();
            c.localSet(accAt(r, v));
          }
        }
        c.localGet(pa).i32Const(MR * 4).i32Add().localSet(pa);
      });
      // Write the tile back: row r of the tile is at cTile + r·ldc; cTile ends on the next tile.
      // C is the caller's m×n matrix itself (row stride ldc = n), so the block's last sliver,
      // when it has lastCols < NR valid columns, is stored lane by lane: a whole vector would run
      // into the next row.
      const writeBack = (add: boolean, partial: boolean): void => {
        for (let r = 0; r < MR; r++) {
          for (let v = 0; v < NV; v++) {
            if (!partial) {
              c.localGet(cTile);
              if (add) c.localGet(cTile).v128Load(16 * v).localGet(accAt(r, v)).f32x4Add();
              else c.localGet(accAt(r, v));
              c.v128Store(16 * v);
              continue;
            }
            for (let l = 0; l < 4; l++) {
              c.localGet(lastCols).i32Const(4 * v + l).i32GtS().if();
              c.localGet(cTile);
              if (add) c.localGet(cTile).f32Load(16 * v + 4 * l).localGet(accAt(r, v)).f32x4ExtractLane(l).f32Add();
              else c.localGet(accAt(r, v)).f32x4ExtractLane(l);
              c.f32Store(16 * v + 4 * l);
              c.end();
            }
          }
          c.localGet(cTile).localGet(ldc).i32Add().localSet(cTile);
        }
      };
      const partial = f.local(I32);
      c.localGet(jr).i32Const(1).i32Add().localGet(nTiles).i32Eq().localGet(lastCols).i32Const(NR).i32LtU().i32And().localSet(partial);
      const byPartial = (add: boolean): void => {
        c.localGet(partial).if();
        writeBack(add, true);
        c.else();
        writeBack(add, false);
        c.end();
      };
      c.localGet(accumulate).if();
      byPartial(true);
      c.else();
      byPartial(false);
      c.end();
      c.localGet(aPanel).localGet(kc).i32Const(MR * 4).i32Mul().i32Add().localSet(aPanel);
    });
    c.localGet(bSliver).localGet(kc).i32Const(NR * 4).i32Mul().i32Add().localSet(bSliver);
    c.localGet(cCol).i32Const(NR * 4).i32Add().localSet(cCol);
  });
  return f;
}

/**
 * Function 1, `gemm(ap, bp, c, p0, p1, q0, q1, k, mPad, nPad, n)`: the tiles [p0, p1) × [q0, q1) of C
 * (tile units: MR rows, NR columns), over all of k, from fully packed operands. The packed A for
 * k-slice pc starts at ap + pc·mPad floats (earlier slices hold mPad·pc floats) and its panel p at
 * + p·kc·MR; likewise B's slice at bp + pc·nPad, sliver q at + q·kc·NR. C is mPad×n with row stride
 * n (its rows past m are scratch); the last sliver's columns past n are not stored.
 */
function gemmLoops(): Func {
  const f = new Func([I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32], [], 'gemm');
  const [ap, bp, cBase, p0, p1, q0, q1, k, mPad, nPad, n] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => f.param(i)) as
    [number, number, number, number, number, number, number, number, number, number, number];
  const jc = f.local(I32), pc = f.local(I32), ic = f.local(I32), kc = f.local(I32), nt = f.local(I32), lastCols = f.local(I32);
  const c = f.code;
  /** min(hi - lo, cap) onto the stack. */
  const clampedRest = (hi: number, lo: number, cap: number): void => {
    c.localGet(hi).localGet(lo).i32Sub().i32Const(cap);
    c.localGet(hi).localGet(lo).i32Sub().i32Const(cap).i32LtU().select();
  };
  c.localGet(q0).localSet(jc);
  forUp(c, jc, q1, NC_TILES, () => {
    clampedRest(q1, jc, NC_TILES); c.localSet(nt);
    // Valid columns of this block's last sliver: n − (jc + nt − 1)·NR, at most NR.
    c.localGet(n).localGet(jc).localGet(nt).i32Add().i32Const(1).i32Sub().i32Const(NR).i32Mul().i32Sub().localSet(lastCols);
    c.i32Const(NR).localGet(lastCols).localGet(lastCols).i32Const(NR).i32GtS().select().localSet(lastCols);
    c.i32Const(0).localSet(pc);
    forUp(c, pc, k, KC, () => {
      clampedRest(k, pc, KC); c.localSet(kc);
      c.localGet(p0).localSet(ic);
      forUp(c, ic, p1, MC_TILES, () => {
        c.localGet(ap).localGet(pc).localGet(mPad).i32Mul().localGet(ic).localGet(kc).i32Mul().i32Const(MR).i32Mul()
          .i32Add().i32Const(4).i32Mul().i32Add();
        c.localGet(bp).localGet(pc).localGet(nPad).i32Mul().localGet(jc).localGet(kc).i32Mul().i32Const(NR).i32Mul()
          .i32Add().i32Const(4).i32Mul().i32Add();
        c.localGet(cBase).localGet(ic).i32Const(MR).i32Mul().localGet(n).i32Mul().localGet(jc).i32Const(NR).i32Mul()
          .i32Add().i32Const(4).i32Mul().i32Add();
        clampedRest(p1, ic, MC_TILES);
        c.localGet(nt).localGet(kc).localGet(n).i32Const(4).i32Mul().localGet(pc).i32Const(0).i32Ne().localGet(lastCols);
        c.call(0);
      });
    });
  });
  return f;
}

/**
 * `pack(src, os, ks, count, k, t0, t1, dst, pad)` for panel width W (MR for A, NR for B): copies
 * panels t ∈ [t0, t1) of a strided matrix X(o, kk) = src[o·os + kk·ks] (byte strides, any sign)
 * into packed order: slice pc, panel t, element (kk, w) at dst + 4·(pc·pad + t·kc·W + kk·W + w),
 * with rows o ≥ count filled with zeros (they only reach padding of C, which is never copied out,
 * but stale memory could hold subnormals, which are slow on x86, or NaNs). Two SIMD fast paths cover the usual layouts: os = 4
 * (the W values of one kk are adjacent: copy W/4 vectors) and ks = 4 (each row is contiguous in
 * k: load 4×4 blocks and transpose them with shuffles). Anything else, and the last partial panel,
 * goes element by element.
 */
function packPanels(W: number, exportName: string): Func {
  const f = new Func([I32, I32, I32, I32, I32, I32, I32, I32, I32], [], exportName);
  const [src, os, ks, count, k, t0, t1, dst, pad] = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => f.param(i)) as
    [number, number, number, number, number, number, number, number, number];
  const pc = f.local(I32), kc = f.local(I32), t = f.local(I32), d = f.local(I32), s = f.local(I32);
  const valid = f.local(I32), kk = f.local(I32), sr = f.local(I32), end = f.local(I32);
  const v = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)] as const;
  const u = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)] as const;
  const c = f.code;
  c.i32Const(0).localSet(pc);
  forUp(c, pc, k, KC, () => {
    c.localGet(k).localGet(pc).i32Sub().i32Const(KC);
    c.localGet(k).localGet(pc).i32Sub().i32Const(KC).i32LtU().select().localSet(kc);
    c.localGet(t0).localSet(t);
    forUp(c, t, t1, 1, () => {
      c.localGet(dst).localGet(pc).localGet(pad).i32Mul().localGet(t).localGet(kc).i32Mul().i32Const(W).i32Mul()
        .i32Add().i32Const(4).i32Mul().i32Add().localSet(d);
      c.localGet(src).localGet(t).i32Const(W).i32Mul().localGet(os).i32Mul().i32Add()
        .localGet(pc).localGet(ks).i32Mul().i32Add().localSet(s);
      c.localGet(count).localGet(t).i32Const(W).i32Mul().i32Sub().localSet(valid);
      c.i32Const(0).localSet(kk);
      c.localGet(valid).i32Const(W).i32GeS().if();
      {
        c.localGet(os).i32Const(4).i32Eq().if();
        {
          // Outer index contiguous: each kk is W adjacent floats, copied as W/4 vectors.
          c.localGet(kc).localSet(kk);
          c.localGet(d).localGet(kc).i32Const(W * 4).i32Mul().i32Add().localSet(end);
          forUp(c, d, end, W * 4, () => {
            for (let g = 0; g < W / 4; g++) c.localGet(d).localGet(s).v128Load(16 * g).v128Store(16 * g);
            c.localGet(s).localGet(ks).i32Add().localSet(s);
          });
        }
        c.else();
        c.localGet(ks).i32Const(4).i32Eq().if();
        {
          // k contiguous: for 4 rows × 4 k at a time, load the rows and transpose:
          //   u0 = [a0 b0 a1 b1], u1 = [c0 d0 c1 d1], u2 = [a2 b2 a3 b3], u3 = [c2 d2 c3 d3]
          //   kk+0 → [a0 b0 c0 d0] = (u0.lo, u1.lo), kk+1 → (u0.hi, u1.hi), kk+2, kk+3 from u2, u3.
          c.localGet(kc).i32Const(-4).i32And().localSet(kk);
          c.localGet(d).localGet(kk).i32Const(W * 4).i32Mul().i32Add().localSet(end);
          forUp(c, d, end, 4 * W * 4, () => {
            c.localGet(s).localSet(sr);
            for (let g = 0; g < W / 4; g++) {
              for (let r = 0; r < 4; r++) {
                c.localGet(sr).v128Load().localSet(v[r]!);
                c.localGet(sr).localGet(os).i32Add().localSet(sr);
              }
              c.localGet(v[0]).localGet(v[1]).f32x4Shuffle(0, 4, 1, 5).localSet(u[0]);
              c.localGet(v[2]).localGet(v[3]).f32x4Shuffle(0, 4, 1, 5).localSet(u[1]);
              c.localGet(v[0]).localGet(v[1]).f32x4Shuffle(2, 6, 3, 7).localSet(u[2]);
              c.localGet(v[2]).localGet(v[3]).f32x4Shuffle(2, 6, 3, 7).localSet(u[3]);
              c.localGet(d).localGet(u[0]).localGet(u[1]).f32x4Shuffle(0, 1, 4, 5).v128Store(4 * (0 * W + 4 * g));
              c.localGet(d).localGet(u[0]).localGet(u[1]).f32x4Shuffle(2, 3, 6, 7).v128Store(4 * (1 * W + 4 * g));
              c.localGet(d).localGet(u[2]).localGet(u[3]).f32x4Shuffle(0, 1, 4, 5).v128Store(4 * (2 * W + 4 * g));
              c.localGet(d).localGet(u[2]).localGet(u[3]).f32x4Shuffle(2, 3, 6, 7).v128Store(4 * (3 * W + 4 * g));
            }
            c.localGet(s).i32Const(16).i32Add().localSet(s);
          });
        }
        c.end();
        c.end();
      }
      c.end();
      // Element by element for kk ∈ [kk, kc): whatever the fast paths left, zeros past `count`.
      forUp(c, kk, kc, 1, () => {
        c.localGet(s).localSet(sr);
        for (let w = 0; w < W; w++) {
          c.localGet(valid).i32Const(w).i32GtS().if();
          c.localGet(d).localGet(sr).f32Load().f32Store(4 * w);
          c.else();
          c.localGet(d).f32Const(0).f32Store(4 * w);
          c.end();
          if (w < W - 1) c.localGet(sr).localGet(os).i32Add().localSet(sr);
        }
        c.localGet(d).i32Const(W * 4).i32Add().localSet(d);
        c.localGet(s).localGet(ks).i32Add().localSet(s);
      });
    });
  });
  return f;
}

/** The whole module: block kernel (0), gemm loops (1), packA (2), packB (3). */
export function moduleBytes(shared: boolean, madd: boolean): Uint8Array<ArrayBuffer> {
  return encodeModule(
    { module: 'env', field: 'memory', minPages: 1, maxPages: MAX_PAGES, shared },
    [blockKernel(madd), gemmLoops(), packPanels(MR, 'packA'), packPanels(NR, 'packB')],
  );
}
