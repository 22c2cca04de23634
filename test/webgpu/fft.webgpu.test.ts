// np.fft on WebGPU against the CPU (which test/fft.test.ts checks against the naive DFT): Stockham
// radix-2 and Bluestein lengths, the four transform types, 2-d, norms; forward and gradients,
// eager and jit. Sizes stay small: the software adapter is slow.
import { test } from 'uvu';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped } from '../../src/core/array.js';
import { grad, jit, np } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { assertClose, gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'fft.webgpu.test');

let seed = 11;
function draw(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32 * 2 - 1; });
}
const on = (data: Float32Array, shape: readonly number[], device: 'cpu' | 'webgpu'): NDArray =>
  concreteFromTyped(data.slice(), new ShapedArray(shape, 'float32'), device);
const TOL = { rtol: 1e-4, atol: 2e-5 };

type Fn = (x: NDArray) => NDArray;
const CASES: { name: string; shape: number[]; f: Fn }[] = [
  { name: 'fft n=16 (radix 2), batch 3', shape: [3, 16, 2], f: (x) => np.fft.fft(x) },
  { name: 'ifft n=12 (Bluestein) along axis 0', shape: [12, 2, 2], f: (x) => np.fft.ifft(x, null, 0) },
  { name: 'fft n=7 (Bluestein), ortho', shape: [2, 7, 2], f: (x) => np.fft.fft(x, null, -1, 'ortho') },
  { name: 'rfft n=8 and n=5', shape: [2, 8], f: (x) => np.fft.rfft(x).sum().add(np.fft.rfft(x, 5).mul(np.fft.rfft(x, 5)).sum()) },
  { name: 'irfft n=6 and n=9', shape: [2, 4, 2], f: (x) => np.fft.irfft(x, 6).sum().add(np.fft.irfft(x, 7).mul(np.fft.irfft(x, 7)).sum()) },
  { name: 'fft2 [4, 6]', shape: [4, 6, 2], f: (x) => np.fft.fft2(x) },
  { name: 'rfftn and irfftn [3, 4]', shape: [3, 4], f: (x) => np.fft.irfftn(np.fft.rfftn(x).mul(np.fft.rfftn(x)), [3, 4]) },
];

for (const c of CASES) {
  const input = draw(c.shape);
  const loss = (x: NDArray) => np.tanh(c.f(x)).sum();
  gpuTest(`${c.name}: forward, gradient, jit = eager, webgpu = cpu`, async () => {
    const gpu = on(input, c.shape, 'webgpu'), cpu = on(input, c.shape, 'cpu');
    const want = onCpu(() => c.f(cpu)), wantG = onCpu(() => grad(loss)(cpu));
    await assertClose(c.f(gpu), want, TOL, 'eager forward');
    await assertClose(jit(c.f)(gpu), want, TOL, 'jit forward');
    await assertClose(grad(loss)(gpu), wantG, TOL, 'eager gradient');
    await assertClose(jit(grad(loss))(gpu), wantG, TOL, 'jit gradient');
  });
}

test.run();
