// torch.utils.data: TensorDataset and DataLoader (batches, shuffling from torch.manualSeed's
// generator, drop_last). A batch of a TensorDataset is taken with one gather per tensor.
import * as np from '../../core/np.js';
import { nextHostSeed } from '../rng.js';
import { Tensor } from '../tensor.js';

/** Anything indexable by position with a length (PyTorch's map-style Dataset). */
export interface Dataset<T> {
  /** The number of samples. */
  readonly length: number;
  /** The sample at `index`. */
  get(index: number): T;
}

/** Samples are the i-th rows of the tensors (all of one first dimension). */
export class TensorDataset implements Dataset<Tensor[]> {
  /** The tensors whose rows are the samples. */
  readonly tensors: readonly Tensor[];
  /** @param tensors Tensors of one first dimension. */
  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new TypeError('TensorDataset: expected at least one tensor');
    const n = tensors[0]!.shape[0];
    if (tensors.some((t) => t.ndim === 0 || t.shape[0] !== n)) throw new RangeError(`TensorDataset: size mismatch between tensors (first dimensions ${tensors.map((t) => t.shape[0] ?? 'scalar').join(', ')})`);
    this.tensors = tensors;
  }
  /** The number of samples. */
  get length(): number { return this.tensors[0]!.shape[0]!; }
  /** The i-th row of every tensor. */
  get(index: number): Tensor[] {
    if (!Number.isInteger(index) || index < -this.length || index >= this.length) throw new RangeError(`TensorDataset: index ${index} is out of range for ${this.length} samples`);
    return this.tensors.map((t) => t.index(index));
  }
  /** The rows at `indices` of every tensor, as one batch. */
  batch(indices: readonly number[]): Tensor[] {
    const idx = np.array(indices, { dtype: 'int32' });
    return this.tensors.map((t) => new Tensor(t.detach().numpy().get(idx)));
  }
}

/** Options of DataLoader, as PyTorch's keywords. */
export interface DataLoaderOptions {
  /** Samples per batch (1). */
  batchSize?: number;
  /** A new order every epoch, from torch.manualSeed's seed and a count of shuffles (drawn on the host, so reproducible on every backend). */
  shuffle?: boolean;
  /** Leave out the last batch when it is smaller than batchSize. */
  dropLast?: boolean;
}

/** Iterates over batches: arrays of stacked tensors (for a TensorDataset, one per tensor). */
export class DataLoader implements Iterable<Tensor[]> {
  /** Samples per batch. */
  readonly batchSize: number;
  /** Whether each epoch draws a new order. */
  readonly shuffle: boolean;
  /** Whether a last, smaller batch is left out. */
  readonly dropLast: boolean;
  /**
   * @param dataset The samples.
   * @param opts batchSize, shuffle, dropLast.
   *
   * @example
   * const loader = new torch.utils.data.DataLoader(new torch.utils.data.TensorDataset(x, y), { batchSize: 64, shuffle: true });
   * for (const [xb, yb] of loader) { ... }
   */
  constructor(readonly dataset: TensorDataset | Dataset<Tensor[]>, opts: DataLoaderOptions = {}) {
    this.batchSize = opts.batchSize ?? 1;
    if (!Number.isInteger(this.batchSize) || this.batchSize < 1) throw new RangeError(`DataLoader: batchSize should be a positive integer, got ${this.batchSize}`);
    this.shuffle = opts.shuffle ?? false;
    this.dropLast = opts.dropLast ?? false;
  }
  /** The number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }
  /** The batches of one epoch. */
  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const order = this.shuffle ? hostPermutation(n, nextHostSeed()) : Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (this.dropLast && indices.length < this.batchSize) break;
      const ds = this.dataset;
      if (ds instanceof TensorDataset) yield ds.batch(indices);
      else {
        const samples = indices.map((i) => ds.get(i));
        yield samples[0]!.map((_, k) => new Tensor(np.stack(samples.map((s) => s[k]!.detach().numpy()), 0)));
      }
    }
  }
}

/** Fisher–Yates with a seeded mulberry32 generator, on the host, so any backend can shuffle synchronously. */
function hostPermutation(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [order[i], order[j]] = [order[j]!, order[i]!]; }
  return order;
}
