// Tensor operations: each is an `np` function run through the tape (autograd.ts) under PyTorch's
// name for its backward node. No derivative is written here: `record` gets them from `vjp`.
import { ArrayLike, NDArray } from '../core/array.js';
import { DType, isFloat } from '../core/dtype.js';
import type { Index } from '../core/indexing.js';
import * as np from '../core/np.js';
import { ShapeError } from '../core/errors.js';
import { BackwardNode, record, recordWithPullback, RuntimeError, Saves } from './autograd.js';
import { moveArray } from './device.js';
import type { Tensor } from './tensor.js';
import { isTensor, tensorOf } from './tensor-class.js';

/** What tensor operations accept as operands: Tensors, core arrays (constants), JS numbers and booleans. */
export type TensorLike = Tensor | NDArray | number | boolean;
/** An index position: core's spellings (see `np.getItem`), or an integer/bool Tensor. */
export type TensorIndex = Index | Tensor;
/** A dimension argument: one axis or several (negative counts from the end). */
export type Dim = number | readonly number[];

/** A result tensor on `array`, attached to `node` (output `nr`) when the op was recorded. */
export function resultTensor(array: NDArray, node: BackwardNode | null, nr = 0, saves: Saves = 'none'): Tensor {
  const t = tensorOf(array);
  // Integer and bool results carry no gradient (PyTorch: only floating tensors require grad).
  if (node && isFloat(array.dtype)) {
    t.gradFn = node;
    t.outputNr = nr;
    if (saves === 'output' || saves === 'all') node.save(t, true);
  }
  return t;
}

/** Runs a single-output `f` over the tensors' arrays, recording it when an input requires grad. */
export function run(name: string, saves: Saves, f: (...xs: NDArray[]) => NDArray, inputs: readonly Tensor[]): Tensor {
  const { outputs, node } = record(name, saves, f, inputs);
  return resultTensor(outputs[0]!, node, 0, saves);
}

/** The array behind an operand: a Tensor's array as a constant, or the value itself. */
const constantOf = (v: TensorLike): ArrayLike => (isTensor(v) ? v.array : v);

/**
 * A binary op over Tensors and constants. Only Tensor operands are inputs of the node; with one
 * Tensor operand the node is `scalarName` and saves `scalarSaves` (PyTorch saves nothing for
 * `x * 2`, but both operands for `x * y`).
 */
function binary(name: string, saves: Saves, f: (a: ArrayLike, b: ArrayLike) => NDArray, scalarName = name, scalarSaves: Saves = saves) {
  return (a: TensorLike, b: TensorLike): Tensor => {
    if (isTensor(a) && isTensor(b)) return run(name, saves, (x, y) => f(x, y), [a, b]);
    if (isTensor(a)) return run(scalarName, scalarSaves, (x) => f(x, constantOf(b)), [a]);
    if (isTensor(b)) return run(scalarName, scalarSaves, (y) => f(constantOf(a), y), [b]);
    return tensorOf(np.asarray(f(a, b)));
  };
}
const unary = (name: string, saves: Saves, f: (x: NDArray) => NDArray) => (x: Tensor): Tensor => run(name, saves, f, [x]);

// ---- arithmetic ---------------------------------------------------------------------------------
const addOp = binary('AddBackward0', 'none', np.add);
const subOp = binary('SubBackward0', 'none', np.subtract);
/** a + alpha·b (PyTorch's `add(other, alpha=...)`). */
export const add = (a: TensorLike, b: TensorLike, alpha = 1): Tensor => (alpha === 1 ? addOp(a, b) : addOp(a, scaled(b, alpha)));
/** a − alpha·b. */
export const sub = (a: TensorLike, b: TensorLike, alpha = 1): Tensor => (alpha === 1 ? subOp(a, b) : subOp(a, scaled(b, alpha)));
const scaled = (b: TensorLike, alpha: number): TensorLike => (isTensor(b) ? mul(b, alpha) : np.multiply(constantOf(b), alpha));
/** a · b elementwise, recorded as MulBackward0. */
export const mul = binary('MulBackward0', 'inputs', np.multiply, 'MulBackward0', 'none');
/** a / b elementwise (true division), recorded as DivBackward0. */
export const div = binary('DivBackward0', 'inputs', np.divide, 'DivBackward0', 'none');
/** Tensor exponents save the result too (PowBackward1); a number exponent saves the base (PowBackward0). */
export const pow = binary('PowBackward1', 'all', np.power, 'PowBackward0', 'inputs');
/** The elementwise maximum. */
export const maximum = binary('MaximumBackward0', 'inputs', np.maximum);
/** The elementwise minimum. */
export const minimum = binary('MinimumBackward0', 'inputs', np.minimum);
/** The remainder with the divisor's sign (Python's %). */
export const remainder = binary('RemainderBackward0', 'inputs', np.mod);

/** −x. */
export const neg = unary('NegBackward0', 'none', np.negative);
/** eˣ. */
export const exp = unary('ExpBackward0', 'output', np.exp);
/** The natural logarithm. */
export const log = unary('LogBackward0', 'inputs', np.log);
/** log(1 + x). */
export const log1p = unary('Log1PBackward0', 'inputs', np.log1p);
/** eˣ − 1. */
export const expm1 = unary('Expm1Backward0', 'output', np.expm1);
/** The sine. */
export const sin = unary('SinBackward0', 'inputs', np.sin);
/** The cosine. */
export const cos = unary('CosBackward0', 'inputs', np.cos);
/** The tangent. */
export const tan = unary('TanBackward0', 'output', np.tan);
/** The hyperbolic tangent. */
export const tanh = unary('TanhBackward0', 'output', np.tanh);
/** The logistic sigmoid. */
export const sigmoid = unary('SigmoidBackward0', 'output', np.sigmoid);
/** The square root. */
export const sqrt = unary('SqrtBackward0', 'output', np.sqrt);
/** The absolute value. */
export const abs = unary('AbsBackward0', 'inputs', np.abs);
/** The sign (−1, 0, 1). */
export const sign = unary('SignBackward0', 'none', np.sign);
/** x². */
export const square = (x: Tensor): Tensor => pow(x, 2);
// PyTorch's subgradients, from selects rather than max/min (whose JVP splits ties evenly): relu
// passes the gradient only where x > 0, clamp where min ≤ x ≤ max; NaN passes through both.
/** max(x, 0) (NaN stays NaN). */
export const relu = unary('ReluBackward0', 'output', (x) => np.where(np.logicalOr(x.gt(0), np.isnan(x)), x, 0));

/** Bounds of `clamp`: either may be missing or null (unbounded). */
export interface ClampBounds {
  /** The lower bound. */
  min?: number | null;
  /** The upper bound. */
  max?: number | null;
}
/** clamp({min, max}) or clamp(min, max): x limited to [min, max]; at least one bound. */
export function clamp(x: Tensor, minOrBounds?: number | null | ClampBounds, maxBound?: number | null): Tensor {
  const { min = null, max = null } = typeof minOrBounds === 'object' && minOrBounds !== null ? minOrBounds : { min: minOrBounds ?? null, max: maxBound ?? null };
  if (min === null && max === null) throw new RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None");
  const name = max === null ? 'ClampMinBackward0' : min === null ? 'ClampMaxBackward0' : 'ClampBackward1';
  return run(name, 'inputs', (a) => {
    const low = min === null ? a : np.where(a.lt(min), min, a);
    return max === null ? low : np.where(a.gt(max), max, low);
  }, [x]);
}

// ---- matrix products ----------------------------------------------------------------------------
/** The product of two 2-d tensors (torch.mm). */
export function mm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2) throw new RuntimeError(`self must be a matrix (mm), got a ${a.ndim}-D tensor`);
  if (b.ndim !== 2) throw new RuntimeError(`mat2 must be a matrix (mm), got a ${b.ndim}-D tensor`);
  if (a.shape[1] !== b.shape[0]) throw new RuntimeError(`mat1 and mat2 shapes cannot be multiplied (${a.shape.join('x')} and ${b.shape.join('x')})`);
  return run('MmBackward0', 'inputs', np.matmul, [a, b]);
}
/**
 * `a @ b` with NumPy's broadcasting of batch axes; the node is named as PyTorch's dispatch would.
 *
 * @example
 * const y = torch.matmul(torch.randn(8, 3, 4), torch.randn(4, 5)); // [8, 3, 5]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const name = a.ndim === 2 && b.ndim === 2 ? 'MmBackward0' : a.ndim === 1 && b.ndim === 1 ? 'DotBackward0' : a.ndim === 2 && b.ndim === 1 ? 'MvBackward0' : 'BmmBackward0';
  return run(name, 'inputs', np.matmul, [a, b]);
}

// ---- reductions ---------------------------------------------------------------------------------
const axisOpts = (dim: Dim | null | undefined, keepdim: boolean) => ({ axis: dim ?? null, keepdims: keepdim });
/** sum(), sum(dim, keepdim): SumBackward0 over everything, SumBackward1 over dims. */
export const sum = (x: Tensor, dim?: Dim | null, keepdim = false): Tensor =>
  run(dim === undefined || dim === null ? 'SumBackward0' : 'SumBackward1', 'none', (a) => np.sum(a, axisOpts(dim, keepdim)), [x]);
/** The mean over `dim` (all elements by default). */
export const mean = (x: Tensor, dim?: Dim | null, keepdim = false): Tensor => {
  if (!isFloat(x.dtype)) throw new RuntimeError(`mean(): could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  return run(dim === undefined || dim === null ? 'MeanBackward0' : 'MeanBackward1', 'none', (a) => np.mean(a, axisOpts(dim, keepdim)), [x]);
};
/** The product over `dim` (all elements by default). */
export const prod = (x: Tensor, dim?: number, keepdim = false): Tensor =>
  run(dim === undefined ? 'ProdBackward0' : 'ProdBackward1', 'all', (a) => np.prod(a, axisOpts(dim, keepdim)), [x]);
/** Variance with Bessel's correction by default (PyTorch's `correction=1`). */
export const variance = (x: Tensor, dim?: Dim | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor =>
  run('VarBackward0', 'inputs', (a) => np.variance(a, { axis: dim ?? null, keepdims: opts.keepdim ?? false, ddof: opts.correction ?? 1 }), [x]);
/** The standard deviation over `dim` (correction 1 by default). */
export const std = (x: Tensor, dim?: Dim | null, opts: { correction?: number; keepdim?: boolean } = {}): Tensor =>
  run('StdBackward0', 'all', (a) => np.std(a, { axis: dim ?? null, keepdims: opts.keepdim ?? false, ddof: opts.correction ?? 1 }), [x]);

/** PyTorch's `(values, indices)` result of max(dim) / min(dim). */
/** What min/max along a dimension return: the values and their indices. */
export interface ValuesIndices {
  /** The extreme values. */
  readonly values: Tensor;
  /** Where they are along the dimension. */
  readonly indices: Tensor;
}

function extremum(kind: 'max' | 'min', x: Tensor, dim: number | undefined, keepdim: boolean): Tensor | ValuesIndices {
  const name = kind === 'max' ? 'Max' : 'Min';
  const reduce = kind === 'max' ? np.max : np.min;
  if (dim === undefined) return run(`${name}Backward1`, 'all', (a) => reduce(a), [x]);
  const values = run(`${name}Backward0`, 'none', (a) => reduce(a, { axis: dim, keepdims: keepdim }), [x]);
  const indices = tensorOf((kind === 'max' ? np.argmax : np.argmin)(x.array, { axis: dim, keepdims: keepdim }));
  return { values, indices };
}
/** max(x) is the largest element; max(x, dim) gives {values, indices} along dim. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices { return extremum('max', x, dim, keepdim); }
/** The smallest element. */
export function min(x: Tensor): Tensor;
/** The smallest elements along `dim` and their indices. */
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
/** The smallest element, or along `dim` with indices. */
export function min(x: Tensor, dim?: number, keepdim?: boolean): Tensor | ValuesIndices;
/** The smallest element, or along `dim` with indices (as torch.min). */
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices { return extremum('min', x, dim, keepdim); }
/** The index of the largest element (flattened), or along `dim`. */
export const argmax = (x: Tensor, dim?: number, keepdim = false): Tensor => tensorOf(np.argmax(x.array, { axis: dim ?? null, keepdims: keepdim }));
/** The index of the smallest element (flattened), or along `dim`. */
export const argmin = (x: Tensor, dim?: number, keepdim = false): Tensor => tensorOf(np.argmin(x.array, { axis: dim ?? null, keepdims: keepdim }));

// ---- comparisons (bool results, never recorded) ------------------------------------------------
const compare = (f: (a: ArrayLike, b: ArrayLike) => NDArray) => (a: TensorLike, b: TensorLike): Tensor => tensorOf(np.asarray(f(constantOf(a), constantOf(b))));
/** x < y, elementwise (a bool tensor). */
export const lt = compare(np.less);
/** x ≤ y, elementwise. */
export const le = compare(np.lessEqual);
/** x > y, elementwise. */
export const gt = compare(np.greater);
/** x ≥ y, elementwise. */
export const ge = compare(np.greaterEqual);
/** x == y, elementwise. */
export const eq = compare(np.equal);
/** x != y, elementwise. */
export const ne = compare(np.notEqual);
/** Logical not. */
export const logicalNot = (x: Tensor): Tensor => tensorOf(np.logicalNot(x.array));
/** Whether each element is NaN. */
export const isnan = (x: Tensor): Tensor => tensorOf(np.isnan(x.array));
/** True when every element is close (PyTorch's defaults rtol 1e-5, atol 1e-8). */
export const allclose = (a: Tensor, b: TensorLike, rtol = 1e-5, atol = 1e-8): boolean => np.allclose(a.array, constantOf(b), { rtol, atol });
/** True when shapes and values are equal. */
export const equal = (a: Tensor, b: Tensor): boolean =>
  a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]) && np.all(np.equal(a.array, b.array)).itemSync() === 1;

// ---- shapes -------------------------------------------------------------------------------------
/** A shape given as separate numbers or one list: view(2, 8), view([2, 8]), view(-1). */
export type ShapeArgs = readonly (number | readonly number[])[];
export const shapeFrom = (args: ShapeArgs): number[] => args.flatMap((a) => (typeof a === 'number' ? [a] : [...a]));

const normDim = (d: number, ndim: number, op: string): number => {
  if (!Number.isInteger(d) || d < -Math.max(ndim, 1) || d >= Math.max(ndim, 1)) {
    throw new RuntimeError(`${op}: Dimension out of range (expected to be in range of [${-Math.max(ndim, 1)}, ${Math.max(ndim, 1) - 1}], but got ${d})`);
  }
  return d < 0 ? d + Math.max(ndim, 1) : d;
};

/** x with a new shape (one size may be −1); a copy, not an aliasing view. */
export function view(x: Tensor, shape: ShapeArgs): Tensor {
  const s = shapeFrom(shape);
  // PyTorch's check and words, so the error names view/reshape rather than the core's np.reshape.
  const known = s.filter((d) => d !== -1).reduce((p, q) => p * q, 1);
  const inferred = s.filter((d) => d === -1).length;
  if (s.some((d) => !Number.isInteger(d) || d < -1) || inferred > 1 || (inferred === 0 ? known !== x.numel() : known === 0 || x.numel() % known !== 0)) {
    throw new RuntimeError(`view: shape '[${s.join(', ')}]' is invalid for input of size ${x.numel()}`);
  }
  return run('ViewBackward0', 'none', (a) => np.reshape(a, s), [x]);
}
/** The same as view. */
export const reshape = view;
/** The 2-D transpose (identity on 0-D and 1-D), as PyTorch's t(). */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new RuntimeError(`t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return run('TBackward0', 'none', (a) => np.transpose(a), [x]);
}
/** x with dim0 and dim1 swapped. */
export const transpose = (x: Tensor, dim0: number, dim1: number): Tensor =>
  run('TransposeBackward0', 'none', (a) => np.swapaxes(a, normDim(dim0, x.ndim, 'transpose'), normDim(dim1, x.ndim, 'transpose')), [x]);
/** x with its dimensions reordered. */
export const permute = (x: Tensor, dims: ShapeArgs): Tensor => run('PermuteBackward0', 'none', (a) => np.transpose(a, shapeFrom(dims).map((d) => normDim(d, x.ndim, 'permute'))), [x]);
/** A size-1 axis at `dim` of the result (so −1 appends one, as in PyTorch). */
export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normDim(dim, x.ndim + 1, 'unsqueeze');
  return run('UnsqueezeBackward0', 'none', (a) => np.expandDims(a, d), [x]);
}
/** Removes size-1 axes: all of them, or `dim` when it has size 1 (other sizes are left alone, as in PyTorch). */
export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return run('SqueezeBackward0', 'none', (a) => np.squeeze(a), [x]);
  const d = normDim(dim, x.ndim, 'squeeze');
  return run('SqueezeBackward1', 'none', (a) => (a.shape[d] === 1 ? np.squeeze(a, d) : a), [x]);
}
/** Merges axes startDim..endDim (inclusive) into one. */
export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return view(x, [1]);
  const s = normDim(startDim, x.ndim, 'flatten'), e = normDim(endDim, x.ndim, 'flatten');
  if (s > e) throw new RuntimeError('flatten() has invalid args: start_dim cannot come after end_dim');
  const merged = x.shape.slice(s, e + 1).reduce((p, q) => p * q, 1);
  return view(x, [[...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]]);
}
/** Broadcasts size-1 axes to `sizes` (−1 keeps an axis). */
export function expand(x: Tensor, sizes: ShapeArgs): Tensor {
  const s = shapeFrom(sizes);
  const target = s.map((d, i) => (d === -1 ? x.shape[i - (s.length - x.ndim)]! : d));
  const lead = target.length - x.ndim;
  if (lead < 0) throw new RuntimeError(`expand: the number of sizes provided (${target.length}) must be greater or equal to the number of dimensions in the tensor (${x.ndim})`);
  x.shape.forEach((d, i) => {
    if (d !== 1 && d !== target[i + lead]) {
      throw new RuntimeError(`expand: the expanded size of the tensor (${target[i + lead]}) must match the existing size (${d}) at non-singleton dimension ${i + lead}. Target sizes: [${target.join(', ')}]. Tensor sizes: [${x.shape.join(', ')}]`);
    }
  });
  return run('ExpandBackward0', 'none', (a) => np.broadcastTo(a, target), [x]);
}
/**
 * Concatenation along `dim` (torch.cat).
 *
 * @example
 * const ab = torch.cat([torch.ones(2, 3), torch.zeros(1, 3)]); // [3, 3]
 */
export function cat(xs: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new RuntimeError('torch.cat(): expected a non-empty list of Tensors');
  const first = xs[0]!;
  const d = normDim(dim, first.ndim, 'torch.cat()');
  xs.forEach((x, k) => {
    if (x.ndim !== first.ndim) throw new RuntimeError(`torch.cat(): Tensors must have same number of dimensions: got ${first.ndim} and ${x.ndim} (tensor number ${k} in the list)`);
    x.shape.forEach((n: number, i: number) => {
      if (i !== d && n !== first.shape[i]) throw new RuntimeError(`torch.cat(): Sizes of tensors must match except in dimension ${d}. Expected size ${first.shape[i]} but got size ${n} for tensor number ${k} in the list.`);
    });
  });
  return run('CatBackward0', 'none', (...as) => np.concatenate(as, d), xs);
}
/** Stacking along a new dimension `dim` (torch.stack). */
export const stack = (xs: readonly Tensor[], dim = 0): Tensor => run('StackBackward0', 'none', (...as) => np.stack(as, dim), xs);

// ---- copies and dtypes ----------------------------------------------------------------------------
/** A copy with its own array: a select of x with itself (any dtype, identity gradient). */
export const clone = (x: Tensor): Tensor => run('CloneBackward0', 'none', (a) => np.where(true, a, a), [x]);
/** x in another dtype; the gradient flows between float dtypes only. */
export const to = (x: Tensor, dtype: DType): Tensor => (x.dtype === dtype ? x : run('ToCopyBackward0', 'none', (a) => np.astype(a, dtype), [x]));
/**
 * x on another backend (`op` names the user-facing call). The gradient flows back to x's device;
 * a traced x stays as it is. `asyncForm` is what the error names when the move must read back.
 */
export function toDevice(op: string, x: Tensor, backend: string, asyncForm: string): Tensor {
  const moved = moveArray(op, x.array, backend, asyncForm);
  if (moved === x.array) return x;
  const source = x.device;
  const node = recordWithPullback('ToCopyBackward0', x, moved, (ct) => moveArray(`${op} (backward)`, ct, source, 'a loss on the same device as the leaves'));
  return resultTensor(moved, node);
}

// ---- indexing -----------------------------------------------------------------------------------
const indexArrays = (index: readonly TensorIndex[]): Index[] => index.map((i) => (isTensor(i) ? i.array : i));
/** PyTorch names the node after the index: one integer selects, slices slice, arrays and masks index. */
function indexNodeName(index: readonly TensorIndex[]): string {
  if (index.length === 1 && typeof index[0] === 'number') return 'SelectBackward0';
  if (index.every((i) => typeof i === 'string' || i === null || i instanceof np.Slice)) return 'SliceBackward0';
  return 'IndexBackward0';
}
/** `x[i, ...]`: the core's getItem spellings, `x.index(0)`, `x.index(':', 2)`, `x.index(mask)`. */
export const index = (x: Tensor, idx: readonly TensorIndex[]): Tensor => run(indexNodeName(idx), 'none', (a) => np.getItem(a, indexArrays(idx)), [x]);
/** A copy of x with x[index] = value (PyTorch's `x[index] = value` is indexPut_). */
export function indexPut(x: Tensor, idx: readonly TensorIndex[], value: TensorLike): Tensor {
  const ix = indexArrays(idx);
  if (isTensor(value)) return run('IndexPutBackward0', 'none', (a, v) => np.atIndex(a, ix).set(v), [x, value]);
  return run('IndexPutBackward0', 'none', (a) => np.atIndex(a, ix).set(constantOf(value)), [x]);
}
/** `value` where mask is true, x elsewhere (the mask broadcasts to x). */
export function maskedFill(x: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== 'bool') throw new RuntimeError(`masked_fill_ only supports boolean masks, but got mask with dtype ${mask.dtype}`);
  const fits = mask.ndim <= x.ndim && mask.shape.every((d, i) => d === 1 || d === x.shape[x.ndim - mask.ndim + i]);
  if (!fits) throw new ShapeError(`maskedFill: the mask of shape [${mask.shape.join(', ')}] does not broadcast to the tensor's shape [${x.shape.join(', ')}]`);
  const m = mask.array;
  if (isTensor(value)) return run('MaskedFillBackward1', 'none', (a, v) => np.where(m, np.astype(v, a.dtype), a), [x, value]);
  return run('MaskedFillBackward0', 'none', (a) => np.astype(np.where(m, constantOf(value), a), a.dtype), [x]);
}
/**
 * x where cond, else y.
 *
 * @example
 * const relu = torch.where(x.gt(0), x, 0);
 */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  const c = cond.array;
  if (isTensor(x) && isTensor(y)) return run('WhereBackward0', 'none', (a, b) => np.where(c, a, b), [x, y]);
  if (isTensor(x)) return run('WhereBackward0', 'none', (a) => np.where(c, a, constantOf(y)), [x]);
  if (isTensor(y)) return run('WhereBackward0', 'none', (b) => np.where(c, constantOf(x), b), [y]);
  return tensorOf(np.where(c, constantOf(x), constantOf(y)));
}

// ---- softmax family -----------------------------------------------------------------------------
/** log softmax along `dim`: x − m − log Σ exp(x − m), with m the max (for range, not for the value). */
export function logSoftmaxArray(a: NDArray, dim: number): NDArray {
  const shifted = np.subtract(a, np.max(a, { axis: dim, keepdims: true }));
  return np.subtract(shifted, np.log(np.sum(np.exp(shifted), { axis: dim, keepdims: true })));
}
/** log(softmax(x)) along `dim`, computed stably. */
export const logSoftmax = (x: Tensor, dim: number): Tensor => run('LogSoftmaxBackward0', 'output', (a) => logSoftmaxArray(a, normDim(dim, x.ndim, 'logSoftmax')), [x]);
/** softmax(x) along `dim`. */
export const softmax = (x: Tensor, dim: number): Tensor => run('SoftmaxBackward0', 'output', (a) => np.exp(logSoftmaxArray(a, normDim(dim, x.ndim, 'softmax'))), [x]);
