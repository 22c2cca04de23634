// Reduction kernels: reduce_sum/max/min/prod over any set of axes, and argmax/argmin over one.
import { allocTyped, DType, isFloat, TypedArray } from '../../core/dtype.js';
import { REDUCE_COMBINE, reduceIdentity, ReducePrimitive } from '../../core/primitives.js';
import { Shape } from '../../core/shape.js';
import { EXPRESSIONS } from './expressions.js';
import type { CpuKernel } from './kernels.js';

/**
 * The reduced input as alternating blocks: axes of size 1 are dropped (they do not move either
 * index) and neighbouring axes that are both kept or both reduced are merged, so [a, b, c] reduced
 * over (1, 2) is a `KR` pattern of sizes [a, b·c]. The pattern, not the rank, picks the loop nest.
 */
function collapse(shape: Shape, axes: readonly number[]): { sizes: number[]; pattern: string } {
  const sizes: number[] = [];
  let pattern = '';
  shape.forEach((n, k) => {
    if (n === 1) return;
    const c = axes.includes(k) ? 'R' : 'K';
    if (pattern.endsWith(c)) sizes[sizes.length - 1]! *= n;
    else { sizes.push(n); pattern += c; }
  });
  return { sizes, pattern };
}

/** acc[q] = fold(acc[q], x[p]) over the whole input, read once in row-major order. */
type ReduceLoop = (x: TypedArray, acc: TypedArray, sizes: readonly number[], outStrides: readonly number[]) => void;
const loops = new Map<string, ReduceLoop>();

/**
 * Generates the loop nest for one pattern: one `for` per block; kept blocks step the output index
 * q by their stride, reduced blocks leave it. A reduced innermost block folds into a local (the
 * full reduction `R` and the last-axis reduction `KR` are that case); a kept innermost block folds
 * a row of outputs at once (`RK`, reduction over leading axes). The input is read sequentially.
 * `accDtype` is the dtype the fold is computed in: float64 for float32 inputs. Operands reach the
 * fold template as plain locals (a template may read an operand twice).
 */
function reduceLoop(prim: ReducePrimitive, accDtype: DType, pattern: string): ReduceLoop {
  const key = `${prim}:${accDtype}:${pattern}`;
  let loop = loops.get(key);
  if (loop) return loop;
  const fold = (a: string, b: string) => EXPRESSIONS[REDUCE_COMBINE[prim]](accDtype, a, b);
  const L = pattern.length;
  const lines: string[] = [];
  for (let k = 0; k < L; k++) lines.push(`const n${k} = sizes[${k}], o${k} = outStrides[${k}];`);
  lines.push('let p = 0;');
  let q = '0';
  for (let k = 0; k < L - 1; k++) {
    lines.push(`for (let i${k} = 0; i${k} < n${k}; i${k}++) {`);
    const next = `q${k}`;
    lines.push(`const ${next} = ${pattern[k] === 'K' ? `${q} + i${k} * o${k}` : q};`);
    q = next;
  }
  const last = L - 1;
  if (pattern[last] === 'R') {
    lines.push(`let a = acc[${q}];`, `for (let i = 0; i < n${last}; i++) { const v = x[p++]; a = ${fold('a', 'v')}; }`, `acc[${q}] = a;`);
  } else {
    lines.push(`for (let i = 0; i < n${last}; i++) { const q = ${q} + i, a = acc[q], v = x[p++]; acc[q] = ${fold('a', 'v')}; }`);
  }
  for (let k = 0; k < L - 1; k++) lines.push('}');
  const name = `${prim}_${accDtype}_${pattern}`;
  loop = new Function(`return function ${name}(x, acc, sizes, outStrides) {\n'use strict';\n${lines.join('\n')}\n};`)() as ReduceLoop;
  loops.set(key, loop);
  return loop;
}

/**
 * reduce_sum/prod/max/min. float32 folds in float64 (a Float64Array accumulator rounded once at
 * the end), so a long float32 sum does not lose digits; integers wrap mod 2^32 as they go; NaN
 * propagates through max/min. An empty reduction leaves the identity.
 */
export function reduceKernel<P extends ReducePrimitive>(prim: P): CpuKernel<P> {
  return ([x], { axes }, [xa], [oa]) => {
    const dtype = oa!.dtype;
    const out = allocTyped(dtype, oa!.size);
    const acc: TypedArray = dtype === 'float32' ? new Float64Array(out.length) : out;
    acc.fill(reduceIdentity(prim, dtype));
    if (x!.length > 0) {
      const { sizes, pattern } = collapse(xa!.shape, axes);
      if (pattern === '') acc[0] = x![0]!; // a single element kept as is (all axes of size 1)
      else {
        // Output strides of the kept blocks (row-major over the kept blocks, which are the
        // output's axes with size-1 axes dropped); reduced blocks get stride 0.
        const outStrides = new Array<number>(sizes.length).fill(0);
        for (let k = sizes.length - 1, s = 1; k >= 0; k--) if (pattern[k] === 'K') { outStrides[k] = s; s *= sizes[k]!; }
        reduceLoop(prim, dtype === 'float32' ? 'float64' : dtype, pattern)(x!, acc, sizes, outStrides);
      }
    }
    if (acc !== out) out.set(acc);
    return [out];
  };
}

/**
 * argmax/argmin along one axis: the index of the first extremum. NaN counts as the extremum for
 * both (numpy's and JAX's rule): the first NaN wins and stops the search. The input is viewed as
 * [outer, n, inner]; the inner positions are scanned together so the input is read in order.
 */
function argKernel(isMax: boolean): CpuKernel<'argmax' | 'argmin'> {
  return ([x], { axis }, [xa], [oa]) => {
    const out = allocTyped(oa!.dtype, oa!.size);
    const shape = xa!.shape;
    const n = shape[axis]!;
    const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
    const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const best = new Float64Array(inner);
    const where = new Int32Array(inner);
    for (let o = 0; o < outer; o++) {
      const base = o * n * inner;
      for (let i = 0; i < inner; i++) { best[i] = x![base + i]!; where[i] = 0; }
      for (let j = 1; j < n; j++) {
        const row = base + j * inner;
        for (let i = 0; i < inner; i++) {
          const v = x![row + i]!, b = best[i]!;
          // b !== b: a NaN already won. v !== v: this is the first NaN.
          if (b === b && (v !== v || (isMax ? v > b : v < b))) { best[i] = v; where[i] = j; }
        }
      }
      out.set(where, o * inner);
    }
    return [out];
  };
}
export const argmax: CpuKernel<'argmax'> = argKernel(true);
export const argmin: CpuKernel<'argmin'> = argKernel(false);
