/**
 * What `pnpm bench-profile` (profile_cli.ts) measures: where a training step and a single-sentence inference of a
 * bench config spend their time, here and in PyTorch, and what our memory holds after training.
 *
 * Ours: V8's sampling CPU profiler (node:inspector, 100 µs interval) over the steps; self time is grouped by
 * WebAssembly function and by JavaScript source file, so the table shows how much of a step is GEMM work, cell
 * kernels, copies and glue, the optimizer, and the garbage collector. PyTorch (Debian's `python3-torch`, one
 * thread): `torch.autograd.profiler` over the same steps (`scripts/reference/bench_torch.py --profile`), self CPU
 * time per operator. Both report the GEMM FLOPs of a step (6·N·L·G·H·(in + H) per layer and direction: forward,
 * input gradient and weight gradient of both projections) and the step time measured without the profiler, so the
 * achieved GEMM rate can be compared with the sgemm micro-bench. The same is done for single-sentence inference
 * (N 1, L 20: `--infer-runs` calls). Memory: `process.memoryUsage()` and peak RSS after the training steps, next to
 * the theoretical training memory of the config, as one Markdown report.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, Generator, gemmBackend, noGrad, optim, randint, setDefaultDtype } from '@recurrent/nn-core';
import { INFER_SINGLE, LR, memoryTheory, type BenchConfig } from './configs.js';
import { median } from './measure.js';
import { Classifier } from './model_ours.js';
import { gemmFlops, selfTimes, wasmExportNames, type CpuProfile } from './cpu_profile.js';

/** The repository's root directory. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

interface Row {
  name: string;
  /** Self time per run (training step or inference call), ms. */
  ms: number;
}

/** One phase (training step, or single-sentence inference) of one engine. */
interface PhaseProfile {
  /** Median time of one run without the profiler, ms. */
  medianMs: number;
  /** Profiled self time per run (sum of the rows), ms. */
  profiledMs: number;
  rows: Row[];
}

interface EngineProfile {
  engine: string;
  train: PhaseProfile;
  infer: PhaseProfile;
  /** Memory after the training steps (ours: process.memoryUsage() and peak RSS), MB. */
  memory: Record<string, number> | null;
}

function kernelNames(): Map<number, string> {
  const file = gemmBackend().includes('relaxed') ? 'kernels_relaxed.wasm' : 'kernels.wasm';
  try {
    return wasmExportNames(readFileSync(join(ROOT, 'packages/nn-core/build', file)));
  } catch {
    return new Map();
  }
}

/** Lets pending I/O and timers run between two runs, as a training loop's caller does between batches. */
const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Median time of `runs` calls, then V8's sampling profile over as many calls, grouped (see cpu_profile.ts). */
async function profilePhase(run: () => void, runs: number, warmup: number, names: Map<number, string>): Promise<PhaseProfile> {
  for (let i = 0; i < warmup; i++) run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
    await yieldToEventLoop();
  }
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let i = 0; i < runs; i++) {
    run();
    await yieldToEventLoop();
  }
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const rows = [...selfTimes(profile, names)].map(([name, ms]) => ({ name, ms: ms / runs })).sort((x, y) => y.ms - x.ms);
  return { medianMs: median(times), profiledMs: rows.reduce((t, r) => t + r.ms, 0), rows };
}

const MB = 1024 * 1024;

async function profileOurs(c: BenchConfig, steps: number, warmup: number, inferRuns: number): Promise<EngineProfile> {
  setDefaultDtype('float32');
  const gen = new Generator(0);
  const model = new Classifier(c, gen);
  const opt = new optim.Adam(model.parameters(), { lr: LR });
  const names = kernelNames();
  model.train();
  const train = await profilePhase(() => {
    const ids = randint(0, c.V, [c.N, c.L], { generator: gen });
    const labels = randint(0, 2, [c.N], { generator: gen });
    opt.zeroGrad();
    const loss = F.nllLoss(F.logSoftmax(model.forward(ids), 1), labels);
    loss.backward();
    opt.step();
    loss.item();
  }, steps, warmup, names);
  const m = process.memoryUsage();
  const memory = {
    'peak RSS': process.resourceUsage().maxRSS / 1024,
    'RSS now': m.rss / MB,
    'JS heap used': m.heapUsed / MB,
    'array buffers (tensor storage, WebAssembly memory)': m.arrayBuffers / MB,
    'theory: parameters + Adam state + saved activations': memoryTheory(c).total / MB,
    'theory: gradients': memoryTheory(c).gradients / MB,
  };
  model.eval();
  const single = randint(0, c.V, [INFER_SINGLE.N, INFER_SINGLE.L], { generator: gen });
  const infer = await profilePhase(() => {
    noGrad(() => F.logSoftmax(model.forward(single), 1)).data;
  }, inferRuns, 20, names);
  return { engine: `ours (${gemmBackend()} kernels)`, train, infer, memory };
}

function profileTorch(c: BenchConfig, o: ProfileOptions): EngineProfile | string {
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', ...(o.blasDir === null ? {} : { LD_LIBRARY_PATH: [o.blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }) };
  const settings = { steps: o.steps, warmup: o.warmup, inferRuns: o.inferRuns, inferShape: INFER_SINGLE };
  const args = [join(ROOT, 'scripts/reference/bench_torch.py'), '--profile', JSON.stringify(settings), '--config', JSON.stringify(c)];
  const r = spawnSync(o.python, args, { encoding: 'utf8', env, timeout: 600_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('PROFILE '));
  if (line === undefined) return `PyTorch profile unavailable (${o.python}: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()})`;
  const p = JSON.parse(line.slice('PROFILE '.length)) as { train: PhaseProfile; infer: PhaseProfile; blas: string[] };
  const sum = (q: PhaseProfile): PhaseProfile => ({ ...q, profiledMs: q.rows.reduce((t, x) => t + x.ms, 0) });
  return { engine: `PyTorch 1 thread (${p.blas.map((b) => basename(b)).join(', ') || 'BLAS unknown'})`, train: sum(p.train), infer: sum(p.infer), memory: null };
}

function rowsTable(p: PhaseProfile, unit: string, top: number): string[] {
  const lines = [`| where | ms / ${unit} | share |`, '|---|---|---|'];
  const digits = p.profiledMs < 10 ? 3 : 2;
  for (const r of p.rows.slice(0, top)) lines.push(`| ${r.name} | ${r.ms.toFixed(digits)} | ${((100 * r.ms) / p.profiledMs).toFixed(1)} % |`);
  const rest = p.rows.slice(top).reduce((t, r) => t + r.ms, 0);
  if (rest > 0) lines.push(`| ${p.rows.length - top} others | ${rest.toFixed(digits)} | ${((100 * rest) / p.profiledMs).toFixed(1)} % |`);
  return lines;
}

function section(p: EngineProfile, flops: number, top: number): string {
  const t = p.train;
  const i = p.infer;
  const lines = [
    `### ${p.engine}`,
    '',
    `**Training step** ${t.medianMs.toFixed(1)} ms (median, no profiler); GEMM work ${(flops / 1e9).toFixed(2)} GFLOP per step, so ${(flops / (t.medianMs * 1e6)).toFixed(1)} GFLOPS over the whole step. Profiled self time ${t.profiledMs.toFixed(1)} ms per step:`,
    '',
    ...rowsTable(t, 'step', top),
    '',
    `**Single-sentence inference** (N ${INFER_SINGLE.N}, L ${INFER_SINGLE.L}, eval, no grad) ${i.medianMs.toFixed(3)} ms (median, no profiler). Profiled self time ${i.profiledMs.toFixed(3)} ms per call:`,
    '',
    ...rowsTable(i, 'call', top),
  ];
  if (p.memory !== null) {
    lines.push('', '**Memory** after the training steps:', '', '| what | MB |', '|---|---|');
    for (const [k, v] of Object.entries(p.memory)) lines.push(`| ${k} | ${v.toFixed(1)} |`);
  }
  return lines.join('\n');
}

export interface ProfileOptions {
  config: BenchConfig;
  steps: number;
  warmup: number;
  /** Interpreter with torch for the PyTorch side, and a directory of OpenBLAS for it (or null). */
  python: string;
  blasDir: string | null;
  /** Rows per table. */
  top: number;
  inferRuns: number;
}

/** Profiles ours and PyTorch on `o.config` and returns the Markdown report (`profile-<config>.md`). */
export async function profileReport(o: ProfileOptions): Promise<string> {
  const c = o.config;
  const loadAtStart = loadavg();
  const flops = gemmFlops(c);
  const ours = await profileOurs(c, o.steps, o.warmup, o.inferRuns);
  const torch = profileTorch(c, o);
  return [
    `# Profile of config ${c.name} — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Config ${c.name}: ${JSON.stringify(c)}; ${o.steps} profiled training steps after ${o.warmup} warm-up steps, ${o.inferRuns} profiled inference calls after 20; load average at start ${loadAtStart.map((x) => x.toFixed(2)).join(' ')}. Produced by \`pnpm bench-profile --config ${c.name}\`.`,
    '',
    section(ours, flops, o.top),
    '',
    typeof torch === 'string' ? torch : section(torch, flops, o.top),
    '',
  ].join('\n');
}
