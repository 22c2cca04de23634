// Convolution and window reductions on WebGPU against the CPU: forward and gradients, eager and
// jit, in the layouts the torch layer and the MNIST model use, plus grouped and dilated cases.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { trainMnistCnn } from '../../examples/mnist-cnn.js';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped } from '../../src/core/array.js';
import { grad, jit, lax, matmulKernel, np, setMatmulKernel } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { assertClose, gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'models.webgpu.test');

let seed = 7;
function draw(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32 * 2 - 1; });
}
const on = (data: Float32Array, shape: readonly number[], device: 'cpu' | 'webgpu'): NDArray =>
  concreteFromTyped(data.slice(), new ShapedArray(shape, 'float32'), device);
const TOL = { rtol: 1e-4, atol: 1e-5 };

type Fn = (...xs: NDArray[]) => NDArray;
interface Case { name: string; shapes: number[][]; f: Fn }
export const CASES: Case[] = [
  { name: 'conv 2-d NCHW SAME', shapes: [[2, 3, 8, 7], [4, 3, 3, 3]], f: (x, w) => lax.convGeneralDilated(x, w, [1, 1], 'SAME') },
  { name: 'conv 2-d NHWC strided, padded', shapes: [[2, 9, 8, 2], [3, 2, 2, 5]], f: (x, w) => lax.convGeneralDilated(x, w, [2, 2], [[1, 0], [2, 1]], { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] }) },
  { name: 'conv 1-d dilated both sides, feature groups', shapes: [[2, 4, 9], [6, 2, 3]], f: (x, w) => lax.convGeneralDilated(x, w, [2], 'SAME', { lhsDilation: [2], rhsDilation: [2], featureGroupCount: 2 }) },
  { name: 'max pool 2×2 and avg pool 3×3 SAME', shapes: [[2, 3, 8, 6]],
    f: (x) => lax.reduceWindow(x, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID').sum().add(lax.reduceWindow(x, 0, 'sum', [1, 1, 3, 3], [1, 1, 2, 1], 'SAME').mul(x.get(':', ':', '::2', ':')).sum()) },
  { name: 'min window, overlapping, dilated, padded', shapes: [[3, 7]], f: (x) => lax.reduceWindow(x, Infinity, 'min', [2, 3], [1, 1], [[1, 0], [1, 2]], [1, 1], [1, 2]) },
  { name: 'conv 3-d', shapes: [[1, 2, 4, 5, 3], [2, 2, 2, 2, 2]], f: (x, w) => lax.convGeneralDilated(x, w, [1, 2, 1], 'VALID') },
];

for (const c of CASES) {
  const inputs = c.shapes.map(draw);
  const loss = (...xs: NDArray[]) => np.tanh(c.f(...xs)).sum();
  const g = grad(loss, { argnums: c.shapes.map((_, i) => i) });
  gpuTest(`${c.name}: forward, gradients, jit = eager, webgpu = cpu`, async () => {
    const gpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'webgpu')), cpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'cpu'));
    const want = onCpu(() => c.f(...cpu)), wantG = onCpu(() => g(...cpu) as NDArray[]);
    await assertClose(c.f(...gpu), want, TOL, 'eager forward');
    await assertClose(jit(c.f)(...gpu), want, TOL, 'jit forward');
    const eagerG = g(...gpu) as NDArray[], jitG = jit(g)(...gpu) as NDArray[];
    for (let i = 0; i < wantG.length; i++) {
      await assertClose(eagerG[i]!, wantG[i]!, TOL, `eager gradient ${i}`);
      await assertClose(jitG[i]!, wantG[i]!, TOL, `jit gradient ${i}`);
    }
  });
}

// The tiled implicit-GEMM conv is what GPUs run (llvmpipe takes the direct kernel by default): forced here.
gpuTest('tiled conv (forced): forward and gradients match the CPU; jit fuses bias + ReLU into the conv shader', async () => {
  const before = matmulKernel();
  setMatmulKernel('tiled');
  try {
    for (const c of CASES.filter((k) => k.name.startsWith('conv'))) {
      const inputs = c.shapes.map(draw);
      const gpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'webgpu')), cpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'cpu'));
      const g = grad((...xs: NDArray[]) => np.tanh(c.f(...xs)).sum(), { argnums: c.shapes.map((_, i) => i) });
      await assertClose(c.f(...gpu), onCpu(() => c.f(...cpu)), TOL, `${c.name}: forward`);
      const want = onCpu(() => g(...cpu) as NDArray[]), got = jit(g)(...gpu) as NDArray[];
      for (let i = 0; i < want.length; i++) await assertClose(got[i]!, want[i]!, TOL, `${c.name}: jit gradient ${i}`);
    }
    const shapes = [[2, 3, 8, 7], [4, 3, 3, 3], [4]], data = shapes.map(draw);
    const [x, w, b] = data.map((d, i) => on(d, shapes[i]!, 'webgpu')), cpuArgs = data.map((d, i) => on(d, shapes[i]!, 'cpu'));
    const layer = (x: NDArray, w: NDArray, b: NDArray) => np.maximum(lax.convGeneralDilated(x, w, [1, 1], 'SAME').add(b.reshape(1, 4, 1, 1)), 0);
    assert.match(jit(layer).lower(x!, w!, b!).compiledText(), /conv_general_dilated .* with epilogue/);
    await assertClose(jit(layer)(x!, w!, b!), onCpu(() => layer(cpuArgs[0]!, cpuArgs[1]!, cpuArgs[2]!)), TOL, 'fused bias + ReLU');
  } finally {
    setMatmulKernel(before);
  }
});

// MNIST on the GPU, kept small for the software adapter: 30 compiled torch steps, then 500 test digits.
gpuTest('LeNet on MNIST trains on WebGPU: 30 steps reach well above chance', async () => {
  const res = await trainMnistCnn({ epochs: 1, batch: 16, lr: 2e-3, trainCount: 480, testCount: 500 });
  assert.is(res.losses.length, 30);
  assert.ok(res.testAccuracy > 0.4, `test accuracy ${res.testAccuracy}`);
});

test.run();
