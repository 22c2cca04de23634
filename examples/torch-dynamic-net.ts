// The seed's "Control Flow + Weight Sharing": DynamicNet draws 0 to 3 at each forward pass and
// applies the same middle Linear that many times, so one set of weights is shared by every use.
// Trained with SGD (lr 1e-4, momentum 0.9) on MSELoss(sum), 500 steps. The draw uses a small
// seeded generator (the seed uses Python's `random.randint(0, 3)`), so runs repeat exactly.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

type Tensor = torch.Tensor;

/** Python's random.randint(lo, hi) (inclusive), from a seeded mulberry32 generator. */
export function seededRandint(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    const u = ((r ^ (r >>> 14)) >>> 0) / 2 ** 32;
    return lo + Math.floor(u * (hi - lo + 1));
  };
}

export class DynamicNet extends torch.nn.Module {
  inputLinear: torch.nn.Linear;
  middleLinear: torch.nn.Linear;
  outputLinear: torch.nn.Linear;
  /** How many times the middle layer ran in the last forward pass. */
  lastDepth = 0;
  constructor(D_in: number, H: number, D_out: number, private readonly randint: (lo: number, hi: number) => number) {
    super();
    this.inputLinear = new torch.nn.Linear(D_in, H);
    this.middleLinear = new torch.nn.Linear(H, H);
    this.outputLinear = new torch.nn.Linear(H, D_out);
  }
  /** Ordinary control flow decides the depth; reusing middleLinear shares its weights. */
  forward(x: Tensor): Tensor {
    let hRelu = this.inputLinear(x).clamp({ min: 0 });
    this.lastDepth = this.randint(0, 3);
    for (let i = 0; i < this.lastDepth; i++) hRelu = this.middleLinear(hRelu).clamp({ min: 0 });
    return this.outputLinear(hRelu);
  }
}

export async function run(opts: RunOptions): Promise<{ losses: number[]; depths: number[] }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const x = torch.randn(N, D_in);
  const y = torch.randn(N, D_out);

  const model = new DynamicNet(D_in, H, D_out, seededRandint(0));
  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-4, momentum: 0.9 });
  const losses: number[] = [];
  const depths: number[] = [];
  for (let t = 0; t < opts.steps; t++) {
    const yPred = model(x);
    depths.push(model.lastDepth);
    const loss = criterion(yPred, y);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value, [`(middle layer applied ${model.lastDepth}×)`]);
    }
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return { losses, depths };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
