// The step loop of one recurrent layer in one direction (driven by src/kernels/cpu/rnn_layer_wasm.ts): every
// step's h·W_hhᵀ + b_hh product, the cell's pointwise kernel, the padded rows' carry and the output, in one call.
// Each step makes exactly the calls the JavaScript driver (src/kernels/cpu/rnn_layer.ts) makes one at a time, with
// the same arguments, so the results are the same bits; only the crossings between JavaScript and WebAssembly go.
//
// Buffers are time-major, byte offsets: xp, acts (L, ·, G·H); hs, cs, hns, out (L, ·, H), where consecutive steps
// are `ldN` rows apart and this call runs the N rows from the given pointers (a block of a larger batch: rows of a
// recurrent layer are independent, so threads can each run a block); states (N, H) compact.
import { gruCellBackward, gruCellForward, lstmCellBackward, lstmCellForward, rnnCellBackward, rnnTanhCellForward, vectorAdd } from './rnn_cells';
import { sgemm, sgemmPacked, whhTStride } from './sgemm';

/** Cell kinds, as rnn_layer_wasm.ts numbers them. */
const LSTM: i32 = 0;
const GRU: i32 = 1;

/** Gates per cell: LSTM 4, GRU 3, RNN (tanh or relu) 1. */
// @ts-ignore: decorator
@inline
function gatesOf(mode: i32): i32 {
  return mode == LSTM ? 4 : mode == GRU ? 3 : 1;
}

/**
 * Runs L steps. `whhT` is W_hh transposed, (H, G·H) with rows `whhTStride(G·H)` floats apart, and `whhPacked` the same packed by `packBAll` (or 0: each
 * step's product packs it; the same bits either way); `bhh` its bias (G·H) or 0 for none; `h0`, `c0` (N, H) (c0 and
 * cs for LSTM only, hns for GRU only, else 0). `lengths` (N) int32 valid steps per row, or 0 when all rows have L:
 * step t of row n is valid iff t < lengths[n]; invalid steps keep the previous state and output zeros. With
 * `saveAll` = 0, acts and hns hold one step (reused), for forward passes that keep nothing for backward; with
 * `saveAll` = 1, xp may be acts itself (each cell reads a step's gate inputs before writing its activations there).
 * `hp` is (N, G·H) scratch; `work` has workBytes() (and serves the cells as scratch between products).
 */
export function recurrentLayerSteps(
  mode: i32, L: i32, N: i32, ldN: i32, H: i32, reverse: i32, saveAll: i32,
  xp: usize, whhT: usize, whhPacked: usize, bhh: usize, h0: usize, c0: usize, lengths: usize,
  out: usize, acts: usize, hs: usize, cs: usize, hns: usize, hp: usize, work: usize,
): void {
  const GH = gatesOf(mode) * H;
  const gateBytes = <usize>ldN * <usize>GH * 4;
  const stateBytes = <usize>ldN * <usize>H * 4;
  const rowBytes = <usize>H * 4;
  let hPrev = h0;
  let cPrev = c0;
  for (let s = 0; s < L; s++) {
    const t = reverse ? L - 1 - s : s;
    const tb = <usize>t;
    // hp = h·W_hhᵀ + b_hh: the bias row is the product's beta term (the bits of hp filled with it, then beta = 1)
    if (whhPacked != 0) sgemmPacked(0, N, GH, H, 1, hPrev, H, whhPacked, bhh != 0 ? 1 : 0, hp, work, bhh);
    else sgemm(0, 0, N, GH, H, 1, hPrev, H, whhT, whhTStride(GH), bhh != 0 ? 1 : 0, hp, work, bhh);
    const a = acts + (saveAll ? tb * gateBytes : 0);
    const h = hs + tb * stateBytes;
    const c = cs == 0 ? 0 : cs + tb * stateBytes;
    const hn = hns == 0 ? 0 : hns + (saveAll ? tb * stateBytes : 0);
    const x = xp + tb * gateBytes;
    if (mode == LSTM) lstmCellForward(N, H, x, hp, cPrev, a, c, h, work);
    else if (mode == GRU) gruCellForward(N, H, x, hp, hPrev, a, hn, h, work);
    else rnnTanhCellForward(N * H, x, hp, a, h, work);
    const o = out + tb * stateBytes;
    for (let n = 0; n < N; n++) {
      const r = <usize>n * rowBytes;
      if (lengths == 0 || t < load<i32>(lengths + <usize>n * 4)) {
        memory.copy(o + r, h + r, rowBytes);
        continue;
      }
      memory.copy(h + r, hPrev + r, rowBytes);
      if (c != 0) memory.copy(c + r, cPrev + r, rowBytes);
      memory.fill(o + r, 0, rowBytes);
    }
    hPrev = h;
    cPrev = c;
  }
}

/** Cell kinds of `recurrentLayerBackwardSteps` (the forward's, plus the relu RNN). */
const RNN_RELU: i32 = 3;

/**
 * Backward through time over L steps, last to first, of the N rows from the given pointers (a block of a batch of
 * `ldN` rows: rows are independent here too, so threads can each run a block). Each step makes the calls the
 * JavaScript driver (src/kernels/cpu/rnn_layer_backward_wasm.ts) makes, with the same arguments, so the results are
 * the same bits: tot = dh + dOut[t] (zero on padded rows), the cell's backward step into dxp[t] (and dhp[t] for
 * GRU, whose direct part of dh_prev goes to dhNext; others start dhNext at zero), padded rows passing dh and dc
 * straight through, then dhNext += dhp[t]·W_hh. dh/dhNext and dc/dcNext swap after every step: after L steps the
 * gradients with respect to h0 and c0 are in dh and dc when L is even, else in dhNext and dcNext.
 *
 * Time-major buffers (steps `ldN` rows apart): acts, dxp, dhp (L, ·, G·H); hPrev, cs, hns, dOut (L, ·, H); hPrev is
 * the state before each step. c0, dh, dhNext, dc, dcNext, tot: (N, H) compact. `wHh` is W_hh (G·H, H) as stored
 * and `wHhPacked` the same packed by `packBAll` (or 0). `dhp` is `dxp` for the cells without their own hidden
 * gradient (all but GRU); cs, c0, dc, dcNext only for LSTM, hns for GRU (else 0).
 */
export function recurrentLayerBackwardSteps(
  mode: i32, L: i32, N: i32, ldN: i32, H: i32, reverse: i32,
  acts: usize, hPrev: usize, cs: usize, c0: usize, hns: usize, dOut: usize, lengths: usize,
  dxp: usize, dhp: usize, wHh: usize, wHhPacked: usize,
  dh: usize, dhNext: usize, dc: usize, dcNext: usize, tot: usize, work: usize,
): void {
  const GH = gatesOf(mode) * H; // (1 for both RNN cells)
  const gateBytes = <usize>ldN * <usize>GH * 4;
  const stateBytes = <usize>ldN * <usize>H * 4;
  const rowBytes = <usize>H * 4;
  const gateRowBytes = <usize>GH * 4;
  const NH = N * H;
  for (let s = L - 1; s >= 0; s--) {
    const t = reverse ? L - 1 - s : s;
    const prevT = reverse ? t + 1 : t - 1;
    const g = <usize>t * gateBytes;
    const h = <usize>t * stateBytes;
    vectorAdd(NH, dh, dOut + h, tot);
    if (lengths != 0) {
      for (let n = 0; n < N; n++) if (t >= load<i32>(lengths + <usize>n * 4)) memory.fill(tot + <usize>n * rowBytes, 0, rowBytes);
    }
    const dxpT = dxp + g;
    const dhpT = dhp + g;
    if (mode == LSTM) {
      const cPrev = prevT >= 0 && prevT < L ? cs + <usize>prevT * stateBytes : c0;
      lstmCellBackward(N, H, acts + g, cPrev, cs + h, tot, dc, dxpT, dcNext, work);
    } else if (mode == GRU) {
      gruCellBackward(N, H, acts + g, hPrev + h, hns + h, tot, dxpT, dhpT, dhNext, work);
    } else {
      rnnCellBackward(mode == RNN_RELU ? 1 : 0, NH, acts + g, tot, dxpT, work);
    }
    if (mode != GRU) memory.fill(dhNext, 0, <usize>NH * 4);
    if (lengths != 0) {
      for (let n = 0; n < N; n++) {
        if (t < load<i32>(lengths + <usize>n * 4)) continue;
        memory.fill(dxpT + <usize>n * gateRowBytes, 0, gateRowBytes);
        if (mode == GRU) memory.fill(dhpT + <usize>n * gateRowBytes, 0, gateRowBytes);
        memory.copy(dhNext + <usize>n * rowBytes, dh + <usize>n * rowBytes, rowBytes);
        if (mode == LSTM) memory.copy(dcNext + <usize>n * rowBytes, dc + <usize>n * rowBytes, rowBytes);
      }
    }
    if (wHhPacked != 0) sgemmPacked(0, N, H, GH, 1, dhpT, GH, wHhPacked, 1, dhNext, work, 0);
    else sgemm(0, 0, N, H, GH, 1, dhpT, GH, wHh, H, 1, dhNext, work, 0);
    let x = dh;
    dh = dhNext;
    dhNext = x;
    x = dc;
    dc = dcNext;
    dcNext = x;
  }
}
