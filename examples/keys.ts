// A helper the examples share: n independent PRNG keys from one seed.
import { random, Array as NDArray } from '../src/index.js';

export function keys(seed: number, n: number): NDArray[] {
  const split = random.split(random.key(seed), n);
  return Array.from({ length: n }, (_, i) => split.get(i));
}
