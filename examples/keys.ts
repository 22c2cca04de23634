// A helper the examples share: n independent PRNG keys from one seed, as a tuple of length n.
import { random, Array as NDArray } from '../src/index.js';

/** `[NDArray, NDArray, …]` with `N` elements (an array when N is not a literal). */
export type Keys<N extends number, Acc extends NDArray[] = []> =
  number extends N ? NDArray[] : Acc['length'] extends N ? Acc : Keys<N, [...Acc, NDArray]>;

export function keys<N extends number>(seed: number, n: N): Keys<N> {
  const split = random.split(random.key(seed), n);
  return Array.from({ length: n }, (_, i) => split.get(i)) as Keys<N>;
}
