import { describe, expect, it } from 'vitest';
import { TokenizerFormatError } from './serialization.js';
import { Vocab } from './vocab.js';

// Counts: b 3, a 2, c 2, d 1 — a occurs before c, so a gets the lower id.
const corpus = [['a', 'b', 'c'], ['b', 'c', 'd'], ['b', 'a']];

describe('Vocab.build', () => {
  it('puts <pad>=0, <unk>=1, then tokens by count, ties by first occurrence: b a c d', () => {
    const v = Vocab.build(corpus);
    expect(v.tokens()).toEqual(['<pad>', '<unk>', 'b', 'a', 'c', 'd']);
    expect([v.padId, v.unkId, v.size]).toEqual([0, 1, 6]);
  });

  it('drops tokens seen fewer than minFreq = 2 times: d (once) goes', () => {
    expect(Vocab.build(corpus, { minFreq: 2 }).tokens()).toEqual(['<pad>', '<unk>', 'b', 'a', 'c']);
  });

  it('caps the size at maxSize = 4 including the specials: keeps b and a', () => {
    expect(Vocab.build(corpus, { maxSize: 4 }).tokens()).toEqual(['<pad>', '<unk>', 'b', 'a']);
  });

  it('uses custom specials in order and does not count them in the corpus', () => {
    const v = Vocab.build([['<unk>', 'x', '<bos>']], { specials: ['<unk>', '<pad>', '<bos>'] });
    expect(v.tokens()).toEqual(['<unk>', '<pad>', '<bos>', 'x']);
    expect([v.unkId, v.padId]).toEqual([0, 1]);
  });

  it('accepts any iterable of token lists, e.g. a generator', () => {
    function* lists(): Generator<string[]> {
      yield ['x', 'y'];
      yield ['y'];
    }
    expect(Vocab.build(lists()).tokens()).toEqual(['<pad>', '<unk>', 'y', 'x']);
  });

  it('rejects bad options with a RangeError naming the value', () => {
    expect(() => Vocab.build(corpus, { minFreq: 0 })).toThrow(/minFreq is 0, expected an integer ≥ 1/);
    expect(() => Vocab.build(corpus, { maxSize: 1 })).toThrow(/maxSize is 1, expected an integer ≥ 2/);
    expect(() => Vocab.build(corpus, { specials: ['<pad>'] })).toThrow(/unkToken "<unk>" is not one of specials/);
    expect(() => Vocab.build(corpus, { specials: ['<pad>', '<unk>', '<pad>'] })).toThrow(/contain a duplicate/);
  });

  it('rejects a non-string token with a TypeError', () => {
    expect(() => Vocab.build([[1 as unknown as string]])).toThrow(TypeError);
  });
});

describe('Vocab lookup', () => {
  const v = Vocab.build(corpus);

  it('encodes known tokens to their ids and unknown ones to <unk> = 1', () => {
    expect(v.encode(['a', 'zzz', 'd', '<pad>'])).toEqual([3, 1, 5, 0]);
  });

  it('decodes ids back to tokens, pad ids included', () => {
    expect(v.decode([3, 1, 5, 0])).toEqual(['a', '<unk>', 'd', '<pad>']);
    expect(v.decode(new Int32Array([2, 4]))).toEqual(['b', 'c']);
  });

  it('throws a RangeError for ids outside [0, 6) or not integers', () => {
    expect(() => v.decode([6])).toThrow(/id 6 is out of range, expected an integer in \[0, 6\)/);
    expect(() => v.decode([-1])).toThrow(RangeError);
    expect(() => v.tokenOf(1.5)).toThrow(RangeError);
  });

  it('answers has / idOf / tokenOf: has("a") true, has("zzz") false, idOf("zzz") = 1, tokenOf(2) = "b"', () => {
    expect([v.has('a'), v.has('zzz'), v.has('<unk>')]).toEqual([true, false, true]);
    expect([v.idOf('a'), v.idOf('zzz'), v.tokenOf(2)]).toEqual([3, 1, 'b']);
  });
});

describe('Vocab.encodeBatch', () => {
  const v = Vocab.build(corpus); // <pad> 0, <unk> 1, b 2, a 3, c 4, d 5
  const lists = [['a', 'b', 'c', 'd'], ['b'], []];

  it('pads with <pad> = 0 to the longest row and reports real lengths (the empty list has length 0)', () => {
    expect(v.encodeBatch(lists)).toEqual({ ids: [[3, 2, 4, 5], [2, 0, 0, 0], [0, 0, 0, 0]], lengths: [4, 1, 0] });
  });

  it("truncates to maxLength = 2 from the end (keeps the first 2) or, with truncation: 'start', from the start", () => {
    expect(v.encodeBatch(lists, { maxLength: 2 })).toEqual({ ids: [[3, 2], [2, 0], [0, 0]], lengths: [2, 1, 0] });
    expect(v.encodeBatch(lists, { maxLength: 2, truncation: 'start' }).ids[0]).toEqual([4, 5]);
  });

  it("pads to maxLength = 5 with padding: 'maxLength' and leaves rows ragged with padding: 'none'", () => {
    expect(v.encodeBatch([['a']], { maxLength: 5, padding: 'maxLength' }).ids).toEqual([[3, 0, 0, 0, 0]]);
    expect(v.encodeBatch(lists, { padding: 'none' }).ids).toEqual([[3, 2, 4, 5], [2], []]);
  });

  it('returns empty ids and lengths for an empty batch', () => {
    expect(v.encodeBatch([])).toEqual({ ids: [], lengths: [] });
  });

  it('rejects bad options with a RangeError', () => {
    expect(() => v.encodeBatch(lists, { maxLength: 0 })).toThrow(/maxLength is 0/);
    expect(() => v.encodeBatch(lists, { padding: 'maxLength' })).toThrow(/no maxLength was given/);
    expect(() => v.encodeBatch(lists, { truncation: 'middle' as 'end' })).toThrow(/truncation is "middle"/);
    expect(() => v.encodeBatch(lists, { padding: 'left' as 'none' })).toThrow(/padding is "left"/);
  });
});

describe('Vocab serialization', () => {
  const v = Vocab.build(corpus);
  const good = v.toJSON();

  it('writes formatVersion 1, the tokens by id and the specials', () => {
    expect(good).toEqual({
      formatVersion: 1,
      type: 'vocab',
      tokens: ['<pad>', '<unk>', 'b', 'a', 'c', 'd'],
      specials: ['<pad>', '<unk>'],
      padToken: '<pad>',
      unkToken: '<unk>',
    });
  });

  it('loads its own JSON (object or string) back to an identical vocabulary', () => {
    expect(Vocab.fromJSON(good).toJSON()).toEqual(good);
    expect(Vocab.fromJSON(JSON.stringify(good)).encode(['a', 'zzz'])).toEqual([3, 1]);
  });

  const cases: [string, unknown, RegExp][] = [
    ['another format version', { ...good, formatVersion: 2 }, /formatVersion is number 2, expected 1/],
    ['no format version', { ...good, formatVersion: undefined }, /formatVersion is missing, expected 1/],
    ['a tokenizer config', { ...good, type: 'tokenizer' }, /type is "tokenizer", expected "vocab"/],
    ['a missing special', { ...good, tokens: ['<pad>', 'b', 'a'] }, /special token "<unk>" must have id 1, but it is missing from tokens/],
    ['a misplaced special', { ...good, tokens: ['<pad>', 'b', '<unk>'] }, /special token "<unk>" must have id 1, but it is at id 2/],
    ['a duplicate token', { ...good, tokens: [...good.tokens, 'a'] }, /tokens\[6\] = "a" duplicates tokens\[3\]/],
    ['a non-string token', { ...good, tokens: [...good.tokens, 7] }, /tokens\[6\] is number 7, expected a string/],
    ['a sparse token array (an id without a token)', { ...good, tokens: Object.assign([...good.tokens], { 9: 'z' }) }, /tokens\[6\] is missing, expected a string/],
    ['tokens that are not an array', { ...good, tokens: { 0: '<pad>' } }, /tokens is an object, expected an array of strings/],
    ['an unk token that is not special', { ...good, unkToken: 'a' }, /unkToken "a" is not one of specials/],
    ['a missing pad token', { ...good, padToken: undefined }, /padToken is missing/],
    ['an unknown key', { ...good, merges: [] }, /unknown key "merges"/],
    ['an array', [good], /expected a JSON object, got an array of length 1/],
    ['invalid JSON text', '{"formatVersion": 1,', /input is not valid JSON/],
  ];
  for (const [what, json, message] of cases) {
    it(`rejects ${what} with a TokenizerFormatError`, () => {
      expect(() => Vocab.fromJSON(json)).toThrow(TokenizerFormatError);
      expect(() => Vocab.fromJSON(json)).toThrow(message);
    });
  }
});
