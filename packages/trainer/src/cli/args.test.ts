import { describe, expect, it } from 'vitest';
import { parseCliArgs, readChoice, readInt, readIntOrNone, readLabelNames, readNumber, readNumberOrNone, UsageError, type OptionSpec } from './args.js';
import { errorLine, exitCodeOf } from './run.js';
import { DataFormatError, ModelFormatError, NonFiniteLossError } from '../errors.js';

const OPTIONS: OptionSpec = {
  'hidden-size': { type: 'string' },
  lr: { type: 'string' },
  bidirectional: { type: 'boolean' },
};

/** The UsageError message `fn` throws (fails the test if it throws nothing or something else). */
function usage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UsageError);
    return (err as Error).message;
  }
  throw new Error('expected a UsageError');
}

describe('parseCliArgs', () => {
  it('reads string options, flags and their --no- form', () => {
    const a = parseCliArgs(['--hidden-size', '8', '--no-bidirectional'], OPTIONS);
    expect(a.values).toEqual({ 'hidden-size': '8', bidirectional: false });
  });

  it('keeps a negative number as the value of a string option (so the range check can name it)', () => {
    expect(parseCliArgs(['--hidden-size', '-3'], OPTIONS).values['hidden-size']).toBe('-3');
    expect(parseCliArgs(['--lr', '-.5'], OPTIONS).values.lr).toBe('-.5');
  });

  it('turns parseArgs errors into one sentence each', () => {
    expect(usage(() => parseCliArgs(['--hidden', '3'], OPTIONS))).toBe('unknown option --hidden; run with --help for the list of options');
    expect(usage(() => parseCliArgs(['--hidden-size'], OPTIONS))).toBe('--hidden-size needs a value');
    expect(usage(() => parseCliArgs(['--bidirectional=yes'], OPTIONS))).toBe('--bidirectional is a flag and takes no value');
    expect(usage(() => parseCliArgs(['--lr', '--hidden-size'], OPTIONS))).toBe("--lr needs a value; write --lr=VALUE for a value starting with '-'");
    expect(usage(() => parseCliArgs(['stray'], OPTIONS))).toBe("unexpected argument 'stray': this command takes only options (see --help)");
  });

  it('accepts positionals only when asked to', () => {
    expect(parseCliArgs(['a text', '--lr', '1'], OPTIONS, true).positionals).toEqual(['a text']);
  });
});

describe('value readers', () => {
  const v = (value: string): Record<string, string> => ({ x: value });

  it('readInt: integers in range; anything else names the flag, the range and the value', () => {
    expect(readInt({}, 'x', 1)).toBeUndefined(); // not given → the library default applies
    expect(readInt(v('12'), 'x', 1)).toBe(12);
    expect(usage(() => readInt(v('-3'), 'x', 1))).toBe("--x must be a positive integer, got '-3'");
    expect(usage(() => readInt(v('2.5'), 'x', 1))).toBe("--x must be a positive integer, got '2.5'");
    expect(usage(() => readInt(v('1e3'), 'x', 1))).toBe("--x must be a positive integer, got '1e3'");
    expect(usage(() => readInt(v('0'), 'x', 1))).toBe("--x must be a positive integer, got '0'");
    expect(usage(() => readInt(v('1'), 'x', 3))).toBe("--x must be an integer ≥ 3, got '1'");
    expect(usage(() => readInt(v(''), 'x', 1))).toBe('--x needs a non-empty value');
    expect(readIntOrNone(v('none'), 'x', 1)).toBeNull();
  });

  it('readNumber: finite decimals in range; NaN, Infinity, hex and trailing junk are refused', () => {
    const positive = { min: 0, minExclusive: true, expected: 'a positive number' };
    expect(readNumber(v('2e-3'), 'x', positive)).toBe(0.002);
    expect(readNumber(v('.5'), 'x', positive)).toBe(0.5);
    for (const bad of ['0', '-1', 'abc', 'NaN', 'Infinity', '0x10', '1.5e', '3px']) {
      expect(usage(() => readNumber(v(bad), 'x', positive))).toBe(`--x must be a positive number, got '${bad}'`);
    }
    const p = { min: 0, maxExclusive: 1, expected: 'a probability' };
    expect(readNumber(v('0'), 'x', p)).toBe(0); // the lower bound is inclusive
    expect(usage(() => readNumber(v('1'), 'x', p))).toBe("--x must be a probability, got '1'"); // the upper one is not
    expect(readNumberOrNone(v('none'), 'x', p)).toBeNull();
  });

  it('readChoice: one of the listed words', () => {
    expect(readChoice(v('gru'), 'x', ['lstm', 'gru'])).toBe('gru');
    expect(usage(() => readChoice(v('foo'), 'x', ['lstm', 'gru']))).toBe("--x must be one of lstm, gru, got 'foo'");
  });

  it('readLabelNames: LABEL=NAME pairs', () => {
    expect(readLabelNames(v('0=negative, 1=positive'), 'x')).toEqual({ '0': 'negative', '1': 'positive' });
    expect(usage(() => readLabelNames(v('0=negative,1'), 'x'))).toMatch(/^--x must look like LABEL=NAME,LABEL=NAME/);
    expect(usage(() => readLabelNames(v('0=a,0=b'), 'x'))).toBe("--x names the label '0' twice");
  });
});

describe('exit codes and messages', () => {
  it('bad input of any kind is 2, anything else 1', () => {
    expect(exitCodeOf(new UsageError('x'))).toBe(2);
    expect(exitCodeOf(new DataFormatError('empty-file', 'a.tsv', null, 'empty'))).toBe(2);
    expect(exitCodeOf(new ModelFormatError('missing-file', 'm/config.json', 'missing'))).toBe(2);
    expect(exitCodeOf(new NonFiniteLossError(2, 7, NaN))).toBe(2);
    expect(exitCodeOf(new TypeError('bug'))).toBe(1);
    expect(exitCodeOf('a string')).toBe(1);
  });

  it('one line ending in a period; a diverging loss gets a hint', () => {
    expect(errorLine(new UsageError('--x needs a value'))).toBe('error: --x needs a value.');
    expect(errorLine(new Error('first line.\nsecond line'))).toBe('error: first line.');
    expect(errorLine(new NonFiniteLossError(2, 7, NaN))).toBe(
      'error: the training loss became NaN at epoch 2, step 7; training stopped; try a lower --lr or a --clip-grad-norm.',
    );
  });
});
