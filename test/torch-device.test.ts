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

test("Tensor.to parses PyTorch's arguments: a device, a dtype, both, another tensor, an object", () => {
  const x = torch.tensor([1, 2, 3], { requiresGrad: true });
  assert.is(x.to('cpu'), x, 'same device and dtype: the tensor itself');
  assert.is(x.cpu(), x);
  const d = x.to('float64');
  assert.is(d.dtype, 'float64');
  assert.is(x.to('cpu', 'float64').dtype, 'float64');
  assert.is(x.to({ device: 'cpu', dtype: 'int32' }).dtype, 'int32');
  assert.is(x.to(torch.zeros(1, { dtype: torch.float64 })).dtype, 'float64');
  d.mul(2).sum().backward();
  assert.equal(Array.from(x.grad!.array.dataSync()), [2, 2, 2], 'the gradient flows through a dtype change');
  assert.throws(() => x.to('tpu'), /Tensor\.to: unknown device 'tpu'; expected 'cpu', 'cuda'/);
  assert.throws(() => x.to('cuda:1'), /Tensor\.to: device 'cuda:1' does not exist/);
  assert.throws(() => x.to('float32', 'float64'), /Tensor\.to: two dtypes given/);
  assert.throws(() => x.to('cpu', 'bfloat16' as never), /Tensor\.to: unknown dtype "bfloat16"; expected one of bool/);
  assert.throws(() => x.to('int64'), /Tensor\.to: unknown dtype "int64"/);
  assert.throws(() => x.to(3 as never), /Tensor\.to: expected a device/);
  assert.throws(() => new torch.nn.Linear(2, 2).to('xla'), /Module\.to: unknown device 'xla'/);
});

test('Module.to casts floating parameters and buffers in place, keeping the Parameter objects', () => {
  const model = new torch.nn.Sequential(new torch.nn.Linear(3, 2), new torch.nn.BatchNorm1d(2));
  const weight = model.parameters()[0]!;
  model(torch.randn(4, 3)).sum().backward();
  const counted = model.buffers().find((b) => b.dtype === 'int32');
  assert.is(model.to('cpu'), model);
  model.to('float64');
  assert.is(model.parameters()[0], weight, 'the same Parameter');
  assert.ok(model.parameters().every((p) => p.dtype === 'float64' && p.grad!.dtype === 'float64'));
  if (counted) assert.is(counted.dtype, 'int32', 'integer buffers are not cast');
  assert.is(model(torch.randn(4, 3, { dtype: torch.float64 })).dtype, 'float64');
});

test("Tensor.to('cuda') without a WebGPU device says how to get one", () => {
  let hasWebGPU = true;
  try { torch.zeros(1, { device: 'cuda' }); } catch { hasWebGPU = false; }
  if (hasWebGPU) return; // acquired by another file in this process: covered in test/webgpu/
  assert.throws(() => torch.zeros(2).to('cuda'), /Tensor\.to: no WebGPU device yet \('cuda' is WebGPU here\): call `await torch\.cuda\.isAvailable\(\)` first/);
  assert.throws(() => new torch.nn.Linear(2, 2).cuda(), /Module\.to: no WebGPU device yet/);
});

test.run();
