/**
 * Training subprocess of the kill test (kill_harness.ts): `tsx train_child.ts OUT EPOCHS [--resume]` trains a tiny
 * model on built-in data, checkpointing into OUT after every epoch, and prints one JSON line per finished epoch.
 */
import { train } from '@recurrent/trainer';
import { tinyRun } from './tiny_run.js';

const [out, epochs, flag] = process.argv.slice(2);
process.stdout.write('start\n');
await train({ ...tinyRun(Number(epochs)), out, resume: flag === '--resume' }, {
  onEpochEnd: (e) => process.stdout.write(`${JSON.stringify({ epoch: e.epoch, trainLoss: e.trainLoss })}\n`),
});
process.stdout.write('done\n');
