/**
 * From files (or already-read datasets) to encoded training data: read, fix the label set, build (or reuse)
 * the vocabulary, encode.
 */
import type { TokenizerOptions } from '@recurrent/tokenizer';
import type { ModelConfigFile } from './model_dir.js';
import { encodeLabels, sortLabels } from './data/labels.js';
import type { EncodedData } from './data/loader.js';
import { datasetFromExamples, readDataset, type BadRow, type Dataset, type LabelledText, type ReadOptions } from './data/read.js';
import { buildPipeline, type TextPipeline } from './pipeline.js';

export interface DataOptions {
  /** Training data: a file path (TSV/CSV/JSONL, Node.js only), a dataset from `readDataset`, or `{ text, label }[]`. */
  train: string | Dataset | readonly LabelledText[];
  /** Dev data for validation and early stopping (same forms as `train`); null or absent trains without. */
  dev?: string | Dataset | readonly LabelledText[] | null;
  /** How to read the files (columns/keys, `skipBadRows`). */
  read?: ReadOptions;
  /** Tokenizer settings (stored in config.json). Default: the tokenizer's defaults. */
  tokenizer?: TokenizerOptions;
  /** Vocabulary: minimum count in the training texts. Default 1. */
  minFreq?: number;
  /** Vocabulary: largest size V (specials included, most frequent tokens kept), or null. */
  maxVocab?: number | null;
  /** Keep only the first maxLength tokens of each text, or null for all. */
  maxLength?: number | null;
  /** Display names of labels, e.g. `{ '0': 'negative', '1': 'positive' }` (stored in config.json). */
  labelNames?: Record<string, string> | null;
}

export interface PreparedData {
  pipeline: TextPipeline;
  /** In class-index order. */
  labels: string[];
  labelNames: string[] | null;
  train: EncodedData;
  dev: EncodedData | null;
  trainFile: string;
  devFile: string | null;
  /** Rows left out under `read.skipBadRows`. */
  skipped: { train: BadRow[]; dev: BadRow[] };
}

/** A saved model's config and its tokenizer and vocabulary (see `loadModel`), reused when resuming. */
export interface SavedVocabulary {
  config: ModelConfigFile;
  pipeline: TextPipeline;
}

export async function prepareData(o: DataOptions, saved: SavedVocabulary | null = null): Promise<PreparedData> {
  const train = await datasetOf(o.train, 'train examples', o.read);
  const dev = o.dev === undefined || o.dev === null ? null : await datasetOf(o.dev, 'dev examples', o.read);
  const labels = saved?.config.labels ?? sortLabels(train.examples.map((e) => e.label));
  const pipeline =
    saved === null
      ? buildPipeline(
          train.examples.map((e) => e.text),
          { tokenizer: o.tokenizer, minFreq: o.minFreq, maxVocab: o.maxVocab, maxLength: o.maxLength },
        )
      : saved.pipeline;
  const names = o.labelNames ?? null;
  const labelNames = saved !== null ? saved.config.labelNames : names === null ? null : labels.map((l) => names[l] ?? l);
  const encode = (d: Dataset): EncodedData => ({
    ids: d.examples.map((e) => pipeline.encode(e.text)),
    labels: encodeLabels(d.examples, labels, d.file),
  });
  return {
    pipeline,
    labels,
    labelNames,
    train: encode(train),
    dev: dev === null ? null : encode(dev),
    trainFile: train.file,
    devFile: dev?.file ?? null,
    skipped: { train: train.skipped, dev: dev?.skipped ?? [] },
  };
}

/** A path read as a file, examples in memory checked, or a dataset as it is. */
async function datasetOf(data: string | Dataset | readonly LabelledText[], name: string, read: ReadOptions | undefined): Promise<Dataset> {
  if (typeof data === 'string') return readDataset(data, read);
  return Array.isArray(data) ? datasetFromExamples(data, name) : (data as Dataset);
}
