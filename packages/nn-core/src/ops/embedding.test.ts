import { describe, expect, it } from 'vitest';
import { gradcheck } from '../autograd/gradcheck.js';
import { randn, tensor, zeros } from '../creation.js';
import { manualSeed } from '../random.js';
import { mul } from './binary.js';
import { embedding } from './embedding.js';

describe('embedding', () => {
  const w = tensor([[0, 1], [10, 11], [20, 21], [30, 31]]);

  it('pick rows for indices of any shape: (2, 3) → (2, 3, E)', () => {
    const out = embedding([[3, 0, 3], [1, 2, 1]], w);
    expect(out.shape).toEqual([2, 3, 2]);
    expect(out.toArray()).toEqual([[[30, 31], [0, 1], [30, 31]], [[10, 11], [20, 21], [10, 11]]]);
    expect(embedding(2, w).toArray()).toEqual([20, 21]);
    expect(embedding(tensor([1], undefined, { dtype: 'int32' }), w).shape).toEqual([1, 2]);
  });

  it('reject out-of-range and negative indices, naming the index and numEmbeddings', () => {
    expect(() => embedding([0, 4], w)).toThrow(new RangeError('embedding: index 4 is out of range for numEmbeddings=4 (expected 0..3)'));
    expect(() => embedding([-1], w)).toThrow(/index -1 is out of range/);
    expect(() => embedding(tensor([1]), w)).toThrow('embedding: indices are float32, expected an int32 tensor (or arrays of integers)');
    expect(() => embedding([0], w, { paddingIdx: 4 })).toThrow('embedding: paddingIdx 4 is out of range for numEmbeddings=4, expected -4..3');
  });

  it('accumulate the gradient of repeated indices: row 3 used twice gets 2·dout', () => {
    const wt = zeros([4, 2], { requiresGrad: true });
    embedding([3, 0, 3], wt).backward(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(wt.grad?.toArray()).toEqual([[3, 4], [0, 0], [0, 0], [6, 8]]);
  });

  it('give the padding row no gradient; negative paddingIdx wraps (−1 → row 3)', () => {
    const wt = zeros([4, 2], { requiresGrad: true });
    embedding([3, 0, 3], wt, { paddingIdx: -1 }).backward(tensor([[1, 2], [3, 4], [5, 6]]));
    expect(wt.grad?.toArray()).toEqual([[3, 4], [0, 0], [0, 0], [0, 0]]);
  });

  it('gradcheck in float64 with repeated indices; with paddingIdx exactly the padding row differs (analytic 0)', () => {
    manualSeed(5);
    const idx = [[1, 3, 1], [0, 1, 4]];
    const wt = randn([5, 3], { dtype: 'float64', requiresGrad: true });
    expect(gradcheck((x) => embedding(idx, x), [wt])).toEqual([]);
    // PyTorch semantics: the padding row is used by forward but never receives gradient, so the finite
    // differences disagree there (and only there) with an analytic gradient of exactly 0.
    const failures = gradcheck((x) => embedding(idx, x, { paddingIdx: 3 }), [wt]);
    expect(failures.map((f) => f.index)).toEqual([9, 10, 11]);
    expect(failures.every((f) => f.analytic === 0)).toBe(true);
  });
});

describe('embedding gradient added into weight.grad row by row', () => {
  /** The dense gradient, built as the reference: zeros, then dweight[idx[k]] += dout[k] in index order. */
  function dense(V: number, E: number, idx: number[], dout: Float32Array, pad: number): Float32Array {
    const d = new Float32Array(V * E);
    idx.forEach((v, k) => {
      if (v !== pad) for (let e = 0; e < E; e++) d[v * E + e] += dout[k * E + e];
    });
    return d;
  }

  it('gives the bits of grad + dense gradient: repeated indices, padding row, accumulated over two backward passes', () => {
    manualSeed(5);
    const [V, E] = [9, 5];
    const idx = [3, 1, 3, 0, 8, 3, 1, 0];
    const w = randn([V, E], { requiresGrad: true });
    const dout = randn([idx.length, E]);
    const expected = new Float32Array(V * E);
    for (let pass = 0; pass < 2; pass++) {
      embedding(tensor(idx, undefined, { dtype: 'int32' }), w, { paddingIdx: 0 }).backward(dout);
      const d = dense(V, E, idx, dout.data as Float32Array, 0);
      for (let i = 0; i < expected.length; i++) expected[i] += d[i]; // float32 += rounds like the engine's
      expect(Array.from(w.grad!.data)).toEqual(Array.from(expected));
    }
    // rows 2, 4–7 were never looked up and row 0 is padding: exactly zero, not −0 or NaN
    for (const v of [0, 2, 4, 5, 6, 7]) expect(Array.from(w.grad!.data.slice(v * E, v * E + E))).toEqual([0, 0, 0, 0, 0]);
  });

  it('a weight that is not a leaf (computed by another op) receives the dense gradient through it', () => {
    manualSeed(6);
    const base = randn([4, 3], { requiresGrad: true });
    const idx = tensor([2, 2, 1], undefined, { dtype: 'int32' });
    const dout = randn([3, 3]);
    embedding(idx, mul(base, 2)).backward(dout);
    // d(2·base) = 2 · dweight: rows 2 (twice) and 1
    const d = dense(4, 3, [2, 2, 1], dout.data as Float32Array, -1);
    expect(Array.from(base.grad!.data)).toEqual(Array.from(d, (v) => Math.fround(2 * v)));
  });
});
