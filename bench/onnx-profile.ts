// Where the time of a jitted program on ONNX Runtime goes: ORT's own per-node profile (summed by
// operator type), the raw native session.run beside cotangent's jit call (our wrapper's cost:
// tensors over the typed arrays, preallocated outputs), and session options that could matter
// (intra-op threads, thread spinning). Programs: the MLP 784-1024-1024-10 Adam step (batch 256)
// and the seed's two-layer step of bench/onnx.ts.
// Usage: node build/bench/onnx-profile.js [--reps 20]
import { readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { np, jit, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { ConcreteArray } from '../src/core/array.js';
import { ClosedJaxpr } from '../src/core/jaxpr.js';
import { lowerToBytes } from '../src/backends/onnx/lower.js';
import { loadOrt } from '../src/backends/onnx/runtime.js';
import { onnxRuntime, setJitTarget } from '../src/onnx/index.js';
import { mlpAdamWorkload } from './workloads.js';
import * as tree from '../src/core/tree.js';
import type { PyTree } from '../src/core/tree.js';

const REPS = Number(process.argv[process.argv.indexOf('--reps') + 1] ?? 0) || 20;
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[s.length >> 1]!; };
const ort = loadOrt();
if (!ort || !onnxRuntime()) throw new Error('bench/onnx-profile: onnxruntime-node is not installed');
type Native = { loadModel(b: ArrayBufferLike, o: number, n: number, opts: object): void; run(f: object, o: object, r: object): Record<string, { data: ArrayLike<number> }>; endProfiling(): string; dispose(): void };

/** A raw native session on `bytes` with these options, and feeds over the program's arguments. */
function session(bytes: Uint8Array, opts: object): Native {
  const s = new (ort!.binding.InferenceSession as unknown as new () => Native)();
  s.loadModel(bytes.buffer, bytes.byteOffset, bytes.byteLength, { interOpNumThreads: 1, graphOptimizationLevel: 'all', executionMode: 'sequential', enableCpuMemArena: true, ...opts });
  return s;
}
function timeRuns(run: () => unknown, reps: number): number {
  run(); run();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) { const t = performance.now(); run(); ts.push(performance.now() - t); }
  return median(ts);
}

function study(name: string, f: (...a: never[]) => unknown, args: unknown[]) {
  const lowered = jit(f as (...a: unknown[]) => PyTree).lower(...(args as never[]));
  const bytes = lowerToBytes(lowered.jaxpr as ClosedJaxpr);
  const [leaves] = tree.flatten(args as never);
  const inputs = [...lowered.consts, ...(leaves as NDArray[])].map((a) => (a as ConcreteArray).dataSync());
  const avals = (lowered.jaxpr as ClosedJaxpr).inAvals, outAvals = (lowered.jaxpr as ClosedJaxpr).outAvals;
  const feedsOf = () => Object.fromEntries(inputs.map((d, i) => [`x${i}`, new ort!.Tensor(avals[i]!.dtype, d as never, avals[i]!.shape)]));
  const fetchesOf = () => Object.fromEntries(outAvals.map((a, i) => [`y${i}`, null]));
  const counts = new Map<string, number>();
  (lowered.jaxpr as ClosedJaxpr).jaxpr.eqns.forEach((e) => counts.set(e.primitive, (counts.get(e.primitive) ?? 0) + 1));
  console.log(`\n## ${name}: ${lowered.jaxpr.jaxpr.eqns.length} equations (${[...counts].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([p, n]) => `${p} ×${n}`).join(', ')}), model ${(bytes.length / 1e6).toFixed(2)} MB`);

  // 1. Session options, raw native run (outputs allocated by ORT).
  const threads = availableParallelism();
  for (const [label, opts] of [
    [`${threads} threads (cotangent's setting)`, { intraOpNumThreads: threads }],
    [`${threads} threads, no spinning`, { intraOpNumThreads: threads, extra: { session: { intra_op: { allow_spinning: '0' } } } }],
    ['1 thread', { intraOpNumThreads: 1 }],
    [`${threads} threads, basic graph optimisations only`, { intraOpNumThreads: threads, graphOptimizationLevel: 'basic' }],
  ] as const) {
    const s = session(bytes, opts);
    const ms = timeRuns(() => s.run(feedsOf(), fetchesOf(), {}), REPS);
    console.log(`raw session.run, ${label}: ${ms.toFixed(3)} ms`);
    s.dispose();
  }

  // 2. cotangent's jit call on the ORT target (the same program, our wrapper around run).
  setJitTarget('onnxruntime', { minFlops: 0 });
  const jitted = jit(f as (...a: unknown[]) => PyTree);
  const ours = timeRuns(() => { const out = jitted(...(args as never[])); tree.leaves(out as never).forEach((x) => (x as ConcreteArray).dataSync()); }, REPS);
  setJitTarget('js');
  console.log(`cotangent jit call on the ORT target (inputs wrapped, outputs preallocated, results as arrays): ${ours.toFixed(3)} ms`);

  // 3. ORT's profile: time per operator type over REPS runs (node events only).
  const prefix = join(tmpdir(), `cotangent-ort-profile-${process.pid}`);
  const s = session(bytes, { intraOpNumThreads: threads, enableProfiling: true, profileFilePrefix: prefix });
  for (let i = 0; i < REPS; i++) s.run(feedsOf(), fetchesOf(), {});
  const file = s.endProfiling();
  s.dispose();
  const events = JSON.parse(readFileSync(file, 'utf8')) as { cat: string; name: string; dur: number; args?: { op_name?: string } }[];
  rmSync(file, { force: true });
  const byOp = new Map<string, number>();
  let total = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time')) continue;
    const op = e.args?.op_name ?? '?';
    byOp.set(op, (byOp.get(op) ?? 0) + e.dur);
    total += e.dur;
  }
  console.log(`ORT profile (${threads} threads), kernel time per run by operator: total ${(total / REPS / 1000).toFixed(3)} ms`);
  for (const [op, us] of [...byOp].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${op.padEnd(18)} ${(us / REPS / 1000).toFixed(3)} ms (${((100 * us) / total).toFixed(1)}%)`);
}

// The MLP Adam step of bench/onnx.ts.
{
  const { params, zeros, xs, labels, step } = mlpAdamWorkload();
  study('MLP 784-1024-1024-10 b=256 Adam step', step as never, [params, zeros(), zeros(), np.array(0), xs, labels]);
}
// The seed's two-layer step.
{
  const k = random.split(random.key(1), 4);
  const x = random.normal(k.get(0), [64, 1000]), y = random.normal(k.get(1), [64, 10]);
  const w1 = random.normal(k.get(2), [1000, 100]), w2 = random.normal(k.get(3), [100, 10]);
  const step = (a: NDArray, b: NDArray, xs: NDArray, ys: NDArray) => {
    const loss = (p: NDArray, q: NDArray) => np.maximum(xs.matmul(p), 0).matmul(q).sub(ys).square().sum();
    const [l, [g1, g2]] = valueAndGrad(loss, { argnums: [0, 1] })(a, b);
    return [a.sub(g1.mul(1e-6)), b.sub(g2.mul(1e-6)), l];
  };
  study('seed two-layer step (64·1000·100·10)', step as never, [w1, w2, x, y]);
}
console.log(`\n# ${REPS} runs per median; load average ${loadavg().map((v) => v.toFixed(2)).join(' ')} at the end`);
