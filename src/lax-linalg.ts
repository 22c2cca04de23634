// The public `lax.linalg` namespace: the decomposition primitives with JAX's signatures (core/linalg.ts).
export { cholesky, triangularSolve, lu, luPivotsToPermutation, qr, eigh, svd } from './core/linalg.js';
export type { TriangularSolveOptions } from './core/linalg.js';
