/**
 * The page in real headless Chromium (Debian's, driven by playwright-core): the static build served over HTTP,
 * predictions compared with Node's, training in the page, its downloaded model loaded in Node, and bad files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Classifier, SentimentClassifier, parseDataset } from '@recurrent/trainer';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PageHooks } from '../src/main.js';
import { unzipStore } from '../src/zip.js';
import { buildPage, DIST_DIR, launchChromium, serveDir, startTraining } from './harness.js';

const DEV_TSV = fileURLToPath(new URL('../../../data/sst2/dev.tsv', import.meta.url));
const LONG = 180_000; // the machine may be shared and loaded: wait for conditions, generously
declare const window: { recurrent: PageHooks };

let server: Awaited<ReturnType<typeof serveDir>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let context: BrowserContext;

beforeAll(async () => {
  server = await serveDir(await buildPage());
  browser = await launchChromium();
  context = browser.context;
}, LONG);

afterAll(async () => {
  await browser?.close();
  await server?.close();
}, LONG);

async function openPage(): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(server.url);
  await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null);
  expect(errors).toEqual([]);
  return page;
}

/** Largest absolute difference between two label → probability maps with the same labels. */
function maxDiff(a: Record<string, number>, b: Record<string, number>): number {
  expect(Object.keys(a)).toEqual(Object.keys(b));
  return Math.max(...Object.keys(a).map((k) => Math.abs(a[k] - b[k])));
}

describe('the page in Chromium', () => {
  it('predicts the same probabilities as Node for the first 100 SST-2 dev sentences, and as you type', async () => {
    const page = await openPage();
    const texts = parseDataset(readFileSync(DEV_TSV, 'utf8'), DEV_TSV, { format: 'tsv' }).examples.slice(0, 100).map((e) => e.text);
    expect(texts).toHaveLength(100);
    // The page runs the WebAssembly kernels with fused multiply-add (Chromium accepts relaxed SIMD), as Node does.
    expect(await page.evaluate(() => window.recurrent.backend())).toBe('wasm-relaxed-simd');
    const inPage = await page.evaluate((ts) => ts.map((t) => window.recurrent.predict(t)), texts);
    const node = await SentimentClassifier.load();
    const worst = Math.max(...texts.map((t, i) => maxDiff(inPage[i], node.predict(t).probs)));
    expect(worst).toBeLessThanOrEqual(1e-5);

    // Typing updates the label and the bars with the same numbers.
    const sentence = 'a dull , lifeless and utterly predictable film .';
    await page.fill('#sentence', sentence);
    await page.waitForFunction(() => document.querySelector('#sst2-result .verdict')?.textContent === 'negative');
    const shown = await page.$$eval('#sst2-result .bar-value', (els) => els.map((e) => Number((e as HTMLElement).dataset.prob)));
    const expected = node.predict(sentence);
    expect(expected.label).toBe('negative');
    expect(Math.max(...Object.values(expected.probs).map((p, i) => Math.abs(p - shown[i])))).toBeLessThanOrEqual(1e-5);
    await page.close();
  }, LONG);

  it('loads the kernels from a server that does not say application/wasm (no streaming compilation there), with the same predictions', async () => {
    const plain = await serveDir(DIST_DIR, { types: { '.wasm': 'application/octet-stream' } });
    const page = await context.newPage();
    page.setDefaultTimeout(LONG);
    try {
      await page.goto(plain.url);
      await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null);
      const wasm = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name).filter((n) => n.endsWith('.wasm')));
      expect(wasm.map((n) => n.replace(/^.*\/assets\/(kernels[a-z_]*)-.*$/, '$1'))).toEqual(['kernels_relaxed']); // one build fetched
      expect(await page.evaluate(() => window.recurrent.backend())).toBe('wasm-relaxed-simd');
      const sentence = 'a gorgeous , witty , seductive movie .';
      const node = (await SentimentClassifier.load()).predict(sentence).probs;
      expect(maxDiff(await page.evaluate((t) => window.recurrent.predict(t), sentence), node)).toBeLessThanOrEqual(1e-5);
    } finally {
      await page.close();
      await plain.close();
    }
  }, LONG);

  it('trains on a small TSV in a worker (the loss goes down), evaluates the held-out rows, and its download loads in Node with the same predictions', async () => {
    const page = await openPage();
    const good = ['great', 'wonderful', 'lovely', 'superb', 'delightful'];
    const bad = ['awful', 'dreadful', 'boring', 'terrible', 'dull'];
    const nouns = ['film', 'story', 'cast', 'ending', 'script', 'music', 'plot'];
    const rows = Array.from({ length: 60 }, (_, i) => {
      const pos = i % 2 === 0;
      return `the ${nouns[i % 7]} was ${(pos ? good : bad)[i % 5]}\t${pos ? 'pos' : 'neg'}`;
    });
    await page.setInputFiles('#file', { name: 'tiny.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(`sentence\tlabel\n${rows.join('\n')}\n`) });
    await page.waitForSelector('#data-summary', { state: 'visible' });
    expect(await page.textContent('#data-summary')).toContain('54 rows to train on, 6 held out');
    await startTraining(page, { epochs: 3, embeddingDim: 16, hiddenSize: 16, batchSize: 8, lr: 0.01 });
    await page.waitForFunction(() => window.recurrent.training !== null || !document.querySelector<HTMLElement>('#train-error')!.hidden);
    expect(await page.isHidden('#train-error')).toBe(true);
    const training = await page.evaluate(() => window.recurrent.training!);
    expect(training.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(training.history[2].trainLoss).toBeLessThan(training.history[0].trainLoss);
    expect(training.heldOut.n).toBe(6);
    expect(await page.textContent('#accuracy')).toContain('6 held-out rows');
    expect(await page.locator('#chart svg path').count()).toBe(2);

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    expect(download.suggestedFilename()).toBe('tiny-model.zip');
    const files = unzipStore(readFileSync(await download.path()));
    expect(Object.keys(files).sort()).toEqual(['tiny-model/config.json', 'tiny-model/model.safetensors', 'tiny-model/vocab.json']);
    // the page has no dev set to weigh experts on, so the model holds none (each would be 262,144 rows of table)
    expect(files['tiny-model/model.safetensors'].length).toBeLessThan(100_000);
    const tmp = mkdtempSync(join(tmpdir(), 'recurrent-web-'));
    try {
      for (const [name, bytes] of Object.entries(files)) {
        mkdirSync(dirname(join(tmp, name)), { recursive: true });
        writeFileSync(join(tmp, name), bytes);
      }
      const inNode = await Classifier.load(join(tmp, 'tiny-model'));
      expect(inNode.model.experts).toEqual([]);
      const texts = [...rows.map((r) => r.split('\t')[0]).slice(0, 12), 'a wonderful cast', 'the plot was boring', 'unknown words only'];
      const inPage = await page.evaluate((ts) => ts.map((t) => window.recurrent.predictTrained(t)), texts);
      for (let i = 0; i < texts.length; i++) {
        const p = inNode.predict(texts[i]);
        expect(Object.entries(inPage[i]).sort((a, b) => b[1] - a[1])[0][0]).toBe(p.label);
        expect(maxDiff(inPage[i], p.probs)).toBeLessThanOrEqual(1e-6);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
    await page.close();
  }, LONG);

  it('shows one clear sentence for a binary file, a file without a header row, a file with one label and pasted data without a text column, and keeps working', async () => {
    const page = await openPage();
    const tryFile = async (name: string, bytes: Uint8Array): Promise<string> => {
      await page.evaluate(() => {
        document.querySelector<HTMLElement>('#data-error')!.hidden = true;
      });
      await page.setInputFiles('#file', { name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
      await page.waitForSelector('#data-error', { state: 'visible' });
      expect(await page.isHidden('#train-panel')).toBe(true);
      return (await page.textContent('#data-error')) ?? '';
    };
    const junk = Uint8Array.from({ length: 600 }, (_, i) => (i * 151 + 89) & 0xff);
    expect(await tryFile('photo.tsv', junk)).toMatch(/^photo\.tsv is not UTF-8 text \(it looks like a binary file\)/);
    const noHeader = Buffer.from('a fine film\t1\na poor film\t0\n');
    expect(await tryFile('rows.tsv', noHeader)).toMatch(/^rows\.tsv:1: the header has no text column 'sentence' or 'text'.*the first row must be a header/);
    const oneLabel = Buffer.from(`text,label\n${Array.from({ length: 20 }, (_, i) => `sentence ${i},good`).join('\n')}\n`);
    expect(await tryFile('same.csv', oneLabel)).toBe("same.csv: every example has the label 'good', a classifier needs at least 2 labels");
    // Pasted data goes through the same checks.
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('#data-error')!.hidden = true;
    });
    await page.click('details summary');
    await page.fill('#paste', 'label,comment\npos,nice\nneg,bad\n');
    await page.click('#use-paste');
    await page.waitForSelector('#data-error', { state: 'visible' });
    expect(await page.textContent('#data-error')).toMatch(/^pasted data:1: the header has no text column 'sentence' or 'text' \(columns: /);
    // The rest of the page still works.
    await page.fill('#sentence', 'a gorgeous , witty , seductive movie .');
    await page.waitForFunction(() => document.querySelector('#sst2-result .verdict')?.textContent === 'positive');
    expect(await page.isHidden('#page-error')).toBe(true);
    await page.close();
  }, LONG);
});
