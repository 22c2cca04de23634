// torch.utils: data loading.
export * as data from './data.js';
