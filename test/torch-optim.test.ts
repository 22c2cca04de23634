// cotangent/torch optimizers against PyTorch's update formulas. Each reference below is written
// out independently in plain double-precision JS from PyTorch's algorithm (torch/optim/*.py, the
// single-tensor path); the optimizers run in float32 on the quadratic loss Σ c·p² + d·p, whose
// gradient is 2c·p + d, for three steps. A few values are also worked out by hand.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';

type Tensor = torch.Tensor;
type Optimizer = torch.optim.Optimizer<object>;
const P0 = [1.0, -0.5, 2.0], C = [1.0, 3.0, 0.25], D = [0.5, -1.0, 0.0];
const gradOf = (p: readonly number[]) => p.map((v, i) => 2 * C[i]! * v + D[i]!);

/** Three steps of an optimizer on the quadratic; the parameter after each step. */
function runOptimizer(make: (params: Tensor[]) => Optimizer, steps = 3): number[][] {
  const p = torch.tensor(P0, { requiresGrad: true });
  const c = torch.tensor(C), d = torch.tensor(D);
  const opt = make([p]);
  const out: number[][] = [];
  for (let t = 0; t < steps; t++) {
    opt.zeroGrad();
    p.mul(p).mul(c).add(p.mul(d)).sum().backward();
    opt.step();
    out.push(Array.from(p.array.dataSync()));
  }
  return out;
}
/** The same three steps with a reference update written on plain numbers. */
function runReference(update: (p: number[], g: number[], t: number) => void, steps = 3): number[][] {
  const p = [...P0];
  const out: number[][] = [];
  for (let t = 1; t <= steps; t++) {
    update(p, gradOf(p), t);
    out.push([...p]);
  }
  return out;
}
function assertSteps(got: number[][], want: number[][], tol = 2e-6, label = '') {
  want.forEach((row, t) => row.forEach((w, i) => {
    const g = got[t]![i]!;
    assert.ok(Math.abs(g - w) <= tol * (1 + Math.abs(w)), `${label} step ${t + 1}, p[${i}]: got ${g}, expected ${w}`);
  }));
}
const zeros = () => P0.map(() => 0);

// ---- SGD ------------------------------------------------------------------------------------------
test('SGD with momentum, worked by hand on p² (g = 2p, lr 0.1, momentum 0.9): 0.8, 0.46, 0.062', () => {
  const p = torch.tensor([1], { requiresGrad: true });
  const opt = new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
  const got: number[] = [];
  for (let t = 0; t < 3; t++) {
    opt.zeroGrad();
    p.pow(2).sum().backward();
    opt.step();
    got.push(p.itemSync());
  }
  // buf₁ = 2, p₁ = 1 − 0.2; buf₂ = 0.9·2 + 1.6 = 3.4, p₂ = 0.8 − 0.34; buf₃ = 0.9·3.4 + 0.92 = 3.98, p₃ = 0.46 − 0.398.
  assertSteps([got], [[0.8, 0.46, 0.062]], 1e-6);
});

function sgdReference(o: { lr: number; momentum?: number; dampening?: number; weightDecay?: number; nesterov?: boolean; maximize?: boolean }) {
  const buf = zeros();
  return (p: number[], g0: number[], t: number) => p.forEach((v, i) => {
    let g = o.maximize ? -g0[i]! : g0[i]!;
    if (o.weightDecay) g += o.weightDecay * v;
    if (o.momentum) {
      buf[i] = t === 1 ? g : o.momentum * buf[i]! + (1 - (o.dampening ?? 0)) * g;
      g = o.nesterov ? g + o.momentum * buf[i]! : buf[i]!;
    }
    p[i] = v - o.lr * g;
  });
}

test('SGD: plain, momentum with dampening, Nesterov with weight decay, maximize', () => {
  const configs = [
    { lr: 0.05 },
    { lr: 0.05, momentum: 0.9, dampening: 0.3 },
    { lr: 0.05, momentum: 0.8, nesterov: true, weightDecay: 0.1 },
    { lr: 0.01, maximize: true },
  ];
  for (const o of configs) {
    assertSteps(runOptimizer((ps) => new torch.optim.SGD(ps, o)), runReference(sgdReference(o)), 2e-6, JSON.stringify(o));
  }
  assert.throws(() => new torch.optim.SGD([torch.zeros(1, { requiresGrad: true })], { nesterov: true }), /Nesterov momentum requires a momentum/);
});

// ---- Adam / AdamW ---------------------------------------------------------------------------------
function adamReference(o: { lr: number; betas?: [number, number]; eps?: number; weightDecay?: number; amsgrad?: boolean; decoupled?: boolean }) {
  const [b1, b2] = o.betas ?? [0.9, 0.999];
  const eps = o.eps ?? 1e-8, wd = o.weightDecay ?? 0;
  const m = zeros(), v = zeros(), vMax = zeros();
  return (p: number[], g0: number[], t: number) => p.forEach((x, i) => {
    let g = g0[i]!, param = x;
    if (wd && o.decoupled) param *= 1 - o.lr * wd;
    else if (wd) g += wd * x;
    m[i] = b1 * m[i]! + (1 - b1) * g;
    v[i] = b2 * v[i]! + (1 - b2) * g * g;
    vMax[i] = Math.max(vMax[i]!, v[i]!);
    const mHat = m[i]! / (1 - b1 ** t);
    const vHat = (o.amsgrad ? vMax[i]! : v[i]!) / (1 - b2 ** t);
    p[i] = param - o.lr * mHat / (Math.sqrt(vHat) + eps);
  });
}

test('Adam\'s first step moves each coordinate by lr·g/(|g| + eps): by hand, 1 − 0.1·2/2 = 0.9', () => {
  const p = torch.tensor([1], { requiresGrad: true });
  const opt = new torch.optim.Adam([p], { lr: 0.1 });
  p.pow(2).sum().backward();
  opt.step();
  assertSteps([[p.itemSync()]], [[0.9]], 1e-7);
  const state = opt.state.get(p)!;
  assert.equal(Object.keys(state).sort(), ['expAvg', 'expAvgSq', 'step']);
  assert.is(state.step!.itemSync(), 1);
  assertSteps([[state.expAvg!.itemSync(), state.expAvgSq!.itemSync()]], [[0.2, 0.004]], 1e-6);
});

test('Adam (plain, weight decay, amsgrad) and AdamW against PyTorch\'s formulas over three steps', () => {
  const configs = [
    { lr: 0.1 },
    { lr: 0.05, betas: [0.8, 0.99] as [number, number], eps: 1e-3, weightDecay: 0.2 },
    { lr: 0.1, amsgrad: true },
  ];
  for (const o of configs) {
    assertSteps(runOptimizer((ps) => new torch.optim.Adam(ps, o)), runReference(adamReference(o)), 2e-6, `Adam ${JSON.stringify(o)}`);
  }
  // A gradient that shrinks then grows exercises amsgrad's running maximum.
  const w = torch.tensor([1], { requiresGrad: true });
  const ams = new torch.optim.Adam([w], { lr: 0.1, amsgrad: true, betas: [0.5, 0.5] });
  const scales = [3, 0.1, 0.1];
  const ref = adamReference({ lr: 0.1, amsgrad: true, betas: [0.5, 0.5] });
  const refP = [1];
  for (const [t, s] of scales.entries()) {
    ams.zeroGrad();
    w.mul(s).sum().backward();
    ams.step();
    ref(refP, [s], t + 1);
    assertSteps([[w.itemSync()]], [[refP[0]!]], 2e-6, `amsgrad step ${t + 1}`);
  }
  for (const o of [{ lr: 0.1 }, { lr: 0.1, weightDecay: 0.5 }]) {
    assertSteps(runOptimizer((ps) => new torch.optim.AdamW(ps, o)), runReference(adamReference({ ...o, weightDecay: o.weightDecay ?? 1e-2, decoupled: true })), 2e-6, `AdamW ${JSON.stringify(o)}`);
  }
});

// ---- RMSprop --------------------------------------------------------------------------------------
function rmspropReference(o: { lr: number; alpha?: number; eps?: number; weightDecay?: number; momentum?: number; centered?: boolean }) {
  const alpha = o.alpha ?? 0.99, eps = o.eps ?? 1e-8;
  const sq = zeros(), gAvg = zeros(), buf = zeros();
  return (p: number[], g0: number[]) => p.forEach((x, i) => {
    let g = g0[i]!;
    if (o.weightDecay) g += o.weightDecay * x;
    sq[i] = alpha * sq[i]! + (1 - alpha) * g * g;
    let avg: number;
    if (o.centered) {
      gAvg[i] = alpha * gAvg[i]! + (1 - alpha) * g;
      avg = Math.sqrt(sq[i]! - gAvg[i]! ** 2) + eps;
    } else {
      avg = Math.sqrt(sq[i]!) + eps;
    }
    if (o.momentum) {
      buf[i] = o.momentum * buf[i]! + g / avg;
      p[i] = x - o.lr * buf[i]!;
    } else {
      p[i] = x - o.lr * g / avg;
    }
  });
}

test('RMSprop (plain; centered with momentum and weight decay) against PyTorch\'s formulas', () => {
  for (const o of [{ lr: 0.01 }, { lr: 0.01, alpha: 0.9, centered: true, momentum: 0.5, weightDecay: 0.1 }]) {
    assertSteps(runOptimizer((ps) => new torch.optim.RMSprop(ps, o)), runReference(rmspropReference(o)), 2e-6, `RMSprop ${JSON.stringify(o)}`);
  }
});

// ---- Adagrad --------------------------------------------------------------------------------------
function adagradReference(o: { lr: number; lrDecay?: number; weightDecay?: number; initialAccumulatorValue?: number; eps?: number }) {
  const sum = P0.map(() => o.initialAccumulatorValue ?? 0);
  return (p: number[], g0: number[], t: number) => p.forEach((x, i) => {
    let g = g0[i]!;
    if (o.weightDecay) g += o.weightDecay * x;
    const clr = o.lr / (1 + (t - 1) * (o.lrDecay ?? 0));
    sum[i]! += g * g;
    p[i] = x - clr * g / (Math.sqrt(sum[i]!) + (o.eps ?? 1e-10));
  });
}

test('Adagrad (plain; lr decay, weight decay and an initial accumulator) against PyTorch\'s formulas', () => {
  for (const o of [{ lr: 0.1 }, { lr: 0.1, lrDecay: 0.5, weightDecay: 0.2, initialAccumulatorValue: 0.3 }]) {
    assertSteps(runOptimizer((ps) => new torch.optim.Adagrad(ps, o)), runReference(adagradReference(o)), 2e-6, `Adagrad ${JSON.stringify(o)}`);
  }
});

// ---- the Optimizer object -------------------------------------------------------------------------
test('parameter groups, zeroGrad, skipped parameters without gradients, and stateDict round trips', () => {
  const a = torch.tensor([1], { requiresGrad: true }), b = torch.tensor([1], { requiresGrad: true }), unused = torch.tensor([5], { requiresGrad: true });
  const opt = new torch.optim.SGD([{ params: [a], lr: 0.5 }, { params: [b, unused] }], { lr: 0.1, momentum: 0.9 });
  assert.equal(opt.paramGroups.map((g) => g.lr), [0.5, 0.1]);
  a.add(b).sum().backward();
  opt.step();
  assertSteps([[a.itemSync(), b.itemSync(), unused.itemSync()]], [[0.5, 0.9, 5]], 1e-7);
  const saved = opt.stateDict();
  assert.equal(Object.keys(saved.state), ['0', '1']);
  assert.equal(saved.paramGroups[1]!.params, [1, 2]);
  opt.zeroGrad();
  assert.is(a.grad, null);
  const fresh = new torch.optim.SGD([{ params: [a], lr: 0.5 }, { params: [b, unused] }], { lr: 0.1, momentum: 0.9 });
  fresh.loadStateDict(saved);
  assert.equal(Array.from(fresh.state.get(b)!.momentumBuffer!.array.dataSync()), [1]);
  assert.match(opt.toString(), /SGD \(\nParameter Group 0\n    lr: 0.5/);
  assert.throws(() => new torch.optim.Adam([a.mul(2)]), /non-leaf/);
});

test('step(closure) evaluates the loss with grad enabled and returns it', () => {
  const p = torch.tensor([3], { requiresGrad: true });
  const opt = new torch.optim.SGD([p], { lr: 0.25 });
  const loss = torch.noGrad(() => opt.step(() => { opt.zeroGrad(); const l = p.pow(2).sum(); l.backward(); return l; }));
  assert.is(loss!.itemSync(), 9);
  assert.is(p.itemSync(), 1.5);
});

test.run();
