/**
 * Child process: one config on TensorFlow.js (`--backend cpu` or `wasm`), the same model as ours: Embedding →
 * LSTM (sigmoid recurrent activation, like PyTorch; GRU likewise; SimpleRNN with tanh), bidirectional via
 * `tf.layers.bidirectional` (concat), → Dense(2) on the final state → logSoftmax → NLL, Adam. Phases run
 * cheapest first (single-sentence inference, training, batch inference) and each prints a PARTIAL line, so what
 * was measured survives when a step is too slow and the parent kills this process at its time limit.
 *
 *   tsx src/engine_tfjs.ts --backend wasm --config '{…}' --settings '{…}'
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { INFER_BATCH, INFER_SINGLE, LR, type BenchConfig } from './configs.js';
import { childArgs, enterPhase, newRunResult, printResult, rssMB, seededBatches, timeInference, timeTraining, type RunResult } from './measure.js';

function recurrent(c: BenchConfig, returnSequences: boolean): tf.layers.Layer {
  // PyTorch's init, U(−1/√H, 1/√H) for every weight and bias; also spares the orthogonal initializer's slow QR.
  const k = 1 / Math.sqrt(c.H);
  const init = (): ReturnType<typeof tf.initializers.randomUniform> => tf.initializers.randomUniform({ minval: -k, maxval: k });
  const common = { units: c.H, returnSequences, kernelInitializer: init(), recurrentInitializer: init(), biasInitializer: init() };
  if (c.cell === 'lstm') return tf.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
  if (c.cell === 'gru') return tf.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
  return tf.layers.simpleRNN({ ...common, activation: 'tanh' });
}

function build(c: BenchConfig): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: c.V, outputDim: c.E, inputShape: [null] as unknown as number[], embeddingsInitializer: tf.initializers.randomNormal({ stddev: 1 }) }));
  for (let k = 0; k < c.numLayers; k++) {
    const layer = recurrent(c, k < c.numLayers - 1);
    model.add(c.bidirectional ? tf.layers.bidirectional({ layer: layer as tf.RNN, mergeMode: 'concat' }) : layer);
  }
  model.add(tf.layers.dense({ units: 2 }));
  return model;
}

/** One line of an error, for the report. */
const why = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0].slice(0, 200);

async function main(): Promise<void> {
  const { config: c, settings: s, extra } = childArgs(process.argv.slice(2));
  const backend = extra.get('backend') ?? 'cpu';
  const start = rssMB();
  if (backend === 'wasm') {
    // The .wasm files ship inside the npm package: load them from node_modules, never from the network.
    const pkg = createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json');
    setWasmPaths(join(dirname(pkg), 'dist') + '/');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js backend ${backend} could not be initialised`);
  await tf.ready();
  tf.randomUniform([1]).dispose();
  const result = newRunResult(`tfjs-${backend}`, c.name, start.now, { tfjs: tf.version.tfjs, backend: tf.getBackend(), node: process.version });
  const flush = (final: boolean): void => {
    result.peakRssMB = rssMB().peak;
    if (final) delete result.running;
    printResult(result, final);
  };
  const gen = seededBatches(s.seed);
  const model = build(c);

  const infer = (shape: typeof INFER_SINGLE | typeof INFER_BATCH, runs: number): Promise<RunResult['inferSingle']> => {
    const { ids } = gen(shape.N, shape.L, c.V);
    const x = tf.tensor2d(ids, [shape.N, shape.L], 'int32');
    const run = (): void => {
      tf.tidy(() => {
        tf.logSoftmax(model.predict(x) as tf.Tensor).dataSync();
      });
    };
    return timeInference(shape, runs, s.inferBudgetMs, run, 1);
  };
  enterPhase(result, 'inferSingle');
  try {
    result.inferSingle = await infer(INFER_SINGLE, s.inferSingleRuns);
  } catch (e) {
    result.notes.push(`n/a: inference: ${why(e)}`);
  }
  flush(false);

  // Training before batch inference: it is the figure that matters most, and the slowest phase on `cpu`.
  const optimizer = tf.train.adam(LR);
  enterPhase(result, 'train');
  try {
    result.train = await timeTraining(c, s, () => {
      const { ids, labels } = gen(c.N, c.L, c.V);
      const x = tf.tensor2d(ids, [c.N, c.L], 'int32');
      const y = tf.oneHot(tf.tensor1d(labels, 'int32'), 2);
      const loss = optimizer.minimize(() => {
        const logp = tf.logSoftmax(model.apply(x, { training: true }) as tf.Tensor);
        return tf.neg(tf.mean(tf.sum(tf.mul(logp, y), 1))) as tf.Scalar;
      }, true);
      const v = loss === null ? NaN : loss.dataSync()[0];
      tf.dispose([x, y, loss ?? []]);
      return v;
    }, (partial) => {
      result.train = partial;
      flush(false);
    });
  } catch (e) {
    result.notes.push(`n/a: training: ${why(e)}`);
  }
  flush(false);

  enterPhase(result, 'inferBatch');
  try {
    result.inferBatch = await infer(INFER_BATCH, s.inferBatchRuns);
  } catch (e) {
    result.notes.push(`n/a: batch inference: ${why(e)}`);
  }
  flush(true);
}

await main();
