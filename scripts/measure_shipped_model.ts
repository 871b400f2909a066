/**
 * Load time and single-sentence latency of the shipped SST-2 model, as the README reports them: the import of
 * `@recurrent/trainer`, `SentimentClassifier.load()`, and the median / p90 of `predict` over the 872 dev sentences
 * one at a time, after one warm-up pass over them.
 *
 *   pnpm tsx scripts/measure_shipped_model.ts
 */
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';

const t0 = performance.now();
const { SentimentClassifier } = await import('@recurrent/trainer');
const t1 = performance.now();
const clf = await SentimentClassifier.load();
const t2 = performance.now();
const dev = new URL('../data/sst2/dev.tsv', import.meta.url);
const texts = readFileSync(dev, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!);
for (const t of texts) clf.predict(t);
const times = texts.map((t) => {
  const s = performance.now();
  clf.predict(t);
  return performance.now() - s;
});
times.sort((a, b) => a - b);
const at = (q: number): string => times[Math.floor(times.length * q)]!.toFixed(3);
console.log(`import ${(t1 - t0).toFixed(0)} ms, load ${(t2 - t1).toFixed(1)} ms, predict median ${at(0.5)} ms, p90 ${at(0.9)} ms (${texts.length} dev sentences)`);
