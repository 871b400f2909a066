/**
 * The web page → PyTorch, step 1: trains a classifier in the page (packages/web, headless Chromium) on the first
 * 400 SST-2 dev rows, downloads its model directory as the page's Download button gives it (.zip), unzips it, and
 * writes `ours.json` next to it: the page's log-probabilities for the first 64 SST-2 dev sentences (batches of 16,
 * token ids padded, with lengths) in check_handoff.py's format. Step 2 loads the downloaded model.safetensors into
 * the reference PyTorch module with load_state_dict(strict=True) and compares with the page's numbers:
 *
 *   pnpm tsx scripts/reference/page_download.ts [OUT_DIR]             (default: /tmp/recurrent-page-download)
 *   /usr/bin/python3 scripts/reference/check_handoff.py OUT_DIR/*
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Classifier, SST2_DIR } from '@recurrent/trainer';
import type { PageHooks } from '../../packages/web/src/main.js';
import { unzipStore } from '../../packages/web/src/zip.js';
import { buildPage, launchChromium, serveDir, startTraining } from '../../packages/web/test/harness.js';

declare const window: { recurrent: PageHooks };
const out = process.argv[2] ?? '/tmp/recurrent-page-download';
const lines = readFileSync(join(SST2_DIR, 'dev.tsv'), 'utf8').split('\n');
const dev = lines.slice(1, 65).map((l) => l.split('\t')[0]);

const server = await serveDir(await buildPage());
const { context, close } = await launchChromium();
try {
  const page = await context.newPage();
  page.setDefaultTimeout(600_000);
  await page.goto(server.url);
  await page.waitForFunction(() => window.recurrent?.firstPredictionMs != null);
  await page.setInputFiles('#file', { name: 'sst2-dev-400.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(`${lines.slice(0, 401).join('\n')}\n`) });
  await startTraining(page, { epochs: 2, embeddingDim: 32, hiddenSize: 24, batchSize: 16, lr: 0.01 });
  await page.waitForFunction(() => window.recurrent.training !== null || !document.querySelector<HTMLElement>('#train-error')!.hidden);
  if (!(await page.isHidden('#train-error'))) throw new Error(`training in the page failed: ${await page.textContent('#train-error')}`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  rmSync(out, { recursive: true, force: true });
  for (const [name, bytes] of Object.entries(unzipStore(readFileSync(await download.path())))) {
    mkdirSync(dirname(join(out, name)), { recursive: true });
    writeFileSync(join(out, name), bytes);
  }
  const dir = join(out, 'sst2-dev-400-model');
  // Token ids from the downloaded directory's own tokenizer and vocabulary; probabilities from the page.
  const { pipeline, labels } = await Classifier.load(dir);
  const probs = await page.evaluate((ts) => ts.map((t) => window.recurrent.predictTrained(t)), dev);
  const batches = [];
  for (let start = 0; start < dev.length; start += 16) {
    const seqs = dev.slice(start, start + 16).map((s) => Array.from(pipeline.encode(s)));
    const L = Math.max(...seqs.map((s) => s.length));
    batches.push({
      ids: seqs.map((s) => [...s, ...new Array<number>(L - s.length).fill(0)]),
      lengths: seqs.map((s) => s.length),
      logProbs: probs.slice(start, start + 16).map((p) => labels.map((l) => Math.log(p[l]))),
    });
  }
  writeFileSync(join(dir, 'ours.json'), `${JSON.stringify({ sentences: dev, batches })}\n`);
  process.stdout.write(`${dir}\n`);
} finally {
  await close();
  await server.close();
}
