/**
 * Peak RSS of predicting 100,000 sentences with the shipped SST-2 model: `node --import tsx
 * test/reliability/predict_rss.ts stream|batch [N]`. Prints one JSON line: mode, n, seconds, RSS after loading
 * the model and peak RSS (MB). `pnpm reliability` runs both modes in fresh processes.
 */
import { SentimentClassifier } from '@recurrent/trainer';

const mode = process.argv[2] ?? 'stream';
const n = Number(process.argv[3] ?? 100_000);
const WORDS = ['a', 'gorgeous', 'witty', 'dull', 'movie', 'the', 'plot', 'is', 'thin', 'and', 'acting', 'worse', 'than', 'bad', 'fun', '.'];

/** Sentence i: 5–24 words picked by a fixed arithmetic rule (no RNG, nothing stored). */
function sentence(i: number): string {
  const len = 5 + (i % 20);
  const words: string[] = [];
  for (let k = 0; k < len; k++) words.push(WORDS[(i * 31 + k * 7 + ((i >> 3) % 5)) % WORDS.length]);
  return words.join(' ');
}

function* sentences(): Generator<string> {
  for (let i = 0; i < n; i++) yield sentence(i);
}

const clf = await SentimentClassifier.load();
const loadedMb = process.memoryUsage().rss / 2 ** 20;
const t0 = performance.now();
let positive = 0;
if (mode === 'stream') {
  for await (const p of clf.predictStream(sentences())) if (p.label === 'positive') positive++;
} else {
  const all = clf.predictBatch(Array.from(sentences()));
  for (const p of all) if (p.label === 'positive') positive++;
}
const seconds = (performance.now() - t0) / 1000;
const peakMb = process.resourceUsage().maxRSS / 1024;
console.log(JSON.stringify({ mode, n, positive, seconds: +seconds.toFixed(1), rssAfterLoadMb: +loadedMb.toFixed(0), peakRssMb: +peakMb.toFixed(0) }));
