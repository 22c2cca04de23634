// Command-line options shared by the examples: --steps N, --backend cpu|webgpu, --every N.
import { useBackend } from '../src/index.js';
import { adapterDescription } from '../src/backends/webgpu/index.js';

export interface ExampleOptions { steps: number; backend: string; every: number }

export async function parseArgs(defaults: { steps: number; every: number }, argv = process.argv.slice(2)): Promise<ExampleOptions> {
  const opts: ExampleOptions = { steps: defaults.steps, backend: 'cpu', every: defaults.every };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--steps') opts.steps = positiveInt(value(), arg);
    else if (arg === '--every') opts.every = positiveInt(value(), arg);
    else if (arg === '--backend') opts.backend = value();
    else if (arg === '--help' || arg === '-h') {
      console.log('options: --steps N  --every N (print period)  --backend cpu|webgpu');
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (try --help)`);
  }
  await selectBackend(opts.backend);
  return opts;
}

export async function selectBackend(name: string): Promise<void> {
  if (name !== 'cpu' && name !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got ${name}`);
  await useBackend(name);
  if (name === 'webgpu') console.log(`WebGPU (${adapterDescription()}): the first steps compile the shaders (seconds on a software adapter); later runs reuse the driver's cache`);
}

function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got ${s}`);
  return n;
}

/** The value after `--name` on the command line, or `fallback` (for examples with their own flags). */
export function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}
