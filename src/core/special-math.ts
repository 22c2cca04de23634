// Special functions derived from primitives (so every transform and backend applies): trigamma,
// the derivative of the digamma primitive.
import { NDArray } from './array.js';
import * as lax from './lax.js';

/**
 * ψ₁(x) = Σₖ 1/(x+k)². For x ≥ ½: ten terms of the sum, then the asymptotic series at w = x + 10
 * ψ₁(w) ≈ 1/w + 1/(2w²) + 1/(6w³) − 1/(30w⁵) + 1/(42w⁷) − 1/(30w⁹) + 5/(66w¹¹) (next term < 1e-13
 * relative). Below ½ the reflection ψ₁(x) = π²/sin²(πx) − ψ₁(1 − x).
 */
export function trigamma(x: NDArray): NDArray {
  const c = (v: number) => lax.fullLike(x, v);
  const reflect = lax.lt(x, c(0.5));
  const z = lax.select(reflect, lax.sub(c(1), x), x);
  let sum = c(0);
  for (let k = 0; k < 10; k++) {
    const zk = lax.add(z, c(k));
    sum = lax.add(sum, lax.div(c(1), lax.mul(zk, zk)));
  }
  const w = lax.add(z, c(10));
  const r = lax.div(c(1), w), r2 = lax.mul(r, r);
  // 1/w + 1/(2w²) + (1/w³)(1/6 − r²(1/30 − r²(1/42 − r²(1/30 − r²·5/66))))
  let tail = c(5 / 66);
  for (const k of [1 / 30, 1 / 42, 1 / 30]) tail = lax.sub(c(k), lax.mul(r2, tail));
  tail = lax.sub(c(1 / 6), lax.mul(r2, tail));
  const asymptotic = lax.add(lax.add(r, lax.mul(c(0.5), r2)), lax.mul(lax.mul(r2, r), tail));
  const t = lax.add(sum, asymptotic);
  const s = lax.sin(lax.mul(x, c(Math.PI)));
  return lax.select(reflect, lax.sub(lax.div(c(Math.PI * Math.PI), lax.mul(s, s)), t), t);
}
