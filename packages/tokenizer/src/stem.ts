/**
 * Stage 3 helpers: English Porter stemming and stop words, from the npm package `natural`.
 *
 * Only the two modules needed are imported (plus the three small files they require): `natural`'s index takes
 * ~1.5 s to import and pulls in database drivers. `pnpm tsx scripts/measure_tokenizer_import.ts` measures the cost of
 * this package's import; `stem.test.ts` checks which of `natural`'s files get loaded.
 * @module
 */
// The reference brings natural.d.ts (types of the two deep imports) into every program that compiles this file,
// e.g. other packages type-checking against our source.
/// <reference path="./natural.d.ts" />
import porterStemmer from 'natural/lib/natural/stemmers/porter_stemmer.js';
import { words } from 'natural/lib/natural/util/stopwords.js';

/**
 * natural's English stop-word list, copied when this module loads (so later edits of natural's shared array, e.g. by
 * its `addStopWord`, do not change our behaviour). Lowercase; includes single letters, digits, `$` and `_`.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(words);

/**
 * Porter-stem one English word with natural's `PorterStemmer` (lowercases; words shorter than 3 are kept).
 * @example porterStem('running') // 'run'
 */
export function porterStem(word: string): string {
  return porterStemmer.stem(word);
}
