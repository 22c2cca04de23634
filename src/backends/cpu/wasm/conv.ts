// The direct convolution (../conv-direct.ts) in WebAssembly SIMD, for float32 layers whose lhs
// rows and output planes are contiguous (NCHW-like): for each (n, o, i, kh, oh) and kernel column
// kw, out[n, o, oh, ow..ow+3] += w[o, i, kh, kw] · x[n, i, ih, ow + kw·dw − pw ..], four output
// columns per f32x4 multiply-add, the few columns left at a row's end one at a time. One module
// per signature, every size and stride baked in, the valid column range of each kw precomputed
// (so no bounds checks inside a row). The operands are staged through the memory sgemm and the
// elementwise loops use (loopHost); the result accumulates in float32 directly in the staged
// output plane.
import { ShapedArray } from '../../../core/aval.js';
import { stridesOf } from '../../../core/shape.js';
import type { ConvParams } from '../../../core/primitives.js';
import { Code, encodeModule, Func, I32, V128 } from './encoder.js';
import { loopHost } from './sgemm.js';
import { MAX_PAGES } from './sgemm-module.js'; // the one memory sgemm.ts creates, so the same maximum

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

interface Layout {
  readonly Nout: number; readonly G: number; readonly Og: number; readonly I: number; readonly fg: number; readonly bg: number;
  readonly H: number; readonly W: number; readonly KH: number; readonly KW: number; readonly OH: number; readonly OW: number;
  readonly sh: number; readonly dh: number; readonly ph: number; readonly dw: number; readonly pw: number;
  readonly xsN: number; readonly xsC: number; readonly xsH: number; readonly wsO: number; readonly wsI: number; readonly wsH: number; readonly wsW: number;
  readonly ysN: number; readonly ysO: number;
}

/** The layout, when this kernel applies: float32, 1-d or 2-d, unit column stride and column step, contiguous output planes. */
function layoutOf(p: ConvParams, la: ShapedArray, ra: ShapedArray, oa: ShapedArray): Layout | null {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2;
  if (la.dtype !== 'float32' || (d !== 1 && d !== 2) || p.lhsDilation.some((v) => v !== 1)) return null;
  const xs = stridesOf(la.shape), ws = stridesOf(ra.shape), ys = stridesOf(oa.shape);
  const last = 1 + d;
  if (xs[ls[last]!] !== 1 || ys[os[last]!] !== 1 || p.windowStrides[d - 1] !== 1) return null;
  const OW = oa.shape[os[last]!]!, OH = d === 2 ? oa.shape[os[2]!]! : 1;
  if (d === 2 && ys[os[2]!] !== OW) return null;
  const fg = p.featureGroupCount, bg = p.batchGroupCount, O = ra.shape[rs[0]!]!;
  return {
    Nout: oa.shape[os[0]!]!, G: fg * bg, Og: O / (fg * bg), I: ra.shape[rs[1]!]!, fg, bg,
    H: d === 2 ? la.shape[ls[2]!]! : 1, W: la.shape[ls[last]!]!, KH: d === 2 ? ra.shape[rs[2]!]! : 1, KW: ra.shape[rs[last]!]!, OH, OW,
    sh: d === 2 ? p.windowStrides[0]! : 1, dh: d === 2 ? p.rhsDilation[0]! : 1, ph: d === 2 ? p.padding[0]![0] : 0,
    dw: p.rhsDilation[d - 1]!, pw: p.padding[d - 1]![0],
    xsN: xs[ls[0]!]!, xsC: xs[ls[1]!]!, xsH: d === 2 ? xs[ls[2]!]! : 0,
    wsO: ws[rs[0]!]!, wsI: ws[rs[1]!]!, wsH: d === 2 ? ws[rs[2]!]! : 0, wsW: ws[rs[last]!]!,
    ysN: ys[os[0]!]!, ysO: ys[os[1]!]!,
  };
}

/** `for (i = start; i < end; i++) body` (end > start), with the body inside a block so `br(0)` there continues. */
function forRange(c: Code, i: number, start: number, end: number, body: () => void): void {
  c.i32Const(start).localSet(i).loop().block();
  body();
  c.end().localGet(i).i32Const(1).i32Add().localTee(i).i32Const(end).i32LtU().brIf(0).end();
}

/** yb = Y + 4·(n·ysN + (g·Og + og)·ysO): the byte address of output plane (n, g·Og + og). */
function planePointer(c: Code, L: Layout, Y: number, n: number, g: number, og: number, yb: number): void {
  c.localGet(Y).localGet(n).i32Const(4 * L.ysN).i32Mul().i32Add()
    .localGet(g).i32Const(L.Og).i32Mul().localGet(og).i32Add().i32Const(4 * L.ysO).i32Mul().i32Add().localSet(yb);
}

/** xb = X + 4·((n + g·Nout·[bg>1])·xsN + (g·I·[fg>1] + i)·xsC); wb = W + 4·((g·Og + og)·wsO + i·wsI). */
function operandPointers(c: Code, L: Layout, [X, Wp, n, g, og, i]: readonly [number, number, number, number, number, number], xb: number, wb: number): void {
  c.localGet(X).localGet(n);
  if (L.bg > 1) c.localGet(g).i32Const(L.Nout).i32Mul().i32Add();
  c.i32Const(4 * L.xsN).i32Mul().i32Add();
  if (L.fg > 1) c.localGet(g).i32Const(L.I).i32Mul().localGet(i).i32Add();
  else c.localGet(i);
  c.i32Const(4 * L.xsC).i32Mul().i32Add().localSet(xb);
  c.localGet(Wp).localGet(g).i32Const(L.Og).i32Mul().localGet(og).i32Add().i32Const(4 * L.wsO).i32Mul().i32Add()
    .localGet(i).i32Const(4 * L.wsI).i32Mul().i32Add().localSet(wb);
}

/**
 * For output row oh and kernel row kh: ih = oh·sh + kh·dh − ph, leaving the enclosing block when
 * the row is outside the lhs (negative ones too, read unsigned); xr = xb + 4·ih·xsH, the lhs row;
 * ar = yb + 4·oh·OW, the output row.
 */
function rowPointers(c: Code, L: Layout, [oh, kh, ih, xb, yb]: readonly [number, number, number, number, number], xr: number, ar: number): void {
  c.localGet(oh).i32Const(L.sh).i32Mul().localGet(kh).i32Const(L.dh).i32Mul().i32Add().i32Const(L.ph).i32Sub().localTee(ih)
    .i32Const(L.H).i32GeU().brIf(0);
  c.localGet(xb).localGet(ih).i32Const(4 * L.xsH).i32Mul().i32Add().localSet(xr);
  c.localGet(yb).localGet(oh).i32Const(4 * L.OW).i32Mul().i32Add().localSet(ar);
}

/** The kernel (params: x, w, y byte addresses). */
function convFunction(L: Layout): Func {
  const f = new Func([I32, I32, I32], [], 'conv');
  const [X, Wp, Y] = [0, 1, 2];
  const c = f.code;
  const loc = () => f.local(I32);
  const n = loc(), g = loc(), og = loc(), i = loc(), kh = loc(), oh = loc(), yb = loc(), xb = loc(), wb = loc();
  const ih = loc(), xr = loc(), ar = loc(), pa = loc(), px = loc(), end = loc();
  const wv = f.local(V128);
  const plane = L.OH * L.OW;
  forRange(c, n, 0, L.Nout, () => forRange(c, g, 0, L.G, () => forRange(c, og, 0, L.Og, () => {
    // Zero the plane.
    planePointer(c, L, Y, n, g, og, yb);
    if (plane >= 4) {
      c.localGet(yb).localSet(pa).localGet(yb).i32Const(4 * (plane - (plane % 4))).i32Add().localSet(end);
      c.loop().localGet(pa).v128Zero().v128Store().localGet(pa).i32Const(16).i32Add().localTee(pa).localGet(end).i32LtU().brIf(0).end();
    }
    for (let t = plane - (plane % 4); t < plane; t++) c.localGet(yb).f32Const(0).f32Store(4 * t);
    forRange(c, i, 0, L.I, () => {
      operandPointers(c, L, [X, Wp, n, g, og, i], xb, wb);
      forRange(c, kh, 0, L.KH, () => forRange(c, oh, 0, L.OH, () => {
        rowPointers(c, L, [oh, kh, ih, xb, yb], xr, ar);
        for (let kw = 0; kw < L.KW; kw++) {
          const off = kw * L.dw - L.pw;
          const a = Math.max(0, -off), b = Math.min(L.OW, L.W - off);
          if (a >= b) continue;
          const vecEnd = a + 4 * Math.floor((b - a) / 4);
          c.localGet(wb).localGet(kh).i32Const(4 * L.wsH).i32Mul().i32Add().f32Load(4 * kw * L.wsW).f32x4Splat().localSet(wv);
          // Byte pointers into the output row and the lhs row at column a.
          c.localGet(ar).i32Const(4 * a).i32Add().localSet(pa);
          c.localGet(xr).i32Const(4 * (a + off)).i32Add().localSet(px);
          if (vecEnd > a) {
            c.localGet(ar).i32Const(4 * vecEnd).i32Add().localSet(end);
            c.loop();
            c.localGet(pa).localGet(pa).v128Load().localGet(wv).localGet(px).v128Load().f32x4Mul().f32x4Add().v128Store();
            c.localGet(px).i32Const(16).i32Add().localSet(px);
            c.localGet(pa).i32Const(16).i32Add().localTee(pa).localGet(end).i32LtU().brIf(0);
            c.end();
          }
          for (let t = 0; t < b - vecEnd; t++) {
            c.localGet(pa).localGet(pa).f32Load(4 * t)
              .localGet(wv).localGet(px).v128Load32Splat(4 * t).f32x4Mul().f32x4ExtractLane(0).f32Add().f32Store(4 * t);
          }
        }
      }));
    });
  })));
  return f;
}

/**
 * The weight-gradient shape (short output rows, long kernel rows): per output column a dot product
 * along the kernel row, four kernel columns per f32x4 multiply-add, summed across lanes at the end.
 * Needs unit column steps in the kernel and the window (wsW = dw = 1).
 */
function colsFunction(L: Layout): Func {
  const f = new Func([I32, I32, I32], [], 'conv');
  const [X, Wp, Y] = [0, 1, 2];
  const c = f.code;
  const loc = () => f.local(I32);
  const n = loc(), g = loc(), og = loc(), i = loc(), kh = loc(), oh = loc(), yb = loc(), xb = loc(), wb = loc();
  const ih = loc(), xr = loc(), wr = loc(), ar = loc(), pw_ = loc(), px = loc(), end = loc();
  const vacc = f.local(V128);
  const plane = L.OH * L.OW;
  forRange(c, n, 0, L.Nout, () => forRange(c, g, 0, L.G, () => forRange(c, og, 0, L.Og, () => {
    planePointer(c, L, Y, n, g, og, yb);
    for (let t = 0; t < plane; t++) c.localGet(yb).f32Const(0).f32Store(4 * t);
    forRange(c, i, 0, L.I, () => {
      operandPointers(c, L, [X, Wp, n, g, og, i], xb, wb);
      forRange(c, kh, 0, L.KH, () => forRange(c, oh, 0, L.OH, () => {
        rowPointers(c, L, [oh, kh, ih, xb, yb], xr, ar);
        c.localGet(wb).localGet(kh).i32Const(4 * L.wsH).i32Mul().i32Add().localSet(wr);
        for (let ow = 0; ow < L.OW; ow++) {
          // Input column ow + kw − pw must be in [0, W).
          const ka = Math.max(0, L.pw - ow), kb = Math.min(L.KW, L.W - ow + L.pw);
          if (ka >= kb) continue;
          const kv = ka + 4 * Math.floor((kb - ka) / 4);
          c.localGet(ar);
          c.localGet(ar).f32Load(4 * ow);
          if (kv > ka) {
            c.v128Zero().localSet(vacc);
            c.localGet(wr).i32Const(4 * ka).i32Add().localSet(pw_);
            c.localGet(xr).i32Const(4 * (ka + ow - L.pw)).i32Add().localSet(px);
            c.localGet(wr).i32Const(4 * kv).i32Add().localSet(end);
            c.loop();
            c.localGet(vacc).localGet(pw_).v128Load().localGet(px).v128Load().f32x4Mul().f32x4Add().localSet(vacc);
            c.localGet(px).i32Const(16).i32Add().localSet(px);
            c.localGet(pw_).i32Const(16).i32Add().localTee(pw_).localGet(end).i32LtU().brIf(0);
            c.end();
            for (let lane = 0; lane < 4; lane++) c.localGet(vacc).f32x4ExtractLane(lane).f32Add();
          }
          for (let kw = kv; kw < kb; kw++) {
            c.localGet(wr).v128Load32Splat(4 * kw).localGet(xr).v128Load32Splat(4 * (kw + ow - L.pw)).f32x4Mul().f32x4ExtractLane(0).f32Add();
          }
          c.f32Store(4 * ow);
        }
      }));
    });
  })));
  return f;
}

type ConvFn = (x: number, w: number, y: number) => void;
const FNS = new Map<string, ConvFn>();
let broken = false;

/**
 * The convolution through the WASM kernel into a fresh Float32Array, or null where it does not
 * apply (the caller then runs the JS kernel).
 */
export function wasmDirectConv(x: Float32Array, w: Float32Array, p: ConvParams, la: ShapedArray, ra: ShapedArray, oa: ShapedArray): Float32Array | null {
  if (broken || wasm === undefined) return null;
  const L = layoutOf(p, la, ra, oa);
  // Every loop of the kernel runs at least once (do-while form), so empty features or kernel rows stay in JS.
  if (!L || L.I === 0 || L.KH === 0 || L.KW === 0 || L.Nout === 0 || L.Og === 0 || L.OH === 0) return null;
  const cols = L.KW >= 8 && L.KW > L.OW && L.OW <= 8 && L.dw === 1 && L.wsW === 1;
  if (!cols && L.OW < 4) return null;
  const key = `${la.shape.join(',')}|${ra.shape.join(',')}|${oa.shape.join(',')}|${JSON.stringify(p)}`;
  let fn = FNS.get(key);
  if (!fn) {
    try {
      const bytes = encodeModule({ module: 'env', field: 'memory', minPages: 1, maxPages: MAX_PAGES, shared: loopHost.shared() }, [cols ? colsFunction(L) : convFunction(L)]);
      const module = new wasm.Module(bytes);
      fn = new wasm.Instance(module, { env: { memory: loopHost.memory() } }).exports.conv as ConvFn;
    } catch {
      broken = true; // an engine without SIMD: the JS kernel serves every call
      return null;
    }
    if (FNS.size >= 64) FNS.delete(FNS.keys().next().value!);
    FNS.set(key, fn);
  }
  const base = loopHost.base >> 2;
  const xAt = base, wAt = xAt + x.length, yAt = wAt + w.length + ((4 - ((wAt + w.length) % 4)) % 4);
  const mem = loopHost.reserve(4 * (yAt + oa.size));
  mem.set(x, xAt);
  mem.set(w, wAt);
  fn(4 * xAt, 4 * wAt, 4 * yAt);
  return mem.slice(yAt, yAt + oa.size);
}
