import { describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { gemmBackend } from './gemm_wasm.js';
// the JavaScript reference cells
import {
  gruCellBackward,
  gruCellForward,
  lstmCellBackward,
  lstmCellForward,
  rnnCellBackward,
  rnnCellForward,
  type StepGrad,
  type StepIO,
} from './rnn_cells.js';
import {
  gruCellBackwardWasm,
  gruCellForwardWasm,
  lstmCellBackwardWasm,
  lstmCellForwardWasm,
  rnnCellBackwardWasm,
  rnnReluCellForwardWasm,
  rnnTanhCellForwardWasm,
} from './rnn_cells_wasm.js';

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
    it(`forward matches lstmCellForward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(31 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * 4 * H, scale), hp: uniform(g, N * 4 * H, scale), hPrev: new Float32Array(N * H),
        cPrev: uniform(g, N * H, 2), acts: new Float32Array(N * 4 * H), h: new Float32Array(N * H),
        c: new Float32Array(N * H), hn: null,
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * 4 * H), h: new Float32Array(N * H), c: new Float32Array(N * H) };
      expect(lstmCellForwardWasm(a)).toBe(true);
      lstmCellForward(b);
      expect(excess(a.acts as Float32Array, b.acts as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.c as Float32Array, b.c as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
    });

    it(`backward matches lstmCellBackward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |c| ≤ ${scale}`, () => {
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
      lstmCellBackward(b);
      expect(excess(a.dxp as Float32Array, b.dxp as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.dcPrev as Float32Array, b.dcPrev as Float32Array, TOL)).toBeLessThanOrEqual(0);
      // the direct part of dh_prev is zero for LSTM (it all goes through W_hh)
      expect(Array.from(a.dhPrevDirect)).toEqual(new Array(N * H).fill(0));
    });
  }

  for (const [N, H, scale] of [[3, 8, 3], [2, 7, 30], [1, 2, 0.5]] as const) {
    it(`GRU forward matches gruCellForward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(51 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * 3 * H, scale), hp: uniform(g, N * 3 * H, scale), hPrev: uniform(g, N * H, 1),
        cPrev: null, acts: new Float32Array(N * 3 * H), h: new Float32Array(N * H), c: null, hn: new Float32Array(N * H),
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * 3 * H), h: new Float32Array(N * H), hn: new Float32Array(N * H) };
      expect(gruCellForwardWasm(a)).toBe(true);
      gruCellForward(b);
      expect(excess(a.acts as Float32Array, b.acts as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(Array.from(a.hn!)).toEqual(Array.from(b.hn!)); // a copy of hp_n, exact
    });

    it(`tanh-RNN forward matches rnnCellForward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}, |pre-activation| ≤ ${scale}`, () => {
      const g = new Generator(61 + H);
      const make = (): StepIO => ({
        N, H, xp: uniform(g, N * H, scale), hp: uniform(g, N * H, scale), hPrev: new Float32Array(N * H),
        cPrev: null, acts: new Float32Array(N * H), h: new Float32Array(N * H), c: null, hn: null,
      });
      const a = make();
      const b: StepIO = { ...a, acts: new Float32Array(N * H), h: new Float32Array(N * H) };
      expect(rnnTanhCellForwardWasm(a)).toBe(true);
      rnnCellForward(b, false);
      expect(excess(a.h as Float32Array, b.h as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(Array.from(a.acts)).toEqual(Array.from(a.h)); // the activation is the output
    });
  }

  // GRU backward has no exp/tanh: the WebAssembly step rounds each of its 3–4 products to float32 where the
  // reference rounds once, a few ulps of 2⁻²⁴ relative on O(1) values, inside the same TOL.
  for (const [N, H] of [[3, 8], [2, 7], [1, 2], [4, 13]] as const) {
    it(`GRU backward matches gruCellBackward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}`, () => {
      const g = new Generator(71 + H);
      // acts as the forward leaves them: r, z in (0, 1), n in (−1, 1)
      const acts = uniform(g, N * 3 * H, 1);
      for (let n = 0; n < N; n++) for (let j = 0; j < 2 * H; j++) acts[n * 3 * H + j] = Math.abs(acts[n * 3 * H + j]);
      const make = (): StepGrad => ({
        N, H, acts, hPrev: uniform(g, N * H, 1), cPrev: null, c: null, hn: uniform(g, N * H, 3), dh: uniform(g, N * H, 1),
        dc: null, dxp: new Float32Array(N * 3 * H), dhp: new Float32Array(N * 3 * H),
        dhPrevDirect: new Float32Array(N * H).fill(7), dcPrev: null,
      });
      const a = make();
      const b: StepGrad = { ...a, dxp: new Float32Array(N * 3 * H), dhp: new Float32Array(N * 3 * H), dhPrevDirect: new Float32Array(N * H) };
      expect(gruCellBackwardWasm(a)).toBe(true);
      gruCellBackward(b);
      expect(excess(a.dxp as Float32Array, b.dxp as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(excess(a.dhp as Float32Array, b.dhp as Float32Array, TOL)).toBeLessThanOrEqual(0);
      // dh⊙z is one product of two float32 numbers, correctly rounded on both sides: the same bits
      expect(Array.from(a.dhPrevDirect)).toEqual(Array.from(b.dhPrevDirect));
    });
  }

  // N·H = 1, 14, 24, 39: 1–3 elements over the last whole lane take the scratch path.
  for (const [N, H] of [[1, 1], [2, 7], [3, 8], [3, 13]] as const) {
    it(`tanh-RNN backward matches rnnCellBackward within ${TOL}·(1 + |ref|) for N=${N}, H=${H}`, () => {
      const g = new Generator(81 + H);
      const make = (): StepGrad => ({
        N, H, acts: uniform(g, N * H, 1), hPrev: new Float32Array(N * H), cPrev: null, c: null, hn: null,
        dh: uniform(g, N * H, 2), dc: null, dxp: new Float32Array(N * H), dhp: new Float32Array(0),
        dhPrevDirect: new Float32Array(N * H).fill(7), dcPrev: null,
      });
      const a = make();
      a.dhp = a.dxp;
      const b: StepGrad = { ...a, dxp: new Float32Array(N * H), dhPrevDirect: new Float32Array(N * H).fill(7) };
      b.dhp = b.dxp;
      expect(rnnCellBackwardWasm(a, false)).toBe(true);
      rnnCellBackward(b, false);
      expect(excess(a.dxp as Float32Array, b.dxp as Float32Array, TOL)).toBeLessThanOrEqual(0);
      expect(Array.from(a.dhPrevDirect)).toEqual(new Array(N * H).fill(0));
    });

    // relu steps do no rounding the reference does not: one float32 sum (correctly rounded in double too) and
    // selections, so the bits are equal, zeros, NaN → 0 and −0 → +0 included.
    it(`relu-RNN forward and backward equal rnnCellForward / rnnCellBackward bit for bit for N=${N}, H=${H}`, () => {
      const g = new Generator(91 + H);
      const S = N * H;
      const xp = uniform(g, S, 3);
      const hp = uniform(g, S, 3);
      xp[0] = Number.NaN;
      if (S > 2) [xp[1], hp[1], xp[2], hp[2]] = [-0, 0, 1.5, -1.5];
      const fw = (): StepIO => ({
        N, H, xp, hp, hPrev: new Float32Array(S), cPrev: null, acts: new Float32Array(S), h: new Float32Array(S), c: null, hn: null,
      });
      const [a, b] = [fw(), fw()];
      expect(rnnReluCellForwardWasm(a)).toBe(true);
      rnnCellForward(b, true);
      expect(Array.from(a.acts)).toEqual(Array.from(b.acts));
      expect(Array.from(a.h)).toEqual(Array.from(b.h));
      expect(Object.is(a.h[0], 0)).toBe(true);

      const dh = uniform(g, S, 2);
      const bw = (): StepGrad => {
        const dxp = new Float32Array(S);
        return {
          N, H, acts: a.acts, hPrev: new Float32Array(S), cPrev: null, c: null, hn: null, dh, dc: null, dxp, dhp: dxp,
          dhPrevDirect: new Float32Array(S).fill(7), dcPrev: null,
        };
      };
      const [da, db] = [bw(), bw()];
      expect(rnnCellBackwardWasm(da, true)).toBe(true);
      rnnCellBackward(db, true);
      expect(Array.from(da.dxp)).toEqual(Array.from(db.dxp));
      expect(Array.from(da.dhPrevDirect)).toEqual(new Array(S).fill(0));
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
