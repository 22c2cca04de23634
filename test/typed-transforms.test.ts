// The transforms' static types: a gradient has its argument's type, argnums picks the tuple,
// hasAux splits the result; checked by tsc (the Equal assertions) and at run time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, grad, valueAndGrad, vjp, jvp, linearize, jit, vmap, customVjp, customJvp, jacfwd, jacrev, hessian, checkpoint } from '../src/index.js';
import type { Array as NDArray, ArrayTree } from '../src/index.js';

/** Compile-time type equality: `Expect<Equal<A, B>>` fails to compile unless A and B are the same type. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
type Expect<T extends true> = T;
const typeIs = <T>(_: T): void => {};

type Params = { w: NDArray; b: NDArray; scale: number };
const x = np.array([[1, 2], [3, 4]]);
const params: Params = { w: np.ones([2]), b: np.zeros([2]), scale: 0.5 };
const loss = (p: Params, input: NDArray) => input.mul(p.w).add(p.b).mul(p.scale).square().sum();

test('grad(f)(w) has the type of w; numbers become Arrays', () => {
  const g = grad(loss)(params, x);
  type _ = Expect<Equal<typeof g, { w: NDArray; b: NDArray; scale: NDArray }>>;
  assert.equal(g.w.shape, [2]);
  assert.is(g.scale.ndim, 0);
  const gw = grad((w: NDArray) => w.square().sum())(np.ones([3]));
  type _2 = Expect<Equal<typeof gw, NDArray>>;
  assert.equal(Array.from(gw.dataSync()), [2, 2, 2]);
});

test('argnums: one index gives that argument\'s type, a list gives a tuple', () => {
  const gx = grad(loss, { argnums: 1 })(params, x);
  type _ = Expect<Equal<typeof gx, NDArray>>;
  assert.equal(gx.shape, [2, 2]);
  const [gp, gx2] = grad(loss, { argnums: [0, 1] })(params, x);
  type _2 = Expect<Equal<[typeof gp, typeof gx2], [ArrayTree<Params>, NDArray]>>;
  assert.equal(gp.b.shape, [2]);
  assert.equal(gx2.shape, [2, 2]);
});

test('hasAux: grad gives [gradient, aux], valueAndGrad [[value, aux], gradient]', () => {
  const f = (w: NDArray) => [w.square().sum(), { mean: w.mean(), n: 3 }] as const;
  const [g, aux] = grad(f, { hasAux: true })(np.ones([3]));
  type _ = Expect<Equal<typeof g, NDArray>>;
  type _2 = Expect<Equal<typeof aux, { readonly mean: NDArray; readonly n: NDArray }>>;
  assert.is(aux.n.itemSync(), 3);
  const [[value, aux2], g2] = valueAndGrad((w: NDArray) => [w.sum(), w.max()], { hasAux: true, argnums: [0] })(np.arange(3).astype('float32'));
  typeIs<[NDArray, NDArray, [NDArray]]>([value, aux2, g2]);
  assert.is(value.itemSync(), 3);
  assert.is(aux2.itemSync(), 2);
  assert.equal(Array.from(g2[0].dataSync()), [1, 1, 1]);
});

test('vjp, jvp and linearize keep the argument and output structures', () => {
  const f = (a: NDArray, p: { s: NDArray }) => ({ y: a.mul(p.s) });
  const [out, vjpFn] = vjp(f, np.ones([2]), { s: np.array(3) });
  typeIs<{ y: NDArray }>(out);
  const [ca, cp] = vjpFn({ y: np.ones([2]) });
  type _ = Expect<Equal<[typeof ca, typeof cp], [NDArray, { s: NDArray }]>>;
  assert.is(cp.s.itemSync(), 2);
  const [y, dy] = jvp(f, [np.ones([2]), { s: np.array(3) }], [np.ones([2]), { s: np.array(0) }]);
  type _2 = Expect<Equal<typeof dy, { y: NDArray }>>;
  assert.equal(Array.from(dy.y.dataSync()), [3, 3]);
  assert.equal(y.y.shape, [2]);
  const [, fJvp] = linearize(f, np.ones([2]), { s: np.array(3) });
  const dl = fJvp(np.zeros([2]), { s: np.array(1) });
  type _3 = Expect<Equal<typeof dl, { y: NDArray }>>;
  assert.equal(Array.from(dl.y.dataSync()), [1, 1]);
});

test('jit keeps the signature; its outputs are Arrays', () => {
  const step = jit((p: Params, input: NDArray, lr: number) => {
    const g = grad(loss)(p, input);
    return { w: p.w.sub(g.w.mul(lr)), b: p.b.sub(g.b.mul(lr)), scale: p.scale };
  }, { staticArgnums: 2 });
  const next = step(params, x, 0.01);
  type _ = Expect<Equal<typeof next, { w: NDArray; b: NDArray; scale: NDArray }>>;
  assert.is(next.scale.itemSync(), 0.5);
});

test('customVjp and customJvp rules are typed by the function', () => {
  const relu = customVjp((a: NDArray) => np.maximum(a, 0)).defVjp(
    (a) => [np.maximum(a, 0), a],
    (a, g) => [np.where(a.gt(0), g, 0)],
  );
  const g = grad((a: NDArray) => relu(a).sum())(np.array([-1, 2]));
  assert.equal(Array.from(g.dataSync()), [0, 1]);
  const exp = customJvp((a: NDArray) => np.exp(a)).defJvp(([a], [t]) => {
    const e = np.exp(a);
    return [e, e.mul(t)];
  });
  assert.ok(Math.abs(grad((a: NDArray) => exp(a))(np.array(0)).itemSync() - 1) < 1e-6);
});

test('vmap keeps the argument types and gives Arrays in the output structure', () => {
  const perExample = vmap((p: Params, row: NDArray) => ({ loss: loss(p, row), n: 1 }), { inAxes: [null, 0] });
  const out = perExample(params, x);
  type _ = Expect<Equal<typeof out, { loss: NDArray; n: NDArray }>>;
  assert.equal(out.loss.shape, [2]);
  const grads = vmap(grad(loss), { inAxes: [null, 0] })(params, x);
  type _2 = Expect<Equal<typeof grads, ArrayTree<Params>>>;
  assert.equal(grads.w.shape, [2, 2]);
});

test('jacfwd, jacrev and hessian over pytrees: the output structure with the argument structure at each leaf', () => {
  const f = (p: Params, input: NDArray) => ({ y: input.mul(p.w).sum({ axis: 1 }), z: p.b.mul(p.scale) });
  const jf = jacfwd(f)(params, x), jr = jacrev(f)(params, x);
  type P = { w: NDArray; b: NDArray; scale: NDArray };
  type _ = Expect<Equal<typeof jf, { y: P; z: P }>>;
  type _2 = Expect<Equal<typeof jr, typeof jf>>;
  assert.equal(jf.y.w.shape, [2, 2]);
  assert.equal(jr.z.scale.shape, [2]);
  assert.equal(Array.from(jf.y.w.dataSync()), Array.from(jr.y.w.dataSync()));
  const [jx, jp] = jacrev((input: NDArray, p: Params) => input.mul(p.w).sum(), { argnums: [0, 1] })(x, params);
  type _3 = Expect<Equal<[typeof jx, typeof jp], [NDArray, P]>>;
  assert.equal(jx.shape, [2, 2]);
  const arrayJac = jacfwd((v: NDArray) => np.sin(v))(np.ones([3]));
  type _4 = Expect<Equal<typeof arrayJac, NDArray>>;
  assert.equal(arrayJac.shape, [3, 3]);
  const pair = jacrev((v: NDArray) => [v.sum(), v.square()] as const)(np.ones([3]));
  type _5 = Expect<Equal<typeof pair, [NDArray, NDArray]>>;
  assert.equal(pair[1].shape, [3, 3]);
  const h = hessian((p: { a: NDArray; b: NDArray }) => p.a.mul(p.b).sum())({ a: np.ones([2]), b: np.ones([2]) });
  type _6 = Expect<Equal<typeof h, { a: { a: NDArray; b: NDArray }; b: { a: NDArray; b: NDArray } }>>;
  assert.equal(Array.from(h.a.b.dataSync()), [1, 0, 0, 1]);
  const [ja, aux] = jacfwd((v: NDArray) => [v.square(), { n: 2 }] as const, { hasAux: true })(np.ones([2]));
  type _7 = Expect<Equal<[typeof ja, typeof aux], [NDArray, { readonly n: NDArray }]>>;
  assert.equal(ja.shape, [2, 2]);
});

test('checkpoint keeps the signature; its outputs are Arrays', () => {
  const body = (p: Params, input: NDArray) => ({ out: np.tanh(input.mul(p.w)), count: 2 });
  const c = checkpoint(body);
  type _ = Expect<Equal<typeof c, (p: Params, input: NDArray) => { out: NDArray; count: NDArray }>>;
  const r = c(params, x);
  assert.equal(r.out.shape, [2, 2]);
  assert.is(r.count.ndim, 0);
  const g = grad((p: Params) => c(p, x).out.sum())(params);
  type _2 = Expect<Equal<typeof g, { w: NDArray; b: NDArray; scale: NDArray }>>;
  assert.equal(g.w.shape, [2]);
});

test.run();
