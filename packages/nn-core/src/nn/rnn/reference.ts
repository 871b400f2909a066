/**
 * The reference (oracle) path of a recurrent layer: the same layer × direction × time loop as `RNNBase`, built
 * cell by cell from differentiable ops, so autograd derives the gradients. Slow; the oracle of the fused path in
 * rnn.test.ts, not part of the public API.
 */
import type { Tensor } from '../../autograd/tensor.js';
import { tensor, zeros } from '../../creation.js';
import { add, mul, sub } from '../../ops/binary.js';
import { cat, stack } from '../../ops/cat.js';
import { linear } from '../../ops/linear.js';
import { select } from '../../ops/slice.js';
import { gruCellStep, lstmCellStep, rnnCellStep } from './cells.js';
import type { RNNBase } from './rnn_base.js';

/**
 * Runs `layer` (in eval semantics: no dropout) on a time-major batch.
 * @param x - `(L, N, E)`
 * @param h0 - `(D·numLayers, N, Hout)`; c0 - `(D·numLayers, N, H)` (LSTM) or null
 * @param lengths - valid steps per row, or null
 * @returns `[output (L, N, D·Hout), hN, cN | null]`
 */
export function referenceForward(
  layer: RNNBase,
  x: Tensor,
  h0: Tensor,
  c0: Tensor | null,
  lengths: readonly number[] | null,
): [Tensor, Tensor, Tensor | null] {
  const [L, N] = x.shape;
  const D = layer.numDirections;
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  let input = x;
  for (let k = 0; k < layer.numLayers; k++) {
    const outs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const w = layer.layerWeights(k, d);
      let h = select(h0, 0, k * D + d);
      let c = c0 === null ? null : select(c0, 0, k * D + d);
      const steps: Tensor[] = new Array<Tensor>(L);
      for (let s = 0; s < L; s++) {
        const t = d === 1 ? L - 1 - s : s;
        const xt = select(input, 0, t);
        let hNew: Tensor;
        let cNew: Tensor | null = null;
        if (layer.mode === 'LSTM') {
          [hNew, cNew] = lstmCellStep(xt, h, c!, w);
          if (w.wHr !== null) hNew = linear(hNew, w.wHr);
        } else if (layer.mode === 'GRU') {
          hNew = gruCellStep(xt, h, w);
        } else {
          hNew = rnnCellStep(xt, h, w, layer.mode === 'RNN_RELU' ? 'relu' : 'tanh');
        }
        // m = 1 on valid rows: the state advances there; padded rows keep it and output zero.
        const m = mask(lengths, t, N, x.dtype);
        h = m === null ? hNew : add(mul(m, hNew), mul(sub(1, m), h));
        if (cNew !== null) c = m === null ? cNew : add(mul(m, cNew), mul(sub(1, m), c!));
        steps[t] = m === null ? h : mul(m, h);
      }
      outs.push(stack(steps, 0));
      hN.push(h);
      if (c !== null) cN.push(c);
    }
    input = outs.length === 1 ? outs[0] : cat(outs, 2);
  }
  return [input, stack(hN, 0), c0 === null ? null : stack(cN, 0)];
}

function mask(lengths: readonly number[] | null, t: number, N: number, dtype: 'float32' | 'float64' | 'int32'): Tensor | null {
  if (lengths === null) return null;
  const m = zeros([N, 1], { dtype });
  lengths.forEach((len, n) => {
    m.data[n] = t < len ? 1 : 0;
  });
  return tensor(m.data, [N, 1]);
}
