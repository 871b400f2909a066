/**
 * From a dropped or pasted file to training rows and held-out rows, with one clear sentence for each way a file
 * can be unusable. Parsing and its checks are the library's (`parseDataset`); this adds what only a page needs:
 * telling text from binary, guessing TSV or CSV, and the held-out split.
 */
import { DataFormatError, parseDataset, sortLabels, type DataFormat, type LabelledText } from '@recurrent/trainer';

/** A file the page cannot train on; the message is one sentence for the user. */
export class UnusableFileError extends Error {
  override readonly name = 'UnusableFileError';
}

/** Every `HOLD_OUT_EVERY`-th row (the 10th, 20th, …) is held out for evaluation and never trained on. */
export const HOLD_OUT_EVERY = 10;

export interface PreparedRows {
  format: DataFormat;
  train: LabelledText[];
  heldOut: LabelledText[];
  /** Sorted as the model's classes are. */
  labels: string[];
  /** Rows per label, over the whole file. */
  counts: Record<string, number>;
}

/** The text of a file's bytes; binary data and other encodings than UTF-8 are an `UnusableFileError`. */
export function decodeText(bytes: Uint8Array, name: string): string {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UnusableFileError(`${name} is not UTF-8 text (it looks like a binary file); expected a TSV or CSV file with a header row`);
  }
  // UTF-8 decoding accepts control bytes; text files do not contain NUL or other C0 controls besides tab and newlines.
  if (/[\u0000-\u0008\u000e-\u001f]/.test(text)) {
    throw new UnusableFileError(`${name} contains control characters (it looks like a binary file); expected a TSV or CSV file with a header row`);
  }
  return text;
}

/** TSV or CSV: from the name's extension, else from the header line (a tab means TSV). */
export function guessFormat(name: string, text: string): DataFormat {
  const lower = name.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  const header = text.slice(0, text.search(/\r?\n|$/));
  return header.includes('\t') ? 'tsv' : 'csv';
}

/** Parses, checks and splits a data file's text; throws `UnusableFileError` with one sentence when it cannot be used. */
export function prepareRows(text: string, name: string): PreparedRows {
  const format = guessFormat(name, text);
  let examples;
  try {
    examples = parseDataset(text, name, { format }).examples;
  } catch (err) {
    if (err instanceof DataFormatError) throw new UnusableFileError(`${err.message}${noHeaderHint(err)}`);
    throw err;
  }
  const labels = sortLabels(examples.map((e) => e.label));
  if (labels.length < 2) {
    throw new UnusableFileError(`${name}: every example has the label '${labels[0]}', a classifier needs at least 2 labels`);
  }
  const counts: Record<string, number> = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const e of examples) counts[e.label]++;
  const rows = examples.map((e): LabelledText => ({ text: e.text, label: e.label }));
  const heldOut = rows.filter((_, i) => (i + 1) % HOLD_OUT_EVERY === 0);
  const train = rows.filter((_, i) => (i + 1) % HOLD_OUT_EVERY !== 0);
  if (heldOut.length === 0) {
    throw new UnusableFileError(`${name} has ${rows.length} examples; the page holds out every ${HOLD_OUT_EVERY}th row for evaluation, so it needs at least ${HOLD_OUT_EVERY}`);
  }
  const trained = new Set(train.map((r) => r.label));
  if (trained.size < 2) throw new UnusableFileError(`${name}: the training rows (all but every ${HOLD_OUT_EVERY}th) have only the label '${train[0].label}', a classifier needs at least 2 labels`);
  const unseen = heldOut.find((r) => !trained.has(String(r.label)));
  if (unseen !== undefined) {
    throw new UnusableFileError(`${name}: the label '${unseen.label}' appears only in held-out rows (every ${HOLD_OUT_EVERY}th row), so the model could not learn it; add more examples of it`);
  }
  return { format, train, heldOut, labels, counts };
}

/** What to add to the library's message when the header row is what is missing. */
function noHeaderHint(err: DataFormatError): string {
  return err.code === 'missing-column' ? ' (the first row must be a header naming the columns, e.g. "sentence<TAB>label" or "text,label")' : '';
}
