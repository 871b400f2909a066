/**
 * Inference over encoded data: class probabilities in input order, and metrics against gold labels.
 * Batches are formed over the examples sorted by length (little padding), results are put back in order.
 */
import { argmax, exp, noGrad } from '@recurrent/nn-core';
import { DataLoader, type EncodedData } from './data/loader.js';
import { classificationMetrics, type Metrics } from './metrics.js';
import type { TextClassifier } from './model.js';

export interface Predictions {
  /** `(n, C)` row-major probabilities, in input order. */
  probs: Float32Array;
  /** Argmax class of each example (first on ties). */
  predicted: Int32Array;
  /** Mean negative log-likelihood of the gold labels (NaN when `labels` were not given). */
  loss: number;
}

/**
 * Runs `model` (switched to eval mode, restored afterwards) over the sequences.
 * @param ids - one Int32Array of token ids per example
 * @param labels - gold class indices, for the loss (optional)
 */
export function predictEncoded(model: TextClassifier, ids: readonly Int32Array[], labels?: Int32Array, batchSize = 256): Predictions {
  const C = model.config.numClasses;
  const n = ids.length;
  const probs = new Float32Array(n * C);
  const predicted = new Int32Array(n);
  let nll = 0;
  const wasTraining = model.training;
  model.eval();
  try {
    const loader = new DataLoader({ ids, labels: labels ?? new Int32Array(n) }, { batchSize, shuffle: false });
    noGrad(() => {
      for (const batch of loader.epoch()) {
        const logp = model.forward(batch.ids, batch.lengths); // (N, C)
        const p = exp(logp);
        const best = argmax(p, 1).data; // (N)
        batch.indices.forEach((row, k) => {
          probs.set(p.data.subarray(k * C, (k + 1) * C), row * C);
          predicted[row] = best[k];
          if (labels !== undefined) nll -= logp.data[k * C + labels[row]];
        });
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { probs, predicted, loss: labels === undefined || n === 0 ? NaN : nll / n };
}

export interface Evaluation {
  metrics: Metrics;
  /** Mean negative log-likelihood. */
  loss: number;
  predicted: Int32Array;
}

/** Accuracy, per-class P/R/F1, macro-F1, confusion matrix and mean loss of `model` on `data`. */
export function evaluateEncoded(model: TextClassifier, data: EncodedData, labelNames: readonly string[], batchSize = 256): Evaluation {
  const p = predictEncoded(model, data.ids, data.labels, batchSize);
  return { metrics: classificationMetrics(data.labels, p.predicted, labelNames), loss: p.loss, predicted: p.predicted };
}
