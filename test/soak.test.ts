// Soak, CI's short version on the CPU: 2,000 jitted training steps in a child Node with
// --expose-gc (soak/soak.ts; `npm run soak` runs 10,000 on each backend and the eager WebGPU loop).
// Collected JS heap, process memory and live buffers must stay at their level after step 100.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SoakReport } from '../soak/soak.js';
import { verdicts, table, EAGER_BOUND_MIB } from '../soak/soak.js';

const script = fileURLToPath(new URL('../soak/soak.js', import.meta.url));

test('soak: 2,000 jitted CPU training steps stay flat', () => {
  const r = spawnSync(process.execPath, ['--expose-gc', script, '--only', 'cpu-jit', '--jit-steps', '2000', '--json'], { encoding: 'utf8', timeout: 120_000 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('['));
  assert.ok(line, `no report from the soak child (exit ${r.status}): ${r.stderr}`);
  const reports = JSON.parse(line!) as SoakReport[];
  for (const rep of reports) console.log(table(rep));
  assert.is(reports.length, 1);
  assert.ok(reports[0]!.samples.length >= 3, 'samples taken');
  assert.equal(verdicts(reports[0]!, EAGER_BOUND_MIB), []);
});

test.run();
