/**
 * Child process: one config on ONNX Runtime (onnxruntime-node, CPU), inference only. The model is the config's as a
 * `TextClassifier` (Embedding → recurrent layers → the last layer's final states → Linear(D·H, 2) → logSoftmax, the
 * computation of our engine's model) with random weights, exported by `exportOnnx` and run with `intraOpNumThreads`
 * = `--threads`; inputs are built per run (int64 ids and lengths), as a server would.
 *
 *   tsx src/engine_onnx.ts --threads 1 --config '{…}' --settings '{…}'
 */
import { createRequire } from 'node:module';
import { manualSeed } from '@recurrent/nn-core';
import { exportOnnx, TextClassifier } from '@recurrent/trainer';
import { INFER_BATCH, INFER_SINGLE } from './configs.js';
import { childArgs, enterPhase, newRunResult, printResult, rssMB, seededBatches, timeInference } from './measure.js';

interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, { data: ArrayLike<number> }>>;
}
interface Ort {
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
  InferenceSession: { create(bytes: Uint8Array, options: { intraOpNumThreads: number; interOpNumThreads: number }): Promise<OrtSession> };
  env: { versions: Record<string, string> };
}
const ort = createRequire(import.meta.url)('onnxruntime-node') as Ort;

async function main(): Promise<void> {
  const { config: c, settings: s, extra } = childArgs(process.argv.slice(2));
  const threads = Number(extra.get('threads') ?? '1');
  const start = rssMB();
  manualSeed(s.seed);
  const model = new TextClassifier({
    vocabSize: c.V, numClasses: 2, embeddingDim: c.E, hiddenSize: c.H, numLayers: c.numLayers, bidirectional: c.bidirectional,
    cell: c.cell, pooling: 'last', embeddingDropout: 0, dropout: 0, rnnDropout: 0,
  });
  const session = await ort.InferenceSession.create(exportOnnx(model), { intraOpNumThreads: threads, interOpNumThreads: 1 });
  const result = newRunResult(`ort-${threads}`, c.name, start.now, { onnxruntime: ort.env.versions.node ?? '?', node: process.version, threads });
  const flush = (final: boolean): void => {
    result.peakRssMB = rssMB().peak;
    if (final) delete result.running;
    printResult(result, final);
  };
  flush(false);
  const gen = seededBatches(s.seed);
  for (const [phase, shape, runs] of [['inferSingle', INFER_SINGLE, s.inferSingleRuns], ['inferBatch', INFER_BATCH, s.inferBatchRuns]] as const) {
    const { ids } = gen(shape.N, shape.L, c.V);
    enterPhase(result, phase);
    result[phase] = await timeInference(shape, runs, s.inferBudgetMs, async () => {
      await session.run({
        ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [shape.N, shape.L]),
        lengths: new ort.Tensor('int64', new BigInt64Array(shape.N).fill(BigInt(shape.L)), [shape.N]),
      });
    });
    flush(phase === 'inferBatch');
  }
}

await main();
