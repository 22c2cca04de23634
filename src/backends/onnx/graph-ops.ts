// Small graph idioms the lowering files share: casts, reshapes, int64 → 32-bit wrap-around, and
// interior padding (each element followed by copies of a value).
import { DType } from '../../core/dtype.js';
import { GraphBuilder } from './builder.js';
import type { OnnxDType } from './proto.js';

const INT32_MAX = 2147483647, UINT32_MAX = 4294967295;
export const ONNX_CODE: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, bool: 9, float64: 11, uint32: 12, uint64: 13 };
export const cast = (g: GraphBuilder, x: string, from: OnnxDType | DType, to: OnnxDType | DType) => (from === to ? x : g.op('Cast', [x], { to: ONNX_CODE[to] }));
export const reshape = (g: GraphBuilder, x: string, shape: readonly number[]) => g.op('Reshape', [x, g.ints(shape)], { allowzero: shape.includes(0) ? 1 : 0 });

/** The low 32 bits of an int64 value as int32 or uint32 (two's complement wrap-around, made explicit). */
export function fromInt64(g: GraphBuilder, x: string, to: DType): string {
  const low = g.op('BitwiseAnd', [x, g.scalar(UINT32_MAX, 'int64')]);
  if (to === 'uint32') return cast(g, low, 'int64', 'uint32');
  const signed = g.op('Where', [g.op('Greater', [low, g.scalar(INT32_MAX, 'int64')]), g.op('Sub', [low, g.scalar(2 ** 32, 'int64')]), low]);
  return cast(g, signed, 'int64', to);
}

/** Interior padding of one axis: each element followed by `k` copies of the pad value, the last run dropped. */
export function interiorPad(g: GraphBuilder, x: string, shape: number[], axis: number, k: number, value: string): string {
  const n = shape[axis]!;
  if (n === 0) return x;
  const split = [...shape.slice(0, axis + 1), 1, ...shape.slice(axis + 1)];
  const rank = split.length, pads = new Array<number>(2 * rank).fill(0);
  const grown = [...split];
  pads[axis + 1 + rank] = k; grown[axis + 1] = 1 + k;
  const padded = g.op('Pad', [reshape(g, x, split), g.ints(pads), value]);
  const flat = [...shape]; flat[axis] = n * (1 + k);
  const merged = reshape(g, padded, flat);
  shape[axis] = n + (n - 1) * k;
  return g.op('Slice', [merged, g.ints([0]), g.ints([shape[axis]!]), g.ints([axis])]);
}
