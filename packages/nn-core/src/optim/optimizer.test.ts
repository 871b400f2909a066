import { describe, expect, it } from 'vitest';
import { isGradEnabled } from '../autograd/grad_mode.js';
import type { Tensor } from '../autograd/tensor.js';
import { tensor } from '../creation.js';
import { Parameter } from '../nn/parameter.js';
import { clearRecentWarnings, recentWarnings } from '../warnings.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { SGD } from './sgd.js';

const param = (values: number[], dtype: 'float32' | 'float64' = 'float32'): Parameter =>
  new Parameter(tensor(values, undefined, { dtype }));

describe('Optimizer base', () => {
  it('apply per-group options and skip parameters whose grad is null', () => {
    const a = param([1, 2]);
    const b = param([1, 2]);
    const c = param([5]);
    const opt = new SGD([{ params: [a, c] }, { params: b, lr: 1 }], { lr: 0.1 });
    a.grad = tensor([1, 1]);
    b.grad = tensor([1, 1]);
    opt.step();
    // a: 1 − 0.1·1, b: 1 − 1·1; c has no grad and is untouched.
    expect(Array.from(a.data)).toEqual([Math.fround(0.9), Math.fround(1.9)]);
    expect(Array.from(b.data)).toEqual([0, 1]);
    expect(Array.from(c.data)).toEqual([5]);
    expect(opt.paramGroups[1]).toMatchObject({ lr: 1, momentum: 0, weightDecay: 0, nesterov: false });
  });

  it('zeroGrad zero-fills (torch 1.13 default) or sets to null', () => {
    const a = param([1]);
    a.grad = tensor([3]);
    const opt = new SGD([a], { lr: 0.1 });
    opt.zeroGrad();
    expect(Array.from(a.grad.data)).toEqual([0]);
    opt.zeroGrad(true);
    expect(a.grad).toBeNull();
  });

  it('run the closure with grad mode on and return its loss', () => {
    const a = param([1]);
    const opt = new SGD([a], { lr: 0.1 });
    let enabled = false;
    expect(opt.step(() => ((enabled = isGradEnabled()), 2.5))).toBe(2.5);
    expect(enabled).toBe(true);
  });

  it('serialize state and groups as JSON, with parameter indices counted across groups', () => {
    const a = param([1, 2]);
    const b = param([3]);
    const c = param([4]);
    const opt = new SGD([{ params: [a] }, { params: [b, c], momentum: 0.5 }], { lr: 0.1, momentum: 0.9 });
    a.grad = tensor([1, 1]);
    c.grad = tensor([2]);
    opt.step();
    const sd = JSON.parse(JSON.stringify(opt.stateDict()));
    expect(sd.paramGroups.map((g: { params: number[] }) => g.params)).toEqual([[0], [1, 2]]);
    expect(sd.paramGroups[1]).toMatchObject({ lr: 0.1, momentum: 0.5, dampening: 0 });
    // The momentum buffer starts as the first gradient; b had no grad and has no state.
    expect(sd.state).toEqual({
      0: { momentum_buffer: { dtype: 'float32', shape: [2], data: [1, 1] } },
      2: { momentum_buffer: { dtype: 'float32', shape: [1], data: [2] } },
    });
  });

  it('continue identically after a JSON round trip of the state (Adam with amsgrad)', () => {
    const grads = [[0.5, -1], [0.25, 2], [-1, 0.75], [0.1, 0.2]];
    const straight = param([1, -1]);
    const o1 = new Adam([straight], { lr: 0.05, amsgrad: true });
    for (const g of grads) {
      straight.grad = tensor(g);
      o1.step();
    }
    const resumed = param([1, -1]);
    const o2 = new Adam([resumed], { lr: 0.05, amsgrad: true });
    for (const g of grads.slice(0, 2)) {
      resumed.grad = tensor(g);
      o2.step();
    }
    const copy = param(Array.from(resumed.data));
    const o3 = new Adam([copy], { lr: 999 });
    o3.loadStateDict(JSON.parse(JSON.stringify(o2.stateDict())));
    expect(o3.paramGroups[0].lr).toBe(0.05);
    for (const g of grads.slice(2)) {
      copy.grad = tensor(g);
      o3.step();
    }
    expect(Array.from(copy.data)).toEqual(Array.from(straight.data));
    expect(o3.state.get(copy)?.step).toBe(4);
  });

  it('convert loaded state to the parameter dtype and reject mismatched groups and shapes', () => {
    const a = param([1, 2]);
    const opt = new SGD([a], { lr: 0.1, momentum: 0.9 });
    opt.loadStateDict({
      state: { 0: { momentum_buffer: { dtype: 'float64', shape: [2], data: [0.1, 0.2] } } },
      paramGroups: [{ lr: 0.2, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false, maximize: false, params: [0] }],
    });
    const buf = opt.state.get(a)?.momentum_buffer as Tensor;
    // float64 values become the float32 parameter's dtype, rounded.
    expect(buf.dtype).toBe('float32');
    expect(Array.from(buf.data)).toEqual([Math.fround(0.1), Math.fround(0.2)]);
    const good = opt.stateDict();
    expect(() => opt.loadStateDict({ ...good, paramGroups: [...good.paramGroups, good.paramGroups[0]] })).toThrow(
      'SGD.loadStateDict: loaded state dict has 2 parameter groups, the optimizer has 1',
    );
    expect(() => opt.loadStateDict({ ...good, paramGroups: [{ ...good.paramGroups[0], params: [0, 1] }] })).toThrow(
      /loaded parameter group 0 has 2 parameters, the optimizer's group has 1/,
    );
    expect(() =>
      opt.loadStateDict({ ...good, state: { 0: { momentum_buffer: { dtype: 'float32', shape: [3], data: [1, 2, 3] } } } }),
    ).toThrow(/state 'momentum_buffer' of parameter 0: has shape \[3\] \(3 values\), the parameter has shape \[2\]/);
  });

  it('validate options with PyTorch conditions, naming the value', () => {
    const p = [param([1])];
    expect(() => new SGD(p)).toThrow("SGD: parameter group 0 didn't specify a value of required optimization parameter lr");
    expect(() => new SGD(p, { lr: -1 })).toThrow('SGD: invalid learning rate -1 in group 0, expected >= 0');
    expect(() => new SGD(p, { lr: 0.1, nesterov: true })).toThrow(/Nesterov momentum requires a momentum and zero dampening/);
    expect(() => new Adam(p, { betas: [0.9, 1] })).toThrow('Adam: invalid beta parameter at index 1: 1 in group 0, expected 0 <= beta < 1');
    expect(() => new AdamW(p, { eps: -1 })).toThrow('AdamW: invalid epsilon value -1 in group 0, expected >= 0');
    expect(() => new SGD([], { lr: 0.1 })).toThrow('SGD: got an empty parameter list');
    expect(() => new SGD([{ params: p }, { params: p }], { lr: 0.1 })).toThrow('SGD: some parameters appear in more than one parameter group');
    clearRecentWarnings();
    new SGD([p[0], p[0]], { lr: 0.1 });
    expect(recentWarnings()[0].message).toMatch(/duplicate parameters/);
  });

  it('AdamW defaults weightDecay to 1e-2 and Adam to 0', () => {
    expect(new AdamW([param([1])]).defaults.weightDecay).toBe(1e-2);
    expect(new Adam([param([1])]).defaults).toEqual({ lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false });
  });

  it('leave a float64 parameter update unrounded: p − lr·g = 1 − 0.1·0.3', () => {
    const p = param([1], 'float64');
    p.grad = tensor([0.3], undefined, { dtype: 'float64' });
    new SGD([p], { lr: 0.1 }).step();
    expect(p.data[0]).toBe(1 + -0.1 * 0.3);
  });
});
