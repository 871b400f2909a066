/**
 * Whether memory stays bounded over long runs, with nothing ever disposed by hand:
 * - `train STEPS`: training steps of the bench's config C (LSTM E 64, H 64, V 20,000, batch 32 × 32 tokens, Adam),
 *   as `pnpm bench` runs them;
 * - `stream TEXTS`: `predictStream` of the shipped SST-2 model over TEXTS sentences (the dev set over and over).
 * Prints the resident set size (RSS) and the array buffers (tensor storage and the kernels' memory) at ten points
 * along the run and the peak RSS: bounded means the later rows stop growing.
 *
 *   pnpm tsx scripts/measure_memory.ts train 100000
 *   pnpm tsx scripts/measure_memory.ts stream 1000000
 */
import { readFileSync } from 'node:fs';
import { F, Generator as RandomGenerator, optim, randint, setDefaultDtype } from '@recurrent/nn-core';
import { SentimentClassifier } from '@recurrent/trainer';
import { CONFIGS } from '../packages/bench/src/configs.js';
import { Classifier } from '../packages/bench/src/model_ours.js';

const [mode, countArg] = process.argv.slice(2);
const count = Number(countArg);
if ((mode !== 'train' && mode !== 'stream') || !Number.isInteger(count) || count < 10) {
  console.error('usage: pnpm tsx scripts/measure_memory.ts train STEPS | stream TEXTS   (STEPS, TEXTS ≥ 10)');
  process.exit(2);
}

const MB = 1024 * 1024;
const rows: string[] = [];
const t0 = performance.now();
function sample(done: number): void {
  const m = process.memoryUsage();
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  rows.push(`| ${done.toLocaleString('en-US')} | ${s} | ${(m.rss / MB).toFixed(1)} | ${(m.arrayBuffers / MB).toFixed(1)} | ${(m.heapUsed / MB).toFixed(1)} |`);
  console.error(rows[rows.length - 1]);
}
const every = Math.floor(count / 10);

if (mode === 'train') {
  const c = CONFIGS.find((x) => x.name === 'C')!;
  setDefaultDtype('float32');
  const gen = new RandomGenerator(0);
  const model = new Classifier(c, gen);
  const opt = new optim.Adam(model.parameters(), { lr: 1e-3 });
  model.train();
  for (let step = 1; step <= count; step++) {
    const ids = randint(0, c.V, [c.N, c.L], { generator: gen });
    const labels = randint(0, 2, [c.N], { generator: gen });
    opt.zeroGrad();
    F.nllLoss(F.logSoftmax(model.forward(ids), 1), labels).backward();
    opt.step();
    if (step % every === 0) sample(step);
  }
} else {
  const dev = readFileSync(new URL('../data/sst2/dev.tsv', import.meta.url), 'utf8').split('\n').slice(1).filter(Boolean).map((l) => l.split('\t')[0]);
  const clf = await SentimentClassifier.load();
  function* texts(): Iterable<string> {
    for (let i = 0; i < count; i++) yield dev[i % dev.length];
  }
  let done = 0;
  let positive = 0;
  for await (const p of clf.predictStream(texts())) {
    done++;
    if (p.label === 'positive') positive++;
    if (done % every === 0) sample(done);
  }
  console.error(`positive: ${positive} of ${done}`);
}
console.log(`${mode === 'train' ? 'training steps of config C' : 'predictStream texts'}: ${count.toLocaleString('en-US')}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log('| done | s | RSS MB | array buffers MB | JS heap MB |\n|---|---|---|---|---|');
console.log(rows.join('\n'));
console.log(`peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MB`);
