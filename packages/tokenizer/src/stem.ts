/**
 * Stage 3 helpers: English Porter stemming and stop words, from the npm package `natural`.
 *
 * `natural` is an optional peer dependency: predicting and training with the default options never load it, so a user
 * who does not stem or drop stop words does not install it (with its database clients and WordNet data). It is
 * loaded on first use, synchronously, and only two of its modules (plus the three small files they require):
 * `natural`'s index takes ~1.5 s to import and pulls in database drivers. When it is missing, the first use throws
 * {@link MissingDependencyError} naming the package and the install command. `stem.test.ts` checks which of
 * `natural`'s files get loaded.
 * @module
 */
/** The install command named by {@link MissingDependencyError}. */
export const NATURAL_INSTALL_COMMAND = 'npm install natural@8';

/** Thrown on first use of stemming or stop words when the optional package `natural` cannot be loaded. */
export class MissingDependencyError extends Error {
  override readonly name = 'MissingDependencyError';
  /** The npm package that is missing. */
  readonly packageName = 'natural';
}

/** The two parts of `natural` used here. */
interface Natural {
  /** natural's English Porter stemmer (a singleton); `stem` lowercases its input and keeps words shorter than 3. */
  readonly stemmer: { stem(token: string): string };
  /** natural's English stop-word list (170 lowercase entries, including single letters and digits). */
  readonly stopWords: ReadonlySet<string>;
}

type Require = (id: string) => unknown;
type GetBuiltinModule = (id: 'node:module') => { createRequire(from: string): Require };

let natural: Natural | undefined;

/**
 * Loads the two modules of `natural` once. `natural` is CommonJS, so Node's `require` (reached through
 * `process.getBuiltinModule`, with no static `node:` import) loads it synchronously where this file sits.
 * @throws MissingDependencyError when `natural` is not installed, or outside Node.js 20.16+
 */
export function loadNatural(): Natural {
  if (natural !== undefined) return natural;
  const getBuiltinModule = (globalThis as { process?: { getBuiltinModule?: GetBuiltinModule } }).process?.getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') {
    throw new MissingDependencyError("stemming and stop-word removal use the package 'natural', which can only be loaded in Node.js 20.16 or later");
  }
  const require = getBuiltinModule('node:module').createRequire(import.meta.url);
  try {
    const stemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as Natural['stemmer'];
    const { words } = require('natural/lib/natural/util/stopwords.js') as { words: string[] };
    // Copied now, so later edits of natural's shared array (e.g. by its `addStopWord`) do not change our behaviour.
    natural = { stemmer, stopWords: new Set(words) };
    return natural;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'MODULE_NOT_FOUND') throw err;
    throw new MissingDependencyError(
      `stemming and stop-word removal use the optional package 'natural', which is not installed; install it with \`${NATURAL_INSTALL_COMMAND}\``,
    );
  }
}

/** A read-only view of natural's stop-word list that loads `natural` on first use. */
class LazyStopWords implements ReadonlySet<string> {
  get size(): number {
    return loadNatural().stopWords.size;
  }
  has(word: string): boolean {
    return loadNatural().stopWords.has(word);
  }
  forEach(fn: (value: string, key: string, set: ReadonlySet<string>) => void, thisArg?: unknown): void {
    for (const w of this) fn.call(thisArg, w, w, this);
  }
  entries(): SetIterator<[string, string]> {
    return loadNatural().stopWords.entries();
  }
  keys(): SetIterator<string> {
    return loadNatural().stopWords.keys();
  }
  values(): SetIterator<string> {
    return loadNatural().stopWords.values();
  }
  [Symbol.iterator](): SetIterator<string> {
    return this.values();
  }
}

/**
 * natural's English stop-word list: lowercase; includes single letters, digits, `$` and `_`. Reading it loads
 * `natural` (see the module doc).
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new LazyStopWords();

/**
 * Porter-stem one English word with natural's `PorterStemmer` (lowercases; words shorter than 3 are kept).
 * @example porterStem('running') // 'run'
 */
export function porterStem(word: string): string {
  return loadNatural().stemmer.stem(word);
}
