// Running a compiled WebGPU program: pipelines built once, pooled buffers, one command encoder and one submit per call (scans replayed inside it).
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
import { allocGpuBuffer, ctx, GpuBuffer, grid, layoutFor, pipelineAsync, pipelineFor, scoped, submit, upload, whenNotHeld } from '../device.js';
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
  /** Per command, the runner of a replayed scan's body. */
  readonly bodies: readonly (Runner | null)[];
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
  const bodies = program.commands.map((c) => (c.kind === 'scan' ? new Runner(c.body) : null));
  return { device, dispatches, consts, held, bodies };
}

/** One call's recording: the encoder and pass being recorded (a call command submits and starts a new encoder), and the buffers the call took. */
interface Recording {
  readonly device: GPUDevice;
  enc: GPUCommandEncoder;
  pass: GPUComputePassEncoder | null;
  /** Pool buffers, given back when the call has been submitted. */
  readonly pooled: GpuBuffer[];
  /** New buffers (outputs), disposed if the call fails. */
  readonly fresh: GpuBuffer[];
  /** Results of interpreted calls, alive until the call returns. */
  readonly keep: NDArray[];
}
const endPass = (r: Recording) => { if (r.pass) { r.pass.end(); r.pass = null; } };
const pooledBuffer = (r: Recording, bytes: number): GpuBuffer => { const b = gpuPool.take(bytes); r.pooled.push(b); return b; };

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
      (c.kind === 'dispatch' && c.workgroups > 0 ? pipelineAsync(c.label, c.code, c.reads.length, c.writes.length)
        : c.kind === 'scan' ? new Runner(c.body).prepareAsync() : undefined)));
  }

  run(args: readonly DeviceBuffer[]): DeviceBuffer[] {
    const p = this.program;
    if (args.length !== p.nInputs) throw new Error(`jit: the compiled program takes ${p.nInputs} inputs, got ${args.length}`);
    const st = this.ready();
    const inputs = args.map(handleOf);
    const copies = new Map<number, GpuBuffer>(); // donated arguments copied first because memory is shared
    const rec: Recording = { device: st.device, enc: st.device.createCommandEncoder({ label: 'jit' }), pass: null, pooled: [], fresh: [], keep: [] };
    let handles: (GpuBuffer | undefined)[];
    try {
      scoped('jit', () => {
        for (const i of p.owned) {
          const g = inputs[i]!.gpu;
          if (!inputs.some((b, j) => j !== i && b.gpu === g) && ![...st.consts.values()].some((c) => c.gpu === g)) continue;
          const c = allocGpuBuffer(inputs[i]!.bytes);
          rec.fresh.push(c);
          copies.set(i, c);
          rec.enc.copyBufferToBuffer(g, 0, c.gpu, 0, c.bytes);
        }
        handles = this.bind(st, inputs.map((b, i) => copies.get(i) ?? b), rec, false);
        this.record(st, rec, handles);
        endPass(rec);
        submit(st.device, [rec.enc.finish()]);
      });
    } catch (e) {
      for (const b of rec.fresh) b.dispose();
      throw e;
    } finally {
      // Behind a whileLoop holding the queue, this call's work is held too: its buffers return to
      // the pool only once it is submitted (the loop's own work, which runs first, must not reuse them).
      const pooled = rec.pooled;
      whenNotHeld(() => { for (const b of pooled) gpuPool.give(b); });
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

  /** The buffer of each resource: inputs as given, constants, pool slots; `fresh` outputs are new buffers, or pool buffers inside a scan body (copied out each iteration). */
  private bind(st: DeviceState, inputs: readonly GpuBuffer[], rec: Recording, inBody: boolean): (GpuBuffer | undefined)[] {
    const handles: (GpuBuffer | undefined)[] = new Array(this.program.resources.length);
    this.program.resources.forEach((r, id) => {
      switch (r.kind) {
        case 'input': handles[id] = inputs[r.index]; break;
        case 'const': handles[id] = st.consts.get(id); break;
        case 'slot': handles[id] = pooledBuffer(rec, r.bytes); break;
        case 'fresh': {
          if (inBody) { handles[id] = pooledBuffer(rec, r.bytes); break; }
          const b = allocGpuBuffer(r.bytes);
          rec.fresh.push(b);
          handles[id] = b;
          break;
        }
        case 'foreign': break;
      }
    });
    return handles;
  }

  /** Records the program's commands on bound buffers; call commands submit what is recorded and run the interpreter. */
  private record(st: DeviceState, rec: Recording, handles: (GpuBuffer | undefined)[]): void {
    const { device } = st;
    const gpuOf = (id: number): GPUBuffer => {
      const h = handles[id];
      if (!h) throw new Error(`webgpu jit: buffer ${id} is used before it is made`);
      return h.gpu;
    };
    this.program.commands.forEach((c: Command, k) => {
      if (c.kind === 'dispatch') {
        const d = st.dispatches[k];
        if (!d) return;
        const buffers = [...c.reads, ...c.writes].map(gpuOf);
        if (!d.cached || d.cached.buffers.some((b, j) => b !== buffers[j])) {
          const group = device.createBindGroup({ layout: d.layout, entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
          d.cached = { buffers, group };
        }
        rec.pass ??= rec.enc.beginComputePass({ label: 'jit' });
        rec.pass.setPipeline(d.pipeline);
        rec.pass.setBindGroup(0, d.cached.group);
        const [x, y] = grid(c.workgroups);
        rec.pass.dispatchWorkgroups(x, y);
      } else if (c.kind === 'copy') {
        endPass(rec);
        if (c.bytes > 0) rec.enc.copyBufferToBuffer(gpuOf(c.from), 0, gpuOf(c.to), 0, Math.ceil(c.bytes / 4) * 4);
      } else if (c.kind === 'scan') {
        this.replayScan(st.bodies[k]!, c, rec, handles);
      } else {
        // The interpreter dispatches on its own: what is recorded so far must run first.
        endPass(rec);
        submit(device, [rec.enc.finish()]);
        const backend = getBackend('webgpu');
        const operands = c.inputs.map((a, j) => {
          const aval = c.eqn.inputs[j]!.aval;
          return new ConcreteArray(aval, a instanceof Literal ? scalarBuffer(a) : handles[a]!, backend);
        });
        const outs = bind(c.eqn.primitive, operands, c.eqn.params);
        outs.forEach((o, j) => {
          if (!(o instanceof ConcreteArray) || !(o.buffer instanceof GpuBuffer)) throw new CotangentError(`jit: ${c.eqn.primitive} did not return a webgpu array inside a compiled program`);
          rec.keep.push(o);
          handles[c.outputs[j]!] = o.buffer;
        });
        rec.enc = device.createCommandEncoder({ label: 'jit' });
      }
    });
  }

  /**
   * A scan recorded into the current encoder: carry buffers initialised from the operands, then per
   * iteration the x slices copied in by offset, the body's commands (on the same buffers every
   * iteration, so its bind groups are made once), the new carries copied over the old and each y
   * copied to its offset in the stacked ys. No submit and no read-back per iteration.
   */
  private replayScan(body: Runner, c: Extract<Command, { kind: 'scan' }>, rec: Recording, handles: (GpuBuffer | undefined)[]): void {
    const bst = body.ready();
    const { numConsts: nK, numCarry: nC, length, reverse } = c;
    const ops = c.inputs.map((a) => {
      if (!(a instanceof Literal)) return handles[a]!;
      const b = scalarBuffer(a);
      rec.pooled.push(b);
      return b;
    });
    const copy = (from: GpuBuffer, fromOff: number, to: GpuBuffer, toOff: number, bytes: number) => {
      if (bytes > 0) rec.enc.copyBufferToBuffer(from.gpu, fromOff, to.gpu, toOff, bytes);
    };
    endPass(rec);
    const carry = c.carryBytes.map((bytes, i) => { const b = pooledBuffer(rec, bytes); copy(ops[nK + i]!, 0, b, 0, bytes); return b; });
    const xSlots = c.xBytes.map((bytes) => pooledBuffer(rec, bytes));
    const ys = c.yBytes.map((bytes) => pooledBuffer(rec, bytes * length));
    const bodyHandles = body.bind(bst, [...ops.slice(0, nK), ...carry, ...xSlots], rec, true);
    const outs = body.program.outputs.map((o) => {
      if (o.kind === 'literal') { const b = scalarBuffer(o.value); rec.pooled.push(b); return b; }
      if (o.kind === 'donated') throw new Error('webgpu jit: a scan body donates nothing');
      return () => bodyHandles[o.res]!; // made when the body's commands run (a nested scan's results)
    });
    const out = (k: number) => { const o = outs[k]!; return typeof o === 'function' ? o() : o; };
    for (let it = 0; it < length; it++) {
      const t = reverse ? length - 1 - it : it;
      endPass(rec);
      c.xBytes.forEach((bytes, k) => copy(ops[nK + nC + k]!, t * bytes, xSlots[k]!, 0, bytes));
      body.record(bst, rec, bodyHandles);
      endPass(rec);
      c.carryBytes.forEach((bytes, i) => copy(out(i), 0, carry[i]!, 0, bytes));
      c.yBytes.forEach((bytes, k) => copy(out(nC + k), 0, ys[k]!, t * bytes, bytes));
    }
    c.outputs.forEach((res, j) => { handles[res] = j < nC ? carry[j]! : ys[j - nC]!; });
  }

}
