/** Property tests (fast-check) of the tokenizer and the vocabulary, on arbitrary Unicode text. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize } from './normalize.js';
import { Tokenizer, type TokenizerOptions } from './tokenizer.js';
import { Vocab } from './vocab.js';

/** Characters that exercise the rules: clitics, abbreviations, joiners, marks, emoji parts, CJK, NFKC expansions. */
const TRICKY = [
  "'", '’', '.', ',', '-', '/', '&', ':', '?', '!', '`', '$', '%', '(', ' ', '\t', '\n', '\u00a0', "n't", "'s", 'mr',
  'a', 'B', 'z', '1', '0', 'é', 'e\u0301', '\u0301', 'İ', 'ǅ', 'ß', 'ﬁ', '½', '¨', '…', 'Ⅻ', 'ｶﾞ', '\u3131\u314F',
  '日', 'か', '\u3099', '👍', '🏽', '\u200D', '\uFE0F', '\u20E3', '🇫', '\uDB40\uDC67', 'ก', '\u0E33', 'ह', '\u093F',
  '\u0902', 'Σ', '\u0000', '\uD800', '\uDFFF',
];
/** Any code point, lone surrogates included (String.fromCodePoint(0xD800) is a lone surrogate). */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
const printableAscii = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c));
const text = fc.string({ unit: fc.oneof(fc.constantFrom(...TRICKY), anyCodePoint, printableAscii), maxLength: 24 });
const options: fc.Arbitrary<TokenizerOptions> = fc.record({
  form: fc.constantFrom('NFKC', 'NFC', 'none' as const),
  lowercase: fc.boolean(),
  stripAccents: fc.boolean(),
  removeStopWords: fc.boolean(),
  stem: fc.boolean(),
  ngrams: fc.constantFrom(1, 2 as const),
});
/** Options that keep every character (no stop words, stemming, bigrams or accent stripping). */
const lossless = options.map((o) => ({ ...o, removeStopWords: false, stem: false, ngrams: 1 as const, stripAccents: false }));

describe('tokenizer properties', () => {
  it('never throws, for any string and any options (1000 runs)', () => {
    fc.assert(
      fc.property(text, options, (s, o) => {
        const tokens = new Tokenizer(o).tokenizeWithOffsets(s);
        expect(tokens.every((t) => t.text.length > 0)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('gives offsets inside the original text with non-decreasing starts and ends (1000 runs)', () => {
    fc.assert(
      fc.property(text, options.map((o) => ({ ...o, ngrams: 1 as const })), (s, o) => {
        const tokens = new Tokenizer(o).tokenizeWithOffsets(s);
        tokens.forEach((t, i) => {
          expect(0 <= t.start && t.start < t.end && t.end <= s.length).toBe(true);
          if (i > 0) expect(t.start >= tokens[i - 1].start && t.end >= tokens[i - 1].end).toBe(true);
        });
      }),
      { numRuns: 1000 },
    );
  });

  it('loses and invents nothing but whitespace: the tokens joined = normalized text without whitespace (1000 runs)', () => {
    fc.assert(
      fc.property(text, lossless, (s, o) => {
        const t = new Tokenizer(o);
        expect(t.tokenize(s).join('')).toBe(t.normalize(s).text.replace(/\s/gu, ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('relates each token to its slice as documented on Token (1000 runs)', () => {
    fc.assert(
      fc.property(text, lossless, (s, o) => {
        const tokens = new Tokenizer(o).tokenizeWithOffsets(s);
        tokens.forEach((token, i) => {
          const slice = s.slice(token.start, token.end);
          const normalized = normalize(slice, o).text;
          const shared = (i > 0 && tokens[i - 1].end > token.start) || (i + 1 < tokens.length && tokens[i + 1].start < token.end);
          // Always a substring of the normalized slice; all of it (less whitespace) unless a neighbour shares a segment.
          expect(normalized.includes(token.text)).toBe(true);
          if (!shared) expect(token.text).toBe(normalized.replace(/\s/gu, ''));
          if (!shared && normalized === slice) expect(token.text).toBe(slice);
        });
      }),
      { numRuns: 1000 },
    );
  });
});

describe('vocabulary properties', () => {
  const tokenizer = new Tokenizer();
  const corpus = fc.array(text.map((s) => tokenizer.tokenize(s)), { maxLength: 8 });

  it('decode(encode(t)) = t for in-vocabulary tokens, and <unk> for the rest under maxSize (500 runs)', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 2, max: 12 }), (lists, maxSize) => {
        const full = Vocab.build(lists);
        const small = Vocab.build(lists, { maxSize });
        for (const list of lists) {
          expect(full.decode(full.encode(list))).toEqual(list);
          expect(small.decode(small.encode(list))).toEqual(list.map((t) => (small.has(t) ? t : '<unk>')));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('builds identical JSON twice from the same corpus, and fromJSON(toJSON) gives it back (500 runs)', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 1, max: 3 }), (lists, minFreq) => {
        const a = JSON.stringify(Vocab.build(lists, { minFreq }));
        const b = JSON.stringify(Vocab.build(lists.map((l) => [...l]), { minFreq }));
        expect(b).toBe(a);
        expect(JSON.stringify(Vocab.fromJSON(a))).toBe(a);
      }),
      { numRuns: 500 },
    );
  });
});
