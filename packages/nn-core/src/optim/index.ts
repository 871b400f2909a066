/**
 * `optim`: optimizers and learning-rate schedulers (PyTorch: `torch.optim`).
 */
export {
  Optimizer,
  type BaseOptions,
  type ParamGroup,
  type ParamGroupInput,
  type ParamsInput,
  type OptimizerStateDict,
  type SerializedTensor,
  type StateValue,
  type SerializedStateValue,
} from './optimizer.js';
export { SGD, type SGDOptions } from './sgd.js';
export { Adam, type AdamOptions } from './adam.js';
export { AdamW, type AdamWOptions } from './adamw.js';
export * as lrScheduler from './lr_scheduler.js';
