import { describe, expect, it } from 'vitest';
import { resolveOptions } from './options.js';

describe('resolveOptions: the seed', () => {
  it('must leave room for seed + 2, the linear expert generator seed', () => {
    expect(resolveOptions({ train: 'x.tsv', seed: Number.MAX_SAFE_INTEGER - 2 }).seed).toBe(Number.MAX_SAFE_INTEGER - 2);
    expect(() => resolveOptions({ train: 'x.tsv', seed: Number.MAX_SAFE_INTEGER - 1 })).toThrow(
      'train: seed must be a safe integer below 2^53 − 2 (the run also uses seed + 1 and seed + 2), got 9007199254740990',
    );
    expect(() => resolveOptions({ train: 'x.tsv', seed: 0.5 })).toThrow('train: seed must be a safe integer below 2^53 − 2');
  });
});
