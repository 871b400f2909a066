import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { SafetensorsError } from './errors.js';
import { decodeElements, encodeElements, float16ToFloat32Bits } from './elements.js';
import {
  loadSafetensors,
  parseSafetensors,
  saveSafetensors,
  serializeSafetensors,
} from './safetensors.js';

const fixtures = resolve(import.meta.dirname, '../../../../test/fixtures/safetensors');

interface ExpectedTensor {
  dtype: string;
  shape: number[];
  values: (number | string)[];
}
interface ExpectedFile {
  metadata: Record<string, string> | null;
  tensors: Record<string, ExpectedTensor>;
}

/** The JSON form the fixture script uses for values JSON cannot hold. */
function jsonValue(v: number | string): number {
  const special: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };
  return typeof v === 'number' ? v : special[v];
}

function header(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

function sample(): Record<string, Tensor> {
  return {
    weight: tensor([[1.5, -2], [3.25, 0.1]], [2, 2]),
    bias: tensor(new Float64Array([Math.PI, -1e-300, 1e300])),
    scalar: tensor(new Float32Array([7.5]), []),
    empty: tensor(new Float32Array(0), [0, 4]),
    ids: tensor(new Int32Array([-2147483648, 0, 2147483647]), [3]),
    'empty.ids': tensor(new Int32Array(0), [2, 0]),
  };
}

function expectSameTensor(got: Tensor, want: Tensor): void {
  expect(got.dtype).toBe(want.dtype);
  expect(got.shape).toEqual(want.shape);
  expect(Array.from(got.data)).toEqual(Array.from(want.data));
}

describe('serializeSafetensors / parseSafetensors round trip', () => {
  it('gives back float32, float64 and int32 tensors, 0-d and empty ones included, with their metadata', () => {
    const tensors = sample();
    const metadata = { format: 'pt', note: 'ü / "quoted"\n' };
    const back = parseSafetensors(serializeSafetensors(tensors, metadata));
    expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(tensors).sort());
    for (const name of Object.keys(tensors)) expectSameTensor(back.tensors[name], tensors[name]);
    expect(back.metadata).toEqual(metadata);
    // 0-d stays 0-d (shape [] holding one element), empty keeps its zero dim
    expect(back.tensors.scalar.shape).toEqual([]);
    expect(back.tensors.scalar.item()).toBe(7.5);
    expect(back.tensors.empty.shape).toEqual([0, 4]);
  });

  it('keeps float bits exactly: -0, ±inf, NaN and the smallest subnormal', () => {
    const data = new Float32Array([-0, Infinity, -Infinity, NaN, 2 ** -149]);
    const back = parseSafetensors(serializeSafetensors({ x: tensor(data) })).tensors.x.data;
    expect(new Uint8Array(back.buffer)).toEqual(new Uint8Array(data.buffer));
  });

  it('writes no metadata key without metadata, and an empty one for {} (as the reference does for None and {})', () => {
    expect(header(serializeSafetensors({}))).toBe('{}      ');
    expect(header(serializeSafetensors({}, {}))).toBe('{"__metadata__":{}}     ');
    expect(parseSafetensors(serializeSafetensors({})).metadata).toEqual({});
  });

  it('treats __proto__ as an ordinary tensor name and metadata key', () => {
    const tensors: Record<string, Tensor> = {};
    Object.defineProperty(tensors, '__proto__', { value: tensor([1, 2]), enumerable: true });
    const metadata: Record<string, string> = JSON.parse('{"__proto__": "x"}');
    const back = parseSafetensors(serializeSafetensors(tensors, metadata));
    expect(Object.keys(back.tensors)).toEqual(['__proto__']);
    expect(Array.from(Object.getOwnPropertyDescriptor(back.tensors, '__proto__')?.value.data)).toEqual([1, 2]);
    expect(Object.getPrototypeOf(back.tensors)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value).toBe('x');
  });

  it('copies tensors out of the input: later changes to the bytes do not show, unaligned input works', () => {
    const bytes = serializeSafetensors({ w: tensor([1, 2, 3]) });
    const shifted = new Uint8Array(bytes.length + 1).subarray(1); // byteOffset 1: not 4-aligned
    shifted.set(bytes);
    const w = parseSafetensors(shifted).tensors.w;
    shifted.fill(0);
    expect(Array.from(w.data)).toEqual([1, 2, 3]);
    expect(w.data.byteOffset).toBe(0);
  });
});

describe('serializeSafetensors layout (bytes of the reference writer, safetensors/src/tensor.rs tests)', () => {
  const f32 = (n: number) => new Float32Array(Array.from({ length: n }, (_, i) => i));

  it('"attn.0" [1, 2, 3]: 64-byte header that needs no padding, then 24 data bytes', () => {
    const out = serializeSafetensors({ 'attn.0': tensor(f32(6), [1, 2, 3]) });
    expect(Array.from(out.subarray(0, 8))).toEqual([64, 0, 0, 0, 0, 0, 0, 0]);
    expect(header(out)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(Array.from(out.subarray(72))).toEqual([0, 0, 0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64]);
  });

  it('"attn0" [1, 1, 2, 3]: 65-byte JSON padded with 7 spaces to 72, so the data is 8-aligned', () => {
    const out = serializeSafetensors({ attn0: tensor(f32(6), [1, 1, 2, 3]) });
    expect(out[0]).toBe(72);
    expect(header(out)).toBe('{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       ');
    expect(out.length).toBe(8 + 72 + 24);
  });

  it('empty file with metadata {framework: pt}: 40-byte header (35 bytes of JSON + 5 spaces)', () => {
    const out = serializeSafetensors({}, { framework: 'pt' });
    expect(Array.from(out.subarray(0, 8))).toEqual([40, 0, 0, 0, 0, 0, 0, 0]);
    expect(header(out)).toBe('{"__metadata__":{"framework":"pt"}}     ');
  });

  it('orders tensors F64, F32, I32, then by name in UTF-8 byte order (U+FFFF before U+1F600)', () => {
    const one = (dtype: 'float32' | 'float64' | 'int32') => tensor([1], [1], { dtype });
    const out = serializeSafetensors({ a: one('int32'), '\u{1F600}': one('float32'), '\uffff': one('float32'), b: one('float32'), z: one('float64') });
    const names = [...header(out).matchAll(/"([^"]+)":\{"dtype":"(\w+)"/g)].map((m) => `${m[1]}:${m[2]}`);
    // '\uffff' < '\u{1F600}' in code points although its UTF-16 unit 0xFFFF is above the surrogate 0xD83D
    expect(names).toEqual(['z:F64', 'b:F32', '\uffff:F32', '\u{1F600}:F32', 'a:I32']);
  });

  it('escapes names as the reference does: control characters as \\u00XX, "/" and DEL kept', () => {
    const out = serializeSafetensors({ 'a\n"/\u0001\u007f': tensor([1]) });
    expect(header(out)).toContain('"a\\n\\"/\\u0001\u007f":{');
  });

  it('is deterministic: metadata keys are written sorted whatever the insertion order', () => {
    const a = serializeSafetensors({ x: tensor([1]) }, { b: '2', a: '1' });
    const b = serializeSafetensors({ x: tensor([1]) }, { a: '1', b: '2' });
    expect(a).toEqual(b);
    expect(header(a)).toContain('{"__metadata__":{"a":"1","b":"2"},');
  });
});

describe('the Python-written fixture (scripts/reference/make_safetensors_fixture.py)', () => {
  let expected: { reference: ExpectedFile; dtypes: ExpectedFile };
  let reference: Uint8Array;
  beforeAll(async () => {
    expected = JSON.parse(await readFile(join(fixtures, 'expected.json'), 'utf8'));
    reference = await readFile(join(fixtures, 'reference.safetensors'));
  });

  function expectValues(got: Tensor, want: ExpectedTensor, dtype: string): void {
    expect(got.dtype).toBe(dtype);
    expect(got.shape).toEqual(want.shape);
    const values = Array.from(got.data);
    expect(values.length).toBe(want.values.length);
    // Object.is so that -0 ≠ 0 and NaN = NaN
    values.forEach((v, i) => expect(Object.is(v, jsonValue(want.values[i])), `element ${i}: ${v} vs ${want.values[i]}`).toBe(true));
  }

  it('reads every F32/F64/I32 tensor and the metadata exactly', () => {
    const { tensors, metadata } = parseSafetensors(reference);
    expect(metadata).toEqual({ format: 'pt' });
    expect(Object.keys(tensors).sort()).toEqual(Object.keys(expected.reference.tensors).sort());
    const ours = { F32: 'float32', F64: 'float64', I32: 'int32' } as const;
    for (const [name, want] of Object.entries(expected.reference.tensors)) {
      expectValues(tensors[name], want, ours[want.dtype as keyof typeof ours]);
    }
  });

  it('writes the same tensors byte-identical to the Python file (checked there against safetensors 0.8 save)', () => {
    const { tensors, metadata } = parseSafetensors(reference);
    expect(serializeSafetensors(tensors, metadata)).toEqual(new Uint8Array(reference));
  });

  it('widens F16/BF16 to float32 and BOOL/U8/I8/I16/U16 to int32, and narrows fitting I64/U32/U64 to int32', async () => {
    const { tensors } = parseSafetensors(await readFile(join(fixtures, 'dtypes.safetensors')));
    expect(Object.keys(tensors).length).toBe(11);
    for (const [name, want] of Object.entries(expected.dtypes.tensors)) {
      expectValues(tensors[name], want, want.dtype === 'F16' || want.dtype === 'BF16' ? 'float32' : 'int32');
    }
  });
});

describe('element conversion', () => {
  it('float16ToFloat32Bits agrees with the arithmetic definition on all 65536 half bit patterns', () => {
    const f32 = new Float32Array(1);
    const bits = new Uint32Array(f32.buffer);
    let checked = 0;
    for (let h = 0; h < 0x10000; h++) {
      const sign = h & 0x8000 ? -1 : 1;
      const exp = (h >> 10) & 0x1f;
      const mant = h & 0x3ff;
      const want = exp === 0 ? sign * mant * 2 ** -24 : exp === 31 ? (mant ? NaN : sign * Infinity) : sign * (1 + mant / 1024) * 2 ** (exp - 15);
      bits[0] = float16ToFloat32Bits(h);
      if (!Object.is(f32[0], want)) throw new Error(`half 0x${h.toString(16)}: got ${f32[0]}, expected ${want}`);
      checked++;
    }
    expect(checked).toBe(65536);
    bits[0] = float16ToFloat32Bits(0x7e01); // NaN payload 0x201 moves up by 13 bits
    expect(bits[0]).toBe(0x7fc02000);
  });

  it('the big-endian path reverses each element, and decoding undoes it', () => {
    const data = new Float64Array([1, -2.5]);
    const dst = new Uint8Array(16);
    encodeElements(data, dst, false);
    // On this little-endian host the swapped bytes are the big-endian encoding
    const view = new DataView(new ArrayBuffer(16));
    view.setFloat64(0, 1, false);
    view.setFloat64(8, -2.5, false);
    expect(dst).toEqual(new Uint8Array(view.buffer));
    expect(Array.from(decodeElements('x', 'F64', dst, 2, false))).toEqual([1, -2.5]);
  });
});

describe('saveSafetensors / loadSafetensors', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'recurrent-safetensors-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('saves atomically (no temp file left) and loads the same tensors back', async () => {
    const path = join(dir, 'model.safetensors');
    await saveSafetensors(path, sample(), { epoch: '3' });
    expect(await readdir(dir)).toEqual(['model.safetensors']);
    const back = await loadSafetensors(path);
    for (const [name, t] of Object.entries(sample())) expectSameTensor(back.tensors[name], t);
    expect(back.metadata).toEqual({ epoch: '3' });
  });

  it('names the file in load errors and refuses files over maxTotalBytes before reading them', async () => {
    const path = join(dir, 'bad.safetensors');
    await writeFile(path, new Uint8Array([1, 2, 3]));
    await expect(loadSafetensors(path)).rejects.toMatchObject({ code: 'TRUNCATED', message: expect.stringContaining(`${path}: the file is 3 bytes long`) });
    const good = join(dir, 'model.safetensors');
    await expect(loadSafetensors(good, { maxTotalBytes: 10 })).rejects.toBeInstanceOf(SafetensorsError);
    await expect(loadSafetensors(good, { maxTotalBytes: 10 })).rejects.toMatchObject({ code: 'FILE_TOO_LARGE' });
  });
});

describe('parseSafetensors without copying', () => {
  it('copy: false views aligned F32/F64/I32 data in the file buffer; copies what is not aligned; default copies', () => {
    const bytes = serializeSafetensors({
      a: tensor([1.5, -2, 3], undefined, { dtype: 'float32' }),
      b: tensor([[7, 8]], undefined, { dtype: 'int32' }),
    });
    const viewed = parseSafetensors(bytes, { copy: false }).tensors;
    expect(Array.from(viewed.a.data)).toEqual([1.5, -2, 3]);
    expect(Array.from(viewed.b.data)).toEqual([7, 8]);
    // The header is padded so that data starts 8-aligned: both are views sharing the file's buffer.
    expect(viewed.a.data.buffer).toBe(bytes.buffer);
    expect(viewed.b.data.buffer).toBe(bytes.buffer);
    expect(parseSafetensors(bytes).tensors.a.data.buffer).not.toBe(bytes.buffer);
    // The same file one byte into a larger buffer: not aligned, so copied, with the same values.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const copied = parseSafetensors(shifted.subarray(1), { copy: false }).tensors;
    expect(copied.a.data.buffer).not.toBe(shifted.buffer);
    expect(Array.from(copied.a.data)).toEqual([1.5, -2, 3]);
  });
});
