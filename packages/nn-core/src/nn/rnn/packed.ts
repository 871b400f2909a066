/**
 * Padding and packing of variable-length batches (PyTorch: `torch.nn.utils.rnn`). All functions are differentiable:
 * they are built from cat/stack/indexSelect, so gradients flow back to the original sequences.
 */
import { Tensor } from '../../autograd/tensor.js';
import { full, tensor } from '../../creation.js';
import { cat, stack } from '../../ops/cat.js';
import { indexSelect } from '../../ops/index_select.js';
import { transpose } from '../../ops/transpose.js';
import { reshape } from '../../ops/view.js';
import { fmtShape, ShapeError } from '../../shape.js';
import { checkLengths, type Lengths } from './lengths.js';

/**
 * A batch of sequences packed time step by time step, longest first (PyTorch: `PackedSequence`).
 * `data` is `(Σ lengths, *)`: for t = 0, 1, …: the step-t rows of every sequence longer than t, in sorted order.
 */
export class PackedSequence {
  constructor(
    /** `(Σ lengths, *)` */
    readonly data: Tensor,
    /** Number of sequences still running at each step `(L)`. */
    readonly batchSizes: Int32Array,
    /** Original batch index of each sorted position. */
    readonly sortedIndices: Int32Array,
    /** Sorted position of each original batch index (the inverse permutation). */
    readonly unsortedIndices: Int32Array,
  ) {}

  /** Lengths in the original batch order. */
  lengths(): Int32Array {
    const N = this.sortedIndices.length;
    const out = new Int32Array(N);
    for (const b of this.batchSizes) for (let i = 0; i < b; i++) out[this.sortedIndices[i]]++;
    return out;
  }
}

export interface PadSequenceOptions {
  batchFirst?: boolean;
  paddingValue?: number;
}

/**
 * Stacks sequences of different lengths into one padded tensor.
 * @param sequences - each `(L_i, *)` with the same trailing dims
 * @returns `(L_max, N, *)`, or `(N, L_max, *)` with batchFirst
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.rnn.pad_sequence.html
 */
export function padSequence(sequences: readonly Tensor[], options: PadSequenceOptions = {}): Tensor {
  if (!Array.isArray(sequences) || sequences.length === 0) {
    throw new TypeError('padSequence: expected a non-empty array of tensors');
  }
  const trailing = sequences[0].shape.slice(1);
  const Lmax = Math.max(...sequences.map((s) => s.shape[0]));
  const padded = sequences.map((s, i) => {
    if (s.ndim < 1 || fmtShape(s.shape.slice(1)) !== fmtShape(trailing)) {
      throw new ShapeError(
        `padSequence: sequence ${i} has shape ${fmtShape(s.shape)}, expected (L_i, ${trailing.join(', ') || '—'}) like sequence 0`,
      );
    }
    const missing = Lmax - s.shape[0];
    if (missing === 0) return s;
    return cat([s, full([missing, ...trailing], options.paddingValue ?? 0, { dtype: s.dtype })], 0);
  });
  return stack(padded, options.batchFirst ? 0 : 1);
}

export interface PackOptions {
  batchFirst?: boolean;
  /** When true (the default), lengths must already be sorted in decreasing order (PyTorch's default). */
  enforceSorted?: boolean;
}

/**
 * Packs a padded batch.
 * @param input - `(L, N, *)`, or `(N, L, *)` with batchFirst
 * @param lengths - `(N)` valid steps per sequence, 1..L
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.rnn.pack_padded_sequence.html
 */
export function packPaddedSequence(input: Tensor, lengths: Lengths, options: PackOptions = {}): PackedSequence {
  if (input.ndim < 2) throw new ShapeError(`packPaddedSequence: input must have at least 2 dims, got shape ${fmtShape(input.shape)}`);
  const x = options.batchFirst ? transpose(input, 0, 1) : input;
  const [L, N, ...rest] = x.shape;
  const lens = checkLengths('packPaddedSequence', lengths, N, L);
  const order = Array.from({ length: N }, (_, i) => i);
  if (options.enforceSorted ?? true) {
    for (let i = 1; i < N; i++) {
      if (lens[i] > lens[i - 1]) {
        throw new RangeError(
          `packPaddedSequence: lengths must be sorted in decreasing order when enforceSorted is true (lengths[${i}]=${lens[i]} > lengths[${i - 1}]=${lens[i - 1]}); pass enforceSorted: false`,
        );
      }
    }
  } else {
    order.sort((a, b) => lens[b] - lens[a] || a - b); // stable: ties keep batch order
  }
  const sorted = Int32Array.from(order);
  const unsorted = new Int32Array(N);
  sorted.forEach((b, i) => (unsorted[b] = i));
  const maxLen = lens[sorted[0]];
  const batchSizes = new Int32Array(maxLen);
  const rows: number[] = [];
  for (let t = 0; t < maxLen; t++) {
    for (const b of sorted) {
      if (lens[b] > t) {
        rows.push(t * N + b);
        batchSizes[t]++;
      }
    }
  }
  const flat = reshape(x, [L * N, ...rest]);
  const data = indexSelect(flat, 0, tensor(Int32Array.from(rows)));
  return new PackedSequence(data, batchSizes, sorted, unsorted);
}

export interface PadPackedOptions {
  batchFirst?: boolean;
  paddingValue?: number;
  /** Pad to this many steps instead of the longest sequence. */
  totalLength?: number;
}

/**
 * Inverse of `packPaddedSequence`.
 * @returns `[padded (L, N, *) or (N, L, *), lengths (N)]` in the original batch order
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.rnn.pad_packed_sequence.html
 */
export function padPackedSequence(sequence: PackedSequence, options: PadPackedOptions = {}): [Tensor, Int32Array] {
  const { data, batchSizes, sortedIndices } = sequence;
  const N = sortedIndices.length;
  const maxLen = batchSizes.length;
  const L = options.totalLength ?? maxLen;
  if (!Number.isInteger(L) || L < maxLen) {
    throw new RangeError(`padPackedSequence: totalLength is ${L}, expected an integer ≥ the longest sequence (${maxLen})`);
  }
  const rest = data.shape.slice(1);
  // Row Σ lengths of `source` is the padding row; every (t, n) slot picks its packed row or that one.
  const source = cat([data, full([1, ...rest], options.paddingValue ?? 0, { dtype: data.dtype })], 0);
  const padRow = data.shape[0];
  const index = new Int32Array(L * N).fill(padRow);
  let offset = 0;
  for (let t = 0; t < maxLen; t++) {
    for (let i = 0; i < batchSizes[t]; i++) index[t * N + sortedIndices[i]] = offset + i;
    offset += batchSizes[t];
  }
  const padded = reshape(indexSelect(source, 0, tensor(index)), [L, N, ...rest]);
  return [options.batchFirst ? transpose(padded, 0, 1) : padded, sequence.lengths()];
}
