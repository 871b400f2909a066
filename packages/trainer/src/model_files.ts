/**
 * Where the files of a model come from: a served model directory (a URL, fetched) or files in memory. A directory
 * on disk is the third source (`dirSource` in model_dir.ts). Every source gives the same reader (`readModelFrom`)
 * the same bytes, so a model is validated the same way and its errors are the same `ModelFormatError`s, naming the
 * path or URL of the file at fault. This file imports nothing from Node.
 */
import { ModelFormatError } from './errors.js';

/** The files of a model by name (`config.json`, `vocab.json`, `model.safetensors`, …): bytes, or text for JSON. */
export type ModelFiles = Readonly<Record<string, Uint8Array | string>>;

/** A place to read a model's files from. */
export interface ModelSource {
  /** The contents of file `name`, or null when there is none; other problems are `ModelFormatError`s. */
  read(name: string): Promise<Uint8Array | null>;
  /** How messages name file `name` (its path or URL). */
  where(name: string): string;
  /**
   * True when `read` returns fresh bytes that nothing else holds (a file read, a download): the weights may then
   * be views of them rather than copies. False or absent for bytes the caller keeps (files in memory).
   */
  readonly freshBytes?: boolean;
}

/** Files held in memory; `label` names them in messages (`label/config.json`). */
export function memorySource(files: ModelFiles, label = 'memory'): ModelSource {
  if (files === null || typeof files !== 'object') throw new TypeError(`model files must be an object of file name → contents, got ${files === null ? 'null' : typeof files}`);
  const encoder = new TextEncoder();
  return {
    where: (name) => `${label}/${name}`,
    async read(name) {
      if (!Object.hasOwn(files, name)) return null;
      const c = files[name];
      if (typeof c === 'string') return encoder.encode(c);
      if (c instanceof Uint8Array) return c;
      throw new ModelFormatError('bad-state', `${label}/${name}`, `expected the file's bytes (a Uint8Array) or text, got ${c === null ? 'null' : typeof c}`);
    },
  };
}

export interface UrlSourceOptions {
  /** Give up on a file whose response has not fully arrived after this many milliseconds. Default 30,000. */
  timeoutMs?: number;
  /** The fetch to use (default: the global `fetch`). */
  fetch?: typeof fetch;
}

/** Whether `from` names a URL (a `URL`, or a string starting with http:// or https://) rather than a path. */
export function isUrl(from: string | URL): boolean {
  return from instanceof URL || /^https?:\/\//i.test(from);
}

/**
 * A served model directory: file `name` is fetched from `base/name`. HTTP 404 means the file is absent; any other
 * failure (a network error, another HTTP status, a body cut short, no answer within `timeoutMs`) is a
 * `ModelFormatError` naming the URL.
 */
export function urlSource(base: string | URL, options: UrlSourceOptions = {}): ModelSource {
  const dir = new URL(base);
  if (!dir.pathname.endsWith('/')) dir.pathname += '/';
  const timeoutMs = options.timeoutMs ?? 30_000;
  const get = options.fetch ?? globalThis.fetch;
  return {
    freshBytes: true,
    where: (name) => new URL(name, dir).href,
    async read(name) {
      const url = new URL(name, dir);
      const signal = AbortSignal.timeout(timeoutMs);
      const failed = (err: unknown): ModelFormatError => {
        const e = err as Error;
        const why = e.name === 'TimeoutError' ? `no complete answer within ${timeoutMs} ms` : `${e.message}${e.cause instanceof Error ? ` (${e.cause.message})` : ''}`;
        return new ModelFormatError('missing-file', url.href, `cannot fetch the file: ${why}`);
      };
      let res: Response;
      try {
        res = await get(url, { signal });
      } catch (err) {
        throw failed(err);
      }
      if (res.status === 404) return null;
      if (!res.ok) throw new ModelFormatError('missing-file', url.href, `the server answered HTTP ${res.status}${res.statusText === '' ? '' : ` ${res.statusText}`}`);
      try {
        return new Uint8Array(await res.arrayBuffer());
      } catch (err) {
        throw failed(err);
      }
    },
  };
}
