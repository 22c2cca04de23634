// The seed's nn.Sequential + Adam training step (N=64, D_in=1000, H=100, D_out=10, MSELoss(sum),
// lr 1e-4), timed four ways: torch-style eager, torch-style under torch.compile, and the same step
// written functionally with valueAndGrad and the Adam rule, eager and under jit. ms/step each.
// Usage: node build/bench/torch.js [--steps 50] [--backend cpu|webgpu]
import * as torch from '../src/nn/index.js';
import { np, jit, valueAndGrad } from '../src/index.js';
import { parseArgs } from '../examples/cli.js';

const opts = await parseArgs({ steps: 50, every: 1 });
const [N, D_in, H, D_out] = [64, 1000, 100, 10];
const lr = 1e-4;
const adam: torch.optim.AdamOptions = { lr, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };

torch.manualSeed(0);
const x = torch.randn(N, D_in), y = torch.randn(N, D_out);

/** A variant: one training step returning its loss, and its measurements so far. */
interface Variant { label: string; step: () => np.Array; perRound: number[]; loss: number }
const variants: Variant[] = [];
const variant = (label: string, step: () => np.Array) => variants.push({ label, step, perRound: [], loss: NaN });

/**
 * The variants run in interleaved rounds (A B C D, A B C D, ...) after 3 warm-up steps each (which
 * include any tracing); each variant's figure is its median ms/step over the rounds, so a slow
 * moment of a shared machine (or a garbage collection) does not land on one variant only.
 */
async function measure(rounds: number, stepsPerRound: number): Promise<void> {
  for (const v of variants) for (let i = 0; i < 3; i++) await v.step().data();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const start = performance.now();
      let last = v.step();
      for (let i = 1; i < stepsPerRound; i++) last = v.step();
      v.loss = await last.item();
      v.perRound.push((performance.now() - start) / stepsPerRound);
    }
  }
}
const median = (xs: readonly number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]!; };

// ---- torch style ------------------------------------------------------------------------------------
function torchSetup() {
  torch.manualSeed(1);
  const model = new torch.nn.Sequential(new torch.nn.Linear(D_in, H), new torch.nn.ReLU(), new torch.nn.Linear(H, D_out));
  const lossFn = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.Adam(model.parameters(), { lr });
  const step = (xs: torch.Tensor, ys: torch.Tensor): torch.Tensor => {
    const loss = lossFn(model(xs), ys);
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
    return loss;
  };
  return { model, optimizer, step };
}
const eager = torchSetup();
const compiledSetup = torchSetup();
const compiled = torch.compile(compiledSetup.step, { modules: [compiledSetup.model], optimizers: [compiledSetup.optimizer] });

// ---- functional: a pure step over arrays ------------------------------------------------------------
type Params = Record<'w1' | 'b1' | 'w2' | 'b2', np.Array>;
type AdamState = Record<keyof Params, torch.optim.StateArrays | null>;
function functionalSetup(): { params: Params; state: AdamState } {
  // The same initial values as the torch models (seed 1, Linear's init), taken from a fresh model.
  const { model } = torchSetup();
  const [w1, b1, w2, b2] = model.parameters().map((p) => p.detach().numpy());
  return { params: { w1: w1!, b1: b1!, w2: w2!, b2: b2! }, state: { w1: null, b1: null, w2: null, b2: null } };
}
const lossOf = (p: Params, xs: np.Array, ys: np.Array): np.Array => {
  const h = np.maximum(np.add(np.matmul(xs, np.transpose(p.w1)), p.b1), 0);
  return np.sum(np.square(np.subtract(np.add(np.matmul(h, np.transpose(p.w2)), p.b2), ys)));
};
const lossAndGrad = valueAndGrad(lossOf) as (p: Params, xs: np.Array, ys: np.Array) => [np.Array, Params];
function functionalStep(params: Params, state: AdamState, xs: np.Array, ys: np.Array): [np.Array, Params, AdamState] {
  const [loss, grads] = lossAndGrad(params, xs, ys);
  const newParams = {} as Params, newState = {} as AdamState;
  for (const k of Object.keys(params) as (keyof Params)[]) {
    [newParams[k], newState[k]] = torch.optim.adamUpdate(params[k], grads[k], state[k], adam);
  }
  return [loss, newParams, newState];
}
const jittedStep = jit(functionalStep, { donateArgnums: [0, 1] });

variant('torch eager', () => eager.step(x, y).array);
variant('torch.compile', () => compiled(x, y).array);
{
  let { params, state } = functionalSetup();
  variant('functional eager (valueAndGrad + adamUpdate)', () => {
    const [loss, p, s] = functionalStep(params, state, x.array, y.array);
    params = p; state = s;
    return loss;
  });
}
{
  let { params, state } = functionalSetup();
  variant('functional jit (same step, donated)', () => {
    const [loss, p, s] = jittedStep(params, state, x.array, y.array);
    params = p; state = s;
    return loss;
  });
}

const rounds = 5, stepsPerRound = Math.max(1, Math.round(opts.steps / rounds));
await measure(rounds, stepsPerRound);
console.log(`seed Sequential + Adam step, N=${N} D_in=${D_in} H=${H} D_out=${D_out}, on ${opts.backend}: median ms/step of ${rounds} interleaved rounds of ${stepsPerRound} steps`);
for (const v of variants) {
  console.log(`${v.label.padEnd(48)} ${median(v.perRound).toFixed(2).padStart(8)} ms/step   (rounds ${v.perRound.map((m) => m.toFixed(1)).join(' ')})   final loss ${v.loss.toPrecision(6)}`);
}
const [torchEager, torchCompiled, fnEager, fnJit] = variants.map((v) => median(v.perRound)) as [number, number, number, number];
console.log(`compat layer vs functional: eager ${((torchEager / fnEager - 1) * 100).toFixed(0)}%, compiled ${((torchCompiled / fnJit - 1) * 100).toFixed(0)}%; torch.compile speed-up over torch eager ${(torchEager / torchCompiled).toFixed(2)}×`);
