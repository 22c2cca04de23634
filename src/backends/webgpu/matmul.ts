// dot_general: every contraction as one batched, strided matmul kernel, chosen per adapter.
// out[b, m, n] = Σ_k L[b, m, k] · R[b, k, n]; each invocation computes a block of outputs, from
// global memory here (CPU adapters) or from workgroup-shared tiles (matmul-tiled.ts, GPUs).
import { DType } from '../../core/dtype.js';
import { DotDimensionNumbers } from '../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../core/shape.js';
import { ctx } from './device.js';
import { tiledMatmulStep } from './matmul-tiled.js';
import { transposeStep } from './movement.js';
import { BufferDecl, bindings, entry, inp, KernelCall, out, Plan, Slot, Step, temp, u, WebGpuKernel, wgslType, withHelpers } from './wgsl.js';

/**
 * Work a compiled program fuses into the matmul: what it computes from each product element as it
 * is written (a bias, an activation, `w - lr·g`), so the product never round-trips through memory.
 */
export interface MatmulEpilogue {
  /** Buffers the epilogue reads, bound after the two operands (x2, x3, …). */
  readonly reads: readonly (readonly [Slot, BufferDecl])[];
  /** Buffers it writes (y0, y1, …), replacing the plain result (bound only if the product is kept). */
  readonly writes: readonly (readonly [Slot, BufferDecl])[];
  /** Module-scope WGSL the stores call (an epilogue function). */
  readonly functions: string;
  /** The statement finishing output element `o` (flat over the row-major [B, M, N] result) with value `v`. */
  readonly store: (o: string, v: string) => string;
}

/**
 * One operand seen as three index groups (batch, free, contracting), each flattened to a single
 * (size, stride) when its axes are contiguous in the order the group lists them; null otherwise
 * (the operand is then materialised, see `view`).
 */
export interface Group { size: number; stride: number }
function flatten(shape: Shape, strides: readonly number[], axes: readonly number[]): Group | null {
  let size = 1, stride = 0;
  for (const a of axes) {
    const n = shape[a]!;
    if (n === 1) continue;
    if (size === 1) { size = n; stride = strides[a]!; continue; }
    if (stride !== strides[a]! * n) return null;
    size *= n; stride = strides[a]!;
  }
  return { size, stride: size === 1 ? 0 : stride };
}

export interface OperandView { batch: Group; free: Group; contract: Group; steps: Step[]; slot: Slot; temps: number[] }

/**
 * The operand's groups, materialising it into a scratch buffer (one transpose) when they do not
 * flatten, or when `unitFree` asks for the free axis to be contiguous and it is not. Materialised
 * order: [batch, free, contract] for the lhs, [batch, contract, free] for the rhs, so that in
 * both the inner loop reads along k for the lhs and along n for the rhs.
 */
function view(
  label: string, d: DType, shape: Shape, batch: readonly number[], contract: readonly number[],
  slot: Slot, tempIndex: number, side: 'lhs' | 'rhs', unitFree: boolean,
): OperandView {
  const free = shape.map((_, k) => k).filter((k) => !batch.includes(k) && !contract.includes(k));
  const xs = stridesOf(shape);
  const b = flatten(shape, xs, batch), f = flatten(shape, xs, free), c = flatten(shape, xs, contract);
  if (b && f && c && (!unitFree || f.stride <= 1)) return { batch: b, free: f, contract: c, steps: [], slot, temps: [] };
  const size = (axes: readonly number[]) => sizeOf(axes.map((a) => shape[a]!));
  const [B, F, K] = [size(batch), size(free), size(contract)];
  const inner = side === 'lhs' ? [...free, ...contract] : [...contract, ...free];
  const stride = (n: number, s: number): Group => ({ size: n, stride: n === 1 ? 0 : s });
  return {
    batch: stride(B, F * K),
    free: stride(F, side === 'lhs' ? K : 1),
    contract: stride(K, side === 'lhs' ? 1 : F),
    steps: [transposeStep(`${label} operand`, d, slot, temp(tempIndex), shape, [...batch, ...inner])],
    slot: temp(tempIndex), temps: [sizeOf(shape) * 4],
  };
}

/** Each invocation's block of outputs (at most) and the 8×8 workgroup: a 64×64 output tile per workgroup. */
const TM = 8, TN = 8, WG_M = 8, WG_N = 8;
/** The block side for an output side of `n`: small results use small blocks rather than idle lanes. */
const block = (n: number, max: number): number => (n >= max ? max : n >= 4 ? 4 : n >= 2 ? 2 : 1);

/**
 * out[b, m, n] = Σ_k L[b·sLb + m·sLm + k·sLk] · R[b·sRb + k·sRk + n·sRn].
 *
 * Register blocking without workgroup memory: each invocation keeps a tm×tn block of sums and,
 * per k, loads tm values of L and tn of R (tm + tn loads for tm·tn multiply-adds). On software
 * adapters (llvmpipe) barriers cost more than the loads they save: a 16×16 workgroup-memory
 * tiling was measured at 0.5 GFLOP/s there, so this is the CPU adapters' kernel (GPUs get
 * matmul-tiled.ts). On a 2-core llvmpipe at n = 1024, 4×4 blocks gave 4-7 GFLOP/s and these 8×8
 * blocks 10-15 (bench/webgpu-matmul.ts; the machine is noisy).
 * Rows and columns interleave across the workgroup (invocation (ty, tx) owns rows
 * ty + 8r and columns tx + 8c of its tile), so neighbouring invocations read neighbouring
 * elements. Past the edge, loads use a clamped (in-bounds) index and stores are skipped, so the
 * inner loop has no branches. Integer products wrap mod 2^32, as the CPU's Math.imul.
 */
function blockedMatmulStep(d: DType, B: number, M: number, N: number, K: number, l: OperandView, r: OperandView, epilogue?: MatmulEpilogue): Step {
  const t = wgslType(d);
  const tm = block(M, TM), tn = block(N, TN);
  const tileM = tm * WG_M, tileN = tn * WG_N;
  const tilesN = Math.ceil(N / tileN), tilesM = Math.ceil(M / tileM);
  const workgroups = B * tilesM * tilesN;
  const rows = Array.from({ length: tm }, (_, k) => k), cols = Array.from({ length: tn }, (_, k) => k);
  const [sLb, sLm, sLk] = [l.batch.stride, l.free.stride, l.contract.stride];
  const [sRb, sRk, sRn] = [r.batch.stride, r.contract.stride, r.free.stride];
  const times = (v: string, s: number): string => (s === 0 ? '' : s === 1 ? ` + ${v}` : ` + ${v} * ${u(s)}`);
  const store = epilogue?.store ?? ((o: string, v: string) => `y0[${o}] = ${v};`);
  const body = [
    `let tn = wid % ${u(tilesN)};`,
    `let tm = (wid / ${u(tilesN)}) % ${u(tilesM)};`,
    `let b = wid / ${u(tilesN * tilesM)};`,
    `let m0 = tm * ${u(tileM)} + lid / ${u(WG_N)};`,
    `let n0 = tn * ${u(tileN)} + lid % ${u(WG_N)};`,
    `if (m0 >= ${u(M)} || n0 >= ${u(N)}) { return; }`,
    ...rows.map((k) => `let pl${k} = b * ${u(sLb)} + min(m0 + ${u(k * WG_M)}, ${u(M - 1)}) * ${u(sLm)};`),
    ...cols.map((k) => `let pr${k} = b * ${u(sRb)} + min(n0 + ${u(k * WG_N)}, ${u(N - 1)}) * ${u(sRn)};`),
    ...rows.flatMap((k) => cols.map((c) => `var acc${k}_${c} = ${t}(0);`)),
    `for (var k = 0u; k < ${u(K)}; k = k + 1u) {`,
    ...rows.map((k) => `  let a${k} = x0[pl${k}${times('k', sLk)}];`),
    ...cols.map((c) => `  let b${c} = x1[pr${c}${times('k', sRk)}];`),
    ...rows.map((k) => `  ${cols.map((c) => `acc${k}_${c} = acc${k}_${c} + a${k} * b${c};`).join(' ')}`),
    `}`,
    `let ob = b * ${u(M * N)};`,
    ...rows.flatMap((k) => cols.map((c) =>
      `if (m0 + ${u(k * WG_M)} < ${u(M)} && n0 + ${u(c * WG_N)} < ${u(N)}) { ${store(`ob + (m0 + ${u(k * WG_M)}) * ${u(N)} + n0 + ${u(c * WG_N)}`, `acc${k}_${c}`)} }`)),
  ];
  const reads: (readonly [Slot, BufferDecl])[] = [[l.slot, { type: t }], [r.slot, { type: t }], ...(epilogue?.reads ?? [])];
  const writes = epilogue?.writes ?? [[out(0), { type: t }] as const];
  const code = withHelpers([bindings(reads.map(([, b]) => b), writes.map(([, b]) => b)), ...(epilogue ? [epilogue.functions] : []), entry(workgroups, body, WG_M * WG_N)].join('\n'));
  return { kind: 'dispatch', label: 'dot_general', code, reads: reads.map(([sl]) => sl), writes: writes.map(([sl]) => sl), workgroups };
}

// ---- the choice of kernel ------------------------------------------------------------------------
/** The WebGPU matmul kernel: chosen by shape ('auto'), the tiled one or the blocked one. */
export type MatmulKernel = 'auto' | 'tiled' | 'blocked';
const KERNELS: readonly MatmulKernel[] = ['auto', 'tiled', 'blocked'];
/** The setter's choice; null until set, when COTANGENT_WEBGPU_MATMUL (read once) or 'auto' applies. */
let chosen: MatmulKernel | null = null;

/**
 * Forces the matmul kernel, for tests and benchmarks: 'tiled' (workgroup-shared tiles), 'blocked'
 * (register blocks read straight from global memory), or 'auto' (the default: blocked on CPU
 * adapters such as llvmpipe and SwiftShader, where each barrier costs more than the loads the
 * shared tiles save, tiled elsewhere). Applies to plans built from now on: eager plans cached by
 * the backend are dropped by index.ts's wrapper, but jitted executables already compiled keep the
 * kernel they were built with (re-jit to switch them). Pipelines are cached by WGSL source, so
 * switching back and forth compiles each shader once. The setter wins over the environment
 * variable COTANGENT_WEBGPU_MATMUL=auto|tiled|blocked, which is read once, at the first plan.
 */
export function setMatmulKernel(kernel: MatmulKernel): void {
  if (!KERNELS.includes(kernel)) throw new RangeError(`setMatmulKernel: expected one of ${KERNELS.join(', ')}, got ${String(kernel)}`);
  chosen = kernel;
}

/** The kernel the next plan uses. */
export function matmulKernel(): 'tiled' | 'blocked' {
  if (chosen === null) {
    const env = typeof process !== 'undefined' ? process.env?.COTANGENT_WEBGPU_MATMUL : undefined;
    if (env !== undefined && env !== '' && !KERNELS.includes(env as MatmulKernel)) {
      throw new RangeError(`COTANGENT_WEBGPU_MATMUL must be one of ${KERNELS.join(', ')}, not ${env}`);
    }
    chosen = (env || 'auto') as MatmulKernel;
  }
  return chosen === 'auto' ? (ctx().cpuAdapter ? 'blocked' : 'tiled') : chosen;
}

/**
 * dot_general with any dimension numbers: the result is [batch..., lhs free..., rhs free...],
 * which is exactly [B, M, N] row-major. An empty contraction (K = 0) is a plain zero fill.
 * `epilogue`: a compiled program's fused work on each product element (see MatmulEpilogue).
 */
export function dotGeneralPlan({ params: { dimensionNumbers }, inAvals: [la, ra], outAvals: [oa] }: KernelCall<'dot_general'>, epilogue?: MatmulEpilogue): Plan {
  const { contracting: [lc, rc], batch: [lb, rb] }: DotDimensionNumbers = dimensionNumbers;
  const d = oa!.dtype;
  if (oa!.size === 0) return { steps: [] };
  const tiled = matmulKernel() === 'tiled';
  const l = view('dot_general lhs', d, la!.shape, lb, lc, inp(0), 0, 'lhs', false);
  // In the blocked kernel neighbouring invocations read neighbouring columns of the rhs; when those
  // are far apart (A·Bᵀ) a transpose first (O(K·N) moves against O(M·N·K) multiply-adds) pays for
  // itself once M is not tiny. The tiled kernel stages the rhs through shared memory in any layout.
  const M = sizeOf(la!.shape.filter((_, k) => !lb.includes(k) && !lc.includes(k)));
  const r = view('dot_general rhs', d, ra!.shape, rb, rc, inp(1), l.temps.length, 'rhs', !tiled && M >= 16);
  const B = sizeOf(lb.map((a) => la!.shape[a]!));
  const [N, K] = [r.free.size, l.contract.size];
  const step = (tiled ? tiledMatmulStep : blockedMatmulStep)(d, B, M, N, K, l, r, epilogue);
  return { steps: [...l.steps, ...r.steps, step], temps: [...l.temps, ...r.temps] };
}

export const dotGeneral: WebGpuKernel<'dot_general'> = (call) => dotGeneralPlan(call);
