// Jacobians as one batched transform each: jacfwd pushes the standard basis of the inputs through
// vmap(jvp), jacrev pulls the basis of the outputs back through vmap(vjp); hessian = jacfwd∘jacrev.
import { NDArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { DTypeError, expectFunction } from '../core/errors.js';
import * as lax from '../core/lax.js';
import { FlatFn } from '../core/primitives.js';
import * as tree from '../core/tree.js';
import { ArrayTree, Leaf, PyTree, TreeDef } from '../core/tree.js';
import { requireFloat, toArrays } from './flat.js';
import { Argnums, GradOf, normalizeArgnums, pullback } from './grad.js';
import { jvpFlat } from './jvp.js';
import { linearizeFlat } from './linearize.js';
import { instantiate } from './tangent.js';
import { batchFlat } from './vmap.js';
import { moveBatchDim } from './batch-rules.js';

/** Options of jacfwd, jacrev and hessian. */
export interface JacobianOptions<N extends Argnums = Argnums, Aux extends boolean = boolean> {
  /** Which positional arguments to differentiate (default 0); a list gives a list of Jacobians per output. */
  argnums?: N;
  /** The function returns [output, aux]; the result is then [jacobian, aux]. */
  hasAux?: Aux;
}

/**
 * The type of a Jacobian of a function returning `Out` with respect to arguments of gradient type
 * `In` (`GradOf` of the arguments and argnums): `Out`'s structure with every leaf replaced by an
 * `In` (whose leaves have shape out.shape + in.shape), as JAX nests them. So an array → array
 * function has an array Jacobian, `{a, b}` → array has `{a, b}`, and array → `[y, z]` has `[J_y, J_z]`.
 */
export type JacobianOf<Out, In> =
  [PyTree] extends [Out] ? PyTree
  : Out extends NDArray | number | boolean ? In
    : Out extends null | undefined ? Out
      : Out extends readonly unknown[] ? { -readonly [K in keyof Out]: JacobianOf<Out[K], In> }
        : Out extends object ? { [K in keyof Out]: JacobianOf<Out[K], In> }
          : Out;
/** A Jacobian function's type: with hasAux, `[jacobian, aux]`. */
type JacobianFn<A extends PyTree[], J, Aux, HasAux extends boolean> = (...args: A) => HasAux extends true ? [J, ArrayTree<Aux>] : J;

/** The differentiated arguments, as flat float leaves, and how to call f with new values for them. */
interface Prepared {
  readonly diffTree: TreeDef;
  readonly primals: NDArray[];
  /** f on flat diff leaves → its output leaves; aux leaves are kept aside (not differentiated). */
  readonly flatF: FlatFn;
  readonly outTree: () => TreeDef;
  /** The aux output rebuilt from its leaves' values (the flat function's outputs after the main ones). */
  readonly aux: (leaves: readonly NDArray[]) => PyTree;
  readonly single: boolean;
}

function prepare(op: string, f: (...args: PyTree[]) => PyTree, opts: JacobianOptions, args: PyTree[]): Prepared {
  const { argnums = 0, hasAux = false } = opts;
  const nums = normalizeArgnums(argnums, args.length, op);
  const single = typeof argnums === 'number';
  const [diffLeaves, diffTree] = tree.flatten((single ? args[nums[0]!] : nums.map((n) => args[n])) as PyTree);
  const primals = toArrays(diffLeaves, op).map((x, i) => {
    if (typeof diffLeaves[i] === 'number') return lax.convertElementType(x, 'float32', true);
    requireFloat(x, op, `argument ${single ? nums[0] : 'leaf ' + i}`);
    return x;
  });
  let outTree: TreeDef | null = null;
  let auxTree: TreeDef | null = null;
  let auxLeaves: Leaf[] = [];
  const flatF: FlatFn = (...leaves) => {
    const diff = tree.unflatten(diffTree, leaves);
    const callArgs = [...args];
    if (single) callArgs[nums[0]!] = diff;
    else nums.forEach((n, k) => { callArgs[n] = (diff as PyTree[])[k]; });
    let out = f(...callArgs);
    if (hasAux) {
      if (!Array.isArray(out) || out.length !== 2) throw new TypeError(`${op} with hasAux: the function must return [output, aux], got ${Array.isArray(out) ? `a list of length ${out.length}` : typeof out}`);
      [auxLeaves, auxTree] = tree.flatten(out[1] as PyTree);
      out = out[0] as PyTree;
    }
    const [ol, od] = tree.flatten(out);
    outTree = od;
    const outs = toArrays(ol, op);
    outs.forEach((o, i) => {
      if (!isFloat(o.dtype)) throw new DTypeError(`${op}: output leaf ${i} is ${o.aval.str()}; Jacobians need float outputs (convert with .astype('float32'))`);
    });
    return [...outs, ...toArrays(auxLeaves, op)];
  };
  return {
    diffTree, primals, flatF, single,
    outTree: () => outTree!,
    aux: (leaves) => (auxTree ? tree.unflatten(auxTree, leaves) : null),
  };
}

/** Rows [offset, offset + size) of the n×n identity, shaped [n, ...shape]: one leaf's part of the standard basis. */
function basisFor(n: number, offset: number, x: NDArray | { shape: readonly number[]; dtype: NDArray['dtype'] }): NDArray {
  const size = x.shape.reduce((a, b) => a * b, 1);
  const eye = lax.eq(lax.iota('int32', [n, size], 0), lax.add(lax.iota('int32', [n, size], 1), lax.full([n, size], offset, 'int32')));
  return lax.reshape(lax.convertElementType(eye, x.dtype), [n, ...x.shape]);
}
const offsets = (sizes: readonly number[]) => sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));

/** The Jacobian tree: for each output leaf, a tree of the differentiated arguments' structure. */
function assemble(outTree: TreeDef, diffTree: TreeDef, block: (o: number, i: number) => NDArray): PyTree {
  const nOut = tree.numLeaves(outTree), nIn = tree.numLeaves(diffTree);
  return tree.unflatten(outTree, Array.from({ length: nOut }, (_, o) => tree.unflatten(diffTree, Array.from({ length: nIn }, (_, i) => block(o, i)))));
}


/**
 * jacfwd(f, {argnums, hasAux}): the Jacobian by forward mode, one jvp batched over the inputs'
 * basis. For each output leaf, a tree of the differentiated arguments' structure whose leaves have
 * shape out.shape + in.shape; with hasAux, [jacobian, aux].
 */
export function jacfwd<A extends PyTree[], R extends PyTree, Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [R, Aux], opts: JacobianOptions<N, true>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, Aux, true>;
export function jacfwd<A extends PyTree[], R extends PyTree, const N extends Argnums = 0>(f: (...args: A) => R, opts?: JacobianOptions<N, false>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, never, false>;
export function jacfwd<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: JacobianOptions): (...args: A) => PyTree;
export function jacfwd<A extends PyTree[]>(f: (...args: A) => PyTree, opts: JacobianOptions = {}) {
  expectFunction('jacfwd', f);
  return forward('jacfwd', f, opts);
}
function forward<A extends PyTree[]>(op: string, f: (...args: A) => PyTree, opts: JacobianOptions) {
  return (...args: A): PyTree => {
    const p = prepare(op, f as (...a: PyTree[]) => PyTree, opts, args);
    const sizes = p.primals.map((x) => x.size);
    const n = sizes.reduce((a, b) => a + b, 0), offs = offsets(sizes);
    const basis = p.primals.map((x, i) => basisFor(n, offs[i]!, x));
    let nOut = 0;
    const [vals, dims] = batchFlat((...tangents) => {
      const [po, to] = jvpFlat(p.flatF, p.primals, tangents);
      nOut = tree.numLeaves(p.outTree());
      return [...po, ...to.slice(0, nOut).map(instantiate)];
    }, basis, basis.map(() => 0), n);
    const outs = vals.slice(0, nOut);
    const tangents = vals.slice(vals.length - nOut).map((t, k) => moveBatchDim(t, dims[vals.length - nOut + k]!, 0, n));
    const jac = assemble(p.outTree(), p.diffTree, (o, i) => {
      // Columns of input leaf i, moved behind the output's axes: out.shape + in.shape.
      const x = p.primals[i]!, y = outs[o]!;
      const cols = lax.slice(tangents[o]!, [offs[i]!, ...y.shape.map(() => 0)], [offs[i]! + sizes[i]!, ...y.shape]);
      const last = lax.transpose(cols, [...y.shape.map((_, a) => a + 1), 0]);
      return lax.reshape(last, [...y.shape, ...x.shape]);
    });
    return opts.hasAux ? [jac, p.aux(vals.slice(nOut, vals.length - nOut))] : jac;
  };
}

/** jacrev(f, {argnums, hasAux}): the Jacobian by reverse mode, one vjp batched over the outputs' basis (results as jacfwd's). */
export function jacrev<A extends PyTree[], R extends PyTree, Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [R, Aux], opts: JacobianOptions<N, true>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, Aux, true>;
export function jacrev<A extends PyTree[], R extends PyTree, const N extends Argnums = 0>(f: (...args: A) => R, opts?: JacobianOptions<N, false>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, never, false>;
export function jacrev<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: JacobianOptions): (...args: A) => PyTree;
export function jacrev<A extends PyTree[]>(f: (...args: A) => PyTree, opts: JacobianOptions = {}) {
  expectFunction('jacrev', f);
  return reverse('jacrev', f, opts);
}
function reverse<A extends PyTree[]>(op: string, f: (...args: A) => PyTree, opts: JacobianOptions) {
  return (...args: A): PyTree => {
    const p = prepare(op, f as (...a: PyTree[]) => PyTree, opts, args);
    const lin = linearizeFlat(p.flatF, p.primals);
    const nOut = tree.numLeaves(p.outTree());
    const outs = lin.primalsOut.slice(0, nOut);
    const sizes = outs.map((y) => y.size);
    const m = sizes.reduce((a, b) => a + b, 0), offs = offsets(sizes);
    // Aux outputs get no cotangent: a zero row for each (it is unbatched, so it costs nothing).
    const auxAvals = lin.primalsOut.slice(nOut).map((a) => lax.zerosLike(a.aval.strong()));
    const basis = outs.map((y, o) => basisFor(m, offs[o]!, y));
    const [cts, dims] = batchFlat((...rows) => pullback(lin, [...rows, ...auxAvals], p.primals), basis, basis.map(() => 0), m);
    const rowsOf = cts.map((c, i) => moveBatchDim(c, dims[i]!, 0, m)); // [m, ...in.shape]
    const jac = assemble(p.outTree(), p.diffTree, (o, i) => {
      const x = p.primals[i]!, y = outs[o]!;
      const rows = lax.slice(rowsOf[i]!, [offs[o]!, ...x.shape.map(() => 0)], [offs[o]! + sizes[o]!, ...x.shape]);
      return lax.reshape(rows, [...y.shape, ...x.shape]);
    });
    return opts.hasAux ? [jac, p.aux(lin.primalsOut.slice(nOut))] : jac;
  };
}

/** The Jacobian (reverse mode), as JAX's `jacobian`. */
export function jacobian<A extends PyTree[], R extends PyTree, Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [R, Aux], opts: JacobianOptions<N, true>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, Aux, true>;
export function jacobian<A extends PyTree[], R extends PyTree, const N extends Argnums = 0>(f: (...args: A) => R, opts?: JacobianOptions<N, false>): JacobianFn<A, JacobianOf<R, GradOf<A, NoInfer<N>>>, never, false>;
export function jacobian<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: JacobianOptions): (...args: A) => PyTree;
export function jacobian<A extends PyTree[]>(f: (...args: A) => PyTree, opts: JacobianOptions = {}) {
  expectFunction('jacobian', f);
  return reverse('jacobian', f, opts);
}

/** hessian(f, {argnums, hasAux}) = jacfwd(jacrev(f)): out.shape + in.shape + in.shape for each pair of differentiated leaves. */
export function hessian<A extends PyTree[], R extends PyTree, Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [R, Aux], opts: JacobianOptions<N, true>): JacobianFn<A, JacobianOf<JacobianOf<R, GradOf<A, NoInfer<N>>>, GradOf<A, NoInfer<N>>>, Aux, true>;
export function hessian<A extends PyTree[], R extends PyTree, const N extends Argnums = 0>(f: (...args: A) => R, opts?: JacobianOptions<N, false>): JacobianFn<A, JacobianOf<JacobianOf<R, GradOf<A, NoInfer<N>>>, GradOf<A, NoInfer<N>>>, never, false>;
export function hessian<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: JacobianOptions): (...args: A) => PyTree;
export function hessian<A extends PyTree[]>(f: (...args: A) => PyTree, opts: JacobianOptions = {}) {
  expectFunction('hessian', f);
  return forward('hessian', reverse('hessian', f, opts), opts);
}
