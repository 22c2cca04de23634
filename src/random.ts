// The public `random` namespace: keys and the basic samplers (core/random.ts) and the distributions
// built on them (core/random-distributions.ts, which imports core/random.ts, so that file cannot re-export it).
export * from './core/random.js';
export {
  truncatedNormal, orthogonal, exponential, laplace, logistic, cauchy, rademacher, gamma, beta, dirichlet, chisquare, t, studentT,
  poisson, generalizedNormal, ball, multivariateNormal,
} from './core/random-distributions.js';
