import { afterEach, describe, expect, it } from 'vitest';
import { zeros } from '../creation.js';
import { Parameter } from '../nn/parameter.js';
import { clearRecentWarnings, recentWarnings } from '../warnings.js';
import { CosineAnnealingLR, ReduceLROnPlateau, StepLR } from './lr_scheduler.js';
import { SGD } from './sgd.js';

/** Two groups, lr 0.1 and 0.5, like the torch snippets: SGD([{'params': [a]}, {'params': [b], 'lr': 0.5}], lr=0.1). */
function twoGroups(): SGD {
  return new SGD([{ params: [new Parameter(zeros([1]))] }, { params: [new Parameter(zeros([1]))], lr: 0.5 }], { lr: 0.1 });
}

function trace(opt: SGD, sched: { step(): void; getLastLr(): number[] }, steps: number): number[][] {
  const out = [sched.getLastLr()];
  for (let i = 0; i < steps; i++) {
    opt.step();
    sched.step();
    out.push(sched.getLastLr());
  }
  return out;
}

function expectClose(got: number[][], want: number[][]): void {
  expect(got.length).toBe(want.length);
  got.forEach((row, i) => row.forEach((v, k) => expect(v).toBeCloseTo(want[i][k], 15)));
}

describe('StepLR', () => {
  it('halve every 2 epochs (torch: StepLR(o, step_size=2, gamma=0.5), 7 × (o.step(); s.step()))', () => {
    const opt = twoGroups();
    const got = trace(opt, new StepLR(opt, { stepSize: 2, gamma: 0.5 }), 7);
    expectClose(got, [[0.1, 0.5], [0.1, 0.5], [0.05, 0.25], [0.05, 0.25], [0.025, 0.125], [0.025, 0.125], [0.0125, 0.0625], [0.0125, 0.0625]]);
    expect(opt.paramGroups.map((g) => g.initialLr)).toEqual([0.1, 0.5]);
  });

  it('round-trip its state through JSON and continue identically', () => {
    const a = twoGroups();
    const s = new StepLR(a, { stepSize: 3 });
    for (let i = 0; i < 4; i++) s.step();
    const saved = JSON.parse(JSON.stringify(s.stateDict()));
    expect(saved).toMatchObject({ stepSize: 3, gamma: 0.1, lastEpoch: 4, stepCount: 5, baseLrs: [0.1, 0.5] });
    const b = twoGroups();
    b.loadStateDict(JSON.parse(JSON.stringify(a.stateDict())));
    const s2 = new StepLR(b, { stepSize: 1 });
    s2.loadStateDict(saved);
    s.step();
    s2.step();
    s.step();
    s2.step();
    expect(s2.getLastLr()).toEqual(s.getLastLr());
  });
});

describe('CosineAnnealingLR', () => {
  it('follow torch 1.13 step by step through one full period and back (T_max=4, eta_min=0.01)', () => {
    // torch: s = CosineAnnealingLR(o, T_max=4, eta_min=0.01); 12 × (o.step(); s.step()), s.get_last_lr() each time.
    // The recursive form accumulates rounding differently from the closed form (e.g. 0.10000000000000006 at t=8).
    const opt = twoGroups();
    const got = trace(opt, new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01 }), 12);
    const want = [[0.1, 0.5], [0.08681980515339464, 0.4282411613907041], [0.05500000000000001, 0.255], [0.023180194846605363, 0.08175883860929586], [0.01, 0.01], [0.023180194846605363, 0.08175883860929584], [0.05500000000000002, 0.255], [0.08681980515339469, 0.42824116139070423], [0.10000000000000006, 0.5000000000000001], [0.0868198051533947, 0.4282411613907043], [0.05500000000000005, 0.2550000000000001], [0.023180194846605412, 0.08175883860929607], [0.01, 0.01]];
    got.forEach((row, i) => expect(row).toEqual(want[i]));
  });

  it('use the closed form on the first step when resuming at lastEpoch > 0', () => {
    const opt = twoGroups();
    opt.paramGroups.forEach((g) => (g.initialLr = g.lr));
    const s = new CosineAnnealingLR(opt, { tMax: 4, etaMin: 0.01, lastEpoch: 2 });
    // t = 3: 0.01 + 0.09·(1 + cos(3π/4))/2
    expect(s.getLastLr()[0]).toBeCloseTo(0.023180194846605363, 15);
    expect(() => new CosineAnnealingLR(twoGroups(), { tMax: 4, lastEpoch: 2 })).toThrow(/'initialLr' is not specified in paramGroups\[0\]/);
  });
});

describe('scheduler call order', () => {
  afterEach(() => clearRecentWarnings());

  it('warn (without printing) when the scheduler steps before the optimizer', () => {
    clearRecentWarnings();
    const opt = twoGroups();
    const s = new StepLR(opt, { stepSize: 1 });
    s.step();
    expect(recentWarnings().map((w) => w.message)[0]).toMatch(/lrScheduler.step\(\)` before `optimizer.step\(\)/);
    clearRecentWarnings();
    const opt2 = twoGroups();
    const s2 = new StepLR(opt2, { stepSize: 1 });
    opt2.step();
    s2.step();
    expect(recentWarnings()).toEqual([]);
  });
});

describe('ReduceLROnPlateau', () => {
  it('min/rel with patience 2, cooldown 1, factor 0.5, minLr 0.2 (torch numbers)', () => {
    // torch: ReduceLROnPlateau(o, patience=2, cooldown=1, factor=0.5, min_lr=0.2) with lr=1.0, stepping these metrics:
    const metrics = [1.0, 0.9, 0.95, 0.9, 0.9, 0.89999, 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6];
    const opt = new SGD([new Parameter(zeros([1]))], { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { patience: 2, cooldown: 1, factor: 0.5, minLr: 0.2 });
    const lrs = metrics.map((m) => {
      s.step(m);
      return opt.paramGroups[0].lr;
    });
    // 0.89999 is not better than 0.9·(1 − 1e-4) = 0.89991, so it counts as a bad epoch.
    expect(lrs).toEqual([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2]);
    expect([s.best, s.numBadEpochs, s.cooldownCounter]).toEqual([0.5, 0, 0]);
  });

  it('max/abs with threshold 0.1 and patience 1 (torch numbers), and a JSON-safe state with best = ±Infinity', () => {
    const opt = new SGD([new Parameter(zeros([1]))], { lr: 1 });
    const s = new ReduceLROnPlateau(opt, { mode: 'max', threshold: 0.1, thresholdMode: 'abs', patience: 1 });
    expect(JSON.parse(JSON.stringify(s.stateDict())).best).toBe('-Infinity');
    const lrs = [1.0, 1.05, 1.2, 1.25, 1.29, 1.31, 1.0].map((m) => {
      s.step(m);
      return opt.paramGroups[0].lr;
    });
    expect(lrs).toEqual([1.0, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1]);
    expect(s.best).toBe(1.31);
    const fresh = new ReduceLROnPlateau(opt, { mode: 'max' });
    fresh.loadStateDict(JSON.parse(JSON.stringify(s.stateDict())));
    expect([fresh.best, fresh.threshold, fresh.thresholdMode, fresh.lastEpoch]).toEqual([1.31, 0.1, 'abs', 7]);
  });

  it('reject factor >= 1 and a minLr list of the wrong length', () => {
    const opt = twoGroups();
    expect(() => new ReduceLROnPlateau(opt, { factor: 1 })).toThrow('ReduceLROnPlateau: factor should be < 1.0, got 1');
    expect(() => new ReduceLROnPlateau(opt, { minLr: [0.1] })).toThrow('ReduceLROnPlateau: expected 2 minLr values (one per group), got 1');
  });
});
