// GPU memory of jitted programs stays flat: a 10,000-step jitted training loop on WebGPU, in a child Node with --expose-gc.
//
// The loop is the two-layer net at small sizes (so llvmpipe runs it in seconds), jitted with its
// weights donated, reading the loss every 100 steps as a training loop would (which also lets
// FinalizationRegistry callbacks run). Every 1,000 steps the child collects garbage and records
// memoryStats(): live buffers and bytes must come back to the level after the first steps, and the
// compiled programs' scratch pool must stop allocating after the first call.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gpuSuite } from '../helpers/webgpu.js';

const gpuTest = gpuSuite(test, 'memory.webgpu.test');
const STEPS = 10_000;

const buildDir = fileURLToPath(new URL('../../', import.meta.url));
/** Runs an ES module snippet in a fresh Node with --expose-gc from the build directory; returns its last stdout line. */
function child(code: string): string {
  const r = spawnSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', code], {
    cwd: buildDir, encoding: 'utf8', timeout: 240_000, env: { ...process.env, XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' },
  });
  if (r.status !== 0) throw new Error(`child exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

interface Sample { step: number; liveBuffers: number; liveBytes: number; poolAllocations: number }
interface Report { samples: Sample[]; maxBetween: number; losses: number[]; ms: number }

gpuTest(`a jitted training loop of ${STEPS} steps keeps GPU memory flat`, () => {
  const report = JSON.parse(child(`
    import { np, jit, valueAndGrad, random, useBackend } from './src/index.js';
    import { memoryStats } from './src/backends/webgpu/index.js';
    import { compiledPoolStats } from './src/backends/webgpu/compile/index.js';
    await useBackend('webgpu');
    const [N, D_in, H, D_out] = [8, 16, 8, 4];
    const loss = (w, x, y) => np.maximum(x.matmul(w.w1), 0).matmul(w.w2).sub(y).square().sum();
    const step = jit((w, x, y) => {
      const [value, g] = valueAndGrad(loss)(w, x, y);
      return [value, { w1: w.w1.sub(g.w1.mul(1e-3)), w2: w.w2.sub(g.w2.mul(1e-3)) }];
    }, { donateArgnums: 0 });
    const k = random.split(random.key(0), 4);
    const x = random.normal(k.get(0), [N, D_in]), y = random.normal(k.get(1), [N, D_out]);
    let w = { w1: random.normal(k.get(2), [D_in, H]).mul(0.3), w2: random.normal(k.get(3), [H, D_out]).mul(0.3) };
    const samples = [], losses = [];
    let maxBetween = 0, value;
    const t0 = performance.now();
    for (let t = 1; t <= ${STEPS}; t++) {
      [value, w] = step(w, x, y);
      if (t % 100 === 0) { losses.push(await value.item()); maxBetween = Math.max(maxBetween, memoryStats().liveBuffers); }
      if (t % 1000 === 0 || t === 10) {
        // Collect until the count settles: finalizers run in later tasks, not inside gc().
        value = null;
        for (let r = 0, steady = 0; r < 20 && steady < 3; r++) {
          const before = memoryStats().liveBuffers;
          globalThis.gc();
          await new Promise((res) => setTimeout(res, 20));
          steady = memoryStats().liveBuffers === before ? steady + 1 : 0;
        }
        const m = memoryStats();
        samples.push({ step: t, liveBuffers: m.liveBuffers, liveBytes: m.liveBytes, poolAllocations: compiledPoolStats().allocations });
      }
    }
    console.log(JSON.stringify({ samples, maxBetween, losses, ms: performance.now() - t0 }));
  `)) as Report;
  const [first, ...rest] = report.samples;
  console.log(`  ${STEPS} steps in ${(report.ms / 1000).toFixed(1)} s; live buffers after step 10: ${first!.liveBuffers} (${first!.liveBytes} bytes), ` +
    `at each 1,000: ${rest.map((s) => s.liveBuffers).join(' ')}; most seen between collections: ${report.maxBetween}`);
  for (const s of rest) {
    assert.ok(s.liveBuffers <= first!.liveBuffers, `step ${s.step}: ${s.liveBuffers} live buffers, ${first!.liveBuffers} after step 10`);
    assert.ok(s.liveBytes <= first!.liveBytes, `step ${s.step}: ${s.liveBytes} live bytes, ${first!.liveBytes} after step 10`);
    assert.is(s.poolAllocations, first!.poolAllocations, `step ${s.step}: the scratch pool allocated again`);
  }
  // Without forced collections the garbage collector still keeps up (lag, not growth).
  assert.ok(report.maxBetween < first!.liveBuffers + 2000, `up to ${report.maxBetween} live buffers between collections`);
  const losses = report.losses;
  assert.ok(losses.every(Number.isFinite), 'finite losses');
  assert.ok(losses[losses.length - 1]! < losses[0]!, `the loss goes down: ${losses[0]} → ${losses[losses.length - 1]}`);
});

test.run();
