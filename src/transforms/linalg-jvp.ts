// JVP rules of the linear-algebra primitives, after JAX's (jax/_src/lax/linalg.py). Each tangent
// is built from linear primitives in the tangent (products with known matrices, triangular
// solves, masks), so linearize and transpose give the reverse-mode rules with nothing more.
import { NDArray } from '../core/array.js';
import { CotangentError } from '../core/errors.js';
import * as lax from '../core/lax.js';
import {
  block, diagonal, eighPrim, eye, luPrim, matmul, mT, padTo, permutationMatrix, qrPrim, svdPrim, triangularSolvePrim, tril, triu, choleskyPrim,
} from '../core/linalg.js';
import type { LinalgPrimitive } from '../core/primitives.js';
import type { JvpRule } from './jvp-rules.js';
import { instantiate, isZero, Tangent, zeroLike } from './tangent.js';

const { add, sub, mul, neg } = lax;

/** The symmetric matrix a kernel sees when it reads only one triangle of t: tril(t) + tril(t, −1)ᵀ (or the upper version). */
const symmetricFromTriangle = (t: NDArray, lower: boolean): NDArray =>
  lower ? add(tril(t), mT(tril(t, -1))) : add(triu(t), mT(triu(t, 1)));

/** 1/(w_j − w_i) off the diagonal and 0 on it, from values w (…, n) (JAX's Fmat; `square` uses w_j² − w_i², the SVD's). */
function reciprocalGaps(w: NDArray, square: boolean): NDArray {
  const n = w.shape[w.ndim - 1]!, batch = w.shape.slice(0, -1), nb = batch.length, shape = [...batch, n, n];
  const rowsVary = lax.broadcastInDim(w, shape, [...batch.map((_, i) => i), nb]);
  const colsVary = lax.broadcastInDim(w, shape, [...batch.map((_, i) => i), nb + 1]);
  const gap = square ? mul(add(colsVary, rowsVary), sub(colsVary, rowsVary)) : sub(colsVary, rowsVary);
  const I = eye(n, w, batch);
  return sub(lax.div(lax.fullLike(I, 1), add(gap, I)), I);
}

export const linalgJvpRules: { [P in LinalgPrimitive]: JvpRule<P> } = {
  // L = chol(A): L̇ = L·Φ(L⁻¹ Ȧ L⁻ᵀ), Φ = the lower triangle with the diagonal halved.
  cholesky: ([x], [t]) => {
    const L = choleskyPrim(x!);
    if (isZero(t)) return [[L], [zeroLike(L)]];
    const sigma = symmetricFromTriangle(t, true);
    const right = triangularSolvePrim(L, sigma, { leftSide: false, lower: true, transposeA: true, unitDiagonal: false });
    const inner = triangularSolvePrim(L, right, { leftSide: true, lower: true, transposeA: false, unitDiagonal: false });
    const n = x!.shape[x!.ndim - 1]!;
    const phi = mul(inner, add(tril(lax.fullLike(inner, 1), -1), mul(eye(n, inner, inner.shape.slice(0, -2)), lax.fullLike(inner, 0.5))));
    return [[L], [matmul(L, phi)]];
  },
  // op(A)·X = B: Ẋ = op(A)⁻¹(Ḃ − op(Ȧ)·X); X·op(A) = B: Ẋ = (Ḃ − X·op(Ȧ))·op(A)⁻¹, Ȧ masked to the triangle read.
  triangular_solve: ([a, b], [ta, tb], p) => {
    const x = triangularSolvePrim(a!, b!, p);
    if (isZero(ta) && isZero(tb)) return [[x], [zeroLike(x)]];
    let rhs: NDArray | null = isZero(tb) ? null : tb;
    if (!isZero(ta)) {
      const masked = p.lower ? tril(ta, p.unitDiagonal ? -1 : 0) : triu(ta, p.unitDiagonal ? 1 : 0);
      const opDa = p.transposeA ? mT(masked) : masked;
      const dadx = p.leftSide ? matmul(opDa, x) : matmul(x, opDa);
      rhs = rhs ? sub(rhs, dadx) : neg(dadx);
    }
    return [[x], [triangularSolvePrim(a!, rhs!, p)]];
  },
  // P·A = L·U: with Ẋ = P·Ȧ, F = L⁻¹·Ẋ·U⁻¹, L̇ = L·tril(F, −1) and U̇ = triu(F)·U (JAX's _lu_jvp_rule, rectangular included).
  lu: ([x], [t]) => {
    const [lu, pivots, perm] = luPrim(x!);
    const outs = [lu, pivots, perm];
    if (isZero(t)) return [outs, outs.map(zeroLike)];
    const m = x!.shape[x!.ndim - 2]!, n = x!.shape[x!.ndim - 1]!, k = Math.min(m, n), batch = x!.shape.slice(0, -2);
    const pa = matmul(permutationMatrix(perm, x!), t);
    const l = add(padTo(tril(block(lu, 0, m, 0, k), -1), m, m), eye(m, x!, batch));
    const uEye = lax.pad(eye(n - k, x!, batch), lax.full([], 0, x!.dtype), [...batch.map(() => [0, 0, 0] as const), [k, 0, 0], [k, 0, 0]]);
    const u = add(padTo(triu(block(lu, 0, k, 0, n)), n, n), uEye);
    const la = triangularSolvePrim(l, pa, { leftSide: true, lower: true, transposeA: false, unitDiagonal: true });
    const lau = triangularSolvePrim(u, la, { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
    const dlu = add(matmul(l, tril(lau, -1)), matmul(triu(lau), u));
    return [outs, [dlu, zeroLike(pivots), zeroLike(perm)]];
  },
  qr: ([x], [t], { fullMatrices }) => {
    const [q, r] = qrPrim(x!, fullMatrices);
    if (isZero(t)) return [[q, r], [zeroLike(q), zeroLike(r)]];
    const m = x!.shape[x!.ndim - 2]!, n = x!.shape[x!.ndim - 1]!;
    if (fullMatrices && m > n) {
      throw new CotangentError(`qr: the derivative of a complete QR (fullMatrices, mode 'complete') of a tall ${m}×${n} matrix is not defined (its last ${m - n} columns of Q are arbitrary); use the reduced QR (as JAX)`);
    }
    if (m >= n) return [[q, r], squareQrTangent(q, r, t)];
    // Wide: A = [X | Y] with X m×m; Q, R₁ come from X alone and R = [R₁ | QᵀY].
    const [dq, dr1] = squareQrTangent(q, block(r, 0, m, 0, m), block(t, 0, m, 0, m));
    const y = block(x!, 0, m, m, n), dy = block(t, 0, m, m, n);
    const dr2 = add(matmul(mT(dq), y), matmul(mT(q), dy));
    return [[q, r], [dq, lax.concatenate([dr1, dr2], x!.ndim - 1)]];
  },
  // A = V·diag(w)·Vᵀ: ẇ = diag(Vᵀ Ȧ V), V̇ = V·(F ∘ Vᵀ Ȧ V), F_ij = 1/(w_j − w_i) off the diagonal.
  eigh: ([x], [t], { lower }) => {
    const [v, w] = eighPrim(x!, lower);
    if (isZero(t)) return [[v, w], [zeroLike(v), zeroLike(w)]];
    const vtav = matmul(matmul(mT(v), symmetricFromTriangle(t, lower)), v);
    return [[v, w], [matmul(v, mul(reciprocalGaps(w, false), vtav)), diagonal(vtav)]];
  },
  // JAX's _svd_jvp_rule (real case): Ṡ = Uᵀ Ȧ V, ṡ = diag(Ṡ), U̇ = U·(F ∘ (Ṡ S + S Ṡᵀ)) (+ the part outside U's span when m > n), likewise V̇.
  svd: ([x], [t], { fullMatrices, computeUv }) => {
    if (isZero(t)) { const outs = svdPrim(x!, fullMatrices, computeUv); return [outs, outs.map(zeroLike)]; }
    // Singular values alone still need U and V for their tangent: one decomposition gives all three
    // (the primal s is the same), not a second one beside the values-only call.
    const usv = svdPrim(x!, computeUv && fullMatrices, true);
    const outs = computeUv ? usv : [usv[0]!];
    const m = x!.shape[x!.ndim - 2]!, n = x!.shape[x!.ndim - 1]!;
    if (computeUv && fullMatrices && m !== n) {
      throw new CotangentError(`svd: the derivative of a full SVD (fullMatrices) of a non-square ${m}×${n} matrix is not defined (the extra singular vectors are arbitrary); use fullMatrices false (as JAX)`);
    }
    const [s, U, Vt] = usv as [NDArray, NDArray, NDArray];
    const V = mT(Vt);
    const dS = matmul(matmul(mT(U), t), V);
    const ds = diagonal(dS);
    if (!computeUv) return [outs, [ds]];
    const k = s.shape[s.ndim - 1]!, batch = s.shape.slice(0, -1), nb = batch.length;
    const sRow = lax.broadcastInDim(s, [...batch, k, k], [...batch.map((_, i) => i), nb + 1]);
    const sCol = mT(sRow);
    const F = reciprocalGaps(s, true);
    const dSS = mul(sRow, dS), SdS = mul(sCol, dS);
    let dU = matmul(U, mul(F, add(dSS, mT(dSS))));
    let dV = matmul(V, mul(F, add(SdS, mT(SdS))));
    // 1/s with 0 where s = 0 (JAX's s_inv): a zero singular value contributes no out-of-span part.
    const isZ = lax.eq(s, lax.zerosLike(s));
    const sInv = lax.select(isZ, lax.zerosLike(s), lax.div(lax.fullLike(s, 1), lax.select(isZ, lax.fullLike(s, 1), s)));
    const sInvRow = (rows: number) => lax.broadcastInDim(sInv, [...batch, rows, k], [...batch.map((_, i) => i), nb + 1]);
    if (m > n) {
      const dAV = matmul(t, V);
      dU = add(dU, mul(sub(dAV, matmul(U, matmul(mT(U), dAV))), sInvRow(m)));
    }
    if (n > m) {
      const dAtU = matmul(mT(t), U);
      dV = add(dV, mul(sub(dAtU, matmul(V, matmul(Vt, dAtU))), sInvRow(n)));
    }
    return [outs, [ds, dU, mT(dV)]];
  },
};

/** The tangents (Q̇, Ṙ) of a reduced QR with m ≥ n (JAX's qr_jvp_rule): Ω = Qᵀ Ȧ R⁻¹, its skew part D, Q̇ = Q(D − Ω) + Ȧ R⁻¹, Ṙ = (Ω − D)·R. */
function squareQrTangent(q: NDArray, r: NDArray, t: Tangent): [NDArray, NDArray] {
  const dxRinv = triangularSolvePrim(r, instantiate(t), { leftSide: false, lower: false, transposeA: false, unitDiagonal: false });
  const omega = matmul(mT(q), dxRinv);
  const low = tril(omega, -1);
  const skew = sub(low, mT(low));
  return [add(matmul(q, sub(skew, omega)), dxRinv), matmul(sub(omega, skew), r)];
}
