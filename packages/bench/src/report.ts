/**
 * From the raw runs to the ratio table: per config and metric, ours against PyTorch (best of its thread counts)
 * and against TF.js (best of its backends), with bounds where an engine was stopped at its time limit.
 */
import { memoryTheory, type BenchConfig, type MemoryTheory } from './configs.js';
import type { GemmResult } from './gemm.js';
import type { Phase, RunResult } from './measure.js';

/** A run as stored: what the child printed, where the figures come from, and lower bounds for killed phases. */
export interface StoredRun extends RunResult {
  /** `measured` in this run, or `committed figures (<date>)` copied from the previous results file. */
  source: string;
  /** A phase stopped at the time limit before it produced a figure: its time is more than this many ms. */
  lowerBoundsMs?: Partial<Record<Phase, number>>;
}

/** A figure: exact, or known only to be above or below `v`. */
export interface Figure {
  v: number;
  kind: '=' | '>' | '<';
  /** Which engine gave it (the best of a family). */
  engine: string;
}

export interface Metric {
  key: string;
  label: string;
  unit: string;
  /** Whether a lower value is better. */
  lowerIsBetter: boolean;
  get(r: StoredRun): Figure | null;
}

/** The engine's name, marked when its figures were copied from the committed results rather than measured. */
const label = (r: StoredRun): string => (r.source === 'measured' ? r.engine : `${r.engine}, committed figures`);
/** Peak RSS of the training phase: when training ended (older records, and engines that do not train: the run's). */
const trainPeak = (r: StoredRun): number | null => r.trainPeakRssMB ?? r.peakRssMB;

const fig = (r: StoredRun, v: number | null | undefined, phase: Phase | null, invert?: (ms: number) => number): Figure | null => {
  if (v !== null && v !== undefined && Number.isFinite(v)) return { v, kind: '=', engine: label(r) };
  const bound = phase === null ? undefined : r.lowerBoundsMs?.[phase];
  if (bound === undefined) return null;
  return invert ? { v: invert(bound), kind: '<', engine: label(r) } : { v: bound, kind: '>', engine: label(r) };
};

/** The metrics of the table, in order. */
export function metrics(c: BenchConfig): Metric[] {
  return [
    { key: 'trainMsMedian', label: 'train step (median)', unit: 'ms', lowerIsBetter: true, get: (r) => fig(r, r.train?.msMedian, 'train') },
    { key: 'trainMsMin', label: 'train step (min)', unit: 'ms', lowerIsBetter: true, get: (r) => fig(r, r.train?.msMin, 'train') },
    {
      key: 'tokensPerS', label: 'training tokens/s', unit: '/s', lowerIsBetter: false,
      get: (r) => fig(r, r.train?.tokensPerS, 'train', (ms) => (c.N * c.L * 1000) / ms),
    },
    { key: 'inferSingleMs', label: 'inference latency, N 1 L 20', unit: 'ms', lowerIsBetter: true, get: (r) => fig(r, r.inferSingle?.msMedian, 'inferSingle') },
    {
      key: 'inferBatchPerS', label: 'inference sentences/s, N 256 L 32', unit: '/s', lowerIsBetter: false,
      get: (r) => fig(r, r.inferBatch?.sentencesPerS, 'inferBatch', (ms) => (256 * 1000) / ms),
    },
    {
      // Only runs that finished a training step: a process stopped before that never held the training state.
      key: 'peakRssMB', label: 'peak RSS (training runs)', unit: 'MB', lowerIsBetter: true,
      get: (r) => (r.train === null || trainPeak(r) === null ? null : { v: trainPeak(r)!, kind: '=', engine: label(r) }),
    },
  ];
}

/** Best figure of a family: exact figures win over bounds unless a bound is certainly better. */
export function best(figs: Figure[], lowerIsBetter: boolean): Figure | null {
  if (figs.length === 0) return null;
  const better = (a: number, b: number): boolean => (lowerIsBetter ? a < b : a > b);
  const exact = figs.filter((f) => f.kind === '=');
  const bounds = figs.filter((f) => f.kind !== '=');
  const e = exact.reduce<Figure | null>((acc, f) => (acc === null || better(f.v, acc.v) ? f : acc), null);
  // A bound in the "worse" direction (time > b for ↓, rate < b for ↑) is beaten by any exact figure better than b.
  const b = bounds.reduce<Figure | null>((acc, f) => (acc === null || better(f.v, acc.v) ? f : acc), null);
  if (e === null) return b;
  if (b === null || !better(b.v, e.v)) return e;
  // The bounded engine might still be better than e: all we know is that the best is at least as good as e.
  return { v: e.v, kind: lowerIsBetter ? '<' : '>', engine: `${e.engine}?` };
}

export interface RatioRow {
  config: string;
  metric: string;
  label: string;
  unit: string;
  lowerIsBetter: boolean;
  ours: Figure | null;
  torch: Figure | null;
  tfjs: Figure | null;
  /** ONNX Runtime (inference rows only). */
  ort: Figure | null;
  /** ours / PyTorch best, ours / TF.js best and ours / ONNX Runtime best (a bound when either side is one). */
  vsTorch: Figure | null;
  vsTfjs: Figure | null;
  vsOrt: Figure | null;
  /** The issue's target for this row, when it has one, and whether it is met. */
  target?: string;
  met?: boolean | null;
}

function ratio(a: Figure | null, b: Figure | null): Figure | null {
  if (a === null || b === null || b.v === 0) return null;
  // a / b: a '>' numerator or '<' denominator makes the ratio a lower bound, and vice versa; two opposing bounds say nothing.
  const up = (a.kind === '>' ? 1 : a.kind === '<' ? -1 : 0) + (b.kind === '<' ? 1 : b.kind === '>' ? -1 : 0);
  const mixed = (a.kind !== '=' && b.kind !== '=' && up === 0);
  if (mixed) return null;
  return { v: a.v / b.v, kind: up > 0 ? '>' : up < 0 ? '<' : '=', engine: '' };
}

/**
 * Targets that are ratios of one row (issues 7 and 15): a training step ≤ 1× PyTorch's (≤ 1.3× on B and the tanh RNN)
 * and ≥ 5× faster than TF.js; batch inference ≥ 1× PyTorch's throughput (`torchAtLeast`); single-sentence latency
 * ≤ 0.5× PyTorch's and ≤ 1× ONNX Runtime's.
 */
function targetFor(config: string, metric: string): { torch?: number; torchAtLeast?: number; tfjs?: number; ort?: number } {
  if (metric === 'trainMsMedian') return { torch: ['B', 'A-RNN'].includes(config) ? 1.3 : 1.0, tfjs: 0.2 };
  if (metric === 'inferBatchPerS') return { torchAtLeast: 1.0 };
  if (metric === 'inferSingleMs') return { torch: 0.5, ort: 1.0 };
  return {};
}

export function ratioRows(configs: readonly BenchConfig[], runs: StoredRun[]): RatioRow[] {
  const rows: RatioRow[] = [];
  for (const c of configs) {
    const of = (prefix: string): StoredRun[] => runs.filter((r) => r.config === c.name && r.engine.startsWith(prefix));
    for (const m of metrics(c)) {
      const pick = (rs: StoredRun[]): Figure | null => best(rs.map(m.get).filter((f): f is Figure => f !== null), m.lowerIsBetter);
      const ours = pick(of('ours'));
      const torch = pick(of('torch-'));
      const tfjs = pick(of('tfjs-'));
      const ort = pick(of('ort-'));
      const row: RatioRow = {
        config: c.name, metric: m.key, label: m.label, unit: m.unit, lowerIsBetter: m.lowerIsBetter,
        ours, torch, tfjs, ort, vsTorch: ratio(ours, torch), vsTfjs: ratio(ours, tfjs), vsOrt: ratio(ours, ort),
      };
      const t = targetFor(c.name, m.key);
      const parts: string[] = [];
      const checks: (boolean | null)[] = [];
      const meets = (r: Figure | null, limit: number): boolean | null =>
        r === null ? null : r.v <= limit && r.kind !== '>' ? true : r.v > limit && r.kind !== '<' ? false : null;
      const atLeast = (r: Figure | null, limit: number): boolean | null =>
        r === null ? null : r.v >= limit && r.kind !== '<' ? true : r.v < limit && r.kind !== '>' ? false : null;
      const mark = (ok: boolean | null): string => (ok === true ? '✓' : ok === false ? '✗' : '?');
      if (t.torch !== undefined) {
        checks.push(meets(row.vsTorch, t.torch));
        parts.push(`≤ ${t.torch}× PyTorch ${mark(checks[checks.length - 1])}`);
      }
      if (t.torchAtLeast !== undefined) {
        checks.push(atLeast(row.vsTorch, t.torchAtLeast));
        parts.push(`≥ ${t.torchAtLeast}× PyTorch ${mark(checks[checks.length - 1])}`);
      }
      if (t.ort !== undefined) {
        checks.push(meets(row.vsOrt, t.ort));
        parts.push(`≤ ${t.ort}× ONNX Runtime ${mark(checks[checks.length - 1])}`);
      }
      if (t.tfjs !== undefined) {
        checks.push(meets(row.vsTfjs, t.tfjs));
        parts.push(`≥ 5× faster than TF.js ${mark(checks[checks.length - 1])}`);
      }
      if (parts.length > 0) {
        row.target = parts.join(', ');
        row.met = checks.includes(false) ? false : checks.includes(null) ? null : true;
      }
      rows.push(row);
    }
  }
  return rows;
}

export interface MemoryReport {
  config: string;
  theory: MemoryTheory;
  byEngine: { engine: string; source: string; trained: boolean; peakRssMB: number | null; startRssMB: number | null; peakOverTheory: number | null; growthOverTheory: number | null }[];
}

export function memoryReport(c: BenchConfig, runs: StoredRun[]): MemoryReport {
  const theory = memoryTheory(c);
  const mb = theory.total / 1048576;
  return {
    config: c.name,
    theory,
    byEngine: runs.filter((r) => r.config === c.name).map((r) => ({
      engine: r.engine,
      source: r.source,
      trained: r.train !== null,
      peakRssMB: trainPeak(r),
      startRssMB: r.startRssMB,
      peakOverTheory: trainPeak(r) === null ? null : trainPeak(r)! / mb,
      growthOverTheory: trainPeak(r) === null || r.startRssMB === null ? null : (trainPeak(r)! - r.startRssMB) / mb,
    })),
  };
}

// ---------------------------------------------------------------- Markdown

const num = (v: number): string => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toPrecision(2));
const show = (f: Figure | null, unit = ''): string => (f === null ? 'n/a' : `${f.kind === '=' ? '' : `${f.kind} `}${num(f.v)}${unit}`);
const withEngine = (f: Figure | null, unit: string): string => (f === null ? 'n/a' : `${show(f, unit)} (${f.engine})`);
const unitText = (u: string): string => (u === 'ms' ? ' ms' : u === 'MB' ? ' MB' : '');

export interface Header {
  date: string;
  machine: { cpu: string; nproc: number; loadavg: number[]; node: string };
  versions: Record<string, string | null>;
  settings: Record<string, unknown>;
  notes: string[];
}

export function markdown(h: Header, configs: readonly BenchConfig[], rows: RatioRow[], runs: StoredRun[], memory: MemoryReport | null, gemm: GemmResult | null): string {
  const out: string[] = [];
  out.push(`# pnpm bench — ${h.date}`, '');
  out.push(`Machine: ${h.machine.cpu}, ${h.machine.nproc} cores (nproc), load average at start ${h.machine.loadavg.map((x) => x.toFixed(2)).join(' ')}; Node ${h.machine.node}; ` +
    Object.entries(h.versions).map(([k, v]) => `${k} ${v ?? 'absent'}`).join(', ') + '.', '');
  out.push(`Settings: ${Object.entries(h.settings).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(',') : String(v)}`).join('; ')}.`, '');
  out.push('Ratios are ours / theirs: below 1 is better for us on ↓ rows (times, memory), above 1 on ↑ rows (throughput). ' +
    'PyTorch and ONNX Runtime (inference only) = best of their thread counts, TF.js = best of `cpu` and `wasm`; `>`/`<` mark bounds from a run stopped at its time limit.', '');
  for (const n of h.notes) out.push(`> ${n}`, '');
  out.push('| config | metric | ours | PyTorch best | ours / PyTorch | ONNX Runtime best | ours / ONNX Runtime | TF.js best | ours / TF.js | target |');
  out.push('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const u = unitText(r.unit);
    const target = r.target ?? '';
    out.push(`| ${r.config} | ${r.label} ${r.lowerIsBetter ? '↓' : '↑'} | ${show(r.ours, u)} | ${withEngine(r.torch, u)} | ${show(r.vsTorch, '×')} | ${withEngine(r.ort, u)} | ${show(r.vsOrt, '×')} | ${withEngine(r.tfjs, u)} | ${show(r.vsTfjs, '×')} | ${target} |`);
  }
  out.push('');

  if (memory !== null) {
    const t = memory.theory;
    const MB = (b: number): string => `${(b / 1048576).toFixed(1)} MB`;
    out.push(`## Memory of config ${memory.config} (training)`, '');
    out.push(`Theory (float32): parameters ${MB(t.parameters)} + Adam state ${MB(t.adamState)} + saved activations ${MB(t.activations)} = **${MB(t.total)}** ` +
      `(gradients, another ${MB(t.gradients)}, not included). Peak RSS when training ended (before the inference runs), runtime included (start-up RSS given).`, '');
    out.push('| engine | peak RSS (training) | start-up RSS | peak / theory | (peak − start-up) / theory |', '|---|---|---|---|---|');
    for (const e of memory.byEngine) {
      const f = (v: number | null, d = 0): string => (v === null ? 'n/a' : v.toFixed(d));
      out.push(`| ${e.engine}${e.source === 'measured' ? '' : ` ${e.source}`}${e.trained ? '' : ' (no training step finished)'} | ${f(e.peakRssMB)} MB | ${f(e.startRssMB)} MB | ${f(e.peakOverTheory, 2)}× | ${f(e.growthOverTheory, 2)}× |`);
    }
    out.push('');
  }

  out.push('## Every run', '');
  out.push('| config | engine | train median / min (steps) | tokens/s | latency N 1 L 20 | sentences/s N 256 L 32 | peak RSS, training / whole run | loss first → last | notes |');
  out.push('|---|---|---|---|---|---|---|---|---|');
  for (const c of configs) {
    for (const r of runs.filter((x) => x.config === c.name)) {
      const lb = (p: Phase): string => (r.lowerBoundsMs?.[p] === undefined ? 'n/a' : `> ${num(r.lowerBoundsMs[p]!)} ms`);
      const train = r.train === null ? lb('train') : `${num(r.train.msMedian)} / ${num(r.train.msMin)} ms (${r.train.warmupOnly ? `warm-up only: ${r.train.warmup}` : r.train.steps})`;
      const notes = [...r.notes, ...(r.source === 'measured' ? [] : [r.source])].join('; ');
      out.push(`| ${c.name} | ${r.engine} | ${train} | ${r.train === null ? '' : num(r.train.tokensPerS)} | ` +
        `${r.inferSingle === null ? lb('inferSingle') : `${num(r.inferSingle.msMedian)} ms (${r.inferSingle.runs})`} | ` +
        `${r.inferBatch === null ? lb('inferBatch') : `${num(r.inferBatch.sentencesPerS)} (${r.inferBatch.runs})`} | ` +
        `${r.peakRssMB === null ? 'n/a' : `${r.trainPeakRssMB == null ? '' : `${r.trainPeakRssMB.toFixed(0)} / `}${r.peakRssMB.toFixed(0)} MB`} | ${r.train === null ? '' : `${r.train.firstLoss.toFixed(3)} → ${r.train.lastLoss.toFixed(3)}`} | ${notes} |`);
    }
  }
  out.push('');

  if (gemm !== null) {
    const threads = gemm.rows.length > 0 ? Object.keys(gemm.rows[0].numpy) : [];
    out.push(`## sgemm micro-bench (GFLOPS, float32; ours: nn-core's bench-gemm.ts, kernel ${gemm.oursBackend ?? 'n/a'})`, '');
    out.push(`| shape | ours js | ours wasm | ${threads.map((t) => `numpy ${t}`).join(' | ')} | ours wasm / numpy best |`);
    out.push(`|---|---|---|${threads.map(() => '---|').join('')}---|`);
    const g = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(1));
    for (const r of gemm.rows) {
      const np = Object.values(r.numpy).filter((v): v is number => v !== null);
      const bestNp = np.length ? Math.max(...np) : null;
      out.push(`| ${r.shape} | ${g(r.oursJs)} | ${g(r.oursWasm)} | ${threads.map((t) => g(r.numpy[t])).join(' | ')} | ${r.oursWasm !== null && bestNp ? `${(r.oursWasm / bestNp).toFixed(2)}×` : 'n/a'} |`);
    }
    for (const n of gemm.notes) out.push('', `> ${n}`);
    out.push('');
  }
  return out.join('\n');
}

