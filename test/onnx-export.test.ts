// exportOnnx / toOnnx end to end: whole programs (the seed's training step with grad and update in
// one graph, a jitted MLP with Adam, random numbers, sorting) run in ONNX Runtime through its public
// async API, compared with cotangent's own results; and ORT as jit's compile target.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { np, grad, jit, random, valueAndGrad, lax, customVjp, linearize, Array as NDArray } from '../src/index.js';
import { decodeModel, exportOnnx, OnnxLoweringError, onnxLowerings, setJitTarget, toOnnx, jitTarget } from '../src/onnx/index.js';

const require = createRequire(import.meta.url);
type OrtTensor = { data: ArrayLike<number>; dims: readonly number[] };
const ort = require('onnxruntime-node') as {
  InferenceSession: { create(bytes: Uint8Array, o?: object): Promise<{ run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; inputNames: string[]; outputNames: string[] }> };
  Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => unknown;
};

/** Runs model bytes in ORT's public API on cotangent arrays; returns the outputs in order. */
async function runOrt(bytes: Uint8Array, inputs: NDArray[]): Promise<OrtTensor[]> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const feeds: Record<string, unknown> = {};
  session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor(inputs[i]!.dtype, inputs[i]!.dataSync(), inputs[i]!.shape); });
  const out = await session.run(feeds);
  return session.outputNames.map((n) => out[n]!);
}
function close(actual: ArrayLike<number>, expected: NDArray, rtol: number, atol: number, what: string) {
  const e = expected.dataSync();
  assert.is(actual.length, e.length, `${what}: length`);
  for (let i = 0; i < e.length; i++) {
    const a = Number(actual[i]), b = Number(e[i]);
    if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b)) && !(Number.isNaN(a) && Number.isNaN(b))) assert.unreachable(`${what}: element ${i} is ${a} in ORT, ${b} in cotangent`);
  }
}

const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const keys = random.split(random.key(0), 4);
const [kx, ky, k1, k2] = [0, 1, 2, 3].map((i) => keys.get(i));
const x = random.normal(kx!, [N, D_in]), y = random.normal(ky!, [N, D_out]);
const w1 = random.normal(k1!, [D_in, H]), w2 = random.normal(k2!, [H, D_out]);

/** The seed's training step: forward, gradient and SGD update in one program. */
function trainStep(w1: NDArray, w2: NDArray, x: NDArray, y: NDArray): [NDArray, NDArray, NDArray] {
  const loss = (a: NDArray, b: NDArray) => np.maximum(x.matmul(a), 0).matmul(b).sub(y).square().sum();
  const [l, [g1, g2]] = valueAndGrad(loss, { argnums: [0, 1] })(w1, w2) as [NDArray, [NDArray, NDArray]];
  return [l, w1.sub(g1.mul(1e-6)), w2.sub(g2.mul(1e-6))];
}

test('the seed training step (forward, grad, update) runs in ORT as cotangent computes it', async () => {
  const bytes = exportOnnx(trainStep, w1, w2, x, y);
  const model = decodeModel(bytes);
  assert.is(model.opsetImport[0]!.version, 18);
  assert.equal(model.graph.input.map((i) => i.name), ['x0', 'x1', 'x2', 'x3']);
  assert.equal(model.graph.output.map((o) => o.name), ['y0', 'y1', 'y2']);
  const outs = await runOrt(bytes, [w1, w2, x, y]);
  const want = jit(trainStep)(w1, w2, x, y);
  close(outs[0]!.data, want[0], 1e-4, 0, 'loss');
  close(outs[1]!.data, want[1], 1e-5, 1e-5, 'w1');
  close(outs[2]!.data, want[2], 1e-5, 1e-5, 'w2');
  assert.equal([...outs[1]!.dims], [D_in, H]);
});

test('captured arrays become initializers; options name the inputs and outputs; opset is checked', async () => {
  const forward = (xs: NDArray) => np.maximum(xs.matmul(w1), 0).matmul(w2);
  const bytes = exportOnnx(forward, x, { inputNames: ['images'], outputNames: ['scores'], opset: 19 });
  const model = decodeModel(bytes);
  assert.equal(model.graph.input.map((i) => i.name), ['images']);
  assert.is(model.opsetImport[0]!.version, 19);
  assert.ok(model.graph.initializer.some((t) => t.dims.join() === `${D_in},${H}`), 'w1 stored as an initializer');
  const [out] = await runOrt(bytes, [x]);
  close(out!.data, forward(x), 1e-5, 1e-4, 'scores');
  assert.throws(() => exportOnnx(forward, x, { opset: 16 }), (e: Error) => e instanceof OnnxLoweringError && /exportOnnx\(forward\).*opset must be an integer ≥ 18, got 16/.test(e.message));
  // toOnnx on a lowered jitted function gives the same model.
  assert.equal(toOnnx(jit(forward).lower(x)).length, exportOnnx(forward, x).length);
});

/** A 784-1024-1024-10 MLP (here narrower) trained with Adam: the whole step, state included, in one program. */
function mlpStep(params: { w: NDArray[]; b: NDArray[] }, m: { w: NDArray[]; b: NDArray[] }, v: { w: NDArray[]; b: NDArray[] }, t: NDArray, xs: NDArray, labels: NDArray) {
  const loss = (p: typeof params) => {
    let h = xs;
    p.w.forEach((w, i) => { h = h.matmul(w).add(p.b[i]!); if (i < p.w.length - 1) h = np.maximum(h, 0); });
    const logZ = np.log(np.exp(h.sub(h.max({ axis: 1, keepdims: true }))).sum({ axis: 1, keepdims: true })).add(h.max({ axis: 1, keepdims: true }));
    return np.takeAlongAxis(h.sub(logZ), labels.reshape(-1, 1), 1).mean().neg();
  };
  const [l, g] = valueAndGrad(loss)(params) as [NDArray, typeof params];
  const [b1, b2, lr, eps] = [0.9, 0.999, 1e-3, 1e-8];
  const t1 = t.add(1);
  const upd = (p: NDArray, gi: NDArray, mi: NDArray, vi: NDArray) => {
    const m2 = mi.mul(b1).add(gi.mul(1 - b1)), v2 = vi.mul(b2).add(gi.square().mul(1 - b2));
    const mhat = m2.div(np.subtract(1, np.power(np.array(b1), t1))), vhat = v2.div(np.subtract(1, np.power(np.array(b2), t1)));
    return [p.sub(mhat.mul(lr).div(np.sqrt(vhat).add(eps))), m2, v2] as const;
  };
  const out = { p: { w: [] as NDArray[], b: [] as NDArray[] }, m: { w: [] as NDArray[], b: [] as NDArray[] }, v: { w: [] as NDArray[], b: [] as NDArray[] } };
  for (const k of ['w', 'b'] as const) params[k].forEach((p, i) => { const [a, b, c] = upd(p, g[k][i]!, m[k][i]!, v[k][i]!); out.p[k].push(a); out.m[k].push(b); out.v[k].push(c); });
  return { loss: l, ...out, t: t1 };
}

test('a jitted MLP step with Adam (pytrees in and out) runs in ORT as cotangent computes it', async () => {
  const sizes = [32, 48, 40, 10];
  const ks = (i: number) => random.foldIn(random.key(3), i);
  const params = { w: sizes.slice(1).map((n, i) => random.normal(ks(i), [sizes[i]!, n]).mul(0.1)), b: sizes.slice(1).map((n) => np.zeros([n])) };
  const zeros = { w: params.w.map((w) => np.zerosLike(w)), b: params.b.map((b) => np.zerosLike(b)) };
  const xs = random.normal(ks(10), [16, 32]), labels = random.randint(ks(11), [16], 0, 10);
  const t = np.array(0);
  const bytes = exportOnnx(mlpStep, params, zeros, zeros, t, xs, labels);
  const flatIn = [...params.b, ...params.w, ...zeros.b, ...zeros.w, ...zeros.b, ...zeros.w, t, xs, labels];
  const outs = await runOrt(bytes, flatIn);
  const want = jit(mlpStep)(params, zeros, zeros, t, xs, labels);
  close(outs[0]!.data, want.loss, 1e-5, 1e-6, 'loss');
  // Outputs flatten in sorted key order: loss, m.b, m.w, p.b, p.w, t, v.b, v.w.
  const flatOut = [want.loss, ...want.m.b, ...want.m.w, ...want.p.b, ...want.p.w, want.t, ...want.v.b, ...want.v.w];
  assert.is(outs.length, flatOut.length);
  flatOut.forEach((w, i) => close(outs[i]!.data, w, 1e-4, 1e-6, `output ${i}`));
});

test('random numbers (threefry), sorting and scatter export and match', async () => {
  const f = (key: NDArray, xs: NDArray) => {
    const u = random.uniform(key, [5, 7]);
    const [sorted, idx] = lax.sortKeyVal(xs, np.arange(xs.shape[0]!), 0) as [NDArray, NDArray];
    const hist = np.zeros([4]).at(np.array([0, 3, 3, 1], { dtype: 'int32' })).add(np.ones([4]));
    return [u, sorted, idx, hist, random.normal(random.split(key).get(1), [3])];
  };
  const xs = np.array([3, Number.NaN, -0, 1, 0, -2, 1]);
  const key = random.key(42);
  const outs = await runOrt(exportOnnx(f, key, xs), [key, xs]);
  const want = f(key, xs);
  want.forEach((w, i) => close(outs[i]!.data, w, 1e-6, 1e-6, `output ${i}`));
});

test('control flow exports as ONNX If and Loop: a scan RNN with its gradient, cond/switch, foriLoop, whileLoop', async () => {
  const k = random.split(random.key(5), 3);
  const W = random.normal(k.get(0), [6, 6]).mul(0.4);
  const h0 = random.normal(k.get(1), [2, 6]), seq = random.normal(k.get(2), [9, 2, 6]);
  // An RNN over 9 steps, its loss and the gradient of that loss in W (a reverse scan), in one model.
  const rnn = (w: NDArray, h: NDArray, xs: NDArray) => {
    const loss = (ww: NDArray) => {
      const [hT, ys] = lax.scan((c: NDArray, x: NDArray) => { const n = np.tanh(c.matmul(ww).add(x)); return [n, n.sum({ axis: 1 })] as const; }, h, xs);
      return hT.square().sum().add(ys.sum());
    };
    const [l, g] = valueAndGrad(loss)(w) as [NDArray, NDArray];
    const [, ysRev] = lax.scan((c: NDArray, x: NDArray) => [c.add(x.sum()), c] as const, np.zeros([]), xs, { reverse: true });
    return [l, g, ysRev];
  };
  const bytes = exportOnnx(rnn, W, h0, seq);
  const ops = new Set(decodeModel(bytes).graph.node.map((n) => n.opType));
  assert.ok(ops.has('Loop'), `the scans are Loops (ops: ${[...ops].join(' ')})`);
  const outs = await runOrt(bytes, [W, h0, seq]);
  rnn(W, h0, seq).forEach((w, i) => close(outs[i]!.data, w, 1e-5, 1e-5, `rnn output ${i}`));

  const branches = (i: NDArray, x: NDArray) => [
    lax.cond(x.sum().gt(0), (a: NDArray) => a.mul(2), (a: NDArray) => np.sin(a), x),
    lax.switch(i, [(a: NDArray) => a.add(1), (a: NDArray) => a.mul(a), (a: NDArray) => np.exp(a)], x),
    lax.foriLoop(0, 5, (j: NDArray, c: NDArray) => c.mul(1.5).add(j.astype('float32')), x),
    lax.whileLoop((c: { n: NDArray; v: NDArray }) => c.v.sum().lt(100), (c: { n: NDArray; v: NDArray }) => ({ n: c.n.add(1), v: c.v.mul(2).add(1) }), { n: np.array(0, { dtype: 'int32' }), v: x.abs() }),
  ];
  const x = np.array([0.5, -0.25, 1]);
  for (const idx of [-3, 0, 1, 2, 7]) {
    const i = np.array(idx, { dtype: 'int32' });
    const model = exportOnnx(branches, i, x);
    const names = new Set(decodeModel(model).graph.node.map((n) => n.opType));
    assert.ok(names.has('If') && names.has('Loop'), `If and Loop in the model (ops: ${[...names].join(' ')})`);
    const got = await runOrt(model, [i, x]);
    const want = branches(i, x) as [NDArray, NDArray, NDArray, { n: NDArray; v: NDArray }];
    [want[0], want[1], want[2], want[3].n, want[3].v].forEach((w, j) => close(got[j]!.data, w, 1e-6, 1e-6, `index ${idx}, output ${j}`));
  }
  const neg = np.array([-1, -2, 0.5]);
  const gotNeg = await runOrt(exportOnnx(branches, np.array(0, { dtype: 'int32' }), neg), [np.array(0, { dtype: 'int32' }), neg]);
  close(gotNeg[0]!.data, np.sin(neg), 1e-6, 1e-6, 'cond takes the false branch');
});

test('jit on the onnxruntime target matches the JS target, falls back where a primitive has no lowering', () => {
  const stepJs = jit(trainStep);
  const want = stepJs(w1, w2, x, y);
  setJitTarget('onnxruntime', { minFlops: 0, threads: 1 });
  try {
    assert.is(jitTarget(), 'onnxruntime');
    const stepOrt = jit(trainStep);
    const got = stepOrt(w1, w2, x, y);
    assert.ok(stepOrt.lower(w1, w2, x, y).compiledText().startsWith('ONNX Runtime session'), 'compiled for ORT');
    close(got[0].dataSync(), want[0], 1e-4, 0, 'loss');
    close(got[1].dataSync(), want[1], 1e-5, 1e-5, 'w1');
    // Results are ordinary CPU arrays: they feed the next call, eager ops and grad.
    const again = stepOrt(got[1], got[2], x, y);
    assert.ok(again[0].itemSync() < got[0].itemSync(), 'the loss decreases');
    const g = grad((a: NDArray) => jit((b: NDArray) => np.sin(b).mul(b).sum())(a))(np.array([0.5, 1])) as NDArray;
    close(g.dataSync(), np.array([Math.cos(0.5) * 0.5 + Math.sin(0.5), Math.cos(1) + Math.sin(1)]), 1e-6, 1e-6, 'grad through a jitted call');
    // A primitive without a lowering: the program falls back to the JS compiler, said once.
    const saved = onnxLowerings.sin;
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      onnxLowerings.sin = () => { throw new OnnxLoweringError("the primitive 'sin' has no ONNX lowering: test"); };
      const h = jit((b: NDArray) => np.sin(b).add(1));
      close(h(np.array([1, 2])).dataSync(), np.array([Math.sin(1) + 1, Math.sin(2) + 1]), 1e-6, 1e-6, 'fallback result');
      assert.ok(!h.lower(np.array([1, 2])).compiledText().startsWith('ONNX Runtime'), 'compiled to JS');
      jit((b: NDArray) => np.sin(b).add(2))(np.array([1, 2]));
      assert.is(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0]!, /sin.*no ONNX lowering.*JS\/WASM compiler/);
    } finally {
      onnxLowerings.sin = saved;
      console.warn = warn;
    }
  } finally {
    setJitTarget('js');
  }
  // Small programs stay in JS under the default threshold.
  setJitTarget('onnxruntime');
  try {
    const tiny = jit((a: NDArray) => a.add(1));
    assert.ok(!tiny.lower(np.ones([3])).compiledText().startsWith('ONNX Runtime'), 'tiny program stays in JS');
  } finally { setJitTarget('js'); }
});

test('donation on the onnxruntime target: donated inputs become the next call\'s outputs, results unchanged', () => {
  const copy = (a: NDArray) => np.array(a.dataSync().slice(), { dtype: a.dtype }).reshape(...a.shape);
  const stepJs = jit(trainStep);
  setJitTarget('onnxruntime', { minFlops: 0, threads: 1 });
  try {
    const step = jit(trainStep, { donateArgnums: [0, 1] });
    assert.match(step.lower(w1, w2, x, y).compiledText(), /donated inputs recycled as outputs/);
    let [a, b] = [copy(w1), copy(w2)]; // fresh arrays of our own: user memory (np.array of a typed array) is never recycled
    let [ja, jb] = [w1, w2];
    const seen = new Set<unknown>();
    for (let t = 0; t < 4; t++) {
      const [l, a2, b2] = step(a, b, x, y);
      const [lj, ja2, jb2] = stepJs(ja, jb, x, y);
      close(l.dataSync(), lj, 1e-4, 0, `loss at step ${t}`);
      close(a2.dataSync(), ja2, 1e-5, 1e-5, `w1 at step ${t}`);
      assert.throws(() => a.dataSync(), /dispos/, 'a donated input is disposed');
      seen.add((a2 as unknown as { buffer: { data: Float32Array } }).buffer.data.buffer);
      [a, b, ja, jb] = [a2, b2, ja2, jb2];
    }
    // Steps 0 and 1 allocate; from step 2 on the outputs are written into the buffers donated two calls before.
    assert.is(seen.size, 2, 'two buffers alternate for w1 instead of a fresh one per step');
  } finally { setJitTarget('js'); }
});

test('a broadcast the consumer would do anyway is not materialised, nor its shape kept; outputs are not copied by Identity', async () => {
  const b = np.array([1, 2, 3]), wm = np.ones([4, 3]);
  const f = (xs: NDArray) => [np.maximum(xs.matmul(wm).add(b), 0).mul(2), xs.sum()];
  const xs = np.arange(8).astype('float32').reshape(2, 4);
  const bytes = exportOnnx(f, xs);
  const ops = decodeModel(bytes).graph.node.map((n) => n.opType);
  assert.not.ok(ops.includes('Expand'), ops.join(' '));
  assert.not.ok(ops.includes('Identity'), ops.join(' '));
  // The dropped Expands' shape constants go too (ORT warns about each unused initializer).
  const graph = decodeModel(bytes).graph;
  const read = new Set(graph.node.flatMap((n) => n.input));
  const unused = graph.initializer.map((t) => t.name).filter((name) => !read.has(name));
  assert.equal(unused, [], `initializers no node reads: ${unused.join(' ')}`);
  const outs = await runOrt(bytes, [xs]);
  const want = jit(f)(xs);
  close(outs[0]!.data, want[0]!, 1e-6, 1e-6, 'relu(x·w + b)·2');
  close(outs[1]!.data, want[1]!, 1e-6, 1e-6, 'sum');
});

test('bad input: unknown target, a primitive without a lowering names it', () => {
  assert.throws(() => setJitTarget('tpu' as never), /setJitTarget: expected 'js' or 'onnxruntime', got "tpu"/);
  const saved = onnxLowerings.cos;
  onnxLowerings.cos = () => { throw new OnnxLoweringError("the primitive 'cos' has no ONNX lowering: test"); };
  try {
    assert.throws(() => exportOnnx(function model(a: NDArray) { return np.cos(a); }, np.ones([2])), /exportOnnx\(model\): cos: the primitive 'cos' has no ONNX lowering/);
  } finally { onnxLowerings.cos = saved; }
});

test('a customVjp gradient exports (its bwd is traced into the graph); custom_lin alone has no forward meaning', async () => {
  const clipped = customVjp((v: NDArray) => np.tanh(v)).defVjp((v) => [np.tanh(v), v], (v, g) => [np.clip(g, -0.5, 0.5).mul(np.cos(v as NDArray))]);
  const f = (v: NDArray) => grad((u: NDArray) => clipped(u).mul(u).sum())(v);
  const v = np.array([-2, -0.1, 0.3, 3]);
  const [out] = await runOrt(exportOnnx(f, v), [v]);
  close(out!.data, jit(f)(v), 1e-5, 1e-6, 'gradient through a customVjp bwd');
  // The tangent map of a customVjp function is custom_lin, which neither the CPU backend nor ONNX can run forward.
  const tangentMap = (u: NDArray, t: NDArray) => linearize(clipped, u)[1](t);
  assert.throws(() => jit(tangentMap)(v, v), /forward-mode differentiation \(jvp\) of a customVjp function is not supported/);
  assert.throws(() => exportOnnx(tangentMap, v, v), /custom_lin/);
});

test.run();
