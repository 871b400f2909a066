export * from './autograd/index.js';
export * from './creation.js';
export * from './dtype.js';
export * from './shape.js';
export { Generator, defaultGenerator, manualSeed, type GeneratorState } from './random.js';
export { add, sub, mul, div, pow, type Operand } from './ops/binary.js';
export { neg, exp, log, tanh, sigmoid, relu, abs, sqrt } from './ops/unary.js';
export { sum, mean, max, amax, argmax, type Dims } from './ops/reduce.js';
