// What the torch-* examples share: run when executed as a script (with the shared --steps /
// --every / --backend options), or import `run` from a test and call it with a few steps.
import { pathToFileURL } from 'node:url';
import { parseArgs } from './cli.js';
import { Progress } from './progress.js';

export interface RunOptions {
  steps: number;
  /** Print period (the seed's `if t % 100 == 99`). */
  every: number;
  /** Where progress lines go (console.log when run as a script). */
  log?: (...values: unknown[]) => void;
  /** Show training steps as one updating line (set when run as a script on a terminal). */
  tty?: boolean;
}

/** Runs `run` with the command line's options when `moduleUrl` is the script node was started with. */
export async function runAsScript<R>(moduleUrl: string, defaults: { steps: number; every: number }, run: (opts: RunOptions) => Promise<R>): Promise<void> {
  const script = process.argv[1];
  if (!script || pathToFileURL(script).href !== moduleUrl) return;
  const opts = await parseArgs(defaults);
  const tty = Boolean(process.stdout.isTTY) && process.env.CI === undefined;
  // A plain line printed while a progress line is showing starts on a fresh line.
  const log = (...values: unknown[]) => { endProgress(); console.log(...values); };
  await run({ steps: opts.steps, every: opts.every, log, tty });
  endProgress();
}

let progress: Progress | null = null;
let lastStep = -1;
const endProgress = () => { progress?.done(); progress = null; };

/**
 * A training step's loss: on a terminal one updating line (step/total, loss, steps/s, ETA), else
 * the seed's plain `t loss` line through `opts.log` (what the tests parse). `total` is the loop's
 * length when it is not `opts.steps`.
 */
export function logStep(opts: RunOptions, t: number, loss: number, extra: unknown[] = [], total = opts.steps): void {
  if (!opts.tty) { opts.log?.(t, loss, ...extra); return; }
  if (!progress || progress.total !== total || t < lastStep) { endProgress(); progress = new Progress(total, t + 1); }
  lastStep = t;
  progress.report(t, loss);
}

/** The seed's printing rule: step t is printed when t % every == every − 1, and the last one always. */
export const shouldPrint = (t: number, opts: RunOptions): boolean => t % opts.every === opts.every - 1 || t === opts.steps - 1;
