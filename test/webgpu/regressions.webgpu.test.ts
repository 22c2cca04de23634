// Issue #10 regressions that depend on the backend: out-of-range traced indices in updates are
// dropped on WebGPU as on the CPU (eager and jit), and a zero-size reduction result under jit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { gpuSuite } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'regressions.webgpu.test');
const i32 = (v: number | number[]) => np.array(v, { dtype: 'int32' });

gpuTest('updates at out-of-range traced indices are dropped, gathers clamp; zero-size reductions under jit', async () => {
  const vals = async (x: NDArray) => Array.from(await x.data());
  assert.equal(await vals(jit((x: NDArray, i: NDArray) => x.at(i).set(1))(np.zeros([3]), i32(7))), [0, 0, 0]);
  assert.equal(await vals(jit((x: NDArray, i: NDArray) => x.at(i).add(1))(np.zeros([3]), i32([0, 7, -1, -4]))), [1, 0, 1]);
  assert.equal(await vals(jit((x: NDArray, i: NDArray) => x.at(i).set(1, { mode: 'clip' }))(np.zeros([3]), i32(7))), [0, 0, 1]);
  assert.equal(await vals(jit((x: NDArray, i: NDArray) => x.at(i).get())(np.arange(3), i32(7))), [2]);
  assert.equal((jit((x: NDArray) => np.sum(x, { axis: 1 }).add(1))(np.ones([0, 3]))).shape, [0]);
  assert.equal(await vals(jit((x: NDArray) => np.sum(x, { axis: 0 }).add(1))(np.ones([0, 3]))), [1, 1, 1]);
});

// Found by the fuzzer: the shader compiler folded a division by a constant zero as if no NaN or
// infinity could come of it, so jit gave 0 for a mean over an empty axis (the CPU and eager
// WebGPU give NaN).
gpuTest('jit divides by a constant zero as IEEE does (mean and var over an empty axis)', async () => {
  const vals = async (x: NDArray) => Array.from(await x.data());
  const empty = np.ones([2, 0, 3]);
  assert.equal((await vals(jit((x: NDArray) => np.mean(x, { axis: [0, 1] }))(empty))).map(Number.isNaN), [true, true, true]);
  assert.equal((await vals(jit((x: NDArray) => np.var(x, { axis: [0, 1] }))(empty))).map(Number.isNaN), [true, true, true]);
  const y = np.array([1, -2, 0, NaN]);
  assert.equal(await vals(jit((v: NDArray) => v.div(0))(y)), [Infinity, -Infinity, NaN, NaN]);
  assert.equal(await vals(jit((v: NDArray) => v.div(-0))(y)), [-Infinity, Infinity, NaN, NaN]);
  assert.equal(await vals(jit((v: NDArray) => v.div(2))(y)), [0.5, -1, 0, NaN]);
});

test.run();
