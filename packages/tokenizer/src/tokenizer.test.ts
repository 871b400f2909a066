import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from './serialization.js';
import { Tokenizer, type Token } from './tokenizer.js';
import { Vocab } from './vocab.js';

const tok = new Tokenizer();

/** `[text, start, end]` triples, for compact expectations. */
const triples = (tokens: Token[]): [string, number, number][] => tokens.map((t) => [t.text, t.start, t.end]);

describe('Tokenizer golden tests', () => {
  it('tokenizes the README example into 9 tokens', () => {
    expect(tok.tokenize("It doesn't feel like 1999 — café 👍🏽")).toEqual(
      ['it', 'does', "n't", 'feel', 'like', '1999', '—', 'café', '👍🏽'],
    );
  });

  it('keeps accented letters (natural\'s ASCII regexes would give "caf"): Crème brûlée à la café', () => {
    expect(tok.tokenize('Crème brûlée à la café, naïveté!')).toEqual(['crème', 'brûlée', 'à', 'la', 'café', ',', 'naïveté', '!']);
  });

  it('gives the same tokens for decomposed accents (e + U+0301) as for precomposed é, with offsets over both code units', () => {
    expect(triples(tok.tokenizeWithOffsets('cafe\u0301 ok'))).toEqual([['café', 0, 5], ['ok', 6, 8]]);
  });

  it('strips accents only when asked: Crème → creme', () => {
    expect(new Tokenizer({ stripAccents: true }).tokenize('Crème brûlée')).toEqual(['creme', 'brulee']);
  });

  it('splits CJK per character, with offsets of one code unit each', () => {
    expect(triples(tok.tokenizeWithOffsets('我爱東京'))).toEqual([['我', 0, 1], ['爱', 1, 2], ['東', 2, 3], ['京', 3, 4]]);
  });

  it('unfolds half-width katakana with NFKC: ｶﾞｷﾞ → ガ ギ, each spanning its 2 original code units', () => {
    expect(triples(tok.tokenizeWithOffsets('ｶﾞｷﾞ'))).toEqual([['ガ', 0, 2], ['ギ', 2, 4]]);
  });

  it('keeps emoji grapheme clusters as tokens: 👩‍👩‍👧 (8 code units) and 👍🏽 (4)', () => {
    expect(triples(tok.tokenizeWithOffsets('love it👩‍👩‍👧👍🏽'))).toEqual([
      ['love', 0, 4], ['it', 5, 7], ['👩‍👩‍👧', 7, 15], ['👍🏽', 15, 19],
    ]);
  });

  it('returns no tokens for the empty string and for whitespace runs', () => {
    expect(tok.tokenize('')).toEqual([]);
    expect(tok.tokenize(' \t\r\n \u00a0\u2003\u3000 ')).toEqual([]);
  });

  it('ignores whitespace runs between tokens and keeps offsets into the original', () => {
    expect(triples(tok.tokenizeWithOffsets('  Hello \t\n  World  '))).toEqual([['hello', 2, 7], ['world', 12, 17]]);
  });

  it('gives tokens that share one original character the same span: ½ → 1 ⁄ 2, all [4, 5)', () => {
    expect(triples(tok.tokenizeWithOffsets('cup ½'))).toEqual([['cup', 0, 3], ['1', 4, 5], ['⁄', 4, 5], ['2', 4, 5]]);
  });

  it('keeps a combining mark after a space as a token of its own, spanning only the mark [1, 2)', () => {
    expect(triples(tok.tokenizeWithOffsets(' \u0301x'))).toEqual([['\u0301x', 1, 3]]);
    expect(triples(tok.tokenizeWithOffsets('a \u0301'))).toEqual([['a', 0, 1], ['\u0301', 2, 3]]);
  });

  it('splits a parenthesized ideograph ㈱ (NFKC "(株)") into 3 tokens that all span the one original character', () => {
    expect(triples(tok.tokenizeWithOffsets('㈱'))).toEqual([['(', 0, 1], ['株', 0, 1], [')', 0, 1]]);
  });

  it('maps ligatures back: the ﬁlm (ﬁ = 1 code unit) → "film" spanning [4, 7)', () => {
    expect(triples(tok.tokenizeWithOffsets('the ﬁlm'))).toEqual([['the', 0, 3], ['film', 4, 7]]);
  });

  it('tokenizes 1 MB of mixed text (accents, emoji, CJK, contractions) in under 1 s', () => {
    const unit = "It doesn't feel like 1999 — the café's crème brûlée (¥1,000) was 👍🏽👩‍💻 and 日本語 text, Mr. Smith said... ";
    const text = unit.repeat(Math.ceil(2 ** 20 / unit.length)).slice(0, 2 ** 20);
    tok.tokenize(unit); // compile the regular expressions first: the bar is about throughput
    // CPU time of this process rather than wall time, so that other jobs on a busy CI machine do not count.
    const cpu0 = process.cpuUsage();
    const tokens = tok.tokenizeWithOffsets(text);
    const { user, system } = process.cpuUsage(cpu0);
    // 1 MB = 9,799 copies of the 107-character unit (29 tokens each) + its first 83 characters (23 tokens).
    expect(tokens.length).toBe(284194);
    // Typically 150–300 ms; the bar is 1 s.
    expect((user + system) / 1000).toBeLessThan(1000);
  });
});

describe('Tokenizer options', () => {
  it('lowercase: false keeps case (and clitic rules still apply): DOESN\'T → DOES N\'T', () => {
    expect(new Tokenizer({ lowercase: false }).tokenize("It DOESN'T")).toEqual(['It', 'DOES', "N'T"]);
  });

  it('removeStopWords drops natural\'s English stop words: "the movie is not a joke" → movie not joke', () => {
    expect(new Tokenizer({ removeStopWords: true }).tokenize('The movie is not a joke')).toEqual(['movie', 'not', 'joke']);
  });

  it('stem applies the Porter stemmer to words only: running jumps . 42 → run jump . 42', () => {
    expect(new Tokenizer({ stem: true }).tokenize('running jumps. 42')).toEqual(['run', 'jump', '.', '42']);
  });

  it('stem keeps the offsets of the unstemmed token', () => {
    expect(triples(new Tokenizer({ stem: true }).tokenizeWithOffsets('Running'))).toEqual([['run', 0, 7]]);
  });

  it('ngrams: 2 appends the bigrams after the unigrams, spanning both tokens', () => {
    expect(triples(new Tokenizer({ ngrams: 2 }).tokenizeWithOffsets('not good .'))).toEqual([
      ['not', 0, 3], ['good', 4, 8], ['.', 9, 10], ['not good', 0, 8], ['good .', 4, 10],
    ]);
  });

  it('applies stop words, then stemming, then bigrams: "the cats are running" → cat run "cat run"', () => {
    const t = new Tokenizer({ removeStopWords: true, stem: true, ngrams: 2 });
    expect(t.tokenize('The cats are running')).toEqual(['cat', 'run', 'cat run']);
  });

  it('rejects ngrams other than 1 or 2 with a RangeError', () => {
    expect(() => new Tokenizer({ ngrams: 3 as 2 })).toThrow(/ngrams is 3, expected 1 or 2/);
  });

  it('rejects a non-string text with a TypeError', () => {
    expect(() => tok.tokenize(42 as unknown as string)).toThrow(TypeError);
  });

  it('exposes its stages: normalize → preTokenize → postProcess gives tokenizeWithOffsets', () => {
    const t = new Tokenizer({ stem: true });
    const text = 'Ｔhe ﬁlms';
    expect(t.postProcess(t.preTokenize(t.normalize(text)))).toEqual(t.tokenizeWithOffsets(text));
  });

  it('encodeBatch tokenizes and encodes with a vocabulary: 2 texts padded to length 3', () => {
    const vocab = Vocab.build([tok.tokenize('good movie'), tok.tokenize('bad movie !')]);
    // ids: <pad> 0, <unk> 1, movie 2 (twice), good 3, bad 4, ! 5
    expect(tok.encodeBatch(['Good movie', 'awful movie'], vocab)).toEqual({ ids: [[3, 2], [1, 2]], lengths: [2, 2] });
    expect(tok.encodeBatch(['Good movie!', 'bad'], vocab)).toEqual({ ids: [[3, 2, 5], [4, 0, 0]], lengths: [3, 1] });
  });
});

describe('Tokenizer serialization', () => {
  it('writes every option with formatVersion 1 and loads it back to the same configuration', () => {
    const t = new Tokenizer({ stem: true, ngrams: 2 });
    const json = t.toJSON();
    expect(json).toEqual({
      formatVersion: 1,
      type: 'tokenizer',
      options: { form: 'NFKC', lowercase: true, stripAccents: false, removeStopWords: false, stem: true, ngrams: 2 },
    });
    expect(Tokenizer.fromJSON(JSON.stringify(json)).options).toEqual(t.options);
  });

  it('rejects another format version, a wrong type, unknown or missing options and bad values with TokenizerFormatError', () => {
    const good = new Tokenizer().toJSON();
    const bad = (patch: object): unknown => ({ ...good, ...patch });
    expect(() => Tokenizer.fromJSON(bad({ formatVersion: 2 }))).toThrow(/formatVersion is number 2, expected 1/);
    expect(() => Tokenizer.fromJSON(bad({ type: 'vocab' }))).toThrow(/type is "vocab", expected "tokenizer"/);
    expect(() => Tokenizer.fromJSON(bad({ options: { ...good.options, casing: true } }))).toThrow(/unknown option "casing"/);
    const { stem: _, ...withoutStem } = good.options;
    expect(() => Tokenizer.fromJSON(bad({ options: withoutStem }))).toThrow(/options.stem is missing, expected a boolean/);
    expect(() => Tokenizer.fromJSON(bad({ options: { ...good.options, form: 'NFD' } }))).toThrow(/options.form is "NFD"/);
    expect(() => Tokenizer.fromJSON(bad({ options: { ...good.options, ngrams: '2' } }))).toThrow(/options.ngrams is "2", expected 1 or 2/);
    expect(() => Tokenizer.fromJSON(bad({ extra: 1 }))).toThrow(/unknown key "extra"/);
    expect(() => Tokenizer.fromJSON('{not json')).toThrow(TokenizerFormatError);
    expect(() => Tokenizer.fromJSON(null)).toThrow(/expected a JSON object, got null/);
  });
});
