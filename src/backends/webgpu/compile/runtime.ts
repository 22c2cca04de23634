// Running a compiled WebGPU program: pipelines built once, pooled buffers, one command encoder and one submit per call.
//
// Per call: the arguments are checked, scratch slots come from a pool shared by every program,
// outputs get new buffers (or are donated arguments written in place), every command is recorded
// into one command encoder and submitted once, and the slots go back to the pool at once: the
// queue runs submissions in order, so a later call that takes the same slot writes it only after
// this one's work has read it. Bind groups are kept per dispatch and reused while the dispatch
// sees the same buffers, which in a training loop (donated weights written in place, data and
// slots the same each step) is every step.
import { ConcreteArray, NDArray } from '../../../core/array.js';
import { ShapedArray } from '../../../core/aval.js';
import { DeviceBuffer, getBackend } from '../../../core/backend.js';
import { allocTyped } from '../../../core/dtype.js';
import { CotangentError } from '../../../core/errors.js';
import { bind } from '../../../core/interpreter.js';
import { Literal } from '../../../core/jaxpr.js';
import { allocGpuBuffer, ctx, GpuBuffer, grid, layoutFor, pipelineAsync, pipelineFor, scoped, upload } from '../device.js';
import { Command, Program } from './program.js';

// ---- the pool ----------------------------------------------------------------------------------
/** Idle buffers kept beyond this are destroyed instead (a bound on memory held for reuse). */
const MAX_IDLE_BYTES = 512 * 2 ** 20;

export interface GpuPoolStats {
  /** Buffers the pool has created (since the last clear). */
  readonly allocations: number;
  /** Requests served by an idle buffer. */
  readonly reuses: number;
  /** Buffers idle in the pool now, and their bytes. */
  readonly idle: number;
  readonly idleBytes: number;
}

/**
 * Scratch buffers by byte size, for every compiled program of the device. Its buffers are ordinary
 * tracked buffers (memoryStats() counts them), never handed to an array: outputs are fresh.
 */
class GpuPool {
  private free = new Map<number, GpuBuffer[]>();
  private device: GPUDevice | null = null;
  private allocations = 0;
  private reuses = 0;
  private idleBytes = 0;
  private idle = 0;

  take(bytes: number): GpuBuffer {
    const device = ctx().device;
    if (device !== this.device) { this.clear(); this.device = device; }
    const list = this.free.get(bytes);
    for (let b = list?.pop(); b; b = list?.pop()) {
      this.idle--;
      this.idleBytes -= bytes;
      if (b.isLive) { this.reuses++; return b; }
    }
    this.allocations++;
    return allocGpuBuffer(bytes);
  }

  give(b: GpuBuffer): void {
    if (!b.isLive || ctx().device !== this.device) return;
    if (this.idleBytes + b.bytes > MAX_IDLE_BYTES) { b.dispose(); return; }
    const list = this.free.get(b.bytes) ?? [];
    list.push(b);
    this.free.set(b.bytes, list);
    this.idle++;
    this.idleBytes += b.bytes;
  }

  stats(): GpuPoolStats { return { allocations: this.allocations, reuses: this.reuses, idle: this.idle, idleBytes: this.idleBytes }; }

  /** Destroys the idle buffers (and resets the counters). */
  clear(): void {
    for (const list of this.free.values()) for (const b of list) b.dispose();
    this.free = new Map();
    this.allocations = this.reuses = this.idle = this.idleBytes = 0;
  }
}

export const gpuPool = new GpuPool();

// ---- per-device state -----------------------------------------------------------------------------
interface DispatchState {
  readonly pipeline: GPUComputePipeline;
  readonly layout: GPUBindGroupLayout;
  /** The last bind group and the buffers it binds: reused while they are the same. */
  cached: { readonly buffers: readonly GPUBuffer[]; readonly group: GPUBindGroup } | null;
}

/** What a program needs on one device: its pipelines (compiled once) and the buffers of its constants. */
interface DeviceState {
  readonly device: GPUDevice;
  readonly dispatches: readonly (DispatchState | null)[];
  readonly consts: ReadonlyMap<number, GpuBuffer>;
  /** Arrays whose buffers the constants are, kept alive with the program. */
  readonly held: readonly NDArray[];
}

function prepare(program: Program): DeviceState {
  const { device } = ctx();
  const dispatches = program.commands.map((c): DispatchState | null => {
    if (c.kind !== 'dispatch' || c.workgroups === 0) return null;
    return { pipeline: pipelineFor(c.label, c.code, c.reads.length, c.writes.length), layout: layoutFor(c.reads.length, c.writes.length), cached: null };
  });
  const consts = new Map<number, GpuBuffer>();
  const held: NDArray[] = [];
  program.resources.forEach((r, id) => {
    if (r.kind !== 'const') return;
    const aval = r.value instanceof Literal ? new ShapedArray([], r.value.aval.dtype) : r.value.aval;
    if (r.value instanceof ConcreteArray && r.value.buffer instanceof GpuBuffer && r.value.buffer.isLive) {
      consts.set(id, r.value.buffer);
      held.push(r.value);
      return;
    }
    if (r.value instanceof Literal) consts.set(id, scalarBuffer(r.value));
    else if (r.value instanceof ConcreteArray) consts.set(id, upload(r.value.storageSync(), aval));
    else throw new CotangentError('webgpu jit: a constant of the program is not a concrete array');
  });
  return { device, dispatches, consts, held };
}

// ---- one call -------------------------------------------------------------------------------------
/** A new buffer holding a literal's value. */
function scalarBuffer(l: Literal): GpuBuffer {
  const data = allocTyped(l.aval.dtype, 1);
  data[0] = l.value;
  return upload(data, new ShapedArray([], l.aval.dtype));
}

function handleOf(b: DeviceBuffer | undefined, i: number): GpuBuffer {
  if (!(b instanceof GpuBuffer)) throw new CotangentError(`jit: the webgpu program got ${b ? `a buffer of the ${b.backend} backend` : 'no buffer'} for input ${i}`);
  if (!b.isLive) throw new CotangentError(`jit: input ${i} of the webgpu program was disposed (or donated) and can no longer be used`);
  return b;
}

/** A compiled program bound to the current device: run it on argument buffers, get output buffers. */
export class Runner {
  private state: DeviceState | null = null;
  constructor(readonly program: Program) {}

  /** The program's pipelines and constants on the current device, built on the first call (and again after a device loss). */
  private ready(): DeviceState {
    const { device } = ctx();
    if (this.state?.device !== device) this.state = scoped('jit: pipelines', () => prepare(this.program));
    return this.state;
  }

  /** Builds the program's pipelines asynchronously (all at once); the first run then finds them cached. */
  async prepareAsync(): Promise<void> {
    await Promise.all(this.program.commands.map((c) =>
      (c.kind === 'dispatch' && c.workgroups > 0 ? pipelineAsync(c.label, c.code, c.reads.length, c.writes.length) : undefined)));
  }

  run(args: readonly DeviceBuffer[]): DeviceBuffer[] {
    const p = this.program;
    if (args.length !== p.nInputs) throw new Error(`jit: the compiled program takes ${p.nInputs} inputs, got ${args.length}`);
    const st = this.ready();
    const inputs = args.map(handleOf);
    const handles: (GpuBuffer | undefined)[] = new Array(p.resources.length);
    const pooled: GpuBuffer[] = [];
    const fresh: GpuBuffer[] = [];
    const keep: NDArray[] = []; // results of interpreted calls, alive until the call returns
    const copies = new Map<number, GpuBuffer>(); // donated arguments copied first because memory is shared
    try {
      scoped('jit', () => {
        const { device } = st;
        let enc = device.createCommandEncoder({ label: 'jit' });
        let pass: GPUComputePassEncoder | null = null;
        const endPass = () => { if (pass) { pass.end(); pass = null; } };
        for (const i of p.owned) {
          const g = inputs[i]!.gpu;
          if (!inputs.some((b, j) => j !== i && b.gpu === g) && ![...st.consts.values()].some((c) => c.gpu === g)) continue;
          const c = allocGpuBuffer(inputs[i]!.bytes);
          fresh.push(c);
          copies.set(i, c);
          enc.copyBufferToBuffer(g, 0, c.gpu, 0, c.bytes);
        }
        p.resources.forEach((r, id) => {
          switch (r.kind) {
            case 'input': handles[id] = copies.get(r.index) ?? inputs[r.index]; break;
            case 'const': handles[id] = st.consts.get(id); break;
            case 'slot': { const b = gpuPool.take(r.bytes); pooled.push(b); handles[id] = b; break; }
            case 'fresh': { const b = allocGpuBuffer(r.bytes); fresh.push(b); handles[id] = b; break; }
            case 'foreign': break;
          }
        });
        const gpuOf = (id: number): GPUBuffer => {
          const h = handles[id];
          if (!h) throw new Error(`webgpu jit: buffer ${id} is used before it is made`);
          return h.gpu;
        };
        p.commands.forEach((c: Command, k) => {
          if (c.kind === 'dispatch') {
            const d = st.dispatches[k];
            if (!d) return;
            const buffers = [...c.reads, ...c.writes].map(gpuOf);
            if (!d.cached || d.cached.buffers.some((b, j) => b !== buffers[j])) {
              const group = device.createBindGroup({ layout: d.layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
              d.cached = { buffers, group };
            }
            pass ??= enc.beginComputePass({ label: 'jit' });
            pass.setPipeline(d.pipeline);
            pass.setBindGroup(0, d.cached.group);
            const [x, y] = grid(c.workgroups);
            pass.dispatchWorkgroups(x, y);
          } else if (c.kind === 'copy') {
            endPass();
            if (c.bytes > 0) enc.copyBufferToBuffer(gpuOf(c.from), 0, gpuOf(c.to), 0, Math.ceil(c.bytes / 4) * 4);
          } else {
            // The interpreter dispatches on its own: what is recorded so far must run first.
            endPass();
            device.queue.submit([enc.finish()]);
            const backend = getBackend('webgpu');
            const operands = c.inputs.map((a, j) => {
              const aval = c.eqn.inputs[j]!.aval;
              return new ConcreteArray(aval, a instanceof Literal ? scalarBuffer(a) : handles[a]!, backend);
            });
            const outs = bind(c.eqn.primitive, operands, c.eqn.params);
            outs.forEach((o, j) => {
              if (!(o instanceof ConcreteArray) || !(o.buffer instanceof GpuBuffer)) throw new CotangentError(`jit: ${c.eqn.primitive} did not return a webgpu array inside a compiled program`);
              keep.push(o);
              handles[c.outputs[j]!] = o.buffer;
            });
            enc = device.createCommandEncoder({ label: 'jit' });
          }
        });
        endPass();
        device.queue.submit([enc.finish()]);
      });
    } catch (e) {
      for (const b of fresh) b.dispose();
      throw e;
    } finally {
      for (const b of pooled) gpuPool.give(b);
    }
    return p.outputs.map((o) => {
      switch (o.kind) {
        case 'literal': return scalarBuffer(o.value);
        case 'resource': return handles[o.res]!;
        // A donated argument written in place: its memory moves to a new handle, as the jit layer disposes the argument.
        case 'donated': return copies.get(o.index) ?? inputs[o.index]!.transfer();
      }
    });
  }
}
