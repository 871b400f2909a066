/**
 * Both directions of one bidirectional recurrent layer as one op, their outputs side by side in one
 * `(L, N, 2·Hout)` tensor: each direction's kernel writes its half in place and reads its half of the output
 * gradient in place, and the two input gradients are summed here. The same numbers as two `recurrentLayer` calls
 * and a `cat` (the sum of two gradients is the same in either order), without the two halves' copies, the cat's,
 * and a zero-filled gradient when nothing uses the output (a classifier on the final states).
 */
import { defineSparseMultiOp, willRecord } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate, type FloatArray } from '../dtype.js';
import { recurrentLayerBackward, recurrentLayerForward, type LayerForwardResult } from '../kernels/cpu/rnn_layer.js';
import { releaseSaved } from '../kernels/cpu/rnn_layer_wasm.js';
import type { CellMode } from '../kernels/cpu/rnn_cells.js';
import { layerGradTensors, specOf, weightArrays, type RecurrentLayerWeights } from './rnn_layer.js';

export interface BidirectionalLayerOptions {
  mode: CellMode;
  /** Valid steps per batch row (1..L), or null for all L. */
  lengths: Int32Array | null;
  /** Return the output batch-first, `(N, L, 2·Hout)`, written in that order (no transpose afterwards). */
  batchFirst?: boolean;
}

/** A direction's initial states: `h0 (N, Hout)`, and `c0 (N, H)` for LSTM (else null). */
export interface DirectionStates {
  h0: Tensor;
  c0: Tensor | null;
}

/**
 * Runs one bidirectional layer: direction 0 from the first step, direction 1 from each row's last valid step.
 * @param x - `(L, N, In)`
 * @param states - per direction, `h0 (N, Hout)` and `c0 (N, H)` (LSTM)
 * @param w - per direction, `wIh (G·H, In)`, `wHh (G·H, Hout)`, `bIh`, `bHh (G·H)`, `wHr (Hout, H)`
 * @returns `[output (L, N, 2·Hout) — (N, L, 2·Hout) with opts.batchFirst —, hN forward, hN reverse (N, Hout)]`, then
 *   for LSTM `cN forward, cN reverse (N, H)`
 */
export function bidirectionalLayer(
  x: Tensor,
  states: [DirectionStates, DirectionStates],
  w: [RecurrentLayerWeights, RecurrentLayerWeights],
  opts: BidirectionalLayerOptions,
): Tensor[] {
  const stateList = states.flatMap((s) => (s.c0 === null ? [s.h0] : [s.h0, s.c0]));
  const params = w.flatMap((d) => [d.wIh, d.wHh, d.bIh, d.bHh, d.wHr].filter((p): p is Tensor => p !== null));
  return pairOp(x, stateList, params, states, w, opts);
}

const pairOp = defineSparseMultiOp(
  'bidirectional_layer',
  (x: Tensor, _states: Tensor[], _params: Tensor[], states: [DirectionStates, DirectionStates], w: [RecurrentLayerWeights, RecurrentLayerWeights], opts: BidirectionalLayerOptions) => {
    const specs = [0, 1].map((d) => specOf(x, states[d].h0, states[d].c0, w[d], { mode: opts.mode, lengths: opts.lengths, reverse: d === 1 }));
    const weights = w.map(weightArrays);
    const { L, N, H, Hout } = specs[0];
    const xd = x.data as FloatArray;
    const h0 = states.map((s) => s.h0.data as FloatArray);
    const c0 = states.map((s) => (s.c0?.data ?? null) as FloatArray | null);
    const out = allocate(x.dtype, L * N * 2 * Hout) as FloatArray;
    const order = opts.batchFirst === true ? { batchFirst: { L, N } } : {};
    const half = (data: FloatArray, d: number) => ({ data, ld: 2 * Hout, offset: d * Hout, ...order });
    const runs: LayerForwardResult[] = [0, 1].map((d) => recurrentLayerForward(specs[d], weights[d], xd, h0[d], c0[d], willRecord(), half(out, d)));
    const isLstm = runs[0].cN !== null;
    const outs = [new Tensor(out, opts.batchFirst === true ? [N, L, 2 * Hout] : [L, N, 2 * Hout]), ...runs.map((r) => new Tensor(r.hN, [N, Hout]))];
    if (isLstm) outs.push(...runs.map((r) => new Tensor(r.cN!, [N, H])));
    // Saves each direction's gate activations and states (in the kernels' memory where it takes them) and the inputs.
    const saved = willRecord() ? runs.map((r) => r.saved) : null;
    const release = (): void => saved?.forEach(releaseSaved);
    return {
      out: outs,
      release,
      backward: (douts: (Tensor | null)[], _needs: boolean[], retained: boolean) => {
        const zeros = (n: number): FloatArray => allocate(x.dtype, n) as FloatArray;
        const dOut = douts[0]?.data as FloatArray | undefined;
        // the reverse direction first; the forward one adds its dx into the reverse one's (dx = dx_reverse + dx_forward)
        let dxSum: FloatArray | null = null;
        const [gReverse, gForward] = [1, 0].map((d) => {
          const dhN = (douts[1 + d]?.data ?? zeros(N * Hout)) as FloatArray;
          const dcN = isLstm ? ((douts[3 + d]?.data ?? zeros(N * H)) as FloatArray) : null;
          const dOutHalf = dOut === undefined ? null : half(dOut, d);
          const g = recurrentLayerBackward(specs[d], weights[d], xd, h0[d], c0[d], saved![d], dOutHalf, dhN, dcN, !retained, dxSum);
          if (!retained) releaseSaved(saved![d]); // (read for the last time: the other direction may use its storage)
          dxSum = g.dx;
          return g;
        });
        const [f, r] = [gForward, gReverse].map((g, d) => layerGradTensors(g, states[d].h0, states[d].c0, w[d]));
        return [new Tensor(gForward.dx, x.shape), ...f.states, ...r.states, ...f.params, ...r.params];
      },
    };
  },
);
