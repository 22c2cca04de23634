// ONNX Runtime as a compile target for jit on the CPU backend: each jitted signature becomes one
// ORT session over the CPU backend's typed arrays, chosen per program where it pays.
import { Executable } from '../../core/backend.js';
import type { ClosedJaxpr } from '../../core/jaxpr.js';
import type { Params } from '../../core/primitives.js';
import { cpuBackend } from '../cpu/index.js';
import type { CpuBuffer } from '../cpu/kernels.js';
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
   * Programs estimated below this many floating-point operations stay on the JS/WASM compiler, whose
   * per-call cost is lower than a session's (default `DEFAULT_MIN_FLOPS`; 0 sends every program to ORT).
   */
  minFlops?: number;
}
/** Below this estimated work a program stays in JS: see the README's "ONNX Runtime as a jit target" for the measurements. */
export const DEFAULT_MIN_FLOPS = 1e5;

const jsCompile = cpuBackend.compile!;
let current: JitTarget = 'js';
let options: Required<JitTargetOptions> = { threads: 0, minFlops: DEFAULT_MIN_FLOPS };
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
  options = { threads: opts.threads ?? 0, minFlops: opts.minFlops ?? DEFAULT_MIN_FLOPS };
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
  try {
    const bytes = lowerToBytes(cj);
    program = new OrtProgram(bytes, cj.inAvals.map((aval, i) => ({ name: `x${i}`, aval })), cj.outAvals.map((aval, i) => ({ name: `y${i}`, aval })),
      options.threads ? { threads: options.threads } : {});
  } catch (e) {
    const why = e instanceof OnnxLoweringError ? e.message : `ONNX Runtime rejected the program: ${(e as Error).message.split('\n')[0]}`;
    sayOnce(`jit target onnxruntime: ${why}; this program runs on the JS/WASM compiler instead`);
    return jsCompile(cj, donated);
  }
  return {
    text: `ONNX Runtime session (onnxruntime-node ${loadOrt()!.version}, ~${flops.toExponential(2)} flops)\n${cj.toString()}`,
    run: (inputs) => program.run(inputs.map((b) => (b as CpuBuffer).data)).map((data): CpuBuffer => ({ backend: 'cpu', data })),
  };
}
