import { describe, expect, it } from 'vitest';
import { full, zeros } from './creation.js';

describe('full with zero', () => {
  it('zeros are +0 (fresh storage, not written); full(shape, −0) writes −0', () => {
    expect(Array.from(zeros([3]).data).every((v) => Object.is(v, 0))).toBe(true);
    expect(Object.is(full([2], -0).data[1], -0)).toBe(true);
    expect(Array.from(full([2], 2.5).data)).toEqual([2.5, 2.5]);
  });
});
