import { describe, expect, it } from 'vitest';
import { ProtoWriter } from './protobuf.js';

describe('ProtoWriter', () => {
  it('encodes 150 in field 1 as 08 96 01 (the protobuf encoding guide example)', () => {
    expect(Array.from(new ProtoWriter().int(1, 150).finish())).toEqual([0x08, 0x96, 0x01]);
  });

  it('encodes int64 −1 as ten bytes (two’s complement varint): tag, nine 0xff, 0x01', () => {
    expect(Array.from(new ProtoWriter().int(3, -1).finish())).toEqual([0x18, ...Array(9).fill(0xff), 0x01]);
  });

  it('encodes the string "testing" in field 2 as 12 07 then the 7 bytes (guide example)', () => {
    expect(Array.from(new ProtoWriter().string(2, 'testing').finish())).toEqual([0x12, 0x07, ...Buffer.from('testing')]);
  });

  it('packs repeated ints [3, 270, 86942] in field 4 as 22 06 03 8e 02 9e a7 05 (guide example)', () => {
    expect(Array.from(new ProtoWriter().packedInts(4, [3, 270, 86942]).finish())).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
  });

  it('rejects a non-integer int field value', () => {
    expect(() => new ProtoWriter().int(1, 1.5)).toThrow(/field 1 must be an integer, got 1.5/);
  });
});
