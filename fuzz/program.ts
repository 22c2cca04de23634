// The fuzzer's programs: a list of np/lax calls over named variables, with the catalog of calls it
// draws from. One program runs eagerly, under jit, under grad/jvp/vjp and on either backend by the
// same interpreter, and prints as runnable TypeScript. Float inputs have the symbolic dtype 'F' so
// one program is checked at float32 (against WebGPU) and at float64 (against finite differences).
import { np, lax, random, vmap } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';

export type FloatDtype = 'float32' | 'float64';
/** An input's dtype: a concrete one, or 'F' (the program's float dtype). */
export type InputDtype = DType | 'F';
export interface InputSpec { readonly name: string; readonly shape: readonly number[]; readonly dtype: InputDtype; readonly values: readonly number[] }
/** One call: `out = OPS[op].apply(args, params)`. Params are plain JSON, 'F' again standing for the float dtype. */
export interface OpNode { readonly out: string; readonly op: string; readonly args: readonly string[]; readonly params: Params }
export interface Program { readonly inputs: readonly InputSpec[]; readonly body: readonly OpNode[]; readonly output: string }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Params = any;

/** How a call is run and printed. `smooth`: differentiable wherever a random input lands (no kinks, steps or ties). */
export interface OpSpec {
  readonly smooth: boolean;
  /** False for calls reverse mode cannot go through (lax.whileLoop): grad and vjp checks skip them. */
  readonly reverse?: boolean;
  /** False for calls WebGPU refuses by design (a lax.whileLoop's device-valued predicate): the WebGPU check skips them. */
  readonly webgpu?: boolean;
  apply(xs: readonly NDArray[], p: Params, F: FloatDtype): NDArray;
  src(xs: readonly string[], p: Params, F: FloatDtype): string;
}

const dt = (d: string, F: FloatDtype): DType => (d === 'F' ? F : (d as DType));
const lit = (v: unknown): string => JSON.stringify(v);
/** A JS number as the program's source writes it (NaN/Infinity have no JSON spelling). */
const num = (v: number): string => (Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN');

const unary = (f: (x: NDArray) => NDArray, name: string, smooth = true): OpSpec => ({
  smooth, apply: ([x]) => f(x!), src: ([x]) => name.replace(/\$/g, x!),
});
/** A binary op whose second operand is a variable or, when `p.scalar` is set, a JS number. */
const binary = (f: (x: NDArray, y: NDArray | number) => NDArray, name: string, smooth = true): OpSpec => ({
  smooth,
  apply: ([x, y], p) => f(x!, p.scalar !== undefined ? p.scalar : y!),
  src: ([x, y], p) => `${name}(${x}, ${p.scalar !== undefined ? num(p.scalar) : y})`,
});
const reduceOpts = (p: Params) => ({ axis: p.axis, keepdims: p.keepdims });
const reduceSrc = (name: string) => (xs: readonly string[], p: Params) => `np.${name}(${xs[0]}, ${lit(reduceOpts(p)).replace(/"(\w+)":/g, '$1: ')})`;
const square1 = (x: NDArray) => np.add(np.square(x), 1);

export const OPS: Record<string, OpSpec> = {
  // elementwise, smooth on floats (domains kept open: log(x²+1), not log(x))
  exp: unary(np.exp, 'np.exp($)'),
  sin: unary(np.sin, 'np.sin($)'),
  cos: unary(np.cos, 'np.cos($)'),
  tanh: unary(np.tanh, 'np.tanh($)'),
  sigmoid: unary(np.sigmoid, 'np.sigmoid($)'),
  expm1: unary(np.expm1, 'np.expm1($)'),
  sinh: unary(np.sinh, 'np.sinh($)'),
  arctan: unary(np.arctan, 'np.arctan($)'),
  square: unary(np.square, 'np.square($)'),
  negative: unary(np.negative, 'np.negative($)'),
  logSq1: unary((x) => np.log(square1(x)), 'np.log(np.add(np.square($), 1))'),
  log1pSq: unary((x) => np.log1p(np.square(x)), 'np.log1p(np.square($))'),
  sqrtSq1: unary((x) => np.sqrt(square1(x)), 'np.sqrt(np.add(np.square($), 1))'),
  rsqrtSq1: unary((x) => np.rsqrt(square1(x)), 'np.rsqrt(np.add(np.square($), 1))'),
  recipSq1: unary((x) => np.reciprocal(square1(x)), 'np.reciprocal(np.add(np.square($), 1))'),
  // elementwise with kinks or steps
  abs: unary(np.abs, 'np.abs($)', false),
  sign: unary(np.sign, 'np.sign($)', false),
  floor: unary(np.floor, 'np.floor($)', false),
  ceil: unary(np.ceil, 'np.ceil($)', false),
  round: unary((x) => np.round(x), 'np.round($)', false),
  relu: unary((x) => np.maximum(x, 0), 'np.maximum($, 0)', false),
  logicalNot: unary(np.logicalNot, 'np.logicalNot($)', false),
  isfinite: unary(np.isfinite, 'np.isfinite($)', false),
  clip: { smooth: false, apply: ([x], p) => np.clip(x!, p.lo, p.hi), src: ([x], p) => `np.clip(${x}, ${p.lo}, ${p.hi})` },
  // binary, broadcasting
  add: binary(np.add, 'np.add'),
  subtract: binary(np.subtract, 'np.subtract'),
  multiply: binary(np.multiply, 'np.multiply'),
  divideSq1: { smooth: true, apply: ([x, y]) => np.divide(x!, square1(y!)), src: ([x, y]) => `np.divide(${x}, np.add(np.square(${y}), 1))` },
  powerSq1: { smooth: true, apply: ([x, y]) => np.power(square1(x!), y!), src: ([x, y]) => `np.power(np.add(np.square(${x}), 1), ${y})` },
  arctan2: { smooth: true, apply: ([x, y]) => np.arctan2(x!, square1(y!)), src: ([x, y]) => `np.arctan2(${x}, np.add(np.square(${y}), 1))` },
  maximum: binary(np.maximum, 'np.maximum', false),
  minimum: binary(np.minimum, 'np.minimum', false),
  modPos: { smooth: false, apply: ([x, y]) => np.mod(x!, np.add(np.abs(y!), 1)), src: ([x, y]) => `np.mod(${x}, np.add(np.abs(${y}), 1))` },
  floorDividePos: { smooth: false, apply: ([x, y]) => np.floorDivide(x!, np.add(np.abs(y!), 1)), src: ([x, y]) => `np.floorDivide(${x}, np.add(np.abs(${y}), 1))` },
  less: binary(np.less, 'np.less', false),
  greaterEqual: binary(np.greaterEqual, 'np.greaterEqual', false),
  equal: binary(np.equal, 'np.equal', false),
  logicalAnd: binary(np.logicalAnd, 'np.logicalAnd', false),
  logicalXor: binary(np.logicalXor, 'np.logicalXor', false),
  where: { smooth: false, apply: ([c, x, y]) => np.where(c!, x!, y!), src: ([c, x, y]) => `np.where(${c}, ${x}, ${y})` },
  astype: {
    smooth: false,
    // float → unsigned goes through abs and float → int through a clip: NumPy leaves out-of-range casts undefined.
    apply: ([x], p, F) => {
      const to = dt(p.dtype, F);
      const pre = p.guard === 'abs' ? np.abs(np.clip(x!, -1000, 1000)) : p.guard === 'clip' ? np.clip(x!, -1000, 1000) : x!;
      return np.astype(pre, to);
    },
    src: ([x], p, F) => `np.astype(${p.guard === 'abs' ? `np.abs(np.clip(${x}, -1000, 1000))` : p.guard === 'clip' ? `np.clip(${x}, -1000, 1000)` : x}, ${lit(dt(p.dtype, F))})`,
  },
  // reductions (max/min/argmax only over non-empty axes)
  sum: { smooth: true, apply: ([x], p) => np.sum(x!, reduceOpts(p)), src: reduceSrc('sum') },
  mean: { smooth: true, apply: ([x], p) => np.mean(x!, reduceOpts(p)), src: reduceSrc('mean') },
  prod: { smooth: true, apply: ([x], p) => np.prod(x!, reduceOpts(p)), src: reduceSrc('prod') },
  max: { smooth: false, apply: ([x], p) => np.max(x!, reduceOpts(p)), src: reduceSrc('max') },
  min: { smooth: false, apply: ([x], p) => np.min(x!, reduceOpts(p)), src: reduceSrc('min') },
  any: { smooth: false, apply: ([x], p) => np.any(x!, reduceOpts(p)), src: reduceSrc('any') },
  all: { smooth: false, apply: ([x], p) => np.all(x!, reduceOpts(p)), src: reduceSrc('all') },
  variance: { smooth: true, apply: ([x], p) => np.var(x!, reduceOpts(p)), src: reduceSrc('var') },
  argmax: { smooth: false, apply: ([x], p) => np.argmax(x!, { axis: p.axis, keepdims: p.keepdims }), src: reduceSrc('argmax') },
  argmin: { smooth: false, apply: ([x], p) => np.argmin(x!, { axis: p.axis, keepdims: p.keepdims }), src: reduceSrc('argmin') },
  logsumexp: {
    smooth: true,
    apply: ([x], p) => { const m = np.max(x!, { axis: p.axis, keepdims: true }); return np.add(np.log(np.sum(np.exp(np.subtract(x!, m)), { axis: p.axis, keepdims: true })), m); },
    src: ([x], p) => `np.add(np.log(np.sum(np.exp(np.subtract(${x}, np.max(${x}, { axis: ${p.axis}, keepdims: true }))), { axis: ${p.axis}, keepdims: true })), np.max(${x}, { axis: ${p.axis}, keepdims: true }))`,
  },
  // linear algebra
  matmul: { smooth: true, apply: ([x, y]) => np.matmul(x!, y!), src: ([x, y]) => `np.matmul(${x}, ${y})` },
  dot: { smooth: true, apply: ([x, y]) => np.dot(x!, y!), src: ([x, y]) => `np.dot(${x}, ${y})` },
  outer: { smooth: true, apply: ([x, y]) => np.outer(x!, y!), src: ([x, y]) => `np.outer(${x}, ${y})` },
  tensordot: { smooth: true, apply: ([x, y], p) => np.tensordot(x!, y!, p.axes), src: ([x, y], p) => `np.tensordot(${x}, ${y}, ${p.axes})` },
  // shapes
  reshape: { smooth: true, apply: ([x], p) => np.reshape(x!, p.shape), src: ([x], p) => `np.reshape(${x}, ${lit(p.shape)})` },
  transpose: { smooth: true, apply: ([x], p) => np.transpose(x!, p.axes), src: ([x], p) => `np.transpose(${x}, ${lit(p.axes)})` },
  swapaxes: { smooth: true, apply: ([x], p) => np.swapaxes(x!, p.a, p.b), src: ([x], p) => `np.swapaxes(${x}, ${p.a}, ${p.b})` },
  expandDims: { smooth: true, apply: ([x], p) => np.expandDims(x!, p.axis), src: ([x], p) => `np.expandDims(${x}, ${p.axis})` },
  squeeze: { smooth: true, apply: ([x], p) => np.squeeze(x!, p.axis), src: ([x], p) => `np.squeeze(${x}, ${p.axis})` },
  broadcastTo: { smooth: true, apply: ([x], p) => np.broadcastTo(x!, p.shape), src: ([x], p) => `np.broadcastTo(${x}, ${lit(p.shape)})` },
  concatenate: { smooth: true, apply: (xs, p) => np.concatenate(xs, p.axis), src: (xs, p) => `np.concatenate([${xs.join(', ')}], ${p.axis})` },
  stack: { smooth: true, apply: (xs, p) => np.stack(xs, p.axis), src: (xs, p) => `np.stack([${xs.join(', ')}], ${p.axis})` },
  split: { smooth: true, apply: ([x], p) => np.split(x!, p.sections, p.axis)[p.pick]!, src: ([x], p) => `np.split(${x}, ${lit(p.sections)}, ${p.axis})[${p.pick}]` },
  flip: { smooth: true, apply: ([x], p) => np.flip(x!, p.axis), src: ([x], p) => `np.flip(${x}, ${p.axis})` },
  roll: { smooth: true, apply: ([x], p) => np.roll(x!, p.shift, p.axis), src: ([x], p) => `np.roll(${x}, ${p.shift}, ${p.axis})` },
  tile: { smooth: true, apply: ([x], p) => np.tile(x!, p.reps), src: ([x], p) => `np.tile(${x}, ${lit(p.reps)})` },
  repeat: { smooth: true, apply: ([x], p) => np.repeat(x!, p.repeats, p.axis), src: ([x], p) => `np.repeat(${x}, ${p.repeats}, ${p.axis})` },
  pad: {
    smooth: true,
    apply: ([x], p) => lax.pad(x!, np.astype(p.value, x!.dtype), p.config),
    src: ([x], p) => `lax.pad(${x}, np.astype(${p.value}, ${x}.dtype), ${lit(p.config)})`,
  },
  sliceStrided: {
    smooth: true,
    apply: ([x], p) => lax.slice(x!, p.start, p.limit, p.strides),
    src: ([x], p) => `lax.slice(${x}, ${lit(p.start)}, ${lit(p.limit)}, ${lit(p.strides)})`,
  },
  // indexing: integers, slices, null, '...', integer arrays (second operand), updates
  getItem: {
    smooth: true,
    apply: ([x, idx], p) => x!.get(...p.index.map((i: unknown) => (i === '$idx' ? idx! : i))),
    src: ([x, idx], p) => `${x}.get(${p.index.map((i: unknown) => (i === '$idx' ? idx : lit(i))).join(', ')})`,
  },
  atUpdate: {
    smooth: false,
    apply: ([x, idx, v], p) => {
      const u = x!.at(...p.index.map((i: unknown) => (i === '$idx' ? idx! : i))) as unknown as Record<string, (v: unknown) => NDArray>;
      return u[p.method]!(p.scalar !== undefined ? p.scalar : v!);
    },
    src: ([x, idx, v], p) => `${x}.at(${p.index.map((i: unknown) => (i === '$idx' ? idx : lit(i))).join(', ')}).${p.method}(${p.scalar !== undefined ? num(p.scalar) : v})`,
  },
  // sorting
  sort: { smooth: false, apply: ([x], p) => np.sort(x!, { axis: p.axis, descending: p.descending }), src: ([x], p) => `np.sort(${x}, { axis: ${p.axis}, descending: ${p.descending} })` },
  argsort: { smooth: false, apply: ([x], p) => np.argsort(x!, { axis: p.axis }), src: ([x], p) => `np.argsort(${x}, { axis: ${p.axis} })` },
  takeAlongArgsort: {
    smooth: false,
    apply: ([x, y], p) => np.takeAlongAxis(x!, np.argsort(y!, { axis: p.axis }), p.axis),
    src: ([x, y], p) => `np.takeAlongAxis(${x}, np.argsort(${y}, { axis: ${p.axis} }), ${p.axis})`,
  },
  // random bits (threefry) mixed into a value
  addUniform: {
    smooth: true,
    apply: ([x], p, F) => np.add(x!, random.uniform(random.key(p.seed), x!.shape, { dtype: dt(p.dtype, F) })),
    src: ([x], p, F) => `np.add(${x}, random.uniform(random.key(${p.seed}), ${x}.shape, { dtype: '${dt(p.dtype, F)}' }))`,
  },
};

// ---- control flow and vmap: bodies are small compositions of the smooth unary calls above ------
const un = (name: string) => (a: NDArray) => OPS[name]!.apply([a], {}, 'float32');
const unSrc = (name: string, a: string) => OPS[name]!.src([a], {}, 'float32');
Object.assign(OPS, {
  // lax.cond on the sign of a sum: each branch a different smooth call (kinks only where the sum is 0).
  cond: {
    smooth: true,
    apply: ([x], p) => lax.cond(np.greater(np.sum(x!), 0), un(p.t), un(p.f), x!),
    src: ([x], p) => `lax.cond(np.greater(np.sum(${x}), 0), (a) => ${unSrc(p.t, 'a')}, (a) => ${unSrc(p.f, 'a')}, ${x})`,
  },
  switch: {
    smooth: true,
    apply: ([x], p) => lax.switch(np.clip(np.astype(np.floor(np.sum(x!)), 'int32'), -1, 3), p.branches.map(un), x!),
    src: ([x], p) => `lax.switch(np.clip(np.astype(np.floor(np.sum(${x})), 'int32'), -1, 3), [${p.branches.map((b: string) => `(a) => ${unSrc(b, 'a')}`).join(', ')}], ${x})`,
  },
  // lax.scan over the leading axis: carry c ← c/2 + t(x_i), output c·x_i (ys) or the final carry.
  scan: {
    smooth: true,
    apply: ([x], p) => {
      const [c, ys] = lax.scan((c: NDArray, xi: NDArray) => { const n = np.add(np.multiply(c, 0.5), un(p.t)(xi)); return [n, np.multiply(n, xi)] as const; },
        np.zeros(x!.shape.slice(1), { dtype: x!.dtype }), x!, { reverse: p.reverse });
      return p.out === 'carry' ? c : ys;
    },
    src: ([x], p) => `lax.scan((c, xi) => { const n = np.add(np.multiply(c, 0.5), ${unSrc(p.t, 'xi')}); return [n, np.multiply(n, xi)]; }, np.zeros(${x}.shape.slice(1), { dtype: ${x}.dtype }), ${x}, { reverse: ${p.reverse} })[${p.out === 'carry' ? 0 : 1}]`,
  },
  foriLoop: {
    smooth: true,
    apply: ([x], p) => lax.foriLoop(0, p.n, (_i: NDArray, c: NDArray) => np.add(np.multiply(c, 0.5), un(p.t)(c)), x!),
    src: ([x], p) => `lax.foriLoop(0, ${p.n}, (i, c) => np.add(np.multiply(c, 0.5), ${unSrc(p.t, 'c')}), ${x})`,
  },
  whileLoop: {
    smooth: true,
    reverse: false,
    webgpu: false,
    apply: ([x], p) => lax.whileLoop(([i]: NDArray[]) => np.less(i!, p.n), ([i, c]: NDArray[]) => [np.add(i!, 1), un(p.t)(c!)], [np.array(0, { dtype: 'int32' }), x!])[1]!,
    src: ([x], p) => `lax.whileLoop(([i]) => np.less(i, ${p.n}), ([i, c]) => [np.add(i, 1), ${unSrc(p.t, 'c')}], [np.array(0, { dtype: 'int32' }), ${x}])[1]`,
  },
  // vmap over one axis of x, with y (shaped like one slice) unmapped.
  vmap: {
    smooth: false,
    apply: ([x, y], p) => vmap(VMAP_BODIES[p.body]!, { inAxes: [p.axis, null] })(x!, y!) as NDArray,
    src: ([x, y], p) => `vmap(${VMAP_SRC[p.body]}, { inAxes: [${p.axis}, null] })(${x}, ${y})`,
  },
} satisfies Record<string, OpSpec>);

/** vmap bodies: (slice of x, y) → array. */
const VMAP_BODIES: Record<string, (a: NDArray, b: NDArray) => NDArray> = {
  smooth: (a, b) => np.add(np.sin(a), np.multiply(b, np.sum(a))),
  sort: (a, b) => np.multiply(np.sort(a, { axis: -1 }), b),
  reduce: (a, b) => np.add(np.multiply(a, np.max(a)), b),
  index: (a, b) => np.add(a.get(0), np.sum(b)),
  matmul: (a, b) => np.matmul(a, np.transpose(b)),
  where: (a, b) => np.where(np.greater(a, b), a, np.multiply(b, 2)),
};
const VMAP_SRC: Record<string, string> = {
  smooth: '(a, b) => np.add(np.sin(a), np.multiply(b, np.sum(a)))',
  sort: '(a, b) => np.multiply(np.sort(a, { axis: -1 }), b)',
  reduce: '(a, b) => np.add(np.multiply(a, np.max(a)), b)',
  index: '(a, b) => np.add(a.get(0), np.sum(b))',
  matmul: '(a, b) => np.matmul(a, np.transpose(b))',
  where: '(a, b) => np.where(np.greater(a, b), a, np.multiply(b, 2))',
};

/** An input's array: its values in its dtype (F resolved), reshaped, on `device`. */
export function makeInput(s: InputSpec, F: FloatDtype, device?: string): NDArray {
  const dtype = dt(s.dtype, F);
  const flat = dtype === 'bool' ? s.values.map((v) => v !== 0) : s.values;
  return np.reshape(np.array(flat as number[], { dtype, device }), [...s.shape]);
}

/** Runs the program's body on its inputs (arrays, tracers, anything np takes), returning the output. */
export function evalProgram(p: Program, args: readonly NDArray[], F: FloatDtype): NDArray {
  const env = new Map<string, NDArray>();
  p.inputs.forEach((s, i) => env.set(s.name, args[i]!));
  for (const n of p.body) {
    const spec = OPS[n.op];
    if (!spec) throw new Error(`fuzz: unknown op ${n.op}`);
    env.set(n.out, spec.apply(n.args.map((a) => env.get(a)!), n.params, F));
  }
  return env.get(p.output)!;
}

/** Whether every call on the way to the output is smooth (finite differences then check grad). */
export const isSmooth = (p: Program): boolean => p.body.every((n) => OPS[n.op]!.smooth);
/** Whether WebGPU runs every call. */
export const runsOnWebgpu = (p: Program): boolean => p.body.every((n) => OPS[n.op]!.webgpu !== false);
/** Whether reverse mode (grad, vjp) can run through every call. */
export const hasReverse = (p: Program): boolean => p.body.every((n) => OPS[n.op]!.reverse !== false);

const valuesSrc = (s: InputSpec, F: FloatDtype): string => {
  const dtype = dt(s.dtype, F);
  const vs = dtype === 'bool' ? s.values.map((v) => (v !== 0 ? 'true' : 'false')) : s.values.map(num);
  return `np.reshape(np.array([${vs.join(', ')}], { dtype: '${dtype}' }), ${lit(s.shape)})`;
};

/** The program as TypeScript that runs against cotangent (imports, inputs, the function, a call). */
export function programSource(p: Program, F: FloatDtype): string {
  const lines = [
    `import { np, lax, random, vmap, jit, grad } from 'cotangent';`,
    `import type { Array as NDArray } from 'cotangent';`,
    ...p.inputs.map((s) => `const ${s.name}_ = ${valuesSrc(s, F)};`),
    `const f = (${p.inputs.map((s) => `${s.name}: NDArray`).join(', ')}): NDArray => {`,
    ...p.body.map((n) => `  const ${n.out} = ${OPS[n.op]!.src(n.args, n.params, F)};`),
    `  return ${p.output};`,
    `};`,
    `console.log(f(${p.inputs.map((s) => `${s.name}_`).join(', ')}).toString(), jit(f)(${p.inputs.map((s) => `${s.name}_`).join(', ')}).toString());`,
  ];
  return lines.join('\n');
}

/** The variables the output depends on, and the program cut down to them. */
export function prune(p: Program): Program {
  const live = new Set([p.output]);
  for (let i = p.body.length - 1; i >= 0; i--) {
    const n = p.body[i]!;
    if (live.has(n.out)) n.args.forEach((a) => live.add(a));
  }
  return { inputs: p.inputs.filter((s) => live.has(s.name)), body: p.body.filter((n) => live.has(n.out)), output: p.output };
}
