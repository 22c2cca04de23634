// Regression tests for the bugs found by probing (issue #10, "Found"): each failed before its fix.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  np, jit, grad, jvp, vjp, linearize, makeJaxpr, valueAndGrad, lax,
  ConcretizationError, LeakedTracerError, OverflowError, ShapeError,
} from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import * as torch from '../src/nn/index.js';
import type { FunctionCtx } from '../src/nn/autograd-api.js';

const vals = (x: NDArray) => Array.from(x.dataSync());
const throwsWith = (f: () => unknown, cls: Function, pattern: RegExp) => {
  try { f(); } catch (e) {
    assert.instance(e, cls, `expected ${cls.name}, got ${(e as Error).name}: ${(e as Error).message}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${cls.name} matching ${pattern}`);
};

// ---- 1. CPU jit of a reduction whose result has no elements -----------------------------------
test('1: jit of a zero-size reduction result feeding another op', () => {
  assert.equal(jit((x: NDArray) => np.sum(x, { axis: 1 }).add(1))(np.ones([0, 3])).shape, [0]);
  assert.equal(jit((x: NDArray) => np.mean(x, { axis: 1 }))(np.ones([0, 3])).shape, [0]);
  const g = jit(grad((x: NDArray) => np.max(x, { axis: 0 }).sum()))(np.ones([4, 0])) as NDArray;
  assert.equal(g.shape, [4, 0]);
  // Non-empty results of an empty reduction are the identity, fused consumers included.
  assert.equal(vals(jit((x: NDArray) => np.sum(x, { axis: 0 }).add(1))(np.ones([0, 3]))), [1, 1, 1]);
  assert.equal(vals(jit((x: NDArray) => np.sum(x, { axis: 1 }).mul(2).add(np.sum(x, { axis: 1 })))(np.ones([0, 2]))), []);
});

// ---- 2. JS numbers as primals: weak float32 in every transform --------------------------------
test('2: jvp/vjp/linearize take JS numbers as weak float32 primals, as grad does', () => {
  const [y, t] = jvp(np.sin as (x: NDArray | number) => NDArray, [3], [1 as unknown as NDArray]) as unknown as [NDArray, NDArray];
  assert.ok(Math.abs(t.itemSync() - Math.cos(3)) < 1e-6, `jvp tangent ${t.itemSync()}`);
  assert.is(y.dtype, 'float32');
  assert.ok(y.weakType);
  const [out, pull] = vjp((x: NDArray) => np.sin(x), 2 as unknown as NDArray);
  assert.is((out as NDArray).dtype, 'float32');
  const [ct] = pull(np.array(1)) as NDArray[];
  assert.ok(Math.abs(ct!.itemSync() - Math.cos(2)) < 1e-6);
  const [, fJvp] = linearize((x: NDArray) => x.mul(x), 3 as unknown as NDArray);
  assert.ok(Math.abs((fJvp(1 as unknown as NDArray) as NDArray).itemSync() - 6) < 1e-6);
  // grad agrees with them.
  assert.ok(Math.abs((grad((x: NDArray) => np.sin(x))(3 as unknown as NDArray) as NDArray).itemSync() - Math.cos(3)) < 1e-6);
});

test('2: a tangent whose dtype does not fit its primal is a TypeError naming both', () => {
  throwsWith(() => jvp(np.sin, [np.array(3)], [np.array(1, { dtype: 'int32' })]), TypeError, /jvp.*float32.*int32|jvp.*int32.*float32/);
  throwsWith(() => jvp(np.sin, [np.array([1, 2])], [np.array([1, 2, 3])]), ShapeError, /jvp: tangent 0.*\[3\].*\[2\]/);
  const [, fJvp] = linearize((x: NDArray) => x.mul(2), np.array([1, 2]));
  throwsWith(() => fJvp(np.array([1, 2], { dtype: 'int32' })), TypeError, /linearize: tangent 0 is i32\[2\] but its primal is f32\[2\]/);
});

// ---- 3. CrossEntropyLoss with targets out of range ----------------------------------------------
test('3: CrossEntropyLoss raises for an out-of-range target, as PyTorch', () => {
  const logits = torch.randn(2, 3, { requiresGrad: true });
  const loss = new torch.nn.CrossEntropyLoss();
  throwsWith(() => loss(logits, torch.tensor([0, 7], { dtype: torch.long })), Error, /Target 7 is out of bounds/);
  throwsWith(() => loss(logits, torch.tensor([-1, 0], { dtype: torch.long })), Error, /Target -1 is out of bounds/);
  // The ignore index is not out of range.
  const ok = new torch.nn.CrossEntropyLoss({ ignoreIndex: -1 })(logits, torch.tensor([-1, 2], { dtype: torch.long }));
  assert.ok(Number.isFinite(ok.itemSync()));
  throwsWith(() => torch.nn.functional.nllLoss(logits, torch.tensor([3, 0], { dtype: torch.long })), Error, /Target 3 is out of bounds/);
});

test('3: under torch.compile, concrete targets are checked; traced ones make the loss NaN', () => {
  const model = new torch.nn.Linear(4, 3);
  const lossFn = new torch.nn.CrossEntropyLoss();
  const x = torch.randn(2, 4);
  const step = torch.compile((xb: torch.Tensor, yb: torch.Tensor) => lossFn(model(xb), yb), { modules: [model] });
  assert.ok(Number.isFinite(step(x, torch.tensor([0, 2], { dtype: torch.long })).itemSync()));
  assert.ok(Number.isNaN(step(x, torch.tensor([0, 7], { dtype: torch.long })).itemSync()));
  // A target captured from outside is concrete while tracing: checked on the host.
  const bad = torch.tensor([5, 0], { dtype: torch.long });
  const step2 = torch.compile((xb: torch.Tensor) => lossFn(model(xb), bad), { modules: [model] });
  throwsWith(() => step2(x), Error, /Target 5 is out of bounds/);
});

// ---- 4. torch.randint with high <= low ----------------------------------------------------------
test('4: torch.randint and random_ with high <= low raise', () => {
  throwsWith(() => torch.randint(5, 5, [3]), Error, /randint.*from=5.*to=5|randint.*low.*high/);
  throwsWith(() => torch.randint(0, [3]), Error, /randint/);
  throwsWith(() => torch.zeros(3).random_(4, 2), Error, /random_.*from=4.*to=2/);
  const r = vals(torch.randint(2, 4, [50]).array);
  assert.ok(r.every((v) => v === 2 || v === 3));
});

// ---- 5. jit of an async function -----------------------------------------------------------------
test('5: jit of an async function, or one returning a Promise, fails at once', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => { unhandled.push(e); };
  process.on('unhandledRejection', onUnhandled);
  try {
    throwsWith(() => jit(async (x: NDArray) => x.add(1)), TypeError, /jit.*synchronous/);
    const f = jit((x: NDArray) => Promise.resolve().then(() => x.add(1)) as unknown as NDArray);
    throwsWith(() => f(np.ones([2])), TypeError, /jit.*returned a Promise.*synchronous/);
    const g = (x: NDArray) => (async () => { await null; return x.mul(2); })() as unknown as NDArray;
    throwsWith(() => grad(g)(np.ones([])), TypeError, /grad.*returned a Promise/);
    throwsWith(() => makeJaxpr(g)(np.ones([])), TypeError, /makeJaxpr.*returned a Promise/);
    await new Promise((r) => setTimeout(r, 20));
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
  assert.equal(unhandled, []);
});

// ---- 6. messages that name the user's call --------------------------------------------------------
test('6: messages name the user-facing call, not internals', () => {
  class BadGrad extends torch.autograd.Function {
    static forward(_ctx: FunctionCtx, x: torch.Tensor) { return x.mul(2); }
    static backward(_ctx: FunctionCtx, g: torch.Tensor) { return g.sum(); }
  }
  const x = torch.randn(2, 3, { requiresGrad: true });
  throwsWith(() => BadGrad.apply(x).sum().backward(), Error, /BadGradBackward returned an invalid gradient at index 0 - got \[\] but expected shape compatible with \[2, 3\]/);
  throwsWith(() => new torch.nn.Linear(-1, 2), Error, /Linear.*in_features.*-1|Linear: .*-1/);
  throwsWith(() => new torch.nn.Linear(3, 2.5), Error, /Linear/);
  throwsWith(() => valueAndGrad((v: NDArray) => v.sum())('abc' as unknown as NDArray), TypeError, /valueAndGrad: argument 0 .*string/);
  throwsWith(() => grad((v: NDArray) => v.sum())('abc' as unknown as NDArray), TypeError, /grad: argument 0 .*string/);
  throwsWith(() => makeJaxpr((v: NDArray) => v)('abc' as unknown as NDArray), TypeError, /makeJaxpr: argument 0 .*string/);
  throwsWith(() => valueAndGrad('abc' as unknown as () => NDArray), TypeError, /valueAndGrad: expected .*function.*got string/);
  throwsWith(() => jit(42 as unknown as () => NDArray), TypeError, /jit: expected .*function.*got number/);
  throwsWith(() => jit((v: NDArray) => { v.itemSync(); return v; })(np.ones([])), ConcretizationError, /itemSync\(\)/);
  let leaked: NDArray | null = null;
  jit((v: NDArray) => { leaked = v; return v; })(np.ones([2]));
  throwsWith(() => leaked!.add(1), LeakedTracerError, /from a `jit` transformation/);
  let leaked2: NDArray | null = null;
  makeJaxpr((v: NDArray) => { leaked2 = v; return v; })(np.ones([2]));
  throwsWith(() => leaked2!.add(1), LeakedTracerError, /from a `makeJaxpr` transformation/);
});

// ---- 7. conversions ----------------------------------------------------------------------------------
test('7: float to int truncates toward zero (NumPy); out-of-range JS integers are an OverflowError', () => {
  assert.equal(vals(np.array([1.5, -1.5, 2.9], { dtype: 'int32' })), [1, -1, 2]);
  throwsWith(() => np.array([3e9], { dtype: 'int32' }), OverflowError, /array: .*3000000000 .*out of bounds for int32/);
  throwsWith(() => np.array([-1], { dtype: 'uint32' }), OverflowError, /array: .*-1 .*out of bounds for uint32/);
  throwsWith(() => np.full([2], 2 ** 31, { dtype: 'int32' }), OverflowError, /full: .*2147483648 .*int32/);
  throwsWith(() => np.array([1, 2], { dtype: 'int32' }).add(3e9), OverflowError, /3000000000 .*int32/);
  throwsWith(() => np.array([NaN], { dtype: 'int32' }), OverflowError, /NaN .*int32/);
  assert.equal(vals(np.array([4294967295], { dtype: 'uint32' })), [4294967295]);
  assert.equal(vals(np.array([-2147483648, 2147483647], { dtype: 'int32' })), [-2147483648, 2147483647]);
  // astype of arrays follows convert_element_type: truncation toward zero.
  assert.equal(vals(np.array([2.7, -2.7]).astype('int32')), [2, -2]);
});

// ---- 8. JS coercions of a tracer ---------------------------------------------------------------------
test('8: JS coercions of a traced value raise the ConcretizationError naming lax.cond / lax.whileLoop', () => {
  const cases: [string, (x: NDArray) => unknown][] = [
    ['x > 0', (x) => (x as unknown as number) > 0],
    ['+x', (x) => +(x as unknown as number)],
    ['`${x}`', (x) => `${x}`],
    ['Number(x)', (x) => Number(x)],
    ['String(x)', (x) => String(x)],
    ['x + 1', (x) => (x as unknown as number) + 1],
  ];
  for (const [what, coerce] of cases) {
    throwsWith(() => jit((x: NDArray) => { coerce(x); return x; })(np.ones([])), ConcretizationError, /lax\.cond.*lax\.whileLoop|lax\.whileLoop.*lax\.cond/);
    throwsWith(() => makeJaxpr((x: NDArray) => { coerce(x); return x; })(np.ones([])), ConcretizationError, /abstract f32\[\]/);
    void what;
  }
  // toString() on a tracer describes it (for console output) rather than throwing.
  makeJaxpr((x: NDArray) => { assert.match(x.toString(), /Traced<f32\[\]> with jit|Traced<f32\[\]> with makeJaxpr/); return x; })(np.ones([]));
  // Concrete values still coerce, and values under jvp (concrete underneath) too.
  assert.is(+(np.array(2) as unknown as number), 2);
  assert.ok((np.array(3) as unknown as number) > 2);
  jvp((x: NDArray) => { assert.ok((x as unknown as number) > 0); return x; }, [np.array(1)], [np.array(1)]);
  void lax;
});

// ---- 9. out-of-range traced indices in updates --------------------------------------------------
test('9: updates at out-of-range traced indices are dropped (JAX); gathers clamp; mode chooses', () => {
  const i32 = (v: number | number[]) => np.array(v, { dtype: 'int32' });
  const set1 = jit((x: NDArray, i: NDArray) => x.at(i).set(1));
  assert.equal(vals(set1(np.zeros([3]), i32(7))), [0, 0, 0]);
  assert.equal(vals(set1(np.zeros([3]), i32(-1))), [0, 0, 1], 'negative indices in range still wrap');
  assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i).add(1))(np.zeros([3]), i32([0, 7, -1, -4]))), [1, 0, 1]);
  assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i, ':').set(5))(np.zeros([3, 2]), i32([1, 9]))), [0, 0, 5, 5, 0, 0]);
  assert.equal(vals(jit((x: NDArray, i: NDArray, j: NDArray) => x.at(i, j).set(5))(np.zeros([3, 2]), i32([1, 2]), i32([1, 5]))), [0, 0, 0, 5, 0, 0]);
  for (const mode of ['clip', 'promise_in_bounds'] as const) {
    assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i).set(1, { mode }))(np.zeros([3]), i32(7))), [0, 0, 1], mode);
  }
  assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i).set(1, { mode: 'fill' }))(np.zeros([3]), i32(7))), [0, 0, 0]);
  // Gathers clamp, as JAX's; mode 'fill' gives the fill value (NaN for floats by default), as does np.take.
  assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i).get())(np.arange(3), i32(7))), [2]);
  const filled = vals(jit((x: NDArray, i: NDArray) => x.at(i).get({ mode: 'fill' }))(np.arange(3).astype('float32'), i32([1, 7])));
  assert.is(filled[0], 1);
  assert.ok(Number.isNaN(filled[1]!));
  assert.equal(vals(jit((x: NDArray, i: NDArray) => x.at(i).get({ mode: 'fill', fillValue: -5 }))(np.arange(3), i32([2, -9]))), [2, -5]);
  assert.equal(vals(jit((x: NDArray, i: NDArray) => np.take(x, i, { mode: 'fill', fillValue: 9 }))(np.arange(3), i32([0, 3]))), [0, 9]);
  assert.equal(vals(jit((x: NDArray, i: NDArray) => np.take(x, i, { mode: 'promise_in_bounds' }))(np.arange(3), i32([0, 3]))), [0, 2]);
  // Eager (concrete) indices out of range still raise; a bad mode is a TypeError.
  throwsWith(() => np.zeros([3]).at(i32(7)).set(1), Error, /index 7 is out of bounds for axis 0 with size 3/);
  throwsWith(() => np.zeros([3]).at(0).set(1, { mode: 'wrap' as 'clip' }), TypeError, /at\(\.\.\.\)\.set: mode must be/);
  // The gradient of a dropped update: none reaches the dropped values.
  const g = jit(grad((v: NDArray, i: NDArray) => np.zeros([3]).at(i).set(v).sum()));
  assert.equal(vals(g(np.array([2, 3]), i32([0, 9])) as NDArray), [1, 0]);
});

test.run();
