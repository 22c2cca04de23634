// The fuzzer's generator: seeded random programs over the np/lax catalog in program.ts. Each call is
// drawn for the shapes and dtypes at hand (broadcasting partners, size-0 and size-1 axes, every
// dtype, indices in range) and tried eagerly on the CPU; a call the library rightly refuses (a user
// error) is drawn again, and any other exception is a finding.
import { np } from '../src/index.js';
import type { Array as NDArray, DType } from '../src/index.js';
import { evalProgram, InputDtype, InputSpec, OpNode, Params, Program } from './program.js';

/** mulberry32: small, seedable, good enough to draw programs. */
export class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) ^ 0x9e3779b9; }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number { return lo + Math.floor(this.next() * (hi - lo + 1)); }
  pick<T>(xs: readonly T[]): T { return xs[Math.floor(this.next() * xs.length)]!; }
  chance(p: number): boolean { return this.next() < p; }
  shuffle<T>(xs: readonly T[]): T[] {
    const a = [...xs];
    for (let i = a.length - 1; i > 0; i--) { const j = this.int(0, i); [a[i], a[j]] = [a[j]!, a[i]!]; }
    return a;
  }
}

type Kind = 'float' | 'int' | 'uint' | 'bool';
const kindOf = (d: DType): Kind => (d === 'float32' || d === 'float64' ? 'float' : d === 'int32' ? 'int' : d === 'uint32' ? 'uint' : 'bool');
interface Var { readonly name: string; readonly shape: readonly number[]; readonly dtype: DType; readonly kind: Kind }

/** The errors a library rightly raises for a call that does not fit (the generator's misses, not findings). */
export function isUserError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  if (['ShapeError', 'IndexError', 'DTypeError', 'RangeError'].includes(e.name)) return true;
  // TypeErrors the library raises name their function first ("where: expected ..."); engine TypeErrors do not.
  return e.name === 'TypeError' && /^[\w.()]+: /.test(e.message);
}

export interface GenOptions { readonly maxOps?: number; readonly maxInputs?: number }
/** A program that failed while being drawn: the call that threw something other than a user error. */
export interface DrawFailure { readonly program: Program; readonly error: unknown }

const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
const normAxis = (a: number, n: number) => (a < 0 ? a + n : a);

class Gen {
  inputs: InputSpec[] = [];
  body: OpNode[] = [];
  vars: Var[] = [];
  private values = new Map<string, NDArray>();
  constructor(readonly rng: Rng) {}

  dim(): number {
    const r = this.rng.next();
    return r < 0.05 ? 0 : r < 0.3 ? 1 : this.rng.int(2, 4);
  }
  shape(rank = this.rng.pick([0, 1, 1, 2, 2, 2, 3, 3, 4])): number[] { return Array.from({ length: rank }, () => this.dim()); }
  dtype(): InputDtype { return this.rng.pick<InputDtype>(['F', 'F', 'F', 'F', 'F', 'F', 'int32', 'int32', 'uint32', 'bool']); }
  sameKindDtype(k: Kind): InputDtype { return k === 'float' ? 'F' : k === 'int' ? 'int32' : k === 'uint' ? 'uint32' : 'bool'; }

  /** A new input; `index` draws integer values in [-n, n) (or [0, n) when `nonNegative`) instead. */
  input(shape: readonly number[], dtype: InputDtype, index?: { n: number; nonNegative?: boolean; unique?: boolean }): Var {
    const n = size(shape), r = this.rng;
    let values: number[];
    if (index) {
      const lo = index.nonNegative ? 0 : -index.n;
      values = index.unique ? r.shuffle(Array.from({ length: index.n }, (_, i) => (i % 2 && !index.nonNegative ? i - index.n : i))).slice(0, n) : Array.from({ length: n }, () => r.int(lo, index.n - 1));
    } else {
      values = Array.from({ length: n }, () =>
        dtype === 'F' ? Math.round(r.next() * 4000 - 2000) / 1000 : dtype === 'int32' ? r.int(-4, 4) : dtype === 'uint32' ? r.int(0, 6) : r.int(0, 1));
    }
    const spec: InputSpec = { name: `x${this.inputs.length}`, shape: [...shape], dtype, values };
    this.inputs.push(spec);
    const arr = np.reshape(np.array((dtype === 'bool' ? values.map((v) => v !== 0) : values) as number[], { dtype: dtype === 'F' ? 'float32' : dtype }), [...shape]);
    return this.addVar(spec.name, arr);
  }
  private addVar(name: string, arr: NDArray): Var {
    this.values.set(name, arr);
    const v: Var = { name, shape: [...arr.shape], dtype: arr.dtype, kind: kindOf(arr.dtype) };
    this.vars.push(v);
    return v;
  }
  value(v: Var): NDArray { return this.values.get(v.name)!; }

  /** A var to operate on: mostly recent ones, so programs grow deep rather than wide. */
  operand(pred: (v: Var) => boolean = () => true): Var | null {
    const ok = this.vars.filter(pred);
    if (!ok.length) return null;
    const i = Math.min(ok.length - 1, Math.floor(ok.length * Math.pow(this.rng.next(), 0.35)));
    return ok[i]!;
  }
  /** A shape that broadcasts against `s`: itself, some axes set to 1, a suffix, or extra leading axes. */
  broadcastPartner(s: readonly number[]): number[] {
    const r = this.rng;
    switch (r.int(0, 4)) {
      case 0: return [...s];
      case 1: return s.map((d) => (r.chance(0.5) ? 1 : d));
      case 2: return s.slice(r.int(0, s.length));
      case 3: return [...this.shape(r.int(1, 2)).map((d) => Math.min(d, 3)), ...s];
      default: return s.map((d) => (d === 1 && r.chance(0.5) ? r.int(0, 3) : d));
    }
  }
  /** A partner var for a binary op: an existing var that broadcasts with x, or a new input. */
  partner(x: Var, kinds: readonly Kind[]): Var {
    const r = this.rng;
    const fits = (v: Var) => kinds.includes(v.kind) && broadcasts(v.shape, x.shape);
    const existing = this.vars.filter(fits);
    if (existing.length && r.chance(0.35)) return r.pick(existing);
    const kind = r.chance(0.8) && kinds.includes(x.kind) ? x.kind : r.pick(kinds);
    return this.input(this.broadcastPartner(x.shape), this.sameKindDtype(kind));
  }

  /** Draws one call, runs it eagerly, and keeps it; false when the library refused it as a user error. */
  tryOp(): boolean {
    const mark = { inputs: this.inputs.length, vars: this.vars.length };
    const drawn = drawCall(this);
    if (!drawn) return false;
    const [op, args, params] = drawn;
    const out = `v${this.body.length}`;
    const node: OpNode = { out, op, args: args.map((a) => a.name), params };
    let result: NDArray;
    try {
      result = evalProgram({ inputs: this.inputs, body: [...this.body, node], output: out }, this.inputs.map((s) => this.values.get(s.name)!), 'float32');
    } catch (e) {
      if (isUserError(e)) {
        this.inputs.length = mark.inputs;
        this.vars.length = mark.vars;
        return false;
      }
      this.body.push(node);
      throw Object.assign(new Error('draw'), { program: this.program(out), error: e });
    }
    this.body.push(node);
    this.addVar(out, result);
    return true;
  }
  program(output?: string): Program {
    return { inputs: [...this.inputs], body: [...this.body], output: output ?? this.vars[this.vars.length - 1]!.name };
  }
}

function broadcasts(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const x = a[a.length - i]!, y = b[b.length - i]!;
    if (x !== y && x !== 1 && y !== 1) return false;
  }
  return true;
}

const numericKinds: Kind[] = ['float', 'int', 'uint'];
const allKinds: Kind[] = ['float', 'int', 'uint', 'bool'];
const SMOOTH_UNARY = ['exp', 'sin', 'cos', 'tanh', 'sigmoid', 'expm1', 'sinh', 'arctan', 'square', 'negative', 'logSq1', 'log1pSq', 'sqrtSq1', 'rsqrtSq1', 'recipSq1'];

/** The weighted menu of calls. */
const MENU: readonly [string, number][] = [
  ['smoothUnary', 14], ['kinkUnary', 5], ['clip', 2], ['binary', 14], ['safeBinary', 4], ['intBinary', 2], ['compare', 4],
  ['logical', 2], ['where', 3], ['astype', 3], ['reduce', 9], ['argReduce', 2], ['logsumexp', 2], ['matmul', 5], ['dot', 1],
  ['outer', 1], ['tensordot', 1], ['reshape', 3], ['transpose', 2], ['swapaxes', 1], ['expandDims', 1], ['squeeze', 1],
  ['broadcastTo', 2], ['concatenate', 2], ['stack', 1], ['split', 1], ['flip', 1], ['roll', 1], ['tile', 1], ['repeat', 1],
  ['pad', 2], ['sliceStrided', 2], ['getItem', 5], ['atUpdate', 4], ['sort', 2], ['argsort', 1], ['takeAlongArgsort', 1],
  ['addUniform', 1], ['control', 5], ['vmap', 4],
];
const MENU_TOTAL = MENU.reduce((s, [, w]) => s + w, 0);
function menuPick(r: Rng): string {
  let t = r.next() * MENU_TOTAL;
  for (const [name, w] of MENU) { t -= w; if (t < 0) return name; }
  return MENU[0]![0];
}

/** One axis, a negative axis, several, or all (null). */
function drawAxes(r: Rng, ndim: number): number | number[] | null {
  if (ndim === 0 || r.chance(0.2)) return null;
  if (ndim >= 2 && r.chance(0.25)) return r.shuffle(Array.from({ length: ndim }, (_, i) => i)).slice(0, 2);
  const a = r.int(0, ndim - 1);
  return r.chance(0.3) ? a - ndim : a;
}
const reducedAxes = (axis: number | number[] | null, ndim: number): number[] =>
  axis === null ? Array.from({ length: ndim }, (_, i) => i) : (Array.isArray(axis) ? axis : [axis]).map((a) => normAxis(a, ndim));

type Drawn = [string, Var[], Params] | null;
function drawCall(g: Gen): Drawn {
  const r = g.rng;
  const kind = menuPick(r);
  switch (kind) {
    case 'smoothUnary': {
      const x = g.operand((v) => v.kind === 'float'); if (!x) return null;
      return [r.pick(SMOOTH_UNARY), [x], {}];
    }
    case 'kinkUnary': {
      const x = g.operand(); if (!x) return null;
      const ops = x.kind === 'float' ? ['abs', 'sign', 'floor', 'ceil', 'round', 'relu', 'logicalNot', 'isfinite'] : x.kind === 'bool' ? ['logicalNot'] : ['abs', 'sign', 'relu', 'logicalNot'];
      return [r.pick(ops), [x], {}];
    }
    case 'clip': {
      const x = g.operand((v) => v.kind !== 'bool'); if (!x) return null;
      const [lo, hi] = x.kind === 'float' ? r.pick([[-1, 0.5], [0, 1], [-0.25, 0.25]]) : x.kind === 'uint' ? [1, 3] : [-1, 2];
      return ['clip', [x], { lo, hi }];
    }
    case 'binary': {
      const x = g.operand(); if (!x) return null;
      const op = r.pick(['add', 'subtract', 'multiply', 'maximum', 'minimum', 'add', 'multiply']);
      if (r.chance(0.25)) {
        const scalar = x.kind === 'float' ? r.pick([-1.5, 0.5, 2, 3]) : x.kind === 'uint' ? r.pick([1, 2, 3]) : r.pick([-1, 2, 3]);
        return [op, [x], { scalar }];
      }
      return [op, [x, g.partner(x, allKinds)], {}];
    }
    case 'safeBinary': {
      const x = g.operand((v) => v.kind === 'float'); if (!x) return null;
      return [r.pick(['divideSq1', 'powerSq1', 'arctan2']), [x, g.partner(x, ['float'])], {}];
    }
    case 'intBinary': {
      const x = g.operand((v) => v.kind !== 'bool'); if (!x) return null;
      return [r.pick(['modPos', 'floorDividePos']), [x, g.partner(x, [x.kind])], {}];
    }
    case 'compare': {
      const x = g.operand(); if (!x) return null;
      const op = r.pick(['less', 'greaterEqual', 'equal']);
      if (r.chance(0.3)) return [op, [x], { scalar: x.kind === 'float' ? 0.25 : 1 }];
      return [op, [x, g.partner(x, [x.kind === 'bool' ? 'bool' : x.kind])], {}];
    }
    case 'logical': {
      const x = g.operand(); if (!x) return null;
      return [r.pick(['logicalAnd', 'logicalXor']), [x, g.partner(x, allKinds)], {}];
    }
    case 'where': {
      const x = g.operand(); if (!x) return null;
      const c = g.operand((v) => v.kind === 'bool' && broadcasts(v.shape, x.shape)) ?? g.input(g.broadcastPartner(x.shape), 'bool');
      return ['where', [c, x, g.partner(x, [x.kind])], {}];
    }
    case 'astype': {
      const x = g.operand(); if (!x) return null;
      const to = r.pick<InputDtype>(['F', 'int32', 'uint32', 'bool']);
      const guard = x.kind === 'float' && to === 'uint32' ? 'abs' : x.kind === 'float' && to === 'int32' ? 'clip' : undefined;
      return ['astype', [x], guard ? { dtype: to, guard } : { dtype: to }];
    }
    case 'reduce': {
      const x = g.operand(); if (!x) return null;
      const axis = drawAxes(r, x.shape.length), keepdims = r.chance(0.3);
      const axes = reducedAxes(axis, x.shape.length);
      const empty = axes.some((a) => x.shape[a] === 0);
      const ops = x.kind === 'bool' ? ['sum', 'any', 'all', 'max'] : x.kind === 'float' ? ['sum', 'mean', 'prod', 'max', 'min', 'variance', 'any'] : ['sum', 'mean', 'prod', 'max', 'min'];
      const op = r.pick(ops.filter((o) => !(empty && (o === 'max' || o === 'min'))));
      return [op, [x], { axis, keepdims }];
    }
    case 'argReduce': {
      const x = g.operand((v) => v.kind !== 'bool' && size(v.shape) > 0); if (!x) return null;
      const axis = x.shape.length && r.chance(0.8) ? r.int(-x.shape.length, x.shape.length - 1) : null;
      const keepdims = axis !== null && r.chance(0.3);
      return [r.pick(['argmax', 'argmin']), [x], { axis, keepdims }];
    }
    case 'logsumexp': {
      const x = g.operand((v) => v.kind === 'float' && v.shape.length > 0); if (!x) return null;
      const axis = r.int(0, x.shape.length - 1);
      if (x.shape[axis] === 0 || size(x.shape) === 0) return null;
      return ['logsumexp', [x], { axis }];
    }
    case 'matmul': {
      const x = g.operand((v) => v.kind !== 'bool' && v.shape.length >= 1); if (!x) return null;
      const k = x.shape[x.shape.length - 1]!, m = g.dim(), dtype = x.kind === 'float' || r.chance(0.7) ? g.sameKindDtype(x.kind) : 'F';
      const batch = x.shape.length >= 2 && r.chance(0.4) ? x.shape.slice(0, -2).map((d) => (r.chance(0.5) ? 1 : d)) : [];
      const yShape = x.shape.length === 1 && r.chance(0.3) ? [k] : r.chance(0.15) ? [k] : [...batch, k, m];
      return ['matmul', [x, g.input(yShape, dtype)], {}];
    }
    case 'dot': {
      const x = g.operand((v) => v.kind === 'float' && (v.shape.length === 1 || v.shape.length === 2)); if (!x) return null;
      const k = x.shape[x.shape.length - 1]!;
      return ['dot', [x, g.input(r.chance(0.5) ? [k] : [k, g.dim()], 'F')], {}];
    }
    case 'outer': {
      const x = g.operand((v) => v.kind === 'float' && size(v.shape) <= 12); if (!x) return null;
      return ['outer', [x, g.input([g.dim()], 'F')], {}];
    }
    case 'tensordot': {
      const x = g.operand((v) => v.kind === 'float' && v.shape.length >= 1); if (!x) return null;
      const axes = r.int(0, Math.min(2, x.shape.length));
      return ['tensordot', [x, g.input([...x.shape.slice(x.shape.length - axes), ...g.shape(r.int(0, 1))], 'F')], { axes }];
    }
    case 'reshape': {
      const x = g.operand(); if (!x) return null;
      const n = size(x.shape);
      const factors: number[] = [];
      let rest = n;
      for (const p of [2, 3, 5, 7]) while (rest > 1 && rest % p === 0) { factors.push(p); rest /= p; }
      if (rest > 1) factors.push(rest);
      const rank = r.int(0, 3);
      const shape = Array.from({ length: Math.max(rank, n === 0 ? 1 : 0) }, () => 1);
      if (n === 0) shape[r.int(0, shape.length - 1)] = 0;
      else if (!shape.length && factors.length) shape.push(1);
      for (const f of factors) { const i = r.int(0, shape.length - 1); shape[i] = shape[i]! * f; }
      if (n > 0 && shape.length && r.chance(0.3)) shape[r.int(0, shape.length - 1)] = -1;
      return ['reshape', [x], { shape }];
    }
    case 'transpose': {
      const x = g.operand((v) => v.shape.length >= 2); if (!x) return null;
      return ['transpose', [x], { axes: r.shuffle(x.shape.map((_, i) => i)) }];
    }
    case 'swapaxes': {
      const x = g.operand((v) => v.shape.length >= 2); if (!x) return null;
      return ['swapaxes', [x], { a: r.int(0, x.shape.length - 1), b: r.int(-x.shape.length, -1) }];
    }
    case 'expandDims': {
      const x = g.operand(); if (!x) return null;
      return ['expandDims', [x], { axis: r.int(-x.shape.length - 1, x.shape.length) }];
    }
    case 'squeeze': {
      const x = g.operand((v) => v.shape.includes(1)); if (!x) return null;
      const ones = x.shape.flatMap((d, i) => (d === 1 ? [i] : []));
      return ['squeeze', [x], { axis: r.pick(ones) }];
    }
    case 'broadcastTo': {
      const x = g.operand(); if (!x) return null;
      const shape = [...g.shape(r.int(0, 2)).map((d) => Math.min(d, 3)), ...x.shape.map((d) => (d === 1 ? r.pick([1, 2, 3, 0]) : d))];
      return ['broadcastTo', [x], { shape }];
    }
    case 'concatenate': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const axis = r.int(0, x.shape.length - 1);
      const others = Array.from({ length: r.int(1, 2) }, () => (r.chance(0.3) ? x : g.input(x.shape.map((d, i) => (i === axis ? r.int(0, 3) : d)), g.sameKindDtype(x.kind))));
      return ['concatenate', [x, ...others], { axis: r.chance(0.3) ? axis - x.shape.length : axis }];
    }
    case 'stack': {
      const x = g.operand(); if (!x) return null;
      return ['stack', [x, r.chance(0.4) ? x : g.input(x.shape, g.sameKindDtype(x.kind))], { axis: r.int(0, x.shape.length) }];
    }
    case 'split': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const axis = r.int(0, x.shape.length - 1), n = x.shape[axis]!;
      const div = [1, 2, 3].filter((k) => n % k === 0);
      const sections: number | number[] = r.chance(0.5) ? r.pick(div) : [r.int(0, n), r.int(0, n + 1)].sort((a, b) => a - b);
      const pieces = typeof sections === 'number' ? sections : sections.length + 1;
      return ['split', [x], { sections, axis, pick: r.int(0, pieces - 1) }];
    }
    case 'flip': {
      const x = g.operand(); if (!x) return null;
      return ['flip', [x], { axis: x.shape.length && r.chance(0.7) ? r.int(0, x.shape.length - 1) : null }];
    }
    case 'roll': {
      const x = g.operand(); if (!x) return null;
      return ['roll', [x], { shift: r.int(-3, 3), axis: x.shape.length && r.chance(0.7) ? r.int(0, x.shape.length - 1) : null }];
    }
    case 'tile': {
      const x = g.operand((v) => size(v.shape) <= 24); if (!x) return null;
      return ['tile', [x], { reps: Array.from({ length: r.int(1, x.shape.length + 1) }, () => r.int(0, 2)) }];
    }
    case 'repeat': {
      const x = g.operand((v) => size(v.shape) <= 24); if (!x) return null;
      return ['repeat', [x], { repeats: r.int(0, 2), axis: x.shape.length && r.chance(0.7) ? r.int(0, x.shape.length - 1) : null }];
    }
    case 'pad': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const config = x.shape.map((d) => [r.int(d > 0 ? -1 : 0, 2), r.int(d > 1 ? -1 : 0, 2), r.int(0, 1)]);
      return ['pad', [x], { config, value: x.kind === 'float' ? r.pick([0, 1.5]) : r.pick([0, 1]) }];
    }
    case 'sliceStrided': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const start = x.shape.map((d) => r.int(0, d)), limit = x.shape.map((d, i) => r.int(start[i]!, d));
      return ['sliceStrided', [x], { start, limit, strides: x.shape.map(() => r.int(1, 3)) }];
    }
    case 'getItem': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const [index, extra] = drawIndex(g, x, false);
      return ['getItem', [x, ...extra], { index }];
    }
    case 'atUpdate': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      let method = r.pick(x.kind === 'bool' ? ['set'] : ['set', 'add', 'mul', 'min', 'max', 'add']);
      const [index, extra] = drawIndex(g, x, method === 'set');
      // Traced integer-array indices combine duplicates only by set/add (there is no scatter-mul/min/max): a documented refusal under jit.
      if (extra.length && method !== 'set') method = 'add';
      let target: NDArray;
      try { target = g.value(x).get(...index.map((i) => (i === "$idx" ? g.value(extra[0]!) : i) as np.Index)); } catch { return null; }
      if (r.chance(0.4)) {
        const scalar = x.kind === 'float' ? r.pick([0.5, -2]) : x.kind === 'bool' ? 1 : r.pick([1, 3]);
        return ['atUpdate', [x, ...extra], { index, method, scalar }];
      }
      const v = g.input(r.chance(0.7) ? target.shape : target.shape.slice(r.int(0, target.shape.length)), g.sameKindDtype(x.kind));
      return ['atUpdate', [x, extra[0] ?? x, v], { index, method }];
    }
    case 'sort': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      return ['sort', [x], { axis: r.int(-1, x.shape.length - 1), descending: r.chance(0.3) }];
    }
    case 'argsort': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      return ['argsort', [x], { axis: r.int(-1, x.shape.length - 1) }];
    }
    case 'takeAlongArgsort': {
      const x = g.operand((v) => v.shape.length >= 1); if (!x) return null;
      const keys = g.operand((v) => v.shape.length === x.shape.length && v.shape.every((d, i) => d === x.shape[i])) ?? x;
      return ['takeAlongArgsort', [x, keys], { axis: r.int(0, x.shape.length - 1) }];
    }
    case 'control': {
      const x = g.operand((v) => v.kind === 'float'); if (!x) return null;
      const t = r.pick(SMOOTH_UNARY), f = r.pick(SMOOTH_UNARY);
      switch (r.int(0, 4)) {
        case 0: return ['cond', [x], { t, f }];
        case 1: return ['switch', [x], { branches: [t, f, r.pick(SMOOTH_UNARY)] }];
        case 2: return x.shape.length ? ['scan', [x], { t, reverse: r.chance(0.3), out: r.pick(['ys', 'carry']) }] : null;
        case 3: return ['foriLoop', [x], { t, n: r.int(0, 3) }];
        default: return ['whileLoop', [x], { t, n: r.int(0, 3) }];
      }
    }
    case 'vmap': {
      const x = g.operand((v) => v.kind === 'float' && v.shape.length >= 1); if (!x) return null;
      const axis = r.int(0, x.shape.length - 1);
      const row = x.shape.filter((_, i) => i !== axis);
      const body = r.pick(['smooth', 'sort', 'reduce', 'index', 'matmul', 'where']);
      if ((body === 'sort' || body === 'index' || body === 'matmul') && row.length === 0) return null;
      if (body === 'index' && row[0] === 0) return null;
      if (body === 'reduce' && row.includes(0)) return null;
      const yShape = body === 'matmul' ? [g.dim(), row[row.length - 1]!] : row;
      return ['vmap', [x, g.input(yShape, 'F')], { axis, body }];
    }
    case 'addUniform': {
      const x = g.operand(); if (!x) return null;
      return ['addUniform', [x], { seed: r.int(0, 1000), dtype: 'F' }];
    }
  }
  return null;
}

/**
 * An index for x: integers in range, slices (negative steps, bounds past the ends), null, '...',
 * and at most one integer array (a new input, '$idx' in the index). For updates with `set`, the
 * array's entries are distinct (which duplicate wins is unspecified, as in JAX).
 */
function drawIndex(g: Gen, x: Var, unique: boolean): [unknown[], Var[]] {
  const r = g.rng;
  const index: unknown[] = [];
  const extra: Var[] = [];
  let axis = 0, ellipsis = false;
  const count = r.int(1, Math.min(3, x.shape.length + 1));
  for (let k = 0; k < count && axis < x.shape.length; k++) {
    const n = x.shape[axis]!;
    const c = r.next();
    if (c < 0.3 && n > 0) { index.push(r.int(-n, n - 1)); axis++; }
    else if (c < 0.6) {
      const step = r.pick([1, 1, 2, -1, -2]);
      const a = r.chance(0.7) ? String(r.int(-n - 1, n + 1)) : '', b = r.chance(0.7) ? String(r.int(-n - 1, n + 1)) : '';
      index.push(step === 1 && r.chance(0.5) ? `${a}:${b}` : `${a}:${b}:${step}`);
      axis++;
    } else if (c < 0.7) index.push(null);
    else if (c < 0.8 && !ellipsis) { index.push('...'); ellipsis = true; axis = Math.max(axis, x.shape.length - (count - k - 1)); }
    else if (!extra.length && n > 0) {
      const shape = unique ? [r.int(1, n)] : g.shape(r.int(0, 2)).map((d) => Math.min(d, 3));
      extra.push(g.input(shape, 'int32', { n, unique }));
      index.push('$idx');
      axis++;
    } else { index.push(':'); axis++; }
  }
  return [index, extra];
}

/** A random program: 1–3 inputs, then calls until `maxOps` are kept (each tried eagerly). */
export function generate(seed: number, opts: GenOptions = {}): Program | DrawFailure {
  const r = new Rng(seed);
  const g = new Gen(r);
  const nInputs = r.int(1, opts.maxInputs ?? 2);
  for (let i = 0; i < nInputs; i++) g.input(g.shape(), i === 0 ? 'F' : g.dtype());
  const nOps = r.int(1, opts.maxOps ?? 6);
  let kept = 0;
  for (let tries = 0; kept < nOps && tries < nOps * 8; tries++) {
    try {
      if (g.tryOp()) kept++;
    } catch (e) {
      const d = e as { program?: Program; error?: unknown };
      if (d.program) return { program: d.program, error: d.error };
      throw e;
    }
  }
  return g.program();
}
