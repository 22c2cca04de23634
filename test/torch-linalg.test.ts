// torch.linalg against np.linalg: the same values, PyTorch's result names and conventions (solve's
// vector rule and left=false, eigh reading one triangle), and gradients through the tape equal to
// the core's grad of the same function.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';
import { grad, np } from '../src/index.js';
import type { Array as NDArray } from '../src/index.js';

const vals = (t: torch.Tensor | NDArray) => Array.from((t instanceof torch.Tensor ? t.array : t).dataSync(), (v) => +Number(v).toFixed(5));
const close = (a: torch.Tensor | NDArray, b: torch.Tensor | NDArray, what: string) => {
  const x = vals(a), y = vals(b);
  assert.is(x.length, y.length, `${what}: size`);
  x.forEach((v, i) => assert.ok(Math.abs(v - y[i]!) <= 2e-4 * Math.max(1, Math.abs(y[i]!)), `${what}: element ${i}: ${v} vs ${y[i]}`));
};

test('each torch.linalg function gives np.linalg\'s values under PyTorch\'s names', () => {
  torch.manualSeed(3);
  const A = torch.randn(3, 3).add(torch.eye(3).mul(3)), S = A.matmul(A.t()), B = torch.randn(3, 2);
  close(torch.linalg.cholesky(S), np.linalg.cholesky(S.array), 'cholesky');
  close(torch.linalg.cholesky(S, { upper: true }), np.swapaxes(np.linalg.cholesky(S.array), -1, -2), 'cholesky upper');
  close(torch.linalg.solve(A, B), np.linalg.solve(A.array, B.array), 'solve');
  close(torch.linalg.inv(A), np.linalg.inv(A.array), 'inv');
  close(torch.linalg.det(A), np.linalg.det(A.array), 'det');
  const { sign, logabsdet } = torch.linalg.slogdet(A);
  close(sign.mul(logabsdet.exp()), np.linalg.det(A.array), 'slogdet');
  const { Q, R } = torch.linalg.qr(torch.randn(4, 3));
  assert.equal(Q.shape, [4, 3]); assert.equal(R.shape, [3, 3]);
  close(Q.matmul(R), np.matmul(Q.array, R.array), 'Q·R');
  assert.equal(torch.linalg.qr(torch.randn(4, 3), 'complete').Q.shape, [4, 4]);
  assert.equal(torch.linalg.qr(torch.randn(4, 3), 'r').Q.shape, [0]);
  const { eigenvalues, eigenvectors } = torch.linalg.eigh(S);
  close(eigenvalues, np.linalg.eigvalsh(S.array), 'eigh values');
  close(S.matmul(eigenvectors), eigenvectors.mul(eigenvalues), 'A·V = V·diag(w)');
  close(torch.linalg.eigvalsh(S), eigenvalues, 'eigvalsh');
  const M = torch.randn(4, 2);
  const { U, S: sv, Vh } = torch.linalg.svd(M, { fullMatrices: false });
  close(U.mul(sv).matmul(Vh), M, 'U·S·Vh');
  assert.equal(torch.linalg.svd(M).U.shape, [4, 4]);
  close(torch.linalg.svdvals(M), sv, 'svdvals');
  const { solution, rank } = torch.linalg.lstsq(M, torch.randn(4));
  assert.equal(solution.shape, [2]); assert.equal(vals(rank), [2]);
  const Ab = torch.randn(3, 5, 2), Bb = torch.randn(3, 5, 4), batched = torch.linalg.lstsq(Ab, Bb);
  assert.equal(batched.solution.shape, [3, 2, 4]); assert.equal(batched.residuals.shape, [3, 4]); assert.equal(vals(batched.rank), [2, 2, 2]);
  for (let i = 0; i < 3; i++) close(batched.solution.array.get(i), np.linalg.lstsq(Ab.array.get(i), Bb.array.get(i))[0], `batched lstsq lane ${i}`);
  close(torch.linalg.pinv(M), np.linalg.pinv(M.array), 'pinv');
  close(torch.linalg.matrixPower(A, 3), A.matmul(A).matmul(A), 'matrixPower');
  assert.equal(vals(torch.linalg.matrixRank(torch.ones(3, 3))), [1]);
  close(torch.linalg.norm(M), np.linalg.norm(M.array), 'norm');
  close(torch.linalg.norm(M, 2), np.linalg.norm(M.array, 2), 'norm 2');
  close(torch.linalg.vectorNorm(M, 1), np.sum(np.abs(M.array)), 'vectorNorm 1 over everything');
  close(torch.linalg.vectorNorm(M, 2, 0), np.linalg.norm(M.array, null, 0), 'vectorNorm over a dim');
  close(torch.linalg.matrixNorm(M, 'nuc'), np.sum(sv.array), 'matrixNorm nuc');
});

test('solve: PyTorch\'s vector rule and left=false', () => {
  torch.manualSeed(5);
  const A = torch.randn(2, 3, 3).add(torch.eye(3).mul(3)), b = torch.randn(2, 3);
  const x = torch.linalg.solve(A, b);
  assert.equal(x.shape, [2, 3]);
  close(A.matmul(x.unsqueeze(-1)).squeeze(-1), b, 'batched vectors');
  const Bm = torch.randn(2, 4, 3), xr = torch.linalg.solve(A, Bm, { left: false });
  close(xr.matmul(A), Bm, 'X·A = B');
});

test('eigh reads only the UPLO triangle, as PyTorch', () => {
  const lowerOnly = torch.tensor([[2, 99], [1, 2]]), sym = torch.tensor([[2, 1], [1, 2]]);
  close(torch.linalg.eigvalsh(lowerOnly), torch.linalg.eigvalsh(sym), 'L');
  close(torch.linalg.eigvalsh(torch.tensor([[2, 1], [99, 2]]), 'U'), torch.linalg.eigvalsh(sym), 'U');
});

test('gradients through the tape equal the core\'s grad', () => {
  torch.manualSeed(7);
  const base = torch.randn(3, 3).add(torch.eye(3).mul(3));
  const fns: [string, (t: torch.Tensor) => torch.Tensor, (a: NDArray) => NDArray][] = [
    ['det', (t) => torch.linalg.det(t), (a) => np.linalg.det(a)],
    ['inv', (t) => torch.linalg.inv(t).sum(), (a) => np.sum(np.linalg.inv(a))],
    ['qr', (t) => torch.linalg.qr(t).R.sum().add(torch.linalg.qr(t).Q.sum()), (a) => np.add(np.sum(np.linalg.qr(a)[1]), np.sum(np.linalg.qr(a)[0]))],
    ['svdvals', (t) => torch.linalg.svdvals(t).sum(), (a) => np.sum(np.linalg.svdvals(a))],
    ['slogdet', (t) => torch.linalg.slogdet(t).logabsdet, (a) => np.linalg.slogdet(a)[1]],
    ['norm', (t) => torch.linalg.norm(t, 'nuc'), (a) => np.linalg.norm(a, 'nuc')],
  ];
  for (const [name, ft, fa] of fns) {
    const x = base.clone().detach().requiresGrad_();
    ft(x).backward();
    close(x.grad!, grad(fa)(base.array), name);
  }
});

test.run();
