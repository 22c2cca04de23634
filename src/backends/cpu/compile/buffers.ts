// Buffer planning for compiled programs: liveness-shared slots, in-place writes, the scratch pool.
//
// Where each stored value lives (an input, a pooled scratch slot, a fresh output array, a kernel's
// result, or another value's buffer written in place), slots shared by values whose lifetimes do
// not overlap, and the pool that keeps slots alive across calls so a training loop allocates only
// what it returns.
import { allocTyped, DType, TypedArray } from '../../../core/dtype.js';
import { Var } from '../../../core/jaxpr.js';
import { FusionPlan, foldsInLocal } from './fusion.js';

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

// ---- the plan ------------------------------------------------------------------------------------
/** Where a stored value lives during one call. */
export type Storage =
  /** Jaxpr input i: read-only, unless donated (then it may be written in place or handed out). */
  | { readonly kind: 'input'; readonly index: number }
  /** A pooled slot: never escapes the call. */
  | { readonly kind: 'slot'; readonly slot: number }
  /** A new array per call: the value is (part of) an output. */
  | { readonly kind: 'fresh' }
  /** A kernel's result: a new array the program owns. */
  | { readonly kind: 'kernel' }
  /** A higher-order call's result: may be any array, even an input, so it is never overwritten and copied when returned. */
  | { readonly kind: 'foreign' }
  /** The buffer of `of` (a reshape, or a loop writing over an input that dies there). */
  | { readonly kind: 'alias'; readonly of: Var; readonly inPlace: boolean };

export interface Slot { readonly dtype: DType; readonly length: number }

export interface BufferPlan {
  readonly storage: ReadonlyMap<Var, Storage>;
  readonly slots: readonly Slot[];
  /** Per step, a float64 accumulator slot for float32 reductions that fold into an array. */
  readonly scratch: ReadonlyMap<number, number>;
  /** Donated inputs the program writes or hands out: checked at run time for sharing memory with another input. */
  readonly owned: readonly number[];
}

/** Union-find over values sharing a buffer, with what planning needs per buffer. */
class Buffers {
  private readonly parent = new Map<Var, Var>();
  readonly lastUse = new Map<Var, number>();
  readonly escapes = new Set<Var>();
  root(v: Var): Var {
    let r = v;
    for (let p = this.parent.get(r); p; p = this.parent.get(r)) r = p;
    return r;
  }
  join(child: Var, into: Var): void {
    const a = this.root(child), b = this.root(into);
    if (a === b) return;
    this.parent.set(a, b);
    this.lastUse.set(b, Math.max(this.lastUse.get(a) ?? -1, this.lastUse.get(b) ?? -1));
    if (this.escapes.has(a)) this.escapes.add(b);
  }
}

/**
 * Assigns storage by walking the steps in order. A stored loop value first tries to take over a
 * buffer the same step reads for the last time, only at the position being written (same dtype
 * and length): a dot's output for its bias/activation epilogue, a donated weight for `w - lr·g`,
 * a dying intermediate. Otherwise outputs get fresh arrays and intermediates get a slot freed by a
 * value that died at an earlier step, or a new slot.
 */
export function planBuffers(plan: FusionPlan, donated: readonly boolean[]): BufferPlan {
  const { jaxpr, steps, reads, stored } = plan;
  const storage = new Map<Var, Storage>();
  const b = new Buffers();
  const inputs = [...jaxpr.constvars, ...jaxpr.invars];
  const isDonated = (v: Var) => { const i = inputs.indexOf(v); return i >= jaxpr.constvars.length && donated[i - jaxpr.constvars.length] === true; };
  inputs.forEach((v, i) => storage.set(v, { kind: 'input', index: i }));

  const END = steps.length;
  reads.forEach((rs, s) => rs.forEach(({ v }) => b.lastUse.set(v, Math.max(b.lastUse.get(v) ?? -1, s))));
  for (const a of jaxpr.outs) if (a instanceof Var) { b.lastUse.set(a, END); b.escapes.add(a); }
  steps.forEach((s) => { if (s.kind === 'alias') b.join(s.v, s.of); });

  const slots: Slot[] = [];
  const freeSlots: number[] = [];
  const slotOf = new Map<Var, number>(); // the value a live slot was allocated for → the slot
  const scratch = new Map<number, number>();
  const takeSlot = (dtype: DType, length: number): number => {
    const i = freeSlots.findIndex((k) => slots[k]!.dtype === dtype && slots[k]!.length === length);
    if (i >= 0) return freeSlots.splice(i, 1)[0]!;
    slots.push({ dtype, length });
    return slots.length - 1;
  };
  const owned = new Set<number>();

  /** A buffer this step reads for the last time, only where `m` is written: `m` may overwrite it. */
  const inPlaceTarget = (s: number, m: Var, taken: Set<Var>): Var | null => {
    const rs = reads[s]!;
    for (const { v, identity } of rs) {
      if (!identity) continue;
      const r = b.root(v);
      if (taken.has(r) || b.lastUse.get(r) !== s || v.aval.dtype !== m.aval.dtype || v.aval.size !== m.aval.size) continue;
      if (rs.some((x) => b.root(x.v) === r && !x.identity)) continue;
      const st = storage.get(r);
      const ok = st?.kind === 'kernel' || (st?.kind === 'slot' && !b.escapes.has(b.root(m))) || (st?.kind === 'input' && isDonated(r));
      if (ok) return r;
    }
    return null;
  };

  steps.forEach((step, s) => {
    if (step.kind === 'loop' || step.kind === 'reduce') {
      const members = step.kind === 'loop' ? step.members : [step.eqn.outvars[0]!, ...step.epilogue];
      const taken = new Set<Var>();
      for (const m of members) {
        if (!stored.has(m)) continue;
        const target = step.kind === 'loop' ? inPlaceTarget(s, m, taken) : null;
        if (target) {
          taken.add(target);
          storage.set(m, { kind: 'alias', of: target, inPlace: true });
          const st = storage.get(target);
          if (st?.kind === 'input') owned.add(st.index);
          b.join(m, target);
        } else if (b.escapes.has(b.root(m))) {
          storage.set(m, { kind: 'fresh' });
        } else {
          const k = takeSlot(m.aval.dtype, m.aval.size);
          storage.set(m, { kind: 'slot', slot: k });
          slotOf.set(m, k);
        }
      }
      if (step.kind === 'reduce' && !foldsInLocal(step.eqn) && step.eqn.outvars[0]!.aval.dtype === 'float32') {
        scratch.set(s, takeSlot('float64', step.eqn.outvars[0]!.aval.size));
      }
    } else if (step.kind === 'alias') {
      storage.set(step.v, { kind: 'alias', of: step.of, inPlace: false });
    } else {
      step.eqn.outvars.forEach((v) => storage.set(v, { kind: step.kind === 'kernel' ? 'kernel' : 'foreign' }));
    }
    // Slots whose buffer (with everything written into it in place) is last read by this step go
    // back to the free list for later steps.
    for (const [v, k] of [...slotOf]) {
      if ((b.lastUse.get(b.root(v)) ?? -1) <= s) { freeSlots.push(k); slotOf.delete(v); }
    }
    const sc = scratch.get(s);
    if (sc !== undefined) freeSlots.push(sc);
  });

  // Donated inputs handed out as outputs are owned too.
  for (const a of jaxpr.outs) {
    if (!(a instanceof Var)) continue;
    const st = storage.get(b.root(a));
    if (st?.kind === 'input' && isDonated(b.root(a))) owned.add(st.index);
  }
  return { storage, slots, scratch, owned: [...owned].sort((x, y) => x - y) };
}
