/**
 * Keeps `pnpm bench` from rotting: the package typechecks, and a tiny run (config C, our engine only, 2 steps)
 * writes results whose structure the report and the committed files rely on. No timing asserts: only shapes,
 * counts and that times are positive numbers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIGS, memoryTheory, parameterCount } from './configs.js';
import { best, ratioRows, type StoredRun } from './report.js';
import type { InferResult } from './measure.js';

const root = resolve(import.meta.dirname, '../../..');
const out = mkdtempSync(join(tmpdir(), 'bench-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pnpm bench harness', () => {
  it('typechecks (the root typecheck does not cover this package)', () => {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(root, 'packages/bench'), '--noEmit'], { cwd: root, stdio: 'pipe' });
  }, 60_000);

  it('a tiny run writes latest.json and latest.md with every field the report uses', () => {
    const args = ['--import', 'tsx', 'packages/bench/src/cli.ts', '--quick', '--configs', 'C', '--engines', 'ours', '--steps', '2', '--no-gemm', '--out', out];
    const stdout = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    const json = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
    expect(json.schema).toBe(1);
    expect(typeof json.date).toBe('string');
    expect(json.machine.nproc).toBeGreaterThan(0);
    expect(json.machine.cpu.length).toBeGreaterThan(0);
    expect(json.machine.node).toBe(process.version);
    expect(json.configs.map((c: { name: string }) => c.name)).toEqual(['C']);
    // One run: ours on C, 2 timed steps after 1 warm-up (quick), inference figures, peak RSS.
    expect(json.runs).toHaveLength(1);
    const [run] = json.runs;
    expect(run).toMatchObject({ engine: 'ours', config: 'C', source: 'measured', notes: [] });
    expect(run.train.steps).toBe(2);
    expect(run.train.warmup).toBe(1);
    expect(run.train.times).toHaveLength(2);
    expect(run.train.msMin).toBeGreaterThan(0);
    expect(run.train.msMedian).toBeGreaterThanOrEqual(run.train.msMin);
    expect(run.train.tokensPerS).toBeCloseTo((32 * 32 * 1000) / run.train.msMedian, 6); // N·L tokens per step
    expect(Number.isFinite(run.train.firstLoss)).toBe(true);
    expect(run.inferSingle).toMatchObject({ N: 1, L: 20 });
    expect(run.inferBatch).toMatchObject({ N: 256, L: 32 });
    expect(run.inferBatch.runs).toBeGreaterThanOrEqual(3);
    expect(run.peakRssMB).toBeGreaterThan(run.startRssMB * 0.5);
    // Six metric rows for C; without PyTorch or TF.js runs their columns are empty.
    expect(json.ratios.map((r: { metric: string }) => r.metric)).toEqual(['trainMsMedian', 'trainMsMin', 'tokensPerS', 'inferSingleMs', 'inferBatchPerS', 'peakRssMB']);
    expect(json.ratios[0].ours.v).toBe(run.train.msMedian);
    expect(json.ratios[0].vsTfjs).toBeNull();
    expect(json.memory).toBeNull(); // only reported when B runs
    const md = readFileSync(join(out, 'latest.md'), 'utf8');
    expect(md).toContain('| C | train step (median) ↓ |');
    expect(stdout).toContain(md.trim().split('\n')[0]);
    // --render rebuilds the same tables from the JSON without measuring.
    const again = join(out, 'render');
    execFileSync(process.execPath, ['--import', 'tsx', 'packages/bench/src/cli.ts', '--render', join(out, 'latest.json'), '--out', again], { cwd: root, stdio: 'pipe' });
    expect(readFileSync(join(again, 'latest.md'), 'utf8')).toBe(md);
  }, 60_000);

  it('pnpm bench-profile writes a profile table of our engine (and says when PyTorch is unavailable)', () => {
    const args = ['--import', 'tsx', 'packages/bench/src/profile_cli.ts', '--config', 'C', '--steps', '2', '--warmup', '1', '--infer-runs', '5', '--python', '/nonexistent/python3', '--out', out];
    const stdout = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
    const md = readFileSync(join(out, 'profile-C.md'), 'utf8');
    expect(stdout).toContain(md.trim());
    // C: 6·32·32·256·(64 + 64) GEMM FLOPs = 0.20 GFLOP; the sgemm kernel shows up under its export name.
    expect(md).toContain('GEMM work 0.20 GFLOP per step');
    expect(md).toMatch(/\| wasm sgemm \| \d+\.\d+ \|/);
    expect(md).toContain('**Single-sentence inference** (N 1, L 20, eval, no grad)');
    // Gradients of C: 1,313,410 parameters (embedding 1,280,000 + LSTM 33,280 + Linear 130) × 4 bytes = 5.0 MiB.
    expect(md).toMatch(/\| theory: gradients \| 5\.0 \|/);
    expect(md).toContain('PyTorch profile unavailable (/nonexistent/python3');
  }, 60_000);

  it('counts B\'s parameters like PyTorch and its theoretical memory from them', () => {
    const B = CONFIGS.find((c) => c.name === 'B')!;
    // Embedding 20000·128 = 2 560 000; layer 0: 2 dirs × (1024·128 + 1024·256 + 2·1024) = 790 528;
    // layer 1: 2 × (1024·512 + 1024·256 + 2·1024) = 1 576 960; Linear(512, 2) = 1026 → 4 928 514.
    expect(parameterCount(B)).toBe(4_928_514);
    const m = memoryTheory(B);
    expect(m.adamState).toBe(2 * m.parameters);
    // Activations: (N·L·E = 32·128·128 = 524 288) + 2 layers · 2 dirs · 128 · 32 · 256 · 6 = 25 165 824 floats.
    expect(m.activations).toBe(4 * (524_288 + 25_165_824));
  });

  it('the best of a family prefers exact figures, and keeps a bound only when it could be better', () => {
    const e = { v: 10, kind: '=' as const, engine: 'x' };
    expect(best([e, { v: 60_000, kind: '>', engine: 'y' }], true)).toEqual(e); // y takes > 60 s: x (10 ms) is best
    expect(best([{ v: 60_000, kind: '>', engine: 'y' }], true)).toEqual({ v: 60_000, kind: '>', engine: 'y' });
    expect(best([e, { v: 5, kind: '>', engine: 'y' }], true)).toEqual({ v: 10, kind: '<', engine: 'x?' }); // y could be 6 ms
  });
});

describe('ONNX Runtime in the ratio table', () => {
  const infer = (N: number, L: number, ms: number): InferResult => ({ N, L, runs: 5, msMedian: ms, msMin: ms, sentencesPerS: (N * 1000) / ms });
  const run = (engine: string, single: number, batch: number): StoredRun => ({
    engine, config: 'C', notes: [], train: null, inferSingle: infer(1, 20, single), inferBatch: infer(256, 32, batch),
    peakRssMB: null, startRssMB: null, info: {}, source: 'measured',
  });
  it('takes the best of its thread counts and checks single-sentence latency against ≤ 1× ONNX Runtime', () => {
    const c = CONFIGS.find((x) => x.name === 'C')!;
    const rows = ratioRows([c], [run('ours', 0.2, 20), run('ort-1', 0.1, 16), run('ort-2', 0.125, 12.8)]);
    const single = rows.find((r) => r.metric === 'inferSingleMs')!;
    expect(single.ort).toMatchObject({ v: 0.1, engine: 'ort-1' }); // the lower latency of the two
    expect(single.vsOrt!.v).toBeCloseTo(2, 12); // 0.2 / 0.1
    expect(single.target).toContain('≤ 1× ONNX Runtime ✗');
    const batch = rows.find((r) => r.metric === 'inferBatchPerS')!;
    expect(batch.ort).toMatchObject({ v: 20000, engine: 'ort-2' }); // 256 / 12.8 ms, the higher throughput
    expect(batch.vsOrt!.v).toBeCloseTo(12800 / 20000, 12);
    expect(batch.target).toBe('≥ 1× PyTorch ?'); // (no PyTorch run here)
    expect(rows.find((r) => r.metric === 'trainMsMedian')!.ort).toBeNull(); // inference only
  });
});

describe("the ratio table's targets", () => {
  const infer = (N: number, L: number, ms: number): InferResult => ({ N, L, runs: 5, msMedian: ms, msMin: ms, sentencesPerS: (N * 1000) / ms });
  const run = (engine: string, config: string, trainMs: number, batchMs: number): StoredRun => ({
    engine, config, notes: [], inferSingle: null, inferBatch: infer(256, 32, batchMs), peakRssMB: null, startRssMB: null, info: {}, source: 'measured',
    train: { steps: 20, warmup: 3, msMedian: trainMs, msMin: trainMs, tokensPerS: 1, times: [], warmupTimes: [], firstLoss: 0.7, lastLoss: 0.6 } as unknown as StoredRun['train'],
  });
  it('asks ≤ 1.3× PyTorch of a training step on B and the tanh RNN, ≤ 1× elsewhere, and ≥ 1× its batch throughput', () => {
    for (const [config, limit] of [['B', 1.3], ['A-RNN', 1.3], ['A', 1], ['C', 1], ['A-GRU', 1]] as const) {
      const c = CONFIGS.find((x) => x.name === config)!;
      // ours 1.2× PyTorch's step time: within 1.3, not within 1; batch inference 100 ms against 90 ms: 0.9× its throughput
      const rows = ratioRows([c], [run('ours', config, 120, 100), run('torch-1t', config, 100, 90)]);
      expect(rows.find((r) => r.metric === 'trainMsMedian')!.target).toBe(`≤ ${limit}× PyTorch ${limit === 1.3 ? '✓' : '✗'}, ≥ 5× faster than TF.js ?`);
      expect(rows.find((r) => r.metric === 'inferBatchPerS')!.target).toBe('≥ 1× PyTorch ✗');
    }
  });
});
