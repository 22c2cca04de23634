// The narrow dtypes (int8, uint8, int16, uint16, float16) through creation, promotion, arithmetic
// (wrapping and float16 rounding), casts, reductions, indexing, matmul, sort, eager vs jit, vmap, grad.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, makeJaxpr, np, vmap } from '../src/index.js';
import * as torch from '../src/nn/index.js';
import { DType, DTYPES, promoteTypes } from '../src/core/dtype.js';
import { f16FromBits, f16round, f16ToBits } from '../src/core/float16.js';
import { DTypeError, OverflowError } from '../src/core/errors.js';
import type { NDArray } from '../src/core/array.js';
import { expectError } from './helpers/expect.js';

const NARROW_INTS = ['int8', 'uint8', 'int16', 'uint16'] as const;
const BITS = { int8: 8, uint8: 8, int16: 16, uint16: 16 } as const;
const SIGNED = { int8: true, uint8: false, int16: true, uint16: false } as const;
/** The value an exact integer wraps to in a narrow dtype (two's complement for the signed ones). */
function wrapRef(d: (typeof NARROW_INTS)[number], v: number): number {
  const m = 2 ** BITS[d];
  let r = ((v % m) + m) % m;
  if (SIGNED[d] && r >= m / 2) r -= m;
  return r;
}
const list = (x: NDArray) => x.tolistSync();
const same = (got: NDArray, want: readonly number[], what: string) => {
  const g = Array.from(got.dataSync(), Number);
  assert.equal(g.length, want.length, `${what}: length`);
  g.forEach((v, i) => { if (!Object.is(v, want[i])) assert.unreachable(`${what}: element ${i} is ${v}, expected ${want[i]}`); });
};

// ---- float16 rounding, against an independent reference ------------------------------------------------
/** float16 rounding by exhaustive nearest search over every finite float16 (ties to the even bit pattern). */
const ALL_F16: number[] = [];
for (let h = 0; h < 0x7c00; h++) ALL_F16.push(f16FromBits(h));
function nearestF16(v: number): number {
  if (Number.isNaN(v)) return NaN;
  const a = Math.abs(v);
  if (a >= 65520) return v > 0 ? Infinity : -Infinity;
  let lo = 0, hi = ALL_F16.length - 1;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (ALL_F16[mid]! <= a) lo = mid; else hi = mid; }
  const dl = a - ALL_F16[lo]!, dh = ALL_F16[hi]! - a;
  const r = dl < dh ? ALL_F16[lo]! : dh < dl ? ALL_F16[hi]! : (lo % 2 === 0 ? ALL_F16[lo]! : ALL_F16[hi]!);
  return v < 0 || Object.is(v, -0) ? -r : r;
}

test('float16: rounding equals the nearest float16 (ties to even), bits round-trip', () => {
  const xs = [0, -0, 1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 65504, 65519.99, 65520, 2 ** -24, 2 ** -25, 2 ** -25 + 2 ** -40, 3 * 2 ** -25, 6.1e-5, 0.1, -0.3, 1e-7, 12345.678, -Infinity, NaN];
  let seed = 7;
  for (let k = 0; k < 3000; k++) { seed = (seed * 1103515245 + 12345) % 2 ** 31; xs.push((seed / 2 ** 31 - 0.5) * 2 ** ((k % 40) - 25)); }
  for (const x of xs) {
    const want = nearestF16(x), got = f16round(x);
    if (!Object.is(got, want)) assert.unreachable(`f16round(${x}) = ${got}, expected ${want}`);
    if (!Number.isNaN(x)) assert.ok(Object.is(f16FromBits(f16ToBits(x)), want), `bits of ${x}`);
  }
  for (let h = 0; h < 65536; h += 7) { const v = f16FromBits(h); if (!Number.isNaN(v)) assert.is(f16ToBits(v), h, `bits ${h}`); }
});

// ---- promotion: JAX's lattice (jax.numpy.promote_types with 64-bit off) -------------------------------------
// [a, b, result]: hand-derived from JAX's type-promotion table (docs "Type promotion semantics").
const PROMOTIONS: [DType, DType, DType][] = [
  ['uint8', 'int8', 'int16'], ['uint8', 'uint16', 'uint16'], ['uint8', 'int16', 'int16'], ['uint8', 'int32', 'int32'],
  ['uint16', 'int8', 'int32'], ['uint16', 'int16', 'int32'], ['uint16', 'uint32', 'uint32'],
  ['uint32', 'int8', 'int32'], ['uint32', 'int32', 'int32'], ['int8', 'int16', 'int16'], ['int16', 'int32', 'int32'],
  ['bool', 'uint8', 'uint8'], ['bool', 'int8', 'int8'], ['bool', 'float16', 'float16'],
  ['int8', 'float16', 'float16'], ['uint32', 'float16', 'float16'], ['int32', 'float16', 'float16'],
  ['float16', 'float32', 'float32'], ['float16', 'float64', 'float64'], ['uint8', 'float32', 'float32'],
];
test('promotion: the lattice table, symmetric, through np.add', () => {
  for (const [a, b, want] of PROMOTIONS) {
    assert.is(promoteTypes({ dtype: a, weakType: false }, { dtype: b, weakType: false }).dtype, want, `${a} ⊔ ${b}`);
    assert.is(promoteTypes({ dtype: b, weakType: false }, { dtype: a, weakType: false }).dtype, want, `${b} ⊔ ${a}`);
    assert.is(np.add(np.zeros([1], { dtype: a }), np.zeros([1], { dtype: b })).dtype, want, `np.add ${a} ${b}`);
  }
  // The join is a join: idempotent, and every pair has one (associativity follows from the lattice).
  for (const a of DTYPES) for (const b of DTYPES) {
    const ab = promoteTypes({ dtype: a, weakType: false }, { dtype: b, weakType: false }).dtype;
    assert.is(promoteTypes({ dtype: ab, weakType: false }, { dtype: a, weakType: false }).dtype, ab, `${a} ⊔ ${b} is above ${a}`);
  }
});
test('promotion: JS numbers are weak (int8 + 1 is int8, uint8 * 2.5 is float32, float16 + 1.5 is float16)', () => {
  for (const d of [...NARROW_INTS, 'float16'] as const) {
    assert.is(np.add(np.ones([2], { dtype: d }), 1).dtype, d, `${d} + 1`);
    assert.is(np.multiply(2, np.ones([2], { dtype: d })).dtype, d, `2 * ${d}`);
  }
  assert.is(np.multiply(np.ones([2], { dtype: 'uint8' }), 2.5).dtype, 'float32');
  assert.is(np.add(np.ones([2], { dtype: 'float16' }), 1.5).dtype, 'float16');
});

// ---- creation -------------------------------------------------------------------------------------
test('creation: array/zeros/ones/full/arange/eye/linspace/fromTypedArray for every narrow dtype', () => {
  for (const d of NARROW_INTS) {
    const hi = SIGNED[d] ? 2 ** (BITS[d] - 1) - 1 : 2 ** BITS[d] - 1, lo = SIGNED[d] ? -(2 ** (BITS[d] - 1)) : 0;
    const x = np.array([lo, 0, 7, hi], { dtype: d });
    assert.is(x.dtype, d);
    same(x, [lo, 0, 7, hi], `array ${d}`);
    same(np.zeros([3], { dtype: d }), [0, 0, 0], `zeros ${d}`);
    same(np.ones([2], { dtype: d }), [1, 1], `ones ${d}`);
    same(np.full([2], 5, { dtype: d }), [5, 5], `full ${d}`);
    same(np.arange(0, 4, 1, { dtype: d }), [0, 1, 2, 3], `arange ${d}`);
    same(np.eye(2, 2, { dtype: d }), [1, 0, 0, 1], `eye ${d}`);
    expectError(() => np.array([hi + 1], { dtype: d }), OverflowError, new RegExp(`^array: the JS number ${hi + 1} .*out of bounds for ${d}`));
  }
  const h = np.array([0.1, 1 / 3, 70000, -1e-9, 65504], { dtype: 'float16' });
  assert.is(h.dtype, 'float16');
  same(h, [f16round(0.1), f16round(1 / 3), Infinity, -0, 65504], 'array float16');
  assert.instance(h.dataSync(), Float32Array, 'float16 values read back as a Float32Array');
  same(np.linspace(0, 1, 5, { dtype: 'float16' }), [0, 0.25, 0.5, 0.75, 1], 'linspace float16');
  same(np.eye(2, 2, { dtype: 'float16' }), [1, 0, 0, 1], 'eye float16');
  // Typed arrays keep their dtype (Int8/Int16/Uint16Array adopted); a Uint8Array is bool unless asked.
  const i8 = new Int8Array([-5, 9]);
  const a8 = np.array(i8);
  assert.is(a8.dtype, 'int8');
  assert.is(a8.dataSync(), i8, 'adopted without a copy');
  assert.is(np.array(new Uint16Array([65535])).dtype, 'uint16');
  assert.is(np.array(new Uint8Array([200, 3]), { dtype: 'uint8' }).dtype, 'uint8');
  same(np.array(new Uint8Array([200, 3]), { dtype: 'uint8' }), [200, 3], 'uint8 from bytes');
  same(np.fromTypedArray(new Float32Array([0.1, 2]), [2], { dtype: 'float16' }), [f16round(Math.fround(0.1)), 2], 'fromTypedArray float16');
  assert.equal(String(np.array([1, 2], { dtype: 'int8' })), 'Array([1, 2], dtype=int8)');
});

// ---- arithmetic: wrapping (eager and jit agree) --------------------------------------------------------
type Op = [string, (a: NDArray, b: NDArray) => NDArray, (a: number, b: number) => number];
const INT_OPS: Op[] = [
  ['add', np.add, (a, b) => a + b], ['subtract', np.subtract, (a, b) => a - b], ['multiply', np.multiply, (a, b) => a * b],
  ['negative', (a) => np.negative(a), (a) => -a], ['abs', (a) => np.abs(a), (a) => Math.abs(a)],
  ['floor_divide(lax.div)', (a, b) => lax.div(a, b), (a, b) => (b === 0 ? 0 : Math.trunc(a / b))],
  ['rem', (a, b) => lax.rem(a, b), (a, b) => (b === 0 ? 0 : a % b)],
  ['max', np.maximum, Math.max], ['min', np.minimum, Math.min],
  ['bitwise_not', (a) => np.bitwiseNot(a), (a) => ~a],
];
test('arithmetic: every narrow integer dtype wraps as two\'s complement, eagerly and under jit', () => {
  for (const d of NARROW_INTS) {
    const m = 2 ** BITS[d];
    const lo = SIGNED[d] ? -m / 2 : 0, hi = SIGNED[d] ? m / 2 - 1 : m - 1;
    const av = [hi, lo, hi, 7, lo, 3, 0, lo + 1], bv = [1, -1, hi, -3, lo, 0, hi, 2].map((v) => wrapRef(d, v));
    const a = np.array(av, { dtype: d }), b = np.array(bv, { dtype: d });
    for (const [name, f, ref] of INT_OPS) {
      const want = av.map((x, i) => wrapRef(d, ref(x, bv[i]!)));
      const eager = f(a, b);
      assert.is(eager.dtype, d, `${name} ${d}: dtype`);
      same(eager, want, `${name} ${d} eager`);
      same(jit((x: NDArray, y: NDArray) => f(np.add(x, 0), y))(a, b), want, `${name} ${d} jit`);
    }
    // Logical right shift acts on the dtype's own bit pattern; shifting by the width or more gives 0.
    const s = np.array([1, 2, BITS[d], BITS[d] + 3], { dtype: d });
    const x = np.array([-1, -8, 5, 9].map((v) => wrapRef(d, v)), { dtype: d });
    const wantShift = [-1, -8, 5, 9].map((v, i) => { const sh = [1, 2, BITS[d], BITS[d] + 3][i]!; return sh >= BITS[d] ? 0 : wrapRef(d, (((v % m) + m) % m) >>> sh); });
    same(lax.shiftRightLogical(x, s), wantShift, `shift_right_logical ${d}`);
    same(jit(lax.shiftRightLogical)(x, s), wantShift, `shift_right_logical ${d} jit`);
  }
  // The classic overflows, spelled out.
  same(np.add(np.array([127], { dtype: 'int8' }), 1), [-128], 'int8 127 + 1');
  same(np.subtract(np.array([0], { dtype: 'uint8' }), 1), [255], 'uint8 0 - 1');
  same(np.multiply(np.array([256], { dtype: 'int16' }), np.array([256], { dtype: 'int16' })), [0], 'int16 256²');
  same(lax.div(np.array([-128], { dtype: 'int8' }), np.array([-1], { dtype: 'int8' })), [-128], 'int8 min / -1');
});

test('arithmetic: float16 rounds every result (eager and jit bitwise equal)', () => {
  let seed = 3;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
  const av = Array.from({ length: 64 }, () => f16round((rnd() - 0.5) * 200)), bv = Array.from({ length: 64 }, () => f16round((rnd() - 0.3) * 3));
  av.push(65504, 1, 2 ** -24), bv.push(16, 2 ** -11, 0.5);
  const a = np.array(av, { dtype: 'float16' }), b = np.array(bv, { dtype: 'float16' });
  const ops: Op[] = [['add', np.add, (x, y) => x + y], ['subtract', np.subtract, (x, y) => x - y], ['multiply', np.multiply, (x, y) => x * y], ['divide', np.divide, (x, y) => x / y],
    ['sqrt', (x) => np.sqrt(np.abs(x)), (x) => Math.sqrt(Math.abs(x))]];
  for (const [name, f, ref] of ops) {
    const want = av.map((x, i) => f16round(ref(x, bv[i]!)));
    const eager = f(a, b);
    assert.is(eager.dtype, 'float16', name);
    same(eager, want, `${name} eager`);
    same(jit(f)(a, b), want, `${name} jit`);
  }
  // A chain rounds at each step: (1 + 2^-11) + 2^-11 is 1 in float16 (each addition ties to even).
  const chain = (x: NDArray) => np.add(np.add(x, 2 ** -11), 2 ** -11);
  same(chain(np.array([1], { dtype: 'float16' })), [1], 'chain eager');
  same(jit(chain)(np.array([1], { dtype: 'float16' })), [1], 'chain jit');
  same(np.exp(np.array([0, 1, 12], { dtype: 'float16' })), [1, f16round(Math.E), Infinity], 'exp float16 overflows at 65520');
});

// ---- casts ------------------------------------------------------------------------------------------------
test('casts: float → int saturates and truncates (NaN → 0), int → int wraps, anything → float16 rounds', () => {
  const f = np.array([300.7, -300, NaN, 3.9, -3.9, Infinity, 127.5], { dtype: 'float32' });
  const sat: Record<(typeof NARROW_INTS)[number], number[]> = {
    int8: [127, -128, 0, 3, -3, 127, 127], uint8: [255, 0, 0, 3, 0, 255, 127], int16: [300, -300, 0, 3, -3, 32767, 127], uint16: [300, 0, 0, 3, 0, 65535, 127],
  };
  const ints = np.array([300, -1, 65535, -32769, 128], { dtype: 'int32' });
  for (const d of NARROW_INTS) {
    same(f.astype(d), sat[d], `float32 → ${d}`);
    same(jit((x: NDArray) => x.astype(d))(f), sat[d], `float32 → ${d} jit`);
    same(ints.astype(d), [300, -1, 65535, -32769, 128].map((v) => wrapRef(d, v)), `int32 → ${d}`);
    same(jit((x: NDArray) => x.astype(d))(ints), [300, -1, 65535, -32769, 128].map((v) => wrapRef(d, v)), `int32 → ${d} jit`);
  }
  same(np.array([-1], { dtype: 'int8' }).astype('uint32'), [4294967295], 'int8 -1 → uint32');
  same(np.array([65535], { dtype: 'uint16' }).astype('int16'), [-1], 'uint16 → int16');
  same(np.array([200], { dtype: 'uint8' }).astype('int8'), [-56], 'uint8 → int8');
  same(np.array([0.1, 1e5, 2049], { dtype: 'float64' }).astype('float16'), [f16round(0.1), Infinity, 2048], 'float64 → float16');
  same(np.array([2049], { dtype: 'int32' }).astype('float16'), [2048], 'int32 → float16 (ties to even)');
  same(np.array([0.5, -2.75, 70000], { dtype: 'float32' }).astype('float16').astype('int8'), [0, -2, 127], 'float16 → int8');
  same(np.array([0, 3], { dtype: 'uint8' }).astype('bool'), [0, 1], 'uint8 → bool');
  same(lax.convertElementType(np.array([1.5], { dtype: 'float16' }), 'float32'), [1.5], 'float16 → float32 exact');
});

// ---- reductions ------------------------------------------------------------------------------------------
test('reductions: np.sum promotes narrow ints (JAX), lax.reduceSum wraps, float16 sums in float32', () => {
  const x = np.array([[100, 100, 100], [-128, -128, 5]], { dtype: 'int8' });
  const s = np.sum(x);
  assert.is(s.dtype, 'int32');
  assert.is(s.itemSync(), 49);
  assert.is(np.sum(np.array([200, 200], { dtype: 'uint8' })).dtype, 'uint32');
  same(np.sum(x, { axis: 1 }), [300, -251], 'sum axis 1');
  same(lax.reduceSum(x, [1]), [wrapRef('int8', 300), wrapRef('int8', -251)], 'lax.reduceSum wraps');
  same(jit((a: NDArray) => lax.reduceSum(a, [1]))(x), [wrapRef('int8', 300), wrapRef('int8', -251)], 'lax.reduceSum wraps under jit');
  same(np.max(x, { axis: 0 }), [100, 100, 100], 'max int8');
  assert.is(np.max(x).dtype, 'int8');
  same(np.min(x, { axis: 1 }), [100, -128], 'min int8');
  same(np.argmax(np.array([3, -1, 9, 9], { dtype: 'int16' })), [2], 'argmax int16');
  same(np.prod(np.array([16, 16, 16], { dtype: 'int8' })), [4096], 'prod promotes');
  // float16: [2048, 1, 1] sums to 2050 in float32 (float16 steps would stick at 2048).
  const h = np.array([2048, 1, 1], { dtype: 'float16' });
  assert.is(np.sum(h).dtype, 'float16');
  same(np.sum(h), [2050], 'float16 sum eager');
  same(jit(np.sum)(h), [2050], 'float16 sum jit');
  const hm = np.array([[1, 2, 3, 4], [0.1, 0.2, 0.3, 0.7]], { dtype: 'float16' });
  same(np.mean(hm, { axis: 1 }), [2.5, f16round((f16round(0.1) + f16round(0.2) + f16round(0.3) + f16round(0.7)) / 4)], 'float16 mean');
  same(jit((a: NDArray) => np.sum(a, { axis: 0 }))(hm), [0, 1, 2, 3].map((j) => f16round(f16round([1, 2, 3, 4][j]!) + f16round([0.1, 0.2, 0.3, 0.7][j]!))), 'float16 column sums jit');
});

// ---- indexing, movement, sort, matmul ---------------------------------------------------------------------
test('indexing, movement, sort and matmul keep the narrow dtypes', () => {
  for (const d of [...NARROW_INTS, 'float16'] as const) {
    const x = np.array([[1, 2, 3], [4, 5, 6]], { dtype: d });
    same(x.get(1), [4, 5, 6], `row ${d}`);
    same(np.take(x, np.array([2, 0], { dtype: 'int8' }), { axis: 1 }), [3, 1, 6, 4], `take with int8 indices ${d}`);
    same(np.transpose(x), [1, 4, 2, 5, 3, 6], `transpose ${d}`);
    same(np.concatenate([x, x], 0).get(3), [4, 5, 6], `concatenate ${d}`);
    same(np.pad(x, [[0, 0], [1, 0]]), [0, 1, 2, 3, 0, 4, 5, 6], `pad ${d}`);
    same(np.sort(np.array([3, 1, 2], { dtype: d })), [1, 2, 3], `sort ${d}`);
    same(jit((a: NDArray) => np.flip(np.reshape(a, [6]), 0))(x), [6, 5, 4, 3, 2, 1], `jit movement ${d}`);
    assert.is(x.get(0).dtype, d);
  }
  same(np.sort(np.array([-1, 5, -128, 127], { dtype: 'int8' })), [-128, -1, 5, 127], 'sort signed int8');
  const a = np.full([2, 3], 100, { dtype: 'int8' }), b = np.full([3, 2], 2, { dtype: 'int8' });
  same(np.matmul(a, b), [88, 88, 88, 88], 'int8 matmul wraps (600 → 88)');
  same(jit(np.matmul)(a, b), [88, 88, 88, 88], 'int8 matmul jit');
  const h = np.array([[2048, 1, 1]], { dtype: 'float16' }), one = np.ones([3, 1], { dtype: 'float16' });
  same(np.matmul(h, one), [2050], 'float16 matmul accumulates in float32');
});

// ---- transforms ----------------------------------------------------------------------------------------------
test('transforms: vmap over int8, grad in float16, jaxprs print i8/u8/i16/u16/f16', () => {
  const f = (x: NDArray) => np.add(np.multiply(x, 2), 1);
  const x = np.array([[60, 70], [-64, 1]], { dtype: 'int8' });
  same(vmap(f)(x), [121, wrapRef('int8', 141), -127, 3], 'vmap int8');
  same(vmap(jit(f))(x), [121, wrapRef('int8', 141), -127, 3], 'vmap(jit) int8');
  const g = grad((h: NDArray) => np.sum(np.multiply(h, h)))(np.array([1.5, 0.1, 300], { dtype: 'float16' }));
  assert.is(g.dtype, 'float16');
  same(g, [3, f16round(2 * f16round(0.1)), 600], 'grad float16');
  same(jit(grad((h: NDArray) => np.sum(np.multiply(h, h))))(np.array([1.5], { dtype: 'float16' })), [3], 'jit(grad) float16');
  const text = makeJaxpr((p: NDArray, q: NDArray, r: NDArray, s: NDArray, t: NDArray) => [p, q, r, s, t])(
    np.zeros([1], { dtype: 'int8' }), np.zeros([1], { dtype: 'uint8' }), np.zeros([1], { dtype: 'int16' }), np.zeros([1], { dtype: 'uint16' }), np.zeros([1], { dtype: 'float16' })).toString();
  assert.match(text, /a:i8\[1\] b:u8\[1\] c:i16\[1\] d:u16\[1\] e:f16\[1\]/);
});

// ---- limits and the torch layer ------------------------------------------------------------------------------
test('finfo/iinfo for the narrow dtypes; errors name the function', () => {
  const f = np.finfo('float16');
  assert.equal([f.bits, f.eps, f.max, f.min, f.tiny, f.smallestSubnormal, f.nmant, f.nexp, f.maxexp, f.minexp], [16, 2 ** -10, 65504, -65504, 2 ** -14, 2 ** -24, 10, 5, 16, -14]);
  assert.is(f16round(f.max), f.max);
  assert.is(f16round(1 + f.eps), 1 + f.eps);
  assert.is(f16round(1 + f.eps / 2), 1);
  assert.equal(np.iinfo('int8'), { dtype: 'int8', bits: 8, min: -128, max: 127 });
  assert.equal(np.iinfo('uint8'), { dtype: 'uint8', bits: 8, min: 0, max: 255 });
  assert.equal(np.iinfo('int16'), { dtype: 'int16', bits: 16, min: -32768, max: 32767 });
  assert.equal(np.iinfo(np.zeros([1], { dtype: 'uint16' })), { dtype: 'uint16', bits: 16, min: 0, max: 65535 });
  expectError(() => np.finfo('int8'), DTypeError, /^finfo: not a float dtype: int8/);
  expectError(() => np.iinfo('float16'), DTypeError, /^iinfo: not an integer dtype: float16/);
  expectError(() => np.bitwiseAnd(np.ones([1], { dtype: 'float16' }), np.ones([1], { dtype: 'float16' })), DTypeError, /^bitwiseAnd: not defined on float operands \(got float16\)/);
});

test('torch: uint8/int8/int16/float16 dtypes, ByteTensor, byte()/half(), arithmetic wraps', () => {
  assert.is(torch.uint8, 'uint8');
  assert.is(torch.int8, 'int8');
  assert.is(torch.int16, 'int16');
  assert.is(torch.short, 'int16');
  assert.is(torch.float16, 'float16');
  assert.is(torch.half, 'float16');
  const b = torch.ByteTensor([250, 3]);
  assert.is(b.dtype, 'uint8');
  assert.equal(b.add(10).tolistSync(), [4, 13]);
  assert.equal(torch.tensor([1.1, 2]).half().tolistSync(), [f16round(Math.fround(1.1)), 2]);
  assert.equal(torch.tensor([300, -1]).byte().tolistSync(), [255, 0]);
  assert.equal(torch.tensor([3, -1], { dtype: torch.int8 }).short().dtype, 'int16');
  assert.equal(torch.tensor([200], { dtype: torch.uint8 }).char().tolistSync(), [-56]);
});

test.run();
