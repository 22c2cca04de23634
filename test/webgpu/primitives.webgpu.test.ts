// The WebGPU backend against every row of the shared primitive table (float64 rows excepted: WGSL
// has no f64), against the CPU backend on random inputs, and its memory and error behaviour. Runs in
// its own process (scripts/test.mjs). Without an adapter every test is skipped with a loud message,
// unless REQUIRE_WEBGPU=1, where a missing adapter fails.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jit, lax } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ShapedArray } from '../../src/core/aval.js';
import { ConcreteArray, concreteFromTyped } from '../../src/core/array.js';
import { allocTyped, DType, storageOf, TypedArray } from '../../src/core/dtype.js';
import { DTypeError } from '../../src/core/errors.js';
import { defaultBackendName, setDefaultBackend } from '../../src/core/backend.js';
import { bind } from '../../src/core/interpreter.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive, DotDimensionNumbers, Params } from '../../src/core/primitives.js';
import { adapterDescription, initWebGPU, memoryStats } from '../../src/backends/webgpu/index.js';
import { isElementwise } from '../../src/backends/elementwise.js';
import { ArraySpec, flatValues, PRIMITIVE_CASES, Tolerance, specStorage } from '../helpers/primitive-cases.js';

// ---- the adapter ----------------------------------------------------------------------------------
let adapter: string | null = null;
let whyNot = '';
try {
  await initWebGPU();
  adapter = adapterDescription();
  console.log(`webgpu tests on: ${adapter}`);
} catch (e) {
  whyNot = (e as Error).message;
}
if (!adapter) {
  if (process.env.REQUIRE_WEBGPU === '1') {
    test('a WebGPU adapter is available (REQUIRE_WEBGPU=1)', () => { assert.unreachable(`no WebGPU adapter: ${whyNot}`); });
  } else {
    const bar = '!'.repeat(100);
    console.warn(`\n${bar}\n!! WEBGPU TESTS SKIPPED: no adapter (${whyNot})\n!! Set REQUIRE_WEBGPU=1 to make this a failure.\n${bar}\n`);
  }
}
/** Registers a GPU test, or a visibly skipped one when there is no adapter. */
const gpuTest = (name: string, fn: () => Promise<void> | void): void => (adapter ? test(name, fn) : test.skip(name, fn));

// ---- helpers ----------------------------------------------------------------------------------------
const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const onGpu = (data: TypedArray, shape: readonly number[], dtype: DType): ConcreteArray =>
  concreteFromTyped(data, new ShapedArray(shape, dtype), 'webgpu');
const onCpu = (data: TypedArray, shape: readonly number[], dtype: DType): ConcreteArray =>
  concreteFromTyped(data, new ShapedArray(shape, dtype), 'cpu');

function specArray(s: ArraySpec): ConcreteArray {
  return onGpu(specStorage(s), s.shape, s.dtype);
}

/**
 * Applies a primitive through `bind`. Operands pick the backend; a primitive without operands
 * (iota) runs on the default backend, so `on` names which that is for the call.
 */
function apply<P extends ArrayPrimitive>(prim: P, args: ConcreteArray[], params: Params<P>, on = 'webgpu'): ConcreteArray[] {
  const before = defaultBackendName();
  setDefaultBackend(on);
  try {
    return bind(prim, args, params).map((o) => {
      if (!(o instanceof ConcreteArray)) throw new Error(`${prim} returned a non-concrete array`);
      return o;
    });
  } finally {
    setDefaultBackend(before);
  }
}

/** The first element outside |a - e| <= atol + rtol·|e| (NaN matches NaN, infinities themselves; ints exact), or null. */
function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>, dtype: DType, tol: Tolerance): string | null {
  if (actual.length !== expected.length) return `length ${actual.length}, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    const ok = dtype === 'float32' || dtype === 'float16'
      ? (Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= tol.atol + tol.rtol * Math.abs(e))
      : a === e;
    if (!ok) return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}

const usesFloat64 = (specs: readonly ArraySpec[]): boolean => specs.some((s) => s.dtype === 'float64');

// ---- every row of the primitive table ---------------------------------------------------------------
for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as PrimitiveCaseOf[]) {
    if (usesFloat64(c.inputs) || usesFloat64(c.expected)) continue;
    gpuTest(`${prim}: ${c.name}`, async () => {
      const outs = apply(prim, c.inputs.map(specArray), c.params as Params<typeof prim>);
      assert.is(outs.length, c.expected.length, 'number of outputs');
      for (const [k, e] of c.expected.entries()) {
        const o = outs[k]!;
        assert.is(o.device, 'webgpu');
        assert.equal([...o.shape], [...e.shape], `output ${k} shape`);
        assert.is(o.dtype, e.dtype, `output ${k} dtype`);
        const bad = mismatch(await o.data(), flatValues(e), e.dtype, c.tol);
        if (bad) assert.unreachable(`output ${k}: ${bad}`);
      }
    });
  }
}
type PrimitiveCaseOf = (typeof PRIMITIVE_CASES)[ArrayPrimitive][number];

// ---- the same rows through the vec4 kernels ---------------------------------------------------------
// Elementwise kernels over a multiple of 4 elements, 4096 or more, load and store vec4s: each row's
// operands are tiled to 8192 elements (NaN, infinities, signed zeros and all) and the result is
// compared with the CPU's on the same tiled operands.
const TILED = 8192;
function tiled(s: ArraySpec, device: 'cpu' | 'webgpu'): ConcreteArray {
  const values = flatValues(s);
  const data = storageOf(s.dtype, Array.from({ length: TILED }, (_, i) => values[i % values.length]!));
  return (device === 'cpu' ? onCpu : onGpu)(data, [TILED], s.dtype);
}
for (const prim of ARRAY_PRIMITIVES.filter(isElementwise)) {
  for (const c of PRIMITIVE_CASES[prim] as PrimitiveCaseOf[]) {
    if (usesFloat64(c.inputs) || usesFloat64(c.expected) || c.inputs.some((x) => sizeOf(x.shape) === 0)) continue;
    gpuTest(`${prim} as vec4s: ${c.name}`, async () => {
      const [g] = apply(prim, c.inputs.map((x) => tiled(x, 'webgpu')), c.params as Params<typeof prim>);
      const [want] = apply(prim, c.inputs.map((x) => tiled(x, 'cpu')), c.params as Params<typeof prim>, 'cpu');
      const bad = mismatch(await g!.data(), want!.dataSync(), want!.dtype, c.tol);
      if (bad) assert.unreachable(bad);
    });
  }
}

// ---- CPU and WebGPU agree on random inputs ------------------------------------------------------------
let seed = 12345;
/** A small LCG, so failures reproduce. */
const uniform = (n: number): Float32Array => Float32Array.from({ length: n }, () => {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  return seed / 2 ** 31 - 1;
});

/** Runs `prim` on both backends from the same float32 inputs; returns [gpu, cpu] values of output 0. */
async function both<P extends ArrayPrimitive>(prim: P, inputs: { data: Float32Array; shape: number[] }[], params: Params<P>): Promise<[TypedArray, TypedArray]> {
  const [g] = apply(prim, inputs.map((x) => onGpu(x.data.slice(), x.shape, 'float32')), params);
  const [c] = apply(prim, inputs.map((x) => onCpu(x.data.slice(), x.shape, 'float32')), params, 'cpu');
  assert.equal([...g!.shape], [...c!.shape]);
  return [await g!.data(), c!.dataSync()];
}

const dn = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): { dimensionNumbers: DotDimensionNumbers } =>
  ({ dimensionNumbers: { contracting: [lc, rc], batch: [lb, rb] } });

const MATMULS: [string, number[], number[], { dimensionNumbers: DotDimensionNumbers }][] = [
  ['A·B, edges of several tiles', [130, 53], [53, 150], dn([1], [0])],
  ['Aᵀ·B', [53, 37], [53, 29], dn([0], [0])],
  ['A·Bᵀ', [37, 53], [29, 53], dn([1], [1])],
  ['Aᵀ·Bᵀ', [53, 37], [29, 53], dn([0], [1])],
  ['batched, batch on different axes', [4, 37, 53], [53, 4, 29], dn([2], [0], [0], [1])],
  ['free axes split by the contracting axis', [6, 53, 5], [53, 7], dn([1], [0])],
  ['matrix · vector', [70, 53], [53], dn([1], [0])],
];
for (const [name, ls, rs, params] of MATMULS) {
  gpuTest(`cpu and webgpu agree: dot_general ${name}`, async () => {
    const l = uniform(sizeOf(ls)), r = uniform(sizeOf(rs));
    const [g, c] = await both('dot_general', [{ data: l, shape: ls }, { data: r, shape: rs }], params);
    // Float32 sums of K = 53 products of values in [-1, 1]: rounding error stays far below 1e-4.
    const bad = mismatch(g, c, 'float32', { rtol: 1e-5, atol: 1e-4 });
    if (bad) assert.unreachable(bad);
  });
}

const REDUCTIONS: [ArrayPrimitive & `reduce_${string}`, number[], number[]][] = [
  ['reduce_sum', [17, 300, 5], [1]],
  ['reduce_sum', [5000], [0]],
  ['reduce_sum', [40, 3, 50], [0, 2]],
  ['reduce_max', [17, 300, 5], [0, 2]],
  ['reduce_min', [2, 3000], [1]],
];
for (const [prim, shape, axes] of REDUCTIONS) {
  gpuTest(`cpu and webgpu agree: ${prim} of [${shape}] over [${axes}]`, async () => {
    const x = uniform(sizeOf(shape));
    const [g, c] = await both(prim, [{ data: x, shape }], { axes });
    // The CPU sums in float64; float32 partial sums err by a few ulps of the running total (< 1e-6 · Σ|x|).
    const scale = x.reduce((a, v) => a + Math.abs(v), 0);
    const bad = mismatch(g, c, 'float32', prim === 'reduce_sum' ? { rtol: 0, atol: 1e-6 * scale } : { rtol: 0, atol: 0 });
    if (bad) assert.unreachable(bad);
  });
}

// Long results take several elements per invocation (perItem): every element must still be written once.
const LONG_MOVEMENT: [string, ArrayPrimitive, number[][], object][] = [
  ['transpose', 'transpose', [[97, 131]], { permutation: [1, 0] }],
  ['broadcast_in_dim', 'broadcast_in_dim', [[131]], { shape: [97, 131], broadcastDimensions: [1] }],
  ['pad', 'pad', [[97, 131], []], { config: [[1, 2, 0], [0, 3, 1]] }],
  ['slice with strides', 'slice', [[197, 131]], { startIndices: [1, 0], limitIndices: [196, 131], strides: [2, 1] }],
  ['rev', 'rev', [[97, 131]], { dimensions: [0, 1] }],
  ['convert to int32', 'convert_element_type', [[97, 131]], { newDtype: 'int32', weakType: false }],
];
for (const [name, prim, shapes, params] of LONG_MOVEMENT) {
  gpuTest(`cpu and webgpu agree over many elements: ${name}`, async () => {
    const [g, c] = await both(prim, shapes.map((shape) => ({ data: uniform(sizeOf(shape)).map((v) => v * 1000), shape })), params as Params<typeof prim>);
    const bad = mismatch(g, c, c instanceof Int32Array ? 'int32' : 'float32', { rtol: 0, atol: 0 });
    if (bad) assert.unreachable(bad);
  });
}

gpuTest('cpu and webgpu agree: scatter_add with many colliding updates (atomics)', async () => {
  const n = 20000;
  const idx = Int32Array.from({ length: n }, (_, i) => (i * 7919) % 13);
  for (const dtype of ['float32', 'int32'] as const) {
    // Updates in eighths keep every float32 partial sum exact, so the arrival order cannot matter.
    const upd = dtype === 'float32' ? Float32Array.from({ length: n }, (_, i) => ((i % 17) - 8) / 8) : Int32Array.from({ length: n }, (_, i) => (i % 17) - 8);
    const x = dtype === 'float32' ? new Float32Array(13).fill(0.5) : new Int32Array(13).fill(3);
    const [g] = apply('scatter_add', [onGpu(x.slice(), [13], dtype), onGpu(idx.slice(), [n], 'int32'), onGpu(upd.slice(), [n], dtype)], { axis: 0 });
    const [c] = apply('scatter_add', [onCpu(x.slice(), [13], dtype), onCpu(idx.slice(), [n], 'int32'), onCpu(upd.slice(), [n], dtype)], { axis: 0 }, 'cpu');
    assert.equal([...(await g!.data())], [...c!.dataSync()], dtype);
  }
});

// ---- backend behaviour ------------------------------------------------------------------------------
gpuTest('threefry2x32 matches the Random123 known answers bit for bit', async () => {
  const u = (v: number[]) => onGpu(Uint32Array.from(v), [v.length], 'uint32');
  const [y0, y1] = apply('threefry2x32', [u([0, 0x13198a2e]), u([0, 0x03707344]), u([0, 0x243f6a88]), u([0, 0x85a308d3])], {});
  assert.equal([...(await y0!.data())], [0x6b200159, 0xc4923a9c]);
  assert.equal([...(await y1!.data())], [0x99ba4efe, 0x483df7a0]);
});

gpuTest('a dispatch past 65535 workgroups uses a 2-D grid', async () => {
  // Odd, so the one-element-per-invocation kernel runs (vec4 kernels need a multiple of 4).
  const n = 65535 * 64 + 1001;
  const [x] = apply('iota', [], { dtype: 'float32', shape: [n], dimension: 0 });
  const [y] = apply('add', [x!, x!], {});
  assert.is(y!.device, 'webgpu');
  const v = await y!.data();
  for (const i of [0, 1, 65535 * 64 - 1, 65535 * 64, n - 1]) assert.is(v[i], Math.fround(2 * i), `element ${i}`);
  x!.dispose();
  y!.dispose();
});

gpuTest('concatenate of more operands than a shader can bind', async () => {
  const parts = Array.from({ length: 20 }, (_, k) => onGpu(Int32Array.from([k, -k]), [1, 2], 'int32'));
  const [y] = apply('concatenate', parts, { dimension: 0 });
  assert.equal([...(await y!.data())], Array.from({ length: 20 }, (_, k) => [k, -k]).flat().map((v) => v | 0));
});

gpuTest('readSync throws an error naming await x.data()', () => {
  const x = onGpu(Float32Array.from([1, 2]), [2], 'float32');
  assert.throws(() => x.dataSync(), (e: Error) => e.message.includes('await x.data()'));
});

gpuTest('float64 is refused with a DTypeError', () => {
  const x = onGpu(Float32Array.from([1, 2]), [2], 'float32');
  assert.throws(() => apply('convert_element_type', [x], { newDtype: 'float64', weakType: false }), (e: unknown) => e instanceof DTypeError && /float64/.test((e as Error).message));
  assert.throws(() => onGpu(Float64Array.from([1]), [1], 'float64'), (e: unknown) => e instanceof DTypeError);
});

gpuTest('dispose frees the buffer at once', async () => {
  const before = memoryStats();
  const x = onGpu(new Float32Array(1000), [1000], 'float32');
  const [y] = apply('exp', [x], {});
  assert.is(memoryStats().liveBuffers, before.liveBuffers + 2);
  assert.is(memoryStats().liveBytes, before.liveBytes + 8000);
  x.dispose();
  y!.dispose();
  assert.is(memoryStats().liveBuffers, before.liveBuffers);
  assert.is(memoryStats().liveBytes, before.liveBytes);
  assert.throws(() => y!.dataSync(), /disposed/);
});

const buildDir = fileURLToPath(new URL('../../', import.meta.url));
/** Runs an ES module snippet in a fresh Node (flags allowed) from the build directory; returns its stdout. */
function child(code: string, flags: string[] = []): string {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], {
    cwd: buildDir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  if (r.status !== 0) throw new Error(`child exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

gpuTest('dropped arrays free their GPU buffers when collected (FinalizationRegistry)', () => {
  const outText = child(`
    import './src/index.js';
    import { ShapedArray } from './src/core/aval.js';
    import { concreteFromTyped } from './src/core/array.js';
    import { initWebGPU, memoryStats } from './src/backends/webgpu/index.js';
    await initWebGPU();
    (() => { for (let k = 0; k < 50; k++) concreteFromTyped(new Float32Array(256), new ShapedArray([256], 'float32'), 'webgpu'); })();
    const held = memoryStats().liveBuffers;
    for (let k = 0; k < 10 && memoryStats().liveBuffers > 0; k++) { globalThis.gc(); await new Promise((r) => setTimeout(r, 20)); }
    console.log(JSON.stringify({ held, after: memoryStats().liveBuffers }));
  `, ['--expose-gc']);
  const { held, after } = JSON.parse(outText.trim().split('\n').pop()!) as { held: number; after: number };
  assert.is(held, 50);
  assert.is(after, 0);
});

gpuTest('destroyWebGPU with work in flight, then a new device, survives garbage collection', () => {
  const outText = child(`
    import './src/index.js';
    import { lax } from './src/index.js';
    import { ShapedArray } from './src/core/aval.js';
    import { concreteFromTyped } from './src/core/array.js';
    import { destroyWebGPU, initWebGPU, memoryStats } from './src/backends/webgpu/index.js';
    const dn = { contracting: [[1], [0]], batch: [[], []] };
    const ones = (n) => concreteFromTyped(new Float32Array(n * n).fill(1), new ShapedArray([n, n], 'float32'), 'webgpu');
    await initWebGPU();
    const a = ones(768);
    lax.dotGeneral(a, a, dn);               // still running when the device goes
    await destroyWebGPU();
    const afterDestroy = memoryStats().liveBuffers;
    let stale = '';
    try { await a.data(); } catch (e) { stale = e.message; }
    await initWebGPU();
    const b = ones(768);
    const c = lax.dotGeneral(b, b, dn);
    globalThis.gc();                         // collect the old device's wrappers while the new one computes
    const v = await c.data();
    console.log(JSON.stringify({ afterDestroy, stale, v0: v[0], vLast: v[v.length - 1] }));
  `, ['--expose-gc']);
  const r = JSON.parse(outText.trim().split('\n').pop()!) as { afterDestroy: number; stale: string; v0: number; vLast: number };
  assert.is(r.afterDestroy, 0);
  assert.ok(/destroyed|disposed/.test(r.stale), r.stale);
  assert.is(r.v0, 768);
  assert.is(r.vLast, 768);
});

// Not a GPU test: it checks that the CPU path never loads Dawn, so it runs with or without an adapter.
test('the CPU path never loads the webgpu package', () => {
  const outText = child(`
    import * as ct from './src/index.js';
    import './src/backends/webgpu/index.js';
    const x = ct.np.add(ct.np.ones([3]), 1);
    const libs = process.report.getReport().sharedObjects.filter((s) => /dawn/i.test(s));
    console.log(JSON.stringify({ sum: [...x.dataSync()].reduce((a, b) => a + b, 0), libs }));
  `);
  const { sum, libs } = JSON.parse(outText.trim().split('\n').pop()!) as { sum: number; libs: string[] };
  assert.is(sum, 6);
  assert.equal(libs, []);
});

// ---- sort: CPU and WebGPU agree bit for bit --------------------------------------------------------
// Lanes of 1, 7, 1000 and 5000 elements (so 0, 3, 10 and 13 merge passes), contiguous and strided,
// with many ties, NaN, ±0 and infinities, one and two keys. Results compare as bits: -0 must stay
// -0 in its place, and the positions riding along show stability.
const SORT_POOL = [Number.NaN, -Infinity, Infinity, -0, 0, 1, -1, 0.5, 3, -2];
function sortOperand(dtype: DType, n: number, salt: number): TypedArray {
  const a = allocTyped(dtype, n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i + 1, 2654435761 + salt) >>> 0;
    a[i] = dtype === 'float32' ? (h % 3 === 0 ? (h % 1000) / 7 - 70 : SORT_POOL[h % SORT_POOL.length]!)
      : dtype === 'int32' ? (h % 9) - 4 + (h % 5 === 0 ? 2 ** 31 - 1 : 0)
        : dtype === 'bool' ? h & 1 : h % 13;
  }
  return a;
}
const bitsOf = (t: TypedArray): ArrayLike<number> => (t instanceof Float32Array ? new Uint32Array(t.buffer, t.byteOffset, t.length) : t);
const SORTS: [string, number[], number, DType[], number][] = [
  ['one lane of 5000 floats, positions along', [5000], 0, ['float32', 'int32'], 1],
  ['one lane of 1000 bools (all ties)', [1000], 0, ['bool', 'uint32'], 1],
  ['1000 lanes of 7 along the last axis', [1000, 7], 1, ['float32'], 1],
  ['1000 strided lanes of 7 along axis 0', [7, 1000], 0, ['int32', 'float32'], 1],
  ['two keys, lanes of 1000 in the middle axis', [2, 1000, 3], 1, ['int32', 'float32', 'uint32'], 2],
  ['lanes of 1', [5, 1], 1, ['float32', 'int32'], 1],
];
for (const [name, shape, dimension, dtypes, numKeys] of SORTS) {
  gpuTest(`cpu and webgpu agree: sort, ${name}`, async () => {
    const data = dtypes.map((d, k) => sortOperand(d, sizeOf(shape), 17 * k + shape.length));
    const gpu = apply('sort', data.map((x, k) => onGpu(x.slice(), shape, dtypes[k]!)), { dimension, numKeys });
    const cpu = apply('sort', data.map((x, k) => onCpu(x.slice(), shape, dtypes[k]!)), { dimension, numKeys }, 'cpu');
    for (const [k, g] of gpu.entries()) {
      const bad = mismatch(bitsOf(await g.data()), bitsOf(cpu[k]!.dataSync()), 'int32', { rtol: 0, atol: 0 });
      if (bad) assert.unreachable(`operand ${k}: ${bad}`);
    }
  });
}

gpuTest('a jitted sort runs as a kernel step of the WebGPU program and agrees with the CPU', async () => {
  const f = (x: NDArray) => {
    const [keys, positions] = lax.sort([lax.mul(x, x), lax.iota('int32', x.shape, 1)], { dimension: 1 });
    return lax.add(keys!, lax.convertElementType(positions!, 'float32'));
  };
  const x = sortOperand('float32', 3 * 300, 5);
  const jitted = jit(f), onDevice = onGpu(x.slice(), [3, 300], 'float32');
  assert.match(jitted.lower(onDevice).compiledText(), /sort/);
  const g = jitted(onDevice) as ConcreteArray;
  assert.is(g.device, 'webgpu');
  const c = f(onCpu(x.slice(), [3, 300], 'float32'));
  const bad = mismatch(bitsOf(await g.data()), bitsOf(c.dataSync()), 'int32', { rtol: 0, atol: 0 });
  if (bad) assert.unreachable(bad);
});

test.run();
