// debugNans on WebGPU: values are checked when read back; the NaN is traced to its primitive
// (re-running a jitted call op by op), with the pass and the user's source line.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, grad, debugNans, FloatingPointError } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { gpuSuite } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'debug-nans.webgpu.test');
const logOfNegative = (x: NDArray) => np.log(x).mul(2).sum();
// z is an argument, not the literal 0: llvmpipe folds `x * 0` to 0 in a compiled shader (it assumes no NaNs).
const zeroTimesInf = (x: NDArray, z: NDArray) => np.sqrt(x).mul(z).sum();

async function rejectsWithFpe(p: Promise<unknown>): Promise<FloatingPointError> {
  try { await p; } catch (e) {
    assert.instance(e, FloatingPointError, `got ${(e as Error).name}: ${(e as Error).message}`);
    return e as FloatingPointError;
  }
  assert.unreachable('expected a FloatingPointError');
  throw new Error('unreachable');
}

gpuTest('reading back a NaN names the primitive that made it, eagerly and under jit, forward and backward', async () => {
  debugNans(true);
  try {
    for (const run of [logOfNegative, jit(logOfNegative)]) {
      const e = await rejectsWithFpe(run(np.array([1, -1, 2])).data());
      assert.is(e.primitive, 'log');
      assert.is(e.pass, 'forward');
      assert.match(e.location ?? '', /debug-nans\.webgpu\.test\.js:\d+:\d+/);
      assert.match(e.message, /input 0: f32\[3\] min=-1 max=2 nan=0 inf=0/);
    }
    for (const g of [grad(zeroTimesInf), jit(grad(zeroTimesInf))]) {
      const e = await rejectsWithFpe((g(np.array([0, 1]), np.array([0, 0])) as NDArray).data());
      assert.is(e.primitive, 'mul');
      assert.is(e.pass, 'backward');
    }
    assert.ok(Math.abs(await logOfNegative(np.array([1, Math.E])).item() - 2) < 1e-5, 'clean values read as usual');
  } finally {
    debugNans(false);
  }
});

test.run();
