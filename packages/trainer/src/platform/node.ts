/**
 * The file system for the trainer in Node.js, chosen by the package's `#platform` import (condition `node`); other
 * environments get `browser.ts`, which has the same exports. Everything the trainer does with paths goes through
 * here, so the rest of the package imports nothing from `node:` and bundles for the browser as it is.
 */
import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';

export { recoverCheckpoint, writeFilesAtomic } from './atomic_files.js';

/** Where this implementation runs. */
export const PLATFORM: 'node' | 'browser' = 'node';

/** The bytes of the file at `path`, or null when it does not exist. */
export async function readBytes(path: string): Promise<Uint8Array | null> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw err;
  }
}

/** The bytes of the file at `path`; a missing file throws Node's ENOENT error. */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** `path.join`. */
export function joinPath(...parts: string[]): string {
  return join(...parts);
}

/** `path.extname`: the extension of `path` with its dot (`.tsv`), or ''. */
export function extName(path: string): string {
  return extname(path);
}

/** The local path of a `file:` URL (a module-relative location such as the shipped model's directory). */
export function localPath(url: URL): string {
  return fileURLToPath(url);
}

/** True when the file starts with gzip's magic bytes (1f 8b), whatever its name. */
async function isGzip(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await handle.close();
  }
}

/**
 * The lines of a text file, gunzipped when it is gzip, decoded as UTF-8, streamed (memory stays bounded whatever
 * the file's size). A corrupt gzip stream throws an error whose `code` starts with `Z_`.
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  const raw = createReadStream(path);
  const input = (await isGzip(path)) ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (err) => input.destroy(err));
  yield* createInterface({ input, crlfDelay: Infinity });
}
