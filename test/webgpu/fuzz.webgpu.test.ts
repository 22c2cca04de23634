// The differential fuzzer on WebGPU: seeded random programs at float32, run eagerly, under jit and
// as jit(grad) on the device, against the CPU's eager results (fuzz/checks.ts checkWebgpu). Kept
// small: llvmpipe compiles a pipeline per new kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuSuite } from '../helpers/webgpu.js';
import { runFuzz, summary } from '../../fuzz/run.js';

const gpuTest = gpuSuite(test, 'fuzz.webgpu.test');
const COUNT = 20, SEED = 7;

gpuTest(`fuzz: ${COUNT} programs from seed ${SEED}, WebGPU against the CPU`, async () => {
  const r = await runFuzz({ count: COUNT, seed: SEED, webgpu: true, checks: ['cpu=webgpu'], maxOps: 5, maxFailures: 2 });
  console.log(summary(r));
  for (const f of r.failures) console.log(`\n${f}\n`);
  assert.is(r.failures.length, 0, r.failures[0]?.split('\n').slice(0, 2).join(': '));
  assert.ok(r.counts['cpu=webgpu']!.pass >= COUNT - 3, `only ${r.counts['cpu=webgpu']!.pass} programs checked`);
});

test.run();
