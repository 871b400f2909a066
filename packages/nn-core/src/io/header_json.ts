/**
 * A strict JSON parser for safetensors headers, used instead of `JSON.parse` because the header is
 * untrusted and `JSON.parse` cannot enforce what the format requires:
 * - duplicate keys are an error (the spec disallows them; `JSON.parse` silently keeps the last one,
 *   which lets one file mean different things to different readers);
 * - numbers are kept as their source text, so an offset like 18446744073709551616 is rejected instead
 *   of being rounded to a double, and `1.0`/`1e0` can be told apart from the integer `1`;
 * - objects become `Map`s, so keys such as `__proto__` are plain data;
 * - nesting depth is bounded, so a hostile header cannot overflow the stack;
 * - lone surrogate escapes (`"\ud800"`) are rejected, as the reference (serde_json) does.
 */
import { SafetensorsError } from './errors.js';

/** A JSON number, kept as written. */
export class JsonNumber {
  constructor(readonly text: string) {}
}

export type JsonValue = null | boolean | string | JsonNumber | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** Deeper than any valid header (object → entry → shape array) by a wide margin. */
const MAX_DEPTH = 32;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parses `text` as one JSON value (whitespace allowed around it). Throws SafetensorsError. */
export function parseHeaderJson(text: string): JsonValue {
  const p = new Parser(text);
  p.skipWhitespace();
  const value = p.value(0, 'the header');
  p.skipWhitespace();
  if (p.pos !== text.length) p.fail(`unexpected ${p.describeHere()} after the end of the JSON value`);
  return value;
}

/** 'an object', 'a string', … — for error messages. */
export function jsonType(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return `a boolean (${v})`;
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  if (v instanceof JsonNumber) return `a number (${v.text})`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return 'an object';
}

class Parser {
  pos = 0;
  constructor(private readonly s: string) {}

  fail(what: string): never {
    throw new SafetensorsError('BAD_JSON', `header is not valid JSON: ${what} (at character ${this.pos})`);
  }

  describeHere(): string {
    return this.pos >= this.s.length ? 'end of header' : `character ${JSON.stringify(this.s[this.pos])}`;
  }

  skipWhitespace(): void {
    const s = this.s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  value(depth: number, where: string): JsonValue {
    if (depth >= MAX_DEPTH) this.fail(`values nest deeper than ${MAX_DEPTH} levels`);
    const c = this.s[this.pos];
    if (c === '{') return this.object(depth, where);
    if (c === '[') return this.array(depth, where);
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const [word, v] of [['true', true], ['false', false], ['null', null]] as const) {
      if (this.s.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(`expected a value, found ${this.describeHere()}`);
  }

  private object(depth: number, where: string): JsonObject {
    const out: JsonObject = new Map();
    this.pos++; // '{'
    this.skipWhitespace();
    if (this.s[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      if (this.s[this.pos] !== '"') this.fail(`expected a string key, found ${this.describeHere()}`);
      const key = this.string();
      if (out.has(key)) {
        throw new SafetensorsError('DUPLICATE_KEY', `${where} has the key ${JSON.stringify(key)} twice; duplicate keys are not allowed`);
      }
      this.skipWhitespace();
      if (this.s[this.pos] !== ':') this.fail(`expected ':' after key ${JSON.stringify(key)}, found ${this.describeHere()}`);
      this.pos++;
      this.skipWhitespace();
      out.set(key, this.value(depth + 1, depth === 0 ? `the entry ${JSON.stringify(key)}` : where));
      this.skipWhitespace();
      const c = this.s[this.pos++];
      if (c === '}') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(`expected ',' or '}' in an object, found ${this.describeHere()}`);
      }
      this.skipWhitespace();
    }
  }

  private array(depth: number, where: string): JsonValue[] {
    const out: JsonValue[] = [];
    this.pos++; // '['
    this.skipWhitespace();
    if (this.s[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1, where));
      this.skipWhitespace();
      const c = this.s[this.pos++];
      if (c === ']') return out;
      if (c !== ',') {
        this.pos--;
        this.fail(`expected ',' or ']' in an array, found ${this.describeHere()}`);
      }
      this.skipWhitespace();
    }
  }

  private number(): JsonNumber {
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail(`malformed number`);
    this.pos += m[0].length;
    return new JsonNumber(m[0]);
  }

  private string(): string {
    const s = this.s;
    this.pos++; // opening quote
    let out = '';
    let start = this.pos;
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s.charCodeAt(this.pos);
      if (c === 0x22) break;
      if (c < 0x20) this.fail(`raw control character U+${c.toString(16).padStart(4, '0')} in a string`);
      if (c !== 0x5c) {
        this.pos++;
        continue;
      }
      out += s.slice(start, this.pos);
      out += this.escape();
      start = this.pos;
    }
    out += s.slice(start, this.pos);
    this.pos++; // closing quote
    return out;
  }

  /** Reads one escape sequence starting at the backslash; returns the characters it stands for. */
  private escape(): string {
    const e = this.s[this.pos + 1];
    if (e !== 'u') {
      if (e === undefined || !(e in ESCAPES)) this.fail(`invalid escape \\${e ?? ''}`);
      this.pos += 2;
      return ESCAPES[e];
    }
    const hi = this.hex4();
    if (hi >= 0xdc00 && hi <= 0xdfff) this.fail(`lone surrogate \\u${hi.toString(16)}`);
    if (hi < 0xd800 || hi > 0xdbff) return String.fromCharCode(hi);
    if (this.s[this.pos] !== '\\' || this.s[this.pos + 1] !== 'u') this.fail(`lone surrogate \\u${hi.toString(16)}`);
    const lo = this.hex4();
    if (lo < 0xdc00 || lo > 0xdfff) this.fail(`lone surrogate \\u${hi.toString(16)}`);
    return String.fromCharCode(hi, lo);
  }

  /** Reads `\uXXXX` at the current position. */
  private hex4(): number {
    const digits = this.s.slice(this.pos + 2, this.pos + 6);
    if (!/^[0-9a-fA-F]{4}$/.test(digits)) this.fail(`invalid unicode escape \\u${digits}`);
    this.pos += 6;
    return parseInt(digits, 16);
  }
}
