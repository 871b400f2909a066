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
export * as init from './init.js';
