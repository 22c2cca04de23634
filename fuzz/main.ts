// `npm run fuzz -- --count N --seed S [--no-webgpu] [--max-ops K] [--max-failures M]`: the
// differential fuzzer from the command line; prints each shrunk failure and a summary, and exits
// non-zero on any failure. WebGPU joins when an adapter is found.
import { initWebGPU } from '../src/index.js';
import { runFuzz, summary } from './run.js';

const argv = process.argv.slice(2);
const flag = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const count = flag('count', 200), seed = flag('seed', 1), maxOps = flag('max-ops', 6), maxFailures = flag('max-failures', 10);
let webgpu = false;
if (!argv.includes('--no-webgpu')) {
  try { await initWebGPU(); webgpu = true; } catch (e) { console.log(`no WebGPU adapter (${(e as Error).message}): CPU checks only`); }
}
console.log(`fuzz: ${count} programs from seed ${seed}${webgpu ? ', with WebGPU' : ''}`);
const result = await runFuzz({ count, seed, webgpu, maxOps, maxFailures, onFailure: (r) => console.log(`\n${r}\n`) });
console.log(summary(result));
const opsLine = Object.entries(result.opsSeen).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
console.log(`calls drawn: ${opsLine}`);
process.exit(result.failures.length ? 1 : 0);
