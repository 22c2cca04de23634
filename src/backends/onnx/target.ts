// ONNX Runtime as a compile target for jit on the CPU backend: each jitted signature becomes one
// ORT session over the CPU backend's typed arrays, chosen per program where it pays.
import { Executable } from '../../core/backend.js';
import type { ClosedJaxpr } from '../../core/jaxpr.js';
import type { Params } from '../../core/primitives.js';
import { cpuBackend } from '../cpu/index.js';
import { CpuBuffer, sharedStorage } from '../cpu/kernels.js';
import type { TypedArray } from '../../core/dtype.js';
import { OnnxLoweringError } from './builder.js';
import { lowerToBytes } from './lower.js';
import { loadOrt, ortLoadError, OrtProgram } from './runtime.js';

/** What compiles jitted CPU programs: the JS/WASM compiler ('js', the default) or ONNX Runtime. */
export type JitTarget = 'js' | 'onnxruntime';
/** Options of setJitTarget('onnxruntime'). */
export interface JitTargetOptions {
  /** Intra-op threads for each session (default: the machine's cores). */
  threads?: number;
  /**
   * Whether ORT's idle intra-op threads spin-wait for work (ORT's default, true). Spinning lowers
   * the latency of small kernels on a machine to itself, but on an oversubscribed one the spinning
   * threads take cores from the work (see bench/onnx-profile.ts).
   */
  spinning?: boolean;
  /**
   * Programs estimated below this many floating-point operations stay on the JS/WASM compiler, whose
   * per-call cost is lower than a session's (default `DEFAULT_MIN_FLOPS`; 0 sends every program to ORT).
   */
  minFlops?: number;
}
/** Below this estimated work a program stays in JS: see the README's "ONNX Runtime as a jit target" for the measurements. */
export const DEFAULT_MIN_FLOPS = 1e5;

const jsCompile = cpuBackend.compile!;
let current: JitTarget = 'js';
let options: Required<JitTargetOptions> = { threads: 0, minFlops: DEFAULT_MIN_FLOPS, spinning: true };
const said = new Set<string>();
const sayOnce = (msg: string) => { if (!said.has(msg)) { said.add(msg); console.warn(`[cotangent] ${msg}`); } };

/**
 * Chooses what jit compiles CPU programs to: 'js' (generated JS with the WASM matmul, the default)
 * or 'onnxruntime' (one ONNX Runtime session per signature, where onnxruntime-node is installed).
 * Applies to signatures compiled afterwards. Programs ORT cannot run, or too small to gain, fall
 * back to the JS compiler (said once).
 */
export function setJitTarget(target: JitTarget, opts: JitTargetOptions = {}): void {
  if (target !== 'js' && target !== 'onnxruntime') throw new TypeError(`setJitTarget: expected 'js' or 'onnxruntime', got ${JSON.stringify(target)}`);
  options = { threads: opts.threads ?? 0, minFlops: opts.minFlops ?? DEFAULT_MIN_FLOPS, spinning: opts.spinning ?? true };
  if (target === 'onnxruntime' && !loadOrt()) sayOnce(`setJitTarget('onnxruntime'): onnxruntime-node is not available (${ortLoadError()}); jit keeps compiling to JS/WASM`);
  current = target;
  cpuBackend.compile = target === 'js' ? jsCompile : ortCompile;
}
/** The current jit target. */
export const jitTarget = (): JitTarget => current;

/** A rough count of the floating-point work of a jaxpr: 2·M·N·K per product, one per element elsewhere. */
export function estimateFlops(cj: ClosedJaxpr): number {
  let flops = 0;
  for (const e of cj.jaxpr.eqns) {
    const outSize = e.outvars.reduce((s, v) => s + v.aval.size, 0);
    if (e.primitive === 'dot_general') {
      const [l] = e.inputs;
      const { contracting: [lc] } = (e.params as Params<'dot_general'>).dimensionNumbers;
      flops += 2 * outSize * lc.reduce((p, i) => p * l!.aval.shape[i]!, 1);
    } else {
      flops += Math.max(outSize, e.inputs.reduce((s, a) => s + a.aval.size, 0));
    }
  }
  return flops;
}

function ortCompile(cj: ClosedJaxpr, donated: readonly boolean[]): Executable {
  if (!loadOrt()) return jsCompile(cj, donated);
  const flops = estimateFlops(cj);
  if (flops < options.minFlops) return jsCompile(cj, donated);
  let program: OrtProgram;
  const inputAvals = cj.inAvals;
  try {
    const bytes = lowerToBytes(cj);
    program = new OrtProgram(bytes, cj.inAvals.map((aval, i) => ({ name: `x${i}`, aval })), cj.outAvals.map((aval, i) => ({ name: `y${i}`, aval })),
      { ...(options.threads ? { threads: options.threads } : {}), spinning: options.spinning });
  } catch (e) {
    const why = e instanceof OnnxLoweringError ? e.message : `ONNX Runtime rejected the program: ${(e as Error).message.split('\n')[0]}`;
    sayOnce(`jit target onnxruntime: ${why}; this program runs on the JS/WASM compiler instead`);
    return jsCompile(cj, donated);
  }
  // Donation. ORT does not promise that an output may alias an input within one run, so donated
  // buffers are recycled across calls instead: after a call the donated inputs are dead (jit
  // disposes them), and they become the next call's preallocated outputs of the same dtype and
  // size: a training step stops allocating (and zeroing) fresh parameter-sized arrays.
  const spare = new Map<string, TypedArray[]>();
  const keyOf = (dtype: string, size: number) => `${dtype}:${size}`;
  const slots = new Map<string, number>();
  for (const a of cj.outAvals) slots.set(keyOf(a.dtype, a.size), (slots.get(keyOf(a.dtype, a.size)) ?? 0) + 1);
  const donates = donated.some((d) => d);
  return {
    text: `ONNX Runtime session (onnxruntime-node ${loadOrt()!.version}, ~${flops.toExponential(2)} flops${donates ? '; donated inputs recycled as outputs' : ''})\n${cj.toString()}`,
    run: (inputs) => {
      const data = inputs.map((b) => (b as CpuBuffer).data);
      const outs = program.run(data, (aval) => spare.get(keyOf(aval.dtype, aval.size))?.pop());
      if (donates) {
        data.forEach((d, i) => {
          if (!donated[i] || d.length === 0) return;
          // Only a buffer nothing else can see: not user memory, not shared with another array or input, not returned.
          const alone = !sharedStorage.has(d.buffer) && d.byteOffset === 0 && d.byteLength === d.buffer.byteLength &&
            !data.some((e, j) => j !== i && e.buffer === d.buffer) && !outs.some((o) => o.buffer === d.buffer);
          const key = keyOf(inputAvals[i]!.dtype, d.length), pool = spare.get(key) ?? [];
          if (alone && pool.length < (slots.get(key) ?? 0) && !pool.includes(d)) { pool.push(d); spare.set(key, pool); }
        });
      }
      return outs.map((d): CpuBuffer => ({ backend: 'cpu', data: d }));
    },
  };
}
