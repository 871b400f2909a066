/**
 * Here → PyTorch, step 1: trains small models here (1 epoch on the first 2,000 SST-2 training rows) and writes,
 * for each, a model directory plus `ours.json`: our log-probabilities on the first 64 SST-2 dev sentences
 * (batches of 16, padded, with lengths). Step 2 is scripts/reference/check_handoff.py, which loads
 * model.safetensors into the reference PyTorch module with load_state_dict(strict=True) and compares.
 *
 *   pnpm tsx test/interop/make_handoff.ts [OUT_DIR]        (default: /tmp/recurrent-handoff)
 *   /usr/bin/python3 scripts/reference/check_handoff.py OUT_DIR/*
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { noGrad, Tensor } from '@recurrent/nn-core';
import { loadModel, pipelineFromJson, SST2_DIR, train, type CellType, type Pooling } from '@recurrent/trainer';

const out = process.argv[2] ?? '/tmp/recurrent-handoff';
const MODELS: { name: string; cell: CellType; pooling: Pooling; bidirectional: boolean; numLayers: number }[] = [
  { name: 'lstm_max_bi', cell: 'lstm', pooling: 'max', bidirectional: true, numLayers: 1 },
  { name: 'gru_mean_2layer', cell: 'gru', pooling: 'mean', bidirectional: true, numLayers: 2 },
  { name: 'rnn_last', cell: 'rnn', pooling: 'last', bidirectional: false, numLayers: 1 },
];

async function main(): Promise<void> {
  await mkdir(out, { recursive: true });
  const trainTsv = join(out, 'train_2000.tsv');
  const lines = (await readFile(join(SST2_DIR, 'train.tsv'), 'utf8')).split('\n');
  await writeFile(trainTsv, `${lines.slice(0, 2001).join('\n')}\n`);
  const dev = (await readFile(join(SST2_DIR, 'dev.tsv'), 'utf8'))
    .split('\n')
    .slice(1, 65)
    .map((l) => l.split('\t')[0]);

  for (const m of MODELS) {
    const dir = join(out, m.name);
    const { name: _name, ...arch } = m;
    await train({ train: trainTsv, dev: join(SST2_DIR, 'dev.tsv'), out: dir, epochs: 1, embeddingDim: 16, hiddenSize: 16, seed: 1, ...arch });
    const { model, config, vocab } = await loadModel(dir);
    const pipeline = pipelineFromJson(config.tokenizer, vocab, config.maxLength, join(dir, 'vocab.json'));
    const batches = [];
    for (let start = 0; start < dev.length; start += 16) {
      const seqs = dev.slice(start, start + 16).map((s) => pipeline.encode(s));
      const L = Math.max(...seqs.map((s) => s.length));
      const ids = seqs.map((s) => [...s, ...new Array<number>(L - s.length).fill(0)]);
      const lengths = seqs.map((s) => s.length);
      const logp = noGrad(() => model.forward(new Tensor(Int32Array.from(ids.flat()), [ids.length, L]), lengths));
      const C = config.architecture.numClasses;
      batches.push({ ids, lengths, logProbs: ids.map((_, n) => Array.from(logp.data.subarray(n * C, (n + 1) * C))) });
    }
    await writeFile(join(dir, 'ours.json'), `${JSON.stringify({ sentences: dev, batches })}\n`);
    process.stdout.write(`${dir}\n`);
  }
}

await main();
