/**
 * Peak memory of reading pretrained word vectors: writes a vectors file of SIZE_MB megabytes (default 1024) of
 * made-up words with 100 numbers each, in which every SST-2 training word also appears once, then reads it with the
 * bundled SST-2 vocabulary as `train({ embeddings })` does, and prints the time, the coverage and the peak RSS.
 * Only vocabulary words are kept, so the peak stays near the vocabulary's (V, 100) matrix whatever the file size.
 *
 *   pnpm tsx scripts/measure_vectors_memory.ts [SIZE_MB]
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { buildPipeline, readDataset, readWordVectors } from '@recurrent/trainer';

const sizeMb = Number(process.argv[2] ?? 1024);
const E = 100;
const train = await readDataset(new URL('../data/sst2/train.tsv', import.meta.url).pathname);
const vocab = buildPipeline(train.examples.map((e) => e.text)).vocab;
const words = vocab.tokens();

const dir = mkdtempSync(join(tmpdir(), 'recurrent-vectors-'));
const file = join(dir, 'vectors.txt');
try {
  const out = createWriteStream(file);
  /** A vector line: numbers in [-1, 1) with 6 decimals from a fixed integer sequence (no randomness needed). */
  const line = (word: string, k: number): string => {
    const xs = new Array<string>(E);
    for (let j = 0; j < E; j++) xs[j] = ((((k * 7919 + j * 104729) % 2000003) / 1000001.5) - 1).toFixed(6);
    return `${word} ${xs.join(' ')}\n`;
  };
  let bytes = 0;
  let k = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  for (const w of words.slice(2)) await write(line(w, k++));
  while (bytes < sizeMb * 1024 * 1024) await write(line(`w${k}`, k++));
  out.end();
  await once(out, 'finish');

  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const v = await readWordVectors(file, words, { skip: [0, 1] });
  const seconds = (performance.now() - t0) / 1000;
  const peak = process.resourceUsage().maxRSS * 1024;
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;
  console.log(
    `${mb(statSync(file).size)} file, ${v.fileWords.toLocaleString('en')} vectors of E=${v.dim}: read in ${seconds.toFixed(1)} s; ` +
      `${v.coveredCount} of ${v.lookedUp} vocabulary words covered; RSS before reading ${mb(rssBefore)}, peak ${mb(peak)} ` +
      `(the kept (V, E) float32 matrix: ${mb(v.vectors.byteLength)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
