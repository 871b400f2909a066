/**
 * Inference of embedding → recurrent layers (both directions) → pooling over the valid steps, in the kernels
 * module's memory: the embedded input, every direction's projections, states and outputs stay there, and only the
 * pooled features `(N, D·H)` come out. No tensors, no graph, almost no allocation (allocating typed arrays is what
 * a small model's forward pass otherwise spends most of its time on).
 *
 * The same kernels run with the same arguments as in the module path (embedding, transpose to time-major, the
 * recurrent layer op, maskedFill + max / sum ÷ length / the final state, concatenation), so the pooled features
 * are the same bits.
 */
import type { FloatArray } from '../../dtype.js';
import { reserve, wasmKernels } from './gemm_wasm.js';
import { residentOffset } from './wasm_heap.js';
import type { CellMode } from './rnn_cells.js';
import type { LayerSpec, LayerWeights } from './rnn_layer.js';
import { LAYER_THREAD_MIN_WORK, layerRunsInWasm, prepareLayerInMemory, Regions, runStepJobs, stepThreads, type LayerRegions } from './rnn_layer_wasm.js';
import { cachedTokenRows, projectTokens, tokenScratch } from './token_rows.js';
import { cachedStepWeights } from './step_weights.js';
import { gatesOf } from './rnn_cell_table.js';
import { WASM_MIN_WORK } from './matmul.js';

export type Pooling = 'max' | 'mean' | 'last';

export interface EmbedRecurrentPoolArgs {
  /** `(N, L)` token ids, batch-first, row-major. */
  ids: Int32Array;
  N: number;
  L: number;
  /** Valid steps per row (1..L), or null for all L. */
  lengths: Int32Array | null;
  /** `(V, E)` float32 embedding table. */
  table: FloatArray;
  E: number;
  mode: CellMode;
  H: number;
  /** Each layer's weights per direction (forward, then reverse); layer k > 0 reads layer k − 1's `(L, N, D·H)`. */
  layers: readonly (readonly LayerWeights[])[];
  pooling: Pooling;
}

/**
 * Pooled features `(N, D·H)` (direction d in columns d·H…(d+1)·H), or null (nothing done) where the layers do not
 * run in WebAssembly (see `layerRunsInWasm`) or the memory cannot grow. Ids must be in range (checked by the caller).
 */
export function embedRecurrentPoolWasm(a: EmbedRecurrentPoolArgs): Float32Array | null {
  const { ids, N, L, lengths, table, E, mode, H, layers, pooling } = a;
  if (!(table instanceof Float32Array)) return null;
  const D = layers[0].length;
  const specs: LayerSpec[][] = layers.map((dirs, k) =>
    dirs.map((_, d) => ({ mode, L, N, In: k === 0 ? E : D * H, H, Hout: H, reverse: d === 1, lengths })),
  );
  if (!specs.every((dirs, k) => dirs.every((s, d) => layerRunsInWasm(s, layers[k][d])))) return null;
  const m = wasmKernels();
  const ex = m.exports!;
  const tableAt = residentOffset(table);
  const GH = gatesOf(mode) * H;
  // The first layer's projection from the cache of token rows (token_rows.ts), and each layer's W_hhᵀ from its cache
  // (step_weights.ts), both taken before the regions (the heap may grow). Token rows only where the layer's own
  // product would run in the kernels too (below WASM_MIN_WORK it runs in JavaScript, with other rounding).
  const tokens = tableAt >= 0 && L * N * GH * E >= WASM_MIN_WORK
    ? cachedTokenRows(table, table.length / E, E, layers[0].map((w) => w.wIh as Float32Array), layers[0].map((w) => w.bIh as Float32Array | null), GH)
    : null;
  const steps = layers.map((dirs) => dirs.map((w) => cachedStepWeights(w.wHh as Float32Array, GH, H, N > 4)));
  const regions = new Regions(m.free);
  let xAt = regions.take(tokens === null ? L * N * E : 0);
  const xpAt = tokens === null ? [] : layers[0].map(() => regions.take(L * N * GH));
  const scratch = tokens === null ? null : tokenScratch(tokens, L, N, E, regions);
  const idsAt = regions.take(tableAt >= 0 ? N * L : 0);
  const lengthsAt = regions.take(lengths === null ? 0 : N);
  const mem = reserve(m, ex, regions.end);
  if (mem === null) return null;
  if (tableAt >= 0) new Int32Array(mem.buffer, idsAt, N * L).set(ids.subarray(0, N * L));
  // x (L, N, E) time-major: row (t, n) is table row ids[n, t] (copied in the kernels when the table lives there);
  // or straight to the first layer's projections
  if (tokens !== null) {
    projectTokens(tokens, L, N, idsAt, E, tableAt, GH, xpAt[0], D > 1 ? xpAt[1] : 0, scratch!);
  } else if (tableAt >= 0) {
    ex.gatherRows(L, N, E, idsAt, tableAt, xAt);
  } else {
    for (let t = 0; t < L; t++) {
      for (let n = 0; n < N; n++) {
        const row = ids[n * L + t] * E;
        mem.set(table.subarray(row, row + E), (xAt >> 2) + (t * N + n) * E);
      }
    }
  }
  if (lengths !== null) new Int32Array(mem.buffer, lengthsAt, N).set(lengths);
  let outs: LayerRegions[] = [];
  for (let k = 0; k < layers.length; k++) {
    if (k > 0) xAt = concatDirections(m, outs, regions, L * N, H); // the next layer's input, as cat(outs, 2)
    if (xAt < 0) return null;
    // The directions are independent: their step loops run at once when their jobs fit the threads (a short batch
    // has one job per direction) and are worth waking a worker for (measured: a single sentence's two directions,
    // 0.5M multiply-adds each, ran 2× slower that way on a busy machine), else one after the other.
    const prepared = [];
    for (let d = 0; d < D; d++) {
      const step = steps[k][d];
      const given = { xp: k === 0 && tokens !== null ? xpAt[d] : 0, whhT: step?.whhT ?? 0, whhPacked: step?.packed ?? 0 };
      const layer = prepareLayerInMemory(specs[k][d], layers[k][d], xAt, null, null, false, regions, null, given);
      if (layer === null) return null;
      prepared.push(layer);
    }
    const jobs = prepared.flatMap((p) => p.jobs);
    const work = jobs.reduce((sum, j) => sum + j.work, 0);
    if (jobs.length <= stepThreads() && work >= LAYER_THREAD_MIN_WORK) runStepJobs(jobs);
    else for (const p of prepared) runStepJobs(p.jobs);
    outs = prepared.map((p) => p.at);
  }
  if (pooling === 'last') {
    const pooled = new Float32Array(N * D * H);
    const view = m.view; // (grown by prepareLayerInMemory)
    for (let n = 0; n < N; n++) {
      for (let d = 0; d < D; d++) {
        const from = (outs[d].hN >> 2) + n * H;
        pooled.set(view.subarray(from, from + H), (n * D + d) * H);
      }
    }
    return pooled;
  }
  const pooledAt = regions.take(N * D * H);
  const view = reserve(m, ex, regions.end);
  if (view === null) return null;
  const lens = lengths === null ? 0 : lengthsAt;
  outs.forEach((at, d) => ex.poolSteps(pooling === 'max' ? POOL_MAX : POOL_MEAN, L, N, H, D, d, at.out, lens, pooledAt));
  return view.slice(pooledAt >> 2, (pooledAt >> 2) + N * D * H);
}

/** Pooling kinds of the `poolSteps` kernel (assembly/pool.ts). */
const POOL_MAX = 0;
const POOL_MEAN = 1;

/** The directions' outputs (rows, H) side by side as (rows, D·H) in a new region; its offset, or −1 (no memory). */
function concatDirections(m: ReturnType<typeof wasmKernels>, outs: readonly LayerRegions[], regions: Regions, rows: number, H: number): number {
  const D = outs.length;
  const at = regions.take(rows * D * H);
  const view = reserve(m, m.exports!, regions.end);
  if (view === null) return -1;
  for (let r = 0; r < rows; r++) {
    for (let d = 0; d < D; d++) view.copyWithin((at >> 2) + (r * D + d) * H, (outs[d].out >> 2) + r * H, (outs[d].out >> 2) + (r + 1) * H);
  }
  return at;
}
