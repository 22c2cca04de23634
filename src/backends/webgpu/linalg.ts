// The decompositions on the GPU, correct first: one invocation factors one matrix of the batch
// with the CPU's algorithms (src/backends/cpu/linalg.ts) in float32, working in place in its
// output (or a scratch buffer). Cholesky and LU give each matrix a workgroup whose invocations
// split every step's rows or columns; triangular solves take one invocation per right-hand side;
// QR, eigh and SVD one invocation per matrix — fine for the small systems of a model, slow for
// one large matrix.
import { DTypeError } from '../../core/errors.js';
import { bindings, BufferDecl, entry, inp, out, perElement, Plan, temp, u, WebGpuKernel, withHelpers, WORKGROUP } from './wgsl.js';

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

/**
 * One workgroup per matrix: `body` runs with `wid` the matrix and `lid` its invocation (0..63),
 * which share the work of each step and meet at storage barriers between steps.
 */
function perMatrixWorkgroup(label: string, reads: readonly BufferDecl[], writes: readonly BufferDecl[], count: number, body: readonly string[], slots: { reads: ReturnType<typeof inp>[]; writes: ReturnType<typeof out>[] }): Plan {
  const src = withHelpers(`${bindings(reads, writes)}\nvar<workgroup> shared_u: u32;\n${entry(count, body)}`);
  return { steps: [{ kind: 'dispatch', label, code: src, reads: slots.reads, writes: slots.writes, workgroups: count }] };
}
const G = u(WORKGROUP);

// Left-looking Cholesky: column j's entries below the diagonal are independent given columns < j,
// so the workgroup's invocations take its rows in turn; the diagonal's test is made uniform
// through workgroupUniformLoad (a break before a barrier must be taken by every invocation).
export const cholesky: WebGpuKernel<'cholesky'> = ({ inAvals: [xa], outAvals: [oa] }) => {
  onlyF32('cholesky', xa!.dtype);
  const n = xa!.shape[xa!.ndim - 1]!, B = batchOf(xa!.shape), N = u(n), NN = u(n * n);
  if (oa!.size === 0) return { steps: [] };
  const at = (i: string, j: string) => `y0[base + (${i}) * ${N} + (${j})]`;
  const body = [
    `let base = wid * ${NN};`,
    `for (var e = lid; e < ${NN}; e += ${G}) { y0[base + e] = x0[base + e]; }`,
    'if (lid == 0u) { shared_u = 0u; }',
    'storageBarrier();',
    `for (var j = 0u; j < ${N}; j++) {`,
    `  var d = ${at('j', 'j')};`,
    `  for (var k = 0u; k < j; k++) { let l = ${at('j', 'k')}; d -= l * l; }`,
    '  if (lid == 0u) { shared_u = select(0u, 1u, isnan_f32(d) || d <= 0.0f); }',
    '  if (workgroupUniformLoad(&shared_u) == 1u) { break; }',
    '  let ljj = sqrt(d);',
    `  if (lid == 0u) { ${at('j', 'j')} = ljj; }`,
    `  for (var i = j + 1u + lid; i < ${N}; i += ${G}) {`,
    `    var s = ${at('i', 'j')};`,
    `    for (var k = 0u; k < j; k++) { s -= ${at('i', 'k')} * ${at('j', 'k')}; }`,
    `    ${at('i', 'j')} = s / ljj;`,
    '  }',
    '  storageBarrier();',
    '}',
    'let bad = workgroupUniformLoad(&shared_u) == 1u;',
    `for (var e = lid; e < ${NN}; e += ${G}) {`,
    `  if (bad) { y0[base + e] = nan_f32(); } else if (e % ${N} > e / ${N}) { y0[base + e] = 0.0f; }`,
    '}',
  ];
  return perMatrixWorkgroup('cholesky', [F32], [F32], B, body, { reads: [inp(0)], writes: [out(0)] });
};

export const triangularSolve: WebGpuKernel<'triangular_solve'> = ({ params: p, inAvals: [aa, ba], outAvals: [oa] }) => {
  onlyF32('triangular_solve', aa!.dtype);
  const n = aa!.shape[aa!.ndim - 1]!, r = ba!.shape[ba!.ndim - 2]!, c = ba!.shape[ba!.ndim - 1]!, B = batchOf(aa!.shape);
  if (oa!.size === 0) return { steps: [] };
  // The system M·Z = C: on the left Z = X (n×c); on the right X·op(A) = B is op(A)ᵀ·Xᵀ = Bᵀ, so Z = Xᵀ.
  const trans = p.leftSide ? p.transposeA : !p.transposeA, forward = p.lower !== trans, N = u(n);
  const M = (i: string, j: string) => (trans ? `x0[ab + (${j}) * ${N} + (${i})]` : `x0[ab + (${i}) * ${N} + (${j})]`);
  const Z = (i: string, col: string) => (p.leftSide ? `y0[bb + (${i}) * ${u(c)} + (${col})]` : `y0[bb + (${col}) * ${u(c)} + (${i})]`);
  // One invocation per (matrix, right-hand side): the columns of Z are independent systems.
  const cols = p.leftSide ? c : r;
  const body = [
    `let mat = gid / ${u(cols)};`,
    `let col = gid % ${u(cols)};`,
    `let ab = mat * ${u(n * n)};`,
    `let bb = mat * ${u(r * c)};`,
    `for (var i = 0u; i < ${N}; i++) { let at = bb + ${p.leftSide ? `i * ${u(c)} + col` : `col * ${u(c)} + i`}; y0[at] = x1[at]; }`,
    `for (var ii = 0u; ii < ${N}; ii++) {`,
    `  let i = ${forward ? 'ii' : `${u(n - 1)} - ii`};`,
    `  var s = ${Z('i', 'col')};`,
    '  for (var jj = 0u; jj < ii; jj++) {',
    `    let j = ${forward ? 'jj' : `${u(n - 1)} - jj`};`,
    `    s -= ${M('i', 'j')} * ${Z('j', 'col')};`,
    '  }',
    `  ${Z('i', 'col')} = ${p.unitDiagonal ? 's' : `s / ${M('i', 'i')}`};`,
    '}',
  ];
  return perMatrix('triangular_solve', [F32, F32], [F32], B * cols, body, { reads: [inp(0), inp(1)], writes: [out(0)] });
};

// Partial-pivoting LU, one workgroup per matrix: invocation 0 finds the pivot (shared through
// workgroupUniformLoad), the row swap is split over columns and the elimination over rows.
export const lu: WebGpuKernel<'lu'> = ({ inAvals: [xa], outAvals: [oa] }) => {
  onlyF32('lu', xa!.dtype);
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n), B = batchOf(xa!.shape);
  if (oa!.size === 0 && m === 0) return { steps: [] };
  const at = (i: string, j: string) => `y0[base + (${i}) * ${u(n)} + (${j})]`, P = (i: string) => `y2[wid * ${u(m)} + (${i})]`;
  const body = [
    `let base = wid * ${u(m * n)};`,
    `for (var e = lid; e < ${u(m * n)}; e += ${G}) { y0[base + e] = x0[base + e]; }`,
    `for (var i = lid; i < ${u(m)}; i += ${G}) { ${P('i')} = i32(i); }`,
    'storageBarrier();',
    `for (var j = 0u; j < ${u(k)}; j++) {`,
    '  if (lid == 0u) {',
    '    var p = j;',
    '    var best = -1.0f;',
    `    for (var i = j; i < ${u(m)}; i++) { let v = abs(${at('i', 'j')}); if (v > best) { best = v; p = i; } }`,
    `    y1[wid * ${u(k)} + j] = i32(p);`,
    `    if (p != j) { let t = ${P('j')}; ${P('j')} = ${P('p')}; ${P('p')} = t; }`,
    '    shared_u = p;',
    '  }',
    '  let p = workgroupUniformLoad(&shared_u);',
    '  if (p != j) {',
    `    for (var c = lid; c < ${u(n)}; c += ${G}) { let t = ${at('j', 'c')}; ${at('j', 'c')} = ${at('p', 'c')}; ${at('p', 'c')} = t; }`,
    '  }',
    '  storageBarrier();',
    `  let d = ${at('j', 'j')};`,
    '  if (d != 0.0f) {',
    `    for (var i = j + 1u + lid; i < ${u(m)}; i += ${G}) {`,
    `      let l = ${at('i', 'j')} / d;`,
    `      ${at('i', 'j')} = l;`,
    `      for (var c = j + 1u; c < ${u(n)}; c++) { ${at('i', 'c')} = ${at('i', 'c')} - l * ${at('j', 'c')}; }`,
    '    }',
    '  }',
    '  storageBarrier();',
    '}',
  ];
  return perMatrixWorkgroup('lu', [F32], [F32, I32, I32], B, body, { reads: [inp(0)], writes: [out(0), out(1), out(2)] });
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

// ---- eigh and svd: the CPU's Jacobi methods in float32 ----------------------------------------------
/** t = tan of the Jacobi rotation angle for cot 2θ = `theta`: the smaller root, with 1/(2θ) for huge θ (θ² would overflow). */
const ROTATION = [
  'var t = 0.5f / theta;',
  'if (abs(theta) < 1e15f) { t = select(-1.0f, 1.0f, theta >= 0.0f) / (abs(theta) + sqrt(theta * theta + 1.0f)); }',
  'let c = 1.0f / sqrt(t * t + 1.0f);',
  'let s = t * c;',
];
/** Lines flipping column `col` (rows `rows`, read/written by `at`) so its first component of size ≥ 1/(2√rows) is positive; `also` flips a partner the same way. */
function signFix(at: (i: string) => string, rows: number, also: ((i: string) => string) | null, thr: number): string[] {
  return [
    'var sg = 1.0f;',
    `for (var i = 0u; i < ${u(rows)}; i++) { let v = ${at('i')}; if (abs(v) >= ${thr.toPrecision(9)}f) { sg = select(1.0f, -1.0f, v < 0.0f); break; } }`,
    `if (sg < 0.0f) { for (var i = 0u; i < ${u(rows)}; i++) { ${at('i')} = -${at('i')}; } }`,
    ...(also ? [`if (sg < 0.0f) { ${also('i')} }`] : []),
  ];
}

export const eigh: WebGpuKernel<'eigh'> = ({ params: { lower }, inAvals: [xa], outAvals: [va] }) => {
  onlyF32('eigh', xa!.dtype);
  const n = xa!.shape[xa!.ndim - 1]!, B = batchOf(xa!.shape), N = u(n);
  if (va!.size === 0) return { steps: [] };
  const A = (i: string, j: string) => `y2[ab + (${i}) * ${N} + (${j})]`, V = (i: string, j: string) => `y0[ab + (${i}) * ${N} + (${j})]`;
  const body = [
    `let ab = gid * ${u(n * n)};`,
    `let wb = gid * ${N};`,
    'var bad = false;',
    `for (var i = 0u; i < ${N}; i++) { for (var j = 0u; j < ${N}; j++) {`,
    `  let v = select(x0[ab + j * ${N} + i], x0[ab + i * ${N} + j], ${lower ? 'i >= j' : 'i <= j'});`,
    `  ${A('i', 'j')} = v; ${V('i', 'j')} = select(0.0f, 1.0f, i == j);`,
    '  if (isnan_f32(v)) { bad = true; }',
    '} }',
    `if (bad) { for (var e = 0u; e < ${u(n * n)}; e++) { y0[ab + e] = nan_f32(); } for (var i = 0u; i < ${N}; i++) { y1[wb + i] = nan_f32(); } return; }`,
    'var total = 0.0f;',
    `for (var e = 0u; e < ${u(n * n)}; e++) { total += y2[ab + e] * y2[ab + e]; }`,
    'for (var sweep = 0u; sweep < 50u; sweep++) {',
    '  var off = 0.0f;',
    `  for (var p = 0u; p < ${N}; p++) { for (var q = p + 1u; q < ${N}; q++) { off += ${A('p', 'q')} * ${A('p', 'q')}; } }`,
    '  if (!(off > 1e-14f * total)) { break; }',
    `  for (var p = 0u; p < ${N}; p++) { for (var q = p + 1u; q < ${N}; q++) {`,
    `    let apq = ${A('p', 'q')};`,
    '    if (apq == 0.0f) { continue; }',
    `    let theta = (${A('q', 'q')} - ${A('p', 'p')}) / (2.0f * apq);`,
    ...ROTATION.map((l) => `    ${l}`),
    `    for (var k = 0u; k < ${N}; k++) { let akp = ${A('k', 'p')}; let akq = ${A('k', 'q')}; ${A('k', 'p')} = c * akp - s * akq; ${A('k', 'q')} = s * akp + c * akq; }`,
    `    for (var k = 0u; k < ${N}; k++) { let apk = ${A('p', 'k')}; let aqk = ${A('q', 'k')}; ${A('p', 'k')} = c * apk - s * aqk; ${A('q', 'k')} = s * apk + c * aqk; }`,
    `    for (var k = 0u; k < ${N}; k++) { let vkp = ${V('k', 'p')}; let vkq = ${V('k', 'q')}; ${V('k', 'p')} = c * vkp - s * vkq; ${V('k', 'q')} = s * vkp + c * vkq; }`,
    '  } }',
    '}',
    // Ascending by selection, moving V's columns along.
    `for (var i = 0u; i < ${N}; i++) {`,
    '  var best = i;',
    `  for (var j = i + 1u; j < ${N}; j++) { if (${A('j', 'j')} < ${A('best', 'best')}) { best = j; } }`,
    `  if (best != i) { let d = ${A('i', 'i')}; ${A('i', 'i')} = ${A('best', 'best')}; ${A('best', 'best')} = d;`,
    `    for (var k = 0u; k < ${N}; k++) { let t = ${V('k', 'i')}; ${V('k', 'i')} = ${V('k', 'best')}; ${V('k', 'best')} = t; } }`,
    `  y1[wb + i] = ${A('i', 'i')};`,
    '}',
    `for (var col = 0u; col < ${N}; col++) {`,
    ...signFix((i) => V(i, 'col'), n, null, 0.5 / Math.sqrt(n)).map((l) => `  ${l}`),
    '}',
  ];
  return perMatrix('eigh', [F32], [F32, F32, F32], B, body, { reads: [inp(0)], writes: [out(0), out(1), temp(0)] }, [B * n * n * 4]);
};

export const svd: WebGpuKernel<'svd'> = ({ params: { fullMatrices, computeUv }, inAvals: [xa], outAvals: [sa] }) => {
  onlyF32('svd', xa!.dtype);
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n), B = batchOf(xa!.shape);
  if (sa!.size === 0) return { steps: [] };
  // One-sided Jacobi on T = A (tall) or Aᵀ (wide): r×c with r ≥ c; W = T·V in a scratch buffer, V c×c.
  const tall = m >= n, r = tall ? m : n, c = tall ? n : m;
  const uCols = fullMatrices ? m : k, vRows = fullMatrices ? n : k, ucInternal = tall ? uCols : vRows;
  const [uW, vtW, wW, vW] = computeUv ? ['y1', 'y2', 'y3', 'y4'] : ['', '', 'y1', 'y2'];
  const W = (i: string, j: string) => `${wW}[wb + (${i}) * ${u(c)} + (${j})]`, V = (i: string, j: string) => `${vW}[vb + (${i}) * ${u(c)} + (${j})]`;
  // The internal U' (r × ucInternal) and V' (c × c) as the outputs hold them: tall, U' = u and V'ᵀ = vt; wide, U'ᵀ = vt and V' = u.
  const UI = (i: string, j: string) => (tall ? `${uW}[ub + (${i}) * ${u(uCols)} + (${j})]` : `${vtW}[tb + (${j}) * ${u(n)} + (${i})]`);
  const VO = (i: string, j: string) => (tall ? `${vtW}[tb + (${j}) * ${u(n)} + (${i})]` : `${uW}[ub + (${i}) * ${u(uCols)} + (${j})]`);
  const body = [
    `let xb = gid * ${u(m * n)};`,
    `let wb = gid * ${u(r * c)};`,
    `let vb = gid * ${u(c * c)};`,
    `let sb = gid * ${u(k)};`,
    `let ub = gid * ${u(m * uCols)};`,
    `let tb = gid * ${u(vRows * n)};`,
    'var bad = false;',
    `for (var i = 0u; i < ${u(r)}; i++) { for (var j = 0u; j < ${u(c)}; j++) {`,
    `  let v = x0[xb + ${tall ? `i * ${u(n)} + j` : `j * ${u(n)} + i`}];`,
    `  ${W('i', 'j')} = v;`,
    '  if (isnan_f32(v) || isinf_f32(v)) { bad = true; }',
    '} }',
    `for (var i = 0u; i < ${u(c)}; i++) { for (var j = 0u; j < ${u(c)}; j++) { ${V('i', 'j')} = select(0.0f, 1.0f, i == j); } }`,
    'if (bad) {',
    `  for (var j = 0u; j < ${u(k)}; j++) { y0[sb + j] = nan_f32(); }`,
    ...(computeUv ? [
      `  for (var e = 0u; e < ${u(m * uCols)}; e++) { ${uW}[ub + e] = nan_f32(); }`,
      `  for (var e = 0u; e < ${u(vRows * n)}; e++) { ${vtW}[tb + e] = nan_f32(); }`] : []),
    '  return;',
    '}',
    'for (var sweep = 0u; sweep < 40u; sweep++) {',
    '  var rotated = false;',
    `  for (var p = 0u; p < ${u(c)}; p++) { for (var q = p + 1u; q < ${u(c)}; q++) {`,
    '    var alpha = 0.0f; var beta = 0.0f; var gamma = 0.0f;',
    `    for (var i = 0u; i < ${u(r)}; i++) { let up = ${W('i', 'p')}; let uq = ${W('i', 'q')}; alpha += up * up; beta += uq * uq; gamma += up * uq; }`,
    '    if (gamma == 0.0f || abs(gamma) <= 1e-6f * sqrt(alpha * beta)) { continue; }',
    '    rotated = true;',
    '    let theta = (beta - alpha) / (2.0f * gamma);',
    ...ROTATION.map((l) => `    ${l}`),
    `    for (var i = 0u; i < ${u(r)}; i++) { let up = ${W('i', 'p')}; let uq = ${W('i', 'q')}; ${W('i', 'p')} = c * up - s * uq; ${W('i', 'q')} = s * up + c * uq; }`,
    `    for (var i = 0u; i < ${u(c)}; i++) { let vp = ${V('i', 'p')}; let vq = ${V('i', 'q')}; ${V('i', 'p')} = c * vp - s * vq; ${V('i', 'q')} = s * vp + c * vq; }`,
    '  } }',
    '  if (!rotated) { break; }',
    '}',
    // Column norms, then descending by selection with W's and V's columns moved along.
    `for (var j = 0u; j < ${u(c)}; j++) { var t = 0.0f; for (var i = 0u; i < ${u(r)}; i++) { t += ${W('i', 'j')} * ${W('i', 'j')}; } y0[sb + j] = sqrt(t); }`,
    `for (var i = 0u; i < ${u(c)}; i++) {`,
    '  var best = i;',
    `  for (var j = i + 1u; j < ${u(c)}; j++) { if (y0[sb + j] > y0[sb + best]) { best = j; } }`,
    '  if (best != i) {',
    '    let d = y0[sb + i]; y0[sb + i] = y0[sb + best]; y0[sb + best] = d;',
    `    for (var e = 0u; e < ${u(r)}; e++) { let t = ${W('e', 'i')}; ${W('e', 'i')} = ${W('e', 'best')}; ${W('e', 'best')} = t; }`,
    `    for (var e = 0u; e < ${u(c)}; e++) { let t = ${V('e', 'i')}; ${V('e', 'i')} = ${V('e', 'best')}; ${V('e', 'best')} = t; }`,
    '  }',
    '}',
  ];
  if (computeUv) {
    body.push(
      `let tiny = y0[sb] * ${(1e-6 * Math.max(m, n)).toPrecision(9)}f;`,
      `for (var e = 0u; e < ${u(r)}; e++) { for (var j = 0u; j < ${u(ucInternal)}; j++) { ${UI('e', 'j')} = 0.0f; } }`,
      'var filled = 0u;',
      `for (var col = 0u; col < ${u(c)}; col++) {`,
      '  let sv = y0[sb + col];',
      '  if (sv > tiny) {',
      `    for (var i = 0u; i < ${u(r)}; i++) { ${UI('i', 'col')} = ${W('i', 'col')} / sv; }`,
      ...signFix((i) => UI(i, 'col'), r, () => `for (var i = 0u; i < ${u(c)}; i++) { ${V('i', 'col')} = -${V('i', 'col')}; }`, 0.5 / Math.sqrt(r)).map((l) => `    ${l}`),
      '    filled = col + 1u;',
      '  } else {',
      ...signFix((i) => V(i, 'col'), c, null, 0.5 / Math.sqrt(c)).map((l) => `    ${l}`),
      '  }',
      `  for (var i = 0u; i < ${u(c)}; i++) { ${VO('i', 'col')} = ${V('i', 'col')}; }`,
      '}',
      // Gram–Schmidt completion of U' from the basis vectors, in place in its next free column.
      'var next = filled;',
      `for (var e = 0u; e < ${u(r)}; e++) {`,
      `  if (next >= ${u(ucInternal)}) { break; }`,
      `  for (var i = 0u; i < ${u(r)}; i++) { ${UI('i', 'next')} = select(0.0f, 1.0f, i == e); }`,
      '  for (var round = 0u; round < 2u; round++) { for (var j = 0u; j < next; j++) {',
      `    var d = 0.0f; for (var i = 0u; i < ${u(r)}; i++) { d += ${UI('i', 'j')} * ${UI('i', 'next')}; }`,
      `    for (var i = 0u; i < ${u(r)}; i++) { ${UI('i', 'next')} = ${UI('i', 'next')} - d * ${UI('i', 'j')}; }`,
      '  } }',
      `  var nn = 0.0f; for (var i = 0u; i < ${u(r)}; i++) { nn += ${UI('i', 'next')} * ${UI('i', 'next')}; }`,
      '  let norm = sqrt(nn);',
      '  if (norm < 0.5f) { continue; }',
      `  for (var i = 0u; i < ${u(r)}; i++) { ${UI('i', 'next')} = ${UI('i', 'next')} / norm; }`,
      ...signFix((i) => UI(i, 'next'), r, null, 0.5 / Math.sqrt(r)).map((l) => `  ${l}`),
      '  next++;',
      '}',
      // A leftover column (never filled) is zeroed: only possible with r < ucInternal, which cannot happen.
    );
  }
  const temps = [B * r * c * 4, B * c * c * 4];
  return computeUv
    ? perMatrix('svd', [F32], [F32, F32, F32, F32, F32], B, body, { reads: [inp(0)], writes: [out(0), out(1), out(2), temp(0), temp(1)] }, temps)
    : perMatrix('svd', [F32], [F32, F32, F32], B, body, { reads: [inp(0)], writes: [out(0), temp(0), temp(1)] }, temps);
};
