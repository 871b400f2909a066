/**
 * The bench model on @recurrent/nn-core (public API only), shared by the timing child process and the profiler.
 */
import { narrow, nn, reshape, transpose, type Generator, type Tensor } from '@recurrent/nn-core';
import type { BenchConfig } from './configs.js';

/** Embedding → recurrent layer (batch-first) → Linear(D·H, 2) on the last layer's final hidden state(s). */
export class Classifier extends nn.Module {
  readonly embedding: nn.Embedding;
  readonly rnn: nn.LSTM | nn.GRU | nn.RNN;
  readonly fc: nn.Linear;
  private readonly D: number;
  private readonly c: BenchConfig;

  constructor(c: BenchConfig, generator: Generator) {
    super();
    this.c = c;
    this.D = c.bidirectional ? 2 : 1;
    const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: true, dtype: 'float32' as const };
    this.embedding = this.registerModule('embedding', new nn.Embedding(c.V, c.E, { dtype: 'float32', generator }));
    const rnn = c.cell === 'lstm' ? new nn.LSTM(c.E, c.H, opts) : c.cell === 'gru' ? new nn.GRU(c.E, c.H, opts) : new nn.RNN(c.E, c.H, opts);
    this.rnn = this.registerModule('rnn', rnn);
    this.fc = this.registerModule('fc', new nn.Linear(this.D * c.H, 2, { dtype: 'float32', generator }));
  }

  /** `(N, L)` int32 ids → `(N, C=2)` logits. */
  forward(ids: Tensor): Tensor {
    // Inference of a one-layer model runs fused, as TextClassifier's does (same bits; null while training).
    const fused = this.training ? null : nn.utils.embedRecurrentPool(this.embedding, this.rnn, ids, null, 'last');
    if (fused !== null) return this.fc.forward(fused);
    const x = this.embedding.forward(ids);
    let hN: Tensor;
    if (this.rnn instanceof nn.LSTM) hN = this.rnn.forward(x)[1][0];
    else hN = (this.rnn as nn.GRU | nn.RNN).forward(x)[1];
    // hN (D·numLayers, N, H): the last layer's D rows → (N, D·H), directions side by side like PyTorch's cat.
    const last = narrow(hN, 0, (this.c.numLayers - 1) * this.D, this.D);
    const N = ids.shape[0];
    const feat = this.D === 1 ? reshape(last, [N, this.c.H]) : reshape(transpose(last, 0, 1), [N, this.D * this.c.H]);
    return this.fc.forward(feat);
  }
}
