import { describe, expect, it } from 'vitest';
import { assertGradcheck } from '../autograd/gradcheck.js';
import { randn, tensor } from '../creation.js';
import { manualSeed } from '../random.js';
import { crossEntropy, mseLoss, nllLoss } from './functional.js';
import { CrossEntropyLoss, MSELoss, NLLLoss } from './loss.js';
import { logSoftmax } from '../ops/log_softmax.js';

describe('mseLoss', () => {
  it('averages squared differences: ((1−0)² + (2−4)²) / 2 = 2.5; sum = 5; none = [1, 4]', () => {
    const x = tensor([1, 2]);
    const y = tensor([0, 4]);
    expect(mseLoss(x, y).item()).toBe(2.5);
    expect(mseLoss(x, y, { reduction: 'sum' }).item()).toBe(5);
    expect(Array.from(mseLoss(x, y, { reduction: 'none' }).data)).toEqual([1, 4]);
  });

  it('passes float64 gradcheck for input and target', () => {
    manualSeed(3);
    const f = { dtype: 'float64', requiresGrad: true } as const;
    assertGradcheck((a, b) => mseLoss(a, b), [randn([2, 3], f), randn([2, 3], f)]);
  });

  it('rejects mismatched shapes and unknown reductions', () => {
    expect(() => mseLoss(tensor([1, 2]), tensor([1, 2, 3]))).toThrow('mseLoss: input has shape [2] but target has [3], expected the same shape');
    expect(() => mseLoss(tensor([1]), tensor([1]), { reduction: 'avg' as 'mean' })).toThrow(/reduction is 'avg'/);
  });
});

describe('loss modules', () => {
  it('equal their functional forms with the options given at construction', () => {
    manualSeed(4);
    const logits = randn([4, 3], { dtype: 'float64' });
    const target = [0, 2, 1, 2];
    const weight = tensor([1, 2, 0.5], undefined, { dtype: 'float64' });
    expect(new CrossEntropyLoss({ weight }).forward(logits, target).item()).toBe(crossEntropy(logits, target, { weight }).item());
    const logp = logSoftmax(logits, 1);
    expect(new NLLLoss({ reduction: 'sum' }).forward(logp, target).item()).toBe(nllLoss(logp, target, { reduction: 'sum' }).item());
    expect(new MSELoss().forward(logits, logp).item()).toBe(mseLoss(logits, logp).item());
  });
});
