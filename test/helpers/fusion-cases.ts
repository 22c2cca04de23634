// Programs whose movement ops (broadcasts, transposes, reshapes, iota) must fuse as index
// arithmetic; every compiler (CPU and WebGPU) checks its jit against eager on the same list.
import { np } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';

export type FusionCase = [name: string, f: (...xs: NDArray[]) => NDArray | NDArray[], args: NDArray[]];

/** x: a [6, 8] float32 array, b: an [8] one. */
export const movementFusionCases = (x: NDArray, b: NDArray): FusionCase[] => [
  ['bias row and transposed read', (p, q) => p.T.add(1).T.mul(q!), [x, b]],
  ['reshape of a transposed expression', (p) => p.T.mul(2).reshape([4, 12]).add(np.arange(12).astype('float32')), [x]],
  ['reshape that merges axes', (p) => p.reshape([2, 3, 8]).sum({ axis: 1 }).reshape([16]).exp(), [x]],
  ['one-hot via iota', (p) => np.equal(np.arange(8).reshape([1, 8]), p.argmax({ axis: 1 }).reshape([6, 1])).astype('float32'), [x]],
  ['argmax of a fused prologue', (p) => p.mul(p).sub(1).argmax({ axis: 1 }), [x]],
  ['integer chain', (p) => p.mul(1000).astype('int32').mul(7919).add(3).astype('uint32'), [x]],
  ['strided reduction with an int epilogue', (p) => p.astype('int32').sum({ axis: 0 }).mul(3), [x]],
];
