import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFormatError } from '../errors.js';
import { UsageError } from './args.js';
import { commandName } from './command.js';
import { checkModelDir, decodeUtf8, firstInvalidUtf8, readDataFile } from './files.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('firstInvalidUtf8', () => {
  it('accepts well-formed UTF-8 of every length (ASCII, é, €, 😀): -1', () => {
    expect(firstInvalidUtf8(new TextEncoder().encode('a é € 😀'))).toBe(-1);
    expect(firstInvalidUtf8(bytes())).toBe(-1);
  });

  it('gives the offset of the first bad byte, agreeing with a fatal TextDecoder on what is invalid', () => {
    const cases: [Uint8Array, number][] = [
      [bytes(0x61, 0xff), 1], // never valid
      [bytes(0x61, 0xe9, 0x20), 1], // Latin-1 é: a lead byte without its continuation
      [bytes(0xc0, 0x80), 0], // overlong NUL
      [bytes(0xe0, 0x80, 0x80), 0], // overlong 3-byte
      [bytes(0xed, 0xa0, 0x80), 0], // UTF-16 surrogate U+D800
      [bytes(0xf4, 0x90, 0x80, 0x80), 0], // above U+10FFFF
      [bytes(0x61, 0x62, 0xe2, 0x82), 2], // truncated at the end
      [bytes(0x80), 0], // a lone continuation byte
    ];
    const fatal = new TextDecoder('utf-8', { fatal: true });
    for (const [b, at] of cases) {
      expect(firstInvalidUtf8(b)).toBe(at);
      expect(() => fatal.decode(b)).toThrow(); // the platform agrees these are invalid
    }
  });

  it('decodeUtf8 names file, line and byte', () => {
    const b = new TextEncoder().encode('sentence\tlabel\ngood\t1\ncaf?\t0\n');
    b[b.indexOf(0x3f)] = 0xe9;
    expect(() => decodeUtf8(b, 'x.tsv')).toThrow(new UsageError('x.tsv:3: the file is not valid UTF-8 (byte 0xE9 at offset 25); save it as UTF-8'));
    expect(decodeUtf8(new TextEncoder().encode('ok é'), 'x.tsv')).toBe('ok é');
  });
});

describe('readDataFile and checkModelDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recurrent-files-'));
    await writeFile(join(dir, 'ok.tsv'), '\ufeffsentence\tlabel\r\ngood\t1\r\n');
    await writeFile(join(dir, 'data.txt'), 'sentence\tlabel\ngood\t1\n');
    await writeFile(join(dir, 'header.tsv'), 'sentence\tlabel\n');
    await mkdir(join(dir, 'sub'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a good file through the library parser (BOM and CRLF handled): 1 example', async () => {
    const d = await readDataFile(join(dir, 'ok.tsv'), '--train');
    expect(d.examples).toEqual([{ text: 'good', label: '1', line: 2 }]);
  });

  it('refuses what is not a data file, naming the flag and the path', async () => {
    await expect(readDataFile(join(dir, 'nope.tsv'), '--train')).rejects.toThrow(new UsageError(`--train ${join(dir, 'nope.tsv')} does not exist`));
    await expect(readDataFile(join(dir, 'sub'), '--dev')).rejects.toThrow(new UsageError(`--dev ${join(dir, 'sub')} is a directory, expected a data file`));
    await expect(readDataFile(join(dir, 'data.txt'), '--data')).rejects.toThrow(/cannot tell the format from the extension '\.txt', expected \.tsv, \.csv or \.jsonl$/);
  });

  it('passes the library DataFormatError through (a header and no rows)', async () => {
    await expect(readDataFile(join(dir, 'header.tsv'), '--train')).rejects.toThrow(DataFormatError);
  });

  it('checkModelDir says what is wrong with the directory', async () => {
    await expect(checkModelDir(join(dir, 'none'), false)).rejects.toThrow(`--model ${join(dir, 'none')} does not exist`);
    // The hint names the command as invoked; under the test runner that is the installed bin's name.
    expect(commandName('train')).toBe('recurrent-train');
    await expect(checkModelDir(join(dir, 'none'), true)).rejects.toThrow(/the shipped SST-2 model is not in .* yet; train one with `recurrent-train`/);
    await expect(checkModelDir(join(dir, 'ok.tsv'), false)).rejects.toThrow(/is not a directory/);
    await expect(checkModelDir(join(dir, 'sub'), false)).rejects.toThrow(/is not a model directory: it has no config\.json/);
  });
});

describe('commandName', () => {
  it('is `pnpm NAME` when the script is a TypeScript source, `recurrent-NAME` when it is an installed bin', () => {
    expect(commandName('train', '/repo/packages/trainer/src/cli/train.ts')).toBe('pnpm train');
    expect(commandName('export-onnx', '/app/node_modules/.bin/recurrent-export-onnx')).toBe('recurrent-export-onnx');
    expect(commandName('eval', '/app/node_modules/@recurrent/trainer/dist/cli/eval.js')).toBe('recurrent-eval');
  });
});
