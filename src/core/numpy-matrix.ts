// Matrix-shaped NumPy: einsum (any subscripts, a greedy contraction order for three or more
// operands), triangles and diagonals, trace, kron, cross, vander, matvec/vecmat, rot90, grids,
// logspace/geomspace and the stack/split variants. Movement, gather and dot_general underneath.
import { ArrayLike, NDArray } from './array.js';
import { DType, isFloat } from './dtype.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { cumprod } from './numpy-cumulative.js';
import { concatenate, expandDims, flip, reshape, split, stack, swapaxes } from './numpy-shape.js';
import { matmul } from './numpy-linalg.js';
import { array, linspace } from './creation.js';
import { multiply, power, subtract } from './numpy.js';
import { sum } from './numpy-reduce.js';
import { axisOf, checkDtype, convertTo, describe, range, resultType, toArray, toArrays } from './numpy-util.js';
import { showShape, sizeOf } from './shape.js';

// ---- einsum ----------------------------------------------------------------------------------------
/** One operand during the contraction: its array and one letter per axis. */
interface Term { x: NDArray; letters: string[] }

/** The diagonal of axes i and j (equal sizes), as a new last axis: a gather on the flattened pair. */
function takeDiagonal(x: NDArray, i: number, j: number, offset = 0): NDArray {
  const rest = range(x.ndim).filter((k) => k !== i && k !== j);
  const moved = lax.transpose(x, [...rest, i, j]);
  const n = x.shape[i]!, m = x.shape[j]!;
  const count = offset >= 0 ? Math.max(0, Math.min(n, m - offset)) : Math.max(0, Math.min(n + offset, m));
  const flat = lax.reshape(moved, [...rest.map((k) => x.shape[k]!), n * m]);
  if (count === 0) return lax.full([...rest.map((k) => x.shape[k]!), 0], 0, x.dtype);
  const r = lax.iota('int32', [count], 0);
  const rows = offset >= 0 ? r : lax.sub(r, lax.full([count], offset, 'int32'));
  const cols = offset >= 0 ? lax.add(r, lax.full([count], offset, 'int32')) : r;
  const idx = lax.add(lax.mul(rows, lax.full([count], m, 'int32')), cols);
  return lax.gather(flat, idx, flat.ndim - 1);
}

function parseEinsum(subscripts: string, shapes: readonly (readonly number[])[]): { inputs: string[][]; output: string[]; sizes: Map<string, number> } {
  const spec = subscripts.replace(/\s+/g, '');
  const [lhs, rhs] = spec.includes('->') ? spec.split('->') as [string, string] : [spec, null];
  const parts = lhs.split(',');
  if (parts.length !== shapes.length) throw new ShapeError(`einsum: the subscripts name ${parts.length} operand${parts.length === 1 ? '' : 's'} ("${subscripts}") but ${shapes.length} were given`);
  // The ellipsis becomes private letters, right-aligned across operands so they broadcast.
  const ellipsisRank = Math.max(0, ...parts.map((p, k) => (p.includes('...') ? shapes[k]!.length - p.replace('...', '').length : 0)));
  const ell = range(ellipsisRank).map((i) => String.fromCharCode(0x100 + i));
  const letters = (p: string, rank: number | null): string[] => {
    if (!/^[a-zA-Z.]*$/.test(p) || (p.match(/\./g)?.length ?? 0) % 3 !== 0 || p.split('...').length > 2) throw new ShapeError(`einsum: invalid subscripts "${subscripts}": use letters, at most one "..." per operand`);
    if (!p.includes('...')) return p.split('');
    const [a, b] = p.split('...') as [string, string];
    const r = rank === null ? ellipsisRank : rank - a.length - b.length;
    if (r < 0) throw new ShapeError(`einsum: operand subscripts "${p}" need more axes than the operand has`);
    return [...a.split(''), ...ell.slice(ellipsisRank - r), ...b.split('')];
  };
  const inputs = parts.map((p, k) => letters(p, shapes[k]!.length));
  const sizes = new Map<string, number>();
  inputs.forEach((ls, k) => {
    if (ls.length !== shapes[k]!.length) throw new ShapeError(`einsum: operand ${k} has ${shapes[k]!.length} axes (shape ${showShape(shapes[k]!)}) but subscripts "${parts[k]}" name ${ls.length}`);
    ls.forEach((l, ax) => {
      const d = shapes[k]![ax]!, prev = sizes.get(l);
      if (prev === undefined || prev === 1) sizes.set(l, d);
      else if (d !== prev && d !== 1) throw new ShapeError(`einsum: index "${l.charCodeAt(0) >= 0x100 ? '...' : l}" has size ${prev} in one place and ${d} in another (operand ${k}, shape ${showShape(shapes[k]!)})`);
    });
  });
  let output: string[];
  if (rhs !== null) {
    output = letters(rhs, null);
    for (const l of output) if (!sizes.has(l)) throw new ShapeError(`einsum: output index "${l}" does not appear in any operand ("${subscripts}")`);
    if (new Set(output).size !== output.length) throw new ShapeError(`einsum: output subscripts "${rhs}" repeat an index`);
  } else {
    const counts = new Map<string, number>();
    inputs.flat().forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
    output = [...ell, ...[...counts.keys()].filter((l) => l.charCodeAt(0) < 0x100 && counts.get(l) === 1).sort()];
  }
  return { inputs, output, sizes };
}

/** Sums out letters no one else needs, and takes the diagonal of letters repeated within a term. */
function simplify(t: Term, needed: Set<string>, sizes: Map<string, number>): Term {
  let { x, letters } = t;
  for (;;) {
    const dup = letters.findIndex((l, i) => letters.indexOf(l) !== i);
    if (dup < 0) break;
    const first = letters.indexOf(letters[dup]!);
    x = takeDiagonal(x, first, dup);
    const l = letters[dup]!;
    letters = [...letters.filter((_, i) => i !== first && i !== dup), l];
  }
  // Broadcast size-1 axes (from the ellipsis) to the letter's size.
  const target = letters.map((l) => sizes.get(l)!);
  if (target.some((d, i) => d !== x.shape[i])) x = lax.broadcastInDim(lax.reshape(x, x.shape.map((d, i) => (d === target[i] ? d : 1))), target, range(target.length));
  const drop = letters.map((l, i) => (needed.has(l) ? -1 : i)).filter((i) => i >= 0);
  if (drop.length) { x = lax.reduceSum(x, drop); letters = letters.filter((_, i) => !drop.includes(i)); }
  return { x, letters };
}

/** A·B over shared letters: those still needed become batch axes, the rest are contracted. */
function contractPair(a: Term, b: Term, needed: Set<string>): Term {
  const shared = a.letters.filter((l) => b.letters.includes(l));
  const batch = shared.filter((l) => needed.has(l)), contract = shared.filter((l) => !needed.has(l));
  const idx = (t: Term, ls: string[]) => ls.map((l) => t.letters.indexOf(l));
  const x = lax.dotGeneral(a.x, b.x, { contracting: [idx(a, contract), idx(b, contract)], batch: [idx(a, batch), idx(b, batch)] });
  const freeA = a.letters.filter((l) => !shared.includes(l)), freeB = b.letters.filter((l) => !shared.includes(l));
  return { x, letters: [...batch, ...freeA, ...freeB] };
}

/**
 * Einstein summation: `einsum('ij,jk->ik', a, b)`. Any letters, repeated letters within an operand
 * (diagonals), an ellipsis for broadcast axes, and the implicit output (letters used once, sorted).
 * Three or more operands are contracted pairwise in a greedy order: each step takes the pair whose
 * result is smallest (opt_einsum's greedy rule), so chains never build a needless outer product.
 */
export function einsum(subscripts: string, ...operands: ArrayLike[]): NDArray {
  if (typeof subscripts !== 'string') throw new TypeError(`einsum: the first argument must be a subscripts string like 'ij,jk->ik', got ${describe(subscripts)}`);
  if (operands.length === 0) throw new TypeError('einsum: needs at least one operand');
  const xs0 = toArrays('einsum', operands);
  const t = resultType(xs0);
  const xs = xs0.map((x) => convertTo(x, t.dtype === 'bool' ? { dtype: 'int32', weakType: t.weakType } : t));
  const { inputs, output, sizes } = parseEinsum(subscripts, xs.map((x) => x.shape));
  const neededBy = (terms: readonly { letters: string[] }[], skip: number[]): Set<string> =>
    new Set([...output, ...terms.filter((_, i) => !skip.includes(i)).flatMap((tm) => tm.letters)]);
  let terms: Term[] = xs.map((x, k) => ({ x, letters: inputs[k]! }));
  terms = terms.map((tm, k) => simplify(tm, neededBy(terms, [k]), sizes));
  while (terms.length > 1) {
    let best: [number, number] = [0, 1], bestSize = Infinity;
    for (let i = 0; i < terms.length; i++) for (let j = i + 1; j < terms.length; j++) {
      const needed = neededBy(terms, [i, j]);
      const kept = new Set([...terms[i]!.letters, ...terms[j]!.letters].filter((l) => needed.has(l)));
      const size = sizeOf([...kept].map((l) => sizes.get(l)!));
      if (size < bestSize) { bestSize = size; best = [i, j]; }
    }
    const [i, j] = best;
    const merged = contractPair(terms[i]!, terms[j]!, neededBy(terms, [i, j]));
    terms = [...terms.filter((_, k) => k !== i && k !== j), merged];
    terms[terms.length - 1] = simplify(merged, neededBy(terms, [terms.length - 1]), sizes);
  }
  const last = simplify(terms[0]!, new Set(output), sizes);
  return lax.transpose(last.x, output.map((l) => last.letters.indexOf(l)));
}

// ---- triangles, diagonals ----------------------------------------------------------------------------
function triMask(k: number, lower: boolean, shape: readonly number[]): NDArray {
  const nd = shape.length;
  const i = lax.iota('int32', shape, nd - 2), j = lax.iota('int32', shape, nd - 1);
  const shifted = lax.add(i, lax.full(shape, k, 'int32'));
  return lower ? lax.le(j, shifted) : lax.ge(j, shifted);
}
/** The lower triangle (j ≤ i + k) of the last two axes; the rest zero. */
export function tril(x: ArrayLike, k = 0): NDArray {
  const a = toArray('tril', x);
  if (a.ndim < 2) throw new ShapeError(`tril: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  return lax.select(triMask(k, true, a.shape), a, lax.full(a.shape, 0, a.dtype, a.weakType));
}
/** The upper triangle (j ≥ i + k) of the last two axes; the rest zero. */
export function triu(x: ArrayLike, k = 0): NDArray {
  const a = toArray('triu', x);
  if (a.ndim < 2) throw new ShapeError(`triu: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  return lax.select(triMask(k, false, a.shape), a, lax.full(a.shape, 0, a.dtype, a.weakType));
}
/** Ones at and below diagonal k of an n×m matrix. */
export function tri(n: number, m?: number, k = 0, opts: { dtype?: DType } = {}): NDArray {
  const cols = m ?? n;
  return lax.convertElementType(triMask(k, true, [n, cols]), checkDtype('tri', opts.dtype ?? 'float32'));
}
/** The diagonal `offset` of axes axis1 and axis2, as the last axis of the result. */
export function diagonal(x: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): NDArray {
  const a = toArray('diagonal', x);
  if (a.ndim < 2) throw new ShapeError(`diagonal: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  const i = axisOf('diagonal', axis1, a.ndim), j = axisOf('diagonal', axis2, a.ndim);
  if (i === j) throw new ShapeError(`diagonal: axis1 and axis2 must differ, got ${axis1} and ${axis2}`);
  return takeDiagonal(a, i, j, offset);
}
/** 1-d v: a square matrix with v on diagonal k; 2-d: its diagonal k. */
export function diag(v: ArrayLike, k = 0): NDArray {
  const a = toArray('diag', v);
  if (a.ndim === 2) return diagonal(a, k);
  if (a.ndim !== 1) throw new ShapeError(`diag: expected a 1-d or 2-d array, got shape ${showShape(a.shape)}`);
  const n = a.shape[0]! + Math.abs(k);
  const i = lax.iota('int32', [n, n], 0), j = lax.iota('int32', [n, n], 1);
  const onDiag = lax.eq(lax.sub(j, i), lax.full([n, n], k, 'int32'));
  const src = k >= 0 ? i : j;
  const idx = lax.min(src, lax.full([n, n], Math.max(0, a.shape[0]! - 1), 'int32'));
  if (a.shape[0] === 0) return lax.full([n, n], 0, a.dtype);
  return lax.select(onDiag, lax.gather(a, idx, 0), lax.full([n, n], 0, a.dtype, a.weakType));
}
/** A 2-d array with the flattened `v` on diagonal `k`. */
export const diagflat = (v: ArrayLike, k = 0): NDArray => { const a = toArray('diagflat', v); return diag(lax.reshape(a, [a.size]), k); };
/** Σ of diagonal `offset` of axes axis1, axis2. */
export function trace(x: ArrayLike, offset = 0, axis1 = 0, axis2 = 1): NDArray {
  const d = diagonal(x, offset, axis1, axis2);
  return sum(d, -1);
}

// ---- products ----------------------------------------------------------------------------------------
/** The Kronecker product: block (i, j) is a[i, j]·b. */
export function kron(x: ArrayLike, y: ArrayLike): NDArray {
  const [a0, b0] = toArrays('kron', [x, y]);
  const nd = Math.max(a0!.ndim, b0!.ndim);
  const a = lax.reshape(a0!, [...Array<number>(nd - a0!.ndim).fill(1), ...a0!.shape]);
  const b = lax.reshape(b0!, [...Array<number>(nd - b0!.ndim).fill(1), ...b0!.shape]);
  const ai = lax.reshape(a, range(nd).flatMap((i) => [a.shape[i]!, 1]));
  const bi = lax.reshape(b, range(nd).flatMap((i) => [1, b.shape[i]!]));
  return reshape(multiply(ai, bi), range(nd).map((i) => a.shape[i]! * b.shape[i]!));
}
/** The cross product of 3-vectors (2-vectors give the z component) along `axis` (default −1). */
export function cross(x: ArrayLike, y: ArrayLike, axis = -1): NDArray {
  const [a0, b0] = toArrays('cross', [x, y]);
  const ax = axisOf('cross', axis, a0!.ndim), bx = axisOf('cross', axis, b0!.ndim);
  const a = lax.transpose(a0!, [...range(a0!.ndim).filter((i) => i !== ax), ax]);
  const b = lax.transpose(b0!, [...range(b0!.ndim).filter((i) => i !== bx), bx]);
  const na = a.shape[a.ndim - 1]!, nb = b.shape[b.ndim - 1]!;
  if (![2, 3].includes(na) || ![2, 3].includes(nb)) throw new ShapeError(`cross: incompatible dimensions for cross product (dimension must be 2 or 3), got ${na} and ${nb}`);
  const comp = (v: NDArray, i: number) => (i < v.shape[v.ndim - 1]! ? lax.reshape(lax.slice(v, v.shape.map((_, k) => (k === v.ndim - 1 ? i : 0)), v.shape.map((d, k) => (k === v.ndim - 1 ? i + 1 : d))), v.shape.slice(0, -1)) : null);
  const mul = (p: NDArray | null, q: NDArray | null) => (p && q ? multiply(p, q) : null);
  const sub = (p: NDArray | null, q: NDArray | null): NDArray => (p && q ? subtract(p, q) : p ?? multiply(q!, -1));
  const [a0c, a1, a2] = [0, 1, 2].map((i) => comp(a, i));
  const [b0c, b1, b2] = [0, 1, 2].map((i) => comp(b, i));
  const z = sub(mul(a0c!, b1!), mul(a1!, b0c!));
  if (na === 2 && nb === 2) return z;
  const xs = sub(mul(a1!, b2 ?? null), mul(a2 ?? null, b1!));
  const ys = sub(mul(a2 ?? null, b0c!), mul(a0c!, b2 ?? null));
  return stack([xs, ys, z], -1);
}
/** The Vandermonde matrix: columns x^(N−1), …, x, 1 (or increasing powers), by running products. */
export function vander(x: ArrayLike, n?: number, increasing = false): NDArray {
  const a = toArray('vander', x);
  if (a.ndim !== 1) throw new ShapeError(`vander: x must be a 1-d array, got shape ${showShape(a.shape)}`);
  const cols = n ?? a.shape[0]!;
  if (cols === 0) return lax.full([a.shape[0]!, 0], 0, a.dtype);
  const base = a.dtype === 'bool' ? lax.convertElementType(a, 'int32') : a;
  const factors = lax.concatenate([lax.full([base.shape[0]!, 1], 1, base.dtype), lax.broadcastInDim(base, [base.shape[0]!, cols - 1], [0])], 1);
  const powers = cumprod(factors, { axis: 1 });
  return increasing ? powers : flip(powers, 1);
}
/** A[..., m, n] · v[..., n] → [..., m]. */
export function matvec(a: ArrayLike, v: ArrayLike): NDArray {
  const vv = toArray('matvec', v);
  if (vv.ndim < 1) throw new ShapeError('matvec: the vector must have at least one dimension');
  const out = matmul(a, expandDims(vv, -1));
  return lax.reshape(out, out.shape.slice(0, -1));
}
/** v[..., n] · A[..., n, m] → [..., m]. */
export function vecmat(v: ArrayLike, a: ArrayLike): NDArray {
  const vv = toArray('vecmat', v);
  if (vv.ndim < 1) throw new ShapeError('vecmat: the vector must have at least one dimension');
  const out = matmul(expandDims(vv, -2), a);
  return lax.reshape(out, [...out.shape.slice(0, -2), out.shape[out.ndim - 1]!]);
}
/** Σ a·b along axis (default −1), broadcasting the rest. */
export const vecdot = (a: ArrayLike, b: ArrayLike, axis = -1): NDArray => sum(multiply(a, b), axis);

// ---- rotations and flips ----------------------------------------------------------------------------
/** Rotates by 90° k times in the plane of `axes` (from the first axis toward the second). */
export function rot90(m: ArrayLike, k = 1, axes: readonly [number, number] = [0, 1]): NDArray {
  const a = toArray('rot90', m);
  if (a.ndim < 2) throw new ShapeError(`rot90: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  const [i, j] = [axisOf('rot90', axes[0], a.ndim), axisOf('rot90', axes[1], a.ndim)];
  if (i === j) throw new ShapeError('rot90: the axes must differ');
  const r = ((k % 4) + 4) % 4;
  if (r === 0) return a;
  if (r === 2) return flip(a, [i, j]);
  return r === 1 ? swapaxes(flip(a, j), i, j) : flip(swapaxes(a, i, j), j);
}
/** Reversed along axis 0. */
export const flipud = (m: ArrayLike): NDArray => flip(m, 0);
/** Reversed along axis 1. */
export function fliplr(m: ArrayLike): NDArray {
  const a = toArray('fliplr', m);
  if (a.ndim < 2) throw new ShapeError(`fliplr: expected at least 2 dimensions, got shape ${showShape(a.shape)}`);
  return flip(a, 1);
}

// ---- grids and ranges ---------------------------------------------------------------------------------
/** Coordinate arrays from 1-d vectors: 'xy' indexing (default) swaps the first two output axes, 'ij' does not. */
export function meshgrid(...args: (ArrayLike | { indexing?: 'xy' | 'ij'; sparse?: boolean })[]): NDArray[] {
  const last = args[args.length - 1];
  const opts = last !== undefined && typeof last === 'object' && !(last instanceof NDArray) ? (last as { indexing?: 'xy' | 'ij'; sparse?: boolean }) : {};
  const xs = toArrays('meshgrid', (opts === last ? args.slice(0, -1) : args) as ArrayLike[]).map((x) => lax.reshape(x, [x.size]));
  const indexing = opts.indexing ?? 'xy';
  if (indexing !== 'xy' && indexing !== 'ij') throw new TypeError(`meshgrid: indexing must be 'xy' or 'ij', got ${describe(indexing)}`);
  const n = xs.length;
  const dims = xs.map((x) => x.shape[0]!);
  const shape = indexing === 'xy' && n >= 2 ? [dims[1]!, dims[0]!, ...dims.slice(2)] : dims;
  return xs.map((x, k) => {
    const ax = indexing === 'xy' && n >= 2 && k < 2 ? 1 - k : k;
    if (opts.sparse) return lax.reshape(x, shape.map((d, i) => (i === ax ? d : 1)));
    return lax.broadcastInDim(x, shape, [ax]);
  });
}
/** The index grids of a shape, stacked: out[k][i0, i1, …] = i_k. */
export function indices(dimensions: readonly number[], opts: { dtype?: DType } = {}): NDArray {
  const dtype = checkDtype('indices', opts.dtype ?? 'int32');
  const s = [...dimensions];
  if (s.length === 0) return lax.full([0], 0, dtype);
  return lax.concatenate(s.map((_, k) => lax.reshape(lax.iota(dtype === 'bool' ? 'int32' : dtype, s, k), [1, ...s])), 0);
}
/** fn(i0, i1, …) over the index grids of `shape` (float32 indices by default, as NumPy's float). */
export function fromfunction<R>(fn: (...idx: NDArray[]) => R, shape: readonly number[], opts: { dtype?: DType } = {}): R {
  const dtype = checkDtype('fromfunction', opts.dtype ?? 'float32');
  return fn(...shape.map((_, k) => lax.iota(dtype, [...shape], k)));
}
/** base ** linspace(start, stop, num). */
export function logspace(start: number, stop: number, num = 50, opts: { endpoint?: boolean; base?: number; dtype?: DType } = {}): NDArray {
  const exps = linspace(start, stop, num, { endpoint: opts.endpoint ?? true, dtype: 'float64' });
  const d = checkDtype('logspace', opts.dtype ?? 'float32');
  return convertTo(power(array(opts.base ?? 10, { dtype: 'float64' }), exps), { dtype: d, weakType: false });
}
/** Values evenly spaced on a log scale from start to stop (same sign, nonzero), endpoints exact. */
export function geomspace(start: number, stop: number, num = 50, opts: { endpoint?: boolean; dtype?: DType } = {}): NDArray {
  if (start === 0 || stop === 0) throw new RangeError('geomspace: start and stop must be nonzero');
  if (Math.sign(start) !== Math.sign(stop)) throw new RangeError(`geomspace: start and stop must have the same sign, got ${start} and ${stop}`);
  const endpoint = opts.endpoint ?? true;
  const s = Math.sign(start);
  const exps = linspace(Math.log10(Math.abs(start)), Math.log10(Math.abs(stop)), num, { endpoint, dtype: 'float64' });
  const vals = Array.from(power(10, exps).dataSync(), (v, i) => (i === 0 ? Math.abs(start) : endpoint && i === num - 1 ? Math.abs(stop) : Number(v)) * s);
  const d = checkDtype('geomspace', opts.dtype ?? 'float32');
  if (!isFloat(d) && d !== 'int32' && d !== 'uint32') throw new TypeError(`geomspace: unsupported dtype ${d}`);
  return array(vals, { dtype: d });
}

// ---- stacking and splitting ----------------------------------------------------------------------------
/** x with at least one axis. */
export const atleast1d = (x: ArrayLike): NDArray => { const a = toArray('atleast1d', x); return a.ndim >= 1 ? a : lax.reshape(a, [1]); };
/** x with at least two axes (a 1-d x becomes a row). */
export const atleast2d = (x: ArrayLike): NDArray => { const a = toArray('atleast2d', x); return a.ndim >= 2 ? a : lax.reshape(a, a.ndim === 0 ? [1, 1] : [1, a.shape[0]!]); };
/** x with at least three axes. */
export const atleast3d = (x: ArrayLike): NDArray => {
  const a = toArray('atleast3d', x);
  return a.ndim >= 3 ? a : lax.reshape(a, a.ndim === 0 ? [1, 1, 1] : a.ndim === 1 ? [1, a.shape[0]!, 1] : [...a.shape, 1]);
};
/** Stacked vertically: concatenation along axis 0 of at-least-2-d arrays. */
export const vstack = (xs: readonly ArrayLike[]): NDArray => concatenate(xs.map(atleast2d), 0);
/** The same as vstack. */
export const rowStack = vstack;
/** Stacked horizontally: along axis 1 (axis 0 for 1-d arrays). */
export function hstack(xs: readonly ArrayLike[]): NDArray {
  const as = xs.map(atleast1d);
  return concatenate(as, as[0]?.ndim === 1 ? 0 : 1);
}
/** Stacked depth-wise: along axis 2 of at-least-3-d arrays. */
export const dstack = (xs: readonly ArrayLike[]): NDArray => concatenate(xs.map(atleast3d), 2);
/** 1-d arrays become columns of a 2-d array; 2-d arrays are stacked as they are. */
export const columnStack = (xs: readonly ArrayLike[]): NDArray => concatenate(xs.map((x) => { const a = toArray('columnStack', x); return a.ndim < 2 ? lax.reshape(a, [a.size, 1]) : a; }), 1);
/** split, but `sections` need not divide the axis: the first n mod sections parts get one more element. */
export function arraySplit(x: ArrayLike, sectionsOrIndices: number | readonly number[], axis = 0): NDArray[] {
  if (typeof sectionsOrIndices !== 'number') return split(x, sectionsOrIndices, axis);
  const a = toArray('arraySplit', x);
  const ax = axisOf('arraySplit', axis, a.ndim);
  const n = a.shape[ax]!, k = sectionsOrIndices;
  if (!Number.isInteger(k) || k <= 0) throw new ShapeError(`arraySplit: the number of sections must be a positive integer, got ${k}`);
  const base = Math.floor(n / k), extra = n % k;
  const bounds: number[] = [];
  for (let i = 0, at = 0; i < k - 1; i++) { at += base + (i < extra ? 1 : 0); bounds.push(at); }
  return split(a, bounds, ax);
}
/** Split along axis 1 (axis 0 for 1-d arrays) into equal sections or at indices. */
export function hsplit(x: ArrayLike, sections: number | readonly number[]): NDArray[] {
  const a = toArray('hsplit', x);
  if (a.ndim === 0) throw new ShapeError('hsplit: needs an array of at least 1 dimension');
  return split(a, sections, a.ndim === 1 ? 0 : 1);
}
/** Split along axis 0. */
export function vsplit(x: ArrayLike, sections: number | readonly number[]): NDArray[] {
  const a = toArray('vsplit', x);
  if (a.ndim < 2) throw new ShapeError(`vsplit: needs an array of at least 2 dimensions, got shape ${showShape(a.shape)}`);
  return split(a, sections, 0);
}
/** Split along axis 2. */
export function dsplit(x: ArrayLike, sections: number | readonly number[]): NDArray[] {
  const a = toArray('dsplit', x);
  if (a.ndim < 3) throw new ShapeError(`dsplit: needs an array of at least 3 dimensions, got shape ${showShape(a.shape)}`);
  return split(a, sections, 2);
}
/** The slices along an axis (default 0), each without that axis. */
export function unstack(x: ArrayLike, axis = 0): NDArray[] {
  const a = toArray('unstack', x);
  if (a.ndim === 0) throw new ShapeError('unstack: needs an array of at least 1 dimension');
  const ax = axisOf('unstack', axis, a.ndim);
  return split(a, a.shape[ax]!, ax).map((p) => lax.reshape(p, a.shape.filter((_, i) => i !== ax)));
}
