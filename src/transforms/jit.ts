// jit: trace a function once per input signature into a jaxpr, optimise it, cache it, and
// replay it as one `jit` equation (a higher-order primitive other transforms can go through).
import { expectFunction } from '../core/errors.js';
import { ConcreteArray, NDArray, Tracer } from '../core/array.js';
import { getBackend } from '../core/backend.js';
import { executableFor } from './jit-runtime.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, Jaxpr } from '../core/jaxpr.js';
import { optimize } from '../core/passes.js';
import * as tree from '../core/tree.js';
import { ArrayTree, PyTree, TreeDef } from '../core/tree.js';
import { flattenArgs, flattenFun, toArrays } from './flat.js';
import { traceFlat } from './make-jaxpr.js';

/** Options of jit, as JAX's keywords. */
export interface JitOptions {
  /** Positional arguments that are ordinary JS values (numbers, strings, plain data): part of the cache key, concrete while tracing. */
  staticArgnums?: number | readonly number[];
  /** Positional arguments whose buffers the call may reuse for its outputs; using them afterwards is an error. */
  donateArgnums?: number | readonly number[];
  /** The name the program is shown under (default: the function's name). */
  name?: string;
}

interface Compiled {
  readonly jaxpr: ClosedJaxpr; // constants hoisted: invars = [...constants, ...arguments]
  readonly consts: readonly NDArray[];
  readonly outTree: TreeDef;
  readonly donated: readonly boolean[];
}

/** What `jit(f).lower(...args)` returns: the program for that signature, before it runs. */
export interface Lowered {
  /** The optimised jaxpr, constants first among its inputs. */
  readonly jaxpr: ClosedJaxpr;
  /** The values of the jaxpr's leading constant inputs (captured arrays). */
  readonly consts: readonly NDArray[];
  /** The pytree structure of the function's outputs. */
  readonly outTree: TreeDef;
  /** The jaxpr as text, and the backend's compiled form where it has one. */
  asText(): string;
  /** The backend's compiled form as text (the generated JS, WGSL or the ORT target), or why there is none. */
  compiledText(): string;
  /**
   * Compiles for the default backend and builds the program's device resources without blocking
   * (WebGPU: every pipeline, several at once), so the first call with this signature starts at
   * once instead of compiling shaders (seconds each on a software adapter) on the calling thread.
   */
  compile(): Promise<void>;
}

/** A jitted `f`: called like `f`, its outputs are Arrays in `f`'s output structure. */
export interface JittedFunction<A extends unknown[], R> {
  (...args: A): ArrayTree<R>;
  /** The program for these arguments' signature, without running it. */
  lower(...args: A): Lowered;
  /** Number of signatures compiled so far. */
  readonly cacheSize: number;
  /** Forgets every compiled signature. */
  clearCache(): void;
}

let disabled = 0;
let logCompiles: boolean | null = null;

/** Runs `f` with jit turned off: jitted functions then run eagerly, op by op (for debugging). */
export function disableJit<T>(f: () => T): T {
  disabled++;
  try { return f(); } finally { disabled--; }
}
/** Print each compilation and what changed in the signature (also `COTANGENT_LOG_COMPILES=1`). */
export function setLogCompiles(on: boolean): void { logCompiles = on; }
const shouldLog = () => logCompiles ?? (typeof process !== 'undefined' && process.env?.COTANGENT_LOG_COMPILES === '1');

const asList = (x: number | readonly number[] | undefined): number[] => (x === undefined ? [] : typeof x === 'number' ? [x] : [...x]);

function staticKey(v: unknown, i: number, name: string): string {
  try {
    return JSON.stringify(v, (_k, x) => {
      if (x instanceof NDArray) throw new TypeError('array');
      if (typeof x === 'function') throw new TypeError('function');
      return x;
    }) ?? 'undefined';
  } catch (e) {
    throw new TypeError(`jit(${name}): static argument ${i} must be plain data (numbers, strings, booleans, arrays/objects of them) to serve as a cache key; got ${(e as Error).message === 'array' ? 'an Array — pass arrays as ordinary (traced) arguments' : 'a ' + typeof v}`);
  }
}

interface Signature { readonly tree: string; readonly avals: readonly string[]; readonly statics: readonly string[] }
const avalKey = (x: NDArray) => `${x.aval.str()}${x.weakType ? '(weak)' : ''}`;

function explainMiss(sig: Signature, seen: readonly Signature[]): string {
  if (seen.length === 0) return 'first call';
  const prev = seen[seen.length - 1]!;
  if (prev.tree !== sig.tree) return `argument structure changed from ${prev.tree} to ${sig.tree}`;
  const diffs: string[] = [];
  sig.statics.forEach((s, i) => { if (s !== prev.statics[i]) diffs.push(`static argument #${i} changed from ${prev.statics[i]} to ${s}`); });
  sig.avals.forEach((a, i) => { if (a !== prev.avals[i]) diffs.push(`array leaf ${i} changed from ${prev.avals[i]} to ${a}`); });
  return diffs.join('; ') || 'signature changed';
}

/** Moves constants into leading inputs, so the jaxpr is a pure function of its arguments. */
export function hoistConsts(cj: ClosedJaxpr): ClosedJaxpr {
  return new ClosedJaxpr(new Jaxpr([], [...cj.jaxpr.constvars, ...cj.jaxpr.invars], cj.jaxpr.eqns, cj.jaxpr.outs), []);
}

/**
 * jit(f, {staticArgnums, donateArgnums}): `f` traced once per input signature (shapes, dtypes,
 * tree structure, static values) into a jaxpr, optimised and compiled for the backend, then
 * replayed. Static arguments may be any plain data; the others are pytrees of arrays.
 *
 * @example
 * const step = jit((w: np.Array, x: np.Array) => w.sub(grad((v: np.Array) => x.matmul(v).square().sum())(w).mul(0.1)));
 * const w1 = step(np.zeros([3, 1]), np.ones([4, 3]));    // np.Array
 */
export function jit<A extends unknown[], R extends PyTree>(f: (...args: A) => R, opts: JitOptions = {}): JittedFunction<A, R> {
  expectFunction('jit', f);
  const name = opts.name ?? (f.name || 'jitted');
  const statics = asList(opts.staticArgnums), donates = asList(opts.donateArgnums);
  for (const d of donates) if (statics.includes(d)) throw new TypeError(`jit(${name}): argument ${d} cannot be both static and donated`);
  const cache = new Map<string, Compiled>();
  const seen: Signature[] = [];

  const prepare = (args: A) => {
    for (const i of [...statics, ...donates]) {
      if (!Number.isInteger(i) || i < 0 || i >= args.length) throw new RangeError(`jit(${name}): argnum ${i} is out of range for a call with ${args.length} arguments`);
    }
    const dynamicIdx = args.map((_, i) => i).filter((i) => !statics.includes(i));
    const [leaves, inTree] = flattenArgs(dynamicIdx.map((i) => args[i]), `jit(${name})`, dynamicIdx);
    const arrays = toArrays(leaves, `jit(${name})`);
    const leafDonated: boolean[] = [];
    dynamicIdx.forEach((i) => { const n = tree.leaves(args[i] as PyTree).length; for (let k = 0; k < n; k++) leafDonated.push(donates.includes(i)); });
    const sig: Signature = { tree: tree.treedefString(inTree), avals: arrays.map(avalKey), statics: statics.map((i) => staticKey(args[i], i, name)) };
    return { dynamicIdx, inTree, arrays, leafDonated, sig, key: JSON.stringify(sig) };
  };

  const compile = (args: A, p: ReturnType<typeof prepare>): { compiled: Compiled; cacheable: boolean } => {
    const [flatF, outTree] = flattenFun((...dyn: PyTree[]) => {
      const full = [...args] as PyTree[];
      p.dynamicIdx.forEach((i, k) => { full[i] = dyn[k]; });
      return f(...(full as A));
    }, p.inTree, `jit(${name})`);
    const traced = optimize(traceFlat(flatF, p.arrays.map((a) => a.aval), undefined, 'jit'));
    const consts = traced.consts;
    const compiled: Compiled = {
      jaxpr: hoistConsts(traced), consts, outTree: outTree(),
      donated: [...consts.map(() => false), ...p.leafDonated],
    };
    // Constants that are tracers belong to an enclosing transformation: valid for this call only.
    return { compiled, cacheable: !consts.some((c) => c instanceof Tracer) };
  };

  const lookup = (args: A, p: ReturnType<typeof prepare>): Compiled => {
    const hit = cache.get(p.key);
    if (hit) return hit;
    if (shouldLog()) console.error(`[cotangent] compiling ${name} for (${p.sig.avals.join(', ')}): ${explainMiss(p.sig, seen)}`);
    const { compiled, cacheable } = compile(args, p);
    if (cacheable) { cache.set(p.key, compiled); seen.push(p.sig); }
    return compiled;
  };

  const call = ((...args: A): ArrayTree<R> => {
    if (disabled > 0) return f(...args) as ArrayTree<R>;
    const p = prepare(args);
    const c = lookup(args, p);
    const outs = bind('jit', [...c.consts, ...p.arrays], { name, jaxpr: c.jaxpr, donated: c.donated });
    p.arrays.forEach((a, i) => { if (p.leafDonated[i] && a instanceof ConcreteArray && !outs.includes(a)) a.dispose(); });
    return tree.unflatten(c.outTree, outs) as ArrayTree<R>;
  }) as JittedFunction<A, R>;

  call.lower = (...args: A): Lowered => {
    const c = lookup(args, prepare(args));
    const backend = getBackend();
    return {
      jaxpr: c.jaxpr,
      consts: c.consts,
      outTree: c.outTree,
      asText: () => c.jaxpr.toString(),
      compiledText: () => executableFor(backend, c.jaxpr, c.donated)?.text ?? `the ${backend.name} backend runs this jaxpr equation by equation (it has no compiled form)`,
      compile: async () => { await executableFor(backend, c.jaxpr, c.donated)?.prepare?.(); },
    };
  };
  Object.defineProperty(call, 'cacheSize', { get: () => cache.size });
  call.clearCache = () => { cache.clear(); seen.length = 0; };
  return call;
}
