// The window and convolution lowerings against the CPU backend through onnxruntime-node: a CNN's
// training step (strided conv → its input gradient has lhs dilation; max/min pooling → the
// select_and_scatter_add gradient), the JVP of max pooling (select_and_gather_add) with ties and
// NaN, and integer / base-dilated / negatively padded window reductions.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, jvp, lax, random, valueAndGrad, Array as NDArray } from '../src/index.js';
import { decodeModel, exportOnnx } from '../src/onnx/index.js';
import { loadOrt } from '../src/backends/onnx/runtime.js';

type OrtTensor = { data: ArrayLike<number>; dims: readonly number[] };
type Session = { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; inputNames: string[]; outputNames: string[] };
const ort = (await import('onnxruntime-node')).default as unknown as {
  InferenceSession: { create(bytes: Uint8Array, o?: object): Promise<Session> };
  Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => unknown;
};

/** f exported with these arguments, run in ORT, each output compared with jit(f) on the CPU. */
async function agrees(f: (...a: NDArray[]) => NDArray | NDArray[], args: NDArray[], what: string, tol = 1e-5): Promise<Uint8Array> {
  const bytes = exportOnnx(f, ...args);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  const feeds: Record<string, unknown> = {};
  session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor(args[i]!.dtype, args[i]!.dataSync(), args[i]!.shape); });
  const got = await session.run(feeds);
  const wantOut = jit(f)(...args);
  const want = Array.isArray(wantOut) ? wantOut : [wantOut];
  session.outputNames.forEach((n, k) => {
    const a = got[n]!, e = want[k]!.dataSync();
    assert.equal([...a.dims], [...want[k]!.shape], `${what}: output ${k} shape`);
    for (let i = 0; i < e.length; i++) {
      const x = Number(a.data[i]), y = Number(e[i]);
      if (!(Math.abs(x - y) <= tol * (1 + Math.abs(y))) && !(Number.isNaN(x) && Number.isNaN(y))) assert.unreachable(`${what}: output ${k} element ${i} is ${x} in ORT, ${y} on the CPU`);
    }
  });
  return bytes;
}
const opsIn = (bytes: Uint8Array) => new Set(decodeModel(bytes).graph.node.map((n) => n.opType));

test('a CNN training step (strided conv, max and min pooling) exports and agrees with the CPU', async () => {
  assert.ok(loadOrt(), 'onnxruntime-node is installed');
  const k = random.split(random.key(7), 4);
  const x = random.normal(k.get(0), [2, 1, 9, 9]), w = random.normal(k.get(1), [3, 1, 3, 3]), v = random.normal(k.get(2), [3 * 2 * 2 * 2, 4]);
  const y = random.normal(k.get(3), [2, 4]);
  const step = (wc: NDArray, wd: NDArray, xs: NDArray, ys: NDArray) => {
    const loss = (a: NDArray, b: NDArray) => {
      const h = np.tanh(lax.convGeneralDilated(xs, a, [2, 2], [[1, 1], [1, 1]])); // [2, 3, 5, 5]
      const mx = lax.reduceWindow(h, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID'); // [2, 3, 2, 2]
      const mn = lax.reduceWindow(h, Infinity, 'min', [1, 1, 3, 3], [1, 1, 2, 2], [[0, 0], [0, 0], [1, 0], [1, 0]]); // padded: [2, 3, 2, 2]
      return np.concatenate([mx, mn], 1).reshape(2, -1).matmul(b).sub(ys).square().sum();
    };
    const [l, [ga, gb]] = valueAndGrad(loss, { argnums: [0, 1] })(wc, wd);
    return [l, wc.sub(ga.mul(0.01)), wd.sub(gb.mul(0.01)), ga];
  };
  const ops = opsIn(await agrees(step, [w, v, x, y], 'CNN step', 1e-4));
  assert.ok(ops.has('ScatterElements'), 'the pooling gradient is select_and_scatter_add');
  assert.ok(ops.has('Conv'));
});

test('select_and_gather_add (the JVP of max pooling) with ties, NaN and padding-only windows', async () => {
  const x = np.array([[1, 3, 3, 0, NaN, 2], [5, 5, -Infinity, -Infinity, 1, NaN]]);
  const t = np.array([[10, 20, 30, 40, 50, 60], [70, 80, 90, 100, 110, 120]]);
  for (const [kind, init] of [['max', -Infinity], ['min', Infinity]] as const) {
    const f = (a: NDArray, ta: NDArray) => jvp((b: NDArray) => lax.reduceWindow(b, init, kind, [1, 2], [1, 1], [[0, 0], [2, 1]]), [a], [ta])[1];
    const ops = opsIn(await agrees(f, [x, t], `jvp of ${kind} pooling`));
    assert.ok(ops.has('ArgMax'), 'the selection is an ArgMax over each window');
  }
});

test('window reductions the pooling operators cannot take: int32, base dilation, negative padding', async () => {
  const xi = np.array([[4, -1, 7, 2], [0, 9, -3, 5]], { dtype: 'int32' });
  const big = np.array([[2147483647, 1, 0, 0]], { dtype: 'int32' });
  const xf = np.array([[1, 3, 2, 5], [NaN, 1, 0, 4]]);
  await agrees((a) => lax.reduceWindow(a, 0, 'sum', [2, 2], [1, 1], 'VALID'), [xi], 'int32 sum');
  await agrees((a) => lax.reduceWindow(a, 0, 'sum', [1, 2], [1, 1], 'VALID'), [big], 'int32 sum wraps');
  await agrees((a) => lax.reduceWindow(a, -Infinity, 'max', [1, 2], [1, 1], 'VALID'), [xi], 'int32 max');
  await agrees((a) => lax.reduceWindow(a, Infinity, 'min', [2, 1], [1, 1], [[1, 0], [0, 0]]), [xi], 'int32 min, padded');
  await agrees((a) => lax.reduceWindow(a, -Infinity, 'max', [1, 2], [1, 1], 'VALID', [1, 2]), [xf], 'base dilation 2 (NaN wins)');
  await agrees((a) => lax.reduceWindow(a, 0, 'sum', [1, 2], [1, 1], [[0, 0], [-1, 1]]), [xf], 'negative padding');
});

test('conv_general_dilated with lhs dilation (a transposed convolution) in 1-d and 2-d', async () => {
  const k = random.split(random.key(11), 4);
  const x1 = random.normal(k.get(0), [2, 2, 5]), w1 = random.normal(k.get(1), [3, 2, 3]);
  await agrees((a, b) => lax.convGeneralDilated(a, b, [1], [[2, 1]], { lhsDilation: [3] }), [x1, w1], '1-d lhs dilation 3');
  const x2 = random.normal(k.get(2), [1, 2, 4, 3]), w2 = random.normal(k.get(3), [2, 2, 2, 2]);
  await agrees((a, b) => lax.convGeneralDilated(a, b, [1, 1], [[1, 1], [1, 1]], { lhsDilation: [2, 2] }), [x2, w2], '2-d lhs dilation 2 (a stride-2 transposed convolution)');
  await agrees((a, b) => lax.convGeneralDilated(a, b, [1, 1], [[-1, 0], [1, 1]], { lhsDilation: [2, 1], rhsDilation: [1, 2] }), [x2, w2], 'lhs and rhs dilation, negative padding');
});

test.run();
