/**
 * sgemm micro-bench: our kernels' GFLOPS at the LSTM shapes, from nn-core's own micro-bench script
 * (packages/nn-core/scripts/bench-gemm.ts, run as a child process and its Markdown table parsed), next to numpy's
 * float32 matmul (the machine's native BLAS, OpenBLAS on Debian) with 1 and 2 threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface GemmRow {
  shape: string;
  /** Our plain-JavaScript and WebAssembly gemm, GFLOPS (null when nn-core's script did not report the shape). */
  oursJs: number | null;
  oursWasm: number | null;
  /** numpy float32 matmul, GFLOPS, per OpenBLAS thread count. */
  numpy: Record<string, number | null>;
}

export interface GemmResult {
  /** Which of our kernels the wasm column is (`wasm-relaxed-simd`, `wasm-simd` or `js`). */
  oursBackend: string | null;
  rows: GemmRow[];
  notes: string[];
}

export interface GemmOptions {
  root: string;
  python: string | null;
  threads: number[];
  nodeArgs: string[];
  timeoutMs: number;
  /** Environment of the Python processes (LD_LIBRARY_PATH may select the BLAS). */
  pyEnv: NodeJS.ProcessEnv;
}

/** Runs both sides; never throws (a missing side becomes a note). */
export function runGemm(o: GemmOptions): GemmResult {
  const notes: string[] = [];
  const ours = new Map<string, [number, number]>();
  let oursBackend: string | null = null;
  // nn-core's `shapes:` line (JSON: name, transA, transB, M, N, K of each), passed to numpy as it is
  let shapesJson: string | null = null;
  let shapeNames: string[] = [];
  const script = join(o.root, 'packages/nn-core/scripts/bench-gemm.ts');
  if (existsSync(script)) {
    const r = spawnSync(process.execPath, [...o.nodeArgs, script], { cwd: o.root, encoding: 'utf8', timeout: o.timeoutMs });
    for (const line of (r.stdout ?? '').split('\n')) {
      const b = /^backend: (\S+)/.exec(line);
      if (b) oursBackend = b[1];
      if (line.startsWith('shapes: ')) {
        shapesJson = line.slice('shapes: '.length);
        shapeNames = (JSON.parse(shapesJson) as { name: string }[]).map((x) => x.name);
      }
      const cells = line.split('|').map((x) => x.trim());
      if (cells.length >= 5 && cells[0] === '' && Number.isFinite(Number.parseFloat(cells[2]))) {
        ours.set(cells[1], [Number.parseFloat(cells[2]), Number.parseFloat(cells[3])]);
      }
    }
    if (ours.size === 0) notes.push(`nn-core's bench-gemm.ts printed no table (exit ${r.status ?? r.signal}): ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`);
  } else {
    notes.push('packages/nn-core/scripts/bench-gemm.ts not found: our side of the sgemm micro-bench was not run');
  }

  const numpy = new Map<number, Record<string, number>>();
  if (o.python !== null && shapesJson !== null) {
    for (const t of o.threads) {
      const r = spawnSync(o.python, [join(o.root, 'scripts/reference/bench_torch.py'), '--gemm', shapesJson], {
        cwd: o.root,
        encoding: 'utf8',
        timeout: o.timeoutMs,
        env: { ...o.pyEnv, OPENBLAS_NUM_THREADS: String(t), OMP_NUM_THREADS: String(t) },
      });
      const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('GEMM '));
      if (line) numpy.set(t, JSON.parse(line.slice(5)) as Record<string, number>);
      else notes.push(`numpy sgemm (${t} thread${t > 1 ? 's' : ''}) failed: ${(r.stderr ?? '').trim().split('\n').pop() ?? ''}`);
    }
  } else {
    notes.push(o.python === null ? 'numpy not available: the native BLAS column is empty' : 'no shapes from nn-core\'s bench-gemm.ts: numpy was not run');
  }

  const names = [...shapeNames, ...[...ours.keys()].filter((n) => !shapeNames.includes(n))];
  const rows = names.map((shape) => ({
    shape,
    oursJs: ours.get(shape)?.[0] ?? null,
    oursWasm: ours.get(shape)?.[1] ?? null,
    numpy: Object.fromEntries(o.threads.map((t) => [`${t}t`, numpy.get(t)?.[shape] ?? null])),
  }));
  return { oursBackend, rows, notes };
}
