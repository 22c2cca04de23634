// Buffer planning shared by every backend's compiler: liveness-shared slots, in-place writes, outputs.
//
// Where each stored value lives (an input, a pooled scratch slot, a fresh output buffer, a kernel's
// own result, or another value's buffer written in place), and slots shared by values whose
// lifetimes do not overlap. Each backend keeps the slots in its own pool across calls, so a training
// loop allocates only what it returns.
import { DType } from '../../core/dtype.js';
import { Var } from '../../core/jaxpr.js';
import { FusionPlan, Step } from './plan.js';

/** Where a stored value lives during one call. */
export type Storage =
  /** Jaxpr input i: read-only, unless donated (then it may be written in place or handed out). */
  | { readonly kind: 'input'; readonly index: number }
  /** A pooled slot: never escapes the call. */
  | { readonly kind: 'slot'; readonly slot: number }
  /** A new array per call: the value is (part of) an output. */
  | { readonly kind: 'fresh' }
  /** A kernel's result: a new array the kernel allocated, which the program owns. */
  | { readonly kind: 'kernel' }
  /** A higher-order call's result: may be any array, even an input, so it is never overwritten and copied when returned. */
  | { readonly kind: 'foreign' }
  /** The buffer of `of` (a reshape, or a loop writing over an input that dies there). */
  | { readonly kind: 'alias'; readonly of: Var; readonly inPlace: boolean };

export interface Slot { readonly dtype: DType; readonly length: number }

export interface BufferPlan {
  readonly storage: ReadonlyMap<Var, Storage>;
  readonly slots: readonly Slot[];
  /** Per step, the scratch slot the policy asked for (the CPU's float64 accumulators). */
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

/** How a backend's steps use memory; the planning itself is the same for all. */
export interface BufferPolicy {
  /**
   * 'own': kernels allocate their results (the CPU's kernels return new arrays), which the program
   * may then overwrite in place. 'planned': kernels write into storage the plan assigns (a GPU
   * dispatch writes a bound buffer), like fused steps.
   */
  readonly kernelResults: 'own' | 'planned';
  /** A slot a step needs while it runs and not after (the CPU's float64 reduction accumulators), or null. */
  readonly scratch: (step: Step) => Slot | null;
}

/**
 * Assigns storage by walking the steps in order. A stored loop value first tries to take over a
 * buffer the same step reads for the last time, only at the position being written (same dtype
 * and length): a dot's output for its bias/activation epilogue, a donated weight for `w - lr·g`,
 * a dying intermediate. Otherwise outputs get fresh arrays and intermediates get a slot freed by a
 * value that died at an earlier step, or a new slot.
 */
export function planBuffers(plan: FusionPlan, donated: readonly boolean[], policy: BufferPolicy): BufferPlan {
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

  /** Storage for a value a step writes: over a dying buffer it reads (when `inPlace`), fresh when it escapes, else a slot. */
  const assign = (s: number, m: Var, taken: Set<Var>, inPlace: boolean) => {
    const target = inPlace ? inPlaceTarget(s, m, taken) : null;
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
  };

  steps.forEach((step, s) => {
    const taken = new Set<Var>();
    if (step.kind === 'loop' || step.kind === 'reduce') {
      const members = step.kind === 'loop' ? step.members : [step.eqn.outvars[0]!, ...step.epilogue];
      for (const m of members) if (stored.has(m)) assign(s, m, taken, step.kind === 'loop');
    } else if (step.kind === 'alias') {
      storage.set(step.v, { kind: 'alias', of: step.of, inPlace: false });
    } else if (step.kind === 'kernel' && policy.kernelResults === 'planned') {
      // A kernel reads its operands across their elements: its results never overwrite them, and
      // every result gets memory, read or not (the kernel writes it), except a product whose only
      // readers are its own epilogue. The epilogue writes element by element, like a loop.
      step.eqn.outvars.forEach((v) => { if (stored.has(v) || step.epilogue.length === 0) assign(s, v, taken, false); });
      for (const m of step.epilogue) if (stored.has(m)) assign(s, m, taken, true);
    } else {
      step.eqn.outvars.forEach((v) => storage.set(v, { kind: step.kind === 'kernel' ? 'kernel' : 'foreign' }));
    }
    const sc = policy.scratch(step);
    if (sc) scratch.set(s, takeSlot(sc.dtype, sc.length));
    // Slots whose buffer (with everything written into it in place) is last read by this step go
    // back to the free list for later steps.
    for (const [v, k] of [...slotOf]) {
      if ((b.lastUse.get(b.root(v)) ?? -1) <= s) { freeSlots.push(k); slotOf.delete(v); }
    }
    const k = scratch.get(s);
    if (k !== undefined) freeSlots.push(k);
  });

  // Donated inputs handed out as outputs are owned too.
  for (const a of jaxpr.outs) {
    if (!(a instanceof Var)) continue;
    const st = storage.get(b.root(a));
    if (st?.kind === 'input' && isDonated(b.root(a))) owned.add(st.index);
  }
  return { storage, slots, scratch, owned: [...owned].sort((x, y) => x - y) };
}
