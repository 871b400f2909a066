/**
 * The training state of a model directory: `training_state.json` (counters, early-stopping bookkeeping,
 * history, RNG states, scheduler state, run options, and the optimizer's numbers and parameter groups) and
 * `training_state.safetensors` (the weights of the last epoch as `model.<key>`, the optimizer's tensors as
 * `optimizer.<param>.<name>`, which the JSON refers to as `{ "$tensor": key }`). Tensors stay tensors
 * everywhere but in these two files.
 */
import { serializeSafetensors, type GeneratorState, type optim, type Tensor } from '@recurrent/nn-core';
import { FORMAT_VERSION, MODEL_FILES, recoverCheckpoint, writeFilesAtomic, type FileContents } from './checkpoint.js';
import { ModelFormatError } from './errors.js';
import { joinPath } from '#platform';
import { isJsonObject, jsonText, readJson, type Json } from './json.js';
import { modelFiles, readModelConfig, readSafetensors, type ModelConfigFile, type SaveModelInput } from './model_dir.js';
import type { RunOptions } from './options.js';

/** One epoch of the history (also stored in metrics.json). */
export interface EpochRecord {
  epoch: number;
  /** Mean batch loss. */
  trainLoss: number;
  trainAccuracy: number;
  devLoss: number | null;
  devAccuracy: number | null;
  devMacroF1: number | null;
  lr: number;
  seconds: number;
  tokensPerSec: number;
}

/** A learning-rate scheduler's state dict. */
export type SchedulerState = optim.lrScheduler.LRSchedulerState | optim.lrScheduler.ReduceLROnPlateauState;

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
  history: EpochRecord[];
  rng: { global: GeneratorState; shuffler: GeneratorState };
  scheduler: SchedulerState | null;
  /** The options of the run, to check a resume against. */
  options: RunOptions;
}

export interface SavedTraining {
  state: TrainingState;
  /** Weights after the last completed epoch. */
  lastWeights: Record<string, Tensor>;
  optimizer: optim.OptimizerStateDict;
}

const TENSOR_REF = '$tensor';

/** Writes the model files and the training state of one epoch in one atomic step (what `train` saves). */
export async function saveCheckpoint(dir: string, model: SaveModelInput, training: SavedTraining): Promise<void> {
  await writeFilesAtomic(dir, { ...trainingStateFiles(training), ...modelFiles(model) });
}

/** Writes training_state.safetensors (last weights, optimizer tensors) and training_state.json in one atomic step. */
export async function saveTrainingState(dir: string, saved: SavedTraining): Promise<void> {
  await writeFilesAtomic(dir, trainingStateFiles(saved));
}

/** The files `saveTrainingState` writes. */
export function trainingStateFiles(saved: SavedTraining): FileContents {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(saved.lastWeights)) tensors[`model.${k}`] = t;
  const state: Record<string, Record<string, number | { [TENSOR_REF]: string }>> = {};
  for (const [id, s] of Object.entries(saved.optimizer.state)) {
    state[id] = {};
    for (const [k, v] of Object.entries(s)) {
      if (typeof v === 'number') state[id][k] = v;
      else {
        const key = `optimizer.${id}.${k}`;
        tensors[key] = v;
        state[id][k] = { [TENSOR_REF]: key };
      }
    }
  }
  const json = { ...saved.state, optimizer: { paramGroups: saved.optimizer.paramGroups, state } };
  return {
    [MODEL_FILES.stateTensors]: serializeSafetensors(tensors, { format: 'pt' }),
    [MODEL_FILES.state]: jsonText(json),
  };
}

/** Reads what `saveTrainingState` wrote. */
export async function loadTrainingState(dir: string): Promise<SavedTraining> {
  const { state, optimizer: saved, file } = await readStateFile(dir);
  const bad = (reason: string): never => {
    throw new ModelFormatError('bad-state', file, reason);
  };
  const tensors = await readSafetensors(joinPath(dir, MODEL_FILES.stateTensors));
  const optimizerState: optim.OptimizerStateDict['state'] = {};
  for (const [id, s] of Object.entries(isJsonObject(saved.state) ? saved.state : {})) {
    optimizerState[id] = {};
    for (const [k, v] of Object.entries(isJsonObject(s) ? s : {})) {
      if (typeof v === 'number') optimizerState[id][k] = v;
      else {
        const key = isJsonObject(v) ? v[TENSOR_REF] : undefined;
        const t = typeof key === 'string' ? tensors[key] : undefined;
        if (t === undefined) return bad(`optimizer state '${k}' of parameter ${id} refers to a tensor missing from ${MODEL_FILES.stateTensors}`);
        optimizerState[id][k] = t;
      }
    }
  }
  const lastWeights: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) if (k.startsWith('model.')) lastWeights[k.slice('model.'.length)] = t;
  return { state, lastWeights, optimizer: { state: optimizerState, paramGroups: saved.paramGroups as optim.OptimizerStateDict['paramGroups'] } };
}

/** A saved run: its training state and its config.json, both checked. */
export interface SavedRun {
  state: TrainingState;
  config: ModelConfigFile;
}

/**
 * Reads the run saved in a model directory (training_state.json and config.json, not the tensors): what a
 * caller needs to decide how to resume it. Problems are `ModelFormatError`s naming the file.
 */
export async function readSavedRun(dir: string): Promise<SavedRun> {
  const { state } = await readStateFile(dir);
  return { state, config: await readModelConfig(dir) };
}

/** training_state.json, checked: the training state, and the optimizer's JSON part. */
async function readStateFile(dir: string): Promise<{ state: TrainingState; optimizer: { [key: string]: Json }; file: string }> {
  await recoverCheckpoint(dir);
  const file = joinPath(dir, MODEL_FILES.state);
  const raw = await readJson(file);
  const bad = (reason: string): never => {
    throw new ModelFormatError('bad-state', file, reason);
  };
  if (!isJsonObject(raw)) return bad('expected a JSON object');
  if (raw.formatVersion !== FORMAT_VERSION) {
    throw new ModelFormatError('unsupported-version', file, `formatVersion is ${JSON.stringify(raw.formatVersion ?? null)}, expected ${FORMAT_VERSION}`);
  }
  const { optimizer, ...rest } = raw;
  if (!isJsonObject(optimizer)) return bad('optimizer must be an object');
  if (!Array.isArray(optimizer.paramGroups)) return bad('optimizer.paramGroups must be a list');
  const count = (k: string): boolean => Number.isInteger(rest[k]) && (rest[k] as number) >= 0;
  for (const k of ['epoch', 'globalStep', 'badEpochs']) if (!count(k)) bad(`${k} must be a non-negative integer, got ${JSON.stringify(rest[k] ?? null)}`);
  if (typeof rest.stopped !== 'boolean') bad('stopped must be true or false');
  if (!Array.isArray(rest.history) || rest.history.length !== rest.epoch) bad(`history must list ${String(rest.epoch)} epochs`);
  const best = rest.best;
  if (best !== null && !(isJsonObject(best) && typeof best.metric === 'number' && typeof best.epoch === 'number')) bad('best must be null or { metric, epoch }');
  if (!isJsonObject(rest.rng) || !isJsonObject(rest.rng.global) || !isJsonObject(rest.rng.shuffler)) bad('rng must hold the global and shuffler generator states');
  if (rest.scheduler !== null && !isJsonObject(rest.scheduler)) bad('scheduler must be null or an object');
  if (!isJsonObject(rest.options)) bad('options must be an object');
  return { state: rest as unknown as TrainingState, optimizer, file };
}
