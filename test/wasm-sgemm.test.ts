// Tests of the WebAssembly SIMD sgemm against a float64 reference.
//
// Covered: shapes around every block boundary, all transpose combinations through strides, offsets,
// odd strides, memory-limited splitting, the two-core path (bitwise equal to one core),
// relaxed-simd, and a worker that lets the process exit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { sleb, uleb } from '../src/backends/cpu/wasm/encoder.js';
import {
  sgemm, wasmSgemmAvailable, wasmSgemmFeatures, wasmSgemmWorkerReady, setWasmSgemmMemoryLimit, setWasmSgemmParallel,
} from '../src/backends/cpu/wasm/sgemm.js';

const SGEMM_JS = fileURLToPath(new URL('../src/backends/cpu/wasm/sgemm.js', import.meta.url));

/** A deterministic generator (xorshift32), values in [-1, 1), so failures reproduce. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s / 2 ** 31 - 1;
  };
}
const randomArray = (len: number, seed: number): Float32Array => Float32Array.from({ length: len }, random(seed));

/** An operand: the flat array and how (row, col) of the logical matrix maps into it. */
interface Operand { data: Float32Array; off: number; rs: number; cs: number }

/**
 * A rows×cols matrix stored row-major (`trans` false) or column-major (`trans` true, i.e. the
 * transpose of a row-major cols×rows array), behind `pad` leading elements.
 */
function dense(rows: number, cols: number, trans: boolean, pad: number, seed: number): Operand {
  return { data: randomArray(pad + rows * cols, seed), off: pad, rs: trans ? 1 : cols, cs: trans ? rows : 1 };
}

/**
 * Check C against Σ_k A·B in float64. Float32 accumulation over k terms errs by at most
 * γ ≈ (k+1)·2⁻²⁴ times Σ_k |A||B| (the standard bound for a sum of products); a wrong
 * index or a missed tile errs by O(Σ|A||B|), far above it.
 */
function check(m: number, n: number, k: number, A: Operand, B: Operand, c: Float32Array, cOff: number, what: string): void {
  const tol = (k + 2) * 2 ** -24;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0, abs = 0;
      for (let p = 0; p < k; p++) {
        const x = A.data[A.off + i * A.rs + p * A.cs]! * B.data[B.off + p * B.rs + j * B.cs]!;
        sum += x; abs += Math.abs(x);
      }
      const got = c[cOff + i * n + j]!;
      if (!(Math.abs(got - sum) <= tol * abs)) {
        assert.unreachable(`${what}: C[${i},${j}] = ${got}, expected ${sum} (Σ|ab| = ${abs}, tolerance ${tol * abs})`);
      }
    }
  }
}

function run(m: number, n: number, k: number, A: Operand, B: Operand, cOff = 0): Float32Array {
  const c = new Float32Array(cOff + m * n + 3).fill(NaN);
  sgemm(m, n, k, A.data, A.off, A.rs, A.cs, B.data, B.off, B.rs, B.cs, c, cOff);
  assert.ok(Number.isNaN(c[cOff + m * n]!), 'wrote past the end of C');
  if (cOff > 0) assert.ok(Number.isNaN(c[cOff - 1]!), 'wrote before cOffset');
  return c;
}

test('LEB128 encodings (the examples of the DWARF spec and the edges of each byte)', () => {
  assert.equal(uleb(0), [0x00]);
  assert.equal(uleb(127), [0x7f]);
  assert.equal(uleb(128), [0x80, 0x01]);
  assert.equal(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.equal(uleb(2 ** 32 - 1), [0xff, 0xff, 0xff, 0xff, 0x0f]);
  assert.equal(sleb(0), [0x00]);
  assert.equal(sleb(63), [0x3f]);
  assert.equal(sleb(64), [0xc0, 0x00]);
  assert.equal(sleb(-1), [0x7f]);
  assert.equal(sleb(-64), [0x40]);
  assert.equal(sleb(-65), [0xbf, 0x7f]);
  assert.equal(sleb(-123456), [0xc0, 0xbb, 0x78]);
  assert.equal(sleb(-(2 ** 31)), [0x80, 0x80, 0x80, 0x80, 0x78]);
  assert.throws(() => uleb(-1), /non-negative/);
});

test('WebAssembly SIMD is available on this Node', () => {
  assert.ok(wasmSgemmAvailable);
  assert.ok(wasmSgemmFeatures.simd);
});

// MR = 4, NR = 8, KC = 256, MC = 128, NC = 1024: sizes on, just below and just above each.
const SHAPES: [number, number, number][] = [
  [1, 1, 1], [1, 1, 7], [2, 3, 1], [7, 13, 5], [4, 8, 1], [4, 8, 256], [3, 7, 255], [5, 9, 257], [65, 33, 129],
  [127, 9, 31], [128, 8, 64], [129, 17, 512], [3, 1023, 20], [5, 1025, 9], [1, 300, 40], [300, 1, 40], [33, 40, 600],
];

test('all shapes × all four transpose combinations, with offsets', () => {
  let seed = 1;
  for (const [m, n, k] of SHAPES) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const A = dense(m, k, ta, 3, seed++), B = dense(k, n, tb, 5, seed++);
        check(m, n, k, A, B, run(m, n, k, A, B, 7), 7, `${m}×${n}×${k} ${ta ? 'Aᵀ' : 'A'}·${tb ? 'Bᵀ' : 'B'}`);
      }
    }
  }
});

test('k = 0 gives zeros; m = 0 or n = 0 writes nothing', () => {
  const A = dense(5, 0, false, 0, 1), B = dense(0, 6, false, 0, 2);
  const c = run(5, 6, 0, A, B, 2);
  assert.equal(Array.from(c.subarray(2, 32)), new Array(30).fill(0));
  for (const [m, n] of [[0, 6], [5, 0], [0, 0]] as const) {
    const c0 = new Float32Array(8).fill(NaN);
    sgemm(m, n, 3, new Float32Array(15), 0, 3, 1, new Float32Array(18), 0, 6, 1, c0, 1);
    assert.ok(c0.every(Number.isNaN), `${m}×${n}`);
  }
});

test('strided views: slices of wider arrays, every other column, broadcast (stride 0), reversed rows', () => {
  const m = 37, n = 45, k = 70;
  const wide = randomArray(4 * m * k + 100, 11);
  const cases: [string, Operand][] = [
    ['slice of a wider row-major array', { data: wide, off: 10, rs: k + 9, cs: 1 }],
    ['every other column (gathered)', { data: wide, off: 1, rs: 2 * k + 3, cs: 2 }],
    ['columns of a row-major array, stride 3', { data: wide, off: 0, rs: 3, cs: 3 * m + 1 }],
    ['one row repeated (row stride 0)', { data: wide, off: 5, rs: 0, cs: 1 }],
    ['rows reversed (negative row stride)', { data: wide, off: (m - 1) * k, rs: -k, cs: 1 }],
  ];
  const B = dense(k, n, false, 0, 12);
  for (const [what, A] of cases) {
    check(m, n, k, A, B, run(m, n, k, A, B), 0, `A: ${what}`);
    // The same layouts on the B side: B = (this m×k matrix) read as k×m through swapped strides.
    const Bt: Operand = { data: A.data, off: A.off, rs: A.cs, cs: A.rs };
    const A2 = dense(n, k, true, 1, 13);
    check(n, m, k, A2, Bt, run(n, m, k, A2, Bt), 0, `B: ${what}`);
  }
});

test('a stride along a dimension of extent 1 is ignored, however large', () => {
  const a = randomArray(40, 31), b = randomArray(40, 32);
  const A: Operand = { data: a, off: 2, rs: 2 ** 40, cs: 1 }, B: Operand = { data: b, off: 1, rs: 1, cs: -(2 ** 35) };
  check(1, 1, 30, A, B, run(1, 1, 30, A, B), 0, '1×1×30');
  const A1: Operand = { data: a, off: 0, rs: 3, cs: 2 ** 33 }, B1: Operand = { data: b, off: 0, rs: 2 ** 31, cs: 4 };
  check(9, 8, 1, A1, B1, run(9, 8, 1, A1, B1), 0, '9×8×1');
});

test('a product larger than the memory limit is computed in pieces (rows, columns and k split)', () => {
  try {
    for (const [m, n, k] of [[150, 20, 30], [20, 150, 30], [6, 5, 3000], [100, 90, 80]] as const) {
      setWasmSgemmMemoryLimit(64 * 1024);
      const A = dense(m, k, true, 2, m + n), B = dense(k, n, false, 3, k);
      check(m, n, k, A, B, run(m, n, k, A, B, 4), 4, `${m}×${n}×${k} in pieces`);
    }
  } finally {
    setWasmSgemmMemoryLimit(Infinity);
  }
});

test('errors: operands or C out of range, non-integer sizes', () => {
  const a = new Float32Array(12), b = new Float32Array(12);
  assert.throws(() => sgemm(3, 3, 4, a, 1, 4, 1, b, 0, 3, 1, new Float32Array(9), 0), /A reaches/);
  assert.throws(() => sgemm(3, 3, 4, a, 0, 4, 1, b, 0, 4, 1, new Float32Array(9), 0), /B reaches/);
  assert.throws(() => sgemm(3, 3, 4, a, 0, 4, 1, b, 0, 3, 1, new Float32Array(9), 1), /C needs/);
  assert.throws(() => sgemm(1.5, 3, 4, a, 0, 4, 1, b, 0, 3, 1, new Float32Array(9), 0), /not a non-negative integer/);
});

test('two cores give bitwise the same C as one', async () => {
  const m = 300, n = 260, k = 200;
  const A = dense(m, k, false, 0, 21), B = dense(k, n, true, 0, 22);
  run(m, n, k, A, B); // a large product starts the worker
  for (let waited = 0; !wasmSgemmWorkerReady() && waited < 10_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
  assert.ok(wasmSgemmWorkerReady(), 'the worker did not come up within 10 s');
  const two = run(m, n, k, A, B);
  setWasmSgemmParallel(false);
  try {
    const one = run(m, n, k, A, B);
    assert.ok(two.every((v, i) => Object.is(v, one[i])), 'C differs between one and two cores');
    check(m, n, k, A, B, two, 0, 'two cores');
  } finally {
    setWasmSgemmParallel(true);
  }
});

/** Run a script in a fresh Node (ESM, from this directory) and return its exit status and output. */
function node(flags: string[], script: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the worker does not keep the process alive', () => {
  const r = node([], `
    import { sgemm, wasmSgemmWorkerReady } from ${JSON.stringify(SGEMM_JS)};
    const N = 256, a = new Float32Array(N * N).fill(1), c = new Float32Array(N * N);
    sgemm(N, N, N, a, 0, N, 1, a, 0, N, 1, c, 0);
    // The worker starts in the background; on a loaded machine that can take seconds, so poll
    // (up to 20 s) rather than guess a delay. The process must still exit once we are done.
    const t0 = Date.now();
    const poll = () => {
      if (!wasmSgemmWorkerReady() && Date.now() - t0 < 20000) return void setTimeout(poll, 50);
      sgemm(N, N, N, a, 0, N, 1, a, 0, N, 1, c, 0);
      console.log(['ready', wasmSgemmWorkerReady(), c[0]].join(' '));
    };
    setTimeout(poll, 50);`);
  assert.is(r.status, 0, r.out);
  assert.ok(/ready true 256/.test(r.out), r.out);
});

test('relaxed-simd multiply-add (f32x4.relaxed_madd), where the engine supports it', () => {
  const r = node(['--experimental-wasm-relaxed-simd'], `
    import { sgemm, wasmSgemmFeatures } from ${JSON.stringify(SGEMM_JS)};
    const m = 67, n = 45, k = 300, a = new Float32Array(m * k), b = new Float32Array(k * n), c = new Float32Array(m * n);
    for (let i = 0; i < a.length; i++) a[i] = Math.sin(i);
    for (let i = 0; i < b.length; i++) b[i] = Math.cos(i);
    sgemm(m, n, k, a, 0, 1, m, b, 0, n, 1, c, 0);
    let worst = 0;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0, abs = 0;
      for (let p = 0; p < k; p++) { const x = a[p * m + i] * b[p * n + j]; s += x; abs += Math.abs(x); }
      worst = Math.max(worst, Math.abs(c[i * n + j] - s) / abs);
    }
    console.log(['relaxed', wasmSgemmFeatures.relaxedMadd, 'ok', worst <= (k + 2) * 2 ** -24].join(' '));`);
  assert.is(r.status, 0, r.out);
  assert.ok(/relaxed true ok true/.test(r.out), r.out);
});

test.run();
