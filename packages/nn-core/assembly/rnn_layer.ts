// The step loop of one recurrent layer in one direction (driven by src/kernels/cpu/rnn_layer_wasm.ts): every
// step's h·W_hhᵀ + b_hh product, the cell's pointwise kernel, the padded rows' carry and the output, in one call.
// Each step makes exactly the calls the JavaScript driver (src/kernels/cpu/rnn_layer.ts) makes one at a time, with
// the same arguments, so the results are the same bits; only the crossings between JavaScript and WebAssembly go.
//
// Buffers are time-major, byte offsets: xp, acts (L, ·, G·H); hs, cs, hns, out (L, ·, H), where consecutive steps
// are `ldN` rows apart and this call runs the N rows from the given pointers (a block of a larger batch: rows of a
// recurrent layer are independent, so threads can each run a block); states (N, H) compact.
import { gruCellForward, lstmCellForward, rnnTanhCellForward } from './rnn_cells';
import { sgemm, sgemmPacked } from './sgemm';

/** Cell kinds, as rnn_layer_wasm.ts numbers them. */
const LSTM: i32 = 0;
const GRU: i32 = 1;

/** Gates per cell: LSTM 4, GRU 3, tanh RNN 1. */
// @ts-ignore: decorator
@inline
function gatesOf(mode: i32): i32 {
  return mode == LSTM ? 4 : mode == GRU ? 3 : 1;
}

/**
 * Runs L steps. `whhT` is W_hh transposed, (H, G·H), and `whhPacked` the same packed by `packBAll` (or 0: each
 * step's product packs it; the same bits either way); `bhh` its bias (G·H) or 0 for none; `h0`, `c0` (N, H) (c0 and
 * cs for LSTM only, hns for GRU only, else 0). `lengths` (N) int32 valid steps per row, or 0 when all rows have L:
 * step t of row n is valid iff t < lengths[n]; invalid steps keep the previous state and output zeros. With
 * `saveAll` = 0, acts and hns hold one step (reused), for forward passes that keep nothing for backward.
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
    if (bhh != 0) {
      for (let n = 0; n < N; n++) memory.copy(hp + <usize>n * <usize>GH * 4, bhh, <usize>GH * 4);
    }
    if (whhPacked != 0) sgemmPacked(0, N, GH, H, 1, hPrev, H, whhPacked, bhh != 0 ? 1 : 0, hp, work);
    else sgemm(0, 0, N, GH, H, 1, hPrev, H, whhT, GH, bhh != 0 ? 1 : 0, hp, work);
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
