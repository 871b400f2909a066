/**
 * Builds the page, opens it in headless Chromium and reports: the gzipped size of the page's main JavaScript
 * (the inference path: trainer, nn-core, tokenizer and the page; the model files and the training worker are
 * separate), the time from the start of page loading to the first prediction on screen, and the warm `predict`
 * time per sentence over the SST-2 dev set (Node's, for comparison). With `--screenshot FILE` it also trains on
 * the first 800 SST-2 dev rows in the page and saves a screenshot of the whole page.
 *
 *   pnpm --filter @recurrent/web exec tsx scripts/measure.ts [--screenshot screenshot.png]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { SentimentClassifier, parseDataset } from '@recurrent/trainer';
import type { PageHooks } from '../src/main.js';
import { buildPage, launchChromium, serveDir, startTraining, WEB_DIR } from '../test/harness.js';

declare const window: { recurrent: PageHooks };
const { values } = parseArgs({ options: { screenshot: { type: 'string' }, loads: { type: 'string', default: '5' } } });
const DEV_TSV = join(WEB_DIR, '../../data/sst2/dev.tsv');
const dev = parseDataset(readFileSync(DEV_TSV, 'utf8'), DEV_TSV, { format: 'tsv' });
const texts = dev.examples.map((e) => e.text);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const dist = await buildPage();
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const main = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
if (main === undefined) throw new Error('no module script in dist/index.html');
const js = readFileSync(join(dist, main));
console.log(`main bundle ${main}: ${(js.length / 1024).toFixed(1)} KB, ${(gzipSync(js, { level: 9 }).length / 1024).toFixed(1)} KB gzipped`);

const server = await serveDir(dist);
const { context, close } = await launchChromium();
try {
  const firsts: number[] = [];
  const page = await context.newPage();
  for (let i = 0; i < Number(values.loads); i++) {
    await page.goto(server.url);
    await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null, null, { timeout: 120_000 });
    firsts.push(await page.evaluate(() => window.recurrent.firstPredictionMs!));
  }
  console.log(`first prediction after page start: ${firsts.map((t) => t.toFixed(0)).join(', ')} ms (median ${median(firsts).toFixed(0)} ms)`);

  const perSentence = await page.evaluate((ts) => {
    for (const t of ts.slice(0, 200)) window.recurrent.predict(t); // warm-up
    const rounds: number[] = [];
    for (let r = 0; r < 3; r++) {
      const t0 = performance.now();
      for (const t of ts) window.recurrent.predict(t);
      rounds.push((performance.now() - t0) / ts.length);
    }
    return rounds;
  }, texts);
  console.log(`warm predict in Chromium: ${perSentence.map((t) => t.toFixed(3)).join(', ')} ms per sentence (${texts.length} SST-2 dev sentences, 3 rounds)`);

  const node = await SentimentClassifier.load();
  for (const t of texts.slice(0, 200)) node.predict(t);
  const nodeRounds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const t0 = performance.now();
    for (const t of texts) node.predict(t);
    nodeRounds.push((performance.now() - t0) / texts.length);
  }
  console.log(`warm predict in Node: ${nodeRounds.map((t) => t.toFixed(3)).join(', ')} ms per sentence`);

  if (values.screenshot !== undefined) {
    await page.setViewportSize({ width: 860, height: 900 });
    await page.goto(server.url);
    await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null, null, { timeout: 120_000 });
    await page.fill('#sentence', 'a gorgeous, witty, seductive movie.');
    const rows = readFileSync(DEV_TSV, 'utf8').split('\n').slice(0, 801).join('\n');
    await page.setInputFiles('#file', { name: 'sst2-dev-800.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(rows) });
    await startTraining(page, { epochs: 6, embeddingDim: 32, hiddenSize: 32, batchSize: 16, lr: 0.01 });
    await page.waitForFunction(() => window.recurrent.training !== null, null, { timeout: 600_000 });
    await page.fill('#try-input', 'an honest, moving and beautifully acted story');
    await page.screenshot({ path: values.screenshot, fullPage: true });
    console.log(`screenshot: ${values.screenshot}`);
  }
} finally {
  await close();
  await server.close();
}
