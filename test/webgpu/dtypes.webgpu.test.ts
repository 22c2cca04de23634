// The narrow dtypes on WebGPU (held in 32-bit words, wrapped and float16-rounded at every store): eager and jit equal the CPU bitwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jit, lax, np } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import type { DType } from '../../src/core/dtype.js';
import { gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'dtypes.webgpu.test');

type Fn = (a: NDArray, b: NDArray) => NDArray;
/** [name, dtype, f, a, b]: small inputs that overflow, wrap, tie and saturate. */
const ROWS: [string, DType, Fn, number[], number[]][] = [
  ['int8 add/mul/neg wrap', 'int8', (a, b) => np.negative(np.add(np.multiply(a, b), a)), [127, -128, 100, 7], [1, -1, 3, -3]],
  ['uint8 sub/not wrap', 'uint8', (a, b) => np.bitwiseNot(np.subtract(a, b)), [0, 5, 255, 200], [1, 9, 255, 100]],
  ['int16 div/rem/abs', 'int16', (a, b) => np.add(lax.div(a, b), np.abs(lax.rem(a, b))), [-32768, 300, -7, 9], [-1, 7, 2, 0]],
  ['uint16 max/shift', 'uint16', (a, b) => lax.shiftRightLogical(np.maximum(a, b), np.full([4], 3, { dtype: 'uint16' })), [65535, 8, 17, 0], [1, 9, 4, 0]],
  ['int8 logical shift of the bit pattern', 'int8', (a, b) => lax.shiftRightLogical(a, b), [-1, -8, 5, 9], [1, 2, 8, 11]],
  ['float16 arithmetic rounds', 'float16', (a, b) => np.add(np.multiply(a, b), np.divide(a, 3)), [1, 65504, 0.1, 2048], [2 ** -11, 2, 3, 1.0009765625]],
  ['float16 exp/sqrt', 'float16', (a, b) => np.add(np.exp(b), np.sqrt(np.abs(a))), [2, 1e-3, 100, 7], [1, 11.5, -3, 0.5]],
  ['int8 sum wraps, np.sum promotes', 'int8', (a, b) => np.add(lax.reduceSum(np.stack([a, b]), [0]), np.sum(a).astype('int8')), [100, 100, -128, 1], [100, 28, -1, 1]],
  ['float16 sum in float32 + matmul', 'float16', (a, b) => np.add(np.sum(np.stack([a, b]), { axis: 0 }), np.matmul(np.reshape(a, [1, 4]), np.reshape(b, [4, 1]))), [2048, 1, 1, 0.5], [1, 1, 2, 0.25]],
  ['casts: float32 → int8 saturates, int32 → uint8 wraps', 'float16', (a, b) => np.add(a.astype('float32').astype('int8').astype('float16'), np.multiply(b, 1000).astype('int32').astype('uint8').astype('float16')), [300, -300, 3.75, -2.5], [0.3, -0.001, 1, 0.256]],
  ['movement, sort and gather', 'uint8', (a, b) => np.concatenate([np.sort(a), np.take(b, np.array([3, 0], { dtype: 'int8' })), np.flip(a, 0)], 0), [9, 250, 3, 0], [1, 2, 3, 4]],
];

const run = (f: Fn, d: DType, a: number[], b: number[], device?: string) =>
  f(np.array(a, { dtype: d, device }), np.array(b, { dtype: d, device }));

for (const [name, d, f, a, b] of ROWS) {
  gpuTest(`${name}: eager and jit on WebGPU equal the CPU`, async () => {
    const want = onCpu(() => Array.from(run(f, d, a, b).dataSync(), Number));
    const eager = run(f, d, a, b, 'webgpu');
    assert.is(eager.device, 'webgpu');
    const jitted = jit(f)(np.array(a, { dtype: d, device: 'webgpu' }), np.array(b, { dtype: d, device: 'webgpu' }));
    for (const [what, x] of [['eager', eager], ['jit', jitted]] as const) {
      const got = Array.from(await x.data(), Number);
      assert.is(x.dtype, onCpu(() => run(f, d, a, b).dtype), `${what} dtype`);
      got.forEach((v, i) => { if (!Object.is(v, want[i])) assert.unreachable(`${what}: element ${i} is ${v}, the CPU gives ${want[i]}`); });
    }
  });
}

test.run();
