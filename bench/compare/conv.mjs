// ms per conv2d forward + backward (gradients of ⟨conv(x, w), ct⟩ for x and w) for cotangent (jit
// and eager, NCHW and NHWC) and tfjs-wasm (NHWC, tf.grads), in one process, interleaved rounds;
// then the forward pass alone against tfjs-wasm's own Conv2D kernel (XNNPACK), the fair anchor
// for the 3×3 layer (tfjs-wasm's backward runs as conv3d: see below).
// Usage: node conv.mjs [--budget-ms 3000]
// Layers: LeNet's first conv (64×1×28×28, 6 filters 5×5, SAME) and a ResNet-style 3×3 layer
// (8×64×56×56, 64 filters, SAME). Every contender gets the same seeded x, w, ct, and its
// gradients are checked against cotangent's before timing.
import { arg, header, loadCotangent, loadTfjsWasm, measureInterleaved, table, uniform, Unavailable } from './common.mjs';

const budgetMs = Number(arg('budget-ms', '3000'));
const layers = [
  { name: 'LeNet conv1: x 64×1×28×28, w 6×1×5×5', N: 64, C: 1, H: 28, W: 28, O: 6, K: 5 },
  { name: '3×3 layer: x 8×64×56×56, w 64×64×3×3', N: 8, C: 64, H: 56, W: 56, O: 64, K: 3 },
];
header('conv2d forward + backward (dx and dw), stride 1, SAME padding, ms per call (lower is better)');
const [ct, tfw] = [await loadCotangent(), await loadTfjsWasm()];
for (const lib of [ct, tfw]) console.log(`# ${lib instanceof Unavailable ? lib.message : lib.note ?? 'cotangent: CPU backend (im2col + WASM SIMD sgemm)'}`);

/** NCHW data (n, c, h, w) → NHWC. */
function toNhwc(a, N, C, H, W) {
  const out = new Float32Array(a.length);
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let h = 0; h < H; h++) for (let w = 0; w < W; w++) out[((n * H + h) * W + w) * C + c] = a[((n * C + c) * H + h) * W + w];
  return out;
}
/** OIHW → HWIO. */
function toHwio(a, O, I, K) {
  const out = new Float32Array(a.length);
  for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) for (let h = 0; h < K; h++) for (let w = 0; w < K; w++) out[((h * K + w) * I + i) * O + o] = a[((o * I + i) * K + h) * K + w];
  return out;
}
const maxRel = (a, b) => { let m = 0, s = 0; for (let i = 0; i < a.length; i++) { m = Math.max(m, Math.abs(a[i] - b[i])); s = Math.max(s, Math.abs(b[i])); } return m / s; };

for (const L of layers) {
  const { N, C, H, W, O, K } = L;
  const x = uniform(N * C * H * W, 1), w = uniform(O * C * K * K, 2), c = uniform(N * O * H * W, 3);
  const xh = toNhwc(x, N, C, H, W), wh = toHwio(w, O, C, K), ch = toNhwc(c, N, O, H, W);
  const contenders = [];
  let reference = null;
  if (!(ct instanceof Unavailable)) {
    const { np, lax, grad, jit } = ct;
    const loss = (dn) => (x, w, c) => lax.convGeneralDilated(x, w, [1, 1], 'SAME', { dimensionNumbers: dn }).mul(c).sum();
    for (const [layout, dn, xs, ws, cs] of [['NCHW', ['NCHW', 'OIHW', 'NCHW'], [x, [N, C, H, W]], [w, [O, C, K, K]], [c, [N, O, H, W]]],
      ['NHWC', ['NHWC', 'HWIO', 'NHWC'], [xh, [N, H, W, C]], [wh, [K, K, C, O]], [ch, [N, H, W, O]]]]) {
      const g = grad(loss(dn), { argnums: [0, 1] });
      const args = [xs, ws, cs].map(([d, s]) => np.fromTypedArray(d, s));
      for (const [mode, fn] of [['jit', jit(g)], ['eager', g]]) {
        if (mode === 'eager' && layout === 'NHWC') continue;
        const run = () => { const [gx, gw] = fn(...args); return [gx.dataSync(), gw.dataSync()]; };
        const [gx, gw] = run();
        const asNhwc = layout === 'NCHW' ? [toNhwc(gx, N, C, H, W), toHwio(gw, O, C, K)] : [gx, gw];
        reference ??= asNhwc;
        contenders.push({ label: `cotangent ${mode} (${layout})`, run, check: asNhwc });
      }
    }
  }
  if (!(tfw instanceof Unavailable)) {
    const { tf } = tfw;
    const xt = tf.tensor4d(xh, [N, H, W, C]), wt = tf.tensor4d(wh, [K, K, C, O]), ctt = tf.tensor4d(ch, [N, H, W, O]);
    // tfjs-wasm registers Conv2D and Conv2DBackpropInput but no Conv2DBackpropFilter, so tf.grads of
    // conv2d fails there; its 3-d convolution has both backward kernels, so the 2-d layer runs as a
    // 3-d one of depth 1 (x [N, 1, H, W, C], w [1, K, K, C, O]), which is the same arithmetic.
    const x5 = xt.reshape([N, 1, H, W, C]), w5 = wt.reshape([1, K, K, C, O]), c5 = ctt.reshape([N, 1, H, W, O]);
    const g = tf.grads((a, b) => tf.sum(tf.mul(tf.conv3d(a, b, 1, 'same'), c5)));
    const run = () => { const [gx, gw] = g([x5, w5]); const out = [gx.dataSync(), gw.dataSync()]; gx.dispose(); gw.dispose(); return out; };
    contenders.push({ label: 'tfjs-wasm (NHWC as conv3d, tf.grads)', run, check: run() });
  }
  for (const k of contenders) {
    const e = Math.max(maxRel(k.check[0], reference[0]), maxRel(k.check[1], reference[1]));
    if (!(e < 1e-4)) throw new Error(`${L.name}: ${k.label} disagrees with cotangent jit (relative error ${e})`);
  }
  const results = await measureInterleaved(contenders.map((k) => k.run), { budgetMs, warmup: 2, minRounds: 5, maxRounds: 30 });
  const flops = 2 * 3 * N * O * C * K * K * H * W;
  const base = contenders.findIndex((k) => k.label.startsWith('tfjs'));
  console.log(`\n## ${L.name} (${(flops / 1e9).toFixed(2)} GFLOP per call)`);
  table(['library / mode', 'ms', 'range', 'GFLOP/s', 'vs tfjs-wasm'], contenders.map((k, i) => {
    const t = results[i];
    if (t instanceof Error) return [k.label, 'error', t.message, '', ''];
    return [k.label, t.ms.toFixed(2), `${t.min.toFixed(1)}–${t.max.toFixed(1)}`, (flops / t.ms / 1e6).toFixed(1), base >= 0 && !(results[base] instanceof Error) ? `${(results[base].ms / t.ms).toFixed(2)}×` : ''];
  }));
}

// ---- forward only: cotangent jit vs tfjs-wasm's Conv2D (XNNPACK), same data -----------------------
header('conv2d forward only, stride 1, SAME padding, ms per call (lower is better)');
for (const L of layers) {
  const { N, C, H, W, O, K } = L;
  const x = uniform(N * C * H * W, 1), w = uniform(O * C * K * K, 2);
  const xh = toNhwc(x, N, C, H, W), wh = toHwio(w, O, C, K);
  const contenders = [];
  if (!(ct instanceof Unavailable)) {
    const { np, lax, jit } = ct;
    for (const [layout, dn, xs, ws] of [['NCHW', ['NCHW', 'OIHW', 'NCHW'], [x, [N, C, H, W]], [w, [O, C, K, K]]], ['NHWC', ['NHWC', 'HWIO', 'NHWC'], [xh, [N, H, W, C]], [wh, [K, K, C, O]]]]) {
      const f = jit((a, b) => lax.convGeneralDilated(a, b, [1, 1], 'SAME', { dimensionNumbers: dn }));
      const args = [xs, ws].map(([d, s]) => np.fromTypedArray(d, s));
      const run = () => f(...args).dataSync();
      contenders.push({ label: `cotangent jit (${layout})`, run, nhwc: layout === 'NHWC' ? run() : toNhwc(run(), N, O, H, W) });
    }
  }
  if (!(tfw instanceof Unavailable)) {
    const { tf } = tfw;
    const xt = tf.tensor4d(xh, [N, H, W, C]), wt = tf.tensor4d(wh, [K, K, C, O]);
    const run = () => { const y = tf.conv2d(xt, wt, 1, 'same'); const out = y.dataSync(); y.dispose(); return out; };
    contenders.push({ label: 'tfjs-wasm (NHWC conv2d)', run, nhwc: run() });
  }
  for (const k of contenders) {
    const e = maxRel(k.nhwc, contenders[0].nhwc);
    if (!(e < 1e-4)) throw new Error(`${L.name}: ${k.label} disagrees (relative error ${e})`);
  }
  const results = await measureInterleaved(contenders.map((k) => k.run), { budgetMs, warmup: 2, minRounds: 5, maxRounds: 30 });
  const flops = 2 * N * O * C * K * K * H * W;
  const base = contenders.findIndex((k) => k.label.startsWith('tfjs'));
  console.log(`\n## ${L.name}, forward (${(flops / 1e9).toFixed(2)} GFLOP per call)`);
  table(['library / mode', 'ms', 'range', 'GFLOP/s', 'vs tfjs-wasm'], contenders.map((k, i) => {
    const t = results[i];
    if (t instanceof Error) return [k.label, 'error', t.message, '', ''];
    return [k.label, t.ms.toFixed(2), `${t.min.toFixed(1)}–${t.max.toFixed(1)}`, (flops / t.ms / 1e6).toFixed(1), base >= 0 && !(results[base] instanceof Error) ? `${(results[base].ms / t.ms).toFixed(2)}×` : ''];
  }));
}
