// WGSL for the fused steps of a compiled jaxpr: elementwise loops, reductions with their prologue and epilogue, matmul epilogues.
//
// Each fused step of the shared plan (src/backends/fusion/) becomes the body of one compute shader.
// A loop step runs one invocation per element of its domain; a reduction one invocation per output
// element (or a workgroup per output for long reductions, as the eager kernel); a dot_general's
// epilogue is a function the matmul shader calls on each product element. Inside, the tree walk
// of the plan splices one WGSL expression per elementwise equation (the eager kernels' table,
// elementwise.ts) and reads buffers at affine index forms: movement equations are index arithmetic.
//
// Coordinates. The domain's axes merge into as few as the index forms allow (the shared Nest), and
// each coordinate is unravelled from the flat invocation index once, only if some form needs it: an
// elementwise chain over any shape reads every buffer at `gid` itself.
//
// Literals are bound with `let` (not spliced as constants): WGSL evaluates constant expressions at
// shader creation and rejects some that are fine at run time (integer overflow, division by zero).
import { castScalar, DType } from '../../../core/dtype.js';
import { JaxprEqn, Literal, Var } from '../../../core/jaxpr.js';
import { ElementwisePrimitive, Params, REDUCE_COMBINE, ReducePrimitive } from '../../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../../core/shape.js';
import { Access, Affine, flatForm, formKey, formsRead, identityAccess, identityFlat, Nest, readLeaf, TreeVisitor, TreeWalk } from '../../fusion/access.js';
import { CallStep, FusionPlan, LoopStep, reducedAxes, ReduceStep } from '../../fusion/plan.js';
import { combineExpr, wgslElementwiseExpr } from '../elementwise.js';
import { cooperative, COOP, identity } from '../reduce.js';
import { entry, i, perElement, perItem, u, vectorizable, wgslType } from '../wgsl.js';

/** What code generation needs from the lowering: the plan and the binding name of each buffer. */
export interface ShaderContext {
  readonly plan: FusionPlan;
  /** The name of the binding holding `v` (read-only, or read-write when the step writes it). */
  buffer(v: Var): string;
}

/** A compute entry point, the module-scope WGSL it needs besides bindings and helpers, and the equations it computes inline. */
export interface Shader {
  readonly main: string;
  readonly functions: string;
  readonly workgroups: number;
  readonly fused: readonly JaxprEqn[];
  /** Bindings the shader reads and writes as array<vec4<T>> rather than array<T>. */
  readonly vec4Bindings?: ReadonlySet<string>;
}

// ---- literals ---------------------------------------------------------------------------------------
const f32Bits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;

/** A WGSL expression that is exactly this value of the dtype's storage type. */
export function wgslLiteral(value: number, dtype: DType): string {
  const v = castScalar(value, dtype);
  switch (wgslType(dtype)) {
    case 'i32': return i(v);
    case 'u32': return u(v);
    case 'f32': {
      const f = Math.fround(v);
      if (Number.isNaN(f)) return 'nan_f32()';
      if (f === Infinity) return 'inf_f32()';
      if (f === -Infinity) return '(-inf_f32())';
      // Signed zeros and subnormals by their bits: no decimal spelling to get wrong.
      if (f === 0 || Math.abs(f) < 2 ** -126) return `bitcast<f32>(${u(f32Bits(f))})`;
      const s = String(f);
      return `${/[.e]/.test(s) ? s : `${s}.0`}f`;
    }
  }
}

// ---- the emitter --------------------------------------------------------------------------------------
/** A value in the generated code, and whether it changes inside a reduction's loop (level 1) or not (0). */
interface Val { readonly ref: string; readonly level: 0 | 1 }

/** How a merged axis's coordinate is found: a WGSL expression, at a level. */
interface Coord { readonly expr: string; readonly level: 0 | 1 }

/**
 * How an element's loads and stores are spelled, when not as `buffer[index]`: a vectorized loop
 * reads a component of a vec4 loaded once and stores into a vec4 written once.
 */
interface ElementIO {
  load?(buffer: string, form: Affine): string | undefined;
  store?(buffer: string, value: string): string | undefined;
}

/** Fresh names, shared by every emitter of one shader. */
class Names {
  private n = 0;
  next(prefix: string): string { return `${prefix}${this.n++}`; }
}

/**
 * Collects a shader's statements at two levels: per output element (0) and inside a reduction's
 * loop (1). A load, index or operation is placed at the lowest level its inputs allow, so what
 * does not move along the reduced axes (a broadcast row, a per-output scale) is computed once.
 */
class Emitter {
  readonly lines: [string[], string[]] = [[], []];
  private readonly indices = new Map<string, Val>();
  private readonly coords = new Map<number, Val>();
  constructor(private readonly names: Names, private readonly nest: Nest, private readonly coord: (axis: number) => Coord, private readonly io: ElementIO = {}) {}

  bind(expr: string, level: 0 | 1): Val {
    const ref = this.names.next('t');
    this.lines[level].push(`let ${ref} = ${expr};`);
    return { ref, level };
  }

  private coordinate(g: number): Val {
    let c = this.coords.get(g);
    if (!c) {
      const { expr, level } = this.coord(g);
      c = /^\w+$/.test(expr) ? { ref: expr, level } : this.bind(expr, level);
      this.coords.set(g, c);
    }
    return c;
  }

  /** The u32 index k + Σ c_g·coord_g of a form, named once per form. */
  index(f: Affine): Val {
    const key = formKey(f);
    const hit = this.indices.get(key);
    if (hit) return hit;
    const terms: string[] = f.k === 0 ? [] : [u(f.k)];
    let level: 0 | 1 = 0;
    this.nest.coefs(f).forEach((c, g) => {
      if (c === 0) return;
      const x = this.coordinate(g);
      if (x.level === 1) level = 1;
      // A reversed axis has a negative coefficient: u32 arithmetic wraps mod 2^32, and the index it
      // sums to is in range, so the wrapped terms add up to it exactly.
      terms.push(c === 1 ? x.ref : `${x.ref} * ${u(c >>> 0)}`);
    });
    const val: Val = terms.length === 0 ? { ref: '0u', level: 0 }
      : terms.length === 1 && f.k === 0 && /^\w+$/.test(terms[0]!) ? { ref: terms[0]!, level }
      : this.bind(terms.join(' + '), level);
    this.indices.set(key, val);
    return val;
  }

  load(buffer: string, f: Affine): Val {
    const custom = this.io.load?.(buffer, f);
    if (custom !== undefined) return this.bind(custom, 0);
    const at = this.index(f);
    return this.bind(`${buffer}[${at.ref}]`, at.level);
  }
}

/** The coordinates of a domain's merged axes from a flat row-major index `flat` over the axes of `kind`. */
function unravelCoords(nest: Nest, flat: string, kind: 'K' | 'R', level: 0 | 1): (g: number) => Coord {
  const strides = new Map<number, number>();
  let stride = 1;
  for (let g = nest.axes.length - 1; g >= 0; g--) {
    if (nest.axes[g]!.kind !== kind) continue;
    strides.set(g, stride);
    stride *= nest.axes[g]!.size;
  }
  const outermost = nest.axes.findIndex((a) => a.kind === kind);
  return (g) => {
    const s = strides.get(g);
    if (s === undefined) throw new Error(`webgpu jit: axis ${g} is not a ${kind} axis`);
    const q = s === 1 ? flat : `(${flat} / ${u(s)})`;
    // The outermost coordinate needs no modulo: the flat index is below the axes' product.
    return { expr: g === outermost ? q : `${q} % ${u(nest.axes[g]!.size)}`, level };
  };
}

/** The value of an atom that is a literal, or a literal only broadcast or reshaped; else undefined. */
function constantValue(producer: ReadonlyMap<Var, JaxprEqn>, a: Var | Literal): number | undefined {
  for (;;) {
    if (a instanceof Literal) return a.value;
    const e = producer.get(a);
    if (!e || (e.primitive !== 'broadcast_in_dim' && e.primitive !== 'reshape')) return undefined;
    a = e.inputs[0]!;
  }
}

/**
 * Walks trees over a domain, loading buffers and splicing expressions. `locals`: values already
 * computed in this shader (earlier members, a reduction's result), read at the element being
 * computed; fusion guarantees they are never read anywhere else.
 */
function visitor(em: Emitter, ctx: ShaderContext, domain: Shape, locals: ReadonlyMap<Var, Val>, fused: JaxprEqn[]): TreeVisitor<Val> {
  return {
    leaf: readLeaf(domain, locals, (v, form) => (ctx.plan.buffered.has(v) ? em.load(ctx.buffer(v), form) : undefined), 'webgpu jit'),
    literal: (l) => em.bind(wgslLiteral(l.value, l.aval.dtype), 0),
    iota: (eqn, form) => {
      const at = em.index(form), d = (eqn.params as Params<'iota'>).dtype;
      return d === 'float32' ? em.bind(`f32(${at.ref})`, at.level) : d === 'int32' ? em.bind(`i32(${at.ref})`, at.level) : at;
    },
    elementwise: (eqn, ops) => {
      const inDtype = eqn.inputs[eqn.inputs.length - 1]!.aval.dtype;
      const zero = eqn.primitive === 'div' && inDtype === 'float32' ? constantValue(ctx.plan.producer, eqn.inputs[1]!) : undefined;
      if (zero === 0) {
        // A constant zero divisor (a mean over an empty axis): see div_zero_f32 for why.
        return em.bind(`div_zero_f32(${ops[0]!.ref}, ${Object.is(zero, -0) ? '0x80000000u' : '0u'})`, ops[0]!.level);
      }
      const expr = wgslElementwiseExpr(eqn.primitive as ElementwisePrimitive, inDtype, eqn.outvars[0]!.aval.dtype, ops.map((o) => o.ref));
      return em.bind(expr, ops.some((o) => o.level === 1) ? 1 : 0);
    },
    blocked: () => { throw new Error('webgpu jit: a blocked tree reached code generation'); },
    expanded: (eqn) => { fused.push(eqn); },
  };
}

const forms = (ctx: ShaderContext, roots: readonly Var[], domain: Shape, start: Access, viaAtom: boolean): Affine[] =>
  formsRead(ctx.plan.producer, ctx.plan.buffered, roots, domain, start, viaAtom);
const indent = (lines: readonly string[], by = '  '): string[] => lines.map((l) => by + l);

/**
 * Values computed over `domain` at the flat position `flat` (an output element of a reduction or a
 * matmul, all at level 0): statements computing `members` from their trees, then their stores
 * (stores last, so a value written in place over a buffer is read before it is overwritten).
 */
function elementStatements(ctx: ShaderContext, names: Names, domain: Shape, flat: string, members: readonly Var[], locals: Map<Var, Val>, fused: JaxprEqn[], io: ElementIO = {}): string[] {
  const id = identityAccess(domain);
  const nest = new Nest(domain, domain.map(() => 'K'), [identityFlat(domain), ...forms(ctx, members, domain, id, false)]);
  const em = new Emitter(names, nest, unravelCoords(nest, flat, 'K', 0), io);
  const walk = new TreeWalk(ctx.plan.producer, domain.length, visitor(em, ctx, domain, locals, fused));
  const stores: string[] = [];
  for (const m of members) {
    const val = walk.expand(m, id);
    locals.set(m, val);
    if (ctx.plan.stored.has(m)) stores.push(io.store?.(ctx.buffer(m), val.ref) ?? `${ctx.buffer(m)}[${flat}] = ${val.ref};`);
  }
  return [...em.lines[0], ...stores];
}

// ---- loop steps -----------------------------------------------------------------------------------------
/** A loop step computes every member at each element of its domain, several elements per invocation (perItem). */
export function loopShader(step: LoopStep, ctx: ShaderContext): Shader {
  const count = sizeOf(step.shape);
  const stores = step.members.filter((m) => ctx.plan.stored.has(m));
  const fused: JaxprEqn[] = [];
  if (count === 0 || stores.length === 0) return { main: '', functions: '', workgroups: 0, fused }; // nothing to compute
  if (vectorizable(count)) return vectorLoopShader(step, ctx, count);
  const body = elementStatements(ctx, new Names(), step.shape, 'gid', step.members, new Map(), fused);
  const { code, workgroups } = perItem(count, 'gid', body);
  return { main: code, functions: '', workgroups, fused };
}

/**
 * A long loop, four consecutive elements per step of an invocation: each buffer read only at the
 * element itself is loaded as one vec4 and each result stored as one, while the element's
 * statements run once per component, at `gid` = 4g + c (so any other read, a broadcast row or a
 * transposed operand, is the scalar load it always is). Wide loads and stores are what memory
 * systems reward on a GPU; on llvmpipe the 10M-element tanh chain went from ~27 to ~15 ms.
 */
function vectorLoopShader(step: LoopStep, ctx: ShaderContext, count: number): Shader {
  const groups = count / 4;
  // Which bindings are read anywhere other than at the element itself: those stay scalar.
  const here = formKey(identityFlat(step.shape));
  const atElement = new Set<string>(), elsewhere = new Set<string>();
  elementStatements(ctx, new Names(), step.shape, 'gid', step.members, new Map(), [], {
    load: (buffer, form) => { (formKey(form) === here ? atElement : elsewhere).add(buffer); return undefined; },
  });
  const stored = step.members.filter((m) => ctx.plan.stored.has(m));
  const written = new Map<string, string>();
  for (const m of stored) written.set(ctx.buffer(m), wgslType(m.aval.dtype));
  const vec = new Set([...atElement, ...written.keys()].filter((b) => !elsewhere.has(b)));

  const names = new Names();
  const fused: JaxprEqn[] = [];
  const body: string[] = [];
  for (const b of atElement) if (vec.has(b)) body.push(`let v_${b} = ${b}[g];`);
  for (const [b, t] of written) if (vec.has(b)) body.push(`var o_${b}: vec4<${t}>;`);
  for (let c = 0; c < 4; c++) {
    const lines = elementStatements(ctx, names, step.shape, 'gid', step.members, new Map(), fused, {
      load: (buffer, form) => (vec.has(buffer) && formKey(form) === here ? `v_${buffer}[${c}]` : undefined),
      store: (buffer, value) => (vec.has(buffer) ? `o_${buffer}[${c}] = ${value};` : undefined),
    });
    body.push('{', ...indent([`let gid = 4u * g + ${u(c)};`, ...lines]), '}');
  }
  for (const b of written.keys()) if (vec.has(b)) body.push(`${b}[g] = o_${b};`);

  const { code, workgroups } = perItem(groups, 'g', body);
  return { main: code, functions: '', workgroups, fused, vec4Bindings: vec };
}

// ---- reductions -----------------------------------------------------------------------------------------
/**
 * A reduction with its prologue (the tree below its input, read at each input index) and epilogue
 * (loop values over its output, computed from the result as it is finished).
 */
export function reduceShader(step: ReduceStep, ctx: ShaderContext): Shader {
  const e = step.eqn, x = e.inputs[0] as Var, r = e.outvars[0]!;
  const domain = x.aval.shape, axes = reducedAxes(e);
  const OUT = r.aval.size, d = r.aval.dtype, t = wgslType(d);
  const names = new Names();
  const isArg = e.primitive === 'argmax' || e.primitive === 'argmin';
  const prim = e.primitive as ReducePrimitive;
  const fused: JaxprEqn[] = [];

  /** The result `res` is known: store it, then the epilogue. */
  const finish = (): string[] => {
    // A float16 result is folded in f32 and rounded once (as eager and the CPU compute it).
    const round = d === 'float16' ? ['let res16 = f16_round(res);'] : [];
    const ref = d === 'float16' ? 'res16' : 'res';
    const locals = new Map<Var, Val>([[r, { ref, level: 0 }]]);
    const stores = ctx.plan.stored.has(r) ? [`${ctx.buffer(r)}[o] = ${ref};`] : [];
    return [...round, ...stores, ...elementStatements(ctx, names, r.aval.shape, 'o', step.epilogue, locals, fused)];
  };

  if (x.aval.size === 0) {
    const { code, workgroups } = perElement(OUT, ['let o = gid;', `let res = ${identity(prim, d)};`, ...finish()]);
    return { main: code, functions: '', workgroups, fused };
  }
  // q: the output element an input index folds into (kept axes at the output's strides).
  const outStrides = stridesOf(r.aval.shape);
  const kept = domain.map((_, a) => a).filter((a) => !axes.includes(a));
  const q: Affine = { k: 0, c: domain.map((n, a) => (n === 1 || axes.includes(a) ? 0 : outStrides[kept.indexOf(a)]!)) };
  const id = identityAccess(domain);
  const kinds = domain.map((_, a) => (axes.includes(a) ? 'R' : 'K') as 'K' | 'R');
  const nest = new Nest(domain, kinds, [q, ...forms(ctx, [x], domain, id, true)]);
  const R = nest.axes.filter((g) => g.kind === 'R').reduce((p, g) => p * g.size, 1);
  const coop = !isArg && R > 1 && cooperative(OUT, R);
  const keptCoord = unravelCoords(nest, 'o', 'K', 0);
  const reducedCoord = coop ? unravelCoords(nest, 'r', 'R', 1) : (g: number): Coord => ({ expr: `r${g}`, level: 1 });
  const em = new Emitter(names, nest, (g) => (nest.axes[g]!.kind === 'K' ? keptCoord(g) : reducedCoord(g)));
  const v = new TreeWalk(ctx.plan.producer, domain.length, visitor(em, ctx, domain, new Map(), fused)).atom(x, id);

  if (R === 1) {
    // One element per output (reduced axes of size 1): the element itself, as on the CPU.
    const { code, workgroups } = perElement(OUT, ['let o = gid;', ...em.lines[0], ...em.lines[1], `let res = ${v.ref};`, ...finish()]);
    return { main: code, functions: '', workgroups, fused };
  }
  const loops = nest.axes.map((g, k) => ({ g, k })).filter(({ g }) => g.kind === 'R');
  if (coop) {
    // A workgroup per output: strided partial folds, then a tree in workgroup memory (as reduce.ts).
    const fold = (a: string, b: string) => combineExpr(REDUCE_COMBINE[prim], d, a, b);
    const body = [
      'let o = wid;',
      ...em.lines[0],
      `var acc: ${t} = ${identity(prim, d)};`,
      `for (var r = lid; r < ${u(R)}; r = r + ${u(COOP)}) {`,
      ...indent([...em.lines[1], `acc = ${fold('acc', v.ref)};`]),
      '}',
      'part[lid] = acc;',
      'workgroupBarrier();',
      `for (var s = ${u(COOP / 2)}; s > 0u; s = s >> 1u) {`,
      `  if (lid < s) { part[lid] = ${fold('part[lid]', 'part[lid + s]')}; }`,
      '  workgroupBarrier();',
      '}',
      'if (lid == 0u) {',
      ...indent(['let res = part[0];', ...finish()]),
      '}',
    ];
    return { main: entry(OUT, body, COOP), functions: `var<workgroup> part: array<${t}, ${COOP}>;`, workgroups: OUT, fused };
  }
  let init: string[], step1: string[], result: string;
  if (isArg) {
    // The first element, the first NaN, or a strictly better value (ties keep the first): the CPU's rule.
    const op = e.primitive === 'argmax' ? '>' : '<';
    const xt = wgslType(x.aval.dtype);
    const better = xt === 'f32' ? `!isnan_f32(best) && (isnan_f32(${v.ref}) || ${v.ref} ${op} best)` : `${v.ref} ${op} best`;
    init = [`var best: ${xt} = ${xt}(0);`, 'var at = -1i;'];
    step1 = [`if (at < 0i || (${better})) { best = ${v.ref}; at = i32(r${loops[0]!.k}); }`];
    result = d === 'int32' ? 'at' : 'u32(at)';
  } else {
    init = [`var acc: ${t} = ${identity(prim, d)};`];
    step1 = [`acc = ${combineExpr(REDUCE_COMBINE[prim], d, 'acc', v.ref)};`];
    result = 'acc';
  }
  // Nested loops over the reduced axes, innermost last (the input's order).
  let inner = [...em.lines[1], ...step1];
  for (let j = loops.length - 1; j >= 0; j--) {
    const { g, k } = loops[j]!;
    inner = [`for (var r${k} = 0u; r${k} < ${u(g.size)}; r${k} = r${k} + 1u) {`, ...indent(inner), '}'];
  }
  const { code, workgroups } = perElement(OUT, ['let o = gid;', ...em.lines[0], ...init, ...inner, `let res = ${result};`, ...finish()]);
  return { main: code, functions: '', workgroups, fused };
}

// ---- matmul epilogues ----------------------------------------------------------------------------------
/**
 * The work fused after a dot_general, as a function the matmul shader calls on each product
 * element `o` (flat over the product's shape) with its value `v`: the product stored if anything
 * else reads it, then each epilogue value computed and stored.
 */
export function dotEpilogueFunction(step: CallStep, ctx: ShaderContext): { functions: string; fused: readonly JaxprEqn[] } {
  const p = step.eqn.outvars[0]!;
  const t = wgslType(p.aval.dtype);
  const locals = new Map<Var, Val>([[p, { ref: 'v', level: 0 }]]);
  const stores = ctx.plan.stored.has(p) ? [`${ctx.buffer(p)}[o] = v;`] : [];
  const fused: JaxprEqn[] = [];
  const body = [...stores, ...elementStatements(ctx, new Names(), p.aval.shape, 'o', step.epilogue, locals, fused)];
  return { functions: [`fn epilogue(o: u32, v: ${t}) {`, ...indent(body), '}'].join('\n'), fused };
}

/** The printed form of an equation, for the comments heading each shader in compiledText(). */
export function eqnText(e: JaxprEqn, name: (v: Var) => string): string {
  const atom = (a: Var | Literal) => (a instanceof Literal ? String(castScalar(a.value, a.aval.dtype)) : name(a));
  return `${e.outvars.map(name).join(' ')} = ${e.primitive} ${e.inputs.map(atom).join(' ')}`;
}
