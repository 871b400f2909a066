/**
 * The fused recurrent layer: one layer, one direction, the whole sequence, with hand-written BPTT.
 * This is the training path of nn.RNN / nn.LSTM / nn.GRU; the cell-by-cell composition of ops is its test oracle.
 */
import { defineSparseMultiOp, willRecord } from '../autograd/define_op.js';
import { Tensor } from '../autograd/tensor.js';
import { allocate, type FloatArray } from '../dtype.js';
import { recurrentLayerBackward, recurrentLayerForward, type LayerGrads, type LayerSpec, type LayerWeights } from '../kernels/cpu/rnn_layer.js';
import { releaseSaved } from '../kernels/cpu/rnn_layer_wasm.js';
import { gatesOf } from '../kernels/cpu/rnn_cell_table.js';
import type { CellMode } from '../kernels/cpu/rnn_cells.js';
import { fmtShape, ShapeError } from '../shape.js';

export type { CellMode } from '../kernels/cpu/rnn_cells.js';

export interface RecurrentLayerOptions {
  mode: CellMode;
  /** Process time steps from last valid to first. */
  reverse: boolean;
  /** Valid steps per batch row (1..L), or null for all L. */
  lengths: Int32Array | null;
  /** Return the output batch-first, `(N, L, Hout)`, written in that order (no transpose afterwards). */
  batchFirst?: boolean;
}

/** Layer weights; biases are null without bias, `wHr` null unless a projected LSTM. */
export interface RecurrentLayerWeights {
  wIh: Tensor;
  wHh: Tensor;
  bIh: Tensor | null;
  bHh: Tensor | null;
  wHr: Tensor | null;
}

/**
 * Runs one recurrent layer over a sequence.
 * @param x - `(L, N, In)`
 * @param h0 - `(N, Hout)`
 * @param c0 - `(N, H)` for LSTM, else null
 * @param w - `wIh (G·H, In)`, `wHh (G·H, Hout)`, `bIh`, `bHh (G·H)`, `wHr (Hout, H)`
 * @returns `[output (L, N, Hout) — (N, L, Hout) with opts.batchFirst —, hN (N, Hout), cN (N, H)]` (cN only for LSTM)
 * @remarks Backward is BPTT through the saved gate activations and states (see kernels/cpu/rnn_layer_backward.ts).
 */
export function recurrentLayer(x: Tensor, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights, opts: RecurrentLayerOptions): Tensor[] {
  const params = [w.wIh, w.wHh, w.bIh, w.bHh, w.wHr].filter((p): p is Tensor => p !== null);
  const states = c0 === null ? [h0] : [h0, c0];
  return layerOp(x, states, params, w, opts);
}

const layerOp = defineSparseMultiOp(
  'recurrent_layer',
  (x: Tensor, states: Tensor[], params: Tensor[], w: RecurrentLayerWeights, opts: RecurrentLayerOptions) => {
    const spec = specOf(x, states[0], states[1] ?? null, w, opts);
    const weights = weightArrays(w);
    const xd = x.data as FloatArray;
    const h0 = states[0].data as FloatArray;
    const c0 = (states[1]?.data ?? null) as FloatArray | null;
    const { L, N, Hout } = spec;
    // a batch-first output is written in that order: its rows as columns of (N, L, Hout) (kernels/cpu/columns.ts)
    const order = opts.batchFirst === true ? { batchFirst: { L, N } } : {};
    const into = opts.batchFirst === true ? { data: allocate(x.dtype, L * N * Hout) as FloatArray, ld: Hout, offset: 0, ...order } : null;
    const r = recurrentLayerForward(spec, weights, xd, h0, c0, willRecord(), into);
    const out = [new Tensor(r.out, opts.batchFirst === true ? [N, L, Hout] : [L, N, Hout]), new Tensor(r.hN, [N, Hout])];
    if (r.cN !== null) out.push(new Tensor(r.cN, [spec.N, spec.H]));
    // Saves the gate activations and states of every step (r.saved), plus the inputs themselves; nothing else.
    // The WebAssembly path keeps r.saved in the kernels' memory: given back as soon as backward has used it.
    const saved = willRecord() ? r.saved : null; // (without a graph, the WebAssembly path saved nothing)
    return {
      out,
      release: () => {
        if (saved !== null) releaseSaved(saved);
      },
      backward: (douts: (Tensor | null)[], _needs: boolean[], retained: boolean) => {
        // (null: no gradient reached that output; the kernels read zeros)
        const d0 = (douts[0]?.data ?? null) as FloatArray | null;
        const dOut = d0 === null || opts.batchFirst !== true ? d0 : { data: d0, ld: Hout, offset: 0, ...order };
        const zeros = (n: number): FloatArray => allocate(x.dtype, n) as FloatArray;
        const g = recurrentLayerBackward(
          spec,
          weights,
          xd,
          h0,
          c0,
          saved!,
          dOut,
          (douts[1]?.data ?? zeros(N * Hout)) as FloatArray,
          spec.mode === 'LSTM' ? ((douts[2]?.data ?? zeros(N * spec.H)) as FloatArray) : null,
          !retained, // (freed after this pass: backward may write over the saved activations)
        );
        const grads = layerGradTensors(g, states[0], states[1] ?? null, w);
        return [new Tensor(g.dx, x.shape), ...grads.states, ...grads.params];
      },
    };
  },
);

/**
 * A layer's gradients as tensors, in the order of the op's inputs: the initial states' (h0, then c0 when there is
 * one), then the present weights' (wIh, wHh, bIh, bHh, wHr).
 */
export function layerGradTensors(g: LayerGrads, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights): { states: Tensor[]; params: Tensor[] } {
  const states = [new Tensor(g.dh0, h0.shape), ...(c0 === null ? [] : [new Tensor(g.dc0!, c0.shape)])];
  const pairs: [Tensor | null, FloatArray | null][] = [
    [w.wIh, g.dWih],
    [w.wHh, g.dWhh],
    [w.bIh, g.dbIh],
    [w.bHh, g.dbHh],
    [w.wHr, g.dWhr],
  ];
  const params = pairs.flatMap(([p, d]) => (p === null ? [] : [new Tensor(d!, p.shape)]));
  return { states, params };
}

/** The weights' storage, as the kernels take it. */
export function weightArrays(w: RecurrentLayerWeights): LayerWeights {
  return {
    wIh: w.wIh.data as FloatArray,
    wHh: w.wHh.data as FloatArray,
    bIh: (w.bIh?.data ?? null) as FloatArray | null,
    bHh: (w.bHh?.data ?? null) as FloatArray | null,
    wHr: (w.wHr?.data ?? null) as FloatArray | null,
  };
}

/** The layer's sizes from its input, initial states and weights, every shape and dtype checked. */
export function specOf(x: Tensor, h0: Tensor, c0: Tensor | null, w: RecurrentLayerWeights, opts: RecurrentLayerOptions): LayerSpec {
  const what = `recurrent layer (${opts.mode})`;
  if (x.ndim !== 3) throw new ShapeError(`${what}: input must be (L, N, In), got shape ${fmtShape(x.shape)}`);
  const [L, N, In] = x.shape;
  const G = gatesOf(opts.mode);
  const H = w.wIh.shape[0] / G;
  const Hout = w.wHr === null ? H : w.wHr.shape[0];
  if (w.wIh.shape[1] !== In) {
    throw new ShapeError(`${what}: input has In=${In} features, weight_ih expects ${w.wIh.shape[1]} (input shape ${fmtShape(x.shape)})`);
  }
  if (h0.shape[0] !== N || h0.shape[1] !== Hout) {
    throw new ShapeError(`${what}: h0 has shape ${fmtShape(h0.shape)}, expected [${N}, ${Hout}] (N, Hout)`);
  }
  if (c0 !== null && (c0.shape[0] !== N || c0.shape[1] !== H)) {
    throw new ShapeError(`${what}: c0 has shape ${fmtShape(c0.shape)}, expected [${N}, ${H}] (N, H)`);
  }
  for (const t of [h0, c0, w.wIh, w.wHh, w.bIh, w.bHh, w.wHr]) {
    if (t !== null && t.dtype !== x.dtype) throw new TypeError(`${what}: all tensors must be ${x.dtype}, found ${t.dtype}`);
  }
  if (opts.lengths !== null && opts.lengths.length !== N) {
    throw new ShapeError(`${what}: lengths has ${opts.lengths.length} entries, expected N=${N}`);
  }
  return { mode: opts.mode, L, N, In, H, Hout, reverse: opts.reverse, lengths: opts.lengths };
}
