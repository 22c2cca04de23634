// The numpy layer on the CPU: promotion, broadcasting, creation, elementwise math, reductions,
// products, shape functions, printing and the error messages, against hand-checked values.
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, makeJaxpr, DTypeError, ShapeError } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';
import { checkGrads, Rng } from './helpers/check-grads.js';
import { expectArray, expectError, Values } from './helpers/expect.js';

const i32 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'int32' });
const u32 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'uint32' });
const f32 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'float32' });
const f64 = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'float64' });
const b = (v: Parameters<typeof np.array>[0]) => np.array(v, { dtype: 'bool' });
const T = true, F = false;

// ---- promotion ----------------------------------------------------------------------------------
const promotionRows: [string, () => NDArray, DType, boolean, Values][] = [
  ['int32 * 2 stays int32', () => i32([1, 2]).mul(2), 'int32', false, [2, 4]],
  ['int32 * 0.5 is float32', () => i32([1, 3]).mul(0.5), 'float32', false, [0.5, 1.5]],
  ['float64 + 1 stays float64', () => f64([0.5]).add(1), 'float64', false, [1.5]],
  ['float32 + float64 is float64', () => np.add(f32([1]), f64([2])), 'float64', false, [3]],
  ['uint32 + int32 is int32', () => np.add(u32([1]), i32([-3])), 'int32', false, [-2]],
  ['uint32 + 1 stays uint32', () => u32([4294967295]).add(1), 'uint32', false, [0]],
  ['int32 + float32 is float32', () => np.add(i32([1]), f32([0.5])), 'float32', false, [1.5]],
  ['bool + bool is bool (logical or)', () => np.add(b([T, T, F]), b([T, F, F])), 'bool', false, [T, T, F]],
  ['bool * bool is bool (logical and)', () => np.multiply(b([T, T, F]), b([T, F, F])), 'bool', false, [T, F, F]],
  ['bool * 3 is int32', () => b([T, F]).mul(3), 'int32', false, [3, 0]],
  ['bool + 1.5 is float32', () => b([T]).add(1.5), 'float32', false, [2.5]],
  ['bool + true stays bool', () => b([F]).add(true), 'bool', false, [T]],
  ['two weak ints: weak int32', () => np.add(1, 2), 'int32', true, [3]],
  ['weak int + weak float: weak float32', () => np.add(1, 2.5), 'float32', true, [3.5]],
  ['int32 / int32 is float32 (true division)', () => np.divide(i32([1, 3]), i32([2, 2])), 'float32', false, [0.5, 1.5]],
  ['float64 / 2 stays float64', () => f64([1]).div(2), 'float64', false, [0.5]],
  ['sqrt of int32 is float32', () => np.sqrt(i32([4, 9])), 'float32', false, [2, 3]],
  ['where(cond, int32, 0.5) is float32', () => np.where(b([T, F]), i32([1, 2]), 0.5), 'float32', false, [1, 0.5]],
  ['maximum(int32, 2) stays int32', () => np.maximum(i32([1, 5]), 2), 'int32', false, [2, 5]],
];
for (const [name, f, dtype, weak, values] of promotionRows) {
  test(`promotion: ${name}`, () => {
    const x = f();
    expectArray(x, dtype, x.shape, values, 0, name);
    assert.is(x.weakType, weak, `${name}: weakType`);
  });
}

// ---- broadcasting -------------------------------------------------------------------------------
test('broadcasting: trailing axes align, size-1 axes stretch, scalars fit anything', () => {
  expectArray(np.add(f32([[1, 2, 3], [4, 5, 6]]), f32([10, 20, 30])), 'float32', [2, 3], [11, 22, 33, 14, 25, 36]);
  expectArray(np.multiply(f32([[1], [2]]), f32([[1, 10, 100]])), 'float32', [2, 3], [1, 10, 100, 2, 20, 200]);
  expectArray(np.add(np.zeros([0, 3]), 1), 'float32', [0, 3], []);
  expectArray(np.subtract(5, f32([[1], [2]])), 'float32', [2, 1], [4, 3]);
  expectArray(np.where(b([[T], [F]]), f32([1, 2]), f32(0)), 'float32', [2, 2], [1, 2, 0, 0]);
});

test('broadcasting errors name the op and both shapes', () => {
  expectError(() => np.add(np.zeros([2, 3]), np.zeros([4])), ShapeError, /^add: shapes \[2, 3\] and \[4\] cannot be broadcast together/);
  expectError(() => np.zeros([2]).mul(np.zeros([3])), ShapeError, /^multiply: shapes \[2\] and \[3\]/);
  expectError(() => np.less(np.zeros([2, 2]), np.zeros([3, 1])), ShapeError, /^less: shapes \[2, 2\] and \[3, 1\]/);
  expectError(() => np.add('a' as never, 1), TypeError, /^add: expected an Array, a number or a boolean, got string "a"/);
  expectError(() => np.exp([1, 2] as never), TypeError, /^exp: .*JS array of length 2/);
});

// ---- elementwise ---------------------------------------------------------------------------------
const NaN_ = Number.NaN, Inf = Number.POSITIVE_INFINITY;
const elementwiseRows: [string, () => NDArray, DType, Values, number?][] = [
  ['floorDivide ints rounds toward -inf', () => np.floorDivide(i32([-7, 7, -7, 7, 6]), i32([2, 2, -2, -2, 3])), 'int32', [-4, 3, 3, -4, 2]],
  ['floorDivide floats', () => np.floorDivide(f32([-7.5, 7.5, 7.5, 6]), f32([2, -2, 2, 3])), 'float32', [-4, -4, 3, 2]],
  ['floorDivide uint32', () => np.floorDivide(u32([7]), u32([2])), 'uint32', [3]],
  ['mod takes the divisor sign (ints)', () => np.mod(i32([-7, 7, -7, 7, 6]), i32([2, 2, -2, -2, 3])), 'int32', [1, 1, -1, -1, 0]],
  ['mod takes the divisor sign (floats)', () => np.mod(f32([-7.5, 7.5]), f32([2, -2])), 'float32', [0.5, -0.5]],
  ['integer mod 0 is 0', () => np.mod(i32([5]), 0), 'int32', [0]],
  ['power int32 ** 3', () => np.power(i32([2, 3, -2]), 3), 'int32', [8, 27, -8]],
  ['power int32 ** int32 arrays', () => np.power(i32([2, 3, -1, 1, 2, 0, 7]), i32([10, 2, 3, -2, -1, 0, 1])), 'int32', [1024, 9, -1, 1, 0, 1, 7]],
  ['power wraps like int32 products', () => np.power(i32([2]), i32([31])), 'int32', [-2147483648]],
  ['power float ** 0.5', () => np.power(f32([4, 9]), 0.5), 'float32', [2, 3]],
  ['power float ** -2', () => np.power(f32([2, 4]), -2), 'float32', [0.25, 0.0625]],
  ['power float ** float array', () => f32([2, 8]).pow(f32([3, 1 / 3])), 'float32', [8, 2], 1e-6],
  ['power 0 ** 0 is 1', () => np.power(f32([0]), 0), 'float32', [1]],
  ['negative', () => np.negative(i32([1, -2])), 'int32', [-1, 2]],
  ['abs of bool is itself', () => np.abs(b([T, F])), 'bool', [T, F]],
  ['abs, sign', () => np.stack([np.abs(f32([-2, 0, 3])), np.sign(f32([-2, 0, 3]))]), 'float32', [2, 0, 3, -1, 0, 1]],
  ['sign of NaN is NaN', () => np.sign(f32([NaN_])), 'float32', [NaN_]],
  ['exp, log, expm1, log1p', () => np.stack([np.exp(f64([0, 1])), np.log(f64([1, Math.E])), np.expm1(f64([0, 1e-10])), np.log1p(f64([0, 1e-10]))]), 'float64', [1, Math.E, 0, 1, 0, 1e-10, 0, 1e-10], 1e-12],
  ['sin, cos, tan', () => np.stack([np.sin(f64([Math.PI / 2])), np.cos(f64([Math.PI])), np.tan(f64([Math.PI / 4]))]), 'float64', [1, -1, 1], 1e-12],
  ['sinh, cosh, tanh', () => np.stack([np.sinh(f64([1, 1e-9])), np.cosh(f64([1, 0])), np.tanh(f64([1, 0]))]), 'float64', [Math.sinh(1), 1e-9, Math.cosh(1), 1, Math.tanh(1), 0], 1e-12],
  ['arcsin, arccos, arctan', () => np.stack([np.arcsin(f64([1, 0.5])), np.arccos(f64([0, -1])), np.arctan(f64([1, -1]))]), 'float64', [Math.PI / 2, Math.PI / 6, Math.PI / 2, Math.PI, Math.PI / 4, -Math.PI / 4], 1e-12],
  ['arctan2 quadrants', () => np.arctan2(f64([1, 1, -1]), f64([1, -1, -1])), 'float64', [Math.PI / 4, (3 * Math.PI) / 4, (-3 * Math.PI) / 4], 1e-12],
  ['log2, log10, exp2', () => np.stack([np.log2(f64([8, 1])), np.log10(f64([1000, 0.01])), np.exp2(f64([3, -1]))]), 'float64', [3, 0, 3, -2, 8, 0.5], 1e-12],
  ['sqrt, rsqrt, square, reciprocal', () => np.stack([np.sqrt(f32([4, 2.25])), np.rsqrt(f32([4, 0.25])), np.square(f32([3, -1.5])), np.reciprocal(f32([4, -0.5]))]), 'float32', [2, 1.5, 0.5, 2, 9, 2.25, 0.25, -2]],
  ['reciprocal of int32 is float32', () => np.reciprocal(i32([2, 4])), 'float32', [0.5, 0.25]],
  ['square of int32 stays int32', () => np.square(i32([3, -4])), 'int32', [9, 16]],
  ['sigmoid is finite at both extremes', () => np.sigmoid(f32([0, 100, -100, 2])), 'float32', [0.5, 1, 0, 1 / (1 + Math.exp(-2))], 1e-6],
  ['round: half to even', () => np.round(f32([0.5, 1.5, 2.5, -0.5, -1.5, 2.6])), 'float32', [0, 2, 2, -0, -2, 3]],
  ['round with decimals', () => np.round(f64([1.2345, -2.5, 1234]), 2), 'float64', [1.23, -2.5, 1234], 1e-12],
  ['round with negative decimals', () => np.round(f64([1234, 1250]), -2), 'float64', [1200, 1200]],
  ['floor, ceil, trunc', () => np.stack([np.floor(f32([-1.5, 1.5])), np.ceil(f32([-1.5, 1.5])), np.trunc(f32([-1.5, 1.5]))]), 'float32', [-2, 1, -1, 2, -1, 1]],
  ['floor of ints keeps them', () => np.floor(i32([3, -3])), 'int32', [3, -3]],
  ['clip both sides', () => np.clip(f32([-2, 0.5, 3]), 0, 1), 'float32', [0, 0.5, 1]],
  ['clip with only hi', () => f32([-2, 0.5, 3]).clip(null, 1), 'float32', [-2, 0.5, 1]],
  ['clip with only lo', () => i32([-2, 5]).clip(0, null), 'int32', [0, 5]],
  ['maximum and minimum propagate NaN', () => np.stack([np.maximum(f32([NaN_, 1]), f32([0, 2])), np.minimum(f32([NaN_, 1]), f32([0, 2]))]), 'float32', [NaN_, 2, NaN_, 1]],
  ['comparisons', () => np.stack([np.equal(f32([1, 2, NaN_]), f32([1, 3, NaN_])), np.notEqual(f32([1, 2, NaN_]), f32([1, 3, NaN_])), np.less(f32([1, 2, 3]), 2), np.lessEqual(f32([1, 2, 3]), 2), np.greater(f32([1, 2, 3]), 2), np.greaterEqual(f32([1, 2, 3]), 2)]), 'bool',
    [T, F, F, F, T, T, T, F, F, T, T, F, F, F, T, F, T, T]],
  ['logical ops treat nonzero as true', () => np.stack([np.logicalAnd(f32([0, 1, 2, 0]), f32([0, 0, -1, 3])), np.logicalOr(f32([0, 1, 2, 0]), f32([0, 0, -1, 3])), np.logicalXor(f32([0, 1, 2, 0]), f32([0, 0, -1, 3])), np.logicalNot(f32([0, 1, 2, NaN_]))]), 'bool',
    [F, F, T, F, F, T, T, T, F, T, F, T, T, F, F, F]],
  ['isnan, isinf, isfinite', () => np.stack([np.isnan(f32([NaN_, Inf, 1])), np.isinf(f32([NaN_, -Inf, 1])), np.isfinite(f32([NaN_, Inf, 1]))]), 'bool', [T, F, F, F, T, F, F, F, T]],
  ['isnan/isfinite of ints', () => np.stack([np.isnan(i32([1, 2])), np.isfinite(i32([1, 2]))]), 'bool', [F, F, T, T]],
  ['isclose: tolerances, infinities, NaN', () => np.isclose(f64([1, 1, Inf, Inf, NaN_, 1e-9]), f64([1 + 1e-6, 1.1, Inf, 1, NaN_, 0])), 'bool', [T, F, T, F, F, T]],
  ['astype float → int truncates toward zero', () => f32([1.7, -1.7, 3]).astype('int32'), 'int32', [1, -1, 3]],
  ['astype to bool is x != 0', () => np.astype(f32([0, 2, NaN_]), 'bool'), 'bool', [F, T, T]],
  ['erfinv', () => np.erfinv(f32([0, 0.5, -0.5, 0.9, 1, -1])), 'float32', [0, 0.4769362762, -0.4769362762, 1.1630871537, Inf, -Inf], 1e-6],
];
for (const [name, f, dtype, values, tol] of elementwiseRows) {
  test(`elementwise: ${name}`, () => {
    const x = f();
    expectArray(x, dtype, x.shape, values, tol ?? 0, name);
  });
}

test('elementwise errors: bool arithmetic, negative integer powers, unknown dtypes', () => {
  expectError(() => np.subtract(b([T]), b([F])), DTypeError, /^subtract: not defined on bool operands/);
  expectError(() => np.negative(b([T])), DTypeError, /^negative: not defined on bool/);
  expectError(() => np.floorDivide(b([T]), b([T])), DTypeError, /^floorDivide: not defined on bool/);
  expectError(() => np.power(i32([2]), -1), DTypeError, /^power: integers to negative integer powers are not allowed \(got i32\[1\] \*\* -1\)/);
  expectError(() => f32([1]).astype('int64' as DType), DTypeError, /^astype: unknown dtype string "int64"; expected one of bool, uint8, uint16, uint32, int8, int16, int32, float16, float32, float64/);
  expectError(() => np.clip(f32([1]), null, null), TypeError, /^clip: at least one of lo and hi/);
  assert.ok(np.allclose(f32([1, 2]), f32([1, 2.000001])));
  assert.not.ok(np.allclose(f32([1, 2]), f32([1, 2.1])));
});

// ---- creation ------------------------------------------------------------------------------------
test('array: nested lists, default dtypes, explicit casts, Arrays', () => {
  expectArray(np.array([[1, 2], [3, 4]]), 'float32', [2, 2], [1, 2, 3, 4]);
  expectArray(np.array([true, false]), 'bool', [2], [T, F]);
  expectArray(np.array([true, 2]), 'float32', [2], [1, 2]);
  expectArray(np.array(3.5), 'float32', [], [3.5]);
  expectArray(np.array([]), 'float32', [0], []);
  expectArray(np.array([[], []]), 'float32', [2, 0], []);
  expectArray(np.array([1.5, -1.5], { dtype: 'int32' }), 'int32', [2], [1, -1]);
  expectArray(np.array([np.array([1, 2]), np.array([3, 4])]), 'float32', [2, 2], [1, 2, 3, 4]);
  const x = i32([1, 2]);
  assert.is(np.asarray(x), x);
  expectArray(np.asarray(x, { dtype: 'float64' }), 'float64', [2], [1, 2]);
  assert.not.ok(np.array(1).weakType, 'Array() gives strong types');
});

test('array: typed arrays keep their dtype and are adopted without copying', () => {
  const data = new Float64Array([0.1, 0.2]);
  const x = np.array(data);
  expectArray(x, 'float64', [2], [0.1, 0.2]);
  assert.is(x.dataSync(), data, 'same buffer');
  expectArray(np.array(new Int32Array([5, -5])), 'int32', [2], [5, -5]);
  expectArray(np.array(new Uint8Array([1, 0])), 'bool', [2], [T, F]);
  expectArray(np.array(new Int16Array([-3, 300])), 'int16', [2], [-3, 300]);
  expectArray(np.array(new Float64Array([1.9, -1.9]), { dtype: 'int32' }), 'int32', [2], [1, -1]);
  expectArray(np.array(new Uint8Array([7, 0]), { dtype: 'int32' }), 'int32', [2], [7, 0]);
  expectArray(np.fromTypedArray(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]), 'float32', [2, 3], [1, 2, 3, 4, 5, 6]);
});

test('array: errors for ragged lists, bad elements, bad typed arrays', () => {
  expectError(() => np.array([[1, 2], [3]]), ShapeError, /^array: ragged nested list: element \[1\] is a list of length 1, expected a list of length 2 \(the shape from the first elements is \[2, 2\]\)/);
  expectError(() => np.array([[1, 2], 3] as never), ShapeError, /^array: ragged nested list: element \[1\] is a scalar/);
  expectError(() => np.array([1, [2]] as never), TypeError, /^array: ragged nested list: element \[1\] is a list/);
  expectError(() => np.array([1, 'a'] as never), TypeError, /^array: element \[1\] is string "a"; expected a number or a boolean/);
  expectError(() => np.array(new Uint8Array([7])), DTypeError, /^array: a Uint8Array is read as bool \(0 or 1\), but element 0 is 7/);
  expectError(() => np.array([1], { dtype: 'bfloat16' as DType }), DTypeError, /^array: unknown dtype string "bfloat16"/);
  expectError(() => np.fromTypedArray(new Float32Array(5), [2, 3]), ShapeError, /^fromTypedArray: shape \[2, 3\] holds 6 elements but the typed array has 5/);
});

test('fills: zeros, ones, empty, full, the *Like forms', () => {
  expectArray(np.zeros([2, 2]), 'float32', [2, 2], [0, 0, 0, 0]);
  expectArray(np.ones(3, { dtype: 'int32' }), 'int32', [3], [1, 1, 1]);
  expectArray(np.empty([0]), 'float32', [0], []);
  expectArray(np.full([2], 3), 'int32', [2], [3, 3]);
  expectArray(np.full([2], 1.5), 'float32', [2], [1.5, 1.5]);
  expectArray(np.full([2], true), 'bool', [2], [T, T]);
  expectArray(np.full([2, 2], f64([1, 2])), 'float64', [2, 2], [1, 2, 1, 2]);
  expectArray(np.full([1], 7, { dtype: 'float64' }), 'float64', [1], [7]);
  expectArray(np.zerosLike(i32([[1, 2]])), 'int32', [1, 2], [0, 0]);
  expectArray(np.onesLike(f64([5])), 'float64', [1], [1]);
  expectArray(np.fullLike(f32([1, 2]), 9, { dtype: 'int32' }), 'int32', [2], [9, 9]);
  expectError(() => np.zeros([2, -1]), ShapeError, /^zeros: expected a shape \(a non-negative integer or a list of them\), got \[2, -1\]/);
  expectError(() => np.full([2], f32([1, 2, 3])), ShapeError, /^full: a fill value of shape \[3\] cannot be broadcast to \[2\]/);
});

test('ranges: arange, linspace, eye', () => {
  expectArray(np.arange(5), 'int32', [5], [0, 1, 2, 3, 4]);
  expectArray(np.arange(2, 5), 'int32', [3], [2, 3, 4]);
  expectArray(np.arange(5, 0, -2), 'int32', [3], [5, 3, 1]);
  expectArray(np.arange(1, 2, 0.25), 'float32', [4], [1, 1.25, 1.5, 1.75]);
  expectArray(np.arange(0), 'int32', [0], []);
  expectArray(np.arange(3, { dtype: 'float64' }), 'float64', [3], [0, 1, 2]);
  assert.is(np.arange(0, 1, 0.1).size, 10);
  expectArray(np.arange(0, 1, 0.1).get(3), 'float32', [], [Math.fround(0.30000000000000004)]);
  expectError(() => np.arange(0, 1, 0), RangeError, /^arange: step must not be zero/);
  expectError(() => np.arange(Infinity), TypeError, /^arange: start must be a finite number|^arange: stop must be a finite number/);
  expectArray(np.linspace(0, 1, 5), 'float32', [5], [0, 0.25, 0.5, 0.75, 1]);
  expectArray(np.linspace(0, 1, 4, { endpoint: false }), 'float32', [4], [0, 0.25, 0.5, 0.75]);
  expectArray(np.linspace(2, 3, 1), 'float32', [1], [2]);
  expectArray(np.linspace(-1, 1, 5, { dtype: 'int32' }), 'int32', [5], [-1, -1, 0, 0, 1]);
  assert.is(np.linspace(0, 1).size, 50);
  expectArray(np.eye(3), 'float32', [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1]);
  expectArray(np.eye(2, 3, { k: 1, dtype: 'int32' }), 'int32', [2, 3], [0, 1, 0, 0, 0, 1]);
  expectArray(np.eye(3, 2, { k: -1 }), 'float32', [3, 2], [0, 0, 1, 0, 0, 1]);
});

// ---- reductions ----------------------------------------------------------------------------------
const m = () => f32([[1, 2, 3], [4, 5, 6]]);
const reductionRows: [string, () => NDArray, DType, readonly number[], Values, number?][] = [
  ['sum of everything', () => m().sum(), 'float32', [], [21]],
  ['sum over axis 0 (bare number)', () => m().sum(0), 'float32', [3], [5, 7, 9]],
  ['sum over axis -1', () => np.sum(m(), { axis: -1 }), 'float32', [2], [6, 15]],
  ['sum over both axes, keepdims', () => np.sum(m(), { axis: [0, 1], keepdims: true }), 'float32', [1, 1], [21]],
  ['sum with keepdims', () => m().sum({ axis: 1, keepdims: true }), 'float32', [2, 1], [6, 15]],
  ['sum of bools counts (int32)', () => b([T, F, T]).sum(), 'int32', [], [2]],
  ['sum with a dtype', () => np.sum(i32([1, 2]), { dtype: 'float64' }), 'float64', [], [3]],
  ['sum of an empty array is 0', () => np.zeros([0, 2]).sum(0), 'float32', [2], [0, 0]],
  ['mean of int32 is float32', () => i32([1, 2, 3, 4]).mean(), 'float32', [], [2.5]],
  ['mean over axis', () => m().mean(0), 'float32', [3], [2.5, 3.5, 4.5]],
  ['mean of an empty axis is NaN', () => np.zeros([0]).mean(), 'float32', [], [NaN_]],
  ['max / min', () => np.stack([m().max(1), m().min(1)]), 'float32', [2, 2], [3, 6, 1, 4]],
  ['max of int32 keeps the dtype', () => i32([[-5, 3], [2, 9]]).max(), 'int32', [], [9]],
  ['prod', () => m().prod(1), 'float32', [2], [6, 120]],
  ['argmax flattened', () => f32([[1, 9], [9, 2]]).argmax(), 'int32', [], [1]],
  ['argmax along an axis', () => f32([[1, 9, 3], [7, 2, 8]]).argmax(1), 'int32', [2], [1, 2]],
  ['argmin along axis 0 with keepdims', () => np.argmin(f32([[1, 9, 3], [7, 2, 8]]), { axis: 0, keepdims: true }), 'int32', [1, 3], [0, 1, 0]],
  ['argmax flattened with keepdims', () => np.argmax(f32([[1, 2], [4, 3]]), { keepdims: true }), 'int32', [1, 1], [2]],
  ['var (population)', () => np.var(f32([1, 2, 3, 4])), 'float32', [], [1.25]],
  ['var with ddof 1 over an axis', () => np.var(m(), { axis: 1, ddof: 1 }), 'float32', [2], [1, 1]],
  ['std of int32 is float32', () => np.std(i32([2, 4, 4, 4, 5, 5, 7, 9])), 'float32', [], [2]],
  ['any / all', () => np.stack([np.any(f32([[0, 1], [0, 0]]), 1), np.all(f32([[1, 1], [0, 1]]), 1)]), 'bool', [2, 2], [T, F, T, F]],
  ['any / all of nothing', () => np.stack([np.any(np.zeros([0])), np.all(np.zeros([0]))]), 'bool', [2], [F, T]],
];
for (const [name, f, dtype, shape, values, tol] of reductionRows) {
  test(`reduction: ${name}`, () => expectArray(f(), dtype, shape, values, tol ?? 1e-6, name));
}

test('reduction errors name the op, the axis and the shape', () => {
  expectError(() => np.max(np.zeros([0, 3]), 0), ShapeError, /^max: zero-size reduction along axis 0 of an array of shape \[0, 3\]/);
  expectError(() => np.min(np.zeros([0])), ShapeError, /^min: zero-size reduction/);
  expectError(() => np.argmax(np.zeros([2, 0]), 1), ShapeError, /^argmax: attempt to get argmax of an empty sequence/);
  expectError(() => m().sum(2), ShapeError, /^sum: axis 2 is out of bounds for an array of rank 2/);
  expectError(() => m().mean({ axis: [0, -2] }), ShapeError, /^mean: repeated axis in \[0, -2\]/);
  expectError(() => m().sum('x' as never), TypeError, /^sum: expected an axis or \{axis, keepdims\}/);
});

// ---- products ------------------------------------------------------------------------------------
/** Reference batched matrix product in plain JS, for checking matmul's broadcasting. */
function refMatmul(a: number[][][], b: number[][][]): number[] {
  const out: number[] = [];
  for (let k = 0; k < Math.max(a.length, b.length); k++) {
    const A = a[a.length === 1 ? 0 : k]!, B = b[b.length === 1 ? 0 : k]!;
    for (let i = 0; i < A.length; i++) for (let j = 0; j < B[0]!.length; j++) out.push(A[i]!.reduce((s, v, t) => s + v * B[t]![j]!, 0));
  }
  return out;
}

test('dot: NumPy semantics for scalars, vectors, matrices and N-D', () => {
  expectArray(np.dot(f32([1, 2, 3]), f32([4, 5, 6])), 'float32', [], [32]);
  expectArray(f32([[1, 2], [3, 4]]).dot(f32([[5, 6], [7, 8]])), 'float32', [2, 2], [19, 22, 43, 50]);
  expectArray(np.dot(f32([[1, 2], [3, 4]]), f32([1, 1])), 'float32', [2], [3, 7]);
  expectArray(np.dot(f32([1, 1]), f32([[1, 2], [3, 4]])), 'float32', [2], [4, 6]);
  expectArray(np.dot(2, f32([1, 2])), 'float32', [2], [2, 4]);
  expectArray(np.dot(i32([1, 2]), i32([3, 4])), 'int32', [], [11]);
  expectArray(np.dot(b([T, F]), b([F, T])), 'bool', [], [F]);
  expectArray(np.dot(b([T, T]), b([F, T])), 'bool', [], [T]);
  // N-D · M-D: sum over the last axis of x and the second-to-last of y; shape [2,1] + [3,2] minus the contracted axis.
  const x = np.arange(4).astype('float32').reshape(2, 1, 2), y = np.arange(12).astype('float32').reshape(3, 2, 2);
  const d = np.dot(x, y);
  assert.equal([...d.shape], [2, 1, 3, 2]);
  expectArray(d.get(1, 0, 2), 'float32', [2], [2 * 8 + 3 * 10, 2 * 9 + 3 * 11]);
  expectError(() => np.dot(f32([1, 2]), f32([1, 2, 3])), ShapeError, /^dot: shapes \[2\] and \[3\] are not aligned: 2 \(axis 0 of the first\) != 3 \(axis 0 of the second\)/);
});

test('matmul: batch broadcasting and 1-D promotion', () => {
  const A = [[[1, 2, 3], [4, 5, 6]], [[0, 1, 0], [1, 0, 1]]];
  const B = [[[1, 0], [0, 1], [1, 1]]];
  expectArray(np.matmul(f32(A), f32(B)), 'float32', [2, 2, 2], refMatmul(A, B));
  expectArray(np.matmul(f32(A), f32(B[0]!)), 'float32', [2, 2, 2], refMatmul(A, B), 0, '(2,2,3) @ (3,2)');
  expectArray(np.matmul(f32(A[0]!), f32([B[0]!, B[0]!])), 'float32', [2, 2, 2], refMatmul([A[0]!], [B[0]!, B[0]!]), 0, '(2,3) @ (2,3,2)');
  const big = np.matmul(np.ones([2, 1, 2, 3]), np.ones([3, 3, 4]));
  expectArray(big, 'float32', [2, 3, 2, 4], Array(48).fill(3));
  expectArray(np.matmul(f32([1, 2, 3]), f32(B[0]!)), 'float32', [2], [4, 5]);
  expectArray(np.matmul(f32(A[0]!), f32([1, 1, 1])), 'float32', [2], [6, 15]);
  expectArray(np.matmul(f32([1, 2]), f32([3, 4])), 'float32', [], [11]);
  expectArray(np.matmul(f32(A), f32([1, 0, 0])), 'float32', [2, 2], [1, 4, 0, 1]);
  expectError(() => np.matmul(f32([[1, 2]]), f32([[1, 2]])), ShapeError, /^matmul: shapes \[1, 2\] and \[1, 2\] mismatch in the contracted dimension: 2 \(last axis of the first\) != 1/);
  expectError(() => np.matmul(f32(1), f32([1])), ShapeError, /^matmul: operands must be at least 1-D, got shapes \[\] and \[1\]/);
  expectError(() => np.matmul(np.ones([2, 2, 3]), np.ones([3, 3, 1])), ShapeError, /^matmul: batch dimensions \[2\] and \[3\] of shapes \[2, 2, 3\] and \[3, 3, 1\] cannot be broadcast together/);
});

test('outer, inner, vdot, tensordot', () => {
  expectArray(np.outer(f32([1, 2]), f32([1, 10, 100])), 'float32', [2, 3], [1, 10, 100, 2, 20, 200]);
  expectArray(np.outer(f32([[1], [2]]), i32([3])), 'float32', [2, 1], [3, 6]);
  expectArray(np.inner(f32([[1, 2], [3, 4]]), f32([[1, 0], [0, 1], [1, 1]])), 'float32', [2, 3], [1, 2, 3, 3, 4, 7]);
  expectArray(np.vdot(f32([[1, 2], [3, 4]]), f32([1, 1, 1, 1])), 'float32', [], [10]);
  const a = np.arange(24).astype('float32').reshape(2, 3, 4), bb = np.arange(12).astype('float32').reshape(3, 4);
  const t2 = np.tensordot(a, bb);
  assert.equal([...t2.shape], [2]);
  const ref = (k: number) => Array.from({ length: 12 }, (_, i) => (k * 12 + i) * i).reduce((s, v) => s + v, 0);
  expectArray(t2, 'float32', [2], [ref(0), ref(1)]);
  const t1 = np.tensordot(a, bb, [[1], [0]]);
  assert.equal([...t1.shape], [2, 4, 4]);
  expectArray(np.tensordot(f32([1, 2]), f32([3, 4]), 0), 'float32', [2, 2], [3, 4, 6, 8]);
  expectError(() => np.tensordot(a, bb, [[0], [0]]), ShapeError, /^tensordot: shapes \[2, 3, 4\] and \[3, 4\] are not aligned/);
});

// ---- shapes --------------------------------------------------------------------------------------
test('reshape, ravel, transpose, swapaxes, moveaxis', () => {
  const x = np.arange(6);
  expectArray(x.reshape(2, 3), 'int32', [2, 3], [0, 1, 2, 3, 4, 5]);
  expectArray(x.reshape([3, -1]), 'int32', [3, 2], [0, 1, 2, 3, 4, 5]);
  expectArray(np.reshape(x, -1), 'int32', [6], [0, 1, 2, 3, 4, 5]);
  expectArray(np.reshape(np.zeros([0, 3]), [-1, 3]), 'float32', [0, 3], []);
  expectArray(x.reshape(2, 3).T, 'int32', [3, 2], [0, 3, 1, 4, 2, 5]);
  expectArray(np.transpose(np.arange(6).reshape(1, 2, 3), [2, 0, -2]), 'int32', [3, 1, 2], [0, 3, 1, 4, 2, 5]);
  expectArray(np.swapaxes(x.reshape(2, 3), 0, -1), 'int32', [3, 2], [0, 3, 1, 4, 2, 5]);
  assert.equal([...np.moveaxis(np.zeros([2, 3, 4]), 0, -1).shape], [3, 4, 2]);
  assert.equal([...np.moveaxis(np.zeros([2, 3, 4]), [0, 1], [-1, 0]).shape], [3, 4, 2]);
  expectArray(x.reshape(2, 3).ravel(), 'int32', [6], [0, 1, 2, 3, 4, 5]);
  expectError(() => x.reshape(4, -1), ShapeError, /^reshape: cannot reshape an array of shape \[6\] \(size 6\) into shape \[4, -1\]/);
  expectError(() => x.reshape(-1, -1), ShapeError, /^reshape: can only infer one axis/);
  expectError(() => np.transpose(np.zeros([2, 3]), [0, 0]), ShapeError, /^transpose: repeated axis/);
  expectError(() => np.transpose(np.zeros([2, 3]), [0]), ShapeError, /^transpose: axes \[0\] must list each of the 2 axes of an array of shape \[2, 3\] once/);
});

test('expandDims, squeeze, broadcastTo', () => {
  const x = f32([1, 2]);
  assert.equal([...x.expandDims(0).shape], [1, 2]);
  assert.equal([...x.expandDims(-1).shape], [2, 1]);
  assert.equal([...np.expandDims(x, [0, 2]).shape], [1, 2, 1]);
  assert.equal([...np.squeeze(np.zeros([1, 2, 1])).shape], [2]);
  assert.equal([...np.zeros([1, 2, 1]).squeeze(-1).shape], [1, 2]);
  expectError(() => np.squeeze(np.zeros([1, 2]), 1), ShapeError, /^squeeze: cannot squeeze axis 1 of an array of shape \[1, 2\]: its size is 2, not 1/);
  expectError(() => np.expandDims(x, 3), ShapeError, /^expandDims: axis 3 is out of bounds for an array of rank 2/);
  expectArray(x.broadcastTo([2, 2]), 'float32', [2, 2], [1, 2, 1, 2]);
  expectError(() => np.broadcastTo(f32([1, 2, 3]), [4]), ShapeError, /^broadcastTo: cannot broadcast an array of shape \[3\] to shape \[4\]/);
  const [p, q] = np.broadcastArrays(f32([[1], [2]]), i32([3, 4, 5]));
  assert.equal([...p!.shape, ...q!.shape], [2, 3, 2, 3]);
  assert.is(q!.dtype, 'int32');
});

test('concatenate, stack, split', () => {
  expectArray(np.concatenate([f32([[1, 2]]), f32([[3, 4], [5, 6]])]), 'float32', [3, 2], [1, 2, 3, 4, 5, 6]);
  expectArray(np.concatenate([i32([[1], [2]]), f64([[3], [4]])], 1), 'float64', [2, 2], [1, 3, 2, 4]);
  expectArray(np.concatenate([i32([[1, 2]]), i32([3])], null), 'int32', [3], [1, 2, 3]);
  expectArray(np.stack([f32([1, 2]), f32([3, 4])], 1), 'float32', [2, 2], [1, 3, 2, 4]);
  expectArray(np.stack([f32([1, 2]), f32([3, 4])], -1), 'float32', [2, 2], [1, 3, 2, 4]);
  expectError(() => np.concatenate([np.zeros([2, 3]), np.zeros([2, 4])]), ShapeError, /^concatenate: all arrays must have the same shape except on axis 0; got \[2, 3\], \[2, 4\]/);
  expectError(() => np.concatenate([]), TypeError, /^concatenate: expected a non-empty list of arrays, got an empty list/);
  expectError(() => np.concatenate([f32(1), f32(2)]), ShapeError, /^concatenate: zero-dimensional arrays cannot be concatenated/);
  expectError(() => np.stack([np.zeros([2]), np.zeros([3])]), ShapeError, /^stack: all arrays must have the same shape; got \[2\], \[3\]/);
  const parts = np.split(np.arange(6), 3);
  assert.equal(parts.map((p) => Array.from(p.dataSync())), [[0, 1], [2, 3], [4, 5]]);
  const cuts = np.split(np.arange(6), [2, 5, 9]);
  assert.equal(cuts.map((p) => Array.from(p.dataSync())), [[0, 1], [2, 3, 4], [5], []]);
  expectError(() => np.split(np.arange(7), 3), ShapeError, /^split: axis 0 of size 7 does not divide into 3 equal sections/);
});

test('flip, roll, tile, repeat', () => {
  const x = np.arange(6).reshape(2, 3);
  expectArray(np.flip(x), 'int32', [2, 3], [5, 4, 3, 2, 1, 0]);
  expectArray(np.flip(x, 1), 'int32', [2, 3], [2, 1, 0, 5, 4, 3]);
  expectArray(np.roll(x, 1), 'int32', [2, 3], [5, 0, 1, 2, 3, 4]);
  expectArray(np.roll(x, -1, 1), 'int32', [2, 3], [1, 2, 0, 4, 5, 3]);
  expectArray(np.roll(x, 4, 0), 'int32', [2, 3], [0, 1, 2, 3, 4, 5]);
  expectArray(np.tile(i32([1, 2]), 2), 'int32', [4], [1, 2, 1, 2]);
  expectArray(np.tile(i32([1, 2]), [2, 2]), 'int32', [2, 4], [1, 2, 1, 2, 1, 2, 1, 2]);
  expectArray(np.tile(i32([[1], [2]]), [1, 3]), 'int32', [2, 3], [1, 1, 1, 2, 2, 2]);
  expectArray(np.repeat(i32([[1, 2], [3, 4]]), 2), 'int32', [8], [1, 1, 2, 2, 3, 3, 4, 4]);
  expectArray(np.repeat(i32([[1, 2], [3, 4]]), 2, 0), 'int32', [4, 2], [1, 2, 1, 2, 3, 4, 3, 4]);
  expectArray(np.repeat(i32([[1, 2], [3, 4]]), 3, -1), 'int32', [2, 6], [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4]);
});

// ---- derived functions differentiate through their primitives ----------------------------------
const rng = new Rng(5);
const gradRows: [string, (...xs: NDArray[]) => NDArray, NDArray[]][] = [
  ['sigmoid', (x) => np.sigmoid(x), [rng.array([4], -3, 3)]],
  ['sinh, cosh, tan', (x) => np.sinh(x).add(np.cosh(x)).add(np.tan(x)), [rng.array([4], -1, 1)]],
  ['arcsin, arccos, arctan', (x) => np.arcsin(x).mul(np.arccos(x)).add(np.arctan(x)), [rng.array([4], -0.9, 0.9)]],
  ['log2, log10, exp2', (x) => np.log2(x).add(np.log10(x)).add(np.exp2(x)), [rng.array([3], 0.5, 2)]],
  ['integer powers by multiplication', (x) => np.power(x, 3).add(np.power(x, -2)), [rng.awayFromZero([4])]],
  ['power with an array exponent', (x, y) => np.power(x, y), [rng.array([3], 0.5, 2), rng.array([3], -1, 1)]],
  ['mod and floorDivide', (x) => np.mod(x, 0.7).add(np.floorDivide(x, 0.7).mul(0)), [f64([0.1, -0.2, 1.0, -1.3])]],
  ['mean, var, std over an axis', (x) => np.mean(x, 0).add(np.var(x, 0)).add(np.std(x, { axis: 0, ddof: 1 })), [rng.array([3, 2])]],
  ['max and min', (x) => np.max(x, 1).mul(np.min(x, 1)), [f64([[1, 5, 2], [-3, 0.5, 4]])]],
  ['batched matmul with broadcasting', (a, b) => np.matmul(a, b), [rng.array([2, 1, 2, 3]), rng.array([3, 3, 2])]],
  ['dot, inner, outer, tensordot', (a, b) => np.dot(a, b).sum().add(np.inner(a, a).sum()).add(np.outer(b, b).sum()).add(np.tensordot(a, b, 1).sum()), [rng.array([2, 3]), rng.array([3, 2])]],
  ['where, clip, maximum', (x) => np.where(x.gt(0), x.mul(x), np.clip(x, -0.5, null)).add(np.maximum(x, 0.25)), [f64([-1, -0.3, 0.2, 0.6])]],
  ['tile, repeat, roll, flip, concatenate, stack', (x) => np.concatenate([np.tile(x, [2, 1]), np.repeat(x, 2, 0)], 1).mul(np.arange(24).reshape(4, 6)).sum().add(np.stack([np.roll(x, 1), np.flip(x)], 0).get(':', 0).mul(np.array([[1, 2, 3], [4, 5, 6]])).sum()), [rng.array([2, 3])]],
];
for (const [name, f, args] of gradRows) test(`gradients of derived functions: ${name}`, () => checkGrads(f, args, { label: name }));

// ---- printing ------------------------------------------------------------------------------------
const reprRows: [string, () => NDArray, string][] = [
  ['a float matrix', () => f32([[1, 2], [3, 4]]), 'Array([[1., 2.],\n       [3., 4.]], dtype=float32)'],
  ['floats pad on the right to align decimal points', () => f32([0.1, 0.25, 10]), 'Array([ 0.1 ,  0.25, 10.  ], dtype=float32)'],
  ['float32 prints its shortest round-trip digits', () => f32([1 / 3, -2]), 'Array([ 0.33333334, -2.        ], dtype=float32)'],
  ['float64 too, capped at 8 fraction digits', () => f64([1 / 3, 1.5]), 'Array([0.33333333, 1.5       ], dtype=float64)'],
  ['scientific when magnitudes span > 1e3', () => f32([1e-5, 1]), 'Array([1.e-05, 1.e+00], dtype=float32)'],
  ['scientific pads mantissas with zeros', () => f64([1.5e-5, 1, 2.25e10]), 'Array([1.50e-05, 1.00e+00, 2.25e+10], dtype=float64)'],
  ['nan and inf', () => f32([NaN_, -Inf, 1]), 'Array([ nan, -inf,   1.], dtype=float32)'],
  ['ints right-aligned', () => i32([1, -20, 300]), 'Array([  1, -20, 300], dtype=int32)'],
  ['bools', () => b([T, F]), 'Array([ True, False], dtype=bool)'],
  ['a 0-d array', () => f32(3.5), 'Array(3.5, dtype=float32)'],
  ['negative zero', () => f32([-0, 1]), 'Array([-0.,  1.], dtype=float32)'],
  ['an empty array', () => np.zeros([0]), 'Array([], dtype=float32)'],
  ['an empty 2-D array shows its shape', () => np.zeros([2, 0], { dtype: 'int32' }), 'Array([], shape=(2, 0), dtype=int32)'],
  ['3-D arrays leave a blank line between blocks', () => np.arange(8).reshape(2, 2, 2), 'Array([[[0, 1],\n        [2, 3]],\n\n       [[4, 5],\n        [6, 7]]], dtype=int32)'],
  ['rows wrap at 75 columns under the bracket', () => np.arange(30).astype('float32'),
    'Array([ 0.,  1.,  2.,  3.,  4.,  5.,  6.,  7.,  8.,  9., 10., 11., 12.,\n       13., 14., 15., 16., 17., 18., 19., 20., 21., 22., 23., 24., 25.,\n       26., 27., 28., 29.], dtype=float32)'],
  ['more than 1000 elements are summarised', () => np.arange(2000), 'Array([   0,    1,    2, ..., 1997, 1998, 1999],\n      shape=(2000,), dtype=int32)'],
  ['summarised rows too', () => np.arange(2002).reshape(1001, 2),
    'Array([[   0,    1],\n       [   2,    3],\n       [   4,    5],\n       ...,\n       [1996, 1997],\n       [1998, 1999],\n       [2000, 2001]], shape=(1001, 2), dtype=int32)'],
];
for (const [name, f, expected] of reprRows) {
  test(`toString: ${name}`, () => assert.is(f().toString(), expected));
}

test('toString of a tracer names its aval and transformation', () => {
  let printed = '';
  makeJaxpr((x: NDArray) => { printed = x.toString(); return x.mul(2); })(np.zeros([3, 4]));
  assert.match(printed, /^Traced<f32\[3,4\]> with \w+$/);
  // String(x) and template literals are JS coercions: on an abstract tracer they raise (issue #10).
  assert.throws(() => makeJaxpr((x: NDArray) => { String(x); return x; })(np.zeros([3])), /concrete value/);
  assert.is(`${f32([1])}`, 'Array([1.], dtype=float32)', 'template literals use toString');
});

test('console.log prints the repr; await x.format() reads on any backend', async () => {
  const x = f32([[1, 2], [3, 4]]);
  assert.is(inspect(x), 'Array([[1., 2.],\n       [3., 4.]], dtype=float32)');
  assert.is(inspect({ x: np.arange(2) }), '{ x: Array([0, 1], dtype=int32) }', 'nested in objects too');
  assert.is(await x.format(), x.toString());
  let traced = '';
  await makeJaxpr((y: NDArray) => { traced = inspect(y); return y; })(np.zeros([2]));
  assert.match(traced, /^Traced<f32\[2\]> with \w+$/);
});

test.run();
