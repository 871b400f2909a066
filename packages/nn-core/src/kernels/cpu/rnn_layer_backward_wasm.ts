/**
 * The per-step part of float32 BPTT (rnn_layer_backward.ts) run on buffers that stay in the WebAssembly kernels'
 * memory for the whole sequence. The saved activations and states, the output gradient and W_hh are copied in
 * once; every step then runs three kernels on them in place (total hidden gradient, the cell's backward step,
 * dh_prev += dHp_t·W_hh), and the pre-activation gradients of all steps are copied out once at the end. Driving the
 * same kernels step by step from JavaScript copied each step's operands in and out of the module several times.
 *
 * Same kernels, same arguments, same order as the JavaScript-driven loop with WebAssembly cells, so the same bits.
 * Not for a projected LSTM, float64, or products the gemm would leave to JavaScript (fewer than WASM_MIN_WORK
 * multiply-adds): the caller's loop serves those.
 */
import type { FloatArray } from '../../dtype.js';
import { reserve, sgemmInModule, wasmKernels } from './gemm_wasm.js';
import { WASM_MIN_WORK } from './matmul.js';
import { CELLS } from './rnn_cell_table.js';
import { timeAt, type LayerSaved, type LayerSpec, type LayerWeights } from './rnn_layer.js';

/** The layer's BPTT inputs, as recurrentLayerBackward holds them. */
export interface StepsBackwardIO {
  /** `(L, N, H)`: the state each step started from (h0 for the first processed step). */
  hPrevAll: FloatArray;
  c0: FloatArray | null;
  dOut: FloatArray;
  dhN: FloatArray;
  dcN: FloatArray | null;
  /** Outputs `(L, N, G·H)`; dhp is dxp except for GRU. */
  dxp: FloatArray;
  dhp: FloatArray;
}

/** dL/dh0 and dL/dc0, or null when this path does not apply (nothing was written). */
export function recurrentStepsBackwardWasm(
  spec: LayerSpec,
  w: LayerWeights,
  saved: LayerSaved,
  io: StepsBackwardIO,
): { dh0: Float32Array; dc0: Float32Array | null; dhTot: null } | null {
  const { mode, L, N, H } = spec;
  const cell = CELLS[mode];
  const GH = cell.gates * H;
  const f32 = [w.wHh, saved.acts, saved.cs, saved.hns, io.hPrevAll, io.c0, io.dOut, io.dhN, io.dcN, io.dxp, io.dhp];
  if (w.wHr !== null || N * H * GH < WASM_MIN_WORK || !f32.every((a) => a === null || a instanceof Float32Array)) return null;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return null;
  const [withC, withHn, ownHp] = [cell.saves.c, cell.saves.hn, cell.ownHiddenGrad];
  // Regions of the module memory (float indices), each 64-byte aligned, from the first free byte on.
  let end = m.free >> 2;
  const region = (n: number): number => {
    const at = end;
    end = Math.ceil((end + n) / 16) * 16;
    return at;
  };
  const R = L * N;
  const at = {
    wHh: region(GH * H), acts: region(R * GH), hPrev: region(R * H), dOut: region(R * H), dxp: region(R * GH),
    dhp: ownHp ? region(R * GH) : -1, hns: withHn ? region(R * H) : -1, cs: withC ? region(R * H) : -1, c0: withC ? region(N * H) : -1,
    tot: region(N * H), dh: region(N * H), dhNext: region(N * H), dc: withC ? region(N * H) : -1, dcNext: withC ? region(N * H) : -1,
  };
  const mem = reserve(m, ex, end * 4);
  if (mem === null) return null;
  mem.set(w.wHh.subarray(0, GH * H), at.wHh);
  mem.set(saved.acts.subarray(0, R * GH), at.acts);
  mem.set(io.hPrevAll.subarray(0, R * H), at.hPrev);
  mem.set(io.dOut.subarray(0, R * H), at.dOut);
  mem.set(io.dhN.subarray(0, N * H), at.dh);
  if (withHn) mem.set(saved.hns!.subarray(0, R * H), at.hns);
  if (withC) {
    mem.set(saved.cs!.subarray(0, R * H), at.cs);
    mem.set(io.c0!.subarray(0, N * H), at.c0);
    mem.set(io.dcN!.subarray(0, N * H), at.dc);
  }
  let [dh, dhNext, dc, dcNext] = [at.dh, at.dhNext, at.dc, at.dcNext];
  const B = 4; // bytes per float: the kernels take byte offsets
  for (let s = L - 1; s >= 0; s--) {
    const t = timeAt(spec, s);
    const prevT = spec.reverse ? t + 1 : t - 1;
    const [g, h] = [t * N * GH, t * N * H];
    ex.vectorAdd(N * H, dh * B, (at.dOut + h) * B, at.tot * B);
    if (spec.lengths !== null) {
      // padding rows: no output gradient, and dh, dc pass straight through to the previous step
      for (let n = 0; n < N; n++) if (t >= spec.lengths[n]) mem.fill(0, at.tot + n * H, at.tot + (n + 1) * H);
    }
    const [acts, dxp, dhp] = [(at.acts + g) * B, (at.dxp + g) * B, ((ownHp ? at.dhp : at.dxp) + g) * B];
    const cPrev = prevT >= 0 && prevT < L ? at.cs + prevT * N * H : at.c0;
    cell.backwardInModule(ex, {
      N, H, acts, hPrev: (at.hPrev + h) * B, cPrev: cPrev * B, c: (at.cs + h) * B, hn: (at.hns + h) * B, dh: at.tot * B,
      dc: dc * B, dxp, dhp, dhPrev: dhNext * B, dcPrev: dcNext * B, tmp: m.work,
    });
    if (!ownHp) mem.fill(0, dhNext, dhNext + N * H); // no direct part of dh_prev: all of it goes through W_hh
    if (spec.lengths !== null) {
      for (let n = 0; n < N; n++) {
        if (t < spec.lengths[n]) continue;
        mem.fill(0, dxp / B + n * GH, dxp / B + (n + 1) * GH);
        if (ownHp) mem.fill(0, dhp / B + n * GH, dhp / B + (n + 1) * GH);
        mem.copyWithin(dhNext + n * H, dh + n * H, dh + (n + 1) * H);
        if (withC) mem.copyWithin(dcNext + n * H, dc + n * H, dc + (n + 1) * H);
      }
    }
    sgemmInModule({ transA: 0, transB: 0, M: N, N: H, K: GH, alpha: 1, a: dhp, lda: GH, b: at.wHh * B, ldb: H, beta: 1, c: dhNext * B });
    [dh, dhNext] = [dhNext, dh];
    [dc, dcNext] = [dcNext, dc];
  }
  io.dxp.set(mem.subarray(at.dxp, at.dxp + R * GH));
  if (ownHp) io.dhp.set(mem.subarray(at.dhp, at.dhp + R * GH));
  const copy = (at: number, n: number): Float32Array => {
    const a = new Float32Array(n);
    a.set(mem.subarray(at, at + n));
    return a;
  };
  // (no dhTot: a projected LSTM, the only layer whose weight gradients need it, does not come here)
  return { dh0: copy(dh, N * H), dc0: withC ? copy(dc, N * H) : null, dhTot: null };
}
