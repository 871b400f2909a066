/**
 * `nn.utils` (PyTorch: `torch.nn.utils`): gradient clipping here; more utilities are re-exported as they
 * are added.
 */
export { clipGradNorm, clipGradValue, type ClipGradNormOptions } from '../clip_grad.js';
export * as rnn from '../rnn/packed.js';
export { skipInit } from '../init.js';
export { embedRecurrentPool, type Pooling } from '../rnn/pooled.js';
