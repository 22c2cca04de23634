// Runs the test suites: CPU/transform tests in one process, WebGPU tests in their own process
// with a time limit (Dawn on a software adapter can crash or hang; a crash must not take the
// CPU results with it), then the browser test (scripts/browser-test.mjs: headless Chromium, CPU
// and navigator.gpu; a loud skip without Chromium, a failure under REQUIRE_BROWSER=1), then the
// live page's test (scripts/web-test.mjs: examples/web/ trained on WebGPU and the CPU in headless
// Chromium, a screenshot in build/web-page.png), and the consumer test (scripts/consumer-test.mjs:
// the packed package installed and the README compiled and run as a user would). Each prints
// uvu's summary, which is counted here. Prints one closing line: "N passed, M failed".
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const uvu = 'node_modules/uvu/bin.js';
let passed = 0, failed = 0;

function run(label, args, env = {}, timeoutMs = 15 * 60 * 1000, script = uvu) {
  console.log(`\n== ${label}`);
  const r = spawnSync(process.execPath, [script, ...args], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: timeoutMs });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const total = Number(/Total:\s+(\d+)/.exec(r.stdout ?? '')?.[1] ?? 0);
  const ok = Number(/Passed:\s+(\d+)/.exec(r.stdout ?? '')?.[1] ?? 0);
  passed += ok;
  failed += total - ok;
  if (r.error || r.status !== 0) {
    const why = r.error?.code === 'ETIMEDOUT' ? `timed out after ${timeoutMs / 1000}s` : r.signal ? `killed by ${r.signal}` : `exit code ${r.status}`;
    console.log(`!! ${label}: ${why}`);
    if (total === ok) failed += 1;
  }
}

run('cpu and transforms', ['build/test', '\\.test\\.js$', '-i', 'webgpu']);
if (existsSync('build/test/webgpu')) {
  run('webgpu', ['build/test/webgpu', '\\.test\\.js$'], { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' }, 10 * 60 * 1000);
}
run('browser (headless chromium)', [], {}, 5 * 60 * 1000, 'scripts/browser-test.mjs');
run('web page (playwright-core, headless chromium)', [], {}, 3 * 60 * 1000, 'scripts/web-test.mjs');
run('consumer (npm pack, a fresh project, the README under tsc --strict)', [], {}, 5 * 60 * 1000, 'scripts/consumer-test.mjs');
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
