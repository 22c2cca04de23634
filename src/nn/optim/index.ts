// torch.optim: the optimizers, and their pure update rules for functional training steps.
export { Optimizer } from './optimizer.js';
export type { OptimizerStateDict, ParamGroup, ParamsInput, StateArrays, UpdateRule } from './optimizer.js';
export { SGD, sgdUpdate } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam, AdamW, adamUpdate, adamwUpdate } from './adam.js';
export type { AdamOptions } from './adam.js';
export { RMSprop, rmspropUpdate } from './rmsprop.js';
export type { RMSpropOptions } from './rmsprop.js';
export { Adagrad, adagradUpdate } from './adagrad.js';
export type { AdagradOptions } from './adagrad.js';
export * as lrScheduler from './lr-scheduler.js';
