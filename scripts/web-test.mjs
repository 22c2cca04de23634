// The live page's end-to-end test: headless Chromium (playwright-core driving /usr/bin/chromium,
// never a downloaded browser) loads examples/web/, trains the polynomial on WebGPU (SwiftShader's
// adapter under --enable-unsafe-webgpu), and checks that the loss fell, both plots were drawn,
// steps/s is shown and Stop stops; then the two-layer network on the CPU. Saves a screenshot to
// build/web-page.png. Ends with uvu's summary lines, which scripts/test.mjs counts.
//
// Environment: CHROMIUM (default /usr/bin/chromium); REQUIRE_BROWSER=1 makes a missing Chromium or
// WebGPU adapter a failure instead of a loud skip (CI sets it); WEB_TEST_TIMEOUT_S (default 90).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveRoot } from './static-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER === '1';
const timeoutMs = Number(process.env.WEB_TEST_TIMEOUT_S || 90) * 1000;
const started = Date.now();
const results = { passed: 0, failed: 0, skipped: 0 };
function record(ok, name, detail = '') {
  console.log(`  ${ok === null ? '- SKIPPED' : ok ? '✓' : '✘'} ${name}${detail ? `\n      ${String(detail).trim().replace(/\n/g, '\n      ')}` : ''}`);
  if (ok === null) results.skipped++;
  else if (ok) results.passed++;
  else results.failed++;
}
let cleanup = async () => {};
async function finish() {
  await cleanup();
  console.log(`\n  Total:     ${results.passed + results.failed}\n  Passed:    ${results.passed}\n  Skipped:   ${results.skipped}\n  Duration:  ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  process.exit(results.failed === 0 ? 0 : 1);
}
const timer = setTimeout(() => { record(false, `the test finishes within ${timeoutMs / 1000}s`); finish(); }, timeoutMs);

if (!existsSync(join(root, 'build/examples/web/app.js'))) {
  record(false, 'the page is built', 'build/examples/web/app.js is missing: run `npm run build`');
  await finish();
}
if (!existsSync(chromium)) {
  if (required) record(false, 'Chromium is installed (REQUIRE_BROWSER=1)', `${chromium} not found: run scripts/install-chromium.sh as root`);
  else { console.warn(`\n!! WEB PAGE TEST SKIPPED: ${chromium} not found (REQUIRE_BROWSER=1 makes this a failure)\n`); record(null, 'the live page'); }
  await finish();
}

const { chromium: launcher } = await import('playwright-core');
const { server, base, notFound } = await serveRoot(root);
const browser = await launcher.launch({
  executablePath: chromium,
  headless: true,
  args: ['--no-sandbox', '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--disable-background-networking', '--disable-component-update'],
  env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
});
cleanup = async () => { clearTimeout(timer); await browser.close().catch(() => {}); server.closeAllConnections(); server.close(); };

const page = await browser.newPage({ viewport: { width: 1120, height: 640 } });
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
await page.goto(`${base}/examples/web/`);
await page.waitForFunction(() => /ready|no WebGPU/.test(document.getElementById('status')?.textContent ?? ''), null, { timeout: 30_000 }).catch(() => {});
const status = await page.textContent('#status');
record(pageErrors.length === 0 && /ready|no WebGPU/.test(status ?? ''), 'the page loads (ES build through the import map)', `${status}\n${pageErrors.join('\n')}${notFound.length ? `\n404s: ${notFound.join(', ')}` : ''}`);
const webgpuOffered = await page.$eval('#backend option[value=webgpu]', (o) => !o.disabled);

/** Trains `model` on `backend` until `minSteps` steps and `minFrames` redraws, then stops; returns the page's record. */
async function trainOn(model, backend, minSteps, minFrames) {
  await page.selectOption('#model', model);
  await page.selectOption('#backend', backend);
  await page.click('#start');
  await page.waitForFunction(([s, f]) => { const d = globalThis.cotangentDemo; return d.error || (d.steps >= s && d.frames >= f); }, [minSteps, minFrames], { timeout: 60_000, polling: 100 });
  const statsText = await page.textContent('#stats');
  await page.click('#stop');
  await page.waitForFunction(() => !globalThis.cotangentDemo.running, null, { timeout: 20_000 });
  const demo = await page.evaluate(() => globalThis.cotangentDemo);
  // Pixels that are neither the white background nor the axes' grey: what the plots drew.
  const inked = await page.evaluate(() => ['fit', 'loss'].map((id) => {
    const c = document.getElementById(id);
    const { data } = c.getContext('2d').getImageData(0, 0, c.width, c.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.max(data[i], data[i + 1], data[i + 2]) - Math.min(data[i], data[i + 1], data[i + 2]) > 60) n++;
    return n;
  }));
  return { demo, statsText, inked };
}

function checkRun(label, { demo, statsText, inked }, minSteps) {
  record(!demo.error, `${label}: trains without an error`, demo.error ?? '');
  if (demo.error) return;
  const first = demo.losses[0]?.[1], last = demo.losses[demo.losses.length - 1]?.[1];
  record(demo.steps >= minSteps && last < first / 2, `${label}: the loss fell (${first?.toPrecision(4)} → ${last?.toPrecision(4)} over ${demo.steps} steps, ${demo.losses.length} redraws)`);
  record(demo.marks > 50 && inked[0] > 500, `${label}: the fit panel was drawn (${demo.marks} marks, ${inked[0]} coloured pixels)`);
  record(inked[1] > 200, `${label}: the loss curve was drawn (${inked[1]} coloured pixels)`);
  record(/steps\/s/.test(statsText ?? '') && demo.stepsPerSecond > 0, `${label}: steps/s is shown ("${statsText}")`);
  record(!demo.running, `${label}: Stop stops the training`);
}

if (webgpuOffered) {
  const run = await trainOn('polynomial', 'webgpu', 300, 4);
  checkRun('polynomial on WebGPU', run, 300);
  mkdirSync(join(root, 'build'), { recursive: true });
  await page.screenshot({ path: join(root, 'build/web-page.png') });
  console.log(`  screenshot: build/web-page.png (steps/s on WebGPU: ${run.demo.stepsPerSecond.toFixed(0)})`);
} else if (required) {
  record(false, 'a WebGPU adapter is offered in Chromium (REQUIRE_BROWSER=1)', status ?? '');
} else {
  console.warn('\n!! WEB PAGE WEBGPU TEST SKIPPED: no WebGPU adapter in Chromium\n');
  record(null, 'polynomial on WebGPU');
}
checkRun('two-layer network on the CPU', await trainOn('two-layer', 'cpu', 20, 3), 20);
if (!webgpuOffered) await page.screenshot({ path: join(root, 'build/web-page.png') });
await finish();
