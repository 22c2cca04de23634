// The CPU's side of buffer planning: its policy for the shared planner, and the scratch pool.
//
// The liveness plan itself (src/backends/fusion/buffers.ts) is shared with WebGPU; here the CPU
// says that its kernels allocate their own results and which reductions need a float64
// accumulator, and keeps the typed arrays of planned slots alive across calls so a training loop
// allocates only what it returns.
import { allocTyped, DType, TypedArray } from '../../../core/dtype.js';
import { BufferPolicy } from '../../fusion/buffers.js';
import { foldsInLocal } from '../../fusion/plan.js';

// ---- the pool ----------------------------------------------------------------------------------
/** Idle arrays kept beyond this are dropped to the garbage collector instead (a bound on memory held). */
const MAX_IDLE_BYTES = 256 * 2 ** 20;

export interface PoolStats {
  /** Typed arrays the pool has created since the process started (or the last reset). */
  readonly allocations: number;
  /** Requests served by an idle array. */
  readonly reuses: number;
  /** Arrays idle in the pool now, and their bytes. */
  readonly idle: number;
  readonly idleBytes: number;
}

/**
 * Scratch arrays keyed by (dtype, length). A compiled program takes its slots when a call starts
 * and gives them back when it ends; calls never overlap (they are synchronous), so every program
 * shares one pool and memory held is the largest program's scratch, not the sum over programs.
 */
export class BufferPool {
  private readonly free = new Map<string, TypedArray[]>();
  private allocations = 0;
  private reuses = 0;
  private idle = 0;
  private idleBytes = 0;

  take(dtype: DType, length: number): TypedArray {
    const list = this.free.get(`${dtype}:${length}`);
    const got = list?.pop();
    if (got) {
      this.reuses++;
      this.idle--;
      this.idleBytes -= got.byteLength;
      return got;
    }
    this.allocations++;
    return allocTyped(dtype, length);
  }

  give(dtype: DType, buf: TypedArray): void {
    if (this.idleBytes + buf.byteLength > MAX_IDLE_BYTES) return;
    const key = `${dtype}:${buf.length}`;
    let list = this.free.get(key);
    if (!list) { list = []; this.free.set(key, list); }
    list.push(buf);
    this.idle++;
    this.idleBytes += buf.byteLength;
  }

  stats(): PoolStats {
    return { allocations: this.allocations, reuses: this.reuses, idle: this.idle, idleBytes: this.idleBytes };
  }

  clear(): void {
    this.free.clear();
    this.allocations = this.reuses = this.idle = this.idleBytes = 0;
  }
}

export const scratchPool = new BufferPool();

// ---- the policy ------------------------------------------------------------------------------------
/**
 * CPU kernels return new arrays; a float32 reduction that folds into an accumulator array (kept axes
 * inside reduced ones) accumulates in a float64 slot, as the eager kernel does (float16 too: its
 * storage holds bits, and it is computed as float32).
 */
export const CPU_BUFFERS: BufferPolicy = {
  kernelResults: 'own',
  scratch: (step) => {
    if (step.kind !== 'reduce' || foldsInLocal(step.eqn)) return null;
    const out = step.eqn.outvars[0]!.aval;
    return out.dtype === 'float32' || out.dtype === 'float16' ? { dtype: 'float64', length: out.size } : null;
  },
};
