import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { manualSeed } from '../random.js';
import { arange, ones, randn, tensor } from '../creation.js';
import { sum } from './reduce.js';
import { bmm, matmul, mm } from './matmul.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;
const vals = (t: { data: ArrayLike<number> }): number[] => Array.from(t.data);

describe('matmul', () => {
  const v = () => tensor([1, 2, 3]);
  const m = () => tensor([[1, 2], [3, 4], [5, 6]]);

  it('1-D · 1-D is a 0-d dot product: 1 + 4 + 9 = 14', () => {
    const d = matmul(v(), v());
    expect(d.shape).toEqual([]);
    expect(d.item()).toBe(14);
  });

  it('1-D · 2-D and 2-D · 1-D drop the promoted dim: [1, 2, 3]·[[1, 2], [3, 4], [5, 6]] = [22, 28]', () => {
    const r = matmul(v(), m());
    expect(r.shape).toEqual([2]);
    expect(vals(r)).toEqual([22, 28]);
    // [[1, 2], [3, 4], [5, 6]]·[1, 1] = row sums
    expect(vals(matmul(m(), tensor([1, 1])))).toEqual([3, 7, 11]);
  });

  it('2-D · 2-D: [[1, 2], [3, 4]]·[[5, 6], [7, 8]] = [[19, 22], [43, 50]]', () => {
    const c = mm(tensor([[1, 2], [3, 4]]), tensor([[5, 6], [7, 8]]));
    expect(c.shape).toEqual([2, 2]);
    expect(vals(c)).toEqual([19, 22, 43, 50]);
  });

  it('batched with broadcast batch dims: [2, 1, 3, 4]·[5, 4, 2] → [2, 5, 3, 2] (torch: sum 268.2, [1, 3, 2, 1] = 15.58)', () => {
    const a = tensor(vals(arange(24, undefined, 1, { dtype: 'float64' })).map((x) => x / 10), [2, 1, 3, 4], f64);
    const b = tensor(vals(arange(40, undefined, 1, { dtype: 'float64' })).map((x) => x / 10 - 1), [5, 4, 2], f64);
    const o = matmul(a, b);
    expect(o.shape).toEqual([2, 5, 3, 2]);
    expect(sum(o).item()).toBeCloseTo(268.2, 10);
    expect(o.data[((1 * 5 + 3) * 3 + 2) * 2 + 1]).toBeCloseTo(15.58, 12);
    sum(o).backward();
    // torch: a.grad[:4] = [6.5, 8.5, 10.5, 12.5], b.grad[:4] = [6, 6, 6.6, 6.6] (b's grad sums over a's batch of 2)
    vals(a.grad!).slice(0, 4).forEach((x, i) => expect(x).toBeCloseTo([6.5, 8.5, 10.5, 12.5][i], 12));
    vals(b.grad!).slice(0, 4).forEach((x, i) => expect(x).toBeCloseTo([6, 6, 6.6, 6.6][i], 12));
  });

  it('1-D operands broadcast against batches: (3)·(2, 3, 4) → (2, 4) and (2, 3, 4)·(4) → (2, 3)', () => {
    expect(matmul(ones([3]), ones([2, 3, 4])).shape).toEqual([2, 4]);
    const r = matmul(ones([2, 3, 4]), ones([4]));
    expect(r.shape).toEqual([2, 3]);
    // each entry sums four ones
    expect(vals(r)).toEqual([4, 4, 4, 4, 4, 4]);
  });

  it('bmm multiplies batch by batch', () => {
    const a = tensor([[[1, 2]], [[3, 4]]]); // (2, 1, 2)
    const b = tensor([[[1], [1]], [[2], [0]]]); // (2, 2, 1)
    // batch 0: 1 + 2 = 3; batch 1: 3·2 + 4·0 = 6
    expect(vals(bmm(a, b))).toEqual([3, 6]);
  });

  it('gradcheck in float64 for every form, with broadcasting and non-square dims', () => {
    manualSeed(21);
    const cases: [number[], number[]][] = [
      [[4], [4]],
      [[4], [4, 3]],
      [[2, 4], [4]],
      [[2, 4], [4, 3]],
      [[2, 3, 4], [4, 5]],
      [[4], [2, 4, 3]],
      [[2, 1, 3, 4], [5, 4, 2]],
    ];
    for (const [sa, sb] of cases) assertGradcheck((a, b) => matmul(a, b), [randn(sa, f64), randn(sb, f64)]);
    assertGradcheck((a, b) => mm(a, b), [randn([2, 3], f64), randn([3, 4], f64)]);
    assertGradcheck((a, b) => bmm(a, b), [randn([2, 3, 4], f64), randn([2, 4, 5], f64)]);
  });

  it('passes a gradient only to the operand that needs it', () => {
    const a = randn([2, 3], f64);
    const b = randn([3, 4], { dtype: 'float64' });
    sum(matmul(a, b)).backward();
    expect(a.grad!.shape).toEqual([2, 3]);
    expect(b.grad).toBeNull();
  });

  it('works in float32 on sizes that are not tile multiples (7×13·13×5 of ones = 13 everywhere)', () => {
    const c = matmul(ones([7, 13]), ones([13, 5]));
    expect(c.dtype).toBe('float32');
    expect(vals(c)).toEqual(new Array<number>(35).fill(13));
  });

  it('explains shape errors, naming both shapes and the dims', () => {
    expect(() => matmul(tensor([[1, 2, 3], [4, 5, 6]]), ones([4, 5]))).toThrow(
      "matmul: a is [2, 3] and b is [4, 5]; a's last dim (3) must equal b's first dim (4)",
    );
    expect(() => matmul(ones([3]), ones([2]))).toThrow("matmul: a is [3] and b is [2]; a's last dim (3) must equal b's only dim (2)");
    expect(() => matmul(ones([2, 2, 3]), ones([3, 3, 4]))).toThrow(
      'matmul: a is [2, 2, 3] and b is [3, 3, 4]; their batch dims [2] and [3] do not broadcast (2 vs 3)',
    );
    expect(() => matmul(tensor(1), ones([2]))).toThrow('matmul: both arguments need at least 1 dim, got shapes [] and [2]');
    expect(() => mm(ones([2, 3, 4]), ones([4, 5]))).toThrow('mm: a must be 2-D, got shape [2, 3, 4]');
    expect(() => bmm(ones([2, 3, 4]), ones([3, 4, 5]))).toThrow(
      'bmm: a is [2, 3, 4] and b is [3, 4, 5]; batch sizes must be equal (2 vs 3)',
    );
    expect(() => bmm(ones([2, 3, 4]), ones([2, 5, 5]))).toThrow(
      "bmm: a is [2, 3, 4] and b is [2, 5, 5]; a's last dim (4) must equal b's second-to-last dim (5)",
    );
    expect(() => matmul(ones([2]), ones([2], { dtype: 'float64' }))).toThrow(
      'matmul: a is float32 and b is float64, expected the same dtype',
    );
  });
});
