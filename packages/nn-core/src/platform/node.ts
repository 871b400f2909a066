/**
 * The file system for nn-core in Node.js, chosen by the package's `#platform` import (condition `node`); other
 * environments get `browser.ts`, with the same exports. Only the safetensors file helpers and `writeFileAtomic`
 * use it, so everything else in the package imports nothing from `node:` and bundles for the browser as it is.
 */
import { readFile, stat } from 'node:fs/promises';

export { writeFileAtomic } from './atomic.js';

/** The bytes of the file at `path` (Node's errors for a missing or unreadable file). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** The size of the file at `path` in bytes. */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
