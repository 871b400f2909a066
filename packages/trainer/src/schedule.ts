/**
 * The per-epoch learning-rate schedule of a run: one of nn-core's schedulers behind one interface, so the
 * training loop steps it the same way whatever the schedule (`ReduceLROnPlateau` needs the epoch's metric).
 */
import { optim } from '@recurrent/nn-core';
import type { LrSchedule } from './options.js';
import type { SchedulerState } from './training_state.js';

const { CosineAnnealingLR, ReduceLROnPlateau, StepLR } = optim.lrScheduler;

export interface EpochSchedule {
  /** Ends an epoch; `metric` (higher is better) is what 'plateau' watches. */
  step(metric: number): void;
  stateDict(): SchedulerState;
  loadStateDict(state: SchedulerState): void;
}

export interface ScheduleOptions {
  lrSchedule: LrSchedule;
  epochs: number;
  lrStepSize: number;
  lrGamma: number;
}

/** The schedule of `o.lrSchedule` over `optimizer`, or null for 'none'. */
export function makeSchedule(o: ScheduleOptions, optimizer: optim.Optimizer<optim.BaseOptions>): EpochSchedule | null {
  switch (o.lrSchedule) {
    case 'none':
      return null;
    case 'cosine':
      return byEpoch(new CosineAnnealingLR(optimizer, { tMax: o.epochs }));
    case 'step':
      return byEpoch(new StepLR(optimizer, { stepSize: o.lrStepSize, gamma: o.lrGamma }));
    case 'plateau': {
      const s = new ReduceLROnPlateau(optimizer, { mode: 'max', factor: o.lrGamma, patience: o.lrStepSize });
      return {
        step: (metric) => s.step(metric),
        stateDict: () => s.stateDict(),
        loadStateDict: (state) => s.loadStateDict(isPlateauState(state) ? state : mismatch('ReduceLROnPlateau')),
      };
    }
    default:
      throw new RangeError(`train: lrSchedule must be 'none', 'cosine', 'step' or 'plateau', got '${String(o.lrSchedule)}'`);
  }
}

function byEpoch(s: optim.lrScheduler.LRScheduler): EpochSchedule {
  return {
    step: () => s.step(),
    stateDict: () => s.stateDict(),
    loadStateDict: (state) => s.loadStateDict(isPlateauState(state) ? mismatch(s.constructor.name) : state),
  };
}

function isPlateauState(state: SchedulerState): state is optim.lrScheduler.ReduceLROnPlateauState {
  return 'mode' in state;
}

function mismatch(what: string): never {
  throw new TypeError(`${what}.loadStateDict: the saved state is of another kind of scheduler`);
}
