/**
 * Parity with PyTorch for the optimizers, llm.c style: a small classifier
 * (Linear(5,4) → tanh → Linear(4,3) → logSoftmax → nllLoss) is loaded from the fixture's initial state dict with
 * `loadStateDict(sd, { strict: true })` under PyTorch's keys (fc1.weight, …), trained for 10 steps on a fixed
 * batch, and every loss and the final parameters are compared with PyTorch's.
 *
 * Float64 runs use the 1e-10 criterion of load.ts (observed worst: 1e-15). The one float32 run (adam_float32)
 * uses 1e-5: both sides round every op to float32 (2^-24 ≈ 6e-8 relative) but in different orders (our kernels
 * may accumulate in double and round once, PyTorch accumulates in float32), and 10 training steps carry those
 * ulp-level differences forward (observed worst: 1.2e-7, one float32 ulp). 1e-5 leaves ~100× headroom for a
 * different summation order or step count, while a formula difference (a missing bias correction, weight
 * decay applied the wrong way) still shows up at 1e-3 or more.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, optim, tanh, type FloatDType, type Tensor } from '@recurrent/nn-core';
import { expectClose, expectNumber, F64_TOL, loadFixture, toStateDict, toTensor, type EncodedTensor } from './load.js';

/** An optimizer run of a fixture: which optimizer, with which options (PyTorch's, in our camelCase names). */
interface OptimizerRun {
  name: string;
  op: 'SGD' | 'Adam' | 'AdamW';
  dtype: FloatDType;
  args: Record<string, number | boolean | number[]>;
}

interface OptimCase extends OptimizerRun {
  steps: number;
  stateDict: Record<string, EncodedTensor>;
  inputs: { x: EncodedTensor; target: EncodedTensor };
  losses: (number | string)[];
  finalStateDict: Record<string, EncodedTensor>;
}

/** Tolerance of the float32 run (see the top of this file). */
const F32_TOL = 1e-5;

const fx = loadFixture<OptimCase>('optim');

class TinyClassifier extends nn.Module {
  readonly fc1: nn.Linear;
  readonly fc2: nn.Linear;

  constructor(dtype: FloatDType) {
    super();
    this.fc1 = this.registerModule('fc1', new nn.Linear(5, 4, { dtype }));
    this.fc2 = this.registerModule('fc2', new nn.Linear(4, 3, { dtype }));
  }

  forward(x: Tensor): Tensor {
    return F.logSoftmax(this.fc2.forward(tanh(this.fc1.forward(x))), 1);
  }
}

function makeOptimizer(c: OptimCase, params: Tensor[]): { step(): void; zeroGrad(): void } {
  const a = c.args;
  const common = { lr: a.lr as number, weightDecay: a.weightDecay as number | undefined };
  if (c.op === 'SGD') {
    return new optim.SGD(params, {
      ...common,
      momentum: a.momentum as number | undefined,
      dampening: a.dampening as number | undefined,
      nesterov: a.nesterov as boolean | undefined,
    });
  }
  const adam = {
    ...common,
    betas: a.betas as [number, number] | undefined,
    eps: a.eps as number | undefined,
    amsgrad: a.amsgrad as boolean | undefined,
  };
  return c.op === 'Adam' ? new optim.Adam(params, adam) : new optim.AdamW(params, adam);
}

describe(`optimizers agree with PyTorch ${fx.torch} over 10 steps (float64: 1e-10; float32: 1e-5)`, () => {
  it('cover 3 SGD, 4 Adam and 2 AdamW configurations in float64 and one float32 Adam run', () => {
    const f64 = fx.cases.filter((c) => c.dtype === 'float64');
    expect(f64.map((c) => c.op).sort()).toEqual(['Adam', 'Adam', 'Adam', 'Adam', 'AdamW', 'AdamW', 'SGD', 'SGD', 'SGD']);
    expect(fx.cases.filter((c) => c.dtype === 'float32').map((c) => c.name)).toEqual(['adam_float32']);
  });

  for (const c of fx.cases) {
    it(`${c.name}: ${c.steps} losses and the final parameters`, () => {
      const tol = c.dtype === 'float32' ? F32_TOL : F64_TOL;
      const model = new TinyClassifier(c.dtype);
      model.loadStateDict(toStateDict(c.stateDict), { strict: true });
      const x = toTensor(c.inputs.x);
      const target = toTensor(c.inputs.target);
      const optimizer = makeOptimizer(c, model.parameters());
      const losses: number[] = [];
      for (let step = 0; step < c.steps; step++) {
        optimizer.zeroGrad();
        const loss = F.nllLoss(model.forward(x), target);
        loss.backward();
        losses.push(loss.item());
        optimizer.step();
      }
      losses.forEach((l, i) => expectNumber(l, c.losses[i], `${c.name} loss ${i}`, tol));
      const final = model.stateDict();
      expect(Object.keys(final).sort()).toEqual(Object.keys(c.finalStateDict).sort());
      for (const [k, e] of Object.entries(c.finalStateDict)) expectClose(final[k], e, `${c.name} ${k}`, tol);
    });
  }
});

interface StepCase extends OptimizerRun {
  x0: EncodedTensor;
  grads: EncodedTensor[];
  params: EncodedTensor[];
}

const steps = loadFixture<StepCase>('optim_steps');

function makeStepOptimizer(c: StepCase, p: nn.Parameter): optim.Optimizer {
  if (c.op === 'SGD') return new optim.SGD([p], c.args as Partial<optim.SGDOptions> & { lr: number });
  const adam = c.args as Partial<optim.AdamOptions>;
  return c.op === 'Adam' ? new optim.Adam([p], adam) : new optim.AdamW([p], adam);
}

describe(`optimizers match torch ${steps.torch} step by step (one parameter, hand-set gradients)`, () => {
  for (const c of steps.cases) {
    it(`${c.name} (${c.dtype})`, () => {
      const p = new nn.Parameter(toTensor(c.x0));
      const opt = makeStepOptimizer(c, p);
      const got = c.grads.map((g) => {
        p.grad = toTensor(g);
        opt.step();
        return Array.from(p.data);
      });
      const want = c.params.map((e) => e.data.map(Number));
      // float32: equal to the last bit or within 1 ulp (PyTorch's vectorized kernels may fuse differently).
      got.forEach((row, s) =>
        row.forEach((v, i) => expect(Math.abs(v - want[s][i])).toBeLessThanOrEqual(c.dtype === 'float32' ? 1.2e-7 * Math.abs(want[s][i]) : 1e-15)),
      );
    });
  }
});
