/**
 * One recurrent layer in one direction over a whole sequence: forward and hand-written BPTT backward.
 *
 * Time-major buffers: x `(L, N, In)`, output `(L, N, Hout)`, states `(N, Hout)` / `(N, H)`; Hout = projSize for a
 * projected LSTM, else H. The input projection of all L steps is one GEMM; each step then adds h·W_hhᵀ + b_hh and
 * runs the cell's pointwise kernel. With `lengths`, step t of row n is valid iff t < lengths[n]: invalid steps keep
 * the previous state and output zeros, so the reverse direction starts at each row's own last valid step
 * (PyTorch's pack_padded_sequence semantics).
 */
import { allocate, type FloatArray } from '../../dtype.js';
import { withResidentOperands } from './sgemm_wasm.js';
import { gemm } from './matmul.js';
import { CELLS, gatesOf } from './rnn_cell_table.js';
import type { CellMode, StepIO } from './rnn_cells.js';
import { fillRows, recurrentLayerForwardWasm } from './rnn_layer_wasm.js';
import { writeColumns, type Columns } from './columns.js';

export type { Columns } from './columns.js';

export interface LayerSpec {
  mode: CellMode;
  L: number;
  N: number;
  In: number;
  H: number;
  Hout: number;
  reverse: boolean;
  /** Valid steps per row (1..L), or null when every row has L. */
  lengths: Int32Array | null;
}

/** `wIh (G·H, In)`, `wHh (G·H, Hout)`, biases `(G·H)`, `wHr (Hout, H)` for a projected LSTM. */
export interface LayerWeights {
  wIh: FloatArray;
  wHh: FloatArray;
  bIh: FloatArray | null;
  bHh: FloatArray | null;
  wHr: FloatArray | null;
}

/** What forward keeps for backward: activations and states of every step, nothing per-op. */
export interface LayerSaved {
  /** `(L, N, G·H)` cell activations. */
  acts: FloatArray;
  /** `(L, N, Hout)` state after each step (padded steps carry the previous state). */
  hs: FloatArray;
  /** `(L, N, H)` cell states (LSTM). */
  cs: FloatArray | null;
  /** `(L, N, H)` unprojected hidden outputs (projected LSTM only). */
  hcell: FloatArray | null;
  /** `(L, N, H)` GRU's W_hn·h + b_hn. */
  hns: FloatArray | null;
  /**
   * `(L, N, Hout)` the state before each step (h0 at the first step processed), when it is kept in the same
   * resident storage as `hs` (one step beside it): backward reads it there instead of assembling it.
   */
  hPrev?: FloatArray;
  /** The resident blocks behind these arrays, given back together (`releaseSaved`). */
  storage?: Float32Array[];
}

export interface LayerForwardResult {
  out: FloatArray;
  hN: FloatArray;
  cN: FloatArray | null;
  saved: LayerSaved;
}

/** Time index of processing step s. */
export const timeAt = (spec: LayerSpec, s: number): number => (spec.reverse ? spec.L - 1 - s : s);
const valid = (spec: LayerSpec, t: number, n: number): boolean => spec.lengths === null || t < spec.lengths[n];

/**
 * dst (rows, cols) = a (rows, k) · bᵀ + bias: each row starts as the bias and the GEMM adds into it (beta = 1),
 * which in float64 rounds exactly like adding the bias after the product (the JavaScript gemm sums in double).
 */
function productPlusBias(
  a: FloatArray,
  b: FloatArray,
  bias: FloatArray | null,
  dst: FloatArray,
  rows: number,
  cols: number,
  k: number,
): void {
  if (bias !== null) fillRows(dst, bias, rows, cols);
  gemm(false, true, rows, cols, k, 1, a, b, bias === null ? 0 : 1, dst);
}

/**
 * Forward over all L steps.
 * @param x - `(L, N, In)`
 * @param h0 - `(N, Hout)`
 * @param c0 - `(N, H)` for LSTM, else null
 * @param save - whether backward will run: when false, the float32 WebAssembly path keeps no activations
 * @param into - where the output goes when it is one direction's columns of a wider buffer (then `out` is
 *   `into.data`); null: a new `(L, N, Hout)` array
 */
export function recurrentLayerForward(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  save = true,
  into: Columns | null = null,
): LayerForwardResult {
  const r = recurrentLayerForwardWasm(spec, w, x, h0, c0, save, into) ?? recurrentLayerForwardSteps(spec, w, x, h0, c0);
  if (into !== null && r.out !== into.data) r.out = writeColumns(into, r.out, spec.L * spec.N, spec.Hout);
  return r;
}

/**
 * `recurrentLayerForward` one step at a time from JavaScript: every case (float64, projected LSTM, no WebAssembly),
 * and the twin of the WebAssembly step loop (rnn_layer_wasm.ts), which gives the same bits where both run.
 */
export function recurrentLayerForwardSteps(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
): LayerForwardResult {
  const { mode, L, N, In, H, Hout } = spec;
  const GH = gatesOf(mode) * H;
  const make = (n: number): FloatArray => allocate(x instanceof Float64Array ? 'float64' : 'float32', n) as FloatArray;
  const xp = make(L * N * GH);
  productPlusBias(x, w.wIh, w.bIh, xp, L * N, GH, In);
  const saved: LayerSaved = {
    acts: make(L * N * GH),
    hs: make(L * N * Hout),
    cs: CELLS[mode].saves.c ? make(L * N * H) : null,
    hcell: w.wHr !== null ? make(L * N * H) : null,
    hns: CELLS[mode].saves.hn ? make(L * N * H) : null,
  };
  const hp = make(N * GH);
  const out = make(L * N * Hout);
  let hPrev = h0;
  let cPrev = c0;
  // W_hh (and W_hr) enter every step's product as op(B) = Wᵀ: kept transposed in the kernels' memory for the
  // whole loop (copied once; a batch-1 step becomes a plain row × matrix product).
  const resident = [
    { array: w.wHh, rows: GH, cols: Hout, transposed: true },
    { array: w.wHr, rows: Hout, cols: H, transposed: true },
  ];
  withResidentOperands(resident, () => {
    for (let s = 0; s < L; s++) {
      const t = timeAt(spec, s);
      productPlusBias(hPrev, w.wHh, w.bHh, hp, N, GH, Hout);
      const h = saved.hs.subarray(t * N * Hout, (t + 1) * N * Hout);
      const c = saved.cs?.subarray(t * N * H, (t + 1) * N * H) ?? null;
      const io: StepIO = {
        N,
        H,
        xp: xp.subarray(t * N * GH, (t + 1) * N * GH),
        hp,
        hPrev,
        cPrev,
        acts: saved.acts.subarray(t * N * GH, (t + 1) * N * GH),
        h: saved.hcell?.subarray(t * N * H, (t + 1) * N * H) ?? h,
        c,
        hn: saved.hns?.subarray(t * N * H, (t + 1) * N * H) ?? null,
      };
      stepForward(mode, io);
      if (w.wHr !== null) gemm(false, true, N, Hout, H, 1, io.h, w.wHr, 0, h);
      carryPadded(spec, t, h, hPrev, Hout, c, cPrev, H);
      writeOutput(spec, t, h, out.subarray(t * N * Hout, (t + 1) * N * Hout), Hout);
      hPrev = h;
      cPrev = c;
    }
  });
  return { out, hN: hPrev.slice(), cN: cPrev === null ? null : cPrev.slice(), saved };
}

function stepForward(mode: CellMode, io: StepIO): void {
  CELLS[mode].forward(io);
}

/** Rows whose step t is padding keep their previous state. */
function carryPadded(
  spec: LayerSpec,
  t: number,
  h: FloatArray,
  hPrev: FloatArray,
  Hout: number,
  c: FloatArray | null,
  cPrev: FloatArray | null,
  H: number,
): void {
  if (spec.lengths === null) return;
  for (let n = 0; n < spec.N; n++) {
    if (valid(spec, t, n)) continue;
    h.set(hPrev.subarray(n * Hout, (n + 1) * Hout), n * Hout);
    if (c !== null && cPrev !== null) c.set(cPrev.subarray(n * H, (n + 1) * H), n * H);
  }
}

/** Output at step t: the new state on valid rows, zeros on padding (out is zero-initialised). */
function writeOutput(spec: LayerSpec, t: number, h: FloatArray, out: FloatArray, Hout: number): void {
  if (spec.lengths === null) {
    out.set(h);
    return;
  }
  for (let n = 0; n < spec.N; n++) if (valid(spec, t, n)) out.set(h.subarray(n * Hout, (n + 1) * Hout), n * Hout);
}

export { recurrentLayerBackward, type LayerGrads } from './rnn_layer_backward.js';
export { stepForward };
