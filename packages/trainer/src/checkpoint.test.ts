import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argmax, exp, noGrad, Tensor } from '@recurrent/nn-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { readDataset } from './data/read.js';
import { ModelFormatError } from './errors.js';
import { predictEncoded } from './evaluate.js';
import { loadModel, TextClassifier } from './model.js';
import { saveModel, type ModelConfigFile } from './model_dir.js';
import { SentimentClassifier } from './sentiment.js';
import { train, type TrainResult } from './train.js';
import { loadTrainingState, saveTrainingState } from './training_state.js';

const sst2 = fileURLToPath(new URL('../../../data/sst2/', import.meta.url));
let dir: string;
let result: TrainResult;

beforeAll(async () => {
  const t = await readDataset(join(sst2, 'train.tsv'));
  const d = await readDataset(join(sst2, 'dev.tsv'));
  dir = await mkdtemp(join(tmpdir(), 'trainer-ckpt-'));
  result = await train({
    train: { ...t, examples: t.examples.slice(0, 48) },
    dev: { ...d, examples: d.examples.slice(0, 16) },
    out: dir,
    embeddingDim: 6,
    hiddenSize: 5,
    cell: 'gru',
    pooling: 'mean',
    epochs: 1,
    batchSize: 16,
    labelNames: { '0': 'negative', '1': 'positive' },
  });
});

async function errorOf(p: Promise<unknown>): Promise<ModelFormatError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ModelFormatError)) throw new Error(`expected a ModelFormatError, got ${String(e)}`);
  return e;
}

async function copyDir(from: string): Promise<string> {
  const to = await mkdtemp(join(tmpdir(), 'trainer-ckpt-copy-'));
  for (const f of await readdir(from)) await writeFile(join(to, f), await readFile(join(from, f)));
  return to;
}

describe('model directory', () => {
  it('round trip: the loaded model has the same weights and gives the same probabilities', async () => {
    const loaded = await loadModel(dir);
    expect(loaded.config.labels).toEqual(['0', '1']);
    expect(loaded.config.labelNames).toEqual(['negative', 'positive']);
    expect(loaded.config.architecture).toEqual(result.model.config);
    const a = result.model.stateDict();
    const b = loaded.model.stateDict();
    expect(Object.keys(b)).toEqual(Object.keys(a));
    for (const k of Object.keys(a)) expect(Array.from(b[k].data)).toEqual(Array.from(a[k].data));
    const ids = result.data.dev!.ids;
    expect(predictEncoded(loaded.model, ids).probs).toEqual(predictEncoded(result.model, ids).probs);
    expect(loaded.model.training).toBe(false);
    expect((await TextClassifier.load(dir)).config).toEqual(result.model.config);
  });

  it('config.json: unsupported formatVersion, bad architecture, label count and missing files are clear errors', async () => {
    const cfg = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as ModelConfigFile;
    const withConfig = async (c: unknown): Promise<string> => {
      const d = await copyDir(dir);
      await writeFile(join(d, 'config.json'), JSON.stringify(c));
      return d;
    };
    const v = await errorOf(loadModel(await withConfig({ ...cfg, formatVersion: 99 })));
    expect(v.code).toBe('unsupported-version');
    expect(v.message).toMatch(/config\.json: formatVersion is 99, this library reads formatVersion 1$/);
    const a = await errorOf(loadModel(await withConfig({ ...cfg, architecture: { ...cfg.architecture, cell: 'lstmx' } })));
    expect(a.code).toBe('bad-config');
    expect(a.message).toMatch(/invalid architecture: TextClassifier: cell must be one of lstm, gru, rnn, got 'lstmx'/);
    const l = await errorOf(loadModel(await withConfig({ ...cfg, labels: ['0', '1', '2'] })));
    expect(l.message).toMatch(/3 labels for numClasses=2/);
    // Shapes vs config: a hidden size that does not match the weights.
    const s = await errorOf(loadModel(await withConfig({ ...cfg, architecture: { ...cfg.architecture, hiddenSize: 7 } })));
    expect(s.code).toBe('shape-mismatch');
    expect(s.message).toMatch(/model\.safetensors: the weights do not fit the architecture in config\.json: .*size mismatch for rnn\.weight_ih_l0/s);
    // A hostile size (V·E = 2^31·6 floats) is refused before anything is allocated, not a RangeError or OOM.
    const huge = await errorOf(loadModel(await withConfig({ ...cfg, architecture: { ...cfg.architecture, vocabSize: 2 ** 31 } })));
    expect(huge.code).toBe('shape-mismatch');
    expect(huge.message).toMatch(/model\.safetensors: the architecture in config\.json needs at least 12884901888 parameters but the weights file holds \d+ numbers$/);
    const m = await copyDir(dir);
    await rm(join(m, 'model.safetensors'));
    expect((await errorOf(loadModel(m))).code).toBe('missing-file');
    expect((await errorOf(loadModel(join(dir, 'nope')))).message).toMatch(/nope\/config\.json: the file does not exist/);
  });

  it('training state round trip keeps counters, RNG states and optimizer tensors exactly', async () => {
    const saved = await loadTrainingState(dir);
    expect(saved.state.epoch).toBe(1);
    expect(saved.state.globalStep).toBe(3); // 48 rows / batch 16
    const d = await mkdtemp(join(tmpdir(), 'trainer-state-'));
    await saveTrainingState(d, saved);
    const again = await loadTrainingState(d);
    expect(again.state).toEqual(saved.state);
    expect(again.optimizer).toEqual(saved.optimizer);
    expect(Object.keys(again.lastWeights)).toEqual(Object.keys(saved.lastWeights));
  });

  it('saveModel leaves no temporary files and overwrites in place', async () => {
    const d = await mkdtemp(join(tmpdir(), 'trainer-save-'));
    const loaded = await loadModel(dir);
    for (let i = 0; i < 2; i++) {
      await saveModel(d, { weights: loaded.model.stateDict(), config: loaded.config, vocab: loaded.vocab });
    }
    expect((await readdir(d)).sort()).toEqual(['config.json', 'model.safetensors', 'vocab.json']);
    const bad = { 'fc.weight': new Tensor(new Float32Array(2), [1, 2]) };
    await saveModel(d, { weights: bad, config: loaded.config, vocab: loaded.vocab });
    expect((await errorOf(loadModel(d))).code).toBe('shape-mismatch');
  });
});

describe('atomic checkpoints (writeFilesAtomic journal)', () => {
  it('a committed but interrupted save is finished by the next load; an uncommitted one leaves the old files', async () => {
    const d = await copyDir(dir);
    const before = await loadModel(d);
    const cfg = before.config;
    // Uncommitted: temporary files but no journal (a crash before the commit point). The old checkpoint loads.
    await writeFile(join(d, '.config.json.0000.tmp'), '{"broken"');
    expect((await loadModel(d)).config).toEqual(cfg);
    // Committed: the journal lists a temporary metrics.json that was not renamed yet (crash mid-rename).
    await writeFile(join(d, '.metrics.json.1111.tmp'), '{"bestEpoch": 7}\n');
    await writeFile(join(d, '.checkpoint-commit.json'), JSON.stringify({ renames: [['.metrics.json.1111.tmp', 'metrics.json']] }));
    expect((await loadModel(d)).metrics).toEqual({ bestEpoch: 7 });
    // Rolled forward: journal and its temporary file gone; the stray uncommitted one is removed by the next save.
    expect((await readdir(d)).filter((f) => f.startsWith('.'))).toEqual(['.config.json.0000.tmp']);
    await saveModel(d, { weights: before.model.stateDict(), config: cfg, vocab: before.vocab });
    expect((await readdir(d)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('a journal naming a path outside the model files is refused, not followed', async () => {
    const d = await copyDir(dir);
    await writeFile(join(d, '.checkpoint-commit.json'), JSON.stringify({ renames: [['.x.tmp', '../../etc/passwd']] }));
    const e = await errorOf(loadModel(d));
    expect(e.code).toBe('bad-state');
    expect(e.message).toMatch(/\.checkpoint-commit\.json: the journal of an interrupted save is not a list of \[temporary file, model file\] pairs$/);
  });
});

describe('SentimentClassifier', () => {
  it('predict gives display labels with probabilities summing to 1; predictBatch keeps input order', async () => {
    const clf = await SentimentClassifier.load(dir);
    expect(clf.labels).toEqual(['negative', 'positive']);
    const texts = ['a gorgeous , witty , seductive movie .', 'bad', '', 'the plot is thin and the acting is worse than bad .'];
    const batch = clf.predictBatch(texts);
    expect(batch).toHaveLength(4);
    texts.forEach((t, i) => {
      const one = clf.predict(t);
      expect(Object.keys(one.probs)).toEqual(['negative', 'positive']);
      expect(one.probs.negative + one.probs.positive).toBeCloseTo(1, 6);
      expect(one.label).toBe(one.probs.positive > one.probs.negative ? 'positive' : 'negative');
      // Same model, same text: batched (padded, sorted by length) equals single up to float32 rounding.
      expect(batch[i].label).toBe(one.label);
      expect(batch[i].probs.positive).toBeCloseTo(one.probs.positive, 5);
      // predict computes exp and argmax itself: the bits of the ops on the model's output
      const ids = clf.pipeline.encode(t);
      const x = new Tensor(ids.length === 0 ? new Int32Array(1) : ids, [1, Math.max(1, ids.length)]);
      const p = noGrad(() => exp(clf.model.forward(x, [Math.max(1, ids.length)])));
      expect([one.probs.negative, one.probs.positive]).toEqual(Array.from(p.data));
      expect(one.label).toBe(clf.labels[argmax(p, 1).data[0]]);
    });
    expect(clf.predictBatch([])).toEqual([]);
  });

  it('evaluate: metrics on a labelled file by display name; an unseen label names file and line', async () => {
    const clf = await SentimentClassifier.load(dir);
    const f = join(dir, '..', `${Date.now()}-eval.tsv`);
    await writeFile(f, 'sentence\tlabel\ngood fun .\t1\ndull .\t0\nmeh\t1\n');
    const e = await clf.evaluate(f);
    expect(e.metrics.n).toBe(3);
    expect(e.metrics.labels).toEqual(['negative', 'positive']);
    expect(e.metrics.confusion.flat().reduce((a, b) => a + b)).toBe(3);
    await writeFile(f, 'sentence\tlabel\ngood fun .\t1\ndull .\t2\n');
    await expect(clf.evaluate(f)).rejects.toThrow(`${f}:3: the label '2' is not one the model knows ('0', '1')`);
  });
});
