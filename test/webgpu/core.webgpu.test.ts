// Core behaviour that differs by backend: scalars from JS numbers stay literals when tracing on
// WebGPU, CPU arrays mix with WebGPU arrays, integer-array updates and explicit moves.
import { inspect } from 'node:util';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, makeJaxpr, ConcretizationError, blockUntilReady, emptyCache, memoryStats, setCacheLimit } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ConcreteArray } from '../../src/core/array.js';
import * as torch from '../../src/nn/index.js';
import { gpuSuite, onCpu } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'core.webgpu.test');

gpuTest('JS numbers are literals in jaxprs traced with WebGPU as the default backend', () => {
  const text = makeJaxpr((x: NDArray) => x.mul(2).add(np.sin(x).mul(2)))(np.zeros([3])).toString();
  assert.is((text.match(/2\.0:f32\[\]/g) ?? []).length, 2, text);
  assert.match(text, /^\{ lambda ; /, 'no constvars');
});

gpuTest('CPU arrays combine with WebGPU arrays, eagerly and under jit', async () => {
  const cpuArray = onCpu(() => np.arange(4).astype('float32'));
  {
    const onGpu = np.ones([4]);
    assert.is((onGpu as ConcreteArray).device, 'webgpu');
    const sum = onGpu.add(cpuArray);
    assert.is((sum as ConcreteArray).device, 'webgpu');
    assert.equal(Array.from(await sum.data()), [1, 2, 3, 4]);
    const f = jit((x: NDArray) => x.mul(cpuArray));
    assert.equal(Array.from(await f(onGpu).data()), [0, 1, 2, 3]);
    const moved = (onGpu as ConcreteArray).toAsync('cpu');
    assert.equal(Array.from((await moved).dataSync()), [1, 1, 1, 1]);
  }
});

gpuTest('integer-array updates work on WebGPU; boolean masks say how to proceed', async () => {
  {
    const x = np.zeros([5]);
    const idx = np.array([1, 3], { dtype: 'int32' });
    assert.equal(Array.from(await x.at(idx).set(7).data()), [0, 7, 0, 7, 0]);
    assert.equal(Array.from(await x.at(idx).add(np.array([1, 2])).data()), [0, 1, 0, 2, 0]);
    assert.throws(() => x.get(x.gt(-1)), (e: Error) => e instanceof ConcretizationError && /toAsync\('cpu'\)/.test(e.message));
  }
});


gpuTest('the allocator reuses released buffers, never shows their old contents, and is bounded', async () => {
  emptyCache();
  const a = np.arange(5000).astype('float32');
  await a.data();
  const b = a.mul(2);
  await b.data();
  b.dispose();
  const idleNow = memoryStats();
  assert.ok(idleNow.cachedBuffers >= 1 && idleNow.cachedBytes >= 20000, `a disposed buffer waits for reuse: ${JSON.stringify(idleNow)}`);
  // A request of the same capacity takes it (capacities are rounded up): no new buffer is created.
  const c = a.get('0:4995');
  const after = memoryStats();
  assert.is(after.created, idleNow.created, 'no buffer created');
  assert.is(after.reused, idleNow.reused + 1, 'one request served from the cache');
  const got = await c.data();
  assert.is(got.length, 4995);
  assert.equal([got[0], got[1], got[4994]], [0, 1, 4994], 'the new values, not the old ones (2·i)');
  // Jitted outputs come from the cache too.
  const f = jit((x: NDArray) => x.exp().add(1));
  await f(a).data();
  const r = f(a);
  r.dispose();
  const created = memoryStats().created;
  const r2 = f(a);
  assert.is(memoryStats().created, created, 'the second call reuses the first output');
  assert.ok(Math.abs((await r2.data())[1]! - (Math.E + 1)) < 1e-5);
  // Bounded: with a zero limit nothing is kept; emptyCache() drops what is.
  setCacheLimit(0);
  a.mul(3).dispose();
  assert.is(memoryStats().cachedBuffers, 0);
  setCacheLimit(256 * 2 ** 20);
  a.mul(3).dispose();
  assert.ok(memoryStats().cachedBuffers > 0);
  emptyCache();
  assert.equal([memoryStats().cachedBuffers, memoryStats().cachedBytes], [0, 0]);
  assert.throws(() => setCacheLimit(-1), /setCacheLimit expects a byte count/);
});

gpuTest('blockUntilReady waits for the device, on arrays and pytrees; traced values cannot', async () => {
  const f = jit((x: NDArray) => np.tanh(x).mul(2).sum({ axis: 0 }));
  const x = np.ones([300, 200]);
  const y = f(x);
  assert.is(await y.blockUntilReady(), y);
  const z = x.mul(3);
  const t = { a: y, b: [z, 7] };
  assert.is(await blockUntilReady(t), t);
  assert.ok(Math.abs((await y.data())[0]! - 300 * 2 * Math.tanh(1)) < 1e-3);
  const cpu = onCpu(() => np.arange(3));
  assert.is(await cpu.blockUntilReady(), cpu);
  let pending: Promise<unknown> | null = null;
  makeJaxpr((v: NDArray) => { pending = v.blockUntilReady(); return v; })(x);
  await pending!.then(() => assert.unreachable('a tracer has nothing to wait for'), (e: Error) => assert.instance(e, ConcretizationError));
  z.dispose();
  await z.blockUntilReady().then(() => assert.unreachable('disposed'), (e: Error) => assert.match(e.message, /disposed/));
});

gpuTest('read-backs reuse staging buffers: sequential and concurrent reads of one size stay correct', async () => {
  const xs = [0, 1, 2, 3, 4].map((k) => np.arange(3000).astype('float32').add(k * 10000));
  for (let round = 0; round < 2; round++) {
    const all = await Promise.all(xs.map((x) => x.data()));
    all.forEach((v, k) => assert.equal([v.length, v[0], v[2999]], [3000, k * 10000, k * 10000 + 2999], `round ${round}, array ${k}`));
    for (const [k, x] of xs.entries()) assert.is((await x.data())[17], k * 10000 + 17);
    emptyCache();
  }
});

gpuTest('printing: host values print, device-only values say how to read them, format() reads them', async () => {
  const made = np.array([[1, 2], [3, 4]]);
  assert.is(String(made), 'Array([[1., 2.],\n       [3., 4.]], dtype=float32)', 'made from host data');
  const computed = made.mul(2);
  assert.match(String(computed), /^Array\(shape=\(2, 2\), dtype=float32\) on webgpu, not read back yet: print `await x\.format\(\)`/);
  assert.is(await computed.format(), 'Array([[2., 4.],\n       [6., 8.]], dtype=float32)');
  assert.is(String(computed), 'Array([[2., 4.],\n       [6., 8.]], dtype=float32)', 'read back once, printed from the host copy');
  assert.is(inspect(computed), String(computed), 'console.log prints the repr');
  const t = torch.tensor([1, 2]).mul(3);
  assert.match(String(t), /^tensor\(shape=\(2,\), device='webgpu', dtype=float32\) — values not read back yet/);
  assert.is(await t.format(), "tensor([3., 6.], device='webgpu')");
});

gpuTest("torch.cuda.isAvailable() finds the adapter; 'cuda' tensors live on WebGPU", async () => {
  assert.is(await torch.cuda.isAvailable(), true);
  assert.is(await torch.webgpu.deviceCount(), 1);
  const device = torch.device('cuda');
  const x = torch.randn(2, 3, { device }), z = torch.zeros(3, { device: 'cuda:0' });
  assert.is(x.device, 'webgpu');
  assert.is(z.device, 'webgpu');
  assert.equal(Array.from(await x.matmul(z.unsqueeze(-1)).array.data()), [0, 0]);
});

gpuTest("Tensor.to('cuda') and Module.to('cuda') move to WebGPU; toAsync('cpu') brings them back", async () => {
  assert.is(await torch.cuda.isAvailable(), true);
  const model = new torch.nn.Linear(3, 2); // the default backend here is WebGPU
  assert.is(model.weight.device, 'webgpu');
  assert.is(await model.toAsync('cpu'), model);
  assert.is(model.weight.device, 'cpu');
  const w = model.weight, before = Array.from(w.array.dataSync());
  const opt = new torch.optim.SGD(model.parameters(), { lr: 0.1 });
  assert.is(model.to('cuda'), model);
  assert.is(model.weight, w, 'the same Parameter object');
  assert.is(w.device, 'webgpu');
  const x = onCpu(() => torch.tensor([[1, 2, 3]])).to('cuda');
  assert.is(x.device, 'webgpu');
  assert.is(x.cuda(0), x);
  model(x).sum().backward();
  assert.is(w.grad!.device, 'webgpu');
  opt.step();
  assert.throws(() => w.to('cpu'), /Tensor\.to: moving a f32\[2,3\] tensor from webgpu to cpu reads it back, which WebGPU does asynchronously; use `await t\.toAsync\('cpu'\)`/);
  assert.throws(() => model.cpu(), /Module\.to: moving .* use `await model\.toAsync\('cpu'\)`/);
  await model.toAsync('cpu');
  assert.is(w.device, 'cpu');
  assert.is(w.grad!.device, 'cpu');
  const after = Array.from(w.array.dataSync()), grad = Array.from(w.grad!.array.dataSync());
  after.forEach((v, i) => assert.ok(Math.abs(v - (before[i]! - 0.1 * grad[i]!)) < 1e-5, 'the SGD step ran on WebGPU'));
  assert.equal(grad, [1, 2, 3, 1, 2, 3]);
  const back = await x.toAsync('cpu');
  assert.equal(Array.from(back.array.dataSync()), [1, 2, 3]);
  // A CPU leaf used on WebGPU gets its gradient back on the CPU.
  const leaf = onCpu(() => torch.tensor([1, 2], { requiresGrad: true }));
  const gpuSide = leaf.to('cuda').mul(3);
  assert.is(gpuSide.gradFn!.nextFunctions.length, 1);
});

test.run();
