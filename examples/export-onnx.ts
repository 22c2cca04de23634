// Train the seed's two-layer network (N=64, D_in=1000, H=100, D_out=10) with valueAndGrad, export
// the trained forward pass as an ONNX model, load it in ONNX Runtime and print both predictions.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { np, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { exportOnnx } from '../src/onnx/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';

const opts = await parseArgs({ steps: 500, every: 100 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const [kx, ky, k1, k2] = keys(0, 4);
const xs = random.normal(kx, [N, D_in]), ys = random.normal(ky, [N, D_out]);
let weights = { w1: random.normal(k1, [D_in, H]), w2: random.normal(k2, [H, D_out]) };

const forward = (w: typeof weights, inputs: NDArray) => np.maximum(inputs.matmul(w.w1), 0).matmul(w.w2);
const lossAndGrad = valueAndGrad((w: typeof weights) => forward(w, xs).sub(ys).square().sum()) as (w: typeof weights) => [NDArray, typeof weights];
for (let t = 0; t < opts.steps; t++) {
  const [value, g] = lossAndGrad(weights);
  if (t % opts.every === opts.every - 1) console.log(t, value.itemSync());
  weights = { w1: weights.w1.sub(g.w1.mul(1e-6)), w2: weights.w2.sub(g.w2.mul(1e-6)) };
}

// The trained weights are captured by the closure, so they are stored in the model as initializers.
const trained = weights;
const model = exportOnnx((inputs: NDArray) => forward(trained, inputs), xs, { inputNames: ['x'], outputNames: ['y_pred'] });
const path = new URL('./two-layer.onnx', import.meta.url);
writeFileSync(path, model);
console.log(`exported the forward pass: ${model.length} bytes (${path.pathname})`);

// Load it in ONNX Runtime (onnxruntime-node's public API) and compare with cotangent's prediction.
const ort = createRequire(import.meta.url)('onnxruntime-node');
const session = await ort.InferenceSession.create(path.pathname);
const { y_pred } = await session.run({ x: new ort.Tensor('float32', xs.dataSync(), xs.shape) });
const ours = forward(trained, xs).dataSync(), theirs = y_pred.data as Float32Array;
console.log('row  cotangent y_pred[row, 0]  onnxruntime y_pred[row, 0]');
for (let i = 0; i < 5; i++) console.log(`${String(i).padStart(3)}  ${ours[i * D_out]!.toFixed(6).padStart(24)}  ${theirs[i * D_out]!.toFixed(6).padStart(26)}`);
// The two engines sum the 1000- and 100-long products in different orders: float32 rounding of
// intermediate sums of size ~300 differs by ~1e-5 relative, ~1e-4 on the outputs.
let worst = 0, scale = 0;
for (let i = 0; i < ours.length; i++) { worst = Math.max(worst, Math.abs(ours[i]! - theirs[i]!)); scale = Math.max(scale, Math.abs(ours[i]!)); }
console.log(`largest difference over all ${ours.length} outputs: ${worst.toExponential(2)} (largest |y_pred| ${scale.toFixed(2)})`);
