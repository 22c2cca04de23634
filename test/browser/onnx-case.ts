// The program the browser test exports to ONNX (in Node, scripts/browser-test.mjs) and runs in
// onnxruntime-web on the page, where cotangent computes it too: a small MLP with softmax.
import { np, random } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';

export function onnxCase(): { f: (x: NDArray) => NDArray; x: NDArray } {
  const k = random.split(random.key(7), 3);
  const w1 = random.normal(k.get(0), [12, 16]).mul(0.3), w2 = random.normal(k.get(1), [16, 5]).mul(0.3);
  const f = (x: NDArray) => {
    const h = np.tanh(x.matmul(w1));
    const z = h.matmul(w2);
    const e = np.exp(z.sub(z.max({ axis: 1, keepdims: true })));
    return e.div(e.sum({ axis: 1, keepdims: true }));
  };
  return { f, x: random.normal(k.get(2), [4, 12]) };
}
/** Where the runner writes the model, as a URL path under the served repository root. */
export const ONNX_MODEL_PATH = '/build/test/browser/onnx-case.onnx';
