/**
 * The trainer's `#platform` outside Node.js (browsers, workers, any bundle without the `node` condition): the same
 * exports as `node.ts`, with no file system. Models load from URLs or from files in memory there, and data from
 * in-memory examples; anything that needs a path throws one sentence saying so.
 */
import type { FileContents } from '../layout.js';

/** Where this implementation runs. */
export const PLATFORM: 'node' | 'browser' = 'browser';

function noFiles(what: string, path: string): Error {
  return new Error(`${what} ${path}: reading and writing files by path needs Node.js; here, load models from a URL or from files in memory, and train on in-memory examples`);
}

export async function readBytes(path: string): Promise<Uint8Array | null> {
  throw noFiles('cannot read', path);
}

export async function readFileBytes(path: string): Promise<Uint8Array> {
  throw noFiles('cannot read', path);
}

export async function writeFilesAtomic(dir: string, _files: FileContents): Promise<void> {
  throw noFiles('cannot write to', dir);
}

export async function recoverCheckpoint(dir: string): Promise<void> {
  throw noFiles('cannot read', dir);
}

export async function* readLines(path: string): AsyncGenerator<string> {
  throw noFiles('cannot read', path);
}

/** Joins path segments with `/` (POSIX rules: empty segments and `.` are dropped, `..` removes the previous one). */
export function joinPath(...parts: string[]): string {
  const absolute = parts[0]?.startsWith('/') ?? false;
  const out: string[] = [];
  for (const seg of parts.join('/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(seg);
  }
  return `${absolute ? '/' : ''}${out.join('/')}` || '.';
}

/** The extension of `path` with its dot (`.tsv`), or '' (as `path.extname`). */
export function extName(path: string): string {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot);
}

/** A module-relative location as it is: there is no local path outside Node.js. */
export function localPath(url: URL): string {
  return url.href;
}
