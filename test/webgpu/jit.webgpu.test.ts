// Jitted programs compiled to WGSL (webgpuBackend.compile) against the CPU: the primitive table, fusion, training, donation, pooling.
//
// Every primitive-table row (float64 rows excepted) jitted on WebGPU, also with movement fused
// around it; fusion is real (an elementwise chain is one dispatch, a dense layer's bias and
// activation run inside the matmul); random programs and the two-layer training step agree with
// the CPU within float32 tolerance; donated inputs are written in place; scratch is pooled.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { customJvp, customVjp, jit, lax, makeJaxpr, np, random, valueAndGrad } from '../../src/index.js';
import type { Array as NDArray } from '../../src/index.js';
import { ShapedArray } from '../../src/core/aval.js';
import { ConcreteArray, concreteFromTyped } from '../../src/core/array.js';
import { allocTyped } from '../../src/core/dtype.js';
import { ClosedJaxpr, Jaxpr } from '../../src/core/jaxpr.js';
import { bind } from '../../src/core/interpreter.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive, Params } from '../../src/core/primitives.js';
import { isElementwise } from '../../src/backends/elementwise.js';
import { compiledPoolStats, compileJaxpr } from '../../src/backends/webgpu/compile/index.js';
import { GpuBuffer } from '../../src/backends/webgpu/device.js';
import { memoryStats } from '../../src/backends/webgpu/index.js';
import { ArraySpec, flatValues, PRIMITIVE_CASES, specStorage } from '../helpers/primitive-cases.js';
import { assertClose, gpuSuite, mismatch, onCpu, onGpu, Tolerance } from '../helpers/webgpu.js';
import { movementFusionCases } from '../helpers/fusion-cases.js';

const gpuTest = gpuSuite(test, 'jit.webgpu.test');

function specArray(s: ArraySpec, device: 'cpu' | 'webgpu'): ConcreteArray {
  return concreteFromTyped(specStorage(s), new ShapedArray(s.shape, s.dtype), device);
}
const toGpu = (x: NDArray): NDArray => np.array(x, { device: 'webgpu' });
const asList = (r: NDArray | NDArray[]): NDArray[] => (Array.isArray(r) ? r : [r]);
/** Reverses the axes: read through index arithmetic when fused. */
const flip = (x: NDArray) => lax.transpose(x, x.shape.map((_, i) => x.ndim - 1 - i));
const F32: Tolerance = { rtol: 1e-5, atol: 1e-6 };

// ---- 1. every primitive-table row, jitted on WebGPU ------------------------------------------------
type Row = (typeof PRIMITIVE_CASES)[ArrayPrimitive][number];
const REDUCTIONS = new Set<string>(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'argmax', 'argmin']);
const usesFloat64 = (c: Row) => [...c.inputs, ...c.expected].some((s) => s.dtype === 'float64');

for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as Row[]) {
    if (usesFloat64(c)) continue;
    gpuTest(`jit on webgpu: ${prim}: ${c.name}`, async () => {
      const f = (...xs: NDArray[]) => bind(prim, xs, c.params as Params<typeof prim>);
      const outs = onGpu(() => jit(f)(...c.inputs.map((s) => specArray(s, 'webgpu'))));
      assert.is(outs.length, c.expected.length, 'number of outputs');
      for (const [k, e] of c.expected.entries()) {
        const o = outs[k]!;
        assert.is((o as ConcreteArray).device, 'webgpu');
        assert.equal([...o.shape], [...e.shape], `output ${k} shape`);
        assert.is(o.dtype, e.dtype, `output ${k} dtype`);
        const bad = mismatch(await o.data(), flatValues(e), e.dtype, c.tol);
        if (bad) assert.unreachable(`output ${k}: ${bad}`);
      }
    });
    // The same row with movement fused around it (operands read through reversed axes, the result
    // reversed back), or a reduction reading a transposed input: compared with the CPU eagerly.
    if (isElementwise(prim) && c.inputs.some((s) => s.shape.length >= 2)) {
      gpuTest(`jit on webgpu with fused transposes: ${prim}: ${c.name}`, async () => {
        const f = (...xs: NDArray[]) => flip(bind(prim, xs.map(flip), c.params as Params<typeof prim>)[0]!);
        const got = onGpu(() => jit(f)(...c.inputs.map((s) => specArray(s, 'webgpu'))));
        await assertClose(got, onCpu(() => f(...c.inputs.map((s) => specArray(s, 'cpu')))), c.tol, 'output');
      });
    }
    if (REDUCTIONS.has(prim) && c.inputs[0]!.shape.length >= 2) {
      gpuTest(`jit on webgpu with a fused prologue: ${prim}: ${c.name}`, async () => {
        const nd = c.inputs[0]!.shape.length;
        const p = c.params as { axes?: readonly number[]; axis?: number };
        const params = p.axes ? { axes: p.axes.map((a) => nd - 1 - a) } : { ...p, axis: nd - 1 - p.axis! };
        const f = (x: NDArray) => bind(prim, [flip(x)], params as Params<typeof prim>)[0]!;
        await assertClose(onGpu(() => jit(f)(specArray(c.inputs[0]!, 'webgpu'))), onCpu(() => f(specArray(c.inputs[0]!, 'cpu'))), c.tol, 'output');
      });
    }
  }
}

// ---- 2. fusion is real ---------------------------------------------------------------------------------
const normal = (seed: number, shape: number[]) => onCpu(() => random.normal(random.key(seed), shape));
const dispatches = (text: string) => (text.match(/@compute/g) ?? []).length;

gpuTest('tanh(x)*2 + exp(-x*x) compiles to one dispatch with no intermediate buffers', async () => {
  const f = (x: NDArray) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x)));
  const x = normal(1, [37, 53]);
  const text = jit(f).lower(toGpu(x)).compiledText();
  assert.is(dispatches(text), 1, text);
  assert.match(text, /0 pooled slot\(s\)/);
  assert.match(text, /tanh_f32\(/);
  assert.match(text, /exp\(/);
  await assertClose(jit(f)(toGpu(x)), onCpu(() => f(x)), F32, 'value');
});

gpuTest('long loops go four elements at a time: vec4 loads and stores where reads are at the element', async () => {
  const p = normal(30, [64, 128]), q = normal(31, [128]), sq = normal(32, [128, 64]);
  const s = onCpu(() => np.array(0.75));
  const cases: [string, (...xs: NDArray[]) => NDArray | NDArray[], NDArray[], RegExp[]][] = [
    ['a chain', (x) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x))), [p], [/x0: array<vec4<f32>>/, /y0: array<vec4<f32>>/]],
    ['a bias row (scalar loads) and a vec4 operand', (x, b) => x.mul(b).add(1), [p, q], [/x0: array<vec4<f32>>/, /x1: array<f32>/]],
    ['a transposed operand stays scalar', (x, t) => x.add(t.T).square(), [p, sq], [/x0: array<vec4<f32>>/, /x1: array<f32>/]],
    ['one buffer read at the element and transposed', (m) => m.add(m.T), [normal(35, [128, 128])], [/x0: array<f32>/, /y0: array<vec4<f32>>/]],
    ['a scalar operand', (x, c) => x.mul(c).sub(c), [p, s], [/x0: array<vec4<f32>>/, /x1: array<f32>/]],
    ['iota', (x) => x.reshape([8192]).add(np.arange(8192).astype('float32').mul(1e-3)), [p], [/vec4/]],
    ['bool, int and uint outputs', (x) => [x.gt(0), x.mul(100).astype('int32').mul(-3), x.abs().mul(50).astype('uint32')], [p], [/y0: array<vec4<u32>>/, /y1: array<vec4<i32>>/]],
    ['integer inputs', (x) => x.mul(7).add(x.square()), [onCpu(() => np.arange(8192).astype('int32').reshape([64, 128]))], [/x0: array<vec4<i32>>/]],
  ];
  for (const [name, f, args, patterns] of cases) {
    const text = jit(f).lower(...args.map(toGpu)).compiledText();
    for (const re of patterns) assert.match(text, re, `${name}:\n${text}`);
    const got = asList(jit(f)(...args.map(toGpu))), want = asList(onCpu(() => f(...args)));
    for (const [k, w] of want.entries()) await assertClose(got[k]!, w, F32, `${name}, output ${k}`);
  }
  // Written in place over a donated argument, read and written as vec4 through one binding.
  const step = jit((x: NDArray, b: NDArray) => x.mul(0.5).add(b), { donateArgnums: 0 });
  const x = toGpu(p);
  const text = step.lower(x, toGpu(q)).compiledText();
  assert.match(text, /written in place/);
  assert.match(text, /y0: array<vec4<f32>>/);
  await assertClose(step(x, toGpu(q)), onCpu(() => p.mul(0.5).add(q)), F32, 'donated');
  // Not a multiple of four, or short: one element at a time.
  assert.not.match(jit((y: NDArray) => y.exp()).lower(toGpu(normal(33, [4099]))).compiledText(), /vec4/);
  assert.not.match(jit((y: NDArray) => y.exp()).lower(toGpu(normal(34, [64]))).compiledText(), /vec4/);
});

gpuTest('lower(...).compile() builds the pipelines ahead of the first call, without blocking', async () => {
  const f = jit((x: NDArray, b: NDArray) => np.tanh(x.matmul(x.T).add(b)).sum({ axis: 0 }).mul(0.37));
  const x = toGpu(normal(40, [9, 13])), b = toGpu(normal(41, [9]));
  const lowered = f.lower(x, b);
  const before = memoryStats().pipelines;
  const pending = lowered.compile();
  assert.ok(pending instanceof Promise);
  await pending;
  const built = memoryStats().pipelines - before;
  assert.is(built, dispatches(lowered.compiledText()), 'one pipeline per dispatch, built by compile()');
  const out = f(x, b);
  assert.is(memoryStats().pipelines - before, built, 'the call built nothing more');
  await assertClose(out, onCpu(() => np.tanh(normal(40, [9, 13]).matmul(normal(40, [9, 13]).T).add(normal(41, [9]))).sum({ axis: 0 }).mul(0.37)), { rtol: 1e-5, atol: 1e-5 }, 'value');
  // On the CPU there is nothing to build on a device: it resolves once the program is generated.
  await onCpu(() => f.lower(normal(40, [9, 13]), normal(41, [9])).compile());
});

gpuTest('reductions fuse their prologue and epilogue; softmax is four dispatches', async () => {
  const a = normal(2, [50, 30]), b = normal(3, [50, 30]);
  const sse = (p: NDArray, q: NDArray) => p.sub(q).square().sum();
  assert.is(dispatches(jit(sse).lower(toGpu(a), toGpu(b)).compiledText()), 1);
  await assertClose(jit(sse)(toGpu(a), toGpu(b)), onCpu(() => sse(a, b)), { rtol: 1e-5, atol: 1e-4 }, 'sse');
  const softmax = (x: NDArray) => { const e = np.exp(x.sub(x.max({ axis: -1, keepdims: true }))); return e.div(e.sum({ axis: -1, keepdims: true })); };
  // max, exp(x - max) (read twice, so kept), its sum, the division.
  const text = jit(softmax).lower(toGpu(a)).compiledText();
  assert.is(dispatches(text), 4, text);
  await assertClose(jit(softmax)(toGpu(a)), onCpu(() => softmax(a)), F32, 'softmax');
  const mean = (x: NDArray) => x.mean({ axis: -1 }).mul(3).add(1);
  assert.match(jit(mean).lower(toGpu(a)).compiledText(), /with epilogue/);
  await assertClose(jit(mean)(toGpu(a)), onCpu(() => mean(a)), F32, 'mean');
  // Long reductions share a workgroup per output; reductions over leading axes read strided.
  const long = normal(4, [3, 5000]);
  const center = (x: NDArray) => x.sub(x.mean({ axis: 1, keepdims: true })).square().sum({ axis: 1 });
  await assertClose(jit(center)(toGpu(long)), onCpu(() => center(long)), { rtol: 1e-4, atol: 1e-3 }, 'long rows');
  const cols = (x: NDArray) => x.exp().sum({ axis: 0 }).log();
  await assertClose(jit(cols)(toGpu(a)), onCpu(() => cols(a)), F32, 'column sums');
});

gpuTest('movement fuses as index arithmetic: broadcasts, transposes, reshapes, iota', async () => {
  const x = normal(4, [6, 8]), b = normal(5, [8]);
  const cases = movementFusionCases(x, b);
  for (const [name, f, args] of cases) {
    const got = asList(jit(f)(...args.map(toGpu))), want = asList(onCpu(() => f(...args)));
    for (const [k, w] of want.entries()) await assertClose(got[k]!, w, F32, name);
  }
});

gpuTest('a dense layer: bias and relu run inside the matmul shader', async () => {
  const x = normal(14, [8, 5]), w = normal(15, [5, 6]), b = normal(16, [6]);
  const dense = (p: NDArray, q: NDArray, r: NDArray) => np.maximum(p.matmul(q).add(r), 0);
  const text = jit(dense).lower(toGpu(x), toGpu(w), toGpu(b)).compiledText();
  assert.is(dispatches(text), 1, text);
  assert.match(text, /dot_general .* with epilogue/);
  await assertClose(jit(dense)(toGpu(x), toGpu(w), toGpu(b)), onCpu(() => dense(x, w, b)), F32, 'value');
  // Transposed operands, and a product read by a later step as well as by its epilogue.
  const g = (p: NDArray, q: NDArray) => { const m = p.T.matmul(q); return [np.tanh(m), m.sum({ axis: 0 })]; };
  const [p, q] = [normal(17, [40, 24]), normal(18, [40, 36])];
  const got = jit(g)(toGpu(p), toGpu(q)) as NDArray[], want = onCpu(() => g(p, q)) as NDArray[];
  for (const [k, w2] of want.entries()) await assertClose(got[k]!, w2, { rtol: 1e-5, atol: 1e-5 }, `output ${k}`);
});

gpuTest('fusions only a GPU makes: any reduction takes an epilogue that reads anywhere; batched matmul epilogues', async () => {
  // One invocation (or workgroup) finishes each output element, so unlike the CPU's loop order a
  // reduction over leading or middle axes takes an epilogue, and the epilogue may read other
  // buffers at any index (here transposed).
  const cases: [string, (...xs: NDArray[]) => NDArray, NDArray[]][] = [
    ['an epilogue reading a transposed buffer', (x, c) => x.sum({ axis: 2 }).add(c.T), [normal(1, [6, 6, 50]), normal(2, [6, 6])]],
    ['a workgroup-per-output reduction with an epilogue', (x, b) => x.sum({ axis: 1 }).mul(b).exp(), [normal(3, [4, 3000]), normal(4, [4])]],
    ['a middle-axis max with an epilogue', (x, b) => x.max({ axis: 1 }).sub(b).square(), [normal(6, [5, 40, 6]), normal(7, [5, 6])]],
    ['a leading-axis sum with an epilogue', (x, b) => x.sum({ axis: 0 }).mul(b).add(1), [normal(8, [300, 7]), normal(9, [7])]],
    ['argmax with an epilogue', (x) => x.argmax({ axis: 1 }).mul(3).add(1), [normal(5, [7, 9])]],
    ['a matmul epilogue reading a transposed buffer', (a, b, c) => a.matmul(b).add(c.T).tanh(), [normal(10, [20, 30]), normal(11, [30, 20]), normal(12, [20, 20])]],
    ['a batched matmul epilogue', (a, b, c) => lax.dotGeneral(a, b, { contracting: [[2], [1]], batch: [[0], [0]] }).mul(c), [normal(13, [3, 5, 7]), normal(14, [3, 7, 4]), normal(15, [3, 5, 4])]],
  ];
  for (const [name, f, args] of cases) {
    const text = jit(f).lower(...args.map(toGpu)).compiledText();
    assert.is(dispatches(text), 1, `${name}:\n${text}`);
    await assertClose(jit(f)(...args.map(toGpu)), onCpu(() => f(...args)), { rtol: 1e-4, atol: 1e-5 }, name);
  }
});

gpuTest('more inputs than a shader may bind are split across dispatches', async () => {
  const xs = Array.from({ length: 24 }, (_, k) => normal(100 + k, [5, 7]));
  const f = (...ys: NDArray[]) => ys.reduce((acc, y, k) => acc.add(y.mul(k + 1)));
  await assertClose(jit(f)(...xs.map(toGpu)), onCpu(() => f(...xs)), { rtol: 1e-5, atol: 1e-5 }, 'sum of 24');
});

gpuTest('customVjp and nested jit inline into the program; kernels with literal operands', async () => {
  // A fresh inner jit per backend: a jitted function keeps the constants of its first trace.
  const make = () => {
    const relu = customVjp((v: NDArray) => v.clip(0, null)).defVjp((v: NDArray) => [v.clip(0, null), v], (v: NDArray, g: NDArray) => [np.where(v.lt(0), 0, g)]);
    const inner = jit((v: NDArray) => v.mul(3));
    return (v: NDArray) => inner(relu(v.sub(0.5)));
  };
  const f = make();
  const x = normal(9, [10]);
  const text = jit(f).lower(toGpu(x)).compiledText();
  assert.not.match(text, /interpreted/);
  assert.is(dispatches(text), 1, text);
  await assertClose(jit(f)(toGpu(x)), onCpu(() => make()(x)), F32, 'value');
  const padded = (p: NDArray) => lax.pad(p, lax.scalar(-1, 'float32'), [[1, 1, 0], [0, 2, 1]]);
  const y = normal(19, [4, 3]);
  await assertClose(jit(padded)(toGpu(y)), onCpu(() => padded(y)), F32, 'pad');
  const lit = jit((p: NDArray) => [p.add(1), np.add(2, 3)]);
  const [, five] = lit(toGpu(y)) as NDArray[];
  assert.equal([await five!.item(), five!.dtype, (five as ConcreteArray).device], [5, 'int32', 'webgpu']);
});

gpuTest('a call the compiler cannot see into runs through the interpreter between two submits', async () => {
  // Staging records a custom call's body, which the compiler inlines; without it the call stays an
  // equation, run eagerly in the middle of the program (what is recorded before it is submitted first).
  const softplus = customJvp((v: NDArray) => np.log1p(np.exp(v))).defJvp(([v], [t]) => [np.log1p(np.exp(v as NDArray)), (t as NDArray).mul(0.5)]);
  const f = (v: NDArray) => softplus(v.mul(2)).add(v);
  const x = normal(21, [3, 5]);
  const traced = makeJaxpr(f)(toGpu(x));
  const eqns = traced.jaxpr.eqns.map((e) => (e.primitive === 'custom_jvp_call' ? { ...e, params: { ...(e.params as Params<'custom_jvp_call'>), jaxpr: undefined } } : e));
  const opaque = new ClosedJaxpr(new Jaxpr([], [...traced.jaxpr.constvars, ...traced.jaxpr.invars], eqns, traced.jaxpr.outs), []);
  const exe = compileJaxpr(opaque, opaque.jaxpr.invars.map(() => false));
  assert.match(exe.text, /interpreted \(the queued work is submitted first\): .* = custom_jvp_call/);
  const inputs = [...traced.consts, toGpu(x)].map((a) => (a as ConcreteArray).buffer);
  const [out] = exe.run(inputs);
  const got = new ConcreteArray(traced.outAvals[0]!, out!, (toGpu(x) as ConcreteArray).backend);
  await assertClose(got, onCpu(() => f(x)), F32, 'value');
});

gpuTest('random programs: jit on webgpu agrees with the CPU', async () => {
  // As in test/jit-compile.test.ts: a seeded generator composes programs from a pool of values,
  // so values are shared, chains fuse, and movement, reductions and kernels interleave.
  let seed = 4242;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const OPS: ((a: NDArray) => NDArray)[] = [
    (a) => np.tanh(a), (a) => np.exp(a.mul(0.3)), (a) => a.neg(), (a) => np.sqrt(np.abs(a)), (a) => a.mul(a), (a) => a.add(1.5),
    (a) => np.where(a.gt(0), a, a.mul(0.1)), (a) => a.T, (a) => a.reshape([a.size]),
    (a) => (a.ndim >= 2 ? a.sum({ axis: pick([0, a.ndim - 1]), keepdims: rnd() < 0.5 }) : a.sum()),
    (a) => (a.ndim >= 2 ? a.max({ axis: 0 }) : a.min()), (a) => (a.ndim >= 1 ? a.argmax({ axis: a.ndim - 1 }).astype('float32') : a),
    (a) => a.mul(4).astype('int32').mul(3).astype('float32'),
    (a) => (a.ndim >= 1 ? np.concatenate([a, a], 0) : a), (a) => (a.ndim >= 1 && a.shape[0]! > 1 ? a.get('1:') : a),
    (a) => (a.ndim === 2 ? a.matmul(a.T) : a), (a) => (a.ndim >= 1 ? a.sub(a.mean({ axis: -1, keepdims: true })) : a),
    (a) => (a.ndim >= 1 ? a.add(np.arange(a.shape[a.ndim - 1]!).astype('float32')) : a),
    (a) => (a.ndim === 2 ? a.T.reshape([-1]).mul(2) : a), (a) => (a.ndim === 3 ? a.transpose([1, 0, 2]).reshape([a.shape[1]!, -1]) : a),
  ];
  const SHAPES = [[3, 4], [4, 3], [2, 3, 4], [12], [1, 4], [3, 1], [], [2, 1, 3]];
  for (let prog = 0; prog < 40; prog++) {
    const shape = pick(SHAPES), progSeed = seed;
    const body = (x: NDArray, y: NDArray): NDArray[] => {
      seed = progSeed; // the same program when traced and when run on the CPU
      const pool = [x, y];
      for (let i = 0, n = 2 + Math.floor(rnd() * 6); i < n; i++) pool.push(pick(OPS)(pick(pool)));
      return [pool[pool.length - 1]!, pick(pool), pick(pool.slice(2))];
    };
    const x = normal(100 + prog, shape), y = normal(400 + prog, shape);
    const want = onCpu(() => body(x, y)), next = seed;
    const got = jit(body)(toGpu(x), toGpu(y));
    // Float32 on both sides, but the CPU sums in float64 and rounds differently inside transcendentals.
    for (const [k, w] of want.entries()) await assertClose(got[k]!, w, { rtol: 1e-4, atol: 1e-4 }, `program ${prog}, output ${k}`);
    seed = next;
  }
});

// ---- 3. the two-layer training step ---------------------------------------------------------------------
const [N, D_in, H, D_out] = [16, 64, 32, 10];
const lr = 1e-3;
const loss = (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum();
const lossAndGrads = valueAndGrad(loss, { argnums: [0, 1] }) as unknown as (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => [NDArray, [NDArray, NDArray]];
function step(w1: NDArray, w2: NDArray, x: NDArray, y: NDArray): [NDArray, NDArray, NDArray] {
  const [l, [g1, g2]] = lossAndGrads(w1, w2, x, y);
  return [w1.sub(g1.mul(lr)), w2.sub(g2.mul(lr)), l];
}
const data = () => onCpu(() => ({ x: normal(10, [N, D_in]), y: normal(11, [N, D_out]), w1: normal(12, [D_in, H]).mul(0.1), w2: normal(13, [H, D_out]).mul(0.1) }));

gpuTest('the two-layer training step jitted on webgpu matches the CPU over 5 steps', async () => {
  const { x, y, w1, w2 } = data();
  const cpuStep = jit(step), gpuStep = jit(step, { donateArgnums: [0, 1] });
  let [c1, c2] = [w1, w2], [g1, g2] = [toGpu(w1), toGpu(w2)];
  const [gx, gy] = [toGpu(x), toGpu(y)];
  for (let t = 0; t < 5; t++) {
    const [n1, n2, lc] = onCpu(() => cpuStep(c1, c2, x, y));
    const [m1, m2, lg] = gpuStep(g1, g2, gx, gy);
    const a = await lc.item(), b = await lg.item();
    assert.ok(Math.abs(a - b) <= 1e-4 * Math.abs(a), `step ${t}: cpu loss ${a}, webgpu ${b}`);
    [c1, c2, g1, g2] = [n1, n2, m1, m2];
  }
  await assertClose(g1, c1, { rtol: 1e-4, atol: 1e-5 }, 'w1 after 5 steps');
  await assertClose(g2, c2, { rtol: 1e-4, atol: 1e-5 }, 'w2 after 5 steps');
  const text = gpuStep.lower(g1, g2, gx, gy).compiledText();
  assert.match(text, /with epilogue/, 'the update or activation runs inside a matmul');
  assert.match(text, /one command encoder, one submit/);
});

// ---- 4. donation -------------------------------------------------------------------------------------------
const gpuOf = (a: NDArray) => ((a as ConcreteArray).buffer as GpuBuffer).gpu;

gpuTest('donated weights are written in place and cannot be used afterwards', async () => {
  const { x, y, w1, w2 } = data();
  const [want1, want2, wantLoss] = onCpu(() => step(w1, w2, x, y));
  const [d1, d2, gx, gy] = [toGpu(w1), toGpu(w2), toGpu(x), toGpu(y)];
  const mem1 = gpuOf(d1), mem2 = gpuOf(d2);
  const [n1, n2, l] = jit(step, { donateArgnums: [0, 1] })(d1, d2, gx, gy);
  await assertClose(n1, want1, { rtol: 1e-4, atol: 1e-5 }, 'w1');
  await assertClose(n2, want2, { rtol: 1e-4, atol: 1e-5 }, 'w2');
  await assertClose(l, wantLoss, { rtol: 1e-4, atol: 1e-4 }, 'loss');
  assert.is(gpuOf(n1), mem1, 'w1 - lr·g1 is written into w1');
  assert.is(gpuOf(n2), mem2, 'w2 - lr·g2 is written into w2');
  assert.throws(() => d1.add(1), /disposed \(or donated\)/);
  assert.ok(!(gx as ConcreteArray).isDisposed, 'arguments that are not donated stay usable');
  // The donated handle is dead, the new one owns the memory: disposing the old one frees nothing.
  const before = memoryStats().liveBuffers;
  (d1 as ConcreteArray).dispose();
  assert.is(memoryStats().liveBuffers, before);
  assert.is((await n1.data()).length, D_in * H);
});

gpuTest('a donated input that is also another argument is copied before it is written', async () => {
  const f = jit((a: NDArray, b: NDArray) => a.add(1).mul(b), { donateArgnums: 0 });
  const x = np.array([1, 2, 3]);
  assert.match(f.lower(x, x).compiledText(), /fused loop/);
  const out = f(x, x);
  assert.equal(Array.from(await out.data()), [2, 6, 12], 'b is read as it was, not as a + 1');
  assert.ok((x as ConcreteArray).isDisposed, 'the donated argument is consumed');
});

gpuTest('outputs never share buffers with inputs or with each other', async () => {
  const x = toGpu(normal(8, [3, 4]));
  const outs = jit((p: NDArray) => [p, p.reshape([12]), p.mul(2), p.mul(2)])(x) as NDArray[];
  const mems = [x, ...outs].map(gpuOf);
  assert.is(new Set(mems).size, mems.length);
  assert.equal(Array.from(await outs[1]!.data()), Array.from(await x.data()));
});

// ---- 5. buffers are pooled across calls ------------------------------------------------------------------
gpuTest('a jitted training loop stops allocating after the first call', async () => {
  const { x, y } = data();
  let { w1, w2 } = data();
  [w1, w2] = [toGpu(w1), toGpu(w2)];
  const [gx, gy] = [toGpu(x), toGpu(y)];
  const jstep = jit(step, { donateArgnums: [0, 1] });
  const counts: number[] = [];
  for (let t = 0; t < 30; t++) {
    [w1, w2] = jstep(w1, w2, gx, gy);
    counts.push(compiledPoolStats().allocations);
  }
  await w2.data();
  assert.ok(compiledPoolStats().reuses > 0, 'later calls reuse pooled buffers');
  assert.is(counts[29], counts[1], `pool allocations grew after warm-up: ${counts.slice(0, 4).join(', ')} … ${counts[29]}`);
});

test.run();
