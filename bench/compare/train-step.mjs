// ms per step of the seed's two-layer network (forward, autodiff gradients, SGD) for cotangent eager and jit, tfjs-wasm and jax-js wasm, in one process.
// Usage: node train-step.mjs [--block 10] [--budget-ms 4000]
// N=64, D_in=1000, H=100, D_out=10; y_pred = relu(x·w1)·w2, loss = Σ(y_pred − y)², w -= 1e-6·∇w.
// Every library starts from the same seeded x, y, w1, w2, so the first losses must agree. One timed
// run is a block of steps ending with the new weights computed (read back, or blocked on); the
// losses are kept as arrays and read after the timing, and must fall. The contenders take turns,
// one block each per round, so load from elsewhere on the machine falls on all of them alike.
import { arg, header, loadCotangent, loadJaxWasm, loadTfjsWasm, measureInterleaved, normal, table, Unavailable } from './common.mjs';

const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const lr = 1e-6;
const block = Number(arg('block', '10'));
const budgetMs = Number(arg('budget-ms', '4000'));
const data = { x: normal(N * D_in, 11), y: normal(N * D_out, 12), w1: normal(D_in * H, 13), w2: normal(H * D_out, 14) };

header(`two-layer training step (N=${N}, D_in=${D_in}, H=${H}, D_out=${D_out}), ms/step = median block time / ${block} (lower is better)`);
const [ct, tfw, jxw] = [await loadCotangent(), await loadTfjsWasm(), await loadJaxWasm()];
for (const lib of [ct, tfw, jxw]) console.log(`# ${lib instanceof Unavailable ? lib.message : lib.note ?? 'cotangent: CPU backend (generated JS; float32 matmul in WASM SIMD, a second thread for large products)'}`);

/**
 * A contender: `step()` advances its own weights by one SGD step and keeps the loss (unread);
 * `sync()` waits until the latest weights are computed; `losses()` reads every kept loss.
 */
const contenders = [];

if (!(ct instanceof Unavailable)) {
  const { np, jit, valueAndGrad } = ct;
  const x = np.fromTypedArray(data.x, [N, D_in]), y = np.fromTypedArray(data.y, [N, D_out]);
  const loss = ({ w1, w2 }, x, y) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum();
  const lossAndGrad = valueAndGrad(loss);
  const sgd = (w, x, y) => {
    const [l, g] = lossAndGrad(w, x, y);
    return [l, { w1: w.w1.sub(g.w1.mul(lr)), w2: w.w2.sub(g.w2.mul(lr)) }];
  };
  for (const [label, stepFn] of [['cotangent eager (valueAndGrad)', sgd], ['cotangent jit (whole step)', jit(sgd)]]) {
    let w = { w1: np.fromTypedArray(data.w1, [D_in, H]), w2: np.fromTypedArray(data.w2, [H, D_out]) };
    const kept = [];
    contenders.push({
      label,
      step: () => { const [l, next] = stepFn(w, x, y); kept.push(l); w = next; },
      sync: () => { w.w1.dataSync(); w.w2.dataSync(); },
      losses: async () => Promise.all(kept.map((l) => l.item())),
    });
  }
}

if (!(tfw instanceof Unavailable)) {
  const { tf } = tfw;
  const x = tf.tensor2d(data.x, [N, D_in]), y = tf.tensor2d(data.y, [N, D_out]);
  const w1 = tf.variable(tf.tensor2d(data.w1, [D_in, H])), w2 = tf.variable(tf.tensor2d(data.w2, [H, D_out]));
  const kept = [];
  contenders.push({
    label: 'tfjs-wasm (tf.variableGrads)',
    step: () => {
      kept.push(tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(tf.sub(tf.matMul(tf.relu(tf.matMul(x, w1)), w2), y))), [w1, w2]);
        w1.assign(tf.sub(w1, tf.mul(grads[w1.name], lr)));
        w2.assign(tf.sub(w2, tf.mul(grads[w2.name], lr)));
        return value;
      }));
    },
    sync: () => { w1.dataSync(); w2.dataSync(); },
    losses: async () => kept.map((l) => { const v = l.dataSync()[0]; l.dispose(); return v; }),
  });
}

if (!(jxw instanceof Unavailable)) {
  const { jax } = jxw;
  const np = jax.numpy;
  // jax-js counts references: a function consumes its arguments, so a second use needs `.ref` / tree.ref.
  const loss = (w, x, y) => np.sum(np.square(np.matmul(np.maximum(np.matmul(x, w.w1), 0), w.w2).sub(y)));
  const lossAndGrad = jax.valueAndGrad(loss);
  const sgd = (w, x, y) => {
    const [l, g] = lossAndGrad(jax.tree.ref(w), x, y);
    return [l, { w1: w.w1.sub(g.w1.mul(lr)), w2: w.w2.sub(g.w2.mul(lr)) }];
  };
  const x = np.array(data.x).reshape([N, D_in]), y = np.array(data.y).reshape([N, D_out]);
  for (const [label, stepFn] of [['jax-js wasm eager (valueAndGrad)', sgd], ['jax-js wasm jit (whole step)', jax.jit(sgd)]]) {
    let w = { w1: np.array(data.w1).reshape([D_in, H]), w2: np.array(data.w2).reshape([H, D_out]) };
    const kept = [];
    contenders.push({
      label,
      step: () => { const [l, next] = stepFn(w, x.ref, y.ref); kept.push(l); w = next; },
      sync: () => jax.blockUntilReady(w),
      losses: async () => { const out = []; for (const l of kept) out.push((await l.data())[0]); return out; },
    });
  }
}

const warmup = 2;
const results = await measureInterleaved(
  contenders.map((c) => async () => { for (let i = 0; i < block; i++) c.step(); await c.sync(); }),
  { budgetMs, warmup, minRounds: 7, maxRounds: 50 },
);
const rows = [];
const failures = [];
for (const [k, c] of contenders.entries()) {
  try {
    const t = results[k];
    if (t instanceof Error) throw t;
    const losses = await c.losses();
    const firstTimed = losses[warmup * block], last = losses[losses.length - 1];
    if (!(last < firstTimed)) throw new Error(`the loss did not fall over the timed steps (${firstTimed} → ${last})`);
    rows.push([c.label, (t.ms / block).toFixed(2), `${(t.min / block).toFixed(2)}–${(t.max / block).toFixed(2)}`, String(t.runs * block),
      losses[0].toExponential(4), firstTimed.toExponential(4), last.toExponential(4)]);
  } catch (e) {
    rows.push([c.label, 'error', '', '', '', '', '']);
    failures.push(`${c.label}: ${e.stack ?? e.message}`);
  }
}

console.log();
table(['library / mode', 'ms/step', 'range', 'timed steps', 'loss @0', 'first timed loss', 'last loss'], rows);
for (const f of failures) console.log(`! ${f}`);
