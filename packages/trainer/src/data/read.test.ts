import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { encodeLabels, sortLabels } from './labels.js';
import { formatOf, parseDataset, readDataset, splitCsv } from './read.js';

const tsv = (s: string, extra = {}) => parseDataset(s, 'x.tsv', { format: 'tsv', ...extra });
const csv = (s: string, extra = {}) => parseDataset(s, 'x.csv', { format: 'csv', ...extra });
const jsonl = (s: string, extra = {}) => parseDataset(s, 'x.jsonl', { format: 'jsonl', ...extra });

function errorOf(f: () => unknown): DataFormatError {
  try {
    f();
  } catch (err) {
    if (err instanceof DataFormatError) return err;
    throw err;
  }
  throw new Error('expected a DataFormatError');
}

describe('TSV', () => {
  it('drops a BOM, handles CRLF, keeps quotes and apostrophes literally (no quoting in TSV)', () => {
    const d = tsv('\ufeffsentence\tlabel\r\n\'s a "gem" .\t1\r\nbad .\t0\r\n');
    expect(d.examples).toEqual([
      { text: '\'s a "gem" .', label: '1', line: 2 },
      { text: 'bad .', label: '0', line: 3 },
    ]);
  });

  it('chooses columns by name, in any order, and skips blank lines', () => {
    const d = tsv('id\ty\tx\n7\tpos\tgood\n\n8\tneg\tbad\n', { textColumn: 'x', labelColumn: 'y' });
    expect(d.examples.map((e) => [e.text, e.label, e.line])).toEqual([
      ['good', 'pos', 2],
      ['bad', 'neg', 4], // line 3 is blank
    ]);
  });

  it('a row with the wrong number of fields is an error naming file and line', () => {
    const e = errorOf(() => tsv('sentence\tlabel\nok\t1\nno tab here\n'));
    expect(e.code).toBe('bad-row');
    expect(e.line).toBe(3);
    expect(e.message).toBe('x.tsv:3: the row has 1 fields, expected 2 like the header');
  });

  it('skipBadRows counts and reports the bad rows instead', () => {
    const d = tsv('sentence\tlabel\nok\t1\nno tab\n\t0\nfine\t0\n', { skipBadRows: true });
    expect(d.examples.map((e) => e.text)).toEqual(['ok', 'fine']);
    expect(d.skipped).toEqual([
      { line: 3, reason: 'the row has 1 fields, expected 2 like the header' },
      { line: 4, reason: 'the text is empty' },
    ]);
  });

  it('empty file, missing column and header-only file are clear errors', () => {
    expect(errorOf(() => tsv('\ufeff \n')).code).toBe('empty-file');
    const missing = errorOf(() => tsv('text\ty\na\t1\n'));
    expect(missing.code).toBe('missing-column');
    expect(missing.message).toBe("x.tsv:1: the header has no label column 'label' (columns: 'text', 'y')");
    expect(errorOf(() => tsv('sentence\tlabel\n')).code).toBe('no-examples');
  });
});

describe('CSV (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks; the line is where the record starts', () => {
    const d = csv('text,label\r\n"a, b",pos\r\n"say ""hi""",neg\r\n"two\nlines",pos\r\nplain,neg\r\n');
    expect(d.examples).toEqual([
      { text: 'a, b', label: 'pos', line: 2 },
      { text: 'say "hi"', label: 'neg', line: 3 },
      { text: 'two\nlines', label: 'pos', line: 4 },
      { text: 'plain', label: 'neg', line: 6 },
    ]);
  });

  it('an unclosed quote, text after a closing quote or a stray quote is a bad row at its line', () => {
    expect(errorOf(() => csv('text,label\nok,1\n"open,1\n')).message).toBe('x.csv:3: a quoted field is not closed before the end of the file');
    expect(errorOf(() => csv('text,label\n"a"b,1\n')).message).toBe("x.csv:2: unexpected character 'b' after a closing quote");
    expect(errorOf(() => csv('text,label\na"b,1\n')).line).toBe(2);
  });

  it('recovers after a bad row with skipBadRows', () => {
    const d = csv('text,label\na"b,1\nfine,0\n', { skipBadRows: true });
    expect(d.examples).toEqual([{ text: 'fine', label: '0', line: 3 }]);
    expect(d.skipped.map((s) => s.line)).toEqual([2]);
  });

  it('splitCsv keeps empty fields', () => {
    expect(splitCsv('a,,b\n')).toEqual([{ line: 1, fields: ['a', '', 'b'] }]);
  });
});

describe('JSONL', () => {
  it('reads text/sentence keys and string or number labels', () => {
    const d = jsonl('{"text": "good", "label": 1}\r\n\n{"sentence": "bad", "label": "neg"}\n');
    expect(d.examples).toEqual([
      { text: 'good', label: '1', line: 1 },
      { text: 'bad', label: 'neg', line: 3 },
    ]);
  });

  it('invalid JSON and missing keys are bad rows; keys are choosable', () => {
    expect(errorOf(() => jsonl('{"text": "a", "label": 1}\n{oops}\n')).line).toBe(2);
    expect(errorOf(() => jsonl('{"body": "a", "label": 1}\n')).message).toBe('x.jsonl:1: expected a string under "text" or "sentence"');
    const d = jsonl('{"body": "a", "y": true}\n{"body": "b", "y": "t"}\n', { textColumn: 'body', labelColumn: 'y', skipBadRows: true });
    expect(d.examples.map((e) => e.text)).toEqual(['b']);
    expect(d.skipped).toEqual([{ line: 1, reason: 'expected a string or number under "y"' }]);
  });
});

describe('files and labels', () => {
  it('readDataset picks the format from the extension and names the file in errors', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'trainer-read-'));
    const f = join(dir, 'a.csv');
    await writeFile(f, 'sentence,label\n"x, y",1\nbad"row,0\n');
    await expect(readDataset(f)).rejects.toThrow(`${f}:3: a quote appears inside an unquoted field`);
    await expect(readDataset(join(dir, 'a.txt'))).rejects.toThrow(/a\.txt: cannot tell the format from the extension '\.txt'/);
    expect(formatOf('a.TSV')).toBe('tsv');
    expect(formatOf('a.txt')).toBe(null);
  });

  it('sorts numeric-looking labels numerically, others lexicographically', () => {
    expect(sortLabels(['10', '2', '1', '2'])).toEqual(['1', '2', '10']);
    expect(sortLabels(['pos', 'neg', 'Neutral'])).toEqual(['Neutral', 'neg', 'pos']); // code units: 'N' < 'n'
    expect(sortLabels(['1', 'b', '10'])).toEqual(['1', '10', 'b']);
  });

  it('an unseen label at evaluation is an error naming file and line', () => {
    const d = tsv('sentence\tlabel\na\t0\nb\t7\n');
    expect(() => encodeLabels(d.examples, ['0', '1'], 'dev.tsv')).toThrow("dev.tsv:3: the label '7' is not one the model knows ('0', '1')");
    expect(Array.from(encodeLabels(d.examples.slice(0, 1), ['0', '1'], 'dev.tsv'))).toEqual([0]);
  });
});
