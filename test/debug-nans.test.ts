// debugNans / debugInfs (JAX's jax_debug_nans): eager checks of every primitive, jitted functions
// re-run op by op, the pass (forward or backward) and the user's source line, through the torch layer.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, grad, makeJaxpr, debugNans, debugInfs, FloatingPointError } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import * as torch from '../src/nn/index.js';
import { execFileSync } from 'node:child_process';

const HERE = /debug-nans\.test\.js:\d+:\d+/;
function catchFpe(f: () => unknown): FloatingPointError {
  try { f(); } catch (e) {
    assert.instance(e, FloatingPointError, `expected a FloatingPointError, got ${(e as Error).name}: ${(e as Error).message}`);
    return e as FloatingPointError;
  }
  assert.unreachable('expected a FloatingPointError');
  throw new Error('unreachable');
}
const withFlags = (nans: boolean, infs: boolean, f: () => void) => {
  debugNans(nans); debugInfs(infs);
  try { f(); } finally { debugNans(false); debugInfs(false); }
};

const logOfNegative = (x: NDArray) => np.log(x).mul(2).sum();   // the NaN is made by `log`, on this line
const zeroTimesInf = (x: NDArray) => np.sqrt(x).mul(0).sum();   // forward fine at 0; backward 0·∞ = NaN

test('off: NaNs flow through silently, as before', () => {
  assert.ok(Number.isNaN(logOfNegative(np.array([1, -1])).itemSync()));
  assert.ok(Number.isNaN(jit(logOfNegative)(np.array([1, -1])).itemSync()));
});

for (const [name, run] of [['eager', logOfNegative], ['jit', jit(logOfNegative)]] as const) {
  test(`debugNans: ${name} names the primitive, its inputs, the pass and the user's line`, () => {
    withFlags(true, false, () => {
      const e = catchFpe(() => run(np.array([1, -1, 2])));
      assert.is(e.primitive, 'log');
      assert.is(e.pass, 'forward');
      assert.match(e.location ?? '', HERE);
      assert.match(e.message, /invalid value \(NaN\) encountered in log \(the forward pass\)/);
      assert.match(e.message, /input 0: f32\[3\] min=-1 max=2 nan=0 inf=0/);
      assert.match(e.message, /output: f32\[3\] .*nan=1/);
      // Clean inputs run as usual, and the result is right.
      assert.ok(Math.abs((run(np.array([1, Math.E])) as NDArray).itemSync() - 2) < 1e-5);
    });
  });
}

test('debugNans: a NaN made in the backward (transposed) pass says so, eagerly and under jit', () => {
  withFlags(true, false, () => {
    for (const g of [grad(zeroTimesInf), jit(grad(zeroTimesInf))]) {
      const e = catchFpe(() => g(np.array([0, 1])));
      assert.is(e.primitive, 'mul');
      assert.is(e.pass, 'backward');
      assert.match(e.message, /the backward pass/);
      assert.match(e.message, /input 1: f32\[2\] min=0\.5 max=Infinity nan=0 inf=1/);
      assert.match(e.location ?? '', HERE);
    }
  });
});

test('debugInfs: an infinity is reported where debugNans would let it pass', () => {
  withFlags(false, true, () => {
    const e = catchFpe(() => grad(zeroTimesInf)(np.array([0, 1])));
    assert.is(e.primitive, 'div');
    assert.match(e.message, /infinity \(Inf\) encountered in div/);
  });
  withFlags(true, false, () => { assert.ok(np.array([1]).div(0).itemSync() === Infinity); });
});

test('makeJaxpr(...).toString({sourceInfo: true}) shows each equation\'s line and pass', () => {
  const text = makeJaxpr(grad(zeroTimesInf))(np.array([0, 1])).toString({ sourceInfo: true });
  assert.match(text, /= sqrt a {2}# zeroTimesInf \(.*debug-nans\.test\.js:\d+:\d+\)/);
  assert.match(text, /= mul .*# .*debug-nans\.test\.js:\d+:\d+\) \(backward pass\)/);
  assert.not.match(makeJaxpr(zeroTimesInf)(np.array([0, 1])).toString(), /#/);
});

test('through the torch layer: loss.backward() names the op', () => {
  withFlags(true, false, () => {
    const x = torch.tensor([0, 1], { requiresGrad: true });
    const loss = x.sqrt().mul(0).sum();
    const e = catchFpe(() => loss.backward());
    assert.is(e.primitive, 'mul');
    assert.is(e.pass, 'backward');
    assert.match(e.location ?? '', HERE);
    const y = torch.tensor([-1, 1]);
    assert.is(catchFpe(() => y.log()).primitive, 'log');
  });
});

test('COTANGENT_DEBUG_NANS=1 turns it on from the environment', () => {
  const index = new URL('../src/index.js', import.meta.url).href;
  const script = `import { np } from '${index}'; try { np.log(np.array([-1])); console.log('no error'); } catch (e) { console.log(e.name, e.primitive); }`;
  const run = (env: Record<string, string>) => execFileSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' }).trim();
  assert.is(run({ COTANGENT_DEBUG_NANS: '1' }), 'FloatingPointError log');
  assert.is(run({ COTANGENT_DEBUG_NANS: '' }), 'no error');
});

test.run();
