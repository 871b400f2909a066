/**
 * Adds the default recipe's experts (the naive Bayes expert of packages/trainer/src/naive_bayes.ts and the linear
 * expert of linear_expert.ts) to a model directory trained before one of them existed, as `train()` makes them: the
 * tables counted and trained from the training data (encoded with the directory's own tokenizer and vocabulary; the
 * linear expert's order drawn as a run of seed `--seed` draws it), the weights of both fitted together on the dev
 * data. The network's weights are not touched; an expert the directory already has is counted again from the same
 * data (the same tables). The directory is rewritten in one atomic step (model.safetensors, config.json and
 * metrics.json, whose `dev` becomes the metrics with the experts and `experts` the fit).
 *
 *   pnpm tsx scripts/add_experts.ts --model packages/trainer/model/sst2 --train data/sst2/train.tsv --dev data/sst2/dev.tsv
 *
 * Options: `--seed S` (default 0: the seed the directory was trained with), `--nb-buckets N`, `--nb-alpha X`,
 * `--linear-buckets N`, `--linear-epochs N`, `--linear-lr X` for an expert the directory lacks (default: the
 * recipe's, DEFAULT_ARCHITECTURE; a flag for an expert the directory already has is an error). A directory that
 * already has both experts is an error.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_ARCHITECTURE,
  TextClassifier,
  encodeLabels,
  evaluateEncoded,
  fitExpertTables,
  fitExperts,
  loadModel,
  readDataset,
  saveModel,
  type Json,
  type TextClassifierConfig,
} from '@recurrent/trainer';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    train: { type: 'string' },
    dev: { type: 'string' },
    seed: { type: 'string', default: '0' },
    'nb-buckets': { type: 'string' },
    'nb-alpha': { type: 'string' },
    'linear-buckets': { type: 'string' },
    'linear-epochs': { type: 'string' },
    'linear-lr': { type: 'string' },
  },
});

/** The architecture with the experts the directory lacks added (the flags', else the recipe's settings). */
function withExperts(saved: TextClassifierConfig): TextClassifierConfig {
  const A = DEFAULT_ARCHITECTURE;
  const given = (flags: (keyof typeof values)[]): string | undefined => flags.find((f) => values[f] !== undefined);
  const nbFlag = saved.nbBuckets > 0 ? given(['nb-buckets', 'nb-alpha']) : undefined;
  const linFlag = saved.linearBuckets > 0 ? given(['linear-buckets', 'linear-epochs', 'linear-lr']) : undefined;
  const kept = nbFlag ?? linFlag;
  if (kept !== undefined) throw new Error(`--${kept} sets up an expert the model already has (its settings are kept as they are)`);
  const num = (flag: keyof typeof values, fallback: number): number => (values[flag] === undefined ? fallback : Number(values[flag]));
  const nb = saved.nbBuckets > 0 ? {} : { nbBuckets: num('nb-buckets', A.nbBuckets), nbAlpha: num('nb-alpha', A.nbAlpha) };
  const lin =
    saved.linearBuckets > 0
      ? {}
      : { linearBuckets: num('linear-buckets', A.linearBuckets), linearEpochs: num('linear-epochs', A.linearEpochs), linearLr: num('linear-lr', A.linearLr) };
  return { ...saved, ...nb, ...lin };
}

async function main(): Promise<void> {
  const { model: dir, train, dev } = values;
  if (dir === undefined || train === undefined || dev === undefined) throw new Error('--model DIR, --train FILE and --dev FILE are required');
  const loaded = await loadModel(dir);
  const saved = loaded.config.architecture;
  if (saved.nbBuckets > 0 && saved.linearBuckets > 0) throw new Error(`${dir} already has both experts (nbBuckets ${saved.nbBuckets}, linearBuckets ${saved.linearBuckets})`);
  const architecture = withExperts(saved);
  const model = new TextClassifier(architecture);
  model.loadStateDict({ ...model.stateDict(), ...loaded.model.stateDict() }); // the network's weights, zeros for a new expert
  model.eval();
  const encode = async (file: string): Promise<{ ids: Int32Array[]; labels: Int32Array }> => {
    const d = await readDataset(file);
    return { ids: d.examples.map((e) => loaded.pipeline.encode(e.text)), labels: encodeLabels(d.examples, loaded.config.labels, d.file) };
  };
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new Error(`--seed must be an integer, got '${values.seed}'`);
  const trainData = await encode(train);
  const devData = await encode(dev);
  if (devData.ids.length === 0) throw new Error(`${dev} holds no rows to fit the experts' weights on`);
  fitExpertTables(model, trainData, seed);
  const fit = fitExperts(model, devData)!;
  const labelNames = loaded.config.labelNames ?? loaded.config.labels;
  const { naiveBayes: _old, ...metricsBefore } = loaded.metrics as Record<string, Json>; // (a fit of the naive Bayes expert alone)
  const metrics = { ...metricsBefore, dev: evaluateEncoded(model, devData, labelNames).metrics as unknown as Json, experts: { ...fit } };
  await saveModel(dir, { weights: model.stateDict(), config: { ...loaded.config, architecture }, vocab: loaded.vocab, metrics });
  const pct = (x: number): string => `${(100 * x).toFixed(2)}%`;
  process.stdout.write(
    `${dir}: naive Bayes expert of ${architecture.nbBuckets} pair rows (α ${architecture.nbAlpha}) and linear expert of ${architecture.linearBuckets} ` +
      `(${architecture.linearEpochs} epochs, lr ${architecture.linearLr}) from ${trainData.ids.length} rows of ${train}; weights ${fit.naiveBayes} and ${fit.linear}, ` +
      `dev accuracy ${pct(fit.devAccuracyWithout)} without them, ${pct(fit.devAccuracyWith)} with them\n`,
  );
}

await main();
