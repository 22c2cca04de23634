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

test.run();
