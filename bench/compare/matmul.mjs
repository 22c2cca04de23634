// float32 matmul GFLOP/s of A·B, Aᵀ·B and A·Bᵀ for cotangent (CPU, eager and jit), tfjs-wasm and jax-js wasm, in one process.
// Usage: node matmul.mjs [--sizes 256,512,1024,2048] [--budget-ms 3000]
// Every timed run ends with the product read back into a JS typed array; each result is then
// checked against float64 dot products of a few entries, so a library that skipped work would fail.
import { arg, header, loadCotangent, loadJaxWasm, loadTfjsWasm, measureInterleaved, relError, table, uniform, Unavailable } from './common.mjs';

const sizes = arg('sizes', '256,512,1024,2048').split(',').map(Number);
const budgetMs = Number(arg('budget-ms', '3000'));

const VARIANTS = [
  { name: 'A·B', ta: false, tb: false },
  { name: 'Aᵀ·B', ta: true, tb: false },
  { name: 'A·Bᵀ', ta: false, tb: true },
];

/** Float64 reference values of a few entries of op(A)·op(B), as [flat index, value]. */
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

header('float32 matmul, GFLOP/s = 2n³ / median seconds / 1e9 (higher is better); each run includes reading C back');
const [ct, tfw, jxw] = [await loadCotangent(), await loadTfjsWasm(), await loadJaxWasm()];
for (const lib of [ct, tfw, jxw]) console.log(`# ${lib instanceof Unavailable ? lib.message : lib.note ?? 'cotangent: CPU backend (generated JS; float32 matmul in WASM SIMD, a second thread for large products)'}`);

/** One entry per (library, mode): builds a runner for given inputs and variant, or null when unavailable. */
const contenders = [];
if (!(ct instanceof Unavailable)) {
  const { np, jit } = ct;
  const op = (p, q, { ta, tb }) => np.matmul(ta ? p.T : p, tb ? q.T : q);
  const jitted = new Map(VARIANTS.map((v) => [v.name, jit((p, q) => op(p, q, v))]));
  const inputs = (A, B, n) => [np.fromTypedArray(A, [n, n]), np.fromTypedArray(B, [n, n])];
  contenders.push({ label: 'cotangent eager (np.matmul, .T)', inputs, run: ([a, b], v) => op(a, b, v).dataSync() });
  contenders.push({ label: 'cotangent jit', inputs, run: ([a, b], v) => jitted.get(v.name)(a, b).dataSync() });
}
if (!(tfw instanceof Unavailable)) {
  const { tf } = tfw;
  contenders.push({
    label: 'tfjs-wasm (tf.matMul)',
    inputs: (A, B, n) => [tf.tensor2d(A, [n, n]), tf.tensor2d(B, [n, n])],
    run: ([a, b], v) => {
      const c = tf.matMul(a, b, v.ta, v.tb);
      const out = c.dataSync();
      c.dispose();
      return out;
    },
    free: (xs) => xs.forEach((x) => x.dispose()),
  });
}
if (!(jxw instanceof Unavailable)) {
  const { jax } = jxw;
  const np = jax.numpy;
  // jax-js counts references: each call takes ownership of its arguments, hence `.ref`.
  const op = (p, q, { ta, tb }) => np.matmul(ta ? p.transpose() : p, tb ? q.transpose() : q);
  const jitted = new Map(VARIANTS.map((v) => [v.name, jax.jit((p, q) => op(p, q, v))]));
  contenders.push({
    label: 'jax-js wasm jit',
    inputs: (A, B, n) => [np.array(A).reshape([n, n]), np.array(B).reshape([n, n])],
    run: ([a, b], v) => jitted.get(v.name)(a.ref, b.ref).dataSync(),
    free: (xs) => xs.forEach((x) => x.dispose()),
  });
}

const rows = new Map(contenders.flatMap((c) => VARIANTS.map((v) => [`${c.label}  ${v.name}`, []]))); // → cells per size
const failures = [];
for (const n of sizes) {
  const A = uniform(n * n, 1), B = uniform(n * n, 2);
  const inputs = contenders.map((c) => c.inputs(A, B, n));
  for (const v of VARIANTS) {
    // The contenders take turns (one product each per round), so load from elsewhere falls on all alike.
    const slow = n >= 2048;
    const results = await measureInterleaved(contenders.map((c, k) => () => c.run(inputs[k], v)),
      { budgetMs, warmup: slow ? 1 : 2, minRounds: slow ? 3 : 7, maxRounds: 100 });
    for (const [k, c] of contenders.entries()) {
      const key = `${c.label}  ${v.name}`;
      try {
        const t = results[k];
        if (t instanceof Error) throw t;
        const err = relError(c.run(inputs[k], v), referenceEntries(A, B, n, v));
        if (err > 1e-3) throw new Error(`wrong result: relative error ${err.toExponential(2)}`);
        rows.get(key).push(((2 * n ** 3) / (t.ms / 1000) / 1e9).toFixed(2));
        console.log(`  n=${n} ${key}: ${t.ms.toFixed(2)} ms median of ${t.runs} (min ${t.min.toFixed(2)}, max ${t.max.toFixed(2)})`);
      } catch (e) {
        rows.get(key).push('error');
        failures.push(`n=${n} ${key}: ${e.message}`);
      }
    }
  }
  contenders.forEach((c, k) => c.free?.(inputs[k]));
}

console.log();
table(['library / mode  op', ...sizes.map((n) => `n=${n}`)], [...rows].map(([k, cells]) => [k, ...cells]));
for (const f of failures) console.log(`! ${f}`);
