/**
 * Command-line arguments: `node:util` `parseArgs` in strict mode, with its errors turned into one-sentence
 * `UsageError`s, and checked conversions of option values (integers, numbers, choices).
 *
 * Option values are strings as typed; every `read*` helper returns `undefined` for an option that was not
 * given, so the library's defaults apply (and a resumed run can tell "not given" from "given").
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** Bad arguments or input files: the CLI prints the message (one sentence) and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/** `--name -3` → `--name=-3` for string options, so a negative number reaches the range check with its value. */
function joinNegativeValues(argv: readonly string[], options: OptionSpec): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const name = a.startsWith('--') ? a.slice(2) : null;
    const next = argv[i + 1];
    if (name !== null && options[name]?.type === 'string' && next !== undefined && /^-(\d|\.\d|Infinity|NaN)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parses `argv` strictly; unknown options, missing values and stray positionals are `UsageError`s. */
export function parseCliArgs(argv: readonly string[], options: OptionSpec, allowPositionals = false): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals,
      allowNegative: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new UsageError(parseErrorMessage(err as Error & { code?: string }, argv));
  }
}

function parseErrorMessage(err: Error & { code?: string }, argv: readonly string[]): string {
  const option = /'(-[^' ]+)/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? '(see --help)'}; run with --help for the list of options`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const stray = /'([^']*)'/.exec(err.message)?.[1];
      return `unexpected argument '${stray ?? argv.find((a) => !a.startsWith('-')) ?? ''}': this command takes only options (see --help)`;
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (/does not take an argument/.test(err.message)) return `${option} is a flag and takes no value`;
      if (/ambiguous/.test(err.message)) return `${option} needs a value; write ${option}=VALUE for a value starting with '-'`;
      return `${option ?? 'an option'} needs a value`;
    default:
      return err.message.split('\n')[0];
  }
}

type Values = ParsedArgs['values'];

/** The string value of `--name`, or undefined when absent. */
export function readString(values: Values, name: string): string | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new UsageError(`--${name} needs a value`);
  if (v.trim() === '') throw new UsageError(`--${name} needs a non-empty value`);
  return v;
}

/** An integer ≥ `min` (and ≤ `max`). */
export function readInt(values: Values, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const v = readString(values, name);
  if (v === undefined) return undefined;
  const n = /^[+-]?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = min === 1 && max === Number.MAX_SAFE_INTEGER ? 'a positive integer' : max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${name} must be ${range}, got '${v}'`);
  }
  return n;
}

/** `readInt`, but the word `none` gives null. */
export function readIntOrNone(values: Values, name: string, min: number): number | null | undefined {
  if (values[name] === 'none') return null;
  return readInt(values, name, min);
}

export interface NumberRange {
  /** Inclusive lower bound, unless `minExclusive`. */
  min?: number;
  minExclusive?: boolean;
  /** Exclusive upper bound. */
  maxExclusive?: number;
  /** How to say the range in a message, e.g. 'a positive number'. */
  expected: string;
}

/** A finite number in the range. */
export function readNumber(values: Values, name: string, range: NumberRange): number | undefined {
  const v = readString(values, name);
  if (v === undefined) return undefined;
  const n = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim()) ? Number(v) : NaN;
  const low = range.min === undefined || (range.minExclusive ? n > range.min : n >= range.min);
  const high = range.maxExclusive === undefined || n < range.maxExclusive;
  if (!Number.isFinite(n) || !low || !high) throw new UsageError(`--${name} must be ${range.expected}, got '${v}'`);
  return n;
}

/** `readNumber`, but the word `none` gives null. */
export function readNumberOrNone(values: Values, name: string, range: NumberRange): number | null | undefined {
  if (values[name] === 'none') return null;
  return readNumber(values, name, range);
}

/** One of `choices`. */
export function readChoice<T extends string>(values: Values, name: string, choices: readonly T[]): T | undefined {
  const v = readString(values, name);
  if (v === undefined) return undefined;
  if (!(choices as readonly string[]).includes(v)) {
    throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${v}'`);
  }
  return v as T;
}

/** A boolean flag (with its `--no-` form); undefined when neither was given. */
export function readFlag(values: Values, name: string): boolean | undefined {
  const v = values[name];
  return v === undefined ? undefined : v === true;
}

/** `0=negative,1=positive` → `{ '0': 'negative', '1': 'positive' }`. */
export function readLabelNames(values: Values, name: string): Record<string, string> | undefined {
  const v = readString(values, name);
  if (v === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const part of v.split(',')) {
    const eq = part.indexOf('=');
    const label = eq < 0 ? '' : part.slice(0, eq).trim();
    const shown = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (label === '' || shown === '') throw new UsageError(`--${name} must look like LABEL=NAME,LABEL=NAME (e.g. 0=negative,1=positive), got '${v}'`);
    if (Object.hasOwn(out, label)) throw new UsageError(`--${name} names the label '${label}' twice`);
    out[label] = shown;
  }
  return out;
}
