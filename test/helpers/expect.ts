// Assertions the test files share: an array's dtype, shape and values; an error's class and message.
import * as assert from 'uvu/assert';
import { np } from '../../src/index.js';
import type { Array as NDArray, DType } from '../../src/index.js';

export type Values = readonly (number | boolean)[];

/** x has this dtype, shape and row-major values (floats within relative `tol`, NaN matching NaN). */
export function expectArray(x: NDArray, dtype: DType, shape: readonly number[], values: Values, tol = 0, msg = ''): void {
  assert.ok(x instanceof np.Array, `${msg}: not an Array`);
  assert.is(x.dtype, dtype, `${msg}: dtype`);
  assert.equal([...x.shape], [...shape], `${msg}: shape`);
  const got = Array.from(x.dataSync(), Number);
  assert.is(got.length, values.length, `${msg}: size`);
  values.forEach((v, i) => {
    const e = Number(v), a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : a === e || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e));
    assert.ok(ok, `${msg}: element ${i} is ${a}, expected ${e}`);
  });
}

/** `f` throws an instance of `cls` whose message matches `pattern`. */
export function expectError(f: () => unknown, cls: new (...a: never[]) => Error, pattern: RegExp): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, cls, `expected ${cls.name}, got ${String(e)}`);
    assert.match((e as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${cls.name} matching ${pattern}`);
}
