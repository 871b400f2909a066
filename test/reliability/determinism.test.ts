/**
 * Determinism: the same seed gives a bit-identical loss curve and bit-identical files (weights, optimizer state)
 * across two runs in one process, and a different seed gives different weights (so the comparison can fail).
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '@recurrent/trainer';
import { tinyRun } from './tiny_run.js';

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
});
