/** Bad files and bad write requests: each rejected with its own code and a sentence naming the values. */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { SafetensorsError, type SafetensorsErrorCode } from './errors.js';
import { parseSafetensors, serializeSafetensors, type ParseSafetensorsOptions } from './safetensors.js';

/** A file with `json` as the header verbatim (no padding) followed by `data` bytes (or that many zeros). */
function file(json: string | Uint8Array, data: number | number[] = 0, headerLength?: bigint): Uint8Array {
  const h = typeof json === 'string' ? new TextEncoder().encode(json) : json;
  const d = typeof data === 'number' ? new Uint8Array(data) : new Uint8Array(data);
  const out = new Uint8Array(8 + h.length + d.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(d, 8 + h.length);
  return out;
}

const entry = (dtype: string, shape: string, offsets: string) => `{"dtype":"${dtype}","shape":${shape},"data_offsets":${offsets}}`;
const f32 = (offsets: string, shape = '[1]') => entry('F32', shape, offsets);

function rejects(bytes: Uint8Array, code: SafetensorsErrorCode, message: string | RegExp, options?: ParseSafetensorsOptions): void {
  let caught: unknown;
  try {
    parseSafetensors(bytes, options);
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  const err = caught as SafetensorsError;
  expect(err.code).toBe(code);
  expect(err.message.startsWith('safetensors: ')).toBe(true);
  if (typeof message === 'string') expect(err.message).toContain(message);
  else expect(err.message).toMatch(message);
}

describe('parseSafetensors rejects', () => {
  it('TRUNCATED: fewer than 8 bytes, and a valid file cut inside its data', () => {
    rejects(new Uint8Array(5), 'TRUNCATED', 'the file is 5 bytes long, too short to hold the 8-byte header length');
    const whole = serializeSafetensors({ a: tensor([1, 2]), b: tensor([3, 4]) });
    rejects(whole.subarray(0, whole.length - 3), 'TRUNCATED', "tensor 'b' needs data bytes [8, 16] but the data section ends at 13: the file is truncated");
  });

  it('HEADER_TOO_LARGE: above 100 MB by default (u64 read in full), or above maxHeaderBytes', () => {
    rejects(file('{}', 0, 2n ** 63n), 'HEADER_TOO_LARGE', 'the header length is 9223372036854775808 bytes, more than the limit of 100000000');
    rejects(file('{}', 0, 100_000_001n), 'HEADER_TOO_LARGE', 'more than the limit of 100000000 (maxHeaderBytes)');
    rejects(file('{}      '), 'HEADER_TOO_LARGE', 'the header length is 8 bytes, more than the limit of 4', { maxHeaderBytes: 4 });
  });

  it('HEADER_PAST_END: a header length beyond the end of the file', () => {
    rejects(file('{}', 0, 3n), 'HEADER_PAST_END', 'the header length is 3 bytes but only 2 bytes follow the 8-byte length');
  });

  it('FILE_TOO_LARGE: more bytes than maxTotalBytes', () => {
    rejects(file('{}      '), 'FILE_TOO_LARGE', 'the file is 16 bytes, more than maxTotalBytes = 15', { maxTotalBytes: 15 });
  });

  it('BAD_UTF8: header bytes that are not UTF-8', () => {
    rejects(file(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])), 'BAD_UTF8', 'the 7-byte header is not valid UTF-8');
  });

  it('NOT_AN_OBJECT: a header that is an array, starts with a space or a BOM, or is empty', () => {
    rejects(file('[]'), 'NOT_AN_OBJECT', "the header starts with byte 0x5b, expected a JSON object starting with '{'");
    rejects(file(` ${'{}'}`), 'NOT_AN_OBJECT', 'starts with byte 0x20');
    rejects(file('\ufeff{}'), 'NOT_AN_OBJECT', 'starts with byte 0xef');
    rejects(file(''), 'NOT_AN_OBJECT', 'the header is empty');
  });

  it('BAD_JSON: syntax errors, trailing characters, lone surrogates, floods of nesting', () => {
    rejects(file('{"a":}'), 'BAD_JSON', 'header is not valid JSON: expected a value, found character "}" (at character 5)');
    rejects(file('{"a":1,}'), 'BAD_JSON', 'expected a string key, found character "}"');
    rejects(file('{}\u0000'), 'BAD_JSON', 'unexpected character "\\u0000" after the end of the JSON value');
    rejects(file('{"\\ud800":1}'), 'BAD_JSON', 'lone surrogate \\ud800');
    rejects(file(`{"a":${'['.repeat(10_000)}`), 'BAD_JSON', 'values nest deeper than 32 levels');
    rejects(file('{"a'), 'BAD_JSON', 'unterminated string');
  });

  it('DUPLICATE_KEY: the same tensor twice (which JSON.parse would let the last one win), in metadata, in an entry', () => {
    const twice = `{"w":${entry('U8', '[4]', '[0,4]')},"w":${f32('[0,4]')}}`;
    rejects(file(twice, 4), 'DUPLICATE_KEY', 'the header has the key "w" twice; duplicate keys are not allowed');
    rejects(file('{"__metadata__":{"k":"a","k":"b"}}'), 'DUPLICATE_KEY', 'the entry "__metadata__" has the key "k" twice');
    rejects(file(`{"w":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, 4), 'DUPLICATE_KEY', 'the entry "w" has the key "dtype" twice');
  });

  it('BAD_ENTRY: an entry that is not an object, has an unknown field, or lacks one', () => {
    rejects(file('{"w":5}'), 'BAD_ENTRY', "tensor 'w' is a number (5), expected an object with dtype, shape and data_offsets");
    rejects(file(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}`, 4), 'BAD_ENTRY', "tensor 'w' has the unknown field 'x'");
    rejects(file(`{"w":{"dtype":"F32","shape":[1]}}`), 'BAD_ENTRY', "tensor 'w' has no data_offsets field");
  });

  it('BAD_DTYPE: a name the format does not define (case matters), or a non-string', () => {
    rejects(file(`{"w":${entry('Q7', '[1]', '[0,4]')}}`, 4), 'BAD_DTYPE', "tensor 'w' has dtype 'Q7', which is not a safetensors dtype (BOOL, F4,");
    rejects(file(`{"w":${entry('f32', '[1]', '[0,4]')}}`, 4), 'BAD_DTYPE', "has dtype 'f32'");
    rejects(file(`{"w":{"dtype":4,"shape":[1],"data_offsets":[0,4]}}`, 4), 'BAD_DTYPE', "tensor 'w' has dtype a number (4)");
  });

  it('UNSUPPORTED_DTYPE: a real safetensors dtype with no exact int32/float32/float64 form', () => {
    rejects(file(`{"w":${entry('F8_E4M3', '[4]', '[0,4]')}}`, 4), 'UNSUPPORTED_DTYPE', "tensor 'w' has dtype F8_E4M3, which @recurrent cannot load (supported: F32, F64, I32;");
    rejects(file(`{"c":${entry('C64', '[1]', '[0,8]')}}`, 8), 'UNSUPPORTED_DTYPE', "tensor 'c' has dtype C64");
  });

  it('BAD_SHAPE: negative, fractional, exponent-written, non-number dims, or more than 2^53 elements', () => {
    rejects(file(`{"w":${f32('[0,4]', '[-1]')}}`, 4), 'BAD_SHAPE', "tensor 'w' has shape [-1]: dim 0 is a number (-1), expected a non-negative integer");
    rejects(file(`{"w":${f32('[0,4]', '[1.0]')}}`, 4), 'BAD_SHAPE', 'dim 0 is a number (1.0)');
    rejects(file(`{"w":${f32('[0,4]', '[1,1e0]')}}`, 4), 'BAD_SHAPE', 'dim 1 is a number (1e0)');
    rejects(file(`{"w":${f32('[0,4]', '["1"]')}}`, 4), 'BAD_SHAPE', 'dim 0 is a string ("1")');
    rejects(file(`{"w":${f32('[0,4]', '4')}}`, 4), 'BAD_SHAPE', "tensor 'w' has shape a number (4), expected an array");
    rejects(file(`{"w":${f32('[0,4]', '[4294967296,4294967296]')}}`, 4), 'BAD_SHAPE', 'more than 2^53 - 1 elements');
  });

  it('BAD_OFFSETS: not a pair of safe non-negative integers, or running backwards', () => {
    rejects(file(`{"w":${f32('[0,4,4]')}}`, 4), 'BAD_OFFSETS', "tensor 'w' has data_offsets [0, 4, 4], expected [begin, end]");
    rejects(file(`{"w":${f32('[0,18446744073709551620]')}}`, 4), 'BAD_OFFSETS', 'data_offsets [0, 18446744073709551620], expected two non-negative integers');
    rejects(file(`{"w":${f32('[8,4]', '[0]')}}`, 8), 'BAD_OFFSETS', "tensor 'w' has data_offsets [8, 4], which run backwards");
  });

  it('SHAPE_MISMATCH: a byte range that is not numel × itemsize', () => {
    rejects(file(`{"w":${f32('[0,20]', '[2,3]')}}`, 20), 'SHAPE_MISMATCH', "tensor 'w' has dtype F32 and shape [2, 3] (24 bytes) but data_offsets [0, 20] span 20 bytes");
  });

  it('OVERLAP: two tensors sharing bytes', () => {
    rejects(file(`{"a":${f32('[0,4]')},"b":${f32('[0,4]')}}`, 4), 'OVERLAP', "tensor 'b' at [0, 4] overlaps tensor 'a' at [0, 4]");
    rejects(file(`{"a":${f32('[0,8]', '[2]')},"e":${f32('[4,4]', '[0]')}}`, 8), 'OVERLAP', "tensor 'e' at [4, 4] overlaps tensor 'a' at [0, 8]");
  });

  it('OUT_OF_RANGE: a byte range past the end of the data that is not a clean truncation', () => {
    rejects(file(`{"a":${f32('[0,4]')},"b":${f32('[100,104]')}}`, 8), 'OUT_OF_RANGE', "tensor 'b' has data_offsets [100, 104], past the end of the 8-byte data section");
  });

  it('GAP: bytes before the first tensor or between two that no tensor covers', () => {
    rejects(file(`{"a":${f32('[4,8]')}}`, 8), 'GAP', "data bytes [0, 4] before tensor 'a' belong to no tensor");
    rejects(file(`{"a":${f32('[0,4]')},"b":${f32('[8,12]')}}`, 12), 'GAP', "data bytes [4, 8] before tensor 'b'");
  });

  it('TRAILING_BYTES: data after the last tensor (the reference rejects it, it would allow polyglot files)', () => {
    rejects(file(`{"a":${f32('[0,4]')}}`, 6), 'TRAILING_BYTES', 'the data section is 6 bytes but the tensors cover only 4; 2 trailing bytes belong to no tensor');
  });

  it('BAD_METADATA: non-string values or a non-object __metadata__', () => {
    rejects(file('{"__metadata__":{"epoch":3}}'), 'BAD_METADATA', "__metadata__ key 'epoch' is a number (3), expected a string");
    rejects(file('{"__metadata__":["x"]}'), 'BAD_METADATA', '__metadata__ is an array of 1, expected an object of strings');
  });

  it('UNREPRESENTABLE: I64/U32/U64 values outside int32, BOOL bytes other than 0/1', () => {
    const i64 = (lo: number, hi: number) => {
      const d = new DataView(new ArrayBuffer(8));
      d.setUint32(0, lo, true);
      d.setUint32(4, hi, true);
      return Array.from(new Uint8Array(d.buffer));
    };
    const one = (dtype: string, bytes: number[]) => file(`{"x":${entry(dtype, `[${bytes.length / (dtype === 'BOOL' ? 1 : dtype === 'U32' ? 4 : 8)}]`, `[0,${bytes.length}]`)}}`, bytes);
    rejects(one('I64', [...i64(0, 0), ...i64(0x80000000, 0)]), 'UNREPRESENTABLE', "tensor 'x' (I64) holds 2147483648 at element 1, outside int32 [-2147483648, 2147483647]");
    rejects(one('I64', i64(0x7fffffff, 0xffffffff)), 'UNREPRESENTABLE', 'holds -2147483649 at element 0');
    rejects(one('U64', i64(0, 1)), 'UNREPRESENTABLE', "tensor 'x' (U64) holds 4294967296 at element 0");
    rejects(one('U32', [0, 0, 0, 0x80]), 'UNREPRESENTABLE', "tensor 'x' (U32) holds 2147483648 at element 0");
    rejects(one('BOOL', [1, 0, 2]), 'UNREPRESENTABLE', "tensor 'x' (BOOL) holds byte 2 at element 2, expected 0 or 1");
  });

  it('accepts what the format allows: __metadata__ null, whitespace inside the JSON, padding, empty tensors at one offset', () => {
    const ok = file(`{"__metadata__":null, "a" : ${f32('[0,4]')},"e":${f32('[4,4]', '[0,2]')},"f":${f32('[4,4]', '[0]')}}\n   `, [0, 0, 0x80, 0x3f]);
    const { tensors, metadata } = parseSafetensors(ok);
    expect(metadata).toEqual({});
    expect(Object.keys(tensors)).toEqual(['a', 'e', 'f']);
    expect(tensors.a.item()).toBe(1);
  });
});

describe('serializeSafetensors rejects', () => {
  it('BAD_TENSOR: values that are not Tensors, or a tensor whose data no longer fills its shape', () => {
    const notTensor = { w: [1, 2] } as unknown as Record<string, Tensor>;
    expect(() => serializeSafetensors(notTensor)).toThrow(expect.objectContaining({ code: 'BAD_TENSOR', message: "safetensors: tensor 'w' is an array, expected a Tensor" }));
    const t = tensor([1, 2, 3]);
    t.data = new Float32Array(2);
    expect(() => serializeSafetensors({ t })).toThrow(expect.objectContaining({ code: 'BAD_TENSOR', message: "safetensors: tensor 't' holds 2 elements but its shape [3] needs 3" }));
  });

  it('BAD_NAME: the reserved name __metadata__ and names UTF-8 cannot encode', () => {
    expect(() => serializeSafetensors({ __metadata__: tensor([1]) })).toThrow(expect.objectContaining({ code: 'BAD_NAME' }));
    expect(() => serializeSafetensors({ 'a\ud800': tensor([1]) })).toThrow(expect.objectContaining({ code: 'BAD_NAME', message: expect.stringContaining('lone UTF-16 surrogate') }));
  });

  it('BAD_METADATA: non-string metadata values', () => {
    const metadata = { epoch: 3 } as unknown as Record<string, string>;
    expect(() => serializeSafetensors({}, metadata)).toThrow(expect.objectContaining({ code: 'BAD_METADATA', message: "safetensors: metadata key 'epoch' is a number, expected a string" }));
  });
});
