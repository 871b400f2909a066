/**
 * The training worker: runs the library's `train()` on in-memory rows off the page's main thread, posts progress
 * after every batch and epoch, and posts the trained model directory's files at the end.
 */
import { Classifier, train } from '@recurrent/trainer';
import type { TrainRequest, WorkerMessage } from './protocol.js';

// The page's tsconfig types `self` as a Window (DOM lib); in a dedicated worker it is the worker's global scope.
const scope = self as unknown as { postMessage(m: WorkerMessage): void; onmessage: ((e: MessageEvent<TrainRequest>) => void) | null };
const post = (m: WorkerMessage): void => scope.postMessage(m);

scope.onmessage = (e) => {
  void run(e.data);
};

async function run({ rows, settings, name }: TrainRequest): Promise<void> {
  try {
    const result = await train(
      {
        train: rows,
        dev: null,
        out: null,
        epochs: settings.epochs,
        embeddingDim: settings.embeddingDim,
        hiddenSize: settings.hiddenSize,
        batchSize: settings.batchSize,
        lr: settings.lr,
        patience: null,
        seed: 0,
        // the held-out rows are the page's evaluation, not a dev set, so there is nothing to weigh the experts on:
        // without them the downloaded model holds no tables at weight 0
        nbBuckets: 0,
        linearBuckets: 0,
      },
      {
        onBatchEnd: (b) => post({ type: 'batch', epoch: b.epoch, step: b.step, stepsPerEpoch: b.stepsPerEpoch, globalStep: b.globalStep, loss: b.loss, epochLoss: b.epochLoss, epochAccuracy: b.epochAccuracy }),
        onEpochEnd: (record) => post({ type: 'epoch', record }),
      },
    );
    post({ type: 'done', files: Classifier.fromTraining(result).toFiles(), history: result.history });
  } catch (err) {
    post({ type: 'error', message: `${name}: ${err instanceof Error ? err.message : String(err)}` });
  }
}
