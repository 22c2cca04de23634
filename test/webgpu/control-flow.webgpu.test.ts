// Control flow on WebGPU: scan against the unrolled loop and the CPU (within tolerance), cond and
// switch selecting on a device-resident index without read-back, eagerly and under jit, a jitted
// gradient through a scan, a jitted scan as one submission, and whileLoop held at the head of the queue.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, np, vmap } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { gpuSuite, onCpu } from '../helpers/webgpu.js';
import { ctx } from '../../src/backends/webgpu/device.js';

const gpuTest = gpuSuite(test, 'control-flow.webgpu.test');
const close = async (a: NDArray, b: NDArray, tol: number, what: string) => {
  const x = await a.data(), y = await b.data();
  assert.is(x.length, y.length, what);
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}: element ${i}: ${x[i]} vs ${y[i]}`);
};
const wData = Array.from({ length: 16 }, (_, i) => Math.sin(i) * 0.4);
const xsData = Array.from({ length: 5 * 2 * 4 }, (_, i) => Math.cos(i * 0.7));

gpuTest('scan equals the unrolled loop and the CPU, eagerly and under jit', async () => {
  const run = (W: NDArray, xs: NDArray) => lax.scan((h: NDArray, x: NDArray) => { const n = np.tanh(h.matmul(W).add(x)); return [n, n.sum()] as const; }, np.zeros([2, 4]), xs);
  const W = np.array(wData).reshape(4, 4), xs = np.array(xsData).reshape(5, 2, 4);
  const [hE, yE] = run(W, xs);
  const [hJ, yJ] = jit(run)(W, xs);
  let h = np.zeros([2, 4]);
  for (let t = 0; t < 5; t++) h = np.tanh(h.matmul(W).add(xs.get(t)));
  const [hC, yC] = onCpu(() => run(np.array(wData).reshape(4, 4), np.array(xsData).reshape(5, 2, 4)));
  await close(hE, h, 1e-5, 'eager vs unrolled');
  await close(hJ, h, 1e-5, 'jit vs unrolled');
  await close(hE, hC, 1e-5, 'eager vs CPU');
  await close(yJ, yC, 1e-5, 'jit ys vs CPU');
  await close(yE, yC, 1e-5, 'eager ys vs CPU');
  const g = jit(grad((w: NDArray) => run(w, xs)[0].sum()))(W) as NDArray;
  const gC = onCpu(() => grad((w: NDArray) => run(w, np.array(xsData).reshape(5, 2, 4))[0].sum())(np.array(wData).reshape(4, 4))) as NDArray;
  await close(g, gC, 1e-4, 'jit(grad(scan)) vs CPU');
});

/** How many command buffers `f` submits to the queue. */
const submits = (f: () => unknown): number => {
  const q = ctx().device.queue, real = q.submit;
  let n = 0;
  q.submit = (bufs) => { n++; real.call(q, bufs); };
  try { f(); } finally { q.submit = real; }
  return n;
};

gpuTest('a jitted scan is one submission: the body replayed in one command encoder, reverse and pytrees too', async () => {
  const W = np.array(wData).reshape(4, 4), xs = np.array(xsData).reshape(5, 2, 4);
  const run = (w: NDArray, s: NDArray) => lax.scan(([h, k]: [NDArray, NDArray], x: NDArray) => {
    const n = np.tanh(h.matmul(w).add(x)).mul(k);
    return [[n, k.add(1)] as [NDArray, NDArray], { s: n.sum(), m: n.max({ axis: 0 }) }] as const;
  }, [np.zeros([2, 4]), np.array(1)] as [NDArray, NDArray], s, { reverse: true });
  const f = jit(run);
  const text = f.lower(W, xs).compiledText();
  assert.match(text, /one command encoder, one submit; 1 scan\(s\) replayed inside it/);
  assert.match(text, /replayed 5 time\(s\) in this command encoder/);
  f(W, xs); // compiles the pipelines
  let out: ReturnType<typeof run> | undefined;
  assert.is(submits(() => { out = f(W, xs); }), 1, 'one submit for the whole scan');
  // Eagerly too: the scan equation runs as a program of its own.
  const body = (w: NDArray) => ([h, k]: [NDArray, NDArray], x: NDArray) => {
    const n = np.tanh(h.matmul(w).add(x)).mul(k);
    return [[n, k.add(1)] as [NDArray, NDArray], n.sum()] as const;
  };
  const init: [NDArray, NDArray] = [np.zeros([2, 4]), np.array(1)];
  lax.scan(body(W), init, xs, { reverse: true });
  let eager: [[NDArray, NDArray], NDArray] | undefined;
  assert.is(submits(() => { eager = lax.scan(body(W), init, xs, { reverse: true }); }), 1, 'one submit for an eager scan');
  await close(eager![0][0], out![0][0], 1e-6, 'eager = jit');
  await close(eager![1], out![1].s, 1e-6, 'eager ys = jit ys');
  const [[h, k], ys] = out!;
  const [[hC, kC], ysC] = onCpu(() => run(np.array(wData).reshape(4, 4), np.array(xsData).reshape(5, 2, 4)));
  await close(h, hC, 1e-5, 'carry');
  await close(k, kC, 0, 'counter carry');
  await close(ys.s, ysC.s, 1e-5, 'ys.s (reverse: by offset from the end)');
  await close(ys.m, ysC.m, 1e-5, 'ys.m');
  // A length-0 scan: the carry comes back, the ys are empty.
  const [[h0], y0] = f(W, xs.get(':0'));
  await close(h0, np.zeros([2, 4]), 0, 'length 0 carry');
  assert.equal(y0.s.shape, [0]);
  // The gradient's forward and reverse scans are both replayed: one submit.
  const g = jit(grad((w: NDArray) => run(w, xs)[0][0].sum()));
  const gText = g.lower(W).compiledText();
  assert.is(gText.match(/replayed 5 time\(s\)/g)?.length, 2, 'forward and backward scans replayed');
  assert.not.match(gText, /interpreted/);
  g(W);
  let gw: NDArray | undefined;
  assert.is(submits(() => { gw = g(W) as NDArray; }), 1, 'one submit for jit(grad(scan))');
  const gC = onCpu(() => grad((w: NDArray) => run(w, np.array(xsData).reshape(5, 2, 4))[0][0].sum())(np.array(wData).reshape(4, 4))) as NDArray;
  await close(gw!, gC, 1e-4, 'jit(grad(scan)) replayed vs CPU');
});

gpuTest('cond and switch select on the device index, eagerly and under jit', async () => {
  const x = np.array([0.5, -1, 2]);
  const sw = (i: NDArray, a: NDArray) => lax.switch(i, [(v: NDArray) => v.sin(), (v: NDArray) => v.mul(3), (v: NDArray) => v.neg()], a);
  for (const [i, want] of [[-2, [Math.sin(0.5), Math.sin(-1), Math.sin(2)]], [1, [1.5, -3, 6]], [9, [-0.5, 1, -2]]] as const) {
    await close(sw(np.array(i, { dtype: 'int32' }), x), np.array([...want]), 1e-6, `eager switch ${i}`);
    await close(jit(sw)(np.array(i, { dtype: 'int32' }), x), np.array([...want]), 1e-6, `jit switch ${i}`);
  }
  const c = jit((a: NDArray) => lax.cond(a.sum().gt(0), (v: NDArray) => v.mul(2), (v: NDArray) => v.sub(1), a));
  await close(c(x), np.array([1, -2, 4]), 1e-6, 'jit cond true');
  await close(c(x.neg()), np.array([-1.5, 0, -3]), 1e-6, 'jit cond false');
  // Under jit a cond is its branches and a select inside the program: no interpreted call, one
  // submit, and a scan whose body branches is still replayed in that submission.
  const jsw = jit(sw);
  assert.not.match(jsw.lower(np.array(1, { dtype: 'int32' }), x).compiledText(), /interpreted/);
  jsw(np.array(0, { dtype: 'int32' }), x);
  assert.is(submits(() => jsw(np.array(2, { dtype: 'int32' }), x)), 1, 'a jitted switch is one submit');
  const branchy = (s: NDArray) => lax.scan((h: NDArray, v: NDArray) => {
    const n = lax.cond(v.sum().gt(0), (a: NDArray, b: NDArray) => a.add(b), (a: NDArray, b: NDArray) => a.mul(b).sub(1), h, v);
    return [n, n.sum()] as const;
  }, np.zeros([2, 4]), s);
  const xs = np.array(xsData).reshape(5, 2, 4);
  const jb = jit(branchy);
  assert.match(jb.lower(xs).compiledText(), /replayed 5 time\(s\)/);
  jb(xs);
  let got: readonly [NDArray, NDArray] | undefined;
  assert.is(submits(() => { got = jb(xs); }), 1, 'a scan with a cond in its body is one submit');
  const [hC, yC] = onCpu(() => branchy(np.array(xsData).reshape(5, 2, 4)));
  await close(got![0], hC, 1e-5, 'scan with cond: carry vs CPU');
  await close(got![1], yC, 1e-5, 'scan with cond: ys vs CPU');
});

gpuTest('whileLoop on WebGPU: eager and jit, long loops in chunks, later work ordered after it, vmap, two loops in a row', async () => {
  // 1 → 16 (4 trips), and what is computed from the result afterwards sees the final value.
  const r = lax.whileLoop((v: NDArray) => v.lt(10), (v: NDArray) => v.mul(2), np.array(1));
  const after = r.add(1);
  await close(after, np.array(17), 0, 'work recorded after the loop runs after it');
  await close(r, np.array(16), 0, 'eager whileLoop');
  // 300 trips (chunks of 1, 2, 4, …, 64 predicated iterations), a pytree carry, a body constant.
  const step = np.array(0.5);
  const count = (n: NDArray) => lax.whileLoop((c: { i: NDArray; s: NDArray }) => c.i.lt(n), (c: { i: NDArray; s: NDArray }) => ({ i: c.i.add(1), s: c.s.add(c.i.astype('float32').mul(step)) }),
    { i: np.array(0, { dtype: 'int32' }), s: np.array(0) });
  const want = (n: number) => 0.5 * n * (n - 1) / 2;
  const c300 = count(np.array(300, { dtype: 'int32' }));
  await close(c300.i, np.array(300, { dtype: 'int32' }), 0, 'trip count');
  await close(c300.s, np.array(want(300)), 1e-6, 'sum over 300 trips');
  // Zero trips: the init comes back.
  const c0 = count(np.array(-4, { dtype: 'int32' }));
  await close(c0.i, np.array(0, { dtype: 'int32' }), 0, 'zero trips');
  // Under jit, with work before and after the loop in the same program.
  const jf = jit((n: NDArray, x: NDArray) => { const c = count(n.add(1)); return c.s.add(x.sum()); });
  await close(jf(np.array(40, { dtype: 'int32' }), np.array([1, 2])), np.array(want(41) + 3), 1e-6, 'jit: loop inside a program');
  // Two loops in a row, the second reading the first's result; a donated-free chain of eager ops in between.
  const a = lax.whileLoop((v: NDArray) => v.lt(1000), (v: NDArray) => v.mul(3), np.array(1));
  const b = lax.whileLoop((v: NDArray) => v.gt(a.div(100)), (v: NDArray) => v.sub(7), a.add(0));
  await close(b, np.array(2187 - 7 * Math.ceil((2187 - 21.87) / 7)), 0, 'second loop reads the first');
  // vmap: lanes run until every lane is done, finished lanes frozen.
  const lanes = vmap((v: NDArray) => lax.whileLoop((u: NDArray) => u.lt(50), (u: NDArray) => u.mul(2).add(1), v))(np.array([1, 20, 60, 3]));
  await close(lanes, np.array([63, 83, 60, 63]), 0, 'vmap of whileLoop');
});

gpuTest('whileLoop on WebGPU: buffers freed while the loop holds the queue are not reused under held work', async () => {
  const n = np.array(200, { dtype: 'int32' });
  const loop = () => lax.whileLoop((c: { i: NDArray; s: NDArray }) => c.i.lt(n), (c: { i: NDArray; s: NDArray }) => ({ i: c.i.add(1), s: c.s.add(1) }), { i: np.array(0, { dtype: 'int32' }), s: np.array(0) });
  // A program's scratch value computed before the loop and read after it (its pool slot must not be
  // handed to the loop's chunks, which run before the rest of the program).
  // (y is a matmul's result, so it is stored in a pooled slot rather than fused into its reader.)
  const w = np.array([[1, 2], [3, 4]]);
  const jf = jit((x: NDArray) => { const y = x.matmul(w); const c = loop(); return c.s.add(y.sum()); });
  const outs = [1, 2, 3].map((v) => jf(np.array([v, 1])));
  for (const [k, v] of [1, 2, 3].entries()) await close(outs[k]!, np.array(200 + 3 * v + 7), 0, `scratch across the loop (${v})`);
  // An array disposed after work that reads it was recorded (and held): its buffer is not reused by the loop.
  const xs = [np.array([1, 2, 3]), np.array([4, 5, 6])];
  const r = loop();
  const zs = xs.map((x) => x.add(1));
  xs.forEach((x) => x.dispose());
  await close(zs[0]!, np.array([2, 3, 4]), 0, 'held read of a disposed array');
  await close(zs[1]!, np.array([5, 6, 7]), 0, 'held read of a disposed array');
  await close(r.s, np.array(200), 0, 'the loop');
});

gpuTest('whileLoop on WebGPU: a whileLoop inside another is refused, naming foriLoop and scan', () => {
  assert.throws(() => lax.whileLoop((v: NDArray) => v.lt(10), (v: NDArray) => lax.whileLoop((u: NDArray) => u.lt(3), (u: NDArray) => u.add(1), v.mul(0)).add(v).mul(2), np.array(1)),
    (e: Error) => /lax\.whileLoop: on the webgpu backend a whileLoop cannot run inside the condition or body of another whileLoop.*lax\.foriLoop with JS-number bounds or lax\.scan/.test(e.message));
});

test.run();
