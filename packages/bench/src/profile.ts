/**
 * `pnpm bench-profile`: where one training step of a bench config spends its time, here and in PyTorch.
 *
 *   pnpm bench-profile                 config A, 10 profiled steps after 3 warm-up steps
 *   pnpm bench-profile --config B --steps 5 --out /tmp/prof
 *
 * Ours: V8's sampling CPU profiler (node:inspector, 100 µs interval) over the steps; self time is grouped by
 * WebAssembly function and by JavaScript source file, so the table shows how much of a step is GEMM work, cell
 * kernels, copies and glue, the optimizer, and the garbage collector. PyTorch (Debian's `python3-torch`, one
 * thread): `torch.autograd.profiler` over the same steps (`scripts/reference/bench_torch.py --profile`), self CPU
 * time per operator. Both report the GEMM FLOPs of a step (6·N·L·G·H·(in + H) per layer and direction: forward,
 * input gradient and weight gradient of both projections) and the step time measured without the profiler, so the
 * achieved GEMM rate can be compared with the sgemm micro-bench. Writes `profile-<config>.md` next to `latest.md`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { F, Generator, gemmBackend, optim, randint, setDefaultDtype } from '@recurrent/nn-core';
import { CONFIGS, LR, type BenchConfig } from './configs.js';
import { median } from './measure.js';
import { Classifier } from './model_ours.js';
import { gemmFlops, selfTimes, wasmExportNames, type CpuProfile } from './cpu_profile.js';

interface Row {
  name: string;
  /** Self time per step, ms. */
  ms: number;
}

interface EngineProfile {
  engine: string;
  /** Median step time without the profiler, ms. */
  stepMs: number;
  /** Profiled time per step (sum of the rows), ms. */
  profiledMs: number;
  rows: Row[];
}

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../../..');

function kernelNames(): Map<number, string> {
  const file = gemmBackend().includes('relaxed') ? 'kernels_relaxed.wasm' : 'kernels.wasm';
  try {
    return wasmExportNames(readFileSync(join(root, 'packages/nn-core/build', file)));
  } catch {
    return new Map();
  }
}

async function profileOurs(c: BenchConfig, steps: number, warmup: number): Promise<EngineProfile> {
  setDefaultDtype('float32');
  const gen = new Generator(0);
  const model = new Classifier(c, gen);
  const opt = new optim.Adam(model.parameters(), { lr: LR });
  model.train();
  const step = (): void => {
    const ids = randint(0, c.V, [c.N, c.L], { generator: gen });
    const labels = randint(0, 2, [c.N], { generator: gen });
    opt.zeroGrad();
    const loss = F.nllLoss(F.logSoftmax(model.forward(ids), 1), labels);
    loss.backward();
    opt.step();
    loss.item();
  };
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  for (let i = 0; i < steps; i++) step();
  const { profile } = (await session.post('Profiler.stop')) as { profile: CpuProfile };
  session.disconnect();
  const rows = [...selfTimes(profile, kernelNames())].map(([name, ms]) => ({ name, ms: ms / steps })).sort((a, b) => b.ms - a.ms);
  return { engine: `ours (${gemmBackend()} kernels)`, stepMs: median(times), profiledMs: rows.reduce((s, r) => s + r.ms, 0), rows };
}

function profileTorch(c: BenchConfig, steps: number, warmup: number, python: string, blasDir: string | null): EngineProfile | string {
  const env = { ...process.env, OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', ...(blasDir === null ? {} : { LD_LIBRARY_PATH: [blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') }) };
  const args = [join(root, 'scripts/reference/bench_torch.py'), '--profile', JSON.stringify({ steps, warmup }), '--config', JSON.stringify(c)];
  const r = spawnSync(python, args, { encoding: 'utf8', env, timeout: 600_000 });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('PROFILE '));
  if (line === undefined) return `PyTorch profile unavailable (${python}: ${(r.stderr || r.error?.message || 'no output').trim().split('\n').pop()})`;
  const p = JSON.parse(line.slice('PROFILE '.length)) as { stepMs: number; rows: Row[]; blas: string[] };
  return { engine: `PyTorch 1 thread (${p.blas.map((b) => basename(b)).join(', ') || 'BLAS unknown'})`, stepMs: p.stepMs, profiledMs: p.rows.reduce((s, x) => s + x.ms, 0), rows: p.rows };
}

function table(p: EngineProfile, flops: number, top: number): string {
  const lines = [
    `### ${p.engine}`,
    '',
    `Step ${p.stepMs.toFixed(1)} ms (median, no profiler); GEMM work ${(flops / 1e9).toFixed(2)} GFLOP per step, so ${(flops / (p.stepMs * 1e6)).toFixed(1)} GFLOPS over the whole step. Profiled self time ${p.profiledMs.toFixed(1)} ms per step:`,
    '',
    '| where | ms / step | share |',
    '|---|---|---|',
  ];
  const shown = p.rows.slice(0, top);
  for (const r of shown) lines.push(`| ${r.name} | ${r.ms.toFixed(2)} | ${((100 * r.ms) / p.profiledMs).toFixed(1)} % |`);
  const rest = p.rows.slice(top).reduce((s, r) => s + r.ms, 0);
  if (rest > 0) lines.push(`| ${p.rows.length - top} others | ${rest.toFixed(2)} | ${((100 * rest) / p.profiledMs).toFixed(1)} % |`);
  return lines.join('\n');
}

interface Options {
  config: BenchConfig;
  steps: number;
  warmup: number;
  python: string;
  blasDir: string | null;
  out: string;
  top: number;
}

function parseArgs(argv: string[]): Options {
  const a = argv.filter((x) => x !== '--');
  const value = (name: string): string | null => {
    const i = a.indexOf(`--${name}`);
    return i < 0 ? null : (a[i + 1] ?? null);
  };
  const known = new Set(['config', 'steps', 'warmup', 'python', 'blas-dir', 'out', 'top']);
  for (const x of a) if (x.startsWith('--') && !known.has(x.slice(2))) throw new RangeError(`bench-profile: unknown option ${x} (see the header of packages/bench/src/profile.ts)`);
  const int = (name: string, dflt: number): number => {
    const v = value(name);
    const n = v === null ? dflt : Number(v);
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`bench-profile: --${name} must be a positive integer, got ${v}`);
    return n;
  };
  const name = value('config') ?? 'A';
  const config = CONFIGS.find((c) => c.name === name);
  if (config === undefined) throw new RangeError(`bench-profile: --config must be one of ${CONFIGS.map((c) => c.name).join(', ')}, got ${name}`);
  return {
    config,
    steps: int('steps', 10),
    warmup: int('warmup', 3),
    python: value('python') ?? '/usr/bin/python3',
    blasDir: value('blas-dir'),
    out: value('out') ?? join(root, 'packages/bench/results'),
    top: int('top', 12),
  };
}

async function main(): Promise<void> {
  let o: Options;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error((e as Error).message);
    process.exit(2);
  }
  const c = o.config;
  const flops = gemmFlops(c);
  const ours = await profileOurs(c, o.steps, o.warmup);
  const torch = profileTorch(c, o.steps, o.warmup, o.python, o.blasDir);
  const md = [
    `# Training-step profile of config ${c.name} — ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Config ${c.name}: ${JSON.stringify(c)}; ${o.steps} profiled steps after ${o.warmup} warm-up steps; load average at start ${(await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' ')}. Produced by \`pnpm bench-profile --config ${c.name}\`.`,
    '',
    table(ours, flops, o.top),
    '',
    typeof torch === 'string' ? torch : table(torch, flops, o.top),
    '',
  ].join('\n');
  mkdirSync(o.out, { recursive: true });
  writeFileSync(join(o.out, `profile-${c.name}.md`), md);
  console.log(md);
}

await main();
