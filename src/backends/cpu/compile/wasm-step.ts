// A fused float32 loop as a WebAssembly SIMD loop: the jit's loop step walked into a lane program (wasm/lanes.ts) instead of JS.
//
// A loop qualifies when every value it stores is float32 or bool, every buffer it reads is float32 or
// bool (bools travel as 0.0 / 1.0 floats and are masks inside) and read
// either at the element being computed or at one constant position (a broadcast scalar), and every
// equation has a WASM rule (wasm/elementwise.ts) at its dtypes; comparisons may appear inside it as
// masks. Anything else (a transposed or broadcast row read, iota, integer ops, bool outputs) keeps
// the JS loop, which computes the same bits.
import { JaxprEqn, Var } from '../../../core/jaxpr.js';
import { Shape, sizeOf } from '../../../core/shape.js';
import { ElementwisePrimitive } from '../../../core/primitives.js';
import { Affine, formKey, identityAccess, identityFlat, isConstant, readLeaf, TreeWalk } from '../../fusion/access.js';
import { LoopStep } from '../../fusion/plan.js';
import { Lanes, Node } from '../wasm/lanes.js';
import { compileLoop, InputKind, WasmLoop, wasmLoopsAvailable } from '../wasm/loops.js';
import { wasmApply, WASM_MIN_ELEMENTS } from '../wasm/elementwise.js';
import { castScalar } from '../../../core/dtype.js';

class NotWasm extends Error {}

/** A compiled loop, its stored members (outputs) and what it reads: a whole buffer, or one element of it. */
export interface WasmStep { loop: WasmLoop; outs: Var[]; ins: { v: Var; at: number | null }[]; size: number }

/** The WASM form of a loop step, or null when it must stay JS. */
export function wasmLoopStep(step: LoopStep, producer: ReadonlyMap<Var, JaxprEqn>, buffered: ReadonlySet<Var>, stored: ReadonlySet<Var>): WasmStep | null {
  const domain: Shape = step.shape, size = sizeOf(domain);
  if (!wasmLoopsAvailable || size < WASM_MIN_ELEMENTS) return null;
  const p = new Lanes();
  const ins: WasmStep['ins'] = [], kinds: InputKind[] = [];
  const inputNodes = new Map<Var, Map<number | null, Node>>();
  const idKey = formKey(identityFlat(domain));
  const load = (v: Var, form: Affine): Node | undefined => {
    if (!buffered.has(v)) return undefined;
    const dtype = v.aval.dtype;
    if (dtype !== 'float32' && dtype !== 'bool') throw new NotWasm();
    const whole = formKey(form) === idKey;
    if (!whole && !isConstant(form)) throw new NotWasm();
    const at = whole ? null : form.k;
    let byAt = inputNodes.get(v);
    if (!byAt) { byAt = new Map(); inputNodes.set(v, byAt); }
    let n = byAt.get(at);
    if (!n) {
      n = p.input(ins.length);
      ins.push({ v, at });
      kinds.push(whole ? 'vector' : 'scalar');
      byAt.set(at, n);
    }
    // A bool buffer is staged as 0.0 / 1.0 floats (TypedArray.set converts) and read as a mask.
    return dtype === 'bool' ? p.cmp('ne', n, p.c(0)) : n;
  };
  const locals = new Map<Var, Node>();
  try {
    const walk = new TreeWalk<Node>(producer, domain.length, {
      leaf: readLeaf(domain, locals, load, 'wasm loop'),
      literal: (l) => { if (l.aval.dtype !== 'float32') throw new NotWasm(); return p.c(castScalar(l.value, 'float32')); },
      iota: () => { throw new NotWasm(); },
      elementwise: (eqn, ops) => {
        const out = eqn.outvars[0]!.aval.dtype, inDtype = eqn.inputs[eqn.inputs.length - 1]!.aval.dtype;
        const r = wasmApply(p, eqn.primitive as ElementwisePrimitive, ops, inDtype, out);
        if (!r) throw new NotWasm();
        return r;
      },
      blocked: () => { throw new NotWasm(); },
    });
    const outs: Var[] = [], roots: Node[] = [];
    const id = identityAccess(domain);
    for (const m of step.members) {
      const val = walk.expand(m, id);
      locals.set(m, val);
      if (!stored.has(m)) continue;
      const ok = m.aval.dtype === 'float32' ? val.ty === 'f32' : m.aval.dtype === 'bool' && val.ty === 'mask';
      if (!ok) throw new NotWasm();
      outs.push(m);
      roots.push(val.ty === 'mask' ? p.one(val) : val); // a bool result leaves as 1.0 / 0.0, stored as 1 / 0
    }
    if (!outs.length) return null;
    return { loop: compileLoop(p, roots, kinds), outs, ins, size };
  } catch (e) {
    if (e instanceof NotWasm) return null;
    throw e;
  }
}
