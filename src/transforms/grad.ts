// Reverse mode: vjp = linearize + transpose; grad and valueAndGrad on top (Jacobians: jacobian.ts).
import { NDArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { DTypeError, ShapeError, expectFunction } from '../core/errors.js';
import * as lax from '../core/lax.js';
import * as tree from '../core/tree.js';
import { ArgTangents, ArrayTree, Leaf, PyTree, TreeDef } from '../core/tree.js';
import { checkNotPromise, checkTangent, flattenArgs, flattenFun, primalArrays, requireFloat, splitAuxTree, toArrays } from './flat.js';
import { applyLinear, Linearized, linearizeFlat } from './linearize.js';
import { backwardPass } from './transpose.js';
import { instantiate, Tangent, Zero } from './tangent.js';
import { FlatFn } from '../core/primitives.js';

/** Input cotangents for the output cotangents `cts` (one per output leaf). */
export function pullback(lin: Linearized, cts: readonly Tangent[], inAvals: readonly NDArray[]): NDArray[] {
  const linearCts: Tangent[] = lin.linear.outAvals.map((a) => new Zero(a));
  lin.outputSlot.forEach((slot, i) => { if (slot !== null) linearCts[slot] = cts[i]!; });
  const ctIns = backwardPass(lin.linear, linearCts);
  let k = 0;
  return inAvals.map((x, i) => {
    if (!lin.inputUsed[i]) return lax.zerosLike(x.aval);
    return instantiate(ctIns[k++]!);
  });
}

/** A cotangent for output `primal`: its shape, and its dtype (a TypeError, as JAX's); a JS number takes the output's dtype. */
function checkCotangent(ct: NDArray, primal: NDArray, i: number, op: string, given: unknown): NDArray {
  if (ct.shape.join() !== primal.shape.join()) {
    throw new ShapeError(`${op}: cotangent ${i} has shape [${ct.shape.join(', ')}] but the output has shape [${primal.shape.join(', ')}]`);
  }
  if (ct.dtype === primal.dtype) return ct;
  if (typeof given === 'number' || typeof given === 'boolean') return lax.convertElementType(ct, primal.dtype);
  throw new TypeError(`${op}: cotangent ${i} is ${ct.aval.str()} but the output is ${primal.aval.str()}; the cotangent of a ${primal.dtype} output must be ${primal.dtype}, not ${ct.dtype}`);
}

/**
 * vjp(f, ...primals) → [f(...primals), vjpFn]; vjpFn(cotangent) returns one cotangent per
 * positional argument, each with its primal's structure. The forward pass runs once; vjpFn can
 * be called many times.
 *
 * @example
 * const [y, vjpFn] = vjp((x: np.Array) => np.sin(x), np.arange(3).astype('float32'));
 * const [ct] = vjpFn(np.ones([3]));            // cos(x)
 */
export function vjp<A extends PyTree[], R extends PyTree>(f: (...args: A) => R, ...primals: A): [ArrayTree<R>, (ct: ArrayTree<R>) => ArgTangents<A>] {
  expectFunction('vjp', f);
  const [out, vjpFn] = vjpCore('vjp', f, primals, false);
  return [out as ArrayTree<R>, vjpFn as (ct: ArrayTree<R>) => ArgTangents<A>];
}

/**
 * vjp with JAX's has_aux: f returns [output, aux]; → [output, vjpFn, aux]. The aux part is
 * carried out as it is, not differentiated (vjpFn takes a cotangent of the output only).
 */
export function vjpWithAux<A extends PyTree[], O extends PyTree, X extends PyTree>(f: (...args: A) => readonly [O, X], ...primals: A): [ArrayTree<O>, (ct: ArrayTree<O>) => ArgTangents<A>, ArrayTree<X>] {
  expectFunction('vjpWithAux', f);
  const [out, vjpFn, aux] = vjpCore('vjpWithAux', f as (...args: A) => PyTree, primals, true);
  return [out as ArrayTree<O>, vjpFn as (ct: ArrayTree<O>) => ArgTangents<A>, aux as ArrayTree<X>];
}

function vjpCore<A extends PyTree[]>(op: string, f: (...args: A) => PyTree, primals: A, hasAux: boolean): [PyTree, (ct: PyTree) => PyTree[], PyTree] {
  const [leaves, inTree] = flattenArgs(primals, op);
  const args = primalArrays(leaves, op);
  const [flatF, outTree] = flattenFun(f as unknown as (...a: PyTree[]) => PyTree, inTree, op);
  const lin = linearizeFlat(flatF, args);
  const [mainTree, auxTree] = hasAux ? splitAuxTree(outTree(), op) : [outTree(), null];
  const nMain = tree.numLeaves(mainTree);
  const vjpFn = (ct: PyTree): PyTree[] => {
    const [ctLeaves, ctTree] = tree.flatten(ct);
    if (!tree.treedefEqual(ctTree, mainTree)) {
      throw new TypeError(`${op}: the cotangent's structure ${tree.treedefString(ctTree)} differs from the output's ${tree.treedefString(mainTree)}`);
    }
    const cts: Tangent[] = toArrays(ctLeaves, op).map((c, i) => checkCotangent(c, lin.primalsOut[i]!, i, op, ctLeaves[i]));
    // The aux outputs take no cotangent.
    for (let i = nMain; i < lin.primalsOut.length; i++) cts.push(new Zero(lin.primalsOut[i]!.aval));
    return tree.unflatten(inTree, pullback(lin, cts, args)) as PyTree[];
  };
  const out = tree.unflatten(mainTree, lin.primalsOut.slice(0, nMain));
  return [out, vjpFn, auxTree ? tree.unflatten(auxTree, lin.primalsOut.slice(nMain)) : null];
}

/**
 * linearize(f, ...primals) → [f(...primals), fJvp] where fJvp(...tangents) = J·tangents, reusing
 * the forward pass.
 *
 * @example
 * const [y, fJvp] = linearize((x: np.Array) => x.square(), np.array([1, 2]));
 * fJvp(np.ones([2]));                           // 2x: [2, 4]
 */
export function linearize<A extends PyTree[], R extends PyTree>(f: (...args: A) => R, ...primals: A): [ArrayTree<R>, (...tangents: ArgTangents<A>) => ArrayTree<R>] {
  expectFunction('linearize', f);
  const [out, fJvp] = linearizeCore('linearize', f, primals, false);
  return [out as ArrayTree<R>, fJvp as (...tangents: ArgTangents<A>) => ArrayTree<R>];
}

/** linearize with JAX's has_aux: f returns [output, aux]; → [output, fJvp, aux] (fJvp gives the output's tangent). */
export function linearizeWithAux<A extends PyTree[], O extends PyTree, X extends PyTree>(f: (...args: A) => readonly [O, X], ...primals: A): [ArrayTree<O>, (...tangents: ArgTangents<A>) => ArrayTree<O>, ArrayTree<X>] {
  expectFunction('linearizeWithAux', f);
  const [out, fJvp, aux] = linearizeCore('linearizeWithAux', f as (...args: A) => PyTree, primals, true);
  return [out as ArrayTree<O>, fJvp as (...tangents: ArgTangents<A>) => ArrayTree<O>, aux as ArrayTree<X>];
}

function linearizeCore<A extends PyTree[]>(op: string, f: (...args: A) => PyTree, primals: A, hasAux: boolean): [PyTree, (...tangents: A) => PyTree, PyTree] {
  const [leaves, inTree] = flattenArgs(primals, op);
  const [flatF, outTree] = flattenFun(f as unknown as (...a: PyTree[]) => PyTree, inTree, op);
  const args = primalArrays(leaves, op);
  const lin = linearizeFlat(flatF, args);
  const [mainTree, auxTree] = hasAux ? splitAuxTree(outTree(), op) : [outTree(), null];
  const nMain = tree.numLeaves(mainTree);
  const fJvp = (...tangents: A): PyTree => {
    const [tl, tTree] = flattenArgs(tangents as unknown[], op);
    if (!tree.treedefEqual(inTree, tTree)) {
      throw new TypeError(`${op}: the tangents' structure ${tree.treedefString(tTree)} differs from the primals' ${tree.treedefString(inTree)}`);
    }
    const ts = toArrays(tl, op).map((t, i) => checkTangent(t, args[i]!, i, op, tl[i]));
    return tree.unflatten(mainTree, applyLinear(lin, ts).slice(0, nMain).map(instantiate));
  };
  const out = tree.unflatten(mainTree, lin.primalsOut.slice(0, nMain));
  return [out, fJvp, auxTree ? tree.unflatten(auxTree, lin.primalsOut.slice(nMain)) : null];
}

/** Which positional arguments to differentiate: one index (the gradient has its structure) or a list (a tuple of gradients). */
export type Argnums = number | readonly number[];
/** Options of grad and valueAndGrad. */
export interface GradOptions<N extends Argnums = Argnums, Aux extends boolean = boolean> {
  /** Positional argument(s) to differentiate with respect to (default 0). */
  argnums?: N;
  /** The function returns `[output, aux]`; aux is passed through undifferentiated. */
  hasAux?: Aux;
}
/** A scalar output of a function to differentiate. */
export type ScalarOutput = NDArray | number;

type GradOfArg<A extends readonly unknown[], N> =
  `${N & number}` extends `-${string}` ? PyTree : N extends keyof A ? ArrayTree<A[N]> : ArrayTree<A[number]>;
/** The gradient's type for arguments `A` and argnums `N`: the argument's structure, or a tuple of them. */
export type GradOf<A extends readonly unknown[], N extends Argnums> =
  N extends number ? GradOfArg<A, N> : GradTuple<A, N>;
type GradTuple<A extends readonly unknown[], N> =
  N extends readonly [infer H, ...infer T] ? [GradOfArg<A, H>, ...GradTuple<A, T>]
    : N extends readonly [] ? [] : N extends readonly (infer H)[] ? GradOfArg<A, H>[] : never;

export function normalizeArgnums(argnums: number | readonly number[], nargs: number, op: string): number[] {
  const nums = typeof argnums === 'number' ? [argnums] : [...argnums];
  for (const n of nums) {
    if (!Number.isInteger(n) || n < -nargs || n >= nargs) throw new RangeError(`${op}: argnums ${n} is out of range for a call with ${nargs} positional argument${nargs === 1 ? '' : 's'}`);
  }
  return nums.map((n) => (n < 0 ? n + nargs : n));
}

/**
 * valueAndGrad(f, {argnums, hasAux})(...args) → [value, gradient], or [[value, aux], gradient].
 * The gradient has the structure (and type) of args[argnums], a tuple of them when argnums is a
 * list.
 *
 * @example
 * const loss = (w: np.Array, x: np.Array) => x.matmul(w).square().mean();
 * const [value, g] = valueAndGrad(loss)(np.ones([3, 1]), np.ones([4, 3]));   // g: np.Array
 * const [[v, aux], gx] = valueAndGrad((x: np.Array) => [x.sum(), x.mean()] as const, { hasAux: true })(np.ones([2]));
 */
export function valueAndGrad<A extends PyTree[], Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [ScalarOutput, Aux], opts: GradOptions<N, true>): (...args: A) => [[NDArray, ArrayTree<Aux>], GradOf<A, NoInfer<N>>];
export function valueAndGrad<A extends PyTree[], const N extends Argnums = 0>(f: (...args: A) => ScalarOutput, opts?: GradOptions<N, false>): (...args: A) => [NDArray, GradOf<A, NoInfer<N>>];
export function valueAndGrad<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: GradOptions): (...args: A) => [PyTree, PyTree];
export function valueAndGrad<A extends PyTree[]>(f: (...args: A) => PyTree, opts: GradOptions = {}): (...args: A) => [PyTree, PyTree] {
  expectFunction('valueAndGrad', f);
  return valueAndGradUntyped(f, opts, 'valueAndGrad');
}

function valueAndGradUntyped<A extends PyTree[]>(f: (...args: A) => PyTree, opts: GradOptions, op: string): (...args: A) => [PyTree, PyTree] {
  const { argnums = 0, hasAux = false } = opts;
  return (...args: A): [PyTree, PyTree] => {
    const nums = normalizeArgnums(argnums, args.length, op);
    const [diffLeaves, diffTree] = flattenArgs(nums.map((n) => args[n]), op, nums);
    const diffArrays = toArrays(diffLeaves, op).map((x, i) => {
      if (typeof diffLeaves[i] === 'number') return lax.convertElementType(x, 'float32', true);
      requireFloat(x, op, `argument ${nums.length === 1 ? nums[0] : 'leaf ' + i}`);
      return x;
    });
    let auxTree: TreeDef | null = null;
    const flatF: FlatFn = (...leaves) => {
      const diffArgs = tree.unflatten(diffTree, leaves) as PyTree[];
      const callArgs = [...args] as PyTree[];
      nums.forEach((n, k) => { callArgs[n] = diffArgs[k]; });
      const result = checkNotPromise(f(...(callArgs as A)), op);
      let out: PyTree = result;
      let auxLeaves: Leaf[] = [];
      if (hasAux) {
        if (!Array.isArray(result) || result.length !== 2) throw new TypeError(`${op} with hasAux: the function must return [output, aux], got ${describe(result)}`);
        out = result[0] as PyTree;
        [auxLeaves, auxTree] = tree.flatten(result[1] as PyTree);
      }
      const outArr = checkScalarOutput(out, op);
      return [outArr, ...toArrays(auxLeaves, op)];
    };
    const lin = linearizeFlat(flatF, diffArrays);
    const [value, ...auxValues] = lin.primalsOut;
    const cts: Tangent[] = lin.primalsOut.map((p, i) => (i === 0 ? lax.fullLike(p.aval.strong(), 1) : new Zero(p.aval)));
    const grads = tree.unflatten(diffTree, pullback(lin, cts, diffArrays)) as PyTree[];
    const g = typeof argnums === 'number' ? grads[0] : grads;
    const v = hasAux ? [value, tree.unflatten(auxTree!, auxValues)] : value;
    return [v as PyTree, g as PyTree];
  };
}

/**
 * grad(f, {argnums, hasAux}): the gradient of a scalar-valued function, with the structure and
 * type of the argument(s) it is taken with respect to; with `hasAux`, `[gradient, aux]`.
 *
 * @example
 * const loss = (w: np.Array) => np.tanh(w).sum();
 * const g = grad(loss)(np.ones([3]));                     // np.Array, shape [3]
 * const gb = grad((w: np.Array, b: number) => w.sum().mul(b), { argnums: 1 })(np.ones([3]), 2);
 */
export function grad<A extends PyTree[], Aux extends PyTree, const N extends Argnums = 0>(f: (...args: A) => readonly [ScalarOutput, Aux], opts: GradOptions<N, true>): (...args: A) => [GradOf<A, NoInfer<N>>, ArrayTree<Aux>];
export function grad<A extends PyTree[], const N extends Argnums = 0>(f: (...args: A) => ScalarOutput, opts?: GradOptions<N, false>): (...args: A) => GradOf<A, NoInfer<N>>;
export function grad<A extends PyTree[]>(f: (...args: A) => PyTree, opts?: GradOptions): (...args: A) => PyTree;
export function grad<A extends PyTree[]>(f: (...args: A) => PyTree, opts: GradOptions = {}): (...args: A) => PyTree {
  expectFunction('grad', f);
  const vg = valueAndGradUntyped(f, opts, 'grad');
  return (...args: A): PyTree => {
    const [value, g] = vg(...args);
    return opts.hasAux ? [g, (value as PyTree[])[1]] : g;
  };
}

function checkScalarOutput(out: PyTree, op: string): NDArray {
  const x = out instanceof NDArray ? out : typeof out === 'number' ? lax.scalar(out, 'float32', true) : null;
  if (!x) throw new TypeError(`${op}: the function must return a scalar Array, got ${describe(out)}`);
  if (x.ndim !== 0) {
    throw new ShapeError(`${op} requires a scalar output, got ${x.aval.str()}. For non-scalar outputs use vjp (or jacrev for the full Jacobian), or reduce the output (e.g. .sum()).`);
  }
  if (!isFloat(x.dtype)) throw new DTypeError(`${op} requires a float output, got ${x.aval.str()}`);
  return x;
}

function describe(x: unknown): string {
  if (x instanceof NDArray) return `an Array ${x.aval.str()}`;
  if (Array.isArray(x)) return `a list of length ${x.length}`;
  return x === null ? 'null' : typeof x;
}
