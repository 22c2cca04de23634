// Strided views for both backends' copy kernels: the axes of a copy, simplified, and reversed views.
import { Shape, stridesOf } from '../core/shape.js';

/**
 * The copy of `shape` elements from strides `sStrides` to `dStrides`, as the fewest axes: size-1
 * axes dropped, and axis k merged into the kept axis before it when stepping that one is the same
 * as stepping k `size` times, on both sides (a contiguous run is then one axis). A zero-size axis
 * is kept, so an empty copy stays empty.
 */
export function mergeCopyAxes(
  shape: readonly number[], dStrides: readonly number[], sStrides: readonly number[],
): { n: number[]; ds: number[]; ss: number[] } {
  const n: number[] = [], ds: number[] = [], ss: number[] = [];
  for (let k = 0; k < shape.length; k++) {
    const size = shape[k]!;
    if (size === 1) continue;
    const last = n.length - 1;
    if (last >= 0 && ss[last] === sStrides[k]! * size && ds[last] === dStrides[k]! * size) {
      n[last] = n[last]! * size; ss[last] = sStrides[k]!; ds[last] = dStrides[k]!;
    } else {
      n.push(size); ds.push(dStrides[k]!); ss.push(sStrides[k]!);
    }
  }
  return { n, ds, ss };
}

/** The row-major view of `shape` with `dimensions` reversed: each starts at its last element and steps back. */
export function reversedView(shape: Shape, dimensions: readonly number[]): { offset: number; strides: number[] } {
  let offset = 0;
  const strides = stridesOf(shape).map((s, k) => {
    if (!dimensions.includes(k)) return s;
    offset += (shape[k]! - 1) * s;
    return -s;
  });
  return { offset, strides };
}
