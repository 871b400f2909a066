/**
 * Determinism: the same seed gives a bit-identical loss curve and bit-identical files (weights, optimizer state)
 * across two runs in one process, and a different seed gives different weights (so the comparison can fail); the
 * same holds across thread counts (`setNumThreads`), on a model big enough for its products to be split.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads } from '@recurrent/nn-core';
import { train } from '@recurrent/trainer';
import { threadStats } from '../../packages/nn-core/src/kernels/cpu/sgemm_wasm.js';
import { tinyDataset, tinyRun } from './tiny_run.js';

async function run(seed: number): Promise<{ losses: number[]; weights: Buffer; state: Buffer }> {
  const out = await mkdtemp(join(tmpdir(), 'determinism-'));
  const losses: number[] = [];
  await train({ ...tinyRun(4), seed, out }, { onBatchEnd: (b) => losses.push(b.loss) });
  return { losses, weights: await readFile(join(out, 'model.safetensors')), state: await readFile(join(out, 'training_state.safetensors')) };
}

describe('determinism', () => {
  it('same seed twice: the 12 batch losses and model.safetensors / training_state.safetensors are bit-identical', async () => {
    const a = await run(7);
    const b = await run(7);
    expect(a.losses).toHaveLength(12); // 4 epochs × 3 batches of 8
    expect(b.losses).toEqual(a.losses);
    expect(b.weights.equals(a.weights)).toBe(true);
    expect(b.state.equals(a.state)).toBe(true);
    const c = await run(8);
    expect(c.weights.equals(a.weights)).toBe(false);
    expect(c.losses).not.toEqual(a.losses);
  });

  it('1, 2 and 3 threads: the same 24 losses and bit-identical weights (E = H = 128 BiLSTM, batch 32: products are split)', async () => {
    const runWith = async (threads: number): Promise<{ losses: number[]; weights: Float32Array[]; splits: number }> => {
      setNumThreads(threads);
      expect(getNumThreads()).toBe(threads);
      const before = threadStats.splitProducts;
      const losses: number[] = [];
      const options = { train: tinyDataset(256), dev: null, embeddingDim: 128, hiddenSize: 128, cell: 'lstm' as const, epochs: 3, batchSize: 32, seed: 3 };
      const { model } = await train(options, { onBatchEnd: (b) => losses.push(b.loss) });
      return { losses, weights: Object.values(model.stateDict()).map((t) => t.data as Float32Array), splits: threadStats.splitProducts - before };
    };
    try {
      const one = await runWith(1);
      expect(one.losses).toHaveLength(24); // 3 epochs × 8 batches of 32
      expect(one.splits).toBe(0);
      for (const threads of [2, 3]) {
        const many = await runWith(threads);
        expect(many.splits, 'products were split between threads').toBeGreaterThan(24);
        expect(many.losses).toEqual(one.losses);
        many.weights.forEach((w, i) => expect(w.every((v, j) => Object.is(v, one.weights[i][j])), `tensor ${i}, ${threads} threads`).toBe(true));
      }
    } finally {
      setNumThreads(1);
    }
  });
});
