// The seed's "PyTorch: Custom Modules": TwoLayerNet, a Module subclass with two Linear layers and
// a forward that clamps between them, trained with optim.SGD (lr 1e-4) on MSELoss(sum), 500 steps.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript, logStep, shouldPrint } from './torch-common.js';

type Tensor = torch.Tensor;

export class TwoLayerNet extends torch.nn.Module {
  linear1: torch.nn.Linear;
  linear2: torch.nn.Linear;
  /** Two nn.Linear modules, registered by assigning them. */
  constructor(D_in: number, H: number, D_out: number) {
    super();
    this.linear1 = new torch.nn.Linear(D_in, H);
    this.linear2 = new torch.nn.Linear(H, D_out);
  }
  /** Any tensor operations may be used between the modules. */
  forward(x: Tensor): Tensor {
    const hRelu = this.linear1(x).clamp({ min: 0 });
    return this.linear2(hRelu);
  }
}

export async function run(opts: RunOptions): Promise<{ losses: number[]; description: string }> {
  const log = opts.log ?? (() => {});
  torch.manualSeed(0);
  const [N, D_in, H, D_out] = [64, 1000, 100, 10];
  const x = torch.randn(N, D_in);
  const y = torch.randn(N, D_out);

  const model = new TwoLayerNet(D_in, H, D_out);
  log(model.toString());

  const criterion = new torch.nn.MSELoss({ reduction: 'sum' });
  const optimizer = new torch.optim.SGD(model.parameters(), { lr: 1e-4 });
  const losses: number[] = [];
  for (let t = 0; t < opts.steps; t++) {
    const yPred = model(x);
    const loss = criterion(yPred, y);
    if (shouldPrint(t, opts)) {
      const value = await loss.item();
      losses.push(value);
      logStep(opts, t, value);
    }
    optimizer.zeroGrad();
    loss.backward();
    optimizer.step();
  }
  return { losses, description: model.toString() };
}

await runAsScript(import.meta.url, { steps: 500, every: 1 }, run);
