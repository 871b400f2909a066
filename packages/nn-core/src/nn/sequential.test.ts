import { describe, expect, it } from 'vitest';
import { tensor } from '../creation.js';
import { relu } from '../ops/unary.js';
import type { Tensor } from '../autograd/tensor.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { Sequential } from './sequential.js';

class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
}

describe('Sequential', () => {
  it('key children 0, 1, 2 so state-dict keys match PyTorch', () => {
    const s = new Sequential(new Linear(2, 3), new ReLU(), new Linear(3, 1));
    expect(Object.keys(s.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    expect(s.length).toBe(3);
    expect(s.at(-1)).toBeInstanceOf(Linear);
    expect([...s]).toHaveLength(3);
    expect(s.toString()).toBe(
      'Sequential(\n  (0): Linear(in_features=2, out_features=3, bias=true)\n  (1): ReLU()\n' +
        '  (2): Linear(in_features=3, out_features=1, bias=true)\n)',
    );
  });

  it('chain forwards in order', () => {
    const s = new Sequential(new Linear(2, 2), new ReLU());
    s.loadStateDict({ '0.weight': tensor([[1, 0], [0, -1]]), '0.bias': tensor([0, 0]) });
    // [3, 4] → [3, −4] → relu → [3, 0].
    expect(s.forward(tensor([3, 4])).toArray()).toEqual([3, 0]);
  });

  it('propagate eval() to children', () => {
    const d = new Dropout(0.5);
    const s = new Sequential(d).eval();
    expect(d.training).toBe(false);
    expect(() => s.at(1)).toThrow('Sequential: index 1 is out of range for 1 modules');
  });
});
