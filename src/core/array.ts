// The immutable Array. Concrete arrays hold a device buffer; tracers (one class per transform)
// stand in for values inside a transformation. Both share this base, so user code typed
// against `Array` runs unchanged under grad, jvp and jit.
import { ShapedArray } from './aval.js';
import { getBackend, Backend, DeviceBuffer } from './backend.js';
import { DType, storageOf, TypedArray, valuesOf } from './dtype.js';
import { ConcretizationError, CotangentError } from './errors.js';
import type { Interpreter } from './interpreter.js';
import type * as NumpyModule from './np.js';
import type { Index } from './indexing.js';
import { formatArray, formatArrayAsync } from './format.js';
import { debugging } from './debug.js';

declare global {
  // `Symbol.dispose` (for `using x = …`) exists at run time in Node ≥ 20 and current browsers; it
  // is declared here as @types/node does, so these declarations need neither `lib: esnext` nor Node's types.
  interface SymbolConstructor { readonly dispose: unique symbol }
}

type Np = typeof NumpyModule;
let np: Np;
/** numpy.ts calls this once it has loaded; methods below delegate to it (avoids an import cycle). */
export function registerNumpy(m: Np): void { np = m; }

/** What array operations accept as operands: arrays, JS numbers and booleans (weakly typed scalars). */
export type ArrayLike = NDArray | number | boolean;
/** Nested JS arrays of numbers or booleans, as `np.array` takes them and `tolist()` returns them. */
export type NestedArray = number | boolean | readonly NestedArray[];
type Axis = number | readonly number[] | null;
interface ReduceOpts { axis?: Axis; keepdims?: boolean }

/**
 * cotangent's array (exported as `Array`, `np.Array`): immutable, on one backend, or a tracer inside a transform. Methods mirror `np`'s functions.
 *
 * @example
 * const x = np.array([[1, 2], [3, 4]]);
 * const y = x.matmul(x.T).add(1).sum({ axis: 0 });
 * console.log(y.toString()); // Array([18., 38.], dtype=float32)
 */
export abstract class NDArray {
  /** The abstract value: shape, dtype, weak type. */
  abstract get aval(): ShapedArray;
  /** The shape, one size per axis. */
  get shape(): readonly number[] { return this.aval.shape; }
  /** The dtype ('float32', 'float64', 'int32', 'uint32', 'bool', …). */
  get dtype(): DType { return this.aval.dtype; }
  /** The number of axes. */
  get ndim(): number { return this.aval.shape.length; }
  /** The number of elements. */
  get size(): number { return this.aval.size; }
  /** Whether the dtype is weak (from a JS scalar; it defers to the other operand's dtype in promotion, as in JAX). */
  get weakType(): boolean { return this.aval.weakType; }
  /** The backend holding the values ('cpu', 'webgpu'), or 'traced' inside a transformation. */
  get device(): string { return 'traced'; }

  // --- reading values: tracers override these to explain why they can't -----------------
  /** The values as a typed array (row-major). Works on every backend. */
  abstract data(): Promise<TypedArray>;
  /** The values, synchronously: only where the buffer is readable synchronously (the CPU). */
  abstract dataSync(): TypedArray;
  /** The storage of the values, as a backend holds them (float16: a Uint16Array of bits). */
  storageSync(): TypedArray { return storageOf(this.dtype, this.dataSync()); }
  /** The value of a one-element array, read on any backend. */
  async item(): Promise<number> { return scalarOf(this, await this.data(), 'item'); }
  /** The value of a one-element array, read synchronously (CPU arrays). */
  itemSync(): number { return scalarOf(this, this.dataSync(), 'itemSync'); }
  /** The values as nested JS arrays, read on any backend. */
  async tolist(): Promise<NestedArray> { return nest(await this.data(), this.shape, this.dtype); }
  /** The values as nested JS arrays, read synchronously (CPU arrays). */
  tolistSync(): NestedArray { return nest(this.dataSync(), this.shape, this.dtype); }
  /**
   * The values if they can be had without waiting: always on the CPU; on WebGPU once they are on
   * the host (the array was made from host data, or read back with `await x.data()`); else null.
   */
  hostValues(): TypedArray | null { return null; }

  // --- arithmetic --------------------------------------------------------------------------
  /** `np.add(this, y)`. */
  add(y: ArrayLike): NDArray { return np.add(this, y); }
  /** `np.subtract(this, y)`. */
  sub(y: ArrayLike): NDArray { return np.subtract(this, y); }
  /** `np.multiply(this, y)`. */
  mul(y: ArrayLike): NDArray { return np.multiply(this, y); }
  /** `np.divide(this, y)` (true division). */
  div(y: ArrayLike): NDArray { return np.divide(this, y); }
  /** `np.power(this, y)`. */
  pow(y: ArrayLike): NDArray { return np.power(this, y); }
  /** `np.mod(this, y)` (the sign of the divisor, as Python's %). */
  mod(y: ArrayLike): NDArray { return np.mod(this, y); }
  /** `np.negative(this)`. */
  neg(): NDArray { return np.negative(this); }
  /** `np.abs(this)`. */
  abs(): NDArray { return np.abs(this); }
  /** `np.exp(this)`. */
  exp(): NDArray { return np.exp(this); }
  /** `np.log(this)`. */
  log(): NDArray { return np.log(this); }
  /** `np.sin(this)`. */
  sin(): NDArray { return np.sin(this); }
  /** `np.cos(this)`. */
  cos(): NDArray { return np.cos(this); }
  /** `np.tan(this)`. */
  tan(): NDArray { return np.tan(this); }
  /** `np.tanh(this)`. */
  tanh(): NDArray { return np.tanh(this); }
  /** `np.sqrt(this)`. */
  sqrt(): NDArray { return np.sqrt(this); }
  /** `np.square(this)`. */
  square(): NDArray { return np.square(this); }
  /** `np.sign(this)`. */
  sign(): NDArray { return np.sign(this); }
  /** `np.maximum(this, y)`. */
  maximum(y: ArrayLike): NDArray { return np.maximum(this, y); }
  /** `np.minimum(this, y)`. */
  minimum(y: ArrayLike): NDArray { return np.minimum(this, y); }
  /** `np.clip(this, lo, hi)` (null: unbounded on that side). */
  clip(lo: ArrayLike | null, hi: ArrayLike | null): NDArray { return np.clip(this, lo, hi); }
  /** `np.matmul(this, y)`. */
  matmul(y: NDArray): NDArray { return np.matmul(this, y); }
  /** `np.dot(this, y)`. */
  dot(y: NDArray): NDArray { return np.dot(this, y); }

  // --- comparisons (JS has no operator overloading: these are the spelling) -----------------
  /** `np.equal(this, y)`. */
  eq(y: ArrayLike): NDArray { return np.equal(this, y); }
  /** `np.notEqual(this, y)`. */
  ne(y: ArrayLike): NDArray { return np.notEqual(this, y); }
  /** `np.less(this, y)`. */
  lt(y: ArrayLike): NDArray { return np.less(this, y); }
  /** `np.lessEqual(this, y)`. */
  le(y: ArrayLike): NDArray { return np.lessEqual(this, y); }
  /** `np.greater(this, y)`. */
  gt(y: ArrayLike): NDArray { return np.greater(this, y); }
  /** `np.greaterEqual(this, y)`. */
  ge(y: ArrayLike): NDArray { return np.greaterEqual(this, y); }

  // --- reductions ------------------------------------------------------------------------------
  /**
   * `np.sum(this, opts)`: over `axis` (all axes by default), `keepdims` to keep them as size 1.
   *
   * @example
   * np.ones([2, 3]).sum({ axis: 1 }); // Array([3., 3.], dtype=float32)
   */
  sum(opts?: ReduceOpts | number): NDArray { return np.sum(this, opts); }
  /** `np.mean(this, opts)`. */
  mean(opts?: ReduceOpts | number): NDArray { return np.mean(this, opts); }
  /** `np.max(this, opts)`. */
  max(opts?: ReduceOpts | number): NDArray { return np.max(this, opts); }
  /** `np.min(this, opts)`. */
  min(opts?: ReduceOpts | number): NDArray { return np.min(this, opts); }
  /** `np.prod(this, opts)`. */
  prod(opts?: ReduceOpts | number): NDArray { return np.prod(this, opts); }
  /** `np.argmax(this, opts)`: the first index of the maximum (flattened without an axis). */
  argmax(opts?: { axis?: number | null; keepdims?: boolean } | number): NDArray { return np.argmax(this, opts); }
  /** `np.argmin(this, opts)`. */
  argmin(opts?: { axis?: number | null; keepdims?: boolean } | number): NDArray { return np.argmin(this, opts); }

  // --- sorting (a sorted copy, as JAX's: arrays are immutable) --------------------------------
  /** `np.sort(this, opts)` (along the last axis by default; NaN last). */
  sort(opts?: { axis?: number | null; descending?: boolean } | number | null): NDArray { return np.sort(this, opts); }
  /** `np.argsort(this, opts)` (stable). */
  argsort(opts?: { axis?: number | null; descending?: boolean } | number | null): NDArray { return np.argsort(this, opts); }

  // --- shape -------------------------------------------------------------------------------
  /** `np.reshape`: sizes as arguments or one list; one may be −1. */
  reshape(...shape: (number | readonly number[])[]): NDArray { return np.reshape(this, shape.flat()); }
  /** `np.transpose(this, axes)` (axes reversed by default). */
  transpose(axes?: readonly number[]): NDArray { return np.transpose(this, axes); }
  /** All axes reversed. */
  get T(): NDArray { return np.transpose(this); }
  /** The elements as one axis (a copy: arrays are immutable). */
  flatten(): NDArray { return np.ravel(this); }
  /** `np.ravel(this)`. */
  ravel(): NDArray { return np.ravel(this); }
  /** `np.squeeze(this, axis)`. */
  squeeze(axis?: Axis): NDArray { return np.squeeze(this, axis); }
  /** `np.expandDims(this, axis)`. */
  expandDims(axis: number | readonly number[]): NDArray { return np.expandDims(this, axis); }
  /** `np.broadcastTo(this, shape)`. */
  broadcastTo(shape: readonly number[]): NDArray { return np.broadcastTo(this, shape); }
  /** `np.astype(this, dtype)`. */
  astype(dtype: DType): NDArray { return np.astype(this, dtype); }

  // --- indexing ------------------------------------------------------------------------------
  /** NumPy's `x[i, 1:3, None, idx]` is `x.get(i, '1:3', null, idx)`. */
  get(...index: Index[]): NDArray { return np.getItem(this, index); }
  /** JAX's `x.at[i].set(v)` is `x.at(i).set(v)`; also `.add(v)`, `.mul(v)`, `.get()`. */
  at(...index: Index[]): ReturnType<Np['atIndex']> { return np.atIndex(this, index); }

  /**
   * Resolves with this array once the device has finished computing it (JAX's
   * `block_until_ready`): for timing asynchronous backends without reading values back. A traced
   * value has nothing to wait for and raises the ConcretizationError of data().
   */
  async blockUntilReady(): Promise<this> { await this.data(); return this; }

  // --- memory --------------------------------------------------------------------------------
  /**
   * Frees a concrete array's device buffer now rather than when it is collected (`using y = f(x)`
   * does it at the end of the block). On a traced value it does nothing: inside a traced function
   * the compiled program owns the memory.
   */
  dispose(): void {}
  /** Frees the buffer at the end of a `using` block (`using x = np.ones([1000])`). */
  [Symbol.dispose](): void { this.dispose(); }

  /**
   * Iterates over the first axis, as NumPy does: `const [k1, k2] = random.split(key)`,
   * `for (const row of x)`. Shapes are static, so a traced array iterates too; a 0-d array throws.
   */
  [Symbol.iterator](): Iterator<NDArray> {
    if (this.ndim === 0) throw new TypeError(`iteration over a 0-d array (${this.aval.str()}): it has no first axis to iterate over`);
    const n = this.shape[0]!;
    let i = 0;
    return { next: (): IteratorResult<NDArray> => (i < n ? { value: np.getItem(this, [i++]), done: false } : { value: undefined, done: true }) };
  }

  /**
   * JAX's repr, `Array([[1., 2.],\n       [3., 4.]], dtype=float32)`, read synchronously: the
   * values where the host has them, else the shape and dtype and how to read them.
   */
  toString(): string { return formatArray(this); }
  /**
   * The repr with the values on any backend, read asynchronously first.
   *
   * @example
   * console.log(await np.arange(3).format());    // Array([0, 1, 2], dtype=int32)
   */
  format(): Promise<string> { return formatArrayAsync(this); }
  /** What `console.log(x)` in Node prints: the repr. */
  [Symbol.for('nodejs.util.inspect.custom')](): string { return this.toString(); }
  /** `${x}` is the repr; numeric coercion (`+x`, `x > 0`) reads a one-element CPU array. */
  [Symbol.toPrimitive](hint: string): string | number {
    if (hint === 'string') return this.toString();
    return this.toNumberForCoercion();
  }
  /** JS coercion (`x > 0`, `+x`, `if (x < y)`) needs a single concrete number. */
  protected toNumberForCoercion(): number {
    if (this.size !== 1) {
      throw new TypeError(`cannot convert an array of shape [${this.shape.join(', ')}] to a number (JS coercion such as \`x > 0\`); use the array methods (x.gt(0)) or .itemSync() on a one-element array`);
    }
    return this.itemSync();
  }
  /** Aliases that read like NumPy's. */
  get [Symbol.toStringTag](): string { return 'Array'; }
}

function scalarOf(x: NDArray, data: TypedArray, op: string): number {
  if (x.size !== 1) throw new TypeError(`${op}: only one-element arrays convert to a number, got shape [${x.shape.join(', ')}]`);
  return x.dtype === 'bool' ? Number(data[0]) : data[0]!;
}

function nest(data: TypedArray, shape: readonly number[], dtype: DType): NestedArray {
  const conv = (v: number) => (dtype === 'bool' ? v !== 0 : v);
  const rec = (offset: number, axis: number): NestedArray => {
    if (axis === shape.length) return conv(data[offset]!);
    const n = shape[axis]!;
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(rec(offset + i * stride, axis + 1));
    return out;
  };
  return rec(0, 0);
}

/** Arrays up to this many elements on an asynchronous backend keep a host copy of values they were made from or read back as. */
const HOST_COPY_LIMIT = 4096;

/** An array with values: a buffer on one backend. */
export class ConcreteArray extends NDArray {
  #disposed = false;
  /** A host copy of the values of an array on an asynchronous backend, once they were on the host. */
  #host: TypedArray | null = null;
  /**
   * @param aval The array's shape and dtype.
   * @param buffer Its values on `backend`.
   * @param backend The backend holding them.
   */
  constructor(readonly aval: ShapedArray, readonly buffer: DeviceBuffer, readonly backend: Backend) { super(); }
  override get device(): string { return this.backend.name; }
  override hostValues(): TypedArray | null {
    if (this.#disposed) return null;
    if (this.#host || this.backend.name !== 'cpu') return this.#host;
    return valuesOf(this.dtype, this.backend.readSync(this.buffer, this.aval));
  }
  /** Keeps a copy of values known to be this array's (small arrays only: a print needs them, a big copy costs memory). */
  rememberHostValues(values: TypedArray): void {
    if (this.backend.name !== 'cpu' && this.size <= HOST_COPY_LIMIT) this.#host = values.slice();
  }
  /** This array on another backend (`x.to('webgpu')`). Synchronous where this backend reads synchronously (the CPU). */
  to(backendName: string): ConcreteArray {
    this.checkLive('to');
    const target = getBackend(backendName, 'to');
    if (target === this.backend) return this;
    return new ConcreteArray(this.aval, target.fromTypedArray(this.storageSync().slice(), this.aval), target);
  }
  /** This array on another backend, from any backend (reads back asynchronously where it must). */
  async toAsync(backendName: string): Promise<ConcreteArray> {
    this.checkLive('toAsync');
    const target = getBackend(backendName, 'toAsync');
    if (target === this.backend) return this;
    return new ConcreteArray(this.aval, target.fromTypedArray((await this.storage()).slice(), this.aval), target);
  }
  /** The values (float16: decoded into a Float32Array; every other dtype: the storage itself). */
  async data(): Promise<TypedArray> {
    this.checkLive('data');
    const values = valuesOf(this.dtype, await this.backend.read(this.buffer, this.aval));
    if (debugging && readCheck) await readCheck(this, values);
    this.rememberHostValues(values);
    return values;
  }
  dataSync(): TypedArray { this.checkLive('dataSync'); return valuesOf(this.dtype, this.backend.readSync(this.buffer, this.aval)); }
  /** The backend's storage of the values: what `fromTypedArray` of a backend takes (float16: a Uint16Array of bits). */
  async storage(): Promise<TypedArray> { this.checkLive('storage'); return this.backend.read(this.buffer, this.aval); }
  override storageSync(): TypedArray { this.checkLive('storageSync'); return this.backend.readSync(this.buffer, this.aval); }
  override async blockUntilReady(): Promise<this> {
    this.checkLive('blockUntilReady');
    await this.backend.whenReady?.(this.buffer);
    return this;
  }
  /** Frees the device buffer now instead of at garbage collection. Using the array afterwards is an error. */
  override dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.backend.dispose?.(this.buffer);
  }
  /** Whether `dispose()` was called. */
  get isDisposed(): boolean { return this.#disposed; }
  /** Throws if the array was disposed (`op` names the caller). */
  checkLive(op: string): void {
    if (this.#disposed) throw new CotangentError(`${op}: this ${this.aval.str()} array was disposed (or donated) and can no longer be used`);
  }
}

/** debugNans on asynchronous backends: checks values when they are read back (debug-async.ts registers it). */
let readCheck: ((x: ConcreteArray, data: TypedArray) => Promise<void>) | null = null;
export function setReadCheck(f: typeof readCheck): void { readCheck = f; }

/**
 * The value of scalars made from JS numbers, on whatever backend they live: staging writes them
 * into jaxprs as literals without reading device memory (which WebGPU cannot do synchronously).
 */
const scalarValues = new WeakMap<NDArray, number>();
export function scalarFromTyped(data: TypedArray, aval: ShapedArray, backendName?: string): ConcreteArray {
  const x = concreteFromTyped(data, aval, backendName);
  scalarValues.set(x, Number(valuesOf(aval.dtype, data)[0]));
  return x;
}
export const knownScalarValue = (x: NDArray): number | undefined => scalarValues.get(x);

/**
 * Operands of one operation brought onto one backend. Arrays on the CPU (constants, data made
 * with np.* before useBackend) move to the other backend; two non-CPU backends are an error.
 */
export function onOneBackend(op: string, xs: readonly ConcreteArray[]): ConcreteArray[] {
  const other = xs.find((x) => x.backend.name !== 'cpu');
  if (!other || xs.every((x) => x.backend === other.backend)) return [...xs];
  return xs.map((x) => {
    if (x.backend === other.backend) return x;
    if (x.backend.name === 'cpu') {
      const known = knownScalarValue(x);
      const moved = x.to(other.backend.name);
      if (known !== undefined) scalarValues.set(moved, known);
      return moved;
    }
    throw new CotangentError(`${op}: operands live on different backends (${other.backend.name} and ${x.backend.name}); move one with await x.toAsync('${other.backend.name}')`);
  });
}

export function concreteFromTyped(data: TypedArray, aval: ShapedArray, backendName?: string): ConcreteArray {
  const backend = getBackend(backendName);
  const x = new ConcreteArray(aval, backend.fromTypedArray(data, aval), backend);
  if (backend.name !== 'cpu' && aval.size <= HOST_COPY_LIMIT) x.rememberHostValues(valuesOf(aval.dtype, data));
  return x;
}

/** A value inside a transformation. Each interpreter defines its own subclass. */
export abstract class Tracer extends NDArray {
  /** The interpreter this tracer belongs to. */
  abstract readonly interpreter: Interpreter;
  /** Tracers that hold a concrete value underneath (jvp) can read it; abstract ones throw. */
  concreteValue(): NDArray | null { return null; }
  data(): Promise<TypedArray> {
    const v = this.concreteValue();
    return v ? v.data() : Promise.reject(this.concretizationError('data()'));
  }
  dataSync(): TypedArray {
    const v = this.concreteValue();
    if (!v) throw this.concretizationError('dataSync()');
    return v.dataSync();
  }
  /** Reading a tracer's value is a ConcretizationError (inside jit or a transform there is no value yet). */
  override itemSync(): number { this.requireConcrete('itemSync()'); return super.itemSync(); }
  /** Reading a tracer's value is a ConcretizationError. */
  override tolistSync(): NestedArray { this.requireConcrete('tolistSync()'); return super.tolistSync(); }
  /** Reading a tracer's value is a ConcretizationError. */
  override async item(): Promise<number> { this.requireConcrete('item()'); return super.item(); }
  /** Reading a tracer's value is a ConcretizationError. */
  override async tolist(): Promise<NestedArray> { this.requireConcrete('tolist()'); return super.tolist(); }
  private requireConcrete(op: string): void {
    if (!this.concreteValue()) throw this.concretizationError(op);
  }
  /** The error that reading this tracer's value raises, with what to do instead. */
  concretizationError(op: string): ConcretizationError {
    return new ConcretizationError(
      `${op} needs a concrete value, but this is an abstract ${this.aval.str()} traced by \`${this.interpreter.kind}\`. ` +
        `Under jit or makeJaxpr values are not known while tracing, so JS control flow cannot depend on them: ` +
        `choose between values with lax.cond or np.where, loop with lax.whileLoop, ` +
        `or mark the argument static with jit(f, {staticArgnums}) so it is a concrete value while tracing.`,
    );
  }
  /**
   * JS coercions (`x > 0`, `+x`, `${x}`, `Number(x)`, `x + 1`) need a value: on an abstract tracer
   * they raise the ConcretizationError. (`if (x)` does not coerce, and cannot be intercepted: an
   * object is always truthy; the README's "Sharp bits" say so.)
   */
  override [Symbol.toPrimitive](hint: string): string | number {
    if (!this.concreteValue()) throw this.concretizationError(`JS coercion of a traced value (\`x > 0\`, \`+x\`, \`\${x}\`, Number(x), with hint '${hint}')`);
    return super[Symbol.toPrimitive](hint);
  }
  protected override toNumberForCoercion(): number {
    if (!this.concreteValue()) throw this.concretizationError('JS coercion to a number (e.g. `x > 0`)');
    return super.toNumberForCoercion();
  }
}
