// The bad-input suite on WebGPU: wrong calls with arrays on the device (dtypes it cannot hold,
// synchronous reads, disposed buffers, shape errors in eager and jitted kernels). Each row asserts
// the error's class and message; after each, a device computation must still be right.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, grad, ShapeError, DTypeError, CotangentError, IndexError, setCacheLimit } from '../../src/index.js';
import type { Array as NDArray, ConcreteArray } from '../../src/index.js';
import { gpuSuite } from '../helpers/webgpu.js';
import { expectBadInputAsync, ErrorClass } from '../helpers/bad-input.js';

const gpuTest = gpuSuite(test, 'bad-input.webgpu.test');
// Inside gpuTest the default backend is webgpu: np.ones makes device arrays.
const f32 = (...shape: number[]) => np.ones(shape);

const ROWS: readonly (readonly [string, () => unknown, ErrorClass, ...RegExp[]])[] = [
  ['a float64 array', () => np.ones([2], { dtype: 'float64' }), DTypeError, /ones|webgpu/, /float64/],
  ['moving float64 to the device', () => (np.ones([2], { dtype: 'float64', device: 'cpu' }) as ConcreteArray).to('webgpu'), DTypeError, /webgpu/, /float64/],
  ['dataSync on a device array', () => f32(2).add(1).dataSync(), CotangentError, /readSync|dataSync/, /f32\[2\].*await x\.data\(\)/],
  ['itemSync on a device array', () => f32().add(1).itemSync(), CotangentError, /readSync|itemSync/, /f32\[\]/],
  ['tolistSync on a device array', () => f32(2).add(1).tolistSync(), CotangentError, /readSync|tolistSync/, /f32\[2\]/],
  ['add: shapes', () => np.add(f32(2), f32(3)), ShapeError, /^add:/, /\[2\] and \[3\]/],
  ['matmul: contracted sizes', () => np.matmul(f32(2, 3), f32(2, 3)), ShapeError, /^matmul:/, /\[2, 3\] and \[2, 3\]/],
  ['sum: axis out of range', () => f32(2).sum(1), ShapeError, /^sum:/, /axis 1/],
  ['getItem: out of range', () => f32(3).get(4), IndexError, /^getItem:/, /index 4/],
  ['jit: shapes inside', () => jit((x: NDArray) => x.add(f32(4)))(f32(3)), ShapeError, /^add:/, /\[3\] and \[4\]/],
  ['use after dispose', () => { const x = f32(2).add(1); x.dispose(); return x.mul(2); }, CotangentError, /^mul:/, /disposed/],
  ['data() after dispose', () => { const x = f32(2).add(1); x.dispose(); return x.data(); }, CotangentError, /^data:/, /disposed/],
  ['a donated argument reused', () => { const f = jit((x: NDArray) => x.mul(2), { donateArgnums: [0] }); const x = f32(2).add(0); f(x); return f(x); }, CotangentError, /disposed|donated/, /f32\[2\]/],
  ['setCacheLimit: NaN', () => setCacheLimit(Number.NaN), RangeError, /setCacheLimit/, /NaN/],
];

gpuTest(`bad input on webgpu (${ROWS.length} rows), each followed by a right device computation`, async () => {
  const step = jit((x: NDArray) => np.matmul(x, x).sum());
  for (const [what, call, cls, ...patterns] of ROWS) {
    await expectBadInputAsync(what, call, cls, ...patterns);
    const x = np.array([[1, 2], [3, 4]]);
    assert.is(await step(x).item(), 54, `${what}: a jitted device computation afterwards`);
    assert.is(await np.add(x, 1).sum().item(), 14, `${what}: an eager device computation afterwards`);
    assert.is(await (grad((y: NDArray) => y.mul(y).sum())(np.array([3])) as NDArray).item(), 6, `${what}: a gradient afterwards`);
  }
});

test.run();
