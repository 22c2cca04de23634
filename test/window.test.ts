// Window reductions against a direct float64 reference (nested loops from the definition) on
// random windows, strides, paddings and dilations; max pooling's gradient goes to the first
// maximum of each window (select-and-scatter); jit = eager; errors name lax.reduceWindow.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, np } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { WindowParams } from '../src/core/primitives.js';
import { reduceWindowMax, reduceWindowMin, reduceWindowSum } from '../src/core/window.js';
import { Rng } from './helpers/check-grads.js';

const pick = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));

/** out[o] = fold over window positions k of x at (o·stride + k·wdil − lo) / bdil, where whole and in range. */
function reference(x: Float64Array, shape: number[], p: WindowParams, outShape: readonly number[], op: 'sum' | 'max' | 'min'): Float64Array {
  const n = shape.length, size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const out = new Float64Array(size(outShape)), W = size(p.windowDimensions);
  for (let flat = 0; flat < out.length; flat++) {
    const o = outShape.map((m, a) => Math.floor(flat / size(outShape.slice(a + 1))) % m);
    let acc = op === 'sum' ? 0 : op === 'max' ? -Infinity : Infinity;
    for (let kt = 0; kt < W; kt++) {
      const k = p.windowDimensions.map((w, a) => Math.floor(kt / size(p.windowDimensions.slice(a + 1))) % w);
      let off = 0, ok = true;
      for (let a = 0; a < n; a++) {
        const q = o[a]! * p.windowStrides[a]! + k[a]! * p.windowDilation[a]! - p.padding[a]![0];
        if (q < 0 || q % p.baseDilation[a]! !== 0 || q / p.baseDilation[a]! >= shape[a]!) { ok = false; break; }
        off += (q / p.baseDilation[a]!) * size(shape.slice(a + 1));
      }
      if (!ok) continue;
      acc = op === 'sum' ? acc + x[off]! : op === 'max' ? Math.max(acc, x[off]!) : Math.min(acc, x[off]!);
    }
    out[flat] = acc;
  }
  return out;
}

test('reduce_window sum/max/min match the nested-loop reference on 30 random configurations', () => {
  const rng = new Rng(21);
  for (let t = 0; t < 30; t++) {
    const n = 1 + (t % 3);
    const shape = Array.from({ length: n }, () => pick(rng, 1, 6));
    const p: WindowParams = {
      windowDimensions: shape.map(() => pick(rng, 1, 3)), windowStrides: shape.map(() => pick(rng, 1, 3)),
      padding: shape.map(() => [pick(rng, 0, 2), pick(rng, -1, 2)] as [number, number]),
      baseDilation: shape.map(() => pick(rng, 1, 2)), windowDilation: shape.map(() => pick(rng, 1, 2)),
    };
    const x = rng.array(shape);
    for (const [op, f] of [['sum', reduceWindowSum], ['max', reduceWindowMax], ['min', reduceWindowMin]] as const) {
      const y = f(x, p);
      const want = reference(x.dataSync() as Float64Array, shape, p, y.shape, op);
      const got = y.dataSync();
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i]! - want[i]!) <= 1e-12 || got[i] === want[i])) assert.unreachable(`case ${t} ${op} x${JSON.stringify(shape)} ${JSON.stringify(p)}: element ${i} is ${got[i]}, expected ${want[i]}`);
      }
    }
  }
});

test('max pooling sends each window\'s cotangent to its first maximum, as select-and-scatter does (ties included)', async () => {
  const x = np.array([[[[1, 1, 0, 2], [0, 1, 2, 2]], [[5, 5, 5, 5], [5, 5, 5, 5]]]]);
  const g = grad((x: NDArray) => lax.reduceWindow(x, -Infinity, 'max', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID').mul(np.array([[[[1, 10]], [[100, 1000]]]])).sum())(x) as NDArray;
  assert.equal(await g.tolist() as unknown, [[[[1, 0, 0, 10], [0, 0, 0, 0]], [[100, 0, 1000, 0], [0, 0, 0, 0]]]]);
});

test('average pooling as a windowed sum, and its gradient spreads evenly', async () => {
  const x = np.arange(16).astype('float32').reshape(1, 1, 4, 4);
  const avg = (x: NDArray) => lax.reduceWindow(x, 0, 'sum', [1, 1, 2, 2], [1, 1, 2, 2], 'VALID').div(4);
  assert.equal(await avg(x).tolist() as unknown, [[[[2.5, 4.5], [10.5, 12.5]]]]);
  const g = grad((x: NDArray) => avg(x).sum())(x) as NDArray;
  assert.ok(Array.from(g.dataSync()).every((v) => v === 0.25));
});

test('jit = eager for pooling forward and backward, bit for bit', () => {
  const rng = new Rng(3);
  const x = rng.array([2, 3, 9, 8], -1, 1, 'float32');
  const f = (x: NDArray) => lax.reduceWindow(np.tanh(x), -Infinity, 'max', [1, 1, 3, 3], [1, 1, 2, 2], 'SAME').square().sum()
    .add(lax.reduceWindow(x, 0, 'sum', [1, 1, 2, 2], [1, 1, 1, 1], [[0, 0], [0, 0], [1, 1], [0, 1]]).sum());
  assert.equal(Array.from((jit(grad(f))(x) as NDArray).dataSync()), Array.from((grad(f)(x) as NDArray).dataSync()));
  assert.equal(jit(f)(x).dataSync(), f(x).dataSync());
});

test('integer windows keep their dtype; the identity of max on int32 is its minimum', () => {
  const x = np.array([3, -7, 2], { dtype: 'int32' });
  const y = lax.reduceWindow(x, -2147483648, 'max', [2], [1], [[1, 0]]);
  assert.is(y.dtype, 'int32');
  assert.equal(Array.from(y.dataSync()), [3, 3, 2]);
  assert.equal(Array.from(lax.reduceWindow(x, 0, lax.add, [3], [1], 'VALID').dataSync()), [-2]);
});

test('bad input names lax.reduceWindow, what it got and what it expected', () => {
  const x = np.zeros([2, 3]);
  assert.throws(() => lax.reduceWindow(x, 0, 'sum', [2], [1], 'VALID'), /lax\.reduceWindow: windowDimensions needs one entry per axis of f32\[2,3\] \(2\)/);
  assert.throws(() => lax.reduceWindow(x, 0, 'max', [1, 2], [1, 1], 'VALID'), /initValue must be the identity of 'max' \(-Infinity\)/);
  assert.throws(() => lax.reduceWindow(x, 0, 'prod' as never, [1, 2], [1, 1], 'VALID'), /computation must be 'sum', 'max', 'min'/);
  assert.throws(() => lax.reduceWindow(x, 0, 'sum', [1, 0], [1, 1], 'VALID'), /windowDimensions must be 2 positive integers/);
});

test.run();
