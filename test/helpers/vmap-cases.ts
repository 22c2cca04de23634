// Every primitive-table row under vmap: lanes made by perturbing the row's inputs, mapped at the
// first axis, the last axis, or only some operands, checked against a JS loop over the lanes.
import { jit, np, vmap } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ShapedArray } from '../../src/core/aval.js';
import { concreteFromTyped } from '../../src/core/array.js';
import { allocTyped, isFloat, storageOf } from '../../src/core/dtype.js';
import { bind } from '../../src/core/interpreter.js';
import { ArrayPrimitive, Params } from '../../src/core/primitives.js';
import { ArraySpec, flatValues, PrimitiveCase, Tolerance } from './primitive-cases.js';

export const LANES = 3;

/** Lane b's copy of an input: values shifted per lane (ints wrap, bools flip on odd lanes), so lanes differ. */
export function laneInput(s: ArraySpec, b: number): NDArray {
  const n = s.shape.reduce((a, c) => a * c, 1);
  const values = flatValues(s);
  if (isFloat(s.dtype)) return concreteFromTyped(storageOf(s.dtype, values.map((v) => v * (1 + 0.125 * b) + 0.25 * b)), new ShapedArray(s.shape, s.dtype));
  const data = allocTyped(s.dtype, n);
  // Integer typed-array stores wrap (int32 |0, uint32 >>>0, the narrow types modulo their width).
  values.forEach((v, i) => { data[i] = s.dtype === 'bool' ? (b % 2 ? 1 - v : v) : v + b; });
  return concreteFromTyped(data, new ShapedArray(s.shape, s.dtype));
}

/** How the operands are mapped: an axis per operand (0, -1 for the last, or null for unmapped). */
export interface Mapping { readonly name: string; readonly axes: readonly (0 | -1 | null)[] }

export function mappingsFor(arity: number): Mapping[] {
  if (arity === 0) return [{ name: 'nothing mapped (axisSize)', axes: [] }];
  const all = (a: 0 | -1) => Array<0 | -1>(arity).fill(a);
  const out: Mapping[] = [{ name: 'all at the first axis', axes: all(0) }, { name: 'all at the last axis', axes: all(-1) }];
  if (arity > 1) {
    for (let k = 0; k < arity; k++) {
      out.push({ name: `only operand ${k} (${k % 2 ? 'last' : 'first'} axis)`, axes: Array.from({ length: arity }, (_, i) => (i === k ? (k % 2 ? -1 : 0) : null)) });
    }
    out.push({ name: 'mixed axes, first and last', axes: Array.from({ length: arity }, (_, i) => (i % 2 ? -1 : 0)) });
  }
  return out;
}

export interface LaneCheck { readonly batched: NDArray[]; readonly loop: NDArray[]; readonly tol: Tolerance }

/**
 * Runs one row under vmap (eagerly, or as jit(vmap(…))) and the same primitive per lane; returns
 * both stacked along axis 0, for the caller to compare on its backend.
 */
export function runRowUnderVmap<P extends ArrayPrimitive>(prim: P, c: PrimitiveCase<P>, m: Mapping, useJit: boolean, withLoop = true): LaneCheck {
  const lanes = Array.from({ length: LANES }, (_, b) => c.inputs.map((s, k) => (m.axes[k] === null ? laneInput(s, 0) : laneInput(s, b))));
  const args = c.inputs.map((s, k) => {
    const a = m.axes[k];
    if (a === null) return laneInput(s, 0);
    return np.stack(lanes.map((l) => l[k]!), a === 0 ? 0 : s.shape.length);
  });
  const f = (...xs: NDArray[]) => bind(prim, xs, c.params as Params<P>);
  const mapped = vmap(f, { inAxes: [...m.axes], axisSize: LANES });
  const batched = (useJit ? jit(mapped) : mapped)(...args) as NDArray[];
  const perLane = withLoop ? lanes.map((l) => bind(prim, l, c.params as Params<P>)) : [];
  const loop = withLoop ? c.expected.map((_, k) => np.stack(perLane.map((o) => o[k]!), 0)) : [];
  const float = c.expected[0]!.dtype.startsWith('float');
  const tol = float ? { rtol: Math.max(c.tol.rtol, c.expected[0]!.dtype === 'float64' ? 1e-12 : 2e-6), atol: Math.max(c.tol.atol, 1e-6) } : c.tol;
  return { batched, loop, tol };
}
