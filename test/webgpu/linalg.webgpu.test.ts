// The linear algebra on WebGPU (cholesky, triangularSolve, lu → solve/inv/det, qr, eigh, svd) against
// the CPU: forward, gradients, eager and jit, batched. Small matrices: the software adapter runs
// each factorization on one invocation.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped } from '../../src/core/array.js';
import { grad, jit, lax, np } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { assertClose, gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'linalg.webgpu.test');

let seed = 11;
function draw(shape: readonly number[]): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return Float32Array.from({ length: n }, () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 2 ** 32 * 2 - 1; });
}
const on = (data: Float32Array, shape: readonly number[], device: 'cpu' | 'webgpu'): NDArray =>
  concreteFromTyped(data.slice(), new ShapedArray(shape, 'float32'), device);
const TOL = { rtol: 1e-3, atol: 1e-4 };
/** A well-conditioned matrix: x + 3·I. */
const conditioned = (x: NDArray) => np.add(x, np.multiply(np.eye(x.shape[x.ndim - 1]!), 3));
const spd = (x: NDArray) => np.add(np.matmul(x, np.swapaxes(x, -1, -2)), np.eye(x.shape[x.ndim - 1]!));

type Fn = (...xs: NDArray[]) => NDArray;
const flat = (...xs: NDArray[]) => np.concatenate(xs.map((x) => np.reshape(x, [x.size])), 0);
const CASES: { name: string; shapes: number[][]; f: Fn }[] = [
  { name: 'cholesky, batched', shapes: [[2, 4, 4]], f: (x) => np.linalg.cholesky(spd(x)) },
  { name: 'triangularSolve lower left', shapes: [[4, 4], [4, 3]], f: (a, b) => lax.linalg.triangularSolve(conditioned(a), b, { leftSide: true, lower: true }) },
  { name: 'solve (lu + two triangular solves)', shapes: [[3, 3], [3, 2]], f: (a, b) => np.linalg.solve(conditioned(a), b) },
  { name: 'inv and det, batched', shapes: [[2, 3, 3]], f: (a) => np.add(np.linalg.inv(conditioned(a)), np.reshape(np.linalg.det(conditioned(a)), [2, 1, 1])) },
  { name: 'qr reduced, tall', shapes: [[5, 3]], f: (a) => flat(...np.linalg.qr(a)) },
  { name: 'eigh, batched', shapes: [[2, 4, 4]], f: (a) => flat(...np.linalg.eigh(a)) },
  { name: 'svd reduced, tall', shapes: [[5, 3]], f: (a) => flat(...np.linalg.svd(a, { fullMatrices: false })) },
  { name: 'svd reduced, wide; svdvals batched', shapes: [[3, 4], [2, 2, 3]], f: (a, b) => flat(...np.linalg.svd(a, { fullMatrices: false }), np.linalg.svdvals(b)) },
];

for (const c of CASES) {
  const inputs = c.shapes.map(draw);
  const loss = (...xs: NDArray[]) => np.tanh(c.f(...xs)).sum();
  const g = grad(loss, { argnums: c.shapes.map((_, i) => i) });
  gpuTest(`${c.name}: forward, gradients, jit = eager, webgpu = cpu`, async () => {
    const gpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'webgpu')), cpu = inputs.map((x, i) => on(x, c.shapes[i]!, 'cpu'));
    const want = onCpu(() => c.f(...cpu));
    await assertClose(c.f(...gpu), want, TOL, 'eager forward');
    await assertClose(jit(c.f)(...gpu), want, TOL, 'jit forward');
    const gw = onCpu(() => g(...cpu)) as NDArray[];
    const gg = g(...gpu) as NDArray[], gj = jit(g)(...gpu) as NDArray[];
    for (let k = 0; k < gw.length; k++) {
      await assertClose(gg[k]!, gw[k]!, TOL, `eager gradient ${k}`);
      await assertClose(gj[k]!, gw[k]!, TOL, `jit gradient ${k}`);
    }
  });
}

gpuTest('full SVDs (orthonormal completion) and a rank-deficient one match the CPU', async () => {
  for (const [shape, data] of [[[4, 2], draw([8])], [[2, 3], draw([6])], [[3, 3], Float32Array.from([1, 2, 3, 2, 4, 6, 1, 1, 1])]] as const) {
    const g = np.linalg.svd(on(data, shape, 'webgpu')), c = onCpu(() => np.linalg.svd(on(data, shape, 'cpu')));
    assert.is(g.length, 3);
    for (let k = 0; k < 3; k++) await assertClose(g[k]!, c[k]!, TOL, `[${shape}] output ${k}`);
  }
});

gpuTest('past one workgroup: cholesky, lu and solve of a 70×70 matrix, inv of a 70×70 (70 right-hand sides)', async () => {
  const x = draw([70, 70]);
  const f = (a: NDArray) => {
    const s = spd(a);
    return [np.linalg.cholesky(s), lax.linalg.lu(conditioned(a))[0], np.linalg.solve(s, np.ones([70])), np.linalg.inv(s)] as const;
  };
  const g = f(on(x, [70, 70], 'webgpu')), c = onCpu(() => f(on(x, [70, 70], 'cpu')));
  for (let k = 0; k < g.length; k++) await assertClose(g[k]!, c[k]!, { rtol: 1e-3, atol: 1e-3 }, `output ${k}`);
});

test.run();
