/**
 * The files of a model directory, and their atomic multi-file commit (in Node.js: `platform/atomic_files.ts`).
 *
 * A model is a directory:
 * - `model.safetensors` — the weights, keyed by PyTorch state-dict names (see `model.ts`);
 * - `config.json` — `{ formatVersion, architecture, labels, labelNames, tokenizer, maxLength }`;
 * - `vocab.json` — the vocabulary (the tokenizer package's JSON);
 * - `metrics.json` — dev metrics of the kept weights and the per-epoch history (when trained here);
 * - `training_curve.svg` — training loss and dev accuracy per epoch;
 * - `training_state.json` + `training_state.safetensors` — what `train({ resume })` needs to continue exactly
 *   (see `training_state.ts`; `model.safetensors` holds the best weights).
 * `model_dir.ts` reads and writes the model files, `training_state.ts` the training state.
 *
 * A save writes all its files as one atomic step (`writeFilesAtomic`: fsynced temporary files, a journal as the
 * commit point, renames), and `train` saves the model files and the training state of an epoch in one such step,
 * so a process killed at any moment leaves the directory with the previous checkpoint or the new one, never a
 * mix of two epochs (the readers finish a committed but interrupted save first, see `recoverCheckpoint`).
 */
export { recoverCheckpoint, writeFilesAtomic } from '#platform';
export { FORMAT_VERSION, MODEL_FILES, type FileContents } from './layout.js';
