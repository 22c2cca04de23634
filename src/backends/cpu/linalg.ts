// The decompositions on the CPU: each matrix of the batch is read into float64, factored by the
// textbook algorithm (Cholesky–Banachiewicz, substitution, LU with partial pivoting, Householder
// QR with LAPACK's signs, tridiagonal QL for eigh, one-sided Jacobi for the SVD) and written back
// in the output dtype, so float32 results are float64 results rounded once.
import { allocTyped, TypedArray } from '../../core/dtype.js';
import type { CpuKernel } from './kernels.js';

/** Matrix b of a (…, m, n) stack as a float64 copy. */
const matrixAt = (x: TypedArray, b: number, size: number): Float64Array => Float64Array.from(x.subarray(b * size, (b + 1) * size) as ArrayLike<number>);
const batchOf = (shape: readonly number[]): number => shape.slice(0, -2).reduce((p, d) => p * d, 1);

// ---- sign conventions for the vectors of eigh and svd ---------------------------------------------
/**
 * Eigenvectors and singular vectors are unique up to sign; LAPACK promises none. Ours: the first
 * component with |x_i| ≥ 1/(2√n) (a unit vector always has one of at least 1/√n) is positive, a rule
 * that float32 and float64 inputs and both backends apply alike.
 */
function signOf(get: (i: number) => number, n: number): number {
  const t = 0.5 / Math.sqrt(n);
  for (let i = 0; i < n; i++) { const v = get(i); if (Math.abs(v) >= t) return v < 0 ? -1 : 1; }
  return 1;
}

// ---- Cholesky ----------------------------------------------------------------------------------------
/** In place: the lower factor of the lower triangle of a (n×n), zeros above; NaN everywhere if a is not positive definite. */
function choleskyInPlace(a: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j]!;
    for (let k = 0; k < j; k++) d -= a[j * n + k]! ** 2;
    if (!(d > 0)) { a.fill(Number.NaN); return; }
    const ljj = Math.sqrt(d);
    a[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j]!;
      for (let k = 0; k < j; k++) s -= a[i * n + k]! * a[j * n + k]!;
      a[i * n + j] = s / ljj;
    }
    for (let i = 0; i < j; i++) a[i * n + j] = 0;
  }
}
export const cholesky: CpuKernel<'cholesky'> = ([x], _p, [xa], [oa]) => {
  const n = xa!.shape[xa!.ndim - 1]!, size = n * n, out = allocTyped(oa!.dtype, oa!.size);
  for (let b = 0; b < batchOf(xa!.shape); b++) {
    const a = matrixAt(x!, b, size);
    choleskyInPlace(a, n);
    out.set(a, b * size);
  }
  return [out];
};

// ---- triangular solve --------------------------------------------------------------------------------
/**
 * Solves M·X = B in place in B (n×k) for the triangular M (n×n, dense, zeros outside its
 * triangle), forward when M is lower, backward when upper.
 */
function substitute(M: Float64Array, n: number, B: Float64Array, k: number, lower: boolean): void {
  for (let c = 0; c < k; c++) {
    if (lower) {
      for (let i = 0; i < n; i++) {
        let s = B[i * k + c]!;
        for (let j = 0; j < i; j++) s -= M[i * n + j]! * B[j * k + c]!;
        B[i * k + c] = s / M[i * n + i]!;
      }
    } else {
      for (let i = n - 1; i >= 0; i--) {
        let s = B[i * k + c]!;
        for (let j = i + 1; j < n; j++) s -= M[i * n + j]! * B[j * k + c]!;
        B[i * k + c] = s / M[i * n + i]!;
      }
    }
  }
}
export const triangularSolve: CpuKernel<'triangular_solve'> = ([a, b], p, [aa, ba], [oa]) => {
  const n = aa!.shape[aa!.ndim - 1]!, r = ba!.shape[ba!.ndim - 2]!, c = ba!.shape[ba!.ndim - 1]!;
  const out = allocTyped(oa!.dtype, oa!.size);
  // op(A) on the left; on the right X·op(A) = B is op(A)ᵀ·Xᵀ = Bᵀ, so the side only flips op and transposes B.
  const trans = p.leftSide ? p.transposeA : !p.transposeA;
  const effLower = p.lower !== trans;
  for (let bi = 0; bi < batchOf(aa!.shape); bi++) {
    const A = matrixAt(a!, bi, n * n), M = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const inTri = p.lower ? j <= i : j >= i;
        if (!inTri) continue;
        const v = i === j && p.unitDiagonal ? 1 : A[i * n + j]!;
        if (trans) M[j * n + i] = v; else M[i * n + j] = v;
      }
    }
    const Bm = matrixAt(b!, bi, r * c);
    if (p.leftSide) {
      substitute(M, n, Bm, c, effLower);
      out.set(Bm, bi * r * c);
    } else {
      const Bt = new Float64Array(r * c);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) Bt[j * r + i] = Bm[i * c + j]!;
      substitute(M, n, Bt, r, effLower);
      for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[bi * r * c + i * c + j] = Bt[j * r + i]!;
    }
  }
  return [out];
};

// ---- LU ------------------------------------------------------------------------------------------------
/** LAPACK's getrf, unblocked: in place, pivots[j] = the row swapped with row j, perm = the rows' order (a[perm] = L·U). */
function luInPlace(a: Float64Array, m: number, n: number, pivots: Int32Array, perm: Int32Array): void {
  for (let i = 0; i < m; i++) perm[i] = i;
  for (let j = 0; j < Math.min(m, n); j++) {
    let p = j, best = -1;
    for (let i = j; i < m; i++) { const v = Math.abs(a[i * n + j]!); if (v > best) { best = v; p = i; } }
    pivots[j] = p;
    if (p !== j) {
      for (let c = 0; c < n; c++) { const t = a[j * n + c]!; a[j * n + c] = a[p * n + c]!; a[p * n + c] = t; }
      const t = perm[j]!; perm[j] = perm[p]!; perm[p] = t;
    }
    const d = a[j * n + j]!;
    if (d === 0) continue; // a singular column: LAPACK leaves it and goes on
    for (let i = j + 1; i < m; i++) {
      const l = (a[i * n + j] = a[i * n + j]! / d);
      if (l === 0) continue;
      for (let c = j + 1; c < n; c++) a[i * n + c] = a[i * n + c]! - l * a[j * n + c]!;
    }
  }
}
export const lu: CpuKernel<'lu'> = ([x], _p, [xa], [oa, pa, qa]) => {
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n);
  const out = allocTyped(oa!.dtype, oa!.size), piv = new Int32Array(pa!.size), perm = new Int32Array(qa!.size);
  for (let b = 0; b < batchOf(xa!.shape); b++) {
    const a = matrixAt(x!, b, m * n);
    luInPlace(a, m, n, piv.subarray(b * k, (b + 1) * k), perm.subarray(b * m, (b + 1) * m));
    out.set(a, b * m * n);
  }
  return [out, piv, perm];
};

// ---- QR --------------------------------------------------------------------------------------------------
/**
 * Householder QR of a (m×n, in place → R in its upper triangle), LAPACK's geqrf conventions:
 * reflector j is I − τ v vᵀ with v_j = 1, and R_jj = −sign(a_jj)·‖a_j:,j‖. Returns Q's first `qCols` columns.
 */
function householderQr(a: Float64Array, m: number, n: number, qCols: number): Float64Array {
  const k = Math.min(m, n), vs: Float64Array[] = [], taus: number[] = [];
  for (let j = 0; j < k; j++) {
    const alpha = a[j * n + j]!;
    let xnorm2 = 0;
    for (let i = j + 1; i < m; i++) xnorm2 += a[i * n + j]! ** 2;
    const v = new Float64Array(m - j);
    v[0] = 1;
    if (xnorm2 === 0) { vs.push(v); taus.push(0); continue; }
    const beta = -(alpha >= 0 ? 1 : -1) * Math.hypot(alpha, Math.sqrt(xnorm2));
    for (let i = j + 1; i < m; i++) v[i - j] = a[i * n + j]! / (alpha - beta);
    const tau = (beta - alpha) / beta;
    // A ← (I − τ v vᵀ) A on rows j.., columns j..
    for (let c = j; c < n; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j]! * a[i * n + c]!;
      const f = tau * dot;
      for (let i = j; i < m; i++) a[i * n + c] = a[i * n + c]! - f * v[i - j]!;
    }
    for (let i = j + 1; i < m; i++) a[i * n + j] = 0;
    a[j * n + j] = beta;
    vs.push(v); taus.push(tau);
  }
  // Q = H₀ H₁ … applied to the identity's first qCols columns, the last reflector first.
  const q = new Float64Array(m * qCols);
  for (let j = 0; j < Math.min(m, qCols); j++) q[j * qCols + j] = 1;
  for (let j = k - 1; j >= 0; j--) {
    const v = vs[j]!, tau = taus[j]!;
    if (tau === 0) continue;
    for (let c = 0; c < qCols; c++) {
      let dot = 0;
      for (let i = j; i < m; i++) dot += v[i - j]! * q[i * qCols + c]!;
      const f = tau * dot;
      for (let i = j; i < m; i++) q[i * qCols + c] = q[i * qCols + c]! - f * v[i - j]!;
    }
  }
  return q;
}
export const qr: CpuKernel<'qr'> = ([x], _p, [xa], [qa, ra]) => {
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!;
  const qCols = qa!.shape[qa!.ndim - 1]!, rRows = ra!.shape[ra!.ndim - 2]!;
  const qOut = allocTyped(qa!.dtype, qa!.size), rOut = allocTyped(ra!.dtype, ra!.size);
  for (let b = 0; b < batchOf(xa!.shape); b++) {
    const a = matrixAt(x!, b, m * n);
    const q = householderQr(a, m, n, qCols);
    qOut.set(q, b * m * qCols);
    // R's first rRows rows (rows past min(m, n) are zero already).
    rOut.set(a.subarray(0, rRows * n), b * rRows * n);
  }
  return [qOut, rOut];
};

// ---- eigh ---------------------------------------------------------------------------------------------------
/**
 * Symmetric eigenproblem by EISPACK's route: Householder reduction to tridiagonal form (tred2,
 * accumulating the reflections in V), then the implicit QL iteration with Wilkinson shifts on the
 * tridiagonal matrix (tql2), rotations applied to V. `a` (n×n, full and symmetric) becomes V;
 * returns w ascending and V with the eigenvectors as columns, signed by `signOf`.
 */
function symmetricEigen(a: Float64Array, n: number): { w: Float64Array; v: Float64Array } {
  const V = a, d = new Float64Array(n), e = new Float64Array(n);
  const at = (i: number, j: number) => V[i * n + j]!;
  const set = (i: number, j: number, x: number) => { V[i * n + j] = x; };
  // tred2
  for (let j = 0; j < n; j++) d[j] = at(n - 1, j);
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) { d[j] = at(i - 1, j); set(i, j, 0); set(j, i, 0); }
    } else {
      for (let k = 0; k < i; k++) { d[k] = d[k]! / scale; h += d[k]! * d[k]!; }
      let f = d[i - 1]!, g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g; h -= f * g; d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!; set(j, i, f); g = e[j]! + at(j, j) * f;
        for (let k = j + 1; k <= i - 1; k++) { g += at(k, j) * d[k]!; e[k] = e[k]! + at(k, j) * f; }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) { e[j] = e[j]! / h; f += e[j]! * d[j]!; }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!; g = e[j]!;
        for (let k = j; k <= i - 1; k++) set(k, j, at(k, j) - (f * e[k]! + g * d[k]!));
        d[j] = at(i - 1, j); set(i, j, 0);
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    set(n - 1, i, at(i, i)); set(i, i, 1);
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = at(k, i + 1) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += at(k, i + 1) * at(k, j);
        for (let k = 0; k <= i; k++) set(k, j, at(k, j) - g * d[k]!);
      }
    }
    for (let k = 0; k <= i; k++) set(k, i + 1, 0);
  }
  for (let j = 0; j < n; j++) { d[j] = at(n - 1, j); set(n - 1, j, 0); }
  if (n > 0) set(n - 1, n - 1, 1);
  e[0] = 0;
  // tql2
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  if (n > 0) e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 60; iter++) {
        let g = d[l]!, p = (d[l + 1]! - g) / (2 * e[l]!), r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r); d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2; c2 = c; s2 = s;
          g = c * e[i]!; h = c * p; r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r; s = e[i]! / r; c = p / r;
          p = c * d[i]! - s * g; d[i + 1] = h + s * (c * g + s * d[i]!);
          for (let k = 0; k < n; k++) {
            const vk1 = at(k, i + 1), vk = at(k, i);
            set(k, i + 1, s * vk + c * vk1); set(k, i, c * vk - s * vk1);
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p; d[l] = c * p;
        if (!(Math.abs(e[l]!) > eps * tst1)) break;
      }
    }
    d[l] = d[l]! + f; e[l] = 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[i]! - d[j]! || i - j);
  const w = Float64Array.from(order, (i) => d[i]!);
  const vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    const sg = signOf((i) => V[i * n + src]!, n);
    for (let i = 0; i < n; i++) vs[i * n + dst] = sg * V[i * n + src]!;
  });
  return { w, v: vs };
}
export const eigh: CpuKernel<'eigh'> = ([x], { lower }, [xa], [va, wa]) => {
  const n = xa!.shape[xa!.ndim - 1]!;
  const vOut = allocTyped(va!.dtype, va!.size), wOut = allocTyped(wa!.dtype, wa!.size);
  for (let b = 0; b < batchOf(xa!.shape); b++) {
    const src = matrixAt(x!, b, n * n), a = new Float64Array(n * n);
    // The matrix the chosen triangle describes.
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = (lower ? i >= j : i <= j) ? src[i * n + j]! : src[j * n + i]!;
    if (a.some(Number.isNaN)) { vOut.fill(Number.NaN, b * n * n, (b + 1) * n * n); wOut.fill(Number.NaN, b * n, (b + 1) * n); continue; }
    const { w, v } = symmetricEigen(a, n);
    vOut.set(v, b * n * n); wOut.set(w, b * n);
  }
  return [vOut, wOut];
};

// ---- SVD ------------------------------------------------------------------------------------------------------
/**
 * One-sided Jacobi (Hestenes) on a tall m×n matrix (m ≥ n): rotate column pairs of U = A·V until
 * all are orthogonal; then s_j = ‖U_j‖ and U_j / s_j. Returns s descending, U (m×uCols, completed to
 * an orthonormal set past the nonzero singular values) and V (n×n).
 */
function jacobiSvd(a: Float64Array, m: number, n: number, uCols: number): { s: Float64Array; u: Float64Array; v: Float64Array } {
  // Columns stored contiguously (U column j at j·m, V column j at j·n): every rotation streams.
  // The start is V₀ from the eigenvectors of AᵀA (tridiagonal QL, fast), so U = A·V₀ is nearly
  // orthogonal already and the Jacobi sweeps only polish it to full accuracy (a few sweeps, not ~15).
  const U = new Float64Array(m * n), V = new Float64Array(n * n);
  const ata = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let t = 0;
      for (let k = 0; k < m; k++) t += a[k * n + i]! * a[k * n + j]!;
      ata[i * n + j] = t; ata[j * n + i] = t;
    }
  }
  const v0 = ata.every(Number.isFinite) ? symmetricEigen(ata, n).v : null;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) V[j * n + i] = v0 ? v0[i * n + j]! : i === j ? 1 : 0;
    for (let i = 0; i < m; i++) {
      let t = 0;
      for (let k = 0; k < n; k++) t += a[i * n + k]! * V[j * n + k]!;
      U[j * m + i] = t;
    }
  }
  // Columns count as orthogonal once |cos| ≤ m·ε, the size of the rounding in their dot product
  // itself (a tighter bound is never met and every sweep would rotate by noise).
  const tol = 2 ** -52 * Math.max(m, 4);
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const P = p * m, Q = q * m;
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) { const up = U[P + i]!, uq = U[Q + i]!; alpha += up * up; beta += uq * uq; gamma += up * uq; }
        if (gamma === 0 || Math.abs(gamma) <= tol * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t), s = c * t;
        for (let i = 0; i < m; i++) { const up = U[P + i]!, uq = U[Q + i]!; U[P + i] = c * up - s * uq; U[Q + i] = s * up + c * uq; }
        const Pv = p * n, Qv = q * n;
        for (let i = 0; i < n; i++) { const vp = V[Pv + i]!, vq = V[Qv + i]!; V[Pv + i] = c * vp - s * vq; V[Qv + i] = s * vp + c * vq; }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => { let s = 0; for (let i = 0; i < m; i++) s += U[j * m + i]! ** 2; return Math.sqrt(s); });
  const order = norms.map((_, j) => j).sort((i, j) => norms[j]! - norms[i]! || i - j);
  const s = Float64Array.from(order, (j) => norms[j]!);
  const u = new Float64Array(m * uCols), v = new Float64Array(n * n);
  const tiny = (s[0] ?? 0) * 1e-15 * Math.max(m, n);
  let filled = 0;
  order.forEach((src, dst) => {
    if (!(s[dst]! > tiny) || dst >= uCols) return;
    const sg = signOf((i) => U[src * m + i]! / s[dst]!, m);
    for (let i = 0; i < m; i++) u[i * uCols + dst] = (sg * U[src * m + i]!) / s[dst]!;
    for (let i = 0; i < n; i++) v[i * n + dst] = sg * V[src * n + i]!;
    filled = dst + 1;
  });
  // Zero singular values: V's column as rotated, U's completed by Gram–Schmidt against the basis vectors.
  order.forEach((src, dst) => {
    if (dst < filled) return;
    const sg = signOf((i) => V[src * n + i]!, n);
    for (let i = 0; i < n; i++) v[i * n + dst] = sg * V[src * n + i]!;
  });
  completeColumns(u, m, uCols, filled);
  return { s, u, v };
}
/** Fills columns from..cols-1 of the m×cols matrix x (columns before are orthonormal) with an orthonormal completion. */
function completeColumns(x: Float64Array, m: number, cols: number, from: number): void {
  let next = from;
  for (let e = 0; e < m && next < cols; e++) {
    const c = new Float64Array(m);
    c[e] = 1;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < next; j++) {
        let d = 0;
        for (let i = 0; i < m; i++) d += x[i * cols + j]! * c[i]!;
        for (let i = 0; i < m; i++) c[i] = c[i]! - d * x[i * cols + j]!;
      }
    }
    const norm = Math.hypot(...c);
    if (norm < 0.5) continue; // e lies (nearly) in the span already
    const sg = signOf((i) => c[i]! / norm, m);
    for (let i = 0; i < m; i++) x[i * cols + next] = (sg * c[i]!) / norm;
    next++;
  }
}
export const svd: CpuKernel<'svd'> = ([x], { fullMatrices, computeUv }, [xa], outAvals) => {
  const m = xa!.shape[xa!.ndim - 2]!, n = xa!.shape[xa!.ndim - 1]!, k = Math.min(m, n);
  const [sa, ua, va] = outAvals;
  const sOut = allocTyped(sa!.dtype, sa!.size);
  const uCols = fullMatrices ? m : k, vRows = fullMatrices ? n : k;
  const uOut = ua ? allocTyped(ua.dtype, ua.size) : null, vtOut = va ? allocTyped(va.dtype, va.size) : null;
  for (let b = 0; b < batchOf(xa!.shape); b++) {
    const src = matrixAt(x!, b, m * n);
    if (src.some((v) => !Number.isFinite(v))) {
      sOut.fill(Number.NaN, b * k, (b + 1) * k);
      uOut?.fill(Number.NaN, b * m * uCols, (b + 1) * m * uCols); vtOut?.fill(Number.NaN, b * vRows * n, (b + 1) * vRows * n);
      continue;
    }
    // Tall: A = U S Vᵀ directly. Wide: Aᵀ = U' S V'ᵀ, so U = V' and Vᵀ = U'ᵀ.
    const tall = m >= n, rows = tall ? m : n, cols = tall ? n : m;
    const t = tall ? src : transposed(src, m, n);
    const r = jacobiSvd(t, rows, cols, tall ? uCols : vRows);
    sOut.set(r.s, b * k);
    if (!uOut || !vtOut) continue;
    if (tall) {
      uOut.set(r.u, b * m * uCols);
      // Vᵀ: V is n×n; its first vRows columns as rows.
      for (let i = 0; i < vRows; i++) for (let j = 0; j < n; j++) vtOut[b * vRows * n + i * n + j] = r.v[j * n + i]!;
    } else {
      // U = V' (m×m): its first uCols columns; Vᵀ = U'ᵀ with U' n×vRows.
      for (let i = 0; i < m; i++) for (let j = 0; j < uCols; j++) uOut[b * m * uCols + i * uCols + j] = r.v[i * m + j]!;
      for (let i = 0; i < vRows; i++) for (let j = 0; j < n; j++) vtOut[b * vRows * n + i * n + j] = r.u[j * vRows + i]!;
    }
  }
  return uOut && vtOut ? [sOut, uOut, vtOut] : [sOut];
};
function transposed(a: Float64Array, m: number, n: number): Float64Array {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j]!;
  return t;
}
