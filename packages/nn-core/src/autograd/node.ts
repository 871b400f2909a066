import type { DType, TypedArray } from '../dtype.js';
import type { Tensor } from './tensor.js';

/**
 * A gradient that adds itself into a leaf's `.grad` without a dense temporary (an embedding's: a few rows of a
 * large table). `addInto` must round exactly as `dst += dense()` would.
 */
export interface AccumulatingGrad {
  readonly kind: 'accumulating';
  readonly shape: readonly number[];
  readonly dtype: DType;
  /** dst += this gradient, element by element. */
  addInto(dst: TypedArray): void;
  /** The same gradient as a dense array (for inputs that are not leaves). */
  dense(): TypedArray;
}

/** A gradient for one input, or null/undefined when the input gets none. */
export type InputGrad = Tensor | AccumulatingGrad | null | undefined;

/**
 * Computes input gradients from output gradients. `douts[k]` has the shape of output k (zeros when no
 * gradient reached it); `needs[i]` says whether input i wants a gradient (others may return null).
 */
export type BackwardFn = (douts: Tensor[], needs: boolean[]) => InputGrad[];

/** One recorded op application in the graph. */
export interface GradNode {
  readonly name: string;
  /** Tensor inputs in argument order (arrays of tensors flattened in place). */
  inputs: Tensor[];
  /** Null once the graph has been freed by a backward pass. */
  backward: BackwardFn | null;
  /** Frees what backward saved (called, then nulled, when the graph is freed by a backward pass); null: nothing to do. */
  release: (() => void) | null;
  readonly outputShapes: number[][];
  readonly outputDtypes: DType[];
}
