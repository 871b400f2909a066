/**
 * Crash safety in CI: 30 SIGKILLs of a training subprocess at seeded random moments, most inside checkpoint
 * writes (see kill_harness.ts). `pnpm reliability` runs more (reliability_main.ts).
 */
import { describe, expect, it } from 'vitest';
import { killCampaign } from './kill_harness.js';

describe('SIGKILL during training', () => {
  it('30 kills: the model directory is always absent, the previous or the next checkpoint; resuming gives the same losses bit for bit', async () => {
    const r = await killCampaign({ kills: 30, seed: 9 });
    expect(r.problems).toEqual([]);
    expect(r.kills).toBe(30);
    // Every kill ended in exactly one of the three allowed states.
    expect(r.absent + r.previous + r.next).toBe(30);
    // The schedule does hit writes in progress (temporary files found), else the test would prove little.
    expect(r.killsDuringWrite).toBeGreaterThan(0);
    expect(r.resumeIdentical).toBe(true);
  }, 120_000);
});
