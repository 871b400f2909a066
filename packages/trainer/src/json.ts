/** JSON files of a model directory: read with errors naming the file, written atomically. */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '@recurrent/nn-core';
import { ModelFormatError } from './errors.js';

/** Plain JSON. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Reads and parses a JSON file; a missing file or invalid JSON is a `ModelFormatError`. */
export async function readJson(path: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new ModelFormatError('missing-file', path, 'the file does not exist');
    throw err;
  }
  return parseJson(text, path);
}

/** Parses JSON text (or UTF-8 bytes) of the file `where`; invalid JSON is a `ModelFormatError` naming it. */
export function parseJson(content: string | Uint8Array, where: string): Json {
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
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
