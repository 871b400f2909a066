/**
 * Adds the default recipe's naive Bayes expert (packages/trainer/src/naive_bayes.ts) to a model directory trained
 * before the expert existed, as `train()` adds it at the end of a run: the tables counted from the training data
 * (encoded with the directory's own tokenizer and vocabulary), the weight fitted on the dev data. The network's
 * weights are not touched. The directory is rewritten in one atomic step (model.safetensors, config.json and
 * metrics.json, whose `dev` becomes the metrics with the expert and `naiveBayes` the fit).
 *
 *   pnpm tsx scripts/add_naive_bayes.ts --model packages/trainer/model/sst2 --train data/sst2/train.tsv --dev data/sst2/dev.tsv
 *
 * Options: `--nb-buckets N`, `--nb-alpha X` (default: the recipe's, DEFAULT_ARCHITECTURE). A directory that already
 * has an expert is an error.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_ARCHITECTURE,
  TextClassifier,
  encodeLabels,
  evaluateEncoded,
  fitNaiveBayesExpert,
  loadModel,
  readDataset,
  saveModel,
  type Json,
} from '@recurrent/trainer';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    train: { type: 'string' },
    dev: { type: 'string' },
    'nb-buckets': { type: 'string' },
    'nb-alpha': { type: 'string' },
  },
});

async function main(): Promise<void> {
  const { model: dir, train, dev } = values;
  if (dir === undefined || train === undefined || dev === undefined) throw new Error('--model DIR, --train FILE and --dev FILE are required');
  const loaded = await loadModel(dir);
  if (loaded.model.nb !== null) throw new Error(`${dir} already has a naive Bayes expert (nbBuckets ${loaded.config.architecture.nbBuckets})`);
  const nbBuckets = values['nb-buckets'] === undefined ? DEFAULT_ARCHITECTURE.nbBuckets : Number(values['nb-buckets']);
  const nbAlpha = values['nb-alpha'] === undefined ? DEFAULT_ARCHITECTURE.nbAlpha : Number(values['nb-alpha']);
  const architecture = { ...loaded.config.architecture, nbBuckets, nbAlpha };
  const model = new TextClassifier(architecture);
  model.loadStateDict({ ...model.stateDict(), ...loaded.model.stateDict() }); // the network's weights, the expert's zeros
  model.eval();
  const encode = async (file: string): Promise<{ ids: Int32Array[]; labels: Int32Array }> => {
    const d = await readDataset(file);
    return { ids: d.examples.map((e) => loaded.pipeline.encode(e.text)), labels: encodeLabels(d.examples, loaded.config.labels, d.file) };
  };
  const trainData = await encode(train);
  const devData = await encode(dev);
  model.nb!.fit(trainData.ids, trainData.labels, nbAlpha);
  const fit = fitNaiveBayesExpert(model, devData)!;
  const labelNames = loaded.config.labelNames ?? loaded.config.labels;
  const metrics = { ...(loaded.metrics as Record<string, Json>), dev: evaluateEncoded(model, devData, labelNames).metrics as unknown as Json, naiveBayes: { ...fit } };
  await saveModel(dir, { weights: model.stateDict(), config: { ...loaded.config, architecture }, vocab: loaded.vocab, metrics });
  process.stdout.write(
    `${dir}: naive Bayes expert of ${nbBuckets} pair rows (α ${nbAlpha}) counted from ${trainData.ids.length} rows of ${train}; ` +
      `weight ${fit.scale}, dev accuracy ${(100 * fit.devAccuracyWithout).toFixed(2)}% without it, ${(100 * fit.devAccuracyWith).toFixed(2)}% with it\n`,
  );
}

await main();
