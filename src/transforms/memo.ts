// Derived jaxprs (jvp, transpose, partial evaluation of a jitted jaxpr) are built once per
// (jaxpr, which inputs take part) and kept as long as the jaxpr itself.
import { ClosedJaxpr } from '../core/jaxpr.js';

export function memoPerJaxpr<T>(build: (cj: ClosedJaxpr, mask: readonly boolean[]) => T): (cj: ClosedJaxpr, mask: readonly boolean[]) => T {
  const cache = new WeakMap<ClosedJaxpr, Map<string, T>>();
  return (cj, mask) => {
    const key = mask.map((b) => (b ? '1' : '0')).join('');
    let perJaxpr = cache.get(cj);
    if (!perJaxpr) { perJaxpr = new Map(); cache.set(cj, perJaxpr); }
    let hit = perJaxpr.get(key);
    if (hit === undefined) { hit = build(cj, mask); perJaxpr.set(key, hit); }
    return hit;
  };
}
