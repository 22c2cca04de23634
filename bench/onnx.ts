// ONNX Runtime as jit's target beside the JS/WASM compiler and numpy (2 threads), interleaved in
// rounds in one run: matmul n=1024, the seed's two-layer step, a 784-1024-1024-10 Adam step (batch
// 256), and the per-call cost of a tiny program. torch is compared where `import torch` works.
// Usage: node build/bench/onnx.js [--rounds 5]
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { np, jit, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { onnxRuntime, setJitTarget } from '../src/onnx/index.js';
import { MlpParams, mlpAdamWorkload } from './workloads.js';

const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? 0) || 5;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
if (!onnxRuntime()) throw new Error('bench/onnx: onnxruntime-node is not installed');

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
const hasTorch = spawnSync('python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

/** jit(f) compiled for both targets; reading one output forces the work on either. */
function bothTargets<A extends NDArray[]>(f: (...a: A) => NDArray | NDArray[] | object, args: A) {
  setJitTarget('js');
  const js = jit(f);
  js(...args);
  // The target is read when a jitted call runs (executables are cached per jaxpr and compiler), so
  // the ORT side must run with the target set, not only be created with it.
  const onOrt = jit(f);
  const ort = (...a: A) => {
    setJitTarget('onnxruntime', { minFlops: 0 });
    try { return onOrt(...a); } finally { setJitTarget('js'); }
  };
  ort(...args);
  return { js, ort };
}

interface Row { name: string; unit: string; js: number[]; ort: number[]; numpy: number[] | string; flops?: number }
const rows: Row[] = [];

// ---- matmul n=1024 -------------------------------------------------------------------------------
{
  const k = random.split(random.key(0), 2);
  const a = random.normal(k.get(0), [1024, 1024]), b = random.normal(k.get(1), [1024, 1024]);
  const { js, ort } = bothTargets((p: NDArray, q: NDArray) => p.matmul(q), [a, b]) as unknown as Record<'js' | 'ort', (p: NDArray, q: NDArray) => NDArray>;
  rows.push({ name: 'float32 matmul n=1024', unit: 'ms', js: [], ort: [], numpy: [], flops: 2 * 1024 ** 3 });
  const row = rows[rows.length - 1]!;
  for (let r = 0; r < ROUNDS; r++) {
    row.js.push(...block(() => js(a, b).dataSync(), 5));
    row.ort.push(...block(() => ort(a, b).dataSync(), 5));
    const n = numpyBlock('matmul', 5); if (typeof n === 'string') row.numpy = n; else (row.numpy as number[]).push(...n);
  }
}

// ---- the seed's two-layer step -------------------------------------------------------------------
{
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const k = random.split(random.key(1), 4);
  const x = random.normal(k.get(0), [N, D_in]), y = random.normal(k.get(1), [N, D_out]);
  let w1 = random.normal(k.get(2), [D_in, H]), w2 = random.normal(k.get(3), [H, D_out]);
  const step = (a: NDArray, b: NDArray, xs: NDArray, ys: NDArray) => {
    const loss = (p: NDArray, q: NDArray) => np.maximum(xs.matmul(p), 0).matmul(q).sub(ys).square().sum();
    const [l, [g1, g2]] = valueAndGrad(loss, { argnums: [0, 1] })(a, b) as [NDArray, [NDArray, NDArray]];
    return [a.sub(g1.mul(1e-6)), b.sub(g2.mul(1e-6)), l];
  };
  const { js, ort } = bothTargets(step, [w1, w2, x, y]);
  const run = (f: (...a: NDArray[]) => unknown) => () => { const [a, b, l] = f(w1, w2, x, y) as NDArray[]; w1 = a!; w2 = b!; return l!.itemSync(); };
  rows.push({ name: 'seed two-layer step (64·1000·100·10)', unit: 'ms', js: [], ort: [], numpy: [] });
  const row = rows[rows.length - 1]!;
  for (let r = 0; r < ROUNDS; r++) {
    row.js.push(...block(run(js), 100));
    row.ort.push(...block(run(ort), 100));
    const n = numpyBlock('step', 100); if (typeof n === 'string') row.numpy = n; else (row.numpy as number[]).push(...n);
  }
}

// ---- MLP 784-1024-1024-10, batch 256, Adam ---------------------------------------------------------
{
  const w = mlpAdamWorkload();
  type P = MlpParams;
  let params = w.params, m = w.zeros(), v = w.zeros(), t = np.array(0);
  const { xs, labels, step } = w;
  const { js, ort } = bothTargets(step as never, [params, m, v, t, xs, labels] as never) as unknown as Record<'js' | 'ort', typeof step>;
  const run = (f: typeof step) => () => { const o = f(params, m, v, t, xs, labels); params = o.p; m = o.m; v = o.v; t = o.t; return o.loss.itemSync(); };
  rows.push({ name: 'MLP 784-1024-1024-10 b=256 Adam step', unit: 'ms', js: [], ort: [], numpy: [] });
  const row = rows[rows.length - 1]!;
  for (let r = 0; r < ROUNDS; r++) {
    row.js.push(...block(run(js), 4));
    row.ort.push(...block(run(ort), 4));
    const n = numpyBlock('mlp', 4); if (typeof n === 'string') row.numpy = n; else (row.numpy as number[]).push(...n);
  }
  // The same step with the parameters and Adam moments donated (jit's donateArgnums): each target
  // keeps its own copy of the state; ORT recycles the donated buffers as the next call's outputs.
  const copyOf = (q: P): P => ({ w: q.w.map((a) => np.array(a.dataSync().slice()).reshape(...a.shape)), b: q.b.map((a) => np.array(a.dataSync().slice()).reshape(...a.shape)) });
  const donatedJs = jit(step, { donateArgnums: [0, 1, 2] }), donatedOrt = jit(step, { donateArgnums: [0, 1, 2] });
  const states = { js: { p: copyOf(params), m: copyOf(m), v: copyOf(v), t }, ort: { p: copyOf(params), m: copyOf(m), v: copyOf(v), t } };
  const runDonated = (which: 'js' | 'ort') => () => {
    const st = states[which];
    if (which === 'ort') setJitTarget('onnxruntime', { minFlops: 0 });
    try {
      const o = (which === 'js' ? donatedJs : donatedOrt)(st.p, st.m, st.v, st.t, xs, labels);
      st.p = o.p; st.m = o.m; st.v = o.v; st.t = o.t;
      return o.loss.itemSync();
    } finally { setJitTarget('js'); }
  };
  runDonated('js')(); runDonated('ort')();
  rows.push({ name: 'MLP Adam step, parameters and moments donated', unit: 'ms', js: [], ort: [], numpy: 'n/a (same as above)' });
  const drow = rows[rows.length - 1]!;
  for (let r = 0; r < ROUNDS; r++) {
    drow.js.push(...block(runDonated('js'), 4));
    drow.ort.push(...block(runDonated('ort'), 4));
  }
}

// ---- per-call cost of a tiny program ----------------------------------------------------------------
{
  const a = np.ones([4]);
  const { js, ort } = bothTargets((p: NDArray) => p.add(1).mul(2), [a]);
  rows.push({ name: 'tiny program (x+1)·2 on f32[4], per call', unit: 'µs', js: [], ort: [], numpy: 'n/a' });
  const row = rows[rows.length - 1]!;
  for (let r = 0; r < ROUNDS; r++) {
    row.js.push(...block(() => js(a), 2000).map((x) => x * 1000));
    row.ort.push(...block(() => ort(a), 2000).map((x) => x * 1000));
  }
}

console.log(`# bench/onnx: ${cpus()[0]?.model?.trim()}, ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)} at the end; ${ROUNDS} interleaved rounds; medians`);
console.log(`# onnxruntime-node ${onnxRuntime()!.version} (${cpus().length} intra-op threads); numpy with OPENBLAS_NUM_THREADS=2; ${hasTorch ? 'torch present but not measured by this script' : 'torch is not installed here (python3 -c "import torch" fails): numpy is the only reference'}`);
console.log('| workload | jit → JS/WASM | jit → ONNX Runtime | numpy (2 threads) | ORT vs numpy |');
console.log('|---|---|---|---|---|');
for (const r of rows) {
  const j = median(r.js), o = median(r.ort), n = typeof r.numpy === 'string' ? null : median(r.numpy);
  const fmt = (x: number) => (r.flops ? `${x.toFixed(2)} ${r.unit} (${(r.flops / x / 1e6).toFixed(0)} GFLOP/s)` : `${x.toFixed(r.unit === 'ms' ? 3 : 1)} ${r.unit}`);
  const ratio = n === null ? '—' : r.flops ? `${(n / o).toFixed(2)}× numpy's GFLOP/s` : `${(o / n).toFixed(2)}× numpy's time`;
  console.log(`| ${r.name} | ${fmt(j)} | ${fmt(o)} | ${n === null ? String(r.numpy) : fmt(n)} | ${ratio} |`);
}
