/**
 * `nn`: modules, parameters, initializers and utilities (PyTorch: `torch.nn`).
 */
export {
  Module,
  moduleDtype,
  type ModuleOptions,
  type LoadStateDictOptions,
  type LoadStateDictResult,
} from './module.js';
export { Parameter } from './parameter.js';
export { Linear, type LinearOptions } from './linear.js';
export { Embedding, type EmbeddingModuleOptions, type FromPretrainedOptions } from './embedding.js';
export { Dropout, type DropoutOptions } from './dropout.js';
export { Sequential, type Layer } from './sequential.js';
export * as init from './init.js';
export * as utils from './utils/index.js';
export * as functional from './functional.js';
export * from './rnn/index.js';
export { NLLLoss, CrossEntropyLoss, MSELoss } from './loss.js';
