// torch.nn: modules, layers, losses, nn.functional (also as F), nn.init and functionalCall.
export { Module, Parameter, Sequential, ModuleList } from './module.js';
export { Linear, ReLU, Tanh, Sigmoid, Softmax, Identity, Flatten } from './layers.js';
export { Conv1d, Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, BatchNorm1d, BatchNorm2d, GroupNorm } from './conv-layers.js';
export { MSELoss, L1Loss, CrossEntropyLoss, NLLLoss } from './loss.js';
export {
  GELU, SiLU, Mish, ReLU6, SELU, Hardsigmoid, Hardswish, LogSigmoid, Softsign, LeakyReLU, ELU, CELU, Softplus, Hardtanh, GLU,
  LogSoftmax, Dropout, LayerNorm, Embedding, BCELoss, BCEWithLogitsLoss, SmoothL1Loss, HuberLoss,
} from './layers-more.js';
export { functionalCall } from './compile.js';
export * as functional from './functional.js';
export * as F from './functional.js';
export * as init from './init.js';
