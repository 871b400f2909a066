/**
 * Why a safetensors file (or a request to write one) was rejected. One code per rule of the format
 * (https://huggingface.co/docs/safetensors/index) so callers and tests can tell the failures apart.
 */
export type SafetensorsErrorCode =
  /** Fewer than 8 bytes, or the data section ends before the tensors' last byte. */
  | 'TRUNCATED'
  /** The header length N exceeds `maxHeaderBytes` (100 MB by default, like the reference reader). */
  | 'HEADER_TOO_LARGE'
  /** The header length N points past the end of the file. */
  | 'HEADER_PAST_END'
  /** The whole file exceeds `maxTotalBytes`. */
  | 'FILE_TOO_LARGE'
  /** The header bytes are not valid UTF-8. */
  | 'BAD_UTF8'
  /** The header does not start with `{`: it must be a JSON object. */
  | 'NOT_AN_OBJECT'
  /** The header is not valid JSON (or nests absurdly deep). */
  | 'BAD_JSON'
  /** A JSON object in the header has the same key twice (the spec disallows it). */
  | 'DUPLICATE_KEY'
  /** A tensor entry is not an object with exactly `dtype`, `shape` and `data_offsets`. */
  | 'BAD_ENTRY'
  /** A `dtype` that is not one of the format's dtype names. */
  | 'BAD_DTYPE'
  /** A valid safetensors dtype that @recurrent cannot hold (e.g. F8_E4M3, C64). */
  | 'UNSUPPORTED_DTYPE'
  /** A `shape` that is not an array of non-negative integers. */
  | 'BAD_SHAPE'
  /** `data_offsets` that are not two non-negative integers with begin ≤ end. */
  | 'BAD_OFFSETS'
  /** end − begin differs from numel × itemsize. */
  | 'SHAPE_MISMATCH'
  /** Two tensors' byte ranges overlap. */
  | 'OVERLAP'
  /** Bytes between tensors (or before the first) that no tensor covers. */
  | 'GAP'
  /** A byte range beyond the end of the data section that is not a plain truncation. */
  | 'OUT_OF_RANGE'
  /** Bytes after the last tensor that no tensor covers. */
  | 'TRAILING_BYTES'
  /** `__metadata__` is not an object of string values (or, when writing, a value is not a string). */
  | 'BAD_METADATA'
  /** An integer that does not fit int32 (I64/U32/U64), or a BOOL byte other than 0 and 1. */
  | 'UNREPRESENTABLE'
  /** When writing: a value that is not a Tensor. */
  | 'BAD_TENSOR'
  /** When writing: a reserved or ill-formed tensor name or metadata key. */
  | 'BAD_NAME';

/** A rejected safetensors file or write request; `code` says which rule failed. */
export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
  readonly code: SafetensorsErrorCode;

  constructor(code: SafetensorsErrorCode, message: string) {
    super(`safetensors: ${message}`);
    this.code = code;
  }
}

/** 'name' for messages: escaped, and cut short if a hostile file makes it huge. */
export function quote(s: string): string {
  const body = JSON.stringify(s.length > 120 ? `${s.slice(0, 120)}…` : s).slice(1, -1);
  return `'${body}'`;
}

/** Throws a SafetensorsError. */
export function fail(code: SafetensorsErrorCode, message: string): never {
  throw new SafetensorsError(code, message);
}
