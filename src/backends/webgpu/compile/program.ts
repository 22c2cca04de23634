// Lowering a jaxpr to a WebGPU program: the shared fusion and buffer plans become resources and commands.
//
// A program is device-independent data: the buffers one call uses (resources: inputs, constants,
// pooled slots, fresh outputs, kernel scratch) and the commands recorded for it in order (compute
// dispatches with their WGSL, buffer copies, and, for a call the compiler cannot see into, a run
// through the interpreter). runtime.ts turns it into pipelines and runs it.
//
// Each fused step of the plan is one dispatch (codegen.ts); a dot_general with an epilogue is the
// eager matmul shader (register-blocked or shared-tiled, as matmul.ts chooses for the adapter)
// calling the epilogue on each product element; every other
// primitive is its eager kernel's plan (the same WGSL as eager mode) with its operand, result and
// scratch slots mapped onto the program's buffers.
import { NDArray } from '../../../core/array.js';
import { ShapedArray } from '../../../core/aval.js';
import { ClosedJaxpr, JaxprEqn, Literal, Var, varNames } from '../../../core/jaxpr.js';
import { ArrayPrimitive, isArrayPrimitive, isElementwise, Params } from '../../../core/primitives.js';
import { BufferPolicy, planBuffers, Storage } from '../../fusion/buffers.js';
import { inlineCalls } from '../../fusion/inline.js';
import { narrowJaxpr, widenAval } from '../narrow.js';
import { FusionPolicy, planFusion } from '../../fusion/plan.js';
import { webgpuKernels } from '../kernels.js';
import { dotGeneralPlan } from '../matmul.js';
import { convPlan } from '../conv.js';
import { bindings, BufferDecl, Plan, Slot, wgslType, withHelpers } from '../wgsl.js';
import { dotEpilogueFunction, eqnText, loopShader, reduceShader, Shader, ShaderContext } from './codegen.js';

/** A buffer one call of the program uses. */
export type Resource =
  /** Argument `index` of the call. */
  | { readonly kind: 'input'; readonly index: number }
  /** A value the program holds: a constant of an inlined call, or a literal operand of a kernel. */
  | { readonly kind: 'const'; readonly value: NDArray | Literal }
  /** Scratch taken from the pool for the call (a liveness slot, or a kernel's temporary). */
  | { readonly kind: 'slot'; readonly bytes: number }
  /** A new buffer per call: an output. */
  | { readonly kind: 'fresh'; readonly bytes: number }
  /** The result of an interpreted call, known only when it has run. */
  | { readonly kind: 'foreign' };

export type Command =
  | { readonly kind: 'dispatch'; readonly label: string; readonly code: string; readonly reads: readonly number[]; readonly writes: readonly number[]; readonly workgroups: number }
  | { readonly kind: 'copy'; readonly from: number; readonly to: number; readonly bytes: number }
  /** A higher-order equation run through the interpreter: the queued work is submitted first. */
  | { readonly kind: 'call'; readonly eqn: JaxprEqn; readonly inputs: readonly (number | Literal)[]; readonly outputs: readonly number[] }
  /**
   * A scan whose body compiles to dispatches and copies only: the body's commands are recorded
   * `length` times into the same command encoder (no submit, no read-back per iteration). Per
   * iteration, each x slice is copied in from its offset in the stacked xs, the body runs on fixed
   * buffers (so its bind groups are made once), then the new carries are copied over the carry
   * buffers and each y into its offset of the stacked ys. Byte sizes are per iteration.
   */
  | {
      readonly kind: 'scan'; readonly body: Program; readonly numConsts: number; readonly numCarry: number; readonly length: number; readonly reverse: boolean;
      readonly inputs: readonly (number | Literal)[]; readonly outputs: readonly number[];
      readonly carryBytes: readonly number[]; readonly xBytes: readonly number[]; readonly yBytes: readonly number[];
    };

/** Whether a program runs without the interpreter (no call commands, nested scans' bodies included): what a scan needs to be replayed. */
const replayable = (p: Program): boolean => p.commands.every((c) => c.kind !== 'call' && (c.kind !== 'scan' || replayable(c.body)));

/** Where output k comes from: a literal, a resource handed out as is, or a donated input written in place. */
export type OutputRule =
  | { readonly kind: 'literal'; readonly value: Literal }
  | { readonly kind: 'resource'; readonly res: number }
  | { readonly kind: 'donated'; readonly index: number };

export interface Program {
  readonly resources: readonly Resource[];
  readonly commands: readonly Command[];
  readonly outputs: readonly OutputRule[];
  /** Donated arguments the program writes or hands out: copied first when another argument shares their memory. */
  readonly owned: readonly number[];
  readonly nInputs: number;
  readonly text: string;
}

/** WebGPU's fusion policy: each output element of a reduction is its own invocation, matmuls take epilogues, `maxBuffers` bindings. */
export const gpuPolicy = (maxBuffers: number): FusionPolicy => ({ reducePerOutput: true, dotEpilogue: true, maxBuffers });
/** Dispatches write the buffers they are given, and need no scratch of the planner's. */
const GPU_BUFFERS: BufferPolicy = { kernelResults: 'planned', scratch: () => null };

/** Bytes of a value's buffer: 4 per element (bool as u32), at least 4 (WebGPU cannot bind an empty buffer). */
const bytesOf = (v: Var): number => Math.max(4, v.aval.size * 4);


export function lowerJaxpr(closed: ClosedJaxpr, donated: readonly boolean[], maxBuffers: number): Program {
  const cj = narrowJaxpr(inlineCalls(closed, { selectConds: true }));
  const { jaxpr } = cj;
  const nConst = jaxpr.constvars.length;
  const plan = planFusion(jaxpr, gpuPolicy(maxBuffers));
  const bp = planBuffers(plan, donated, GPU_BUFFERS);
  const names = varNames(cj.jaxpr);
  const nm = (v: Var) => names.get(v) ?? '?';

  const resources: Resource[] = [];
  const add = (r: Resource): number => { resources.push(r); return resources.length - 1; };
  const slotRes = bp.slots.map((s) => add({ kind: 'slot', bytes: Math.max(4, s.length * 4) }));
  const byRoot = new Map<Var, number>();
  const rootOf = (v: Var): Var => { const st = bp.storage.get(v); return st?.kind === 'alias' ? rootOf(st.of) : v; };
  /** The resource holding `v`'s buffer. */
  const resOf = (v: Var): number => {
    const root = rootOf(v);
    const hit = byRoot.get(root);
    if (hit !== undefined) return hit;
    const st = bp.storage.get(root) as Storage | undefined;
    let r: number;
    switch (st?.kind) {
      case 'input': r = st.index < nConst ? add({ kind: 'const', value: cj.consts[st.index]! }) : add({ kind: 'input', index: st.index - nConst }); break;
      case 'slot': r = slotRes[st.slot]!; break;
      case 'fresh': r = add({ kind: 'fresh', bytes: bytesOf(root) }); break;
      case 'foreign': r = add({ kind: 'foreign' }); break;
      default: throw new Error(`webgpu jit: a ${root.aval.str()} value has no buffer (${st?.kind ?? 'none'})`);
    }
    byRoot.set(root, r);
    return r;
  };
  const literalRes = new Map<string, number>();
  const atomRes = (a: Var | Literal): number => {
    if (a instanceof Var) return resOf(a);
    const key = `${Object.is(a.value, -0) ? '-0' : a.value}:${a.aval.dtype}`;
    let r = literalRes.get(key);
    if (r === undefined) { r = add({ kind: 'const', value: a }); literalRes.set(key, r); }
    return r;
  };

  const commands: Command[] = [];
  const texts: string[] = [];
  const typeOf = (v: Var): BufferDecl => ({ type: wgslType(v.aval.dtype) });
  const what = (vs: readonly Var[]) => vs.map((v) => {
    const st = bp.storage.get(v);
    return `${nm(v)}:${v.aval.str()}${st?.kind === 'alias' && st.inPlace ? ` (written in place over ${nm(st.of)})` : ''}`;
  }).join(', ');
  const eqnIndex = new Map(plan.eqns.map((e, i) => [e, i]));
  /** Comment lines listing the equations a shader computes inline, in jaxpr order. */
  const listing = (fused: readonly JaxprEqn[]) =>
    [...new Set(fused)].sort((x, y) => (eqnIndex.get(x) ?? 0) - (eqnIndex.get(y) ?? 0)).map((e) => `//   ${eqnText(e, nm)}`);

  /**
   * The bindings of a fused step: each resource once; those the step writes are read-write (and
   * read through that binding when written in place), the rest read-only, numbered after
   * `fixedReads` (a matmul's operands). Values the step computes itself are locals, not reads.
   */
  const stepBindings = (s: number, written: readonly Var[], fixedReads = 0) => {
    const writes: number[] = [], writeDecl: BufferDecl[] = [];
    for (const v of written) { const r = resOf(v); if (!writes.includes(r)) { writes.push(r); writeDecl.push(typeOf(v)); } }
    const reads: number[] = [], readDecl: BufferDecl[] = [];
    for (const { v } of plan.reads[s]!) {
      if (plan.stepOf.get(v) === s) continue;
      const r = resOf(v);
      if (writes.includes(r) || reads.includes(r)) continue;
      reads.push(r);
      readDecl.push(typeOf(v));
    }
    const ctx: ShaderContext = {
      plan,
      buffer: (v) => {
        const r = resOf(v), w = writes.indexOf(r);
        return w >= 0 ? `y${w}` : `x${fixedReads + reads.indexOf(r)}`;
      },
    };
    return { reads, writes, readDecl, writeDecl, ctx };
  };

  /** A fused step as one dispatch: bindings, helpers, its shader. */
  const fusedStep = (s: number, label: string, shader: Shader, b: ReturnType<typeof stepBindings>) => {
    if (shader.workgroups === 0) { texts.push(`// step ${s}: ${label}: empty, nothing to dispatch`); return; }
    const vec = shader.vec4Bindings;
    const readDecl = vec ? b.readDecl.map((d, k) => (vec.has(`x${k}`) ? { ...d, vec4: true } : d)) : b.readDecl;
    const writeDecl = vec ? b.writeDecl.map((d, k) => (vec.has(`y${k}`) ? { ...d, vec4: true } : d)) : b.writeDecl;
    const code = withHelpers([bindings(readDecl, writeDecl), shader.functions, shader.main].filter((x) => x).join('\n'));
    commands.push({ kind: 'dispatch', label, code, reads: b.reads, writes: b.writes, workgroups: shader.workgroups });
    texts.push([`// step ${s}: ${label}`, ...listing(shader.fused), code].join('\n'));
  };

  /** An eager kernel's plan, its operand and result slots mapped to resources and its scratch taken from the pool. */
  const kernelPlan = (s: number, label: string, head: readonly string[], p: Plan, slot: (sl: Slot) => number) => {
    const temps = (p.temps ?? []).map((bytes) => add({ kind: 'slot', bytes: Math.max(4, Math.ceil(bytes / 4) * 4) }));
    const map = (sl: Slot) => (sl[0] === 'temp' ? temps[sl[1]]! : slot(sl));
    p.steps.forEach((st, k) => {
      const at = `// step ${s}${p.steps.length > 1 ? `.${k}` : ''}: ${label}`;
      if (st.kind === 'copy') {
        commands.push({ kind: 'copy', from: map(st.from), to: map(st.to), bytes: st.bytes });
        texts.push(`${at} (a buffer copy)`);
        return;
      }
      commands.push({ kind: 'dispatch', label, code: st.code, reads: st.reads.map(map), writes: st.writes.map(map), workgroups: st.workgroups });
      texts.push([at, ...(k === p.steps.length - 1 ? head : []), st.code].join('\n'));
    });
  };

  plan.steps.forEach((step, s) => {
    switch (step.kind) {
      case 'alias': return; // a reshape of a buffer: the same buffer
      case 'loop': {
        const written = step.members.filter((m) => plan.stored.has(m));
        const b = stepBindings(s, written);
        fusedStep(s, `fused loop → ${what(written)}`, loopShader(step, b.ctx), b);
        return;
      }
      case 'reduce': {
        const r = step.eqn.outvars[0]!;
        const written = [r, ...step.epilogue].filter((m) => plan.stored.has(m));
        const b = stepBindings(s, written);
        const epi = step.epilogue.length ? ` with epilogue → ${what(step.epilogue)}` : '';
        fusedStep(s, `fused ${step.eqn.primitive} → ${what([r])}${epi}`, reduceShader(step, b.ctx), b);
        return;
      }
      case 'call': {
        const inputs = step.eqn.inputs.map((a) => (a instanceof Literal ? a : resOf(a)));
        if (step.eqn.primitive === 'scan') {
          const { jaxpr: bj, numConsts, numCarry, length, reverse } = step.eqn.params as Params<'scan'>;
          const body = lowerJaxpr(bj, bj.inAvals.map(() => false), maxBuffers);
          if (replayable(body)) {
            const bytes = (a: { size: number }) => a.size * 4;
            commands.push({
              kind: 'scan', body, numConsts, numCarry, length, reverse, inputs, outputs: step.eqn.outvars.map(resOf),
              carryBytes: bj.inAvals.slice(numConsts, numConsts + numCarry).map((a) => Math.max(4, bytes(a))),
              xBytes: bj.inAvals.slice(numConsts + numCarry).map(bytes),
              yBytes: bj.outAvals.slice(numCarry).map(bytes),
            });
            const n = body.commands.filter((c) => c.kind === 'dispatch' && c.workgroups > 0).length;
            texts.push([`// step ${s}: ${eqnText(step.eqn, nm)}: replayed ${length} time(s) in this command encoder (${n} dispatch(es) per iteration; x slices copied in, carries and ys copied out by offset); its body:`,
              ...body.text.split('\n').map((l) => `//   | ${l}`)].join('\n'));
            return;
          }
        }
        commands.push({ kind: 'call', eqn: step.eqn, inputs, outputs: step.eqn.outvars.map(resOf) });
        texts.push(`// step ${s}: interpreted (the queued work is submitted first): ${eqnText(step.eqn, nm)}`);
        return;
      }
      case 'kernel': {
        const e = step.eqn;
        if (!isArrayPrimitive(e.primitive)) throw new Error(`webgpu jit: ${e.primitive} is not an array primitive`);
        // The narrow dtypes run structural kernels at their 32-bit dtype (their storage), as eager does (narrow.ts).
        const at = (a: ShapedArray) => (isElementwise(e.primitive) ? a : widenAval(a));
        const call = { params: e.params, inAvals: e.inputs.map((a) => at(a.aval)), outAvals: e.outvars.map((v) => at(v.aval)) };
        const operand = (k: number) => atomRes(e.inputs[k]!);
        if (step.epilogue.length === 0) {
          const kernel = webgpuKernels[e.primitive as ArrayPrimitive] as (c: typeof call) => Plan;
          kernelPlan(s, eqnText(e, nm), [], kernel(call), ([kind, k]) => (kind === 'in' ? operand(k) : resOf(e.outvars[k]!)));
          return;
        }
        // dot_general (or a convolution) with its epilogue inside the matmul (conv) shader: operands bind first (x0, x1).
        const written = [e.outvars[0]!, ...step.epilogue].filter((m) => plan.stored.has(m));
        const b = stepBindings(s, written, 2);
        const epi = dotEpilogueFunction(step, b.ctx);
        const epilogue = {
          reads: b.reads.map((_, j) => [['in', 2 + j], b.readDecl[j]!] as const),
          writes: b.writes.map((_, j) => [['out', j], b.writeDecl[j]!] as const),
          functions: epi.functions,
          store: (o: string, v: string) => `epilogue(${o}, ${v});`,
        };
        const p = e.primitive === 'conv_general_dilated'
          ? convPlan({ ...call, params: e.params as Params<'conv_general_dilated'> }, epilogue)
          : dotGeneralPlan({ ...call, params: e.params as Params<'dot_general'> }, epilogue);
        const operands = [operand(0), operand(1)];
        kernelPlan(s, `${eqnText(e, nm)} with epilogue → ${what(step.epilogue)}`, listing(epi.fused), p,
          ([kind, k]) => (kind === 'in' ? (k < 2 ? operands[k]! : b.reads[k - 2]!) : b.writes[k]!));
        return;
      }
    }
  });

  // ---- outputs: each buffer handed out once; inputs (unless donated and owned), constants,
  // interpreted results and repeats are copied into fresh buffers, so no two arrays share memory.
  const owned = new Set(bp.owned.filter((i) => i >= nConst).map((i) => i - nConst));
  const handed = new Set<number>();
  const outputs: OutputRule[] = jaxpr.outs.map((a): OutputRule => {
    if (a instanceof Literal) return { kind: 'literal', value: a };
    const r = resOf(a), res = resources[r]!;
    if (!handed.has(r)) {
      if (res.kind === 'fresh') { handed.add(r); return { kind: 'resource', res: r }; }
      if (res.kind === 'input' && owned.has(res.index)) { handed.add(r); return { kind: 'donated', index: res.index }; }
    }
    const to = add({ kind: 'fresh', bytes: bytesOf(a) });
    commands.push({ kind: 'copy', from: r, to, bytes: a.aval.size * 4 });
    const why = handed.has(r) ? 'its buffer is handed out already' : res.kind === 'input' ? 'an argument the caller keeps' : `a ${res.kind} buffer`;
    texts.push(`// output ${nm(a)}: copied (${why})`);
    return { kind: 'resource', res: to };
  });

  const dispatches = commands.filter((c) => c.kind === 'dispatch' && c.workgroups > 0).length;
  const calls = commands.filter((c) => c.kind === 'call').length;
  const scans = commands.filter((c) => c.kind === 'scan').length;
  const header = `// cotangent jit → WGSL: ${jaxpr.invars.length} input(s), ${jaxpr.outs.length} output(s), ${dispatches} dispatch(es), ` +
    `${bp.slots.length} pooled slot(s); ${calls ? `${calls + 1} submits around ${calls} interpreted call(s)` : 'one command encoder, one submit'}` +
    (scans ? `; ${scans} scan(s) replayed inside it` : '');
  return { resources, commands, outputs, owned: [...owned].sort((x, y) => x - y), nInputs: jaxpr.invars.length, text: [header, ...texts].join('\n\n') };
}
