/**
 * Shared pieces of the JSON formats of {@link Vocab} and {@link Tokenizer}: the format version, the error type, and
 * validators for untrusted input.
 * @module
 */

/**
 * Version of the JSON formats written by `Vocab.toJSON()` and `Tokenizer.toJSON()`. Bumped on any incompatible
 * change; loading JSON with another version fails with a {@link TokenizerFormatError}.
 */
export const FORMAT_VERSION = 1;

/** Thrown by `fromJSON` when the input is not a valid vocabulary or tokenizer config of this format version. */
export class TokenizerFormatError extends Error {
  override readonly name = 'TokenizerFormatError';
}

/** Parse `json` when it is a string; otherwise return it unchanged. */
export function parseJSON(what: string, json: unknown): unknown {
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch (e) {
    throw new TokenizerFormatError(`${what}: input is not valid JSON (${(e as Error).message}).`);
  }
}

/** A plain object with exactly the keys `required` (plus any of `optional`), with the right `type` and version. */
export function expectHeader(
  what: string,
  value: unknown,
  type: string,
  required: readonly string[],
  optional: readonly string[] = [],
): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenizerFormatError(`${what}: expected a JSON object, got ${describe(value)}.`);
  }
  const obj = value as Record<string, unknown>;
  if (obj.formatVersion !== FORMAT_VERSION) {
    throw new TokenizerFormatError(
      `${what}: formatVersion is ${describe(obj.formatVersion)}, expected ${FORMAT_VERSION} (written by a different version of @recurrent/tokenizer).`,
    );
  }
  if (obj.type !== type) {
    throw new TokenizerFormatError(`${what}: type is ${describe(obj.type)}, expected ${JSON.stringify(type)}.`);
  }
  const allowed = new Set(['formatVersion', 'type', ...required, ...optional]);
  for (const key of Object.keys(obj)) {
    if (!allowed.has(key)) throw new TokenizerFormatError(`${what}: unknown key ${JSON.stringify(key)}.`);
  }
  for (const key of required) {
    if (!(key in obj)) throw new TokenizerFormatError(`${what}: missing key ${JSON.stringify(key)}.`);
  }
  return obj;
}

/** A dense array of strings without duplicates. */
export function expectStringList(what: string, key: string, value: unknown): string[] {
  if (!Array.isArray(value)) throw new TokenizerFormatError(`${what}: ${key} is ${describe(value)}, expected an array of strings.`);
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const s: unknown = value[i];
    if (typeof s !== 'string') {
      throw new TokenizerFormatError(`${what}: ${key}[${i}] is ${describe(s)}, expected a string.`);
    }
    const first = seen.get(s);
    if (first !== undefined) {
      throw new TokenizerFormatError(`${what}: ${key}[${i}] = ${JSON.stringify(s)} duplicates ${key}[${first}].`);
    }
    seen.set(s, i);
    out.push(s);
  }
  return out;
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}
