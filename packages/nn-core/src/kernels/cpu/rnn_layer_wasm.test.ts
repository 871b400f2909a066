import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { currentPool, gemmBackend, setNumThreads } from './gemm_wasm.js';
import { threadTesting } from './wasm_threads.js';
import type { CellMode } from './rnn_cells.js';
import { recurrentLayerForwardSteps, type LayerForwardResult, type LayerSpec, type LayerWeights } from './rnn_layer.js';
import { LAYER_THREAD_MIN_WORK, recurrentLayerForwardWasm } from './rnn_layer_wasm.js';

function uniform(g: Generator, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (g.random() * 2 - 1) * scale;
  return a;
}

const GATES: Record<CellMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

interface Case {
  spec: LayerSpec;
  w: LayerWeights;
  x: Float32Array;
  h0: Float32Array;
  c0: Float32Array | null;
}

function makeCase(mode: CellMode, L: number, N: number, In: number, H: number, reverse: boolean, padded: boolean, bias = true): Case {
  const g = new Generator(7 * L + N + H);
  const GH = GATES[mode] * H;
  const lengths = padded ? Int32Array.from({ length: N }, (_, n) => 1 + ((n * 7) % L)) : null;
  return {
    spec: { mode, L, N, In, H, Hout: H, reverse, lengths },
    w: {
      wIh: uniform(g, GH * In, 0.3),
      wHh: uniform(g, GH * H, 0.3),
      bIh: bias ? uniform(g, GH, 0.3) : null,
      bHh: bias ? uniform(g, GH, 0.3) : null,
      wHr: null,
    },
    x: uniform(g, L * N * In, 1),
    h0: uniform(g, N * H, 0.5),
    c0: mode === 'LSTM' ? uniform(g, N * H, 0.5) : null,
  };
}

const whole = (c: Case, save = true): LayerForwardResult | null => recurrentLayerForwardWasm(c.spec, c.w, c.x, c.h0, c.c0, save);
const steps = (c: Case): LayerForwardResult => recurrentLayerForwardSteps(c.spec, c.w, c.x, c.h0, c.c0);

/** Every array of a result, flattened with its name, for bitwise comparison. */
function arrays(r: LayerForwardResult, withSaved: boolean): Record<string, number[]> {
  const named: Record<string, Float32Array | Float64Array | null> = { out: r.out, hN: r.hN, cN: r.cN };
  if (withSaved) Object.assign(named, { acts: r.saved.acts, hs: r.saved.hs, cs: r.saved.cs, hns: r.saved.hns });
  return Object.fromEntries(Object.entries(named).filter(([, a]) => a !== null).map(([k, a]) => [k, Array.from(a!)]));
}

afterAll(() => setNumThreads(1));

describe('recurrent layer step loop in WebAssembly', () => {
  it('is available: build/kernels.wasm is built by `pnpm install` (these tests do not run with RECURRENT_KERNELS=js)', () => {
    expect(gemmBackend()).not.toBe('js');
  });

  // Each step's product and cell kernel get the step-by-step driver's arguments, so every output and saved buffer is
  // the same float32 bits (not merely close): padded rows, reverse direction, no bias, lanes left over (H = 13, 19, 21). Sizes
  // keep N·G·H·H ≥ 4096, where step products run on the WebAssembly sgemm.
  const cases: [CellMode, number, number, number, number, boolean, boolean, boolean][] = [
    ['LSTM', 9, 5, 7, 16, false, true, true],
    ['LSTM', 6, 7, 4, 13, true, true, true],
    ['GRU', 8, 6, 5, 21, true, true, true],
    ['GRU', 5, 4, 9, 19, false, false, false],
    ['RNN_TANH', 7, 4, 6, 40, true, true, true],
    ['RNN_TANH', 4, 2, 3, 64, false, false, true],
    // G·H = 256 (1 KB): W_hhᵀ kept with padded rows (whhTStride), read in place by 3 rows and packed for 6
    ['LSTM', 5, 3, 6, 64, true, true, true],
    ['RNN_TANH', 4, 6, 5, 256, false, true, true],
  ];
  for (const [mode, L, N, In, H, reverse, padded, bias] of cases) {
    it(`${mode} L=${L} N=${N} In=${In} H=${H}${reverse ? ' reverse' : ''}${padded ? ' padded' : ''}${bias ? '' : ' no bias'}: the same bits as step by step`, () => {
      const c = makeCase(mode, L, N, In, H, reverse, padded, bias);
      const a = whole(c);
      expect(a).not.toBeNull();
      expect(arrays(a!, true)).toEqual(arrays(steps(c), true));
    });
  }

  it('without saving for backward: the same output and final states, and no saved activations', () => {
    const c = makeCase('GRU', 8, 6, 5, 21, true, true);
    const a = whole(c, false)!;
    expect(arrays(a, false)).toEqual(arrays(steps(c), false));
    expect(a.saved.acts.length).toBe(0);
  });

  it('leaves to the step-by-step driver what it does not run: ReLU RNN, float64, projected LSTM, tiny step products', () => {
    expect(whole(makeCase('RNN_RELU', 4, 3, 4, 64, false, false))).toBeNull();
    const c = makeCase('LSTM', 4, 3, 4, 16, false, false);
    expect(recurrentLayerForwardWasm(c.spec, { ...c.w, wIh: Float64Array.from(c.w.wIh) }, c.x, c.h0, c.c0, true)).toBeNull();
    expect(recurrentLayerForwardWasm(c.spec, { ...c.w, wHr: new Float32Array(16 * 8) }, c.x, c.h0, c.c0, true)).toBeNull();
    // N·G·H·H = 1·4·8·8 = 256 multiply-adds a step: below the WebAssembly sgemm's threshold (4096)
    expect(whole(makeCase('LSTM', 4, 1, 4, 8, false, false))).toBeNull();
  });

  it('rows split across 1, 2 and 3 threads give the same bits (a layer of 2²²+ step multiply-adds, padded, both directions)', () => {
    // L·N·4H·H = 12·48·128·32 = 2,359,296 < 2²² would stay on one thread: this one is 24·48·128·32 = 4,718,592.
    expect(24 * 48 * 128 * 32).toBeGreaterThanOrEqual(LAYER_THREAD_MIN_WORK);
    for (const reverse of [false, true]) {
      const c = makeCase('LSTM', 24, 48, 20, 32, reverse, true);
      setNumThreads(1);
      const one = arrays(whole(c)!, true);
      for (const threads of [2, 3]) {
        setNumThreads(threads);
        const pool = currentPool()!;
        expect(pool.waitReady(20_000)).toBe(true);
        threadTesting.takeBack = false; // workers run their blocks even if slow to wake: what this test counts
        try {
          expect(arrays(whole(c)!, true)).toEqual(one);
        } finally {
          threadTesting.takeBack = true;
        }
        // every worker ran its block (a pool still starting would have left them all to the calling thread)
        for (let w = 0; w < threads - 1; w++) expect(pool.runs(w)).toBe(1);
      }
      expect(arrays(steps(c), true)).toEqual(one);
    }
  });
});
