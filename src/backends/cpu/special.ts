// Scalar special functions in float64 for the CPU kernels (erf, erfc, lgamma, digamma): the
// elementwise templates call these through the JS helper prelude (prelude.ts).
//
// erf/erfc: for |x| < 2.5 the all-positive series erf x = 2/√π · e^{−x²} · Σ 2ⁿ x^{2n+1} / (2n+1)!!
// (no cancellation, ~55 terms at most); erfc from 1.5 on, and erf beyond 2.5, by the continued fraction
// erfc x = e^{−x²}/√π · 1/(x + ½/(x + 1/(x + (3/2)/(x + …)))) evaluated bottom-up.
// lgamma: Lanczos (g = 7, 9 terms, ~1e-15 relative on Γ) for x ≥ ½, reflection below.
// digamma: reflection below ½, the recurrence ψ(x) = ψ(x+1) − 1/x up to x ≥ 10, then the
// asymptotic series ln x − 1/(2x) − Σ B₂ₖ/(2k x^{2k}).
const SQRT_PI = Math.sqrt(Math.PI);

function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x, sum = x;
  for (let n = 1; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 1);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-17) break;
  }
  return (2 / SQRT_PI) * Math.exp(-x2) * sum;
}
/** erfc(x) for x ≥ 1.5 by the continued fraction (depth 100 is converged to double there). */
function erfcFraction(x: number): number {
  let f = x;
  for (let k = 100; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (SQRT_PI * f);
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  const ax = Math.abs(x);
  if (ax < 2.5) return erfSeries(x);
  const r = 1 - erfcFraction(ax);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x < 1.5) return 1 - erf(x);
  if (x > 27.3) return 0;
  return erfcFraction(x);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** log|Γ(x)|; +∞ at the poles 0, −1, −2, … */
export function lgamma(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Infinity || x === -Infinity) return Infinity;
  if (x < 0.5) {
    if (Number.isInteger(x)) return Infinity;
    // Γ(x)Γ(1 − x) = π / sin(πx), with sin(πx) from the reduced argument for accuracy.
    return Math.log(Math.PI / Math.abs(sinPi(x))) - lgamma(1 - x);
  }
  if (x === 1 || x === 2) return 0;
  const z = x - 1;
  let a = LANCZOS[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i]! / (z + i);
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** sin(πx) with the argument reduced mod 2 first, so sin(π·n) is exactly 0 and large x keep their digits. */
function sinPi(x: number): number {
  const r = x - 2 * Math.floor(x / 2);
  return r === 1 ? 0 : Math.sin(Math.PI * (r > 1 ? r - 2 : r));
}
function cosPi(x: number): number {
  const r = Math.abs(x) % 2;
  return r === 0.5 || r === 1.5 ? 0 : Math.cos(Math.PI * r);
}

/** ψ(x) = Γ'(x)/Γ(x); NaN at the poles 0, −1, −2, … (as XLA). */
export function digamma(x: number): number {
  if (Number.isNaN(x) || x === -Infinity) return NaN;
  if (x === Infinity) return Infinity;
  let result = 0;
  if (x < 0.5) {
    if (Number.isInteger(x)) return NaN;
    // ψ(1 − x) − ψ(x) = π cot(πx)
    result = -Math.PI * cosPi(x) / sinPi(x);
    x = 1 - x;
  }
  while (x < 10) { result -= 1 / x; x += 1; }
  const r = 1 / (x * x);
  const series = r * (1 / 12 - r * (1 / 120 - r * (1 / 252 - r * (1 / 240 - r * (1 / 132 - r * (691 / 32760 - r / 12))))));
  return result + Math.log(x) - 0.5 / x - series;
}
