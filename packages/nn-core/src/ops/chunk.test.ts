import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { arange, randn, tensor, zeros } from '../creation.js';
import { manualSeed } from '../random.js';
import { ShapeError } from '../shape.js';
import { chunk, split } from './chunk.js';
import { mul } from './binary.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const shapes = (ts: { shape: number[] }[]) => ts.map((t) => t.shape);

describe('chunk', () => {
  it('uses ceil division and may return fewer chunks (PyTorch: 6 in 4 chunks → 3 pieces of 2)', () => {
    expect(shapes(chunk(zeros([6]), 4))).toEqual([[2], [2], [2]]);
    expect(shapes(chunk(zeros([2, 5]), 3, 1))).toEqual([[2, 2], [2, 2], [2, 1]]);
    expect(shapes(chunk(zeros([2, 5]), 2, -1))).toEqual([[2, 3], [2, 2]]);
  });

  it('returns `chunks` empty pieces for an empty dim (PyTorch chunk(zeros(0), 3))', () => {
    expect(shapes(chunk(zeros([0]), 3))).toEqual([[0], [0], [0]]);
  });

  it('rejects chunks ≤ 0 and 0-d tensors', () => {
    expect(() => chunk(zeros([4]), 0)).toThrow('chunk: chunks must be a positive integer, got 0');
    expect(() => chunk(tensor(1), 1)).toThrow(ShapeError);
  });
});

describe('split', () => {
  it('splits by size with a smaller last piece: 7 rows by 3 → 3, 3, 1', () => {
    const pieces = split(arange(14, undefined, 1, { dtype: 'int32' }), 3);
    expect(pieces.map((p) => p.toArray())).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11], [12, 13]]);
    expect(shapes(split(zeros([7, 2]), 3))).toEqual([[3, 2], [3, 2], [1, 2]]);
    expect(shapes(split(zeros([0]), 3))).toEqual([[0]]);
  });

  it('splits by sections, including an empty one: [1, 0, 5] of arange(6)', () => {
    expect(split(arange(6), [1, 0, 5]).map((p) => p.toArray())).toEqual([[0], [], [1, 2, 3, 4, 5]]);
  });

  it('rejects sections that do not add up to the dim size, naming both', () => {
    expect(() => split(zeros([2, 4]), [1, 2], 1)).toThrow('split: sections [1, 2] add up to 3, expected the size 4 of dim 1 (shape [2, 4])');
    expect(() => split(zeros([4]), 0)).toThrow(/splitSize 0 is only allowed for a dim of size 0/);
    expect(() => split(zeros([4]), [2, -1, 3])).toThrow('split: section 1 is -1, expected a non-negative integer');
  });

  it('fills zeros for pieces that got no gradient', () => {
    const x = tensor([1, 2, 3, 4, 5], undefined, { requiresGrad: true });
    const [, b] = split(x, 2);
    mul(b, 10).backward(tensor([1, 1]));
    expect(x.grad?.toArray()).toEqual([0, 0, 10, 10, 0]);
  });

  it('gradcheck in float64 (split by size and sections, chunk on a middle dim)', () => {
    manualSeed(12);
    const x = randn([2, 5, 3], f64);
    assertGradcheck((a) => split(a, 2, 1), [x]);
    assertGradcheck((a) => split(a, [1, 2], -1), [x]);
    assertGradcheck((a) => chunk(a, 3, 1), [x]);
    // Only one piece reaches the output: the others' gradients are zeros.
    assertGradcheck((a) => chunk(a, 2, 0)[1], [x]);
  });
});
