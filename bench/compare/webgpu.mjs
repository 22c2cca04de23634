// WebGPU side by side on one adapter: matmul GFLOP/s, the two-layer training step and an elementwise chain for cotangent, tfjs-webgpu and jax-js webgpu, in one process.
// Usage: XDG_RUNTIME_DIR=/tmp node webgpu.mjs [--sizes 1024] [--block 5] [--budget-ms 4000] [--n 10000000]
// All three libraries take their adapter from one navigator.gpu made by Dawn's `webgpu` package;
// the object `create()` returns is kept in a module variable for the life of the process (Dawn
// aborts when it is garbage-collected while a kernel runs). Every timed matmul ends with C read
// back to the host and is checked against float64 entries; every timed block of training steps
// ends with the new weights computed (read back, or jax-js's blockUntilReady). The libraries take
// turns, one timed run each per round, so load from elsewhere falls on all of them alike.
import os from 'node:os';
import { arg, header, loadTfjsCore, measureInterleaved, normal, relError, table, uniform, Unavailable } from './common.mjs';

const sizes = arg('sizes', '1024').split(',').map(Number);
const block = Number(arg('block', '5'));
const budgetMs = Number(arg('budget-ms', '4000'));
const chainSize = Number(arg('n', String(10_000_000)));

// ---- one navigator.gpu for everyone ------------------------------------------------------------
let gpuInstance = null; // held until exit: see the note above
try {
  const { create, globals } = await import('webgpu'); // the main project's optional dependency
  Object.assign(globalThis, globals);
  gpuInstance = create([]);
  globalThis.navigator = { gpu: gpuInstance, userAgent: `Node.js/${process.versions.node}`, hardwareConcurrency: os.cpus().length };
} catch (e) {
  console.log(`no WebGPU here: the 'webgpu' package failed to load (${e.message}); run npm install in the repository root`);
  process.exit(1);
}
const adapter = await gpuInstance.requestAdapter({ powerPreference: 'high-performance' });
if (!adapter) {
  console.log('no WebGPU adapter found (on Linux without a GPU: sudo bash scripts/install-software-webgpu.sh, and XDG_RUNTIME_DIR=/tmp)');
  process.exit(1);
}
const describe = (info) => (info ? [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ') : '') || 'unknown adapter';
/** The adapter as each library saw it, short enough for a table column: vendor and description. */
const short = (info) => (info ? [info.vendor, info.description || info.device].filter((s) => s).join(' ') : '') || 'unknown adapter';

header(`WebGPU, on adapter: ${describe(adapter.info)}`);

// ---- the libraries, each on its own device from the same navigator.gpu --------------------------
async function loadCotangent() {
  try {
    const ct = await import('../../build/src/index.js');
    await ct.useBackend('webgpu');
    const { adapterDescription } = await import('../../build/src/backends/webgpu/index.js');
    const [vendor, , , description] = adapterDescription().split(' / '); // vendor / architecture / device / description
    return { ...ct, adapter: [vendor, description].filter((s) => s).join(' ') };
  } catch (e) {
    return new Unavailable('cotangent webgpu', e);
  }
}
async function loadTfjsWebgpu() {
  try {
    const tf = await loadTfjsCore();
    await import('@tensorflow/tfjs-backend-webgpu'); // registers 'webgpu' only if navigator.gpu exists at import time
    if (!(await tf.setBackend('webgpu'))) throw new Error('tf.setBackend("webgpu") returned false');
    await tf.ready();
    const b = tf.backend();
    return { tf, adapter: short(b.device?.adapterInfo ?? b.adapterInfo) };
  } catch (e) {
    return new Unavailable('tfjs-webgpu', e);
  }
}
async function loadJaxWebgpu() {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('webgpu');
    if (!devices.includes('webgpu')) throw new Error(`init('webgpu') gave ${JSON.stringify(devices)}`);
    jax.defaultDevice('webgpu');
    return { jax, adapter: short(jax.getWebGPUDevice().adapterInfo) };
  } catch (e) {
    return new Unavailable('jax-js webgpu', e);
  }
}
const ct = await loadCotangent(), tfg = await loadTfjsWebgpu(), jxg = await loadJaxWebgpu();
for (const lib of [ct, tfg, jxg]) if (lib instanceof Unavailable) console.log(`# ${lib.message}`);

// ---- matmul ------------------------------------------------------------------------------------
const VARIANTS = [
  { name: 'A·B', ta: false, tb: false },
  { name: 'Aᵀ·B', ta: true, tb: false },
  { name: 'A·Bᵀ', ta: false, tb: true },
];
function referenceEntries(A, B, n, { ta, tb }) {
  const at = (M, r, c, t) => (t ? M[c * n + r] : M[r * n + c]);
  const out = [];
  for (const [i, j] of [[0, 0], [n - 1, n - 1], [1, n - 2], [n >> 1, n >> 2], [n - 3, 5], [7, n >> 1]]) {
    let s = 0;
    for (let k = 0; k < n; k++) s += at(A, i, k, ta) * at(B, k, j, tb);
    out.push([i * n + j, s]);
  }
  return out;
}

const matmuls = [];
if (!(ct instanceof Unavailable)) {
  const { np, jit } = ct;
  const op = (p, q, { ta, tb }) => np.matmul(ta ? p.T : p, tb ? q.T : q);
  const jitted = new Map(VARIANTS.map((v) => [v.name, jit((p, q) => op(p, q, v))]));
  const inputs = (A, B, n) => [np.fromTypedArray(A, [n, n]), np.fromTypedArray(B, [n, n])];
  matmuls.push({ label: 'cotangent webgpu eager (np.matmul, .T)', adapter: ct.adapter, inputs, run: ([a, b], v) => op(a, b, v).data() });
  matmuls.push({ label: 'cotangent webgpu jit', adapter: ct.adapter, inputs, run: ([a, b], v) => jitted.get(v.name)(a, b).data() });
}
if (!(tfg instanceof Unavailable)) {
  const { tf } = tfg;
  matmuls.push({
    label: 'tfjs-webgpu (tf.matMul)', adapter: tfg.adapter,
    inputs: (A, B, n) => [tf.tensor2d(A, [n, n]), tf.tensor2d(B, [n, n])],
    run: async ([a, b], v) => { const c = tf.matMul(a, b, v.ta, v.tb); const out = await c.data(); c.dispose(); return out; },
    free: (xs) => xs.forEach((x) => x.dispose()),
  });
}
if (!(jxg instanceof Unavailable)) {
  const np = jxg.jax.numpy;
  const op = (p, q, { ta, tb }) => np.matmul(ta ? p.transpose() : p, tb ? q.transpose() : q);
  const jitted = new Map(VARIANTS.map((v) => [v.name, jxg.jax.jit((p, q) => op(p, q, v))]));
  matmuls.push({
    label: 'jax-js webgpu jit', adapter: jxg.adapter,
    inputs: (A, B, n) => [np.array(A).reshape([n, n]), np.array(B).reshape([n, n])],
    run: ([a, b], v) => jitted.get(v.name)(a.ref, b.ref).data(),
    free: (xs) => xs.forEach((x) => x.dispose()),
  });
}

const mmRows = [], failures = [];
for (const n of sizes) {
  const A = uniform(n * n, 1), B = uniform(n * n, 2);
  const inputs = matmuls.map((c) => c.inputs(A, B, n));
  for (const v of VARIANTS) {
    // The contenders take turns (one product each per round), so load from elsewhere falls on all alike.
    const results = await measureInterleaved(matmuls.map((c, k) => () => c.run(inputs[k], v)), { budgetMs, warmup: 2, minRounds: 5, maxRounds: 30 });
    for (const [k, c] of matmuls.entries()) {
      try {
        const t = results[k];
        if (t instanceof Error) throw t;
        const err = relError(await c.run(inputs[k], v), referenceEntries(A, B, n, v));
        if (err > 1e-3) throw new Error(`wrong result: relative error ${err.toExponential(2)}`);
        mmRows.push([c.label, v.name, String(n), ((2 * n ** 3) / (t.ms / 1000) / 1e9).toFixed(2), t.ms.toFixed(1), String(t.runs), c.adapter]);
        console.log(`  ${c.label} ${v.name} n=${n}: ${t.ms.toFixed(1)} ms (min ${t.min.toFixed(1)}, max ${t.max.toFixed(1)})`);
      } catch (e) {
        mmRows.push([c.label, v.name, String(n), 'error', '', '', c.adapter]);
        failures.push(`matmul ${c.label} ${v.name} n=${n}: ${e.stack ?? e.message}`);
      }
    }
  }
  matmuls.forEach((c, k) => c.free?.(inputs[k]));
}

// ---- the two-layer training step ---------------------------------------------------------------
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const lr = 1e-6;
const data = { x: normal(N * D_in, 11), y: normal(N * D_out, 12), w1: normal(D_in * H, 13), w2: normal(H * D_out, 14) };
const steps = [];
if (!(ct instanceof Unavailable)) {
  const { np, jit, valueAndGrad } = ct;
  const x = np.fromTypedArray(data.x, [N, D_in]), y = np.fromTypedArray(data.y, [N, D_out]);
  const lossAndGrad = valueAndGrad(({ w1, w2 }, x, y) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum());
  const sgd = (w, x, y) => { const [l, g] = lossAndGrad(w, x, y); return [l, { w1: w.w1.sub(g.w1.mul(lr)), w2: w.w2.sub(g.w2.mul(lr)) }]; };
  for (const [label, stepFn] of [['cotangent webgpu eager (valueAndGrad)', sgd], ['cotangent webgpu jit (whole step)', jit(sgd)]]) {
    let w = { w1: np.fromTypedArray(data.w1, [D_in, H]), w2: np.fromTypedArray(data.w2, [H, D_out]) };
    const kept = [];
    steps.push({
      label, adapter: ct.adapter,
      step: () => { const [l, next] = stepFn(w, x, y); kept.push(l); w = next; },
      sync: () => Promise.all([w.w1.data(), w.w2.data()]),
      losses: () => Promise.all(kept.map((l) => l.item())),
    });
  }
}
if (!(tfg instanceof Unavailable)) {
  const { tf } = tfg;
  const x = tf.tensor2d(data.x, [N, D_in]), y = tf.tensor2d(data.y, [N, D_out]);
  const w1 = tf.variable(tf.tensor2d(data.w1, [D_in, H])), w2 = tf.variable(tf.tensor2d(data.w2, [H, D_out]));
  const kept = [];
  steps.push({
    label: 'tfjs-webgpu (tf.variableGrads)', adapter: tfg.adapter,
    step: () => {
      kept.push(tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), y))), [w1, w2]);
        w1.assign(tf.sub(w1, tf.mul(grads[w1.name], lr)));
        w2.assign(tf.sub(w2, tf.mul(grads[w2.name], lr)));
        return value;
      }));
    },
    sync: () => Promise.all([w1.data(), w2.data()]),
    losses: async () => { const out = []; for (const l of kept) { out.push((await l.data())[0]); l.dispose(); } return out; },
  });
}
if (!(jxg instanceof Unavailable)) {
  const { jax } = jxg;
  const np = jax.numpy;
  const lossAndGrad = jax.valueAndGrad((w, x, y) => np.sum(np.square(np.matmul(np.maximum(np.matmul(x, w.w1), 0), w.w2).sub(y))));
  const sgd = (w, x, y) => { const [l, g] = lossAndGrad(jax.tree.ref(w), x, y); return [l, { w1: w.w1.sub(g.w1.mul(lr)), w2: w.w2.sub(g.w2.mul(lr)) }]; };
  const x = np.array(data.x).reshape([N, D_in]), y = np.array(data.y).reshape([N, D_out]);
  let w = { w1: np.array(data.w1).reshape([D_in, H]), w2: np.array(data.w2).reshape([H, D_out]) };
  const jstep = jax.jit(sgd);
  const kept = [];
  steps.push({
    label: 'jax-js webgpu jit (whole step)', adapter: jxg.adapter,
    step: () => { const [l, next] = jstep(w, x.ref, y.ref); kept.push(l); w = next; },
    sync: () => jax.blockUntilReady(w),
    losses: async () => { const out = []; for (const l of kept) out.push((await l.data())[0]); return out; },
  });
}

const warmup = 2;
const stepResults = await measureInterleaved(
  steps.map((c) => async () => { for (let i = 0; i < block; i++) c.step(); await c.sync(); }),
  { budgetMs, warmup, minRounds: 5, maxRounds: 30 },
);
const stepRows = [];
for (const [k, c] of steps.entries()) {
  try {
    const t = stepResults[k];
    if (t instanceof Error) throw t;
    const losses = await c.losses();
    const firstTimed = losses[warmup * block], last = losses[losses.length - 1];
    if (!(last < firstTimed)) throw new Error(`the loss did not fall over the timed steps (${firstTimed} → ${last})`);
    stepRows.push([c.label, (t.ms / block).toFixed(2), `${(t.min / block).toFixed(2)}–${(t.max / block).toFixed(2)}`, String(t.runs * block),
      losses[0].toExponential(4), firstTimed.toExponential(4), last.toExponential(4), c.adapter]);
  } catch (e) {
    stepRows.push([c.label, 'error', '', '', '', '', '', c.adapter]);
    failures.push(`step ${c.label}: ${e.stack ?? e.message}`);
  }
}

// ---- an elementwise chain: tanh(x)*2 + exp(-x*x) ------------------------------------------------------
// "computed" ends when the device has finished (cotangent and jax-js: blockUntilReady; tfjs-webgpu:
// its queued commands submitted, then the queue's onSubmittedWorkDone), the result then disposed,
// as each library lets a caller free memory at once; "read back" ends with the values in a JS array.
const X = uniform(chainSize, 3).map((v) => 2 * v); // x in [-2, 2)
const chainReference = [0, 1, chainSize >> 1, chainSize - 1, 12345 % chainSize].map((i) => [i, Math.tanh(X[i]) * 2 + Math.exp(-X[i] * X[i])]);
const chains = [];
if (!(ct instanceof Unavailable)) {
  const { np, jit } = ct;
  const f = (x) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x)));
  const x = np.fromTypedArray(X, [chainSize]);
  for (const [label, g] of [['cotangent webgpu eager', f], ['cotangent webgpu jit', jit(f)]]) {
    chains.push({
      label, adapter: ct.adapter,
      computed: async () => { const y = g(x); await y.blockUntilReady(); y.dispose(); },
      readBack: async () => { const y = g(x); const v = await y.data(); y.dispose(); return v; },
    });
  }
}
if (!(tfg instanceof Unavailable)) {
  const { tf } = tfg;
  const x = tf.tensor1d(X);
  const f = () => tf.tidy(() => tf.add(tf.mul(tf.tanh(x), 2), tf.exp(tf.mul(tf.neg(x), x))));
  // tfjs has no public way to wait for the device without reading back (its queue's
  // onSubmittedWorkDone after submitQueue() resolved in ~1.5 ms for work whose read-back takes
  // ~30 ms), so only its read-back time is reported.
  chains.push({
    label: 'tfjs-webgpu', adapter: tfg.adapter,
    computed: null,
    readBack: async () => { const y = f(); const v = await y.data(); y.dispose(); return v; },
  });
}
if (!(jxg instanceof Unavailable)) {
  const { jax } = jxg;
  const np = jax.numpy;
  // jax-js counts references: x is used three times, so twice with .ref.
  const f = (x) => np.tanh(x.ref).mul(2).add(np.exp(np.negative(x.ref).mul(x)));
  const x = np.array(X);
  for (const [label, g] of [['jax-js webgpu eager', f], ['jax-js webgpu jit', jax.jit(f)]]) {
    chains.push({
      label, adapter: jxg.adapter,
      computed: async () => { const y = await g(x.ref).blockUntilReady(); y.dispose(); },
      readBack: () => g(x.ref).data(),
    });
  }
}
const chainComputed = await measureInterleaved(chains.map((c) => c.computed ?? (async () => {})), { budgetMs, warmup: 2, minRounds: 5, maxRounds: 30 });
const chainRead = await measureInterleaved(chains.map((c) => c.readBack), { budgetMs, warmup: 1, minRounds: 5, maxRounds: 30 });
const chainRows = [];
for (const [k, c] of chains.entries()) {
  try {
    for (const t of [chainComputed[k], chainRead[k]]) if (t instanceof Error) throw t;
    const got = await c.readBack();
    const err = Math.max(...chainReference.map(([i, v]) => Math.abs(got[i] - v)));
    if (err > 1e-4) throw new Error(`wrong result: absolute error ${err.toExponential(2)}`);
    const gbs = (t) => ((8 * chainSize) / (t.ms / 1000) / 1e9).toFixed(2);
    const [computedMs, computedGbs] = c.computed ? [chainComputed[k].ms.toFixed(2), gbs(chainComputed[k])] : ['—', '—'];
    chainRows.push([c.label, computedMs, computedGbs, chainRead[k].ms.toFixed(2), gbs(chainRead[k]), `${c.computed ? chainComputed[k].runs : 0}/${chainRead[k].runs}`, c.adapter]);
  } catch (e) {
    chainRows.push([c.label, 'error', '', '', '', '', c.adapter]);
    failures.push(`chain ${c.label}: ${e.stack ?? e.message}`);
  }
}

console.log('\nmatmul float32, GFLOP/s = 2n³ / median seconds / 1e9, readback of C included (higher is better)');
table(['library / mode', 'op', 'n', 'GFLOP/s', 'ms', 'runs', 'adapter'], mmRows);
console.log(`\ntwo-layer step (N=${N}, D_in=${D_in}, H=${H}, D_out=${D_out}), ms/step = median block of ${block} steps / ${block} (lower is better)`);
table(['library / mode', 'ms/step', 'range', 'timed steps', 'loss @0', 'first timed loss', 'last loss', 'adapter'], stepRows);
console.log(`\ntanh(x)*2 + exp(-x*x) on ${chainSize.toLocaleString('en')} float32; GB/s = 8 bytes × n / median seconds (higher is better)`);
table(['library / mode', 'computed ms', 'GB/s', 'read back ms', 'GB/s', 'runs', 'adapter'], chainRows);
for (const f of failures) console.log(`! ${f}`);
process.exit(0); // Dawn's instance would keep the event loop alive
