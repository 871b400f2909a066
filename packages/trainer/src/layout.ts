/** The names and format version of a model directory's files (see `checkpoint.ts` for what each holds). */

/** Version of the directory layout, config.json and training_state.json; bumped on incompatible changes. */
export const FORMAT_VERSION = 1;

export const MODEL_FILES = {
  weights: 'model.safetensors',
  config: 'config.json',
  vocab: 'vocab.json',
  metrics: 'metrics.json',
  curve: 'training_curve.svg',
  state: 'training_state.json',
  stateTensors: 'training_state.safetensors',
} as const;

/** The contents of some files of a model directory, by file name. */
export type FileContents = Record<string, Uint8Array | string>;
