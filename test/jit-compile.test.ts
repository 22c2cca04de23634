// Tests of jit's compiled CPU path: bitwise agreement with eager, real fusion, donation, pooling.
//
// Every primitive-table row agrees bit for bit with eager (also with movement fused around it),
// fusion is real (one loop for an elementwise chain), reductions, epilogues and movement fuse
// exactly, random programs agree, the two-layer training step, donation, and buffer pooling.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { np, jit, grad, random, lax, customVjp } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { ConcreteArray, concreteFromTyped } from '../src/core/array.js';
import { allocTyped } from '../src/core/dtype.js';
import { bind } from '../src/core/interpreter.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive, Params } from '../src/core/primitives.js';
import { compiledPoolStats } from '../src/backends/cpu/compile/index.js';
import { wasmLoopsAvailable } from '../src/backends/cpu/wasm/loops.js';
import { isElementwise } from '../src/backends/elementwise.js';
import { ArraySpec, flatValues, PRIMITIVE_CASES, specStorage } from './helpers/primitive-cases.js';
import { movementFusionCases } from './helpers/fusion-cases.js';

function toArray(s: ArraySpec): ConcreteArray {
  return concreteFromTyped(specStorage(s), new ShapedArray(s.shape, s.dtype));
}

/** Bitwise agreement as numbers: Object.is, so NaN equals NaN and -0 differs from 0. */
function assertSame(got: NDArray, want: NDArray, what: string): void {
  assert.equal([...got.shape], [...want.shape], `${what}: shape`);
  assert.is(got.dtype, want.dtype, `${what}: dtype`);
  const a = got.dataSync(), b = want.dataSync();
  for (let i = 0; i < b.length; i++) {
    if (!Object.is(a[i], b[i])) assert.unreachable(`${what}: element ${i} is ${a[i]} under jit, ${b[i]} eagerly`);
  }
}
const asList = (r: NDArray | NDArray[]): NDArray[] => (Array.isArray(r) ? r : [r]);

/** Reverses the axes: read through index arithmetic when fused. */
const flip = (x: NDArray) => lax.transpose(x, x.shape.map((_, i) => x.ndim - 1 - i));

// ---- 1. every primitive-table row: jit agrees with eager ---------------------------------------------
type Row = (typeof PRIMITIVE_CASES)[ArrayPrimitive][number];
const REDUCTIONS = new Set<string>(['reduce_sum', 'reduce_max', 'reduce_min', 'reduce_prod', 'argmax', 'argmin']);

for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as Row[]) {
    test(`jit = eager: ${prim}: ${c.name}`, () => {
      const f = (...xs: NDArray[]) => bind(prim, xs, c.params as Params<typeof prim>);
      const eager = f(...c.inputs.map(toArray));
      const jitted = jit(f)(...c.inputs.map(toArray));
      eager.forEach((e, k) => assertSame(jitted[k]!, e, `output ${k}`));
    });
    // The same row with movement fused around it: operands read through reversed axes, the
    // result reversed back (elementwise), or the reduction reading a transposed input.
    if (isElementwise(prim) && c.inputs.some((s) => s.shape.length >= 2)) {
      test(`jit = eager with fused transposes: ${prim}: ${c.name}`, () => {
        const f = (...xs: NDArray[]) => flip(bind(prim, xs.map(flip), c.params as Params<typeof prim>)[0]!);
        assertSame(jit(f)(...c.inputs.map(toArray)), f(...c.inputs.map(toArray)), 'output');
      });
    }
    if (REDUCTIONS.has(prim) && c.inputs[0]!.shape.length >= 2) {
      test(`jit = eager with a fused prologue: ${prim}: ${c.name}`, () => {
        const nd = c.inputs[0]!.shape.length;
        const p = c.params as { axes?: readonly number[]; axis?: number };
        const params = p.axes ? { axes: p.axes.map((a) => nd - 1 - a) } : { ...p, axis: nd - 1 - p.axis! };
        const f = (x: NDArray) => bind(prim, [flip(x)], params as Params<typeof prim>)[0]!;
        assertSame(jit(f)(toArray(c.inputs[0]!)), f(toArray(c.inputs[0]!)), 'output');
      });
    }
  }
}

// ---- 2. fusion is real -------------------------------------------------------------------------------
const normal = (seed: number, shape: number[], dtype: 'float32' | 'float64' = 'float32') =>
  np.astype(random.normal(random.key(seed), shape), dtype);

test('tanh(x)*2 + exp(-x*x) is one loop with no intermediate arrays, bitwise equal to eager', () => {
  const f = (x: NDArray) => np.tanh(x).mul(2).add(np.exp(x.neg().mul(x)));
  // float64: one generated JS loop calling the float64 functions.
  const x64 = normal(1, [37, 53], 'float64');
  const text64 = jit(f).lower(x64).compiledText();
  assert.is((text64.match(/\bfor \(/g) ?? []).length, 1, `one loop:\n${text64}`);
  assert.is((text64.match(/new Float64Array/g) ?? []).length, 1, 'one allocation: the output');
  assert.not.match(text64, /K\./, 'no kernel calls');
  assert.match(text64, /Math\.tanh/);
  assert.match(text64, /Math\.exp/);
  assertSame(jit(f)(x64), f(x64), 'float64 value');
  // float32: one WASM SIMD loop (where the engine has SIMD), else one JS loop calling the float32 library.
  const x = normal(1, [37, 53]);
  const text = jit(f).lower(x).compiledText();
  assert.is((text.match(/new Float32Array/g) ?? []).length, 1, 'one allocation: the output');
  assert.not.match(text, /K\./, 'no kernel calls');
  if (wasmLoopsAvailable) {
    assert.is((text.match(/W\[\d+\]\.run\(/g) ?? []).length, 1, `one WASM loop:\n${text}`);
    assert.not.match(text, /\bfor \(/);
  } else {
    assert.is((text.match(/\bfor \(/g) ?? []).length, 1, `one loop:\n${text}`);
    assert.match(text, /S\.f32\.tanh/);
  }
  assertSame(jit(f)(x), f(x), 'value');
});

test('sum(square(a - b)) is one pass; softmax fuses its reductions, broadcasts and epilogue', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const a = normal(2, [50, 30], dtype), b = normal(3, [50, 30], dtype);
    const sse = (p: NDArray, q: NDArray) => p.sub(q).square().sum();
    const sseText = jit(sse).lower(a, b).compiledText();
    assert.is((sseText.match(/\bfor \(/g) ?? []).length, 1, sseText);
    assertSame(jit(sse)(a, b), sse(a, b), `sse ${dtype}`);

    const softmax = (x: NDArray) => { const e = np.exp(x.sub(x.max({ axis: -1, keepdims: true }))); return e.div(e.sum({ axis: -1, keepdims: true })); };
    assertSame(jit(softmax)(a), softmax(a), `softmax ${dtype}`);
    const mean = (x: NDArray) => x.mean({ axis: -1 }).mul(3).add(1);
    const meanText = jit(mean).lower(a).compiledText();
    assert.match(meanText, /with epilogue/, 'the mean divides and scales inside the reduction');
    assertSame(jit(mean)(a), mean(a), `mean ${dtype}`);
    // Reductions over leading axes fold into an accumulator array (float64 for float32), then broadcast back.
    const center = (x: NDArray) => x.sub(x.sum({ axis: 0, keepdims: true })).prod({ axis: 0 });
    assertSame(jit(center)(a), center(a), `column sums ${dtype}`);
  }
});

test('movement fuses as index arithmetic: broadcasts, transposes, reshapes, iota', () => {
  const x = normal(4, [6, 8]), b = normal(5, [8]);
  const cases = movementFusionCases(x, b);
  for (const [name, f, args] of cases) {
    const got = asList(jit(f)(...args)), want = asList(f(...args));
    want.forEach((w, k) => assertSame(got[k]!, w, name));
  }
});

test('a transposed matmul becomes a swapped matmul with the same numbers', () => {
  for (const [m, k, n] of [[5, 300, 7], [33, 517, 40], [1, 300, 9]] as const) {
    const a = normal(6, [m, k]), c = normal(7, [k, n]);
    const f = (p: NDArray, q: NDArray) => p.matmul(q).T.mul(2);
    const text = jit(f).lower(a, c).compiledText();
    assert.match(text, /d = dot_general b a\b/, 'the operands are swapped');
    assert.not.match(text, /transpose/, 'no transpose is left');
    assertSame(jit(f)(a, c), f(a, c), `${m}×${k}×${n}`);
  }
});

test('a dense layer: bias and relu run as an epilogue pass written into the matmul result', () => {
  const x = normal(14, [8, 5]), w = normal(15, [5, 6]), b = normal(16, [6]);
  const dense = (p: NDArray, q: NDArray, r: NDArray) => np.maximum(p.matmul(q).add(r), 0);
  const text = jit(dense).lower(x, w, b).compiledText();
  assert.match(text, /const \$h = \$d; \/\/ written in place/, text);
  assert.not.match(text, /new Float32Array/, 'the output is the matmul result itself');
  assertSame(jit(dense)(x, w, b), dense(x, w, b), 'value');
});

test('intermediates whose lifetimes do not overlap share a pooled slot', () => {
  const x = normal(17, [8, 5]), w = normal(18, [5, 6]);
  const f = (p: NDArray, q: NDArray) => {
    const a = np.tanh(p); // read by two matmuls: materialised into a slot
    const s = a.matmul(q).sum().add(a.matmul(q.mul(2)).max());
    const b = np.sin(p); // `a` is dead by now: `b` takes its slot
    return s.add(b.matmul(q).sum().add(b.matmul(q.mul(3)).max()));
  };
  const text = jit(f).lower(x, w).compiledText();
  assert.is((text.match(/pool\.take\('float32', 40\)/g) ?? []).length, 1, text);
  assert.is((text.match(/= S0;/g) ?? []).length, 2, 'two values live in slot 0 one after the other');
  assertSame(jit(f)(x, w), f(x, w), 'value');
  // `a` is still read (transposed) by the loop that makes `b`: they must not share a slot.
  const g = (p: NDArray, q: NDArray) => { const a = np.tanh(p); const m = a.matmul(q); const b = a.T.mul(m); return b.matmul(m); };
  const sq = normal(22, [12, 12]);
  assertSame(jit(g)(sq, sq), g(sq, sq), 'a slot read by the step that fills another');
});

test('literal outputs, kernels with literal operands, and the PRNG under jit', () => {
  const x = normal(19, [4, 3]);
  const lit = jit((p: NDArray) => [p.add(1), np.add(2, 3)]);
  const [, five] = lit(x) as NDArray[];
  assert.equal([five!.itemSync(), five!.dtype], [5, 'int32']);
  const padded = (p: NDArray) => lax.pad(p, lax.scalar(-1, 'float32'), [[1, 1, 0], [0, 2, 1]]);
  assert.match(jit(padded).lower(x).compiledText(), /K\.pad\(\[\$a, C\[0\]\]/);
  assertSame(jit(padded)(x), padded(x), 'pad');
  const sample = (k: NDArray) => [random.normal(k, [500]), random.uniform(random.split(k, 2).get(1), [3, 7])];
  const got = jit(sample)(random.key(3)) as NDArray[], want = sample(random.key(3)) as NDArray[];
  want.forEach((w, k) => assertSame(got[k]!, w, `sample ${k}`));
});

test('random programs: jit agrees with eager bit for bit', () => {
  // A seeded generator composes programs from a pool of values, so values are shared (several
  // consumers), chains fuse, and movement, reductions and kernels interleave.
  let seed = 12345;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const OPS: ((a: NDArray) => NDArray)[] = [
    (a) => np.tanh(a), (a) => np.exp(a.mul(0.3)), (a) => a.neg(), (a) => np.sqrt(np.abs(a)), (a) => a.mul(a), (a) => a.add(1.5),
    (a) => np.where(a.gt(0), a, a.mul(0.1)), (a) => a.T, (a) => a.reshape([a.size]),
    (a) => (a.ndim >= 2 ? a.sum({ axis: pick([0, a.ndim - 1]), keepdims: rnd() < 0.5 }) : a.sum()),
    (a) => (a.ndim >= 2 ? a.max({ axis: 0 }) : a.min()), (a) => (a.ndim >= 1 ? a.argmax({ axis: a.ndim - 1 }).astype('float32') : a),
    (a) => a.astype('int32').mul(3).astype('float32'), (a) => a.astype('float64').mul(1.1).astype('float32'),
    (a) => (a.ndim >= 1 ? np.concatenate([a, a], 0) : a), (a) => (a.ndim >= 1 && a.shape[0]! > 1 ? a.get('1:') : a),
    (a) => (a.ndim === 2 ? a.matmul(a.T) : a), (a) => (a.ndim >= 1 ? a.sub(a.mean({ axis: -1, keepdims: true })) : a),
    (a) => (a.ndim >= 1 ? a.add(np.arange(a.shape[a.ndim - 1]!).astype('float32')) : a),
    (a) => (a.ndim === 2 ? a.T.reshape([-1]).mul(2) : a), (a) => (a.ndim === 3 ? a.transpose([1, 0, 2]).reshape([a.shape[1]!, -1]) : a),
    (a) => (a.ndim >= 2 ? a.prod({ axis: 0 }) : a),
  ];
  const SHAPES = [[3, 4], [4, 3], [2, 3, 4], [12], [1, 4], [3, 1], [], [2, 1, 3]];
  for (let prog = 0; prog < 150; prog++) {
    const shape = pick(SHAPES), progSeed = seed;
    const body = (x: NDArray, y: NDArray): NDArray[] => {
      seed = progSeed; // the same program when traced and when run eagerly
      const pool = [x, y];
      for (let i = 0, n = 2 + Math.floor(rnd() * 8); i < n; i++) pool.push(pick(OPS)(pick(pool)));
      return [pool[pool.length - 1]!, pick(pool), pick(pool.slice(2))];
    };
    const x = normal(100 + prog, shape), y = normal(400 + prog, shape);
    const want = body(x, y), next = seed;
    const got = jit(body)(x, y);
    want.forEach((w, k) => assertSame(got[k]!, w, `program ${prog}, output ${k}`));
    seed = next;
  }
});

test('a buffer read across its elements is never overwritten in place', () => {
  // d dies in the loop computing dᵀ·d, and w is donated: both are read transposed, so neither may
  // be written while the loop still needs their other elements.
  const p = normal(20, [16, 16]), q = normal(21, [16, 16]);
  const f = (a: NDArray, b: NDArray) => { const d = a.matmul(b); return d.T.mul(d).add(1); };
  assert.not.match(jit(f).lower(p, q).compiledText(), /in place/);
  assertSame(jit(f)(p, q), f(p, q), 'dᵀ·d');
  const g = (w: NDArray) => w.T.mul(w).sub(w);
  const want = g(p);
  assertSame(jit(g, { donateArgnums: 0 })(np.add(p, 0)), want, 'donated wᵀ·w - w');
});

test('outputs never share memory with inputs or with each other', () => {
  const x = normal(8, [3, 4]);
  const f = (p: NDArray) => [p, p.reshape([12]), p.mul(2), p.mul(2)];
  const outs = jit(f)(x) as NDArray[];
  const mems = [x, ...outs].map((o) => o.dataSync());
  for (let i = 0; i < mems.length; i++) for (let j = i + 1; j < mems.length; j++) assert.is.not(mems[i]!.buffer, mems[j]!.buffer, `${i} and ${j}`);
  asList(f(x)).forEach((w, k) => assertSame(outs[k]!, w, `output ${k}`));
});

test('higher-order primitives inside a compiled program run through the interpreter', () => {
  const relu = customVjp((v: NDArray) => v.clip(0, null)).defVjp((v: NDArray) => [v.clip(0, null), v], (v: NDArray, g: NDArray) => [np.where(v.lt(0), 0, g)]);
  const f = (v: NDArray) => relu(v.sub(0.5)).mul(3);
  const x = normal(9, [10]);
  assertSame(jit(f)(x), f(x), 'value');
  // A custom function that returns its argument: the result must survive the donated argument being overwritten.
  const ident = customVjp((v: NDArray) => v).defVjp((v: NDArray) => [v, v], (_v: NDArray, g: NDArray) => [g]);
  const [y, w1] = jit((w: NDArray) => [ident(w), w.sub(1)], { donateArgnums: 0 })(np.array([5, 6])) as NDArray[];
  assert.equal([Array.from(y!.dataSync()), Array.from(w1!.dataSync())], [[5, 6], [4, 5]]);
});

// ---- 3. the two-layer training step --------------------------------------------------------------------
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const lr = 1e-6;
const loss = (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => np.maximum(x.matmul(w1), 0).matmul(w2).sub(y).square().sum();
const gradLoss = grad(loss, { argnums: [0, 1] }) as unknown as (w1: NDArray, w2: NDArray, x: NDArray, y: NDArray) => [NDArray, NDArray];
function step(w1: NDArray, w2: NDArray, x: NDArray, y: NDArray): [NDArray, NDArray, NDArray] {
  const [g1, g2] = gradLoss(w1, w2, x, y);
  return [w1.sub(g1.mul(lr)), w2.sub(g2.mul(lr)), loss(w1, w2, x, y)];
}
const data = () => ({ x: normal(10, [N, D_in]), y: normal(11, [N, D_out]), w1: normal(12, [D_in, H]), w2: normal(13, [H, D_out]) });

test('the two-layer training step: jitted losses match eager over 5 steps', () => {
  const { x, y, w1, w2 } = data();
  const jstep = jit(step);
  let [e1, e2] = [w1, w2], [j1, j2] = [w1, w2];
  for (let t = 0; t < 5; t++) {
    const [n1, n2, le] = step(e1, e2, x, y);
    const [m1, m2, lj] = jstep(j1, j2, x, y);
    const a = le.itemSync(), b = lj.itemSync();
    assert.ok(Math.abs(a - b) <= 1e-5 * Math.abs(a), `step ${t}: eager loss ${a}, jitted ${b}`);
    [e1, e2, j1, j2] = [n1, n2, m1, m2];
  }
  assert.ok(e1 !== w1 && jstep.cacheSize === 1);
});

// ---- 4. donation ----------------------------------------------------------------------------------
test('donated weights are updated in place and cannot be used afterwards', () => {
  const { x, y, w1, w2 } = data();
  const [want1, want2, wantLoss] = step(w1, w2, x, y);
  const jstep = jit(step, { donateArgnums: [0, 1] });
  const mem1 = w1.dataSync(), mem2 = w2.dataSync();
  const [n1, n2, l] = jstep(w1, w2, x, y);
  assertSame(n1, want1, 'w1');
  assertSame(n2, want2, 'w2');
  assertSame(l, wantLoss, 'loss');
  assert.is(n1.dataSync(), mem1, 'w1 - lr·g1 is written into w1');
  assert.is(n2.dataSync(), mem2, 'w2 - lr·g2 is written into w2');
  assert.throws(() => w1.dataSync(), /disposed \(or donated\)/);
  assert.throws(() => w2.add(1), /disposed \(or donated\)/);
  assert.ok(!(x as ConcreteArray).isDisposed, 'arguments that are not donated stay usable');
});

test('a donated input that shares memory with another input is copied before it is written', () => {
  const f = jit((a: NDArray, b: NDArray) => a.add(1).mul(b), { donateArgnums: 0 });
  const x = np.array([1, 2, 3]);
  const alias = x.reshape([3]).add(0); // a different array…
  const same = new ConcreteArray(x.aval, (x as ConcreteArray).buffer, (x as ConcreteArray).backend); // …and one sharing x's memory
  const out = f(same, x);
  assert.equal(Array.from(out.dataSync()), [2, 6, 12]);
  assert.equal(Array.from(x.dataSync()), [1, 2, 3], 'the other input is untouched');
  assert.equal(Array.from(alias.dataSync()), [1, 2, 3]);
});

// ---- 5. buffers are pooled across calls ---------------------------------------------------------------
test('a jitted training loop stops allocating scratch after the first call', () => {
  const { x, y } = data();
  let { w1, w2 } = data();
  const jstep = jit(step, { donateArgnums: [0, 1] });
  const counts: number[] = [];
  for (let t = 0; t < 100; t++) {
    [w1, w2] = jstep(w1, w2, x, y);
    counts.push(compiledPoolStats().allocations);
  }
  assert.ok(counts[2]! > 0 || compiledPoolStats().reuses > 0, 'the step uses pooled scratch');
  assert.is(counts[99], counts[2], `pool allocations grew after warm-up: ${counts.slice(0, 5).join(', ')} … ${counts[99]}`);
  assert.ok(compiledPoolStats().reuses >= 99, 'later calls reuse the pooled arrays');
});

test.run();
