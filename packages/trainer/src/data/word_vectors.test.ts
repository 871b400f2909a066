import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { readWordVectors } from './word_vectors.js';

let dir: string;
const WORDS = ['<pad>', '<unk>', 'the', 'film', 'new york', 'café'];
const SKIP = [0, 1];

async function file(name: string, text: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, text);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'recurrent-vectors-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readWordVectors', () => {
  it('reads a GloVe file (no header): dim from the first line, vocabulary words only, values rounded to float32', async () => {
    const path = await file('glove.txt', 'the 0.1 -2 3e-3\nof 1 1 1\nfilm 4.5 0 -0.25\n');
    const v = await readWordVectors(path, WORDS, { skip: SKIP });
    expect(v.dim).toBe(3);
    expect(v.fileWords).toBe(3);
    expect(v.coveredCount).toBe(2); // the, film; 'of' is not in the vocabulary
    expect(v.lookedUp).toBe(4); // the 6 words less the 2 specials
    expect(Array.from(v.covered)).toEqual([0, 0, 1, 1, 0, 0]);
    // Row 2 is 'the', row 3 'film'; every other row stays zero. Each value is the float32 nearest the decimal text.
    expect(Array.from(v.vectors.subarray(6, 12))).toEqual([Math.fround(0.1), -2, Math.fround(3e-3), 4.5, 0, -0.25]);
    expect(Array.from(v.vectors.subarray(0, 6))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reads a gzipped fastText .vec: header line, CRLF, trailing spaces, words with spaces, the exact case first', async () => {
    const text = '5 2\r\nThe 9 9 \r\nthe 1 2 \r\nnew york 3 4 \r\nCafé 5 6 \r\nFILM 7 8 \r\n';
    const path = await file('wiki.vec.gz', gzipSync(Buffer.from(text, 'utf8')));
    const v = await readWordVectors(path, WORDS, { skip: SKIP });
    expect(v.dim).toBe(2);
    expect(v.fileWords).toBe(5);
    // 'the' takes its exact line though 'The' came first; 'café' and 'film' match by lowercase.
    expect(Array.from(v.vectors.subarray(4))).toEqual([1, 2, 7, 8, 3, 4, 5, 6]);
    expect(v.coveredCount).toBe(4);
    expect(v.lowercaseMatches).toBe(2);
  });

  it('never gives the skipped specials a vector', async () => {
    const path = await file('specials.txt', '<pad> 1 1\n<unk> 2 2\nthe 3 3\n');
    const v = await readWordVectors(path, WORDS, { skip: SKIP });
    expect(Array.from(v.covered)).toEqual([0, 0, 1, 0, 0, 0]);
    expect(Array.from(v.vectors.subarray(0, 4))).toEqual([0, 0, 0, 0]);
  });

  it('names the file and line of a bad line', async () => {
    const cases: [string, string, RegExp][] = [
      ['short.txt', 'the 1 2 3\nfilm 1 2\n', /short\.txt:2: expected a word and 3 numbers, found 2 numbers/],
      ['header.txt', '2 3\nthe 1 2\n', /header\.txt:2: expected a word and 3 numbers, found 2 numbers/],
      ['nan.txt', 'of 1 2\nthe 1 nan\n', /nan\.txt:2: number 2 of 'the' is 'nan', expected a finite number/],
      ['inf.txt', 'the 1 Infinity\n', /inf\.txt:1: number 2 of 'the' is 'Infinity'/],
      ['zero.txt', '10 0\n', /zero\.txt:1: the header says the vectors have 0 dimensions/],
      ['word.txt', 'lonely\n', /word\.txt:1: expected a word and its numbers, found 1 field/],
      ['empty.txt', '', /empty\.txt: the file has no word vectors/],
    ];
    for (const [name, text, message] of cases) {
      const path = await file(name, text);
      const err = await readWordVectors(path, WORDS, { skip: SKIP }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DataFormatError);
      expect((err as Error).message).toMatch(message);
    }
  });

  it('reports corrupt gzip data as a DataFormatError, not a zlib exception', async () => {
    const gz = gzipSync(Buffer.from('the 1 2\n'.repeat(1000)));
    const path = await file('corrupt.vec.gz', Buffer.concat([gz.subarray(0, 20), Buffer.alloc(40, 7)]));
    const err = await readWordVectors(path, WORDS).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataFormatError);
    expect((err as Error).message).toMatch(/corrupt\.vec\.gz:\d+: the gzip data is corrupt/);
  });
});
