import { Generator } from '@recurrent/nn-core';
import { describe, expect, it } from 'vitest';
import { DataLoader, makeBatch, type EncodedData } from './loader.js';

function data(lengths: number[]): EncodedData {
  // Sequence i holds the token (i + 1) repeated: easy to recognise after padding.
  return { ids: lengths.map((len, i) => new Int32Array(len).fill(i + 1)), labels: Int32Array.from(lengths, (_, i) => i % 2) };
}

describe('DataLoader', () => {
  it('pads with 0 to the longest length, keeps lengths, and turns an empty sequence into one pad step', () => {
    const b = makeBatch(data([2, 0, 3]), Int32Array.from([0, 1, 2]));
    expect(b.ids.shape).toEqual([3, 3]);
    expect(b.ids.dtype).toBe('int32');
    expect(b.ids.toArray()).toEqual([
      [1, 1, 0],
      [0, 0, 0],
      [3, 3, 3],
    ]);
    expect(Array.from(b.lengths)).toEqual([2, 1, 3]);
    expect(b.numTokens).toBe(5);
    expect(Array.from(b.labels.data)).toEqual([0, 1, 0]);
  });

  it('bucketing: every example once per epoch, and batches much tighter than random batches', () => {
    const gen = new Generator(3);
    const lengths = Array.from({ length: 1000 }, () => 1 + gen.randint(0, 50));
    const loader = new DataLoader(data(lengths), { batchSize: 10, generator: new Generator(1), bucketBatches: 50 });
    const plain = new DataLoader(data(lengths), { batchSize: 10, generator: new Generator(1), bucketBatches: 1 });
    const padding = (l: DataLoader): number => {
      let pad = 0;
      const seen = new Set<number>();
      for (const b of l.epoch()) {
        pad += b.ids.numel() - b.numTokens;
        b.indices.forEach((i) => seen.add(i));
      }
      expect(seen.size).toBe(1000);
      return pad;
    };
    const bucketed = padding(loader);
    const random = padding(plain);
    // Random batches of 10 lengths from U{1..50} pad ~ 16 steps per row (~16k); 500-example sorted chunks
    // leave about one step per row or less.
    expect(random).toBeGreaterThan(10_000);
    expect(bucketed).toBeLessThan(1_500);
  });

  it('is deterministic for a seed, differs between epochs, and the generator state replays an epoch', () => {
    const d = data(Array.from({ length: 100 }, (_, i) => 1 + (i % 7)));
    const a = new DataLoader(d, { batchSize: 8, generator: new Generator(5) });
    const b = new DataLoader(d, { batchSize: 8, generator: new Generator(5) });
    const e1 = a.plan().map((x) => Array.from(x));
    expect(b.plan().map((x) => Array.from(x))).toEqual(e1);
    const state = a.generator.getState();
    const e2 = a.plan().map((x) => Array.from(x));
    expect(e2).not.toEqual(e1);
    a.generator.setState(state);
    expect(a.plan().map((x) => Array.from(x))).toEqual(e2);
  });

  it('without shuffling sorts by length (for evaluation)', () => {
    const l = new DataLoader(data([3, 1, 2, 1]), { batchSize: 2, shuffle: false });
    expect(l.plan().map((x) => Array.from(x))).toEqual([
      [1, 3],
      [2, 0],
    ]);
  });
});
