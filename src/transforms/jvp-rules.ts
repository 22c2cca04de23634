// One JVP rule per primitive: (primals, tangents, params) → [primal outputs, tangent outputs].
// Rules run on the parent interpreter and read like the math they implement.
import { NDArray } from '../core/array.js';
import { isFloat } from '../core/dtype.js';
import { bind } from '../core/interpreter.js';
import * as lax from '../core/lax.js';
import { convWithParams } from '../core/conv.js';
import { reduceWindowMax, reduceWindowMin, selectAndGatherAdd } from '../core/window.js';
import { ArrayPrimitive, Params, Primitive, UnaryPrimitive, BinaryPrimitive } from '../core/primitives.js';
import { trigamma } from '../core/special-math.js';
import { linalgJvpRules } from './linalg-jvp.js';
import { addTangents, instantiate, isZero, scaleTangent, Tangent, zeroLike } from './tangent.js';

export type JvpRule<P extends Primitive> = (primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<P>) => [NDArray[], Tangent[]];

const p0 = (xs: readonly NDArray[]) => xs[0]!;
const full = (x: NDArray, v: number) => lax.fullLike(x, v);

/** Derivative-free: outputs are piecewise constant (or integer), so the tangent is zero. */
function zeroJvpOf<P extends Primitive>(prim: P): JvpRule<P> {
  return (primals, _t, params) => {
    const outs = bind(prim, primals, params);
    return [outs, outs.map(zeroLike)];
  };
}
/** A primitive linear in all its operands: the tangent is the primitive applied to the tangents. */
export function linearJvp<P extends Primitive>(prim: P): JvpRule<P> {
  return (primals, tangents, params) => {
    const outs = bind(prim, primals, params);
    if (tangents.every((t) => isZero(t))) return [outs, outs.map(zeroLike)];
    return [outs, bind(prim, tangents.map(instantiate), params)];
  };
}
/** y = f(x), ẏ = ẋ · f'(x, y). */
function unaryJvp(prim: UnaryPrimitive, derivative: (x: NDArray, y: NDArray) => NDArray): JvpRule<UnaryPrimitive> {
  return (primals, [t]) => {
    const x = p0(primals);
    const y = bind(prim, [x], {})[0]!;
    return [[y], [scaleTangent(t!, () => derivative(x, y))]];
  };
}
/** z = f(x, y), ż = ẋ · ∂f/∂x + ẏ · ∂f/∂y; each partial is computed only if its tangent is nonzero. */
function binaryJvp(prim: BinaryPrimitive, dx: (x: NDArray, y: NDArray, z: NDArray) => NDArray, dy: (x: NDArray, y: NDArray, z: NDArray) => NDArray): JvpRule<BinaryPrimitive> {
  return ([x, y], [tx, ty]) => {
    const z = bind(prim, [x!, y!], {})[0]!;
    return [[z], [addTangents(scaleTangent(tx!, () => dx(x!, y!, z)), scaleTangent(ty!, () => dy(x!, y!, z)))]];
  };
}
const { mul, div, sub, add, neg, select } = lax;

export const jvpRules: { [P in ArrayPrimitive]: JvpRule<P> } = {
  neg: linearJvp('neg'),
  sign: zeroJvpOf('sign'), floor: zeroJvpOf('floor'), ceil: zeroJvpOf('ceil'), round: zeroJvpOf('round'), not: zeroJvpOf('not'),
  abs: unaryJvp('abs', (x) => lax.sign(x)),
  exp: unaryJvp('exp', (_x, y) => y),
  log: unaryJvp('log', (x) => div(full(x, 1), x)),
  expm1: unaryJvp('expm1', (_x, y) => add(y, full(y, 1))),
  log1p: unaryJvp('log1p', (x) => div(full(x, 1), add(x, full(x, 1)))),
  sin: unaryJvp('sin', (x) => lax.cos(x)),
  cos: unaryJvp('cos', (x) => neg(lax.sin(x))),
  tan: unaryJvp('tan', (_x, y) => add(full(y, 1), mul(y, y))),
  tanh: unaryJvp('tanh', (_x, y) => sub(full(y, 1), mul(y, y))),
  sqrt: unaryJvp('sqrt', (_x, y) => div(full(y, 0.5), y)),
  // erf' = 2/√π · e^{−x²}; lgamma' = ψ; ψ' = ψ₁ (trigamma, derived from primitives so it differentiates again).
  erf: unaryJvp('erf', (x) => mul(full(x, 2 / Math.sqrt(Math.PI)), lax.exp(neg(mul(x, x))))),
  erfc: unaryJvp('erfc', (x) => mul(full(x, -2 / Math.sqrt(Math.PI)), lax.exp(neg(mul(x, x))))),
  lgamma: unaryJvp('lgamma', (x) => lax.digamma(x)),
  digamma: unaryJvp('digamma', (x) => trigamma(x)),

  add: linearJvp('add'),
  sub: linearJvp('sub'),
  mul: binaryJvp('mul', (_x, y) => y, (x) => x),
  div: binaryJvp('div', (_x, y) => div(full(y, 1), y), (_x, y, z) => neg(div(z, y))),
  // rem(x, y) = x − y·trunc(x/y): ∂/∂x = 1, ∂/∂y = −trunc(x/y).
  rem: binaryJvp('rem', (x) => full(x, 1), (x, y) => neg(truncDiv(x, y))),
  // d(xʸ) = y·xʸ⁻¹ dx + log(x)·xʸ dy, with 0·(anything) = 0 at y = 0 and x = 0 as JAX does.
  pow: binaryJvp(
    'pow',
    (x, y) => select(lax.eq(y, full(y, 0)), full(x, 0), mul(y, lax.pow(x, sub(y, full(y, 1))))),
    (x, _y, z) => select(lax.eq(x, full(x, 0)), full(x, 0), mul(lax.log(x), z)),
  ),
  // Where x = y the derivative is split evenly between the two, as JAX does.
  max: minMaxJvp('max', lax.gt),
  min: minMaxJvp('min', lax.lt),
  atan2: binaryJvp(
    'atan2',
    (x, y) => div(y, add(mul(x, x), mul(y, y))),
    (x, y) => neg(div(x, add(mul(x, x), mul(y, y)))),
  ),
  and: zeroJvpOf('and'), or: zeroJvpOf('or'), shift_right_logical: zeroJvpOf('shift_right_logical'),
  eq: zeroJvpOf('eq'), ne: zeroJvpOf('ne'), lt: zeroJvpOf('lt'), le: zeroJvpOf('le'), gt: zeroJvpOf('gt'), ge: zeroJvpOf('ge'),

  select: ([p, a, b], [, ta, tb]) => {
    const out = select(p!, a!, b!);
    if (isZero(ta!) && isZero(tb!)) return [[out], [zeroLike(out)]];
    return [[out], [select(p!, instantiate(ta!), instantiate(tb!))]];
  },
  convert_element_type: ([x], [t], params) => {
    const out = bind('convert_element_type', [x!], params);
    // Only float → float conversions carry derivatives; to or from integers the tangent is zero.
    if (isZero(t!) || !isFloat(x!.dtype) || !isFloat(params.newDtype)) return [out, out.map(zeroLike)];
    return [out, bind('convert_element_type', [t!], params)];
  },
  iota: zeroJvpOf('iota'),

  reduce_sum: linearJvp('reduce_sum'),
  reduce_max: extremumJvp('reduce_max'),
  reduce_min: extremumJvp('reduce_min'),
  // Each element's partial is the product of the others: out/x where nothing is zero, and the
  // product of the nonzero entries at a lone zero (0 everywhere else), so zeros need no division.
  reduce_prod: ([x], [t], params) => {
    const out = lax.reduceProd(x!, params.axes);
    if (isZero(t!)) return [[out], [zeroLike(out)]];
    const keep = x!.shape.map((_, i) => i).filter((i) => !params.axes.includes(i));
    const back = (v: NDArray) => lax.broadcastInDim(v, x!.shape, keep);
    const isZ = lax.eq(x!, full(x!, 0));
    const nonzeroProd = back(lax.reduceProd(select(isZ, full(x!, 1), x!), params.axes));
    const zeroCount = back(lax.reduceSum(lax.convertElementType(isZ, 'int32'), params.axes));
    const none = lax.eq(zeroCount, lax.fullLike(zeroCount, 0));
    const one = lax.eq(zeroCount, lax.fullLike(zeroCount, 1));
    const safeX = select(isZ, full(x!, 1), x!);
    const others = select(none, div(nonzeroProd, safeX), select(lax.and(one, isZ), nonzeroProd, full(x!, 0)));
    return [[out], [lax.reduceSum(mul(t as NDArray, others), params.axes)]];
  },
  argmax: zeroJvpOf('argmax'), argmin: zeroJvpOf('argmin'),

  broadcast_in_dim: linearJvp('broadcast_in_dim'),
  reshape: linearJvp('reshape'),
  transpose: linearJvp('transpose'),
  slice: linearJvp('slice'),
  pad: linearJvp('pad'),
  concatenate: linearJvp('concatenate'),
  rev: linearJvp('rev'),
  gather: ([x, idx], [tx], params) => {
    const out = lax.gather(x!, idx!, params.axis);
    return [[out], [isZero(tx!) ? zeroLike(out) : lax.gather(tx, idx!, params.axis)]];
  },
  scatter_add: ([x, idx, u], [tx, , tu], params) => {
    const out = lax.scatterAdd(x!, idx!, u!, params.axis);
    if (isZero(tx!) && isZero(tu!)) return [[out], [zeroLike(out)]];
    return [[out], [lax.scatterAdd(instantiate(tx!), idx!, instantiate(tu!), params.axis)]];
  },
  // Sorting permutes: the primals are sorted with an iota riding along, which comes out as the
  // permutation, and each tangent is gathered by it (JAX's _sort_jvp). The gather is linear in the
  // tangent, so the rule transposes (into scatter_add) with no rule of sort's own.
  sort: (primals, tangents, params) => {
    if (tangents.every((t) => isZero(t))) {
      const outs = bind('sort', primals, params);
      return [outs, outs.map(zeroLike)];
    }
    const withIota = bind('sort', [...primals, lax.iota('int32', primals[0]!.shape, params.dimension)], params);
    const perm = withIota.pop()!;
    return [withIota, tangents.map((t, k) => (isZero(t) ? zeroLike(withIota[k]!) : lax.takeAlongAxis(t, perm, params.dimension)))];
  },
  // Bilinear: d(x·y) = dx·y + x·dy.
  dot_general: ([x, y], [tx, ty], { dimensionNumbers }) => {
    const out = lax.dotGeneral(x!, y!, dimensionNumbers);
    const fromX = isZero(tx!) ? zeroLike(out) : lax.dotGeneral(tx, y!, dimensionNumbers);
    const fromY = isZero(ty!) ? zeroLike(out) : lax.dotGeneral(x!, ty, dimensionNumbers);
    return [[out], [addTangents(fromX, fromY)]];
  },
  // Bilinear, as dot_general.
  conv_general_dilated: ([x, w], [tx, tw], params) => {
    const out = convWithParams(x!, w!, params);
    const fromX = isZero(tx!) ? zeroLike(out) : convWithParams(tx, w!, params);
    const fromW = isZero(tw!) ? zeroLike(out) : convWithParams(x!, tw, params);
    return [[out], [addTangents(fromX, fromW)]];
  },
  reduce_window_sum: linearJvp('reduce_window_sum'),
  // The tangent of a window's max is the tangent at the element it selects (the first maximum).
  reduce_window_max: ([x], [t], params) => {
    const out = reduceWindowMax(x!, params);
    return [[out], [isZero(t!) ? zeroLike(out) : selectAndGatherAdd(t, x!, params, 'ge')]];
  },
  reduce_window_min: ([x], [t], params) => {
    const out = reduceWindowMin(x!, params);
    return [[out], [isZero(t!) ? zeroLike(out) : selectAndGatherAdd(t, x!, params, 'le')]];
  },
  // Linear in the moved values; the operand only chooses positions (piecewise constant).
  select_and_gather_add: ([t, x], [tt], params) => {
    const out = bind('select_and_gather_add', [t!, x!], params)[0]!;
    return [[out], [isZero(tt!) ? zeroLike(out) : bind('select_and_gather_add', [tt, x!], params)[0]!]];
  },
  select_and_scatter_add: ([s, x], [ts], params) => {
    const out = bind('select_and_scatter_add', [s!, x!], params)[0]!;
    return [[out], [isZero(ts!) ? zeroLike(out) : bind('select_and_scatter_add', [ts, x!], params)[0]!]];
  },
  fft: linearJvp('fft'),
  threefry2x32: zeroJvpOf('threefry2x32'),
  // The decompositions (src/transforms/linalg-jvp.ts, after JAX's rules).
  ...linalgJvpRules,
};

/** trunc(x / y), the integer part of the quotient, from primitives. */
function truncDiv(x: NDArray, y: NDArray): NDArray {
  const q = div(x, y);
  return mul(lax.sign(q), lax.floor(lax.abs(q)));
}

function minMaxJvp(prim: 'max' | 'min', wins: (a: NDArray, b: NDArray) => NDArray): JvpRule<'max' | 'min'> {
  return ([x, y], [tx, ty]) => {
    const z = bind(prim, [x!, y!], {})[0]!;
    if (isZero(tx!) && isZero(ty!)) return [[z], [zeroLike(z)]];
    const a = instantiate(tx!), b = instantiate(ty!);
    const half = mul(add(a, b), full(a, 0.5));
    return [[z], [select(wins(x!, y!), a, select(wins(y!, x!), b, half))]];
  };
}

/** The tangent of max/min over axes: the mean of the tangents at the positions that attain it. */
function extremumJvp(prim: 'reduce_max' | 'reduce_min'): JvpRule<'reduce_max' | 'reduce_min'> {
  return ([x], [t], params) => {
    const out = bind(prim, [x!], params)[0]!;
    if (isZero(t!)) return [[out], [zeroLike(out)]];
    const keep = x!.shape.map((_, i) => i).filter((i) => !params.axes.includes(i));
    const location = lax.convertElementType(lax.eq(x!, lax.broadcastInDim(out, x!.shape, keep)), x!.dtype);
    const counts = lax.reduceSum(location, params.axes);
    return [[out], [div(lax.reduceSum(mul(t as NDArray, location), params.axes), counts)]];
  };
}
