/**
 * The timing loops shared by the JavaScript engines' child processes, and the result record every engine
 * (PyTorch's script included) prints as one `RESULT {json}` line.
 */
import { INFER_BATCH, INFER_SINGLE, type BenchConfig, type RunSettings } from './configs.js';

/** Training-step times of one engine and config. */
export interface TrainResult {
  /** Timed steps (≤ the requested count when the budget ran out). */
  steps: number;
  warmup: number;
  msMedian: number;
  msMin: number;
  /** N·L / median step time. */
  tokensPerS: number;
  /** Every timed step, ms. */
  times: number[];
  /** Warm-up step times, ms (the first includes one-time set-up: kernel compilation, lazy allocation). */
  warmupTimes: number[];
  /** True when no timed step finished (time budget or hard limit): the figures are the warm-up steps'. */
  warmupOnly: boolean;
  /** First and last loss, a sanity check that the model trains. */
  firstLoss: number;
  lastLoss: number;
}

/** Inference times (eval mode, no grad). */
export interface InferResult {
  N: number;
  L: number;
  runs: number;
  msMedian: number;
  msMin: number;
  /** N / median time. */
  sentencesPerS: number;
}

/** One engine on one config, as printed by a child process. */
export interface RunResult {
  engine: string;
  config: string;
  /** Error or missing-kernel note per phase that could not be measured ("n/a: …"). */
  notes: string[];
  train: TrainResult | null;
  inferSingle: InferResult | null;
  inferBatch: InferResult | null;
  /** Peak resident set size of the child process, MB (maxRSS), and its RSS right after start-up. */
  peakRssMB: number | null;
  startRssMB: number | null;
  /** Peak RSS when training ended, before the inference phases (whose buffers can exceed training's), MB. */
  trainPeakRssMB?: number | null;
  /** Engine details (versions, kernel backend, threads). */
  info: Record<string, string | number | boolean>;
  /** The phase in progress and when it started (epoch ms), so a parent that kills the child knows a lower bound. */
  running?: { phase: Phase; since: number };
}

export type Phase = 'train' | 'inferSingle' | 'inferBatch';

/** An empty result record for one engine and config, to be filled phase by phase. */
export function newRunResult(engine: string, config: string, startRssMB: number, info: RunResult['info']): RunResult {
  return { engine, config, notes: [], train: null, inferSingle: null, inferBatch: null, peakRssMB: null, startRssMB, info };
}

/** Marks `phase` as started and prints a PARTIAL line. */
export function enterPhase(r: RunResult, phase: Phase): void {
  r.running = { phase, since: Date.now() };
  printResult(r, false);
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The line prefix of a final result; `PARTIAL ` lines carry what was measured so far, in case the child is killed. */
export const RESULT_PREFIX = 'RESULT ';
export const PARTIAL_PREFIX = 'PARTIAL ';

/** A step function returns the loss; it must have finished its work (synchronously or via the promise) when it resolves. */
export type Step = () => number | Promise<number>;

/** Warm-up steps, then up to `steps` timed steps within `trainBudgetMs`. */
export async function timeTraining(c: BenchConfig, s: RunSettings, step: Step, onProgress?: (r: TrainResult) => void): Promise<TrainResult> {
  let firstLoss = NaN;
  let lastLoss = NaN;
  const warmupTimes: number[] = [];
  const times: number[] = [];
  const timed = async (into: number[]): Promise<void> => {
    const t0 = performance.now();
    lastLoss = await step();
    into.push(performance.now() - t0);
    if (Number.isNaN(firstLoss)) firstLoss = lastLoss;
    onProgress?.(trainSummary(c, times, warmupTimes, firstLoss, lastLoss));
  };
  for (let i = 0; i < s.warmup; i++) await timed(warmupTimes);
  const start = performance.now();
  while (times.length < s.steps && (times.length === 0 || performance.now() - start < s.trainBudgetMs)) await timed(times);
  return trainSummary(c, times, warmupTimes, firstLoss, lastLoss);
}

const round3 = (t: number): number => Math.round(t * 1000) / 1000;

function trainSummary(c: BenchConfig, times: number[], warmupTimes: number[], firstLoss: number, lastLoss: number): TrainResult {
  const warmupOnly = times.length === 0;
  const ts = warmupOnly ? warmupTimes : times;
  const msMedian = median(ts);
  return {
    steps: times.length,
    warmup: warmupTimes.length,
    msMedian,
    msMin: Math.min(...ts),
    tokensPerS: (c.N * c.L * 1000) / msMedian,
    times: times.map(round3),
    warmupTimes: warmupTimes.map(round3),
    warmupOnly,
    firstLoss,
    lastLoss,
  };
}

/**
 * One warm-up run, then up to `runs` timed runs within `budgetMs` (at least `minRuns`). When the warm-up run alone
 * takes longer than the budget, it is the measurement (runs 1): a second run would only confirm a figure too slow
 * to matter.
 */
export async function timeInference(
  shape: typeof INFER_SINGLE | typeof INFER_BATCH, runs: number, budgetMs: number, run: () => void | Promise<void>, minRuns = 3,
): Promise<InferResult> {
  const w0 = performance.now();
  await run();
  const warm = performance.now() - w0;
  const times: number[] = [];
  if (warm > budgetMs) times.push(warm);
  const start = performance.now();
  while (times.length < runs && (times.length < minRuns || performance.now() - start < budgetMs)) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  const msMedian = median(times);
  return { N: shape.N, L: shape.L, runs: times.length, msMedian, msMin: Math.min(...times), sentencesPerS: (shape.N * 1000) / msMedian };
}

/** Token ids in [0, V) and labels in {0, 1} from a small seeded generator (mulberry32), for engines without one. */
export function seededBatches(seed: number): (N: number, L: number, V: number) => { ids: Int32Array; labels: Int32Array } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return (N, L, V) => {
    const ids = new Int32Array(N * L);
    for (let i = 0; i < ids.length; i++) ids[i] = Math.floor(next() * V);
    const labels = new Int32Array(N);
    for (let i = 0; i < N; i++) labels[i] = next() < 0.5 ? 0 : 1;
    return { ids, labels };
  };
}

export function rssMB(): { peak: number; now: number } {
  return { peak: process.resourceUsage().maxRSS / 1024, now: process.memoryUsage().rss / 1048576 };
}

/** Reads `--config JSON --settings JSON` from a child's argv. */
export function childArgs(argv: readonly string[]): { config: BenchConfig; settings: RunSettings; extra: Map<string, string> } {
  const extra = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i].startsWith('--')) extra.set(argv[i].slice(2), argv[i + 1] ?? '');
  }
  const config = extra.get('config');
  const settings = extra.get('settings');
  if (config === undefined || settings === undefined) throw new TypeError('child: expected --config JSON and --settings JSON');
  return { config: JSON.parse(config) as BenchConfig, settings: JSON.parse(settings) as RunSettings, extra };
}

export function printResult(r: RunResult, final: boolean): void {
  process.stdout.write(`${final ? RESULT_PREFIX : PARTIAL_PREFIX}${JSON.stringify(r)}\n`);
}
