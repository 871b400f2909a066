/**
 * The file system for nn-core in Node.js, chosen by the package's `#platform` import (condition `node`); other
 * environments get `browser.ts`, with the same exports. Only the safetensors file helpers and `writeFileAtomic`
 * use it, so everything else in the package imports nothing from `node:` and bundles for the browser as it is.
 */
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';

export { writeFileAtomic } from './atomic.js';

/** The bytes of the file at `path` (Node's errors for a missing or unreadable file). */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  return readFile(path);
}

/** Where this implementation runs: kernels load synchronously from disk here. */
export const PLATFORM: 'node' | 'browser' = 'node';

/** The bytes of the kernels build `file` (`build/*.wasm` of the package), or null when it was not built. */
export function readKernelBuild(file: string): Uint8Array | null {
  try {
    return readFileSync(new URL(`../../build/${file}`, import.meta.url));
  } catch {
    return null;
  }
}

/** The size of the file at `path` in bytes. */
export async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}
