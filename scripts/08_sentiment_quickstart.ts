// Sentiment quick start: the shipped SST-2 model in three lines, then a classifier of your own in twenty.
// Run: pnpm tsx scripts/08_sentiment_quickstart.ts
import { SentimentClassifier, parseDataset, train, type Dataset } from '@recurrent/trainer';
import { cell, check } from './lib/notebook.js';

cell('1. The pretrained SST-2 model (bidirectional GRU, shipped inside @recurrent/trainer)');
const clf = await SentimentClassifier.load();
const sentences = [
  'a gorgeous, witty, seductive movie.',
  'the plot is a dull, lifeless mess.',
  'an uneven but often affecting film.',
  "it's not a bad film, just a forgettable one.",
];
for (const s of sentences) {
  const { label, probs } = clf.predict(s);
  console.log(`${label.padEnd(8)}  p(positive)=${probs.positive.toFixed(3)}  ${s}`);
}
check(clf.predict(sentences[0]).label === 'positive' && clf.predict(sentences[1]).label === 'negative', 'clear praise is positive, clear criticism negative');
console.log(`predictBatch keeps the input order: ${clf.predictBatch(sentences).map((p) => p.label).join(', ')}`);

cell('2. Train your own: labelled sentences in, a model out (here: a tiny made-up data set)');
// In a real project: train({ train: 'reviews.tsv', dev: 'reviews-dev.tsv', out: 'runs/reviews' }).
const good = ['great', 'lovely', 'superb', 'wonderful', 'brilliant', 'fun'];
const bad = ['awful', 'boring', 'dreadful', 'tedious', 'clumsy', 'dull'];
const rows = ['sentence\tlabel'];
for (const [i, w] of [...good, ...bad].entries()) {
  for (const frame of ['a {} film', 'the acting is {}', 'simply {} .', '{} from start to finish']) {
    rows.push(`${frame.replace('{}', w)}\t${i < good.length ? 'pos' : 'neg'}`);
  }
}
const data: Dataset = parseDataset(rows.join('\n'), 'made-up.tsv', { format: 'tsv' });
const result = await train(
  { train: data, dev: data, embeddingDim: 16, hiddenSize: 16, bidirectional: false, epochs: 15, batchSize: 8, lr: 0.01, patience: null, seed: 0 },
  { onEpochEnd: (e) => { if (e.epoch % 5 === 0) console.log(`epoch ${e.epoch}  train loss ${e.trainLoss.toFixed(3)}  accuracy ${(100 * e.devAccuracy!).toFixed(1)} %`); } },
);
console.log(`${data.examples.length} examples, vocabulary ${result.data.pipeline.vocabSize} tokens, labels ${result.data.labels.join(', ')}`);
check(result.devMetrics!.accuracy === 1, 'the tiny classifier fits its 48 sentences');
