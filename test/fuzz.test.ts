// The differential fuzzer's fixed CI budget on the CPU: seeded random programs (fuzz/), each
// checked for eager = jit, grad = finite differences, jit(grad) = grad(jit) and ⟨vjp, ·⟩ = ⟨·, jvp⟩.
// A failure prints its shrunk reproducer. `npm run fuzz -- --count N --seed S` runs more.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runFuzz, summary } from '../fuzz/run.js';

const COUNT = 250, SEED = 20261202;

test(`fuzz: ${COUNT} programs from seed ${SEED} pass every CPU check`, async () => {
  const r = await runFuzz({ count: COUNT, seed: SEED, maxFailures: 3 });
  console.log(summary(r));
  for (const f of r.failures) console.log(`\n${f}\n`);
  assert.is(r.programs, COUNT, 'every program drawn');
  assert.is(r.failures.length, 0, r.failures[0]?.split('\n').slice(0, 2).join(': '));
  // The checks must have run, not only skipped: a generator that draws nothing checkable fails here.
  for (const c of ['eager=jit', 'grad=fd', 'jit(grad)=grad(jit)', 'vjp·jvp']) assert.ok(r.counts[c]!.pass >= COUNT / 10, `${c} passed only ${r.counts[c]!.pass} times`);
  assert.ok(Object.keys(r.opsSeen).length >= 60, `only ${Object.keys(r.opsSeen).length} kinds of call drawn`);
});

test.run();
