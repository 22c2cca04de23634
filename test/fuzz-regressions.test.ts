// Bugs the differential fuzzer found (npm run fuzz), each as its shrunk reproducer: jit must agree
// with eager and with grad on exactly these programs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, lax, jit, grad } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const same = (got: NDArray, want: NDArray, what: string) => {
  assert.equal([...got.shape], [...want.shape], `${what}: shape`);
  assert.equal(Array.from(got.dataSync()), Array.from(want.dataSync()), `${what}: values`);
};
const x4 = (dtype: 'float32' | 'float64') => np.reshape(np.array([1.9, 0.8, -0.1, 1.1], { dtype }), [1, 2, 1, 2]);

// CPU jit: a reduction's epilogue holding an iota (here sort's index iota after a min) threw
// "codegen: an epilogue reads a buffer away from the element being finished".
const CASES: [string, (x: NDArray) => NDArray][] = [
  ['grad of sort(min(x, axis 2), axis 1)', (x) => grad((y: NDArray) => np.sum(np.sort(np.min(y, { axis: 2 }), { axis: 1 })))(x) as NDArray],
  ['min(x, axis 2) plus an iota along axis 1', (x) => np.add(np.min(x, { axis: 2 }), np.astype(lax.iota('int32', [1, 2, 2], 1), x.dtype))],
  ['sum(x, axis 0) times an iota along axis 2', (x) => np.multiply(np.sum(x, { axis: 0 }), np.astype(lax.iota('int32', [2, 1, 2], 2), x.dtype))],
];
for (const [name, f] of CASES) {
  for (const dtype of ['float32', 'float64'] as const) {
    test(`jit = eager: ${name} (${dtype})`, () => same(jit(f)(x4(dtype)), f(x4(dtype)), name));
  }
}

// CPU jit: a reduction whose every consumer has no elements (a slice to size 0) has no buffer, yet
// its loop wrote one: "ReferenceError: $j is not defined" (the family of issue 10's Found bug 1).
test('jit = eager: var over axes [0, 1], then an index and a slice to size 0', () => {
  const x = np.reshape(np.array([-1, 0.4, -0.3, 0.3]), [2, 1, 2, 1]);
  const i = np.array(-1, { dtype: 'int32' });
  const f = (x: NDArray, i: NDArray) => np.var(x, { axis: [0, 1], keepdims: true }).get(i, ':1:-2');
  same(jit(f)(x, i), f(x, i), 'forward');
  const g = (x: NDArray) => grad((y: NDArray) => np.sum(np.var(y, { axis: [0, 1], keepdims: true }).get(0, ':0')))(x) as NDArray;
  same(jit(g)(x), g(x), 'gradient');
});

test.run();
