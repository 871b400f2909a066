import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { crossEntropy, type Reduction } from './functional.js';

const f64 = { dtype: 'float64' } as const;
// Logits and weights shared with the torch snippets below.
const x = tensor([[0.1, -0.5, 1.2, 0.3], [-1.0, 0.4, 0.2, -0.3], [0.7, 0.0, -0.2, 0.9]], undefined, f64);
const w = tensor([0.5, 1.0, 2.0, 0.25], undefined, f64);
const t = [2, -100, 3];

function close(actual: ArrayLike<number>, expected: number[], digits = 13): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('crossEntropy', () => {
  // torch 1.13, float64:
  //   x = torch.tensor([[0.1,-0.5,1.2,0.3],[-1.0,0.4,0.2,-0.3],[0.7,0.0,-0.2,0.9]], dtype=torch.float64)
  //   t = torch.tensor([2,-100,3]); w = torch.tensor([0.5,1.0,2.0,0.25], dtype=torch.float64)
  //   F.cross_entropy(x, t, weight=ww, reduction=r, label_smoothing=ls) for ww in (None, w), ls in (0, 0.1)
  const expected: Record<Reduction, number[][]> = {
    //        [no weight, ls=0], [no weight, ls=0.1], [weight, ls=0], [weight, ls=0.1]
    mean: [[0.7963618539371105], [0.8701118539371105], [0.6851933837997789], [0.746093088803449]],
    sum: [[1.592723707874221], [1.740223707874221], [1.5416851135495024], [1.6787094498077604]],
    none: [
      [0.6534309637605412, 0.0, 0.9392927441136796],
      [0.7459309637605412, 0.0, 0.9942927441136796],
      [1.3068619275210824, 0.0, 0.2348231860284199],
      [1.299309887621525, 0.0, 0.3793995621862354],
    ],
  };

  for (const reduction of ['mean', 'sum', 'none'] as const) {
    it(`match torch with and without weights and label smoothing (reduction '${reduction}')`, () => {
      const got = [
        crossEntropy(x, t, { reduction }),
        crossEntropy(x, t, { reduction, labelSmoothing: 0.1 }),
        crossEntropy(x, t, { reduction, weight: w }),
        crossEntropy(x, t, { reduction, weight: w, labelSmoothing: 0.1 }),
      ];
      got.forEach((g, k) => close(g.data, expected[reduction][k]));
    });
  }

  it('handle (N, C, d) and (C) inputs like torch', () => {
    // x3 = torch.arange(24, dtype=torch.float64).reshape(2,3,4).cos(); t3 = torch.tensor([[0,2,1,-100],[1,1,0,2]])
    // F.cross_entropy(x3, t3) → 1.4105338933498435
    // F.cross_entropy(x3, t3, label_smoothing=0.3, reduction='none') → rows below
    const x3 = tensor(Array.from({ length: 24 }, (_, i) => Math.cos(i)), [2, 3, 4], f64);
    const t3 = [[0, 2, 1, -100], [1, 1, 0, 2]];
    expect(crossEntropy(x3, t3).item()).toBeCloseTo(1.4105338933498435, 13);
    const none = crossEntropy(x3, t3, { labelSmoothing: 0.3, reduction: 'none' });
    expect(none.shape).toEqual([2, 4]);
    close(none.data, [0.6916373585676077, 1.8838900402917587, 0.666754700854151, 0.0, 2.079116574806504, 1.5232822855894974, 1.1628983949325558, 1.7231193192613927]);
    // F.cross_entropy(torch.tensor([1.0,2.0,0.5], dtype=torch.float64), torch.tensor(1), label_smoothing=0.2)
    expect(crossEntropy(tensor([1.0, 2.0, 0.5], undefined, f64), 1, { labelSmoothing: 0.2 }).item()).toBeCloseTo(0.6310354507746117, 13);
  });

  it('give NaN for an all-ignored batch with mean reduction, with or without smoothing (torch 1.13)', () => {
    expect(crossEntropy(x, [-100, -100, -100]).item()).toBeNaN();
    expect(crossEntropy(x, [-100, -100, -100], { labelSmoothing: 0.1 }).item()).toBeNaN();
  });

  it('accept class probabilities as a float target (torch numbers)', () => {
    // xs = torch.tensor([[0.2,-1.0,0.5],[1.5,0.3,-0.4]], dtype=torch.float64)
    // p = torch.tensor([[0.1,0.6,0.3],[0.5,0.25,0.25]], dtype=torch.float64); ws = torch.tensor([0.5,2.0,1.0], ...)
    // F.cross_entropy(xs, p, reduction=r), F.cross_entropy(xs, p, weight=ws, reduction=r, label_smoothing=0.2)
    const xs = tensor([[0.2, -1.0, 0.5], [1.5, 0.3, -0.4]], undefined, f64);
    const p = tensor([[0.1, 0.6, 0.3], [0.5, 0.25, 0.25]], undefined, f64);
    const ws = tensor([0.5, 2.0, 1.0], undefined, f64);
    expect(crossEntropy(xs, p).item()).toBeCloseTo(1.3760232177235407, 13);
    expect(crossEntropy(xs, p, { reduction: 'sum' }).item()).toBeCloseTo(2.7520464354470815, 13);
    close(crossEntropy(xs, p, { reduction: 'none' }).data, [1.6049569269138375, 1.1470895085332438]);
    expect(crossEntropy(xs, p, { weight: ws, labelSmoothing: 0.2 }).item()).toBeCloseTo(2.093797848902036, 13);
    close(crossEntropy(xs, p, { weight: ws, labelSmoothing: 0.2, reduction: 'none' }).data, [2.6564365389863873, 1.5311591588176852]);
    expect(() => crossEntropy(xs, p, { ignoreIndex: 1 })).toThrow(/ignoreIndex is not supported for a floating point/);
  });

  it('gradcheck with weights, ignoreIndex and label smoothing for every reduction', () => {
    manualSeed(21);
    for (const reduction of ['mean', 'sum', 'none'] as const) {
      for (const weight of [undefined, w]) {
        for (const labelSmoothing of [0, 0.15]) {
          const opts = { reduction, weight, labelSmoothing };
          assertGradcheck((a) => crossEntropy(a, [2, -100, 0], opts), [randn([3, 4], { ...f64, requiresGrad: true })]);
          assertGradcheck((a) => crossEntropy(a, [[1, 3], [-100, 0]], { ...opts, ignoreIndex: -100 }), [
            randn([2, 4, 2], { ...f64, requiresGrad: true }),
          ]);
          const probs = tensor([[0.2, 0.3, 0.1, 0.4], [0.7, 0.1, 0.1, 0.1]], undefined, f64);
          assertGradcheck((a) => crossEntropy(a, probs, opts), [randn([2, 4], { ...f64, requiresGrad: true })]);
        }
      }
    }
  });

  it('reject a labelSmoothing outside [0, 1] and out-of-range targets', () => {
    expect(() => crossEntropy(x, t, { labelSmoothing: 1.5 })).toThrow('crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5');
    expect(() => crossEntropy(x, [0, 4, 1])).toThrow(/target 4 is out of bounds for C=4 classes/);
  });
});
