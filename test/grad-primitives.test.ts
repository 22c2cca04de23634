// Every primitive of the catalog, from one table, through the numerical derivative checks
// (first and second order, float64, CPU). Primitives without derivatives appear inside a
// differentiable function, so their zero tangents and their use under transforms are checked too.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NDArray } from '../src/core/array.js';
import * as lax from '../src/lax.js';
import { Primitive } from '../src/core/primitives.js';
import * as linalg from '../src/core/linalg.js';
import { selectAndGatherAdd, selectAndScatterAdd } from '../src/core/window.js';
import { checkpoint, customJvp, customVjp, grad, jit, jvp, vjp } from '../src/index.js';
import { checkGrads, checkJvp, checkVjp, CheckOptions, Fn, Rng } from './helpers/check-grads.js';

interface GradCase { name?: string; args: (rng: Rng) => NDArray[]; f: Fn; opts?: CheckOptions; vjpOnly?: boolean; jvpOnly?: boolean }

const W22 = { windowDimensions: [2, 2], windowStrides: [1, 1], padding: [[0, 0], [0, 0]] as [number, number][], baseDilation: [1, 1], windowDilation: [1, 1] };
const f64 = (x: NDArray) => lax.convertElementType(x, 'float64');
const S = [2, 3];
const one = (r: Rng) => [r.array(S)];
const two = (r: Rng) => [r.array(S), r.array(S)];
const positive = (r: Rng) => [r.array(S, 0.5, 2)];
const u32 = (v: number, shape: readonly number[]) => lax.full(shape, v, 'uint32');

// Shared by custom_vjp_call and custom_lin: a cube whose backward pass is the user's.
const jitted = jit((x: NDArray, y: NDArray) => lax.mul(lax.sin(x), lax.exp(y)));
const cube = customVjp((x: NDArray) => lax.mul(lax.mul(x, x), x)).defVjp(
  (x: NDArray) => [lax.mul(lax.mul(x, x), x), x] as [NDArray, NDArray],
  (x: NDArray, ct: NDArray) => [lax.mul(ct, lax.mul(lax.fullLike(x, 3), lax.mul(x, x)))],
);
const softplus = customJvp((x: NDArray) => lax.log1p(lax.exp(x))).defJvp(([x], [t]) => {
  const y = lax.log1p(lax.exp(x as NDArray));
  const sigmoid = lax.div(lax.fullLike(x as NDArray, 1), lax.add(lax.fullLike(x as NDArray, 1), lax.exp(lax.neg(x as NDArray))));
  return [y, lax.mul(t as NDArray, sigmoid)];
});

// Linear algebra: operands built so the primitive's preconditions hold near the point (positive
// definite, well separated eigen- and singular values, distinct pivots), outputs joined into one array.
const joined = (...xs: NDArray[]) => lax.concatenate(xs.map((x) => lax.reshape(x, [x.size])), 0);
const spd = (x: NDArray) => lax.add(linalg.matmul(x, linalg.mT(x)), linalg.eye(x.shape[0]!, x, [], x.shape[0]!));
const TS = (leftSide: boolean, lower: boolean, transposeA: boolean, unitDiagonal = false) => ({ leftSide, lower, transposeA, unitDiagonal });
const wellConditioned = (a: NDArray) => lax.add(a, lax.mul(linalg.eye(a.shape[0]!, a), lax.fullLike(a, 3)));

const cases: { [P in Primitive]: GradCase[] } = {
  cholesky: [{ name: 'of x·xᵀ + I', args: (r) => [r.array([3, 3])], f: (x) => linalg.choleskyPrim(spd(x)) }],
  triangular_solve: [
    { name: 'lower, left', args: (r) => [r.array([3, 3]), r.array([3, 2])], f: (a, b) => linalg.triangularSolvePrim(wellConditioned(a), b, TS(true, true, false)) },
    { name: 'upper, right, transposed', args: (r) => [r.array([3, 3]), r.array([2, 3])], f: (a, b) => linalg.triangularSolvePrim(wellConditioned(a), b, TS(false, false, true)) },
    { name: 'unit diagonal, batched', args: (r) => [r.array([2, 3, 3]), r.array([2, 3, 1])], f: (a, b) => linalg.triangularSolvePrim(a, b, TS(true, true, false, true)) },
  ],
  lu: [
    { name: 'square', args: (r) => [r.array([3, 3])], f: (x) => linalg.luPrim(x)[0] },
    { name: 'tall', args: (r) => [r.array([4, 2])], f: (x) => linalg.luPrim(x)[0] },
    { name: 'wide', args: (r) => [r.array([2, 4])], f: (x) => linalg.luPrim(x)[0] },
  ],
  qr: [
    { name: 'tall, reduced', args: (r) => [r.array([4, 3])], f: (x) => joined(...linalg.qrPrim(x, false)) },
    { name: 'square, complete', args: (r) => [r.array([3, 3])], f: (x) => joined(...linalg.qrPrim(x, true)) },
    { name: 'wide', args: (r) => [r.array([2, 4])], f: (x) => joined(...linalg.qrPrim(x, false)) },
  ],
  eigh: [{ name: 'of x + xᵀ', args: (r) => [r.array([3, 3])], f: (x) => joined(...linalg.eighPrim(lax.add(x, linalg.mT(x)), true)) }],
  svd: [
    { name: 'tall, reduced', args: (r) => [r.array([4, 3])], f: (x) => joined(...linalg.svdPrim(x, false, true)) },
    { name: 'wide, reduced', args: (r) => [r.array([2, 3])], f: (x) => joined(...linalg.svdPrim(x, false, true)) },
    { name: 'values only', args: (r) => [r.array([3, 3])], f: (x) => linalg.svdPrim(x, false, false)[0]! },
  ],
  neg: [{ args: one, f: lax.neg }],
  sign: [{ args: (r) => [r.awayFromZero(S)], f: (x) => lax.mul(x, lax.sign(x)) }],
  floor: [{ args: (r) => [r.array(S, 1.1, 1.4)], f: (x) => lax.mul(x, lax.floor(x)) }],
  ceil: [{ args: (r) => [r.array(S, 1.1, 1.4)], f: (x) => lax.mul(x, lax.ceil(x)) }],
  round: [{ args: (r) => [r.array(S, 1.1, 1.4)], f: (x) => lax.mul(x, lax.round(x)) }],
  abs: [{ args: (r) => [r.awayFromZero(S)], f: lax.abs }],
  exp: [{ args: one, f: lax.exp }],
  log: [{ args: positive, f: lax.log }],
  expm1: [{ args: one, f: lax.expm1 }],
  log1p: [{ args: positive, f: lax.log1p }],
  sin: [{ args: one, f: lax.sin }],
  cos: [{ args: one, f: lax.cos }],
  tan: [{ args: one, f: lax.tan }],
  tanh: [{ args: one, f: lax.tanh }],
  sqrt: [{ args: positive, f: lax.sqrt }],
  not: [{ args: (r) => [r.awayFromZero(S)], f: (x) => lax.select(lax.not(lax.gt(x, lax.zerosLike(x))), lax.mul(x, x), x) }],
  erf: [{ args: (r) => [r.array(S, -2, 2)], f: lax.erf }],
  erfc: [{ args: (r) => [r.array(S, -1, 3)], f: lax.erfc }],
  lgamma: [{ args: (r) => [r.array(S, 0.3, 4)], f: lax.lgamma }, { name: 'negative non-integers', args: (r) => [r.array(S, -2.8, -2.2)], f: lax.lgamma }],
  digamma: [{ args: (r) => [r.array(S, 0.3, 4)], f: lax.digamma }, { name: 'reflection', args: (r) => [r.array(S, -0.8, -0.2)], f: lax.digamma }],

  add: [{ args: two, f: lax.add }],
  sub: [{ args: two, f: lax.sub }],
  mul: [{ args: two, f: lax.mul }, { name: 'mul x·x', args: one, f: (x) => lax.mul(x, x) }],
  div: [{ args: (r) => [r.array(S), r.awayFromZero(S)], f: lax.div }],
  rem: [{ args: (r) => [r.array(S, 1.1, 1.3), r.array(S, 1.0, 1.05)], f: lax.rem }],
  pow: [{ args: (r) => [r.array(S, 0.5, 2), r.array(S, -1, 2)], f: lax.pow }],
  max: [{ args: two, f: lax.max }],
  min: [{ args: two, f: lax.min }],
  atan2: [{ args: two, f: lax.atan2 }],
  and: [{ args: two, f: (x, y) => lax.select(lax.and(lax.gt(x, lax.zerosLike(x)), lax.gt(y, lax.zerosLike(y))), lax.mul(x, y), y) }],
  or: [{ args: two, f: (x, y) => lax.select(lax.or(lax.gt(x, lax.zerosLike(x)), lax.gt(y, lax.zerosLike(y))), lax.mul(x, y), y) }],
  shift_right_logical: [{ args: one, f: (x) => lax.mul(x, f64(lax.shiftRightLogical(u32(12, x.shape), u32(2, x.shape)))) }],

  eq: [{ args: two, f: (x, y) => lax.select(lax.eq(x, y), x, lax.mul(x, y)) }],
  ne: [{ args: two, f: (x, y) => lax.select(lax.ne(x, y), lax.mul(x, y), x) }],
  lt: [{ args: two, f: (x, y) => lax.select(lax.lt(x, y), lax.mul(x, x), y) }],
  le: [{ args: two, f: (x, y) => lax.select(lax.le(x, y), lax.mul(x, x), y) }],
  gt: [{ args: two, f: (x, y) => lax.select(lax.gt(x, y), lax.mul(x, x), y) }],
  ge: [{ args: two, f: (x, y) => lax.select(lax.ge(x, y), lax.mul(x, x), y) }],

  select: [{ args: (r) => [r.array(S), r.array(S), r.array(S)], f: (p, a, b) => lax.select(lax.gt(p, lax.zerosLike(p)), lax.mul(a, b), lax.sin(b)) }],
  convert_element_type: [
    { name: 'f64 → weak f64', args: one, f: (x) => lax.mul(lax.convertElementType(x, 'float64', true), x) },
    { name: 'f64 → f32 → f64', args: one, f: (x) => f64(lax.mul(lax.convertElementType(x, 'float32'), lax.convertElementType(x, 'float32'))), opts: { eps: 1e-3, rtol: 1e-3, atol: 1e-4 } },
  ],
  iota: [{ args: one, f: (x) => lax.mul(x, f64(lax.iota('int32', x.shape, 1))) }],

  reduce_sum: [{ args: one, f: (x) => lax.reduceSum(lax.mul(x, x), [1]) }, { name: 'all axes', args: one, f: (x) => lax.reduceSum(lax.sin(x), [0, 1]) }],
  reduce_max: [{ args: one, f: (x) => lax.reduceMax(x, [1]) }, { name: 'axis 0', args: one, f: (x) => lax.reduceMax(lax.mul(x, x), [0]) }],
  reduce_min: [{ args: one, f: (x) => lax.reduceMin(x, [0]) }],
  reduce_prod: [{ args: (r) => [r.awayFromZero(S)], f: (x) => lax.reduceProd(x, [1]) }, { name: 'all axes', args: (r) => [r.awayFromZero(S, 0.8, 1.2)], f: (x) => lax.reduceProd(x, [0, 1]) }],
  argmax: [{ args: (r) => [r.array([5])], f: (x) => lax.mul(lax.gather(x, lax.argmax(x, 0), 0), lax.reduceSum(x, [0])) }],
  argmin: [{ args: (r) => [r.array([5])], f: (x) => lax.mul(lax.gather(x, lax.argmin(x, 0), 0), lax.reduceSum(x, [0])) }],

  broadcast_in_dim: [
    { args: (r) => [r.array([3])], f: (x) => lax.sin(lax.broadcastInDim(x, [2, 3], [1])) },
    { name: 'grown axis', args: (r) => [r.array([3, 1])], f: (x) => lax.mul(lax.broadcastInDim(x, [3, 4], [0, 1]), lax.broadcastInDim(x, [3, 4], [0, 1])) },
  ],
  reshape: [{ args: one, f: (x) => lax.sin(lax.reshape(x, [3, 2])) }],
  transpose: [{ args: (r) => [r.array([2, 3, 4])], f: (x) => lax.mul(lax.transpose(x, [2, 0, 1]), lax.transpose(x, [2, 0, 1])) }],
  slice: [
    { args: (r) => [r.array([4, 5])], f: (x) => lax.sin(lax.slice(x, [1, 0], [3, 5])) },
    { name: 'strided', args: (r) => [r.array([5, 7])], f: (x) => lax.mul(lax.slice(x, [0, 1], [5, 7], [2, 3]), lax.slice(x, [0, 1], [5, 7], [2, 3])) },
  ],
  pad: [
    { args: (r) => [r.array([3, 4]), r.array([])], f: (x, v) => lax.sin(lax.pad(x, v, [[1, 2, 0], [-1, 1, 1]])) },
    { name: 'interior + negative', args: (r) => [r.array([4]), r.array([])], f: (x, v) => lax.mul(lax.pad(x, v, [[-1, 2, 2]]), lax.pad(x, v, [[-1, 2, 2]])) },
  ],
  concatenate: [{ args: (r) => [r.array([2, 3]), r.array([4, 3])], f: (a, b) => lax.sin(lax.concatenate([a, b, a], 0)) }],
  rev: [{ args: one, f: (x) => lax.mul(lax.rev(x, [0, 1]), x) }],
  gather: [{
    args: (r) => [r.array([4, 3])],
    f: (x) => lax.sin(lax.gather(x, idx([[0, 3], [3, 1]]), 0)),
  }, { name: 'axis 1', args: (r) => [r.array([2, 4])], f: (x) => lax.mul(lax.gather(x, idx([2, 2, 0]), 1), lax.gather(x, idx([2, 2, 0]), 1)) }],
  scatter_add: [{
    args: (r) => [r.array([4, 3]), r.array([3, 3])],
    f: (x, u) => lax.sin(lax.scatterAdd(x, idx([1, 1, 3]), lax.mul(u, u), 0)),
  }],
  // Random float64 entries are distinct, so the order is locally constant and sort is a permutation there.
  sort: [
    { name: 'values along the last axis', args: one, f: (x) => lax.mul(lax.sort(x, { dimension: 1 }), lax.sin(x)) },
    {
      name: 'keys and values along axis 0',
      args: two,
      f: (k, v) => { const [sk, sv] = lax.sort([k, v], { dimension: 0 }); return lax.mul(sk!, lax.sin(sv!)); },
    },
    {
      name: 'numKeys 2 with a tied first key',
      args: (r) => [r.array([3, 4])],
      f: (x) => {
        const ties = lax.floor(lax.mul(lax.iota('float64', x.shape, 1), lax.fullLike(x, 0.5)));
        const [, second, third] = lax.sort([ties, x, lax.mul(x, x)], { dimension: 1, numKeys: 2 });
        return lax.mul(second!, third!);
      },
    },
  ],
  dot_general: [
    { name: 'matmul', args: (r) => [r.array([3, 4]), r.array([4, 2])], f: (a, b) => lax.dotGeneral(a, b, { contracting: [[1], [0]], batch: [[], []] }) },
    { name: 'aᵀ·b', args: (r) => [r.array([4, 3]), r.array([4, 2])], f: (a, b) => lax.dotGeneral(a, b, { contracting: [[0], [0]], batch: [[], []] }) },
    { name: 'a·bᵀ', args: (r) => [r.array([3, 4]), r.array([2, 4])], f: (a, b) => lax.dotGeneral(a, b, { contracting: [[1], [1]], batch: [[], []] }) },
    { name: 'batched, batch axis last on rhs', args: (r) => [r.array([2, 3, 4]), r.array([4, 5, 2])], f: (a, b) => lax.dotGeneral(a, b, { contracting: [[2], [0]], batch: [[0], [2]] }) },
    { name: 'two contracting axes in swapped order', args: (r) => [r.array([2, 3, 4]), r.array([4, 3, 5])], f: (a, b) => lax.dotGeneral(a, b, { contracting: [[1, 2], [1, 0]], batch: [[], []] }) },
  ],
  conv_general_dilated: [
    { name: '2-d, padded and strided', args: (r) => [r.array([2, 3, 5, 4]), r.array([4, 3, 3, 2])], f: (x, w) => lax.convGeneralDilated(x, w, [2, 1], [[1, 2], [0, 1]]) },
    { name: 'NHWC, SAME, dilated both sides', args: (r) => [r.array([1, 4, 5, 2]), r.array([2, 2, 2, 3])],
      f: (x, w) => lax.convGeneralDilated(x, w, [1, 2], 'SAME', { lhsDilation: [2, 1], rhsDilation: [1, 2], dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] }) },
    { name: 'feature groups', args: (r) => [r.array([2, 4, 5]), r.array([6, 2, 3])], f: (x, w) => lax.convGeneralDilated(x, w, [1], 'VALID', { featureGroupCount: 2 }) },
    { name: 'batch groups', args: (r) => [r.array([4, 3, 5]), r.array([4, 3, 2])], f: (x, w) => lax.convGeneralDilated(x, w, [2], [[1, 0]], { batchGroupCount: 2 }) },
  ],
  reduce_window_sum: [
    { name: 'padded, strided, dilated', args: (r) => [r.array([3, 7])], f: (x) => lax.reduceWindow(x, 0, 'sum', [2, 3], [1, 2], [[1, 0], [2, 1]], [2, 1], [1, 2]) },
  ],
  // Random float64 entries are distinct, so each window's maximum is unique and locally fixed.
  reduce_window_max: [
    { name: '2×2 pooling', args: (r) => [r.array([2, 4, 6])], f: (x) => lax.reduceWindow(x, -Infinity, 'max', [1, 2, 2], [1, 2, 2], 'VALID') },
    { name: 'SAME, overlapping, dilated', args: (r) => [r.array([5, 6])], f: (x) => lax.reduceWindow(x, -Infinity, 'max', [3, 2], [2, 1], 'SAME', [1, 1], [1, 2]) },
  ],
  reduce_window_min: [{ args: (r) => [r.array([3, 5])], f: (x) => lax.reduceWindow(x, Infinity, 'min', [2, 2], [1, 2], [[0, 1], [1, 0]]) }],
  select_and_gather_add: [{ args: (r) => [r.array([4, 6]), r.array([4, 6])], f: (t, x) => selectAndGatherAdd(t, x, W22, 'ge') }],
  select_and_scatter_add: [{ args: (r) => [r.array([3, 5]), r.array([4, 6])], f: (s, x) => selectAndScatterAdd(s, x, W22, 'ge') }],
  fft: [
    { name: 'fft n=8', args: (r) => [r.array([2, 8, 2])], f: (x) => lax.fft(x, 'fft', [8]) },
    { name: 'ifft 2-d [3, 4]', args: (r) => [r.array([3, 4, 2])], f: (x) => lax.fft(x, 'ifft', [3, 4]) },
    { name: 'rfft n=6', args: (r) => [r.array([2, 6])], f: (x) => lax.fft(x, 'rfft', [6]) },
    { name: 'rfft 2-d [3, 5]', args: (r) => [r.array([3, 5])], f: (x) => lax.fft(x, 'rfft', [3, 5]) },
    { name: 'irfft n=6', args: (r) => [r.array([4, 2])], f: (x) => lax.fft(x, 'irfft', [6]) },
    { name: 'irfft 2-d [2, 5]', args: (r) => [r.array([2, 3, 2])], f: (x) => lax.fft(x, 'irfft', [2, 5]) },
  ],
  threefry2x32: [{
    args: one,
    f: (x) => {
      const [y] = lax.threefry2x32(u32(0, x.shape), u32(42, x.shape), lax.reshape(lax.iota('uint32', [x.size]), x.shape), u32(0, x.shape));
      return lax.mul(x, f64(lax.shiftRightLogical(y, u32(28, x.shape))));
    },
  }],

  jit: [
    { args: two, f: (x, y) => jitted(x, y) },
    { name: 'nested jit', args: one, f: (x) => jit((z: NDArray) => lax.mul(jitted(z, z), z))(x) },
  ],
  custom_jvp_call: [{ args: one, f: (x) => softplus(x) }],
  custom_vjp_call: [{ args: one, f: (x) => cube(x), vjpOnly: true }],
  custom_lin: [{ name: 'inside a larger function', args: one, f: (x) => lax.sin(cube(lax.mul(x, x))), vjpOnly: true }],
  cond: [
    { name: 'on a traced predicate', args: two, f: (x, y) => lax.cond(lax.gt(lax.reduceSum(x, [0, 1]), lax.scalar(0, 'float64')), (a: NDArray, b: NDArray) => lax.mul(lax.sin(a), b), (a: NDArray, b: NDArray) => lax.sub(a, lax.exp(b)), x, y) },
    { name: 'switch over three branches, capturing', args: two, f: (x, y) => lax.switch(lax.scalar(2, 'int32'), [(a: NDArray) => a, (a: NDArray) => lax.mul(a, y), (a: NDArray) => lax.mul(lax.tanh(a), lax.cos(y))], x) },
  ],
  scan: [
    { name: 'carry and ys, capturing', args: two, f: (x, y) => {
      const [c, ys] = lax.scan((h: NDArray, xi: NDArray) => {
        const h2 = lax.tanh(lax.add(lax.mul(h, lax.reshape(lax.slice(y, [0, 0], [1, 3]), [3])), xi));
        return [h2, lax.mul(h2, h2)] as const;
      }, lax.reshape(lax.slice(y, [1, 0], [2, 3]), [3]), x);
      return lax.add(lax.broadcastInDim(c, [2, 3], [1]), ys);
    } },
    { name: 'reverse, no xs', args: one, f: (x) => lax.scan((c: NDArray) => [lax.sin(lax.mul(c, x)), null] as const, x, null, { length: 3, reverse: true })[0] },
    { name: 'foriLoop (a scan)', args: one, f: (x) => lax.foriLoop(0, 4, (i: NDArray, c: NDArray) => lax.add(lax.mul(c, lax.cos(c)), lax.broadcastInDim(lax.convertElementType(i, 'float64'), c.shape, [])), x) },
  ],
  while: [{ name: 'forward mode', args: one, f: (x) => lax.whileLoop(([i]: [NDArray, NDArray]) => lax.lt(i, lax.scalar(3, 'int32')), ([i, c]: [NDArray, NDArray]) => [lax.add(i, lax.scalar(1, 'int32')), lax.sin(lax.mul(c, x))] as [NDArray, NDArray], [lax.scalar(0, 'int32'), x] as [NDArray, NDArray])[1], jvpOnly: true }],
  checkpoint: [
    { name: 'nothing saveable', args: two, f: (x, y) => checkpoint((a: NDArray, b: NDArray) => lax.tanh(lax.mul(lax.sin(a), b)))(x, y) },
    { name: 'dots saveable', args: two, f: (x, y) => checkpoint((a: NDArray, b: NDArray) => lax.tanh(lax.dotGeneral(lax.sin(a), b, { contracting: [[1], [1]], batch: [[], []] })), { policy: 'dots_saveable' })(x, y) },
  ],
};

function idx(v: number[] | number[][]): NDArray {
  const flat = v.flat();
  const shape = Array.isArray(v[0]) ? [v.length, (v[0] as number[]).length] : [v.length];
  return lax.reshape(lax.convertElementType(lax.concatenate(flat.map((k) => lax.reshape(lax.scalar(k, 'int32'), [1])), 0), 'int32'), shape);
}

/** VJP against central differences, for functions whose forward mode is (by design) unsupported. */
function checkVjpNumeric(f: Fn, args: NDArray[], label: string): void {
  const rng = new Rng(5), eps = 1e-5;
  const us = args.map((a) => rng.array(a.shape));
  const [out, vjpFn] = vjp(f, ...args);
  const v = rng.array((out as NDArray).shape);
  const cts = vjpFn(v) as NDArray[];
  const shifted = (s: number) => f(...args.map((a, i) => lax.add(a, lax.mul(lax.fullLike(a, s), us[i]!))));
  const dir = lax.div(lax.sub(shifted(eps), shifted(-eps)), lax.fullLike(v, 2 * eps));
  const dot = (a: NDArray, b: NDArray) => Array.from(a.dataSync()).reduce((s, x, i) => s + x * b.dataSync()[i]!, 0);
  const lhs = dot(v, dir), rhs = cts.reduce((s, c, i) => s + dot(c, us[i]!), 0);
  assert.ok(Math.abs(lhs - rhs) <= 1e-6 + 1e-6 * Math.abs(lhs), `${label}: ⟨Jᵀv, u⟩ = ${rhs} vs numeric ${lhs}`);
}

for (const [prim, rows] of Object.entries(cases) as [Primitive, GradCase[]][]) {
  rows.forEach((row, k) => {
    const label = `${prim}${row.name ? ` (${row.name})` : rows.length > 1 ? ` #${k}` : ''}`;
    test(label, () => {
      const args = row.args(new Rng(3 + k));
      if (row.jvpOnly) {
        // Forward mode, first and second order (reverse mode is refused: see control-flow.test.ts).
        const us = [new Rng(23).array(args[0]!.shape)];
        checkJvp(row.f, args, { label });
        checkJvp((...xs) => (jvp(row.f, xs, us) as [NDArray, NDArray])[1], args, { label: `${label} (order 2)` });
        return;
      }
      if (row.vjpOnly) {
        checkVjpNumeric(row.f, args, label);
        // Second order through the user's backward pass: grad of (x ↦ ⟨vjp(f)(x)(v), u⟩).
        const rng = new Rng(9);
        const v = rng.array(row.f(...args).shape), u = rng.array(args[0]!.shape);
        const inner: Fn = (x) => lax.reduceSum(lax.mul((vjp(row.f, x)[1](v) as NDArray[])[0]!, u), [...u.shape.keys()]);
        checkVjp(inner, [args[0]!], { label: `${label} (order 2)` });
        return;
      }
      checkGrads(row.f, args, { label, ...row.opts });
    });
  });
}

test('reduce_prod: exact gradients at zeros (one zero, two zeros)', () => {
  const x1 = idxF([2, 0, 3]);
  const g1 = grad((x: NDArray) => lax.reduceProd(x, [0]))(x1) as NDArray;
  assert.equal(Array.from(g1.dataSync()), [0, 6, 0]);
  const g2 = grad((x: NDArray) => lax.reduceProd(x, [0]))(idxF([0, 5, 0])) as NDArray;
  assert.equal(Array.from(g2.dataSync()), [0, 0, 0]);
});

function idxF(v: number[]): NDArray {
  return lax.convertElementType(idx(v), 'float64');
}

test.run();
