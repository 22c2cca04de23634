// Code generation: the JS source of a compiled jaxpr, from its fusion plan and buffer plan.
//
// Fused loops and reductions are emitted as loop nests over their domain, with every scalar
// operation spliced from the expression table (expressions.ts); kernel steps call the CPU kernels;
// buffers come from the buffer plan.
//
// Loop nests. The domain's axes of size 1 are dropped, and neighbouring axes merge into one loop
// when every index form steps through them as one run (c_a = c_b·n_b, as in stridedCopy), so an
// elementwise chain over any shape is a single `for`, while a transposed read keeps two loops.
// Each binding is placed at the outermost loop level where all it depends on is known: a load whose
// index does not move in the inner loop (a broadcast row, a reduction's result read back) and
// anything computed from it are hoisted.
//
// Rounding. Eager float32 stores every intermediate into a Float32Array, so in fused code each
// float32 operation is wrapped in Math.fround (the same rounding at the same points: bitwise equal
// results). Operations whose float32 result is always representable (neg, abs, max, select, …)
// skip it. Reductions fold float32 in float64 and round once, as the eager kernel does.
import { castScalar, DType, typedArrayCtor } from '../../../core/dtype.js';
import { Jaxpr, JaxprEqn, Literal, Var, varNames } from '../../../core/jaxpr.js';
import { ElementwisePrimitive, Params, REDUCE_COMBINE, reduceIdentity, ReducePrimitive } from '../../../core/primitives.js';
import { Shape, sizeOf, stridesOf } from '../../../core/shape.js';
import { EXPRESSIONS, jsExpr, loadExpr, storeExpr } from '../expressions.js';
import { f16ToBits } from '../../../core/float16.js';
import { Access, Affine, constantForm, flatForm, formKey, formsRead, identityAccess, identityFlat, isConstant, Nest, readLeaf, TreeVisitor, TreeWalk } from '../../fusion/access.js';
import { BufferPlan, Storage } from '../../fusion/buffers.js';
import { foldsInLocal, FusionPlan, LoopStep, reducedAxes, ReduceStep } from '../../fusion/plan.js';
import { cpuControl, isControl } from './control.js';
import { wasmLoopStep } from './wasm-step.js';
import type { WasmLoop } from '../wasm/loops.js';

export interface CodegenOptions {
  /**
   * Round float32 intermediates as eager does (default). Off only to measure what the rounding
   * costs the JS loops: it also keeps float32 loops out of WASM (which computes in float32).
   */
  readonly roundFloat32?: boolean;
}

/** What the generated function closes over: kernels, equation params and avals, constant arrays. */
export interface Generated {
  readonly source: string;
  /** Constant typed arrays the code reads as C[i]: literal operands of kernels. */
  readonly consts: readonly { dtype: DType; value: number }[];
  /** Equations of kernel and call steps, indexed as the code's P/IA/OA tables are. */
  readonly calls: readonly JaxprEqn[];
  /** The WASM SIMD loops of fused float32 steps, read by the code as W[i]. */
  readonly wasm: readonly WasmLoop[];
}

// ---- small helpers -------------------------------------------------------------------------------
/** A JS literal that evaluates to exactly `v` (shortest round-trip form; -0, NaN and infinities spelled out). */
export function jsNumber(v: number): string {
  if (Object.is(v, -0)) return '(-0)';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '(-Infinity)';
  return v < 0 ? `(${v})` : String(v);
}
const ctor = (d: DType) => typedArrayCtor(d).name;
/** A JS literal of what storage of `d` holds for the value `v` (float16: its bits). */
const storageLiteral = (d: DType, v: number): string => (d === 'float16' ? String(f16ToBits(v)) : jsNumber(castScalar(v, d)));
const indent = (lines: readonly string[]) => lines.map((l) => '  ' + l);

/** float32 results of these, on float32 operands, are already float32: no rounding needed. */
const EXACT_F32 = new Set<string>(['neg', 'sign', 'floor', 'ceil', 'round', 'abs', 'max', 'min', 'select', 'rem']);


// ---- loop nests (their axes come from the shared Nest) ---------------------------------------------
interface Val { readonly ref: string; readonly level: number }

/**
 * Collects a loop nest's statements: bindings per loop level (level 0 is outside every loop), the
 * innermost statements (stores, folds), and for reductions what runs after the reduced loops.
 */
class Emitter {
  readonly lines: string[][];
  readonly inner: string[] = [];
  readonly after: string[] = [];
  /** While true (a reduction's epilogue), bindings go after the reduced loops. */
  epilogue = false;
  private n = 0;
  private readonly offsets = new Map<string, string>();
  constructor(readonly nest: Nest, readonly round: boolean) {
    this.lines = Array.from({ length: nest.axes.length + 1 }, () => []);
  }

  bind(expr: string, level: number, prefix = 't'): Val {
    const name = `${prefix}${this.n++}`;
    (this.epilogue ? this.after : this.lines[level]!).push(`const ${name} = ${expr};`);
    return { ref: name, level };
  }

  /**
   * The index of a form as a name defined at the form's level: partial sums k + Σ_{l<L} c_l·i_l are
   * defined once per loop level and shared by every form with the same outer coefficients.
   */
  index(f: Affine): Val {
    const co = this.nest.coefs(f);
    let L = 0;
    co.forEach((x, l) => { if (x !== 0) L = l + 1; });
    if (L === 0) return { ref: String(f.k), level: 0 };
    let ref = f.k === 0 ? '' : String(f.k), key = String(f.k);
    for (let l = 0; l < L; l++) {
      const x = co[l]!;
      key += `,${x}`;
      if (x === 0) continue;
      const hit = this.offsets.get(key);
      if (hit) { ref = hit; continue; }
      const term = x === 1 ? `i${l}` : `${x} * i${l}`;
      if (ref === '' && x === 1) ref = term; // a bare loop index needs no name
      else {
        const name = `o${this.n++}`;
        this.lines[l + 1]!.push(`const ${name} = ${ref ? `${ref} + ${term}` : term};`);
        ref = name;
      }
      this.offsets.set(key, ref);
    }
    return { ref, level: L };
  }

  load(buf: string, f: Affine, d: DType): Val {
    const i = this.index(f);
    return this.bind(loadExpr(d, `${buf}[${i.ref}]`), i.level);
  }

  op(eqn: JaxprEqn, ops: readonly Val[]): Val {
    const out = eqn.outvars[0]!.aval.dtype;
    const inDtype = (eqn.inputs[eqn.inputs.length - 1]!).aval.dtype;
    let expr = jsExpr(eqn.primitive as ElementwisePrimitive, inDtype, out, ops.map((o) => o.ref));
    const exact = EXACT_F32.has(eqn.primitive) || (eqn.primitive === 'convert_element_type' && (inDtype === 'float32' || inDtype === 'bool'));
    if (out === 'float32' && this.round && !exact) expr = `Math.fround(${expr})`;
    // float16 is rounded at every operation, as eager rounds each result into its storage.
    if (out === 'float16' && !(EXACT_F32.has(eqn.primitive) || (eqn.primitive === 'convert_element_type' && (inDtype === 'float16' || inDtype === 'bool')))) expr = `S.f16round(${expr})`;
    return this.bind(expr, Math.max(0, ...ops.map((o) => o.level)));
  }

  iota(form: Affine, dtype: DType): Val {
    const i = this.index(form);
    return dtype === 'float32' ? this.bind(`Math.fround(${i.ref})`, i.level) : dtype === 'float16' ? this.bind(`S.f16round(${i.ref})`, i.level) : i;
  }

  /** The nest as code; `acc`: the loop depth where a reduction's accumulator lives, with its declaration. */
  render(acc: { depth: number; init: string[] } | null): string[] {
    const rec = (l: number): string[] => {
      const out = [...this.lines[l]!];
      if (acc && l === acc.depth) out.push(...acc.init);
      if (l < this.nest.axes.length) out.push(`for (let i${l} = 0; i${l} < ${this.nest.axes[l]!.size}; i${l}++) {`, ...indent(rec(l + 1)), '}');
      else out.push(...this.inner);
      if (acc && l === acc.depth) out.push(...this.after);
      return out;
    };
    return rec(0);
  }
}

// ---- the program ---------------------------------------------------------------------------------
export function generate(plan: FusionPlan, buffers: BufferPlan, opts: CodegenOptions = {}): Generated {
  const round = opts.roundFloat32 ?? true;
  const { jaxpr, steps, producer, buffered, stored } = plan;
  const names = varNames(jaxpr);
  const buf = (v: Var) => `$${names.get(v) ?? 'v'}`;
  const consts: { dtype: DType; value: number }[] = [];
  const calls: JaxprEqn[] = [];
  const wasm: WasmLoop[] = [];
  const atomText = (a: Var | Literal) => (a instanceof Literal ? String(castScalar(a.value, a.aval.dtype)) : names.get(a) ?? '?');
  const eqnText = (e: JaxprEqn) => `${e.outvars.map((v) => names.get(v)).join(' ')} = ${e.primitive} ${e.inputs.map(atomText).join(' ')}`;
  const eqnIndex = new Map(plan.eqns.map((e, i) => [e, i]));

  /** `const $x = …;` for a value's buffer, by its storage. */
  const declare = (v: Var): string => {
    const st = buffers.storage.get(v) as Storage;
    switch (st.kind) {
      case 'fresh': return `const ${buf(v)} = new ${ctor(v.aval.dtype)}(${v.aval.size});`;
      case 'slot': return `const ${buf(v)} = S${st.slot};`;
      case 'alias': return `const ${buf(v)} = ${buf(st.of)};${st.inPlace ? ' // written in place' : ''}`;
      default: throw new Error(`codegen: ${st.kind} storage is declared where it is produced`);
    }
  };

  /**
   * Walks trees over a loop domain: loads buffers and splices expressions. `locals` are values this
   * loop has already computed (earlier members, a reduction's result): read at the element being
   * computed they are the local, anywhere else they would be unfinished, which fusion rules out.
   */
  const codegenVisitor = (em: Emitter, domain: Shape, locals: ReadonlyMap<Var, Val>, mapForm: (f: Affine) => Affine, fused: JaxprEqn[]): TreeVisitor<Val> => {
    return {
      leaf: readLeaf(domain, locals, (v, form) => (buffered.has(v) ? em.load(buf(v), mapForm(form), v.aval.dtype) : undefined), 'codegen'),
      literal: (l) => ({ ref: jsNumber(castScalar(l.value, l.aval.dtype)), level: 0 }),
      iota: (eqn, form) => em.iota(mapForm(form), (eqn.params as Params<'iota'>).dtype),
      elementwise: (eqn, ops) => em.op(eqn, ops),
      blocked: () => { throw new Error('codegen: a blocked tree reached code generation'); },
      expanded: (eqn) => { fused.push(eqn); },
    };
  };

  /** Index forms a walk over `domain` reads (for choosing the loop nest). */
  const formsOf = (roots: readonly Var[], domain: Shape, start: Access, viaAtom: boolean): Affine[] =>
    formsRead(producer, buffered, roots, domain, start, viaAtom);

  const summary = (fused: JaxprEqn[]) =>
    [...new Set(fused)].sort((a, b) => (eqnIndex.get(a) ?? 0) - (eqnIndex.get(b) ?? 0)).map((e) => `//   ${eqnText(e)}`);

  /** A fused step: buffer declarations (in the caller), what it fuses (comments) and its loop nest. */
  interface Fused { decls: string[]; comments: string[]; code: string[] }

  function loopStep(step: LoopStep): Fused {
    const domain = step.shape, rank = domain.length;
    const decls = step.members.filter((m) => stored.has(m)).map(declare);
    if (sizeOf(domain) === 0) return { decls, comments: [], code: [] };
    const what = step.members.map((m) => `${names.get(m)}:${m.aval.str()}`).join(', ');
    const w = round ? wasmLoopStep(step, producer, buffered, stored) : null;
    if (w) {
      wasm.push(w.loop);
      const ins = w.ins.map(({ v, at }) => (at === null ? buf(v) : `${buf(v)}.subarray(${at}, ${at + 1})`));
      return { decls, comments: [`// fused loop → ${what} (WASM SIMD)`], code: [`W[${wasm.length - 1}].run(${w.size}, [${w.outs.map(buf).join(', ')}], [${ins.join(', ')}]);`] };
    }
    const idAccess = identityAccess(domain), idFlat = identityFlat(domain);
    const nest = new Nest(domain, domain.map(() => 'K'), [idFlat, ...formsOf(step.members, domain, idAccess, false)]);
    const em = new Emitter(nest, round);
    const fused: JaxprEqn[] = [];
    const locals = new Map<Var, Val>();
    const walk = new TreeWalk(producer, rank, codegenVisitor(em, domain, locals, (f) => f, fused));
    const at = em.index(idFlat);
    for (const m of step.members) {
      const val = walk.expand(m, idAccess);
      locals.set(m, val);
      if (stored.has(m)) em.inner.push(`${buf(m)}[${at.ref}] = ${storeExpr(m.aval.dtype, val.ref)};`);
    }
    return { decls, comments: [`// fused loop → ${what}`, ...summary(fused)], code: em.render(null) };
  }

  function reduceStep(step: ReduceStep, s: number): Fused {
    const e = step.eqn, x = e.inputs[0] as Var, r = e.outvars[0]!;
    const domain = x.aval.shape, rank = domain.length, axes = reducedAxes(e);
    const outDtype = r.aval.dtype;
    const decls = [r, ...step.epilogue].filter((v) => stored.has(v)).map(declare);
    const epi = step.epilogue.length ? ` with epilogue → ${step.epilogue.map((v) => `${names.get(v)}:${v.aval.str()}`).join(', ')}` : '';
    const head = `// fused ${e.primitive}[axes=(${axes.join(', ')})] → ${names.get(r)}:${r.aval.str()}${epi}`;
    const prim = e.primitive as ReducePrimitive;
    // An empty input: the result is the identity. It has no buffer when nothing reads it (it has no
    // elements, or its consumers have none), and then there is nothing to write.
    if (x.aval.size === 0) {
      const fill = stored.has(r) && r.aval.size > 0 ? [`${buf(r)}.fill(${storageLiteral(outDtype, reduceIdentity(prim, outDtype))});`] : [];
      return { decls, comments: [head], code: fill };
    }

    // Nothing reads the result or its epilogue (every consumer has no elements: a slice to size 0
    // of it, found by the fuzzer): it has no buffer, and there is nothing to compute.
    if (!stored.has(r) && step.epilogue.every((m) => !stored.has(m))) return { decls, comments: [head], code: [] };

    // q: the output element an input index folds into (kept axes at the output's strides).
    const outStrides = stridesOf(r.aval.shape);
    const kept = domain.map((_, a) => a).filter((a) => !axes.includes(a));
    const q: Affine = { k: 0, c: domain.map((n, a) => (n === 1 || axes.includes(a) ? 0 : outStrides[kept.indexOf(a)]!)) };
    const idAccess = identityAccess(domain);
    const kinds = domain.map((_, a) => (axes.includes(a) ? 'R' : 'K') as 'K' | 'R');
    // A form over the output's domain as a form over this loop (the reduced axes' coefficients zero).
    const toLoop = (f: Affine): Affine => ({ k: f.k, c: domain.map((_, a) => (axes.includes(a) ? 0 : f.c[kept.indexOf(a)]!)) });
    // The epilogue's forms (an iota reads its coordinate) shape the loop nest too.
    const epilogueForms = step.epilogue.length && foldsInLocal(e) ? formsOf(step.epilogue, r.aval.shape, identityAccess(r.aval.shape), false).map(toLoop) : [];
    const nest = new Nest(domain, kinds, [q, ...formsOf([x], domain, idAccess, true), ...epilogueForms]);
    const em = new Emitter(nest, round);
    const fused: JaxprEqn[] = [];
    const v = new TreeWalk(producer, rank, codegenVisitor(em, domain, new Map(), (f) => f, fused)).atom(x, idAccess);
    // float32 and float16 fold in float64 and round once (float16 through float32, as eager computes it).
    const accDtype: DType = outDtype === 'float32' || outDtype === 'float16' ? 'float64' : outDtype;
    const fold = (a: string, b: string) => EXPRESSIONS[REDUCE_COMBINE[prim]](accDtype, a, b);
    let code: string[];

    if (x.aval.size === 1) {
      // A single element is kept as it is (no fold with the identity: the kernel's rule, which keeps -0).
      em.inner.push(`${buf(r)}[0] = ${storeExpr(outDtype, v.ref)};`);
      code = em.render(null);
    } else if (!foldsInLocal(e)) {
      // Kept axes inside reduced ones: fold into an accumulator array, reading the input in order.
      const sc = buffers.scratch.get(s);
      const acc = sc === undefined ? buf(r) : `S${sc}`;
      const i = em.index(q);
      em.inner.push(`{ const a = ${acc}[${i.ref}]; ${acc}[${i.ref}] = ${fold('a', v.ref)}; }`);
      const back = sc === undefined ? [] : outDtype === 'float16'
        ? [`for (let k = 0; k < ${r.aval.size}; k++) ${buf(r)}[k] = S.f16bits(Math.fround(${acc}[k]));`]
        : [`${buf(r)}.set(${acc});`];
      code = [`${acc}.fill(${jsNumber(reduceIdentity(prim, outDtype))});`, ...em.render(null), ...back];
    } else {
      // Each output element is finished before the next: fold into a local, then store it and run the epilogue.
      const depth = nest.axes.filter((g) => g.kind === 'K').length;
      let init: string[], result: string;
      if (e.primitive === 'argmax' || e.primitive === 'argmin') {
        const better = e.primitive === 'argmax' ? '>' : '<';
        init = ['let best = 0, where = -1;'];
        // The first element, the first NaN, or a strictly better value (ties keep the first): the kernel's rule.
        em.inner.push(`if (where < 0 || (best === best && (${v.ref} !== ${v.ref} || ${v.ref} ${better} best))) { best = ${v.ref}; where = i${depth}; }`);
        result = 'where';
      } else {
        init = [`let acc = ${jsNumber(reduceIdentity(prim, outDtype))};`];
        em.inner.push(`acc = ${fold('acc', v.ref)};`);
        result = outDtype === 'float32' ? 'Math.fround(acc)' : outDtype === 'float16' ? 'S.f16round(Math.fround(acc))' : 'acc';
      }
      em.epilogue = true;
      const qi = em.index(q);
      const rv = em.bind(result, depth, 'res');
      if (stored.has(r)) em.after.push(`${buf(r)}[${qi.ref}] = ${storeExpr(outDtype, rv.ref)};`);
      if (step.epilogue.length) {
        // The epilogue runs over the output's domain: fusion lets it read buffers only at this element
        // (q) or at a constant; an iota reads its coordinate, which is the same form over the input's
        // loop with the reduced axes' coefficients zero (found by the fuzzer: a sort's iota after a min).
        const oDomain = r.aval.shape, oId = identityAccess(oDomain), oKey = formKey(identityFlat(oDomain));
        const toInput = (f: Affine): Affine => {
          if (formKey(f) === oKey) return q;
          if (isConstant(f)) return constantForm(f.k, rank);
          return toLoop(f);
        };
        const locals = new Map<Var, Val>([[r, rv]]);
        const walk = new TreeWalk(producer, oDomain.length, codegenVisitor(em, oDomain, locals, toInput, fused));
        for (const m of step.epilogue) {
          const val = walk.expand(m, oId);
          locals.set(m, val);
          if (stored.has(m)) em.after.push(`${buf(m)}[${qi.ref}] = ${storeExpr(m.aval.dtype, val.ref)};`);
        }
      }
      code = em.render({ depth, init });
    }
    return { decls, comments: [head, ...summary(fused)], code };
  }

  const callStep = (e: JaxprEqn, kind: 'kernel' | 'call'): string[] => {
    const i = calls.length;
    calls.push(e);
    const args = e.inputs.map((a) => {
      if (a instanceof Var) return buf(a);
      consts.push({ dtype: a.aval.dtype, value: castScalar(a.value, a.aval.dtype) });
      return `C[${consts.length - 1}]`;
    });
    const control = kind === 'call' && isControl(e.primitive) ? (cpuControl[e.primitive].emit as (p: unknown, i: number, a: string[], e: JaxprEqn) => { defs: string[]; lines: string[] } | null)(e.params, i, args, e) : null;
    if (control) {
      defs.push(...control.defs);
      return [`// ${e.primitive}: ${eqnText(e)}`, ...control.lines, ...e.outvars.map((v, k) => `const ${buf(v)} = r${i}[${k}];`)];
    }
    const call = kind === 'kernel' ? `K.${e.primitive}([${args.join(', ')}], P[${i}], IA[${i}], OA[${i}])` : `X.call(${i}, [${args.join(', ')}])`;
    return [`// ${kind === 'kernel' ? 'kernel' : 'interpreted'}: ${eqnText(e)}`, `const r${i} = ${call};`, ...e.outvars.map((v, k) => `const ${buf(v)} = r${i}[${k}];`)];
  };

  // ---- assemble ------------------------------------------------------------------------------------
  const body: string[] = [];
  const inputs = [...jaxpr.constvars, ...jaxpr.invars];
  const owned = new Set(buffers.owned);
  jaxpr.constvars.forEach((v, i) => body.push(`const ${buf(v)} = X.constvar(${i});`));
  jaxpr.invars.forEach((v, i) => {
    const k = i + jaxpr.constvars.length;
    body.push(`const ${buf(v)} = ${owned.has(k) ? 'X.own' : 'X.data'}(inputs, ${i});`);
  });
  // Each fused step is its own function (defined once, beside the program): V8 optimises functions
  // up to a size limit, and a program of hundreds of loops inlined into one function would exceed it
  // and run unoptimised. Its parameters are the buffers it touches.
  const defs: string[] = [];
  const fusedStep = (s: number, f: Fused, label: string) => {
    body.push(...f.decls);
    if (!f.code.length) return;
    const params = [...new Set(f.code.join('\n').match(/\$[a-z]+|\bS\d+\b/g) ?? [])].sort();
    defs.push(...f.comments, `function step${s}(${params.join(', ')}) {`, ...indent(f.code), '}');
    body.push(`step${s}(${params.join(', ')}); // ${label}`);
  };
  steps.forEach((step, s) => {
    if (step.kind === 'loop') fusedStep(s, loopStep(step), step.members.map((m) => names.get(m)).join(', '));
    else if (step.kind === 'reduce') fusedStep(s, reduceStep(step, s), [step.eqn.outvars[0]!, ...step.epilogue].map((m) => names.get(m)).join(', '));
    else if (step.kind === 'alias') body.push(`const ${buf(step.v)} = ${buf(step.of)}; // reshape: the same buffer`);
    else body.push(...callStep(step.eqn, step.kind));
  });

  // Outputs leave the call: a buffer is handed out once; inputs (unless donated), results of
  // interpreted calls and repeats are copied, so no two arrays the caller holds share memory.
  const rootOf = (v: Var): Var => { const st = buffers.storage.get(v); return st?.kind === 'alias' ? rootOf(st.of) : v; };
  const handed = new Set<Var>();
  const outs = jaxpr.outs.map((a) => {
    if (a instanceof Literal) return `${ctor(a.aval.dtype)}.of(${storageLiteral(a.aval.dtype, a.value)})`;
    const root = rootOf(a), st = buffers.storage.get(root)!;
    const copy = handed.has(root) || st.kind === 'foreign' || (st.kind === 'input' && !owned.has(st.index)) || st.kind === 'slot';
    handed.add(root);
    return copy ? `${buf(a)}.slice()` : buf(a);
  });
  const slots = buffers.slots;
  const take = slots.map((sl, k) => `const S${k} = pool.take('${sl.dtype}', ${sl.length});`);
  const give = slots.map((sl, k) => `pool.give('${sl.dtype}', S${k});`);
  const core = [...body, `return [${outs.join(', ')}];`];
  const fn = [
    `return function jitted(inputs) {`,
    ...indent(slots.length ? [...take, 'try {', ...indent(core), '} finally {', ...indent(give), '}'] : core),
    '};',
  ];
  const header = [
    `// cotangent jit → JS: ${inputs.length} input(s), ${jaxpr.outs.length} output(s), ${steps.length} step(s), ${slots.length} pooled slot(s)`,
    `'use strict';`,
    'const K = X.kernels, P = X.params, IA = X.inAvals, OA = X.outAvals, C = X.consts, pool = X.pool, W = X.wasm;',
  ];
  return { source: [...header, ...defs, ...fn].join('\n'), consts, calls, wasm };
}
