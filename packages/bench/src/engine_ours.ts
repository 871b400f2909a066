/**
 * Child process: one config on @recurrent/nn-core (float32, public API only). Prints `PARTIAL`/`RESULT` lines.
 *
 *   tsx --conditions=source src/engine_ours.ts --config '{…}' --settings '{…}'
 */
import { F, Generator, gemmBackend, narrow, nn, noGrad, optim, randint, reshape, setDefaultDtype, transpose, type Tensor } from '@recurrent/nn-core';
import { INFER_BATCH, INFER_SINGLE, LR, type BenchConfig } from './configs.js';
import { childArgs, enterPhase, printResult, rssMB, timeInference, timeTraining, type RunResult } from './measure.js';

/** Embedding → recurrent layer (batch-first) → Linear(D·H, 2) on the last layer's final hidden state(s). */
class Classifier extends nn.Module {
  readonly embedding: nn.Embedding;
  readonly rnn: nn.LSTM | nn.GRU | nn.RNN;
  readonly fc: nn.Linear;
  private readonly D: number;
  private readonly c: BenchConfig;

  constructor(c: BenchConfig, generator: Generator) {
    super();
    this.c = c;
    this.D = c.bidirectional ? 2 : 1;
    const opts = { numLayers: c.numLayers, bidirectional: c.bidirectional, batchFirst: true, dtype: 'float32' as const };
    this.embedding = this.registerModule('embedding', new nn.Embedding(c.V, c.E, { dtype: 'float32', generator }));
    const rnn = c.cell === 'lstm' ? new nn.LSTM(c.E, c.H, opts) : c.cell === 'gru' ? new nn.GRU(c.E, c.H, opts) : new nn.RNN(c.E, c.H, opts);
    this.rnn = this.registerModule('rnn', rnn);
    this.fc = this.registerModule('fc', new nn.Linear(this.D * c.H, 2, { dtype: 'float32', generator }));
  }

  /** `(N, L)` int32 ids → `(N, C=2)` logits. */
  forward(ids: Tensor): Tensor {
    const x = this.embedding.forward(ids);
    let hN: Tensor;
    if (this.rnn instanceof nn.LSTM) hN = this.rnn.forward(x)[1][0];
    else hN = (this.rnn as nn.GRU | nn.RNN).forward(x)[1];
    // hN (D·numLayers, N, H): the last layer's D rows → (N, D·H), directions side by side like PyTorch's cat.
    const last = narrow(hN, 0, (this.c.numLayers - 1) * this.D, this.D);
    const N = ids.shape[0];
    const feat = this.D === 1 ? reshape(last, [N, this.c.H]) : reshape(transpose(last, 0, 1), [N, this.D * this.c.H]);
    return this.fc.forward(feat);
  }
}

async function main(): Promise<void> {
  const { config: c, settings: s } = childArgs(process.argv.slice(2));
  const start = rssMB();
  setDefaultDtype('float32');
  const gen = new Generator(s.seed);
  const model = new Classifier(c, gen);
  const opt = new optim.Adam(model.parameters(), { lr: LR });
  const result: RunResult = {
    engine: 'ours',
    config: c.name,
    notes: [],
    train: null,
    inferSingle: null,
    inferBatch: null,
    peakRssMB: null,
    startRssMB: start.now,
    info: { node: process.version, dtype: 'float32' },
  };
  const flush = (final: boolean): void => {
    result.peakRssMB = rssMB().peak;
    result.info.gemmBackend = gemmBackend();
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
