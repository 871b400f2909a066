import type { Tensor } from '../autograd/tensor.js';
import { fmtShape, ShapeError } from '../shape.js';
import type { Generator } from '../random.js';
import { embedding, resolvePaddingIdx, type Indices } from '../ops/embedding.js';
import { normal_ } from './init.js';
import { Module, moduleDtype, type ModuleOptions } from './module.js';
import { Parameter, zerosParameter } from './parameter.js';

export interface EmbeddingModuleOptions extends ModuleOptions {
  /**
   * Row that gets no gradient and starts at zero (e.g. the padding token). Negative values count from the
   * end, and are stored resolved (−1 with 10 rows becomes 9), like PyTorch.
   */
  paddingIdx?: number | null;
  /** Generator for the initial weights; defaults to the global one. */
  generator?: Generator;
}

export interface FromPretrainedOptions {
  /** Whether the weights stay fixed (requiresGrad false). Default true, like PyTorch. */
  freeze?: boolean;
  paddingIdx?: number | null;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim` (PyTorch: `torch.nn.Embedding`).
 *
 * Input: int32 indices (a tensor, or nested arrays of integers) of any shape `(*)` → output `(*, E)`.
 * Parameter: `weight` `(numEmbeddings, embeddingDim)` = `(V, E)`, initialized from N(0, 1) with the padding
 * row zeroed. The padding row's gradient is always zero, so it stays fixed during training.
 * An index outside 0..V−1 throws a RangeError naming it.
 *
 * @see https://pytorch.org/docs/stable/generated/torch.nn.Embedding.html
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  weight: Parameter;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingModuleOptions = {}) {
    super();
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Embedding: ${name} must be a non-negative integer, got ${v}`);
    }
    const dtype = moduleDtype(options, 'Embedding');
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    const pad = resolvePaddingIdx(options.paddingIdx, numEmbeddings, 'Embedding');
    this.paddingIdx = pad < 0 ? null : pad;
    this.weight = this.registerParameter('weight', zerosParameter([numEmbeddings, embeddingDim], dtype));
    this.resetParameters(options.generator);
  }

  /** A module around existing `(V, E)` weights (copied), frozen by default. */
  static fromPretrained(embeddings: Tensor, options: FromPretrainedOptions = {}): Embedding {
    if (embeddings.ndim !== 2) {
      throw new ShapeError(`Embedding.fromPretrained: embeddings must be 2-D (V, E), got shape ${fmtShape(embeddings.shape)}`);
    }
    if (embeddings.dtype === 'int32') throw new TypeError('Embedding.fromPretrained: embeddings must be a float tensor, got int32');
    const [V, E] = embeddings.shape;
    const m = new Embedding(V, E, { dtype: embeddings.dtype, paddingIdx: options.paddingIdx });
    m.weight.data.set(embeddings.data);
    m.weight.requiresGrad = !(options.freeze ?? true);
    return m;
  }

  /** Re-draws the weights from N(0, 1) and zeroes the padding row. */
  resetParameters(generator?: Generator): void {
    normal_(this.weight, 0, 1, generator);
    const pad = this.paddingIdx;
    if (pad !== null) this.weight.data.fill(0, pad * this.embeddingDim, (pad + 1) * this.embeddingDim);
  }

  /**
   * @param indices - `(*)` int32 values in 0..numEmbeddings−1
   * @returns `(*, embeddingDim)`
   */
  forward(indices: Indices): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? '' : `, padding_idx=${this.paddingIdx}`}`;
  }
}
