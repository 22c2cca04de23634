// debugNans on a backend read asynchronously (WebGPU): nothing can be checked when a primitive
// runs, so each output remembers where it came from (the primitive and its inputs, or the jitted
// call), and reading it back (`await x.data()`, `item()`, `tolist()`) checks the values: a NaN is
// traced back to the first primitive that made it, re-running jitted calls op by op.
import { ConcreteArray, NDArray, setReadCheck } from './array.js';
import { badValue, checkOutputs, SourceInfo } from './debug.js';
import type { TypedArray } from './dtype.js';
import { FloatingPointError } from './errors.js';
import { ClosedJaxpr, evalClosedJaxpr } from './jaxpr.js';

type Origin =
  | { readonly kind: 'primitive'; readonly prim: string; readonly inputs: readonly ConcreteArray[]; readonly source: SourceInfo }
  | { readonly kind: 'jit'; readonly jaxpr: ClosedJaxpr; readonly inputs: readonly ConcreteArray[] };

// Only while debugging: outputs keep their inputs alive until they are collected.
const origins = new WeakMap<NDArray, { origin: Origin; index: number }>();

export function recordOrigin(outs: readonly ConcreteArray[], origin: Origin): void {
  outs.forEach((o, index) => origins.set(o, { origin, index }));
}

const rawRead = (x: ConcreteArray): Promise<TypedArray> => x.backend.read(x.buffer, x.aval);

/** `x` holds a bad value: raise at the primitive that first made one (or return if x came from outside). */
async function blame(x: ConcreteArray, data: TypedArray): Promise<void> {
  const entry = origins.get(x);
  if (!entry) return;
  const { origin, index } = entry;
  if (origin.kind === 'jit') {
    const rerun = evalClosedJaxpr(origin.jaxpr, origin.inputs)[index] as ConcreteArray;
    const d = await rawRead(rerun);
    if (badValue(rerun, d)) await blame(rerun, d);
    throw new FloatingPointError(`${badValue(x, data) === 'NaN' ? 'invalid value (NaN)' : 'infinity (Inf)'} in the output of a jitted function, which did not recur when it ran op by op`, 'jit', 'forward', null);
  }
  const values = new Map<NDArray, TypedArray>([[x, data]]);
  for (const input of origin.inputs) {
    const d = await rawRead(input);
    values.set(input, d);
    if (badValue(input, d)) await blame(input, d);
  }
  checkOutputs(origin.prim, origin.inputs, [x], (a) => values.get(a) ?? null, origin.source);
}

setReadCheck(async (x, data) => {
  if (badValue(x, data)) await blame(x, data);
});
