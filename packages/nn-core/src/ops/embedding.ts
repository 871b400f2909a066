/**
 * The lookup op behind `nn.Embedding` (PyTorch: `torch.nn.functional.embedding`).
 */
import { defineOp } from '../autograd/define_op.js';
import { Tensor, zerosOf, type NestedArray } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { isFloatDtype } from '../dtype.js';
import { fmtShape, ShapeError } from '../shape.js';
import { embeddingAddInto, embeddingBackward, embeddingForward } from '../kernels/cpu/embedding.js';
import type { AccumulatingGrad } from '../autograd/node.js';

export interface EmbeddingOptions {
  /** Row whose gradient is always zero; negative values count from the end (−1 is the last row). */
  paddingIdx?: number | null;
}

/** Indices given as an int32 tensor, nested arrays of integers, or one integer. */
export type Indices = Tensor | NestedArray;

/** Indices as an int32 tensor, rejecting float tensors like PyTorch. */
export function asIndices(indices: Indices, what: string): Tensor {
  if (indices instanceof Tensor) {
    if (indices.dtype !== 'int32') {
      throw new TypeError(`${what}: indices are ${indices.dtype}, expected an int32 tensor (or arrays of integers)`);
    }
    return indices;
  }
  return tensor(indices, undefined, { dtype: 'int32' });
}

/** paddingIdx resolved against V rows: −1 when absent, wrapped when negative. */
export function resolvePaddingIdx(paddingIdx: number | null | undefined, V: number, what: string): number {
  if (paddingIdx === null || paddingIdx === undefined) return -1;
  if (!Number.isInteger(paddingIdx) || paddingIdx >= V || paddingIdx < -V) {
    throw new RangeError(`${what}: paddingIdx ${paddingIdx} is out of range for numEmbeddings=${V}, expected ${-V}..${V - 1}`);
  }
  return paddingIdx < 0 ? paddingIdx + V : paddingIdx;
}

/**
 * Rows of `weight` picked by `indices`.
 * @param indices - any shape `(*)`, int32 values in 0..V−1
 * @param weight - `(V, E)`
 * @returns `(*, E)`
 * @remarks dweight[v] = Σ_{k : indices[k] = v} dout[k] (repeated indices accumulate), and 0 for v = paddingIdx
 * @see https://pytorch.org/docs/stable/generated/torch.nn.functional.embedding.html
 */
export function embedding(indices: Indices, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (!(weight instanceof Tensor) || !isFloatDtype(weight.dtype)) {
    const got = weight instanceof Tensor ? weight.dtype : typeof weight;
    throw new TypeError(`embedding: weight is ${got}, expected a float tensor`);
  }
  if (weight.ndim !== 2) {
    throw new ShapeError(`embedding: weight must be 2-D (numEmbeddings, embeddingDim), got shape ${fmtShape(weight.shape)}`);
  }
  const idx = asIndices(indices, 'embedding');
  const V = weight.shape[0];
  const d = idx.data;
  for (let k = 0; k < d.length; k++) {
    if (d[k] < 0 || d[k] >= V) {
      throw new RangeError(`embedding: index ${d[k]} is out of range for numEmbeddings=${V} (expected 0..${V - 1})`);
    }
  }
  return embeddingOp(idx, weight, resolvePaddingIdx(options.paddingIdx, V, 'embedding'));
}

// Saves the indices (they say which rows receive gradient); the weight values are not needed.
const embeddingOp = defineOp('embedding', (indices: Tensor, weight: Tensor, paddingIdx: number) => {
  const E = weight.shape[1];
  const out = zerosOf([...indices.shape, E], weight.dtype);
  embeddingForward(out.data, indices.data, weight.data, E);
  return {
    out,
    backward: (dout, needs) => {
      if (!needs[1]) return [null, null];
      // Added into weight.grad row by row (no (V, E) temporary: most rows get nothing).
      const dweight: AccumulatingGrad = {
        kind: 'accumulating',
        shape: weight.shape,
        dtype: weight.dtype,
        addInto: (dst) => embeddingAddInto(dst, dout.data, indices.data, E, paddingIdx),
        dense: () => {
          const d = zerosOf(weight.shape, weight.dtype).data;
          embeddingBackward(d, dout.data, indices.data, E, paddingIdx);
          return d;
        },
      };
      return [null, dweight];
    },
  };
});
