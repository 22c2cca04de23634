// MNIST the JAX way: the LeNet of mnist-cnn.ts written as a pure function of a parameter pytree
// with lax.convGeneralDilated, lax.reduceWindow and nn.relu/logSoftmax, trained with
// jit(valueAndGrad) and an Adam update written out (also jitted), on the same 8,000 / 2,000 split.
// Usage: node build/examples/mnist-functional.js [--epochs 6] [--backend cpu|webgpu] [--batch 64]
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { jit, lax, nn, np, random, valueAndGrad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { Digits, loadMnist, lossCurveSvg } from './mnist-data.js';
import { flag, selectBackend } from './cli.js';

type Params = { c1: NDArray; b1: NDArray; c2: NDArray; b2: NDArray; w3: NDArray; b3: NDArray; w4: NDArray; b4: NDArray };

/** PyTorch's default init (uniform ±1/√fanIn) so both examples start alike in distribution. */
export function initParams(seed = 0): Params {
  const keys = random.split(random.key(seed), 8);
  const u = (k: number, shape: number[], fanIn: number) => random.uniform(keys.get(k), shape, { minval: -1 / Math.sqrt(fanIn), maxval: 1 / Math.sqrt(fanIn) });
  return {
    c1: u(0, [6, 1, 5, 5], 25), b1: u(1, [6], 25), c2: u(2, [16, 6, 5, 5], 150), b2: u(3, [16], 150),
    w3: u(4, [400, 120], 400), b3: u(5, [120], 400), w4: u(6, [120, 10], 120), b4: u(7, [10], 120),
  };
}

const conv = (x: NDArray, w: NDArray, b: NDArray, padding: 'SAME' | 'VALID') => lax.convGeneralDilated(x, w, [1, 1], padding).add(b.reshape(1, -1, 1, 1));
const maxPool = (x: NDArray) => lax.reduceWindow(x, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID');

export function logits(p: Params, x: NDArray): NDArray {
  let h = maxPool(nn.relu(conv(x, p.c1, p.b1, 'SAME')));    // N × 6 × 14 × 14
  h = maxPool(nn.relu(conv(h, p.c2, p.b2, 'VALID')));       // N × 16 × 5 × 5
  h = nn.relu(h.reshape(h.shape[0]!, 400).matmul(p.w3).add(p.b3));
  return h.matmul(p.w4).add(p.b4);
}
/** Mean cross entropy against integer labels, through a one-hot mask. */
export function loss(p: Params, x: NDArray, y: NDArray): NDArray {
  const lp = nn.logSoftmax(logits(p, x), { axis: 1 });
  const oneHot = np.equal(y.reshape(-1, 1), np.arange(10).reshape(1, 10));
  return np.negative(np.where(oneHot, lp, 0).sum(1).mean());
}

export interface FunctionalOptions { epochs: number; batch: number; lr: number; trainCount?: number; log?: (line: string) => void }

export async function trainMnistFunctional(o: FunctionalOptions, data = loadMnist()): Promise<{ testAccuracy: number; losses: number[]; imagesPerSecond: number[] }> {
  const log = o.log ?? (() => {});
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  const lossAndGrad = valueAndGrad(loss);
  // One jitted step: loss, gradient and Adam's update of every leaf.
  const step = jit((p: Params, m: Params, v: Params, t: NDArray, x: NDArray, y: NDArray) => {
    const [l, g] = lossAndGrad(p, x, y) as [NDArray, Params];
    const keys = Object.keys(p) as (keyof Params)[];
    const c1 = np.subtract(1, np.power(b1, t)), c2 = np.subtract(1, np.power(b2, t));
    const out = { p: {} as Params, m: {} as Params, v: {} as Params };
    for (const k of keys) {
      out.m[k] = m[k].mul(b1).add(g[k].mul(1 - b1));
      out.v[k] = v[k].mul(b2).add(g[k].square().mul(1 - b2));
      out.p[k] = p[k].sub(out.m[k].div(c1).div(np.sqrt(out.v[k].div(c2)).add(eps)).mul(o.lr));
    }
    return [l, out] as const;
  });
  const predict = jit((p: Params, x: NDArray) => np.argmax(logits(p, x), 1));

  const n = Math.min(o.trainCount ?? data.train.count, data.train.count);
  let p = initParams(0);
  const zeros = (q: Params) => Object.fromEntries(Object.entries(q).map(([k, a]) => [k, np.zerosLike(a)])) as Params;
  let m = zeros(p), v = zeros(p), t = 0;
  const losses: number[] = [], rates: number[] = [];
  let shuffleKey = random.key(1);
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    const t0 = performance.now();
    const [next, sub] = [random.split(shuffleKey).get(0), random.split(shuffleKey).get(1)];
    shuffleKey = next;
    const order = Array.from(random.permutation(sub, n).dataSync());
    const kept: NDArray[] = [];
    for (let s = 0; s + o.batch <= n; s += o.batch) {
      const idx = order.slice(s, s + o.batch);
      const xb = new Float32Array(o.batch * 784), yb = new Int32Array(o.batch);
      idx.forEach((i, j) => { xb.set(data.train.images.subarray(i * 784, (i + 1) * 784), j * 784); yb[j] = data.train.labels[i]!; });
      const [l, next] = step(p, m, v, np.array(++t), np.fromTypedArray(xb, [o.batch, 1, 28, 28]), np.fromTypedArray(yb, [o.batch]));
      ({ p, m, v } = next);
      kept.push(l);
    }
    const epochLosses = await Promise.all(kept.map((l) => l.item()));
    losses.push(...epochLosses);
    const secs = (performance.now() - t0) / 1000;
    rates.push((kept.length * o.batch) / secs);
    log(`epoch ${epoch + 1}/${o.epochs}  loss ${(epochLosses.reduce((a, b) => a + b, 0) / epochLosses.length).toFixed(4)}  ${(kept.length * o.batch / secs).toFixed(0)} images/s`);
  }
  let correct = 0;
  const test: Digits = data.test;
  for (let s = 0; s < test.count; s += 500) {
    const k = Math.min(500, test.count - s);
    const pred = await predict(p, np.fromTypedArray(test.images.slice(s * 784, (s + k) * 784), [k, 1, 28, 28])).data();
    for (let i = 0; i < k; i++) if (pred[i] === test.labels[s + i]) correct++;
  }
  return { testAccuracy: correct / test.count, losses, imagesPerSecond: rates };
}

if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const backend = flag('backend', 'cpu');
  await selectBackend(backend);
  const epochs = Number(flag('epochs', '6')), batch = Number(flag('batch', '64'));
  console.log(`LeNet (np/lax, jit(valueAndGrad) + Adam) on MNIST, backend ${backend}, ${epochs} epochs, batch ${batch}`);
  const res = await trainMnistFunctional({ epochs, batch, lr: 2e-3, trainCount: Number(flag('train', '8000')), log: console.log });
  const svg = fileURLToPath(new URL('./mnist-functional.svg', import.meta.url));
  writeFileSync(svg, lossCurveSvg(res.losses, `LeNet (functional) on MNIST (${backend}): training loss; test accuracy ${(100 * res.testAccuracy).toFixed(1)}%`));
  console.log(`loss curve: ${svg}`);
  console.log(`test accuracy: ${(100 * res.testAccuracy).toFixed(1)}%`);
}
