/**
 * Readers for labelled text files: TSV and CSV with a header row, and JSONL.
 *
 * - The format comes from the extension (`.tsv`, `.csv`, `.jsonl`/`.ndjson`) unless `format` is given.
 * - A UTF-8 byte-order mark is dropped; lines end in LF or CRLF.
 * - TSV has no quoting: each line is split on TAB and a `"` or `'` is an ordinary character (SST-2 has lines
 *   starting with `'`). CSV follows RFC 4180: fields may be quoted, `""` is a quote inside a quoted field,
 *   and a quoted field may span lines (the example's line is the line where its record starts).
 * - Blank lines are not rows and are skipped. Any other row that cannot be read (wrong number of fields,
 *   broken quoting, invalid JSON, empty text or label) is a `DataFormatError` naming the file and line; with
 *   `skipBadRows` it is left out and listed in `skipped` instead, never dropped silently.
 * - Labels are kept as strings exactly as written (JSONL numbers become their decimal string).
 */
import { extName, readFileBytes } from '#platform';
import { utf8 } from '../json.js';
import { DataFormatError } from '../errors.js';

export type DataFormat = 'tsv' | 'csv' | 'jsonl';

/** One labelled text; `line` is the 1-based line of the file where it starts. */
export interface Example {
  text: string;
  label: string;
  line: number;
}

/** One labelled text given in memory (a number label is read as its decimal string). */
export interface LabelledText {
  text: string;
  label: string | number;
}

/**
 * A dataset from labelled texts in memory, checked as a file's rows are: every text a non-empty string, every
 * label a non-empty string or a finite number. `name` names the set in errors (`train examples[3]: …`).
 */
export function datasetFromExamples(examples: readonly LabelledText[], name: string): Dataset {
  if (!Array.isArray(examples)) throw new DataFormatError('no-examples', name, null, `expected an array of { text, label }, got ${typeof examples}`);
  if (examples.length === 0) throw new DataFormatError('no-examples', name, null, 'there are no examples');
  const out = examples.map((e, i): Example => {
    const bad = (reason: string): DataFormatError => new DataFormatError('bad-row', `${name}[${i}]`, null, reason);
    if (e === null || typeof e !== 'object') throw bad(`expected an object { text, label }, got ${e === null ? 'null' : typeof e}`);
    if (typeof e.text !== 'string' || e.text.trim() === '') throw bad('text must be a non-empty string');
    const label = typeof e.label === 'number' && Number.isFinite(e.label) ? String(e.label) : e.label;
    if (typeof label !== 'string' || label.trim() === '') throw bad('label must be a non-empty string or a finite number');
    return { text: e.text, label, line: i + 1 };
  });
  return { file: name, examples: out, skipped: [] };
}

/** A row that was left out under `skipBadRows`. */
export interface BadRow {
  line: number;
  reason: string;
}

export interface ReadOptions {
  /** Default: from the file extension. */
  format?: DataFormat;
  /** Column (TSV/CSV) or key (JSONL) of the text. Default `sentence` then `text` (JSONL: `text` then `sentence`). */
  textColumn?: string;
  /** Column or key of the label. Default `label`. `null` reads unlabelled data (every label is ''). */
  labelColumn?: string | null;
  /** Leave malformed rows out and list them in `skipped`, instead of throwing. Default false. */
  skipBadRows?: boolean;
}

export interface Dataset {
  file: string;
  examples: Example[];
  /** Rows left out under `skipBadRows` (always empty otherwise). */
  skipped: BadRow[];
}

/** The format of `path` by its extension, or null when the extension is not one we read. */
export function formatOf(path: string): DataFormat | null {
  const ext = extName(path).toLowerCase();
  if (ext === '.tsv' || ext === '.tab') return 'tsv';
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  return null;
}

/** Reads a data file (UTF-8). Throws `DataFormatError` for an unknown extension, an empty file or a bad row. */
export async function readDataset(path: string, options: ReadOptions = {}): Promise<Dataset> {
  const format = options.format ?? formatOf(path);
  if (format === null) {
    throw new DataFormatError('unknown-format', path, null, `cannot tell the format from the extension '${extName(path)}', expected .tsv, .csv or .jsonl (or pass format)`);
  }
  const text = utf8(await readFileBytes(path));
  return parseDataset(text, path, { ...options, format });
}

/** Parses the contents of a data file; `file` is used in error messages. */
export function parseDataset(content: string, file: string, options: ReadOptions & { format: DataFormat }): Dataset {
  const text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
  if (text.trim() === '') throw new DataFormatError('empty-file', file, null, 'the file is empty, expected a header row and examples');
  const records = options.format === 'jsonl' ? null : options.format === 'csv' ? splitCsv(text) : splitTsv(text);
  const out: Dataset = { file, examples: [], skipped: [] };
  const bad = (line: number, reason: string): void => {
    if (!(options.skipBadRows ?? false)) throw new DataFormatError('bad-row', file, line, reason);
    out.skipped.push({ line, reason });
  };
  if (records === null) readJsonl(text, options, out, bad);
  else readTable(records, file, options, out, bad);
  if (out.examples.length === 0) {
    const why = out.skipped.length > 0 ? ` (all ${out.skipped.length} rows were malformed)` : '';
    throw new DataFormatError('no-examples', file, null, `the file has no examples${why}`);
  }
  return out;
}

/** A physical or logical row: its 1-based start line and fields, or why it could not be split. */
type RawRecord = { line: number; fields: string[] } | { line: number; error: string };

function readTable(
  records: RawRecord[],
  file: string,
  options: ReadOptions,
  out: Dataset,
  bad: (line: number, reason: string) => void,
): void {
  const header = records[0];
  if ('error' in header) throw new DataFormatError('bad-row', file, header.line, `cannot read the header: ${header.error}`);
  const names = header.fields.map((f) => f.trim());
  const find = (wanted: string[], what: string): number => {
    for (const w of wanted) {
      const i = names.indexOf(w);
      if (i >= 0) return i;
    }
    throw new DataFormatError(
      'missing-column',
      file,
      header.line,
      `the header has no ${what} column ${wanted.map((w) => `'${w}'`).join(' or ')} (columns: ${listColumns(names)})`,
    );
  };
  const textCol = find(options.textColumn === undefined ? ['sentence', 'text'] : [options.textColumn], 'text');
  const labelName = options.labelColumn === undefined ? 'label' : options.labelColumn;
  const labelCol = labelName === null ? -1 : find([labelName], 'label');
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if ('error' in rec) {
      bad(rec.line, rec.error);
      continue;
    }
    if (rec.fields.length !== names.length) {
      bad(rec.line, `the row has ${rec.fields.length} fields, expected ${names.length} like the header`);
      continue;
    }
    pushExample(rec.fields[textCol], labelCol < 0 ? '' : rec.fields[labelCol], labelCol >= 0, rec.line, out, bad);
  }
}

/** The header's column names for a message; a hostile header with a million columns is cut short. */
function listColumns(names: string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => `'${n.length > 40 ? `${n.slice(0, 40)}…` : n}'`);
  return names.length > max ? `${shown.join(', ')} and ${names.length - max} more` : shown.join(', ');
}

function pushExample(
  text: string,
  label: string,
  labelled: boolean,
  line: number,
  out: Dataset,
  bad: (line: number, reason: string) => void,
): void {
  const t = text.trim();
  const l = label.trim();
  if (t === '') bad(line, 'the text is empty');
  else if (labelled && l === '') bad(line, 'the label is empty');
  else out.examples.push({ text: t, label: l, line });
}

/** Non-blank lines split on TAB (no quoting). */
function splitTsv(text: string): RawRecord[] {
  const lines = text.split('\n');
  const out: RawRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].endsWith('\r') ? lines[i].slice(0, -1) : lines[i];
    if (line.trim() === '') continue;
    out.push({ line: i + 1, fields: line.split('\t') });
  }
  return out;
}

/**
 * RFC 4180 records. A quote may open a field only at its start; after the closing quote only a comma or the
 * end of the line may follow. On an error the rest of that physical line is skipped.
 */
export function splitCsv(text: string): RawRecord[] {
  const out: RawRecord[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let error: string | null = null;
    let blank = true;
    for (;;) {
      // One field starting at i.
      let field = '';
      if (text[i] === '"') {
        blank = false;
        i++;
        let closed = false;
        while (i < n) {
          // Up to the next quote in one slice (a 1 MB quoted field is one step, not a million).
          const q = text.indexOf('"', i);
          const end = q < 0 ? n : q;
          for (let k = i; k < end; k++) if (text.charCodeAt(k) === 10) line++; // bounded: indexOf could scan far past `end`
          field += text.slice(i, end);
          i = end;
          if (i === n) break;
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          closed = true;
          break;
        }
        if (!closed) {
          error = 'a quoted field is not closed before the end of the file';
          break;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && !(text[i] === '\r' && text[i + 1] === '\n')) {
          error = `unexpected character '${text[i]}' after a closing quote`;
          break;
        }
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n') j++;
        field = text.slice(i, j);
        if (j < n && text[j] === '\n' && field.endsWith('\r')) field = field.slice(0, -1);
        if (field.includes('"')) {
          error = 'a quote appears inside an unquoted field (quote the whole field and double the quote)';
          i = j;
          break;
        }
        if (field.trim() !== '' || (j < n && text[j] === ',')) blank = false;
        i = j;
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (i < n && text[i] === '\n') {
        i++;
        line++;
      }
      break;
    }
    if (error !== null) {
      while (i < n && text[i] !== '\n') i++;
      if (i < n) {
        i++;
        line++;
      }
      out.push({ line: start, error });
    } else if (!blank) {
      out.push({ line: start, fields });
    }
  }
  return out;
}

function readJsonl(text: string, options: ReadOptions, out: Dataset, bad: (line: number, reason: string) => void): void {
  const lines = text.split('\n');
  const textKeys = options.textColumn === undefined ? ['text', 'sentence'] : [options.textColumn];
  const labelKey = options.labelColumn === undefined ? 'label' : options.labelColumn;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      bad(i + 1, `invalid JSON (${(err as Error).message})`);
      continue;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      bad(i + 1, 'the line is not a JSON object');
      continue;
    }
    const obj = value as Record<string, unknown>;
    const textKey = textKeys.find((k) => Object.hasOwn(obj, k));
    const t = textKey === undefined ? undefined : obj[textKey];
    if (typeof t !== 'string') {
      bad(i + 1, `expected a string under ${textKeys.map((k) => `"${k}"`).join(' or ')}`);
      continue;
    }
    let label = '';
    if (labelKey !== null) {
      const l = obj[labelKey];
      if (typeof l === 'string') label = l;
      else if (typeof l === 'number' && Number.isFinite(l)) label = String(l);
      else {
        bad(i + 1, `expected a string or number under "${labelKey}"`);
        continue;
      }
    }
    pushExample(t, label, labelKey !== null, i + 1, out, bad);
  }
}
