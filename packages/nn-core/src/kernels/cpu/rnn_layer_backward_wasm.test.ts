import { describe, expect, it } from 'vitest';
import type { FloatArray } from '../../dtype.js';
import { Generator } from '../../random.js';
import { currentPool, gemmBackend, setNumThreads } from './gemm_wasm.js';
import { threadTesting } from './wasm_threads.js';
import { gatesOf } from './rnn_cell_table.js';
import type { CellMode } from './rnn_cells.js';
import { recurrentLayerForward, type LayerSpec, type LayerWeights } from './rnn_layer.js';
import { recurrentLayerBackward, recurrentLayerBackwardStepwise } from './rnn_layer_backward.js';
import { recurrentLayerBackwardWasm } from './rnn_layer_backward_wasm.js';
import { isResident } from './wasm_heap.js';

const uniform = (g: Generator, n: number, scale: number): Float32Array => Float32Array.from({ length: n }, () => (g.random() * 2 - 1) * scale);
const widen = <T extends Float32Array | null>(a: T): Float64Array | null => (a === null ? null : Float64Array.from(a));
const bits = (a: FloatArray): number[] => Array.from(new Uint32Array(a.buffer, a.byteOffset, a.length));

/** One random layer problem: weights, inputs and upstream gradients, float32. */
function problem(mode: CellMode, L: number, N: number, In: number, H: number, reverse: boolean, lengths: number[] | null, seed: number) {
  const g = new Generator(seed);
  const GH = gatesOf(mode) * H;
  const spec: LayerSpec = { mode, L, N, In, H, Hout: H, reverse, lengths: lengths === null ? null : Int32Array.from(lengths) };
  const w: LayerWeights = { wIh: uniform(g, GH * In, 0.5), wHh: uniform(g, GH * H, 0.3), bIh: uniform(g, GH, 1), bHh: uniform(g, GH, 1), wHr: null };
  const lstm = mode === 'LSTM';
  return {
    spec, w, x: uniform(g, L * N * In, 1), h0: uniform(g, N * H, 1), c0: lstm ? uniform(g, N * H, 1) : null,
    dOut: uniform(g, L * N * H, 1), dhN: uniform(g, N * H, 1), dcN: lstm ? uniform(g, N * H, 1) : null,
  };
}

// Every product has ≥ 4096 multiply-adds (N·H·G·H, G·H·In·L·N, G·H·L·N), so the in-module path applies (smaller
// products stay in JavaScript). Lengths 1..L with padding in the middle of the batch, in both directions; then a
// full batch.
const CASES: [number, number, number, number, boolean, number[] | null][] = [
  [8, 24, 9, 23, true, [8, 3, 1, 8, 2, 5, 6, 4, 1, 2, 3, 4, 5, 6, 7, 8, 8, 7, 1, 8, 6, 2, 8, 3]],
  [12, 16, 16, 32, false, [12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 2, 12, 5]],
  [16, 8, 16, 32, false, null],
];
const MODES: CellMode[] = ['LSTM', 'GRU', 'RNN_TANH', 'RNN_RELU'];

/**
 * float32 BPTT against the float64 layer (JavaScript reference cells, double-precision products) on the same values:
 * every float32 rounding (a few per cell, Cephes exp/tanh, sums of up to L·N·G·H products in the weight gradients)
 * stays below 3e-6·(1 + |ref|) on these sizes (observed); 2e-5 leaves ~7× headroom while a wrong gate, step or
 * padding row is off by more than 1e-2.
 */
const TOL = 2e-5;

describe('float32 BPTT with the steps in WebAssembly memory', () => {
  it('is available: build/kernels.wasm is built by `pnpm install` (these tests do not run with RECURRENT_KERNELS=js)', () => {
    expect(gemmBackend()).not.toBe('js');
  });

  it('leaves 3 cases to the step-by-step path: float64, a projected LSTM, a product under 4096 multiply-adds', () => {
    const p = problem('GRU', 16, 8, 16, 32, false, null, 3);
    const f = recurrentLayerForward(p.spec, p.w, p.x, p.h0, p.c0);
    const w64: LayerWeights = { wIh: widen(p.w.wIh as Float32Array)!, wHh: widen(p.w.wHh as Float32Array)!, bIh: null, bHh: null, wHr: null };
    const f64 = recurrentLayerForward(p.spec, w64, widen(p.x)!, widen(p.h0)!, null);
    expect(recurrentLayerBackwardWasm(p.spec, w64, widen(p.x)!, widen(p.h0)!, null, f64.saved, widen(p.dOut)!, widen(p.dhN)!, null)).toBeNull();
    const projected = { ...p.w, wHr: new Float32Array(32 * 32) };
    expect(recurrentLayerBackwardWasm(p.spec, projected, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN)).toBeNull();
    // L = 1: Σ rows of dXp is 1 × 96 × 8 = 768 multiply-adds, which gemm leaves to JavaScript
    const one = problem('GRU', 1, 8, 16, 32, false, null, 3);
    const f1 = recurrentLayerForward(one.spec, one.w, one.x, one.h0, one.c0);
    expect(recurrentLayerBackwardWasm(one.spec, one.w, one.x, one.h0, one.c0, f1.saved, one.dOut, one.dhN, one.dcN)).toBeNull();
    expect(recurrentLayerBackwardWasm(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN)).not.toBeNull();
  });

  // L·N·G·H·H ≥ 2²² and N ≥ 16: the steps run in blocks of rows, on the worker threads when there are some (H = 56:
  // every product stays under the 2²⁴ multiply-adds that would split it, so the workers' runs are the steps')
  for (const mode of ['LSTM', 'GRU'] as const) {
    for (const threads of [1, 2, 3]) {
      it(`${mode}, 64 padded rows on ${threads} thread(s): blocks of rows give the bits of the step-by-step path`, () => {
        setNumThreads(threads);
        threadTesting.takeBack = false; // workers run their blocks even if slow to wake: what this test counts
        try {
          const lengths = Array.from({ length: 64 }, (_, n) => 1 + ((n * 7) % 16));
          const p = problem(mode, 16, 64, 24, 56, threads === 2, lengths, 5);
          const f = recurrentLayerForward(p.spec, p.w, p.x, p.h0, p.c0);
          const pool = threads > 1 ? currentPool() : null;
          if (pool !== null) expect(pool.waitReady(20_000)).toBe(true);
          const before = pool === null ? [] : Array.from({ length: threads - 1 }, (_, w) => pool.runs(w));
          const inModule = recurrentLayerBackwardWasm(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN)!;
          if (pool !== null) before.forEach((r, w) => expect(pool.runs(w)).toBeGreaterThan(r));
          const stepwise = recurrentLayerBackwardStepwise(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN);
          for (const k of ['dx', 'dh0', 'dc0', 'dWih', 'dWhh', 'dbIh', 'dbHh'] as const) {
            const [a, b] = [inModule[k], stepwise[k]];
            if (a !== null && b !== null) expect(bits(a), k).toEqual(bits(b));
          }
        } finally {
          threadTesting.takeBack = true;
          setNumThreads(1);
        }
      });
    }
  }

  for (const mode of MODES) {
    for (const [L, N, In, H, reverse, lengths] of CASES) {
      const name = `${mode} L=${L} N=${N} H=${H}${reverse ? ' reverse' : ''}${lengths ? ' padded' : ''}`;

      it(`${name}: gives the bits of the step-by-step path (every gradient)`, () => {
        const p = problem(mode, L, N, In, H, reverse, lengths, 7);
        const f = recurrentLayerForward(p.spec, p.w, p.x, p.h0, p.c0);
        const inModule = recurrentLayerBackwardWasm(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN);
        expect(inModule).not.toBeNull();
        const stepwise = recurrentLayerBackwardStepwise(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN);
        for (const k of ['dx', 'dh0', 'dc0', 'dWih', 'dWhh', 'dbIh', 'dbHh'] as const) {
          const [a, b] = [inModule![k], stepwise[k]];
          expect(a === null, k).toBe(b === null);
          if (a !== null && b !== null) expect(bits(a), k).toEqual(bits(b));
        }
        expect(inModule!.dc0 === null).toBe(mode !== 'LSTM');
        // When the graph is freed after the pass, the gate gradients are written over the saved activations where
        // those live in the kernels' memory (all but the relu RNN's, whose forward runs step by step): the same
        // bits; activations in JavaScript memory are copied in and stay as they were.
        const resident = isResident(f.saved.acts);
        expect(resident).toBe(mode !== 'RNN_RELU');
        const acts = f.saved.acts.slice();
        const consumed = recurrentLayerBackwardWasm(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN, true);
        for (const k of ['dx', 'dh0', 'dc0', 'dWih', 'dWhh', 'dbIh', 'dbHh'] as const) {
          const [a, b] = [consumed![k], stepwise[k]];
          if (a !== null && b !== null) expect(bits(a), `${k}, saved storage consumed`).toEqual(bits(b));
        }
        if (resident) expect(bits(f.saved.acts)).not.toEqual(bits(acts));
        else expect(bits(f.saved.acts)).toEqual(bits(acts));
      });

      it(`${name}: matches the float64 JavaScript layer within ${TOL}·(1 + |ref|); padded steps get no gradient`, () => {
        const p = problem(mode, L, N, In, H, reverse, lengths, 11);
        const f = recurrentLayerForward(p.spec, p.w, p.x, p.h0, p.c0);
        const got = recurrentLayerBackward(p.spec, p.w, p.x, p.h0, p.c0, f.saved, p.dOut, p.dhN, p.dcN);
        const w64: LayerWeights = { wIh: widen(p.w.wIh as Float32Array)!, wHh: widen(p.w.wHh as Float32Array)!, bIh: widen(p.w.bIh as Float32Array), bHh: widen(p.w.bHh as Float32Array), wHr: null };
        const [x, h0, c0] = [widen(p.x)!, widen(p.h0)!, widen(p.c0)];
        const f64 = recurrentLayerForward(p.spec, w64, x, h0, c0);
        const want = recurrentLayerBackward(p.spec, w64, x, h0, c0, f64.saved, widen(p.dOut)!, widen(p.dhN)!, widen(p.dcN));
        for (const k of ['dx', 'dh0', 'dc0', 'dWih', 'dWhh', 'dbIh', 'dbHh'] as const) {
          const [a, b] = [got[k], want[k]];
          if (b === null) continue;
          let worst = 0;
          for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a![i] - b[i]) / (1 + Math.abs(b[i])));
          expect(worst, k).toBeLessThanOrEqual(TOL);
        }
        if (lengths === null) return;
        let padded = 0;
        for (let t = 0; t < L; t++) {
          for (let n = 0; n < N; n++) {
            if (t < lengths[n]) continue;
            padded++;
            for (let e = 0; e < In; e++) expect(Math.abs(got.dx[(t * N + n) * In + e])).toBe(0);
          }
        }
        expect(padded).toBe(L * N - lengths.reduce((s, v) => s + v, 0));
      });
    }
  }
});
