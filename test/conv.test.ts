// Convolution against a direct float64 reference (nested loops straight from the definition), on
// random layouts, strides, paddings, dilations and groups; jit = eager; convTranspose against the
// gradient it is defined to be; np.convolve/np.correlate against NumPy's values; clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { grad, jit, lax, np, vjp } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ConvParams } from '../src/core/primitives.js';
import { convWithParams } from '../src/core/conv.js';
import { Rng } from './helpers/check-grads.js';

const strides = (shape: readonly number[]) => shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));

/** out[n, o, s] = Σ_{i,k} lhs[n', g·I + i, q] · rhs[o, i, k], q = (s·stride + k·rhsDil − lo) / lhsDil when whole and in range. */
function reference(x: Float64Array, xShape: number[], w: Float64Array, wShape: number[], p: ConvParams, outShape: readonly number[]): Float64Array {
  const { lhs: ls, rhs: rs, out: os } = p.dimensionNumbers;
  const d = ls.length - 2, xs = strides(xShape), ws = strides(wShape), ys = strides(outShape);
  const O = wShape[rs[0]!]!, I = wShape[rs[1]!]!, G = p.featureGroupCount * p.batchGroupCount, Og = O / G;
  const Nout = xShape[ls[0]!]! / p.batchGroupCount;
  const out = new Float64Array(outShape.reduce((a, b) => a * b, 1));
  const kShape = rs.slice(2).map((a) => wShape[a]!);
  for (let flat = 0; flat < out.length; flat++) {
    const c = outShape.map((n, a) => Math.floor(flat / ys[a]!) % n);
    const n = c[os[0]!]!, o = c[os[1]!]!, g = Math.floor(o / Og);
    const nb = n + (p.batchGroupCount > 1 ? g * Nout : 0), cb = p.featureGroupCount > 1 ? g * I : 0;
    let acc = 0;
    const kCount = kShape.reduce((a, b) => a * b, 1);
    for (let i = 0; i < I; i++) {
      for (let kt = 0; kt < kCount; kt++) {
        const k = kShape.map((_, a) => Math.floor(kt / kShape.slice(a + 1).reduce((u, v) => u * v, 1)) % kShape[a]!);
        let xo = nb * xs[ls[0]!]! + (cb + i) * xs[ls[1]!]!, ok = true;
        for (let a = 0; a < d; a++) {
          const q = c[os[2 + a]!]! * p.windowStrides[a]! + k[a]! * p.rhsDilation[a]! - p.padding[a]![0];
          if (q < 0 || q % p.lhsDilation[a]! !== 0 || q / p.lhsDilation[a]! >= xShape[ls[2 + a]!]!) { ok = false; break; }
          xo += (q / p.lhsDilation[a]!) * xs[ls[2 + a]!]!;
        }
        if (!ok) continue;
        let wo = o * ws[rs[0]!]! + i * ws[rs[1]!]!;
        for (let a = 0; a < d; a++) wo += k[a]! * ws[rs[2 + a]!]!;
        acc += x[xo]! * w[wo]!;
      }
    }
    out[flat] = acc;
  }
  return out;
}

function shuffle(rng: Rng, n: number): number[] {
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) { const j = Math.floor(rng.next() * (i + 1)); [p[i], p[j]] = [p[j]!, p[i]!]; }
  return p;
}
const pick = (rng: Rng, lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));

/** A random valid configuration: 0–3 spatial dims, random layouts, strides, pads (some negative), dilations, groups. */
function randomCase(rng: Rng, t: number): { xShape: number[]; wShape: number[]; p: ConvParams } {
  const d = t % 4 === 0 ? 1 : t % 4 === 1 ? 2 : t % 4 === 2 ? 3 : (t % 8 === 3 ? 0 : 2);
  const groups = pick(rng, 1, 3), batchGroups = t % 5 === 0 && groups === 1 ? 2 : 1;
  const fg = batchGroups > 1 ? 1 : groups;
  const I = pick(rng, 1, 3), Og = pick(rng, 1, 3), N = pick(rng, 1, 2) * batchGroups;
  const k = Array.from({ length: d }, () => pick(rng, 1, 3));
  const sp = Array.from({ length: d }, () => pick(rng, d === 3 ? 2 : 3, d === 3 ? 4 : 7));
  const p: ConvParams = {
    windowStrides: k.map(() => pick(rng, 1, 3)),
    padding: k.map(() => [pick(rng, -1, 2), pick(rng, 0, 2)] as [number, number]),
    lhsDilation: k.map(() => pick(rng, 1, 2)),
    rhsDilation: k.map(() => pick(rng, 1, 2)),
    dimensionNumbers: { lhs: shuffle(rng, d + 2), rhs: shuffle(rng, d + 2), out: shuffle(rng, d + 2) },
    featureGroupCount: fg, batchGroupCount: batchGroups,
  };
  const xShape = new Array<number>(d + 2), wShape = new Array<number>(d + 2);
  xShape[p.dimensionNumbers.lhs[0]!] = N; xShape[p.dimensionNumbers.lhs[1]!] = I * fg;
  wShape[p.dimensionNumbers.rhs[0]!] = Og * fg * batchGroups; wShape[p.dimensionNumbers.rhs[1]!] = I;
  for (let a = 0; a < d; a++) { xShape[p.dimensionNumbers.lhs[2 + a]!] = sp[a]!; wShape[p.dimensionNumbers.rhs[2 + a]!] = k[a]!; }
  return { xShape, wShape, p };
}

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number, label: string) => {
  assert.is(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i]! - b[i]!) <= tol * (1 + Math.abs(b[i]!)))) assert.unreachable(`${label}: element ${i} is ${a[i]}, expected ${b[i]}`);
  }
};

test('conv_general_dilated matches the nested-loop reference on 40 random configurations (float64 and float32)', () => {
  const rng = new Rng(11);
  for (let t = 0; t < 40; t++) {
    const { xShape, wShape, p } = randomCase(rng, t);
    const x = rng.array(xShape), w = rng.array(wShape);
    const y = convWithParams(x, w, p);
    const want = reference(x.dataSync() as Float64Array, xShape, w.dataSync() as Float64Array, wShape, p, y.shape);
    const label = `case ${t}: x${JSON.stringify(xShape)} w${JSON.stringify(wShape)} ${JSON.stringify(p)}`;
    close(y.dataSync(), want, 1e-12, label);
    const y32 = convWithParams(x.astype('float32'), w.astype('float32'), p);
    close(y32.dataSync(), want, 1e-5, `${label} (float32)`);
  }
});

test('the direct kernels (≤ 8 output features per group: JS loop shapes, WASM SIMD rows) match the reference', () => {
  const rng = new Rng(21);
  const nchw = (d: number) => ({ lhs: Array.from({ length: d + 2 }, (_, i) => i), rhs: Array.from({ length: d + 2 }, (_, i) => i), out: Array.from({ length: d + 2 }, (_, i) => i) });
  const conf = (d: number, over: Partial<ConvParams>): ConvParams => ({
    windowStrides: new Array(d).fill(1), padding: new Array(d).fill([0, 0]), lhsDilation: new Array(d).fill(1), rhsDilation: new Array(d).fill(1),
    dimensionNumbers: nchw(d), featureGroupCount: 1, batchGroupCount: 1, ...over,
  });
  const cases: [string, number[], number[], ConvParams][] = [
    ['long kernel and long output rows (plain loops), strided, dilated, negative pad', [2, 3, 40], [4, 3, 11], conf(1, { windowStrides: [2], rhsDilation: [2], padding: [[5, -1]] })],
    ['short kernel rows unrolled, NHWC/HWIO, padded', [2, 12, 13, 3], [3, 4, 3, 5], conf(2, { padding: [[1, 2], [2, 1]], dimensionNumbers: { lhs: [0, 3, 1, 2], rhs: [3, 2, 0, 1], out: [0, 3, 1, 2] } })],
    ['short output rows unrolled (a weight-gradient shape)', [1, 2, 20, 20], [3, 2, 16, 15], conf(2, { padding: [[1, 1], [2, 0]] })],
    ['batch groups', [4, 2, 9, 9], [4, 2, 3, 3], conf(2, { batchGroupCount: 2, windowStrides: [2, 1] })],
    ['feature groups, strided', [2, 6, 10, 11], [6, 2, 3, 2], conf(2, { featureGroupCount: 3, windowStrides: [1, 3], padding: [[1, 1], [0, 2]] })],
    // Contiguous rows and unit column steps: the WASM SIMD kernel (four output columns per multiply-add, then the tail).
    ['WASM rows: feature groups, dilated, padded (one side negative), a tail of 1', [2, 6, 9, 13], [6, 2, 3, 4],
      conf(2, { featureGroupCount: 3, rhsDilation: [2, 2], padding: [[1, 2], [3, -1]], windowStrides: [2, 1] })],
    ['WASM rows: 1-d, a tail of 2', [3, 2, 30], [5, 2, 7], conf(1, { padding: [[3, 3]] })],
    ['WASM rows: LeNet conv1 shape, SAME', [4, 1, 28, 28], [6, 1, 5, 5], conf(2, { padding: [[2, 2], [2, 2]] })],
    ['WASM columns (a weight gradient): 1-d, padded both sides, kernel-row tails', [2, 3, 30], [2, 3, 27], conf(1, { padding: [[2, 1]] })],
    ['WASM columns: 2-d, batch groups', [4, 2, 12, 19], [4, 2, 3, 14], conf(2, { batchGroupCount: 2, padding: [[1, 0], [1, 2]] })],
    ['no input features: zeros', [2, 0, 5, 6], [3, 0, 2, 2], conf(2, {})],
    ['an empty kernel row: zeros', [2, 2, 5, 6], [3, 2, 2, 0], conf(2, {})],
  ];
  for (const [name, xShape, wShape, p] of cases) {
    const x = rng.array(xShape), w = rng.array(wShape);
    const y = convWithParams(x, w, p);
    const want = reference(x.dataSync() as Float64Array, xShape, w.dataSync() as Float64Array, wShape, p, y.shape);
    close(y.dataSync(), want, 1e-12, name);
    close(convWithParams(x.astype('float32'), w.astype('float32'), p).dataSync(), want, 1e-5, `${name} (float32)`);
  }
});

test('LeNet-sized layers: float32 through the sgemm matches float64 (NCHW and NHWC)', () => {
  const rng = new Rng(2);
  const x = rng.array([8, 3, 28, 28]), w = rng.array([16, 3, 5, 5]);
  const y64 = lax.convGeneralDilated(x, w, [1, 1], 'SAME');
  const y32 = lax.convGeneralDilated(x.astype('float32'), w.astype('float32'), [1, 1], 'SAME');
  close(y32.dataSync(), y64.dataSync(), 1e-5, 'NCHW');
  const xh = np.transpose(x, [0, 2, 3, 1]), wh = np.transpose(w, [2, 3, 1, 0]);
  const yh = lax.convGeneralDilated(xh.astype('float32'), wh.astype('float32'), [1, 1], 'SAME', { dimensionNumbers: ['NHWC', 'HWIO', 'NHWC'] });
  close(np.transpose(yh, [0, 3, 1, 2]).dataSync(), y64.dataSync(), 1e-5, 'NHWC');
});

test('jit = eager, forward and both gradients, bit for bit', () => {
  const rng = new Rng(4);
  const x = rng.array([4, 2, 9, 8], -1, 1, 'float32'), w = rng.array([6, 1, 3, 3], -1, 1, 'float32'), b = rng.array([6], -1, 1, 'float32');
  const f = (x: NDArray, w: NDArray, b: NDArray) =>
    np.tanh(lax.convGeneralDilated(x, w, [2, 1], 'SAME', { featureGroupCount: 2 }).add(b.reshape(1, 6, 1, 1))).square().sum();
  const g = grad(f, { argnums: [0, 1, 2] });
  const eager = g(x, w, b) as NDArray[], jitted = jit(g)(x, w, b) as NDArray[];
  eager.forEach((e, i) => assert.equal(Array.from(jitted[i]!.dataSync()), Array.from(e.dataSync()), `gradient ${i}`));
  assert.equal(jit(f)(x, w, b).dataSync(), f(x, w, b).dataSync());
});

test('SAME and VALID padding give the shapes JAX gives', () => {
  const x = np.zeros([1, 1, 7, 6]), w = np.zeros([1, 1, 3, 2]);
  assert.equal(lax.convGeneralDilated(x, w, [2, 2], 'SAME').shape, [1, 1, 4, 3]);
  assert.equal(lax.convGeneralDilated(x, w, [2, 2], 'VALID').shape, [1, 1, 3, 3]);
  assert.equal(lax.convGeneralDilated(x, w, [1, 1], 'SAME', { rhsDilation: [2, 3] }).shape, [1, 1, 7, 6]);
  assert.equal(lax.padtypeToPads([7, 5], [3, 2], [2, 2], 'SAME', 'f'), [[1, 1], [0, 1]]);
  assert.equal(lax.padtypeToPads([7, 5], [3, 2], [2, 2], 'SAME_LOWER', 'f'), [[1, 1], [1, 0]]);
});

test('convTranspose with transposeKernel is the gradient of a strided conv (JAX\'s identity)', () => {
  const rng = new Rng(8);
  // x has the size convTranspose gives back (JAX's _conv_transpose_via_grad): in·stride for SAME, in·stride + max(k − stride, 0) for VALID.
  for (const [padding, stride, h, wd] of [['SAME', 2, 10, 8], ['VALID', 2, 11, 9], ['SAME', 1, 9, 8], ['VALID', 3, 9, 6]] as const) {
    const x = rng.array([2, h, wd, 3]), w = rng.array([3, 3, 3, 4]);
    const dn = ['NHWC', 'HWIO', 'NHWC'] as const;
    const f = (x: NDArray) => lax.convGeneralDilated(x, w, [stride, stride], padding, { dimensionNumbers: dn });
    const [y, back] = vjp(f, x);
    const ct = rng.array((y as NDArray).shape);
    const [gx] = back(ct) as NDArray[];
    const t = lax.convTranspose(ct, w, [stride, stride], padding, { dimensionNumbers: dn, transposeKernel: true });
    assert.equal(t.shape, x.shape);
    close(t.dataSync(), gx!.dataSync(), 1e-12, `${padding} stride ${stride}`);
  }
});

test('convTranspose output sizes follow JAX (in·stride for SAME)', () => {
  const x = np.zeros([1, 5, 4, 2]), w = np.zeros([3, 3, 2, 7]);
  assert.equal(lax.convTranspose(x, w, [2, 2], 'SAME').shape, [1, 10, 8, 7]);
  assert.equal(lax.convTranspose(x, w, [2, 2], 'VALID').shape, [1, 11, 9, 7]);
});

test('np.convolve and np.correlate match NumPy in every mode and either order', () => {
  const a = np.array([1, 2, 3, 4, 5]), v = np.array([1, 0, -1, 2]);
  const want: Record<string, number[][]> = {
    full: [[1, 2, 2, 4, 6, 2, 3, 10], [1, 2, 2, 4, 6, 2, 3, 10], [2, 3, 4, 6, 8, -2, 4, 5], [5, 4, -2, 8, 6, 4, 3, 2]],
    same: [[2, 2, 4, 6, 2], [2, 2, 4, 6, 2], [3, 4, 6, 8, -2], [-2, 8, 6, 4, 3]],
    valid: [[4, 6], [4, 6], [6, 8], [8, 6]],
  };
  for (const mode of ['full', 'same', 'valid'] as const) {
    const [c1, c2, r1, r2] = want[mode]!;
    assert.equal(Array.from(np.convolve(a, v, mode).dataSync()), c1, `convolve ${mode}`);
    assert.equal(Array.from(np.convolve(v, a, mode).dataSync()), c2, `convolve swapped ${mode}`);
    assert.equal(Array.from(np.correlate(a, v, mode).dataSync()), r1, `correlate ${mode}`);
    assert.equal(Array.from(np.correlate(v, a, mode).dataSync()), r2, `correlate swapped ${mode}`);
  }
  assert.equal(Array.from(np.correlate(np.array([1, 2, 3]), np.array([0, 1, 0.5])).dataSync()), [3.5]);
  assert.is(np.convolve(np.array([1, 2], { dtype: 'int32' }), np.array([3], { dtype: 'int32' })).dtype, 'int32');
});

test('np.convolve is differentiable (gradient of a filter fit)', () => {
  const sig = np.array([0, 1, 0, -1, 2, 1]);
  const g = grad((v: NDArray) => np.convolve(sig, v, 'same').square().sum())(np.array([1, 0, 0])) as NDArray;
  // d/dv Σ (a∗v)² = 2 Σ_k (a∗v)[k] a[k−n]: checked by central differences.
  const f = (v: number[]) => np.convolve(sig, np.array(v), 'same').square().sum().itemSync();
  const base = [1, 0, 0];
  const num = base.map((_, i) => { const up = [...base], dn = [...base]; up[i]! += 1e-3; dn[i]! -= 1e-3; return (f(up) - f(dn)) / 2e-3; });
  close(g.dataSync(), num, 1e-3, 'gradient');
});

test('bad input names lax.convGeneralDilated, the shapes and what was expected', () => {
  const x = np.zeros([1, 4, 5, 5]);
  assert.throws(() => lax.convGeneralDilated(x, np.zeros([2, 3, 3, 3]), [1, 1], 'VALID'), /4 features but the rhs takes 3/);
  assert.throws(() => lax.convGeneralDilated(x, np.zeros([2, 4, 3]), [1, 1], 'VALID'), /lax\.convGeneralDilated.*rank/);
  assert.throws(() => lax.convGeneralDilated(x, np.zeros([2, 4, 3, 3]), [1], 'VALID'), /windowStrides needs 2 entries/);
  assert.throws(() => lax.convGeneralDilated(x, np.zeros([2, 4, 3, 3]), [1, 1], 'SAME', { dimensionNumbers: ['NCHW', 'OIHX', 'NCHW'] }), /spatial axis 'X'/);
  assert.throws(() => lax.convGeneralDilated(x, np.zeros([2, 4, 3, 3]), [1, 1], 'FULL' as never), /unknown padding 'FULL'/);
  assert.throws(() => np.convolve(np.zeros([2, 2]), np.ones([1])), /np\.convolve: both inputs must be 1-d/);
});


test('a float32 NCHW conv the WASM direct kernel serves generates no JS kernel; float64 generates one', async () => {
  const { jsDirectKernelCount } = await import('../src/backends/cpu/conv-direct.js');
  const { wasmLoopsAvailable } = await import('../src/backends/cpu/wasm/loops.js');
  // A shape no other test uses (its own cache entry): 3×1×13×11 images, 5 features of 3×3.
  const rng = new Rng(41);
  const x32 = rng.array([3, 1, 13, 11], -1, 1, 'float32');
  const w32 = rng.array([5, 1, 3, 3], -1, 1, 'float32');
  const before = jsDirectKernelCount();
  const y32 = lax.convGeneralDilated(x32, w32, [1, 1], 'SAME');
  y32.dataSync();
  assert.is(jsDirectKernelCount(), before + (wasmLoopsAvailable ? 0 : 1));
  const y64 = lax.convGeneralDilated(x32.astype('float64'), w32.astype('float64'), [1, 1], 'SAME');
  const a = y64.dataSync(), b = y32.dataSync();
  assert.is(jsDirectKernelCount(), before + 1);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]!) < 1e-4, `${i}: ${v} vs ${b[i]}`));
});

test.run();
