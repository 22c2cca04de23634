// Shared by the comparison scripts: loading each library, seeded inputs, median timing after warm-up, the machine line, tables.
import os from 'node:os';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../..');
const require = createRequire(import.meta.url);

/** `--name value` from the command line, else the fallback. */
export function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback;
}

// ---- the machine and the code under test ------------------------------------------------------
/** CPU model, core count, memory, Node, OS and the 1-minute load average: printed above every table. */
export function machineLine() {
  const cpus = os.cpus();
  return `${cpus[0]?.model?.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.versions.node}, ${os.type()} ${os.release()}, load average ${os.loadavg()[0].toFixed(2)}`;
}

/** The cotangent commit measured (with "+dirty" when the working tree has changes), read with git. */
export function cotangentRevision() {
  try {
    return execFileSync('git', ['-C', repoRoot, 'describe', '--always', '--dirty=+dirty'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown revision';
  }
}

export function header(title) {
  console.log(`# ${title}`);
  console.log(`# ${new Date().toISOString()}  ${machineLine()}`);
  console.log(`# cotangent ${cotangentRevision()} (build/), @tensorflow/* ${version('@tensorflow/tfjs-core')}, @jax-js/jax ${version('@jax-js/jax')}`);
}

/** A dependency's installed version, read from its package.json (jax-js's exports map hides it from require). */
function version(pkg) {
  try {
    return JSON.parse(readFileSync(path.join(here, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

// ---- libraries ---------------------------------------------------------------------------------
/** A library that failed to load: its rows print the error instead of figures. */
export class Unavailable {
  constructor(name, error) {
    this.name = name;
    this.error = error;
  }
  get message() {
    return `${this.name} cannot run here: ${String(this.error?.message ?? this.error).split('\n')[0]}`;
  }
}

/** cotangent from the main project's build (run `npx tsc -p .` in the repository root first). */
export async function loadCotangent() {
  try {
    return await import('../../build/src/index.js');
  } catch (e) {
    return new Unavailable('cotangent', new Error(`${e.message} (build it first: cd ${repoRoot} && npx tsc -p .)`));
  }
}

/**
 * TensorFlow.js core with its gradients. tfjs-core's own bundles define no gradients (tf.grads fails
 * with "gradient function not found for Sum"); the @tensorflow/tfjs union package's Node bundle
 * registers them into the same (CommonJS) tfjs-core instance, so it is loaded first.
 */
export async function loadTfjsCore() {
  await import('@tensorflow/tfjs');
  return import('@tensorflow/tfjs-core');
}

/** TensorFlow.js with its WASM backend; the .wasm binaries are found in the package's dist folder. */
export async function loadTfjsWasm() {
  try {
    const tf = await loadTfjsCore();
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')) + '/dist/');
    if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
    await tf.ready();
    const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
    const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
    return { tf, note: `tfjs-wasm: SIMD ${simd ? 'on' : 'off'}, threads ${threads ? wasm.getThreadsCount() : '1 (no multithread support in Node)'}` };
  } catch (e) {
    return new Unavailable('tfjs-wasm', e);
  }
}

/** jax-js on its Wasm device. In Node 20 there is no global Worker, so it runs single-threaded. */
export async function loadJaxWasm() {
  try {
    const jax = await import('@jax-js/jax');
    const devices = await jax.init('wasm');
    if (!devices.includes('wasm')) throw new Error(`init('wasm') gave ${JSON.stringify(devices)}`);
    jax.defaultDevice('wasm');
    const threaded = typeof SharedArrayBuffer !== 'undefined' && typeof Worker !== 'undefined';
    return { jax, note: `jax-js wasm: ${threaded ? 'worker threads' : 'single thread (Node has no global Worker)'}` };
  } catch (e) {
    return new Unavailable('jax-js wasm', e);
  }
}

// ---- inputs ------------------------------------------------------------------------------------
/** A seeded generator (mulberry32), so every library gets the same numbers. */
export function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` uniform floats in [-1, 1). */
export function uniform(n, seed) {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * r() - 1;
  return out;
}

/** `n` standard normal floats (Box–Muller). */
export function normal(n, seed) {
  const r = rng(seed), out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u = 1 - r(), v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out[i] = m * Math.cos(2 * Math.PI * v);
    if (i + 1 < n) out[i + 1] = m * Math.sin(2 * Math.PI * v);
  }
  return out;
}

// ---- timing ------------------------------------------------------------------------------------
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Median timing of several contenders, in rounds after `warmup` untimed rounds. Each fn (sync or
 * async) must end with its result computed: read back, or blocked on. Each round times every
 * contender once (the order rotating), so that load from elsewhere on a shared machine falls on
 * all of them alike. Stops after `maxRounds`, or after `minRounds` once `budgetMs` per contender
 * has passed. A contender that throws is dropped and its error returned. Returns one result (or
 * error) per fn.
 */
export async function measureInterleaved(fns, { warmup = 2, minRounds = 7, maxRounds = 40, budgetMs = 3000 } = {}) {
  const times = fns.map(() => []), errors = fns.map(() => null);
  const run = async (k) => {
    if (errors[k]) return;
    try {
      const t = performance.now();
      await fns[k]();
      return performance.now() - t;
    } catch (e) {
      errors[k] = e instanceof Error ? e : new Error(String(e));
    }
  };
  for (let i = 0; i < warmup; i++) for (let k = 0; k < fns.length; k++) await run(k);
  const start = performance.now();
  for (let r = 0; r < maxRounds && (r < minRounds || performance.now() - start < budgetMs * fns.length); r++) {
    for (let j = 0; j < fns.length; j++) {
      const k = (j + r) % fns.length;
      const ms = await run(k);
      if (ms !== undefined) times[k].push(ms);
    }
  }
  return fns.map((_, k) => errors[k] ?? { ms: median(times[k]), min: Math.min(...times[k]), max: Math.max(...times[k]), runs: times[k].length });
}

// ---- output ------------------------------------------------------------------------------------
/** Prints rows (arrays of cells) under a header row, columns padded to width. */
export function table(head, rows) {
  const all = [head, ...rows].map((r) => r.map(String));
  const w = head.map((_, c) => Math.max(...all.map((r) => (r[c] ?? '').length)));
  const line = (r) => r.map((cell, c) => (c === 0 ? cell.padEnd(w[c]) : cell.padStart(w[c]))).join('  ');
  console.log(line(all[0]));
  console.log(w.map((n) => '-'.repeat(n)).join('  '));
  for (const r of all.slice(1)) console.log(line(r));
}

/** Largest relative error of `got` against the float64 reference entries `ref` (index → value). */
export function relError(got, ref) {
  let worst = 0;
  for (const [i, v] of ref) worst = Math.max(worst, Math.abs(got[i] - v) / Math.max(1e-6, Math.abs(v)));
  return worst;
}
