// vmap: every primitive-table row batched (first/last/mixed axes, eager and jit) against a loop,
// composition with grad/jvp/jit/custom rules/random, pytree axes, iteration, and the errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  np, vmap, jit, grad, jvp, vjp, makeJaxpr, customJvp, customVjp, random, ShapeError, lax,
} from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive, Params } from '../src/core/primitives.js';
import { batchRules } from '../src/transforms/batch-rules.js';
import { mismatch, PRIMITIVE_CASES } from './helpers/primitive-cases.js';
import { mappingsFor, runRowUnderVmap } from './helpers/vmap-cases.js';
import { expectError } from './helpers/expect.js';

const same = (a: NDArray, b: NDArray, what: string, tol = { rtol: 1e-6, atol: 1e-6 }) => {
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  assert.is(a.dtype, b.dtype, `${what}: dtype`);
  const bad = mismatch(a.dataSync(), b.dataSync(), b.dtype, tol);
  if (bad) assert.unreachable(`${what}: ${bad}`);
};
const randn = (seed: number, shape: number[]) => random.normal(random.key(seed), shape);
const stackLoop = (n: number, f: (i: number) => NDArray) => np.stack(Array.from({ length: n }, (_, i) => f(i)), 0);

// ---- the primitive table -----------------------------------------------------------------------
test('every primitive has a batching rule', () => {
  for (const p of Object.keys(batchRules)) assert.type(batchRules[p as keyof typeof batchRules], 'function');
});

for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as (typeof PRIMITIVE_CASES)[ArrayPrimitive]) {
    const ms = mappingsFor(c.inputs.length);
    for (const m of ms) {
      // Under jit, the last axis and the mixed mapping (eagerly, every mapping).
      for (const useJit of m === ms[ms.length - 1] || m.name === 'all at the last axis' ? [false, true] : [false]) {
        test(`vmap ${prim}: ${c.name}, ${m.name}${useJit ? ', jit' : ''}`, () => {
          const { batched, loop, tol } = runRowUnderVmap(prim, c as never, m, useJit);
          assert.is(batched.length, loop.length, 'number of outputs');
          loop.forEach((l, k) => same(batched[k]!, l, `output ${k}`, tol));
        });
      }
    }
  }
}

// ---- what stays unbatched ------------------------------------------------------------------------
test('unmapped weights are not broadcast: x·W keeps W as it is', () => {
  const W = randn(1, [4, 5]);
  const j = makeJaxpr(vmap((x: NDArray, w: NDArray) => np.tanh(x.matmul(w)), { inAxes: [0, null] }))(randn(2, [7, 4]), W);
  const wVar = j.jaxpr.invars[1];
  for (const e of j.jaxpr.eqns) {
    if (e.inputs.includes(wVar!)) assert.is(e.primitive, 'dot_general', `W feeds ${e.primitive}`);
    for (const o of e.outvars) assert.ok(o.aval.size <= 7 * 5, `an equation makes ${o.aval.str()}`);
  }
});
test('a computation on unmapped values only runs once, unbatched', () => {
  const W = randn(1, [4, 4]);
  const j = makeJaxpr(vmap((x: NDArray, w: NDArray) => x.add(np.exp(w).sum(0)), { inAxes: [0, null] }))(randn(2, [6, 4]), W);
  const exp = j.jaxpr.eqns.find((e) => e.primitive === 'exp')!;
  assert.equal([...exp.outvars[0]!.aval.shape], [4, 4]);
});

// ---- axes, pytrees, sizes ----------------------------------------------------------------------------
test('inAxes and outAxes: negative axes, pytree prefixes, null, axisSize', () => {
  const x = randn(3, [2, 3, 4]);
  const f = (a: NDArray) => a.sum();
  same(vmap(f, { inAxes: -1 })(x) as NDArray, x.sum({ axis: [0, 1] }), 'inAxes -1');
  same(vmap(f, { inAxes: 1 })(x) as NDArray, x.sum({ axis: [0, 2] }), 'inAxes 1');
  const g = (a: NDArray) => a.mul(2);
  same(vmap(g, { inAxes: 1, outAxes: -1 })(x) as NDArray, np.moveaxis(x.mul(2), 1, -1), 'outAxes -1');
  // A pytree argument with per-leaf axes, and an object output with per-key outAxes.
  const p = { w: randn(4, [5, 3]), b: randn(5, [3]) };
  const xs = randn(6, [5, 3]);
  const h = (params: { w: NDArray; b: NDArray }, xi: NDArray) => ({ y: params.w.mul(xi).add(params.b), s: params.b.sum() });
  const out = vmap(h, { inAxes: [{ w: 0, b: null }, 0], outAxes: { y: 1, s: null } })(p, xs) as { y: NDArray; s: NDArray };
  same(out.y, np.moveaxis(p.w.mul(xs).add(p.b), 0, 1), 'object out y');
  same(out.s, p.b.sum(), 'unbatched output with outAxes null');
  // Nothing mapped: axisSize says how many lanes; the output is repeated.
  same(vmap(() => np.arange(3), { inAxes: [], axisSize: 2 })() as NDArray, np.stack([np.arange(3), np.arange(3)]), 'axisSize');
  // JS numbers are unmapped leaves.
  same(vmap((a: NDArray, s: number) => a.mul(s), { inAxes: [0, null] })(x, 3) as NDArray, x.mul(3), 'number leaf');
});

test('nested vmap: an outer product and a closure over the outer lane', () => {
  const a = randn(7, [3]), b = randn(8, [4]);
  const outer = vmap((ai: NDArray) => vmap((bj: NDArray) => ai.mul(bj))(b))(a) as NDArray;
  same(outer, np.outer(a, b), 'outer product');
  const x = randn(9, [2, 3, 4]);
  const inner = vmap(vmap((v: NDArray) => np.sin(v).sum(), { inAxes: 1 }), { inAxes: 2, outAxes: 1 })(x) as NDArray;
  same(inner, np.sin(x).sum(0), 'two levels, different axes');
  const triple = vmap(vmap(vmap((v: NDArray) => v.mul(v))))(x) as NDArray;
  same(triple, x.mul(x), 'three levels');
});

// ---- composition -----------------------------------------------------------------------------------
const W1 = randn(10, [4, 6]), W2 = randn(11, [6, 2]);
const loss = (w1: NDArray, x: NDArray, y: NDArray) => np.tanh(x.matmul(w1)).matmul(W2).sub(y).square().sum();
const X = randn(12, [5, 4]), Y = randn(13, [5, 2]);

test('vmap(grad) = a loop of grad (per-example gradients), eager and jit', () => {
  const perExample = vmap(grad(loss), { inAxes: [null, 0, 0] });
  const loop = stackLoop(5, (i) => grad(loss)(W1, X.get(i), Y.get(i)) as NDArray);
  same(perExample(W1, X, Y) as NDArray, loop, 'vmap(grad)', { rtol: 1e-5, atol: 1e-6 });
  same(jit(perExample)(W1, X, Y) as NDArray, loop, 'jit(vmap(grad))', { rtol: 1e-5, atol: 1e-6 });
});
test('grad(vmap) = the sum of per-lane gradients', () => {
  const total = (w1: NDArray) => (vmap(loss, { inAxes: [null, 0, 0] })(w1, X, Y) as NDArray).sum();
  const loop = Array.from({ length: 5 }, (_, i) => grad(loss)(W1, X.get(i), Y.get(i)) as NDArray).reduce((a, b) => a.add(b));
  same(grad(total)(W1) as NDArray, loop, 'grad∘vmap', { rtol: 1e-5, atol: 1e-5 });
  const batchedX = (x: NDArray) => (vmap((xi: NDArray, yi: NDArray) => loss(W1, xi, yi))(x, Y) as NDArray).sum();
  same(grad(batchedX)(X) as NDArray, stackLoop(5, (i) => grad((xi: NDArray) => loss(W1, xi, Y.get(i)))(X.get(i)) as NDArray), 'grad wrt the mapped argument', { rtol: 1e-5, atol: 1e-6 });
});
test('vmap(jvp) and jvp(vmap)', () => {
  const f = (x: NDArray) => np.sin(x).mul(x.sum());
  const xs = randn(14, [3, 4]), ts = randn(15, [3, 4]);
  const [po, to] = vmap((x: NDArray, t: NDArray) => jvp(f, [x], [t]))(xs, ts) as [NDArray, NDArray];
  same(po, stackLoop(3, (i) => f(xs.get(i))), 'primal');
  same(to, stackLoop(3, (i) => jvp(f, [xs.get(i)], [ts.get(i)])[1] as NDArray), 'tangent', { rtol: 1e-5, atol: 1e-6 });
  const [, t2] = jvp(vmap(f), [xs], [ts]);
  same(t2 as NDArray, to, 'jvp∘vmap', { rtol: 1e-5, atol: 1e-6 });
  // A tangent for all lanes at once with an unmapped primal.
  const x0 = xs.get(0);
  const pushed = vmap((t: NDArray) => jvp(f, [x0], [t])[1])(ts) as NDArray;
  same(pushed, stackLoop(3, (i) => jvp(f, [x0], [ts.get(i)])[1] as NDArray), 'unmapped primal', { rtol: 1e-5, atol: 1e-6 });
});
test('vmap(jit(f)) is one jitted call of the batched jaxpr; jit(vmap(f)) one program', () => {
  const f = jit((x: NDArray, w: NDArray) => np.tanh(x.matmul(w)).sum());
  const xs = randn(16, [6, 4]);
  const j = makeJaxpr(vmap(f, { inAxes: [0, null] }))(xs, W1);
  assert.equal(j.jaxpr.eqns.map((e) => e.primitive), ['jit']);
  const inner = (j.jaxpr.eqns[0]!.params as Params<"jit">).jaxpr;
  assert.equal([...inner.outAvals[0]!.shape], [6]);
  same(vmap(f, { inAxes: [0, null] })(xs, W1) as NDArray, stackLoop(6, (i) => f(xs.get(i), W1)), 'values', { rtol: 1e-5, atol: 1e-6 });
  const jv = jit(vmap((x: NDArray) => np.exp(x).sum()));
  same(jv(xs) as NDArray, np.exp(xs).sum(1), 'jit∘vmap');
  assert.is(jv.cacheSize, 1);
});
test('vmap(jit(f, {donateArgnums})) keeps the donation: the batched update is written in place and the donated array disposed', () => {
  const update = jit((w: NDArray, g: NDArray) => w.sub(g.mul(0.1)), { donateArgnums: 0 });
  const ws = randn(18, [5, 4, 3]), gs = randn(19, [5, 4, 3]);
  const want = ws.sub(gs.mul(0.1));
  const before = (ws as unknown as { buffer: { data: Float32Array } }).buffer.data;
  const out = vmap(update)(ws, gs) as NDArray;
  same(out, want, 'values');
  assert.ok((ws as unknown as { isDisposed: boolean }).isDisposed, 'the donated array is disposed');
  assert.ok((out as unknown as { buffer: { data: Float32Array } }).buffer.data === before, 'the result is written over the donated buffer');
  assert.not.ok((gs as unknown as { isDisposed: boolean }).isDisposed, 'the other argument is kept');
  // Mapped along another axis: the transposed copy is what is donated; the caller's array stays.
  const wt = randn(20, [4, 5, 3]);
  same(vmap(update, { inAxes: [1, 0] })(wt, gs) as NDArray, np.transpose(wt, [1, 0, 2]).sub(gs.mul(0.1)), 'values, axis 1');
});
test('vmap∘grad∘jit and grad∘vmap∘jit', () => {
  const f = jit((w: NDArray, x: NDArray) => np.tanh(x.matmul(w)).sum());
  const xs = randn(17, [3, 4]);
  same(vmap(grad(f), { inAxes: [null, 0] })(W1, xs) as NDArray, stackLoop(3, (i) => grad(f)(W1, xs.get(i)) as NDArray), 'vmap∘grad∘jit', { rtol: 1e-5, atol: 1e-6 });
  const total = (w: NDArray) => (vmap(f, { inAxes: [null, 0] })(w, xs) as NDArray).sum();
  same(grad(total)(W1) as NDArray, grad((w: NDArray) => f(w, xs.get(0)).add(f(w, xs.get(1))).add(f(w, xs.get(2))))(W1) as NDArray, 'grad∘vmap∘jit', { rtol: 1e-5, atol: 1e-5 });
});

test('customJvp and customVjp functions batch their function and their rules', () => {
  let jvpCalls = 0, bwdCalls = 0;
  const softplus = customJvp((x: NDArray) => np.log1p(np.exp(x))).defJvp(([x], [t]) => {
    jvpCalls++;
    return [np.log1p(np.exp(x as NDArray)), (t as NDArray).mul(np.sigmoid(x as NDArray))];
  });
  const clipGrad = customVjp((x: NDArray) => x.mul(x)).defVjp((x) => [x.mul(x), x], (x, g) => { bwdCalls++; return [(g as NDArray).mul(x as NDArray).mul(2).clip(-1, 1)]; });
  const xs = randn(18, [4, 3]).mul(2);
  same(vmap(softplus)(xs) as NDArray, np.log1p(np.exp(xs)), 'custom_jvp forward');
  const g1 = vmap(grad((x: NDArray) => (softplus(x) as NDArray).sum()))(xs) as NDArray;
  same(g1, np.sigmoid(xs), 'vmap∘grad of customJvp', { rtol: 1e-5, atol: 1e-6 });
  const g2 = grad((x: NDArray) => (vmap(softplus)(x) as NDArray).sum())(xs) as NDArray;
  same(g2, np.sigmoid(xs), 'grad∘vmap of customJvp', { rtol: 1e-5, atol: 1e-6 });
  assert.ok(jvpCalls > 0, 'the user JVP rule ran');
  const loopClip = stackLoop(4, (i) => grad((x: NDArray) => (clipGrad(x) as NDArray).sum())(xs.get(i)) as NDArray);
  same(vmap(grad((x: NDArray) => (clipGrad(x) as NDArray).sum()))(xs) as NDArray, loopClip, 'vmap∘grad of customVjp');
  const before = bwdCalls;
  same(grad((x: NDArray) => (vmap(clipGrad)(x) as NDArray).sum())(xs) as NDArray, loopClip, 'grad∘vmap of customVjp');
  assert.ok(bwdCalls > before, 'the user bwd ran');
  // An unmapped input of a customVjp call gets its cotangent summed over the lanes.
  const scale = customVjp((a: NDArray, x: NDArray) => a.mul(x)).defVjp((a, x) => [a.mul(x), [a, x]], (r, g) => {
    const [a, x] = r as [NDArray, NDArray];
    return [(g as NDArray).mul(x), (g as NDArray).mul(a)];
  });
  const a = randn(19, [3]);
  const ga = grad((av: NDArray) => (vmap(scale, { inAxes: [null, 0] })(av, xs) as NDArray).sum())(a) as NDArray;
  same(ga, xs.sum(0), 'cotangent of an unmapped input', { rtol: 1e-5, atol: 1e-6 });
});

test('custom_lin batches: vmap of a forward-mode call of a customVjp function gives the clear error, batched', () => {
  const cube = customVjp((x: NDArray) => x.mul(x).mul(x)).defVjp((x) => [x.mul(x).mul(x), x], (x, g) => [(g as NDArray).mul(3).mul(x as NDArray).mul(x as NDArray)]);
  expectError(() => vmap((x: NDArray) => jvp(cube, [x], [np.onesLike(x)])[1])(np.ones([3, 2])), Error, /forward-mode differentiation \(jvp\) of a customVjp function is not supported/);
});

test('random functions over split keys: each lane gets exactly its key\'s draw', () => {
  const keys = random.split(random.key(42), 4);
  const draws: [string, (k: NDArray) => NDArray][] = [
    ['normal', (k) => random.normal(k, [3])],
    ['uniform', (k) => random.uniform(k, [2, 2])],
    ['randint', (k) => random.randint(k, [5], 0, 10)],
    ['bernoulli', (k) => random.bernoulli(k, 0.3, [4])],
    ['split', (k) => random.split(k)],
    ['permutation', (k) => random.permutation(k, 6)],
  ];
  for (const [name, draw] of draws) {
    same(vmap(draw)(keys) as NDArray, stackLoop(4, (i) => draw(keys.get(i))), name);
    same(jit(vmap(draw))(keys) as NDArray, stackLoop(4, (i) => draw(keys.get(i))), `jit ${name}`);
  }
});

// ---- iteration ------------------------------------------------------------------------------------------
test('arrays iterate over their first axis; a 0-d array throws a TypeError', () => {
  const [k1, k2] = random.split(random.key(0));
  same(k1!, random.split(random.key(0)).get(0), 'k1');
  same(k2!, random.split(random.key(0)).get(1), 'k2');
  const x = np.arange(6).reshape(3, 2);
  const rows: number[][] = [];
  for (const r of x) rows.push(Array.from(r.dataSync()));
  assert.equal(rows, [[0, 1], [2, 3], [4, 5]]);
  assert.is([...np.zeros([0, 2])].length, 0);
  expectError(() => [...np.array(1)], TypeError, /0-d array/);
  // Traced values iterate too (their shapes are known).
  same(jit((m: NDArray) => { const [a, b] = m; return a!.add(b!); })(np.arange(4).reshape(2, 2)) as NDArray, np.array([2, 4]).astype('int32'), 'tracer under jit');
  same(vmap((m: NDArray) => { const [a, b] = m; return a!.sub(b!); })(np.arange(8).reshape(2, 2, 2)) as NDArray, np.array([[-2, -2], [-2, -2]]).astype('int32'), 'tracer under vmap');
});

// ---- errors ---------------------------------------------------------------------------------------------
test('errors: mismatched sizes name each argument\'s path and size', () => {
  const f = (a: NDArray, p: { w: NDArray }) => a.add(p.w);
  expectError(() => vmap(f)(np.zeros([3, 2]), { w: np.zeros([4, 2]) }), ShapeError, /args\[0\] has size 3 along axis 0.*args\[1\]\.w has size 4 along axis 0/);
  expectError(() => vmap((a: NDArray) => a, { axisSize: 5 })(np.zeros([3])), ShapeError, /axisSize 5.*args\[0\] has size 3/);
});
test('errors: an inAxes tree that does not match the arguments says where', () => {
  const f = (a: NDArray, b: NDArray) => a.add(b);
  expectError(() => vmap(f, { inAxes: [0] })(np.zeros([2]), np.zeros([2])), TypeError, /inAxes is a list of length 1.*args is a list of length 2/);
  expectError(() => vmap((p: { w: NDArray }) => p.w, { inAxes: [{ v: 0 }] })({ w: np.zeros([2]) }), TypeError, /inAxes\[0\].*keys \{v\}.*args\[0\].*keys \{w\}/);
  expectError(() => vmap(f, { inAxes: [0, [0]] })(np.zeros([2]), np.zeros([2])), TypeError, /inAxes\[1\] is a list of length 1, but args\[1\] is a leaf/);
  expectError(() => vmap(f, { inAxes: [0, 'a' as never] })(np.zeros([2]), np.zeros([2])), TypeError, /inAxes\[1\] must be a number, null/);
});
test('errors: an out-of-range axis names it', () => {
  expectError(() => vmap((a: NDArray) => a, { inAxes: 2 })(np.zeros([3, 2])), RangeError, /inAxes 2 for args\[0\] \(f32\[3,2\]\) is out of range.*\[-2, 2\)/);
  expectError(() => vmap((a: NDArray) => a, { inAxes: -3 })(np.zeros([3, 2])), RangeError, /inAxes -3/);
  expectError(() => vmap((a: NDArray) => a, { inAxes: 0 })(3 as never), RangeError, /inAxes 0 for args\[0\] \(i32\[\]\)/);
  expectError(() => vmap((a: NDArray) => a.sum(), { outAxes: 1 })(np.zeros([3, 2])), RangeError, /outAxes 1 for output \(f32\[\]\) is out of range/);
  expectError(() => vmap((a: NDArray) => a, { outAxes: null })(np.zeros([3])), TypeError, /outAxes for output is null, but that output depends on the mapped axis/);
  expectError(() => vmap((a: NDArray) => a, { inAxes: null })(np.zeros([3])), TypeError, /no argument is mapped.*axisSize/);
  expectError(() => vmap(3 as never), TypeError, /vmap: expected the function to transform \(a function\), got number 3/);
});
test('errors: a tracer leaked out of vmap is named', () => {
  let leaked: NDArray | null = null;
  vmap((a: NDArray) => { leaked = a; return a; })(np.zeros([3]));
  expectError(() => np.sin(leaked!), Error, /vmap/);
});

test('vjp under vmap: per-lane cotangents', () => {
  const f = (x: NDArray) => np.sin(x).mul(2);
  const x = randn(20, [4]);
  const [, back] = vjp(f, x);
  const cts = randn(21, [3, 4]);
  same(vmap((c: NDArray) => back(c)[0] as NDArray)(cts) as NDArray, stackLoop(3, (i) => back(cts.get(i))[0] as NDArray), 'vmap of a vjp function');
  void lax;
});

test.run();
