// Products: dot, matmul, inner, outer, tensordot, vdot, all through the one `dot_general`
// primitive (contracting axes + batch axes), with NumPy's rules for which axes those are.
import * as E from 'fp-ts/lib/Either.js';
import { ArrayLike, NDArray } from './array.js';
import { ShapeError } from './errors.js';
import * as lax from './lax.js';
import { convertTo, fullOf, range, resultType, toArrays } from './numpy-util.js';
import { broadcastShapes, Shape, showShape } from './shape.js';
import { DotDimensionNumbers } from './primitives.js';

/**
 * The two operands at their joint dtype. dot_general has no bool form, so bools are multiplied
 * as int32 and the result compared with 0 (a logical or of ands, NumPy's bool product).
 */
function operands(op: string, x: ArrayLike, y: ArrayLike): { a: NDArray; b: NDArray; finish: (out: NDArray) => NDArray } {
  const [a0, b0] = toArrays(op, [x, y]);
  const t = resultType([a0!, b0!]);
  if (t.dtype !== 'bool') return { a: convertTo(a0!, t), b: convertTo(b0!, t), finish: (o) => o };
  const asInt = { dtype: 'int32' as const, weakType: t.weakType };
  return {
    a: convertTo(a0!, asInt), b: convertTo(b0!, asInt),
    finish: (o) => lax.ne(o, fullOf(o.shape, 0, o.dtype, o, o.weakType)),
  };
}

function contract(a: NDArray, b: NDArray, lc: readonly number[], rc: readonly number[], batch: readonly [readonly number[], readonly number[]] = [[], []]): NDArray {
  const dn: DotDimensionNumbers = { contracting: [lc, rc], batch };
  return lax.dotGeneral(a, b, dn);
}

function checkAligned(op: string, a: NDArray, b: NDArray, ia: number, ib: number): void {
  if (a.shape[ia] !== b.shape[ib]) {
    throw new ShapeError(
      `${op}: shapes ${showShape(a.shape)} and ${showShape(b.shape)} are not aligned: ${a.shape[ia]} (axis ${ia} of the first) != ${b.shape[ib]} (axis ${ib} of the second)`,
    );
  }
}

/**
 * NumPy's dot: scalar × array is a product; 1-D · 1-D the inner product; otherwise the sum over
 * the last axis of x and the second-to-last of y (the only axis of a 1-D y). The result's shape
 * is x.shape[:-1] + y.shape without that axis.
 */
export function dot(x: ArrayLike, y: ArrayLike): NDArray {
  const { a, b, finish } = operands('dot', x, y);
  if (a.ndim === 0 || b.ndim === 0) return finish(lax.mul(...broadcastPair(a, b)));
  const ib = b.ndim === 1 ? 0 : b.ndim - 2;
  checkAligned('dot', a, b, a.ndim - 1, ib);
  return finish(contract(a, b, [a.ndim - 1], [ib]));
}
function broadcastPair(a: NDArray, b: NDArray): [NDArray, NDArray] {
  const shape = a.ndim === 0 ? b.shape : a.shape;
  return [lax.broadcastInDim(a, shape, a.ndim === 0 ? [] : range(a.ndim)), lax.broadcastInDim(b, shape, b.ndim === 0 ? [] : range(b.ndim))];
}

/**
 * NumPy's matmul (`@`): the last two axes are matrices, the leading ones batch axes that
 * broadcast. A 1-D first operand is a row vector and a 1-D second a column vector, and that
 * axis is removed from the result. Scalars are refused (use multiply).
 */
export function matmul(x: ArrayLike, y: ArrayLike): NDArray {
  const { a: a0, b: b0, finish } = operands('matmul', x, y);
  if (a0.ndim === 0 || b0.ndim === 0) {
    throw new ShapeError(`matmul: operands must be at least 1-D, got shapes ${showShape(a0.shape)} and ${showShape(b0.shape)} (use np.multiply for scalars)`);
  }
  const a = a0.ndim === 1 ? lax.reshape(a0, [1, a0.shape[0]!]) : a0;
  const b = b0.ndim === 1 ? lax.reshape(b0, [b0.shape[0]!, 1]) : b0;
  const k = a.shape[a.ndim - 1]!, kb = b.shape[b.ndim - 2]!;
  if (k !== kb) {
    throw new ShapeError(`matmul: shapes ${showShape(a0.shape)} and ${showShape(b0.shape)} mismatch in the contracted dimension: ${k} (last axis of the first) != ${kb} (${b0.ndim === 1 ? 'only' : 'second-to-last'} axis of the second)`);
  }
  const m = a.shape[a.ndim - 2]!, n = b.shape[b.ndim - 1]!;
  const batchA = a.shape.slice(0, -2), batchB = b.shape.slice(0, -2);
  let out: NDArray;
  if (batchB.length === 0) {
    // (…, m, k) · (k, n): no batch axes needed; dot_general's free axes are already in order.
    out = contract(a, b, [a.ndim - 1], [0]);
  } else {
    const joined = broadcastShapes(batchA, batchB);
    if (E.isLeft(joined)) {
      throw new ShapeError(`matmul: batch dimensions ${showShape(batchA)} and ${showShape(batchB)} of shapes ${showShape(a0.shape)} and ${showShape(b0.shape)} cannot be broadcast together`);
    }
    const batch: Shape = joined.right, nb = batch.length;
    const ab = lax.broadcastInDim(a, [...batch, m, k], range(nb + 2, nb - batchA.length));
    const bb = lax.broadcastInDim(b, [...batch, k, n], range(nb + 2, nb - batchB.length));
    out = contract(ab, bb, [nb + 1], [nb], [range(nb), range(nb)]);
  }
  const shape = out.shape.slice();
  if (b0.ndim === 1) shape.pop();
  if (a0.ndim === 1) shape.splice(shape.length - (b0.ndim === 1 ? 1 : 2), 1);
  return finish(lax.reshape(out, shape));
}

/** Inner product over the last axes of both (a product when either is a scalar). */
export function inner(x: ArrayLike, y: ArrayLike): NDArray {
  const { a, b, finish } = operands('inner', x, y);
  if (a.ndim === 0 || b.ndim === 0) return finish(lax.mul(...broadcastPair(a, b)));
  checkAligned('inner', a, b, a.ndim - 1, b.ndim - 1);
  return finish(contract(a, b, [a.ndim - 1], [b.ndim - 1]));
}

/** outer(x, y)[i, j] = x.ravel()[i] · y.ravel()[j]. */
export function outer(x: ArrayLike, y: ArrayLike): NDArray {
  const { a, b, finish } = operands('outer', x, y);
  const m = a.size, n = b.size;
  const ab = lax.broadcastInDim(lax.reshape(a, [m]), [m, n], [0]);
  const bb = lax.broadcastInDim(lax.reshape(b, [n]), [m, n], [1]);
  return finish(lax.mul(ab, bb));
}

/** Σ over flattened x·y (same size), a scalar. */
export function vdot(x: ArrayLike, y: ArrayLike): NDArray {
  const { a, b, finish } = operands('vdot', x, y);
  if (a.size !== b.size) throw new ShapeError(`vdot: arrays must have the same size, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
  return finish(contract(lax.reshape(a, [a.size]), lax.reshape(b, [b.size]), [0], [0]));
}

/**
 * Sums products over the given axes: `axes = n` pairs the last n axes of x with the first n of y;
 * `axes = [xs, ys]` pairs them explicitly. The result has x's free axes then y's.
 */
export function tensordot(x: ArrayLike, y: ArrayLike, axes: number | readonly [readonly number[], readonly number[]] = 2): NDArray {
  const { a, b, finish } = operands('tensordot', x, y);
  let ax: number[], bx: number[];
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes) || axes < 0 || axes > a.ndim || axes > b.ndim) {
      throw new ShapeError(`tensordot: axes=${axes} needs that many axes in both operands, got shapes ${showShape(a.shape)} and ${showShape(b.shape)}`);
    }
    ax = range(a.ndim, a.ndim - axes); bx = range(axes);
  } else {
    const norm = (list: readonly number[], nd: number, which: string) => list.map((i) => {
      if (!Number.isInteger(i) || i < -nd || i >= nd) throw new ShapeError(`tensordot: axis ${i} is out of bounds for the ${which} operand of shape ${showShape(which === 'first' ? a.shape : b.shape)}`);
      return i < 0 ? i + nd : i;
    });
    ax = norm(axes[0], a.ndim, 'first'); bx = norm(axes[1], b.ndim, 'second');
    if (ax.length !== bx.length) throw new ShapeError(`tensordot: the axis lists ${showShape(axes[0])} and ${showShape(axes[1])} must have the same length`);
  }
  ax.forEach((i, k) => checkAligned('tensordot', a, b, i, bx[k]!));
  return finish(contract(a, b, ax, bx));
}
