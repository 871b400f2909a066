export { Tensor, zerosOf, type TensorOptions, type NestedArray } from './tensor.js';
export { defineOp, defineMultiOp, defineSparseMultiOp, willRecord, type OpResult, type MultiOpResult, type SparseMultiOpResult } from './define_op.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad_mode.js';
export type { AccumulatingGrad, GradEdge, GradNode, BackwardFn, SparseBackwardFn, InputGrad } from './node.js';
export { gradcheck, assertGradcheck, type GradcheckOptions, type GradcheckFailure } from './gradcheck.js';
