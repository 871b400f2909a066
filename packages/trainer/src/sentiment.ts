/**
 * `SentimentClassifier`: the SST-2 sentiment model shipped in this package, as a {@link Classifier}.
 *
 * ```ts
 * const clf = await SentimentClassifier.load();        // the shipped SST-2 model
 * clf.predict('a gorgeous, witty, seductive movie.');  // { label: 'positive', probs: { negative: 0.03, positive: 0.97 } }
 * ```
 * `SentimentClassifier.load(dir)` loads any other model directory too (it is `Classifier.load` with a default).
 */
import { localPath } from '#platform';
import { Classifier } from './classifier.js';
import { loadModel } from './model.js';
import type { UrlSourceOptions } from './model_files.js';

/** The directory of the SST-2 model shipped with the package (`packages/trainer/model/sst2`). */
export const DEFAULT_MODEL_DIR = localPath(new URL('../model/sst2', import.meta.url));

export class SentimentClassifier extends Classifier {
  /** Loads a model directory or URL (default: the shipped SST-2 model); throws `ModelFormatError` for a bad one. */
  static override async load(from: string | URL = DEFAULT_MODEL_DIR, options: UrlSourceOptions = {}): Promise<SentimentClassifier> {
    const { model, pipeline, config } = await loadModel(from, options);
    return new SentimentClassifier(model, pipeline, config);
  }
}
