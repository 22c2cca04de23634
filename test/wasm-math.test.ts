// The float32 math library (src/backends/cpu/wasm/math.ts): max ulp against float64 over the whole range, edge cases, and WASM SIMD = scalar JS bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { erf } from '../src/backends/cpu/special.js';
import { emitJs, LANE_HELPERS, Lanes, Node } from '../src/backends/cpu/wasm/lanes.js';
import { compileLoop, wasmLoopsAvailable } from '../src/backends/cpu/wasm/loops.js';
import { MATH_F32, MATH_MAX_ULP, MATH_UNARY, MathUnary, powf, SIN_FAST_LIMIT } from '../src/backends/cpu/wasm/math.js';

const REFERENCE: { [F in MathUnary]: (x: number) => number } = {
  exp: Math.exp, log: Math.log, expm1: Math.expm1, log1p: Math.log1p, tanh: Math.tanh,
  sin: Math.sin, cos: Math.cos, erf, sqrt: Math.sqrt,
};

/** The float32 ulp at a float64 value y: the gap between the float32s around it (2^-149 among subnormals). */
function ulpAt(y: number): number {
  const a = Math.abs(y);
  if (a < 2 ** -126) return 2 ** -149;
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e -= 1; // log2 rounding just below a power of two
  return 2 ** (e - 23);
}

const bits = new Uint32Array(1), asF32 = new Float32Array(bits.buffer);
/**
 * Inputs: every 2^32/65521-th bit pattern (all signs, exponents and subnormals, NaNs included), a
 * dense sweep of [-12, 12] and of the ranges where each reduction changes branch, and the edges.
 */
function samples(): Float32Array {
  const xs: number[] = [];
  for (let b = 0; b < 2 ** 32; b += 65521) { bits[0] = b; xs.push(asF32[0]!); }
  for (let i = 0; i <= 60000; i++) xs.push(-12 + (24 * i) / 60000);
  for (let i = 0; i <= 4000; i++) { xs.push(0.55 + i * 0.0001, 0.85 + i * 0.0001, -1 + i * 1e-6, SIN_FAST_LIMIT - 2 + i * 0.001, 88 + i * 0.0005, -104 + i * 0.001); }
  xs.push(0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 2 ** -127, 3.4028234663852886e38, -3.4028234663852886e38,
    1, -1, 2, 0.5, 1e-30, -1e-30, 1e30, -1e30, 9.1, 4, 0.625, 0.9, 40, 41, -30, -31);
  return Float32Array.from(xs);
}
const XS = samples();

/** Runs a unary lane program over xs as a WASM SIMD loop. */
function viaWasm(f: (p: Lanes, x: Node) => Node, xs: Float32Array): Float32Array {
  const p = new Lanes();
  const loop = compileLoop(p, [f(p, p.input(0))], ['vector']);
  const out = new Float32Array(xs.length);
  loop.run(xs.length, [out], [xs]);
  return out;
}
const sameBits = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

for (const name of Object.keys(MATH_UNARY) as MathUnary[]) {
  test(`${name}: at most ${MATH_MAX_ULP[name]} ulp from float64 over the float32 range; IEEE edge cases; WASM = JS bitwise`, () => {
    const f = MATH_F32[name], ref = REFERENCE[name];
    const js = XS.map((x) => f(x));
    let worst = 0, at = 0;
    XS.forEach((x, i) => {
      const y = js[i]!, r = ref(x);
      if (Number.isNaN(r)) { assert.ok(Number.isNaN(y), `${name}(${x}) should be NaN, got ${y}`); return; }
      const r32 = Math.fround(r);
      if (!Number.isFinite(r32) || r32 === 0) {
        // Overflow to ±∞ and underflow to ±0 must come out exactly, signed zeros included.
        if (!sameBits(y, r32) && Math.abs(y - r) / ulpAt(r) > MATH_MAX_ULP[name]) assert.unreachable(`${name}(${x}) = ${y}, expected ${r32}`);
        return;
      }
      const e = Math.abs(y - r) / ulpAt(r);
      if (!(e <= worst)) { worst = e; at = x; }
    });
    assert.ok(worst <= MATH_MAX_ULP[name], `${name}: ${worst.toFixed(3)} ulp at x = ${at}`);
    // Signed zeros: odd functions keep the sign; the even and the others give exact values.
    const exact: [number, number][] = name === 'cos' ? [[0, 1], [-0, 1]] : name === 'exp' ? [[0, 1], [-0, 1], [-Infinity, 0], [Infinity, Infinity]]
      : name === 'log' ? [[0, -Infinity], [-0, -Infinity], [1, 0], [Infinity, Infinity], [-1, NaN]]
      : [[0, 0], [-0, -0]];
    for (const [x, want] of exact) assert.ok(sameBits(f(x), want), `${name}(${Object.is(x, -0) ? '-0' : x}) = ${f(x)}, expected ${want}`);
    if (wasmLoopsAvailable) {
      const w = viaWasm(MATH_UNARY[name], XS);
      const diff = XS.findIndex((_, i) => !sameBits(w[i]!, js[i]!));
      assert.is(diff, -1, diff < 0 ? '' : `${name}(${XS[diff]}): WASM ${w[diff]} vs JS ${js[diff]}`);
    }
  });
}

test('pow: the float64 C pow rounded once (pow(1, NaN) = 1, pow(-1, ±inf) = 1), in WASM and JS alike', () => {
  const as = [0, -0, 1, -1, 2, 0.5, -2.5, 3, 10, 1e-3, Infinity, -Infinity, NaN, 1e20], bs = [0, -0, 1, 2, -1, 0.5, 3, -3, 2.5, Infinity, -Infinity, NaN, 30];
  const A = new Float32Array(as.length * bs.length), B = new Float32Array(A.length);
  as.forEach((a, i) => bs.forEach((b, j) => { A[i * bs.length + j] = a; B[i * bs.length + j] = b; }));
  const cPow = (a: number, b: number) => (a === 1 || (a === -1 && Math.abs(b) === Infinity) ? 1 : Math.pow(a, b));
  A.forEach((a, i) => assert.ok(sameBits(MATH_F32.pow(a, B[i]!), Math.fround(cPow(a, B[i]!))), `pow(${a}, ${B[i]})`));
  if (wasmLoopsAvailable) {
    const p = new Lanes();
    const loop = compileLoop(p, [MATH_POW(p)], ['vector', 'vector']);
    const out = new Float32Array(A.length);
    loop.run(A.length, [out], [A, B]);
    A.forEach((a, i) => assert.ok(sameBits(out[i]!, MATH_F32.pow(a, B[i]!)), `WASM pow(${a}, ${B[i]}) = ${out[i]}`));
  }
});
const MATH_POW = (p: Lanes) => powf(p, p.input(0), p.input(1));

test('lane programs: integer lanes, masks and rounding agree between WASM and JS on awkward values', () => {
  if (!wasmLoopsAvailable) return;
  const p = new Lanes();
  const x = p.input(0);
  const roots = [
    p.nearest(x), p.floor(x), p.ceil(x), p.trunc(x), p.cvt(p.tsat(x)), p.float(p.shl(p.shru(p.bits(x), 3), 3)),
    p.sel(p.cmp('le', x, p.c(0.5)), p.min(x, p.c(-0)), p.max(x, p.c(0))), p.copysign(p.c(2), x), p.ldexp(p.c(1.5), p.tsat(p.mul(x, p.c(10)))),
  ];
  const xs = Float32Array.from([0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1e10, -1e10, 3e9, NaN, Infinity, -Infinity, 2 ** -149, 12.7, -12.7, 0.49999997]);
  const loop = compileLoop(p, roots, ['vector']);
  const outs = roots.map(() => new Float32Array(xs.length));
  loop.run(xs.length, outs, [xs]);
  roots.forEach((r, k) => {
    // The same program compiled to JS, evaluated one number at a time.
    const js = new Function('L', 'CO', `return (x) => { ${emitJsFor(p, r)} }`)(LANE_HELPERS, []) as (x: number) => number;
    xs.forEach((v, i) => assert.ok(sameBits(outs[k]![i]!, js(v)), `root ${k} at ${v}: WASM ${outs[k]![i]} vs JS ${js(v)}`));
  });
});
function emitJsFor(p: Lanes, root: Node): string {
  const { lines, refs } = emitJs(p, [root], () => 'x');
  return `${lines.join(' ')} return ${refs[0]};`;
}

test('a callout on loop invariants (a pow of a scalar) runs once per call, not per element', () => {
  if (!wasmLoopsAvailable) return;
  let calls = 0;
  const counted = { name: 'counted', arity: 2, fn: (a: number, b: number) => { calls++; return Math.pow(a, b); }, source: 'Math.pow' };
  const p = new Lanes();
  const x = p.input(0), t = p.input(1);
  const c1 = p.sub(p.c(1), p.callout(counted, p.cmp('eq', p.c(0), p.c(0)), p.c(NaN), p.c(0.9), t));
  const loop = compileLoop(p, [p.div(x, c1)], ['vector', 'scalar']);
  const xs = new Float32Array(4099).fill(1), out = new Float32Array(4099);
  loop.run(xs.length, [out], [xs, Float32Array.of(3)]);
  assert.ok(calls <= 4, `${calls} calls`); // one vector of four lanes
  assert.is(out[4098], Math.fround(1 / Math.fround(1 - Math.fround(Math.pow(Math.fround(0.9), 3)))));
});

test.run();
