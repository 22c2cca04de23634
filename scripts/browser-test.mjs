// The browser test: serves the repository root on 127.0.0.1, opens test/browser/index.html in
// headless Chromium, and prints each check the page POSTs back (build/test/browser/smoke.js, from
// test/browser/smoke.ts; build first with `npx tsc -p .`). Ends with uvu's summary lines
// ("Total: / Passed: / Skipped:"), which scripts/test.mjs counts, and exits non-zero on a failed
// check, a page that does not load, or a run past the time limit.
//
// Environment: CHROMIUM (default /usr/bin/chromium); CHROMIUM_FLAGS (extra flags, space-separated);
// BROWSER_TEST_TIMEOUT_S (default 120); REQUIRE_BROWSER=1 makes a missing Chromium or a missing
// WebGPU adapter a failure instead of a loud skip (CI sets it).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveRoot } from './static-server.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const chromium = process.env.CHROMIUM || '/usr/bin/chromium';
const required = process.env.REQUIRE_BROWSER === '1';
const timeoutS = Number(process.env.BROWSER_TEST_TIMEOUT_S || 120);
const page = '/test/browser/index.html';

// Flags. --headless and the networking ones are what runs Chromium on a machine with a closed
// network (no retries against Google's hosts); --no-sandbox because CI runs as root, where
// Chromium refuses to start sandboxed. WebGPU: --enable-unsafe-webgpu exposes it where Chromium
// does not ship it by default (Linux without a supported GPU); with no GPU, Chromium's
// SwiftShader then answers requestAdapter() as a fallback adapter. --enable-features=Vulkan lets a
// machine with a Vulkan GPU use it instead.
const flags = [
  '--headless', '--no-sandbox', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic',
  '--enable-unsafe-webgpu', '--enable-features=Vulkan',
  ...(process.env.CHROMIUM_FLAGS ?? '').split(/\s+/).filter(Boolean),
];

const bar = '!'.repeat(100);
const banner = (lines) => console.warn(`\n${bar}\n${lines.map((l) => `!! ${l}`).join('\n')}\n${bar}\n`);

const results = { passed: 0, failed: 0, skipped: 0 };
function record(status, name, detail = '', ms = 0) {
  const mark = status === 'pass' ? '✓' : status === 'fail' ? '✘' : '-';
  const time = ms ? ` (${ms} ms)` : '';
  console.log(`  ${mark} ${status === 'skip' ? 'SKIPPED ' : ''}${name}${time}${detail ? `\n      ${detail.replace(/\n/g, '\n      ')}` : ''}`);
  if (status === 'pass') results.passed++;
  else if (status === 'fail') results.failed++;
  else results.skipped++;
}
function finish(started) {
  // uvu's summary format: Total counts the checks that ran (not the skipped ones).
  console.log(`\n  Total:     ${results.passed + results.failed}\n  Passed:    ${results.passed}\n  Skipped:   ${results.skipped}\n  Duration:  ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  process.exit(results.failed === 0 ? 0 : 1);
}

const started = Date.now();
if (!existsSync(join(root, 'build/test/browser/smoke.js'))) {
  record('fail', 'build/test/browser/smoke.js exists', 'not built: run `npx tsc -p .` first');
  finish(started);
}
if (!existsSync(chromium)) {
  if (required) {
    record('fail', 'Chromium is installed (REQUIRE_BROWSER=1)', `${chromium} not found: run scripts/install-chromium.sh as root, or set CHROMIUM=/path/to/chromium`);
  } else {
    banner([`BROWSER TESTS SKIPPED: ${chromium} not found.`, 'Install it with scripts/install-chromium.sh (as root) or set CHROMIUM; set REQUIRE_BROWSER=1 to make this a failure.']);
  }
  finish(started);
}

// ---- the ONNX model the page runs in onnxruntime-web: exported here, in Node ------------------------
try {
  const { exportOnnx } = await import('../build/src/onnx/index.js');
  const { onnxCase, ONNX_MODEL_PATH } = await import('../build/test/browser/onnx-case.js');
  const { f, x } = onnxCase();
  writeFileSync(join(root, `.${ONNX_MODEL_PATH}`), exportOnnx(f, x));
} catch (e) {
  record('fail', 'exportOnnx writes the model the page runs', e.stack ?? String(e));
}

let resolveDone;
const done = new Promise((r) => (resolveDone = r));
let adapterReported = false;

function onEvent(ev) {
  switch (ev.type) {
    case 'info': console.log(`  ${ev.message}`); break;
    case 'check': record(ev.status, ev.name, ev.detail, ev.ms); break;
    case 'fatal': record('fail', 'the page loads and runs', ev.message); resolveDone('fatal'); break;
    case 'done':
      adapterReported = true;
      if (ev.adapter) console.log(`  WebGPU adapter in Chromium: ${ev.adapter}`);
      else if (required) record('fail', 'a WebGPU adapter is available in Chromium (REQUIRE_BROWSER=1)', ev.adapterError ?? 'none');
      else banner([`BROWSER WEBGPU TESTS SKIPPED: no WebGPU adapter in Chromium (${ev.adapterError ?? 'none'})`, 'Set REQUIRE_BROWSER=1 to make this a failure.']);
      resolveDone('done');
      break;
    default: record('fail', 'the page sends events the runner knows', JSON.stringify(ev));
  }
}

// ---- the static server: the repository root, read-only, on loopback, plus the page's events ----
const { server, notFound, base } = await serveRoot(root, 0, (req, res, url) => {
  if (req.method !== 'POST' || url.pathname !== '/event') return false;
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    res.writeHead(204).end();
    try { onEvent(JSON.parse(body)); } catch (e) { record('fail', 'the page sends valid JSON', `${e.message}: ${body.slice(0, 200)}`); }
  });
  return true;
});
const url = `${base}${page}`;

// ---- Chromium -----------------------------------------------------------------------------------
const profile = mkdtempSync(join(tmpdir(), 'cotangent-chromium-'));
console.log(`  ${chromium} ${[...flags, `--user-data-dir=${profile}`].join(' ')} ${url}`);
// Its own process group, so that ending it ends the renderer and GPU processes too.
const browser = spawn(chromium, [...flags, `--user-data-dir=${profile}`, url], {
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
});
// Chromium's own log, kept to show when something goes wrong; D-Bus complaints are expected in a container.
let browserLog = '';
const keepLog = (chunk) => { browserLog = (browserLog + chunk).slice(-200_000); };
browser.stdout.on('data', keepLog);
browser.stderr.on('data', keepLog);
browser.on('error', (e) => { record('fail', 'Chromium starts', e.message); resolveDone('error'); });
/** Ends Chromium's whole process group (the browser, renderer and GPU processes). */
const stopBrowser = () => { try { process.kill(-browser.pid, 'SIGKILL'); } catch { /* already gone */ } };
// A runner stopped from outside (scripts/test.mjs's time limit, Ctrl-C) must not leave Chromium behind.
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => { stopBrowser(); rmSync(profile, { recursive: true, force: true }); process.exit(1); });
}
browser.on('exit', (code, signal) => resolveDone(`exit ${code ?? signal}`));
const timer = setTimeout(() => resolveDone('timeout'), timeoutS * 1000);

const outcome = await done;
clearTimeout(timer);
if (outcome === 'timeout') record('fail', `the page finishes within ${timeoutS}s`, 'timed out (set BROWSER_TEST_TIMEOUT_S to wait longer)');
else if (outcome.startsWith('exit')) record('fail', 'Chromium stays up until the page is done', `Chromium ended (${outcome.slice(5)}) before the page finished`);
if (!adapterReported && outcome !== 'fatal' && outcome !== 'done') console.log('  (the page did not finish: see the checks above for how far it got)');
if (notFound.length) console.log(`  404s: ${[...new Set(notFound)].join(', ')}`);
if (results.failed) {
  const tail = browserLog.split('\n').filter((l) => l.trim() && !/dbus|unexpected operator/i.test(l)).slice(-30);
  if (tail.length) console.log(`  Chromium's log (last lines):\n    ${tail.join('\n    ')}`);
}

stopBrowser();
server.closeAllConnections();
server.close();
rmSync(profile, { recursive: true, force: true });
finish(started);
