// exportOnnx with dynamicAxes: a model exported at one batch size runs in ONNX Runtime at others
// (compared with jit at each size), with several symbols, and clear errors for what cannot follow
// an axis (a product of two symbolic sizes, a constant as long as the axis, bad options).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import { np, jit, random, lax, Array as NDArray } from '../src/index.js';
import { decodeModel, exportOnnx, OnnxLoweringError, toOnnx } from '../src/onnx/index.js';

const require = createRequire(import.meta.url);
type OrtTensor = { data: ArrayLike<number>; dims: readonly number[] };
type Session = { run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>; inputNames: string[]; outputNames: string[] };
const ort = require('onnxruntime-node') as {
  InferenceSession: { create(bytes: Uint8Array, o?: object): Promise<Session> };
  Tensor: new (type: string, data: ArrayLike<number>, dims: readonly number[]) => unknown;
};

async function runOrt(session: Session, inputs: NDArray[]): Promise<OrtTensor[]> {
  const feeds: Record<string, unknown> = {};
  session.inputNames.forEach((name, i) => { feeds[name] = new ort.Tensor(inputs[i]!.dtype, inputs[i]!.dataSync(), inputs[i]!.shape); });
  const out = await session.run(feeds);
  return session.outputNames.map((n) => out[n]!);
}
function close(actual: OrtTensor, expected: NDArray, what: string) {
  assert.equal([...actual.dims], [...expected.shape], `${what}: shape`);
  const e = expected.dataSync();
  for (let i = 0; i < e.length; i++) {
    const a = Number(actual.data[i]), b = Number(e[i]);
    if (!(Math.abs(a - b) <= 1e-5 + 1e-4 * Math.abs(b))) assert.unreachable(`${what}: element ${i} is ${a} in ORT, ${b} in cotangent`);
  }
}
const dimsOf = (info: { type: { tensorType: { shape: { dim: { dimValue?: number; dimParam?: string }[] } } } }) =>
  info.type.tensorType.shape.dim.map((d) => d.dimParam ?? Number(d.dimValue));

const k = random.split(random.key(3), 4);
const w1 = random.normal(k.get(0), [5, 8]), b1 = random.normal(k.get(1), [8]), w2 = random.normal(k.get(2), [8, 3]);
/** An MLP with a log-softmax head and a per-row argmax: broadcasts, reductions and gathers along the batch. */
function classify(x: NDArray): [NDArray, NDArray] {
  const h = np.tanh(x.matmul(w1).add(b1)).matmul(w2);
  const logp = h.sub(h.max({ axis: 1, keepdims: true })).sub(np.log(np.exp(h.sub(h.max({ axis: 1, keepdims: true }))).sum({ axis: 1, keepdims: true })));
  const best = np.argmax(logp, { axis: 1 });
  return [logp, np.takeAlongAxis(logp, best.reshape(-1, 1), 1).reshape(-1)];
}

test('a model exported at batch 4 with a symbolic batch runs in ORT at batch 1, 3 and 9', async () => {
  const bytes = exportOnnx(classify, np.zeros([4, 5]), { dynamicAxes: { 0: { 0: 'batch' } } });
  const model = decodeModel(bytes);
  assert.equal(dimsOf(model.graph.input[0]!), ['batch', 5]);
  assert.equal(model.graph.output.map(dimsOf), [['batch', 3], ['batch']]);
  assert.ok(model.graph.node.some((n) => n.opType === 'Shape'), 'the batch size is read from the input at run time');
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  for (const batch of [1, 3, 9]) {
    const x = random.normal(random.key(batch), [batch, 5]);
    const [logp, best] = await runOrt(session, [x]);
    const want = jit(classify)(x);
    close(logp!, want[0], `log-probabilities at batch ${batch}`);
    close(best!, want[1], `best at batch ${batch}`);
  }
});

test('several symbols: batch and sequence length, a reshape that follows one of them', async () => {
  const w = random.normal(k.get(3), [6, 4]);
  const f = (x: NDArray, mask: NDArray) => {
    const [b, t] = x.shape as [number, number, number];
    const pooled = x.mul(mask.reshape(b, t, 1)).sum({ axis: 1 }).div(mask.sum({ axis: 1, keepdims: true }).add(1));
    return [pooled.matmul(w), x.reshape(b, t * 6).sum({ axis: 1 }), lax.slice(x, [0, 1, 0], [b, t, 6])];
  };
  const opts = { dynamicAxes: { 0: { 0: 'batch', 1: 'seq' }, 1: { 0: 'batch', 1: 'seq' } } };
  const bytes = exportOnnx(f, np.zeros([2, 3, 6]), np.ones([2, 3]), opts);
  const model = decodeModel(bytes);
  assert.equal(model.graph.output.map(dimsOf), [['batch', 4], ['batch'], ['batch', 'seq+-1', 6]]);
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1 });
  for (const [b, t] of [[1, 1], [4, 7]] as const) {
    const x = random.normal(random.key(b * 10 + t), [b, t, 6]);
    const mask = random.bernoulli(random.key(t), 0.7, [b, t]).astype('float32');
    const outs = await runOrt(session, [x, mask]);
    const want = jit(f)(x, mask);
    want.forEach((wi, i) => close(outs[i]!, wi, `output ${i} at (${b}, ${t})`));
  }
});

test('what cannot follow a dynamic axis is an error naming it', () => {
  const flat = (x: NDArray) => x.reshape(-1).sum();
  assert.throws(() => exportOnnx((x: NDArray) => x.reshape(x.shape[0]! * x.shape[1]!, 1), np.zeros([2, 3]), { dynamicAxes: { 0: { 0: 'b', 1: 't' } } }),
    (e: unknown) => e instanceof OnnxLoweringError && /exportOnnx\(.*\): .*not an affine function of them \(a product of two symbolic sizes\?\)/.test((e as Error).message));
  assert.ok(exportOnnx(flat, np.zeros([2, 3]), { dynamicAxes: { 0: { 0: 'b' } } }).length > 0, 'a product with a fixed size is affine');
  assert.throws(() => exportOnnx((x: NDArray) => x.add(np.arange(x.shape[0]!).reshape(-1, 1)), np.zeros([2, 3]), { dynamicAxes: { 0: { 0: 'b' } } }),
    /grows with the dynamic axis 'b': a value as long as a dynamic axis \(an iota, a captured array\) cannot be exported with dynamicAxes/);
  assert.throws(() => exportOnnx(flat, np.zeros([2, 3]), { dynamicAxes: { 1: { 0: 'b' } } }), /dynamicAxes: input 1 does not exist \(the arguments have 1 array leaves\)/);
  assert.throws(() => exportOnnx(flat, np.zeros([2, 3]), { dynamicAxes: { 0: { 2: 'b' } } }), /dynamicAxes: input 0 \(f32\[2,3\]\) has no axis 2/);
  assert.throws(() => exportOnnx((x: NDArray, y: NDArray) => x.sum().add(y.sum()), np.zeros([2]), np.zeros([3]), { dynamicAxes: { 0: { 0: 'n' }, 1: { 0: 'n' } } }),
    /dynamicAxes: 'n' names axes of sizes 2 and 3/);
  assert.throws(() => toOnnx(jit(flat).lower(np.zeros([2, 3])), { dynamicAxes: { 0: { 0: 'b' } } }), /toOnnx: dynamicAxes needs the function.*use exportOnnx/);
});

test.run();
