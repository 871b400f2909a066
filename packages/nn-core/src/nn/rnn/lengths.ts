import { Tensor } from '../../autograd/tensor.js';
import { ShapeError } from '../../shape.js';

/** Valid steps per sequence: numbers, an Int32Array, or a 1-D tensor. */
export type Lengths = readonly number[] | Int32Array | Tensor;

/**
 * Checks `lengths` against the batch: N entries, each an integer in 1..L (PyTorch's pack_padded_sequence rejects
 * zero lengths; a length above L cannot be represented in an `(L, N, ·)` input).
 */
export function checkLengths(what: string, lengths: Lengths, N: number, L: number): Int32Array {
  const values = lengths instanceof Tensor ? Array.from(lengths.data) : Array.from(lengths as ArrayLike<number>);
  if (lengths instanceof Tensor && lengths.ndim !== 1) {
    throw new ShapeError(`${what}: lengths must be 1-D with N=${N} entries, got shape [${lengths.shape.join(', ')}]`);
  }
  if (values.length !== N) throw new ShapeError(`${what}: lengths has ${values.length} entries, expected one per sequence (N=${N})`);
  const out = new Int32Array(N);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 1 || v > L) {
      throw new RangeError(`${what}: lengths[${i}] is ${v}, expected an integer from 1 to the sequence length L=${L}`);
    }
    out[i] = v;
  });
  return out;
}
