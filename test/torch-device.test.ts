// PyTorch's device idiom: torch.device('cuda') names WebGPU, device options take those spellings,
// and the legacy torch.autograd.Variable. (torch.cuda.isAvailable() is tested in test/webgpu/.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as torch from '../src/nn/index.js';

test('torch.device maps cpu, cuda, cuda:0, gpu and webgpu to backends', () => {
  assert.is(torch.device('cpu'), 'cpu');
  for (const name of ['cuda', 'cuda:0', 'CUDA', 'gpu', 'webgpu', 'webgpu:0']) assert.is(torch.device(name), 'webgpu', name);
  assert.throws(() => torch.device('cuda:1'), /torch\.device: device 'cuda:1' does not exist: there is one GPU device/);
  assert.throws(() => torch.device('tpu'), /torch\.device: unknown device 'tpu'; expected 'cpu', 'cuda'/);
  assert.is(torch.cuda, torch.webgpu);
});

test("device options take PyTorch's spellings; a bad one names the function", () => {
  const t = torch.zeros(2, 3, { device: torch.device('cpu') });
  assert.is(t.device, 'cpu');
  assert.is(torch.randn(2, { device: 'cpu' }).device, 'cpu');
  assert.throws(() => torch.ones(2, { device: 'cuda:3' }), /ones: device 'cuda:3' does not exist/);
  assert.throws(() => torch.tensor([1], { device: 'mps' }), /tensor: unknown device 'mps'/);
});

test('torch.autograd.Variable: a detached tensor sharing storage, with requiresGrad as given', () => {
  const base = torch.tensor([1, 2, 3]);
  const v = torch.autograd.Variable(base, { requiresGrad: true });
  assert.ok(v.requiresGrad && v.isLeaf);
  const w = new torch.autograd.Variable(base);
  assert.is(w.requiresGrad, false);
  v.sum().mul(2).backward();
  assert.equal(Array.from(v.grad!.array.dataSync()), [2, 2, 2]);
  torch.noGrad(() => base.add_(1));
  assert.equal(Array.from(v.array.dataSync()), [2, 3, 4], 'shares storage with the tensor it wraps');
  assert.throws(() => torch.autograd.Variable([1, 2] as never), /torch\.autograd\.Variable: expected a Tensor/);
});

test.run();
