// Making tensors: torch.tensor, zeros/ones/full/empty, rand/randn/randint, arange/linspace/eye,
// fromArray, the legacy typed constructors (FloatTensor, LongTensor, ...) and the dtype names.
//
// dtypes. PyTorch's names map onto the core's:
//   torch.float / float32 → 'float32'     torch.double / float64 → 'float64'
//   torch.half / float16  → 'float16'     torch.bool             → 'bool'
//   torch.long / int64    → 'int32'       torch.int / int32      → 'int32'
//   torch.short / int16   → 'int16'       torch.int8             → 'int8'
//   torch.uint8           → 'uint8'       torch.uint16 / uint32  → 'uint16' / 'uint32'
// so `long` is stored as int32 (WebGPU has no 64-bit integers): values beyond ±2^31 wrap, and
// x.dtype === torch.long holds for every integer tensor. JS cannot tell 1 from 1.0, so
// torch.tensor([1, 2, 3]) is float32 (PyTorch would infer int64): pass {dtype: torch.long} for integers.
import { ConcreteArray, NDArray, NestedArray } from '../core/array.js';
import { DType, isDType } from '../core/dtype.js';
import { setDefaultBackend } from '../core/backend.js';
import * as np from '../core/np.js';
import * as random from '../core/random.js';
import { nextKey } from './rng.js';
import { checkIntRange, Tensor, TensorData } from './tensor.js';
import { backendOfDevice, placement } from './device.js';

/** torch.float32 (the default float dtype). */
export const float32: DType = 'float32';
/** torch.float, float32. */
export const float: DType = 'float32';
/** torch.float64. */
export const float64: DType = 'float64';
/** torch.double, float64. */
export const double: DType = 'float64';
/** torch.int64, stored as int32 here (there is no int64 dtype). */
export const int64: DType = 'int32';
/** torch.long, stored as int32 here. */
export const long: DType = 'int32';
/** torch.int32. */
export const int32: DType = 'int32';
/** torch.int, int32. */
export const int: DType = 'int32';
/** torch.float16. */
export const float16: DType = 'float16';
/** torch.half, float16. */
export const half: DType = 'float16';
/** torch.int16. */
export const int16: DType = 'int16';
/** torch.short, int16. */
export const short: DType = 'int16';
/** torch.int8. */
export const int8: DType = 'int8';
/** torch.uint8. */
export const uint8: DType = 'uint8';
/** torch.uint16. */
export const uint16: DType = 'uint16';
/** torch.uint32. */
export const uint32: DType = 'uint32';
/** torch.bool. */
export const bool: DType = 'bool';

/** The options of the creation functions: dtype, requiresGrad, device ('cpu', 'cuda', …). */
export interface TensorOptions {
  /** The dtype (float32 by default). */
  dtype?: DType;
  /** Whether the new tensor is a leaf requiring grad. */
  requiresGrad?: boolean;
  /** The device to place the values on ('cpu'; 'cuda', 'cuda:0' or 'webgpu' for WebGPU); the default device when omitted. */
  device?: string;
}

/** Where new tensors go by default (PyTorch's `torch.set_default_device`; 'cuda' is WebGPU). */
export const setDefaultDevice = (name: string): void => setDefaultBackend(backendOfDevice('torch.setDefaultDevice', name));

function checkedDtype(op: string, dtype: unknown): DType | undefined {
  if (dtype === undefined) return undefined;
  if (!isDType(dtype)) throw new TypeError(`${op}: unknown dtype ${String(dtype)}; use torch.float32, torch.float64, torch.float16, torch.long, torch.int, torch.int16, torch.int8, torch.uint8 or torch.bool`);
  return dtype;
}
function finish(array: NDArray, opts: TensorOptions | undefined): Tensor {
  // Samplers draw on the key's backend: values asked for elsewhere move there.
  const target = placement('device', opts?.device);
  if (target !== undefined && array instanceof ConcreteArray && array.device !== target) array = array.to(target);
  const t = new Tensor(array);
  if (opts?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** Sizes as varargs or one list, optionally followed by options: zeros(2, 3), zeros([2, 3], {dtype}). */
type SizeArgs = (number | readonly number[] | TensorOptions | undefined)[];
function parseSize(op: string, args: SizeArgs): [number[], TensorOptions] {
  const last = args[args.length - 1];
  const hasOpts = typeof last === 'object' && last !== null && !Array.isArray(last);
  const opts = (hasOpts ? last : {}) as TensorOptions;
  const sizes = (hasOpts ? args.slice(0, -1) : args).filter((a) => a !== undefined) as (number | readonly number[])[];
  const shape = sizes.flatMap((s) => (typeof s === 'number' ? [s] : [...s]));
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw new TypeError(`${op}: expected sizes (non-negative integers), got [${shape.join(', ')}]`);
  checkedDtype(op, opts.dtype);
  return [shape, opts];
}

/**
 * A new leaf tensor from data: nested lists of numbers (float32) or booleans (bool), a typed
 * array (its dtype), a core array or another tensor (copied, without history).
 */
/** Runs `f`, re-raising a core error that names `inner` (e.g. np.array) under the torch name `outer`, same class. */
function renamedErrors<T>(inner: string, outer: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.message.startsWith(`${inner}: `)) {
      const renamed = new (e.constructor as new (msg: string) => Error)(`${outer}: ${e.message.slice(inner.length + 2)}`);
      throw renamed;
    }
    throw e;
  }
}
/**
 * PyTorch's `torch.tensor(data, {dtype, requiresGrad, device})`: a new leaf tensor from nested arrays, a typed array, a core array or a number (data copied).
 *
 * @example
 * const x = torch.tensor([[1, 2], [3, 4]], { dtype: torch.float64, requiresGrad: true });
 */
export function tensor(data: TensorData | Tensor | number | boolean, opts: TensorOptions = {}): Tensor {
  const source = data instanceof Tensor ? data.array : data;
  const array = renamedErrors('array', 'tensor', () => np.array(source as np.ArrayInput, { dtype: checkedDtype('tensor', opts.dtype), device: placement('tensor', opts.device) }));
  // torch.tensor copies: a new leaf never shares its array with the source.
  return finish(array === source ? np.where(true, array, array) : array, opts);
}
/** A tensor sharing a core array (PyTorch's `torch.from_numpy`). */
export const fromArray = (array: NDArray, opts: { requiresGrad?: boolean } = {}): Tensor => finish(array, opts);

const fill = (op: string, value: number) => (...args: SizeArgs): Tensor => {
  const [shape, opts] = parseSize(op, args);
  return finish(np.full(shape, value, { dtype: opts.dtype ?? 'float32', device: placement(op, opts.device) }), opts);
};
/**
 * `torch.zeros(...size, opts?)`: zeros (float32 by default).
 *
 * @example
 * const z = torch.zeros(2, 3, { dtype: torch.float64 });
 */
export const zeros = fill('zeros', 0);
/** `torch.ones(...size, opts?)`: ones. */
export const ones = fill('ones', 1);
/** Arrays are never uninitialised: empty() is zeros. */
export const empty = fill('empty', 0);
/** `torch.full(size, value, opts?)`. */
export function full(size: number | readonly number[], value: number | boolean, opts: TensorOptions = {}): Tensor {
  const [shape] = parseSize('full', [size]);
  return finish(np.full(shape, value, { dtype: checkedDtype('full', opts.dtype) ?? (typeof value === 'boolean' ? 'bool' : 'float32'), device: placement('full', opts.device) }), opts);
}

const likeOf = (op: string, make: (shape: readonly number[], opts: TensorOptions & { dtype: DType }) => Tensor) =>
  (t: Tensor, opts: TensorOptions = {}): Tensor => make(t.shape, { ...opts, dtype: checkedDtype(op, opts.dtype) ?? t.dtype });
/** Zeros with t's shape (and dtype unless given). */
export const zerosLike = likeOf('zerosLike', (s, o) => zeros(s, o));
/** Ones with t's shape (and dtype unless given). */
export const onesLike = likeOf('onesLike', (s, o) => ones(s, o));
/** The same as zerosLike (arrays are never uninitialised). */
export const emptyLike = zerosLike;
/** `value` with t's shape (and dtype unless given). */
export const fullLike = (t: Tensor, value: number | boolean, opts: TensorOptions = {}): Tensor => full(t.shape, value, { ...opts, dtype: opts.dtype ?? t.dtype });

/** Uniform samples on [0, 1) from the global generator (torch.manualSeed). */
export function rand(...args: SizeArgs): Tensor {
  const [shape, opts] = parseSize('rand', args);
  return finish(random.uniform(nextKey(), shape, { dtype: opts.dtype ?? 'float32' }), opts);
}
/**
 * Standard normal samples from the global generator.
 *
 * @example
 * const x = torch.randn(64, 1000);               // N(0, 1) samples, float32
 * const w = torch.randn(1000, 100, { requiresGrad: true });
 */
export function randn(...args: SizeArgs): Tensor {
  const [shape, opts] = parseSize('randn', args);
  const samples = random.normal(nextKey(), shape);
  return finish(opts.dtype && opts.dtype !== 'float32' ? np.astype(samples, opts.dtype) : samples, opts);
}
/** Uniform [0, 1) samples with t's shape (and dtype unless given). */
export const randLike = (t: Tensor, opts: TensorOptions = {}): Tensor => rand(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });
/** Standard normal samples with t's shape (and dtype unless given). */
export const randnLike = (t: Tensor, opts: TensorOptions = {}): Tensor => randn(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });
/** Integers uniform on [low, high): randint(high, size) or randint(low, high, size); torch.long by default. */
export function randint(...args: (number | readonly number[] | TensorOptions)[]): Tensor {
  const nums = args.filter((a): a is number => typeof a === 'number');
  const size = args.find((a): a is readonly number[] => Array.isArray(a));
  const opts = (args.find((a) => typeof a === 'object' && !Array.isArray(a)) ?? {}) as TensorOptions;
  if (size === undefined || nums.length < 1 || nums.length > 2) throw new TypeError('randint: expected (high, size) or (low, high, size) with size a list, e.g. randint(0, 10, [3])');
  const [low, high] = nums.length === 1 ? [0, nums[0]!] : [nums[0]!, nums[1]!];
  checkIntRange('randint', low, high);
  const ints = random.randint(nextKey(), size, low, high);
  return finish(opts.dtype && opts.dtype !== 'int32' ? np.astype(ints, opts.dtype) : ints, opts);
}
/** A random permutation of 0..n−1: the order that sorts n uniform samples. */
export function randperm(n: number, opts: TensorOptions = {}): Tensor {
  const u = random.uniform(nextKey(), [n]).dataSync();
  const order = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => u[a]! - u[b]!);
  return finish(np.astype(np.fromTypedArray(order), opts.dtype ?? 'int32'), opts);
}

/**
 * arange(end), arange(start, end), arange(start, end, step): integers give torch.long, otherwise float32.
 *
 * @example
 * torch.arange(5);        // tensor([0, 1, 2, 3, 4])
 * torch.arange(0, 1, 0.25);
 */
export function arange(...args: (number | TensorOptions)[]): Tensor {
  const opts = (args.find((a) => typeof a === 'object') ?? {}) as TensorOptions;
  const nums = args.filter((a): a is number => typeof a === 'number');
  return finish(np.arange(...nums, { dtype: checkedDtype('arange', opts.dtype), device: placement('arange', opts.device) }), opts);
}
/** `steps` evenly spaced values from start to end inclusive. */
export const linspace = (start: number, end: number, steps: number, opts: TensorOptions = {}): Tensor =>
  finish(np.linspace(start, end, steps, { dtype: checkedDtype('linspace', opts.dtype) ?? 'float32', device: placement('linspace', opts.device) }), opts);
/** The n×m identity (m = n by default). */
export const eye = (n: number, m?: number, opts: TensorOptions = {}): Tensor =>
  finish(np.eye(n, m, { dtype: checkedDtype('eye', opts.dtype) ?? 'float32', device: placement('eye', opts.device) }), opts);

/**
 * PyTorch's legacy typed constructors, called without `new`: `FloatTensor(4, 6)` is a tensor of
 * that size (zeros), `FloatTensor([1, 2])` holds the data, `LongTensor(3).random_(10)` draws
 * integers in [0, 10).
 */
function legacyConstructor(dtype: DType) {
  return (data?: TensorData | number, ...sizes: number[]): Tensor => {
    if (data === undefined) return new Tensor(np.zeros([0], { dtype }));
    if (typeof data === 'number') return new Tensor(np.zeros([data, ...sizes], { dtype }));
    return new Tensor(np.array(data instanceof NDArray ? data : (data as NestedArray), { dtype }));
  };
}
/** The legacy `torch.FloatTensor(data)` / `torch.FloatTensor(...sizes)` constructor: float32. */
export const FloatTensor = legacyConstructor('float32');
/** The legacy float64 constructor. */
export const DoubleTensor = legacyConstructor('float64');
/** The legacy int64 constructor (int32 here). */
export const LongTensor = legacyConstructor('int32');
/** The legacy int32 constructor. */
export const IntTensor = legacyConstructor('int32');
/** The legacy uint8 constructor. */
export const ByteTensor = legacyConstructor('uint8');
/** The legacy int8 constructor. */
export const CharTensor = legacyConstructor('int8');
/** The legacy int16 constructor. */
export const ShortTensor = legacyConstructor('int16');
/** The legacy float16 constructor. */
export const HalfTensor = legacyConstructor('float16');
/** The legacy bool constructor. */
export const BoolTensor = legacyConstructor('bool');
