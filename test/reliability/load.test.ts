/**
 * Load: streaming prediction gives what predictBatch gives, in order, for any chunking; many concurrent callers
 * (Promise.all of predicts and interleaved streams) get the same results as sequential calls. Peak RSS over
 * 100,000 sentences is measured by `pnpm reliability` (predict_rss.ts), not here.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SentimentClassifier, train, type Prediction } from '@recurrent/trainer';
import { tinyDataset, tinyRun } from './tiny_run.js';

let clf: SentimentClassifier;
const texts = [...tinyDataset(150, 500).examples.map((e) => e.text), '', 'unknown words only', 'good '.repeat(300)];

beforeAll(async () => {
  const out = await mkdtemp(join(tmpdir(), 'load-'));
  await train({ ...tinyRun(2), out });
  clf = await SentimentClassifier.load(out);
});

async function collect(it: AsyncIterable<Prediction>): Promise<Prediction[]> {
  const out: Prediction[] = [];
  for await (const p of it) out.push(p);
  return out;
}

async function* slowly(items: readonly string[]): AsyncGenerator<string> {
  for (const t of items) {
    await new Promise((r) => setImmediate(r));
    yield t;
  }
}

describe('predictStream and concurrent predict', () => {
  it('predictStream over an array and an async generator equals predictBatch (153 texts; chunks of 1, 7 and 4096)', async () => {
    const batch = clf.predictBatch(texts, { batchSize: 16 });
    expect(batch).toHaveLength(153);
    for (const chunkSize of [1, 7, 4096]) {
      expect(await collect(clf.predictStream(texts, { batchSize: 16, chunkSize }))).toEqual(batch);
    }
    expect(await collect(clf.predictStream(slowly(texts), { batchSize: 16, chunkSize: 10 }))).toEqual(batch);
    expect(await collect(clf.predictStream([]))).toEqual([]);
    await expect(collect(clf.predictStream(['ok', 3 as unknown as string]))).rejects.toThrow('predictStream: text 1 must be a string, got number');
  });

  it('Promise.all of 153 async predicts plus 3 interleaved streams give the sequential results', async () => {
    const sequential = texts.map((t) => clf.predict(t));
    const streamed = clf.predictBatch(texts, { batchSize: 8 });
    const [single, ...streams] = await Promise.all([
      Promise.all(texts.map(async (t, i) => {
        await new Promise((r) => setTimeout(r, i % 5)); // scrambles the completion order
        return clf.predict(t);
      })),
      ...[3, 5, 11].map((chunkSize) => collect(clf.predictStream(slowly(texts), { batchSize: 8, chunkSize }))),
    ]);
    expect(single).toEqual(sequential);
    for (const s of streams) expect(s).toEqual(streamed);
    expect(clf.model.training).toBe(false);
  });
});
