import { allocate, dtypeOf, isFloatDtype, type DType, type TypedArray } from '../dtype.js';
import { fmtShape, numel, ShapeError, type Shape } from '../shape.js';
import type { GradNode } from './node.js';
import { runBackward } from './engine.js';

export interface TensorOptions {
  requiresGrad?: boolean;
}

/**
 * An n-dimensional array with contiguous row-major storage and reverse-mode autograd.
 *
 * Storage is always contiguous: ops that rearrange elements (transpose, permute, slice) copy, while
 * `reshape`/`view` share storage. Gradients accumulate into `grad` (`+=`) until cleared with `zeroGrad()`.
 * Op methods (`x.add(y)`, `x.matmul(w)`, …) are installed by `tensor.ts` as one-line sugar over `ops/`.
 */
export class Tensor {
  /** Contiguous row-major elements. Mutating it bypasses autograd (optimizers do so on leaves). */
  data: TypedArray;
  readonly shape: number[];
  readonly dtype: DType;
  /** Accumulated gradient (same shape and dtype), or null before the first backward. */
  grad: Tensor | null = null;
  /** The node that produced this tensor, or null for a leaf. */
  gradFn: GradNode | null = null;
  /** Which output of `gradFn` this tensor is. */
  outputIndex = 0;
  private _requiresGrad = false;

  constructor(data: TypedArray, shape: Shape, options: TensorOptions = {}) {
    const n = numel(shape);
    if (data.length !== n) {
      throw new ShapeError(`Tensor: ${data.length} elements do not fill shape ${fmtShape(shape)} (${n} elements)`);
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtypeOf(data);
    if (options.requiresGrad) this.requiresGrad = true;
  }

  /** Whether gradients flow to this tensor. Only float tensors can require grad. */
  get requiresGrad(): boolean {
    return this._requiresGrad;
  }

  set requiresGrad(on: boolean) {
    if (on && !isFloatDtype(this.dtype)) {
      throw new TypeError(`requiresGrad: only float tensors can require gradients, this one is ${this.dtype}`);
    }
    if (!on && this.gradFn) {
      throw new Error('requiresGrad: cannot turn off gradients of a non-leaf tensor; use detach()');
    }
    this._requiresGrad = on;
  }

  /** True for tensors created by the user (not by an op that records a graph). */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }

  /** Number of dims. */
  get ndim(): number {
    return this.shape.length;
  }

  /** Number of elements (PyTorch: `numel()`). */
  numel(): number {
    return this.data.length;
  }

  /** Size of one dim, or the whole shape. Negative dims count from the end. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    const d = dim < 0 ? dim + this.shape.length : dim;
    if (!Number.isInteger(d) || d < 0 || d >= this.shape.length) {
      throw new ShapeError(`size: dim ${dim} is out of range for shape ${fmtShape(this.shape)}`);
    }
    return this.shape[d];
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.data.length !== 1) {
      throw new ShapeError(`item: tensor of shape ${fmtShape(this.shape)} has ${this.data.length} elements, expected 1`);
    }
    return this.data[0];
  }

  /** Nested JavaScript arrays (a number for a scalar). */
  toArray(): NestedArray {
    return nest(this.data, this.shape, 0, 0);
  }

  /** A tensor sharing storage with this one, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  /**
   * Back-propagates from this tensor. Without `grad` the tensor must hold one element (gradient 1).
   * The graph is freed afterwards unless `retainGraph` is set.
   */
  backward(grad?: Tensor, options: { retainGraph?: boolean } = {}): void {
    runBackward(this, grad, options.retainGraph ?? false, (data, shape) => new Tensor(data, shape));
  }

  /** Zero-fills `grad` in place (keeps the buffer). */
  zeroGrad(): void {
    this.grad?.data.fill(0);
  }

  /** `JSON.stringify` form: `{ dtype, shape, data }` with the elements as plain numbers. */
  toJSON(): { dtype: DType; shape: number[]; data: number[] } {
    return { dtype: this.dtype, shape: [...this.shape], data: Array.from(this.data) };
  }

  toString(): string {
    const body = this.data.length <= 20 ? JSON.stringify(this.toArray()) : `<${this.data.length} elements>`;
    return `tensor(${body}, shape=${fmtShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

export type NestedArray = number | NestedArray[];

function nest(data: TypedArray, shape: readonly number[], dim: number, offset: number): NestedArray {
  if (dim === shape.length) return data[offset];
  const out: NestedArray[] = [];
  let stride = 1;
  for (let i = dim + 1; i < shape.length; i++) stride *= shape[i];
  for (let i = 0; i < shape[dim]; i++) out.push(nest(data, shape, dim + 1, offset + i * stride));
  return out;
}

/** A fresh tensor of zeros with the given shape and dtype (internal helper for ops and the engine). */
export function zerosOf(shape: Shape, dtype: DType): Tensor {
  return new Tensor(allocate(dtype, numel(shape)), shape);
}
