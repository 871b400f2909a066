/**
 * `pnpm bench`: our float32 engine against PyTorch (1 and 2 threads) and TensorFlow.js (`cpu`, `wasm`) on the
 * configs of issue 7, each engine and config in its own child process (so peak RSS is per config) with a hard time
 * limit, then the ratio table on stdout and in results/latest.md, every raw number in results/latest.json.
 *
 *   pnpm bench                                  full run (≥ 20 timed steps after 3 warm-up steps)
 *   pnpm bench --quick                          5 steps, 1 warm-up, PyTorch on 1 thread, short TF.js limits
 *   pnpm bench --configs C,A --engines ours,torch --steps 10 --out /tmp/bench --no-gemm
 *
 * Options: --steps N, --warmup N, --configs A,B,C,A-GRU,A-RNN, --engines ours,torch,onnxruntime,tfjs-cpu,tfjs-wasm
 * (`tfjs` = both; onnxruntime: inference only), --threads 1,2 (PyTorch, ONNX Runtime and numpy), --tfjs-limit S (hard limit per TF.js process, seconds), --limit S (per
 * other process), --python PATH (default /usr/bin/python3), --blas-dir DIR (prepended to LD_LIBRARY_PATH of the
 * Python processes: a directory holding an OpenBLAS libblas.so.3, e.g. extracted from Debian's libopenblas0-pthread,
 * to measure PyTorch on OpenBLAS without changing the system), --kernels NAME (our engine's RECURRENT_KERNELS:
 * wasm-relaxed-simd, the default where Node accepts it, wasm-simd or js), --ours-threads N (our setNumThreads;
 * default one per core), --out DIR, --no-gemm,
 * --quick, --render FILE (rebuild the tables of a results file without measuring). Writing to the default
 * results directory also refreshes the table in packages/bench/README.md.
 *
 * Debian's torch and numpy call whatever libblas.so.3 resolves to; with only libblas3 installed that is the reference
 * BLAS, about 10× slower than OpenBLAS on the GEMMs. The run reports which BLAS was loaded and warns about it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIGS, type BenchConfig, type RunSettings } from './configs.js';
import { runGemm, type GemmResult } from './gemm.js';
import { PARTIAL_PREFIX, RESULT_PREFIX, type RunResult } from './measure.js';
import { markdown, memoryReport, ratioRows, type Header, type StoredRun } from './report.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = resolve(here, '..');
const root = resolve(pkgDir, '../..');
const ENGINES = ['ours', 'torch', 'onnxruntime', 'tfjs-cpu', 'tfjs-wasm'] as const;

interface Options {
  quick: boolean;
  steps: number;
  warmup: number;
  configs: BenchConfig[];
  engines: string[];
  threads: number[];
  tfjsLimitS: number;
  limitS: number;
  python: string;
  blasDir: string | null;
  /** RECURRENT_KERNELS for our engine and the sgemm micro-bench (null: the library's default). */
  kernels: string | null;
  /** setNumThreads of our engine (null: the library's default, one per core). */
  oursThreads: number | null;
  render: string | null;
  out: string;
  gemm: boolean;
}

function parseArgs(argv: string[]): Options {
  const a = argv.filter((x) => x !== '--');
  const flag = (name: string): boolean => a.includes(`--${name}`);
  const value = (name: string): string | undefined => {
    const i = a.indexOf(`--${name}`);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const int = (name: string, dflt: number): number => {
    const v = value(name);
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`bench: --${name} must be a non-negative integer, got ${v}`);
    return n;
  };
  const known = new Set(['quick', 'steps', 'warmup', 'configs', 'engines', 'threads', 'tfjs-limit', 'limit', 'python', 'blas-dir', 'kernels', 'ours-threads', 'render', 'out', 'no-gemm', 'help']);
  for (const x of a) if (x.startsWith('--') && !known.has(x.slice(2))) throw new RangeError(`bench: unknown option ${x} (see the header of packages/bench/src/cli.ts)`);
  const quick = flag('quick');
  const names = (value('configs') ?? CONFIGS.map((c) => c.name).join(',')).split(',');
  const configs = names.map((n) => {
    const c = CONFIGS.find((x) => x.name.toLowerCase() === n.trim().toLowerCase());
    if (!c) throw new RangeError(`bench: unknown config ${n}, expected one of ${CONFIGS.map((x) => x.name).join(', ')}`);
    return c;
  });
  const engines = (value('engines') ?? ENGINES.join(',')).split(',').flatMap((e) => (e === 'tfjs' ? ['tfjs-cpu', 'tfjs-wasm'] : [e.trim()]));
  for (const e of engines) if (!(ENGINES as readonly string[]).includes(e)) throw new RangeError(`bench: unknown engine ${e}, expected ${ENGINES.join(', ')} or tfjs`);
  return {
    quick,
    steps: int('steps', quick ? 5 : 20),
    warmup: int('warmup', quick ? 1 : 3),
    configs,
    engines,
    threads: (value('threads') ?? (quick ? '1' : '1,2')).split(',').map(Number),
    tfjsLimitS: int('tfjs-limit', quick ? 10 : 45),
    limitS: int('limit', quick ? 120 : 600),
    python: value('python') ?? '/usr/bin/python3',
    blasDir: value('blas-dir') === undefined ? null : resolve(value('blas-dir')!),
    kernels: value('kernels') ?? null,
    oursThreads: value('ours-threads') === undefined ? null : int('ours-threads', 1),
    render: value('render') === undefined ? null : resolve(value('render')!),
    out: resolve(value('out') ?? join(pkgDir, 'results')),
    gemm: !flag('no-gemm'),
  };
}

/** Time a child may take to load its engine and build the model before its measuring limit starts. */
const STARTUP_MS = 120_000;

/**
 * Runs one child; returns its RESULT, or its last PARTIAL with the killed phase as a lower bound. Never throws.
 * The child gets `startupMs` until its first PARTIAL line (engine loaded, model built), then `limitMs`.
 */
function runChild(cmd: string, args: string[], env: NodeJS.ProcessEnv, limitMs: number, label: string, startupMs = STARTUP_MS): Promise<RunResult | StoredRun | null> {
  return new Promise((done) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let last: RunResult | null = null;
    let final = false;
    let buf = '';
    let err = '';
    let killedAt: number | null = null;
    let killedLimit = startupMs;
    const kill = (): void => {
      killedAt = Date.now();
      child.kill('SIGKILL');
    };
    let timer = setTimeout(kill, startupMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.startsWith(RESULT_PREFIX)) {
          last = JSON.parse(line.slice(RESULT_PREFIX.length)) as RunResult;
          final = true;
        } else if (line.startsWith(PARTIAL_PREFIX)) {
          if (last === null) {
            clearTimeout(timer);
            killedLimit = limitMs;
            timer = setTimeout(kill, limitMs);
          }
          last = JSON.parse(line.slice(PARTIAL_PREFIX.length)) as RunResult;
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      err = (err + d).slice(-4000);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const r = last as StoredRun | null;
      if (final || r === null) {
        if (r === null) process.stderr.write(`  ${label}: no result (exit ${code}${killedAt ? `, killed at the ${killedLimit / 1000} s ${last === null ? 'start-up ' : ''}limit` : ''}): ${err.trim().split('\n').slice(-3).join(' | ')}\n`);
        done(r);
        return;
      }
      const reason = killedAt !== null ? `stopped at the ${killedLimit / 1000} s limit` : `exited with code ${code}: ${err.trim().split('\n').pop() ?? ''}`;
      if (r.running) {
        const p = r.running.phase;
        const filled = (p === 'train' ? r.train : p === 'inferSingle' ? r.inferSingle : r.inferBatch) !== null;
        if (!filled && killedAt !== null) r.lowerBoundsMs = { ...r.lowerBoundsMs, [p]: killedAt - r.running.since };
        r.notes.push(`${reason} during ${p}${filled ? '' : ' (its first run did not finish)'}`);
        delete r.running;
      } else r.notes.push(reason);
      done(r);
    });
  });
}

function machine(): Header['machine'] {
  let cpu = cpus()[0]?.model ?? 'unknown CPU';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch {
    // not Linux: os.cpus() gave the model
  }
  const n = spawnSync('nproc', { encoding: 'utf8' });
  const nproc = Number.parseInt(n.stdout ?? '', 10);
  return { cpu, nproc: Number.isFinite(nproc) ? nproc : cpus().length, loadavg: loadavg(), node: process.version };
}

interface Probe {
  python?: string;
  torch?: string;
  numpy?: string;
  torchError?: string;
  /** Real paths of the BLAS libraries loaded with torch and numpy. */
  blas?: string[];
}

function probePython(python: string, env: NodeJS.ProcessEnv): Probe | null {
  if (!existsSync(python)) return null;
  const r = spawnSync(python, [join(root, 'scripts/reference/bench_torch.py'), '--probe'], { encoding: 'utf8', timeout: 60_000, env });
  const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('PROBE '));
  return line ? (JSON.parse(line.slice(6)) as Probe) : null;
}

/** OpenBLAS, BLIS, MKL or the reference BLAS, from the library paths a probe found. */
function blasName(paths: string[] | undefined): string | null {
  if (paths === undefined || paths.length === 0) return null;
  const p = paths.join(' ').toLowerCase();
  const v = /openblas[^/]*?-r?(\d+\.\d+\.\d+)/.exec(p)?.[1];
  if (p.includes('openblas')) return `OpenBLAS${v ? ` ${v}` : ''}`;
  if (p.includes('blis')) return 'BLIS';
  if (p.includes('mkl')) return 'MKL';
  if (p.includes('/blas/libblas')) return 'reference BLAS (libblas3)';
  return paths.join(', ');
}

/** PyTorch runs of the last committed results file, for machines without torch. */
function committedTorch(): { runs: StoredRun[]; date: string } | null {
  const file = join(pkgDir, 'results/latest.json');
  if (!existsSync(file)) return null;
  try {
    const prev = JSON.parse(readFileSync(file, 'utf8')) as { date: string; runs: StoredRun[] };
    const runs = prev.runs.filter((r) => r.engine.startsWith('torch-') && r.source === 'measured');
    return runs.length ? { runs: runs.map((r) => ({ ...r, source: `(committed figures, ${prev.date})` })), date: prev.date } : null;
  } catch {
    return null;
  }
}

function tfjsVersion(): string | null {
  try {
    return (JSON.parse(readFileSync(join(pkgDir, 'node_modules/@tensorflow/tfjs/package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return null;
  }
}

/** Replaces the README's latest-results section (between its two markers) with this run's report. */
function updateReadme(md: string): void {
  const file = join(pkgDir, 'README.md');
  if (!existsSync(file)) return;
  const text = readFileSync(file, 'utf8');
  const start = '<!-- bench:latest:start -->';
  const end = '<!-- bench:latest:end -->';
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) return;
  const body = md.replace(/^# pnpm bench — (.*)\n/, 'Run of $1 (`results/latest.md`, raw numbers in `results/latest.json`).\n').replace(/^## /gm, '### ');
  writeFileSync(file, `${text.slice(0, i + start.length)}\n${body.trim()}\n${text.slice(j)}`);
}

const USAGE = `pnpm bench [options]   ours vs PyTorch (1 and 2 threads) vs TensorFlow.js (cpu, wasm), ratios per config

  --quick              fewer steps and threads, shorter limits (a few minutes)
  --steps N            measured training steps per run (default 20, quick 5); --warmup N (default 3, quick 1)
  --configs A,B,C      configs to run (default: all: A, B, C, A-GRU, A-RNN)
  --engines LIST       ours, torch, onnxruntime, tfjs-cpu, tfjs-wasm or tfjs (default: all)
  --threads 1,2        PyTorch thread counts (default 1,2; quick 1)
  --tfjs-limit S       seconds a TF.js run may measure (default 45, quick 10); --limit S for the others (600, quick 120)
  --python PATH        interpreter with torch (default /usr/bin/python3); --blas-dir DIR: OpenBLAS for it
  --kernels NAME       our kernels: wasm-relaxed-simd (default), wasm-simd or js
  --ours-threads N     our setNumThreads (default: one per core)
  --no-gemm            skip the sgemm micro-bench
  --out DIR            where latest.json / latest.md go (default packages/bench/results)
  --render FILE        rebuild the tables of a results file without measuring
  --help               this text`;

async function main(): Promise<void> {
  if (process.argv.includes('--help')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const o = parseArgs(process.argv.slice(2));
  if (o.render !== null) {
    render(o.render, o.out);
    return;
  }
  const started = Date.now();
  const log = (s: string): void => {
    process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${s}\n`);
  };
  const m = machine();
  const notes: string[] = [];
  if (m.loadavg[0] > m.nproc) notes.push(`The machine was loaded (load average ${m.loadavg[0].toFixed(2)} on ${m.nproc} cores) when the run started: absolute times are noisy, compare ratios.`);

  const pyEnv: NodeJS.ProcessEnv = { ...process.env };
  if (o.blasDir !== null) pyEnv.LD_LIBRARY_PATH = [o.blasDir, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  const wantTorch = o.engines.includes('torch');
  const probe = wantTorch || o.gemm ? probePython(o.python, pyEnv) : null;
  const blas = blasName(probe?.blas);
  if (o.blasDir !== null) notes.push(`PyTorch and numpy ran with LD_LIBRARY_PATH=${o.blasDir} (--blas-dir): BLAS ${blas ?? 'unknown'}.`);
  if (blas?.startsWith('reference')) {
    const w = 'PyTorch and numpy ran on the reference BLAS (Debian\'s libblas3), about 10× slower than OpenBLAS on GEMMs, so the PyTorch ratios flatter us: ' +
      '`apt-get install libopenblas0-pthread`, or pass `--blas-dir` a directory with an OpenBLAS libblas.so.3, for a fair comparison.';
    log(w);
    notes.push(w);
  }
  const hasTorch = probe?.torch !== undefined;
  let fallback: { runs: StoredRun[]; date: string } | null = null;
  if (wantTorch && !hasTorch) {
    const how = `PyTorch is not importable from ${o.python}${probe?.torchError ? ` (${probe.torchError})` : ''}: install Debian's build with \`apt-get install python3-torch\` (torch 1.13, numpy) to measure it in this run.`;
    log(how);
    fallback = committedTorch();
    notes.push(`${how} ${fallback ? `PyTorch columns are the last committed figures (${fallback.date}), marked "(committed figures)".` : 'No committed PyTorch figures were found either.'}`);
  }

  const settings: RunSettings = {
    steps: o.steps,
    warmup: o.warmup,
    trainBudgetMs: o.quick ? 10_000 : 120_000,
    inferSingleRuns: o.quick ? 50 : 300,
    inferBatchRuns: o.quick ? 5 : 20,
    inferBudgetMs: o.quick ? 2_000 : 5_000,
    seed: 0,
  };
  // TF.js gets 1 warm-up step and a short training budget: its steps take seconds to minutes.
  const tfjsSettings: RunSettings = { ...settings, warmup: Math.min(1, o.warmup), trainBudgetMs: Math.min(settings.trainBudgetMs, o.tfjsLimitS * 500) };
  const tsxLoader = import.meta.resolve('tsx');
  const nodeArgs = ['--import', tsxLoader];
  // our engine's children (and the sgemm micro-bench, which inherits this process's environment) read it
  if (o.kernels !== null) process.env.RECURRENT_KERNELS = o.kernels;
  const env = { ...process.env, NODE_OPTIONS: '' };

  log(`${o.configs.map((c) => c.name).join(', ')} × ${o.engines.join(', ')}; ${o.steps} steps after ${o.warmup} warm-up; machine ${m.cpu}, nproc ${m.nproc}, load ${m.loadavg[0].toFixed(2)}`);
  const runs: StoredRun[] = [];
  const add = (r: RunResult | StoredRun | null, label: string): void => {
    if (r === null) return;
    const s: StoredRun = { ...r, source: 'measured' };
    runs.push(s);
    const t = s.train ? `${s.train.msMedian.toFixed(1)} ms/step (${s.train.warmupOnly ? 'warm-up only' : `${s.train.steps} steps`})` : 'no training figure';
    log(`${label}: ${t}${s.notes.length ? `; ${s.notes.join('; ')}` : ''}`);
  };
  for (const c of o.configs) {
    const cfg = JSON.stringify(c);
    for (const e of o.engines) {
      if (e === 'ours') {
        const args = [...nodeArgs, join(here, 'engine_ours.ts'), '--config', cfg, '--settings', JSON.stringify(settings), ...(o.oursThreads === null ? [] : ['--threads', String(o.oursThreads)])];
        add(await runChild(process.execPath, args, env, o.limitS * 1000, `${c.name} ours`), `${c.name} ours`);
      } else if (e === 'torch') {
        if (!hasTorch) continue;
        let firstMs: number | null = null;
        for (const t of o.threads) {
          const args = [join(root, 'scripts/reference/bench_torch.py'), '--threads', String(t), '--config', cfg, '--settings', JSON.stringify(settings)];
          // A later thread count already 2× slower than the first cannot be PyTorch's best: stop it after 3 steps.
          if (firstMs !== null) args.push('--give-up-ms', String(2 * firstMs));
          const tenv = { ...pyEnv, NODE_OPTIONS: '', OMP_NUM_THREADS: String(t), MKL_NUM_THREADS: String(t), OPENBLAS_NUM_THREADS: String(t) };
          const r = await runChild(o.python, args, tenv, o.limitS * 1000, `${c.name} torch-${t}t`);
          add(r, `${c.name} torch-${t}t`);
          if (firstMs === null && r?.train && !r.train.warmupOnly) firstMs = r.train.msMedian;
        }
      } else if (e === 'onnxruntime') {
        // inference only, at each of PyTorch's thread counts (intraOpNumThreads)
        for (const t of o.threads) {
          const args = [...nodeArgs, join(here, 'engine_onnx.ts'), '--threads', String(t), '--config', cfg, '--settings', JSON.stringify(settings)];
          add(await runChild(process.execPath, args, env, o.limitS * 1000, `${c.name} ort-${t}t`), `${c.name} ort-${t}t`);
        }
      } else {
        const backend = e.slice('tfjs-'.length);
        const args = [...nodeArgs, join(here, 'engine_tfjs.ts'), '--backend', backend, '--config', cfg, '--settings', JSON.stringify(tfjsSettings)];
        add(await runChild(process.execPath, args, env, o.tfjsLimitS * 1000, `${c.name} ${e}`), `${c.name} ${e}`);
      }
    }
  }
  if (fallback) runs.push(...fallback.runs.filter((r) => o.configs.some((c) => c.name === r.config)));

  let gemm: GemmResult | null = null;
  if (o.gemm) {
    log('sgemm micro-bench');
    gemm = runGemm({ root, python: probe?.numpy ? o.python : null, threads: o.threads, nodeArgs, timeoutMs: o.limitS * 1000, pyEnv });
  }

  const date = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const versions = { torch: probe?.torch ?? (fallback ? `${fallback.runs[0]?.info.torch ?? '?'} (committed figures)` : null), numpy: probe?.numpy ?? null, blas, python: probe?.python ?? null, tfjs: tfjsVersion() };
  const header: Header = {
    date,
    machine: m,
    versions,
    settings: { steps: o.steps, warmup: o.warmup, quick: o.quick, kernels: o.kernels ?? 'default', oursThreads: o.oursThreads ?? 'cores', configs: o.configs.map((c) => c.name), engines: o.engines, torchThreads: o.threads, tfjsLimitS: o.tfjsLimitS },
    notes,
  };
  const extra = { runSettings: settings, tfjsRunSettings: tfjsSettings, elapsedS: (Date.now() - started) / 1000 };
  writeResults(o.out, header, o.configs, runs, gemm, extra);
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; wrote ${join(o.out, 'latest.json')} and latest.md`);
}

/** Ratio rows, memory report and Markdown from the runs; writes latest.json and latest.md (and the README table). */
function writeResults(out: string, header: Header, configs: BenchConfig[], runs: StoredRun[], gemm: GemmResult | null, extra: Record<string, unknown>): void {
  const rows = ratioRows(configs, runs);
  const B = configs.find((c) => c.name === 'B');
  const memory = B ? memoryReport(B, runs) : null;
  const md = markdown(header, configs, rows, runs, memory, gemm);
  const json = { schema: 1, ...header, configs, ...extra, runs, ratios: rows, memory, gemm };
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'latest.json'), `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(out, 'latest.md'), md);
  if (out === join(pkgDir, 'results')) updateReadme(md);
  process.stdout.write(`${md}\n`);
}

/** `--render FILE`: rebuilds the tables of a results file (after a change to the report) without measuring. */
function render(file: string, out: string): void {
  const j = JSON.parse(readFileSync(file, 'utf8')) as Header & { configs: BenchConfig[]; runs: StoredRun[]; gemm: GemmResult | null; runSettings?: unknown; tfjsRunSettings?: unknown; elapsedS?: number };
  const header: Header = { date: j.date, machine: j.machine, versions: j.versions, settings: j.settings, notes: j.notes };
  writeResults(out, header, j.configs, j.runs, j.gemm, { runSettings: j.runSettings, tfjsRunSettings: j.tfjsRunSettings, elapsedS: j.elapsedS });
}

await main();
