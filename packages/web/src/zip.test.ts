import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, unzipStore, zipStore } from './zip.js';

describe('crc32', () => {
  it('gives the standard check value and agrees with zlib on odd-length data', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    const data = Uint8Array.from({ length: 1237 }, (_, i) => (i * 131 + 7) & 0xff);
    expect(crc32(data)).toBe(zlibCrc32(data));
  });
});

describe('zipStore', () => {
  const files = { 'config.json': '{"a": "é"}\n', 'model/weights.bin': Uint8Array.from([0, 1, 2, 255, 254]), 'empty.txt': '' };

  it('writes headers that a reader finds, with the contents and CRCs of the files', () => {
    const zip = zipStore(files);
    const view = new DataView(zip.buffer);
    expect(view.getUint32(0, true)).toBe(0x04034b50);
    expect(view.getUint16(8, true)).toBe(0); // stored
    expect(view.getUint32(14, true)).toBe(zlibCrc32(new TextEncoder().encode(files['config.json'])));
    const back = unzipStore(zip);
    expect(Object.keys(back)).toEqual(Object.keys(files));
    expect(new TextDecoder().decode(back['config.json'])).toBe(files['config.json']);
    expect([...back['model/weights.bin']]).toEqual([0, 1, 2, 255, 254]);
    expect(back['empty.txt'].length).toBe(0);
  });

  it('is deterministic: the same files give the same bytes', () => {
    expect(zipStore(files)).toEqual(zipStore(files));
  });

  it('rejects bad names, and the reader rejects a damaged entry', () => {
    expect(() => zipStore({ '/abs': 'x' })).toThrow(/bad file name/);
    const zip = zipStore({ 'a.txt': 'hello' });
    zip[30 + 'a.txt'.length] ^= 1; // first content byte
    expect(() => unzipStore(zip)).toThrow(/a\.txt is damaged/);
  });
});
