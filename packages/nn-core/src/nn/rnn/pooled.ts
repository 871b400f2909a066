/**
 * `embedRecurrentPool`: the inference half of a many-to-one text classifier (embedding → recurrent layer →
 * pooling over each sequence's valid steps) as one call that keeps every intermediate in the kernels' memory.
 */
import { Tensor } from '../../autograd/tensor.js';
import { isGradEnabled } from '../../autograd/grad_mode.js';
import { embedRecurrentPoolWasm, type Pooling } from '../../kernels/cpu/embed_recurrent_pool.js';
import type { LayerWeights } from '../../kernels/cpu/rnn_layer.js';
import type { FloatArray } from '../../dtype.js';
import { fmtShape, ShapeError } from '../../shape.js';
import type { Embedding } from '../embedding.js';
import { checkLengths, type Lengths } from './lengths.js';
import type { RNNBase } from './rnn_base.js';

export type { Pooling } from '../../kernels/cpu/embed_recurrent_pool.js';

const NAMES = { LSTM: 'LSTM', GRU: 'GRU', RNN_TANH: 'RNN', RNN_RELU: 'RNN' } as const;

/**
 * Pooled features of token ids, without a graph: what
 * `pool(rnn.forward(embedding.forward(ids), null, { lengths }))` gives in eval mode, where `pool` takes, over each
 * row's valid steps, the element-wise max (`'max'`), the mean (`'mean'`) of the last layer's outputs, or its final
 * states, both directions side by side (`'last'`) — the same bits, several times faster on small batches, because nothing is allocated per step or per
 * op. It applies to float32 models (any number of layers, no projection) with the WebAssembly kernels loaded,
 * with no gradient to record (grad mode off, or no parameter requiring grad); elsewhere it returns null and the
 * caller runs the modules (also for a multi-layer module with dropout in training mode).
 * @param ids - `(N, L)` int32 token ids, `rnn` must be batch-first
 * @param lengths - valid steps per row (1..L), or null for all L
 * @returns `(N, D·H)`, or null where it does not apply
 */
export function embedRecurrentPool(embedding: Embedding, rnn: RNNBase, ids: Tensor, lengths: Lengths | null, pooling: Pooling): Tensor | null {
  if (!(ids instanceof Tensor) || ids.dtype !== 'int32' || ids.ndim !== 2) {
    throw new ShapeError(`embedRecurrentPool: ids must be a 2-D (N, L) int32 tensor, got ${ids instanceof Tensor ? `${ids.dtype} ${fmtShape(ids.shape)}` : typeof ids}`);
  }
  if (rnn.projSize !== 0 || !rnn.batchFirst || rnn.inputSize !== embedding.embeddingDim) return null;
  if (rnn.training && rnn.dropout > 0 && rnn.numLayers > 1) return null; // (inter-layer dropout would apply)
  const D = rnn.bidirectional ? 2 : 1;
  // every layer's weights, float32 and with no gradient to record
  const gradOn = isGradEnabled();
  const usable = (p: Tensor | null): boolean => p === null || (p.dtype === 'float32' && !(gradOn && p.requiresGrad));
  const data = (p: Tensor | null): FloatArray | null => (p === null ? null : (p.data as FloatArray));
  const weights: LayerWeights[][] = [];
  for (let k = 0; k < rnn.numLayers; k++) {
    const dirs: LayerWeights[] = [];
    for (let d = 0; d < D; d++) {
      const w = rnn.layerWeights(k, d);
      if (!(usable(w.wIh) && usable(w.wHh) && usable(w.bIh) && usable(w.bHh))) return null;
      dirs.push({ wIh: data(w.wIh)!, wHh: data(w.wHh)!, bIh: data(w.bIh), bHh: data(w.bHh), wHr: null });
    }
    weights.push(dirs);
  }
  const table = embedding.weight;
  if (!usable(table)) return null;
  const [N, L] = ids.shape;
  if (N === 0 || L === 0) return null;
  const V = embedding.numEmbeddings;
  const idData = ids.data as Int32Array;
  for (let k = 0; k < idData.length; k++) {
    if (idData[k] < 0 || idData[k] >= V) {
      throw new RangeError(`embedding: index ${idData[k]} is out of range for numEmbeddings=${V} (expected 0..${V - 1})`);
    }
  }
  const lens = lengths === null ? null : checkLengths(NAMES[rnn.mode], lengths, N, L);
  const pooled = embedRecurrentPoolWasm({
    ids: idData, N, L, lengths: lens, table: table.data as FloatArray, E: embedding.embeddingDim,
    mode: rnn.mode, H: rnn.hiddenSize, layers: weights, pooling,
  });
  return pooled === null ? null : new Tensor(pooled, [N, D * rnn.hiddenSize]);
}
