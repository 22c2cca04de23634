// jit's tracing layer: one trace per signature, explained cache misses, static arguments,
// donation, disableJit, lower(), composition with grad, and the errors of abstract values.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, grad, hessian, valueAndGrad, makeJaxpr, disableJit, setLogCompiles, getBackend, ConcretizationError } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

test('traces once per signature and replays from the cache', () => {
  let traces = 0;
  const f = jit((x: NDArray, y: NDArray) => { traces++; return x.mul(y).add(1); });
  const a = f(np.array([1, 2]), np.array([3, 4]));
  f(np.array([5, 6]), np.array([7, 8]));
  assert.equal(Array.from(a.dataSync()), [4, 9]);
  assert.is(traces, 1);
  assert.is(f.cacheSize, 1);
  f(np.array([1, 2, 3]), np.array([1, 2, 3]));               // new shape
  f(np.array([1, 2], { dtype: 'int32' }), np.array([1, 2], { dtype: 'int32' })); // new dtype
  assert.is(traces, 3);
  f(np.array([1, 2]), 2 as unknown as NDArray);               // weak scalar: a different signature
  assert.is(traces, 4);
});

test('cache misses are explained when logging is on', () => {
  const lines: string[] = [];
  const orig = console.error;
  console.error = (...a: unknown[]) => { lines.push(a.join(' ')); };
  try {
    setLogCompiles(true);
    const f = jit(function scale(x: NDArray, k: number) { return x.mul(k); }, { staticArgnums: 1 });
    f(np.ones([2]), 2);
    f(np.ones([3]), 2);
    f(np.ones([3]), 5);
  } finally {
    setLogCompiles(false);
    console.error = orig;
  }
  assert.is(lines.length, 3);
  assert.match(lines[0]!, /compiling scale .*first call/);
  assert.match(lines[1]!, /array leaf 0 changed from f32\[2\] to f32\[3\]/);
  assert.match(lines[2]!, /static argument #0 changed from 2 to 5/);
});

test('static arguments are concrete while tracing and part of the key', () => {
  let traces = 0;
  const f = jit((x: NDArray, n: number) => { traces++; let y = x; for (let i = 0; i < n; i++) y = y.mul(2); return y; }, { staticArgnums: [1] });
  assert.equal(Array.from(f(np.ones([2]), 3).dataSync()), [8, 8]);
  assert.equal(Array.from(f(np.ones([2]), 1).dataSync()), [2, 2]);
  f(np.ones([2]), 3);
  assert.is(traces, 2);
  assert.throws(() => jit((x: NDArray, y: NDArray) => x, { staticArgnums: 1 })(np.ones([1]), np.ones([1])), /static argument 1 must be plain data/);
});

test('branching on a traced value under jit names staticArgnums', () => {
  const f = jit((x: NDArray) => (x.sum().itemSync() > 0 ? x : x.neg()));
  assert.throws(() => f(np.ones([2])), (e: Error) => e instanceof ConcretizationError && /staticArgnums/.test(e.message) && /np\.where/.test(e.message));
  const mask = jit((x: NDArray) => x.get(x.gt(0)));
  assert.throws(() => mask(np.array([1, -1])), (e: Error) => e instanceof ConcretizationError);
});

test('donated arguments cannot be used after the call', () => {
  const step = jit((w: NDArray, g: NDArray) => w.sub(g.mul(0.1)), { donateArgnums: 0 });
  const w = np.array([1, 2]);
  const w2 = step(w, np.array([10, 10]));
  assert.equal(Array.from(w2.dataSync()), [0, 1]);
  assert.throws(() => w.dataSync(), /disposed \(or donated\)/);
  assert.throws(() => w.add(1), /disposed \(or donated\)/);
});

test('disableJit runs the function eagerly', () => {
  let concrete = false;
  const f = jit((x: NDArray) => { concrete = x.constructor.name === 'ConcreteArray'; return x.add(1); });
  disableJit(() => f(np.ones([1])));
  assert.ok(concrete);
});

test('jit of grad, grad of jit and nested jit agree with eager', () => {
  const loss = (w: NDArray, x: NDArray) => np.tanh(x.matmul(w)).square().sum();
  const w = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], { dtype: 'float64' });
  const x = np.array([[1, 2, 3], [-1, 0.5, 2]], { dtype: 'float64' });
  const eager = grad(loss)(w, x) as NDArray;
  const jitOfGrad = jit(grad(loss) as (w: NDArray, x: NDArray) => NDArray)(w, x);
  const gradOfJit = grad(jit(loss))(w, x) as NDArray;
  const nested = jit((a: NDArray, b: NDArray) => jit(grad(loss) as (w: NDArray, x: NDArray) => NDArray)(a, b).mul(1))(w, x);
  for (const r of [jitOfGrad, gradOfJit, nested]) {
    const e = Array.from(eager.dataSync()), got = Array.from(r.dataSync());
    got.forEach((v, i) => assert.ok(Math.abs(v - e[i]!) < 1e-12, `${v} vs ${e[i]}`));
  }
  const [v, g] = valueAndGrad(jit(loss))(w, x) as [NDArray, NDArray];
  assert.ok(Math.abs(v.itemSync() - (loss(w, x).itemSync())) < 1e-12);
  assert.equal(g.shape, [3, 2]);
});

test('jit is a primitive in the IR: makeJaxpr shows it, and lower() exposes the optimised jaxpr', () => {
  const inner = jit(function inner(x: NDArray) { return np.sin(x).mul(2); });
  const printed = makeJaxpr((x: NDArray) => inner(x).add(1))(np.zeros([3])).toString();
  assert.match(printed, /= jit\[\n\s+name=inner\n\s+donated=\(False,\)\n\s+jaxpr=\{ lambda ; \w+:f32\[3\]\. let/);
  const f = jit((x: NDArray) => { const a = np.sin(x); const b = np.sin(x); np.cos(x); return a.add(b); });
  const lowered = f.lower(np.zeros([4]));
  const text = lowered.asText();
  assert.is((text.match(/= sin/g) ?? []).length, 1, 'CSE merges the two sin');
  assert.not.match(text, /cos/, 'DCE drops the unused cos');
  assert.type(lowered.compiledText(), 'string');
});

test('constants fold and closed-over arrays become inputs', () => {
  const data = np.array([1, 2, 3]);
  const f = jit((x: NDArray) => x.mul(np.array(2).add(3)).add(data));
  assert.equal(Array.from(f(np.ones([3])).dataSync()), [6, 7, 8]);
  const text = f.lower(np.ones([3])).asText();
  assert.not.match(text, /= add 2(\.0)?:f32\[\] 3/, 'literal-only add is folded');
  assert.match(text, /^\{ lambda ; a:f32\[3\] b:f32\[3\]\./, 'the closed-over array is a leading input');
});

test('transposes of transposes fold away (the xᵀ of a weight gradient)', () => {
  // Four transposes: one before the add, three after it that fold into one.
  const f = jit((x: NDArray) => x.T.add(1).T.T.T.mul(2));
  const text = f.lower(np.zeros([2, 3])).asText();
  assert.is((text.match(/= transpose/g) ?? []).length, 2, text);
  const g = jit((x: NDArray) => np.transpose(np.transpose(x, [1, 2, 0]), [2, 0, 1]).add(1));
  assert.not.match(g.lower(np.zeros([2, 3, 4])).asText(), /transpose/);
  const x = np.arange(24).reshape(2, 3, 4).astype('float32');
  assert.equal(Array.from(g(x).dataSync()), Array.from(x.add(1).dataSync()));
  const h = jit((x: NDArray) => np.transpose(np.transpose(x, [1, 2, 0]), [1, 0, 2]));
  assert.equal(Array.from(h(x).dataSync()), Array.from(np.transpose(np.transpose(x, [1, 2, 0]), [1, 0, 2]).dataSync()));
});

test('a transpose feeding dot_general becomes its dimension numbers', () => {
  const a = np.arange(12).reshape(4, 3).astype('float32'), b = np.arange(8).reshape(4, 2).astype('float32');
  const f = jit((p: NDArray, q: NDArray) => np.matmul(p.T, q));
  const text = f.lower(a, b).asText();
  assert.not.match(text, /transpose/, text);
  assert.match(text, /dot_general\[dimension_numbers=\{contracting=\(\(0,\), \(0,\)\)/);
  assert.equal(f(a, b).tolistSync(), np.matmul(a.T, b).tolistSync());
  // A batched transpose that would reorder the free axes is left alone, and stays correct.
  const x = np.arange(24).reshape(2, 3, 4).astype('float32'), y = np.arange(8).reshape(4, 2).astype('float32');
  const g = jit((p: NDArray, q: NDArray) => np.matmul(np.transpose(p, [1, 0, 2]), q));
  assert.equal(g(x, y).tolistSync(), np.matmul(np.transpose(x, [1, 0, 2]), y).tolistSync());
});

test('donating an array whose storage another array shares leaves that array intact', () => {
  const step = jit((w: NDArray) => w.mul(2), { donateArgnums: 0 });
  const w = np.array([1, 2, 3, 4]).add(0);
  const view = w.reshape(2, 2);          // eager reshape shares w's storage
  const out = step(w);
  assert.equal(Array.from(out.dataSync()), [2, 4, 6, 8]);
  assert.equal(view.tolistSync(), [[1, 2], [3, 4]]);
  const data = new Float32Array([5, 6]);
  const fromUser = np.array(data);      // no copy: the user's typed array is the storage
  step(fromUser);
  assert.equal(Array.from(data), [5, 6]);
});

test('grad of a jitted function runs its primal half as one compiled program', () => {
  const cpu = getBackend('cpu');
  const compile = cpu.compile!;
  const compiled: string[] = [];
  (cpu as { compile?: typeof compile }).compile = (j, d) => { compiled.push(j.toString()); return compile(j, d); };
  try {
    const loss = jit((w: NDArray, x: NDArray) => np.tanh(x.matmul(w)).square().sum());
    const w = np.array([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]], { dtype: 'float64' });
    const x = np.array([[1, 2, 3], [-1, 0.5, 2]], { dtype: 'float64' });
    const g = grad(loss)(w, x) as NDArray;
    // The forward pass (dot_general, tanh) and the residuals came out of one compiled program, and
    // the backward pass (transposed dot_generals, no tanh) out of another.
    assert.ok(compiled.some((t) => /dot_general/.test(t) && /tanh/.test(t)), compiled.join('\n---\n'));
    assert.ok(compiled.some((t) => /dot_general/.test(t) && !/tanh/.test(t)), compiled.join('\n---\n'));
    const eager = grad((w: NDArray, x: NDArray) => np.tanh(x.matmul(w)).square().sum())(w, x) as NDArray;
    Array.from(g.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - eager.dataSync()[i]!) < 1e-12));
  } finally {
    (cpu as { compile?: typeof compile }).compile = compile;
  }
});

test('second derivatives through jit agree with eager', () => {
  const f = (x: NDArray) => np.sin(x).mul(x.square()).sum();
  const x = np.array([0.3, -1.2, 2], { dtype: 'float64' });
  const h = hessian(jit(f))(x).dataSync(), e = hessian(f)(x).dataSync();
  Array.from(h).forEach((v, i) => assert.ok(Math.abs(v - e[i]!) < 1e-12, `${v} vs ${e[i]}`));
  const gg = grad((y: NDArray) => (grad(jit(f))(y) as NDArray).sum())(x) as NDArray;
  const ge = grad((y: NDArray) => (grad(f)(y) as NDArray).sum())(x) as NDArray;
  Array.from(gg.dataSync()).forEach((v, i) => assert.ok(Math.abs(v - ge.dataSync()[i]!) < 1e-12));
});

test.run();
