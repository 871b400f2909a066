/**
 * Stage 4: the vocabulary, a deterministic bijection between tokens and ids `0 … V−1`.
 * @module
 */
import { describe, expectHeader, expectStringList, FORMAT_VERSION, parseJSON, TokenizerFormatError } from './serialization.js';

/** Options of {@link Vocab.build}. */
export interface VocabBuildOptions {
  /** Keep tokens seen at least this many times. Default `1`. */
  minFreq?: number;
  /** Largest vocabulary size V, specials included; the least frequent tokens are dropped. Default: no limit. */
  maxSize?: number;
  /** Special tokens, given ids `0, 1, …` in this order. Default `['<pad>', '<unk>']`. */
  specials?: readonly string[];
  /** Padding token, one of `specials`. Default `'<pad>'`. */
  padToken?: string;
  /** Token that unknown tokens map to, one of `specials`. Default `'<unk>'`. */
  unkToken?: string;
}

/** JSON form of a {@link Vocab} (`tokens[id]` is the token with that id; the specials come first). */
export interface VocabJSON {
  formatVersion: number;
  type: 'vocab';
  tokens: string[];
  specials: string[];
  padToken: string;
  unkToken: string;
}

/** Options of {@link Vocab.encodeBatch}. */
export interface EncodeBatchOptions {
  /** Longest sequence L kept; longer ones are truncated. Default: no limit. */
  maxLength?: number;
  /** Which end loses tokens when a sequence is longer than `maxLength`: `'end'` keeps the first L. Default `'end'`. */
  truncation?: 'end' | 'start';
  /**
   * `'longest'` pads every row with the pad id to the longest (truncated) row of the batch, `'maxLength'` to
   * `maxLength` (which must be set), `'none'` leaves rows ragged. Default `'longest'`.
   */
  padding?: 'longest' | 'maxLength' | 'none';
}

/** A batch of id sequences. */
export interface EncodedBatch {
  /** `(N, L)` ids, row-major as N rows (ragged only with `padding: 'none'`). */
  ids: number[][];
  /** `(N)` number of real (non-pad) ids in each row, after truncation; 0 for a text without tokens. */
  lengths: number[];
}

function checkSpecials(what: string, specials: readonly string[], padToken: string, unkToken: string): void {
  if (new Set(specials).size !== specials.length) {
    throw new RangeError(`${what}: specials ${JSON.stringify(specials)} contain a duplicate.`);
  }
  for (const [name, tok] of [['padToken', padToken], ['unkToken', unkToken]] as const) {
    if (!specials.includes(tok)) {
      throw new RangeError(`${what}: ${name} ${JSON.stringify(tok)} is not one of specials ${JSON.stringify(specials)}.`);
    }
  }
}

function checkCount(what: string, name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${what}: ${name} is ${value}, expected an integer ≥ ${min}.`);
  }
}

/**
 * A vocabulary: specials first (ids `0, 1, …` in the order given, by default `<pad>` = 0 and `<unk>` = 1), then the
 * corpus tokens by frequency, most frequent first, ties broken by first occurrence in the corpus. Building from the
 * same token lists in the same order therefore always gives the same ids (and the same JSON).
 */
export class Vocab {
  /** The special tokens, which hold ids `0 … specials.length − 1`. */
  readonly specials: readonly string[];
  /** The padding token and its id. */
  readonly padToken: string;
  readonly padId: number;
  /** The unknown token and its id (what {@link idOf} returns for unknown tokens). */
  readonly unkToken: string;
  readonly unkId: number;
  readonly #tokens: readonly string[];
  readonly #ids: ReadonlyMap<string, number>;

  private constructor(tokens: readonly string[], specials: readonly string[], padToken: string, unkToken: string) {
    this.#tokens = tokens;
    this.#ids = new Map(tokens.map((t, i) => [t, i]));
    this.specials = specials;
    this.padToken = padToken;
    this.unkToken = unkToken;
    this.padId = specials.indexOf(padToken);
    this.unkId = specials.indexOf(unkToken);
  }

  /**
   * Count the tokens of `tokenLists` and build the vocabulary.
   * Tokens equal to a special are not counted (they already have their id).
   * @param tokenLists - e.g. `texts.map((t) => tokenizer.tokenize(t))`; iterated once
   * @example
   * const vocab = Vocab.build([['a', 'b', 'b'], ['c', 'a']]);
   * vocab.encode(['a', 'b', 'c', 'zzz']) // [2, 3, 4, 1]: a and b twice (a first), c once, zzz → <unk>
   */
  static build(tokenLists: Iterable<readonly string[]>, options: VocabBuildOptions = {}): Vocab {
    const specials = [...(options.specials ?? ['<pad>', '<unk>'])];
    const padToken = options.padToken ?? '<pad>';
    const unkToken = options.unkToken ?? '<unk>';
    const minFreq = options.minFreq ?? 1;
    const maxSize = options.maxSize ?? Infinity;
    checkSpecials('Vocab.build', specials, padToken, unkToken);
    checkCount('Vocab.build', 'minFreq', minFreq, 1);
    if (maxSize !== Infinity) checkCount('Vocab.build', 'maxSize', maxSize, specials.length);

    const isSpecial = new Set(specials);
    const counts = new Map<string, number>(); // insertion order = first occurrence
    for (const list of tokenLists) {
      for (const token of list) {
        if (typeof token !== 'string') {
          throw new TypeError(`Vocab.build: a token is ${typeof token}, expected a string.`);
        }
        if (!isSpecial.has(token)) counts.set(token, (counts.get(token) ?? 0) + 1);
      }
    }
    // Array.prototype.sort is stable, so equal counts keep their first-occurrence order.
    const ranked = [...counts].filter(([, c]) => c >= minFreq).sort((a, b) => b[1] - a[1]);
    const kept = ranked.slice(0, Math.max(0, maxSize - specials.length)).map(([t]) => t);
    return new Vocab([...specials, ...kept], specials, padToken, unkToken);
  }

  /** Vocabulary size V (specials included). */
  get size(): number {
    return this.#tokens.length;
  }

  /** Whether `token` has its own id (specials included). */
  has(token: string): boolean {
    return this.#ids.has(token);
  }

  /** Id of `token`, or {@link unkId} when it is not in the vocabulary. */
  idOf(token: string): number {
    return this.#ids.get(token) ?? this.unkId;
  }

  /** Token with id `id`; throws a RangeError unless `0 ≤ id < size` is an integer. */
  tokenOf(id: number): string {
    if (!Number.isInteger(id) || id < 0 || id >= this.#tokens.length) {
      throw new RangeError(`Vocab: id ${id} is out of range, expected an integer in [0, ${this.#tokens.length}).`);
    }
    return this.#tokens[id];
  }

  /** Ids of `tokens`; unknown tokens map to {@link unkId}. */
  encode(tokens: readonly string[]): number[] {
    const out = new Array<number>(tokens.length);
    for (let i = 0; i < tokens.length; i++) out[i] = this.#ids.get(tokens[i]) ?? this.unkId;
    return out;
  }

  /** Tokens of `ids` (pad ids included, as the pad token); throws a RangeError for an id outside `[0, size)`. */
  decode(ids: ArrayLike<number>): string[] {
    const out = new Array<string>(ids.length);
    for (let i = 0; i < ids.length; i++) out[i] = this.tokenOf(ids[i]);
    return out;
  }

  /** All tokens, indexed by id (a copy). */
  tokens(): string[] {
    return [...this.#tokens];
  }

  /**
   * Encode a batch of token lists, truncate and pad.
   * @param tokenLists - N token lists
   * @returns `ids` `(N, L)` and `lengths` `(N)`, L = longest truncated row (or `maxLength` with `padding: 'maxLength'`)
   */
  encodeBatch(tokenLists: readonly (readonly string[])[], options: EncodeBatchOptions = {}): EncodedBatch {
    const maxLength = options.maxLength ?? Infinity;
    const truncation = options.truncation ?? 'end';
    const padding = options.padding ?? 'longest';
    if (maxLength !== Infinity) checkCount('encodeBatch', 'maxLength', maxLength, 1);
    if (truncation !== 'end' && truncation !== 'start') {
      throw new RangeError(`encodeBatch: truncation is ${JSON.stringify(truncation)}, expected 'end' or 'start'.`);
    }
    if (padding !== 'longest' && padding !== 'maxLength' && padding !== 'none') {
      throw new RangeError(`encodeBatch: padding is ${JSON.stringify(padding)}, expected 'longest', 'maxLength' or 'none'.`);
    }
    if (padding === 'maxLength' && maxLength === Infinity) {
      throw new RangeError("encodeBatch: padding is 'maxLength' but no maxLength was given.");
    }
    const ids = tokenLists.map((tokens) => {
      const kept = tokens.length <= maxLength ? tokens
        : truncation === 'end' ? tokens.slice(0, maxLength) : tokens.slice(tokens.length - maxLength);
      return this.encode(kept);
    });
    const lengths = ids.map((row) => row.length);
    if (padding !== 'none') {
      const L = padding === 'maxLength' ? maxLength : lengths.reduce((a, b) => Math.max(a, b), 0);
      for (const row of ids) while (row.length < L) row.push(this.padId);
    }
    return { ids, lengths };
  }

  /** JSON form; `Vocab.fromJSON(vocab.toJSON())` gives an equal vocabulary. */
  toJSON(): VocabJSON {
    return {
      formatVersion: FORMAT_VERSION,
      type: 'vocab',
      tokens: [...this.#tokens],
      specials: [...this.specials],
      padToken: this.padToken,
      unkToken: this.unkToken,
    };
  }

  /**
   * Load a vocabulary written by {@link toJSON} (an object or its JSON string), validating it fully: format version,
   * types, no duplicate tokens, specials at ids `0 … k−1` in order, pad and unk tokens among the specials.
   * @throws TokenizerFormatError on any problem
   */
  static fromJSON(json: unknown): Vocab {
    const what = 'Vocab.fromJSON';
    const obj = expectHeader(what, parseJSON(what, json), 'vocab', ['tokens', 'specials', 'padToken', 'unkToken']);
    const tokens = expectStringList(what, 'tokens', obj.tokens);
    const specials = expectStringList(what, 'specials', obj.specials);
    for (const key of ['padToken', 'unkToken'] as const) {
      const tok = obj[key];
      if (typeof tok !== 'string') throw new TokenizerFormatError(`${what}: ${key} is ${describe(tok)}, expected a string.`);
      if (!specials.includes(tok)) {
        throw new TokenizerFormatError(`${what}: ${key} ${JSON.stringify(tok)} is not one of specials ${JSON.stringify(specials)}.`);
      }
    }
    for (let i = 0; i < specials.length; i++) {
      if (tokens[i] !== specials[i]) {
        const where = tokens.indexOf(specials[i]);
        throw new TokenizerFormatError(
          `${what}: special token ${JSON.stringify(specials[i])} must have id ${i}, but it is ` +
            (where < 0 ? 'missing from tokens.' : `at id ${where}.`),
        );
      }
    }
    return new Vocab(tokens, specials, obj.padToken as string, obj.unkToken as string);
  }
}
