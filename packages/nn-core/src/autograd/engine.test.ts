/**
 * The backward engine on its own: ops here are built with `defineOp`/`defineMultiOp` from hand-written
 * forwards and backwards, so each test sees only what the engine does with them.
 */
import { describe, expect, it } from 'vitest';
import { defineMultiOp, defineOp } from './define_op.js';
import { noGrad } from './grad_mode.js';
import { Tensor } from './tensor.js';

const f64 = (values: number[], shape: number[] = [values.length]): Tensor => new Tensor(Float64Array.from(values), shape);
const leaf = (values: number[], shape?: number[]): Tensor => {
  const t = f64(values, shape);
  t.requiresGrad = true;
  return t;
};
const values = (t: Tensor | null): number[] => Array.from(t?.data ?? []);

/** y = a · b element-wise; da = dout · b, db = dout · a. */
const mul = defineOp('mul', (a: Tensor, b: Tensor) => ({
  out: f64(Array.from(a.data, (x, i) => x * b.data[i]), a.shape),
  backward: (dout) => [
    f64(Array.from(dout.data, (d, i) => d * b.data[i]), a.shape),
    f64(Array.from(dout.data, (d, i) => d * a.data[i]), b.shape),
  ],
}));

/** Σ x to a one-element tensor; dx = dout broadcast. */
const sumAll = defineOp('sum', (x: Tensor) => ({
  out: f64([Array.from(x.data).reduce((s, v) => s + v, 0)], [1]),
  backward: (dout) => [f64(new Array<number>(x.numel()).fill(dout.data[0]), x.shape)],
}));

/** Splits a length-2n vector into halves; dx = [dout0, dout1]. */
const halves = defineMultiOp('halves', (x: Tensor) => {
  const n = x.numel() / 2;
  return {
    out: [f64(Array.from(x.data.subarray(0, n))), f64(Array.from(x.data.subarray(n)))],
    backward: (douts) => [f64([...Array.from(douts[0].data), ...Array.from(douts[1].data)])],
  };
});

describe('autograd engine', () => {
  it('computes leaf gradients in reverse topological order (d Σ(a·b) = b, a)', () => {
    const a = leaf([1, 2, 3]);
    const b = leaf([4, 5, 6]);
    sumAll(mul(a, b)).backward();
    expect(values(a.grad)).toEqual([4, 5, 6]);
    expect(values(b.grad)).toEqual([1, 2, 3]);
  });

  it('keeps leaves as tensors but only the edge of a computed input, not its storage (the op saves what it needs)', () => {
    const a = leaf([1, 2, 3]);
    const y = mul(a, f64([2, 2, 2]));
    const z = sumAll(y);
    const [leafInput] = y.gradFn!.inputs;
    const [computed] = z.gradFn!.inputs;
    expect(leafInput).toBe(a);
    expect(computed).not.toBeInstanceOf(Tensor);
    expect('data' in computed).toBe(false);
    expect(computed).toMatchObject({ gradFn: y.gradFn, outputIndex: 0, shape: [3], dtype: 'float64', requiresGrad: true });
    z.backward();
    expect(values(a.grad)).toEqual([2, 2, 2]);
  });

  it('sums the gradients of a tensor used twice, and accumulates across backward calls', () => {
    const x = leaf([1, -2]);
    sumAll(mul(x, x)).backward(); // d Σ x² = 2x, from both uses of x
    expect(values(x.grad)).toEqual([2, -4]);
    const y = mul(x, f64([3, 3])); // an intermediate used twice: z = Σ y·y, dz/dx = 2·y·3
    sumAll(mul(y, y)).backward();
    expect(values(x.grad)).toEqual([2 + 18, -4 - 36]);
    x.zeroGrad();
    expect(values(x.grad)).toEqual([0, 0]);
  });

  it('frees the graph after backward: a second backward names the op and the fix', () => {
    const x = leaf([1, 2]);
    const loss = sumAll(mul(x, x));
    loss.backward();
    expect(() => loss.backward()).toThrow(
      "backward: the graph through 'sum' was already freed; call backward with { retainGraph: true } the first time",
    );
  });

  it('keeps the graph with retainGraph, so a second backward accumulates the same gradient again', () => {
    const x = leaf([1, 2]);
    const loss = sumAll(mul(x, x));
    loss.backward(undefined, { retainGraph: true });
    expect(values(x.grad)).toEqual([2, 4]);
    loss.backward();
    expect(values(x.grad)).toEqual([4, 8]);
    expect(() => loss.backward()).toThrow(/already freed/);
  });

  it('checks every gradient an op returns against its input shape and dtype', () => {
    const wrongShape = defineOp('wrong_shape', (x: Tensor) => ({ out: f64([1], [1]), backward: () => [f64([1, 2, 3])] }));
    const wrongDtype = defineOp('wrong_dtype', (x: Tensor) => ({
      out: f64([1], [1]),
      backward: () => [new Tensor(new Float32Array(x.numel()), x.shape)],
    }));
    expect(() => wrongShape(leaf([1, 2])).backward()).toThrow(
      'wrong_shape backward: gradient for input 0 has shape [3] (float64), expected the input\'s [2] (float64)',
    );
    expect(() => wrongDtype(leaf([1, 2])).backward()).toThrow(
      "wrong_dtype backward: gradient for input 0 has shape [2] (float32), expected the input's [2] (float64)",
    );
  });

  it('checks the seed gradient, and needs one for outputs of more than one element', () => {
    const y = mul(leaf([1, 2]), f64([3, 4]));
    expect(() => y.backward()).toThrow('backward: grad can be implicitly created only for one-element outputs, this one has shape [2]');
    expect(() => y.backward(f64([1, 1, 1]))).toThrow('backward: gradient has shape [3] (float64), expected [2] (float64)');
    expect(() => f64([1]).backward()).toThrow(/does not require grad/);
  });

  it('fills zeros for the outputs of a multi-output op that no gradient reached', () => {
    const x = leaf([1, 2, 3, 4]);
    const [lo] = halves(x);
    sumAll(mul(lo, lo)).backward(); // only the first half is used
    expect(values(x.grad)).toEqual([2, 4, 0, 0]);
    const y = leaf([1, 2, 3, 4]);
    const [a, b] = halves(y);
    sumAll(mul(a, b)).backward(); // both halves, each through the other
    expect(values(y.grad)).toEqual([3, 4, 1, 2]);
  });

  it('passes needs to backward and gives no gradient to inputs that do not require one', () => {
    let seen: boolean[] = [];
    const spy = defineOp('spy', (a: Tensor, b: Tensor) => ({
      out: f64([a.data[0] + b.data[0]], [1]),
      backward: (dout, needs) => {
        seen = needs;
        return [needs[0] ? f64([dout.data[0]]) : null, needs[1] ? f64([dout.data[0]]) : null];
      },
    }));
    const a = leaf([1]);
    const b = f64([2]);
    spy(a, b).backward();
    expect(seen).toEqual([true, false]);
    expect(values(a.grad)).toEqual([1]);
    expect(b.grad).toBeNull();
  });

  it('records no graph inside noGrad', () => {
    const y = noGrad(() => mul(leaf([1]), leaf([2])));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
  });
});
