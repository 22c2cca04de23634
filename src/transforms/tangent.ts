// Tangent values with symbolic zeros: an input that does not influence an output costs nothing.
import { ShapedArray } from '../core/aval.js';
import { NDArray } from '../core/array.js';
import * as lax from '../core/lax.js';

/** A tangent or cotangent known to be zero, carried as its aval only. */
export class Zero {
  constructor(readonly aval: ShapedArray) {}
}
export type Tangent = NDArray | Zero;

/** Missing tangents count as zero. */
export const isZero = (t: Tangent | undefined): t is Zero | undefined => t === undefined || t instanceof Zero;
export const zeroLike = (x: NDArray | ShapedArray): Zero => new Zero(x instanceof ShapedArray ? x : x.aval);
export function instantiate(t: Tangent | undefined): NDArray {
  if (t === undefined) throw new Error('internal: a tangent is missing');
  return t instanceof Zero ? lax.zerosLike(t.aval) : t;
}

/** t + u with zeros dropped. */
export function addTangents(t: Tangent, u: Tangent): Tangent {
  if (t instanceof Zero) return u;
  if (u instanceof Zero) return t;
  return lax.add(t, u);
}
/** t * factor, or zero. */
export const scaleTangent = (t: Tangent, factor: () => NDArray): Tangent => (t instanceof Zero ? t : lax.mul(t, factor()));
