/**
 * Single-sentence latency: our `model.forward` against ONNX Runtime running the exported graph, on the SST-2 dev
 * sentences one at a time (batch 1), the default architecture (`DEFAULT_ARCHITECTURE`, SST-2 training vocabulary). Tokenization is excluded from both (it is the same code); the ONNX Runtime figures include building its input
 * tensors. With --model, also text in, probabilities out: `Classifier.predict(text)` against our tokenization plus
 * ONNX Runtime. Prints median and p90 in ms.
 *
 *   pnpm tsx test/interop/onnx_latency.ts [--runs 872] [--model DIR]
 *
 * With --model, a trained model directory (its weights, vocabulary and tokenizer) replaces the untrained one.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { manualSeed, noGrad, Tensor } from '@recurrent/nn-core';
import { buildPipeline, Classifier, exportOnnx, loadModel, pipelineFromJson, SST2_DIR, TextClassifier, type TextPipeline } from '@recurrent/trainer';

interface OrtTensor {
  data: ArrayLike<number>;
}
interface OrtSession {
  run(feeds: Record<string, unknown>): Promise<Record<string, OrtTensor>>;
}
interface Ort {
  Tensor: new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
  InferenceSession: { create(bytes: Uint8Array, options?: { intraOpNumThreads?: number; interOpNumThreads?: number }): Promise<OrtSession> };
  env: { versions: Record<string, string> };
}
// onnxruntime-node is a dev dependency of the trainer package (not of the repository root), so it is resolved from there.
const ort = createRequire(new URL('../../packages/trainer/package.json', import.meta.url))('onnxruntime-node') as Ort;

const runsArg = process.argv.indexOf('--runs');
const text = (f: string): string[] =>
  readFileSync(join(SST2_DIR, f), 'utf8')
    .split('\n')
    .slice(1)
    .filter((l) => l !== '')
    .map((l) => l.split('\t')[0]);
const dev = text('dev.tsv');
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : dev.length;
const modelArg = process.argv.indexOf('--model');
let pipeline: TextPipeline;
let model: TextClassifier;
if (modelArg > 0) {
  const dir = process.argv[modelArg + 1];
  const loaded = await loadModel(dir);
  model = loaded.model;
  pipeline = pipelineFromJson(loaded.config.tokenizer, loaded.vocab, loaded.config.maxLength, join(dir, 'vocab.json'));
} else {
  pipeline = buildPipeline(text('train.tsv'));
  manualSeed(0);
  model = new TextClassifier({ vocabSize: pipeline.vocabSize, numClasses: 2 });
}
model.eval();
const encoded = dev.map((s) => pipeline.encode(s));

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  return `median ${s[Math.floor(s.length / 2)].toFixed(3)} ms, p90 ${s[Math.floor(s.length * 0.9)].toFixed(3)} ms`;
}

/** Times `f` on every sentence (one untimed warm-up pass: JIT, WebAssembly compilation, first-run allocations). */
async function time(f: (ids: Int32Array) => Promise<unknown> | unknown): Promise<number[]> {
  return timeOn(encoded, f);
}

/** `time` over any inputs (dev sentences or their ids). */
async function timeOn<T>(inputs: readonly T[], f: (x: T) => Promise<unknown> | unknown): Promise<number[]> {
  const ms: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < runs; i++) {
      const ids = inputs[i % inputs.length];
      const t = performance.now();
      await f(ids);
      if (pass === 1) ms.push(performance.now() - t);
    }
  }
  return ms;
}

const feeds = (ids: Int32Array): Record<string, unknown> => ({
  ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
  lengths: new ort.Tensor('int64', BigInt64Array.of(BigInt(ids.length)), [1]),
});

async function main(): Promise<void> {
  const bytes = exportOnnx(model);
  // Each engine is timed alone: ONNX Runtime's default thread pool keeps spinning after a run and would slow
  // whatever runs next on a small machine.
  const ours = await time((ids) => noGrad(() => model.forward(new Tensor(ids, [1, ids.length]), [ids.length])));
  const single = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const onnx1 = await time((ids) => single.run(feeds(ids)));
  let maxDiff = 0;
  for (const ids of encoded) {
    const p = noGrad(() => model.forward(new Tensor(ids, [1, ids.length]), [ids.length]).exp()).data;
    const r = await single.run(feeds(ids));
    for (let c = 0; c < 2; c++) maxDiff = Math.max(maxDiff, Math.abs(r.probs.data[c] - p[c]));
  }
  let texts = '';
  if (modelArg > 0) {
    const clf = await Classifier.load(process.argv[modelArg + 1]);
    const predict = await timeOn(dev, (t) => clf.predict(t));
    const onnxText = await timeOn(dev, async (t) => (await single.run(feeds(pipeline.encode(t)))).probs.data[0]);
    texts = `  text in, probabilities out: ours predict(text)  ${stats(predict)}\n  our tokenization + ONNX Runtime, 1 thread  ${stats(onnxText)}\n`;
  }
  const multi = await ort.InferenceSession.create(bytes);
  const onnxDefault = await time((ids) => multi.run(feeds(ids)));
  const lens = encoded.map((e) => e.length).sort((a, b) => a - b);
  process.stdout.write(
    `${runs} SST-2 dev sentences, batch 1 (median length ${lens[Math.floor(lens.length / 2)]} tokens), ${modelArg > 0 ? process.argv[modelArg + 1] : 'untrained'}: ${model.config.cell} ${model.config.pooling} pooling, E=${model.config.embeddingDim}, H=${model.config.hiddenSize}, V=${pipeline.vocabSize}\n` +
      `  ours (float32, forward only)       ${stats(ours)}\n` +
      `  ONNX Runtime ${ort.env.versions.node}, 1 thread     ${stats(onnx1)}\n` +
      `  ONNX Runtime, default threads      ${stats(onnxDefault)}\n` +
      texts +
      `  max |Δ prob| ${maxDiff.toExponential(2)}\n`,
  );
}

await main();
