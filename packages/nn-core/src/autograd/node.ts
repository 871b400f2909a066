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
 * gradient reached it); `needs[i]` says whether input i wants a gradient (others may return null). `retained` is
 * false when the graph is freed after this pass (no `retainGraph`): what the op saved is not read again, so its
 * backward may overwrite it as scratch.
 */
export type BackwardFn = (douts: Tensor[], needs: boolean[], retained: boolean) => InputGrad[];

/**
 * A `BackwardFn` that is told which outputs no gradient reached (`douts[k]` null) instead of getting zeros: for an
 * op that can skip them, so a large unused output costs no zero-filled gradient (a recurrent layer's output when
 * only its final state is used).
 */
export type SparseBackwardFn = (douts: (Tensor | null)[], needs: boolean[], retained: boolean) => InputGrad[];

/**
 * What the graph keeps of a computed (non-leaf) input: where its gradient goes, not the tensor, so the graph does not
 * keep its storage alive (an op that needs an input's values for backward saves them itself). Leaves are kept as
 * tensors: their gradients accumulate in `.grad`.
 */
export interface GradEdge {
  readonly requiresGrad: boolean;
  readonly gradFn: GradNode | null;
  readonly outputIndex: number;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** One recorded op application in the graph. */
export interface GradNode {
  readonly name: string;
  /** Inputs in argument order (arrays of tensors flattened in place): leaves as tensors, computed tensors as edges. */
  inputs: (Tensor | GradEdge)[];
  /**
   * Null once the graph has been freed by a backward pass. Gets null for an output no gradient reached (define_op.ts
   * fills zeros in for an op's own `BackwardFn`).
   */
  backward: SparseBackwardFn | null;
  /** Frees what backward saved (called, then nulled, when the graph is freed by a backward pass); null: nothing to do. */
  release: (() => void) | null;
  readonly outputShapes: number[][];
  readonly outputDtypes: DType[];
}
