/**
 * Elman RNN, LSTM and GRU layers. Each only picks its cell; `RNNBase` runs the layers.
 */
import type { Tensor } from '../../autograd/tensor.js';
import type { PackedSequence } from './packed.js';
import { RNNBase, type RNNBaseOptions, type RNNForwardOptions } from './rnn_base.js';

export interface RNNOptions extends RNNBaseOptions {
  nonlinearity?: 'tanh' | 'relu';
}

/**
 * Multi-layer Elman RNN: h_t = act(W_ih x_t + b_ih + W_hh h_(t−1) + b_hh), act = tanh or relu.
 *
 * - input `(L, N, E)` (`(N, L, E)` with batchFirst) or unbatched `(L, E)`; h0 `(D·numLayers, N, H)`, zeros if omitted.
 * - returns `[output (L, N, D·H), hN (D·numLayers, N, H)]`; hN is never batch-first (as in PyTorch).
 * - parameters `weight_ih_l{k}{_reverse}` `(H, E or D·H)`, `weight_hh_l{k}` `(H, H)`, `bias_ih_l{k}`, `bias_hh_l{k}` `(H)`,
 *   all initialised U(−1/√H, 1/√H).
 * @see https://pytorch.org/docs/stable/generated/torch.nn.RNN.html
 */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';

  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new RangeError(`RNN: nonlinearity must be 'tanh' or 'relu', got '${String(nl)}'`);
    super(nl === 'tanh' ? 'RNN_TANH' : 'RNN_RELU', inputSize, hiddenSize, options);
    this.nonlinearity = nl;
  }

  forward(input: Tensor, h0?: Tensor | null, options?: RNNForwardOptions): [Tensor, Tensor];
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null, options: RNNForwardOptions = {}): [Tensor | PackedSequence, Tensor] {
    const [out, hN] = this.runAny(input, h0 ?? null, null, options);
    return [out, hN];
  }
}

export interface LSTMOptions extends RNNBaseOptions {
  /** If > 0, h is projected to this size by `weight_hr_l{k}` `(projSize, H)`. */
  projSize?: number;
}

/**
 * Multi-layer LSTM. Gates in PyTorch's order i, f, g, o:
 * i = σ(W_ii x + b_ii + W_hi h + b_hi), f = σ(…), g = tanh(…), o = σ(…); c' = f⊙c + i⊙g; h' = o⊙tanh(c')
 * (then h' = W_hr h' with projSize).
 *
 * - input as for RNN; h0 `(D·numLayers, N, Hout)`, c0 `(D·numLayers, N, H)`, zeros if omitted (Hout = projSize or H).
 * - returns `[output (L, N, D·Hout), [hN, cN]]`.
 * - parameters `weight_ih_l{k}` `(4H, E or D·Hout)`, `weight_hh_l{k}` `(4H, Hout)`, biases `(4H)`, `weight_hr_l{k}`
 *   `(projSize, H)`; init U(−1/√H, 1/√H).
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html
 */
export class LSTM extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super('LSTM', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, hx?: [Tensor, Tensor] | null, options?: RNNForwardOptions): [Tensor, [Tensor, Tensor]];
  forward(input: PackedSequence, hx?: [Tensor, Tensor] | null): [PackedSequence, [Tensor, Tensor]];
  forward(
    input: Tensor | PackedSequence,
    hx?: [Tensor, Tensor] | null,
    options: RNNForwardOptions = {},
  ): [Tensor | PackedSequence, [Tensor, Tensor]] {
    if (hx !== undefined && hx !== null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new TypeError('LSTM: hx must be a pair [h0, c0] (or omitted for zeros)');
    }
    const [out, hN, cN] = this.runAny(input, hx?.[0] ?? null, hx?.[1] ?? null, options);
    return [out, [hN, cN!]];
  }
}

/**
 * Multi-layer GRU. Gates in PyTorch's order r, z, n:
 * r = σ(W_ir x + b_ir + W_hr h + b_hr), z = σ(…), n = tanh(W_in x + b_in + r⊙(W_hn h + b_hn)), h' = (1 − z)⊙n + z⊙h.
 *
 * - shapes as for RNN; parameters `(3H, ·)` stacked r, z, n; init U(−1/√H, 1/√H).
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GRU.html
 */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}) {
    super('GRU', inputSize, hiddenSize, options);
  }

  forward(input: Tensor, h0?: Tensor | null, options?: RNNForwardOptions): [Tensor, Tensor];
  forward(input: PackedSequence, h0?: Tensor | null): [PackedSequence, Tensor];
  forward(input: Tensor | PackedSequence, h0?: Tensor | null, options: RNNForwardOptions = {}): [Tensor | PackedSequence, Tensor] {
    const [out, hN] = this.runAny(input, h0 ?? null, null, options);
    return [out, hN];
  }
}
