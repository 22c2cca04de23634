// Workloads that several benches time (versus-numpy, onnx, onnx-profile), written once so they time the same program.
import { np, random, valueAndGrad, Array as NDArray } from '../src/index.js';

/** The MLP's parameters (and, alike in structure, its Adam moments). */
export type MlpParams = { w: NDArray[]; b: NDArray[] };

/** The step's result: the loss, the new parameters and moments, and the step count. */
export interface AdamOut { loss: NDArray; p: MlpParams; m: MlpParams; v: MlpParams; t: NDArray }

/**
 * MLP 784-1024-1024-10 on a batch of 256 with softmax cross-entropy, trained by Adam (lr 1e-3):
 * bench/onnx_numpy.py's `mlp` workload, the same shapes and update. `step` is not jitted: each
 * bench jits it for its own target.
 */
export function mlpAdamWorkload() {
  const sizes = [784, 1024, 1024, 10];
  const k = random.split(random.key(2), 5);
  const params: MlpParams = { w: [0, 1, 2].map((i) => random.normal(k.get(i), [sizes[i]!, sizes[i + 1]!]).mul(Math.sqrt(2 / sizes[i]!))), b: [1, 2, 3].map((i) => np.zeros([sizes[i]!])) };
  const zeros = (): MlpParams => ({ w: params.w.map((w) => np.zerosLike(w)), b: params.b.map((b) => np.zerosLike(b)) });
  const xs = random.normal(k.get(3), [256, 784]), labels = random.randint(k.get(4), [256], 0, 10);
  const step = (p: MlpParams, mm: MlpParams, vv: MlpParams, tt: NDArray, x: NDArray, lab: NDArray): AdamOut => {
    const loss = (q: MlpParams) => {
      let h = x;
      q.w.forEach((w, i) => { h = h.matmul(w).add(q.b[i]!); if (i < 2) h = np.maximum(h, 0); });
      const top = h.max({ axis: 1, keepdims: true });
      const logZ = np.log(np.exp(h.sub(top)).sum({ axis: 1, keepdims: true })).add(top);
      return np.takeAlongAxis(h.sub(logZ), lab.reshape(-1, 1), 1).mean().neg();
    };
    const [l, g] = valueAndGrad(loss)(p) as [NDArray, MlpParams];
    const t1 = tt.add(1);
    const c1 = np.subtract(1, np.power(np.array(0.9), t1)), c2 = np.subtract(1, np.power(np.array(0.999), t1));
    const out = { p: { w: [] as NDArray[], b: [] as NDArray[] }, m: { w: [] as NDArray[], b: [] as NDArray[] }, v: { w: [] as NDArray[], b: [] as NDArray[] } };
    for (const key of ['w', 'b'] as const) p[key].forEach((pi, i) => {
      const gi = g[key][i]!;
      const m2 = mm[key][i]!.mul(0.9).add(gi.mul(0.1)), v2 = vv[key][i]!.mul(0.999).add(gi.square().mul(0.001));
      out.p[key].push(pi.sub(m2.div(c1).mul(1e-3).div(np.sqrt(v2.div(c2)).add(1e-8)))); out.m[key].push(m2); out.v[key].push(v2);
    });
    return { loss: l, ...out, t: t1 };
  };
  return { params, zeros, xs, labels, step };
}
