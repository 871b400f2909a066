/**
 * Model directories and training state on disk.
 *
 * A model is a directory:
 * - `model.safetensors` — the weights, keyed by PyTorch state-dict names (see `model.ts`);
 * - `config.json` — `{ formatVersion, architecture, labels, labelNames, tokenizer, maxLength }`;
 * - `vocab.json` — the vocabulary (the tokenizer package's JSON);
 * - `metrics.json` — dev metrics of the kept weights and the per-epoch history (when trained here);
 * - `training_curve.svg` — training loss and dev accuracy per epoch;
 * - `training_state.json` + `training_state.safetensors` — what `train({ resume })` needs to continue exactly:
 *   epoch and step counters, early-stopping bookkeeping, history, RNG states, optimizer and scheduler state
 *   (its tensors, and the weights of the last epoch, live in the safetensors file; `model.safetensors` holds
 *   the best weights).
 *
 * A save writes all its files as one atomic step (`writeFilesAtomic`: fsynced temporary files, a journal as the
 * commit point, renames), and `train` saves the model files and the training state of an epoch in one such step,
 * so a process killed at any moment leaves the directory with the previous checkpoint or the new one, never a
 * mix of two epochs (the readers here finish a committed but interrupted save first, see `recoverCheckpoint`).
 */
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  loadSafetensors,
  nn,
  serializeSafetensors,
  Tensor,
  writeFileAtomic,
  type GeneratorState,
  type optim,
} from '@recurrent/nn-core';
import { trainingCurveSvg, type CurvePoint } from './chart.js';
import { ModelFormatError } from './errors.js';
import { resolveConfig, TextClassifier, type TextClassifierConfig } from './model.js';

/** Version of the directory layout and config.json schema; bumped on incompatible changes. */
export const FORMAT_VERSION = 1;

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export const MODEL_FILES = {
  weights: 'model.safetensors',
  config: 'config.json',
  vocab: 'vocab.json',
  metrics: 'metrics.json',
  curve: 'training_curve.svg',
  state: 'training_state.json',
  stateTensors: 'training_state.safetensors',
} as const;

/** Contents of config.json. */
export interface ModelConfigFile {
  formatVersion: number;
  architecture: TextClassifierConfig;
  /** Class labels as found in the data, in class-index order (see `sortLabels`). */
  labels: string[];
  /** Display names of the labels (e.g. `negative`, `positive` for SST-2's `0`, `1`), or null to show the labels. */
  labelNames: string[] | null;
  /** Tokenizer settings (the tokenizer package's JSON). */
  tokenizer: Json;
  /** Sequences are cut to this many tokens, or null for no limit. */
  maxLength: number | null;
}

export interface SaveModelInput {
  /** The weights to save (e.g. `model.stateDict()` or a kept snapshot of the best epoch). */
  weights: Record<string, Tensor>;
  config: ModelConfigFile;
  vocab: Json;
  metrics?: Json;
  /** Per-epoch points for the training-curve picture. */
  curve?: readonly CurvePoint[];
}

/** Writes a model directory (creating it), all files in one atomic step (see `writeFilesAtomic`). */
export async function saveModel(dir: string, input: SaveModelInput): Promise<void> {
  await writeFilesAtomic(dir, modelFiles(input));
}

/** Writes the model files and the training state of one epoch in one atomic step (what `train` saves). */
export async function saveCheckpoint(dir: string, model: SaveModelInput, training: SavedTraining): Promise<void> {
  await writeFilesAtomic(dir, { ...trainingStateFiles(training), ...modelFiles(model) });
}

type FileContents = Record<string, Uint8Array | string>;

function modelFiles(input: SaveModelInput): FileContents {
  const files: FileContents = {
    [MODEL_FILES.weights]: serializeSafetensors(input.weights, { format: 'pt' }),
    [MODEL_FILES.vocab]: jsonText(input.vocab),
  };
  if (input.metrics !== undefined) files[MODEL_FILES.metrics] = jsonText(input.metrics);
  if (input.curve !== undefined) files[MODEL_FILES.curve] = trainingCurveSvg(input.curve);
  files[MODEL_FILES.config] = jsonText(input.config as unknown as Json);
  return files;
}

/** The journal of a committed save whose renames may be unfinished: `{ "renames": [[temporary, name], ...] }`. */
const JOURNAL = '.checkpoint-commit.json';
const TEMPORARY = /^\.[^/\\]+\.tmp$/;

/**
 * Writes several files of `dir` as one atomic step. Each file goes to a fsynced temporary file; then a journal
 * listing the renames is written atomically — the commit point — and the renames are done, and the journal
 * removed. A crash before the commit leaves the old files (the stray temporary files are removed by the next
 * save); a crash after it is rolled forward by `recoverCheckpoint`, which the loaders call first.
 * A reader running while a save renames its files may still see a mix; readers after a crash never do.
 */
export async function writeFilesAtomic(dir: string, files: FileContents): Promise<void> {
  await mkdir(dir, { recursive: true });
  await recoverCheckpoint(dir);
  for (const name of await readdir(dir)) if (TEMPORARY.test(name)) await unlink(join(dir, name)).catch(ignoreMissing);
  const renames: [string, string][] = [];
  for (const [name, data] of Object.entries(files)) {
    const tmp = `.${name}.${randomUUID()}.tmp`;
    const handle = await open(join(dir, tmp), 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    renames.push([tmp, name]);
  }
  await writeFileAtomic(join(dir, JOURNAL), JSON.stringify({ renames }));
  await applyRenames(dir, renames);
}

/**
 * Finishes a save that was committed but interrupted before all its files were renamed into place (a no-op when
 * there is none). Journal entries are checked: only the model directory's own file names, no paths.
 */
export async function recoverCheckpoint(dir: string): Promise<void> {
  const file = join(dir, JOURNAL);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return;
    throw err;
  }
  let renames: unknown;
  try {
    renames = (JSON.parse(text) as { renames?: unknown }).renames;
  } catch {
    renames = null;
  }
  const names: readonly string[] = Object.values(MODEL_FILES);
  const valid =
    Array.isArray(renames) &&
    renames.every((r) => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && TEMPORARY.test(r[0]) && names.includes(r[1] as string));
  if (!valid) throw new ModelFormatError('bad-state', file, 'the journal of an interrupted save is not a list of [temporary file, model file] pairs');
  await applyRenames(dir, renames as [string, string][]);
}

async function applyRenames(dir: string, renames: readonly [string, string][]): Promise<void> {
  for (const [tmp, name] of renames) await rename(join(dir, tmp), join(dir, name)).catch(ignoreMissing); // missing: already renamed
  await syncDirectory(dir);
  await unlink(join(dir, JOURNAL)).catch(ignoreMissing);
  await syncDirectory(dir);
}

function ignoreMissing(err: unknown): void {
  if ((err as { code?: unknown }).code !== 'ENOENT') throw err;
}

/** fsync of a directory so renames in it are durable; skipped where the platform cannot (as in `writeFileAtomic`). */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r').catch(() => null);
  if (handle === null) return;
  try {
    await handle.sync().catch(() => undefined);
  } finally {
    await handle.close();
  }
}

export interface LoadedModel {
  dir: string;
  config: ModelConfigFile;
  /** In eval mode. */
  model: TextClassifier;
  vocab: Json;
  /** metrics.json, or null when absent. */
  metrics: Json | null;
}

/**
 * Reads and validates a model directory: config (format version, architecture, labels), then the weights
 * against the architecture (every key and shape). Problems are `ModelFormatError`s naming the file.
 */
export async function loadModel(dir: string): Promise<LoadedModel> {
  await recoverCheckpoint(dir);
  const config = checkConfig(await readJson(join(dir, MODEL_FILES.config)), join(dir, MODEL_FILES.config));
  const vocab = await readJson(join(dir, MODEL_FILES.vocab));
  const weightsPath = join(dir, MODEL_FILES.weights);
  const tensors = await readSafetensors(weightsPath);
  checkSizeAgainstWeights(config.architecture, tensors, weightsPath); // before allocating the model
  // The weights are replaced right away: skip the random initialization (time, and the global random stream).
  const model = nn.utils.skipInit(() => new TextClassifier(config.architecture));
  loadStateDictInto(model, tensors, weightsPath);
  model.eval();
  const metricsPath = join(dir, MODEL_FILES.metrics);
  const metrics = await readJson(metricsPath).catch((err: unknown) => {
    if (err instanceof ModelFormatError && err.code === 'missing-file') return null;
    throw err;
  });
  return { dir, config, model, vocab, metrics };
}

/** Loads `path` (safetensors) into `model`, strictly; errors become `ModelFormatError`s naming the file. */
export async function loadWeights(model: TextClassifier, path: string): Promise<void> {
  loadStateDictInto(model, await readSafetensors(path), path);
}

function loadStateDictInto(model: TextClassifier, tensors: Record<string, Tensor>, path: string): void {
  try {
    model.loadStateDict(tensors);
  } catch (err) {
    throw new ModelFormatError('shape-mismatch', path, `the weights do not fit the architecture in config.json: ${(err as Error).message}`);
  }
}

/**
 * An untrusted config.json could ask for a huge model (say vocabSize 2^31) whose allocation would fail or exhaust
 * memory. Each product below is a lower bound of the parameter count of a correct file (embedding V·E, the
 * recurrent weights ≥ numLayers·H·H and ≥ H·E, the head ≥ C·H), so a valid model always passes, and a passing
 * architecture allocates at most a small multiple of what the weights file holds.
 */
function checkSizeAgainstWeights(arch: TextClassifierConfig, tensors: Record<string, Tensor>, path: string): void {
  let held = 0;
  for (const t of Object.values(tensors)) held += t.data.length;
  const { vocabSize: V, embeddingDim: E, hiddenSize: H, numLayers, numClasses: C } = arch;
  const needed = Math.max(V * E, numLayers * H * H, H * E, C * H);
  if (needed > held) {
    throw new ModelFormatError(
      'shape-mismatch',
      path,
      `the architecture in config.json needs at least ${needed} parameters but the weights file holds ${held} numbers`,
    );
  }
}

/** Checks a parsed config.json; returns it typed, with the architecture's defaults filled in. */
export function checkConfig(raw: Json, file: string): ModelConfigFile {
  const bad = (reason: string): never => {
    throw new ModelFormatError('bad-config', file, reason);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('expected a JSON object');
  const version = raw.formatVersion;
  if (version !== FORMAT_VERSION) {
    throw new ModelFormatError('unsupported-version', file, `formatVersion is ${JSON.stringify(version ?? null)}, this library reads formatVersion ${FORMAT_VERSION}`);
  }
  const arch = raw.architecture;
  if (arch === null || typeof arch !== 'object' || Array.isArray(arch)) return bad('architecture must be an object');
  let architecture: TextClassifierConfig;
  try {
    architecture = resolveConfig(arch as unknown as TextClassifierConfig);
  } catch (err) {
    return bad(`invalid architecture: ${(err as Error).message}`);
  }
  const labels = raw.labels;
  if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string') || new Set(labels).size !== labels.length) {
    return bad('labels must be a list of distinct strings');
  }
  if (labels.length !== architecture.numClasses) {
    return bad(`${labels.length} labels for numClasses=${architecture.numClasses} in the architecture`);
  }
  const names = raw.labelNames ?? null;
  if (names !== null && (!Array.isArray(names) || names.length !== labels.length || !names.every((l) => typeof l === 'string'))) {
    return bad(`labelNames must be null or ${labels.length} strings, one per label`);
  }
  const maxLength = raw.maxLength ?? null;
  if (maxLength !== null && !(typeof maxLength === 'number' && Number.isInteger(maxLength) && maxLength > 0)) {
    return bad(`maxLength must be null or a positive integer, got ${JSON.stringify(maxLength)}`);
  }
  return {
    formatVersion: version,
    architecture,
    labels: labels as string[],
    labelNames: names as string[] | null,
    tokenizer: raw.tokenizer ?? null,
    maxLength,
  };
}

/** The training state of `training_state.json` (tensors are stored in `training_state.safetensors`). */
export interface TrainingState {
  formatVersion: number;
  /** Completed epochs. */
  epoch: number;
  /** Completed optimizer steps. */
  globalStep: number;
  /** Best dev accuracy so far and its epoch, or null (no dev set, or no epoch yet). */
  best: { metric: number; epoch: number } | null;
  /** Epochs since the best one (early stopping). */
  badEpochs: number;
  /** Whether early stopping ended the run. */
  stopped: boolean;
  history: Json[];
  rng: { global: GeneratorState; shuffler: GeneratorState };
  scheduler: Json;
  /** The options of the run, to check a resume against. */
  options: Json;
}

export interface SavedTraining {
  state: TrainingState;
  /** Weights after the last completed epoch. */
  lastWeights: Record<string, Tensor>;
  optimizer: optim.OptimizerStateDict;
}

const TENSOR_REF = '$tensor';

/** Writes training_state.safetensors (last weights, optimizer tensors) and training_state.json in one atomic step. */
export async function saveTrainingState(dir: string, saved: SavedTraining): Promise<void> {
  await writeFilesAtomic(dir, trainingStateFiles(saved));
}

function trainingStateFiles(saved: SavedTraining): FileContents {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(saved.lastWeights)) tensors[`model.${k}`] = t;
  const state: Record<string, Json> = {};
  for (const [id, s] of Object.entries(saved.optimizer.state)) {
    const entry: Record<string, Json> = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') entry[k] = v;
      else {
        const key = `optimizer.${id}.${k}`;
        tensors[key] = new Tensor(v.dtype === 'float64' ? Float64Array.from(v.data) : Float32Array.from(v.data), v.shape);
        entry[k] = { [TENSOR_REF]: key };
      }
    }
    state[id] = entry;
  }
  const json = { ...saved.state, optimizer: { paramGroups: saved.optimizer.paramGroups as unknown as Json, state } };
  return {
    [MODEL_FILES.stateTensors]: serializeSafetensors(tensors, { format: 'pt' }),
    [MODEL_FILES.state]: jsonText(json as unknown as Json),
  };
}

/** Reads what `saveTrainingState` wrote. */
export async function loadTrainingState(dir: string): Promise<SavedTraining> {
  await recoverCheckpoint(dir);
  const file = join(dir, MODEL_FILES.state);
  const raw = await readJson(file);
  const bad = (reason: string): never => {
    throw new ModelFormatError('bad-state', file, reason);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('expected a JSON object');
  if (raw.formatVersion !== FORMAT_VERSION) {
    throw new ModelFormatError('unsupported-version', file, `formatVersion is ${JSON.stringify(raw.formatVersion ?? null)}, expected ${FORMAT_VERSION}`);
  }
  const tensors = await readSafetensors(join(dir, MODEL_FILES.stateTensors));
  const { optimizer, ...rest } = raw as Record<string, Json>;
  if (optimizer === null || typeof optimizer !== 'object' || Array.isArray(optimizer)) return bad('optimizer must be an object');
  const state: optim.OptimizerStateDict['state'] = {};
  const savedState = optimizer.state as Record<string, Record<string, Json>>;
  for (const [id, s] of Object.entries(savedState ?? {})) {
    const entry: Record<string, optim.SerializedStateValue> = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') entry[k] = v;
      else {
        const key = (v as Record<string, Json> | null)?.[TENSOR_REF];
        const t = typeof key === 'string' ? tensors[key] : undefined;
        if (t === undefined) return bad(`optimizer state '${k}' of parameter ${id} refers to a tensor missing from ${MODEL_FILES.stateTensors}`);
        entry[k] = { dtype: t.dtype, shape: [...t.shape], data: Array.from(t.data) };
      }
    }
    state[id] = entry;
  }
  const lastWeights: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith('model.')) lastWeights[k.slice('model.'.length)] = t;
  return {
    state: rest as unknown as TrainingState,
    lastWeights,
    optimizer: { state, paramGroups: optimizer.paramGroups as unknown as optim.OptimizerStateDict['paramGroups'] },
  };
}

async function readSafetensors(path: string): Promise<Record<string, Tensor>> {
  try {
    return (await loadSafetensors(path)).tensors;
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new ModelFormatError('missing-file', path, 'the file does not exist');
    throw new ModelFormatError('bad-state', path, `cannot read the safetensors file: ${(err as Error).message}`);
  }
}

/** Reads and parses a JSON file; a missing file or invalid JSON is a `ModelFormatError`. */
export async function readJson(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new ModelFormatError('missing-file', path, 'the file does not exist');
    throw err;
  }
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new ModelFormatError('bad-config', path, `invalid JSON (${(err as Error).message})`);
  }
}

/** JSON.stringify with 2-space indentation and a final newline, written atomically. */
export async function writeJson(path: string, value: Json): Promise<void> {
  await writeFileAtomic(path, jsonText(value));
}

function jsonText(value: Json): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
