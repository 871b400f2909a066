/**
 * Fuzz targets shared by the CI fuzz test (`fuzz.test.ts`, a few thousand cases) and `pnpm fuzz` (≥ 100,000).
 *
 * Each target feeds one untrusted-input loader random and mutated inputs. The only acceptable outcomes are
 * success or the loader's documented typed error (`SafetensorsError`, `ModelFormatError`, `DataFormatError`,
 * `TokenizerFormatError`); anything else (a TypeError, a RangeError from an allocation, a hang) is a failure,
 * and so is a call taking more than `CASE_TIME_LIMIT_MS` of CPU time. Inputs include 1 MB single lines, which would reveal a
 * quadratic blow-up.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { parseSafetensors, SafetensorsError, serializeSafetensors, Tensor } from '@recurrent/nn-core';
import { Tokenizer, TokenizerFormatError, Vocab } from '@recurrent/tokenizer';
import { buildPipeline, DataFormatError, FORMAT_VERSION, ModelFormatError, parseDataset, SentimentClassifier, TextClassifier, type DataFormat, type TextClassifierConfig } from '@recurrent/trainer';

/** Each call must finish within this many milliseconds of CPU time. */
export const CASE_TIME_LIMIT_MS = 1000;

/** 'ok', a typed error's `Name:code`, or 'FAILURE'. */
export type Outcome = string;

export interface FuzzTarget<T> {
  name: string;
  arbitrary: fc.Arbitrary<T>;
  /** Runs the loader on one input; resolves on success, rejects with whatever the loader threw. */
  run(input: T): Promise<void>;
  /** The typed-error outcome of `err`, or null when `err` is not one this loader documents. */
  classify(err: unknown): Outcome | null;
  /** Short description of an input for failure reports. */
  show(input: T): string;
}

// ---------------------------------------------------------------- mutations of bytes

type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'set'; at: number; byte: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; count: number }
  | { kind: 'headerLength'; value: bigint };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position.map((p) => p), bit: fc.integer({ min: 0, max: 7 }) }).map((m) => m as Mutation),
  fc.record({ kind: fc.constant('set' as const), at: position, byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('delete' as const), at: position, count: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('headerLength' as const),
    value: fc.oneof(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), fc.bigInt({ min: 0n, max: 4096n })),
  }),
);

function applyMutation(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = (p: number): number => Math.floor(p * Math.max(1, bytes.length));
  switch (m.kind) {
    case 'flip': {
      const out = bytes.slice();
      if (out.length > 0) out[at(m.at)] ^= 1 << m.bit;
      return out;
    }
    case 'set': {
      const out = bytes.slice();
      if (out.length > 0) out[at(m.at)] = m.byte;
      return out;
    }
    case 'truncate':
      return bytes.slice(0, at(m.at));
    case 'insert': {
      const i = at(m.at);
      return Uint8Array.from([...bytes.subarray(0, i), ...m.bytes, ...bytes.subarray(i)]);
    }
    case 'delete': {
      const i = at(m.at);
      return Uint8Array.from([...bytes.subarray(0, i), ...bytes.subarray(i + m.count)]);
    }
    case 'headerLength': {
      const out = bytes.length >= 8 ? bytes.slice() : new Uint8Array(8);
      new DataView(out.buffer).setBigUint64(0, m.value, true);
      return out;
    }
  }
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

// ---------------------------------------------------------------- safetensors

/** A valid file: a few small tensors of each written dtype, with metadata. */
export function validSafetensors(): Uint8Array {
  return serializeSafetensors(
    {
      'embedding.weight': new Tensor(Float32Array.from([0.5, -1, 2, 3, 4, 5]), [3, 2]),
      'rnn.weight_hh_l0': new Tensor(Float64Array.from([1, 2, 3, 4]), [2, 2]),
      ids: new Tensor(Int32Array.from([7, -8, 9]), [3]),
      scalar: new Tensor(Float32Array.from([1]), []),
    },
    { format: 'pt' },
  );
}

const dtypeName = fc.constantFrom('F32', 'F64', 'I32', 'I64', 'U8', 'I8', 'BOOL', 'F16', 'BF16', 'U32', 'U64', 'I16', 'U16', 'F8_E4M3', 'C64', 'X', '');
const bigNumber = fc.oneof(
  fc.integer({ min: -4, max: 64 }),
  fc.constantFrom(2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, 1e308, -0, 0.5, 1e-300),
);
const entry = fc.record(
  {
    dtype: fc.oneof(dtypeName, fc.jsonValue()),
    shape: fc.oneof(fc.array(bigNumber, { maxLength: 4 }), fc.jsonValue()),
    data_offsets: fc.oneof(fc.tuple(bigNumber, bigNumber), fc.array(bigNumber, { maxLength: 3 }), fc.jsonValue()),
    extra: fc.jsonValue(),
  },
  { requiredKeys: [] },
);

/** A header of random entries (sometimes well-formed ones), raw JSON text with optional junk, and a data section. */
const randomHeaderFile = fc
  .record({
    entries: fc.dictionary(fc.oneof(fc.string({ maxLength: 8 }), fc.constant('__metadata__')), fc.oneof(entry, fc.jsonValue()), { maxKeys: 5 }),
    raw: fc.option(fc.oneof(fc.json(), fc.string({ maxLength: 40 }), fc.constant('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":1}')), { freq: 4 }),
    data: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ entries, raw, data }) => {
    const json = new TextEncoder().encode(raw ?? JSON.stringify(entries));
    const out = new Uint8Array(8 + json.length + data.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    out.set(data, 8 + json.length);
    return out;
  });

/** Well-formed entries (real dtypes, small shapes) whose byte ranges are right, shifted, overlapping or gapped. */
const layoutFile = fc
  .array(
    fc.record({
      dtype: fc.constantFrom('F32', 'F64', 'I32', 'U8', 'BOOL', 'I64', 'F16'),
      shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
      shift: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -4, max: 4 }) }),
      grow: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -4, max: 4 }) }),
    }),
    { minLength: 1, maxLength: 4 },
  )
  .chain((entries) => fc.tuple(fc.constant(entries), fc.integer({ min: -8, max: 8 }), fc.integer({ min: 0, max: 255 })))
  .map(([entries, extra, fillByte]) => {
    const size: Record<string, number> = { F32: 4, F64: 8, I32: 4, U8: 1, BOOL: 1, I64: 8, F16: 2 };
    const header: Record<string, unknown> = {};
    let offset = 0;
    entries.forEach((e, i) => {
      const bytes = e.shape.reduce((a, b) => a * b, 1) * size[e.dtype];
      const begin = Math.max(0, offset + e.shift);
      header[`t${i}`] = { dtype: e.dtype, shape: e.shape, data_offsets: [begin, Math.max(0, begin + bytes + e.grow)] };
      offset += bytes;
    });
    const json = new TextEncoder().encode(JSON.stringify(header));
    const out = new Uint8Array(8 + json.length + Math.max(0, offset + extra)).fill(fillByte % 2); // BOOL bytes 0/1
    new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
    out.set(json, 8);
    return out;
  });

export const safetensorsTarget: FuzzTarget<Uint8Array> = {
  name: 'safetensors (parseSafetensors)',
  arbitrary: fc.oneof(
    { weight: 3, arbitrary: mutations.map((ms) => ms.reduce(applyMutation, validSafetensors())) },
    { weight: 2, arbitrary: randomHeaderFile },
    { weight: 2, arbitrary: layoutFile },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  ),
  async run(bytes) {
    parseSafetensors(bytes, { maxTotalBytes: 1 << 20 });
  },
  classify: (err) => (err instanceof SafetensorsError ? `SafetensorsError:${err.code}` : null),
  show: (bytes) => `${bytes.length} bytes: ${Buffer.from(bytes.subarray(0, 200)).toString('hex')}`,
};

// ---------------------------------------------------------------- tokenizer JSON

/** JSON text that is a valid document mutated by character edits (insert / delete / replace). */
function mutatedText(base: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: position,
    del: fc.integer({ min: 0, max: 8 }),
    ins: fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('"', ',', ']', '}', '[', '{', '0', '-1', 'null', '\\u0000', '\\ud800', '1e999', '\n')),
  });
  return fc.array(edit, { minLength: 1, maxLength: 4 }).map((edits) =>
    edits.reduce((s, e) => {
      const i = Math.floor(e.at * (s.length + 1));
      return s.slice(0, i) + e.ins + s.slice(i + e.del);
    }, base),
  );
}

/** A valid object with one field replaced by a random JSON value, or a random key added. */
function mutatedObject(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(base);
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: fc.jsonValue() }).map(({ key, value }) => ({ ...base, [key]: value })),
    fc.record({ key: fc.constantFrom(...keys) }).map(({ key }) => Object.fromEntries(Object.entries(base).filter(([k]) => k !== key))),
    fc.record({ key: fc.string({ maxLength: 6 }), value: fc.jsonValue() }).map(({ key, value }) => ({ ...base, [key]: value })),
  );
}

const validVocab = Vocab.build([['the', 'movie', 'was', 'good'], ['bad', 'movie']]).toJSON() as unknown as Record<string, unknown>;
const validTokenizer = new Tokenizer().toJSON() as unknown as Record<string, unknown>;

function jsonInputs(base: Record<string, unknown>, valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: valid },
    { weight: 3, arbitrary: mutatedObject(base) },
    { weight: 3, arbitrary: mutatedText(JSON.stringify(base)) },
    { weight: 1, arbitrary: fc.jsonValue() },
    { weight: 1, arbitrary: fc.json() },
    {
      weight: 1,
      arbitrary: fc.record({ key: fc.constantFrom(...Object.keys(base)), value: fc.jsonValue() }).map(({ key, value }) => {
        // A nested mutation: e.g. tokens with a non-string, or options with a wrong type.
        const inner = base[key];
        if (Array.isArray(inner)) return { ...base, [key]: [...inner, value] };
        if (inner !== null && typeof inner === 'object') return { ...base, [key]: { ...inner, [Object.keys(inner)[0] ?? 'x']: value } };
        return { ...base, [key]: value };
      }),
    },
  );
}

const showJson = (v: unknown): string => {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 300 ? `${s.slice(0, 300)}… (${s.length} chars)` : s;
};

export const vocabTarget: FuzzTarget<unknown> = {
  name: 'vocab JSON (Vocab.fromJSON)',
  arbitrary: jsonInputs(
    validVocab,
    // Valid shapes: extra tokens of any text (duplicates among them are an error).
    fc.array(fc.string({ maxLength: 6, unit: 'binary' }), { maxLength: 8 }).map((extra) => ({ ...validVocab, tokens: [...(validVocab.tokens as string[]), ...extra] })),
  ),
  async run(input) {
    Vocab.fromJSON(input);
  },
  classify: (err) => (err instanceof TokenizerFormatError ? 'TokenizerFormatError' : null),
  show: showJson,
};

export const tokenizerTarget: FuzzTarget<unknown> = {
  name: 'tokenizer JSON (Tokenizer.fromJSON)',
  arbitrary: jsonInputs(
    validTokenizer,
    fc
      .record({ form: fc.constantFrom('NFKC', 'NFC', 'none'), lowercase: fc.boolean(), stripAccents: fc.boolean(), removeStopWords: fc.boolean(), stem: fc.boolean(), ngrams: fc.constantFrom(1, 2) })
      .map((options) => new Tokenizer(options).toJSON()),
  ),
  async run(input) {
    Tokenizer.fromJSON(input);
  },
  classify: (err) => (err instanceof TokenizerFormatError ? 'TokenizerFormatError' : null),
  show: showJson,
};

// ---------------------------------------------------------------- model directory

export interface ModelDirInput {
  config: string;
  vocab: string;
  weights: Uint8Array;
}

/** The files of a tiny valid model directory (V = 6, E = 3, H = 2, 2 classes). */
export const validModelFiles: ModelDirInput = tinyModelFiles(['the movie was good', 'bad movie'], { embeddingDim: 3, hiddenSize: 2, cell: 'gru', bidirectional: false });

/** config.json, vocab.json and model.safetensors contents of an untrained classifier over `texts`' vocabulary. */
export function tinyModelFiles(texts: string[], arch: Partial<TextClassifierConfig>): ModelDirInput {
  const pipeline = buildPipeline(texts);
  const model = new TextClassifier({ ...arch, vocabSize: pipeline.vocabSize, numClasses: 2 });
  const config = {
    formatVersion: FORMAT_VERSION,
    architecture: model.config,
    labels: ['0', '1'],
    labelNames: ['negative', 'positive'],
    tokenizer: pipeline.tokenizerJson(),
    maxLength: null,
  };
  return {
    config: JSON.stringify(config),
    vocab: JSON.stringify(pipeline.vocabJson()),
    weights: serializeSafetensors(model.stateDict(), { format: 'pt' }),
  };
}

const configBase = JSON.parse(validModelFiles.config) as Record<string, unknown>;
const archBase = configBase.architecture as Record<string, unknown>;

const configInputs: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: mutatedObject(configBase).map((v) => JSON.stringify(v)) },
  {
    weight: 4,
    arbitrary: fc
      .record({ key: fc.constantFrom(...Object.keys(archBase)), value: fc.oneof(fc.jsonValue(), bigNumber, fc.constantFrom(2 ** 30, 1e6, 65536, -3)) })
      .map(({ key, value }) => JSON.stringify({ ...configBase, architecture: { ...archBase, [key]: value } })),
  },
  { weight: 2, arbitrary: mutatedText(validModelFiles.config) },
  { weight: 1, arbitrary: fc.json() },
);

export const modelDirTarget: FuzzTarget<ModelDirInput> = {
  name: 'model directory (SentimentClassifier.load)',
  arbitrary: fc.oneof(
    { weight: 4, arbitrary: configInputs.map((config) => ({ ...validModelFiles, config })) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(jsonInputs(JSON.parse(validModelFiles.vocab) as Record<string, unknown>, fc.constant(validModelFiles.vocab)).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'null')))
        .map((vocab) => ({ ...validModelFiles, vocab })),
    },
    { weight: 3, arbitrary: mutations.map((ms) => ({ ...validModelFiles, weights: ms.reduce(applyMutation, validModelFiles.weights) })) },
  ),
  async run(input) {
    const dir = await mkdtemp(join(tmpdir(), 'fuzz-model-'));
    try {
      await writeFile(join(dir, 'config.json'), input.config);
      await writeFile(join(dir, 'vocab.json'), input.vocab);
      await writeFile(join(dir, 'model.safetensors'), input.weights);
      const clf = await SentimentClassifier.load(dir);
      clf.predict('the movie was good');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
  classify: (err) => (err instanceof ModelFormatError ? `ModelFormatError:${err.code}` : null),
  show: (i) => `config=${showJson(i.config)} vocab=${showJson(i.vocab)} weights=${i.weights.length} bytes`,
};

// ---------------------------------------------------------------- data files

export interface DataInput {
  format: DataFormat;
  text: string;
}

const VALID_DATA: Record<DataFormat, string> = {
  tsv: 'sentence\tlabel\nit was good .\t1\nbad , bad movie\t0\n',
  csv: 'text,label\n"it was ""good""",1\n"bad,\nbad movie",0\nplain text,0\n',
  jsonl: '{"text":"it was good","label":1}\n{"text":"bad movie","label":"0"}\n',
};

/** Characters that stress the readers: separators, quotes, line ends, BOM, NUL, lone surrogates, non-BMP. */
const nasty = fc.constantFrom('\t', ',', '"', "'", '\n', '\r\n', '\r', '\ufeff', '\u0000', '\ud800', '\udc00', '😀', '{', '}', ':', '\\', ' ', 'label', 'text', 'sentence');
const nastyString = fc.array(fc.oneof(nasty, fc.string({ maxLength: 4, unit: 'binary' })), { maxLength: 40 }).map((parts) => parts.join(''));

/** One very long line (100 kB – 1 MB) of a repeated unit, after a header, to catch quadratic work per line. */
const longLine = fc
  .record({
    unit: fc.constantFrom('a', '"', '""', ' ', '\t', ',', 'a,', '{"text":', '\\', '\r', 'x\t1'),
    size: fc.integer({ min: 100_000, max: 1_000_000 }),
    header: fc.constantFrom('sentence\tlabel\n', 'text,label\n', 'text,label\n"', '{"text":"', ''),
    tail: fc.constantFrom('', '\t1\n', ',1\n', '","label":1}\n', '"'),
  })
  .map(({ unit, size, header, tail }) => header + unit.repeat(Math.ceil(size / unit.length)) + tail);

const dataText = (format: DataFormat): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: mutatedText(VALID_DATA[format]) },
    { weight: 4, arbitrary: fc.array(fc.tuple(nastyString, fc.constantFrom('0', '1', '', ' 2 ')), { maxLength: 6 }).map((rows) => rowsOf(format, rows)) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(VALID_DATA[format]), nastyString, nastyString).map(([v, a, b]) => a + v + b) },
    { weight: 2, arbitrary: nastyString },
    { weight: 1, arbitrary: fc.string({ maxLength: 200, unit: 'binary' }) },
  );

/** A file with a valid header and these (text, label) rows, written the way each format quotes. */
function rowsOf(format: DataFormat, rows: [string, string][]): string {
  if (format === 'jsonl') return rows.map(([text, label]) => JSON.stringify({ text, label })).join('\n');
  if (format === 'csv') return `text,label\n${rows.map(([t, l]) => `"${t.replaceAll('"', '""')}",${l}`).join('\r\n')}`;
  return `sentence\tlabel\n${rows.map(([t, l]) => `${t}\t${l}`).join('\n')}`;
}

export const dataTarget: FuzzTarget<DataInput> = {
  name: 'data files TSV/CSV/JSONL (parseDataset)',
  arbitrary: fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom<DataFormat>('tsv', 'csv', 'jsonl').chain((format) => dataText(format).map((text) => ({ format, text }))) },
    { weight: 1, arbitrary: fc.tuple(fc.constantFrom<DataFormat>('tsv', 'csv', 'jsonl'), longLine).map(([format, text]) => ({ format, text })) },
  ),
  async run({ format, text }) {
    parseDataset(text, `fuzz.${format}`, { format, skipBadRows: true, labelColumn: null });
    parseDataset(text, `fuzz.${format}`, { format });
  },
  classify: (err) => (err instanceof DataFormatError ? `DataFormatError:${err.code}` : null),
  show: ({ format, text }) => `${format}: ${showJson(text)}`,
};

// ---------------------------------------------------------------- runner

export const TARGETS = [safetensorsTarget, modelDirTarget, vocabTarget, tokenizerTarget, dataTarget] as unknown as readonly FuzzTarget<unknown>[];

export interface TargetReport {
  name: string;
  cases: number;
  /** Outcome → count; failures are counted under 'FAILURE'. */
  outcomes: Map<Outcome, number>;
  /** The first failure (fast-check's shrunk counterexample), or null. */
  failure: string | null;
  slowestMs: number;
}

/** Runs `numRuns` cases of `target` with fast-check (seeded); never throws, reports outcomes and the first failure. */
export async function fuzzTarget<T>(target: FuzzTarget<T>, numRuns: number, seed: number): Promise<TargetReport> {
  const outcomes = new Map<Outcome, number>();
  let slowestMs = 0;
  let counting = true;
  const property = fc.asyncProperty(target.arbitrary, async (input) => {
    // CPU time of this process, not wall time: a loaded CI machine must not turn a slow schedule into a failure.
    const c0 = process.cpuUsage();
    let outcome: Outcome = 'ok';
    let problem: string | null = null;
    try {
      await target.run(input);
    } catch (err) {
      const typed = target.classify(err);
      if (typed === null) problem = `untyped error: ${(err as Error)?.stack ?? String(err)}`;
      else outcome = typed;
    }
    const cpu = process.cpuUsage(c0);
    const ms = (cpu.user + cpu.system) / 1000;
    if (problem === null && ms > CASE_TIME_LIMIT_MS) problem = `took ${ms.toFixed(0)} ms of CPU time, more than ${CASE_TIME_LIMIT_MS} ms`;
    if (counting) {
      slowestMs = Math.max(slowestMs, ms);
      const key = problem === null ? outcome : 'FAILURE';
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    if (problem !== null) {
      counting = false; // shrinking re-runs cases: count only the original runs
      throw new Error(`${problem}\ninput: ${target.show(input)}`);
    }
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: false });
  let failure: string | null = null;
  if (details.failed) failure = `${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}\n(seed ${seed}, path ${details.counterexamplePath ?? '?'})`;
  const cases = [...outcomes.values()].reduce((a, b) => a + b, 0);
  return { name: target.name, cases, outcomes, failure, slowestMs };
}
