// conv_general_dilated on the GPU. float32: an implicit GEMM, out[g, o, (n, s)] = Σ_r W[g, o, r]·P[g, r, (n, s)]
// with r = (input feature, kernel position), tiled as a matmul: each workgroup owns a tile of
// output features × output positions and stages BK-deep slices of the kernel and of the patch
// matrix through workgroup memory, the patch elements gathered from the lhs on the fly (never
// materialised; padding and the holes of lhs dilation load 0). Every staged element is reused by
// a whole row or column of the tile instead of being read once per output. Other dtypes, and CPU
// adapters (as for the matmul: see matmulKernel), run a direct kernel, one output element per item. Both finish each output element through an optional
// epilogue (a compiled program's fused bias/activation), as the matmul does.
import { ShapedArray } from '../../core/aval.js';
import { sizeOf, stridesOf } from '../../core/shape.js';
import type { ConvParams } from '../../core/primitives.js';
import { matmulKernel, type MatmulEpilogue } from './matmul.js';
import { bindings, BufferDecl, entry, i, inp, KernelCall, out, perItem, Plan, Slot, Step, u, WebGpuKernel, wgslType, withHelpers, zero } from './wgsl.js';

/** The work fused after a convolution, as for a matmul: `store(o, v)` finishes output element o (flat, row-major). */
export type ConvEpilogue = MatmulEpilogue;

interface Geometry {
  readonly d: number; readonly N: number; readonly O: number; readonly I: number; readonly G: number; readonly Nout: number; readonly Og: number;
  readonly fg: number; readonly bg: number;
  readonly inS: readonly number[]; readonly kS: readonly number[]; readonly outS: readonly number[];
  readonly xs: readonly number[]; readonly ws: readonly number[]; readonly ys: readonly number[];
}
function geometry(p: ConvParams, la: ShapedArray, ra: ShapedArray, oa: ShapedArray): Geometry {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const fg = p.featureGroupCount, bg = p.batchGroupCount, G = fg * bg;
  const N = la.shape[ls[0]!]!, O = ra.shape[rs[0]!]!, I = ra.shape[rs[1]!]!;
  return {
    d: ls.length - 2, N, O, I, G, Nout: N / bg, Og: O / G, fg, bg,
    inS: ls.slice(2).map((a) => la.shape[a]!), kS: rs.slice(2).map((a) => ra.shape[a]!), outS: os.slice(2).map((a) => oa.shape[a]!),
    xs: stridesOf(la.shape), ws: stridesOf(ra.shape), ys: stridesOf(oa.shape),
  };
}

/** Statements naming `${p}0..` the coordinates of flat index `flat` over `shape` (row-major). */
function coords(p: string, flat: string, shape: readonly number[]): string[] {
  const lines: string[] = [];
  let rest = flat;
  for (let a = shape.length - 1; a >= 0; a--) {
    lines.push(`let ${p}${a} = ${a === 0 ? rest : `${rest} % ${u(shape[a]!)}`};`);
    if (a > 0) { lines.push(`let ${p}r${a} = ${rest} / ${u(shape[a]!)};`); rest = `${p}r${a}`; }
  }
  return lines;
}

/**
 * `${v}` = the lhs element that kernel position `${k}*` meets at output position `${s}*` of batch
 * row `n` and input feature `c` (0 in the padding or between dilated elements). `ok` guards it.
 */
function lhsLoad(g: Geometry, p: ConvParams, ls: readonly number[], v: string, ok: string, nExpr: string, cExpr: string, k: string, s: string): string[] {
  const lines = [`var ${v}_ok = ${ok};`, `var ${v}_idx = (${nExpr}) * ${u(g.xs[ls[0]!]!)} + (${cExpr}) * ${u(g.xs[ls[1]!]!)};`];
  for (let a = 0; a < g.d; a++) {
    const ld = p.lhsDilation[a]!;
    lines.push(`let ${v}_q${a} = i32(${s}${a}) * ${i(p.windowStrides[a]!)} + i32(${k}${a}) * ${i(p.rhsDilation[a]!)} - ${i(p.padding[a]![0])};`);
    lines.push(ld === 1
      ? `${v}_ok = ${v}_ok && ${v}_q${a} >= 0i && ${v}_q${a} < ${i(g.inS[a]!)};`
      : `${v}_ok = ${v}_ok && ${v}_q${a} >= 0i && ${v}_q${a} % ${i(ld)} == 0i && ${v}_q${a} / ${i(ld)} < ${i(g.inS[a]!)};`);
    lines.push(`${v}_idx = ${v}_idx + u32(max(${v}_q${a}, 0i) / ${i(ld)}) * ${u(g.xs[ls[2 + a]!]!)};`);
  }
  lines.push(`var ${v} = 0.0f;`, `if (${v}_ok) { ${v} = x0[${v}_idx]; }`);
  return lines;
}

/** The tile shape: TM×TN outputs per invocation, WGM×WGN invocations, BK-deep staging (halved for the widest tile, to stay within 16 KiB of workgroup memory). */
const TM = 4, TN = 4, INVOCATIONS = 64;

function tiledStep(p: ConvParams, g: Geometry, epilogue?: ConvEpilogue): Step {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const Kp = sizeOf(g.kS), Sp = sizeOf(g.outS), R = g.I * Kp, M = g.Og, NC = g.Nout * Sp;
  // Few output features (LeNet's 6, an input gradient's 1): a wide, short tile.
  const WGM = M <= 4 ? 1 : M <= 8 ? 2 : M <= 16 ? 4 : 8, WGN = INVOCATIONS / WGM;
  const TILE_M = WGM * TM, TILE_N = WGN * TN, BK = TILE_N >= 256 ? 8 : 16;
  const tilesM = Math.ceil(M / TILE_M), tilesN = Math.ceil(NC / TILE_N), workgroups = g.G * tilesM * tilesN;
  const store = epilogue?.store ?? ((o: string, v: string) => `y0[${o}] = ${v};`);
  const wCount = TILE_M * BK, wLoads = Math.ceil(wCount / INVOCATIONS), pLoads = (BK * TILE_N) / INVOCATIONS;
  const rows = Array.from({ length: TM }, (_, k) => k), cols = Array.from({ length: TN }, (_, k) => k);
  const stage: string[] = [];
  // Kernel slice: consecutive invocations along r (the kernel's (i, k) run is contiguous in OI… layouts).
  for (let j = 0; j < wLoads; j++) {
    stage.push(`{`, `let q = lid + ${u(j * INVOCATIONS)};`, `let m = q / ${u(BK)};`, `let kk = q % ${u(BK)};`,
      `let r = k0 + kk;`, `let om = m0 + m;`, `var v = 0.0f;`,
      `if (r < ${u(R)} && om < ${u(M)}) {`,
      `  let ci = r / ${u(Kp)};`,
      ...coords('wk', `(r % ${u(Kp)})`, g.kS).map((l) => `  ${l}`),
      `  v = x1[(gg * ${u(M)} + om) * ${u(g.ws[rs[0]!]!)} + ci * ${u(g.ws[rs[1]!]!)}${g.kS.map((_, a) => ` + wk${a} * ${u(g.ws[rs[2 + a]!]!)}`).join('')}];`,
      `}`, wCount % INVOCATIONS === 0 ? `tileW[m * ${u(BK)} + kk] = v;` : `if (q < ${u(wCount)}) { tileW[m * ${u(BK)} + kk] = v; }`, `}`);
  }
  // Patch slice: consecutive invocations along output positions (neighbouring lhs elements).
  for (let j = 0; j < pLoads; j++) {
    stage.push(`{`, `let q = lid + ${u(j * INVOCATIONS)};`, `let kk = q / ${u(TILE_N)};`, `let c = q % ${u(TILE_N)};`,
      `let r = k0 + kk;`, `let col = n0 + c;`,
      `let ci = min(r, ${u(R - 1)}) / ${u(Kp)};`,
      ...coords('pk', `(min(r, ${u(R - 1)}) % ${u(Kp)})`, g.kS),
      `let pn = min(col, ${u(NC - 1)}) / ${u(Sp)};`,
      ...coords('ps', `(min(col, ${u(NC - 1)}) % ${u(Sp)})`, g.outS),
      ...lhsLoad(g, p, ls, 'pv', `r < ${u(R)} && col < ${u(NC)}`, `pn${g.bg > 1 ? ` + gg * ${u(g.Nout)}` : ''}`, `${g.fg > 1 ? `gg * ${u(g.I)} + ` : ''}ci`, 'pk', 'ps'),
      `tileP[kk * ${u(TILE_N)} + c] = pv;`, `}`);
  }
  const acc = (r: number, c: number) => `acc${r}_${c}`;
  const body = [
    `let tn = wid % ${u(tilesN)};`,
    `let tm = (wid / ${u(tilesN)}) % ${u(tilesM)};`,
    `let gg = wid / ${u(tilesN * tilesM)};`,
    `let m0 = tm * ${u(TILE_M)};`,
    `let n0 = tn * ${u(TILE_N)};`,
    `let ty = lid / ${u(WGN)};`,
    `let tx = lid % ${u(WGN)};`,
    ...rows.flatMap((r) => cols.map((c) => `var ${acc(r, c)} = 0.0f;`)),
    `for (var kt = 0u; kt < ${u(Math.ceil(R / BK))}; kt = kt + 1u) {`,
    `  let k0 = kt * ${u(BK)};`,
    ...stage.map((l) => `  ${l}`),
    `  workgroupBarrier();`,
    `  for (var kk = 0u; kk < ${u(BK)}; kk = kk + 1u) {`,
    ...rows.map((r) => `    let a${r} = tileW[(ty * ${u(TM)} + ${u(r)}) * ${u(BK)} + kk];`),
    ...cols.map((c) => `    let b${c} = tileP[kk * ${u(TILE_N)} + tx * ${u(TN)} + ${u(c)}];`),
    ...rows.map((r) => `    ${cols.map((c) => `${acc(r, c)} = ${acc(r, c)} + a${r} * b${c};`).join(' ')}`),
    `  }`,
    `  workgroupBarrier();`,
    `}`,
    ...cols.flatMap((c) => [
      `let col${c} = n0 + tx * ${u(TN)} + ${u(c)};`,
      `let on${c} = col${c} / ${u(Sp)};`,
      ...coords(`os${c}_`, `(col${c} % ${u(Sp)})`, g.outS),
      `let ob${c} = on${c} * ${u(g.ys[os[0]!]!)}${g.outS.map((_, a) => ` + os${c}_${a} * ${u(g.ys[os[2 + a]!]!)}`).join('')};`,
    ]),
    ...rows.flatMap((r) => [
      `let om${r} = m0 + ty * ${u(TM)} + ${u(r)};`,
      ...cols.map((c) => `if (om${r} < ${u(M)} && col${c} < ${u(NC)}) { ${store(`ob${c} + (gg * ${u(M)} + om${r}) * ${u(g.ys[os[1]!]!)}`, acc(r, c))} }`),
    ]),
  ];
  const reads: (readonly [Slot, BufferDecl])[] = [[inp(0), { type: 'f32' }], [inp(1), { type: 'f32' }], ...(epilogue?.reads ?? [])];
  const writes = epilogue?.writes ?? [[out(0), { type: 'f32' }] as const];
  const shared = [`var<workgroup> tileW: array<f32, ${TILE_M * BK}>;`, `var<workgroup> tileP: array<f32, ${BK * TILE_N}>;`].join('\n');
  const code = withHelpers([bindings(reads.map(([, b]) => b), writes.map(([, b]) => b)), shared, ...(epilogue ? [epilogue.functions] : []), entry(workgroups, body, INVOCATIONS)].join('\n'));
  return { kind: 'dispatch', label: 'conv_general_dilated (tiled)', code, reads: reads.map(([s]) => s), writes: writes.map(([s]) => s), workgroups };
}

/** One output element per item: a loop over the group's input features and the kernel window (integer dtypes). */
function directStep(p: ConvParams, g: Geometry, oa: ShapedArray, epilogue?: ConvEpilogue): Step {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const t = wgslType(oa.dtype);
  const coord = (axis: number) => `((gid / ${u(g.ys[axis]!)}) % ${u(oa.shape[axis]!)})`;
  const store = epilogue?.store ?? ((o: string, v: string) => `y0[${o}] = ${v};`);
  const body: string[] = [
    `let n = ${coord(os[0]!)};`,
    `let o = ${coord(os[1]!)};`,
    `let gg = o / ${u(g.Og)};`,
    `let xb = (n + ${g.bg > 1 ? `gg * ${u(g.Nout)}` : '0u'}) * ${u(g.xs[ls[0]!]!)} + ${g.fg > 1 ? `gg * ${u(g.I * g.xs[ls[1]!]!)}` : '0u'};`,
    `let wb = o * ${u(g.ws[rs[0]!]!)};`,
    ...Array.from({ length: g.d }, (_, a) => `let s${a} = i32(${coord(os[2 + a]!)});`),
    `var acc = ${zero(oa.dtype)};`,
    `for (var c = 0u; c < ${u(g.I)}; c++) {`,
  ];
  const close: string[] = ['}'];
  for (let a = 0; a < g.d; a++) {
    const K = g.kS[a]!, ld = p.lhsDilation[a]!, n = g.inS[a]!;
    body.push(
      `for (var k${a} = 0i; k${a} < ${i(K)}; k${a}++) {`,
      `  let q${a} = s${a} * ${i(p.windowStrides[a]!)} + k${a} * ${i(p.rhsDilation[a]!)} - ${i(p.padding[a]![0])};`,
      ld === 1
        ? `  if (q${a} < 0i || q${a} >= ${i(n)}) { continue; }`
        : `  if (q${a} < 0i || q${a} % ${i(ld)} != 0i || q${a} / ${i(ld)} >= ${i(n)}) { continue; }`,
    );
    close.push('}');
  }
  const xOff = ['xb', `c * ${u(g.xs[ls[1]!]!)}`, ...Array.from({ length: g.d }, (_, a) => `u32(q${a} / ${i(p.lhsDilation[a]!)}) * ${u(g.xs[ls[2 + a]!]!)}`)].join(' + ');
  const wOff = ['wb', `c * ${u(g.ws[rs[1]!]!)}`, ...Array.from({ length: g.d }, (_, a) => `u32(k${a}) * ${u(g.ws[rs[2 + a]!]!)}`)].join(' + ');
  body.push(`acc += x0[${xOff}] * x1[${wOff}];`, ...close, store('gid', 'acc'));
  const reads: (readonly [Slot, BufferDecl])[] = [[inp(0), { type: t }], [inp(1), { type: t }], ...(epilogue?.reads ?? [])];
  const writes = epilogue?.writes ?? [[out(0), { type: t }] as const];
  const { code, workgroups } = perItem(oa.size, 'gid', body);
  return {
    kind: 'dispatch', label: 'conv_general_dilated', workgroups, reads: reads.map(([s]) => s), writes: writes.map(([s]) => s),
    code: withHelpers([bindings(reads.map(([, b]) => b), writes.map(([, b]) => b)), ...(epilogue ? [epilogue.functions] : []), code].join('\n')),
  };
}

/** The plan of one convolution, each output element finished by `epilogue` when a compiled program fuses one. */
export function convPlan({ params: p, inAvals: [la, ra], outAvals: [oa] }: KernelCall<'conv_general_dilated'>, epilogue?: ConvEpilogue): Plan {
  if (oa!.size === 0) return { steps: [] };
  const g = geometry(p, la!, ra!, oa!);
  const R = g.I * sizeOf(g.kS);
  // The matmul's kernel choice applies (setMatmulKernel / COTANGENT_WEBGPU_MATMUL): tiles on GPUs,
  // the direct loop on CPU adapters (llvmpipe), where each barrier costs more than the loads it saves.
  const tiled = oa!.dtype === 'float32' && R > 0 && matmulKernel() === 'tiled';
  return { steps: [tiled ? tiledStep(p, g, epilogue) : directStep(p, g, oa!, epilogue)] };
}

export const convGeneralDilated: WebGpuKernel<'conv_general_dilated'> = (call) => convPlan(call);
