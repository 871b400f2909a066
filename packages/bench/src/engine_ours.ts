/**
 * Child process: one config on @recurrent/nn-core (float32, public API only). Prints `PARTIAL`/`RESULT` lines.
 *
 *   tsx src/engine_ours.ts --config '{…}' --settings '{…}' [--threads N]
 */
import { F, Generator, gemmBackend, getNumThreads, noGrad, optim, randint, setDefaultDtype, setNumThreads, type Tensor } from '@recurrent/nn-core';
import { INFER_BATCH, INFER_SINGLE, LR, type BenchConfig } from './configs.js';
import { Classifier } from './model_ours.js';
import { childArgs, enterPhase, newRunResult, printResult, rssMB, timeInference, timeTraining } from './measure.js';

async function main(): Promise<void> {
  const { config: c, settings: s, extra } = childArgs(process.argv.slice(2));
  if (extra.has('threads')) setNumThreads(Number(extra.get('threads')));
  const start = rssMB();
  setDefaultDtype('float32');
  const gen = new Generator(s.seed);
  const model = new Classifier(c, gen);
  const opt = new optim.Adam(model.parameters(), { lr: LR });
  const result = newRunResult('ours', c.name, start.now, { node: process.version, dtype: 'float32' });
  const flush = (final: boolean): void => {
    result.peakRssMB = rssMB().peak;
    result.info.gemmBackend = gemmBackend();
    result.info.threads = getNumThreads();
    if (final) delete result.running;
    printResult(result, final);
  };

  const batch = (N: number, L: number): [Tensor, Tensor] => [randint(0, c.V, [N, L], { generator: gen }), randint(0, 2, [N], { generator: gen })];
  model.train();
  enterPhase(result, 'train');
  result.train = await timeTraining(c, s, () => {
    const [ids, labels] = batch(c.N, c.L);
    opt.zeroGrad();
    const loss = F.nllLoss(F.logSoftmax(model.forward(ids), 1), labels);
    loss.backward();
    opt.step();
    return loss.item();
  }, (partial) => {
    result.train = partial;
    flush(false);
  });
  result.trainPeakRssMB = rssMB().peak;
  flush(false);

  model.eval();
  const [single] = batch(INFER_SINGLE.N, INFER_SINGLE.L);
  enterPhase(result, 'inferSingle');
  result.inferSingle = await timeInference(INFER_SINGLE, s.inferSingleRuns, s.inferBudgetMs, () => {
    noGrad(() => F.logSoftmax(model.forward(single), 1));
  });
  flush(false);
  const [many] = batch(INFER_BATCH.N, INFER_BATCH.L);
  enterPhase(result, 'inferBatch');
  result.inferBatch = await timeInference(INFER_BATCH, s.inferBatchRuns, s.inferBudgetMs, () => {
    noGrad(() => F.logSoftmax(model.forward(many), 1));
  });
  flush(true);
}

await main();
