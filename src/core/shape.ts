// Shapes: sizes, strides, broadcasting and axis normalisation, with errors that show the shapes.
import * as E from 'fp-ts/lib/Either.js';

export type Shape = readonly number[];

export const sizeOf = (shape: Shape): number => shape.reduce((a, b) => a * b, 1);

export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) { strides[i] = s; s *= shape[i]!; }
  return strides;
}

export const shapeEq = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
export const showShape = (s: Shape): string => `[${s.join(', ')}]`;

/** NumPy broadcasting of two shapes, or a message naming both. */
export function broadcastShapes(a: Shape, b: Shape): E.Either<string, Shape> {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1, db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      return E.left(`shapes ${showShape(a)} and ${showShape(b)} cannot be broadcast together (axis ${i - n}: ${da} vs ${db})`);
    }
    out[i] = da === 1 ? db : da;
  }
  return E.right(out);
}

/** Maps a possibly negative axis into [0, ndim), or says why it can't. */
export function normalizeAxis(axis: number, ndim: number): E.Either<string, number> {
  if (!Number.isInteger(axis)) return E.left(`axis ${axis} is not an integer`);
  if (axis < -ndim || axis >= ndim) return E.left(`axis ${axis} is out of bounds for an array of rank ${ndim}`);
  return E.right(axis < 0 ? axis + ndim : axis);
}
