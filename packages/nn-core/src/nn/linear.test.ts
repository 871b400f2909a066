import { describe, expect, it } from 'vitest';
import { tensor, zeros } from '../creation.js';
import { Generator } from '../random.js';
import { Linear } from './linear.js';

describe('Linear', () => {
  it('register weight (out, in) then bias (out), with PyTorch keys', () => {
    const m = new Linear(3, 2);
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    expect(m.weight.shape).toEqual([2, 3]);
    expect(m.bias?.shape).toEqual([2]);
    expect(m.weight.dtype).toBe('float32');
    expect(new Linear(3, 2, { bias: false }).parameters()).toHaveLength(1);
    expect(new Linear(3, 2, { dtype: 'float64' }).weight.dtype).toBe('float64');
    expect(m.toString()).toBe('Linear(in_features=3, out_features=2, bias=true)');
  });

  it('initialize weight and bias within ±1/√in_features = ±0.25 for in_features = 16', () => {
    const m = new Linear(16, 64, { generator: new Generator(9), dtype: 'float64' });
    for (const p of m.parameters()) {
      const vals = Array.from(p.data);
      expect(Math.max(...vals.map(Math.abs))).toBeLessThanOrEqual(0.25);
    }
    // 1024 uniform weights reach within 0.005 of the bound (probability of failing ≈ 2·(1 − 0.02)^1024 ≈ 2e-9).
    expect(Math.max(...Array.from(m.weight.data).map(Math.abs))).toBeGreaterThan(0.245);
    // A seeded generator makes the init reproducible.
    const again = new Linear(16, 64, { generator: new Generator(9), dtype: 'float64' });
    expect(again.weight.data).toEqual(m.weight.data);
  });

  it('map (*, in) → (*, out) with the loaded weights', () => {
    const m = new Linear(3, 2);
    m.loadStateDict({ weight: tensor([[1, 0, -1], [2, 1, 0]]), bias: tensor([0.5, -1]) });
    // Row [1, 2, 3]: [1 − 3 + 0.5, 2 + 2 − 1] = [−1.5, 3].
    expect(m.forward(tensor([[[1, 2, 3]]])).toArray()).toEqual([[[-1.5, 3]]]);
  });

  it('name in_features on a mismatch', () => {
    expect(() => new Linear(8, 2).forward(zeros([5, 7]))).toThrow(
      'Linear: input has 7 features in its last dim, expected in_features=8 (input shape [5, 7])',
    );
    expect(() => new Linear(-1, 2)).toThrow('Linear: inFeatures must be a non-negative integer, got -1');
  });

  it('send gradients to weight and bias', () => {
    const m = new Linear(2, 1);
    m.loadStateDict({ weight: tensor([[0, 0]]), bias: tensor([0]) });
    m.forward(tensor([[1, 2], [3, 4]])).backward(tensor([[1], [1]]));
    // dW = Σ_rows dout·x = [1 + 3, 2 + 4]; db = 2 rows.
    expect(Array.from(m.weight.grad?.data ?? [])).toEqual([4, 6]);
    expect(Array.from(m.bias?.grad?.data ?? [])).toEqual([2]);
  });
});
