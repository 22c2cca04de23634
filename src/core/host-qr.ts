// A reduced QR factorisation on the host in float64 (Householder reflections), for the
// orthogonal initializer and random.orthogonal: they need an orthonormal basis of a random matrix,
// not a differentiable QR.

/**
 * A = QR for a row-major m×n matrix with m ≥ n: returns Q (m×n, row-major, orthonormal columns)
 * and the diagonal of R. Reflector k maps column k below the diagonal onto −sign(a_kk)·‖·‖·e_k.
 */
export function householderQr(a: ArrayLike<number>, m: number, n: number): { q: Float64Array; rDiag: Float64Array } {
  if (m < n) throw new Error(`householderQr: needs rows ≥ columns, got ${m}×${n}`);
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const rDiag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k]! ** 2;
    norm = Math.sqrt(norm);
    const akk = r[k * n + k]!;
    const alpha = akk > 0 ? -norm : norm;
    const v = new Float64Array(m - k);
    for (let i = k; i < m; i++) v[i - k] = r[i * n + k]!;
    v[0] = akk - alpha;
    let vnorm2 = 0;
    for (let i = 0; i < v.length; i++) vnorm2 += v[i]! ** 2;
    if (vnorm2 > 0) {
      // R ← (I − 2vvᵀ/vᵀv) R on rows k.., columns k..
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i - k]! * r[i * n + j]!;
        const f = (2 * dot) / vnorm2;
        for (let i = k; i < m; i++) r[i * n + j] = r[i * n + j]! - f * v[i - k]!;
      }
    }
    vs.push(vnorm2 > 0 ? v.map((x) => x / Math.sqrt(vnorm2)) : v);
    rDiag[k] = r[k * n + k]!;
  }
  // Q = H₀ H₁ … Hₙ₋₁ applied to the first n columns of the identity, last reflector first.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k]!;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i - k]! * q[i * n + j]!;
      for (let i = k; i < m; i++) q[i * n + j] = q[i * n + j]! - 2 * dot * v[i - k]!;
    }
  }
  return { q, rDiag };
}
