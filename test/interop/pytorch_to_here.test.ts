/**
 * PyTorch → here: model directories written by scripts/reference/torch_to_safetensors.py (the reference PyTorch
 * TextClassifier's state_dict as safetensors, plus our config.json and vocab.json) load with
 * `TextClassifier.load` / `loadModel` and give PyTorch's log-probabilities.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSafetensors, noGrad, Tensor } from '@recurrent/nn-core';
import { LinearExpert, loadModel, NaiveBayes, pipelineFromJson, TextClassifier } from '@recurrent/trainer';
import { describe, expect, it } from 'vitest';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

interface Expected {
  sentences: string[];
  batches: { ids: number[][]; lengths: number[]; logProbs: number[][]; logProbsFloat64: number[][] }[];
}

const DIRS = readdirSync(FIXTURES)
  .filter((d) => d.startsWith('torch_'))
  .sort();

function maxAbsDiff(a: ArrayLike<number>, b: readonly number[]): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function idsTensor(ids: number[][]): Tensor {
  return new Tensor(Int32Array.from(ids.flat()), [ids.length, ids[0].length]);
}

describe('PyTorch state_dict → TextClassifier.load', () => {
  it('covers the 3 cells × 3 poolings, a bigram bag, a naive Bayes expert and both experts (12 fixture directories)', () => {
    expect(DIRS).toHaveLength(12);
  });

  it("torch_gru_max_nb: our NaiveBayes counts PyTorch's tables from the same training sequences (to 1e-6 in float32)", async () => {
    const dir = join(FIXTURES, 'torch_gru_max_nb');
    const t = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { naiveBayesTraining: { ids: number[][]; labels: number[]; alpha: number; scale: number } }).naiveBayesTraining;
    const torch = await TextClassifier.load(dir);
    const nb = new NaiveBayes(50, 3, 17);
    nb.fit(t.ids.map((r) => Int32Array.from(r)), Int32Array.from(t.labels), t.alpha);
    expect(torch.nb!.scale.data[0]).toBe(Math.fround(t.scale));
    for (const k of ['unigram', 'bigram', 'prior'] as const) {
      expect(nb[k].shape).toEqual(torch.nb![k].shape);
      expect(maxAbsDiff(nb[k].data, Array.from(torch.nb![k].data))).toBeLessThan(1e-6);
    }
    expect(Array.from(torch.nb!.bigram.data).filter((v) => v !== 0).length).toBeGreaterThan(20); // most of the 16 pair rows hold counts
  });

  it("torch_gru_max_nb_lin: our LinearExpert's SGD steps give the tables PyTorch's autograd steps give (to 1e-6)", async () => {
    const dir = join(FIXTURES, 'torch_gru_max_nb_lin');
    type Training = { ids: number[][]; labels: number[]; lr: number; orders: number[][]; scale: number };
    const t = (JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { linearTraining: Training }).linearTraining;
    const torch = await TextClassifier.load(dir);
    const lin = new LinearExpert(50, 3, 19);
    lin.fitInOrder(t.ids.map((r) => Int32Array.from(r)), Int32Array.from(t.labels), t.lr, t.orders.map((o) => Int32Array.from(o)));
    expect(torch.lin!.scale.data[0]).toBe(Math.fround(t.scale));
    expect(torch.config.linearEpochs).toBe(t.orders.length);
    for (const k of ['unigram', 'bigram', 'bias'] as const) {
      const [ours, theirs] = [lin.stateDict()[k], torch.lin!.stateDict()[k]];
      expect(ours.shape).toEqual(theirs.shape);
      expect(maxAbsDiff(ours.data, Array.from(theirs.data))).toBeLessThan(1e-6);
    }
    expect(Math.max(...Array.from(torch.lin!.bigram.data, Math.abs))).toBeGreaterThan(0.1); // the steps moved the pair rows
  });

  for (const name of DIRS) {
    const dir = join(FIXTURES, name);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;

    it(`${name}: float32 log-probabilities equal PyTorch's to 1e-5`, async () => {
      const model = await TextClassifier.load(dir);
      expect(model.training).toBe(false);
      // a config.json without nbBuckets or linearBuckets (written before the experts existed) reads as a model
      // without them
      expect(model.nb === null).toBe(!name.includes('_nb'));
      expect(model.lin === null).toBe(!name.endsWith('_lin'));
      for (const b of expected.batches) {
        const logp = noGrad(() => model.forward(idsTensor(b.ids), b.lengths));
        expect(logp.shape).toEqual([b.ids.length, 3]);
        // Same float32 weights and inputs, float32 arithmetic in a different order: a few ulps (~1e-7).
        expect(maxAbsDiff(logp.data, b.logProbs.flat())).toBeLessThan(1e-5);
      }
    });

    it(`${name}: the same weights in float64 give PyTorch's float64 log-probabilities to 1e-12`, async () => {
      const { config } = await loadModel(dir);
      const model = new TextClassifier(config.architecture, { dtype: 'float64' });
      model.loadStateDict((await loadSafetensors(join(dir, 'model_float64.safetensors'))).tensors);
      model.eval();
      for (const b of expected.batches) {
        const logp = noGrad(() => model.forward(idsTensor(b.ids), b.lengths));
        expect(logp.dtype).toBe('float64');
        expect(maxAbsDiff(logp.data, b.logProbsFloat64.flat())).toBeLessThan(1e-12);
      }
    });
  }

  it("the shared vocab.json and tokenizer settings encode the sentences to PyTorch's ids", async () => {
    const dir = join(FIXTURES, DIRS[0]);
    const { config, vocab } = await loadModel(dir);
    const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
    const pipeline = pipelineFromJson(config.tokenizer, vocab, config.maxLength, join(dir, 'vocab.json'));
    const sentenceBatch = expected.batches[2];
    expected.sentences.forEach((s, n) => {
      const ids = Array.from(pipeline.encode(s));
      expect(ids).toEqual(sentenceBatch.ids[n].slice(0, sentenceBatch.lengths[n]));
    });
    // "charming" and "journey" are not among the 48 words: both map to <unk> (1).
    expect(Array.from(pipeline.encode('charming journey'))).toEqual([1, 1]);
  });
});
