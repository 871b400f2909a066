/**
 * Float32 recurrent steps in WebAssembly SIMD (source: assembly/rnn_cells.ts): LSTM forward and backward, GRU and
 * tanh-RNN forward. The JavaScript side copies one step's buffers into the kernels module's memory, runs the
 * pointwise kernel and copies the results out.
 * Its exp/sigmoid/tanh are float32 approximations (Cephes expf/tanhf, a few ulps), so results differ from the
 * exact-math JavaScript cell (rnn_cells.ts, the reference twin) in the last bits; float64 never comes here.
 */
import { reserve, wasmKernels } from './gemm_wasm.js';
import type { StepGrad, StepIO } from './rnn_cells.js';

/** Forward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function lstmCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, cPrev, acts, h, c } = s;
  if (!(xp instanceof Float32Array && hp instanceof Float32Array && cPrev instanceof Float32Array)) return false;
  if (!(acts instanceof Float32Array && h instanceof Float32Array && c instanceof Float32Array)) return false;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return false;
  const G = 4 * N * H;
  const S = N * H;
  const f = m.free >> 2;
  const [oXp, oHp, oCp, oActs, oC, oH] = [f, f + G, f + 2 * G, f + 2 * G + S, f + 3 * G + S, f + 3 * G + 2 * S];
  const mem = reserve(m, ex, (oH + S) * 4);
  if (mem === null) return false;
  mem.set(xp.subarray(0, G), oXp);
  mem.set(hp.subarray(0, G), oHp);
  mem.set(cPrev.subarray(0, S), oCp);
  ex.lstmCellForward(N, H, oXp * 4, oHp * 4, oCp * 4, oActs * 4, oC * 4, oH * 4, m.work);
  acts.set(mem.subarray(oActs, oActs + G));
  c.set(mem.subarray(oC, oC + S));
  h.set(mem.subarray(oH, oH + S));
  return true;
}

/** Backward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function lstmCellBackwardWasm(s: StepGrad): boolean {
  const { N, H, acts, cPrev, c, dh, dc, dxp, dcPrev, dhPrevDirect } = s;
  if (!(acts instanceof Float32Array && cPrev instanceof Float32Array && c instanceof Float32Array)) return false;
  if (!(dh instanceof Float32Array && dc instanceof Float32Array && dxp instanceof Float32Array)) return false;
  if (!(dcPrev instanceof Float32Array)) return false;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return false;
  const G = 4 * N * H;
  const S = N * H;
  const f = m.free >> 2;
  const [oActs, oCp, oC, oDh, oDc, oDxp, oDcp] = [f, f + G, f + G + S, f + G + 2 * S, f + G + 3 * S, f + G + 4 * S, f + 2 * G + 4 * S];
  const mem = reserve(m, ex, (oDcp + S) * 4);
  if (mem === null) return false;
  mem.set(acts.subarray(0, G), oActs);
  mem.set(cPrev.subarray(0, S), oCp);
  mem.set(c.subarray(0, S), oC);
  mem.set(dh.subarray(0, S), oDh);
  mem.set(dc.subarray(0, S), oDc);
  ex.lstmCellBackward(N, H, oActs * 4, oCp * 4, oC * 4, oDh * 4, oDc * 4, oDxp * 4, oDcp * 4, m.work);
  dxp.set(mem.subarray(oDxp, oDxp + G));
  dcPrev.set(mem.subarray(oDcp, oDcp + S));
  dhPrevDirect.fill(0, 0, S);
  return true;
}

/** GRU forward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function gruCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, hPrev, acts, h, hn } = s;
  if (!(xp instanceof Float32Array && hp instanceof Float32Array && hPrev instanceof Float32Array)) return false;
  if (!(acts instanceof Float32Array && h instanceof Float32Array && hn instanceof Float32Array)) return false;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return false;
  const G = 3 * N * H;
  const S = N * H;
  const f = m.free >> 2;
  const [oXp, oHp, oHPrev, oActs, oHn, oH] = [f, f + G, f + 2 * G, f + 2 * G + S, f + 3 * G + S, f + 3 * G + 2 * S];
  const mem = reserve(m, ex, (oH + S) * 4);
  if (mem === null) return false;
  mem.set(xp.subarray(0, G), oXp);
  mem.set(hp.subarray(0, G), oHp);
  mem.set(hPrev.subarray(0, S), oHPrev);
  ex.gruCellForward(N, H, oXp * 4, oHp * 4, oHPrev * 4, oActs * 4, oHn * 4, oH * 4, m.work);
  acts.set(mem.subarray(oActs, oActs + G));
  hn.set(mem.subarray(oHn, oHn + S));
  h.set(mem.subarray(oH, oH + S));
  return true;
}

/** tanh-RNN forward step in WebAssembly; false (nothing done) when unavailable or a buffer is not float32. */
export function rnnTanhCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, acts, h } = s;
  if (!(xp instanceof Float32Array && hp instanceof Float32Array && acts instanceof Float32Array && h instanceof Float32Array)) {
    return false;
  }
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return false;
  const S = N * H;
  const f = m.free >> 2;
  const [oXp, oHp, oActs, oH] = [f, f + S, f + 2 * S, f + 3 * S];
  const mem = reserve(m, ex, (oH + S) * 4);
  if (mem === null) return false;
  mem.set(xp.subarray(0, S), oXp);
  mem.set(hp.subarray(0, S), oHp);
  ex.rnnTanhCellForward(S, oXp * 4, oHp * 4, oActs * 4, oH * 4, m.work);
  acts.set(mem.subarray(oActs, oActs + S));
  h.set(mem.subarray(oH, oH + S));
  return true;
}
