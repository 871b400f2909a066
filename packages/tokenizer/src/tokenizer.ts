/**
 * The tokenizer: normalize → pre-tokenize → post-process (stop words, stemming, bigrams), with offsets into the
 * original text for every token.
 * @module
 */
import { normalize, resolveNormalizeOptions, type NormalizedText, type NormalizeOptions, type UnicodeForm } from './normalize.js';
import { scanTokens } from './pre_tokenize.js';
import { describe, expectHeader, FORMAT_VERSION, parseJSON, TokenizerFormatError } from './serialization.js';
import { ENGLISH_STOP_WORDS, loadNatural, porterStem } from './stem.js';
import type { EncodeBatchOptions, EncodedBatch, Vocab } from './vocab.js';

/** Options of {@link Tokenizer}; all are saved by `toJSON()`. */
export interface TokenizerOptions extends NormalizeOptions {
  /** Drop tokens in natural's English stop-word list (compared lowercased; needs the optional package `natural`). Default `false`. */
  removeStopWords?: boolean;
  /** Replace every token that contains a letter by its Porter stem (natural's, so it needs the optional package `natural`; the stem is lowercase). Default `false`. */
  stem?: boolean;
  /**
   * `2` appends the bigrams `"a b"` of consecutive tokens after the unigrams (fastText style; tokens never contain
   * whitespace, so the space is unambiguous). Default `1` (no bigrams).
   */
  ngrams?: 1 | 2;
}

/** Every option of {@link TokenizerOptions} with its value. */
export interface ResolvedTokenizerOptions {
  readonly form: UnicodeForm;
  readonly lowercase: boolean;
  readonly stripAccents: boolean;
  readonly removeStopWords: boolean;
  readonly stem: boolean;
  readonly ngrams: 1 | 2;
}

/**
 * A token and the span `[start, end)` (UTF-16 indices) of the ORIGINAL text it came from.
 *
 * Without stemming, `text` is a substring of `normalize(original.slice(start, end))`, and equals
 * `original.slice(start, end)` whenever normalization left that slice unchanged (e.g. lowercase ASCII). When
 * normalization maps one original segment to several characters that end up in different tokens (`½` → `1` `⁄` `2`),
 * each of those tokens spans the whole segment, so neighbouring spans may overlap; starts and ends never decrease.
 * A bigram spans from its first token's start to its second token's end.
 */
export interface Token {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** JSON form of a {@link Tokenizer}'s configuration. */
export interface TokenizerJSON {
  formatVersion: number;
  type: 'tokenizer';
  options: ResolvedTokenizerOptions;
}

const HAS_LETTER = /\p{L}/u;
const OPTION_KEYS = ['form', 'lowercase', 'stripAccents', 'removeStopWords', 'stem', 'ngrams'] as const;

function resolveOptions(options: TokenizerOptions): ResolvedTokenizerOptions {
  const ngrams = options.ngrams ?? 1;
  if (ngrams !== 1 && ngrams !== 2) throw new RangeError(`Tokenizer: ngrams is ${String(ngrams)}, expected 1 or 2.`);
  return {
    ...resolveNormalizeOptions(options),
    removeStopWords: options.removeStopWords ?? false,
    stem: options.stem ?? false,
    ngrams,
  };
}

/**
 * Unicode-safe word tokenizer with Penn-Treebank conventions (the tokenization of SST-2).
 * @example
 * new Tokenizer().tokenize("It doesn't feel like 1999 — café 👍🏽")
 * // ['it', 'does', "n't", 'feel', 'like', '1999', '—', 'café', '👍🏽']
 */
export class Tokenizer {
  readonly options: ResolvedTokenizerOptions;

  /** @throws MissingDependencyError when `removeStopWords` or `stem` is set and the package `natural` is missing */
  constructor(options: TokenizerOptions = {}) {
    this.options = Object.freeze(resolveOptions(options));
    // Fail here, when a model or option asks for natural's stages, not at the first text.
    if (this.options.removeStopWords || this.options.stem) loadNatural();
  }

  /** Stage 1: normalize `text`, keeping the map back to it. */
  normalize(text: string): NormalizedText {
    if (typeof text !== 'string') throw new TypeError(`Tokenizer: text is ${typeof text}, expected a string.`);
    return normalize(text, this.options);
  }

  /** Stage 2: split normalized text into tokens with offsets into the original text. */
  preTokenize(n: NormalizedText): Token[] {
    const out: Token[] = [];
    const { text, starts, ends } = n;
    scanTokens(text, (start, end) => out.push({ text: text.slice(start, end), start: starts[start], end: ends[end - 1] }));
    return out;
  }

  /** Stage 3: stop-word removal, then stemming, then bigrams, as configured. */
  postProcess(tokens: readonly Token[]): Token[] {
    const o = this.options;
    let out = o.removeStopWords ? tokens.filter((t) => !ENGLISH_STOP_WORDS.has(t.text.toLowerCase())) : [...tokens];
    if (o.stem) out = out.map((t) => (HAS_LETTER.test(t.text) ? { ...t, text: porterStem(t.text) } : t));
    if (o.ngrams === 2) {
      const n = out.length;
      for (let i = 0; i + 1 < n; i++) {
        out.push({ text: `${out[i].text} ${out[i + 1].text}`, start: out[i].start, end: out[i + 1].end });
      }
    }
    return out;
  }

  /** All stages; tokens with their spans in `text`. */
  tokenizeWithOffsets(text: string): Token[] {
    return this.postProcess(this.preTokenize(this.normalize(text)));
  }

  /** All stages; just the token strings. */
  tokenize(text: string): string[] {
    return this.tokenizeWithOffsets(text).map((t) => t.text);
  }

  /**
   * Tokenize `texts` and encode them with `vocab`, truncating and padding (see {@link Vocab.encodeBatch}).
   * @returns `ids` `(N, L)` and `lengths` `(N)`
   */
  encodeBatch(texts: readonly string[], vocab: Vocab, options: EncodeBatchOptions = {}): EncodedBatch {
    return vocab.encodeBatch(texts.map((t) => this.tokenize(t)), options);
  }

  /** JSON form of the configuration (every option, defaults included). */
  toJSON(): TokenizerJSON {
    return { formatVersion: FORMAT_VERSION, type: 'tokenizer', options: { ...this.options } };
  }

  /**
   * Rebuild a tokenizer from {@link toJSON} output (an object or its JSON string), validating every field.
   * @throws TokenizerFormatError on a different format version, a missing or unknown option, or a wrong value
   */
  static fromJSON(json: unknown): Tokenizer {
    const what = 'Tokenizer.fromJSON';
    const obj = expectHeader(what, parseJSON(what, json), 'tokenizer', ['options']);
    const opts = obj.options;
    if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
      throw new TokenizerFormatError(`${what}: options is ${describe(opts)}, expected an object.`);
    }
    const o = opts as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      if (!(OPTION_KEYS as readonly string[]).includes(key)) {
        throw new TokenizerFormatError(`${what}: unknown option ${JSON.stringify(key)}.`);
      }
    }
    const check = (key: (typeof OPTION_KEYS)[number], ok: boolean, expected: string): void => {
      if (!ok) throw new TokenizerFormatError(`${what}: options.${key} is ${describe(o[key])}, expected ${expected}.`);
    };
    check('form', o.form === 'NFKC' || o.form === 'NFC' || o.form === 'none', "'NFKC', 'NFC' or 'none'");
    for (const key of ['lowercase', 'stripAccents', 'removeStopWords', 'stem'] as const) {
      check(key, typeof o[key] === 'boolean', 'a boolean');
    }
    check('ngrams', o.ngrams === 1 || o.ngrams === 2, '1 or 2');
    return new Tokenizer(o as TokenizerOptions);
  }
}
