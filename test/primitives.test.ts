// Primitive tests on the CPU backend: every table row through `bind`, shape-rule errors, kernels vs naive loops.
// The blocked kernels (matmul, tiled transpose, reductions) are checked against the simplest loops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import '../src/index.js';
import { ShapedArray } from '../src/core/aval.js';
import { ConcreteArray, concreteFromTyped } from '../src/core/array.js';
import { allocTyped, DType, TypedArray } from '../src/core/dtype.js';
import { ShapeError } from '../src/core/errors.js';
import { bind } from '../src/core/interpreter.js';
import { ARRAY_PRIMITIVES, ArrayPrimitive, DotDimensionNumbers, Params } from '../src/core/primitives.js';
import { ArraySpec, flatValues, mismatch, PRIMITIVE_CASES, Tolerance, specStorage } from './helpers/primitive-cases.js';

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

function toArray(s: ArraySpec): ConcreteArray {
  return concreteFromTyped(specStorage(s), new ShapedArray(s.shape, s.dtype));
}
const fromTyped = (data: TypedArray, shape: readonly number[], dtype: DType) => concreteFromTyped(data, new ShapedArray(shape, dtype));

function apply<P extends ArrayPrimitive>(prim: P, args: ConcreteArray[], params: Params<P>): ConcreteArray[] {
  return bind(prim, args, params).map((o) => {
    if (!(o instanceof ConcreteArray)) throw new Error(`${prim} returned a non-concrete array`);
    return o;
  });
}


// ---- the table ----------------------------------------------------------------------------------
test('every array primitive has test rows', () => {
  for (const p of ARRAY_PRIMITIVES) assert.ok(PRIMITIVE_CASES[p].length > 0, `no rows for ${p}`);
});

for (const prim of ARRAY_PRIMITIVES) {
  for (const c of PRIMITIVE_CASES[prim] as PrimitiveCaseOf[]) {
    test(`${prim}: ${c.name}`, () => {
      const outs = apply(prim, c.inputs.map(toArray), c.params as Params<typeof prim>);
      assert.is(outs.length, c.expected.length, 'number of outputs');
      c.expected.forEach((e, k) => {
        const o = outs[k]!;
        assert.equal([...o.shape], [...e.shape], `output ${k} shape`);
        assert.is(o.dtype, e.dtype, `output ${k} dtype`);
        const bad = mismatch(o.dataSync(), flatValues(e), e.dtype, c.tol);
        if (bad) assert.unreachable(`output ${k}: ${bad}`);
      });
    });
  }
}
type PrimitiveCaseOf = (typeof PRIMITIVE_CASES)[ArrayPrimitive][number];

// ---- shape-rule errors ----------------------------------------------------------------------------
function throwsShapeError(f: () => unknown, ...words: string[]): void {
  try {
    f();
  } catch (e) {
    assert.instance(e, ShapeError);
    for (const w of words) assert.ok((e as Error).message.includes(w), `message "${(e as Error).message}" should mention ${w}`);
    return;
  }
  assert.unreachable('expected a ShapeError');
}
const zeros = (shape: number[], dtype: DType = 'float32') => fromTyped(allocTyped(dtype, sizeOf(shape)), shape, dtype);

test('add of different shapes is a ShapeError naming both', () => {
  throwsShapeError(() => apply('add', [zeros([2]), zeros([3])], {}), 'add', 'f32[2]', 'f32[3]');
});
test('reshape to a different size is a ShapeError naming both shapes', () => {
  throwsShapeError(() => apply('reshape', [zeros([2, 3])], { newSizes: [4] }), 'reshape', 'f32[2,3]', '[4]');
});
test('dot_general with mismatched contracting sizes is a ShapeError naming both', () => {
  const dn: DotDimensionNumbers = { contracting: [[1], [0]], batch: [[], []] };
  throwsShapeError(() => apply('dot_general', [zeros([2, 3]), zeros([4, 2])], { dimensionNumbers: dn }), 'dot_general', 'f32[2,3]', 'f32[4,2]');
});

// ---- the blocked kernels against naive loops ---------------------------------------------------------
/** A deterministic generator (xorshift32), so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s; };
}
/** Small integers in [-4, 4]: every float sum of their products is exact, so float results compare exactly. */
function smallInts(dtype: DType, n: number, next: () => number): TypedArray {
  const a = allocTyped(dtype, n);
  for (let i = 0; i < n; i++) a[i] = (next() % 9) - 4;
  return a;
}
function stridesOf(shape: readonly number[]): number[] {
  const s: number[] = [];
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]!; }
  return s;
}

/** C[b, m, n] = Σ_k A[b, m, k] B[b, k, n] with A, B laid out as their `ta`/`tb` flags say, in the simplest loops. */
function naiveMatmul(A: TypedArray, B: TypedArray, nb: number, M: number, K: number, N: number, ta: boolean, tb: boolean, int: boolean): number[] {
  const C: number[] = [];
  for (let b = 0; b < nb; b++) {
    for (let m = 0; m < M; m++) {
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const a = A[b * M * K + (ta ? k * M + m : m * K + k)]!, x = B[b * K * N + (tb ? n * K + k : k * N + n)]!;
          s = int ? (s + Math.imul(a, x)) | 0 : s + a * x;
        }
        C.push(s);
      }
    }
  }
  return C;
}

const EXACT = { rtol: 0, atol: 0 };
for (const [nb, M, K, N] of [[1, 67, 131, 45], [1, 130, 300, 1030], [3, 33, 70, 17], [2, 5, 9, 1], [2, 1, 9, 6]] as const) {
  for (const dtype of ['float64', 'float32', 'int32'] as const) {
    test(`dot_general ${dtype} ${nb}×${M}×${K}×${N} in all four transpositions matches naive loops`, () => {
      const next = rng(M * 7919 + K * 31 + N);
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const A = smallInts(dtype, nb * M * K, next), B = smallInts(dtype, nb * K * N, next);
          if (dtype === 'int32') { A[0] = 123456789; B[0] = 987654321; } // products past 2^32 must wrap
          const batch: [number[], number[]] = nb > 1 ? [[0], [0]] : [[], []];
          const o = nb > 1 ? 1 : 0;
          const lhs = fromTyped(A, nb > 1 ? [nb, ...(ta ? [K, M] : [M, K])] : ta ? [K, M] : [M, K], dtype);
          const rhs = fromTyped(B, nb > 1 ? [nb, ...(tb ? [N, K] : [K, N])] : tb ? [N, K] : [K, N], dtype);
          const dn: DotDimensionNumbers = { contracting: [[o + (ta ? 0 : 1)], [o + (tb ? 1 : 0)]], batch };
          const [C] = apply('dot_general', [lhs, rhs], { dimensionNumbers: dn });
          assert.equal([...C!.shape], nb > 1 ? [nb, M, N] : [M, N]);
          const bad = mismatch(C!.dataSync(), naiveMatmul(A, B, nb, M, K, N, ta, tb, dtype === 'int32'), dtype, EXACT);
          if (bad) assert.unreachable(`ta=${ta} tb=${tb}: ${bad}`);
        }
      }
    });
  }
}

test('dot_general uint32 wraps like int32 on a blocked size', () => {
  const next = rng(7);
  const M = 9, K = 300, N = 6;
  const A = new Uint32Array(M * K).map(() => next()), B = new Uint32Array(K * N).map(() => next());
  const [C] = apply('dot_general', [fromTyped(A, [M, K], 'uint32'), fromTyped(B, [K, N], 'uint32')], { dimensionNumbers: { contracting: [[1], [0]], batch: [[], []] } });
  const want = naiveMatmul(A, B, 1, M, K, N, false, false, true).map((v) => v >>> 0);
  const bad = mismatch(C!.dataSync(), want, 'uint32', EXACT);
  if (bad) assert.unreachable(bad);
});

/** out[i] = x[perm-mapped index], by unravelling every output index. */
function naiveTranspose(x: TypedArray, shape: readonly number[], perm: readonly number[]): number[] {
  const outShape = perm.map((p) => shape[p]!), xs = stridesOf(shape), os = stridesOf(outShape);
  const out: number[] = [];
  for (let i = 0; i < x.length; i++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++) src += Math.floor(i / os[d]!) % outShape[d]! * xs[perm[d]!]!;
    out.push(x[src]!);
  }
  return out;
}

for (const [shape, perm] of [[[70, 45], [1, 0]], [[3, 40, 50], [2, 1, 0]], [[3, 40, 50], [0, 2, 1]], [[33, 2, 64], [2, 1, 0]], [[5, 6, 7, 8], [3, 1, 0, 2]]] as const) {
  test(`transpose ${JSON.stringify(shape)} by ${JSON.stringify(perm)} matches naive indexing`, () => {
    const x = new Float64Array(sizeOf(shape)).map((_, i) => i);
    const [y] = apply('transpose', [fromTyped(x, shape, 'float64')], { permutation: perm });
    const bad = mismatch(y!.dataSync(), naiveTranspose(x, shape, perm), 'float64', EXACT);
    if (bad) assert.unreachable(bad);
  });
}

test('reduce_sum and reduce_max over every subset of axes match naive loops', () => {
  const shape = [3, 4, 1, 5, 2];
  const next = rng(11);
  const x = smallInts('int32', sizeOf(shape), next);
  const xs = stridesOf(shape);
  for (let mask = 0; mask < 1 << shape.length; mask++) {
    const axes = shape.map((_, i) => i).filter((i) => mask & (1 << i));
    const keptShape = shape.filter((_, i) => !axes.includes(i));
    const sum = new Array<number>(sizeOf(keptShape)).fill(0), max = new Array<number>(sizeOf(keptShape)).fill(-2147483648);
    const ks = stridesOf(keptShape);
    for (let i = 0; i < x.length; i++) {
      let o = 0;
      for (let d = 0, kd = 0; d < shape.length; d++) {
        if (axes.includes(d)) continue;
        o += (Math.floor(i / xs[d]!) % shape[d]!) * ks[kd++]!;
      }
      sum[o] = sum[o]! + x[i]!;
      max[o] = Math.max(max[o]!, x[i]!);
    }
    const [s] = apply('reduce_sum', [fromTyped(x, shape, 'int32')], { axes });
    const [m] = apply('reduce_max', [fromTyped(x, shape, 'int32')], { axes });
    assert.equal([...s!.shape], keptShape);
    const bad = mismatch(s!.dataSync(), sum, 'int32', EXACT) ?? mismatch(m!.dataSync(), max, 'int32', EXACT);
    if (bad) assert.unreachable(`axes ${JSON.stringify(axes)}: ${bad}`);
  }
});

test('float32 reductions accumulate in float64 before rounding once', () => {
  // 2^24 + 1 + 1 in float32 steps would stay at 2^24; in float64 it is 2^24 + 2, a float32 value.
  const [s] = apply('reduce_sum', [fromTyped(new Float32Array([16777216, 1, 1]), [3], 'float32')], { axes: [0] });
  assert.is(s!.dataSync()[0], 16777218);
});

test.run();
