import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { Tensor } from '@recurrent/nn-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainingState, saveTrainingState } from './training_state.js';
import { readDataset, type Dataset } from './data/read.js';
import { NonFiniteLossError } from './errors.js';
import { evaluateEncoded } from './evaluate.js';
import { train, type StartInfo, type TrainOptions } from './train.js';
import { Classifier } from './classifier.js';

const digest = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const sst2 = fileURLToPath(new URL('../../../data/sst2/', import.meta.url));
let trainSet: Dataset;
let devSet: Dataset;

beforeAll(async () => {
  // A tiny, fixed subset: the first 64 training rows and the first 32 dev rows of the bundled SST-2.
  const t = await readDataset(join(sst2, 'train.tsv'));
  const d = await readDataset(join(sst2, 'dev.tsv'));
  trainSet = { ...t, examples: t.examples.slice(0, 64) };
  devSet = { ...d, examples: d.examples.slice(0, 32) };
});

// Every setting the losses depend on is spelled out, so the committed losses do not move with the default recipe.
const tiny = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  train: trainSet,
  dev: devSet,
  cell: 'lstm',
  embeddingDim: 8,
  hiddenSize: 6,
  embeddingInitRange: 0.1,
  embeddingDropout: 0.5,
  dropout: 0.5,
  optimizer: 'adam',
  lr: 2e-3,
  batchSize: 16,
  epochs: 2,
  patience: null,
  seed: 7,
  ...extra,
});

async function losses(options: TrainOptions): Promise<number[]> {
  const out: number[] = [];
  await train(options, { onBatchEnd: (b) => out.push(b.loss) });
  return out;
}

describe('train (seeded end to end)', () => {
  it('first 5 losses equal the committed regression values, and a second run repeats them exactly', async () => {
    const a = await losses(tiny());
    const b = await losses(tiny());
    expect(a).toHaveLength(8); // 2 epochs × 64 / 16
    expect(b).toEqual(a); // deterministic: same seed, same bits
    // Regression values from this implementation (float32, seed 7, first 64 SST-2 train rows); they change only
    // if initialization, shuffling, the model or the optimizer change.
    expect(a.slice(0, 5)).toEqual(FIRST_LOSSES);
  });

  it('resume: 1 epoch + resume to 2 epochs gives the same losses and weights as 2 epochs straight', async () => {
    const dirA = await mkdtemp(join(tmpdir(), 'trainer-resume-a-'));
    const dirB = await mkdtemp(join(tmpdir(), 'trainer-resume-b-'));
    const straight: number[] = [];
    const resA = await train(tiny({ out: dirA }), { onBatchEnd: (b) => straight.push(b.loss) });
    const first = await losses(tiny({ out: dirB, epochs: 1 }));
    const rest: number[] = [];
    const epochs: number[] = [];
    const resB = await train(tiny({ out: dirB, resume: true }), {
      onBatchEnd: (b) => rest.push(b.loss),
      onEpochEnd: (e) => epochs.push(e.epoch),
    });
    expect(epochs).toEqual([2]); // only the missing epoch ran
    expect([...first, ...rest]).toEqual(straight); // bit for bit
    expect(resB.history).toEqual(resA.history.map((h, i) => ({ ...h, seconds: resB.history[i].seconds, tokensPerSec: resB.history[i].tokensPerSec })));
    expect(resB.devMetrics).toEqual(resA.devMetrics);
    expect(resB.bestEpoch).toBe(resA.bestEpoch);
    const wa = resA.model.stateDict();
    const wb = resB.model.stateDict();
    for (const k of Object.keys(wa)) expect(Array.from(wb[k].data)).toEqual(Array.from(wa[k].data));
    // Same bytes on disk for the kept weights.
    expect(digest(await readFile(join(dirB, 'model.safetensors')))).toBe(digest(await readFile(join(dirA, 'model.safetensors'))));
  });

  it('writes a complete model directory atomically (no temporary files left)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-out-'));
    await train(tiny({ out: dir, epochs: 1 }));
    expect((await readdir(dir)).sort()).toEqual([
      'config.json',
      'metrics.json',
      'model.safetensors',
      'training_curve.svg',
      'training_state.json',
      'training_state.safetensors',
      'vocab.json',
    ]);
    const svg = await readFile(join(dir, 'training_curve.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  });

  it('a NaN/Inf loss throws NonFiniteLossError naming epoch and step, and leaves the last checkpoint intact', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-nan-'));
    await train(tiny({ out: dir, epochs: 1 }));
    // (files as SHA-256 digests: a deep comparison of the megabytes of the naive Bayes tables takes seconds)
    const files = async (): Promise<(readonly [string, string])[]> => Promise.all((await readdir(dir)).sort().map(async (f) => [f, digest(await readFile(join(dir, f)))] as const));
    const before = await files();
    // lr = Infinity makes the first step set every parameter non-finite (±Infinity where Adam's step is nonzero, NaN
    // where it is 0), fc.bias included, so step 2's logits are non-finite and log_softmax's x − max is NaN whatever
    // the rounding of the kernels. (A huge finite lr leaves it to rounding whether the loss or the gradient norm
    // overflows first.)
    const err = await train(tiny({ out: dir, epochs: 1, lr: Infinity })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect(e.epoch).toBe(1);
    expect(e.step).toBeGreaterThan(1);
    expect(e.message).toMatch(/^the training loss became (NaN|Infinity|-Infinity) at epoch 1, step \d+; training stopped$/);
    expect(await files()).toEqual(before);
  });

  it('a finite loss with an infinite gradient norm throws NonFiniteLossError before the step, naming epoch 2 step 1', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-nan-grad-'));
    await train(tiny({ out: dir, epochs: 1, clipGradNorm: null }));
    // fc.weight × 1e25: logits stay finite (|feature| < 1, so the loss ≤ ~1e26), but the gradient reaching the
    // recurrent weights is ~1e25 and its square overflows float32, so the total norm is Infinity.
    const saved = await loadTrainingState(dir);
    const w = saved.lastWeights['fc.weight'];
    saved.lastWeights['fc.weight'] = new Tensor(w.data.map((v) => v * 1e25), w.shape);
    await saveTrainingState(dir, saved);
    const seen: number[] = [];
    const err = await train(tiny({ out: dir, epochs: 2, clipGradNorm: null, resume: true }), { onBatchEnd: (b) => seen.push(b.loss) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NonFiniteLossError);
    const e = err as NonFiniteLossError;
    expect([e.epoch, e.step, e.quantity]).toEqual([2, 1, 'gradient norm']);
    expect(e.message).toMatch(/^the gradient norm became (NaN|Infinity) at epoch 2, step 1; training stopped$/);
    expect(seen).toEqual([]); // no step was applied
    expect((await loadTrainingState(dir)).state.epoch).toBe(1);
  });

  it('AdamW, a step lr schedule and balanced class weights are applied', async () => {
    const seen: number[] = [];
    const r = await train(tiny({ optimizer: 'adamw', lrSchedule: 'step', lrStepSize: 1, lrGamma: 0.5, classWeights: 'balanced' }), {
      onBatchEnd: (b) => seen.push(b.lr),
    });
    // The lr of each epoch: 2e-3, then halved once by StepLR after epoch 1.
    expect(r.history.map((h) => h.lr)).toEqual([2e-3, 1e-3]);
    expect(seen).toEqual([2e-3, 2e-3, 2e-3, 2e-3, 1e-3, 1e-3, 1e-3, 1e-3]);
    const plain = await losses(tiny());
    expect(r.history[0].trainLoss).not.toBe(plain.slice(0, 4).reduce((a, b) => a + b) / 4);
    await expect(train(tiny({ classWeights: [1] }))).rejects.toThrow("classWeights must be 'balanced' or 2 non-negative numbers");
  });

  it('without epochs and patience the run takes the training budget of its steps per epoch; given ones win', async () => {
    class Stop extends Error {}
    const startOf = async (extra: Partial<TrainOptions>): Promise<StartInfo> => {
      let info: StartInfo | null = null;
      const err = await train(tiny(extra), {
        onStart: (i) => {
          info = i;
          throw new Stop();
        },
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(Stop);
      return info!;
    };
    // 64 rows in batches of 16: 4 steps an epoch → ceil(2000 / 4) = 500 epochs, ceil(600 / 4) = 150 epochs of patience.
    expect(await startOf({ epochs: undefined, patience: undefined })).toMatchObject({ epochs: 500, patience: 150, stepsPerEpoch: 4 });
    expect(await startOf({ epochs: undefined, patience: undefined, batchSize: 64 })).toMatchObject({ epochs: 2000, patience: 600, stepsPerEpoch: 1 });
    expect(await startOf({ epochs: 3, patience: undefined })).toMatchObject({ epochs: 3, patience: 150 });
    expect(await startOf({ epochs: undefined, patience: null })).toMatchObject({ epochs: 500, patience: null });
  });

  it('a resumed run without a patience keeps the saved one (2 here, where the budget would give 150)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-resume-patience-'));
    await train(tiny({ out: dir, epochs: 1, patience: 2 }));
    const r = await train(tiny({ out: dir, epochs: 2, patience: undefined, resume: true }));
    expect(r.history).toHaveLength(2);
    expect((await loadTrainingState(dir)).state.options.patience).toBe(2);
  });

  it('early stopping with patience 1 stops after the first worse epoch and restores the best weights', async () => {
    const r = await train(tiny({ epochs: 6, patience: 1, lr: 0.1 }));
    // Regression values of this run: dev accuracy 18/32 after epoch 1, 14/32 after epoch 2 → stop, keep epoch 1.
    expect(r.history.map((h) => h.devAccuracy)).toEqual([18 / 32, 14 / 32]);
    expect(r.stoppedEarly).toBe(true);
    expect(r.bestEpoch).toBe(1);
    // The returned weights are epoch 1's: re-evaluating the network alone (the experts' scales at 0) gives epoch
    // 1's accuracy, not the last one.
    const scales = r.model.experts.map((e) => e.scale.data[0]);
    for (const e of r.model.experts) e.scale.data[0] = 0;
    expect(evaluateEncoded(r.model, r.data.dev!, r.data.labels).metrics.accuracy).toBe(18 / 32);
    // With the experts fitted on the dev set after training: the dev accuracy the result reports.
    r.model.experts.forEach((e, k) => (e.scale.data[0] = scales[k]));
    // (regression values: 21/32 with naive Bayes at weight 0.26 and the linear expert at 0.01, held by the float32
    // buffers as fround(…))
    expect(r.experts).toEqual({ naiveBayes: 0.26, linear: 0.01, devAccuracyWithout: 18 / 32, devAccuracyWith: 21 / 32 });
    expect(scales).toEqual([Math.fround(0.26), Math.fround(0.01)]);
    expect(evaluateEncoded(r.model, r.data.dev!, r.data.labels).metrics.accuracy).toBe(21 / 32);
    expect(r.devMetrics!.accuracy).toBe(21 / 32);
  });
});

describe('train: rare-word dropout', () => {
  it('draws with the training counts (train sets them), changes the run, and a resumed run continues it bit for bit', async () => {
    const plain = await losses(tiny());
    const rare = await losses(tiny({ rareWordDropout: 0.25 }));
    expect(rare).toHaveLength(plain.length);
    expect(rare).not.toEqual(plain);
    const [a, b] = await Promise.all([mkdtemp(join(tmpdir(), 'trainer-rwd-a-')), mkdtemp(join(tmpdir(), 'trainer-rwd-b-'))]);
    const straight = await train(tiny({ out: a, epochs: 2, rareWordDropout: 0.25 }));
    await train(tiny({ out: b, epochs: 1, rareWordDropout: 0.25 }));
    const resumed = await train(tiny({ out: b, epochs: 2, rareWordDropout: 0.25, resume: true }));
    expect(resumed.history.map((h) => h.trainLoss)).toEqual(straight.history.map((h) => h.trainLoss));
    expect(digest(await readFile(join(b, 'model.safetensors')))).toBe(digest(await readFile(join(a, 'model.safetensors'))));
  });
});

describe('train: the experts', () => {
  it('are counted and trained from the training set, fitted on dev after training, saved with the model and read back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-nb-'));
    const r = await train(tiny({ out: dir, epochs: 6, patience: 1, lr: 0.1 }));
    const fit = { naiveBayes: 0.26, linear: 0.01, devAccuracyWithout: 18 / 32, devAccuracyWith: 21 / 32 }; // the run of the early-stopping test above
    expect(r.experts).toEqual(fit);
    const loaded = await Classifier.load(dir);
    expect(loaded.model.experts.map((e) => e.scale.data[0])).toEqual([Math.fround(0.26), Math.fround(0.01)]);
    expect(Array.from(loaded.model.nb!.unigram.data)).toEqual(Array.from(r.model.nb!.unigram.data));
    expect(Array.from(loaded.model.lin!.bigram.data)).toEqual(Array.from(r.model.lin!.bigram.data));
    const texts = devSet.examples.map((e) => e.text);
    expect(loaded.predictBatch(texts)).toEqual(Classifier.fromTraining(r).predictBatch(texts));
    const metrics = JSON.parse(await readFile(join(dir, 'metrics.json'), 'utf8')) as { dev: { accuracy: number }; experts: unknown };
    expect(metrics.experts).toEqual(fit);
    expect(metrics.dev.accuracy).toBe(21 / 32);
  });

  it('train the linear expert from its own generator: the network trains the same bits with or without it', async () => {
    const a = await train(tiny({ epochs: 2 })); // one after the other: runs share the global generator's dropout draws
    const b = await train(tiny({ epochs: 2, linearBuckets: 0 }));
    expect(b.model.lin).toBeNull();
    expect(a.history.map((h) => h.trainLoss)).toEqual(b.history.map((h) => h.trainLoss));
    expect(Array.from(a.model.fc.weight.data)).toEqual(Array.from(b.model.fc.weight.data));
    expect(a.model.lin!.unigram.data.some((v) => v !== 0)).toBe(true);
  });

  it('a finished run resumed to more epochs continues from its last epoch, as one uninterrupted run', async () => {
    const [a, b] = await Promise.all([mkdtemp(join(tmpdir(), 'trainer-nb-a-')), mkdtemp(join(tmpdir(), 'trainer-nb-b-'))]);
    const straight = await train(tiny({ out: a, epochs: 3 }));
    await train(tiny({ out: b, epochs: 2 })); // finished: the expert fitted and saved with the best epoch's weights
    const resumed = await train(tiny({ out: b, epochs: 3, resume: true }));
    expect(resumed.history).toEqual(straight.history.map((h, i) => ({ ...h, seconds: resumed.history[i].seconds, tokensPerSec: resumed.history[i].tokensPerSec })));
    expect(resumed.experts).toEqual(straight.experts);
    expect(digest(await readFile(join(b, 'model.safetensors')))).toBe(digest(await readFile(join(a, 'model.safetensors'))));
  });

  it('without a dev set keep weight 0 (the network alone); nbBuckets 0 and linearBuckets 0 build none', async () => {
    const r = await train(tiny({ dev: null }));
    expect(r.experts).toBeNull();
    expect(r.model.experts.map((e) => e.scale.data[0])).toEqual([0, 0]);
    const none = await train(tiny({ nbBuckets: 0, linearBuckets: 0 }));
    expect([none.model.nb, none.model.lin, none.experts]).toEqual([null, null, null]);
  });
});

const FIRST_LOSSES = [0.7512258887290955, 0.7077798247337341, 0.6974065899848938, 0.6986886858940125, 0.722612202167511];
