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

export type ArrayLike = NDArray | number | boolean;
export type NestedArray = number | boolean | readonly NestedArray[];
type Axis = number | readonly number[] | null;
interface ReduceOpts { axis?: Axis; keepdims?: boolean }

export abstract class NDArray {
  abstract get aval(): ShapedArray;
  get shape(): readonly number[] { return this.aval.shape; }
  get dtype(): DType { return this.aval.dtype; }
  get ndim(): number { return this.aval.shape.length; }
  get size(): number { return this.aval.size; }
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
  async item(): Promise<number> { return scalarOf(this, await this.data(), 'item'); }
  itemSync(): number { return scalarOf(this, this.dataSync(), 'itemSync'); }
  async tolist(): Promise<NestedArray> { return nest(await this.data(), this.shape, this.dtype); }
  tolistSync(): NestedArray { return nest(this.dataSync(), this.shape, this.dtype); }
  /**
   * The values if they can be had without waiting: always on the CPU; on WebGPU once they are on
   * the host (the array was made from host data, or read back with `await x.data()`); else null.
   */
  hostValues(): TypedArray | null { return null; }

  // --- arithmetic --------------------------------------------------------------------------
  add(y: ArrayLike): NDArray { return np.add(this, y); }
  sub(y: ArrayLike): NDArray { return np.subtract(this, y); }
  mul(y: ArrayLike): NDArray { return np.multiply(this, y); }
  div(y: ArrayLike): NDArray { return np.divide(this, y); }
  pow(y: ArrayLike): NDArray { return np.power(this, y); }
  mod(y: ArrayLike): NDArray { return np.mod(this, y); }
  neg(): NDArray { return np.negative(this); }
  abs(): NDArray { return np.abs(this); }
  exp(): NDArray { return np.exp(this); }
  log(): NDArray { return np.log(this); }
  sin(): NDArray { return np.sin(this); }
  cos(): NDArray { return np.cos(this); }
  tan(): NDArray { return np.tan(this); }
  tanh(): NDArray { return np.tanh(this); }
  sqrt(): NDArray { return np.sqrt(this); }
  square(): NDArray { return np.square(this); }
  sign(): NDArray { return np.sign(this); }
  maximum(y: ArrayLike): NDArray { return np.maximum(this, y); }
  minimum(y: ArrayLike): NDArray { return np.minimum(this, y); }
  clip(lo: ArrayLike | null, hi: ArrayLike | null): NDArray { return np.clip(this, lo, hi); }
  matmul(y: NDArray): NDArray { return np.matmul(this, y); }
  dot(y: NDArray): NDArray { return np.dot(this, y); }

  // --- comparisons (JS has no operator overloading: these are the spelling) -----------------
  eq(y: ArrayLike): NDArray { return np.equal(this, y); }
  ne(y: ArrayLike): NDArray { return np.notEqual(this, y); }
  lt(y: ArrayLike): NDArray { return np.less(this, y); }
  le(y: ArrayLike): NDArray { return np.lessEqual(this, y); }
  gt(y: ArrayLike): NDArray { return np.greater(this, y); }
  ge(y: ArrayLike): NDArray { return np.greaterEqual(this, y); }

  // --- reductions ------------------------------------------------------------------------------
  sum(opts?: ReduceOpts | number): NDArray { return np.sum(this, opts); }
  mean(opts?: ReduceOpts | number): NDArray { return np.mean(this, opts); }
  max(opts?: ReduceOpts | number): NDArray { return np.max(this, opts); }
  min(opts?: ReduceOpts | number): NDArray { return np.min(this, opts); }
  prod(opts?: ReduceOpts | number): NDArray { return np.prod(this, opts); }
  argmax(opts?: { axis?: number | null; keepdims?: boolean } | number): NDArray { return np.argmax(this, opts); }
  argmin(opts?: { axis?: number | null; keepdims?: boolean } | number): NDArray { return np.argmin(this, opts); }

  // --- sorting (a sorted copy, as JAX's: arrays are immutable) --------------------------------
  sort(opts?: { axis?: number | null; descending?: boolean } | number | null): NDArray { return np.sort(this, opts); }
  argsort(opts?: { axis?: number | null; descending?: boolean } | number | null): NDArray { return np.argsort(this, opts); }

  // --- shape -------------------------------------------------------------------------------
  reshape(...shape: (number | readonly number[])[]): NDArray { return np.reshape(this, shape.flat()); }
  transpose(axes?: readonly number[]): NDArray { return np.transpose(this, axes); }
  get T(): NDArray { return np.transpose(this); }
  flatten(): NDArray { return np.ravel(this); }
  ravel(): NDArray { return np.ravel(this); }
  squeeze(axis?: Axis): NDArray { return np.squeeze(this, axis); }
  expandDims(axis: number | readonly number[]): NDArray { return np.expandDims(this, axis); }
  broadcastTo(shape: readonly number[]): NDArray { return np.broadcastTo(this, shape); }
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
  get isDisposed(): boolean { return this.#disposed; }
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
  override itemSync(): number { this.requireConcrete('itemSync()'); return super.itemSync(); }
  override tolistSync(): NestedArray { this.requireConcrete('tolistSync()'); return super.tolistSync(); }
  override async item(): Promise<number> { this.requireConcrete('item()'); return super.item(); }
  override async tolist(): Promise<NestedArray> { this.requireConcrete('tolist()'); return super.tolist(); }
  private requireConcrete(op: string): void {
    if (!this.concreteValue()) throw this.concretizationError(op);
  }
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
