/**
 * Our page against TensorFlow.js in the same headless Chromium (Debian's, as the page tests use), on this machine:
 * for each of our page and TF.js's backends (cpu, wasm, webgl), the time from the start of page loading to the
 * first prediction (each page downloads the same 4.1 MB model.safetensors from 127.0.0.1 first), and the warm
 * predict time per sentence (after 20 warm-up predictions, `--rounds` rounds) over the 872 SST-2 dev sentences, or
 * for TF.js, which is far slower, over every `--every`-th of them (default 4: 218 sentences, 20.0 tokens on
 * average against 19.5 in the whole set; our page is timed on both). A backend that does not make its first
 * prediction within 60 s is reported as such.
 *
 * TF.js runs the same architecture (scripts/tfjs_page.ts) on the token ids our tokenizer gives for those
 * sentences, so its sentence lengths are ours; our page's `predict` takes the text and tokenizes it too. Neither
 * page is cross-origin isolated, so both run on one thread (TF.js's wasm backend picks its SIMD build without
 * threads).
 *
 *   pnpm --filter @recurrent/web exec tsx scripts/measure_tfjs.ts [--loads 5] [--rounds 3] [--every 4]
 *
 * Takes several minutes (TF.js's cpu backend is the slow part); not part of `pnpm test`.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { SentimentClassifier, parseDataset } from '@recurrent/trainer';
import type { Page } from 'playwright-core';
import type { PageHooks } from '../src/main.js';
import { MODEL_DIR } from '../vite.config.js';
import { buildPage, launchChromium, serveDir, WEB_DIR } from '../test/harness.js';

interface TfjsBench {
  ready: Promise<void>;
  firstPredictionMs: number | null;
  backend: string | null;
  predict(ids: number[]): Float32Array;
}
declare const window: { recurrent: PageHooks; tfjsBench: TfjsBench };

const { values } = parseArgs({
  options: { loads: { type: 'string', default: '5' }, rounds: { type: 'string', default: '3' }, every: { type: 'string', default: '4' } },
});
const LOADS = Number(values.loads);
const ROUNDS = Number(values.rounds);
const EVERY = Number(values.every);
const DEV_TSV = join(WEB_DIR, '../../data/sst2/dev.tsv');
const texts = parseDataset(readFileSync(DEV_TSV, 'utf8'), DEV_TSV, { format: 'tsv' }).examples.map((e) => e.text);
const sst2 = await SentimentClassifier.load();
const ids = texts.map((t) => Array.from(sst2.pipeline.encode(t)));
const FIRST = 'a gorgeous, witty, seductive movie.'; // the sentence both pages predict first
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (xs: number[], digits = 0): string => `${xs.map((x) => x.toFixed(digits)).join(', ')} (median ${median(xs).toFixed(digits)})`;

/** The TF.js page: scripts/tfjs_page.ts bundled by esbuild, TF.js's .wasm files and the shipped weights. */
async function buildTfjsPage(dir: string): Promise<void> {
  await build({
    entryPoints: [join(WEB_DIR, 'scripts/tfjs_page.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'tfjs_page.js'),
    logLevel: 'error',
  });
  const wasmDist = join(dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copyFileSync(join(wasmDist, f), join(dir, f));
  mkdirSync(join(dir, 'sst2'));
  copyFileSync(join(MODEL_DIR, 'model.safetensors'), join(dir, 'sst2/model.safetensors'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><html><head><meta charset="utf-8"><title>TF.js</title>' +
      '<link rel="preload" href="sst2/model.safetensors" as="fetch" crossorigin>' +
      '<script type="module" src="tfjs_page.js"></script></head><body></body></html>',
  );
}

/** Warm time per sentence over the sentences `pick`: 20 predictions to warm up, then `ROUNDS` passes. */
async function warm(page: Page, run: 'ours' | 'tfjs', pick: number[]): Promise<number[]> {
  return page.evaluate(
    ({ inputs, rounds, run }) => {
      const predict = run === 'ours' ? (i: number) => window.recurrent.predict(inputs.texts[i]) : (i: number) => window.tfjsBench.predict(inputs.ids[i]);
      for (let i = 0; i < 20; i++) predict(i);
      const perSentence: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const t0 = performance.now();
        for (let i = 0; i < inputs.texts.length; i++) predict(i);
        perSentence.push((performance.now() - t0) / inputs.texts.length);
      }
      return perSentence;
    },
    { inputs: { texts: pick.map((i) => texts[i]), ids: pick.map((i) => ids[i]) }, rounds: ROUNDS, run },
  );
}

const all = texts.map((_, i) => i);
const sample = all.filter((i) => i % EVERY === 0);
const meanTokens = (pick: number[]): string => (pick.reduce((s, i) => s + ids[i].length, 0) / pick.length).toFixed(1);

const tfjsDir = mkdtempSync(join(tmpdir(), 'recurrent-tfjs-page-'));
await buildTfjsPage(tfjsDir);
const ours = await serveDir(await buildPage());
const tfjs = await serveDir(tfjsDir);
const { context, close } = await launchChromium();
try {
  const page = await context.newPage();
  // One load of each page first, not counted: the browser's own first-use costs would otherwise fall on ours.
  await page.goto(ours.url);
  await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null, null, { timeout: 120_000 });
  await page.goto(`${tfjs.url}?backend=wasm`);
  await page.waitForFunction(() => window.tfjsBench?.firstPredictionMs != null, null, { timeout: 120_000 });
  const firsts: number[] = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(ours.url);
    await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null, null, { timeout: 120_000 });
    firsts.push(await page.evaluate(() => window.recurrent.firstPredictionMs!));
  }
  console.log(`ours (${await page.evaluate(() => window.recurrent.backend())}): first prediction ${ms(firsts)} ms after the page starts loading`);
  console.log(`ours: warm predict ${ms(await warm(page, 'ours', all), 3)} ms per sentence (${all.length} sentences, ${meanTokens(all)} tokens on average; text in, tokenizer included)`);
  console.log(`ours: warm predict ${ms(await warm(page, 'ours', sample), 3)} ms per sentence on TF.js's ${sample.length} sentences (${meanTokens(sample)} tokens on average)`);

  for (const backend of ['cpu', 'wasm', 'webgl']) {
    const tfFirsts: number[] = [];
    let failure: string | null = null;
    for (let i = 0; i < LOADS && failure === null; i++) {
      const url = `${tfjs.url}?backend=${backend}&first=${encodeURIComponent(JSON.stringify(Array.from(sst2.pipeline.encode(FIRST))))}`;
      failure = await page
        .goto(url, { waitUntil: 'commit', timeout: 60_000 })
        .then(() => page.waitForFunction(() => window.tfjsBench !== undefined, null, { timeout: 60_000 }))
        .then(() => page.evaluate(() => Promise.race([window.tfjsBench.ready.then(() => null, (e: Error) => e.message), new Promise<string>((r) => setTimeout(() => r('no first prediction within 60 s'), 60_000))])))
        .catch((e: Error) => e.message.split('\n')[0]);
      if (failure === null) tfFirsts.push(await page.evaluate(() => window.tfjsBench.firstPredictionMs!));
    }
    if (failure !== null) {
      console.log(`TF.js ${backend}: unavailable: ${failure}`);
      continue;
    }
    const used = await page.evaluate(() => window.tfjsBench.backend);
    console.log(`TF.js ${backend} (running on ${used}): first prediction ${ms(tfFirsts)} ms after the page starts loading`);
    console.log(`TF.js ${backend}: warm predict ${ms(await warm(page, 'tfjs', sample), 3)} ms per sentence (${sample.length} sentences; token ids in)`);
  }
} finally {
  await close();
  await ours.close();
  await tfjs.close();
  rmSync(tfjsDir, { recursive: true, force: true });
}
