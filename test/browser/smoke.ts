// The checks test/browser/index.html runs in a real browser (scripts/browser-test.mjs drives
// headless Chromium): the ESM build loads with no Node globals, the CPU backend gives the numbers
// plain JS gives, and WebGPU through navigator.gpu gives the CPU's numbers. Kept small: every
// shader compiles on a software adapter, which is slow.
// Browser code: no Node APIs and no DOM types (tsconfig compiles it with Node's types), so the
// page hands in the function that reports, and globals are looked up on globalThis.
import { np, grad, jit, random, useBackend } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ConcreteArray } from '../../src/core/array.js';
import { adapterDescription } from '../../src/backends/webgpu/index.js';
import { onnxCase, ONNX_MODEL_PATH } from './onnx-case.js';
import { wasmLoopsAvailable } from '../../src/backends/cpu/wasm/loops.js';
import { loopHost } from '../../src/backends/cpu/wasm/sgemm.js';

/** What the page sends to the runner, one event at a time (so a hang still shows how far it got). */
export type SmokeEvent =
  | { type: 'info'; message: string }
  | { type: 'check'; name: string; status: 'pass' | 'fail' | 'skip'; detail: string; ms: number }
  | { type: 'done'; adapter: string | null; adapterError: string | null };

const TOL = { rtol: 1e-5, atol: 1e-6 };

/** Null when `actual` equals `expected` within TOL elementwise, else the first difference. */
function mismatch(actual: ArrayLike<number>, expected: ArrayLike<number>): string | null {
  if (actual.length !== expected.length) return `${actual.length} values, expected ${expected.length}`;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!, e = expected[i]!;
    if (!(Math.abs(a - e) <= TOL.atol + TOL.rtol * Math.abs(e))) return `element ${i}: got ${a}, expected ${e}`;
  }
  return null;
}

/** Deterministic float32 inputs; `offset` 1.5 keeps them positive, so sums have no cancellation to amplify rounding. */
const values = (n: number, phase: number, offset = 0): Float32Array => Float32Array.from({ length: n }, (_, i) => offset + Math.sin(i * 0.37 + phase));
const arrayOf = (v: Float32Array, shape: number[]): NDArray => np.array(v).reshape(...shape);

// ---- inputs and functions -----------------------------------------------------------------------
const X = values(12, 0.1), A = values(33 * 40, 0.2, 1.5), B = values(40 * 17, 0.3, 1.5), R = values(8 * 50, 0.4, 1.5);
const GX = values(16 * 8, 0.5), GW = values(8 * 4, 0.6);

const elementwise = (x: NDArray) => np.tanh(x).mul(x).add(np.exp(x.neg())).sub(np.sqrt(np.abs(x)));
const jsElementwise = (x: number) => Math.tanh(x) * x + Math.exp(-x) - Math.sqrt(Math.abs(x));
const jitted = jit((a: NDArray, b: NDArray) => np.tanh(a.matmul(b).mul(0.01)).sum({ axis: 0 }).add(a.mean()));
const loss = (x: NDArray) => (w: NDArray) => np.tanh(x.matmul(w)).square().mean();

// ---- the computations, each run on both backends, and plain-JS references for the CPU ------------
function jsMatmul(a: ArrayLike<number>, b: ArrayLike<number>, m: number, k: number, n: number): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let p = 0; p < k; p++) s += a[i * k + p]! * b[p * n + j]!;
    out[i * n + j] = s;
  }
  return out;
}
/** d/dw mean(tanh(x @ w)^2) = xᵀ · (2 t (1 − t²) / (n k)) with t = tanh(x @ w). */
function jsLossGrad(x: Float32Array, w: Float32Array, n: number, d: number, k: number): Float64Array {
  const t = jsMatmul(x, w, n, d, k).map(Math.tanh);
  const dy = t.map((v) => (2 * v * (1 - v * v)) / (n * k));
  const xT = new Float64Array(d * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) xT[j * n + i] = x[i * d + j]!;
  return jsMatmul(xT, dy, d, n, k);
}

/** Throws when `actual` differs from `expected` beyond TOL. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, what: string): void {
  const bad = mismatch(actual, expected);
  if (bad) throw new Error(`${what}: ${bad}`);
}

/**
 * A computation run on both backends: `run` creates its inputs on the default backend; `checkCpu`
 * judges the CPU's result without the library (plain JS, or published values).
 */
interface Computation { readonly name: string; readonly run: () => NDArray; readonly checkCpu: (got: Float32Array) => Promise<void> }
const computations: readonly Computation[] = [
  {
    name: 'elementwise (tanh, mul, exp, sqrt, abs)',
    run: () => elementwise(arrayOf(X, [3, 4])),
    checkCpu: async (got) => expectClose(got, Array.from(X, jsElementwise), 'against plain JS'),
  },
  {
    name: 'reduction (sum over axis 1 of [8, 50])',
    run: () => arrayOf(R, [8, 50]).sum({ axis: 1 }),
    checkCpu: async (got) => expectClose(got, Array.from({ length: 8 }, (_, i) => R.subarray(i * 50, i * 50 + 50).reduce((s, v) => s + v, 0)), 'against plain JS'),
  },
  {
    name: 'matmul [33, 40] x [40, 17]',
    run: () => arrayOf(A, [33, 40]).matmul(arrayOf(B, [40, 17])),
    checkCpu: async (got) => expectClose(got, jsMatmul(A, B, 33, 40, 17), 'against plain JS'),
  },
  {
    name: 'jit of tanh(a @ b * 0.01).sum(0) + mean(a)',
    run: () => jitted(arrayOf(A, [33, 40]), arrayOf(B, [40, 17])) as NDArray,
    checkCpu: async (got) => {
      const a = arrayOf(A, [33, 40]), b = arrayOf(B, [40, 17]);
      expectClose(got, await np.tanh(a.matmul(b).mul(0.01)).sum({ axis: 0 }).add(a.mean()).data(), 'against the same function run eagerly');
    },
  },
  {
    name: 'grad of mean(tanh(x @ w)^2)',
    run: () => grad(loss(arrayOf(GX, [16, 8])))(arrayOf(GW, [8, 4])) as NDArray,
    checkCpu: async (got) => expectClose(got, jsLossGrad(GX, GW, 16, 8, 4), 'against the gradient written out in plain JS'),
  },
  {
    name: 'random.normal(key(0), [256])',
    run: () => random.normal(random.key(0), [256]),
    checkCpu: async (got) => {
      // jax.random.normal(jax.random.key(0), (3,)), from JAX's "Pseudorandom numbers" guide, which
      // was produced with the classic key layout (jax_threefry_partitionable=False).
      random.setKeyLayout('classic');
      try {
        expectClose(await random.normal(random.key(0), [3]).data(), [1.8160863, -0.48262316, 0.33988908], "against JAX's documented values (classic key layout)");
      } finally { random.setKeyLayout('partitionable'); }
      const mean = got.reduce((s, v) => s + v, 0) / got.length;
      const std = Math.sqrt(got.reduce((s, v) => s + (v - mean) ** 2, 0) / got.length);
      if (Math.abs(mean) > 0.2 || Math.abs(std - 1) > 0.15) throw new Error(`mean ${mean}, std ${std}: not standard normal`);
    },
  },
];

// ---- running -------------------------------------------------------------------------------------
const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** Runs every check, reporting each as it finishes; never throws (a failure is a failed check). */
export async function main(report: (ev: SmokeEvent) => Promise<void>): Promise<void> {
  const check = async (name: string, body: () => Promise<string | void>): Promise<boolean> => {
    const t0 = performance.now();
    let status: 'pass' | 'fail' = 'pass', detail = '';
    try {
      detail = (await body()) ?? '';
    } catch (e) {
      status = 'fail';
      detail = describe(e);
    }
    await report({ type: 'check', name, status, detail, ms: Math.round(performance.now() - t0) });
    return status === 'pass';
  };
  const skip = (name: string, why: string) => report({ type: 'check', name, status: 'skip', detail: why, ms: 0 });

  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'no navigator';
  await report({ type: 'info', message: `user agent: ${ua}` });

  await check('the page has no Node globals (process, Buffer, require)', async () => {
    const g = globalThis as Record<string, unknown>;
    const present = ['process', 'Buffer', 'require'].filter((k) => g[k] !== undefined);
    if (present.length) throw new Error(`found ${present.join(', ')}: this is not a plain browser page`);
  });

  // The CPU backend against plain JS, and keep its results as the references for WebGPU.
  await useBackend('cpu');
  const cpuResults = new Map<string, Float32Array>();
  for (const c of computations) {
    await check(`cpu: ${c.name}`, async () => {
      const got = (await c.run().data()) as Float32Array;
      cpuResults.set(c.name, got);
      await c.checkCpu(got);
    });
  }

  // The float32 loops in WebAssembly SIMD: fused under jit, per primitive eagerly, the same bits,
  // near plain JS (one thread here: the test page is not cross-origin isolated, so no shared memory).
  await check('cpu: WASM SIMD elementwise loops (4099 float32: jit = eager bitwise, near plain JS)', async () => {
    if (!wasmLoopsAvailable) throw new Error('WebAssembly SIMD loops are not available in this browser');
    const V = values(4099, 0.7);
    const x = arrayOf(V, [4099]);
    const f = (a: NDArray) => np.tanh(a).mul(2).add(np.exp(a.neg().mul(a))).sub(np.sin(a.mul(3)));
    const text = jit(f).lower(x).compiledText();
    if (!/WASM SIMD/.test(text)) throw new Error(`the fused loop is not WASM:\n${text}`);
    const [j, e] = [(await jit(f)(x).data()) as Float32Array, (await f(x).data()) as Float32Array];
    const i = e.findIndex((v, k) => !Object.is(v, j[k]));
    if (i >= 0) throw new Error(`jit and eager differ at ${i}: ${j[i]} vs ${e[i]}`);
    expectClose(j, Array.from(V, (v) => Math.tanh(v) * 2 + Math.exp(-v * v) - Math.sin(3 * v)), 'against plain JS');
    const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
    return `shared memory: ${loopHost.shared()} (crossOriginIsolated: ${isolated})`;
  });

  // An exported model in onnxruntime-web (its wasm files served from node_modules, no CDN): the
  // runner exported onnxCase() in Node; here ORT-web runs it and cotangent computes it on the page.
  await check('onnx: the exported model runs in onnxruntime-web and matches cotangent on the page', async () => {
    const ortUrl = '/node_modules/onnxruntime-web/dist/ort.wasm.min.mjs';
    const ort = await import(ortUrl) as {
      env: { wasm: { wasmPaths: string; numThreads: number } };
      InferenceSession: { create(bytes: Uint8Array): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, { data: Float32Array; dims: number[] }>> }> };
      Tensor: new (type: string, data: Float32Array, dims: readonly number[]) => unknown;
    };
    ort.env.wasm.wasmPaths = '/node_modules/onnxruntime-web/dist/';
    ort.env.wasm.numThreads = 1; // no cross-origin isolation on the test page, so no shared memory
    const fetchFn = (globalThis as unknown as { fetch: (u: string) => Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }> }).fetch;
    const res = await fetchFn(ONNX_MODEL_PATH);
    if (!res.ok) throw new Error(`fetching ${ONNX_MODEL_PATH}: HTTP ${res.status} (the runner writes it before opening the page)`);
    const session = await ort.InferenceSession.create(new Uint8Array(await res.arrayBuffer()));
    const { f, x } = onnxCase();
    const out = await session.run({ x0: new ort.Tensor('float32', (await x.data()) as Float32Array, x.shape) });
    const y = out.y0!;
    if (y.dims.join() !== '4,5') throw new Error(`output dims ${y.dims}, expected 4,5`);
    expectClose(y.data, await f(x).data(), 'ORT-web against cotangent');
    return `y0[0, :] = ${Array.from(y.data.subarray(0, 5), (v) => v.toFixed(4)).join(' ')}`;
  });

  // WebGPU through navigator.gpu. No adapter at all is a skip here (the runner makes it a failure
  // under REQUIRE_BROWSER=1); an adapter the library then fails to use is a failure.
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  let adapterError: string | null = gpu ? null : 'navigator.gpu is missing (WebGPU is disabled in this browser)';
  if (gpu) {
    try {
      if (!(await gpu.requestAdapter({ powerPreference: 'high-performance' }))) adapterError = 'navigator.gpu.requestAdapter() returned null';
    } catch (e) {
      adapterError = `navigator.gpu.requestAdapter() threw ${describe(e)}`;
    }
  }
  let adapter: string | null = null;
  const useWebgpu = "webgpu: await useBackend('webgpu') and adapterDescription()";
  if (adapterError !== null) {
    await skip(useWebgpu, adapterError);
  } else if (await check(useWebgpu, async () => { await useBackend('webgpu'); return adapterDescription(); })) {
    adapter = adapterDescription();
  }
  if (adapter === null) {
    const why = adapterError ?? "useBackend('webgpu') failed";
    for (const c of computations) await skip(`webgpu: ${c.name} equals cpu`, why);
    await skip('webgpu: async readback works; dataSync() throws a clear error', why);
  } else {
    for (const c of computations) {
      await check(`webgpu: ${c.name} equals cpu`, async () => {
        const y = c.run();
        if ((y as ConcreteArray).device !== 'webgpu') throw new Error(`the result lives on '${(y as ConcreteArray).device}', not webgpu`);
        const want = cpuResults.get(c.name);
        if (!want) throw new Error('no cpu result to compare with (its cpu check failed)');
        expectClose(await y.data(), want, 'against cpu');
      });
    }
    await check('webgpu: async readback works; dataSync() throws a clear error', async () => {
      const y = np.array([[1, 2], [3, 4]]).mul(2);
      expectClose(await y.data(), [2, 4, 6, 8], 'data()');
      const item = await y.sum().item();
      if (item !== 20) throw new Error(`item(): got ${item}, expected 20`);
      const list = JSON.stringify(await y.tolist());
      if (list !== '[[2,4],[6,8]]') throw new Error(`tolist(): got ${list}`);
      let message: string | null = null;
      try { y.dataSync(); } catch (e) { message = describe(e); }
      if (message === null) throw new Error('dataSync() on a webgpu array returned instead of throwing');
      if (!/await x\.data\(\)/.test(message)) throw new Error(`dataSync() threw, but without pointing to \`await x.data()\`: ${message}`);
      return `dataSync() says: ${message}`;
    });
    await useBackend('cpu');
  }
  await report({ type: 'done', adapter, adapterError });
}
