// jvp, vjp, grad and friends: higher order, custom rules, symbolic zeros, pytrees, printed
// jaxprs, and the errors a user will meet.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  np, grad, valueAndGrad, vjp, jvp, linearize, makeJaxpr, customJvp, customVjp, stopGradient,
  jacfwd, jacrev, hessian, tree, typecheckJaxpr, ConcretizationError, LeakedTracerError, ShapeError, DTypeError,
} from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { Jaxpr, Var } from '../src/core/jaxpr.js';

const close = (a: number, b: number, tol = 1e-5, msg = '') =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${msg} got ${a}, expected ${b}`);
const closeAll = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-5, msg = '') => {
  assert.is(a.length, b.length, `${msg} length`);
  for (let i = 0; i < a.length; i++) close(a[i]!, b[i]!, tol, `${msg}[${i}]`);
};
const f64 = (v: number | number[]) => np.array(v, { dtype: 'float64' });
const val = (x: unknown) => (x as NDArray).itemSync();

// ---- higher order -------------------------------------------------------------------------------
test('third derivatives of sin, tanh and a polynomial', () => {
  const d3 = (f: (x: NDArray) => NDArray) => grad(grad(grad(f)) as (x: NDArray) => NDArray) as (x: NDArray) => NDArray;
  for (const x of [-1.3, 0.2, 0.9]) {
    close(val(d3(np.sin)(f64(x))), -Math.cos(x), 1e-12, `sin''' at ${x}`);
    const t = Math.tanh(x);
    close(val(d3(np.tanh)(f64(x))), -2 * (1 - t * t) * (1 - 3 * t * t), 1e-12, `tanh''' at ${x}`);
    close(val(d3((y) => y.pow(4).sub(y.mul(y).mul(3)))(f64(x))), 24 * x, 1e-12, `(x⁴−3x²)''' at ${x}`);
  }
});

test('Hessian-vector product: jvp of grad, grad of a vjp, linearize of grad', () => {
  const f = (x: NDArray) => x.pow(3).sum();
  const x = f64([0.5, -1, 2]), v = f64([1, 2, 3]);
  const hv = (jvp(grad(f) as (x: NDArray) => NDArray, [x], [v])[1] as NDArray).dataSync();
  closeAll(hv, [6 * 0.5 * 1, 6 * -1 * 2, 6 * 2 * 3], 1e-12, 'jvp∘grad');
  // grad of x ↦ ⟨∇f(x), v⟩ is also H v (H is symmetric).
  const viaVjp = grad((y: NDArray) => (vjp(f, y)[1](f64(1))[0] as NDArray).mul(v).sum())(x) as NDArray;
  closeAll(viaVjp.dataSync(), hv, 1e-12, 'grad∘vjp');
  const [, lin] = linearize(grad(f) as (x: NDArray) => NDArray, x);
  closeAll((lin(v) as NDArray).dataSync(), hv, 1e-12, 'linearize∘grad');
  const H = hessian(f)(x);
  assert.equal(H.shape, [3, 3]);
  closeAll(H.dataSync(), [3, 0, 0, 0, -6, 0, 0, 0, 12], 1e-12, 'hessian');
});

test('jacfwd and jacrev agree with the analytic Jacobian', () => {
  const f = (x: NDArray) => np.stack([x.get(0).mul(x.get(1)), np.sin(x.get(0)), x.get(1).pow(2)]);
  const x = f64([0.3, -0.7]);
  const expected = [-0.7, 0.3, Math.cos(0.3), 0, 0, -1.4];
  closeAll(jacfwd(f)(x).dataSync(), expected, 1e-12, 'jacfwd');
  closeAll(jacrev(f)(x).dataSync(), expected, 1e-12, 'jacrev');
  assert.equal(jacrev(f)(x).shape, [3, 2]);
});

// ---- grad API ----------------------------------------------------------------------------------------
test('grad: argnums, hasAux, valueAndGrad and pytrees of parameters', () => {
  const loss = (params: { w: NDArray; b: NDArray }, x: NDArray) => params.w.mul(x).add(params.b).square().sum();
  const params = { w: f64([1, 2]), b: f64(0.5) };
  const x = f64([3, -1]);
  const g = grad(loss)(params, x) as { w: NDArray; b: NDArray };
  // d/dw Σ(wx+b)² = 2(wx+b)x ; d/db = Σ 2(wx+b)
  closeAll(g.w.dataSync(), [2 * 3.5 * 3, 2 * -1.5 * -1], 1e-12, 'dw');
  close(g.b.itemSync(), 2 * 3.5 + 2 * -1.5, 1e-12, 'db');
  const [v, gx] = valueAndGrad(loss, { argnums: 1 })(params, x) as [NDArray, NDArray];
  close(v.itemSync(), 3.5 ** 2 + 1.5 ** 2, 1e-12, 'value');
  closeAll(gx.dataSync(), [2 * 3.5 * 1, 2 * -1.5 * 2], 1e-12, 'dx');
  const both = grad(loss, { argnums: [0, 1] })(params, x) as [unknown, NDArray];
  closeAll(both[1].dataSync(), gx.dataSync(), 1e-12, 'argnums list');
  const [[value, aux], g2] = valueAndGrad((p: NDArray) => [p.square().sum(), { doubled: p.mul(2) }], { hasAux: true })(f64([1, 2])) as [[NDArray, { doubled: NDArray }], NDArray];
  close(value.itemSync(), 5, 1e-12);
  closeAll(aux.doubled.dataSync(), [2, 4], 1e-12, 'aux');
  closeAll(g2.dataSync(), [2, 4], 1e-12, 'grad with aux');
});

test('symbolic zeros: an input that does not reach the output gets zeros of its shape and dtype', () => {
  const g = grad((a: NDArray, _b: NDArray) => a.sum(), { argnums: [0, 1] })(np.ones([2]), np.ones([3, 4])) as NDArray[];
  assert.equal(g[1]!.shape, [3, 4]);
  assert.is(g[1]!.dtype, 'float32');
  assert.equal(Array.from(g[1]!.dataSync()), new Array(12).fill(0));
  const [, t] = jvp((a: NDArray, b: NDArray) => a.mul(2), [np.ones([2]), np.ones([2])], [np.zeros([2]), np.ones([2])]);
  assert.equal(Array.from((t as NDArray).dataSync()), [0, 0]);
});

test('JS control flow works under grad in eager mode (values are concrete)', () => {
  const f = (x: NDArray) => (x.itemSync() > 0 ? x.mul(x) : x.mul(-3));
  close(val(grad(f)(f64(2))), 4, 1e-12);
  close(val(grad(f)(f64(-2))), -3, 1e-12);
  const g = (x: NDArray) => (+x > 1 ? np.sin(x) : np.cos(x));
  close(val(grad(g)(f64(2))), Math.cos(2), 1e-12, 'coercion');
});

test('stopGradient cuts the derivative but keeps the value', () => {
  const f = (x: NDArray) => x.mul(stopGradient(x));
  close(val(grad(f)(f64(3))), 3, 1e-12);
  close(val(f(f64(3))), 9, 1e-12);
});

// ---- custom rules --------------------------------------------------------------------------------
test('customVjp: the seed MyReLU, and grad uses the user backward pass, not the forward', () => {
  const myRelu = customVjp((x: NDArray) => x.clip(0, null)).defVjp(
    (x: NDArray) => [x.clip(0, null), x],
    (x: NDArray, ct: NDArray) => [np.where(x.lt(0), 0, ct)],
  );
  const x = np.array([-1, 2, 3]);
  assert.equal(Array.from((grad((y: NDArray) => myRelu(y).sum())(x) as NDArray).dataSync()), [0, 1, 1]);
  // A deliberately different backward pass shows the rule is the one used.
  const scaled = customVjp((x: NDArray) => x.clip(0, null)).defVjp((x: NDArray) => [x.clip(0, null), null], (_r: null, ct: NDArray) => [ct.mul(10)]);
  assert.equal(Array.from((grad((y: NDArray) => scaled(y).sum())(x) as NDArray).dataSync()), [10, 10, 10]);
  assert.throws(() => jvp(scaled, [x], [np.ones([3])]), /forward-mode differentiation \(jvp\) of a customVjp/);
});

test('customVjp: the seed LegendrePolynomial3 inside a larger function, to second order', () => {
  const P3 = customVjp((x: NDArray) => x.pow(3).mul(5).sub(x.mul(3)).mul(0.5)).defVjp(
    (x: NDArray) => [x.pow(3).mul(5).sub(x.mul(3)).mul(0.5), x],
    (x: NDArray, ct: NDArray) => [ct.mul(x.square().mul(5).sub(1).mul(1.5))],
  );
  const f = (a: NDArray, b: NDArray, x: NDArray) => a.add(b.mul(P3(x.mul(2)))).sum();
  const x = f64([0.1, -0.4]);
  const gx = grad(f, { argnums: 2 })(f64(1), f64(2), x) as NDArray;
  // d/dx b·P3(2x) = b · 1.5(5(2x)² − 1) · 2
  closeAll(gx.dataSync(), [0.1, -0.4].map((v) => 2 * 1.5 * (5 * (2 * v) ** 2 - 1) * 2), 1e-12, 'P3 grad');
  const d2 = grad((y: NDArray) => (grad((z: NDArray) => P3(z).sum())(y) as NDArray).sum())(x) as NDArray;
  closeAll(d2.dataSync(), [0.1, -0.4].map((v) => 1.5 * 10 * v), 1e-12, 'P3 second derivative through bwd');
});

test('customJvp: the rule is used by jvp and grad; the function runs in eager mode', () => {
  const calls: string[] = [];
  const f = customJvp((x: NDArray) => { calls.push('fun'); return np.sin(x); }).defJvp(([x], [t]) => {
    calls.push('jvp');
    return [np.sin(x as NDArray), (t as NDArray).mul(100)];
  });
  close(val(f(f64(1))), Math.sin(1), 1e-12);
  assert.equal(calls, ['fun']);
  close(val(grad(f as (x: NDArray) => NDArray)(f64(1))), 100, 1e-12);
  assert.ok(calls.includes('jvp'));
});

// ---- jaxprs ------------------------------------------------------------------------------------------
test('makeJaxpr prints like JAX', () => {
  const jaxpr = makeJaxpr((x: NDArray) => np.sin(x))(np.zeros([3]));
  assert.is(jaxpr.toString(), '{ lambda ; a:f32[3]. let\n    b:f32[3] = sin a\n  in (b,) }');
  const withLiteral = makeJaxpr((x: NDArray, y: NDArray) => x.mul(y).add(2))(np.zeros([]), np.zeros([]));
  assert.is(withLiteral.toString(), '{ lambda ; a:f32[] b:f32[]. let\n    c:f32[] = mul a b\n    d:f32[] = add c 2.0:f32[]\n  in (d,) }');
});

test('makeJaxpr of the two-layer net loss (snapshot)', () => {
  const loss = (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => {
    const h = np.maximum(x.matmul(w1), 0);
    return h.matmul(w2).sub(y).square().sum();
  };
  const jaxpr = makeJaxpr(loss)(np.zeros([10, 4]), np.zeros([4, 2]), np.zeros([8, 10]), np.zeros([8, 2]));
  assert.is(jaxpr.toString(), [
    '{ lambda ; a:f32[10,4] b:f32[4,2] c:f32[8,10] d:f32[8,2]. let',
    '    e:f32[8,4] = dot_general[dimension_numbers={contracting=((1,), (0,)) batch=((), ())}] c a',
    '    f:f32[8,4] = broadcast_in_dim[shape=(8, 4) broadcast_dimensions=()] 0.0:f32[]',
    '    g:f32[8,4] = max e f',
    '    h:f32[8,2] = dot_general[dimension_numbers={contracting=((1,), (0,)) batch=((), ())}] g b',
    '    i:f32[8,2] = sub h d',
    '    j:f32[8,2] = mul i i',
    '    k:f32[] = reduce_sum[axes=(0, 1)] j',
    '  in (k,) }',
  ].join('\n'));
  assert.ok(typecheckJaxpr(jaxpr.jaxpr)._tag === 'Right');
});

test('the type checker rejects an ill-typed jaxpr', () => {
  const jaxpr = makeJaxpr((x: NDArray) => np.sin(x))(np.zeros([3])).jaxpr;
  const bad = new Jaxpr([], jaxpr.invars, [{ ...jaxpr.eqns[0]!, outvars: [new Var(np.zeros([4]).aval)] }], jaxpr.outs);
  const r = typecheckJaxpr(bad);
  assert.is(r._tag, 'Left');
  assert.match((r as { left: string }).left, /output 0 is f32\[3\] but its variable is typed f32\[4\]/);
});

test('grad of makeJaxpr-traced customVjp keeps the custom rule in the jaxpr', () => {
  const f = customVjp((x: NDArray) => np.sin(x)).defVjp((x: NDArray) => [np.sin(x), x], (_x: NDArray, ct: NDArray) => [ct.mul(7)]);
  const printed = makeJaxpr((x: NDArray) => f(x))(np.zeros([2])).toString();
  assert.match(printed, /custom_vjp_call\[\n\s+name=customVjp\n\s+bwd=/);
});

// ---- errors ------------------------------------------------------------------------------------------
test('grad of a non-scalar output names the shape and suggests vjp/jacrev', () => {
  assert.throws(() => grad((x: NDArray) => x.mul(2))(np.ones([3])), (e: Error) => e instanceof ShapeError && /f32\[3\]/.test(e.message) && /vjp/.test(e.message) && /jacrev/.test(e.message));
});

test('differentiating with respect to an integer input is a clear error', () => {
  assert.throws(() => grad((x: NDArray) => x.sum())(np.array([1, 2], { dtype: 'int32' })), (e: Error) => e instanceof DTypeError && /int32/.test(e.message) && /astype/.test(e.message));
});

test('a tracer used where a concrete value is needed, under makeJaxpr', () => {
  assert.throws(() => makeJaxpr((x: NDArray) => (x.itemSync() > 0 ? x : x.neg()))(np.zeros([])), (e: Error) => e instanceof ConcretizationError && /itemSync|dataSync/.test(e.message) && /where/.test(e.message));
  assert.throws(() => makeJaxpr((x: NDArray) => ((x as unknown as number) > 0 ? x : x.neg()))(np.zeros([])), (e: Error) => e instanceof ConcretizationError && /coercion/.test(e.message));
});

test('a tracer that escapes its transform is a leaked-tracer error', () => {
  let leaked: NDArray | null = null;
  grad((x: NDArray) => { leaked = x; return x.sum(); })(np.ones([2]));
  assert.throws(() => leaked!.add(1), (e: Error) => e instanceof LeakedTracerError && /jvp/.test(e.message));
  let staged: NDArray | null = null;
  makeJaxpr((x: NDArray) => { staged = x; return x; })(np.ones([2]));
  assert.throws(() => np.sin(staged!), (e: Error) => e instanceof LeakedTracerError);
});

// ---- pytrees ---------------------------------------------------------------------------------------
test('tree: flatten sorts object keys, null is an empty node, registered classes round-trip', () => {
  const [leaves, def] = tree.flatten({ b: 1, a: [2, null, { c: 3 }] });
  assert.equal(leaves, [2, 3, 1]);
  assert.equal(tree.unflatten(def, [4, 5, 6]), { a: [4, null, { c: 5 }], b: 6 });
  class Point { constructor(readonly x: number, readonly y: number) {} }
  tree.registerPytreeNode(Point, (p) => [[p.x, p.y], null], (_aux, [x, y]) => new Point(x as number, y as number));
  const moved = tree.map((v) => (v as number) + 1, [new Point(1, 2)]) as Point[];
  assert.ok(moved[0] instanceof Point);
  assert.equal([moved[0]!.x, moved[0]!.y], [2, 3]);
  assert.throws(() => tree.map((a) => a, [1, 2], [1]), /structures differ/);
});

test.run();
