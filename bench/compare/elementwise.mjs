// tanh(x)·2 + exp(−x·x) on 10M float32: ms and GB/s for cotangent eager and jit, tfjs-wasm and jax-js wasm (eager and jit), in one process.
// Usage: node elementwise.mjs [--n 10000000] [--budget-ms 3000]
// GB/s counts 8 bytes per element (read x, write the result). Two timings per contender:
// "computed" ends when the result exists (cotangent: dataSync, which hands out the CPU buffer
// itself; tfjs-wasm: the op's return, its kernels run synchronously; jax-js: blockUntilReady),
// "read back" ends with the result copied into a JS typed array (dataSync / data()).
// Each result is checked against float64 values of a few entries.
import { arg, header, loadCotangent, loadJaxWasm, loadTfjsWasm, measureInterleaved, table, uniform, Unavailable } from './common.mjs';

const n = Number(arg('n', String(10_000_000)));
const budgetMs = Number(arg('budget-ms', '3000'));
const X = uniform(n, 3).map((v) => 2 * v); // x in [-2, 2)
const reference = [0, 1, n >> 1, n - 1, 12345].map((i) => [i, Math.tanh(X[i]) * 2 + Math.exp(-X[i] * X[i])]);

header(`elementwise tanh(x)*2 + exp(-x*x), n = ${n} float32; GB/s = 8 bytes × n / median seconds (higher is better)`);
const [ct, tfw, jxw] = [await loadCotangent(), await loadTfjsWasm(), await loadJaxWasm()];
for (const lib of [ct, tfw, jxw]) console.log(`# ${lib instanceof Unavailable ? lib.message : lib.note ?? 'cotangent: CPU backend (generated JS; float32 matmul in WASM SIMD, a second thread for large products)'}`);

/** A contender: `computed()` runs f and returns once its result exists; `readBack()` runs f and returns its values. */
const contenders = [];
if (!(ct instanceof Unavailable)) {
  const { np, jit } = ct;
  const f = (x) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x)));
  const x = np.fromTypedArray(X, [n]);
  for (const [label, g] of [['cotangent eager', f], ['cotangent jit', jit(f)]]) {
    contenders.push({ label, computed: () => g(x).dataSync(), readBack: () => g(x).dataSync() });
  }
}
if (!(tfw instanceof Unavailable)) {
  const { tf } = tfw;
  const x = tf.tensor1d(X);
  const f = () => tf.tidy(() => tf.add(tf.mul(tf.tanh(x), 2), tf.exp(tf.mul(tf.neg(x), x))));
  contenders.push({
    label: 'tfjs-wasm',
    computed: () => { f().dispose(); },
    readBack: () => { const y = f(); const v = y.dataSync(); y.dispose(); return v; },
  });
}
if (!(jxw instanceof Unavailable)) {
  const { jax } = jxw;
  const np = jax.numpy;
  // jax-js counts references: x is used three times, so twice with .ref.
  const f = (x) => np.tanh(x.ref).mul(2).add(np.exp(np.negative(x.ref).mul(x)));
  const x = np.array(X);
  for (const [label, g] of [['jax-js wasm eager', f], ['jax-js wasm jit', jax.jit(f)]]) {
    contenders.push({
      label,
      computed: async () => { const y = await g(x.ref).blockUntilReady(); y.dispose(); },
      readBack: () => g(x.ref).data(),
    });
  }
}

// Two interleaved passes (see measureInterleaved): every contender's "computed", then every "read back".
const computed = await measureInterleaved(contenders.map((c) => c.computed), { budgetMs });
const readBack = await measureInterleaved(contenders.map((c) => c.readBack), { budgetMs });
const rows = [], failures = [];
for (const [k, c] of contenders.entries()) {
  try {
    for (const t of [computed[k], readBack[k]]) if (t instanceof Error) throw t;
    const got = await c.readBack();
    const err = Math.max(...reference.map(([i, v]) => Math.abs(got[i] - v)));
    if (err > 1e-4) throw new Error(`wrong result: absolute error ${err.toExponential(2)}`);
    const gbs = (t) => ((8 * n) / (t.ms / 1000) / 1e9).toFixed(2);
    rows.push([c.label, computed[k].ms.toFixed(2), gbs(computed[k]), readBack[k].ms.toFixed(2), gbs(readBack[k]), `${computed[k].runs}/${readBack[k].runs}`]);
  } catch (e) {
    rows.push([c.label, 'error', '', '', '', '']);
    failures.push(`${c.label}: ${e.stack ?? e.message}`);
  }
}

console.log();
table(['library / mode', 'computed ms', 'GB/s', 'read back ms', 'GB/s', 'runs'], rows);
for (const f of failures) console.log(`! ${f}`);
