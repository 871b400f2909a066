import { describe, expect, it } from 'vitest';
import { decodeText, guessFormat, prepareRows, UnusableFileError } from './data.js';

const rows = (n: number, label: (i: number) => string): string => Array.from({ length: n }, (_, i) => `text ${i}\t${label(i)}`).join('\n');

describe('decodeText', () => {
  it('reads UTF-8 and rejects binary data and other encodings with one sentence', () => {
    expect(decodeText(new TextEncoder().encode('sentence\tlabel\nvoilà\t1\n'), 'a.tsv')).toBe('sentence\tlabel\nvoilà\t1\n');
    expect(() => decodeText(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0xfe]), 'x.png')).toThrow(/^x\.png is not UTF-8 text/);
    expect(() => decodeText(Uint8Array.from([0x61, 0x00, 0x62]), 'nul.tsv')).toThrow(/^nul\.tsv contains control characters/);
  });
});

describe('guessFormat', () => {
  it('goes by the extension, else by a tab in the header line', () => {
    expect(guessFormat('a.CSV', 'x\ty')).toBe('csv');
    expect(guessFormat('a.tsv', 'x,y')).toBe('tsv');
    expect(guessFormat('pasted data', 'text\tlabel\na,b\tc')).toBe('tsv');
    expect(guessFormat('pasted data', 'text,label\na\tb,c')).toBe('csv');
  });
});

describe('prepareRows', () => {
  it('holds out every 10th row and counts the labels', () => {
    const p = prepareRows(`sentence\tlabel\n${rows(25, (i) => (i % 3 === 0 ? 'b' : 'a'))}\n`, 'd.tsv');
    expect(p.heldOut.map((r) => r.text)).toEqual(['text 9', 'text 19']);
    expect(p.train).toHaveLength(23);
    expect(p.labels).toEqual(['a', 'b']);
    expect(p.counts).toEqual({ a: 16, b: 9 });
  });

  it('explains a missing header, a single label, too few rows and a label only in held-out rows', () => {
    const fail = (text: string, name = 'd.tsv'): string => {
      try {
        prepareRows(text, name);
      } catch (err) {
        expect(err).toBeInstanceOf(UnusableFileError);
        return (err as Error).message;
      }
      throw new Error('expected an UnusableFileError');
    };
    expect(fail(rows(12, () => '1'))).toMatch(/^d\.tsv:1: the header has no text column .* \(the first row must be a header/);
    expect(fail(`text,label\n${rows(12, () => 'x').replaceAll('\t', ',')}`, 'd.csv')).toBe("d.csv: every example has the label 'x', a classifier needs at least 2 labels");
    expect(fail(`sentence\tlabel\n${rows(5, (i) => String(i % 2))}`)).toMatch(/has 5 examples; .* needs at least 10/);
    expect(fail(`sentence\tlabel\n${rows(20, (i) => (i === 9 ? 'rare' : String(i % 2)))}`)).toMatch(/label 'rare' appears only in held-out rows/);
    expect(fail(`sentence\tlabel\nonly text\n`)).toMatch(/^d\.tsv:2: /);
  });
});
