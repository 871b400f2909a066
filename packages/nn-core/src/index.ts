export * from './autograd/index.js';
export * from './creation.js';
export * from './dtype.js';
export * from './shape.js';
export { Generator, defaultGenerator, manualSeed, type GeneratorState } from './random.js';
export { add, sub, mul, div, pow, type Operand } from './ops/binary.js';
