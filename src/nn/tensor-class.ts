// The Tensor class as the operations see it: tensor.ts defines the class (its methods call ops.ts)
// and registers it here at load, so ops.ts makes and recognises tensors without importing tensor.ts.
import type { NDArray } from '../core/array.js';
import type { Tensor } from './tensor.js';

let TensorClass: (new (array: NDArray) => Tensor) | null = null;
export function registerTensorClass(c: new (array: NDArray) => Tensor): void { TensorClass = c; }

/** A new tensor (a leaf without grad) on a core array. */
export function tensorOf(array: NDArray): Tensor {
  if (!TensorClass) throw new Error('cotangent/torch: the Tensor class is not registered (import cotangent/torch through its index)');
  return new TensorClass(array);
}
export const isTensor = (v: unknown): v is Tensor => TensorClass !== null && v instanceof TensorClass;
