/**
 * safetensors I/O (https://huggingface.co/docs/safetensors/index), exact to the format and safe on
 * untrusted files.
 *
 * Layout: an 8-byte little-endian u64 N, then N bytes of UTF-8 JSON
 * `{"__metadata__": {str: str}, name: {"dtype", "shape", "data_offsets": [begin, end]}, …}` (optionally
 * padded with spaces), then the data section; offsets are relative to its start, elements are
 * little-endian and row-major.
 *
 * Reading checks everything before allocating any tensor: the header length against the limit and the
 * file, strict JSON (no duplicate keys, integers only where integers belong), every entry, and the
 * byte ranges, which must tile the data section exactly (no overlap, no gap, no trailing bytes), as the
 * reference reader requires. Each tensor is copied into a fresh typed array, so nothing aliases the
 * file buffer and unaligned offsets are fine.
 *
 * Dtypes (Tensor holds float32, float64 or int32):
 * - F32, F64, I32 load as float32, float64, int32 and are the only dtypes written;
 * - F16 and BF16 widen to float32, and BOOL, U8, I8, I16, U16 widen to int32: always exact, like
 *   PyTorch's `load_state_dict` casting into a float32 / integer parameter;
 * - I64, U32, U64 load as int32 when every value fits (PyTorch's default integer dtype is int64, so
 *   index tensors saved from Python arrive as I64), otherwise the load fails with UNREPRESENTABLE;
 * - the 8-, 6- and 4-bit floats and C64 fail with UNSUPPORTED_DTYPE.
 *
 * Writing matches the reference writer (safetensors/src/tensor.rs `prepare`) byte for byte: tensors
 * sorted by descending dtype (F64, F32, I32) then by name in UTF-8 byte order, compact JSON with
 * `__metadata__` first, header padded with spaces to a multiple of 8. Parity note: metadata keys are
 * written sorted; the reference writes them in hash-map order, which changes from run to run when
 * there are two keys or more, so only files with at most one metadata key can match it exactly.
 * Parity note: the reader is stricter than the reference where the spec says MUST: the header has to
 * start with `{`, keys must be unique, and entries may not carry unknown fields.
 */
import { fileSize, readFileBytes, writeFileAtomic } from '#platform';
import { Tensor } from '../autograd/tensor.js';
import type { DType, TypedArray } from '../dtype.js';
import { fmtShape } from '../shape.js';
import { DTYPES, HOST_LITTLE_ENDIAN, LOADABLE, SUPPORTED, decodeElements, encodeElements, type SafetensorsDtype } from './elements.js';
import { SafetensorsError, fail, quote } from './errors.js';
import { JsonNumber, jsonType, parseHeaderJson, type JsonObject, type JsonValue } from './header_json.js';

export interface ParseSafetensorsOptions {
  /** Largest accepted header in bytes; default 100_000_000, the reference reader's limit. */
  maxHeaderBytes?: number;
  /** Largest accepted file in bytes; default unlimited. */
  maxTotalBytes?: number;
  /**
   * Copy each tensor's elements out of `bytes` (the default). With false, F32, F64 and I32 tensors whose data is
   * aligned in `bytes`' buffer (and the host little-endian) are views of it, with no copy: they share its memory,
   * so `bytes` must not be modified afterwards. Others are copied either way.
   */
  copy?: boolean;
}

/** What a safetensors file holds. Tensors are listed in file order. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

const WRITTEN: Record<DType, SafetensorsDtype> = { float32: 'F32', float64: 'F64', int32: 'I32' };
const DEFAULT_MAX_HEADER_BYTES = 100_000_000;
const INT = /^(?:0|[1-9][0-9]*)$/;

/**
 * Serializes tensors (and optional string metadata) to safetensors bytes.
 * @param tensors - name → tensor; float32/float64/int32 are written as F32/F64/I32
 * @param metadata - written as `__metadata__` when given (even if empty), sorted by key
 * @see https://huggingface.co/docs/safetensors/index
 */
export function serializeSafetensors(tensors: Record<string, Tensor>, metadata?: Record<string, string>): Uint8Array {
  if (tensors === null || typeof tensors !== 'object') {
    throw new SafetensorsError('BAD_TENSOR', `serializeSafetensors: tensors must be an object of name → Tensor, got ${describe(tensors)}`);
  }
  const items = Object.keys(tensors).map((name) => {
    const t: unknown = tensors[name];
    checkName(name, 'tensor name');
    if (name === '__metadata__') throw new SafetensorsError('BAD_NAME', `the tensor name '__metadata__' is reserved for the metadata`);
    if (!(t instanceof Tensor)) throw new SafetensorsError('BAD_TENSOR', `tensor ${quote(name)} is ${describe(t)}, expected a Tensor`);
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (t.data.length !== count) {
      throw new SafetensorsError('BAD_TENSOR', `tensor ${quote(name)} holds ${t.data.length} elements but its shape ${fmtShape(t.shape)} needs ${count}`);
    }
    return { name, t, dtype: WRITTEN[t.dtype] };
  });
  items.sort((a, b) => DTYPES.indexOf(b.dtype) - DTYPES.indexOf(a.dtype) || compareCodePoints(a.name, b.name));

  const parts: string[] = [];
  if (metadata !== undefined) parts.push(`"__metadata__":${metadataJson(metadata)}`);
  let offset = 0;
  for (const { name, t, dtype } of items) {
    const end = offset + t.data.byteLength;
    parts.push(`${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = new TextEncoder().encode(`{${parts.join(',')}}`);
  const n = json.length + ((8 - (json.length % 8)) % 8); // the reference pads to 8 so data stays aligned
  const out = new Uint8Array(8 + n + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, n % 2 ** 32, true);
  view.setUint32(4, Math.floor(n / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + n);
  let at = 8 + n;
  for (const { t } of items) {
    encodeElements(t.data, out.subarray(at, at + t.data.byteLength));
    at += t.data.byteLength;
  }
  return out;
}

/**
 * Parses safetensors bytes, validating the whole file before allocating any tensor.
 * @throws SafetensorsError whose `code` names the rule the file breaks
 * @see https://huggingface.co/docs/safetensors/index
 */
export function parseSafetensors(bytes: Uint8Array, options: ParseSafetensorsOptions = {}): SafetensorsContents {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`parseSafetensors: expected a Uint8Array, got ${describe(bytes)}`);
  const maxHeader = options.maxHeaderBytes ?? DEFAULT_MAX_HEADER_BYTES;
  if (options.maxTotalBytes !== undefined && bytes.length > options.maxTotalBytes) {
    fail('FILE_TOO_LARGE', `the file is ${bytes.length} bytes, more than maxTotalBytes = ${options.maxTotalBytes}`);
  }
  if (bytes.length < 8) fail('TRUNCATED', `the file is ${bytes.length} bytes long, too short to hold the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  const nText = view.getBigUint64(0, true).toString();
  if (n > maxHeader) fail('HEADER_TOO_LARGE', `the header length is ${nText} bytes, more than the limit of ${maxHeader} (maxHeaderBytes)`);
  if (n > bytes.length - 8) {
    fail('HEADER_PAST_END', `the header length is ${nText} bytes but only ${bytes.length - 8} bytes follow the 8-byte length`);
  }
  if (n === 0 || bytes[8] !== 0x7b) {
    const first = n === 0 ? 'is empty' : `starts with byte 0x${bytes[8].toString(16).padStart(2, '0')}`;
    fail('NOT_AN_OBJECT', `the header ${first}, expected a JSON object starting with '{'`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(8, 8 + n));
  } catch {
    return fail('BAD_UTF8', `the ${n}-byte header is not valid UTF-8`);
  }
  const root = parseHeaderJson(text);
  if (!(root instanceof Map)) return fail('NOT_AN_OBJECT', `the header is ${jsonType(root)}, expected a JSON object`);

  const { entries, metadata } = readHeader(root);
  const dataStart = 8 + n;
  checkLayout(entries, bytes.length - dataStart);

  const tensors: Record<string, Tensor> = {};
  for (const e of entries) {
    const src = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    defineOwn(tensors, e.name, new Tensor(elementsView(e.dtype, src, e.numel, options.copy ?? true) ?? decodeElements(e.name, e.dtype, src, e.numel), e.shape));
  }
  return { tensors, metadata };
}

/** The elements as a view of `src`'s buffer, when asked for (`copy` false) and possible; else null. */
function elementsView(dtype: SafetensorsDtype, src: Uint8Array, n: number, copy: boolean): TypedArray | null {
  if (copy || !HOST_LITTLE_ENDIAN) return null;
  const Ctor = dtype === 'F32' ? Float32Array : dtype === 'F64' ? Float64Array : dtype === 'I32' ? Int32Array : null;
  if (Ctor === null || src.byteOffset % Ctor.BYTES_PER_ELEMENT !== 0) return null;
  return new Ctor(src.buffer as ArrayBuffer, src.byteOffset, n);
}

/** Writes tensors to `path` as safetensors, atomically (see `writeFileAtomic`). */
export async function saveSafetensors(path: string, tensors: Record<string, Tensor>, metadata?: Record<string, string>): Promise<void> {
  await writeFileAtomic(path, serializeSafetensors(tensors, metadata));
}

/** Reads and parses a safetensors file; errors name the file. */
export async function loadSafetensors(path: string, options: ParseSafetensorsOptions = {}): Promise<SafetensorsContents> {
  try {
    if (options.maxTotalBytes !== undefined) {
      const size = await fileSize(path); // refuse before reading a huge file into memory
      if (size > options.maxTotalBytes) fail('FILE_TOO_LARGE', `the file is ${size} bytes, more than maxTotalBytes = ${options.maxTotalBytes}`);
    }
    const bytes = await readFileBytes(path);
    return parseSafetensors(bytes, options);
  } catch (err) {
    if (!(err instanceof SafetensorsError)) throw err;
    const wrapped = new SafetensorsError(err.code, `${path}: ${err.message.replace(/^safetensors: /, '')}`);
    wrapped.cause = err;
    throw wrapped;
  }
}

interface Entry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  numel: number;
  begin: number;
  end: number;
}

/** Checks `__metadata__` and every tensor entry (dtype, shape, offsets, size), in header order. */
function readHeader(root: JsonObject): { entries: Entry[]; metadata: Record<string, string> } {
  const entries: Entry[] = [];
  const metadata: Record<string, string> = {};
  for (const [name, value] of root) {
    if (name === '__metadata__') {
      if (value === null) continue; // the reference accepts null as "no metadata"
      if (!(value instanceof Map)) fail('BAD_METADATA', `__metadata__ is ${jsonType(value)}, expected an object of strings`);
      for (const [k, v] of value) {
        if (typeof v !== 'string') fail('BAD_METADATA', `__metadata__ key ${quote(k)} is ${jsonType(v)}, expected a string`);
        defineOwn(metadata, k, v);
      }
      continue;
    }
    entries.push(readEntry(name, value));
  }
  return { entries, metadata };
}

function readEntry(name: string, value: JsonValue): Entry {
  const what = `tensor ${quote(name)}`;
  if (!(value instanceof Map)) fail('BAD_ENTRY', `${what} is ${jsonType(value)}, expected an object with dtype, shape and data_offsets`);
  for (const key of value.keys()) {
    if (key !== 'dtype' && key !== 'shape' && key !== 'data_offsets') {
      fail('BAD_ENTRY', `${what} has the unknown field ${quote(key)}, expected only dtype, shape and data_offsets`);
    }
  }
  for (const key of ['dtype', 'shape', 'data_offsets']) {
    if (!value.has(key)) fail('BAD_ENTRY', `${what} has no ${key} field`);
  }
  const d = value.get('dtype') ?? null;
  if (typeof d !== 'string' || !(DTYPES as readonly string[]).includes(d)) {
    fail('BAD_DTYPE', `${what} has dtype ${typeof d === 'string' ? quote(d) : jsonType(d)}, which is not a safetensors dtype (${DTYPES.join(', ')})`);
  }
  const dtype = d as SafetensorsDtype;
  const itemBytes = LOADABLE[dtype];
  if (itemBytes === undefined) fail('UNSUPPORTED_DTYPE', `${what} has dtype ${dtype}, which @recurrent cannot load (${SUPPORTED})`);

  const s = value.get('shape') ?? null;
  if (!Array.isArray(s)) fail('BAD_SHAPE', `${what} has shape ${jsonType(s)}, expected an array of non-negative integers`);
  const shape = s.map((dim, i) => {
    const v = toIndex(dim);
    if (v === undefined) fail('BAD_SHAPE', `${what} has shape ${showArray(s)}: dim ${i} is ${jsonType(dim)}, expected a non-negative integer`);
    return v;
  });
  let numel = 1;
  for (const dim of shape) {
    numel *= dim;
    if (numel > Number.MAX_SAFE_INTEGER) fail('BAD_SHAPE', `${what} has shape ${showArray(s)}, more than 2^53 - 1 elements`);
  }

  const o = value.get('data_offsets') ?? null;
  if (!Array.isArray(o) || o.length !== 2) {
    fail('BAD_OFFSETS', `${what} has data_offsets ${Array.isArray(o) ? showArray(o) : jsonType(o)}, expected [begin, end]`);
  }
  const [begin, end] = o.map(toIndex);
  if (begin === undefined || end === undefined) {
    fail('BAD_OFFSETS', `${what} has data_offsets ${showArray(o)}, expected two non-negative integers`);
  }
  if (begin > end) fail('BAD_OFFSETS', `${what} has data_offsets [${begin}, ${end}], which run backwards`);
  if (end - begin !== numel * itemBytes) {
    fail(
      'SHAPE_MISMATCH',
      `${what} has dtype ${dtype} and shape ${fmtShape(shape)} (${numel * itemBytes} bytes) but data_offsets [${begin}, ${end}] span ${end - begin} bytes`,
    );
  }
  return { name, dtype, shape, numel, begin, end };
}

/**
 * The byte ranges must tile the data section: sorted by offset, each starts where the previous ended
 * (empty tensors may share an offset), the first at 0 and the last at the end of the file.
 */
function checkLayout(entries: Entry[], dataBytes: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let prev: Entry | undefined;
  let covered = 0;
  for (const e of entries) {
    const range = `[${e.begin}, ${e.end}]`;
    if (prev && e.begin < covered) {
      fail('OVERLAP', `tensor ${quote(e.name)} at ${range} overlaps tensor ${quote(prev.name)} at [${prev.begin}, ${prev.end}]`);
    }
    if (e.end > dataBytes) {
      if (e.begin === covered) {
        fail('TRUNCATED', `tensor ${quote(e.name)} needs data bytes ${range} but the data section ends at ${dataBytes}: the file is truncated`);
      }
      fail('OUT_OF_RANGE', `tensor ${quote(e.name)} has data_offsets ${range}, past the end of the ${dataBytes}-byte data section`);
    }
    if (e.begin > covered) {
      fail('GAP', `data bytes [${covered}, ${e.begin}] before tensor ${quote(e.name)} belong to no tensor; tensors must cover the data section without gaps`);
    }
    covered = e.end;
    prev = e;
  }
  if (covered < dataBytes) {
    fail('TRAILING_BYTES', `the data section is ${dataBytes} bytes but the tensors cover only ${covered}; ${dataBytes - covered} trailing bytes belong to no tensor`);
  }
}

function metadataJson(metadata: Record<string, string>): string {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new SafetensorsError('BAD_METADATA', `metadata must be an object of string values, got ${describe(metadata)}`);
  }
  const keys = Object.keys(metadata).sort(compareCodePoints);
  for (const k of keys) {
    checkName(k, 'metadata key');
    const v: unknown = metadata[k];
    if (typeof v !== 'string') throw new SafetensorsError('BAD_METADATA', `metadata key ${quote(k)} is ${describe(v)}, expected a string`);
    checkName(v, `metadata value of ${quote(k)}`);
  }
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(metadata[k])}`).join(',')}}`;
}

/** Names are written as UTF-8, which cannot encode a lone surrogate. */
function checkName(s: string, what: string): void {
  if (/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s)) {
    throw new SafetensorsError('BAD_NAME', `${what} ${quote(s)} contains a lone UTF-16 surrogate, which UTF-8 cannot encode`);
  }
}

/** Code point order (= UTF-8 byte order, the reference's name order), unlike `<` on UTF-16 units. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Surrogates (U+D800–DFFF) encode code points above U+FFFF: move them above U+E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** Non-negative safe integer written as a plain integer literal, else undefined. */
function toIndex(v: JsonValue): number | undefined {
  if (!(v instanceof JsonNumber) || !INT.test(v.text)) return undefined;
  const n = Number(v.text);
  return n <= Number.MAX_SAFE_INTEGER ? n : undefined;
}

/** Sets an own enumerable property, even for names like `__proto__`. */
function defineOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function showArray(a: JsonValue[]): string {
  const items = a.slice(0, 8).map((v) => (v instanceof JsonNumber ? v.text : typeof v === 'string' ? JSON.stringify(v) : jsonType(v)));
  return `[${items.join(', ')}${a.length > 8 ? ', …' : ''}]`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'no prototype'})` : `a ${typeof v}`;
}
