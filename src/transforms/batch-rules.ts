// One batching rule per primitive: (operands, their batch dims, params, axis size) → (outputs,
// their batch dims). Rules run on the parent interpreter and bind ordinary primitives.
//
// How to add a rule. A value under vmap is its parent-level array plus a batch dim: the axis that
// runs over the mapped lanes, or `null` when the value is the same in every lane (unbatched). A rule
// sees only operands of which at least one is batched. Most primitives need one of the helpers:
//   elementwiseBatch(prim)   operands of one shape (unary, binary, compare, select, convert,
//                            threefry…): batched operands meet at one batch dim, unbatched ones
//                            are broadcast along it (the primitive needs identical shapes).
//   reduceBatch(prim)        params.axes shift past the batch dim; the batch dim shifts down by
//                            the reduced axes before it.
//   argReduceBatch(prim)     the same for one `axis` (argmax, argmin).
//   atFrontBatch(prim, f)    every operand moved (or broadcast) to batch dim 0, params rewritten
//                            by `f` for the leading axis (movement ops, sort, concatenate).
//   unbatchedBatch(prim)     primitives without operands (iota) never see a batched value.
// and, for writing rules by hand, moveBatchDim(x, from, to, size) (moves, or broadcasts an
// unbatched value to, a batch dim), axisPast(axis, bdim) (a logical axis as a physical one).
// Higher-order primitives batch their function or jaxpr with batchFlat / batchJaxpr (vmap.ts) and
// keep their rule as `batch` in their row of the higher-order table (higher-order.ts), beside the
// primitive's other rules; a new one fails `tsc` until its row has one.
import { NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import * as lax from '../core/lax.js';
import {
  ArrayPrimitive, elementwiseRows, ElementwisePrimitive, Params, Primitive, ReducePrimitive, WindowParams,
} from '../core/primitives.js';
import { convWithParams, reshapeAxisInto, reshapeAxisOutOf } from '../core/conv.js';

/** The axis of a value that runs over the mapped lanes, or null when it is the same in every lane. */
export type BatchDim = number | null;
export type BatchRule<P extends Primitive> = (args: readonly NDArray[], dims: readonly BatchDim[], params: Params<P>, axisSize: number) => [NDArray[], BatchDim[]];

// ---- helpers ------------------------------------------------------------------------------------
/** The physical axis of logical axis `axis` of a value whose batch dim is `bdim`. */
export const axisPast = (axis: number, bdim: BatchDim): number => (bdim !== null && axis >= bdim ? axis + 1 : axis);

/**
 * x with its batch dim at `to`: a transpose when it is batched elsewhere, a broadcast (the value
 * repeated over the lanes) when it is unbatched, x itself when it is already there.
 */
export function moveBatchDim(x: NDArray, from: BatchDim, to: number, size: number): NDArray {
  if (from === to) return x;
  if (from === null) {
    const shape = [...x.shape];
    shape.splice(to, 0, size);
    return lax.broadcastInDim(x, shape, x.shape.map((_, i) => (i < to ? i : i + 1)));
  }
  const perm = x.shape.map((_, i) => i).filter((i) => i !== from);
  perm.splice(to, 0, from);
  return lax.transpose(x, perm);
}
/** Every operand with its batch dim at 0 (unbatched ones broadcast). */
export const allAtFront = (args: readonly NDArray[], dims: readonly BatchDim[], size: number): NDArray[] =>
  args.map((x, i) => moveBatchDim(x, dims[i]!, 0, size));

/** Batched operands with their batch dim at 0; unbatched ones as they are. */
/** The batch dims of values moved to the front by batchedAtFront: 0 where batched. */
export const frontDims = (dims: readonly BatchDim[]): BatchDim[] => dims.map((d) => (d === null ? null : 0));

export const batchedAtFront = (args: readonly NDArray[], dims: readonly BatchDim[], size: number): NDArray[] =>
  args.map((x, i) => (dims[i] === null ? x : moveBatchDim(x, dims[i]!, 0, size)));

/** Operands of one shape: batched ones meet at the first batched operand's dim; unbatched ones are broadcast there. */
export function elementwiseBatch<P extends Primitive>(prim: P): BatchRule<P> {
  return (args, dims, params, size) => {
    const d = dims.find((b) => b !== null)!;
    const outs = bind(prim, args.map((x, i) => moveBatchDim(x, dims[i]!, d, size)), params);
    return [outs, outs.map(() => d)];
  };
}

/** Reductions over `axes`: the axes shift past the batch dim, which moves down by the reduced axes before it. */
export function reduceBatch<P extends ReducePrimitive>(prim: P): BatchRule<P> {
  return ([x], [d], params) => {
    const axes = params.axes.map((a) => axisPast(a, d!));
    const outs = bind(prim, [x!], { ...params, axes } as Params<P>);
    return [outs, [d! - axes.filter((a) => a < d!).length]];
  };
}

/** Arg-reductions over one `axis` (argmax, argmin). */
export function argReduceBatch<P extends 'argmax' | 'argmin'>(prim: P): BatchRule<P> {
  return ([x], [d], params) => {
    const axis = axisPast(params.axis, d!);
    const outs = bind(prim, [x!], { ...params, axis } as Params<P>);
    return [outs, [axis < d! ? d! - 1 : d!]];
  };
}

/** Every operand at batch dim 0 and params rewritten for the leading axis; every output at 0. */
export function atFrontBatch<P extends Primitive>(prim: P, shift: (params: Params<P>, size: number, args: readonly NDArray[]) => Params<P>): BatchRule<P> {
  return (args, dims, params, size) => {
    const xs = allAtFront(args, dims, size);
    const outs = bind(prim, xs, shift(params, size, xs));
    return [outs, outs.map(() => 0)];
  };
}

/** A primitive without operands is never batched: the interpreter runs it unbatched. */
export function unbatchedBatch<P extends Primitive>(prim: P): BatchRule<P> {
  return (args, _dims, params) => {
    const outs = bind(prim, args, params);
    return [outs, outs.map(() => null)];
  };
}

const up = (a: number) => a + 1;
const i32 = (x: NDArray) => lax.convertElementType(x, 'int32');
const fullI32 = (shape: readonly number[], v: number) => lax.full(shape, v, 'int32');

// ---- first-order rules ------------------------------------------------------------------------------
const ew = elementwiseBatch;

/** gather along a batch dim folded into the gathered axis: lane b's index i reads element b·n + i. */
function gatherBatch([x, idx]: readonly NDArray[], dims: readonly BatchDim[], { axis }: Params<'gather'>, size: number): [NDArray[], BatchDim[]] {
  const [dx, di] = dims as [BatchDim, BatchDim];
  if (di === null) return [[lax.gather(moveBatchDim(x!, dx!, 0, size), idx!, axis + 1)], [0]];
  // out = x.shape[:axis] + idx.shape + x.shape[axis+1:], so a batched index's dim lands at axis + di.
  if (dx === null) return [[lax.gather(x!, idx!, axis)], [axis + di]];
  const xm = moveBatchDim(x!, dx, axis, size); // pre + [B, n] + post
  const n = xm.shape[axis + 1]!;
  const folded = lax.reshape(xm, [...xm.shape.slice(0, axis), size * n, ...xm.shape.slice(axis + 2)]);
  const i0 = moveBatchDim(idx!, di, 0, size);
  // Clamp per lane first (gather clamps), so an out-of-range index never reads a neighbour lane.
  const clamped = i32(lax.min(lax.max(i0, lax.fullLike(i0, 0)), lax.fullLike(i0, Math.max(n - 1, 0))));
  const lanes = lax.mul(lax.iota('int32', i0.shape, 0), fullI32(i0.shape, n));
  return [[lax.gather(folded, lax.add(clamped, lanes), axis)], [axis]];
}

/** scatter_add with batched indices: lanes folded into the scattered axis; out-of-range indices stay out of range. */
function scatterAddBatch([x, idx, upd]: readonly NDArray[], dims: readonly BatchDim[], { axis }: Params<'scatter_add'>, size: number): [NDArray[], BatchDim[]] {
  const [dx, di, du] = dims as [BatchDim, BatchDim, BatchDim];
  if (di === null) {
    return [[lax.scatterAdd(moveBatchDim(x!, dx!, 0, size), idx!, moveBatchDim(upd!, du!, 0, size), axis + 1)], [0]];
  }
  const xm = moveBatchDim(x!, dx!, axis, size); // pre + [B, n] + post
  const n = xm.shape[axis + 1]!;
  const pre = xm.shape.slice(0, axis), post = xm.shape.slice(axis + 2);
  const folded = lax.reshape(xm, [...pre, size * n, ...post]);
  const i0 = moveBatchDim(idx!, di, 0, size);
  const inRange = lax.and(lax.ge(i0, lax.fullLike(i0, 0)), lax.lt(i0, lax.fullLike(i0, n)));
  const lanes = lax.mul(lax.iota('int32', i0.shape, 0), fullI32(i0.shape, n));
  const moved = lax.select(inRange, lax.add(i32(i0), lanes), fullI32(i0.shape, size * n));
  // updates = pre + idx.shape + post, so with the batch at `axis` they are pre + [B, ...idx] + post.
  const u = moveBatchDim(upd!, du!, axis, size);
  const out = lax.scatterAdd(folded, moved, u, axis);
  return [[lax.reshape(out, xm.shape)], [axis]];
}

/**
 * dot_general: two batched operands gain a leading batch dimension; one batched operand keeps its
 * batch dim as a free dim (no copy of the other operand, so weights stay unbatched).
 */
function dotGeneralBatch([l, r]: readonly NDArray[], dims: readonly BatchDim[], { dimensionNumbers: dn }: Params<'dot_general'>, size: number): [NDArray[], BatchDim[]] {
  const [dl, dr] = dims as [BatchDim, BatchDim];
  const [lc, rc] = dn.contracting, [lb, rb] = dn.batch;
  if (dl !== null && dr !== null) {
    const out = lax.dotGeneral(moveBatchDim(l!, dl, 0, size), moveBatchDim(r!, dr, 0, size), {
      contracting: [lc.map(up), rc.map(up)], batch: [[0, ...lb.map(up)], [0, ...rb.map(up)]],
    });
    return [[out], [0]];
  }
  // The output is batch dims, then lhs free dims, then rhs free dims, each in operand order.
  const freeBefore = (d: number, c: readonly number[], b: readonly number[]) => {
    let k = 0;
    for (let i = 0; i < d; i++) if (!c.includes(i) && !b.includes(i)) k++;
    return k;
  };
  if (dl !== null) {
    const c = lc.map((a) => axisPast(a, dl)), b = lb.map((a) => axisPast(a, dl));
    const out = lax.dotGeneral(l!, r!, { contracting: [c, rc], batch: [b, rb] });
    return [[out], [lb.length + freeBefore(dl, c, b)]];
  }
  const c = rc.map((a) => axisPast(a, dr)), b = rb.map((a) => axisPast(a, dr));
  const out = lax.dotGeneral(l!, r!, { contracting: [lc, c], batch: [lb, b] });
  const lhsFree = l!.ndim - lc.length - lb.length;
  return [[out], [lb.length + lhsFree + freeBefore(dr!, c, b)]];
}

/** pad: a batched padding value pads with zero and fills the padding per lane through a mask. */
function padBatch([x, v]: readonly NDArray[], dims: readonly BatchDim[], { config }: Params<'pad'>, size: number): [NDArray[], BatchDim[]] {
  const [dx, dv] = dims as [BatchDim, BatchDim];
  if (dv === null) {
    const cfg = [...config];
    cfg.splice(dx!, 0, [0, 0, 0]);
    return [[lax.pad(x!, v!, cfg)], [dx!]];
  }
  const x0 = moveBatchDim(x!, dx!, 0, size);
  const cfg = [[0, 0, 0] as const, ...config];
  const padded = lax.pad(x0, lax.scalar(0, x0.dtype), cfg);
  const inside = lax.pad(lax.full(x0.shape, true, 'bool'), lax.scalar(false, 'bool'), cfg);
  const fill = lax.broadcastInDim(v!, padded.shape, [0]);
  return [[lax.select(inside, padded, fill)], [0]];
}

/** Runs `f` once per lane on each batched operand's slice and stacks the results at batch dim 0 (the general fallback). */
function perLane(args: readonly NDArray[], dims: readonly BatchDim[], size: number, f: (xs: NDArray[]) => NDArray): [NDArray[], BatchDim[]] {
  const lanes = Array.from({ length: size }, (_, b) => {
    const xs = args.map((x, i) => {
      const d = dims[i];
      if (d === null || d === undefined) return x;
      const lane = lax.slice(x, x.shape.map((_, a) => (a === d ? b : 0)), x.shape.map((n, a) => (a === d ? b + 1 : n)));
      return lax.reshape(lane, x.shape.filter((_, a) => a !== d));
    });
    const y = f(xs);
    return lax.reshape(y, [1, ...y.shape]);
  });
  return [[lax.concatenate(lanes, 0)], [0]];
}

/**
 * conv_general_dilated, as JAX batches it: a batched lhs folds its lanes into the batch axis, a
 * batched kernel into the output features, both together into feature groups (lane b's inputs
 * meet only lane b's kernel). Grouped convolutions with a batched kernel run lane by lane.
 */
function convBatch([l, r]: readonly NDArray[], dims: readonly BatchDim[], p: Params<'conv_general_dilated'>, size: number): [NDArray[], BatchDim[]] {
  const [dl, dr] = dims as [BatchDim, BatchDim];
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  if (dl !== null && dr === null && p.batchGroupCount === 1) {
    const out = convWithParams(reshapeAxisInto(dl, ls[0]!, l!), r!, p);
    return [[reshapeAxisOutOf(os[0]!, size, out)], [os[0]!]];
  }
  if (dl === null && dr !== null && p.featureGroupCount === 1 && p.batchGroupCount === 1) {
    const out = convWithParams(l!, reshapeAxisInto(dr, rs[0]!, r!), p);
    return [[reshapeAxisOutOf(os[1]!, size, out)], [os[1]!]];
  }
  if (dl !== null && dr !== null && p.featureGroupCount === 1 && p.batchGroupCount === 1) {
    const out = convWithParams(reshapeAxisInto(dl, ls[1]!, l!), reshapeAxisInto(dr, rs[0]!, r!), { ...p, featureGroupCount: size });
    return [[reshapeAxisOutOf(os[1]!, size, out)], [os[1]!]];
  }
  return perLane([l!, r!], dims, size, ([x, w]) => convWithParams(x!, w!, p));
}

/** A window of 1 along the batch dim (stride 1, no padding or dilation): lanes never mix. */
const windowPast = <W extends WindowParams>(p: W, d: number): W => {
  const ins = <T>(xs: readonly T[], v: T) => { const o = [...xs]; o.splice(d, 0, v); return o; };
  return {
    ...p, windowDimensions: ins(p.windowDimensions, 1), windowStrides: ins(p.windowStrides, 1), padding: ins(p.padding, [0, 0] as const),
    baseDilation: ins(p.baseDilation, 1), windowDilation: ins(p.windowDilation, 1),
  };
};
function windowBatch<P extends 'reduce_window_sum' | 'reduce_window_max' | 'reduce_window_min'>(prim: P): BatchRule<P> {
  return ([x], [d], params) => [bind(prim, [x!], windowPast(params as WindowParams, d!) as Params<P>), [d!]];
}
/** Both operands at batch dim 0 (the unbatched one broadcast), the window widened there. */
function selectBatch<P extends 'select_and_gather_add' | 'select_and_scatter_add'>(prim: P): BatchRule<P> {
  return (args, dims, params, size) => [bind(prim, allAtFront(args, dims, size), windowPast(params, 0) as Params<P>), [0]];
}

const arrayBatchRules: { readonly [P in ArrayPrimitive]: BatchRule<P> } = {
  // Every elementwise primitive batches alike: operands moved to one batch dim.
  ...elementwiseRows<{ [P in ElementwisePrimitive]: BatchRule<P> }>(ew),

  reduce_sum: reduceBatch('reduce_sum'), reduce_max: reduceBatch('reduce_max'),
  reduce_min: reduceBatch('reduce_min'), reduce_prod: reduceBatch('reduce_prod'),
  argmax: argReduceBatch('argmax'), argmin: argReduceBatch('argmin'),

  iota: unbatchedBatch('iota'),

  broadcast_in_dim: atFrontBatch('broadcast_in_dim', (p, size) => ({ shape: [size, ...p.shape], broadcastDimensions: [0, ...p.broadcastDimensions.map(up)] })),
  reshape: atFrontBatch('reshape', (p, size) => ({ newSizes: [size, ...p.newSizes] })),
  transpose: ([x], [d], { permutation }) => {
    // The batch dim stays where it is; the other axes permute around it.
    const logical = x!.shape.map((_, i) => i).filter((i) => i !== d);
    const perm = permutation.map((p) => logical[p]!);
    perm.splice(d!, 0, d!);
    return [[lax.transpose(x!, perm)], [d!]];
  },
  slice: ([x], [d], { startIndices, limitIndices, strides }) => {
    const ins = <T>(xs: readonly T[], v: T) => { const o = [...xs]; o.splice(d!, 0, v); return o; };
    return [[lax.slice(x!, ins(startIndices, 0), ins(limitIndices, x!.shape[d!]!), strides && ins(strides, 1))], [d!]];
  },
  pad: padBatch,
  concatenate: atFrontBatch('concatenate', (p) => ({ dimension: p.dimension + 1 })),
  rev: ([x], [d], { dimensions }) => [[lax.rev(x!, dimensions.map((a) => axisPast(a, d!)))], [d!]],
  gather: gatherBatch,
  scatter_add: scatterAddBatch,
  sort: atFrontBatch('sort', (p) => ({ ...p, dimension: p.dimension + 1 })),
  dot_general: dotGeneralBatch,
  conv_general_dilated: convBatch,
  reduce_window_sum: windowBatch('reduce_window_sum'), reduce_window_max: windowBatch('reduce_window_max'),
  reduce_window_min: windowBatch('reduce_window_min'),
  select_and_gather_add: selectBatch('select_and_gather_add'), select_and_scatter_add: selectBatch('select_and_scatter_add'),
  // The transform runs over trailing axes, so lanes at the front pass through.
  fft: atFrontBatch('fft', (p) => p),
  threefry2x32: ew('threefry2x32'),
  // The decompositions act on the last two axes and carry any leading ones: lanes go in front.
  cholesky: atFrontBatch('cholesky', (p) => p), triangular_solve: atFrontBatch('triangular_solve', (p) => p),
  lu: atFrontBatch('lu', (p) => p), qr: atFrontBatch('qr', (p) => p), eigh: atFrontBatch('eigh', (p) => p),
  svd: atFrontBatch('svd', (p) => p),
};

/** Every array primitive's batching rule; higher-order primitives keep theirs in their rows of the higher-order table. */
export const batchRules = arrayBatchRules;
