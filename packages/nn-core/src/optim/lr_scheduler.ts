/**
 * Learning-rate schedulers (PyTorch: `torch.optim.lr_scheduler`), exported as `optim.lrScheduler`.
 * Each writes `lr` into the optimizer's parameter groups; call `scheduler.step()` after `optimizer.step()`.
 * The deprecated `step(epoch)` form is not supported.
 */
import { warn } from '../warnings.js';
import type { BaseOptions, Optimizer } from './optimizer.js';

/** State of the epoch-based schedulers (JSON-serializable). */
export interface LRSchedulerState {
  lastEpoch: number;
  stepCount: number;
  baseLrs: number[];
  lastLr: number[];
  [option: string]: number | number[];
}

/**
 * Base of the epoch-based schedulers (PyTorch 1.13: `_LRScheduler`). On construction it records each group's
 * `initialLr` (keeping one already there) and performs the initial step (epoch 0).
 */
export abstract class LRScheduler {
  readonly optimizer: Optimizer<BaseOptions>;
  baseLrs: number[];
  lastEpoch: number;
  protected stepCount = 0;
  private lastLr: number[] = [];
  private optimizerStepsAtInit = 0;

  /** `lastEpoch` = −1 starts fresh; another value resumes, which needs `initialLr` in every group. */
  constructor(optimizer: Optimizer<BaseOptions>, lastEpoch = -1) {
    const what = this.constructor.name;
    if (optimizer === null || typeof optimizer !== 'object' || !Array.isArray(optimizer.paramGroups)) {
      throw new TypeError(`${what}: expected an Optimizer, got ${typeof optimizer}`);
    }
    this.optimizer = optimizer;
    optimizer.paramGroups.forEach((g, i) => {
      if (lastEpoch === -1) g.initialLr ??= g.lr;
      else if (g.initialLr === undefined) {
        throw new Error(`${what}: param 'initialLr' is not specified in paramGroups[${i}] when resuming an optimizer`);
      }
    });
    this.baseLrs = optimizer.paramGroups.map((g) => g.initialLr as number);
    this.lastEpoch = lastEpoch;
  }

  /** Subclasses call this at the end of their constructor, once their own fields are set. */
  protected initialStep(): void {
    this.optimizerStepsAtInit = this.optimizer.stepCount;
    this.stepCount = 0;
    this.step();
  }

  /** The next learning rates, computed from the current ones (PyTorch's chainable `get_lr`). */
  protected abstract getLr(): number[];

  /** The learning rates set by the last `step()`. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }

  /** Advances one epoch and writes the new learning rates into the optimizer's groups. */
  step(): void {
    if (this.stepCount === 1 && this.optimizer.stepCount === this.optimizerStepsAtInit) {
      warn(
        'Detected call of `lrScheduler.step()` before `optimizer.step()`. You should call them in the order ' +
          '`optimizer.step()` then `lrScheduler.step()`; otherwise the first value of the learning rate schedule is skipped.',
      );
    }
    this.stepCount++;
    this.lastEpoch++;
    const values = this.getLr();
    this.optimizer.paramGroups.forEach((g, i) => {
      g.lr = values[i];
    });
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  /** Options of the subclass, for the state dict. */
  protected abstract options(): Record<string, number>;

  stateDict(): LRSchedulerState {
    return {
      ...this.options(),
      lastEpoch: this.lastEpoch,
      stepCount: this.stepCount,
      baseLrs: [...this.baseLrs],
      lastLr: [...this.lastLr],
    };
  }

  /** Restores counters and learning-rate history (and the options) from `stateDict()`. */
  loadStateDict(state: LRSchedulerState): void {
    const what = `${this.constructor.name}.loadStateDict`;
    for (const k of ['lastEpoch', 'stepCount'] as const) {
      if (typeof state?.[k] !== 'number') throw new TypeError(`${what}: ${k} must be a number, got ${typeof state?.[k]}`);
    }
    const own = this.options();
    for (const k of Object.keys(own)) {
      const v = state[k];
      if (typeof v !== 'number') throw new TypeError(`${what}: option ${k} must be a number, got ${typeof v}`);
      (this as unknown as Record<string, number>)[k] = v;
    }
    this.lastEpoch = state.lastEpoch;
    this.stepCount = state.stepCount;
    this.baseLrs = [...state.baseLrs];
    this.lastLr = [...state.lastLr];
  }
}

export interface StepLROptions {
  /** Period of the decay, in epochs. */
  stepSize: number;
  /** Multiplicative factor. Default 0.1. */
  gamma?: number;
  lastEpoch?: number;
}

/**
 * Multiplies each group's learning rate by `gamma` every `stepSize` epochs.
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.StepLR.html
 */
export class StepLR extends LRScheduler {
  stepSize: number;
  gamma: number;

  constructor(optimizer: Optimizer<BaseOptions>, options: StepLROptions) {
    super(optimizer, options.lastEpoch ?? -1);
    if (!Number.isInteger(options.stepSize) || options.stepSize <= 0) {
      throw new RangeError(`StepLR: stepSize must be a positive integer, got ${options.stepSize}`);
    }
    this.stepSize = options.stepSize;
    this.gamma = options.gamma ?? 0.1;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    if (this.lastEpoch === 0 || this.lastEpoch % this.stepSize !== 0) return groups.map((g) => g.lr);
    return groups.map((g) => g.lr * this.gamma);
  }

  protected options(): Record<string, number> {
    return { stepSize: this.stepSize, gamma: this.gamma };
  }
}

export interface CosineAnnealingLROptions {
  /** Half period, in epochs. */
  tMax: number;
  /** Minimum learning rate. Default 0. */
  etaMin?: number;
  lastEpoch?: number;
}

/**
 * Cosine annealing from each group's initial lr down to `etaMin` over `tMax` epochs (and back up, periodically),
 * in PyTorch 1.13's recursive form so that the numbers match step by step (also when another scheduler or the
 * user changes `lr` in between):
 *
 *   lr_t = (1 + cos(π·t/T)) / (1 + cos(π·(t−1)/T)) · (lr_{t−1} − η_min) + η_min,
 *   and lr_t = lr_{t−1} + (base − η_min)·(1 − cos(π/T))/2 when (t − 1 − T) mod 2T = 0.
 *
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.CosineAnnealingLR.html
 */
export class CosineAnnealingLR extends LRScheduler {
  tMax: number;
  etaMin: number;

  constructor(optimizer: Optimizer<BaseOptions>, options: CosineAnnealingLROptions) {
    super(optimizer, options.lastEpoch ?? -1);
    if (typeof options.tMax !== 'number' || !(options.tMax > 0)) {
      throw new RangeError(`CosineAnnealingLR: tMax must be a positive number, got ${options.tMax}`);
    }
    this.tMax = options.tMax;
    this.etaMin = options.etaMin ?? 0;
    this.initialStep();
  }

  protected getLr(): number[] {
    const groups = this.optimizer.paramGroups;
    const { lastEpoch: t, tMax: T, etaMin } = this;
    if (t === 0) return groups.map((g) => g.lr);
    if (this.stepCount === 1 && t > 0) {
      return this.baseLrs.map((base) => etaMin + ((base - etaMin) * (1 + Math.cos((t * Math.PI) / T))) / 2);
    }
    if (pythonMod(t - 1 - T, 2 * T) === 0) {
      return groups.map((g, i) => g.lr + ((this.baseLrs[i] - etaMin) * (1 - Math.cos(Math.PI / T))) / 2);
    }
    return groups.map(
      (g) => ((1 + Math.cos((Math.PI * t) / T)) / (1 + Math.cos((Math.PI * (t - 1)) / T))) * (g.lr - etaMin) + etaMin,
    );
  }

  protected options(): Record<string, number> {
    return { tMax: this.tMax, etaMin: this.etaMin };
  }
}

/** Python's `a % m` (the sign of m), which the cosine schedule's period test relies on. */
function pythonMod(a: number, m: number): number {
  return ((a % m) + m) % m;
}

export interface ReduceLROnPlateauOptions {
  /** 'min': reduce when the metric stops decreasing; 'max': when it stops increasing. Default 'min'. */
  mode?: 'min' | 'max';
  /** new lr = lr · factor. Must be < 1. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** 'rel': relative to the best value; 'abs': absolute. Default 'rel'. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting bad epochs again. Default 0. */
  cooldown?: number;
  /** Lower bound on the lr, one for all groups or one per group. Default 0. */
  minLr?: number | number[];
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/** JSON-serializable state of ReduceLROnPlateau; `best` is a string for ±Infinity/NaN (no JSON number exists). */
export interface ReduceLROnPlateauState {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number | string;
  numBadEpochs: number;
  cooldownCounter: number;
  lastEpoch: number;
  lastLr: number[];
}

/**
 * Reduces the learning rate by `factor` once a metric has stopped improving for `patience` epochs.
 * `step(metric)` takes the epoch's metric (e.g. the validation loss).
 * @see https://pytorch.org/docs/1.13/generated/torch.optim.lr_scheduler.ReduceLROnPlateau.html
 */
export class ReduceLROnPlateau {
  readonly optimizer: Optimizer<BaseOptions>;
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLrs: number[];
  eps: number;
  best: number;
  numBadEpochs = 0;
  cooldownCounter = 0;
  lastEpoch = 0;
  private lastLr: number[];

  constructor(optimizer: Optimizer<BaseOptions>, options: ReduceLROnPlateauOptions = {}) {
    this.optimizer = optimizer;
    this.factor = options.factor ?? 0.1;
    if (!(this.factor < 1)) throw new RangeError(`ReduceLROnPlateau: factor should be < 1.0, got ${this.factor}`);
    const n = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (Array.isArray(minLr) && minLr.length !== n) {
      throw new RangeError(`ReduceLROnPlateau: expected ${n} minLr values (one per group), got ${minLr.length}`);
    }
    this.minLrs = Array.isArray(minLr) ? [...minLr] : new Array<number>(n).fill(minLr);
    this.patience = options.patience ?? 10;
    this.cooldown = options.cooldown ?? 0;
    this.mode = options.mode ?? 'min';
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? 'rel';
    this.eps = options.eps ?? 1e-8;
    this.checkModes();
    this.best = this.modeWorse();
    this.lastLr = optimizer.paramGroups.map((g) => g.lr);
  }

  private checkModes(): void {
    if (this.mode !== 'min' && this.mode !== 'max') throw new RangeError(`ReduceLROnPlateau: mode ${String(this.mode)} is unknown, expected 'min' or 'max'`);
    if (this.thresholdMode !== 'rel' && this.thresholdMode !== 'abs') {
      throw new RangeError(`ReduceLROnPlateau: threshold mode ${String(this.thresholdMode)} is unknown, expected 'rel' or 'abs'`);
    }
  }

  private modeWorse(): number {
    return this.mode === 'min' ? Infinity : -Infinity;
  }

  /** Whether `a` improves on `best` by more than the threshold. */
  isBetter(a: number, best: number): boolean {
    if (this.mode === 'min') return this.thresholdMode === 'rel' ? a < best * (1 - this.threshold) : a < best - this.threshold;
    return this.thresholdMode === 'rel' ? a > best * (this.threshold + 1) : a > best + this.threshold;
  }

  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records the epoch's metric and reduces the learning rates when it has plateaued. */
  step(metric: number): void {
    if (typeof metric !== 'number') throw new TypeError(`ReduceLROnPlateau.step: metric must be a number, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(metric, this.best)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs during cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((g) => g.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((g, i) => {
      const oldLr = g.lr;
      const newLr = Math.max(oldLr * this.factor, this.minLrs[i]);
      if (oldLr - newLr > this.eps) g.lr = newLr;
    });
  }

  getLastLr(): number[] {
    return [...this.lastLr];
  }

  stateDict(): ReduceLROnPlateauState {
    return {
      mode: this.mode,
      factor: this.factor,
      patience: this.patience,
      threshold: this.threshold,
      thresholdMode: this.thresholdMode,
      cooldown: this.cooldown,
      minLrs: [...this.minLrs],
      eps: this.eps,
      best: Number.isFinite(this.best) ? this.best : String(this.best),
      numBadEpochs: this.numBadEpochs,
      cooldownCounter: this.cooldownCounter,
      lastEpoch: this.lastEpoch,
      lastLr: [...this.lastLr],
    };
  }

  loadStateDict(state: ReduceLROnPlateauState): void {
    const best = typeof state?.best === 'string' ? Number(state.best) : state?.best;
    if (typeof best !== 'number' || (Number.isNaN(best) && state.best !== 'NaN')) {
      throw new TypeError(`ReduceLROnPlateau.loadStateDict: best must be a number or 'Infinity'/'-Infinity'/'NaN', got ${String(state?.best)}`);
    }
    Object.assign(this, { ...state, best, minLrs: [...state.minLrs], lastLr: [...state.lastLr] });
    this.checkModes();
  }
}
