import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { Generator } from '../random.js';
import { Embedding } from './embedding.js';

describe('Embedding', () => {
  it('register weight (V, E) drawn from N(0, 1) with the padding row zeroed', () => {
    const m = new Embedding(500, 8, { paddingIdx: 2, generator: new Generator(1), dtype: 'float64' });
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.weight.shape).toEqual([500, 8]);
    expect(Array.from(m.weight.data.subarray(16, 24))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    const vals = Array.from(m.weight.data);
    const mean = vals.reduce((a, b) => a + b, 0) / vals.length;
    const sd = Math.sqrt(vals.reduce((a, b) => a + (b - mean) ** 2, 0) / vals.length);
    // 4000 draws (8 of them zeroed): mean within ±0.06, std within ±0.05 of N(0, 1)'s.
    expect(Math.abs(mean)).toBeLessThan(0.06);
    expect(Math.abs(sd - 1)).toBeLessThan(0.05);
    expect(m.toString()).toBe('Embedding(500, 8, padding_idx=2)');
  });

  it('wrap a negative paddingIdx: −1 with 5 rows is row 4', () => {
    const m = new Embedding(5, 3, { paddingIdx: -1 });
    expect(m.paddingIdx).toBe(4);
    expect(Array.from(m.weight.data.subarray(12, 15))).toEqual([0, 0, 0]);
    expect(() => new Embedding(5, 3, { paddingIdx: 5 })).toThrow('Embedding: paddingIdx 5 is out of range for numEmbeddings=5, expected -5..4');
  });

  it('look up nested index arrays of any shape and keep the padding row gradient zero', () => {
    const m = Embedding.fromPretrained(tensor([[1, 2], [3, 4], [5, 6]]), { freeze: false, paddingIdx: 0 });
    const out = m.forward([[2, 0], [0, 1]]);
    expect(out.toArray()).toEqual([[[5, 6], [1, 2]], [[1, 2], [3, 4]]]);
    out.backward(tensor([[[1, 1], [1, 1]], [[1, 1], [1, 1]]]));
    expect(m.weight.grad?.toArray()).toEqual([[0, 0], [1, 1], [1, 1]]);
  });

  it('freeze pretrained weights by default', () => {
    expect(Embedding.fromPretrained(tensor([[1, 2]])).weight.requiresGrad).toBe(false);
  });

  it('name the index and numEmbeddings when out of range', () => {
    expect(() => new Embedding(10, 3).forward([[1, 12]])).toThrow(
      new RangeError('embedding: index 12 is out of range for numEmbeddings=10 (expected 0..9)'),
    );
  });
});
