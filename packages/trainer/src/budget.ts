/**
 * How long a run trains when `epochs` and `patience` are not given: a budget that follows the size of the
 * training set, counted in optimizer steps (why and how the numbers were chosen: packages/docs/recipe.md,
 * "How long to train").
 *
 * - Epochs: at least `minEpochs`, and at least enough epochs for `minSteps` optimizer steps, whichever is more.
 *   SST-2 (67,349 examples, 1,053 steps of 64) gets 5 epochs as before; 5,000 examples (79 steps an epoch) get 26.
 * - Patience: early stopping ends the run after `patienceEpochs` epochs without a new best dev accuracy, or after
 *   enough epochs for `patienceSteps` steps without one, whichever is longer. On small data an epoch is a few
 *   steps and dev accuracy is noisy from one to the next, so two epochs are no sign that training is over.
 *
 * Dev accuracy is measured once per epoch (the unit of checkpoints and `--resume`), and the weights of the best
 * epoch are kept, so a long budget costs time, not accuracy.
 */

/** The rule's constants (see the module doc). */
export const TRAINING_BUDGET = {
  minEpochs: 5,
  minSteps: 2000,
  patienceEpochs: 2,
  patienceSteps: 600,
} as const;

/** Epochs and patience (in epochs) of a run with `stepsPerEpoch` optimizer steps an epoch. */
export interface TrainingBudget {
  epochs: number;
  /** Epochs without dev improvement before stopping; null never stops early. */
  patience: number | null;
}

/**
 * The budget of a run with `stepsPerEpoch` steps an epoch: `given.epochs` and `given.patience` when set (explicit
 * options win; a null patience never stops early), the rule of the module doc for what is left undefined.
 */
export function trainingBudget(stepsPerEpoch: number, given: { epochs?: number; patience?: number | null } = {}): TrainingBudget {
  if (!(Number.isInteger(stepsPerEpoch) && stepsPerEpoch >= 1)) throw new RangeError(`trainingBudget: stepsPerEpoch must be a positive integer, got ${stepsPerEpoch}`);
  const { minEpochs, minSteps, patienceEpochs, patienceSteps } = TRAINING_BUDGET;
  return {
    epochs: given.epochs ?? Math.max(minEpochs, Math.ceil(minSteps / stepsPerEpoch)),
    patience: given.patience === undefined ? Math.max(patienceEpochs, Math.ceil(patienceSteps / stepsPerEpoch)) : given.patience,
  };
}
