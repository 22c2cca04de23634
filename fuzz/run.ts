// The fuzzing loop: draw programs from seeds, run every check, shrink each failure to a minimal
// reproducer (runnable source and its jaxpr), and count verdicts per check.
import { makeJaxpr, setDefaultBackend } from '../src/index.js';
import { defaultBackendName } from '../src/core/backend.js';
import { CheckName, CHECKS, checkWebgpu, programFn, SYNC_CHECKS, Verdict } from './checks.js';
import { generate, isUserError } from './generate.js';
import { FloatDtype, makeInput, Program, programSource } from './program.js';
import { shrink } from './shrink.js';

export interface FuzzOptions {
  readonly count: number;
  readonly seed: number;
  /** Run the CPU = WebGPU check (needs initWebGPU() to have succeeded). */
  readonly webgpu?: boolean;
  /** Only these checks (default: all; cpu=webgpu only with `webgpu`). */
  readonly checks?: readonly CheckName[];
  readonly maxOps?: number;
  /** Called with each failure's report as soon as it is shrunk. */
  readonly onFailure?: (report: string) => void;
  /** Stop after this many failures (default 5): each one costs a shrink. */
  readonly maxFailures?: number;
}
export interface Counts { pass: number; skip: number; fail: number }
export interface FuzzResult {
  programs: number;
  ops: number;
  counts: Record<string, Counts>;
  failures: string[];
  opsSeen: Record<string, number>;
  /** Skips by check and reason (known bugs among them). */
  skips: Record<string, number>;
  ms: number;
}

/** A check by name, as one async function. 'eager runs' is drawing itself: a non-user error while drawing. */
const runCheck = (name: CheckName, p: Program): Promise<Verdict> =>
  name === 'cpu=webgpu' ? checkWebgpu(p) : Promise.resolve(SYNC_CHECKS[name](p));

/** The reproducer: what failed, the program as TypeScript at the dtype that failed, and its jaxpr. */
export function report(title: string, detail: string, p: Program, F: FloatDtype): string {
  let jaxpr: string;
  try {
    jaxpr = makeJaxpr(programFn(p, F))(...p.inputs.map((s) => makeInput(s, F))).toString();
  } catch (e) {
    jaxpr = `(makeJaxpr threw ${(e as Error).message})`;
  }
  return [`== ${title}`, detail, '-- program:', programSource(p, F), '-- jaxpr:', jaxpr].join('\n');
}

function eagerRuns(p: Program): Verdict {
  try {
    programFn(p, 'float32')(...p.inputs.map((s) => makeInput(s, 'float32')));
    return { status: 'pass' };
  } catch (e) {
    return isUserError(e) ? { status: 'skip', why: 'user error' } : { status: 'fail', detail: `eager threw ${(e as Error).name}: ${(e as Error).message}` };
  }
}
/** Whether `q` runs eagerly at all (a shrunk candidate must stay a valid program). */
const valid = (q: Program) => { try { programFn(q, 'float32')(...q.inputs.map((s) => makeInput(s, 'float32'))); return true; } catch { return false; } };

export async function runFuzz(opts: FuzzOptions): Promise<FuzzResult> {
  // Programs are drawn and checked on the CPU (the reference); checkWebgpu moves to the device itself.
  const before = defaultBackendName();
  setDefaultBackend('cpu');
  try {
    return await fuzzOnCpu(opts);
  } finally {
    setDefaultBackend(before);
  }
}

async function fuzzOnCpu(opts: FuzzOptions): Promise<FuzzResult> {
  const t0 = Date.now();
  const checks = (opts.checks ?? CHECKS).filter((c) => c !== 'cpu=webgpu' || opts.webgpu);
  const counts: Record<string, Counts> = Object.fromEntries(['eager runs', ...checks].map((c) => [c, { pass: 0, skip: 0, fail: 0 }]));
  const failures: string[] = [];
  const opsSeen: Record<string, number> = {};
  const skips: Record<string, number> = {};
  let ops = 0;
  const maxFailures = opts.maxFailures ?? 5;
  const record = async (title: string, v: Verdict, p: Program, again: (q: Program) => Promise<Verdict>, F: FloatDtype) => {
    if (v.status !== 'fail') return;
    const { program, tries } = await shrink(p, async (q) => (await again(q)).status === 'fail', 200);
    const last = await again(program);
    const r = report(`${title} (shrunk in ${tries} tries)`, last.status === 'fail' ? last.detail : v.detail, program, F);
    failures.push(r);
    opts.onFailure?.(r);
  };
  for (let i = 0; i < opts.count && failures.length < maxFailures; i++) {
    const seed = (opts.seed * 1_000_003 + i) >>> 0;
    const drawn = generate(seed, { maxOps: opts.maxOps });
    if ('error' in drawn) {
      counts['eager runs']!.fail++;
      await record(`seed ${seed}: eager runs`, { status: 'fail', detail: `eager threw ${String(drawn.error)}` }, drawn.program, async (q) => eagerRuns(q), 'float32');
      continue;
    }
    const p = drawn;
    counts['eager runs']!.pass++;
    ops += p.body.length;
    for (const n of p.body) opsSeen[n.op] = (opsSeen[n.op] ?? 0) + 1;
    for (const c of checks) {
      const v = await runCheck(c, p);
      counts[c]![v.status]++;
      if (v.status === 'skip') skips[`${c}: ${v.why}`] = (skips[`${c}: ${v.why}`] ?? 0) + 1;
      if (v.status === 'fail') {
        await record(`seed ${seed}: ${c}`, v, p, async (q) => (valid(q) ? runCheck(c, q) : { status: 'pass' }), c === 'eager=jit' || c === 'cpu=webgpu' ? 'float32' : 'float64');
        if (failures.length >= maxFailures) break;
      }
    }
  }
  return { programs: Math.min(opts.count, Object.values(counts)[0]!.pass + Object.values(counts)[0]!.fail), ops, counts, failures, opsSeen, skips, ms: Date.now() - t0 };
}

/** One line per check: pass / skip / fail counts. */
export function summary(r: FuzzResult): string {
  const lines = [`${r.programs} programs (${r.ops} calls, ${Object.keys(r.opsSeen).length} kinds) in ${(r.ms / 1000).toFixed(1)} s`];
  for (const [c, n] of Object.entries(r.counts)) lines.push(`  ${c.padEnd(22)} pass ${String(n.pass).padStart(5)}  skip ${String(n.skip).padStart(5)}  fail ${String(n.fail).padStart(3)}`);
  const known = Object.entries(r.skips).filter(([k]) => /bug/i.test(k));
  for (const [k, n] of known) lines.push(`  known, skipped: ${k} × ${n}`);
  return lines.join('\n');
}
