/**
 * Training speed of the default SST-2 recipe: tokens/s over the first STEPS training steps of epoch 1 (the run is
 * stopped there; nothing is written).
 *
 *   pnpm tsx scripts/measure_training_speed.ts                  # STEPS=60, the recipe's batch size
 *   STEPS=120 BATCH=64 pnpm tsx scripts/measure_training_speed.ts
 *   RECURRENT_KERNELS=js pnpm tsx scripts/measure_training_speed.ts
 *
 * To compare with an older revision, run the same file from a checkout of it (`git worktree add /tmp/old REV`,
 * `pnpm install` there, copy this file in); the README's speed-up figure was measured that way.
 */
import { defaultRecipe, train } from '@recurrent/trainer';

const STEPS = Number(process.env.STEPS ?? 60);
const batch = process.env.BATCH === undefined ? {} : { batchSize: Number(process.env.BATCH) };

class Stop extends Error {}

let last: { step: number; tokensPerSec: number; elapsedMs: number } | null = null;
try {
  await train(defaultRecipe({ out: null, ...batch }), {
    onBatchEnd: (b) => {
      last = b;
      if (b.step >= STEPS) throw new Stop();
    },
  });
} catch (e) {
  if (!(e instanceof Stop)) throw e;
}
if (last === null) throw new Error('no training step finished');
const { step, tokensPerSec, elapsedMs } = last;
console.log(`${step} steps in ${(elapsedMs / 1000).toFixed(1)} s: ${Math.round(tokensPerSec)} tokens/s (kernels: ${process.env.RECURRENT_KERNELS ?? 'default'}, batch ${batch.batchSize ?? 'default'})`);
