// dot_general for real GPUs: 64×64 output tiles, both operands staged through workgroup-shared tiles.
// out[b, m, n] = Σ_k L[b, m, k] · R[b, k, n], k advancing BK at a time; matmul.ts chooses this kernel or the register-blocked one.
import { DType } from '../../core/dtype.js';
import type { MatmulEpilogue, OperandView } from './matmul.js';
import { bindings, BufferDecl, entry, out, Slot, Step, u, wgslType, withHelpers } from './wgsl.js';

/**
 * A 16×16 workgroup whose invocations each own a TM×TN block of the 64×64 output tile, and the
 * depth BK of the shared tiles: each k-step stages a 64×BK slice of L and a BK×64 slice of R
 * (4 KiB each for f32), so every element loaded from global memory is used 64 times from shared
 * memory instead of once per output. With BK = 16 each invocation loads exactly one vec4 of
 * each operand per step.
 */
const WG = 16, TM = 4, TN = 4, BK = 16;
const TILE_M = WG * TM, TILE_N = WG * TN, INVOCATIONS = WG * WG;
const XYZW = ['x', 'y', 'z', 'w'] as const;

/**
 * How the invocations walk an operand's slice when loading it (q = lid + 256·j is the load's
 * index in the slice):
 * - `vecK`: 4 consecutive k at once (the contraction axis is contiguous: A·B's lhs, A·Bᵀ's rhs);
 * - `vecF`: 4 consecutive free indices at once (A·B's rhs, Aᵀ·B's lhs);
 * - `scalarF` / `scalarK`: one element, consecutive invocations along the axis with the smaller
 *   stride, when the layout is not vec4-aligned (odd sizes, odd strides).
 * A vec4 load needs the 4 elements contiguous and the first at a multiple of 4: stride 1 along
 * the vec axis, a size there that is a multiple of 4 (so a vec4 is wholly inside or outside the
 * operand), and every other stride a multiple of 4. The buffer is then bound as array<vec4<T>>.
 */
type Walk = 'vecK' | 'vecF' | 'scalarF' | 'scalarK';
const isVec = (w: Walk): boolean => w === 'vecK' || w === 'vecF';

function walkOf(v: OperandView): Walk {
  const { batch: b, free: f, contract: c } = v;
  const aligned = (s: number) => s % 4 === 0;
  if (c.size > 0 && c.stride === 1 && c.size % 4 === 0 && aligned(f.stride) && aligned(b.stride)) return 'vecK';
  if (c.size > 0 && f.stride === 1 && f.size % 4 === 0 && aligned(c.stride) && aligned(b.stride)) return 'vecF';
  return f.stride !== 0 && (c.stride === 0 || f.stride < c.stride) ? 'scalarF' : 'scalarK';
}

/**
 * Statements staging binding `x`'s slice (free indices f0.. , k0..) into its shared tile `tile`
 * (k-major: row k holds the tileF free indices as tileF/4 vec4s, so the inner loop reads the
 * operands of 4 outputs in one load). `${x}base` is the batch's offset.
 * Out-of-range elements (past F or K) are stored as 0, so partial tiles add nothing; their
 * global index is clamped in range, keeping every load in bounds.
 */
function stageLoads(x: 'x0' | 'x1', tile: string, v: OperandView, walk: Walk, f0: string, t: string, tileF: number): string[] {
  const F = v.free.size, K = v.contract.size;
  const [sf, sc] = [v.free.stride, v.contract.stride];
  const rowVecs = tileF / 4;
  const vec = isVec(walk);
  const loads = (tileF * BK) / (vec ? 4 : 1) / INVOCATIONS;
  const lines: string[] = [];
  for (let j = 0; j < loads; j++) {
    const q = `${x}q${j}`;
    lines.push(`let ${q} = lid + ${u(j * INVOCATIONS)};`);
    // (free index in the slice, k index in the slice) of the load's first element.
    const [f, k] = {
      vecK: [`${q} / ${u(BK / 4)}`, `${q} % ${u(BK / 4)} * 4u`],
      vecF: [`${q} % ${u(rowVecs)} * 4u`, `${q} / ${u(rowVecs)}`],
      scalarF: [`${q} % ${u(tileF)}`, `${q} / ${u(tileF)}`],
      scalarK: [`${q} / ${u(BK)}`, `${q} % ${u(BK)}`],
    }[walk];
    const [fl, kl, gf, gk, val] = [`${x}f${j}`, `${x}k${j}`, `${x}gf${j}`, `${x}gk${j}`, `${x}v${j}`];
    lines.push(`let ${fl} = ${f};`, `let ${kl} = ${k};`, `let ${gf} = ${f0} + ${fl};`, `let ${gk} = k0 + ${kl};`);
    // Clamp to the last whole vec4 (or element) of each axis; sizes along a vec axis are multiples of 4.
    const fMax = walk === 'vecF' ? F - 4 : F - 1, kMax = walk === 'vecK' ? K - 4 : K - 1;
    const index = `${x}base + min(${gf}, ${u(fMax)}) * ${u(sf)} + min(${gk}, ${u(kMax)}) * ${u(sc)}`;
    const zero = vec ? `vec4<${t}>(0)` : `${t}(0)`;
    lines.push(`let ${val} = select(${zero}, ${x}[${vec ? `(${index}) / 4u` : index}], ${gf} < ${u(F)} && ${gk} < ${u(K)});`);
    if (walk === 'vecF') {
      lines.push(`${tile}[${kl} * ${u(rowVecs)} + ${fl} / 4u] = ${val};`);
    } else if (walk === 'vecK') {
      // Four k rows, one component each: the transpose into the k-major tile happens here, once per load.
      for (const [c, comp] of XYZW.entries()) lines.push(`${tile}[(${kl} + ${u(c)}) * ${u(rowVecs)} + ${fl} / 4u][${fl} % 4u] = ${val}.${comp};`);
    } else {
      lines.push(`${tile}[${kl} * ${u(rowVecs)} + ${fl} / 4u][${fl} % 4u] = ${val};`);
    }
  }
  return lines;
}

/**
 * out[b, m, n] = Σ_k L[b·sLb + m·sLm + k·sLk] · R[b·sRb + k·sRk + n·sRn] with workgroup-shared
 * tiles. Per k-step: every invocation loads its share of both slices (vec4 where the layout
 * allows), a barrier, then BK steps of 2 shared vec4 loads (TM rows of L, TN columns of R) for
 * TM·TN multiply-adds, and a barrier before the tiles are overwritten. Invocation (ty, tx) owns
 * rows ty·TM.. and columns tx·TN.. of the tile. Stores past the edge are skipped; nothing returns
 * early, since every invocation must reach the barriers. Integer products wrap mod 2^32, as the
 * CPU's Math.imul. Each output element is finished by `epilogue.store` (or stored plainly).
 */
export function tiledMatmulStep(d: DType, B: number, M: number, N: number, K: number, l: OperandView, r: OperandView, epilogue?: MatmulEpilogue): Step {
  const t = wgslType(d);
  const tilesM = Math.ceil(M / TILE_M), tilesN = Math.ceil(N / TILE_N);
  const workgroups = B * tilesM * tilesN;
  const walkL = walkOf(l), walkR = walkOf(r);
  const rowsV = Array.from({ length: TM / 4 }, (_, k) => k), colsV = Array.from({ length: TN / 4 }, (_, k) => k);
  const rows = Array.from({ length: TM }, (_, k) => k);
  const acc = (row: number, cv: number) => `acc${row}_${cv}`;
  const store = epilogue?.store ?? ((o: string, v: string) => `y0[${o}] = ${v};`);
  // The k-steps; an empty contraction (K = 0) has none, and its sums stay 0.
  const kSteps = K === 0 ? [] : [
    `for (var kt = 0u; kt < ${u(Math.ceil(K / BK))}; kt = kt + 1u) {`,
    `  let k0 = kt * ${u(BK)};`,
    ...stageLoads('x0', 'tileL', l, walkL, 'm0', t, TILE_M).map((s) => `  ${s}`),
    ...stageLoads('x1', 'tileR', r, walkR, 'n0', t, TILE_N).map((s) => `  ${s}`),
    `  workgroupBarrier();`,
    `  for (var kk = 0u; kk < ${u(BK)}; kk = kk + 1u) {`,
    ...rowsV.map((k) => `    let a${k} = tileL[kk * ${u(TILE_M / 4)} + ty * ${u(TM / 4)} + ${u(k)}];`),
    ...colsV.map((c) => `    let b${c} = tileR[kk * ${u(TILE_N / 4)} + tx * ${u(TN / 4)} + ${u(c)}];`),
    ...rows.map((row) => `    ${colsV.map((cv) => `${acc(row, cv)} = ${acc(row, cv)} + a${Math.floor(row / 4)}.${XYZW[row % 4]} * b${cv};`).join(' ')}`),
    `  }`,
    `  workgroupBarrier();`,
    `}`,
  ];
  const body = [
    `let tn = wid % ${u(tilesN)};`,
    `let tm = (wid / ${u(tilesN)}) % ${u(tilesM)};`,
    `let b = wid / ${u(tilesN * tilesM)};`,
    `let m0 = tm * ${u(TILE_M)};`,
    `let n0 = tn * ${u(TILE_N)};`,
    `let ty = lid / ${u(WG)};`,
    `let tx = lid % ${u(WG)};`,
    `let x0base = b * ${u(l.batch.stride)};`,
    `let x1base = b * ${u(r.batch.stride)};`,
    ...rows.flatMap((row) => colsV.map((cv) => `var ${acc(row, cv)} = vec4<${t}>(0);`)),
    ...kSteps,
    `let ob = b * ${u(M * N)};`,
    ...rows.flatMap((row) => [
      `let row${row} = m0 + ty * ${u(TM)} + ${u(row)};`,
      ...colsV.flatMap((cv) => XYZW.map((comp, c) => {
        const n = `n0 + tx * ${u(TN)} + ${u(cv * 4 + c)}`;
        return `if (row${row} < ${u(M)} && ${n} < ${u(N)}) { ${store(`ob + row${row} * ${u(N)} + ${n}`, `${acc(row, cv)}.${comp}`)} }`;
      })),
    ]),
  ];
  const reads: (readonly [Slot, BufferDecl])[] = [
    [l.slot, { type: t, vec4: isVec(walkL) }], [r.slot, { type: t, vec4: isVec(walkR) }], ...(epilogue?.reads ?? []),
  ];
  const writes = epilogue?.writes ?? [[out(0), { type: t }] as const];
  const shared = [
    `var<workgroup> tileL: array<vec4<${t}>, ${(TILE_M * BK) / 4}>;`,
    `var<workgroup> tileR: array<vec4<${t}>, ${(TILE_N * BK) / 4}>;`,
  ].join('\n');
  const code = withHelpers([
    bindings(reads.map(([, bd]) => bd), writes.map(([, bd]) => bd)), shared, ...(epilogue ? [epilogue.functions] : []),
    entry(workgroups, body, INVOCATIONS),
  ].join('\n'));
  return { kind: 'dispatch', label: 'dot_general (tiled)', code, reads: reads.map(([sl]) => sl), writes: writes.map(([sl]) => sl), workgroups };
}
