/**
 * Load time and single-sentence latency of the shipped SST-2 model, as the README reports them: the import of
 * `@recurrent/trainer`, `SentimentClassifier.load()`, and the median / p90 of `predict` over the 872 dev sentences
 * one at a time, after one pass over them; and before that, the median of a pass over them after a warm-up on the
 * 1,821 test sentences only, in which words not in those are new to the cache of the first layer's token rows
 * (nn-core's kernels/cpu/token_rows.ts) and their rows are computed.
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
const read = (url: URL): string[] => readFileSync(url, 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]!);
const texts = read(dev);
for (const t of read(new URL('../data/sst2/test.tsv', import.meta.url))) clf.predict(t);
const first = texts.map((t) => {
  const s = performance.now();
  clf.predict(t);
  return performance.now() - s;
});
const times = texts.map((t) => {
  const s = performance.now();
  clf.predict(t);
  return performance.now() - s;
});
const at = (ms: number[], q: number): string => [...ms].sort((a, b) => a - b)[Math.floor(ms.length * q)]!.toFixed(3);
console.log(
  `import ${(t1 - t0).toFixed(0)} ms, load ${(t2 - t1).toFixed(1)} ms, predict median ${at(times, 0.5)} ms, p90 ${at(times, 0.9)} ms ` +
    `(${texts.length} dev sentences; the pass before, after the test sentences only: median ${at(first, 0.5)} ms)`,
);
