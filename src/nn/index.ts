// cotangent/torch: the PyTorch-style imperative layer over cotangent's core. Import it as
// `import * as torch from 'cotangent/torch'` (or `import { torch } from 'cotangent/torch'`) and
// write `torch.tensor`, `torch.nn.Linear`, `torch.optim.Adam`, `torch.noGrad`,
// `torch.autograd.Function`. Gradients come from the core's vjp (one set of derivative rules).
import '../index.js';

export { Tensor, Storage } from './tensor.js';
export type { TensorData } from './tensor.js';
export type { TensorLike, TensorIndex, Dim, ValuesIndices, ClampBounds } from './ops.js';
export { RuntimeError } from './autograd.js';
export * from './creation.js';
export { device, cuda, webgpu } from './device.js';
export { noGrad, enableGrad, setGradEnabled, isGradEnabled } from './grad-mode.js';
export { manualSeed, initialSeed } from './rng.js';
export { compile } from './compile.js';
export { cond } from './control.js';
export type { CompileOptions, CompiledStep } from './compile.js';
export {
  add, sub, mul, div, pow, neg, exp, log, log1p, expm1, sin, cos, tan, tanh, sigmoid, relu, sqrt, abs, sign, square, clamp,
  maximum, minimum, remainder, mm, matmul, sum, mean, prod, std, max, min, argmax, argmin,
  lt, le, gt, ge, eq, ne, logicalNot, isnan, allclose, equal,
  view, reshape, t, transpose, permute, unsqueeze, squeeze, flatten, expand, cat, stack, clone, where, maskedFill,
  softmax, logSoftmax,
} from './ops.js';
export { variance as var } from './ops.js';
export { cumsum, cumprod, einsum, concat, concatenate, hstack, vstack, rowStack, dstack, columnStack } from './ops-more.js';
export * as nn from './torch-nn.js';
export * as optim from './optim/index.js';
export * as utils from './utils/index.js';
export * as autograd from './autograd-api.js';
export * as linalg from './linalg.js';
/** torch.fft (complex tensors as a trailing dimension of 2: see src/nn/fft.ts). */
export * as fft from './fft.js';
export * as torch from './index.js';
