// What the torch-* examples share: run when executed as a script (with the shared --steps /
// --every / --backend options), or import `run` from a test and call it with a few steps.
import { pathToFileURL } from 'node:url';
import { parseArgs } from './cli.js';

export interface RunOptions {
  steps: number;
  /** Print period (the seed's `if t % 100 == 99`). */
  every: number;
  /** Where progress lines go (console.log when run as a script). */
  log?: (...values: unknown[]) => void;
}

/** Runs `run` with the command line's options when `moduleUrl` is the script node was started with. */
export async function runAsScript<R>(moduleUrl: string, defaults: { steps: number; every: number }, run: (opts: RunOptions) => Promise<R>): Promise<void> {
  const script = process.argv[1];
  if (!script || pathToFileURL(script).href !== moduleUrl) return;
  const opts = await parseArgs(defaults);
  await run({ steps: opts.steps, every: opts.every, log: console.log });
}

/** The seed's printing rule: step t is printed when t % every == every − 1, and the last one always. */
export const shouldPrint = (t: number, opts: RunOptions): boolean => t % opts.every === opts.every - 1 || t === opts.steps - 1;
