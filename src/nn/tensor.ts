// The Tensor: a mutable handle on an immutable core array, with PyTorch's autograd attributes
// (requiresGrad, grad, gradFn, isLeaf, version) and its in-place rules. Operations live in ops.ts.
//
// Storage model. A Tensor points at a Storage box holding the current array. In-place operations
// compute a new array and rebind the box, so every alias sharing the box sees the change: `.data`
// and `detach()` share it (as they share memory in PyTorch), and so does an nn.Parameter made from
// a tensor. `detach()` also shares the version counter, `.data` gets its own (PyTorch's rule: writes
// through `.data` are invisible to autograd). Reshaped views (view, t, index, ...) are new arrays:
// writing into one does not reach the tensor it came from, unlike PyTorch's strided views.
import { ConcreteArray, NDArray, NestedArray } from '../core/array.js';
import { ConcretizationError } from '../core/errors.js';
import { DType, isFloat, promoteTypes, weakKindOf } from '../core/dtype.js';
import * as np from '../core/np.js';
import * as random from '../core/random.js';
import * as tree from '../core/tree.js';
import { AccumulateGrad, BackwardNode, BackwardOptions, runBackward, RuntimeError } from './autograd.js';
import { formatTensor, formatTensorAsync } from './format.js';
import { isGradEnabled } from './grad-mode.js';
import * as ops from './ops.js';
import * as opsMore from './ops-more.js';
import type { ClampBounds, Dim, ShapeArgs, TensorIndex, TensorLike, ValuesIndices } from './ops.js';
import { nextKey } from './rng.js';
import { registerTensorClass } from './tensor-class.js';
import { moveArrayAsync, parseTo, ToOptions } from './device.js';

/** `to(other)` means other's device and dtype. */
const toTarget = (target: string | Tensor | ToOptions): string | ToOptions =>
  target instanceof Tensor ? { device: target.device === 'traced' ? undefined : target.device, dtype: target.dtype } : target;

let nextStorageId = 0;
/** The mutable box behind a tensor and its aliases. */
export class Storage {
  /** A unique id per storage (torch.compile tells tensors apart by it). */
  readonly id = nextStorageId++;
  /** @param array The array the tensors of this storage hold now (rebound by in-place ops). */
  constructor(public array: NDArray) {}
}
/** Storages created from now on have ids ≥ this (compile uses it to tell fresh tensors from old ones). */
export const storageWatermark = (): number => nextStorageId;

/** Called with each storage an in-place op is about to rebind (compile watches which tensors a step mutates). */
let mutationObserver: ((s: Storage) => void) | null = null;
export function observeMutations<T>(observer: (s: Storage) => void, fn: () => T): T {
  const previous = mutationObserver;
  mutationObserver = observer;
  try { return fn(); } finally { mutationObserver = previous; }
}

/**
 * Reading a traced tensor's value (under torch.compile, or a transform) is an error that says what
 * to write instead: branching in JS on a tensor would trace only one branch.
 */
function asTorchConcretization(e: unknown, op: string): unknown {
  if (!(e instanceof ConcretizationError)) return e;
  return new ConcretizationError(
    `${op} reads a tensor's value, but inside torch.compile (or a transform) tensors are traced and have no value yet, so a JS \`if\` on it would compile one branch only. ` +
      `Branch with torch.cond(pred, trueFn, falseFn, operands) (both branches are compiled, the predicate picks one at run time), or torch.where for an elementwise choice.`,
  );
}

/** The arguments of the legacy constructor `new Tensor(...)`: an array to wrap, data, or sizes. */
export type TensorData = NDArray | NestedArray | ArrayBufferView;

/**
 * PyTorch's `torch.Tensor`: a mutable handle on an immutable core array, with autograd attributes and in-place methods.
 *
 * @example
 * const x = torch.tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * console.log(x.grad!.toString()); // tensor([[2., 4.], [6., 8.]])
 */
export class Tensor {
  /** The storage box this tensor (and its aliases) reads and rebinds. */
  storage: Storage;
  /** The version counter shared with detached aliases (bumped by in-place changes). */
  versionCounter: {
    /** The count. */
    value: number;
  };
  /** The node that produced this tensor (null for leaves). */
  gradFn: BackwardNode | null = null;
  /** Which output of gradFn this tensor is. */
  outputNr = 0;
  #leafRequiresGrad = false;
  #grad: Tensor | null = null;
  #accumulator: AccumulateGrad | null = null;
  #retainsGrad = false;

  /**
   * `new Tensor(array)` wraps a core array; `new Tensor([[1, 2], [3, 4]])` copies data as float32
   * and `new Tensor(4, 6)` is a float32 tensor of that size (zeros: arrays are never uninitialised),
   * as PyTorch's legacy `torch.Tensor(...)`. Use `torch.tensor(data, {dtype, requiresGrad})` in new code.
   */
  constructor(data?: TensorData | number, ...sizes: number[]) {
    let array: NDArray;
    if (data instanceof NDArray) array = data;
    else if (data === undefined) array = np.zeros([0]);
    else if (typeof data === 'number') array = np.zeros([data, ...sizes]);
    else array = np.array(data as NestedArray, { dtype: ArrayBuffer.isView(data) ? undefined : 'float32' });
    this.storage = new Storage(array);
    this.versionCounter = { value: 0 };
  }

  // ---- the value --------------------------------------------------------------------------------
  /** The core array this tensor currently holds (the functional world's view of it). */
  get array(): NDArray { return this.storage.array; }
  /** The core array (PyTorch's `.numpy()`; shares the value, which is immutable). */
  numpy(): NDArray {
    if (this.requiresGrad) throw new RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    return this.array;
  }
  /** The shape, as PyTorch's `t.shape`. */
  get shape(): readonly number[] { return this.array.shape; }
  /** size() is the shape; size(dim) one of its entries. */
  size(): readonly number[];
  size(dim: number): number;
  size(dim?: number): readonly number[] | number {
    if (dim === undefined) return this.shape;
    const d = dim < 0 ? dim + this.ndim : dim;
    if (d < 0 || d >= this.ndim) throw new RuntimeError(`Dimension out of range (expected to be in range of [${-this.ndim}, ${this.ndim - 1}], but got ${dim})`);
    return this.shape[d]!;
  }
  /** The number of dimensions. */
  get ndim(): number { return this.array.ndim; }
  /** The number of dimensions (`t.dim()`). */
  dim(): number { return this.ndim; }
  /** The number of elements (`t.numel()`). */
  numel(): number { return this.array.size; }
  /** The dtype, as the core names it: torch.float32 is 'float32', torch.long is 'int32' (the table in creation.ts). */
  get dtype(): DType { return this.array.dtype; }
  /** The backend holding the values ('cpu', 'webgpu'), or 'traced' inside a transformation. */
  get device(): string { return this.array instanceof ConcreteArray ? this.array.device : 'traced'; }
  /** The version counter: how many in-place changes this tensor (or a detached alias) has seen. */
  get version(): number { return this.versionCounter.value; }

  /** The value of a one-element tensor, read on any backend (`await t.item()`). */
  async item(): Promise<number> { return this.checkOneElement('item').array.item().catch((e: unknown) => { throw asTorchConcretization(e, 'item()'); }); }
  /** The value of a one-element tensor, read synchronously (CPU tensors). */
  itemSync(): number {
    try { return this.checkOneElement('itemSync').array.itemSync(); } catch (e) { throw asTorchConcretization(e, 'itemSync() (or a comparison like `t > 0`)'); }
  }
  /** The values as nested JS arrays, read on any backend. */
  async tolist(): Promise<NestedArray> { return this.array.tolist(); }
  /** The values as nested JS arrays, read synchronously (CPU tensors). */
  tolistSync(): NestedArray { return this.array.tolistSync(); }
  private checkOneElement(op: string): Tensor {
    if (this.numel() !== 1) throw new RuntimeError(`a Tensor with ${this.numel()} elements cannot be converted to Scalar (${op})`);
    return this;
  }

  /** PyTorch's repr, read synchronously: values on the CPU; on WebGPU use `await t.format()`. */
  toString(): string { return formatTensor(this); }
  /** The repr on every backend (reads the values asynchronously). */
  format(): Promise<string> { return formatTensorAsync(this); }
  /** A line printed before the repr (nn.Parameter's "Parameter containing:"). */
  reprPrefix(): string { return ''; }
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
  /** `${t}` prints the tensor; numeric coercion (`+t`, `t > 0`) reads a one-element CPU tensor. */
  [Symbol.toPrimitive](hint: string): string | number { return hint === 'number' ? this.itemSync() : this.toString(); }

  // ---- autograd attributes ----------------------------------------------------------------------
  /** True for leaves created with requiresGrad and for every result computed from one with grad on. */
  /** Whether autograd records operations on this tensor. */
  get requiresGrad(): boolean { return this.gradFn !== null || this.#leafRequiresGrad; }
  /** Turns gradient recording on or off for a leaf (as `requiresGrad_`). */
  set requiresGrad(flag: boolean) { this.requiresGrad_(flag); }
  /** Turns gradient recording on or off for this leaf, in place; returns this tensor. */
  requiresGrad_(flag = true): this {
    if (this.gradFn !== null) {
      if (flag) return this;
      throw new RuntimeError('you can only change requires_grad flags of leaf variables. If you want to use a computed variable in a subgraph that doesn\'t require differentiation use varNoGrad = var.detach().');
    }
    if (flag && !isFloat(this.dtype)) throw new RuntimeError(`only Tensors of floating point dtype can require gradients (got ${this.dtype})`);
    this.#leafRequiresGrad = flag;
    return this;
  }
  /** A leaf: created by the user (or by an op that did not record), not by a recorded op. */
  get isLeaf(): boolean { return this.gradFn === null; }
  /** The accumulated gradient of a leaf (null until a backward reaches it). */
  /** The gradient accumulated by `backward()` (leaves, and non-leaves that called `retainGrad()`), or null. */
  get grad(): Tensor | null { return this.#grad; }
  /** Replaces the gradient (same shape and dtype) or clears it with null. */
  set grad(g: Tensor | null) {
    if (g !== null && !(g instanceof Tensor)) throw new TypeError(`assigned grad expected to be a Tensor or null, got ${typeof g}`);
    if (g && g.shape.join() !== this.shape.join()) throw new RuntimeError(`assigned grad has data of a different size: [${g.shape.join(', ')}] vs the tensor's [${this.shape.join(', ')}]`);
    if (g && g.dtype !== this.dtype) throw new RuntimeError(`assigned grad has data of a different type: ${g.dtype} vs the tensor's ${this.dtype}`);
    this.#grad = g;
  }
  /** Makes a non-leaf keep its `.grad` during backward. */
  retainGrad(): void {
    if (!this.requiresGrad) throw new RuntimeError("can't retain_grad on Tensor that has requires_grad=False");
    if (this.gradFn && !this.#retainsGrad) this.gradFn.retained.set(this.outputNr, this);
    this.#retainsGrad = true;
  }
  /** Whether this non-leaf keeps its `.grad` during backward. */
  get retainsGrad(): boolean { return this.#retainsGrad && this.gradFn !== null; }
  /** The leaf's AccumulateGrad node, one per tensor (PyTorch caches it too). */
  gradAccumulator(): AccumulateGrad {
    this.#accumulator ??= new AccumulateGrad(this);
    return this.#accumulator;
  }
  /** Adds a cotangent into `.grad`: a new tensor the first time, then in place (as PyTorch). */
  accumulateGrad(ct: NDArray): void {
    if (this.#grad === null) { this.#grad = new Tensor(ct); return; }
    this.#grad.rebind(np.add(this.#grad.array, ct));
  }

  /**
   * Backpropagates from this tensor: `.grad` of every leaf it depends on accumulates the gradient.
   * A tensor with more than one element needs the `gradient` to start from (PyTorch's rule).
   */
  backward(gradient?: Tensor | null | BackwardOptions, opts: BackwardOptions & { createGraph?: boolean } = {}): void {
    if (gradient !== undefined && gradient !== null && !(gradient instanceof Tensor)) return this.backward(null, gradient);
    if ((opts as { createGraph?: boolean }).createGraph) {
      throw new RuntimeError('backward: createGraph (higher-order gradients through the tape) is not supported; use the functional transforms (grad of grad, hessian) for higher derivatives');
    }
    if (!this.requiresGrad) throw new RuntimeError('element 0 of tensors does not require grad and does not have a grad_fn');
    let seed: NDArray;
    if (gradient) {
      if (gradient.shape.join() !== this.shape.join()) throw new RuntimeError(`Mismatch in shape: grad_output[0] has a shape of [${gradient.shape.join(', ')}] and output[0] has a shape of [${this.shape.join(', ')}].`);
      seed = np.astype(gradient.array, this.dtype);
    } else {
      if (this.numel() !== 1) throw new RuntimeError('grad can be implicitly created only for scalar outputs');
      seed = np.onesLike(this.array);
    }
    runBackward([this], [seed], opts);
  }

  /** The same storage and version counter, cut from the graph (no grad). */
  detach(): Tensor {
    const t = new Tensor(this.array);
    t.storage = this.storage;
    t.versionCounter = this.versionCounter;
    return t;
  }
  /** Cuts this tensor from the graph in place: it becomes a leaf that does not require grad. */
  detach_(): this {
    this.gradFn = null;
    this.#leafRequiresGrad = false;
    return this;
  }
  /** The same storage without history and with its own version counter (PyTorch's `.data`). */
  get data(): Tensor {
    const t = new Tensor(this.array);
    t.storage = this.storage;
    return t;
  }
  /** Replaces the value without autograd seeing it (PyTorch's `x.data = y`). */
  set data(value: Tensor) {
    mutationObserver?.(this.storage);
    this.storage.array = value.array;
  }

  // ---- in-place machinery -----------------------------------------------------------------------
  /** Points this tensor's storage at a new array of the same shape and dtype; bumps the version. */
  rebind(array: NDArray): void {
    mutationObserver?.(this.storage);
    this.storage.array = array;
    this.versionCounter.value++;
  }
  /** PyTorch refuses in-place changes to a leaf that requires grad while grad mode records. */
  private checkInPlace(op: string): void {
    if (isGradEnabled() && this.isLeaf && this.requiresGrad) {
      throw new RuntimeError(`a leaf Variable that requires grad is being used in an in-place operation (${op}). Wrap the update in torch.noGrad(() => ...) or change .data`);
    }
  }
  /**
   * Runs `op` on this tensor and commits the result into it: same shape (the other operand
   * broadcasts to this one, not the reverse), a dtype this one can hold, and the result's node
   * becomes this tensor's gradFn when the op was recorded.
   */
  private inPlace(op: string, compute: () => Tensor): this {
    this.checkInPlace(op);
    let result = compute();
    if (result.shape.join() !== this.shape.join()) {
      throw new RuntimeError(`${op}: output with shape [${this.shape.join(', ')}] doesn't match the broadcast shape [${result.shape.join(', ')}]`);
    }
    if (result.dtype !== this.dtype) {
      const joined = promoteTypes({ dtype: this.dtype, weakType: false }, { dtype: result.dtype, weakType: false });
      if (weakKindOf(joined.dtype) !== weakKindOf(this.dtype)) throw new RuntimeError(`${op}: result type ${result.dtype} can't be cast to the desired output type ${this.dtype}`);
      result = ops.to(result, this.dtype);
    }
    this.rebind(result.array);
    if (result.gradFn) {
      this.gradFn = result.gradFn;
      this.outputNr = result.outputNr;
      result.gradFn.rebindSaved(result, this);
    }
    return this;
  }

  /** In place: this += alpha·other. */
  add_(other: TensorLike, opts: { alpha?: number } = {}): this { return this.inPlace('add_', () => ops.add(this, other, opts.alpha)); }
  /** In place: this −= alpha·other. */
  sub_(other: TensorLike, opts: { alpha?: number } = {}): this { return this.inPlace('sub_', () => ops.sub(this, other, opts.alpha)); }
  /** In place: this *= other. */
  mul_(other: TensorLike): this { return this.inPlace('mul_', () => ops.mul(this, other)); }
  /** In place: this /= other. */
  div_(other: TensorLike): this { return this.inPlace('div_', () => ops.div(this, other)); }
  /** In place: this = this ** exponent. */
  pow_(exponent: TensorLike): this { return this.inPlace('pow_', () => ops.pow(this, exponent)); }
  /** In place: this = −this. */
  neg_(): this { return this.inPlace('neg_', () => ops.neg(this)); }
  /** In place: this = eˣ. */
  exp_(): this { return this.inPlace('exp_', () => ops.exp(this)); }
  /** In place: this = √this. */
  sqrt_(): this { return this.inPlace('sqrt_', () => ops.sqrt(this)); }
  /** In place: this = max(this, 0). */
  relu_(): this { return this.inPlace('relu_', () => ops.relu(this)); }
  /** In place: this = 1 / (1 + e⁻ˣ). */
  sigmoid_(): this { return this.inPlace('sigmoid_', () => ops.sigmoid(this)); }
  /** In place: this = tanh(this). */
  tanh_(): this { return this.inPlace('tanh_', () => ops.tanh(this)); }
  /** In place: clamps to [min, max] (either may be null). */
  clamp_(minOrBounds?: number | null | ClampBounds, max?: number | null): this { return this.inPlace('clamp_', () => ops.clamp(this, minOrBounds, max)); }
  /** In place: `value` where `mask` is true. */
  maskedFill_(mask: Tensor, value: TensorLike): this { return this.inPlace('maskedFill_', () => ops.maskedFill(this, mask, value)); }
  /** `x[index] = value` (PyTorch's `__setitem__` / `index_put_`). */
  indexPut_(index: readonly TensorIndex[], value: TensorLike): this { return this.inPlace('indexPut_', () => ops.indexPut(this, index, value)); }
  /** Every element set to `value`; the gradient to the old value is zero. */
  fill_(value: number | boolean): this { return this.inPlace('fill_', () => ops.run('FillBackward0', 'none', (a) => np.fullLike(a, value), [this])); }
  /** In place: fills with zeros. */
  zero_(): this { return this.inPlace('zero_', () => ops.run('ZeroBackward0', 'none', (a) => np.zerosLike(a), [this])); }
  /** The values of `src` (broadcast and cast to this tensor); the gradient flows to src. */
  copy_(src: TensorLike): this {
    const into = (a: NDArray, s: NDArray | number | boolean) => np.astype(np.broadcastTo(s, a.shape), a.dtype);
    if (src instanceof Tensor) return this.inPlace('copy_', () => ops.run('CopyBackwards', 'none', (a, s) => into(a, s), [this, src]));
    return this.inPlace('copy_', () => ops.run('CopyBackwards', 'none', (a) => into(a, src), [this]));
  }
  /** Integers uniform on [from, to) (or [0, to) with one argument), stored in this tensor's dtype. */
  random_(fromOrTo?: number, to?: number): this {
    const [lo, hi] = to === undefined ? [0, fromOrTo ?? 2 ** 24] : [fromOrTo ?? 0, to];
    checkIntRange('random_', lo, hi);
    return this.drawInPlace('random_', (key, shape) => random.randint(key, shape, lo, hi));
  }
  /** Samples uniform on [a, b). */
  uniform_(a = 0, b = 1): this { return this.drawInPlace('uniform_', (key, shape) => random.uniform(key, shape, { minval: a, maxval: b })); }
  /** Samples from N(mean, std²). */
  normal_(mean = 0, std = 1): this { return this.drawInPlace('normal_', (key, shape) => np.add(np.multiply(random.normal(key, shape), std), mean)); }
  private drawInPlace(op: string, draw: (key: NDArray, shape: readonly number[]) => NDArray): this {
    const key = nextKey();
    return this.inPlace(op, () => ops.run(`${op[0]!.toUpperCase()}${op.slice(1, -1)}Backward0`, 'none', (a) => np.astype(draw(key, a.shape), a.dtype), [this]));
  }

  // ---- operations (ops.ts) ------------------------------------------------------------------------
  /**
   * this + alpha·other (broadcasting).
   *
   * @example
   * const y = torch.ones(2, 3).add(torch.arange(3), { alpha: 2 });
   */
  add(other: TensorLike, opts: { alpha?: number } = {}): Tensor { return ops.add(this, other, opts.alpha); }
  /** this − alpha·other (broadcasting). */
  sub(other: TensorLike, opts: { alpha?: number } = {}): Tensor { return ops.sub(this, other, opts.alpha); }
  /** Elementwise product (broadcasting). */
  mul(other: TensorLike): Tensor { return ops.mul(this, other); }
  /** Elementwise true division (broadcasting). */
  div(other: TensorLike): Tensor { return ops.div(this, other); }
  /** this ** exponent, elementwise. */
  pow(exponent: TensorLike): Tensor { return ops.pow(this, exponent); }
  /** The remainder with the sign of the divisor (Python's %). */
  remainder(other: TensorLike): Tensor { return ops.remainder(this, other); }
  /** other − this (PyTorch's `rsub`, for `1 - x`). */
  rsub(other: TensorLike): Tensor { return ops.sub(other, this); }
  /** −this. */
  neg(): Tensor { return ops.neg(this); }
  /** eˣ, elementwise. */
  exp(): Tensor { return ops.exp(this); }
  /** The natural logarithm, elementwise. */
  log(): Tensor { return ops.log(this); }
  /** log(1 + x), accurate near 0. */
  log1p(): Tensor { return ops.log1p(this); }
  /** eˣ − 1, accurate near 0. */
  expm1(): Tensor { return ops.expm1(this); }
  /** The sine, elementwise. */
  sin(): Tensor { return ops.sin(this); }
  /** The cosine, elementwise. */
  cos(): Tensor { return ops.cos(this); }
  /** The tangent, elementwise. */
  tan(): Tensor { return ops.tan(this); }
  /** The hyperbolic tangent, elementwise. */
  tanh(): Tensor { return ops.tanh(this); }
  /** The logistic sigmoid 1 / (1 + e⁻ˣ). */
  sigmoid(): Tensor { return ops.sigmoid(this); }
  /** max(x, 0). */
  relu(): Tensor { return ops.relu(this); }
  /** The square root, elementwise. */
  sqrt(): Tensor { return ops.sqrt(this); }
  /** The absolute value, elementwise. */
  abs(): Tensor { return ops.abs(this); }
  /** The sign (−1, 0 or 1), elementwise. */
  sign(): Tensor { return ops.sign(this); }
  /** x², elementwise. */
  square(): Tensor { return ops.square(this); }
  /** The elementwise maximum with `other`. */
  maximum(other: TensorLike): Tensor { return ops.maximum(this, other); }
  /** The elementwise minimum with `other`. */
  minimum(other: TensorLike): Tensor { return ops.minimum(this, other); }
  /** clamp({min: 0}) for PyTorch's `clamp(min=0)`; clamp(lo, hi) positionally. */
  clamp(minOrBounds?: number | null | ClampBounds, max?: number | null): Tensor { return ops.clamp(this, minOrBounds, max); }
  /** Clamps to [min, max] (`clip` is PyTorch's alias of `clamp`). */
  clip(minOrBounds?: number | null | ClampBounds, max?: number | null): Tensor { return ops.clamp(this, minOrBounds, max); }
  /** The matrix product of two 2-d tensors. */
  mm(other: Tensor): Tensor { return ops.mm(this, other); }
  /** The matrix product with NumPy's broadcasting rules (batched, 1-d operands promoted). */
  matmul(other: Tensor): Tensor { return ops.matmul(this, other); }
  /** Softmax along `dim`. */
  softmax(dim: number): Tensor { return ops.softmax(this, dim); }
  /** log(softmax) along `dim`, computed stably. */
  logSoftmax(dim: number): Tensor { return ops.logSoftmax(this, dim); }
  /** Cumulative sum along `dim`. */
  cumsum(dim: number): Tensor { return opsMore.cumsum(this, dim); }
  /** Cumulative product along `dim`. */
  cumprod(dim: number): Tensor { return opsMore.cumprod(this, dim); }

  /**
   * The sum over `dim` (all dimensions by default).
   *
   * @example
   * const rows = torch.ones(2, 3).sum(1); // tensor([3., 3.])
   */
  sum(dim?: Dim | null, keepdim = false): Tensor { return ops.sum(this, dim, keepdim); }
  /** The mean over `dim` (all dimensions by default). */
  mean(dim?: Dim | null, keepdim = false): Tensor { return ops.mean(this, dim, keepdim); }
  /** The product over `dim` (all elements by default). */
  prod(dim?: number, keepdim = false): Tensor { return ops.prod(this, dim, keepdim); }
  /** The variance over `dim` (correction 1 by default: Bessel's). */
  var(dim?: Dim | null, opts?: { correction?: number; keepdim?: boolean }): Tensor { return ops.variance(this, dim, opts); }
  /** The standard deviation over `dim` (correction 1 by default). */
  std(dim?: Dim | null, opts?: { correction?: number; keepdim?: boolean }): Tensor { return ops.std(this, dim, opts); }
  /** max() is the largest element; max(dim) gives {values, indices}; max(tensor) is the elementwise maximum. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): ValuesIndices;
  max(other: Tensor): Tensor;
  max(dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
    return dimOrOther instanceof Tensor ? ops.maximum(this, dimOrOther) : ops.max(this, dimOrOther, keepdim);
  }
  /** The smallest element. */
  min(): Tensor;
  /** The smallest elements along `dim` with their indices (`{ values, indices }`). */
  min(dim: number, keepdim?: boolean): ValuesIndices;
  /** The elementwise minimum with `other`. */
  min(other: Tensor): Tensor;
  /** min(), min(dim, keepdim) or min(other), as PyTorch's overloads. */
  min(dimOrOther?: number | Tensor, keepdim = false): Tensor | ValuesIndices {
    return dimOrOther instanceof Tensor ? ops.minimum(this, dimOrOther) : ops.min(this, dimOrOther, keepdim);
  }
  /** The index of the largest element (flattened), or along `dim`. */
  argmax(dim?: number, keepdim = false): Tensor { return ops.argmax(this, dim, keepdim); }
  /** The index of the smallest element (flattened), or along `dim`. */
  argmin(dim?: number, keepdim = false): Tensor { return ops.argmin(this, dim, keepdim); }

  /** this < other, elementwise (a bool tensor). */
  lt(other: TensorLike): Tensor { return ops.lt(this, other); }
  /** this ≤ other, elementwise. */
  le(other: TensorLike): Tensor { return ops.le(this, other); }
  /** this > other, elementwise. */
  gt(other: TensorLike): Tensor { return ops.gt(this, other); }
  /** this ≥ other, elementwise. */
  ge(other: TensorLike): Tensor { return ops.ge(this, other); }
  /** this == other, elementwise. */
  eq(other: TensorLike): Tensor { return ops.eq(this, other); }
  /** this != other, elementwise. */
  ne(other: TensorLike): Tensor { return ops.ne(this, other); }
  /** Logical not, elementwise. */
  logicalNot(): Tensor { return ops.logicalNot(this); }
  /** Whether all elements are close: |a − b| ≤ atol + rtol·|b|. */
  allclose(other: TensorLike, rtol?: number, atol?: number): boolean { return ops.allclose(this, other, rtol, atol); }
  /** Whether both tensors have the same shape and elements. */
  equal(other: Tensor): boolean { return ops.equal(this, other); }

  /** The tensor with a new shape (a copy here: views do not alias; one size may be −1). */
  view(...shape: ShapeArgs): Tensor { return ops.view(this, shape); }
  /** The tensor with a new shape (one size may be −1). */
  reshape(...shape: ShapeArgs): Tensor { return ops.reshape(this, shape); }
  /** The tensor with `other`'s shape. */
  viewAs(other: Tensor): Tensor { return ops.view(this, [other.shape]); }
  /** The transpose of a tensor of at most 2 dimensions. */
  t(): Tensor { return ops.t(this); }
  /** All dimensions reversed. */
  get T(): Tensor { return ops.permute(this, [[...this.shape.keys()].reverse()]); }
  /** Dimensions `dim0` and `dim1` swapped. */
  transpose(dim0: number, dim1: number): Tensor { return ops.transpose(this, dim0, dim1); }
  /** The dimensions reordered. */
  permute(...dims: ShapeArgs): Tensor { return ops.permute(this, dims); }
  /** A size-1 dimension inserted at `dim`. */
  unsqueeze(dim: number): Tensor { return ops.unsqueeze(this, dim); }
  /** Size-1 dimensions removed (only `dim` when given). */
  squeeze(dim?: number): Tensor { return ops.squeeze(this, dim); }
  /** Dimensions `startDim`..`endDim` merged into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return ops.flatten(this, startDim, endDim); }
  /** Broadcast to `sizes` (−1 keeps a size). */
  expand(...sizes: ShapeArgs): Tensor { return ops.expand(this, sizes); }
  /** Broadcast to `other`'s shape. */
  expandAs(other: Tensor): Tensor { return ops.expand(this, [other.shape]); }
  /** Arrays are always contiguous: the tensor itself. */
  contiguous(): Tensor { return this; }

  /** A copy, recorded for autograd. */
  clone(): Tensor { return ops.clone(this); }
  /**
   * This tensor on another device and/or in another dtype, as PyTorch's `.to`: `t.to('cuda')`
   * (WebGPU), `t.to('cpu')`, `t.to('float64')`, `t.to('cuda', 'float64')`, `t.to(other)` (other's
   * device and dtype), `t.to({ device, dtype })`. Returns this tensor when nothing changes; the
   * gradient flows back to the source device. Moving from WebGPU to the CPU reads back, which is
   * asynchronous: use `await t.toAsync('cpu')`.
   *
   * @example
   * const device = (await torch.cuda.isAvailable()) ? 'cuda' : 'cpu';
   * const x = torch.randn(64, 10).to(device);
   */
  to(target: string | Tensor | ToOptions, dtype?: DType): Tensor {
    const { backend, dtype: dt } = parseTo('Tensor.to', toTarget(target), dtype);
    const moved = backend === undefined ? this : ops.toDevice('Tensor.to', this, backend, `await t.toAsync('${backend}')`);
    return dt === undefined ? moved : ops.to(moved, dt);
  }
  /** `to` from any device: awaits WebGPU's read-back when moving to the CPU. Not recorded for autograd across a read-back. */
  async toAsync(target: string | Tensor | ToOptions, dtype?: DType): Promise<Tensor> {
    const { backend, dtype: dt } = parseTo('Tensor.toAsync', toTarget(target), dtype);
    let moved: Tensor = this;
    if (backend !== undefined && this.device !== 'traced' && this.device !== backend) {
      moved = this.device === 'webgpu' ? new Tensor(await moveArrayAsync('Tensor.toAsync', this.array, backend)) : ops.toDevice('Tensor.toAsync', this, backend, '');
    }
    return dt === undefined ? moved : ops.to(moved, dt);
  }
  /** `to('cpu')`. */
  cpu(): Tensor { return this.to('cpu'); }
  /** `to('cuda')`: WebGPU (after `await torch.cuda.isAvailable()`). */
  cuda(device: string | number = 'cuda'): Tensor { return this.to(typeof device === 'number' ? `cuda:${device}` : device); }
  /** In another dtype (`t.type(torch.float64)`). */
  type(dtype: DType): Tensor { return ops.to(this, dtype); }
  /** As float32. */
  float(): Tensor { return ops.to(this, 'float32'); }
  /** As float64. */
  double(): Tensor { return ops.to(this, 'float64'); }
  /** int64 in PyTorch; int32 here (torch.long is stored as int32). */
  long(): Tensor { return ops.to(this, 'int32'); }
  /** As int32. */
  int(): Tensor { return ops.to(this, 'int32'); }
  /** As bool. */
  bool(): Tensor { return ops.to(this, 'bool'); }
  /** As float16. */
  half(): Tensor { return ops.to(this, 'float16'); }
  /** As int16. */
  short(): Tensor { return ops.to(this, 'int16'); }
  /** int8, PyTorch's `char`. */
  char(): Tensor { return ops.to(this, 'int8'); }
  /** As uint8. */
  byte(): Tensor { return ops.to(this, 'uint8'); }

  /** `x[i, ...]` as `x.index(i, ...)`: `x.index(0)`, `x.index(-1)`, `x.index(':', 2)`, `x.index(mask)`. */
  index(...idx: TensorIndex[]): Tensor { return ops.index(this, idx); }
  /** A copy with `value` where `mask` is true. */
  maskedFill(mask: Tensor, value: TensorLike): Tensor { return ops.maskedFill(this, mask, value); }
  /** A copy with `value` written at `index` (PyTorch's `x[index] = value` out of place). */
  indexPut(index: readonly TensorIndex[], value: TensorLike): Tensor { return ops.indexPut(this, index, value); }
}
registerTensorClass(Tensor);

/** Tensors are pytree nodes over their array, so transforms and jit can take and return them. */
tree.registerPytreeNode(
  Tensor,
  (t) => [[t.array], t.requiresGrad && t.isLeaf],
  (requiresGrad, [array]) => {
    const t = new Tensor(array as NDArray);
    if (requiresGrad && isFloat(t.dtype)) t.requiresGrad_(true);
    return t;
  },
);

/** PyTorch's check of an integer range [from, to): a RuntimeError when it is empty. */
export function checkIntRange(op: string, from: number, to: number): void {
  if (!Number.isInteger(from) || !Number.isInteger(to)) throw new TypeError(`${op}: expected integer bounds, got from=${from}, to=${to}`);
  if (from >= to) throw new RuntimeError(`${op}: expects 'from' to be less than 'to', but got from=${from} >= to=${to}`);
}
