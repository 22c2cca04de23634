// Indexing with NumPy's rules (x.get) and JAX's functional updates (x.at(...).set/add/...):
// hand-checked cases, a reference implementation for basic indices, errors, and transforms.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, grad, jit, makeJaxpr, ConcretizationError, DTypeError, ShapeError } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';
import { IndexError } from '../src/core/indexing.js';
import { expectError } from './helpers/expect.js';

type Values = readonly (number | boolean)[];
function expectArray(x: NDArray, dtype: DType, shape: readonly number[], values: Values, msg = ''): void {
  assert.is(x.dtype, dtype, `${msg}: dtype`);
  assert.equal([...x.shape], [...shape], `${msg}: shape`);
  assert.equal(Array.from(x.dataSync(), Number), values.map(Number), `${msg}: values`);
}
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const i32 = (v: number[] | number[][]) => np.array(v, { dtype: 'int32' });
/** arange(n).reshape(shape) as int32, so every element names its own flat position. */
const iota = (...shape: number[]) => np.arange(shape.reduce((a, b) => a * b, 1)).reshape(shape);

// ---- a reference for basic indexing on nested JS lists -------------------------------------------
type Nested = number | Nested[];
const nest = (flat: number[], shape: number[]): Nested => {
  if (!shape.length) return flat[0]!;
  const [n, ...rest] = shape as [number, ...number[]];
  const stride = rest.reduce((a, b) => a * b, 1);
  return range(n).map((i) => nest(flat.slice(i * stride, (i + 1) * stride), rest));
};
/** Python's range(*slice.indices(n)), written the long way. */
function sliceIndices(spec: string, n: number): number[] {
  const parts = spec.split(':').map((p) => (p === '' ? null : Number(p)));
  const a = parts[0] ?? null, bb = parts[1] ?? null, step = parts[2] ?? 1;
  const norm = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v < 0 ? v + n : v));
  const out: number[] = [];
  if (step > 0) { for (let i = a === null ? 0 : norm(a, 0, n); i < (bb === null ? n : norm(bb, 0, n)); i += step) out.push(i); }
  else { for (let i = a === null ? n - 1 : norm(a, -1, n - 1); i > (bb === null ? -1 : norm(bb, -1, n - 1)); i += step) out.push(i); }
  return out;
}
function refGet(x: Nested, index: (number | string | null)[]): Nested {
  if (!index.length) return x;
  const [head, ...rest] = index;
  if (head === null || head === undefined) return [refGet(x, rest)];
  const xs = x as Nested[];
  if (typeof head === 'number') return refGet(xs[head < 0 ? head + xs.length : head]!, rest);
  return sliceIndices(head, xs.length).map((i) => refGet(xs[i]!, rest));
}
/** The result shape, entry by entry: newaxis adds 1, an integer drops the axis, a slice keeps what it selects. */
function refShape(shape: readonly number[], index: (number | string | null)[]): number[] {
  const out: number[] = [];
  let axis = 0;
  for (const ix of index) {
    if (ix === null) out.push(1);
    else if (typeof ix === 'number') axis++;
    else out.push(sliceIndices(ix, shape[axis++]!).length);
  }
  return out;
}
const flatOf = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flatOf) : [v]);

test('basic indices agree with a reference on a 3-D array', () => {
  const shape = [3, 4, 5];
  const x = iota(...shape);
  const ref = nest(range(60), shape);
  const cases: (number | string | null)[][] = [
    [0], [-1], [1, 2], [-1, -1, -1], [':', 1], [':', ':', 3], ['1:'], ['::-1'], ['::2', '1:3'], [':', '::-2', '-2:'],
    ['-1:0:-1'], [':', '3:1:-1', '::3'], ['10:'], [':', '-100:2'], [null], [0, null, ':', 1], [null, null, '::-1', 0, null],
    ['2:0'], [':', ':', '4:0:-2'], [1, '::-3', -2],
  ];
  for (const ix of cases) {
    const full = [...ix, ...Array<string>(Math.max(0, 3 - ix.filter((i) => i !== null).length)).fill(':')];
    expectArray(x.get(...ix), 'int32', refShape(shape, full), flatOf(refGet(ref, full)), `x[${ix.map(String).join(', ')}]`);
  }
});

test('ellipsis, slices by helper, integer strings', () => {
  const x = iota(2, 3, 4);
  expectArray(x.get('...', 0), 'int32', [2, 3], [0, 4, 8, 12, 16, 20]);
  expectArray(x.get(1, '...'), 'int32', [3, 4], range(12).map((i) => i + 12));
  expectArray(x.get(0, '...', 1, null), 'int32', [3, 1], [1, 5, 9]);
  expectArray(x.get('...'), 'int32', [2, 3, 4], range(24));
  expectArray(x.get(0, 0, np.slice(2)), 'int32', [2], [0, 1]);
  expectArray(x.get(0, 0, np.slice(3, 0, -2)), 'int32', [2], [3, 1]);
  expectArray(x.get(0, 0, np.slice(null, null, -1)), 'int32', [4], [3, 2, 1, 0]);
  expectArray(x.get('1', ' 2 ', '-1'), 'int32', [], [23]);
  assert.is(x.get(), x);
});

test('integer arrays: gather, broadcasting, placement of the advanced axes', () => {
  const a = iota(3, 4);
  expectArray(a.get([2, 0]), 'int32', [2, 4], [8, 9, 10, 11, 0, 1, 2, 3]);
  expectArray(a.get([-1]), 'int32', [1, 4], [8, 9, 10, 11]);
  expectArray(a.get(':', [0, 3]), 'int32', [3, 2], [0, 3, 4, 7, 8, 11]);
  expectArray(a.get([0, 2], [1, -1]), 'int32', [2], [1, 11]);
  expectArray(a.get(i32([[0], [2]]), i32([1, 3])), 'int32', [2, 2], [1, 3, 9, 11]);
  expectArray(a.get(np.array([1, 1], { dtype: 'uint32' })), 'int32', [2, 4], [4, 5, 6, 7, 4, 5, 6, 7]);
  expectArray(a.get([]), 'int32', [0, 4], []);
  expectArray(a.get(null, [0, 1]), 'int32', [1, 2, 4], range(8));
  expectArray(a.get([0, 2], '::-1'), 'int32', [2, 4], [3, 2, 1, 0, 11, 10, 9, 8]);
  const x = iota(2, 3, 4);
  // Adjacent advanced indices (an integer counts as one) stay in place: x[:, 0, [0, 1]] is [2, 2].
  expectArray(x.get(':', 0, [0, 1]), 'int32', [2, 2], [0, 1, 12, 13]);
  // Separated by a slice, they go first: x[0, :, [0, 1]] is [2, 3] (NumPy's rule).
  expectArray(x.get(0, ':', [0, 1]), 'int32', [2, 3], [0, 4, 8, 1, 5, 9]);
  expectArray(x.get([0, 1], ':', [0, 1]), 'int32', [2, 3], [0, 4, 8, 13, 17, 21]);
  expectArray(x.get(':', i32([[0], [2]]), [1, 3]), 'int32', [2, 2, 2], [1, 3, 9, 11, 13, 15, 21, 23]);
  expectArray(x.get('...', [3, 0]), 'int32', [2, 3, 2], [3, 0, 7, 4, 11, 8, 15, 12, 19, 16, 23, 20]);
  expectArray(x.astype('float32').get(1, [2, 0], 1), 'float32', [2], [21, 13]);
});

test('boolean masks select the true positions (eager)', () => {
  const a = iota(3, 4);
  expectArray(a.get(a.gt(8)), 'int32', [3], [9, 10, 11]);
  expectArray(a.get(np.array([true, false, true])), 'int32', [2, 4], [0, 1, 2, 3, 8, 9, 10, 11]);
  expectArray(a.get(':', np.array([false, true, false, true])), 'int32', [3, 2], [1, 3, 5, 7, 9, 11]);
  expectArray(a.get(a.lt(0)), 'int32', [0], []);
  expectError(() => a.get(np.array([true, false])), IndexError, /^getItem: a boolean mask of shape \[2\] does not match axes 0\.\.0 of an array of shape \[3, 4\] \(sizes \[3\]\)/);
});

test('indexing errors name the axis, the size and what was given', () => {
  const a = iota(2, 3);
  expectError(() => a.get(2), IndexError, /^getItem: index 2 is out of bounds for axis 0 with size 2/);
  expectError(() => a.get(0, -4), IndexError, /^getItem: index -4 is out of bounds for axis 1 with size 3/);
  expectError(() => a.get([0, 5]), IndexError, /^getItem: index 5 is out of bounds for axis 0 with size 2/);
  expectError(() => a.get(0, 0, 0), IndexError, /^getItem: too many indices: the array has shape \[2, 3\] \(rank 2\) but 3 were given/);
  expectError(() => a.get('...', 0, '...'), IndexError, /single ellipsis/);
  expectError(() => a.get('1:x'), IndexError, /^getItem: cannot parse the index string "1:x"/);
  expectError(() => a.get('::0'), IndexError, /^getItem: slice step cannot be zero/);
  expectError(() => a.get(1.5), IndexError, /^getItem: only integers, slices, null, '...', and integer or boolean arrays are valid indices; got the number 1.5/);
  expectError(() => a.get(np.array([0.5])), IndexError, /^getItem: arrays used as indices must be of integer or bool dtype, got f32\[1\]/);
  expectError(() => a.get([0, 1], [0, 1, 2]), IndexError, /^getItem: index arrays of shapes \[2\], \[3\] cannot be broadcast together/);
  assert.instance(new IndexError('x'), ShapeError);
});

// ---- updates --------------------------------------------------------------------------------------
test('updates with basic indices: set, add, mul, min, max', () => {
  const a = iota(3, 4);
  expectArray(a.at(0).set(-1), 'int32', [3, 4], [-1, -1, -1, -1, 4, 5, 6, 7, 8, 9, 10, 11]);
  expectArray(a.at(':', 1).add(100), 'int32', [3, 4], [0, 101, 2, 3, 4, 105, 6, 7, 8, 109, 10, 11]);
  expectArray(a.at(1).mul(2), 'int32', [3, 4], [0, 1, 2, 3, 8, 10, 12, 14, 8, 9, 10, 11]);
  expectArray(a.at(-1, '1:').min(9), 'int32', [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9]);
  expectArray(a.at('...', 0).max(5), 'int32', [3, 4], [5, 1, 2, 3, 5, 5, 6, 7, 8, 9, 10, 11]);
  // Rows 0 and 2, columns 3 then 0 (a negative step): values land in selection order.
  expectArray(a.at('::2', '::-3').set(i32([[100, 200], [300, 400]])), 'int32', [3, 4], [200, 1, 2, 100, 4, 5, 6, 7, 400, 9, 10, 300]);
  expectArray(a.at(null, 1, '::2').set(i32([[-1, -2]])), 'int32', [3, 4], [0, 1, 2, 3, -1, 5, -2, 7, 8, 9, 10, 11]);
  expectArray(a.at('5:').set(0), 'int32', [3, 4], range(12));
  expectArray(a.at(1, 2).get(), 'int32', [], [6]);
  const f = np.zeros([2, 2]);
  expectArray(f.at(0, 1).set(2.5), 'float32', [2, 2], [0, 2.5, 0, 0]);
  expectArray(np.array([true, false]).at(1).set(true), 'bool', [2], [true, true]);
  expectArray(a, 'int32', [3, 4], range(12), 'the original is unchanged');
});

test('updates with integer arrays and masks, duplicates included', () => {
  const a = iota(3, 2);
  expectArray(a.at([0, 0, 2]).add(1), 'int32', [3, 2], [2, 3, 2, 3, 5, 6]);
  expectArray(a.at([0, 0]).set(i32([[7, 7], [9, 9]])), 'int32', [3, 2], [9, 9, 2, 3, 4, 5], 'the last duplicate wins');
  expectArray(a.at([1, 1]).mul(3), 'int32', [3, 2], [0, 1, 18, 27, 4, 5], 'duplicates combine');
  expectArray(a.at([2, 2], [0, 0]).min(i32([3, 1])), 'int32', [3, 2], [0, 1, 2, 3, 1, 5]);
  expectArray(a.at(':', [1, -1]).max(i32([10, 20])), 'int32', [3, 2], [0, 20, 2, 20, 4, 20]);
  expectArray(a.at(a.gt(3)).set(0), 'int32', [3, 2], [0, 1, 2, 3, 0, 0]);
  expectArray(a.at(a.gt(3)).add(i32([10, 20])), 'int32', [3, 2], [0, 1, 2, 3, 14, 25]);
  expectArray(a.at([2, 0]).get(), 'int32', [2, 2], [4, 5, 0, 1]);
});

test('update errors: lossy dtypes and unbroadcastable values', () => {
  const a = iota(2, 2);
  expectError(() => a.at(0).set(0.5), DTypeError, /^at\(\.\.\.\)\.set: cannot write the number 0.5 into a int32 array without a cast/);
  expectError(() => np.array([true]).at(0).add(2), DTypeError, /^at\(\.\.\.\)\.add: cannot write the number 2 into a bool array/);
  expectError(() => a.at(0).set(i32([1, 2, 3])), ShapeError, /^at\(\.\.\.\)\.set: values of shape \[3\] cannot be broadcast to the indexed shape \[2\]/);
  expectError(() => a.at(5), IndexError, /^at: index 5 is out of bounds for axis 0 with size 2/);
  expectArray(np.zeros([2]).at(0).set(np.array(3, { dtype: 'float64' })), 'float32', [2], [3, 0], 'float64 values into float32 are allowed');
});

// ---- under transformations ------------------------------------------------------------------------
test('gradients flow through get and at(...).set / add', () => {
  const x = np.array([1, 2, 3], { dtype: 'float64' });
  expectArray(grad((v: NDArray) => v.get([0, 0, 2]).sum())(x) as NDArray, 'float64', [3], [2, 0, 1]);
  expectArray(grad((v: NDArray) => v.get('::-2').mul(v.get('::-2')).sum())(x) as NDArray, 'float64', [3], [2, 0, 6]);
  expectArray(grad((v: NDArray) => v.at(0).set(5).mul(v).sum())(x) as NDArray, 'float64', [3], [5, 4, 6]);
  expectArray(grad((v: NDArray) => np.zeros([3], { dtype: 'float64' }).at([1, 1]).add(v.get(0)).sum())(x) as NDArray, 'float64', [3], [2, 0, 0]);
});

test('under jit: traced integer indices gather, and traced masks are refused', () => {
  const a = iota(3, 2).astype('float32');
  const take = jit((x: NDArray, idx: NDArray) => x.get(idx));
  expectArray(take(a, i32([2, -3])) as NDArray, 'float32', [2, 2], [4, 5, 0, 1]);
  const setAt = jit((x: NDArray, idx: NDArray) => x.at(idx).set(np.array([7, 8])));
  expectArray(setAt(a, i32([1])) as NDArray, 'float32', [3, 2], [0, 1, 7, 8, 4, 5]);
  expectError(() => makeJaxpr((x: NDArray) => x.get(x.gt(0)))(a), ConcretizationError, /^getItem: boolean mask indexing needs the mask's values.*np\.where/);
  expectError(() => makeJaxpr((x: NDArray, idx: NDArray) => x.at(idx).max(1))(a, i32([0])), ConcretizationError, /^at\(\.\.\.\)\.max: \.max with integer-array indices whose values are traced/);
  // Concrete index lists inside a traced function are fine for every update kind.
  expectArray(jit((x: NDArray) => x.at([0, 0]).max(np.array([3, 9])))(a) as NDArray, 'float32', [3, 2], [3, 9, 2, 3, 4, 5]);
});

test.run();
