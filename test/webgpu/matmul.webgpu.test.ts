// Both WebGPU matmul kernels (workgroup-shared tiles, and register blocks from global memory) against the CPU backend.
//
// Each kernel is forced with setMatmulKernel and runs the same table: eager dot_general over
// shapes that are not multiples of the tiles, batched, with transposed operands (vec4 and scalar
// loads), operands the plan must materialise, matrix–vector products, an empty contraction; int32
// products that wrap; and jitted programs whose bias, activation or update is fused into the
// matmul shader. Shapes stay small: every distinct shape is a shader compile (~1 s on llvmpipe).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { jit, lax, np, random } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ShapedArray } from '../../src/core/aval.js';
import { DotDimensionNumbers } from '../../src/core/primitives.js';
import { ctx } from '../../src/backends/webgpu/device.js';
import { matmulKernel, MatmulKernel, memoryStats, setMatmulKernel } from '../../src/backends/webgpu/index.js';
import { dotGeneralPlan } from '../../src/backends/webgpu/matmul.js';
import { assertClose, gpuSuite, onCpu, Tolerance } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'matmul.webgpu.test');

const normal = (seed: number, shape: number[]) => onCpu(() => random.normal(random.key(seed), shape));
const ints = (seed: number, shape: number[], bound: number) => onCpu(() => random.randint(random.key(seed), shape, -bound, bound));
const toGpu = (x: NDArray): NDArray => np.array(x, { device: 'webgpu' });
/** float32 sums of up to ~130 products of N(0, 1) values: a few ulp of the sum's magnitude. */
const SUMS: Tolerance = { rtol: 1e-4, atol: 1e-4 };
const EXACT: Tolerance = { rtol: 0, atol: 0 };
const KERNELS = ['tiled', 'blocked'] as const;

/** Runs `fn` with `kernel` forced, then restores the kernel in use before (COTANGENT_WEBGPU_MATMUL's, if set, for the files after this one). */
async function withKernel(kernel: MatmulKernel, fn: () => Promise<void>): Promise<void> {
  const before = matmulKernel();
  setMatmulKernel(kernel);
  try { await fn(); } finally { setMatmulKernel(before); }
}

const dims = (lc: number[], rc: number[], lb: number[] = [], rb: number[] = []): DotDimensionNumbers =>
  ({ contracting: [lc, rc], batch: [lb, rb] });
const AB = dims([1], [0]);

// ---- the choice --------------------------------------------------------------------------------------
gpuTest('the kernel is chosen per adapter, and the override is honoured down to the WGSL', async () => {
  await withKernel('auto', async () => {
    assert.is(matmulKernel(), ctx().cpuAdapter ? 'blocked' : 'tiled', 'auto: blocked on CPU adapters, tiled on GPUs');
  });
  assert.throws(() => setMatmulKernel('fast' as MatmulKernel), /auto, tiled, blocked/);
  const call = (m: number, k: number, n: number) => ({
    params: { dimensionNumbers: AB }, inAvals: [new ShapedArray([m, k], 'float32'), new ShapedArray([k, n], 'float32')], outAvals: [new ShapedArray([m, n], 'float32')],
  });
  const code = (m: number, k: number, n: number) => {
    const steps = dotGeneralPlan(call(m, k, n)).steps;
    const last = steps[steps.length - 1]!;
    return last.kind === 'dispatch' ? last.code : '';
  };
  await withKernel('tiled', async () => {
    assert.is(matmulKernel(), 'tiled');
    assert.match(code(128, 64, 96), /var<workgroup>/);
    // Aligned operands are bound as vec4 arrays; odd sizes fall back to scalar loads.
    assert.match(code(128, 64, 96), /x0: array<vec4<f32>>[^]*x1: array<vec4<f32>>/);
    assert.not.match(code(3, 5, 7), /vec4<f32>>;/);
  });
  await withKernel('blocked', async () => {
    assert.is(matmulKernel(), 'blocked');
    assert.not.match(code(128, 64, 96), /var<workgroup>/);
  });
  // Switching drops the cached eager plan: the same product runs a second pipeline.
  const [a, b] = [toGpu(normal(1, [6, 4])), toGpu(normal(2, [4, 5]))];
  await withKernel('tiled', async () => { await lax.dotGeneral(a, b, AB).data(); });
  const before = memoryStats().pipelines;
  await withKernel('blocked', async () => { await lax.dotGeneral(a, b, AB).data(); });
  assert.ok(memoryStats().pipelines > before, 'the blocked kernel compiled its own pipeline');
});

// ---- eager dot_general against the CPU ------------------------------------------------------------------
/** [name, lhs shape, rhs shape, dimension numbers]. */
const SHAPES: [string, number[], number[], DotDimensionNumbers][] = [
  ['1×1×1', [1, 1], [1, 1], AB],
  ['3×5×7 (scalar loads)', [3, 5], [5, 7], AB],
  ['65×33×129 (partial tiles on every side)', [65, 33], [33, 129], AB],
  ['128×64×96 (vec4 loads along k and n)', [128, 64], [64, 96], AB],
  ['batched [3,17,9]×[3,9,31]', [3, 17, 9], [3, 9, 31], dims([2], [1], [0], [0])],
  ['Aᵀ·B (vec4 loads along m)', [64, 72], [64, 40], dims([0], [0])],
  ['A·Bᵀ (vec4 loads along k, partial tiles)', [70, 48], [36, 48], dims([1], [1])],
  ['Aᵀ·Bᵀ, odd sizes', [19, 70], [23, 19], dims([0], [1])],
  ['a batch axis in the middle, strided', [6, 4, 8], [4, 8, 12], dims([2], [1], [1], [0])],
  ['two contracting axes that do not flatten (materialised)', [3, 4, 5], [5, 3, 6], dims([0, 2], [1, 0])],
  ['matrix–vector', [50, 40], [40], dims([1], [0])],
  ['vector–matrix', [40], [40, 30], dims([0], [0])],
  ['an empty contraction', [3, 0], [0, 4], AB],
];

for (const kernel of KERNELS) {
  for (const [name, ls, rs, dn] of SHAPES) {
    gpuTest(`${kernel}: dot_general ${name}`, () => withKernel(kernel, async () => {
      const [a, b] = [normal(10, ls), normal(11, rs)];
      await assertClose(lax.dotGeneral(toGpu(a), toGpu(b), dn), onCpu(() => lax.dotGeneral(a, b, dn)), SUMS, name);
    }));
  }

  gpuTest(`${kernel}: int32 products wrap as on the CPU`, () => withKernel(kernel, async () => {
    // |a·b| up to 10^10 and sums of 37 or 64 of them: far past 2^31, so every sum wraps.
    for (const [m, k, n] of [[9, 37, 11], [64, 64, 68]] as const) {
      const [a, b] = [ints(20, [m, k], 100000), ints(21, [k, n], 100000)];
      await assertClose(np.matmul(toGpu(a), toGpu(b)), onCpu(() => np.matmul(a, b)), EXACT, `${m}×${k}×${n}`);
    }
  }));

  // ---- jitted programs: the epilogue runs inside the matmul shader ------------------------------------
  gpuTest(`${kernel}: jitted dense layer and SGD update with fused epilogues`, () => withKernel(kernel, async () => {
    const dispatches = (text: string) => (text.match(/@compute/g) ?? []).length;
    // A fresh jit per kernel: an executable keeps the kernel it was compiled with.
    const dense = (x: NDArray, w: NDArray, bias: NDArray) => np.maximum(x.matmul(w).add(bias), 0);
    const sgd = (w: NDArray, x: NDArray, gy: NDArray) => w.sub(lax.dotGeneral(x, gy, dims([0], [0])).mul(0.05));
    const cases: [string, (...xs: NDArray[]) => NDArray, NDArray[]][] = [
      ['bias + relu', dense, [normal(30, [70, 36]), normal(31, [36, 40]), normal(32, [40])]],
      ['w - lr·(xᵀ·gy)', sgd, [normal(33, [36, 40]), normal(34, [70, 36]), normal(35, [70, 40])]],
    ];
    for (const [name, f, args] of cases) {
      const text = jit(f).lower(...args.map(toGpu)).compiledText();
      assert.is(dispatches(text), 1, `${name}: one dispatch\n${text}`);
      assert.match(text, /with epilogue/, name);
      assert.is(/var<workgroup>/.test(text), kernel === 'tiled', `${name}: the ${kernel} kernel`);
      await assertClose(jit(f)(...args.map(toGpu)), onCpu(() => f(...args)), SUMS, name);
    }
  }));
}

test.run();
