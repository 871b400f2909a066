/**
 * BPTT for one recurrent layer in one direction (see rnn_layer.ts for layout and masking).
 * Per step only the pointwise backward and dh·W_hh run; the weight gradients of all steps are three GEMMs at the
 * end over the saved per-step gradients: dW_ih = dXpᵀ·x, dW_hh = dHpᵀ·H_prev, dW_hr = dHtotᵀ·h_cell.
 */
import { allocate, type FloatArray } from '../../dtype.js';
import { withResidentOperands } from './sgemm_wasm.js';
import { gemm } from './matmul.js';
import { CELLS, gatesOf } from './rnn_cell_table.js';
import type { StepGrad } from './rnn_cells.js';
import { timeAt, type LayerSaved, type LayerSpec, type LayerWeights } from './rnn_layer.js';
import { recurrentLayerBackwardWasm } from './rnn_layer_backward_wasm.js';
import { denseColumns, type Columns } from './columns.js';

export interface LayerGrads {
  dx: FloatArray;
  dh0: FloatArray;
  dc0: FloatArray | null;
  dWih: FloatArray;
  dWhh: FloatArray;
  dbIh: FloatArray | null;
  dbHh: FloatArray | null;
  dWhr: FloatArray | null;
}

/**
 * BPTT of one layer: in the WebAssembly kernels' memory from start to end where that applies (float32, see
 * rnn_layer_backward_wasm.ts), else step by step from JavaScript. Both give the same bits.
 * @param dOut - `(L, N, Hout)` gradient of the layer output, its columns in a wider buffer, or null (no gradient reached
 *   the output: zeros)
 * @param dhN - `(N, Hout)`; dcN - `(N, H)` (LSTM)
 * @param consumeSaved - `saved` is not used again (the graph is freed after this pass): its storage may be overwritten
 * @param dxInto - `(L, N, In)`: add dx into it (and return it as dx) instead of returning a new array; the sum rounds
 *   as `dxInto + dx` would (another layer's gradient for the same input: the other direction's)
 */
export function recurrentLayerBackward(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  saved: LayerSaved,
  dOut: FloatArray | Columns | null,
  dhN: FloatArray,
  dcN: FloatArray | null,
  consumeSaved = false,
  dxInto: FloatArray | null = null,
): LayerGrads {
  const wasm = recurrentLayerBackwardWasm(spec, w, x, h0, c0, saved, dOut, dhN, dcN, consumeSaved, dxInto);
  if (wasm !== null) return wasm;
  const g = recurrentLayerBackwardStepwise(spec, w, x, h0, c0, saved, denseColumns(dOut, spec.L * spec.N, spec.Hout, x), dhN, dcN);
  if (dxInto === null) return g;
  for (let i = 0; i < dxInto.length; i++) dxInto[i] += g.dx[i];
  return { ...g, dx: dxInto };
}

/** BPTT driven step by step from JavaScript (each cell step in WebAssembly or JavaScript, as the table picks). */
export function recurrentLayerBackwardStepwise(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  saved: LayerSaved,
  dOut: FloatArray,
  dhN: FloatArray,
  dcN: FloatArray | null,
): LayerGrads {
  const { mode, L, N, H, Hout } = spec;
  const GH = gatesOf(mode) * H;
  const make = (n: number): FloatArray => allocate(x instanceof Float64Array ? 'float64' : 'float32', n) as FloatArray;
  const dxp = make(L * N * GH);
  const dhp = CELLS[mode].ownHiddenGrad ? make(L * N * GH) : dxp;
  const hPrevAll = make(L * N * Hout);
  for (let t = 0; t < L; t++) hPrevAll.set(stateBefore(spec, saved.hs, h0, t, Hout), t * N * Hout);
  const carried = recurrentStepsBackward(spec, w, c0, saved, hPrevAll, dOut, dhN, dcN, dxp, dhp, make(L * N * Hout), make);
  return weightGrads(spec, w, x, saved, hPrevAll, dxp, dhp, carried.dhTot, carried.dh0, carried.dc0, make);
}

/**
 * The state step t started from (`(N, width)`: the saved state of the step before it in processing order, or the
 * initial state): stacked for all t as H_prev, so that Σ_t dHp_tᵀ·h_prev,t is one GEMM.
 */
export function stateBefore(spec: LayerSpec, states: FloatArray, initial: FloatArray, t: number, width: number): FloatArray {
  const p = spec.reverse ? t + 1 : t - 1;
  const n = spec.N * width;
  return p >= 0 && p < spec.L ? states.subarray(p * n, (p + 1) * n) : initial;
}

/**
 * The steps from last to first: fills dxp, dhp, dhTot (the total gradient of every step's output, for dW_hr);
 * returns it with dL/dh0 and dL/dc0.
 */
function recurrentStepsBackward(
  spec: LayerSpec,
  w: LayerWeights,
  c0: FloatArray | null,
  saved: LayerSaved,
  hPrevAll: FloatArray,
  dOut: FloatArray,
  dhN: FloatArray,
  dcN: FloatArray | null,
  dxp: FloatArray,
  dhp: FloatArray,
  dhTot: FloatArray,
  make: (n: number) => FloatArray,
): { dh0: FloatArray; dc0: FloatArray | null; dhTot: FloatArray } {
  const { mode, L, N, H, Hout } = spec;
  const GH = gatesOf(mode) * H;
  const dhcell = w.wHr !== null ? make(N * H) : null;
  let dh: FloatArray = dhN.slice();
  let dhNext: FloatArray = make(N * Hout);
  let dc: FloatArray | null = dcN === null ? null : dcN.slice();
  let dcNext: FloatArray | null = dcN === null ? null : make(N * H);
  // W_hh (and W_hr) enter every step's products: copied into the kernels' memory once for the whole loop.
  const resident = [
    { array: w.wHh, rows: GH, cols: Hout, transposed: false },
    { array: w.wHr, rows: Hout, cols: H, transposed: false },
  ];
  withResidentOperands(resident, () => {
    for (let s = L - 1; s >= 0; s--) {
      const t = timeAt(spec, s);
      const prevT = spec.reverse ? t + 1 : t - 1;
      const inRange = prevT >= 0 && prevT < L;
      const tot = dhTot.subarray(t * N * Hout, (t + 1) * N * Hout);
      totalHiddenGrad(spec, t, dh, dOut.subarray(t * N * Hout, (t + 1) * N * Hout), tot, Hout);
      if (dhcell !== null) gemm(false, false, N, H, Hout, 1, tot, w.wHr!, 0, dhcell);
      const g: StepGrad = {
        N,
        H,
        acts: saved.acts.subarray(t * N * GH, (t + 1) * N * GH),
        hPrev: hPrevAll.subarray(t * N * Hout, (t + 1) * N * Hout),
        cPrev: saved.cs === null ? null : inRange ? saved.cs.subarray(prevT * N * H, (prevT + 1) * N * H) : c0,
        c: saved.cs?.subarray(t * N * H, (t + 1) * N * H) ?? null,
        hn: saved.hns?.subarray(t * N * H, (t + 1) * N * H) ?? null,
        dh: dhcell ?? tot,
        dc,
        dxp: dxp.subarray(t * N * GH, (t + 1) * N * GH),
        dhp: dhp.subarray(t * N * GH, (t + 1) * N * GH),
        dhPrevDirect: dhNext,
        dcPrev: dcNext,
      };
      CELLS[mode].backward(g);
      passPadded(spec, t, g, dh, dc, GH, Hout, H);
      gemm(false, false, N, Hout, GH, 1, g.dhp, w.wHh, 1, dhNext);
      [dh, dhNext] = [dhNext, dh];
      if (dc !== null) [dc, dcNext] = [dcNext!, dc];
    }
  });
  return { dh0: dh, dc0: dc, dhTot };
}

/** dL/dh_t = carried gradient + dOut_t on valid rows; padding rows get 0 (their output was a constant zero). */
function totalHiddenGrad(spec: LayerSpec, t: number, dh: FloatArray, dOut: FloatArray, tot: FloatArray, Hout: number): void {
  for (let n = 0; n < spec.N; n++) {
    const on = spec.lengths === null || t < spec.lengths[n];
    for (let j = n * Hout; j < (n + 1) * Hout; j++) tot[j] = on ? dh[j] + dOut[j] : 0;
  }
}

/** Padding rows: no gate gradients, and the carried dh/dc pass straight through to the previous step. */
function passPadded(
  spec: LayerSpec,
  t: number,
  g: StepGrad,
  dh: FloatArray,
  dc: FloatArray | null,
  GH: number,
  Hout: number,
  H: number,
): void {
  if (spec.lengths === null) return;
  for (let n = 0; n < spec.N; n++) {
    if (t < spec.lengths[n]) continue;
    g.dxp.fill(0, n * GH, (n + 1) * GH);
    if (g.dhp !== g.dxp) g.dhp.fill(0, n * GH, (n + 1) * GH);
    g.dhPrevDirect.set(dh.subarray(n * Hout, (n + 1) * Hout), n * Hout);
    if (dc !== null) g.dcPrev!.set(dc.subarray(n * H, (n + 1) * H), n * H);
  }
}

function weightGrads(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  saved: LayerSaved,
  hPrevAll: FloatArray,
  dxp: FloatArray,
  dhp: FloatArray,
  dhTot: FloatArray | null,
  dh0: FloatArray,
  dc0: FloatArray | null,
  make: (n: number) => FloatArray,
): LayerGrads {
  const { mode, L, N, In, H, Hout } = spec;
  const GH = gatesOf(mode) * H;
  const R = L * N;
  // dXp enters three products (four with its column sums), dHp and H_prev one or two: copied in once.
  const resident = [
    { array: dxp, rows: R, cols: GH, transposed: false },
    { array: dhp === dxp ? null : dhp, rows: R, cols: GH, transposed: false },
    { array: hPrevAll, rows: R, cols: Hout, transposed: false },
  ];
  return withResidentOperands(resident, () => {
    const dWih = make(GH * In);
    gemm(true, false, GH, In, R, 1, dxp, x, 0, dWih);
    const dx = make(R * In);
    gemm(false, false, R, In, GH, 1, dxp, w.wIh, 0, dx);
    const dWhh = make(GH * Hout);
    gemm(true, false, GH, Hout, R, 1, dhp, hPrevAll, 0, dWhh);
    let dWhr: FloatArray | null = null;
    if (w.wHr !== null) {
      dWhr = make(Hout * H);
      gemm(true, false, Hout, H, R, 1, dhTot!, saved.hcell!, 0, dWhr);
    }
    const dbIh = w.bIh === null ? null : columnSums(dxp, R, GH, make);
    // Except for GRU the two biases see the same pre-activation gradient (dhp is dxp): sum it once.
    const dbHh = w.bHh === null ? null : dhp === dxp && dbIh !== null ? dbIh.slice() : columnSums(dhp, R, GH, make);
    return { dx, dh0, dc0, dWih, dWhh, dbIh, dbHh, dWhr };
  });
}

/**
 * Σ_rows a as the product 1ᵀ·a, so that float32 runs in the SIMD gemm; in float64 the JavaScript gemm adds the
 * rows in order in double precision, the same bits as a plain loop.
 */
function columnSums(a: FloatArray, rows: number, cols: number, make: (n: number) => FloatArray): FloatArray {
  const out = make(cols);
  gemm(false, false, 1, cols, rows, 1, make(rows).fill(1), a, 0, out);
  return out;
}
