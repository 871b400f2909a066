/**
 * The model files of a model directory (see `checkpoint.ts` for the layout): `readModelDir`, the one reader,
 * which validates config.json, vocab.json and the weights once for every caller, and `saveModel`.
 */
import { parseSafetensors, serializeSafetensors, type nn, type Tensor } from '@recurrent/nn-core';
import { trainingCurveSvg, type CurvePoint } from './chart.js';
import { FORMAT_VERSION, MODEL_FILES, recoverCheckpoint, writeFilesAtomic, type FileContents } from './checkpoint.js';
import { ModelFormatError } from './errors.js';
import { isJsonObject, jsonText, parseJson, readJson, type Json } from './json.js';
import type { Metrics } from './metrics.js';
import { resolveConfig, type TextClassifierConfig } from './model_config.js';
import type { ModelSource } from './model_files.js';
import { joinPath, readBytes } from '#platform';
import { pipelineFromJson, type TextPipeline } from './pipeline.js';
import type { EpochRecord } from './training_state.js';

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

/** metrics.json as `train` writes it: the dev metrics of the kept weights and the per-epoch history. */
export interface TrainingMetrics {
  bestEpoch: number | null;
  dev: Metrics | null;
  history: EpochRecord[];
}

export interface SaveModelInput {
  /** The weights to save (e.g. `model.stateDict()` or a kept snapshot of the best epoch). */
  weights: Record<string, Tensor>;
  config: ModelConfigFile;
  vocab: Json;
  metrics?: Json | TrainingMetrics;
  /** Per-epoch points for the training-curve picture. */
  curve?: readonly CurvePoint[];
}

/** Writes a model directory (creating it), all files in one atomic step (see `writeFilesAtomic`). */
export async function saveModel(dir: string, input: SaveModelInput): Promise<void> {
  await writeFilesAtomic(dir, modelFiles(input));
}

/** The files `saveModel` writes. */
export function modelFiles(input: SaveModelInput): FileContents {
  const files: FileContents = {
    [MODEL_FILES.weights]: serializeSafetensors(input.weights, { format: 'pt' }),
    [MODEL_FILES.vocab]: jsonText(input.vocab),
  };
  if (input.metrics !== undefined) files[MODEL_FILES.metrics] = jsonText(input.metrics);
  if (input.curve !== undefined) files[MODEL_FILES.curve] = trainingCurveSvg(input.curve);
  files[MODEL_FILES.config] = jsonText(input.config);
  return files;
}

/** A model directory as read and validated by `readModelDir`. */
export interface ModelDirectory {
  dir: string;
  config: ModelConfigFile;
  /** The weights; their keys and shapes are checked when loaded into the model (see `loadModel`). */
  weights: Record<string, Tensor>;
  /** Path of the weights file, for messages. */
  weightsFile: string;
  vocab: Json;
  /** The tokenizer and vocabulary, checked against the architecture's vocabSize. */
  pipeline: TextPipeline;
  /** metrics.json, or null when absent. */
  metrics: Json | null;
}

/**
 * Reads and validates a model directory: config.json (format version, architecture, labels), vocab.json and the
 * tokenizer, the size of the weights against the architecture, then the vocabulary against vocabSize. Problems are
 * `ModelFormatError`s naming the file. A committed but interrupted save is finished first.
 */
export async function readModelDir(dir: string): Promise<ModelDirectory> {
  await recoverCheckpoint(dir);
  return { dir, ...(await readModelFrom(dirSource(dir))) };
}

/** `readModelDir`'s reading and checks, on the files of any source (a directory, a URL, memory). */
export async function readModelFrom(source: ModelSource): Promise<Omit<ModelDirectory, 'dir'>> {
  // The files are fetched (or read) all at once, which over a network saves a round trip per file, and checked
  // in a fixed order, so a directory with several problems always reports the same one first.
  const [configBytes, vocabBytes, weightsBytes, metricsBytes] = inOrder([
    required(source, MODEL_FILES.config),
    required(source, MODEL_FILES.vocab),
    required(source, MODEL_FILES.weights),
    source.read(MODEL_FILES.metrics),
  ]);
  const configFile = source.where(MODEL_FILES.config);
  const config = checkConfig(parseJson(await configBytes, configFile), configFile);
  const vocabFile = source.where(MODEL_FILES.vocab);
  const vocab = parseJson(await vocabBytes, vocabFile);
  // The tokenizer and vocabulary are built while the weights, by far the largest file, may still be arriving.
  const pipeline = pipelineFromJson(config.tokenizer, vocab, config.maxLength, vocabFile);
  const weightsFile = source.where(MODEL_FILES.weights);
  // Bytes nobody else holds are viewed, not copied (4 MB for the shipped model, and the page faults of new memory).
  const weights = parseWeights(await weightsBytes, weightsFile, source.freshBytes !== true);
  checkSizeAgainstWeights(config.architecture, weights, weightsFile);
  if (pipeline.vocabSize !== config.architecture.vocabSize) {
    throw new ModelFormatError(
      'shape-mismatch',
      vocabFile,
      `the vocabulary has ${pipeline.vocabSize} tokens but the architecture says vocabSize=${config.architecture.vocabSize}`,
    );
  }
  const metricsRead = await metricsBytes;
  const metrics = metricsRead === null ? null : parseJson(metricsRead, source.where(MODEL_FILES.metrics));
  return { config, weights, weightsFile, vocab, pipeline, metrics };
}

/**
 * The promises as they are, each marked as handled: the caller awaits them one by one, and one that fails while
 * an earlier one is still awaited must not count as an unhandled rejection (its error surfaces when awaited).
 */
function inOrder<T extends readonly Promise<unknown>[]>(reads: T): T {
  for (const r of reads) r.catch(() => undefined);
  return reads;
}

/** A model directory on disk as a `ModelSource` (a missing file reads as null). */
export function dirSource(dir: string): ModelSource {
  return {
    freshBytes: true,
    where: (name) => joinPath(dir, name),
    read: (name) => readBytes(joinPath(dir, name)),
  };
}

/** The bytes of file `name`; a missing one is a `ModelFormatError` naming it. */
async function required(source: ModelSource, name: string): Promise<Uint8Array> {
  const bytes = await source.read(name);
  if (bytes === null) throw new ModelFormatError('missing-file', source.where(name), 'the file does not exist');
  return bytes;
}

/** The tensors of a safetensors file's bytes; errors are `ModelFormatError`s naming `where`. */
function parseWeights(bytes: Uint8Array, where: string, copy = true): Record<string, Tensor> {
  try {
    return parseSafetensors(bytes, { copy }).tensors;
  } catch (err) {
    const message = (err as Error).message.replace(/^safetensors: /, '');
    throw new ModelFormatError('bad-state', where, `cannot read the safetensors file: ${where}: ${message}`);
  }
}

/** config.json of a model directory, checked (see `checkConfig`); finishes an interrupted save first. */
export async function readModelConfig(dir: string): Promise<ModelConfigFile> {
  await recoverCheckpoint(dir);
  const file = joinPath(dir, MODEL_FILES.config);
  return checkConfig(await readJson(file), file);
}

/** Loads `tensors` into `model`, strictly; a mismatch is a `ModelFormatError` naming `path`. */
export function loadWeightsInto(model: nn.Module, tensors: Record<string, Tensor>, path: string, options: { assign?: boolean } = {}): void {
  try {
    model.loadStateDict(tensors, { assign: options.assign });
  } catch (err) {
    throw new ModelFormatError('shape-mismatch', path, `the weights do not fit the architecture in config.json: ${(err as Error).message}`);
  }
}

/** Loads `path` (safetensors) into `model`, strictly; errors are `ModelFormatError`s naming the file. */
export async function loadWeights(model: nn.Module, path: string): Promise<void> {
  loadWeightsInto(model, await readSafetensors(path), path);
}

/** The tensors of a safetensors file of the model directory; errors are `ModelFormatError`s naming it. */
export async function readSafetensors(path: string): Promise<Record<string, Tensor>> {
  const bytes = await readBytes(path).catch((err: Error) => {
    throw new ModelFormatError('bad-state', path, `cannot read the safetensors file: ${err.message}`);
  });
  if (bytes === null) throw new ModelFormatError('missing-file', path, 'the file does not exist');
  return parseWeights(bytes, path);
}

/**
 * An untrusted config.json could ask for a huge model (say vocabSize 2^31) whose allocation would fail or exhaust
 * memory. Each product below is a lower bound of the parameter count of a correct file (embedding V·E, the
 * recurrent weights ≥ numLayers·H·H and ≥ H·E, the head ≥ C·H, the bigram bag's B·Dg, the experts' tables nbBuckets·C and linearBuckets·C), so a valid model always passes, and a passing
 * architecture allocates at most a small multiple of what the weights file holds.
 */
function checkSizeAgainstWeights(arch: TextClassifierConfig, tensors: Record<string, Tensor>, path: string): void {
  let held = 0;
  for (const t of Object.values(tensors)) held += t.data.length;
  const { vocabSize: V, embeddingDim: E, hiddenSize: H, numLayers, numClasses: C, bigramBuckets: B, bigramDim: Dg, nbBuckets: Nb, linearBuckets: Nl } = arch;
  const needed = Math.max(V * E, numLayers * H * H, H * E, C * H, B * Dg, Nb * C, Nl * C);
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
  if (!isJsonObject(raw)) return bad('expected a JSON object');
  const version = raw.formatVersion;
  if (version !== FORMAT_VERSION) {
    throw new ModelFormatError('unsupported-version', file, `formatVersion is ${JSON.stringify(version ?? null)}, this library reads formatVersion ${FORMAT_VERSION}`);
  }
  const arch = raw.architecture;
  if (!isJsonObject(arch)) return bad('architecture must be an object');
  let architecture: TextClassifierConfig;
  try {
    // a file written before an expert existed has none of it (not the default of a new model)
    const saved = arch as unknown as TextClassifierConfig;
    architecture = resolveConfig({ ...saved, nbBuckets: saved.nbBuckets ?? 0, linearBuckets: saved.linearBuckets ?? 0 });
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
