/**
 * The label set of a dataset. Labels are arbitrary strings; their order (and so each label's class index
 * and the model's output column) is fixed deterministically:
 * - if every label looks like a decimal number (`0`, `-1`, `2.5`, `1e3`), numeric order (`2` before `10`),
 *   ties such as `1` and `1.0` broken by the string;
 * - otherwise plain lexicographic order of UTF-16 code units (not locale-dependent).
 */
import { DataFormatError } from '../errors.js';
import type { Example } from './read.js';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

const byString = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The distinct labels, sorted as described in the module doc. */
export function sortLabels(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  if (unique.length > 0 && unique.every((l) => NUMERIC.test(l))) {
    return unique.sort((a, b) => Number(a) - Number(b) || byString(a, b));
  }
  return unique.sort(byString);
}

/**
 * Class indices of the examples' labels in `labels`. A label not in the set is a `DataFormatError`
 * ('unseen-label') naming the file and line.
 */
export function encodeLabels(examples: readonly Example[], labels: readonly string[], file: string): Int32Array {
  const index = new Map(labels.map((l, i) => [l, i]));
  const out = new Int32Array(examples.length);
  examples.forEach((ex, i) => {
    const k = index.get(ex.label);
    if (k === undefined) {
      throw new DataFormatError(
        'unseen-label',
        file,
        ex.line,
        `the label '${ex.label}' is not one the model knows (${labels.map((l) => `'${l}'`).join(', ')})`,
      );
    }
    out[i] = k;
  });
  return out;
}
