/**
 * The table of recurrent cells: for each mode, its gates, what its forward saves for backward, and its forward and
 * backward steps. The one place that chooses a step's implementation: float32 steps run in WebAssembly SIMD
 * (rnn_cells_wasm.ts) where the module is available, everything else in the JavaScript reference cells
 * (rnn_cells.ts). The layer loops (rnn_layer.ts, rnn_layer_backward.ts, rnn_layer_backward_wasm.ts) only look cells
 * up here.
 */
import * as ref from './rnn_cells.js';
import type { CellMode, StepGrad, StepIO } from './rnn_cells.js';
import * as simd from './rnn_cells_wasm.js';

export interface Cell {
  /** The cell's number in the kernels' layer loops (assembly/rnn_layer.ts): LSTM 0, GRU 1, tanh RNN 2, relu RNN 3. */
  code: number;
  /** Gates per cell: RNN 1, GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
  gates: number;
  /**
   * What forward saves besides the activations and the hidden state of every step: the cell state (LSTM: the
   * backward of c = f⊙c_prev + i⊙g reads c and c_prev), and GRU's hp_n = W_hn·h + b_hn (the reset gate
   * multiplies it, so da_r needs it).
   */
  saves: { c: boolean; hn: boolean };
  /**
   * The h-part of the pre-activation gradient differs from the x-part, and part of dL/dh_prev skips W_hh (GRU:
   * dhp_n = da_n⊙r, and z⊙dh). The other cells share one gradient buffer for both parts and leave dhPrev 0.
   */
  ownHiddenGrad: boolean;
  forward(s: StepIO): void;
  backward(s: StepGrad): void;
}

const rnn = (relu: boolean): Cell => ({
  code: relu ? 3 : 2,
  gates: 1,
  saves: { c: false, hn: false },
  ownHiddenGrad: false,
  forward: (s) => {
    if (!(relu ? simd.rnnReluCellForwardWasm(s) : simd.rnnTanhCellForwardWasm(s))) ref.rnnCellForward(s, relu);
  },
  backward: (s) => {
    if (!simd.rnnCellBackwardWasm(s, relu)) ref.rnnCellBackward(s, relu);
  },
});

/** Every cell, by mode. */
export const CELLS: Readonly<Record<CellMode, Cell>> = {
  RNN_TANH: rnn(false),
  RNN_RELU: rnn(true),
  GRU: {
    code: 1,
    gates: 3,
    saves: { c: false, hn: true },
    ownHiddenGrad: true,
    forward: (s) => {
      if (!simd.gruCellForwardWasm(s)) ref.gruCellForward(s);
    },
    backward: (s) => {
      if (!simd.gruCellBackwardWasm(s)) ref.gruCellBackward(s);
    },
  },
  LSTM: {
    code: 0,
    gates: 4,
    saves: { c: true, hn: false },
    ownHiddenGrad: false,
    forward: (s) => {
      if (!simd.lstmCellForwardWasm(s)) ref.lstmCellForward(s);
    },
    backward: (s) => {
      if (!simd.lstmCellBackwardWasm(s)) ref.lstmCellBackward(s);
    },
  },
};

/** Gates per cell: RNN 1, GRU 3 (r, z, n), LSTM 4 (i, f, g, o). */
export function gatesOf(mode: CellMode): number {
  return CELLS[mode].gates;
}
