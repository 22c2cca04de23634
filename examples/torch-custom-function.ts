// The seed's custom autograd Functions: MyReLU in the two-layer network (500 steps at lr 1e-6),
// and the Legendre polynomial P3(x) = ½(5x³ − 3x) in y = a + b·P3(c + d x) fitted to sin(x).
// Their backward methods are the derivatives the tape uses (each is a core customVjp).
import * as torch from '../src/nn/index.js';
import type { FunctionCtx } from '../src/nn/autograd-api.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

type Tensor = torch.Tensor;

/** ReLU with a hand-written backward: the gradient passes where the input is non-negative. */
export class MyReLU extends torch.autograd.Function {
  static forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.clamp({ min: 0 });
  }
  static backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    const gradInput = gradOutput.clone();
    gradInput.maskedFill_(input!.lt(0), 0); // grad_input[input < 0] = 0
    return gradInput;
  }
}

/** P3(x) = ½(5x³ − 3x), with P3'(x) = 1.5(5x² − 1). */
export class LegendrePolynomial3 extends torch.autograd.Function {
  static forward(ctx: FunctionCtx, input: Tensor): Tensor {
    ctx.saveForBackward(input);
    return input.pow(3).mul(5).sub(input.mul(3)).mul(0.5);
  }
  static backward(ctx: FunctionCtx, gradOutput: Tensor): Tensor {
    const [input] = ctx.savedTensors;
    return gradOutput.mul(1.5).mul(input!.pow(2).mul(5).sub(1));
  }
}

export async function run(opts: RunOptions & { reluSteps?: number }): Promise<{ reluLosses: number[]; p3Losses: number[]; coefficients: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const dtype = torch.float;

  // --- MyReLU in the two-layer network --------------------------------------------------------------
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const x = torch.randn(N, D_in, { dtype });
  const y = torch.randn(N, D_out, { dtype });
  const w1 = torch.randn(D_in, H, { dtype, requiresGrad: true });
  const w2 = torch.randn(H, D_out, { dtype, requiresGrad: true });
  const reluLosses: number[] = [];
  const reluSteps = opts.reluSteps ?? Math.min(opts.steps, 500);
  log('MyReLU two-layer net:');
  for (let t = 0; t < reluSteps; t++) {
    // To apply our Function, we use Function.apply; we alias it as `relu`.
    const relu = MyReLU.apply;
    const yPred = relu(x.mm(w1)).mm(w2);
    const loss = yPred.sub(y).pow(2).sum();
    if (shouldPrint(t, { ...opts, steps: reluSteps })) {
      const value = await loss.item();
      reluLosses.push(value);
      logStep(opts, t, value, [], reluSteps);
    }
    loss.backward();
    torch.noGrad(() => {
      w1.sub_(w1.grad!.mul(1e-6));
      w2.sub_(w2.grad!.mul(1e-6));
      w1.grad!.zero_();
      w2.grad!.zero_();
    });
  }

  // --- y = a + b·P3(c + d x) --------------------------------------------------------------------------
  const xs = torch.linspace(-Math.PI, Math.PI, 2000, { dtype });
  const ys = torch.sin(xs);
  // The seed starts from randn at lr 1e-6 (and writes `v` for `b`, a typo); the published tutorial
  // starts from a = 0, b = −1, c = 0, d = 0.3 at lr 5e-6, which converges: we follow it.
  const a = torch.full([], 0.0, { dtype, requiresGrad: true });
  const b = torch.full([], -1.0, { dtype, requiresGrad: true });
  const c = torch.full([], 0.0, { dtype, requiresGrad: true });
  const d = torch.full([], 0.3, { dtype, requiresGrad: true });
  const p3Losses: number[] = [];
  const learningRate = 5e-6;
  log('Legendre P3 fit:');
  for (let t = 0; t < opts.steps; t++) {
    const P3 = LegendrePolynomial3.apply;
    const yPred = a.add(b.mul(P3(c.add(d.mul(xs)))));
    const loss = yPred.sub(ys).pow(2).sum();
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      p3Losses.push(value);
      logStep(opts, t, value);
    }
    loss.backward();
    torch.noGrad(() => {
      for (const p of [a, b, c, d]) p.sub_(p.grad!.mul(learningRate));
    });
    for (const p of [a, b, c, d]) p.grad = null;
  }
  const coefficients = await Promise.all([a.item(), b.item(), c.item(), d.item()]);
  log(`Result: y = ${coefficients[0]} + ${coefficients[1]} * P3(${coefficients[2]} + ${coefficients[3]} x)`);
  return { reluLosses, p3Losses, coefficients };
}

await runAsScript(import.meta.url, { steps: 2000, every: 100 }, run);
