// How the transforms go through a jitted call: jvp(jit(f)) = jit(jvp(f)), traced once per
// (jaxpr, which tangents are nonzero) and cached.
import { NDArray } from '../core/array.js';
import { bind } from '../core/interpreter.js';
import { ClosedJaxpr, evalClosedJaxpr } from '../core/jaxpr.js';
import { Params } from '../core/primitives.js';
import { jvpFlat } from './jvp.js';
import { traceFlat } from './make-jaxpr.js';
import { instantiate, isZero, Tangent, Zero } from './tangent.js';

const jvpCache = new WeakMap<ClosedJaxpr, Map<string, { jaxpr: ClosedJaxpr; zeroOut: boolean[] }>>();

/** The jaxpr of (primals, nonzero tangents) ↦ (primal outputs, nonzero tangent outputs). */
function jvpJaxpr(jaxpr: ClosedJaxpr, nonzero: readonly boolean[]): { jaxpr: ClosedJaxpr; zeroOut: boolean[] } {
  const key = nonzero.map((b) => (b ? '1' : '0')).join('');
  let perJaxpr = jvpCache.get(jaxpr);
  if (!perJaxpr) { perJaxpr = new Map(); jvpCache.set(jaxpr, perJaxpr); }
  const hit = perJaxpr.get(key);
  if (hit) return hit;
  const inAvals = jaxpr.inAvals;
  const tangentAvals = inAvals.filter((_, i) => nonzero[i]).map((a) => a.strong());
  let zeroOut: boolean[] = [];
  const traced = traceFlat((...xs) => {
    const primals = xs.slice(0, inAvals.length);
    let k = inAvals.length;
    const tangents: Tangent[] = inAvals.map((a, i) => (nonzero[i] ? xs[k++]! : new Zero(a)));
    const [po, to] = jvpFlat((...ys) => evalClosedJaxpr(jaxpr, ys), primals, tangents);
    zeroOut = to.map((t) => isZero(t));
    return [...po, ...to.filter((t) => !isZero(t)).map(instantiate)];
  }, [...inAvals, ...tangentAvals]);
  const entry = { jaxpr: traced, zeroOut };
  perJaxpr.set(key, entry);
  return entry;
}

export function jvpOfJit(primals: readonly NDArray[], tangents: readonly Tangent[], params: Params<'jit'>): [NDArray[], Tangent[]] {
  const nonzero = tangents.map((t) => !isZero(t));
  const { jaxpr, zeroOut } = jvpJaxpr(params.jaxpr, nonzero);
  const nOut = params.jaxpr.outAvals.length;
  const outs = bind('jit', [...primals, ...tangents.filter((t) => !isZero(t)).map(instantiate)], {
    name: `jvp(${params.name})`, jaxpr, donated: jaxpr.inAvals.map(() => false),
  });
  let k = nOut;
  const tangentOuts = zeroOut.map((z, i) => (z ? new Zero(params.jaxpr.outAvals[i]!) : outs[k++]!));
  return [outs.slice(0, nOut), tangentOuts];
}
