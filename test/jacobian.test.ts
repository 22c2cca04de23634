// jacfwd, jacrev, jacobian and hessian through one batched jvp/vjp: pytrees, argnums, hasAux,
// agreement with central differences, the Hessian of a quadratic; hasAux on jvp, vjp, linearize.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  np, jacfwd, jacrev, jacobian, hessian, jvp, vjp, vjpWithAux, linearize, linearizeWithAux, makeJaxpr, random, tree, jit, vmap, grad,
} from '../src/index.js';
import type { Array as NDArray, PyTree } from '../src/index.js';
import { expectError } from './helpers/expect.js';

const f64 = (seed: number, shape: number[]) => random.normal(random.key(seed), shape).astype('float64');
const diag = (v: NDArray) => np.eye(v.shape[0]!).astype(v.dtype).mul(v);
const closeTo = (a: NDArray, b: NDArray, tol: number, what: string) => {
  assert.equal([...a.shape], [...b.shape], `${what}: shape`);
  const x = a.dataSync(), y = b.dataSync();
  for (let i = 0; i < y.length; i++) assert.ok(Math.abs(x[i]! - y[i]!) <= tol * (1 + Math.abs(y[i]!)), `${what}[${i}]: ${x[i]} vs ${y[i]}`);
};
const closeTrees = (a: PyTree, b: PyTree, tol: number, what: string) => {
  const [la, da] = tree.flatten(a), [lb, db] = tree.flatten(b);
  assert.ok(tree.treedefEqual(da, db), `${what}: structure ${tree.treedefString(da)} vs ${tree.treedefString(db)}`);
  la.forEach((l, i) => closeTo(l as NDArray, lb[i] as NDArray, tol, `${what} leaf ${i}`));
};

/** Central differences of every output leaf with respect to every leaf of args[argnum], in JAX's layout. */
function finiteDiff(f: (...a: PyTree[]) => PyTree, args: PyTree[], argnum: number, eps = 1e-6): PyTree {
  const [inLeaves, inDef] = tree.flatten(args[argnum]);
  const [outLeaves, outDef] = tree.flatten(f(...args));
  const blocks = outLeaves.map((o) => inLeaves.map((x) => ({ o: o as NDArray, x: x as NDArray, data: new Float64Array((o as NDArray).size * (x as NDArray).size) })));
  inLeaves.forEach((xl, i) => {
    const x = xl as NDArray;
    for (let j = 0; j < x.size; j++) {
      const bump = (s: number) => {
        const d = Float64Array.from(x.dataSync());
        d[j] = d[j]! + s;
        const leaves = [...inLeaves];
        leaves[i] = np.array(Array.from(d), { dtype: 'float64' }).reshape(x.shape as number[]);
        const a = [...args];
        a[argnum] = tree.unflatten(inDef, leaves);
        return tree.flatten(f(...a))[0] as NDArray[];
      };
      const up = bump(eps), down = bump(-eps);
      up.forEach((u, o) => {
        const du = u.dataSync(), dd = down[o]!.dataSync();
        for (let k = 0; k < u.size; k++) blocks[o]![i]!.data[k * x.size + j] = (du[k]! - dd[k]!) / (2 * eps);
      });
    }
  });
  return tree.unflatten(outDef, blocks.map((row) => tree.unflatten(inDef, row.map((b) => np.array(Array.from(b.data), { dtype: 'float64' }).reshape([...b.o.shape, ...b.x.shape])))));
}

// A function of a pytree and an array with a pytree output.
const g = (p: { a: NDArray; b: NDArray }, c: NDArray) => ({
  u: np.tanh(p.a.matmul(p.b)).mul(c),
  v: [np.sin(p.b).sum().mul(c.sum()), p.a.mul(p.a).sum({ axis: 0 })],
});
const P = { a: f64(1, [2, 3]), b: f64(2, [3]) };
const C = f64(3, [2]);

test('jacfwd = jacrev = central differences on a pytree function, for each argnum', () => {
  for (const argnums of [0, 1] as const) {
    const fd = finiteDiff(g as never, [P, C], argnums);
    closeTrees(jacfwd(g, { argnums })(P, C), fd, 1e-6, `jacfwd argnums ${argnums}`);
    closeTrees(jacrev(g, { argnums })(P, C), fd, 1e-6, `jacrev argnums ${argnums}`);
    closeTrees(jacobian(g, { argnums })(P, C), fd, 1e-6, `jacobian argnums ${argnums}`);
  }
  // A list of argnums gives, per output leaf, a list with one tree per argument.
  const both = jacrev(g, { argnums: [0, 1] })(P, C) as { u: PyTree[] };
  assert.is(both.u.length, 2);
  closeTrees(both.u[1]!, (finiteDiff(g as never, [P, C], 1) as { u: PyTree }).u, 1e-6, 'argnums [0, 1]');
  closeTrees(jacfwd(g, { argnums: [0, 1] })(P, C), both, 1e-10, 'jacfwd = jacrev for argnums [0, 1]');
});

test('random functions of arrays: jacfwd = jacrev = finite differences', () => {
  for (let seed = 0; seed < 3; seed++) {
    const W = f64(10 + seed, [4, 3]), x = f64(20 + seed, [4]);
    const f = (v: NDArray) => np.exp(np.sin(v.matmul(W)).mul(0.5)).add(v.sum().square());
    const fd = finiteDiff(f as never, [x], 0) as NDArray;
    closeTo(jacfwd(f)(x), fd, 1e-6, `jacfwd ${seed}`);
    closeTo(jacrev(f)(x), fd, 1e-6, `jacrev ${seed}`);
  }
});

test('the Hessian of a quadratic ½xᵀAx + bᵀx is (A + Aᵀ)/2, and of a vector function per output', () => {
  const A = f64(30, [4, 4]), b = f64(31, [4]), x = f64(32, [4]);
  const q = (v: NDArray) => v.matmul(A.matmul(v)).mul(0.5).add(b.matmul(v));
  closeTo(hessian(q)(x), A.add(A.T).mul(0.5), 1e-12, 'hessian');
  closeTo(jacfwd(grad(q) as (v: NDArray) => NDArray)(x), A.add(A.T).mul(0.5), 1e-12, 'jacfwd(grad)');
  // Non-scalar outputs have a Hessian per output element: out.shape + in.shape + in.shape.
  const h = hessian((v: NDArray) => v.pow(3))(x);
  assert.equal([...h.shape], [4, 4, 4]);
  const hd = h.dataSync(), xd = x.dataSync();
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++) {
    const e = i === j && j === k ? 6 * xd[i]! : 0;
    assert.ok(Math.abs(hd[i * 16 + j * 4 + k]! - e) < 1e-12, `H[${i},${j},${k}]`);
  }
  // A pytree argument: blocks for each pair of leaves.
  const H = hessian((p: { u: NDArray; w: NDArray }) => p.u.mul(p.w).sum().square())({ u: f64(33, [2]), w: f64(34, [2]) }) as { u: { u: NDArray; w: NDArray } };
  assert.equal([...H.u.w.shape], [2, 2]);
});

test('hasAux: jacfwd, jacrev and hessian return [jacobian, aux]; aux is not differentiated', () => {
  const f = (v: NDArray) => [np.sin(v), { norm: v.square().sum(), n: 3 }] as const;
  const x = f64(40, [3]);
  for (const jac of [jacfwd, jacrev]) {
    const [J, aux] = jac(f as never, { hasAux: true })(x) as [NDArray, { norm: NDArray; n: NDArray }];
    closeTo(J, diag(np.cos(x)), 1e-12, `${jac.name} jacobian`);
    closeTo(aux.norm, x.square().sum(), 1e-12, `${jac.name} aux`);
    assert.is(aux.n.itemSync(), 3);
  }
  const [H, aux] = hessian((v: NDArray) => [v.pow(3).sum(), v.sum()] as const, { hasAux: true } as never)(x) as [NDArray, NDArray];
  closeTo(H, diag(x.mul(6)), 1e-12, 'hessian with aux');
  closeTo(aux, x.sum(), 1e-12, 'hessian aux');
  expectError(() => jacrev((v: NDArray) => v, { hasAux: true })(x), TypeError, /jacrev with hasAux: the function must return \[output, aux\]/);
});

test('one batched call, not a loop: the jaxpr does not grow with the number of basis vectors', () => {
  const f = (v: NDArray) => np.tanh(v).mul(v.sum());
  for (const jac of [jacfwd, jacrev]) {
    const small = makeJaxpr(jac(f))(np.zeros([3])).jaxpr.eqns.length;
    const large = makeJaxpr(jac(f))(np.zeros([40])).jaxpr.eqns.length;
    assert.is(large, small, `${jac.name}: ${small} equations for 3 inputs, ${large} for 40`);
  }
  // And it composes: jit, vmap of a Jacobian.
  const xs = f64(41, [5, 3]);
  closeTo(vmap(jacfwd(f))(xs) as NDArray, np.stack(Array.from({ length: 5 }, (_, i) => jacrev(f)(xs.get(i)))), 1e-12, 'vmap(jacfwd)');
  closeTo(jit(jacrev(f))(xs.get(0)), jacfwd(f)(xs.get(0)), 1e-12, 'jit(jacrev)');
});

test('errors: int arguments and int outputs name the function', () => {
  expectError(() => jacfwd((v: NDArray) => v)(np.arange(3)), Error, /^jacfwd: argument 0 has dtype int32/);
  expectError(() => jacrev((v: NDArray) => v.gt(0))(np.zeros([3])), Error, /^jacrev: output leaf 0 is bool\[3\]/);
  expectError(() => jacrev((v: NDArray) => v, { argnums: 2 })(np.zeros([3])), RangeError, /jacrev: argnums 2 is out of range/);
});

test('hasAux on jvp, vjp and linearize', () => {
  const f = (v: NDArray) => [np.sin(v).sum(), { cos: np.cos(v) }] as const;
  const x = f64(50, [3]), t = f64(51, [3]);
  const [y, ty, aux] = jvp(f, [x], [t], { hasAux: true });
  closeTo(y, np.sin(x).sum(), 1e-12, 'jvp out');
  closeTo(ty, np.cos(x).mul(t).sum(), 1e-12, 'jvp tangent');
  closeTo(aux.cos, np.cos(x), 1e-12, 'jvp aux');
  const [y2, back, aux2] = vjpWithAux(f, x);
  closeTo(y2, np.sin(x).sum(), 1e-12, 'vjp out');
  closeTo(back(np.array(2, { dtype: 'float64' }))[0] as NDArray, np.cos(x).mul(2), 1e-12, 'vjp cotangent');
  closeTo(aux2.cos, np.cos(x), 1e-12, 'vjp aux');
  const [y3, lin, aux3] = linearizeWithAux(f, x);
  closeTo(y3, np.sin(x).sum(), 1e-12, 'linearize out');
  closeTo(lin(t), np.cos(x).mul(t).sum(), 1e-12, 'linearize tangent');
  closeTo(aux3.cos, np.cos(x), 1e-12, 'linearize aux');
  // Without hasAux nothing changes.
  closeTo(vjp(np.sin, x)[1](t)[0] as NDArray, np.cos(x).mul(t), 1e-12, 'vjp');
  closeTo(linearize(np.sin, x)[1](t), np.cos(x).mul(t), 1e-12, 'linearize');
  expectError(() => vjpWithAux((v: NDArray) => v as never, x), TypeError, /vjpWithAux with hasAux: the function must return \[output, aux\]/);
});

test.run();
