// Window reductions at the lax level: lax.reduceWindow (sum, max, min over strided, padded,
// dilated windows: pooling), the primitives' binders, and the transpose of the windowed sum
// (JAX's _reduce_window_sum_transpose_rule: a windowed sum of the stride-dilated cotangent).
import { NDArray } from './array.js';
import { ShapedArray } from './aval.js';
import { lowestOf, highestOf } from './dtype.js';
import { CotangentError } from './errors.js';
import { bind1 } from './interpreter.js';
import { add, max, min, pad, scalar } from './lax.js';
import { dilateDim, SelectPrim, WindowParams } from './primitives.js';
import { padtypeToPads, PaddingSpec } from './conv.js';

/** What lax.reduceWindow reduces with: 'sum', 'max', 'min' or lax.add, lax.max, lax.min. */
export type WindowComputation = 'sum' | 'max' | 'min' | typeof add | typeof max | typeof min;

export const reduceWindowSum = (x: NDArray, p: WindowParams): NDArray => bind1('reduce_window_sum', [x], p);
export const reduceWindowMax = (x: NDArray, p: WindowParams): NDArray => bind1('reduce_window_max', [x], p);
export const reduceWindowMin = (x: NDArray, p: WindowParams): NDArray => bind1('reduce_window_min', [x], p);
export const selectAndGatherAdd = (tangent: NDArray, operand: NDArray, p: WindowParams, selectPrim: SelectPrim): NDArray =>
  bind1('select_and_gather_add', [tangent, operand], { ...p, selectPrim });
export const selectAndScatterAdd = (source: NDArray, operand: NDArray, p: WindowParams, selectPrim: SelectPrim): NDArray =>
  bind1('select_and_scatter_add', [source, operand], { ...p, selectPrim });

/**
 * JAX's lax.reduce_window over every axis of `operand`: `computation` 'sum' (or lax.add), 'max'
 * (lax.max) or 'min' (lax.min), with `initValue` its identity (0, -Infinity, Infinity; for ints
 * the dtype's extremes), which is also what the padding holds. Max pooling over NCHW 2×2 windows
 * is `lax.reduceWindow(x, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID')`.
 */
export function reduceWindow(operand: NDArray, initValue: number, computation: WindowComputation, windowDimensions: readonly number[],
  windowStrides: readonly number[] = windowDimensions.map(() => 1), padding: PaddingSpec = 'VALID',
  baseDilation: readonly number[] = windowDimensions.map(() => 1), windowDilation: readonly number[] = windowDimensions.map(() => 1)): NDArray {
  const fn = 'lax.reduceWindow';
  const op = typeof computation === 'string' ? computation : computation === add ? 'sum' : computation === max ? 'max' : computation === min ? 'min' : String(computation);
  if (op !== 'sum' && op !== 'max' && op !== 'min') throw new CotangentError(`${fn}: computation must be 'sum', 'max', 'min' (or lax.add, lax.max, lax.min), got ${String(computation)}`);
  const n = operand.ndim;
  for (const [name, v] of [['windowDimensions', windowDimensions], ['windowStrides', windowStrides], ['baseDilation', baseDilation], ['windowDilation', windowDilation]] as const) {
    if (v.length !== n) throw new CotangentError(`${fn}: ${name} needs one entry per axis of ${operand.aval.str()} (${n}), got ${JSON.stringify(v)}`);
  }
  const identity = op === 'sum' ? 0 : op === 'max' ? lowestOf(operand.dtype) : highestOf(operand.dtype);
  if (!(initValue === identity || (op !== 'sum' && Math.abs(initValue) === Infinity && initValue === (op === 'max' ? -Infinity : Infinity) && Math.abs(identity) !== Infinity))) {
    throw new CotangentError(`${fn}: initValue must be the identity of '${op}' (${identity}) for ${operand.aval.str()}, got ${initValue}`);
  }
  let pads: [number, number][];
  if (typeof padding === 'string') {
    const sizes = operand.shape.map((d, i) => dilateDim(d, baseDilation[i]!));
    pads = padtypeToPads(sizes, windowDimensions.map((w, i) => dilateDim(w, windowDilation[i]!)), windowStrides, padding, fn);
  } else {
    pads = padtypeToPads(operand.shape.map(() => 0), [], [], padding, fn);
  }
  const p: WindowParams = { windowDimensions: [...windowDimensions], windowStrides: [...windowStrides], padding: pads, baseDilation: [...baseDilation], windowDilation: [...windowDilation] };
  return op === 'sum' ? reduceWindowSum(operand, p) : op === 'max' ? reduceWindowMax(operand, p) : reduceWindowMin(operand, p);
}

/** x̄ of out = reduce_window_sum(x): every window spreads its cotangent over its elements. */
export function reduceWindowSumTranspose(ct: NDArray, xAval: ShapedArray, p: WindowParams): NDArray {
  const pads = xAval.shape.map((n, i): [number, number, number] => {
    const lhsD = dilateDim(n, p.baseDilation[i]!), rhsD = dilateDim(p.windowDimensions[i]!, p.windowDilation[i]!), outD = dilateDim(ct.shape[i]!, p.windowStrides[i]!);
    const before = rhsD - p.padding[i]![0] - 1;
    return [before, lhsD + rhsD - 1 - outD - before, p.windowStrides[i]! - 1];
  });
  const spread = pad(ct, scalar(0, ct.dtype), pads);
  const ones = xAval.shape.map(() => 1);
  return reduceWindowSum(spread, { windowDimensions: p.windowDimensions, windowStrides: p.baseDilation, padding: ones.map(() => [0, 0] as [number, number]), baseDilation: ones, windowDilation: p.windowDilation });
}
