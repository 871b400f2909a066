import { describe, expect, it } from 'vitest';
import { Tensor } from '../autograd/tensor.js';
import { ones, tensor, zeros } from '../creation.js';
import { Module, moduleDtype } from './module.js';
import { Parameter } from './parameter.js';

/** A leaf with a weight (2, 3), an optional bias (2) and a buffer. */
class Leaf extends Module {
  weight: Parameter;
  bias: Parameter | null;
  count: Tensor;
  constructor(bias = true, dtype: 'float32' | 'float64' = 'float32') {
    super();
    this.weight = this.registerParameter('weight', new Parameter(zeros([2, 3], { dtype })));
    this.bias = this.registerParameter('bias', bias ? new Parameter(zeros([2], { dtype })) : null);
    this.count = this.registerBuffer('count', zeros([1], { dtype }));
  }
}

/** Own parameter registered after its children: PyTorch still lists own parameters first. */
class Tree extends Module {
  encoder: Leaf;
  head: Leaf;
  scale: Parameter;
  constructor() {
    super();
    this.encoder = this.registerModule('encoder', new Leaf());
    this.head = this.registerModule('head', new Leaf(false));
    this.scale = this.registerParameter('scale', new Parameter(ones([1])));
  }
}

describe('Parameter', () => {
  it('require grad by default and share storage with its data', () => {
    const t = tensor([1, 2]);
    const p = new Parameter(t);
    expect(p.requiresGrad).toBe(true);
    expect(p.data).toBe(t.data);
    expect(new Parameter(t, false).requiresGrad).toBe(false);
    expect(p).toBeInstanceOf(Tensor);
  });
});

describe('Module', () => {
  it('list own parameters first, then children in registration order, with dotted names', () => {
    const m = new Tree();
    expect(m.namedParameters().map(([k]) => k)).toEqual(['scale', 'encoder.weight', 'encoder.bias', 'head.weight']);
    expect(m.namedParameters('model').map(([k]) => k)[1]).toBe('model.encoder.weight');
    expect(m.namedParameters('', false).map(([k]) => k)).toEqual(['scale']);
    expect(m.namedModules().map(([k]) => k)).toEqual(['', 'encoder', 'head']);
    expect(m.children()).toEqual([m.encoder, m.head]);
    // 1 + (6 + 2) + 6 elements.
    expect(m.numParameters()).toBe(15);
  });

  it('state dict: own params, own buffers, then children; values share storage', () => {
    const m = new Tree();
    const sd = m.stateDict();
    expect(Object.keys(sd)).toEqual([
      'scale',
      'encoder.weight',
      'encoder.bias',
      'encoder.count',
      'head.weight',
      'head.count',
    ]);
    expect(sd['encoder.weight'].data).toBe(m.encoder.weight.data);
    expect(sd['encoder.weight'].requiresGrad).toBe(false);
  });

  it('list a shared parameter once in parameters() but under both names in the state dict', () => {
    const m = new Tree();
    m.head.registerParameter('weight', m.encoder.weight);
    expect(m.parameters()).toHaveLength(3);
    expect(Object.keys(m.stateDict())).toContain('head.weight');
  });

  it('re-registering a name keeps its position; a name cannot change kind', () => {
    const m = new Leaf();
    m.registerParameter('weight', new Parameter(ones([2, 3])));
    expect(m.namedParameters().map(([k]) => k)).toEqual(['weight', 'bias']);
    expect(() => m.registerBuffer('weight', zeros([1]))).toThrow(/'weight' is already registered as a parameter/);
    expect(() => m.registerParameter('a.b', null)).toThrow(/contains "."/);
    expect(() => m.registerParameter('x', zeros([1]) as Parameter)).toThrow(/must be a Parameter or null, got Tensor/);
  });

  it('omit non-persistent buffers from the state dict', () => {
    const m = new Module();
    m.registerBuffer('kept', zeros([1]));
    m.registerBuffer('scratch', zeros([1]), false);
    expect(Object.keys(m.stateDict())).toEqual(['kept']);
    expect(m.buffers()).toHaveLength(2);
  });

  it('load a state dict, converting float64 values into float32 parameters', () => {
    const m = new Leaf();
    const result = m.loadStateDict({
      weight: tensor([[1, 2, 3], [4, 5, 6.1]], undefined, { dtype: 'float64' }),
      bias: tensor([7, 8]),
      count: tensor([3]),
    });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    // 6.1 is rounded to the nearest float32.
    expect(Array.from(m.weight.data)).toEqual([1, 2, 3, 4, 5, Math.fround(6.1)]);
    expect(m.weight.dtype).toBe('float32');
    expect(Array.from(m.count.data)).toEqual([3]);
  });

  it('report missing, unexpected and mis-shaped keys in one error and copy nothing', () => {
    const m = new Leaf();
    const load = (): unknown =>
      m.loadStateDict({ weight: ones([3, 2]), bias: ones([2]), extra: ones([1]) });
    expect(load).toThrow(
      'Error(s) in loading state_dict for Leaf:\n' +
        '\tMissing key(s) in state_dict: "count".\n' +
        '\tUnexpected key(s) in state_dict: "extra".\n' +
        '\tsize mismatch for weight: copying a param with shape [3, 2] from checkpoint, the shape in current model is [2, 3].',
    );
    // bias matched but the load failed as a whole, so it stays zero.
    expect(Array.from(m.bias?.data ?? [])).toEqual([0, 0]);
  });

  it('non-strict loading returns the key lists but still rejects mis-shaped values', () => {
    const m = new Leaf();
    const r = m.loadStateDict({ weight: ones([2, 3]), extra: ones([1]) }, { strict: false });
    expect(r).toEqual({ missingKeys: ['bias', 'count'], unexpectedKeys: ['extra'] });
    expect(m.weight.data[5]).toBe(1);
    expect(() => m.loadStateDict({ bias: ones([3]) }, { strict: false })).toThrow(/size mismatch for bias: .*\[3\].*\[2\]/);
  });

  it('train()/eval() set the flag recursively', () => {
    const m = new Tree();
    m.eval();
    expect([m.training, m.encoder.training, m.head.training]).toEqual([false, false, false]);
    m.train();
    expect(m.head.training).toBe(true);
  });

  it('zeroGrad zero-fills gradient buffers (torch 1.13 default) or sets them to null', () => {
    const m = new Leaf();
    m.weight.grad = ones([2, 3]);
    const buf = m.weight.grad;
    m.zeroGrad();
    expect(m.weight.grad).toBe(buf);
    expect(Array.from(buf.data)).toEqual([0, 0, 0, 0, 0, 0]);
    m.zeroGrad(true);
    expect(m.weight.grad).toBeNull();
  });

  it('print a PyTorch-style tree', () => {
    const m = new Tree();
    expect(m.toString()).toBe('Tree(\n  (encoder): Leaf()\n  (head): Leaf()\n)');
  });

  it('resolve the dtype option, rejecting int32', () => {
    expect(moduleDtype({ dtype: 'float64' }, 'Leaf')).toBe('float64');
    expect(moduleDtype(undefined, 'Leaf')).toBe('float32');
    expect(() => moduleDtype({ dtype: 'int32' as 'float32' }, 'Leaf')).toThrow("Leaf: dtype is int32, expected 'float32' or 'float64'");
  });
});

describe('loadStateDict with assign', () => {
  class Net extends Module {
    readonly w = this.registerParameter('w', new Parameter(zeros([2, 2])));
  }
  it('takes the tensors storage when dtypes match (no copy), converts into its own storage when they do not', () => {
    const net = new Net();
    const src = tensor([[1, 2], [3, 4]]);
    net.loadStateDict({ w: src }, { assign: true });
    expect(net.w.data).toBe(src.data);
    expect(net.w.requiresGrad).toBe(true); // still the module's parameter
    const other = new Net();
    const f64 = tensor([[1, 2], [3, 4.5]], undefined, { dtype: 'float64' });
    other.loadStateDict({ w: f64 }, { assign: true });
    expect(other.w.data).not.toBe(f64.data);
    expect(other.w.dtype).toBe('float32');
    expect(Array.from(other.w.data)).toEqual([1, 2, 3, 4.5]);
    // without assign, values are copied (the default, as PyTorch)
    const third = new Net();
    third.loadStateDict({ w: src });
    expect(third.w.data).not.toBe(src.data);
  });
});
