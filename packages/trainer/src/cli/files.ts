/**
 * Input files for the CLI, checked before anything is written: data files (exist, are files, strict UTF-8,
 * a known format; then the library's `parseDataset`) and model directories.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { formatOf, parseDataset, type Dataset, type ReadOptions } from '../data/read.js';
import { MODEL_FILES } from '../checkpoint.js';
import { UsageError } from './args.js';
import { cmd } from './command.js';

/**
 * Byte offset of the first byte that is not part of a well-formed UTF-8 sequence (no overlongs, no
 * surrogates, nothing above U+10FFFF), or -1 when all of `bytes` is valid UTF-8.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    // Length of the sequence and the allowed range of its second byte (the later ones are 0x80..0xBF).
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) len = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      len = 3;
      if (b === 0xe0) lo = 0xa0; // overlong
      if (b === 0xed) hi = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4;
      if (b === 0xf0) lo = 0x90; // overlong
      if (b === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + len > n) return i;
    if (bytes[i + 1] < lo || bytes[i + 1] > hi) return i;
    for (let k = 2; k < len; k++) if (bytes[i + k] < 0x80 || bytes[i + k] > 0xbf) return i;
    i += len;
  }
  return -1;
}

/** Decodes UTF-8 strictly; invalid bytes are a `UsageError` naming the file, line and byte. */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    let line = 1;
    for (let i = 0; i < bad; i++) if (bytes[i] === 0x0a) line++;
    const hex = bytes[bad].toString(16).toUpperCase().padStart(2, '0');
    throw new UsageError(`${file}:${line}: the file is not valid UTF-8 (byte 0x${hex} at offset ${bad}); save it as UTF-8`);
  }
  return new TextDecoder('utf-8').decode(bytes);
}

/** Throws unless `path` is an existing regular file; `what` names it in messages (e.g. '--train'). */
export async function checkFile(path: string, what: string): Promise<void> {
  const s = await stat(path).catch(() => null);
  if (s === null) throw new UsageError(`${what} ${path} does not exist`);
  if (!s.isFile()) throw new UsageError(`${what} ${path} is ${s.isDirectory() ? 'a directory' : 'not a regular file'}, expected a data file`);
}

/** The bytes of a file checked by `checkFile`. */
async function readExistingFile(path: string, what: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    throw new UsageError(`${what} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Reads a labelled data file for the CLI: checks as in the module doc, then `parseDataset` (its `DataFormatError`s pass through). */
export async function readDataFile(path: string, what: string, options: ReadOptions = {}): Promise<Dataset> {
  await checkFile(path, what);
  const format = options.format ?? formatOf(path);
  if (format === null) {
    const ext = extname(path);
    throw new UsageError(`${what} ${path}: cannot tell the format from ${ext === '' ? 'a name without an extension' : `the extension '${ext}'`}, expected .tsv, .csv or .jsonl`);
  }
  const bytes = await readExistingFile(path, what);
  return parseDataset(decodeUtf8(bytes, path), path, { ...options, format });
}

/** Whether `path` exists (any kind). */
export async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => null)) !== null;
}

/**
 * Checks that `dir` looks like a model directory (exists, is a directory, has config.json) before loading it,
 * so the message says what is wrong with the directory rather than with one file in it.
 * @param shipped - `dir` is the default model of the package (the message says how to get one)
 */
export async function checkModelDir(dir: string, shipped: boolean): Promise<void> {
  const s = await stat(dir).catch(() => null);
  if (s === null) {
    if (shipped) {
      throw new UsageError(`the shipped SST-2 model is not in ${dir} yet; train one with \`${cmd.train}\` and pass --model runs/sst2-gru`);
    }
    throw new UsageError(`--model ${dir} does not exist`);
  }
  if (!s.isDirectory()) throw new UsageError(`--model ${dir} is not a directory (a model is a directory with ${MODEL_FILES.config} and ${MODEL_FILES.weights})`);
  if (!(await exists(join(dir, MODEL_FILES.config)))) {
    throw new UsageError(`--model ${dir} is not a model directory: it has no ${MODEL_FILES.config} (train one with \`${cmd.train} --out ${dir}\`)`);
  }
}
