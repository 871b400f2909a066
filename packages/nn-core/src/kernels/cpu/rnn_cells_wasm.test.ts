import { describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { gemmBackend } from './gemm_wasm.js';
import { gruCellForwardJs, lstmCellBackwardJs, lstmCellForwardJs, rnnCellForwardJs, type StepGrad, type StepIO } from './rnn_cells.js';
import { gruCellForwardWasm, lstmCellBackwardWasm, lstmCellForwardWasm, rnnTanhCellForwardWasm } from './rnn_cells_wasm.js';

function uniform(g: Generator, n: number, scale: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = (g.random() * 2 - 1) * scale;
  return a;
}

/**
 * Largest excess of |fast − ref| over tol·(1 + |ref|). The WebAssembly cell uses float32 exp/tanh (Cephes,
 * a few ulps of 2⁻²⁴ relative) where the reference uses double-precision Math before rounding to float32; a
 * handful of roundings of O(1) values stay below 2e-6·(1 + |ref|), while a wrong gate or index is off by O(0.1).
 */
function excess(fast: Float32Array, ref: Float32Array, tol: number): number {
  let worst = -Infinity;
  for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(fast[i] - ref[i]) - tol * (1 + Math.abs(ref[i])));
  return worst;
}

const TOL = 2e-6;

describe('recurrent cells in WebAssembly', () => {
  it('is available: build/kernels.wasm is built by `pnpm install` (these tests do not run with RECURRENT_KERNELS=js)', () => {
    expect(gemmBackend()).not.toBe('js');
  });

  // H = 1, 3, 6 leave 1–3 lanes over (the scratch path); 8 and 12 are whole lanes. Pre-activations up to ±30
  // saturate σ and tanh, ±0.5 stays in tanh's polynomial range.
  for (const [N, H, scale] of [[3, 8, 3], [2, 6, 3], [4, 3, 30], [1, 1, 0.5], [5, 12, 0.5]] as const) {
    it(`forward matches lstmCellForwardJs within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(31 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * 4 * H, scale), hp: uniform(g, N * 4 * H, scale), hPrev: new Float32Array(N * H),
        cPrev: uniform(g, N * H, 2), acts: new Float32Array(N * 4 * H), h: new Float32Array(N * H),
        c: new Float32Array(N * H), hn: null,
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * 4 * H), h: new Float32Array(N * H), c: new Float32Array(N * H) };
      expect(lstmCellForwardWasm(a)).toBe(true);
      lstmCellForwardJs(b);
      expect(excess(a.acts as Float32Array, b.acts as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.c as Float32Array, b.c as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
    });

    it(`backward matches lstmCellBackwardJs within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |c| ≤ ${scale}`, () => {
      const g = new Generator(41 + H);
      // acts as the forward leaves them: σ gates in (0, 1), g in (−1, 1).
      const acts = uniform(g, N * 4 * H, 1);
      for (let n = 0; n < N; n++) {
        for (let j = 0; j < 4 * H; j++) if (j < 2 * H || j >= 3 * H) acts[n * 4 * H + j] = Math.abs(acts[n * 4 * H + j]);
      }
      const make = (): StepGrad => ({
        N, H, acts, hPrev: new Float32Array(N * H), cPrev: uniform(g, N * H, 2), c: uniform(g, N * H, scale), hn: null,
        dh: uniform(g, N * H, 1), dc: uniform(g, N * H, 1), dxp: new Float32Array(N * 4 * H),
        dhp: new Float32Array(0), dhPrevDirect: new Float32Array(N * H).fill(7), dcPrev: new Float32Array(N * H),
      });
      const a = make();
      a.dhp = a.dxp;
      const b: StepGrad = { ...a, dxp: new Float32Array(N * 4 * H), dhPrevDirect: new Float32Array(N * H).fill(7), dcPrev: new Float32Array(N * H) };
      b.dhp = b.dxp;
      expect(lstmCellBackwardWasm(a)).toBe(true);
      lstmCellBackwardJs(b);
      expect(excess(a.dxp as Float32Array, b.dxp as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.dcPrev as Float32Array, b.dcPrev as Float32Array, TOL)).toBeLessThanOrEqual(0);
      // the direct part of dh_prev is zero for LSTM (it all goes through W_hh)
      expect(Array.from(a.dhPrevDirect)).toEqual(new Array(N * H).fill(0));
    });
  }

  for (const [N, H, scale] of [[3, 8, 3], [2, 7, 30], [1, 2, 0.5]] as const) {
    it(`GRU forward matches gruCellForwardJs within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(51 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * 3 * H, scale), hp: uniform(g, N * 3 * H, scale), hPrev: uniform(g, N * H, 1),
        cPrev: null, acts: new Float32Array(N * 3 * H), h: new Float32Array(N * H), c: null, hn: new Float32Array(N * H),
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * 3 * H), h: new Float32Array(N * H), hn: new Float32Array(N * H) };
      expect(gruCellForwardWasm(a)).toBe(true);
      gruCellForwardJs(b);
      expect(excess(a.acts as Float32Array, b.acts as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(Array.from(a.hn!)).toEqual(Array.from(b.hn!)); // a copy of hp_n, exact
    });

    it(`tanh-RNN forward matches rnnCellForwardJs within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(61 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * H, scale), hp: uniform(g, N * H, scale), hPrev: new Float32Array(N * H),
        cPrev: null, acts: new Float32Array(N * H), h: new Float32Array(N * H), c: null, hn: null,
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * H), h: new Float32Array(N * H) };
      expect(rnnTanhCellForwardWasm(a)).toBe(true);
      rnnCellForwardJs(b, false);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(Array.from(a.acts)).toEqual(Array.from(a.h)); // the activation is the output
    });
  }

  it('keeps tanh accurate near 0 (polynomial branch): h of a tiny cell state has relative error < 1e-6', () => {
    // xp + hp = 40 saturates every gate (i = f = o = 1 − 4e-18 → 1 in float32, g = 1); c_prev = −1 + 1e-5·k
    // gives c = 1e-5·k and h = tanh(c) ≈ c, where 1 − 2/(e^{2c} + 1) would lose about 5 digits.
    const [N, H] = [1, 8];
    const cPrev = Float32Array.from({ length: H }, (_, k) => -1 + 1e-5 * (k + 1));
    const s: StepIO = {
      N, H, xp: new Float32Array(4 * H).fill(40), hp: new Float32Array(4 * H), hPrev: new Float32Array(H), cPrev,
      acts: new Float32Array(4 * H), h: new Float32Array(H), c: new Float32Array(H), hn: null,
    };
    expect(lstmCellForwardWasm(s)).toBe(true);
    for (let k = 0; k < H; k++) {
      const c = s.c![k];
      expect(Math.abs(s.h[k] - Math.tanh(c)) / Math.abs(Math.tanh(c))).toBeLessThan(1e-6);
    }
  });
});
