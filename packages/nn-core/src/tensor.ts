/**
 * Tensor methods: one-line sugar over `ops/`, so `x.matmul(w).add(b).tanh()` reads like PyTorch.
 * The class itself lives in autograd/tensor.ts (below ops in the layering); this module adds the methods to its
 * prototype and their types by declaration merging. It is imported for its effect by index.ts.
 */
import { Tensor } from './autograd/tensor.js';
import type { DType } from './dtype.js';
import type { Shape } from './shape.js';
import { add, div, mul, pow, sub, type Operand } from './ops/binary.js';
import { clone, toDtype } from './ops/cast.js';
import { chunk, split } from './ops/chunk.js';
import { expand, expandAs } from './ops/expand.js';
import { gather } from './ops/gather.js';
import { indexSelect, type IndexLike } from './ops/index_select.js';
import { logSoftmax } from './ops/log_softmax.js';
import { matmul } from './ops/matmul.js';
import { amax, argmax, max, mean, sum, type Dims } from './ops/reduce.js';
import { narrow, select, slice } from './ops/slice.js';
import { softmax } from './ops/softmax.js';
import { squeeze, unsqueeze } from './ops/squeeze.js';
import { permute, t, transpose } from './ops/transpose.js';
import { abs, exp, log, neg, relu, sigmoid, sqrt, tanh } from './ops/unary.js';
import { flatten, reshape, view } from './ops/view.js';
import { maskedFill } from './ops/where.js';

declare module './autograd/tensor.js' {
  interface Tensor {
    add(other: Operand, alpha?: number): Tensor;
    sub(other: Operand, alpha?: number): Tensor;
    mul(other: Operand): Tensor;
    div(other: Operand): Tensor;
    pow(exponent: Operand): Tensor;
    neg(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    tanh(): Tensor;
    sigmoid(): Tensor;
    relu(): Tensor;
    abs(): Tensor;
    sqrt(): Tensor;
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): [Tensor, Tensor];
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    argmax(dim?: number, keepdim?: boolean): Tensor;
    matmul(other: Tensor): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
    reshape(shape: Shape): Tensor;
    view(shape: Shape): Tensor;
    flatten(startDim?: number, endDim?: number): Tensor;
    transpose(dim0: number, dim1: number): Tensor;
    permute(dims: readonly number[]): Tensor;
    t(): Tensor;
    narrow(dim: number, start: number, length: number): Tensor;
    slice(dim: number, start?: number, end?: number, step?: number): Tensor;
    select(dim: number, index: number): Tensor;
    indexSelect(dim: number, index: IndexLike): Tensor;
    gather(dim: number, index: Tensor): Tensor;
    squeeze(dim?: number | readonly number[]): Tensor;
    unsqueeze(dim: number): Tensor;
    expand(shape: Shape): Tensor;
    expandAs(other: Tensor): Tensor;
    chunk(chunks: number, dim?: number): Tensor[];
    split(splitSizeOrSections: number | readonly number[], dim?: number): Tensor[];
    maskedFill(mask: Tensor, value: number): Tensor;
    /** PyTorch: `x.to(dtype)`. */
    toDtype(dtype: DType): Tensor;
    clone(): Tensor;
  }
}

const methods: Partial<Tensor> = {
  add(this: Tensor, o: Operand, alpha?: number) { return add(this, o, alpha); },
  sub(this: Tensor, o: Operand, alpha?: number) { return sub(this, o, alpha); },
  mul(this: Tensor, o: Operand) { return mul(this, o); },
  div(this: Tensor, o: Operand) { return div(this, o); },
  pow(this: Tensor, o: Operand) { return pow(this, o); },
  neg(this: Tensor) { return neg(this); },
  exp(this: Tensor) { return exp(this); },
  log(this: Tensor) { return log(this); },
  tanh(this: Tensor) { return tanh(this); },
  sigmoid(this: Tensor) { return sigmoid(this); },
  relu(this: Tensor) { return relu(this); },
  abs(this: Tensor) { return abs(this); },
  sqrt(this: Tensor) { return sqrt(this); },
  sum(this: Tensor, dim?: Dims, keepdim?: boolean) { return sum(this, dim, keepdim); },
  mean(this: Tensor, dim?: Dims, keepdim?: boolean) { return mean(this, dim, keepdim); },
  max: function (this: Tensor, dim?: number, keepdim?: boolean) {
    return dim === undefined ? max(this) : max(this, dim, keepdim);
  } as Tensor['max'],
  amax(this: Tensor, dim?: Dims, keepdim?: boolean) { return amax(this, dim, keepdim); },
  argmax(this: Tensor, dim?: number, keepdim?: boolean) { return argmax(this, dim, keepdim); },
  matmul(this: Tensor, o: Tensor) { return matmul(this, o); },
  softmax(this: Tensor, dim: number) { return softmax(this, dim); },
  logSoftmax(this: Tensor, dim: number) { return logSoftmax(this, dim); },
  reshape(this: Tensor, s: Shape) { return reshape(this, s); },
  view(this: Tensor, s: Shape) { return view(this, s); },
  flatten(this: Tensor, a?: number, b?: number) { return flatten(this, a, b); },
  transpose(this: Tensor, a: number, b: number) { return transpose(this, a, b); },
  permute(this: Tensor, dims: readonly number[]) { return permute(this, dims); },
  t(this: Tensor) { return t(this); },
  narrow(this: Tensor, dim: number, start: number, length: number) { return narrow(this, dim, start, length); },
  slice(this: Tensor, dim: number, start?: number, end?: number, step?: number) { return slice(this, dim, start, end, step); },
  select(this: Tensor, dim: number, index: number) { return select(this, dim, index); },
  indexSelect(this: Tensor, dim: number, index: IndexLike) { return indexSelect(this, dim, index); },
  gather(this: Tensor, dim: number, index: Tensor) { return gather(this, dim, index); },
  squeeze(this: Tensor, dim?: number | readonly number[]) { return squeeze(this, dim); },
  unsqueeze(this: Tensor, dim: number) { return unsqueeze(this, dim); },
  expand(this: Tensor, s: Shape) { return expand(this, s); },
  expandAs(this: Tensor, o: Tensor) { return expandAs(this, o); },
  chunk(this: Tensor, n: number, dim?: number) { return chunk(this, n, dim); },
  split(this: Tensor, s: number | readonly number[], dim?: number) { return split(this, s, dim); },
  maskedFill(this: Tensor, mask: Tensor, value: number) { return maskedFill(this, mask, value); },
  toDtype(this: Tensor, dtype: DType) { return toDtype(this, dtype); },
  clone(this: Tensor) { return clone(this); },
};

Object.assign(Tensor.prototype, methods);
