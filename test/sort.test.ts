// Sorting on the CPU: np.sort / np.argsort / lax.sort / np.takeAlongAxis against a plain JS
// reference (NumPy's order: NaN last, -0 = +0, stable) on random arrays with many ties, every
// dtype, every axis; gradients through a sort; jit (the compiled CPU program) against eager; errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, makeJaxpr, np, ShapeError, IndexError } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';
import { expectArray, expectError } from './helpers/expect.js';

// ---- the reference ------------------------------------------------------------------------------
/** NumPy's sort order: numbers ascending with -0 = +0, every NaN equal and after everything. */
function compare(a: number, b: number): number {
  const an = Number.isNaN(a), bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}
/** Lexicographic over several keys. */
const compareKeys = (a: readonly number[], b: readonly number[]) => {
  for (let k = 0; k < a.length; k++) { const c = compare(a[k]!, b[k]!); if (c) return c; }
  return 0;
};

/** Per lane along `axis` of `shape`: the stable order of positions (Array.prototype.sort is stable). */
function referenceArgsort(keys: readonly (readonly number[])[], shape: readonly number[], axis: number): number[] {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const pre = size(shape.slice(0, axis)), n = shape[axis]!, post = size(shape.slice(axis + 1));
  const out = new Array<number>(pre * n * post);
  for (let p = 0; p < pre; p++) {
    for (let q = 0; q < post; q++) {
      const at = (i: number) => (p * n + i) * post + q;
      const order = Array.from({ length: n }, (_, i) => i)
        .sort((i, j) => compareKeys(keys.map((k) => k[at(i)]!), keys.map((k) => k[at(j)]!)));
      order.forEach((src, i) => { out[at(i)] = src; });
    }
  }
  return out;
}

/** Values with many ties, both zeros, both infinities and NaN (bools and unsigned as their dtype allows). */
function tieHeavy(rng: Rng, shape: readonly number[], dtype: DType): NDArray {
  const n = shape.reduce((a, b) => a * b, 1);
  const pool: Partial<Record<DType, number[]>> = {
    float32: [Number.NaN, -Infinity, Infinity, -0, 0, 1, -1, 2.5, 0.1, -3e38],
    float64: [Number.NaN, -Infinity, Infinity, -0, 0, 1, -1, 1e-300, 0.1, -1e300],
    int32: [0, 1, -1, 7, 2147483647, -2147483648, 5],
    uint32: [0, 1, 7, 2147483648, 4294967295],
    bool: [0, 1],
  };
  const values = Array.from({ length: n }, () => {
    const p = pool[dtype]!;
    // A third of the entries are fresh random numbers, the rest come from the tie-heavy pool.
    if (rng.next() < 0.33 && (dtype === 'float32' || dtype === 'float64')) return rng.uniform(-10, 10);
    return p[Math.floor(rng.next() * p.length)]!;
  });
  const data = dtype === 'bool' ? values.map((v) => v !== 0) : values;
  return np.array(data, { dtype }).reshape(shape);
}
const valuesOf = (x: NDArray) => Array.from(x.dataSync(), Number);

// ---- np.sort and np.argsort against the reference --------------------------------------------------
const CASES: [DType, number[], number | null][] = [
  ['float32', [37], -1], ['float32', [5, 40], -1], ['float32', [40, 5], 0], ['float32', [3, 50, 2], 1], ['float32', [4, 9], null],
  ['float64', [200], 0], ['float64', [6, 33], 1],
  ['int32', [3, 70], -1], ['int32', [70, 3], 0],
  ['uint32', [90], -1],
  ['bool', [4, 25], 1],
];
CASES.forEach(([dtype, shape, axis], k) => {
  test(`np.sort / np.argsort ${dtype}[${shape}] axis ${axis} match the reference (stable, NaN last, ±0 tied)`, () => {
    const x = tieHeavy(new Rng(100 + k), shape, dtype);
    const flatShape = axis === null ? [x.size] : shape;
    const ax = axis === null ? 0 : (axis + shape.length) % shape.length;
    const xs = valuesOf(x);
    const want = referenceArgsort([xs], flatShape, ax);
    const order = np.argsort(x, { axis });
    expectArray(order, 'int32', flatShape, want, 0, 'argsort');
    // The sorted values are exactly x at those positions: -0 stays -0 and keeps its place among zeros.
    const sorted = valuesOf(np.sort(x, { axis }));
    const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
    const post = size(flatShape.slice(ax + 1)), n = flatShape[ax]!;
    sorted.forEach((v, i) => {
      const lane = Math.floor(i / (n * post)) * n * post + (i % post);
      assert.ok(Object.is(v, xs[lane + want[i]! * post]!), `sort element ${i}: ${v} vs ${xs[lane + want[i]! * post]}`);
    });
    assert.is(np.sort(x, { axis }).dtype, dtype);
  });
});

test('descending: largest first, NaN first, ties keep their original order (argsort)', () => {
  const x = np.array([1, Number.NaN, 3, 1, -0, 3, 0], { dtype: 'float32' });
  expectArray(np.sort(x, { descending: true }), 'float32', [7], [Number.NaN, 3, 3, 1, 1, 0, -0]);
  expectArray(np.argsort(x, { descending: true }), 'int32', [7], [1, 2, 5, 0, 3, 4, 6]);
});

test('axis forms: a bare number, null, and the method spellings', () => {
  const x = np.array([[3, 1, 2], [0, 5, 4]], { dtype: 'int32' });
  expectArray(np.sort(x, 0), 'int32', [2, 3], [0, 1, 2, 3, 5, 4]);
  expectArray(np.sort(x, null), 'int32', [6], [0, 1, 2, 3, 4, 5]);
  expectArray(x.sort(), 'int32', [2, 3], [1, 2, 3, 0, 4, 5]);
  expectArray(x.argsort({ axis: 0 }), 'int32', [2, 3], [1, 0, 0, 0, 1, 1]);
  expectArray(x.argsort(null), 'int32', [6], [3, 1, 2, 0, 5, 4]);
});

test('np.sort of a scalar along an axis is a ShapeError; axis null gives one element', () => {
  expectError(() => np.sort(np.array(3)), ShapeError, /^sort: axis -1 is out of bounds for an array of rank 0/);
  expectError(() => lax.sort(np.array(3), { dimension: 0 }), ShapeError, /^sort: dimension 0 is out of range for f32\[\].*a scalar has no axis/);
  expectArray(np.sort(np.array(3, { dtype: 'int32' }), null), 'int32', [1], [3]);
});

// ---- lax.sort with several operands ----------------------------------------------------------------
test('lax.sort: numKeys 2 over long lanes (the merge path) matches the reference; values ride along', () => {
  const rng = new Rng(7);
  const shape = [3, 300];
  const k1 = tieHeavy(rng, shape, 'int32'), k2 = tieHeavy(rng, shape, 'float64');
  const v = np.arange(900, { dtype: 'float32' }).reshape(shape);
  const [s1, s2, sv] = lax.sort([k1, k2, v], { dimension: 1, numKeys: 2 });
  const want = referenceArgsort([valuesOf(k1), valuesOf(k2)], shape, 1);
  const lanes = want.map((src, i) => Math.floor(i / 300) * 300 + src);
  expectArray(sv!, 'float32', shape, lanes, 0, 'values');
  expectArray(s1!, 'int32', shape, lanes.map((j) => valuesOf(k1)[j]!), 0, 'first key');
  expectArray(s2!, 'float64', shape, lanes.map((j) => valuesOf(k2)[j]!), 0, 'second key');
});

test('lax.sort: one operand in, one array out; negative dimension; sortKeyVal', () => {
  const x = np.array([[2, 1], [0, 3]], { dtype: 'float32' });
  expectArray(lax.sort(x), 'float32', [2, 2], [1, 2, 0, 3]);
  expectArray(lax.sort(x, { dimension: -2 }), 'float32', [2, 2], [0, 1, 2, 3]);
  const [k, v] = lax.sortKeyVal(np.array([3, 1, 2], { dtype: 'uint32' }), np.array([true, false, true]));
  expectArray(k, 'uint32', [3], [1, 2, 3]);
  expectArray(v, 'bool', [3], [false, true, true]);
});

test('the sort shape rule: mismatched shapes, a bad dimension, bad numKeys name sort and the shapes', () => {
  const a = np.zeros([2, 3]), b = np.zeros([3, 2], { dtype: 'int32' });
  expectError(() => lax.sort([a, b], { dimension: 0 }), ShapeError, /^sort: operands must all have one shape.*f32\[2,3\].*i32\[3,2\]/);
  expectError(() => lax.sort(a, { dimension: 2 }), ShapeError, /^sort: dimension 2 is out of range for f32\[2,3\]/);
  expectError(() => lax.sort([a, a], { numKeys: 3 }), ShapeError, /^sort: numKeys must be an integer from 1 to the number of operands \(2\), got 3/);
  expectError(() => lax.sort([]), ShapeError, /^sort: expected at least one operand/);
});

test('a sort prints in a jaxpr as JAX does', () => {
  const text = makeJaxpr((x: NDArray) => np.argsort(x))(np.zeros([4])).toString();
  assert.match(text, /sort\[dimension=0 num_keys=1\] a b/);
});

// ---- jit -----------------------------------------------------------------------------------------
test('jit: a sort inside a compiled CPU program (fused steps around it) agrees with eager', () => {
  const f = (x: NDArray) => {
    const [k, i] = lax.sort([np.sin(x).mul(2), np.argsort(x, { axis: 0 })], { dimension: 1 });
    return np.add(k!, i!.astype('float32'));
  };
  const x = tieHeavy(new Rng(3), [6, 50], 'float32');
  const eager = valuesOf(f(x)), compiled = jit(f);
  const got = valuesOf(compiled(x) as NDArray);
  got.forEach((v, i) => assert.ok(Object.is(v, eager[i]!) || v === eager[i], `element ${i}: ${v} vs ${eager[i]}`));
  assert.match(compiled.lower(x).compiledText(), /sort/);
});

// ---- gradients -------------------------------------------------------------------------------------
test('grad of the sum of the top 3 (via sort) puts 1 on the three largest', () => {
  const topSum = (x: NDArray) => np.sum(np.sort(x).get('-3:'));
  const g = grad(topSum)(np.array([0.5, 4, -1, 3, 2, 0], { dtype: 'float64' })) as NDArray;
  expectArray(g, 'float64', [6], [0, 1, 0, 1, 1, 0]);
});

test('gradients through sort, argsort and takeAlongAxis agree with central differences', () => {
  const r = new Rng(41);
  checkGrads((x) => np.sum(np.sort(x, { axis: 0 }).get('-2:').mul(np.array([1, 3], { dtype: 'float64' }).reshape(2, 1))), [r.array([5, 3])], { label: 'weighted top-2 per column' });
  checkGrads((x) => np.sort(x, { descending: true }).mul(np.arange(4, { dtype: 'float64' })), [r.array([2, 4])], { label: 'descending rows' });
  checkGrads((x, y) => np.takeAlongAxis(y, np.argsort(x, { axis: 1 }), 1).mul(np.sin(x)), [r.array([3, 4]), r.array([3, 4])], { label: 'y ordered by x' });
  checkGrads((x) => jit((z: NDArray) => np.sort(z.mul(z), null))(x), [r.array([2, 3])], { label: 'jitted sort of x²' });
});

// ---- takeAlongAxis ---------------------------------------------------------------------------------
test('takeAlongAxis: argsort round trip, broadcasting, negative indices, axis null, bounds', () => {
  const x = np.array([[10, 30, 20], [60, 50, 40]], { dtype: 'int32' });
  expectArray(np.takeAlongAxis(x, np.argsort(x, { axis: 1 }), 1), 'int32', [2, 3], [10, 20, 30, 40, 50, 60]);
  expectArray(np.takeAlongAxis(x, np.array([[2], [0]], { dtype: 'int32' }), 1), 'int32', [2, 1], [20, 60]);
  expectArray(np.takeAlongAxis(x, np.array([[-1, 0, 0]], { dtype: 'int32' }), 0), 'int32', [1, 3], [60, 30, 20]);
  expectArray(np.takeAlongAxis(x, np.array([5, 0], { dtype: 'uint32' }), null), 'int32', [2], [40, 10]);
  expectError(() => np.takeAlongAxis(x, np.array([[3]], { dtype: 'int32' }), 1), IndexError, /index 3 is out of bounds for axis 1 with size 3/);
  expectError(() => np.takeAlongAxis(x, np.array([1], { dtype: 'int32' }), 1), ShapeError, /same number of dimensions/);
  // Traced indices cannot be checked: they clamp into range, within their own lane.
  const clamped = jit((i: NDArray) => np.takeAlongAxis(x, i, 1))(np.array([[7], [-9]], { dtype: 'int32' })) as NDArray;
  expectArray(clamped, 'int32', [2, 1], [20, 60]);
});

test.run();
