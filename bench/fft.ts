// np.fft against NumPy's pocketfft on the CPU, side by side in interleaved rounds: ms per call
// (medians) for power-of-two lengths (Stockham radix-2) and others (Bluestein), complex and real,
// 1-d and batched 2-d. NumPy runs in one long-lived python3 child that times its own calls, so
// process start-up is not counted; float64 for both (NumPy's native precision), float32 for ours too.
// Usage: node build/bench/fft.js [--rounds 7]
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { execSync } from 'node:child_process';
import { jit, np } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const roundsArg = process.argv.indexOf('--rounds');
const ROUNDS = roundsArg >= 0 ? Number(process.argv[roundsArg + 1]) : 7;

interface Case { name: string; shape: number[]; kind: 'fft' | 'rfft' | 'fft2' }
const CASES: Case[] = [
  { name: 'fft n=4096 (radix 2)', shape: [4096], kind: 'fft' },
  { name: 'fft n=4099 (prime: Bluestein)', shape: [4099], kind: 'fft' },
  { name: 'fft n=1000 (Bluestein)', shape: [1000], kind: 'fft' },
  { name: 'rfft n=65536', shape: [65536], kind: 'rfft' },
  { name: 'fft 64 × 256 (batched rows)', shape: [64, 256], kind: 'fft' },
  { name: 'fft2 128 × 128', shape: [128, 128], kind: 'fft2' },
];

const PY = `
import sys, time, json, numpy as np
rng = np.random.default_rng(0)
for line in sys.stdin:
    c = json.loads(line)
    shape, kind = c['shape'], c['kind']
    x = rng.standard_normal(shape) if kind == 'rfft' else rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    f = {'fft': np.fft.fft, 'rfft': np.fft.rfft, 'fft2': np.fft.fft2}[kind]
    f(x)
    reps = max(1, int(0.05 / max(1e-6, (lambda t: (f(x), time.perf_counter() - t)[1])(time.perf_counter()))))
    t = time.perf_counter()
    for _ in range(reps): f(x)
    print(json.dumps((time.perf_counter() - t) / reps * 1e3), flush=True)
`;
const env = { ...process.env };
delete env.OPENBLAS_CORETYPE; delete env.OPENBLAS_L2_SIZE;
const py = spawn('python3', ['-c', PY], { env, stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: py.stdout })[Symbol.asyncIterator]();
async function numpyMs(c: Case): Promise<number> {
  py.stdin.write(`${JSON.stringify({ shape: c.shape, kind: c.kind })}\n`);
  return JSON.parse((await lines.next()).value as string) as number;
}

function input(c: Case, dtype: 'float32' | 'float64'): NDArray {
  const shape = c.kind === 'rfft' ? c.shape : [...c.shape, 2];
  const n = shape.reduce((a, b) => a * b, 1);
  return np.array(Float64Array.from({ length: n }, () => Math.random() * 2 - 1), { dtype }).reshape(shape);
}
const transform = (c: Case) => (x: NDArray) => (c.kind === 'rfft' ? np.fft.rfft(x) : c.kind === 'fft2' ? np.fft.fft2(x) : np.fft.fft(x));
function oursMs(f: (x: NDArray) => NDArray, x: NDArray): number {
  f(x).dataSync();
  const t0 = performance.now();
  let reps = 0;
  while (performance.now() - t0 < 50) { f(x).dataSync(); reps++; }
  return (performance.now() - t0) / reps;
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

console.log(`# np.fft vs NumPy ${execSync('python3 -c "import numpy; print(numpy.__version__)"').toString().trim()}, ${ROUNDS} interleaved rounds, medians; ${execSync('uptime').toString().trim()}`);
console.log('case                              numpy f64 ms  ours f64 ms  ours f32 ms  f64 ratio (numpy/ours)');
for (const c of CASES) {
  const f = jit(transform(c)), x64 = input(c, 'float64'), x32 = input(c, 'float32');
  const t: [number[], number[], number[]] = [[], [], []];
  for (let r = 0; r < ROUNDS; r++) {
    t[0].push(await numpyMs(c));
    t[1].push(oursMs(f, x64));
    t[2].push(oursMs(f, x32));
  }
  const [a, b, d] = t.map(median) as [number, number, number];
  console.log(`${c.name.padEnd(34)}${a.toFixed(3).padStart(12)}${b.toFixed(3).padStart(13)}${d.toFixed(3).padStart(13)}${(a / b).toFixed(2).padStart(14)}×`);
}
py.stdin.end();
