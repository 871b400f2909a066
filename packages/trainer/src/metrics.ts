/**
 * Classification metrics from true and predicted class indices.
 *
 * The confusion matrix has rows = true label and columns = predicted label: `confusion[i][j]` counts examples
 * of class i predicted as class j (scikit-learn's convention). Per class c: precision = TP / (TP + FP),
 * recall = TP / (TP + FN), F1 = 2·P·R / (P + R); a ratio with a zero denominator is 0 (scikit-learn's
 * `zero_division=0`). Macro-F1 is the unweighted mean of the per-class F1 over all classes of the label set.
 */

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** Number of true examples of this class. */
  support: number;
}

export interface Metrics {
  /** Fraction of correct predictions. */
  accuracy: number;
  macroF1: number;
  /** Number of examples. */
  n: number;
  labels: string[];
  perClass: ClassMetrics[];
  /** `(C, C)`, rows = true label, columns = predicted label. */
  confusion: number[][];
}

/** `(C, C)` counts, rows = true, columns = predicted. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`confusionMatrix: ${yTrue.length} true labels but ${yPred.length} predictions, expected equal lengths`);
  }
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    if (!(Number.isInteger(t) && t >= 0 && t < numClasses && Number.isInteger(p) && p >= 0 && p < numClasses)) {
      throw new RangeError(`confusionMatrix: example ${i} has true ${t} and predicted ${p}, expected class indices 0..${numClasses - 1}`);
    }
    m[t][p]++;
  }
  return m;
}

/** Accuracy: the fraction of positions where the two agree (0 for no examples). */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  if (yTrue.length !== yPred.length) {
    throw new RangeError(`accuracy: ${yTrue.length} true labels but ${yPred.length} predictions, expected equal lengths`);
  }
  let ok = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) ok++;
  return yTrue.length === 0 ? 0 : ok / yTrue.length;
}

/** All metrics from a confusion matrix (rows = true) and the label names. */
export function metricsFromConfusion(confusion: number[][], labels: readonly string[]): Metrics {
  const C = labels.length;
  if (confusion.length !== C || confusion.some((row) => row.length !== C)) {
    throw new RangeError(`metricsFromConfusion: the confusion matrix must be ${C}×${C} for ${C} labels`);
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);
  let n = 0;
  let correct = 0;
  const perClass: ClassMetrics[] = labels.map((label, c) => {
    const tp = confusion[c][c];
    let support = 0;
    let predicted = 0;
    for (let k = 0; k < C; k++) {
      support += confusion[c][k];
      predicted += confusion[k][c];
    }
    n += support;
    correct += tp;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { label, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  const macroF1 = C === 0 ? 0 : perClass.reduce((s, m) => s + m.f1, 0) / C;
  return { accuracy: ratio(correct, n), macroF1, n, labels: [...labels], perClass, confusion: confusion.map((r) => [...r]) };
}

/** All metrics from true and predicted class indices. */
export function classificationMetrics(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: readonly string[]): Metrics {
  return metricsFromConfusion(confusionMatrix(yTrue, yPred, labels.length), labels);
}
