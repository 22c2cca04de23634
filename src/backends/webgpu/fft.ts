// The fft primitive on the GPU: 1-d transforms along each signal axis in turn, as the CPU does.
// Power-of-two lengths run Stockham radix-2 passes (one invocation per butterfly, ping-ponging
// between two scratch buffers, results in natural order); other lengths run Bluestein's algorithm
// through power-of-two Stockham transforms of length m ≥ 2n−1: the input times the chirp
// w_k = e^{−iπk²/n}, transformed, multiplied by the transformed conjugate chirp, transformed back
// and multiplied by the chirp again. Complex values are interleaved (re, im) f32 pairs. The
// inverse direction conjugates on the way in and out of Bluestein, and flips the twiddles' sign
// in Stockham; ifft/irfft scale by 1/N in the last step.
import { DTypeError } from '../../core/errors.js';
import { BufferDecl, elementwiseStep, inp, out, Plan, Slot, Step, temp, u, WebGpuKernel } from './wgsl.js';

const F32: BufferDecl = { type: 'f32' };
const PI = '3.141592653589793f';
const isPow2 = (n: number): boolean => (n & (n - 1)) === 0;
const prod = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);

/** k·k mod M without overflow for M < 2^31 (Bluestein's chirp index: exact for any length). */
const SQMOD = `fn sqmod(k: u32, m: u32) -> u32 {
  var r = 0u;
  for (var b = 31i; b >= 0i; b = b - 1i) {
    r = (r * 2u) % m;
    if (((k >> u32(b)) & 1u) == 1u) { r = (r + k) % m; }
  }
  return r;
}`;

/** Scratch buffers by role, each as large as its largest use (complex f32 pairs: 8 bytes per value). */
class Scratch {
  private readonly sizes: number[] = [];
  private readonly roles = new Map<string, number>();
  slot(role: string, complexCount: number): Slot {
    let k = this.roles.get(role);
    if (k === undefined) { k = this.sizes.length; this.roles.set(role, k); this.sizes.push(0); }
    this.sizes[k] = Math.max(this.sizes[k]!, complexCount * 8);
    return temp(k);
  }
  get temps(): number[] { return this.sizes.map((b) => Math.max(b, 4)); }
}

/** A dispatch over `count` items `gid`; `fns` are module-scope functions the body calls. */
function step(label: string, reads: readonly Slot[], writes: readonly Slot[], count: number, body: readonly string[], fns = ''): Step {
  const s = elementwiseStep(label, reads.map((r) => [r, F32]), writes.map((w) => [w, F32]), count, body);
  return s.kind === 'dispatch' && fns ? { ...s, code: `${fns}\n${s.code}` } : s;
}

/** The element offset of position `i` of lane `lane` along an axis of length n with `inner` elements after it. */
const addr = (lane: string, i: string, n: number, inner: number) =>
  inner === 1 ? `(${lane} * ${u(n)} + ${i})` : `((${lane} / ${u(inner)}) * ${u(n * inner)} + (${i}) * ${u(inner)} + ${lane} % ${u(inner)})`;

/**
 * Stockham passes over `lanes` lanes of length n (a power of two), from `src`, ping-ponging between
 * `a` and `b`; returns the slot holding the result.
 */
function stockham(steps: Step[], src: Slot, a: Slot, b: Slot, lanes: number, n: number, inner: number, sign: 1 | -1): Slot {
  let from = src, to = a;
  const half = n / 2;
  for (let s = 1; s < n; s *= 2) {
    steps.push(step('fft', [from], [to], lanes * half, [
      `let lane = gid / ${u(half)};`,
      `let bj = gid % ${u(half)};`,
      `let k = bj % ${u(s)};`,
      `let ang = ${sign === 1 ? '' : '-'}${PI} * f32(k) / ${s}.0f;`,
      `let w = vec2<f32>(cos(ang), sin(ang));`,
      `let p = 2u * ${addr('lane', 'bj', n, inner)};`,
      `let q = 2u * ${addr('lane', `bj + ${u(half)}`, n, inner)};`,
      `let x = vec2<f32>(x0[p], x0[p + 1u]);`,
      `let y = vec2<f32>(x0[q], x0[q + 1u]);`,
      `let v = vec2<f32>(y.x * w.x - y.y * w.y, y.x * w.y + y.y * w.x);`,
      `let d = (bj - k) * 2u + k;`,
      `let r = 2u * ${addr('lane', 'd', n, inner)};`,
      `let t = 2u * ${addr('lane', `d + ${u(s)}`, n, inner)};`,
      `y0[r] = x.x + v.x; y0[r + 1u] = x.y + v.y;`,
      `y0[t] = x.x - v.x; y0[t + 1u] = x.y - v.y;`,
    ]));
    from = to;
    to = to === a ? b : a;
  }
  return from;
}

/** The chirp w_k = e^{−iπ(k² mod 2n)/n} as `w` (a vec2) for index expression `k`. */
const chirp = (k: string, n: number) => [
  `let ang = ${PI} * f32(sqmod(${k}, ${u(2 * n)})) / ${n}.0f;`,
  `let w = vec2<f32>(cos(ang), -sin(ang));`,
];

/**
 * One axis of length n of the complex data in `data` (lanes × n, `inner` after the axis),
 * transformed in place (the result is back in `data`); `others` is the other data buffer.
 */
function transformAxis(steps: Step[], scratch: Scratch, data: Slot, other: Slot, lanes: number, n: number, inner: number, sign: 1 | -1): void {
  if (n === 1) return;
  if (isPow2(n)) {
    const res = stockham(steps, data, other, data, lanes, n, inner, sign);
    if (res !== data) steps.push({ kind: 'copy', from: res, to: data, bytes: lanes * n * 8 });
    return;
  }
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const c = sign === 1 ? '-' : ''; // the inverse conjugates in and out
  const b0 = scratch.slot('b0', m), b1 = scratch.slot('b1', m), a0 = scratch.slot('a0', lanes * m), a1 = scratch.slot('a1', lanes * m);
  // The conjugate chirp, wrapped around (b_{m−k} = b_k), and its transform.
  steps.push(step('fft chirp', [], [b0], m, [
    `var k = gid;`,
    `if (gid > ${u(m - n)}) { k = ${u(m)} - gid; }`,
    ...chirp('k', n),
    `let live = gid < ${u(n)} || gid > ${u(m - n)};`,
    `y0[2u * gid] = select(0.0f, w.x, live); y0[2u * gid + 1u] = select(0.0f, -w.y, live);`,
  ], SQMOD));
  const B = stockham(steps, b0, b1, b0, 1, m, 1, -1);
  // a = x·w (zero past n), then its transform.
  steps.push(step('fft chirp in', [data], [a0], lanes * m, [
    `let lane = gid / ${u(m)};`,
    `let k = gid % ${u(m)};`,
    ...chirp('k', n),
    `let p = 2u * ${addr('lane', `min(k, ${u(n - 1)})`, n, inner)};`,
    `let x = vec2<f32>(x0[p], ${c}x0[p + 1u]);`,
    `let live = k < ${u(n)};`,
    `y0[2u * gid] = select(0.0f, x.x * w.x - x.y * w.y, live); y0[2u * gid + 1u] = select(0.0f, x.x * w.y + x.y * w.x, live);`,
  ], SQMOD));
  const A = stockham(steps, a0, a1, a0, lanes, m, 1, -1);
  const other_ = A === a0 ? a1 : a0;
  steps.push(step('fft chirp product', [A, B], [other_], lanes * m, [
    `let k = gid % ${u(m)};`,
    `let a = vec2<f32>(x0[2u * gid], x0[2u * gid + 1u]);`,
    `let b = vec2<f32>(x1[2u * k], x1[2u * k + 1u]);`,
    `y0[2u * gid] = a.x * b.x - a.y * b.y; y0[2u * gid + 1u] = a.x * b.y + a.y * b.x;`,
  ]));
  const C = stockham(steps, other_, A, other_, lanes, m, 1, 1);
  steps.push(step('fft chirp out', [C], [data], lanes * n, [
    `let lane = gid / ${u(n)};`,
    `let k = gid % ${u(n)};`,
    ...chirp('k', n),
    `let s = 2u * (lane * ${u(m)} + k);`,
    `let x = vec2<f32>(x0[s], x0[s + 1u]) / ${m}.0f;`,
    `let p = 2u * ${addr('lane', 'k', n, inner)};`,
    `y0[p] = x.x * w.x - x.y * w.y; y0[p + 1u] = ${c}(x.x * w.y + x.y * w.x);`,
  ], SQMOD));
}

/** Complex transforms of `data` (complex shape `shape`) along the axes `axes`. */
function transformAxes(steps: Step[], scratch: Scratch, data: Slot, other: Slot, shape: readonly number[], axes: readonly number[], sign: 1 | -1): void {
  for (const a of axes) {
    const n = shape[a]!, inner = prod(shape.slice(a + 1));
    transformAxis(steps, scratch, data, other, prod(shape) / n, n, inner, sign);
  }
}

export const fft: WebGpuKernel<'fft'> = ({ params: { fftType, fftLengths: L }, inAvals: [xa], outAvals: [oa] }): Plan => {
  if (xa!.dtype !== 'float32') throw new DTypeError(`np.fft: the webgpu backend transforms float32 only (WGSL has no f64), got ${xa!.dtype}`);
  if (oa!.size === 0) return { steps: [] };
  const k = L.length, N = prod(L), n = L[k - 1]!, m = Math.floor(n / 2) + 1;
  const steps: Step[] = [], scratch = new Scratch();
  const range = (r: number) => Array.from({ length: r }, (_, i) => i);
  const scale = fftType === 'ifft' || fftType === 'irfft' ? 1 / N : 1;
  const finish = (from: Slot, count: number): Plan => {
    steps.push(scale === 1
      ? { kind: 'copy', from, to: out(0), bytes: count * 4 }
      : step('fft scale', [from], [out(0)], count, [`y0[gid] = x0[gid] * ${scale}f;`]));
    return { steps, temps: scratch.temps };
  };
  const big = Math.max(xa!.size, oa!.size);
  const d0 = scratch.slot('d0', big), d1 = scratch.slot('d1', big);
  switch (fftType) {
    case 'fft': case 'ifft': {
      const shape = xa!.shape.slice(0, -1);
      steps.push({ kind: 'copy', from: inp(0), to: d0, bytes: xa!.size * 4 });
      transformAxes(steps, scratch, d0, d1, shape, range(shape.length).slice(-k), fftType === 'fft' ? -1 : 1);
      return finish(d0, oa!.size);
    }
    case 'rfft': {
      const lanes = xa!.size / n;
      steps.push(step('rfft in', [inp(0)], [d0], xa!.size, [`y0[2u * gid] = x0[gid]; y0[2u * gid + 1u] = 0.0f;`]));
      transformAxis(steps, scratch, d0, d1, lanes, n, 1, -1);
      steps.push(step('rfft half', [d0], [d1], lanes * m, [
        `let s = 2u * ((gid / ${u(m)}) * ${u(n)} + gid % ${u(m)});`,
        `y0[2u * gid] = x0[s]; y0[2u * gid + 1u] = x0[s + 1u];`,
      ]));
      const shape = oa!.shape.slice(0, -1);
      transformAxes(steps, scratch, d1, d0, shape, range(shape.length).slice(-k, -1), -1);
      return finish(d1, oa!.size);
    }
    case 'irfft': {
      const shape = xa!.shape.slice(0, -1), lanes = oa!.size / n;
      steps.push({ kind: 'copy', from: inp(0), to: d0, bytes: xa!.size * 4 });
      transformAxes(steps, scratch, d0, d1, shape, range(shape.length).slice(-k, -1), 1);
      // The Hermitian extension of each lane's half spectrum (DC's and Nyquist's imaginary parts ignored).
      steps.push(step('irfft extend', [d0], [d1], lanes * n, [
        `let lane = gid / ${u(n)};`,
        `let bj = gid % ${u(n)};`,
        `let mirrored = bj >= ${u(m)};`,
        `let src = 2u * (lane * ${u(m)} + select(bj, ${u(n)} - bj, mirrored));`,
        `let im = select(x0[src + 1u], -x0[src + 1u], mirrored);`,
        `y0[2u * gid] = x0[src]; y0[2u * gid + 1u] = select(im, 0.0f, bj == 0u || 2u * bj == ${u(n)});`,
      ]));
      transformAxis(steps, scratch, d1, d0, lanes, n, 1, 1);
      steps.push(step('irfft real', [d1], [out(0)], oa!.size, [`y0[gid] = x0[2u * gid] * ${scale}f;`]));
      return { steps, temps: scratch.temps };
    }
  }
};
