// Control flow on the CPU: cond/switch, scan/map, whileLoop/foriLoop and checkpoint against JS
// references (scan bit for bit against the unrolled loop), eager and under jit, their gradients
// against unrolled programs, the printed jaxprs, and the errors for bad programs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { checkpoint, grad, jit, jvp, lax, makeJaxpr, np, random, valueAndGrad, vjp, vmap } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const key = random.key(0);
const keys = random.split(key, 3);
const [k1, k2, k3] = [keys.get(0), keys.get(1), keys.get(2)];
const W = random.normal(k1!, [4, 4]).mul(0.5);
const xs = random.normal(k2!, [6, 2, 4]);
const h0 = random.normal(k3!, [2, 4]);

const values = (x: NDArray) => Array.from(x.dataSync());
const bits = (x: NDArray) => Array.from(new Uint32Array(new Float32Array(x.dataSync()).buffer));
const close = (a: NDArray, b: NDArray, tol: number, what: string) => {
  const x = values(a), y = values(b);
  assert.is(x.length, y.length, what);
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}: element ${i}: ${v} vs ${y[i]}`));
};

const cell = (h: NDArray, x: NDArray) => np.tanh(h.matmul(W).add(x));
const rnnScan = (h: NDArray, seq: NDArray) => lax.scan((c: NDArray, x: NDArray) => { const n = cell(c, x); return [n, n.sum({ axis: 1 })] as const; }, h, seq);
const rnnUnrolled = (h: NDArray, seq: NDArray): [NDArray, NDArray] => {
  const ys: NDArray[] = [];
  for (let t = 0; t < seq.shape[0]!; t++) { h = cell(h, seq.get(t)); ys.push(h.sum({ axis: 1 })); }
  return [h, np.stack(ys)];
};

// ---- forward values --------------------------------------------------------------------------------
test('scan equals the unrolled JS loop bit for bit, eager and under jit', () => {
  const [hu, yu] = rnnUnrolled(h0, xs);
  const [he, ye] = rnnScan(h0, xs);
  const [hj, yj] = jit(rnnScan)(h0, xs);
  for (const [a, b, what] of [[he, hu, 'eager carry'], [ye, yu, 'eager ys'], [hj, hu, 'jit carry'], [yj, yu, 'jit ys']] as const) {
    assert.equal(a.shape, b.shape, what);
    assert.equal(bits(a), bits(b), what);
  }
});

test('the CPU compiler emits the loop, calling the compiled body (no interpreted calls)', () => {
  const text = jit(rnnScan).lower(h0, xs).compiledText();
  assert.match(text, /function scan\d+\(B, /);
  assert.match(text, /for \(let it = 0; it < 6; it\+\+\)/);
  assert.match(text, /X\.bodies\[0\]\[0\] \(scan\):/);
  assert.not.match(text, /X\.call\(/);
  const unrolled = jit((h: NDArray, s: NDArray) => lax.scan((c: NDArray, x: NDArray) => [cell(c, x), c] as const, h, s, { unroll: 4 }));
  assert.match(unrolled.lower(h0, xs).compiledText(), /unroll=4/);
  const [hu, yu] = unrolled(h0, xs);
  const [hr, yr] = lax.scan((c: NDArray, x: NDArray) => [cell(c, x), c] as const, h0, xs);
  assert.equal(bits(hu), bits(hr));
  assert.equal(bits(yu), bits(yr));
  const c = jit((p: NDArray, x: NDArray) => lax.cond(p, (a: NDArray) => a.sin(), (a: NDArray) => a.cos(), x)).lower(np.array(true), xs).compiledText();
  assert.match(c, /X\.bodies\[0\]\[Math\.min\(Math\.max\(/);
  const w = jit((n: NDArray) => lax.whileLoop((v: NDArray) => v.lt(100), (v: NDArray) => v.mul(2), n)).lower(np.array(3)).compiledText();
  assert.match(w, /function while\d+\(C, B, /);
  assert.not.match(c + w, /X\.call\(/);
});

test('dead code: unread scan ys and carries, cond outputs and while carries are pruned inside the bodies', () => {
  // h reads n through the body (n stays); junk and the exp ys are read by nobody (both go).
  const f = (h: NDArray, seq: NDArray) => {
    const [[hT], ys] = lax.scan(([c, n, junk]: [NDArray, NDArray, NDArray], x: NDArray) =>
      [[cell(c, x).mul(n), n, junk.add(x.sum())], [c.sum({ axis: 1 }), x.exp()]] as const, [h, np.array(1), np.array(0)], seq);
    return [hT, ys[0]] as const;
  };
  const low = jit(f).lower(h0, xs);
  const eqn = low.jaxpr.jaxpr.eqns.find((e) => e.primitive === 'scan')!;
  const p = eqn.params as unknown as { numCarry: number; numConsts: number; jaxpr: { jaxpr: { outs: unknown[]; eqns: { primitive: string }[] } } };
  assert.is(p.numCarry, 2, 'carries kept: h and n');
  assert.is(eqn.outvars.length, 3, 'outputs: 2 carries + 1 ys');
  assert.is(p.jaxpr.jaxpr.outs.length, 3);
  assert.not.ok(p.jaxpr.jaxpr.eqns.some((e) => e.primitive === 'exp'), 'the unread ys are not computed');
  const [a, b] = f(h0, xs), [c, d] = jit(f)(h0, xs);
  assert.equal(bits(c), bits(a));
  assert.equal(bits(d), bits(b));
  // cond: the unread cos output and the operand only it reads leave every branch.
  const g = (pr: NDArray, x: NDArray, y: NDArray) => lax.cond(pr, (u: NDArray, v: NDArray) => [u.sin(), v.cos()] as const, (u: NDArray, v: NDArray) => [u.cos(), v.sin()] as const, x, y)[0];
  const ce = jit(g).lower(np.array(true), h0, W).jaxpr.jaxpr.eqns.find((e) => e.primitive === 'cond')!;
  assert.is(ce.outvars.length, 1);
  assert.is(ce.inputs.length, 2, 'index and the one operand read');
  close(jit(g)(np.array(false), h0, W), h0.cos(), 1e-6, 'cond after DCE');
  // while: the carry nobody reads after the loop, and that neither condition nor body needs, goes.
  const w = (n: NDArray, z: NDArray) => lax.whileLoop(([i]: [NDArray, NDArray]) => i.lt(10), ([i, k]: [NDArray, NDArray]) => [i.add(1), k.mul(2)] as [NDArray, NDArray], [n, z] as [NDArray, NDArray])[0];
  const we = jit(w).lower(np.array(0), h0).jaxpr.jaxpr.eqns.find((e) => e.primitive === 'while')!;
  assert.is(we.outvars.length, 1);
  assert.is(jit(w)(np.array(3), h0).itemSync(), 10);
});

test('the CPU scan body writes its new carry over the old (carries donated to the body), never over the caller\'s init', () => {
  const f = jit((h: NDArray, s: NDArray) => lax.scan((c: NDArray, x: NDArray) => [c.mul(0.5).add(x), x.sum()] as const, h, s));
  const text = f.lower(h0, xs).compiledText();
  const body = text.slice(text.indexOf('X.bodies[0][0] (scan)'));
  assert.match(body, /X\.own\(inputs, 0\)/, 'the body owns its carry input');
  assert.match(body, /written in place/);
  const before = bits(h0);
  const [hT, ys] = f(h0, xs);
  assert.equal(bits(h0), before, 'the init carry is untouched');
  let h = h0;
  const want: NDArray[] = [];
  for (let t = 0; t < 6; t++) { want.push(xs.get(t).sum()); h = h.mul(0.5).add(xs.get(t)); }
  assert.equal(bits(hT), bits(h));
  assert.equal(bits(ys), bits(np.stack(want)));
  // A carry passed twice (the same array as two inits) is still two carries.
  const g = jit((a: NDArray, s: NDArray) => lax.scan(([p, q]: [NDArray, NDArray], x: NDArray) => [[p.add(x), q.sub(x)] as [NDArray, NDArray], null] as const, [a, a] as [NDArray, NDArray], s)[0]);
  const [p, q] = g(h0, xs);
  assert.equal(bits(p), bits(lax.scan((c: NDArray, x: NDArray) => [c.add(x), null] as const, h0, xs)[0]));
  assert.equal(bits(q), bits(lax.scan((c: NDArray, x: NDArray) => [c.sub(x), null] as const, h0, xs)[0]));
});

test('scan: reverse, pytrees of carries and xs, xs null with length, lax.map', () => {
  const seq = np.arange(5).astype('float32');
  const [c, ys] = lax.scan((acc: { s: NDArray; n: NDArray }, x: [NDArray, NDArray]) => [{ s: acc.s.add(x[0].mul(x[1])), n: acc.n.add(1) }, acc.s] as const,
    { s: np.zeros([]), n: np.zeros([], { dtype: 'int32' }) }, [seq, seq.add(1)], { reverse: true });
  assert.is(c.s.itemSync(), 0 * 1 + 1 * 2 + 2 * 3 + 3 * 4 + 4 * 5);
  assert.is(c.n.itemSync(), 5);
  // Reverse: ys[t] is the carry before step t, stepping from the end.
  assert.equal(values(ys), [40, 38, 32, 20, 0]);
  const [count] = lax.scan((n: NDArray) => [n.mul(2), null] as const, np.ones([]), null, { length: 10 });
  assert.is(count.itemSync(), 1024);
  assert.equal(values(lax.map((x: NDArray) => x.mul(x), seq)), [0, 1, 4, 9, 16]);
  const [n0, y0] = lax.scan((c2: NDArray, x: NDArray) => [c2, x] as const, np.ones([]), np.zeros([0, 3]));
  assert.is(n0.itemSync(), 1);
  assert.equal(y0.shape, [0, 3]);
});

test('scan traces its body once, whatever the length', () => {
  let calls = 0;
  const f = (n: number) => lax.scan((c: NDArray, x: NDArray) => { calls++; return [c.add(x), c] as const; }, np.zeros([]), np.ones([n]));
  const jaxpr10 = makeJaxpr(() => f(10))().toString();
  const jaxpr1000 = makeJaxpr(() => f(1000))().toString();
  assert.is(calls, 2);
  assert.is(jaxpr10.split('\n').length, jaxpr1000.split('\n').length);
});

test('cond and switch: the branch taken, the index clamped, eager and under jit', () => {
  const x = np.array([1, -2, 3]);
  const pick = (p: NDArray) => lax.cond(p, (a: NDArray) => a.mul(2), (a: NDArray) => a.neg(), x);
  assert.equal(values(pick(np.array(true))), [2, -4, 6]);
  assert.equal(values(pick(np.array(false))), [-1, 2, -3]);
  assert.equal(values(jit(pick)(np.array(true))), [2, -4, 6]);
  assert.equal(values(jit(pick)(np.array(false))), [-1, 2, -3]);
  const branches = [(a: NDArray) => a, (a: NDArray) => a.add(10), (a: NDArray) => a.mul(a)];
  const sw = (i: NDArray) => lax.switch(i, branches, x);
  for (const [i, want] of [[-3, [1, -2, 3]], [0, [1, -2, 3]], [1, [11, 8, 13]], [2, [1, 4, 9]], [7, [1, 4, 9]]] as const) {
    assert.equal(values(sw(np.array(i, { dtype: 'int32' }))), [...want], `switch index ${i}`);
    assert.equal(values(jit(sw)(np.array(i, { dtype: 'int32' }))), [...want], `jit switch index ${i}`);
  }
  // A predicate computed inside jit, branches capturing traced values.
  const f = jit((a: NDArray, b: NDArray) => lax.cond(a.sum().gt(0), () => a.mul(b), () => a.sub(b)));
  assert.equal(values(f(x, np.array([2, 2, 2]))), [2, -4, 6]);
  assert.equal(values(f(x.neg(), np.array([2, 2, 2]))), [-3, 0, -5]);
});

test('whileLoop and foriLoop (static and traced bounds), eager and under jit', () => {
  const collatz = (n: NDArray) => lax.whileLoop(([v]: [NDArray, NDArray]) => v.gt(1),
    ([v, steps]: [NDArray, NDArray]) => [lax.select(v.mod(2).eq(0), v.div(2).astype('int32'), v.mul(3).add(1)), steps.add(1)] as [NDArray, NDArray],
    [n, np.array(0, { dtype: 'int32' })] as [NDArray, NDArray])[1];
  assert.is(collatz(np.array(27, { dtype: 'int32' })).itemSync(), 111);
  assert.is(jit(collatz)(np.array(27, { dtype: 'int32' })).itemSync(), 111);
  const sum = (lo: number | NDArray, hi: number | NDArray) => lax.foriLoop(lo, hi, (i: NDArray, acc: NDArray) => acc.add(i.mul(i)), np.array(0, { dtype: 'int32' }));
  assert.is(sum(0, 10).itemSync(), 285);
  assert.is(sum(3, 1).itemSync(), 0);
  assert.is(jit((hi: NDArray) => sum(0, hi))(np.array(10, { dtype: 'int32' })).itemSync(), 285);
  assert.ok(makeJaxpr((hi: NDArray) => sum(0, hi))(np.array(10, { dtype: 'int32' })).toString().includes('while['));
  assert.ok(makeJaxpr(() => sum(0, 10))().toString().includes('scan['));
});

// ---- derivatives -----------------------------------------------------------------------------------
const rnnLoss = (run: typeof rnnScan) => (w: NDArray, h: NDArray) => {
  const [hT, ys] = run(h, xs.mul(w.sum()));
  return hT.square().sum().add(ys.sum());
};

test('grad of scan matches grad of the unrolled loop, eager and jit(grad)', () => {
  const wScale = np.array([[0.3, 0.2], [0.1, 0.4]]);
  const gU = grad(rnnLoss(rnnUnrolled), { argnums: [0, 1] })(wScale, h0) as NDArray[];
  const gS = grad(rnnLoss(rnnScan), { argnums: [0, 1] })(wScale, h0) as NDArray[];
  const gJ = jit(grad(rnnLoss(rnnScan), { argnums: [0, 1] }))(wScale, h0) as NDArray[];
  const gJ2 = grad(jit(rnnLoss(rnnScan)), { argnums: [0, 1] })(wScale, h0) as NDArray[];
  gU.forEach((g, i) => {
    close(gS[i]!, g, 1e-5, `eager grad ${i}`);
    close(gJ[i]!, g, 1e-5, `jit(grad) ${i}`);
    close(gJ2[i]!, g, 1e-5, `grad(jit) ${i}`);
  });
});

test('grad of grad through scan and cond, under jit', () => {
  const f = (x: NDArray) => lax.scan((c: NDArray, t: NDArray) => [lax.cond(t.gt(1), (a: NDArray) => np.sin(a.mul(x)), (a: NDArray) => a.mul(x), c), null] as const, x, np.arange(4))[0];
  const unrolled = (x: NDArray) => { let c = x; for (let t = 0; t < 4; t++) c = t > 1 ? np.sin(c.mul(x)) : c.mul(x); return c; };
  const x = np.array(0.7);
  const want = grad(grad(unrolled))(x) as NDArray;
  close(grad(grad(f))(x) as NDArray, want, 1e-5, 'grad∘grad');
  close(jit(grad(grad(f)))(x) as NDArray, want, 1e-5, 'jit(grad∘grad)');
});

test('jvp and vjp of a jitted switch agree with the branch', () => {
  const f = jit((i: NDArray, x: NDArray): NDArray => lax.switch(i, [(a: NDArray) => a.sin(), (a: NDArray) => a.exp()], x));
  const x = np.array([0.1, 0.5]);
  const [, t] = jvp((a: NDArray) => f(np.array(1, { dtype: 'int32' }), a), [x], [np.ones([2])]);
  close(t as NDArray, np.exp(x), 1e-6, 'jvp');
  const [, back] = vjp((a: NDArray) => f(np.array(0, { dtype: 'int32' }), a), x);
  close((back(np.ones([2])) as NDArray[])[0]!, np.cos(x), 1e-6, 'vjp');
});

test('checkpoint: same values and gradients, the primal recomputed in the backward pass', () => {
  const layer = (w: NDArray, h: NDArray) => np.tanh(h.matmul(w)).mul(np.sin(h));
  const net = (ck: boolean, policy?: 'dots_saveable') => (w: NDArray) => {
    let h = h0;
    for (let i = 0; i < 3; i++) h = ck ? checkpoint(layer, { policy })(w, h) : layer(w, h);
    return h.sum();
  };
  const [v0, g0] = valueAndGrad(net(false))(W) as [NDArray, NDArray];
  for (const [name, f] of [['nothing saveable', net(true)], ['dots saveable', net(true, 'dots_saveable')]] as const) {
    const [v1, g1] = valueAndGrad(f)(W) as [NDArray, NDArray];
    assert.equal(bits(v1), bits(v0), `${name}: value`);
    close(g1, g0, 1e-6, `${name}: gradient`);
    close(jit(grad(f))(W) as NDArray, g0, 1e-6, `${name}: jit(grad)`);
  }
  // The backward pass of a checkpointed layer computes tanh (and sin) again; without, it does not.
  const count = (f: (w: NDArray) => NDArray, prim: string) => (makeJaxpr(grad(f))(W).toString().match(new RegExp(`= ${prim}[\\[ ]`, 'g')) ?? []).length;
  assert.is(count(net(false), 'tanh'), 3);
  assert.is(count(net(true), 'tanh'), 6);
  assert.is(count(net(true), 'dot_general') > count(net(true, 'dots_saveable'), 'dot_general'), true);
});

// ---- vmap -------------------------------------------------------------------------------------------
const lanes = (n: number, f: (i: number) => NDArray) => np.stack(Array.from({ length: n }, (_, i) => f(i)));

test('vmap of cond and switch: a predicate per lane selects, a shared one stays a cond', () => {
  const x = random.normal(k1!, [5, 3]);
  const f = (p: NDArray, a: NDArray) => lax.cond(p, (v: NDArray) => v.sin(), (v: NDArray) => v.mul(3), a);
  const preds = np.array([true, false, false, true, false]);
  for (const useJit of [false, true]) {
    const g = useJit ? jit(vmap(f)) : vmap(f);
    close(g(preds, x), lanes(5, (i) => f(preds.get(i), x.get(i))), 0, `per-lane predicate${useJit ? ', jit' : ''}`);
    close(vmap(f, { inAxes: [null, 0] })(np.array(true), x), x.sin(), 0, 'shared predicate');
  }
  assert.ok(makeJaxpr(vmap(f, { inAxes: [null, 0] }))(np.array(true), x).toString().includes('cond['));
  assert.not.ok(makeJaxpr(vmap(f))(preds, x).toString().includes('cond['));
  const sw = (i: NDArray, a: NDArray) => lax.switch(i, [(v: NDArray) => v, (v: NDArray) => v.exp(), (v: NDArray) => v.neg()], a);
  const idx = np.array([2, 0, 1, 7, -1], { dtype: 'int32' });
  close(vmap(sw)(idx, x), lanes(5, (i) => sw(idx.get(i), x.get(i))), 0, 'switch per lane');
  close(vmap(sw, { inAxes: [null, 1], outAxes: 1 })(np.array(1, { dtype: 'int32' }), x.T), x.exp().T, 0, 'switch shared, axis 1');
});

test('vmap of scan: batched xs (any axis), batched init, a carry batched by the body', () => {
  const seqs = random.normal(k2!, [3, 6, 2, 4]);
  for (const useJit of [false, true]) {
    const g = (h: NDArray, s: NDArray) => rnnScan(h, s);
    const run = useJit ? jit(vmap(g, { inAxes: [null, 0] })) : vmap(g, { inAxes: [null, 0] });
    const [hB, yB] = run(h0, seqs) as [NDArray, NDArray];
    close(hB, lanes(3, (i) => rnnScan(h0, seqs.get(i))[0]), 0, `carry${useJit ? ', jit' : ''}`);
    close(yB, lanes(3, (i) => rnnScan(h0, seqs.get(i))[1]), 0, `ys${useJit ? ', jit' : ''}`);
  }
  // Lanes along axis 2 of the sequence, and a batched init with unbatched xs.
  const [hA] = vmap(rnnScan, { inAxes: [null, 2] })(h0, np.moveaxis(seqs, 0, 2)) as [NDArray, NDArray];
  close(hA, lanes(3, (i) => rnnScan(h0, seqs.get(i))[0]), 0, 'xs mapped along axis 2');
  const inits = random.normal(k3!, [3, 2, 4]);
  const [hI] = vmap((h: NDArray) => rnnScan(h, xs))(inits) as [NDArray, NDArray];
  close(hI, lanes(3, (i) => rnnScan(inits.get(i), xs)[0]), 0, 'batched init');
  // The carry starts the same in every lane but the body mixes in a per-lane value.
  const acc = (w: NDArray) => lax.scan((c: NDArray, x: NDArray) => [c.add(x.mul(w)), c] as const, np.zeros([]), np.arange(4).astype('float32'));
  const ws = np.array([1, 2, 3]);
  const [cW, yW] = vmap(acc)(ws) as [NDArray, NDArray];
  close(cW, lanes(3, (i) => acc(ws.get(i))[0]), 0, 'carry batched by the body');
  close(yW, lanes(3, (i) => acc(ws.get(i))[1]), 0, 'its ys');
  // Per-example gradients through a scan.
  const loss = (w: NDArray, s: NDArray) => rnnLoss(rnnScan)(w, h0.add(s.sum()));
  const wScale = np.array([[0.3, 0.2], [0.1, 0.4]]);
  const shifts = np.array([0.1, -0.2, 0.3]);
  close(vmap(grad(loss), { inAxes: [null, 0] })(wScale, shifts) as NDArray, lanes(3, (i) => grad(loss)(wScale, shifts.get(i)) as NDArray), 1e-5, 'vmap(grad(scan))');
});

test('vmap of whileLoop: lanes run until every lane is done, finished lanes frozen', () => {
  const steps = (n: NDArray) => lax.whileLoop(([v]: [NDArray, NDArray]) => v.gt(1),
    ([v, k]: [NDArray, NDArray]) => [lax.select(v.mod(2).eq(0), v.div(2).astype('int32'), v.mul(3).add(1)), k.add(1)] as [NDArray, NDArray],
    [n, np.array(0, { dtype: 'int32' })] as [NDArray, NDArray]);
  const ns = np.array([27, 1, 6, 97], { dtype: 'int32' });
  for (const useJit of [false, true]) {
    const [v, k] = (useJit ? jit(vmap(steps)) : vmap(steps))(ns) as [NDArray, NDArray];
    assert.equal(values(k), [111, 0, 8, 118], `steps per lane${useJit ? ', jit' : ''}`);
    assert.equal(values(v), [1, 1, 1, 1]);
  }
  // A shared predicate (the trip count) with batched carries stays one loop of the batched body.
  const pow = (x: NDArray) => lax.foriLoop(0, np.array(3, { dtype: 'int32' }), (_i: NDArray, c: NDArray) => c.mul(x), np.ones([]));
  close(vmap(pow)(np.array([1, 2, 3])), np.array([1, 8, 27]), 0, 'foriLoop with a traced bound');
});

test('vmap of checkpoint and of foriLoop', () => {
  const f = checkpoint((w: NDArray, h: NDArray) => np.tanh(h.matmul(w)));
  const hs = random.normal(k3!, [3, 2, 4]);
  close(vmap(f, { inAxes: [null, 0] })(W, hs), lanes(3, (i) => f(W, hs.get(i))), 0, 'checkpoint');
  close(vmap(grad((w: NDArray, h: NDArray) => f(w, h).sum()), { inAxes: [null, 0] })(W, hs) as NDArray,
    lanes(3, (i) => grad((w: NDArray) => f(w, hs.get(i)).sum())(W) as NDArray), 1e-6, 'vmap(grad(checkpoint))');
  const g = (x: NDArray) => lax.foriLoop(0, 3, (i: NDArray, c: NDArray) => c.mul(x).add(i.astype('float32')), x);
  const xs3 = np.array([0.5, 1, 2]);
  close(vmap(g)(xs3), lanes(3, (i) => g(xs3.get(i))), 0, 'foriLoop');
});

// ---- printing --------------------------------------------------------------------------------------
test('the printer shows sub-jaxprs as JAX does', () => {
  const text = makeJaxpr((x: NDArray) => lax.scan((c: NDArray, y: NDArray) => [c.add(y), c] as const, np.zeros([]), x))(np.ones([3])).toString();
  assert.match(text, /scan\[\n\s+jaxpr=\{ lambda ; \w+:f32\[\] \w+:f32\[\]\. let\n/);
  assert.match(text, /length=3\n\s+num_carry=1\n\s+num_consts=0\n\s+reverse=False\n\s+unroll=1\n\s+\] /);
  const c = makeJaxpr((x: NDArray) => lax.cond(x.sum().gt(0), (a: NDArray) => a.sin(), (a: NDArray) => a.cos(), x))(np.ones([2])).toString();
  assert.match(c, /cond\[\n\s+branches=\(\n\s+\{ lambda ; \w+:f32\[2\]\. let\n\s+\w+:f32\[2\] = cos/);
});

// ---- errors ----------------------------------------------------------------------------------------
test('errors: mismatched branches, a non-boolean predicate, a carry that changes type', () => {
  const x = np.ones([3]);
  assert.throws(() => lax.cond(np.array(true), (a: NDArray) => ({ y: a }), (a: NDArray) => ({ y: a.sum() }), x),
    (e: Error) => /lax\.cond: the branches must return the same types: at output\['y'\], trueFn returns f32\[3\] but falseFn returns f32\[\]/.test(e.message));
  assert.throws(() => lax.cond(np.array(true), ((a: NDArray) => [a]) as never, (a: NDArray) => a, x), (e: Error) => /lax\.cond: .*structure/.test(e.message));
  assert.throws(() => lax.cond(np.array(1), (a: NDArray) => a, (a: NDArray) => a, x), (e: Error) => /lax\.cond: pred must be a boolean scalar, got f32\[\]/.test(e.message));
  assert.throws(() => lax.cond(np.array([true, false]), (a: NDArray) => a, (a: NDArray) => a, x), (e: Error) => /lax\.cond: pred must be a boolean scalar, got bool\[2\]/.test(e.message));
  assert.throws(() => lax.switch(np.array(0.5), [(a: NDArray) => a], x), (e: Error) => /lax\.switch: the index must be an integer scalar, got f32\[\]/.test(e.message));
  assert.throws(() => lax.scan(((c: [NDArray, NDArray], y: NDArray) => [[c[0], c[1].sum()], y]) as never, [x, x], np.ones([2, 3])),
    (e: Error) => /lax\.scan: the body must return a carry of the type it takes: at carry\[1\], f returns f32\[\] but the carry \(init\) is f32\[3\]/.test(e.message));
  assert.throws(() => lax.scan((c: NDArray, y: NDArray) => [c.astype('int32'), y] as const, x, np.ones([2, 3])),
    (e: Error) => /at carry, f returns i32\[3\] but the carry \(init\) is f32\[3\]/.test(e.message));
  assert.throws(() => lax.scan((c: NDArray) => [c, null] as const, x, null), (e: Error) => /lax\.scan: xs has no arrays, so the number of iterations must be given as \{length\}/.test(e.message));
  assert.throws(() => lax.scan((c: NDArray) => [c, null] as const, x, [np.ones([2]), np.ones([3])]), (e: Error) => /xs\[0\] is f32\[2\] but xs\[1\] is f32\[3\]/.test(e.message));
  assert.throws(() => lax.whileLoop((c: NDArray) => c, (c: NDArray) => c, x), (e: Error) => /lax\.whileLoop: condFn must return a boolean scalar, got f32\[3\]/.test(e.message));
  assert.throws(() => lax.whileLoop((c: NDArray) => c.sum().gt(0), (c: NDArray) => c.sum(), x), (e: Error) => /lax\.whileLoop: bodyFn must return a carry of the type it takes: at carry, bodyFn returns f32\[\] but the carry \(init\) is f32\[3\]/.test(e.message));
});

test('errors: whileLoop under reverse mode points to scan and foriLoop', () => {
  const f = (x: NDArray) => lax.whileLoop(([i]: [NDArray, NDArray]) => i.lt(3), ([i, c]: [NDArray, NDArray]) => [i.add(1), c.mul(x)] as [NDArray, NDArray], [np.array(0, { dtype: 'int32' }), x] as [NDArray, NDArray])[1];
  const want = /Reverse-mode differentiation \(grad, vjp\) does not work through lax\.whileLoop.*Use lax\.scan, or lax\.foriLoop with JS-number bounds/;
  assert.throws(() => grad(f)(np.array(1.5)), (e: Error) => want.test(e.message));
  assert.throws(() => jit(grad(f))(np.array(1.5)), (e: Error) => want.test(e.message));
  assert.throws(() => grad(jit(f))(np.array(1.5)), (e: Error) => want.test(e.message));
  // Forward mode works: d/dx x·x³ at 1.5 = 4x³.
  const [, t] = jvp(f, [np.array(1.5)], [np.array(1)]);
  close(t as NDArray, np.array(4 * 1.5 ** 3), 1e-6, 'jvp through whileLoop');
});

test.run();
