import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalize, toOriginalSpan } from './normalize.js';

/** `[starts[i], ends[i])` pairs, for compact expectations. */
function spans(text: string, options = {}): [number, number][] {
  const n = normalize(text, options);
  return Array.from(n.starts, (s, i) => [s, n.ends[i]]);
}

/** Characters that compose, decompose or change length under NFKC, lowercasing or both. */
const COMPOSING = [
  'a', 'e', 'A', 'İ', ' ', '\u0301', '\u0308', '\u0323', '\u1100', '\u1161', '\u11A8', '가', 'ｶ', 'ﾞ', 'ﾟ', 'ﬁ', '½',
  '¨', 'é', 'Å', '\u212B', 'ǅ', '\u0345', '\u0F73', '\u0F71', '\u0F72', '\u3099', 'か', '\u1FED', '\u0CBF', '\u0CD5',
  '\u0B47', '\u0B3E', '\u09C7', '\u09BE', '\u3131', '\u314F', '\u3133', '\uFFA0', '\uFFC2', '\u0E01', '\u0E48', '\u0E33',
  '\uD835\uDC00', '\uD800', '\uDC00', '👍', '\u200D', '🏽', 'Ⅻ', '㎏', 'ℌ',
];

describe('normalize', () => {
  it('applies NFKC and lowercasing by default: full-width "Ｃａｆé" becomes "café"', () => {
    expect(normalize('Ｃａｆé').text).toBe('café');
  });

  it('maps ASCII one-to-one: "Ab c" has spans [0,1) [1,2) [2,3) [3,4)', () => {
    expect(normalize('Ab c').text).toBe('ab c');
    expect(spans('Ab c')).toEqual([[0, 1], [1, 2], [2, 3], [3, 4]]);
  });

  it('composes e + U+0301 into é (1 char) spanning both original code units [1, 3)', () => {
    const n = normalize('xe\u0301y');
    expect(n.text).toBe('xéy');
    expect(spans('xe\u0301y')).toEqual([[0, 1], [1, 3], [3, 4]]);
  });

  it('expands ﬁ (1 char) into "fi", both characters spanning the ligature [1, 2)', () => {
    expect(normalize('aﬁb').text).toBe('afib');
    expect(spans('aﬁb')).toEqual([[0, 1], [1, 2], [1, 2], [2, 3]]);
  });

  it('shrinks mathematical bold 𝐀 (2 UTF-16 units) into "a" spanning [0, 2)', () => {
    expect(normalize('\uD835\uDC00b').text).toBe('ab');
    expect(spans('\uD835\uDC00b')).toEqual([[0, 2], [2, 3]]);
  });

  it('composes conjoining and compatibility Hangul jamo into the syllable 가 (U+AC00)', () => {
    expect(normalize('\u1100\u1161').text).toBe('가');
    expect(normalize('\u3131\u314F').text).toBe('가');
    expect(spans('\u3131\u314F')).toEqual([[0, 2]]);
  });

  it('keeps lone surrogates, which NFKC and lowercasing leave alone', () => {
    expect(normalize('a\uD800b\uDC00').text).toBe('a\uD800b\uDC00');
  });

  it('lowercase: false keeps case; İ lowercases to i + U+0307 (2 chars) spanning [0, 1)', () => {
    expect(normalize('AbC', { lowercase: false }).text).toBe('AbC');
    expect(normalize('İ').text).toBe('i\u0307');
    expect(spans('İ')).toEqual([[0, 1], [0, 1]]);
  });

  it('stripAccents removes nonspacing marks (crème brûlée → creme brulee) but keeps spacing marks (हिंदी → हिदी keeps ि ी)', () => {
    expect(normalize('Crème Brûlée', { stripAccents: true }).text).toBe('creme brulee');
    // हिंदी = ह ि ं द ी: the anusvara U+0902 is Mn (removed), the vowel signs U+093F, U+0940 are Mc (kept).
    expect(normalize('हिंदी', { stripAccents: true }).text).toBe('हिदी');
  });

  it("form: 'NFC' composes but keeps compatibility characters (ﬁ stays, e + U+0301 → é)", () => {
    expect(normalize('ﬁe\u0301', { form: 'NFC' }).text).toBe('ﬁé');
  });

  it("form: 'none' leaves the text as it is apart from lowercasing", () => {
    expect(normalize('ﬁE\u0301', { form: 'none' }).text).toBe('ﬁe\u0301');
  });

  it('rejects an unknown form with a RangeError naming it', () => {
    expect(() => normalize('x', { form: 'NFD' as 'NFC' })).toThrow(/form is "NFD"/);
  });

  it('toOriginalSpan maps a normalized span back: "fi" of "aﬁb" → [1, 2); an empty span at the end → [3, 3)', () => {
    const n = normalize('aﬁb');
    expect(toOriginalSpan(n, 1, 3)).toEqual([1, 2]);
    expect(toOriginalSpan(n, 0, 4)).toEqual([0, 3]);
    expect(toOriginalSpan(n, 4, 4)).toEqual([3, 3]);
    expect(() => toOriginalSpan(n, 2, 5)).toThrow(RangeError);
  });

  it('equals whole-string NFKC / NFC on random strings of composing characters (1000 runs)', () => {
    const text = fc.string({ unit: fc.constantFrom(...COMPOSING), maxLength: 8 });
    fc.assert(
      fc.property(text, (s) => {
        expect(normalize(s, { lowercase: false }).text).toBe(s.normalize('NFKC'));
        expect(normalize(s, { lowercase: false, form: 'NFC' }).text).toBe(s.normalize('NFC'));
      }),
      { numRuns: 1000 },
    );
  });

  it('maps every output character to a non-empty, non-decreasing original span (500 runs)', () => {
    // Any code point, lone surrogates included (String.fromCodePoint(0xD800) is a lone surrogate).
    const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));
    const text = fc.string({ unit: fc.oneof(fc.constantFrom(...COMPOSING), anyCodePoint), maxLength: 12 });
    fc.assert(
      fc.property(text, fc.boolean(), (s, stripAccents) => {
        const n = normalize(s, { stripAccents });
        expect(n.starts.length).toBe(n.text.length);
        let ok = true;
        for (let i = 0; i < n.text.length; i++) {
          ok &&= 0 <= n.starts[i] && n.starts[i] < n.ends[i] && n.ends[i] <= s.length;
          if (i > 0) ok &&= n.starts[i] >= n.starts[i - 1] && n.ends[i] >= n.ends[i - 1];
        }
        expect(ok).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
