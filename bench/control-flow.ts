// Benchmark of staged control flow on the CPU, in one run:
//  1. a 1000-step RNN (hidden 64, batch 8) forward + backward as one jitted scan, against a JS loop
//     of jitted cell calls under valueAndGrad (interleaved rounds, medians);
//  2. the jit compile time (trace, optimise, generate code) of that scan at 10 and at 1000 steps;
//  3. a 100-layer tanh MLP (width 512) under grad: the peak live bytes of its backward pass
//     (residuals plus what the backward pass makes, each freed after its last use), without
//     checkpoint, with checkpoint per layer and per block of 10 layers; the gradients' agreement.
// Usage: node build/bench/control-flow.js [--rounds 5]
import { checkpoint, jit, lax, np, random, valueAndGrad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { linearizeFlat } from '../src/transforms/linearize.js';
import { backwardPass } from '../src/transforms/transpose.js';
import { traceFlat } from '../src/transforms/make-jaxpr.js';
import { ClosedJaxpr, Var } from '../src/core/jaxpr.js';
import { itemsize } from '../src/core/dtype.js';
import { execSync } from 'node:child_process';

const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : fallback; };
const ROUNDS = arg('rounds', 5);
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };
const time = (f: () => void) => { const t = performance.now(); f(); return performance.now() - t; };
console.log(`uptime: ${execSync('uptime').toString().trim()}`);

// ---- 1. RNN forward + backward ---------------------------------------------------------------------
const [T, B, H] = [1000, 8, 64];
const ks = random.split(random.key(0), 4);
const params0 = { wx: random.normal(ks.get(0), [H, H]).mul(0.1), wh: random.normal(ks.get(1), [H, H]).mul(0.1), b: np.zeros([H]) };
type P = typeof params0;
const xs = random.normal(ks.get(2), [T, B, H]);
const h0 = np.zeros([B, H]);

const cellFn = (p: P, h: NDArray, x: NDArray) => np.tanh(x.matmul(p.wx).add(h.matmul(p.wh)).add(p.b));
const scanLoss = (p: P, seq: NDArray) => lax.scan((h: NDArray, x: NDArray) => [cellFn(p, h, x), null] as const, h0, seq)[0].square().sum();
const jittedScan = jit(valueAndGrad(scanLoss));
const cell = jit(cellFn);
const slices = Array.from({ length: T }, (_, t) => xs.get(t));
const loopLoss = (p: P) => { let h = h0; for (let t = 0; t < T; t++) h = cell(p, h, slices[t]!); return h.square().sum(); };
const loopGrad = valueAndGrad(loopLoss);

const [vs, gs] = jittedScan(params0, xs) as [NDArray, P];
const [vl, gl] = loopGrad(params0) as [NDArray, P];
const rel = (a: NDArray, b: NDArray) => np.abs(a.sub(b)).max().itemSync() / Math.max(1e-30, np.abs(b).max().itemSync());
console.log(`RNN T=${T} B=${B} H=${H}: loss scan ${vs.itemSync().toFixed(6)} vs loop ${vl.itemSync().toFixed(6)}; max relative gradient difference ${Math.max(rel(gs.wx, gl.wx), rel(gs.wh, gl.wh), rel(gs.b, gl.b)).toExponential(2)}`);
const tScan: number[] = [], tLoop: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  tScan.push(time(() => { const [v] = jittedScan(params0, xs) as [NDArray, P]; v.dataSync(); }));
  tLoop.push(time(() => { const [v] = loopGrad(params0) as [NDArray, P]; v.dataSync(); }));
}
console.log(`  fwd+bwd, one jitted scan:          median ${median(tScan).toFixed(1)} ms (${tScan.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`  fwd+bwd, JS loop of jitted cells:  median ${median(tLoop).toFixed(1)} ms (${tLoop.map((t) => t.toFixed(0)).join(', ')})`);
console.log(`  speed-up: ${(median(tLoop) / median(tScan)).toFixed(1)}×`);

// ---- 2. compile time against length ----------------------------------------------------------------
// The sequences are sliced once, outside the timed region (a slice copies, and its garbage would land in the timing).
const seqs = new Map([10, 1000].map((n) => [n, xs.get(`:${n}`)] as const));
const compileTime = (n: number) => {
  const seq = seqs.get(n)!;
  return time(() => { jit(valueAndGrad(scanLoss)).lower(params0, seq).compiledText(); });
};
compileTime(10); compileTime(1000); // warm: the first trace of any function pays for V8's own compilation
const c10: number[] = [], c1000: number[] = [];
for (let r = 0; r < ROUNDS; r++) { c10.push(compileTime(10)); c1000.push(compileTime(1000)); }
console.log(`jit compile (trace + optimise + generate) of valueAndGrad(scan): 10 steps median ${median(c10).toFixed(1)} ms, 1000 steps ${median(c1000).toFixed(1)} ms, ratio ${(median(c1000) / median(c10)).toFixed(2)}`);

// ---- 3. checkpoint: peak live bytes of the backward pass ----------------------------------------
// Measured on the jaxprs, not with an allocation counter (the CPU has none): the residuals the
// forward pass keeps (the linearized jaxpr's constants, parameters excluded: they are live anyway),
// then a walk of the backward jaxpr (the linear jaxpr transposed and traced, recomputation
// included) in program order, where every value, residuals included, is freed after its last use
// and an equation's results are live while it runs. The peak of that walk is what an executor that
// frees at last use holds. Three forms: no checkpoint, checkpoint per layer, and checkpoint per
// block of √L layers (the forward pass keeps only the block inputs; the backward pass recomputes one
// block at a time).
const [L, W, N] = [100, 512, 256];
const BLOCK = 10;
const kl = random.split(random.key(1), L + 1);
const ws = Array.from({ length: L }, (_, i) => random.normal(kl.get(i), [W, W]).mul(1 / Math.sqrt(W)));
const bs = Array.from({ length: L }, () => np.zeros([W]));
const input = random.normal(kl.get(L), [N, W]);
const layer = (w: NDArray, b: NDArray, h: NDArray) => np.tanh(h.matmul(w).add(b));
const ckLayer = checkpoint(layer);
const ckBlock = checkpoint((h: NDArray, ...p: NDArray[]) => { for (let i = 0; i < BLOCK; i++) h = layer(p[i]!, p[BLOCK + i]!, h); return h; });
type Form = 'none' | 'layer' | 'block';
const mlp = (form: Form) => (...p: NDArray[]) => {
  let h = input;
  if (form === 'block') for (let i = 0; i < L; i += BLOCK) h = ckBlock(h, ...p.slice(i, i + BLOCK), ...p.slice(L + i, L + i + BLOCK));
  else for (let i = 0; i < L; i++) h = (form === 'layer' ? ckLayer : layer)(p[i]!, p[L + i]!, h);
  return [h.square().mean()];
};
const bytesOf = (v: Var) => v.aval.size * itemsize(v.aval.dtype);
/**
 * The largest sum of live bytes while `cj` runs in program order, freeing each value after its last
 * use; `skip`: constants not counted; `countOuts`: whether the results count (the gradients do not:
 * they are the size of the parameters whatever the checkpointing).
 */
function peakLiveBytes(cj: ClosedJaxpr, skip: (c: NDArray) => boolean, countOuts: boolean): number {
  const { jaxpr } = cj;
  const results = new Set(countOuts ? [] : jaxpr.outs);
  const last = new Map<Var, number>();
  jaxpr.eqns.forEach((e, i) => e.inputs.forEach((a) => { if (a instanceof Var) last.set(a, i); }));
  jaxpr.outs.forEach((a) => { if (a instanceof Var) last.set(a, Infinity); });
  const counted = new Set<Var>([...jaxpr.constvars.filter((_, i) => !skip(cj.consts[i]!)), ...jaxpr.invars]);
  let live = [...counted].reduce((s, v) => s + bytesOf(v), 0), peak = live;
  jaxpr.eqns.forEach((e, i) => {
    // A sub-jaxpr (a call left in the backward pass) holds its own intermediates while it runs.
    const inner = Object.values(e.params as object).flatMap((p) => (p instanceof ClosedJaxpr ? [p] : Array.isArray(p) ? p.filter((q) => q instanceof ClosedJaxpr) : []))
      .reduce((m, sub: ClosedJaxpr) => Math.max(m, peakLiveBytes(sub, () => true, true) - sub.jaxpr.invars.reduce((s, v) => s + bytesOf(v), 0)), 0);
    const outs = e.outvars.filter((v) => !results.has(v)).reduce((s, v) => s + bytesOf(v), 0);
    peak = Math.max(peak, live + inner + outs);
    e.outvars.forEach((v) => { if (!results.has(v)) { counted.add(v); live += bytesOf(v); } });
    for (const v of [...e.inputs, ...e.outvars]) {
      if (v instanceof Var && counted.has(v) && (last.get(v) ?? -1) <= i) { counted.delete(v); live -= bytesOf(v); }
    }
  });
  return peak;
}
const params = new Set<unknown>([...ws, ...bs]);
const measure = (form: Form) => {
  const lin = linearizeFlat(mlp(form), [...ws, ...bs]);
  const residuals = [...new Set(lin.linear.consts)].filter((c) => !params.has(c)).reduce((s, c) => s + c.size * 4, 0);
  const backward = traceFlat((ct) => backwardPass(lin.linear, [ct]) as NDArray[], lin.linear.outAvals);
  return { residuals, peak: peakLiveBytes(backward, (c) => params.has(c), false) };
};
const forms = { none: measure('none'), layer: measure('layer'), block: measure('block') };
const [, g0] = valueAndGrad((p: NDArray[]) => mlp('none')(...p)[0]!)([...ws, ...bs]) as [NDArray, NDArray[]];
const gdiff = (form: Form) => {
  const [, g] = valueAndGrad((p: NDArray[]) => mlp(form)(...p)[0]!)([...ws, ...bs]) as [NDArray, NDArray[]];
  return Math.max(...g0.map((g0i, i) => rel(g[i]!, g0i)));
};
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
console.log(`MLP L=${L} width=${W} batch=${N} under grad (parameters and their gradients, ${mib((ws.length * W * W + bs.length * W) * 4)} each, excluded):`);
for (const form of ['none', 'layer', 'block'] as const) {
  const { residuals, peak } = forms[form];
  const label = { none: 'no checkpoint', layer: 'checkpoint per layer', block: `checkpoint per block of ${BLOCK} layers` }[form];
  console.log(`  ${label.padEnd(34)} residuals ${mib(residuals).padStart(10)}, backward peak live ${mib(peak).padStart(10)} = ${(peak / forms.none.peak).toFixed(3)}× of none` +
    (form === 'none' ? '' : `; max relative gradient difference ${gdiff(form).toExponential(2)}`));
}
