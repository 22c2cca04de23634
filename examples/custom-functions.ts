// The seed's custom autograd functions, functionally: MyReLU (two-layer net) and the Legendre
// polynomial P3 (the polynomial fit y = a + b·P3(c + d x)), each a customVjp whose backward pass
// is the one `grad` uses.
import { np, grad, customVjp, random, Array as NDArray } from '../src/index.js';
import { parseArgs } from './cli.js';
import { keys } from './keys.js';

const opts = await parseArgs({ steps: 2000, every: 100 });

// MyReLU: forward clamps at 0 and saves its input; backward zeroes the gradient where input < 0.
export const myRelu = customVjp((input: NDArray) => input.clip(0, null)).defVjp(
  (input: NDArray) => [input.clip(0, null), input],
  (input: NDArray, gradOutput: NDArray) => [np.where(input.lt(0), 0, gradOutput)],
);

// P3(x) = ½(5x³ − 3x), P3'(x) = 1.5(5x² − 1).
export const P3 = customVjp((x: NDArray) => x.pow(3).mul(5).sub(x.mul(3)).mul(0.5)).defVjp(
  (x) => [x.pow(3).mul(5).sub(x.mul(3)).mul(0.5), x],
  (x, gradOutput) => [gradOutput.mul(x.square().mul(5).sub(1).mul(1.5))],
);

// --- the two-layer network with MyReLU (500 steps as in the seed) ---------------------------------
{
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const [kx, ky, k1, k2] = keys(0, 4);
  const x = random.normal(kx, [N, D_in]), y = random.normal(ky, [N, D_out]);
  let w = { w1: random.normal(k1, [D_in, H]), w2: random.normal(k2, [H, D_out]) };
  const loss = ({ w1, w2 }: typeof w) => myRelu(x.matmul(w1)).matmul(w2).sub(y).square().sum();
  const g = grad(loss);
  const steps = Math.min(opts.steps, 500);
  console.log('MyReLU two-layer net:');
  for (let t = 0; t < steps; t++) {
    if (t % opts.every === opts.every - 1) console.log(t, await loss(w).item());
    const dw = g(w);
    w = { w1: w.w1.sub(dw.w1.mul(1e-6)), w2: w.w2.sub(dw.w2.mul(1e-6)) };
  }
}

// --- the polynomial y = a + b·P3(c + d x), 2000 steps --------------------------------------------
{
  const x = np.linspace(-Math.PI, Math.PI, 2000);
  const y = np.sin(x);
  // The seed's copy starts from randn at lr 1e-6 (and writes `v` for `b`, a typo); we follow the
  // published tutorial it comes from: a = 0, b = -1, c = 0, d = 0.3 at lr 5e-6, which converges.
  let p = { a: np.array(0.0), b: np.array(-1.0), c: np.array(0.0), d: np.array(0.3) };
  const loss = ({ a, b, c, d }: typeof p) => a.add(b.mul(P3(c.add(d.mul(x))))).sub(y).square().sum();
  const g = grad(loss);
  console.log('Legendre P3 fit:');
  for (let t = 0; t < opts.steps; t++) {
    if (t % opts.every === opts.every - 1) console.log(t, await loss(p).item());
    const dp = g(p);
    const lr = 5e-6;
    p = { a: p.a.sub(dp.a.mul(lr)), b: p.b.sub(dp.b.mul(lr)), c: p.c.sub(dp.c.mul(lr)), d: p.d.sub(dp.d.mul(lr)) };
  }
  const [a, b, c, d] = await Promise.all([p.a.item(), p.b.item(), p.c.item(), p.d.item()]);
  console.log(`Result: y = ${a} + ${b} * P3(${c} + ${d} x)`);
}
