// Soak on WebGPU, CI's short version: 150 eager training steps that never dispose() their arrays,
// awaiting the loss each step, in a child Node. The allocator's sweep under pressure
// (device.ts sweepIfPressed) must keep live device memory under the bound; without it this loop
// peaked at 137 MiB. (The 10,000-step jitted loop is memory.webgpu.test.ts.)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuSuite } from '../helpers/webgpu.js';
import type { SoakReport } from '../../soak/soak.js';
import { verdicts, table, EAGER_BOUND_MIB } from '../../soak/soak.js';

const gpuTest = gpuSuite(test, 'soak.webgpu.test');
const script = fileURLToPath(new URL('../../soak/soak.js', import.meta.url));

gpuTest(`soak: 150 eager WebGPU steps without dispose() keep live device memory under ${EAGER_BOUND_MIB} MiB`, () => {
  // No --expose-gc: the allocator must find the collector hook itself, as in a user's process.
  const r = spawnSync(process.execPath, [script, '--only', 'webgpu-eager', '--eager-steps', '150', '--json'], {
    encoding: 'utf8', timeout: 240_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('['));
  assert.ok(line, `no report from the soak child (exit ${r.status}): ${r.stderr}`);
  const reports = JSON.parse(line!) as SoakReport[];
  for (const rep of reports) console.log(table(rep));
  assert.is(reports.length, 1);
  assert.equal(verdicts(reports[0]!, EAGER_BOUND_MIB), []);
  assert.ok(reports[0]!.peakLiveMiB > 1, 'the loop used the device');
});

test.run();
