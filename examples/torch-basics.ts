// The seed's tensor tour (its cells in order): legacy typed tensors, three ways to add,
// broadcasting with LongTensor(...).random_(10), matmul against elementwise products, view,
// indexing, a computation graph with gradFn, gradients that accumulate over repeated backward
// calls (--steps of them), and an nn.Linear called like a function.
import * as torch from '../src/nn/index.js';
import { RunOptions, runAsScript } from './torch-common.js';

export async function run(opts: RunOptions): Promise<{ accumulated: number[] }> {
  const log = opts.log ?? (() => {});
  // Prints tensors (read asynchronously, so this works on every backend) and labels.
  const show = async (...items: (torch.Tensor | string)[]) => log(...(await Promise.all(items.map((i) => (typeof i === 'string' ? i : i.format())))));
  torch.manualSeed(0);

  // torch.Tensor is short for torch.FloatTensor; arrays are never uninitialised here (zeros).
  const uninitFloat = torch.FloatTensor(4, 6);
  await show(uninitFloat);
  log(`dtype of the above: ${uninitFloat.dtype}`);

  // Tensors from (nested) lists.
  await show(torch.FloatTensor([3.2, 4.3, 5.5]));
  await show(torch.FloatTensor([[3.2], [4.3], [5.5]]));

  // Three ways to add.
  const randFloat = torch.rand(4, 6);
  const otherRandFloat = torch.rand(4, 6);
  await show(randFloat.add(otherRandFloat));
  await show(torch.add(randFloat, otherRandFloat));
  randFloat.add_(otherRandFloat);
  await show(randFloat);

  // Broadcasting: x of shape [3] is added to each row of y of shape [5, 3].
  let x = torch.LongTensor(3).random_(10);
  let y = torch.LongTensor(5, 3).random_(10);
  await show(x, y, x.add(y));

  // Matrix multiply versus the (usually unintentional) elementwise product.
  x = torch.LongTensor(4, 6).random_(10);
  y = torch.LongTensor(6, 4).random_(10);
  await show(x, y, 'x @ y (matrix multiply) :', x.matmul(y));
  try {
    x.mul(y);
  } catch (e) {
    log('x * y (elementwise multiply) :', e instanceof Error ? e.message : String(e));
  }

  // view: the same values in another shape; -1 is inferred.
  x = torch.LongTensor(4, 4).random_(10);
  await show(x, x.view(2, 8), x.view(8, -1), x.view(-1));

  // Indexing as NumPy: x[0], x[-1], x[:, 2], x[:, -1].
  x = torch.LongTensor(3, 5).random_(10);
  await show(x);
  await show('First row:', x.index(0));
  await show('Last row:', x.index(-1));
  await show('3rd column from left:', x.index(':', 2));
  await show('Last column from left:', x.index(':', -1));

  // A computation graph: z remembers the function that created it.
  const a = torch.tensor([1, 2, 3], { requiresGrad: true });
  const b = torch.tensor([4, 5, 6], { requiresGrad: true });
  const z = a.add(b);
  await show(z.data, String(z.gradFn));
  const zSum = torch.sum(z);
  await show(zSum, String(zSum.gradFn));

  // Run the backward cell several times: the gradient in .grad accumulates.
  const accumulated: number[] = [];
  for (let run = 0; run < opts.steps; run++) {
    zSum.backward({ retainGraph: true });
    await show(a.grad!);
    accumulated.push(await a.grad!.index(0).item());
  }

  // nn.Linear: y = Ax + b with learnable A and b; a model is called like a function.
  const myModel = new torch.nn.Linear(1, 1);
  await show(...myModel.parameters());
  await show(myModel(torch.FloatTensor([[0], [1], [2]])));
  return { accumulated };
}

await runAsScript(import.meta.url, { steps: 3, every: 1 }, run);
