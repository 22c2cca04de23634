// WASM SIMD elementwise loops: eager = jit bit for bit on the primitive table at WASM sizes, both within tolerance of the float64 path, and fused loops that mix WASM and JS.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, random } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { ConcreteArray, concreteFromTyped } from '../src/core/array.js';
import { allocTyped } from '../src/core/dtype.js';
import { bind } from '../src/core/interpreter.js';
import { ArrayPrimitive, Params } from '../src/core/primitives.js';
import { WASM_MIN_ELEMENTS, WASM_RULES } from '../src/backends/cpu/wasm/elementwise.js';
import { wasmLoopsAvailable } from '../src/backends/cpu/wasm/loops.js';
import { setWasmSgemmParallel, wasmSgemmWorkerReady } from '../src/backends/cpu/wasm/sgemm.js';
import { MATH_MAX_ULP } from '../src/backends/cpu/wasm/math.js';
import { ArraySpec, flatValues, PRIMITIVE_CASES } from './helpers/primitive-cases.js';

/** Not a multiple of 4 (the padded last vector) and above the size where loops go to WASM. */
const N = 4 * WASM_MIN_ELEMENTS + 3;

/** A row's operand tiled to N elements: its values repeated, then random float32s of every magnitude. */
function tiled(s: ArraySpec, seed: number): ConcreteArray {
  const data = allocTyped(s.dtype, N), vals = flatValues(s);
  let r = seed * 2654435761 >>> 0;
  for (let i = 0; i < N; i++) {
    r = (Math.imul(r, 1103515245) + 12345) >>> 0;
    const u = r / 2 ** 32;
    data[i] = i < 4 * vals.length ? vals[i % vals.length]! : s.dtype === 'bool' ? (u < 0.5 ? 1 : 0) : s.dtype === 'float32' || s.dtype === 'float64' ? (u - 0.5) * 10 ** (Math.floor(u * 1e4) % 9 - 3) : vals[i % vals.length]!;
  }
  return concreteFromTyped(data, new ShapedArray([N], s.dtype));
}
const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
function assertSame(got: NDArray, want: NDArray, what: string): void {
  const g = got.dataSync(), w = want.dataSync();
  const i = w.findIndex((v, k) => !sameBits(g[k]!, v));
  assert.is(i, -1, i < 0 ? '' : `${what}: element ${i}: ${g[i]} vs ${w[i]}`);
}
const asF64 = (x: ConcreteArray) => (x.dtype === 'float32' ? (np.asarray(x).astype('float64') as ConcreteArray) : x);
const ulp32 = (y: number) => (Math.abs(y) < 2 ** -126 ? 2 ** -149 : 2 ** (Math.floor(Math.log2(Math.abs(y))) - 23));

const ELEMENTWISE = Object.keys(WASM_RULES) as (keyof typeof WASM_RULES)[];
for (const prim of ELEMENTWISE) {
  const rows = (PRIMITIVE_CASES[prim as ArrayPrimitive] as (typeof PRIMITIVE_CASES)[ArrayPrimitive]).filter((c) => c.inputs.some((s) => s.dtype === 'float32'));
  rows.forEach((c, k) => {
    test(`eager = jit bitwise at ${N} elements, and both near float64: ${prim}: ${c.name}`, () => {
      const f = (...xs: NDArray[]) => bind(prim as ArrayPrimitive, xs, c.params as Params<ArrayPrimitive>)[0]!;
      const ins = c.inputs.map((s, j) => tiled(s, 31 * k + j + 1));
      const eager = f(...ins), jitted = jit(f)(...ins);
      assertSame(jitted, eager, 'jit vs eager');
      // The JS path in float64, rounded to float32: the WASM library's error bound (plus the rounding), else exact.
      if (eager.dtype !== 'float32') return;
      const ref = (f(...ins.map(asF64)) as ConcreteArray).dataSync(), got = eager.dataSync();
      const bound = (prim in MATH_MAX_ULP ? MATH_MAX_ULP[prim as keyof typeof MATH_MAX_ULP] : 0) + 0.5;
      ref.forEach((r, i) => {
        const g = got[i]!;
        if (Number.isNaN(r)) { assert.ok(Number.isNaN(g), `${prim}: element ${i}: ${g}, expected NaN`); return; }
        const r32 = Math.fround(r);
        if (sameBits(g, r32)) return;
        const err = Math.abs(g - r) / ulp32(r);
        assert.ok(err <= bound, `${prim}(${ins.map((x) => x.dataSync()[i]).join(', ')}) = ${g}, float64 gives ${r} (${err.toFixed(2)} ulp > ${bound})`);
      });
    });
  });
}

const x = random.normal(random.key(1), [37, 41]), y = random.normal(random.key(2), [37, 41]);
const s = np.array(0.75);

test('a fused chain of every WASM math function: one WASM loop, bitwise equal to eager', () => {
  const f = (a: NDArray, b: NDArray, c: NDArray) => {
    const u = np.tanh(a).mul(2).add(np.exp(a.neg().mul(a))).sub(np.log1p(np.abs(b)));
    const v = np.sin(u.mul(c)).add(np.cos(b)).mul(np.expm1(a.mul(0.1))).add(np.sqrt(np.abs(a)));
    return np.where(a.gt(b), np.log(np.abs(v).add(1e-3)), np.maximum(v, c)).add(np.power(np.abs(b), 2));
  };
  const text = jit(f).lower(x, y, s).compiledText();
  if (wasmLoopsAvailable) assert.match(text, /WASM SIMD/, text);
  assertSame(jit(f)(x, y, s), f(x, y, s), 'chain');
});

test('a fused loop that stays JS (a transposed read) computes the same float32 functions bit for bit', () => {
  const f = (a: NDArray, b: NDArray) => np.tanh(a.T).mul(np.exp(b.T.neg()));
  const text = jit(f).lower(x, y).compiledText();
  assert.match(text, /S\.f32\.tanh/);
  assertSame(jit(f)(x, y), f(x, y), 'transposed');
});

test('float64 loops keep the float64 functions; small float32 arrays stay JS with the same bits', () => {
  const x64 = x.astype('float64');
  assert.match(jit((a: NDArray) => np.tanh(a)).lower(x64).compiledText(), /Math\.tanh/);
  const few = np.fromTypedArray(Float32Array.from(x.dataSync().slice(0, 7)), [7]);
  const many = np.tanh(x).dataSync().slice(0, 7);
  assert.equal([...np.tanh(few).dataSync()], [...many], 'the first 7 elements of tanh, computed in JS and in WASM');
});

test('a loop over 2^18+ elements on two threads gives the bits of one thread (and of eager)', async () => {
  if (!wasmLoopsAvailable) return;
  const n = (1 << 18) + 4099;
  const big = random.uniform(random.key(7), [n], { minval: -6, maxval: 6 });
  const f = jit((a: NDArray) => np.tanh(a).mul(2).add(np.exp(a.neg().mul(a))).sub(np.sin(a.mul(700))));
  f(big); // starts the worker
  for (let waited = 0; !wasmSgemmWorkerReady() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  const two = f(big);
  setWasmSgemmParallel(false);
  try {
    assertSame(two, f(big), 'two threads vs one');
  } finally {
    setWasmSgemmParallel(true);
  }
  assertSame(two, np.tanh(big).mul(2).add(np.exp(big.neg().mul(big))).sub(np.sin(big.mul(700))), 'jit vs eager');
});

test.run();
