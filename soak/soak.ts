// Soak: long training loops that must not leak. `npm run soak` runs 10,000 jitted steps on each
// backend and 2,000 eager WebGPU steps that never call dispose(), sampling process memory (after a
// forced collection) and memoryStats(); it prints the figures and exits non-zero when a jitted loop
// grows or the eager loop's live device bytes pass their bound.
//   node --expose-gc build/soak/soak.js [--jit-steps N] [--eager-steps M] [--only cpu-jit|webgpu-jit|webgpu-eager] [--json]
import { np, jit, grad, valueAndGrad, random, useBackend, memoryStats } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

export interface Sample { step: number; rssMiB: number; heapMiB: number; externalMiB: number; liveMiB: number; liveBuffers: number; cachedMiB: number }
export interface SoakReport {
  name: string; steps: number; ms: number; samples: Sample[];
  /** The most live device MiB seen at any step (eager WebGPU: sampled every step, no forced collection). */
  peakLiveMiB: number;
  firstLoss: number; lastLoss: number;
}

const MiB = 2 ** 20;
const gc = (globalThis as { gc?: () => void }).gc;

/** Collects until finalizers have run (they run in later tasks), then reads memory. */
async function sample(step: number, device: boolean): Promise<Sample> {
  // Until the live count settles: finalizers run in later tasks, not inside gc().
  for (let r = 0, steady = 0; r < 20 && steady < 3; r++) {
    const before = device ? memoryStats().liveBuffers : 0;
    gc?.();
    await new Promise((res) => setTimeout(res, 10));
    steady = !device || memoryStats().liveBuffers === before ? steady + 1 : 0;
  }
  const m = process.memoryUsage();
  const s = device ? memoryStats() : null;
  return {
    step, rssMiB: m.rss / MiB, heapMiB: m.heapUsed / MiB, externalMiB: m.external / MiB,
    liveMiB: (s?.liveBytes ?? 0) / MiB, liveBuffers: s?.liveBuffers ?? 0, cachedMiB: (s?.cachedBytes ?? 0) / MiB,
  };
}

type Weights = { w1: NDArray; w2: NDArray };
/** The two-layer net of the README's quick start, at sizes llvmpipe runs in seconds. */
function problem(n: number, dIn: number, h: number, dOut: number) {
  const k = random.split(random.key(0), 4);
  const x = random.normal(k.get(0), [n, dIn]), y = random.normal(k.get(1), [n, dOut]);
  const w: Weights = { w1: random.normal(k.get(2), [dIn, h]).mul(0.1), w2: random.normal(k.get(3), [h, dOut]).mul(0.1) };
  const loss = (w: Weights, x: NDArray, y: NDArray) => np.maximum(x.matmul(w.w1), 0).matmul(w.w2).sub(y).square().mean();
  return { x, y, w, loss };
}

/** `steps` jitted steps (weights donated), the loss read every 100 steps, a sample every `every`. */
export async function soakJit(backend: 'cpu' | 'webgpu', steps: number, every = 1000): Promise<SoakReport> {
  await useBackend(backend);
  const { x, y, w: w0, loss } = problem(16, 32, 16, 4);
  const step = jit((w: Weights, x: NDArray, y: NDArray) => {
    const [value, g] = valueAndGrad(loss)(w, x, y) as [NDArray, Weights];
    return [value, { w1: w.w1.sub(g.w1.mul(0.05)), w2: w.w2.sub(g.w2.mul(0.05)) }] as [NDArray, Weights];
  }, { donateArgnums: 0 });
  let w = w0, value: NDArray | null = null, firstLoss = NaN, lastLoss = NaN, peak = 0;
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let t = 1; t <= steps; t++) {
    [value, w] = step(w, x, y);
    if (t % 100 === 0 || t === 1) {
      lastLoss = await value.item();
      if (t === 1) firstLoss = lastLoss;
      if (backend === 'webgpu') peak = Math.max(peak, memoryStats().liveBytes / MiB);
    }
    if (t === 100 || t % every === 0) { value = null; samples.push(await sample(t, backend === 'webgpu')); }
  }
  return { name: `${backend} jit`, steps, ms: performance.now() - t0, samples, peakLiveMiB: peak, firstLoss, lastLoss };
}

/** `steps` eager WebGPU steps that drop every array without dispose(), reading the loss each step. */
export async function soakEagerWebgpu(steps: number, every = 200): Promise<SoakReport> {
  await useBackend('webgpu');
  const { x, y, w: w0, loss } = problem(128, 512, 256, 8);
  const g = grad(loss);
  let w = w0, firstLoss = NaN, lastLoss = NaN, peak = 0;
  const samples: Sample[] = [];
  const t0 = performance.now();
  for (let t = 1; t <= steps; t++) {
    const gw = g(w, x, y) as Weights;
    w = { w1: w.w1.sub(gw.w1.mul(0.05)), w2: w.w2.sub(gw.w2.mul(0.05)) };
    lastLoss = await loss(w, x, y).item();
    if (t === 1) firstLoss = lastLoss;
    peak = Math.max(peak, memoryStats().liveBytes / MiB);
    if (t % every === 0 || t === steps) samples.push(await sample(t, true));
  }
  return { name: 'webgpu eager (no dispose)', steps, ms: performance.now() - t0, samples, peakLiveMiB: peak, firstLoss, lastLoss };
}

/** Problems with a report: growth in a jitted loop (after its first sample), or an eager peak above `eagerBoundMiB`. */
export function verdicts(r: SoakReport, eagerBoundMiB: number): string[] {
  const bad: string[] = [];
  const [first, ...rest] = r.samples;
  if (!first) return ['no samples'];
  if (!(r.lastLoss < r.firstLoss)) bad.push(`${r.name}: the loss did not go down (${r.firstLoss} → ${r.lastLoss})`);
  if (r.name.includes('jit')) {
    for (const s of rest) {
      if (s.liveBuffers > first.liveBuffers || s.liveMiB > first.liveMiB + 1e-9) bad.push(`${r.name}: step ${s.step}: ${s.liveBuffers} live buffers (${s.liveMiB.toFixed(3)} MiB), ${first.liveBuffers} at step ${first.step}`);
      if (s.heapMiB > first.heapMiB + 8) bad.push(`${r.name}: step ${s.step}: JS heap ${s.heapMiB.toFixed(1)} MiB, ${first.heapMiB.toFixed(1)} at step ${first.step}`);
      if (s.rssMiB > first.rssMiB + 32) bad.push(`${r.name}: step ${s.step}: process memory ${s.rssMiB.toFixed(1)} MiB, ${first.rssMiB.toFixed(1)} at step ${first.step}`);
    }
  } else if (r.peakLiveMiB > eagerBoundMiB) {
    bad.push(`${r.name}: live device memory peaked at ${r.peakLiveMiB.toFixed(1)} MiB, above the bound of ${eagerBoundMiB} MiB`);
  }
  return bad;
}

export function table(r: SoakReport): string {
  const rows = r.samples.map((s) => `  step ${String(s.step).padStart(6)}  rss ${s.rssMiB.toFixed(1).padStart(7)}  heap ${s.heapMiB.toFixed(1).padStart(6)}  external ${s.externalMiB.toFixed(1).padStart(6)}  live ${s.liveMiB.toFixed(2).padStart(7)} MiB in ${String(s.liveBuffers).padStart(4)} buffers  cached ${s.cachedMiB.toFixed(1).padStart(6)}`);
  return [`${r.name}: ${r.steps} steps in ${(r.ms / 1000).toFixed(1)} s, loss ${r.firstLoss.toFixed(4)} → ${r.lastLoss.toFixed(4)}, peak live ${r.peakLiveMiB.toFixed(1)} MiB`, ...rows].join('\n');
}

/** The bound the eager loop must keep (see the README: the allocator's sweep under pressure). */
export const EAGER_BOUND_MIB = 64;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flag = (name: string, d: number) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? Number(argv[i + 1]) : d; };
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : null;
  const jitSteps = flag('jit-steps', 10_000), eagerSteps = flag('eager-steps', 2_000);
  if (!gc) console.log('(run with node --expose-gc for collected samples)');
  const reports: SoakReport[] = [];
  if (!only || only === 'cpu-jit') reports.push(await soakJit('cpu', jitSteps));
  let gpu = true;
  if (!only || only.startsWith('webgpu')) {
    try { await useBackend('webgpu'); } catch (e) { gpu = false; console.log(`no WebGPU adapter (${(e as Error).message}): the WebGPU soaks are skipped`); }
  }
  if (gpu && (!only || only === 'webgpu-jit')) reports.push(await soakJit('webgpu', jitSteps));
  if (gpu && (!only || only === 'webgpu-eager')) reports.push(await soakEagerWebgpu(eagerSteps));
  const bad = reports.flatMap((r) => verdicts(r, EAGER_BOUND_MIB));
  if (argv.includes('--json')) console.log(JSON.stringify(reports));
  else for (const r of reports) console.log(`${table(r)}\n`);
  for (const b of bad) console.log(`FAIL ${b}`);
  console.log(bad.length ? `soak: ${bad.length} problem(s)` : 'soak: flat and bounded');
  process.exit(bad.length ? 1 : 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
