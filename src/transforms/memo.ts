// Derived jaxprs (jvp, transpose, partial evaluation, batching of a jitted jaxpr) are built once
// per (jaxpr, how it is used) and kept as long as the jaxpr itself.
import { ClosedJaxpr } from '../core/jaxpr.js';

/** Memoises `build(cj, how)` per jaxpr and per `keyOf(how)`. */
export function memoPerJaxprBy<H, T>(keyOf: (how: H) => string, build: (cj: ClosedJaxpr, how: H) => T): (cj: ClosedJaxpr, how: H) => T {
  const cache = new WeakMap<ClosedJaxpr, Map<string, T>>();
  return (cj, how) => {
    const key = keyOf(how);
    let perJaxpr = cache.get(cj);
    if (!perJaxpr) { perJaxpr = new Map(); cache.set(cj, perJaxpr); }
    let hit = perJaxpr.get(key);
    if (hit === undefined) { hit = build(cj, how); perJaxpr.set(key, hit); }
    return hit;
  };
}

/** Memoises per jaxpr and per mask (which inputs take part). */
export const memoPerJaxpr = <T>(build: (cj: ClosedJaxpr, mask: readonly boolean[]) => T): ((cj: ClosedJaxpr, mask: readonly boolean[]) => T) =>
  memoPerJaxprBy((mask: readonly boolean[]) => mask.map((b) => (b ? '1' : '0')).join(''), build);
