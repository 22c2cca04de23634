// The CPU backend's jit compiler: jaxpr → fusion plan → buffer plan (both shared, src/backends/fusion/) → one generated JS program.
//
// The source is built once per jaxpr with `new Function` and wrapped as the backend's Executable.
import { ConcreteArray } from '../../../core/array.js';
import { DeviceBuffer, Executable, getBackend } from '../../../core/backend.js';
import { scalarStorage, TypedArray } from '../../../core/dtype.js';
import { bind } from '../../../core/interpreter.js';
import { ClosedJaxpr } from '../../../core/jaxpr.js';
import { cpuKernels, CpuBuffer, sharedStorage } from '../kernels.js';
import { planBuffers } from '../../fusion/buffers.js';
import { inlineCalls } from '../../fusion/inline.js';
import { CPU_POLICY, planFusion } from '../../fusion/plan.js';
import { CPU_BUFFERS, PoolStats, scratchPool } from './buffers.js';
import { CodegenOptions, generate } from './codegen.js';
import { cpuControl, isControl, RawProgram } from './control.js';
import { ControlPrimitive } from '../../../core/primitives.js';
import { withPrelude } from '../prelude.js';

export type CompileOptions = CodegenOptions;

function dataOf(buf: DeviceBuffer | undefined, what: string): TypedArray {
  if (!buf) throw new Error(`jit: ${what} is missing`);
  if (buf.backend !== 'cpu') throw new Error(`jit: the cpu program got a buffer of the ${buf.backend} backend for ${what}`);
  return (buf as CpuBuffer).data;
}

/**
 * Compiles a jaxpr into an Executable. `donated[i]`: input i's buffer may be overwritten or
 * returned (the jit layer disposes that array after the call).
 */
export function compileJaxpr(closed: ClosedJaxpr, donated: readonly boolean[], opts: CompileOptions = {}): Executable {
  // Calls that carry their body (custom rules, checkpoint) are only run here: fuse across them.
  const cj = inlineCalls(closed);
  const { jaxpr } = cj;
  const fusion = planFusion(jaxpr, CPU_POLICY);
  const buffers = planBuffers(fusion, donated, CPU_BUFFERS);
  const gen = generate(fusion, buffers, opts);
  const nInputs = jaxpr.invars.length;
  const constData = cj.consts.map((c) => c.storageSync());
  const env = {
    kernels: cpuKernels,
    params: gen.calls.map((e) => e.params),
    inAvals: gen.calls.map((e) => e.inputs.map((a) => a.aval)),
    outAvals: gen.calls.map((e) => e.outvars.map((v) => v.aval)),
    consts: gen.consts.map(({ dtype, value }) => scalarStorage(dtype, value)),
    /** The compiled sub-jaxprs of control-flow equations (scan bodies, cond branches, while condition and body). */
    bodies: gen.calls.map((e) => (isControl(e.primitive) ? controlBodies(e.primitive, e.params).map(([b, d]) => rawProgram(b, d).run) : [])),
    pool: scratchPool,
    wasm: gen.wasm,
    constvar: (i: number) => constData[i]!,
    data: (inputs: readonly DeviceBuffer[], i: number) => dataOf(inputs[i], `input ${i}`),
    /** A donated input the program writes or returns; copied first if anything else may read its memory. */
    own: (inputs: readonly DeviceBuffer[], i: number) => {
      const d = dataOf(inputs[i], `input ${i}`);
      const shared = sharedStorage.has(d.buffer) || inputs.some((b, j) => j !== i && (b as CpuBuffer).data?.buffer === d.buffer);
      return shared ? d.slice() : d;
    },
    /**
     * A higher-order equation (custom_jvp_call, …) runs through the interpreter on wrapped buffers.
     * A result that is one of its arguments (an identity function) is copied: the plan may overwrite
     * or recycle the argument's buffer while the result is still live.
     */
    call: (i: number, args: readonly TypedArray[]): TypedArray[] => {
      const eqn = gen.calls[i]!, cpu = getBackend('cpu');
      const arrays = args.map((d, k) => new ConcreteArray(eqn.inputs[k]!.aval, { backend: 'cpu', data: d } as CpuBuffer, cpu));
      return bind(eqn.primitive, arrays, eqn.params).map((o) => {
        if (!(o instanceof ConcreteArray)) throw new Error(`jit: ${eqn.primitive} returned a traced value inside a compiled program`);
        const d = o.storageSync();
        return args.some((a) => a.buffer === d.buffer) ? d.slice() : d;
      });
    },
  };
  const run = withPrelude(['X'], gen.source, env) as (inputs: readonly DeviceBuffer[]) => TypedArray[];
  return {
    text: [`function (X) {\n${gen.source}\n}`, ...gen.calls.flatMap((e, i) => (isControl(e.primitive)
      ? controlBodies(e.primitive, e.params).map(([b, d], k) => `// X.bodies[${i}][${k}] (${e.primitive}):\n${rawProgram(b, d).text}`) : []))].join('\n'),
    run(inputs) {
      if (inputs.length !== nInputs) throw new Error(`jit: the compiled program takes ${nInputs} inputs, got ${inputs.length}`);
      return run(inputs).map((data): CpuBuffer => ({ backend: 'cpu', data }));
    },
  };
}

/** A control-flow equation's bodies, each with the inputs it is compiled to donate. */
function controlBodies(prim: ControlPrimitive, params: unknown): [ClosedJaxpr, readonly boolean[]][] {
  const row = cpuControl[prim] as { bodies(p: unknown): readonly ClosedJaxpr[]; donated?(p: unknown): readonly (readonly boolean[])[] };
  const donated = row.donated?.(params);
  return row.bodies(params).map((b, k) => [b, donated?.[k] ?? b.inAvals.map(() => false)]);
}

/** A sub-jaxpr as a compiled program on typed arrays (built once per jaxpr and donation). */
const rawPrograms = new WeakMap<ClosedJaxpr, Map<string, { run: RawProgram; text: string }>>();
function rawProgram(cj: ClosedJaxpr, donated: readonly boolean[]): { run: RawProgram; text: string } {
  let byDonation = rawPrograms.get(cj);
  if (!byDonation) { byDonation = new Map(); rawPrograms.set(cj, byDonation); }
  const key = donated.map((d) => (d ? 1 : 0)).join('');
  let p = byDonation.get(key);
  if (!p) {
    const exe = compileJaxpr(cj, donated);
    p = { run: (inputs) => exe.run(inputs.map((data): CpuBuffer => ({ backend: 'cpu', data }))).map((b) => (b as CpuBuffer).data), text: exe.text };
    byDonation.set(key, p);
  }
  return p;
}

/** The scratch pool every compiled CPU program shares: how many arrays it has made and holds. */
export const compiledPoolStats = (): PoolStats => scratchPool.stats();
/** Drops the pool's idle arrays (and resets its counters). */
export const clearCompiledPool = (): void => scratchPool.clear();
