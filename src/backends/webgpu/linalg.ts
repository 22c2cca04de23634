// The decompositions on the GPU, correct first: one invocation factors one matrix of the batch
// with the CPU's algorithms (src/backends/cpu/linalg.ts) in float32, working in place in its
// output (or a scratch buffer). Parallel only across the batch — fine for the small systems of
// a model, slow for one large matrix. eigh and svd have no kernel here yet: they refuse by name.
import { DTypeError, CotangentError } from '../../core/errors.js';
import { bindings, BufferDecl, inp, out, perElement, Plan, temp, u, WebGpuKernel, withHelpers } from './wgsl.js';

const F32: BufferDecl = { type: 'f32' }, I32: BufferDecl = { type: 'i32' };
const batchOf = (shape: readonly number[]): number => shape.slice(0, -2).reduce((p, d) => p * d, 1);
function onlyF32(fn: string, dtype: string): void {
  if (dtype !== 'float32') throw new DTypeError(`${fn}: the webgpu backend computes decompositions in float32 only, got ${dtype}`);
}

/** One dispatch running `body` per matrix `gid` of `count`. */
function perMatrix(label: string, reads: readonly BufferDecl[], writes: readonly BufferDecl[], count: number, body: readonly string[], slots: { reads: ReturnType<typeof inp>[]; writes: ReturnType<typeof out>[] }, temps?: number[]): Plan {
  const { code, workgroups } = perElement(count, body);
  const src = withHelpers(`${bindings(reads, writes)}\n${code}`);
  return { steps: [{ kind: 'dispatch', label, code: src, reads: slots.reads, writes: slots.writes, workgroups }], ...(temps ? { temps } : {}) };
}

export const cholesky: WebGpuKernel<'cholesky'> = ({ inAvals: [xa], outAvals: [oa] }) => {
  onlyF32('cholesky', xa!.dtype);
  const n = xa!.shape[xa!.ndim - 1]!, B = batchOf(xa!.shape), N = u(n);
  if (oa!.size === 0) return { steps: [] };
  const at = (i: string, j: string) => `y0[base + (${i}) * ${N} + (${j})]`;
  const body = [
    `let base = gid * ${u(n * n)};`,
    `for (var e = 0u; e < ${u(n * n)}; e++) { y0[base + e] = x0[base + e]; }`,
    'var bad = false;',
    `for (var j = 0u; j < ${N}; j++) {`,
    `  var d = ${at('j', 'j')};`,
    `  for (var k = 0u; k < j; k++) { let l = ${at('j', 'k')}; d -= l * l; }`,
    '  if (isnan_f32(d) || d <= 0.0f) { bad = true; break; }',
    '  let ljj = sqrt(d);',
    `  ${at('j', 'j')} = ljj;`,
    `  for (var i = j + 1u; i < ${N}; i++) {`,
    `    var s = ${at('i', 'j')};`,
    `    for (var k = 0u; k < j; k++) { s -= ${at('i', 'k')} * ${at('j', 'k')}; }`,
    `    ${at('i', 'j')} = s / ljj;`,
    '  }',
    `  for (var i = 0u; i < j; i++) { ${at('i', 'j')} = 0.0f; }`,
    '}',
    `if (bad) { for (var e = 0u; e < ${u(n * n)}; e++) { y0[base + e] = nan_f32(); } }`,
  ];
  return perMatrix('cholesky', [F32], [F32], B, body, { reads: [inp(0)], writes: [out(0)] });
};

export const triangularSolve: WebGpuKernel<'triangular_solve'> = ({ params: p, inAvals: [aa, ba], outAvals: [oa] }) => {
  onlyF32('triangular_solve', aa!.dtype);
  const n = aa!.shape[aa!.ndim - 1]!, r = ba!.shape[ba!.ndim - 2]!, c = ba!.shape[ba!.ndim - 1]!, B = batchOf(aa!.shape);
  if (oa!.size === 0) return { steps: [] };
  // The system M·Z = C: on the left Z = X (n×c); on the right X·op(A) = B is op(A)ᵀ·Xᵀ = Bᵀ, so Z = Xᵀ.
  const trans = p.leftSide ? p.transposeA : !p.transposeA, forward = p.lower !== trans, N = u(n);
  const M = (i: string, j: string) => (trans ? `x0[ab + (${j}) * ${N} + (${i})]` : `x0[ab + (${i}) * ${N} + (${j})]`);
  const Z = (i: string, col: string) => (p.leftSide ? `y0[bb + (${i}) * ${u(c)} + (${col})]` : `y0[bb + (${col}) * ${u(c)} + (${i})]`);
  const cols = p.leftSide ? c : r;
  const body = [
    `let ab = gid * ${u(n * n)};`,
    `let bb = gid * ${u(r * c)};`,
    `for (var e = 0u; e < ${u(r * c)}; e++) { y0[bb + e] = x1[bb + e]; }`,
    `for (var col = 0u; col < ${u(cols)}; col++) {`,
    `  for (var ii = 0u; ii < ${N}; ii++) {`,
    `    let i = ${forward ? 'ii' : `${u(n - 1)} - ii`};`,
    `    var s = ${Z('i', 'col')};`,
    '    for (var jj = 0u; jj < ii; jj++) {',
    `      let j = ${forward ? 'jj' : `${u(n - 1)} - jj`};`,
    `      s -= ${M('i', 'j')} * ${Z('j', 'col')};`,
    '    }',
    `    ${Z('i', 'col')} = ${p.unitDiagonal ? 's' : `s / ${M('i', 'i')}`};`,
    '  }',
    '}',
  ];
  return perMatrix('triangular_solve', [F32, F32], [F32], B, body, { reads: [inp(0), inp(1)], writes: [out(0)] });
};

export const lu: WebGpuKernel<'lu'> = ({ inAvals: [xa], outAvals: [oa] }) => {
  onlyF32('lu', xa!.dtype);
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n), B = batchOf(xa!.shape);
  if (oa!.size === 0 && m === 0) return { steps: [] };
  const at = (i: string, j: string) => `y0[base + (${i}) * ${u(n)} + (${j})]`;
  const body = [
    `let base = gid * ${u(m * n)};`,
    `for (var e = 0u; e < ${u(m * n)}; e++) { y0[base + e] = x0[base + e]; }`,
    `for (var i = 0u; i < ${u(m)}; i++) { y2[gid * ${u(m)} + i] = i32(i); }`,
    `for (var j = 0u; j < ${u(k)}; j++) {`,
    '  var p = j;',
    '  var best = -1.0f;',
    `  for (var i = j; i < ${u(m)}; i++) { let v = abs(${at('i', 'j')}); if (v > best) { best = v; p = i; } }`,
    `  y1[gid * ${u(k)} + j] = i32(p);`,
    '  if (p != j) {',
    `    for (var c = 0u; c < ${u(n)}; c++) { let t = ${at('j', 'c')}; ${at('j', 'c')} = ${at('p', 'c')}; ${at('p', 'c')} = t; }`,
    `    let t = y2[gid * ${u(m)} + j]; y2[gid * ${u(m)} + j] = y2[gid * ${u(m)} + p]; y2[gid * ${u(m)} + p] = t;`,
    '  }',
    `  let d = ${at('j', 'j')};`,
    '  if (d == 0.0f) { continue; }',
    `  for (var i = j + 1u; i < ${u(m)}; i++) {`,
    `    let l = ${at('i', 'j')} / d;`,
    `    ${at('i', 'j')} = l;`,
    `    for (var c = j + 1u; c < ${u(n)}; c++) { ${at('i', 'c')} = ${at('i', 'c')} - l * ${at('j', 'c')}; }`,
    '  }',
    '}',
  ];
  return perMatrix('lu', [F32], [F32, I32, I32], B, body, { reads: [inp(0)], writes: [out(0), out(1), out(2)] });
};

export const qr: WebGpuKernel<'qr'> = ({ inAvals: [xa], outAvals: [qa, ra] }) => {
  onlyF32('qr', xa!.dtype);
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n), B = batchOf(xa!.shape);
  const qc = qa!.shape[qa!.ndim - 1]!, rr = ra!.shape[ra!.ndim - 2]!;
  if (qa!.size === 0 && ra!.size === 0) return { steps: [] };
  // y2 is the working copy of A (reflectors below the diagonal, R on and above), y3 the τs.
  const W = (i: string, j: string) => `y2[wb + (${i}) * ${u(n)} + (${j})]`;
  const Q = (i: string, j: string) => `y0[qb + (${i}) * ${u(qc)} + (${j})]`;
  const body = [
    `let wb = gid * ${u(m * n)};`,
    `let qb = gid * ${u(m * qc)};`,
    `let rb = gid * ${u(rr * n)};`,
    `let tb = gid * ${u(Math.max(k, 1))};`,
    `for (var e = 0u; e < ${u(m * n)}; e++) { y2[wb + e] = x0[wb + e]; }`,
    `for (var j = 0u; j < ${u(k)}; j++) {`,
    `  let alpha = ${W('j', 'j')};`,
    '  var xnorm2 = 0.0f;',
    `  for (var i = j + 1u; i < ${u(m)}; i++) { let v = ${W('i', 'j')}; xnorm2 += v * v; }`,
    '  if (xnorm2 == 0.0f) { y3[tb + j] = 0.0f; continue; }',
    '  let beta = select(1.0f, -1.0f, alpha >= 0.0f) * sqrt(alpha * alpha + xnorm2);',
    '  let scale = 1.0f / (alpha - beta);',
    `  for (var i = j + 1u; i < ${u(m)}; i++) { ${W('i', 'j')} = ${W('i', 'j')} * scale; }`,
    '  let tau = (beta - alpha) / beta;',
    `  for (var c = j + 1u; c < ${u(n)}; c++) {`,
    `    var dot = ${W('j', 'c')};`,
    `    for (var i = j + 1u; i < ${u(m)}; i++) { dot += ${W('i', 'j')} * ${W('i', 'c')}; }`,
    '    let f = tau * dot;',
    `    ${W('j', 'c')} = ${W('j', 'c')} - f;`,
    `    for (var i = j + 1u; i < ${u(m)}; i++) { ${W('i', 'c')} = ${W('i', 'c')} - f * ${W('i', 'j')}; }`,
    '  }',
    `  ${W('j', 'j')} = beta;`,
    '  y3[tb + j] = tau;',
    '}',
    `for (var i = 0u; i < ${u(rr)}; i++) { for (var c = 0u; c < ${u(n)}; c++) {`,
    `  y1[rb + i * ${u(n)} + c] = select(0.0f, ${W('i', 'c')}, c >= i && i < ${u(k)});`,
    '} }',
    `for (var i = 0u; i < ${u(m)}; i++) { for (var c = 0u; c < ${u(qc)}; c++) { ${Q('i', 'c')} = select(0.0f, 1.0f, i == c); } }`,
    `for (var jj = 0u; jj < ${u(k)}; jj++) {`,
    `  let j = ${u(Math.max(k - 1, 0))} - jj;`,
    '  let tau = y3[tb + j];',
    '  if (tau == 0.0f) { continue; }',
    `  for (var c = 0u; c < ${u(qc)}; c++) {`,
    `    var dot = ${Q('j', 'c')};`,
    `    for (var i = j + 1u; i < ${u(m)}; i++) { dot += ${W('i', 'j')} * ${Q('i', 'c')}; }`,
    '    let f = tau * dot;',
    `    ${Q('j', 'c')} = ${Q('j', 'c')} - f;`,
    `    for (var i = j + 1u; i < ${u(m)}; i++) { ${Q('i', 'c')} = ${Q('i', 'c')} - f * ${W('i', 'j')}; }`,
    '  }',
    '}',
  ];
  return perMatrix('qr', [F32], [F32, F32, F32, F32], B, body, { reads: [inp(0)], writes: [out(0), out(1), temp(0), temp(1)] },
    [Math.max(B * m * n, 1) * 4, Math.max(B * Math.max(k, 1), 1) * 4]);
};

/** eigh and svd: no WGSL kernel yet; the error names the public functions that reach them. */
const refuse = (prim: string, fns: string): WebGpuKernel<'eigh' | 'svd'> => () => {
  throw new CotangentError(`${prim} (${fns}) has no kernel on the webgpu backend yet: run it on the 'cpu' backend`);
};
export const eigh = refuse('eigh', 'np.linalg.eigh, eigvalsh, lax.linalg.eigh') as WebGpuKernel<'eigh'>;
export const svd = refuse('svd', 'np.linalg.svd, pinv, lstsq, matrixRank, norm with ord 2, -2 or nuc, lax.linalg.svd') as WebGpuKernel<'svd'>;
