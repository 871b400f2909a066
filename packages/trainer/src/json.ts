/** JSON files of a model directory: read with errors naming the file, written atomically. */
import { writeFileAtomic } from '@recurrent/nn-core';
import { readBytes } from '#platform';
import { ModelFormatError } from './errors.js';

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Reads and parses a JSON file; a missing file or invalid JSON is a `ModelFormatError`. */
export async function readJson(path: string): Promise<Json> {
  const bytes = await readBytes(path);
  if (bytes === null) throw new ModelFormatError('missing-file', path, 'the file does not exist');
  return parseJson(bytes, path);
}

/** Parses JSON text (or UTF-8 bytes) of the file `where`; invalid JSON is a `ModelFormatError` naming it. */
export function parseJson(content: string | Uint8Array, where: string): Json {
  const text = typeof content === 'string' ? content : utf8(content);
  try {
    return JSON.parse(text) as Json;
  } catch (err) {
    throw new ModelFormatError('bad-config', where, `invalid JSON (${(err as Error).message})`);
  }
}

/** JSON.stringify with 2-space indentation and a final newline, written atomically. */
export async function writeJson(path: string, value: Json): Promise<void> {
  await writeFileAtomic(path, jsonText(value));
}

/** The text `writeJson` writes. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Whether `v` is a JSON object (not null, not an array). */
export function isJsonObject(v: Json | undefined): v is { [key: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** UTF-8 bytes as text, as Node's `readFile(path, 'utf8')` decodes them (a BOM is kept, bad bytes become U+FFFD). */
export function utf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
}
