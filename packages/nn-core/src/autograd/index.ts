export { Tensor, zerosOf, type TensorOptions, type NestedArray } from './tensor.js';
export { defineOp, defineMultiOp, willRecord, type OpResult, type MultiOpResult } from './define_op.js';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled } from './grad_mode.js';
export type { AccumulatingGrad, GradEdge, GradNode, BackwardFn, InputGrad } from './node.js';
export { gradcheck, assertGradcheck, type GradcheckOptions, type GradcheckFailure } from './gradcheck.js';
