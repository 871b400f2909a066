import { describe, expect, it } from 'vitest';
import { copyBlocks, stridedGather, stridedScatter, stridedScatterAdd } from './strided.js';

describe('strided kernels', () => {
  it('gather a transposed view: src [[0,1,2],[3,4,5]] with strides [1,3] over shape [3,2] → 0,3,1,4,2,5', () => {
    const out = new Float64Array(6);
    stridedGather(Float64Array.from([0, 1, 2, 3, 4, 5]), 0, [1, 3], [3, 2], out);
    expect(Array.from(out)).toEqual([0, 3, 1, 4, 2, 5]);
  });

  it('handle a 0-d view (one element at the offset) and an empty view (nothing touched)', () => {
    const out = new Int32Array(1);
    stridedGather(Int32Array.from([7, 8, 9]), 2, [], [], out);
    expect(out[0]).toBe(9);
    const dst = Int32Array.from([1, 1]);
    stridedScatter(dst, 0, [1, 1], [2, 0], new Int32Array(0));
    expect(Array.from(dst)).toEqual([1, 1]);
  });

  it('scatter-add through a zero stride sums repeats: 3 × [1, 2] into a 2-vector → [3, 6]', () => {
    const dst = new Float64Array(2);
    stridedScatterAdd(dst, 0, [0, 1], [3, 2], Float64Array.from([1, 2, 1, 2, 1, 2]));
    expect(Array.from(dst)).toEqual([3, 6]);
  });

  it('scatter writes a strided view (every other element from offset 1)', () => {
    const dst = new Float64Array(6);
    stridedScatter(dst, 1, [2], [3], Float64Array.from([5, 6, 7]));
    expect(Array.from(dst)).toEqual([0, 5, 0, 6, 0, 7]);
  });

  it('copyBlocks moves one run per outer index: column 1..2 of a 2×3 matrix', () => {
    const dst = new Float32Array(4);
    copyBlocks(Float32Array.from([0, 1, 2, 3, 4, 5]), 3, 1, dst, 2, 0, 2, 2);
    expect(Array.from(dst)).toEqual([1, 2, 4, 5]);
  });
});
