// The consumer test: what a user installing the published package meets. `npm pack`s the build,
// installs the tarball into a fresh temporary project, writes every ```ts block of README.md as
// a module there, compiles them with `tsc --strict` under a plain `nodenext` config (skipLibCheck
// off, so the package's own .d.ts files are checked too, with no @webgpu/types or @types/node
// installed), runs each, and checks the tarball's contents (LICENSE, no source maps pointing at
// sources it does not ship). Ends with uvu's summary lines, which scripts/test.mjs counts.
//
// Needs `npx tsc -p .` first. Installs from npm's cache where it can (`--prefer-offline`): the
// packages are the ones `npm ci` already fetched. A README block that needs WebGPU runs only
// where an adapter exists (its failure to find one is not counted) unless REQUIRE_WEBGPU=1.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const lap = (what) => console.log(`  (${what}: ${((Date.now() - started) / 1000).toFixed(1)}s)`);
const results = { passed: 0, failed: 0, skipped: 0 };
function record(ok, name, detail = '') {
  console.log(`  ${ok === null ? '- SKIPPED' : ok ? '✓' : '✘'} ${name}${detail ? `\n      ${detail.trim().replace(/\n/g, '\n      ')}` : ''}`);
  if (ok === null) results.skipped++;
  else if (ok) results.passed++;
  else results.failed++;
}
const work = mkdtempSync(join(tmpdir(), 'cotangent-consumer-'));
function finish() {
  rmSync(work, { recursive: true, force: true });
  console.log(`\n  Total:     ${results.passed + results.failed}\n  Passed:    ${results.passed}\n  Skipped:   ${results.skipped}\n  Duration:  ${((Date.now() - started) / 1000).toFixed(1)}s\n`);
  process.exit(results.failed === 0 ? 0 : 1);
}
const npm = (args, cwd) => spawnSync('npm', args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });

if (!existsSync(join(root, 'build/src/index.js'))) {
  record(false, 'the package is built', 'build/src/index.js is missing: run `npx tsc -p .` first');
  finish();
}

// ---- pack ---------------------------------------------------------------------------------------
const packed = npm(['pack', '--json', '--pack-destination', work], root);
if (packed.status !== 0) { record(false, 'npm pack', packed.stderr); finish(); }
const [info] = JSON.parse(packed.stdout);
const files = info.files.map((f) => f.path);
record(files.includes('LICENSE'), 'the tarball holds a LICENSE');
record(files.includes('README.md'), 'the tarball holds the README');
// Source maps must carry their sources (tsconfig's inlineSources), since the .ts files are not shipped.
const unpacked = join(work, 'unpacked');
mkdirSync(unpacked);
execFileSync('tar', ['-xzf', join(work, info.filename), '-C', unpacked]);
const maps = files.filter((f) => f.endsWith('.map'));
const hollow = maps.filter((f) => {
  const map = JSON.parse(readFileSync(join(unpacked, 'package', f), 'utf8'));
  return !(map.sourcesContent?.length === map.sources.length && map.sourcesContent.every((c) => typeof c === 'string'));
});
record(hollow.length === 0, `every shipped source map carries its sources (${maps.length} maps)`, hollow.slice(0, 3).join(', '));
console.log(`  ${info.filename}: ${info.files.length} files, ${(info.size / 1024).toFixed(0)} kB packed, ${(info.unpackedSize / 1024).toFixed(0)} kB unpacked`);

// ---- a fresh project that installs it --------------------------------------------------------
const project = join(work, 'app');
mkdirSync(join(project, 'src'), { recursive: true });
writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }, null, 2));
// The plainest configuration a Node user writes: nodenext, strict, nothing skipped.
writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({
  compilerOptions: { module: 'nodenext', strict: true, skipLibCheck: false, outDir: 'out', rootDir: 'src' },
  include: ['src'],
}, null, 2));
// Optional native packages are left out (onnxruntime-node is large) except webgpu, which the
// README's WebGPU block needs; install scripts are skipped (webgpu's only matters on macOS).
const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const install = npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--omit=optional', '--ignore-scripts', join(work, info.filename), `webgpu@${rootPackage.optionalDependencies.webgpu}`], project);
lap('installed');
record(install.status === 0, 'npm install of the tarball into a fresh project', install.status === 0 ? '' : install.stderr.slice(-2000));
if (install.status !== 0) finish();

// ---- the README's TypeScript blocks --------------------------------------------------------
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => ({ code: m[1], line: readme.slice(0, m.index).split('\n').length + 1 }));
record(blocks.length >= 3, `the README has TypeScript blocks to check (${blocks.length})`);
blocks.forEach((b, i) => writeFileSync(join(project, 'src', `readme-${i + 1}.ts`), `// README.md line ${b.line}\n${b.code}export {};\n`));
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: project, encoding: 'utf8' });
lap('compiled');
const tscOut = (tsc.stdout + tsc.stderr).trim();
record(tsc.status === 0, 'every README block (and the package\'s .d.ts) compiles under tsc --strict, nodenext, skipLibCheck off', tscOut.slice(0, 4000));

const hasAdapter = (() => {
  const probe = spawnSync(process.execPath, ['--input-type=module', '-e', "import { initWebGPU } from 'cotangent'; await initWebGPU(); process.exit(0);"], { cwd: project, encoding: 'utf8', timeout: 60_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
  return probe.status === 0;
})();
if (tsc.status === 0) {
  blocks.forEach((b, i) => {
    const needsGpu = /useBackend\('webgpu'\)|initWebGPU/.test(b.code);
    const name = `README block ${i + 1} (line ${b.line}) runs`;
    if (needsGpu && !hasAdapter && process.env.REQUIRE_WEBGPU !== '1') { record(null, `${name}: needs a WebGPU adapter`); return; }
    const r = spawnSync(process.execPath, [join(project, 'out', `readme-${i + 1}.js`)], { cwd: project, encoding: 'utf8', timeout: 120_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' } });
    record(r.status === 0, name, r.status === 0 ? '' : `${r.error?.message ?? ''}${r.stderr.slice(-1500)}`);
  });
}
finish();
