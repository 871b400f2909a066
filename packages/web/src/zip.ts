/**
 * A store-only ZIP writer (no compression), enough to hand a model directory to the user as one download.
 *
 * Written here rather than taken from npm: the three files of a model directory need no compression (the weights
 * are float32 and barely compress), and the format for stored entries is a few fixed headers around each file plus
 * a CRC-32 (PKWARE APPNOTE.TXT 6.3.x, sections 4.3.7, 4.3.12, 4.3.16; CRC-32 as in ISO 3309 / zlib).
 * Entries carry no timestamps beyond the format's earliest date, so the same files always give the same bytes.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (reflected polynomial 0xEDB88320, as zlib's `crc32`) of `bytes`. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** 1980-01-01 00:00 in MS-DOS date/time fields (the format has no earlier date). */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Bit 11 of the general-purpose flags: file names are UTF-8. */
const UTF8_NAMES = 1 << 11;

/**
 * A ZIP archive holding `files` (name → contents; strings are written as UTF-8), stored uncompressed, in the
 * given order. Names may contain `/` for folders. Archives over 4 GiB (ZIP64) are not supported.
 */
export function zipStore(files: Record<string, Uint8Array | string>): Uint8Array<ArrayBuffer> {
  const enc = new TextEncoder();
  const entries = Object.entries(files).map(([name, data]) => {
    if (name === '' || name.startsWith('/') || name.includes('\\')) throw new RangeError(`zipStore: bad file name '${name}'`);
    const bytes = typeof data === 'string' ? enc.encode(data) : data;
    return { name: enc.encode(name), bytes, crc: crc32(bytes), offset: 0 };
  });
  const localSize = entries.reduce((s, e) => s + 30 + e.name.length + e.bytes.length, 0);
  const centralSize = entries.reduce((s, e) => s + 46 + e.name.length, 0);
  const total = localSize + centralSize + 22;
  if (total > 0xffffffff || entries.length > 0xffff) throw new RangeError('zipStore: archive too large for a ZIP without ZIP64');
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let p = 0;
  const u16 = (v: number): void => {
    view.setUint16(p, v, true);
    p += 2;
  };
  const u32 = (v: number): void => {
    view.setUint32(p, v, true);
    p += 4;
  };
  const bytes = (b: Uint8Array): void => {
    out.set(b, p);
    p += b.length;
  };
  // Version, flags, method (0 = stored), time, date, CRC, sizes, name length: shared by both headers.
  const common = (e: (typeof entries)[number]): void => {
    u16(20);
    u16(UTF8_NAMES);
    u16(0);
    u16(DOS_TIME);
    u16(DOS_DATE);
    u32(e.crc);
    u32(e.bytes.length);
    u32(e.bytes.length);
    u16(e.name.length);
  };
  for (const e of entries) {
    e.offset = p;
    u32(0x04034b50); // local file header
    common(e);
    u16(0); // extra field length
    bytes(e.name);
    bytes(e.bytes);
  }
  const centralStart = p;
  for (const e of entries) {
    u32(0x02014b50); // central directory header
    u16(20); // version made by
    common(e);
    u16(0); // extra field length
    u16(0); // comment length
    u16(0); // disk number
    u16(0); // internal attributes
    u32(0); // external attributes
    u32(e.offset);
    bytes(e.name);
  }
  u32(0x06054b50); // end of central directory
  u16(0);
  u16(0);
  u16(entries.length);
  u16(entries.length);
  u32(centralSize);
  u32(centralStart);
  u16(0);
  return out;
}

/**
 * The files of a store-only ZIP archive (as `zipStore` writes; also other stored, non-ZIP64 archives), read
 * through the central directory, each checked against its CRC-32. Throws a RangeError for anything else.
 */
export function unzipStore(zip: Uint8Array): Record<string, Uint8Array> {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (end < 0 || view.getUint32(end, true) !== 0x06054b50) throw new RangeError('unzipStore: no end-of-central-directory record (archives with a comment are not read)');
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const dec = new TextDecoder('utf-8', { fatal: true });
  const out: Record<string, Uint8Array> = {};
  for (let i = 0; i < count; i++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new RangeError(`unzipStore: bad central directory header at byte ${p}`);
    const method = view.getUint16(p + 10, true);
    const crc = view.getUint32(p + 16, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const skip = view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    const offset = view.getUint32(p + 42, true);
    const name = dec.decode(zip.subarray(p + 46, p + 46 + nameLength));
    if (method !== 0) throw new RangeError(`unzipStore: ${name} is compressed (method ${method}); only stored entries are read`);
    if (view.getUint32(offset, true) !== 0x04034b50) throw new RangeError(`unzipStore: bad local header for ${name}`);
    const start = offset + 30 + view.getUint16(offset + 26, true) + view.getUint16(offset + 28, true);
    const bytes = zip.slice(start, start + size);
    if (bytes.length !== size || crc32(bytes) !== crc) throw new RangeError(`unzipStore: ${name} is damaged (CRC-32 or size mismatch)`);
    out[name] = bytes;
    p += 46 + nameLength + skip;
  }
  return out;
}
