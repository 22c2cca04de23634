// One transpose rule per primitive. Only primitives that can appear linearly in a tangent
// computation have one; for the rest the entry says so. A rule maps output cotangents to
// cotangents of its linear (undefined) inputs, given the values of its non-linear ones.
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import * as lax from '../core/lax.js';
import { convTransposeLhs, convTransposeRhs } from '../core/conv.js';
import { fftTranspose } from '../core/fft.js';
import { reduceWindowSumTranspose, selectAndGatherAdd, selectAndScatterAdd } from '../core/window.js';
import { triangularSolvePrim } from '../core/linalg.js';
import { ArrayPrimitive, DotDimensionNumbers, Params, Primitive } from '../core/primitives.js';
import { instantiate, Tangent, Zero } from './tangent.js';

/** A linear input of an equation being transposed: its value is what we are solving for. */
export class UndefinedPrimal {
  constructor(readonly aval: ShapedArray) {}
}
type Arg = NDArray | UndefinedPrimal;
export type TransposeRule<P extends Primitive> = (cts: readonly Tangent[], args: readonly Arg[], params: Params<P>, outAvals: readonly ShapedArray[]) => (Tangent | null)[];

const undef = (a: Arg | undefined): a is UndefinedPrimal => a instanceof UndefinedPrimal;
export const known = (a: Arg | undefined, prim: string): NDArray => {
  if (undef(a) || !a) throw new Error(`internal: ${prim} is not linear in this operand, yet it was treated as linear`);
  return a;
};
const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function notLinear<P extends Primitive>(prim: P): TransposeRule<P> {
  return () => { throw new Error(`internal: ${prim} is not a linear primitive and cannot appear in a linear jaxpr`); };
}
/** Unary linear maps: the cotangent of the input is the adjoint map applied to the output cotangent. */
function unaryLinear<P extends Primitive>(adjoint: (ct: NDArray, x: UndefinedPrimal, params: Params<P>) => NDArray): TransposeRule<P> {
  return ([ct], [x], params) => [adjoint(instantiate(ct!), x as UndefinedPrimal, params)];
}

export const transposeRules: { [P in ArrayPrimitive]: TransposeRule<P> } = {
  neg: unaryLinear((ct) => lax.neg(ct)),
  sign: notLinear('sign'), floor: notLinear('floor'), ceil: notLinear('ceil'), round: notLinear('round'),
  abs: notLinear('abs'), exp: notLinear('exp'), log: notLinear('log'), expm1: notLinear('expm1'),
  log1p: notLinear('log1p'), sin: notLinear('sin'), cos: notLinear('cos'), tan: notLinear('tan'), tanh: notLinear('tanh'),
  sqrt: notLinear('sqrt'), not: notLinear('not'),
  erf: notLinear('erf'), erfc: notLinear('erfc'), lgamma: notLinear('lgamma'), digamma: notLinear('digamma'),

  add: ([ct], [x, y]) => [undef(x) ? ct! : null, undef(y) ? ct! : null],
  sub: ([ct], [x, y]) => [undef(x) ? ct! : null, undef(y) ? lax.neg(instantiate(ct!)) : null],
  mul: ([ct], [x, y]) => {
    const c = instantiate(ct!);
    if (undef(x) && undef(y)) throw new Error('internal: mul of two linear values is not linear');
    return undef(x) ? [lax.mul(c, known(y, 'mul')), null] : [null, lax.mul(known(x, 'mul'), c)];
  },
  div: ([ct], [x, y]) => {
    if (!undef(x) || undef(y)) throw new Error('internal: div is linear only in its numerator');
    return [lax.div(instantiate(ct!), known(y, 'div')), null];
  },
  rem: notLinear('rem'), pow: notLinear('pow'), max: notLinear('max'), min: notLinear('min'),
  atan2: notLinear('atan2'), and: notLinear('and'), or: notLinear('or'), shift_right_logical: notLinear('shift_right_logical'),
  eq: notLinear('eq'), ne: notLinear('ne'), lt: notLinear('lt'), le: notLinear('le'), gt: notLinear('gt'), ge: notLinear('ge'),

  select: ([ct], [p, a, b]) => {
    const pred = known(p, 'select'), c = instantiate(ct!), zero = lax.zerosLike(c);
    return [null, undef(a) ? lax.select(pred, c, zero) : null, undef(b) ? lax.select(pred, zero, c) : null];
  },
  convert_element_type: unaryLinear((ct, x) => lax.convertElementType(ct, x.aval.dtype, x.aval.weakType)),
  iota: notLinear('iota'),

  reduce_sum: unaryLinear((ct, x, { axes }) => lax.broadcastInDim(ct, x.aval.shape, range(x.aval.ndim).filter((i) => !axes.includes(i)))),
  reduce_max: notLinear('reduce_max'), reduce_min: notLinear('reduce_min'), reduce_prod: notLinear('reduce_prod'),
  argmax: notLinear('argmax'), argmin: notLinear('argmin'),

  // Broadcasting copies; its adjoint sums the copies: over new axes and over axes grown from 1.
  broadcast_in_dim: unaryLinear((ct, x, { shape, broadcastDimensions: bd }) => {
    const grown = bd.filter((d, i) => x.aval.shape[i] === 1 && shape[d] !== 1);
    const summed = range(shape.length).filter((d) => !bd.includes(d) || grown.includes(d));
    return lax.reshape(lax.reduceSum(ct, summed), x.aval.shape);
  }),
  reshape: unaryLinear((ct, x) => lax.reshape(ct, x.aval.shape)),
  transpose: unaryLinear((ct, _x, { permutation }) => {
    const inverse = new Array<number>(permutation.length);
    permutation.forEach((p, i) => { inverse[p] = i; });
    return lax.transpose(ct, inverse);
  }),
  // The adjoint of taking a strided window is zero-padding the cotangent back into place.
  slice: ([ct], [x], { startIndices, strides }) => {
    const xa = (x as UndefinedPrimal).aval, c = instantiate(ct!);
    if (c.size === 0) return [new Zero(xa)];
    const config = xa.shape.map((n, i): [number, number, number] => {
      const s = startIndices[i]!, st = strides?.[i] ?? 1, m = c.shape[i]!;
      return [s, n - (s + (m - 1) * st + 1), st - 1];
    });
    return [lax.pad(c, lax.scalar(0, c.dtype), config)];
  },
  // Unpad (negative padding), then take every (interior+1)-th element; the padding value's
  // cotangent is whatever the operand did not receive.
  pad: ([ct], [x, v], { config }) => {
    const c = instantiate(ct!);
    let operandCt: NDArray | null = null;
    if (undef(x)) {
      const unpadded = lax.pad(c, lax.scalar(0, c.dtype), config.map(([lo, hi]) => [-lo, -hi, 0] as [number, number, number]));
      operandCt = lax.slice(unpadded, unpadded.shape.map(() => 0), unpadded.shape, config.map(([, , interior]) => interior + 1));
    }
    const all = range(c.ndim);
    const valueCt = undef(v) ? lax.sub(lax.reduceSum(c, all), operandCt ? lax.reduceSum(operandCt, all) : lax.scalar(0, c.dtype)) : null;
    return [operandCt, valueCt];
  },
  concatenate: ([ct], args, { dimension }) => {
    const c = instantiate(ct!);
    let offset = 0;
    return args.map((a) => {
      const aval = a!.aval;
      const start = c.shape.map((_, i) => (i === dimension ? offset : 0));
      const limit = c.shape.map((d, i) => (i === dimension ? offset + aval.shape[i]! : d));
      offset += aval.shape[dimension]!;
      return undef(a) ? lax.slice(c, start, limit) : null;
    });
  },
  rev: unaryLinear((ct, _x, { dimensions }) => lax.rev(ct, dimensions)),
  gather: ([ct], [x, idx], { axis }) => {
    if (!undef(x)) return [null, null];
    return [lax.scatterAdd(lax.zerosLike(x.aval), known(idx, 'gather'), instantiate(ct!), axis), null];
  },
  scatter_add: ([ct], [x, idx, u], { axis }) => {
    const c = instantiate(ct!);
    return [undef(x) ? c : null, null, undef(u) ? lax.gather(c, known(idx, 'scatter_add'), axis) : null];
  },
  // Not linear: its JVP moves tangents with a gather, which transposes instead.
  sort: notLinear('sort'),
  dot_general: ([ct], [x, y], { dimensionNumbers }) => {
    const c = instantiate(ct!);
    if (undef(x) && undef(y)) throw new Error('internal: dot_general of two linear values is not linear');
    return undef(x)
      ? [dotTransposeLhs(c, known(y, 'dot_general'), x.aval, dimensionNumbers), null]
      : [null, dotTransposeRhs(c, known(x, 'dot_general'), (y as UndefinedPrimal).aval, dimensionNumbers)];
  },
  // Both transposes are convolutions again (src/core/conv.ts).
  conv_general_dilated: ([ct], [x, w], params) => {
    const c = instantiate(ct!);
    if (undef(x) && undef(w)) throw new Error('internal: conv_general_dilated of two linear values is not linear');
    return undef(x)
      ? [convTransposeLhs(c, known(w, 'conv_general_dilated'), x.aval, params), null]
      : [null, convTransposeRhs(c, known(x, 'conv_general_dilated'), (w as UndefinedPrimal).aval, params)];
  },
  reduce_window_sum: unaryLinear((ct, x, params) => reduceWindowSumTranspose(ct, x.aval, params)),
  reduce_window_max: notLinear('reduce_window_max'), reduce_window_min: notLinear('reduce_window_min'),
  // Gathering the selected tangent and scattering a cotangent to the selected element are adjoint.
  select_and_gather_add: ([ct], [t, x], params) => {
    if (!undef(t) || undef(x)) throw new Error('internal: select_and_gather_add is linear only in its tangent');
    return [selectAndScatterAdd(instantiate(ct!), known(x, 'select_and_gather_add'), params, params.selectPrim), null];
  },
  select_and_scatter_add: ([ct], [s, x], params) => {
    if (!undef(s) || undef(x)) throw new Error('internal: select_and_scatter_add is linear only in its source');
    return [selectAndGatherAdd(instantiate(ct!), known(x, 'select_and_scatter_add'), params, params.selectPrim), null];
  },
  fft: unaryLinear((ct, x, params) => fftTranspose(ct, x.aval, params)),
  threefry2x32: notLinear('threefry2x32'),
  cholesky: notLinear('cholesky'),
  // x = op(A)⁻¹·b is linear in b with adjoint b̄ = op(A)⁻ᵀ·x̄ (and x̄·op(A)⁻ᵀ on the right): the same solve with op transposed.
  triangular_solve: ([ct], [a, b], p) => {
    if (undef(a) || !undef(b)) throw new Error('internal: triangular_solve is linear only in its right-hand side');
    return [null, triangularSolvePrim(known(a, 'triangular_solve'), instantiate(ct!), { ...p, transposeA: !p.transposeA })];
  },
  lu: notLinear('lu'), qr: notLinear('qr'), eigh: notLinear('eigh'), svd: notLinear('svd'),
};

/**
 * For out = dot_general(x, y): x̄ = dot_general(ct, y) contracting ct's y-free axes with y's free
 * axes (batch with batch); the result's axes are [batch, x-free, x-contracting in y's order],
 * transposed back to x's layout.
 */
function dotTransposeLhs(ct: NDArray, y: NDArray, xAval: ShapedArray, dn: DotDimensionNumbers): NDArray {
  const [lc, rc] = dn.contracting, [lb, rb] = dn.batch;
  const nb = lb.length;
  const xFree = range(xAval.ndim).filter((i) => !lc.includes(i) && !lb.includes(i));
  const yFree = range(y.ndim).filter((i) => !rc.includes(i) && !rb.includes(i));
  const out = lax.dotGeneral(ct, y, {
    contracting: [yFree.map((_, k) => nb + xFree.length + k), yFree],
    batch: [range(nb), rb],
  });
  const lcInOutOrder = [...rc].sort((a, b) => a - b).map((r) => lc[rc.indexOf(r)]!);
  const src = [...lb, ...xFree, ...lcInOutOrder];
  return lax.transpose(out, range(xAval.ndim).map((d) => src.indexOf(d)));
}
/**
 * ȳ = dot_general(x, ct) contracting x's free axes with ct's x-free axes (batch with batch); the
 * result's axes are [batch, y-contracting in x's order, y-free], which is already y's layout in the
 * common case (weights stored [in, out]), so no transpose is left.
 */
function dotTransposeRhs(ct: NDArray, x: NDArray, yAval: ShapedArray, dn: DotDimensionNumbers): NDArray {
  const [lc, rc] = dn.contracting, [lb, rb] = dn.batch;
  const nb = lb.length;
  const xFree = range(x.ndim).filter((i) => !lc.includes(i) && !lb.includes(i));
  const yFree = range(yAval.ndim).filter((i) => !rc.includes(i) && !rb.includes(i));
  const out = lax.dotGeneral(x, ct, {
    contracting: [xFree, xFree.map((_, k) => nb + k)],
    batch: [lb, range(nb)],
  });
  const rcInXOrder = [...lc].sort((a, b) => a - b).map((l) => rc[lc.indexOf(l)]!);
  const src = [...rb, ...rcInXOrder, ...yFree];
  return lax.transpose(out, range(yAval.ndim).map((d) => src.indexOf(d)));
}
