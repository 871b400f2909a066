import { describe, expect, it } from 'vitest';
import { accuracy, classificationMetrics, confusionMatrix, metricsFromConfusion } from './metrics.js';

describe('metrics', () => {
  // Hand-made: 3 classes, 10 examples.
  const yTrue = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const yPred = [0, 0, 1, 2, 1, 1, 0, 2, 2, 1];

  it('confusion matrix has rows = true, columns = predicted', () => {
    // class 0: 2 right, one predicted 1, one predicted 2; class 1: 2 right, one predicted 0; class 2: 2 right, one predicted 1.
    expect(confusionMatrix(yTrue, yPred, 3)).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 1, 2],
    ]);
  });

  it('accuracy, per-class precision/recall/F1 and macro-F1 match the hand computation', () => {
    const m = classificationMetrics(yTrue, yPred, ['a', 'b', 'c']);
    expect(m.accuracy).toBe(0.6); // 6 of 10 on the diagonal
    expect(m.n).toBe(10);
    // class a: P = 2/3 (column 2+1+0), R = 2/4, F1 = 2·(2/3)(1/2)/(2/3+1/2) = 4/7
    expect(m.perClass[0].precision).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[0].recall).toBe(0.5);
    expect(m.perClass[0].f1).toBeCloseTo(4 / 7, 12);
    expect(m.perClass[0].support).toBe(4);
    // class b: P = 2/4, R = 2/3, F1 = 4/7; class c: P = 2/3, R = 2/3, F1 = 2/3
    expect(m.perClass[1].precision).toBe(0.5);
    expect(m.perClass[1].recall).toBeCloseTo(2 / 3, 12);
    expect(m.perClass[2].f1).toBeCloseTo(2 / 3, 12);
    expect(m.macroF1).toBeCloseTo((4 / 7 + 4 / 7 + 2 / 3) / 3, 12);
  });

  it('a class never predicted has precision 0 (zero division gives 0), not NaN', () => {
    const m = metricsFromConfusion(
      [
        [3, 0],
        [1, 0],
      ],
      ['x', 'y'],
    );
    expect(m.perClass[1].precision).toBe(0);
    expect(m.perClass[1].f1).toBe(0);
    expect(m.accuracy).toBe(0.75);
  });

  it('rejects mismatched lengths and out-of-range classes', () => {
    expect(() => accuracy([0, 1], [0])).toThrow(/2 true labels but 1 predictions/);
    expect(() => confusionMatrix([0, 3], [0, 1], 2)).toThrow(/true 3/);
  });
});
