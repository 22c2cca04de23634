// cotangent's jitted CPU path beside numpy (2 threads), interleaved in rounds in one run: issue #17's workloads, medians and ratios.
//
// Workloads: tanh(x)·2 + exp(−x·x) over 10M float32; the seed's two-layer step; a 784-1024-1024-10
// MLP step with Adam (batch 256); the seed's polynomial step; float32 matmul n=1024. Each round runs
// a block of cotangent calls and then a block of numpy calls (bench/onnx_numpy.py, one process per
// block, timed inside it), so load from elsewhere on a shared machine falls on both alike.
// Usage: node build/bench/versus-numpy.js [--rounds 5] [--only chain,step,mlp,poly,matmul]
// numpy runs with OPENBLAS_NUM_THREADS=2 and without OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE.
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { np, jit, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { mlpAdamWorkload } from './workloads.js';

const argOf = (name: string) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
const ROUNDS = Number(argOf('rounds') ?? 5) || 5;
const ONLY = argOf('only')?.split(',');
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const loadStart = loadavg()[0]!;

function block(fn: () => unknown, reps: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); fn(); out.push(performance.now() - t); }
  return out;
}
function numpyBlock(work: string, reps: number): number[] | string {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '2', OMP_NUM_THREADS: '2', MKL_NUM_THREADS: '2' };
  delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['bench/onnx_numpy.py', work, String(reps)], { env, encoding: 'utf8' });
  if (r.status !== 0) return `numpy failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  return r.stdout.trim().split(/\s+/).map(Number);
}

interface Workload { key: string; name: string; reps: number; run: () => unknown; flops?: number }
const workloads: Workload[] = [];

// ---- tanh(x)·2 + exp(−x·x), 10M float32 ---------------------------------------------------------
{
  const n = 10_000_000;
  const x = random.uniform(random.key(5), [n], { minval: -2, maxval: 2 });
  const f = jit((v: NDArray) => np.tanh(v).mul(2).add(np.exp(v.neg().mul(v))));
  workloads.push({ key: 'chain', name: '`tanh(x)*2 + exp(-x*x)`, 10M float32, `jit`', reps: 5, run: () => f(x).dataSync() });
}

// ---- the seed's two-layer step -------------------------------------------------------------------
{
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const k = random.split(random.key(1), 4);
  const x = random.normal(k.get(0), [N, D_in]), y = random.normal(k.get(1), [N, D_out]);
  let w1 = random.normal(k.get(2), [D_in, H]), w2 = random.normal(k.get(3), [H, D_out]);
  const step = jit((a: NDArray, b: NDArray, xs: NDArray, ys: NDArray) => {
    const loss = (p: NDArray, q: NDArray) => np.maximum(xs.matmul(p), 0).matmul(q).sub(ys).square().sum();
    const [l, [g1, g2]] = valueAndGrad(loss, { argnums: [0, 1] })(a, b) as [NDArray, [NDArray, NDArray]];
    return [a.sub(g1.mul(1e-6)), b.sub(g2.mul(1e-6)), l] as NDArray[];
  });
  workloads.push({ key: 'step', name: 'seed two-layer step (64·1000·100·10), `jit`', reps: 100, run: () => { const [a, b, l] = step(w1, w2, x, y); w1 = a!; w2 = b!; return l!.itemSync(); } });
}

// ---- MLP 784-1024-1024-10, batch 256, Adam ---------------------------------------------------------
{
  const w = mlpAdamWorkload();
  let params = w.params, m = w.zeros(), v = w.zeros(), t = np.array(0);
  const { xs, labels } = w, step = jit(w.step);
  workloads.push({ key: 'mlp', name: 'MLP 784-1024-1024-10, batch 256, Adam, `jit`', reps: 4, run: () => { const o = step(params, m, v, t, xs, labels); params = o.p; m = o.m; v = o.v; t = o.t; return o.loss.itemSync(); } });
}

// ---- the seed's polynomial step ------------------------------------------------------------------
{
  const x = np.linspace(-Math.PI, Math.PI, 2000), y = np.sin(x);
  const k = random.split(random.key(3), 4);
  type C = { a: NDArray; b: NDArray; c: NDArray; d: NDArray };
  let c: C = { a: random.normal(k.get(0), []), b: random.normal(k.get(1), []), c: random.normal(k.get(2), []), d: random.normal(k.get(3), []) };
  const step = jit((q: C) => {
    const loss = ({ a, b, c: cc, d }: C) => a.add(b.mul(x)).add(cc.mul(x.pow(2))).add(d.mul(x.pow(3))).sub(y).square().sum();
    const [l, g] = valueAndGrad(loss)(q) as [NDArray, C];
    return { l, q: { a: q.a.sub(g.a.mul(1e-6)), b: q.b.sub(g.b.mul(1e-6)), c: q.c.sub(g.c.mul(1e-6)), d: q.d.sub(g.d.mul(1e-6)) } };
  });
  workloads.push({ key: 'poly', name: 'seed polynomial step (2000 points), `jit`', reps: 200, run: () => { const o = step(c); c = o.q; return o.l.itemSync(); } });
}

// ---- matmul n=1024 -------------------------------------------------------------------------------
{
  const k = random.split(random.key(0), 2);
  const a = random.normal(k.get(0), [1024, 1024]), b = random.normal(k.get(1), [1024, 1024]);
  const mm = jit((p: NDArray, q: NDArray) => p.matmul(q));
  workloads.push({ key: 'matmul', name: 'float32 matmul n=1024, `jit`', reps: 5, run: () => mm(a, b).dataSync(), flops: 2 * 1024 ** 3 });
}

const chosen = workloads.filter((w) => !ONLY || ONLY.includes(w.key));
const times = new Map(chosen.map((w) => [w.key, { ct: [] as number[], numpy: [] as number[] | string }]));
for (const w of chosen) for (let i = 0; i < 3; i++) w.run(); // compile and warm up
for (let r = 0; r < ROUNDS; r++) {
  for (const w of chosen) {
    const t = times.get(w.key)!;
    t.ct.push(...block(w.run, w.reps));
    const n = numpyBlock(w.key, w.reps);
    if (typeof n === 'string') t.numpy = n; else if (typeof t.numpy !== 'string') t.numpy.push(...n);
  }
}

const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim();
const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8' }).stdout.trim() ? '+dirty' : '';
console.log(`# bench/versus-numpy at ${new Date().toISOString()}: ${cpus()[0]?.model?.trim()}, ${cpus().length} cores, load average ${loadStart.toFixed(2)} at the start and ${loadavg()[0]!.toFixed(2)} at the end; cotangent ${commit}${dirty}; ${ROUNDS} interleaved rounds; medians`);
console.log('| workload | cotangent | numpy (2 threads) | cotangent / numpy |');
console.log('|---|---|---|---|');
for (const w of chosen) {
  const t = times.get(w.key)!;
  const c = median(t.ct), n = typeof t.numpy === 'string' ? null : median(t.numpy);
  const fmt = (ms: number) => (w.flops ? `${ms.toFixed(2)} ms (${(w.flops / ms / 1e6).toFixed(0)} GFLOP/s)` : `${ms < 1 ? ms.toFixed(3) : ms.toFixed(2)} ms`);
  console.log(`| ${w.name} | ${fmt(c)} | ${n === null ? String(t.numpy) : fmt(n)} | ${n === null ? '—' : `${(c / n).toFixed(2)}×`} |`);
}
