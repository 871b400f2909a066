/**
 * A float32 recurrent layer's forward pass in the kernels module (assembly/rnn_layer.ts), one call for all L
 * steps instead of two per step (product, then cell) with their copies in and out.
 *
 * The JavaScript side copies the input, the initial state and the weights (unless resident: wasm_heap.ts) into the
 * module's memory, transposes W_hh (and packs it once for batches of more than 4 rows), runs the input projection
 * there (split across threads when large), then the step loop, and copies out the output and the final state. When
 * backward will need them, the activations are written straight into resident storage (`residentSaved`), or copied
 * out where the heap does not take them. Every product and cell kernel gets the arguments the step-by-step driver
 * (rnn_layer.ts) gives it, so both give the same bits; this one is only faster.
 *
 * Module memory from `free` on, byte offsets (a resident operand takes no region):
 *   [x (L,N,In)][W_ih (GH,In)][W_hh (GH,H) staging][W_hhᵀ (H,GH)][W_hhᵀ packed][b_ih][b_hh][h0][c0][lengths]
 *   [acts][hs][cs][hns][out][xp (L,N,GH), unless it is written into acts][per block: hp (rows,GH), …]
 */
import type { FloatArray } from '../../dtype.js';
import { reserve, runJobs, wasmKernels, type Loaded } from './gemm_wasm.js';
import { sgemmInMemory } from './sgemm_wasm.js';
import { releaseResident, residentOffset, residentPrefix, residentZeros } from './wasm_heap.js';
import { JOB_LAYER_STEPS, type PoolJob } from './wasm_threads.js';
import { gemm, WASM_MIN_WORK } from './matmul.js';
import { CELLS, gatesOf } from './rnn_cell_table.js';
import type { LayerForwardResult, LayerSaved, LayerSpec, LayerWeights } from './rnn_layer.js';
import { writeColumns, type Columns } from './columns.js';


const isF32 = (a: unknown): a is Float32Array => a instanceof Float32Array;

/**
 * Layers of at least this many step multiply-adds (L·N·G·H·H) and 16 rows run their rows in blocks on the worker
 * threads too (one dispatch per layer, so the bar is lower than a single product's THREAD_MIN_WORK).
 */
export const LAYER_THREAD_MIN_WORK = 1 << 22;

/** Fills `dst[0, rows·cols)` with `rows` copies of `bias` (cols): log2(rows) large copies. */
export function fillRows(dst: Float32Array | Float64Array, bias: FloatArray, rows: number, cols: number): void {
  const total = rows * cols;
  if (total === 0) return;
  dst.set(bias.subarray(0, cols), 0);
  for (let filled = cols; filled < total; filled *= 2) dst.copyWithin(filled, 0, Math.min(filled, total - filled));
}

/**
 * Whether `recurrentLayerForwardWasm` and `prepareLayerInMemory` take this layer: the module is loaded, the weights are
 * float32, not a projected LSTM or a ReLU RNN, and step products big enough for the WebAssembly sgemm (else the
 * step-by-step driver computes them in JavaScript, with other rounding).
 */
export function layerRunsInWasm(spec: LayerSpec, w: LayerWeights): boolean {
  const GH = gatesOf(spec.mode) * spec.H;
  // (the forward step loop has no relu RNN cell: that layer runs step by step)
  if (spec.mode === 'RNN_RELU' || w.wHr !== null || spec.L === 0 || spec.N * GH * spec.H < WASM_MIN_WORK) return false;
  if (!isF32(w.wIh) || !isF32(w.wHh) || (w.bIh !== null && !isF32(w.bIh)) || (w.bHh !== null && !isF32(w.bHh))) return false;
  return wasmKernels().exports !== null;
}

/** Byte offsets of a layer's buffers in the module's memory (0: absent). */
export interface LayerRegions {
  /** `(L, N, G·H)` every step's activations (with `save`). */
  acts: number;
  /** `(L, N, H)` the state after each step. */
  hs: number;
  /** `(L, N, H)` LSTM cell states. */
  cs: number;
  /** `(L, N, H)` GRU's W_hn·h + b_hn (with `save`). */
  hns: number;
  /** `(L, N, H)` outputs: states at valid steps, zeros at padded ones. */
  out: number;
  /** `(N, H)` the final state (a step of hs), and for LSTM the final cell state (a step of cs). */
  hN: number;
  cN: number;
}

/** A bump allocator over the module's memory from `start` (64-byte aligned regions). */
export class Regions {
  constructor(public end: number) {}
  take(floats: number): number {
    const at = this.end;
    this.end += Math.ceil((floats * 4) / 64) * 64;
    return at;
  }
}

/** Runs step-loop jobs (of one layer, or of several independent ones) at once: one per thread. */
export function runStepJobs(jobs: readonly PoolJob[]): void {
  const m = wasmKernels();
  const ex = m.exports!;
  const steps = ex.recurrentLayerSteps as (...a: readonly number[]) => void;
  if (jobs.length === 1 && jobs[0].args[jobs[0].args.length - 1] === m.work) return steps(...jobs[0].args); // (this thread's)
  // job i runs on thread i (0: this one): it takes that thread's work area (its last argument)
  const works = [m.work, ...m.poolWorks];
  const placed = jobs.map((j, i) => ({ ...j, args: [...j.args.slice(0, -1), works[i]] }));
  runJobs(placed, (j) => steps(...j.args));
}

/** Threads that step-loop jobs can run on at once (1 without worker threads). */
export function stepThreads(): number {
  const m = wasmKernels();
  return m.startPool === null ? 1 : m.poolWorks.length + 1;
}

/**
 * Prepares a layer (`layerRunsInWasm` must hold) on an input already in the module's memory, x `(L, N, In)` float32
 * at byte `xAt`: copies the weights (unless resident) and the initial states in (null: zeros), computes the input
 * projection, and returns the step loop's jobs (one per block of rows) for `runStepJobs` — with the jobs of other
 * layers that do not depend on this one, when all of them together fit the threads. The regions (taken from
 * `regions`; the memory is grown to hold them, null when it cannot) hold the results once the jobs have run; with
 * `keep` (resident storage), what backward needs is written there instead. What a caller already has in the module's
 * memory comes in `given` (byte offsets, 0: not given): the input projection xp `(L, N, G·H)` (token_rows.ts; x is
 * then not read), W_hhᵀ `(H, ldT)` and, for more than 4 rows, W_hhᵀ packed (step_weights.ts).
 */
export function prepareLayerInMemory(
  spec: LayerSpec,
  w: LayerWeights,
  xAt: number,
  h0: FloatArray | null,
  c0: FloatArray | null,
  save: boolean,
  regions: Regions,
  keep: LayerSaved | null = null,
  given: { xp: number; whhT: number; whhPacked: number } = { xp: 0, whhT: 0, whhPacked: 0 },
): { at: LayerRegions; jobs: PoolJob[] } | null {
  const xpAt = given.xp;
  const { mode, L, N, In, H } = spec;
  const { code } = CELLS[mode];
  const GH = gatesOf(mode) * H;
  const m = wasmKernels();
  const ex = m.exports!;
  const wIh = w.wIh as Float32Array;
  const isLstm = mode === 'LSTM';
  const projectInWasm = xpAt === 0 && L * N * GH * In >= WASM_MIN_WORK;
  const ldT = ex.whhTStride(GH); // W_hhᵀ's row stride (floats)
  const r = regions;
  // weights that live in the kernels' memory (a module's parameters do: wasm_heap.ts) are read where they are
  const inPlace = {
    wIh: residentPrefix(wIh, GH * In),
    wHh: residentPrefix(w.wHh, GH * H),
    bIh: w.bIh === null ? -1 : residentPrefix(w.bIh, GH),
    bHh: w.bHh === null ? -1 : residentPrefix(w.bHh, GH),
  };
  const at = {
    wIh: inPlace.wIh >= 0 ? inPlace.wIh : r.take(projectInWasm ? GH * In : 0),
    staging: given.whhT !== 0 || inPlace.wHh >= 0 ? inPlace.wHh : r.take(GH * H),
    whhT: given.whhT !== 0 ? given.whhT : r.take(H * ldT),
    // W_hhᵀ packed once for the step products of blocks of more than 4 rows (smaller ones read it in place)
    whhPacked: given.whhT !== 0 ? given.whhPacked : r.take(N > 4 ? ex.packedBFloats(H, GH) : 0),
    bIh: inPlace.bIh >= 0 ? inPlace.bIh : r.take(w.bIh === null || !projectInWasm ? 0 : GH),
    bHh: inPlace.bHh >= 0 ? inPlace.bHh : r.take(w.bHh === null ? 0 : GH),
    h0: r.take(N * H),
    c0: r.take(isLstm ? N * H : 0),
    lengths: r.take(spec.lengths === null ? 0 : N),
    // with `keep`, what backward needs is written straight into its resident storage
    acts: keep !== null ? residentOffset(keep.acts) : r.take(save ? L * N * GH : 0),
    hs: keep !== null ? residentOffset(keep.hs) : r.take(L * N * H),
    cs: keep?.cs != null ? residentOffset(keep.cs) : r.take(isLstm ? L * N * H : 0),
    hns: keep?.hns != null ? residentOffset(keep.hns) : r.take(mode === 'GRU' && save ? L * N * H : 0),
    out: r.take(L * N * H),
    // The input projection xp (L, N, G·H) is written where the step activations go when they are all kept: each
    // step's cell reads its gate inputs before it writes the activations in their place (assembly/rnn_cells.ts), so
    // the layer needs no region of that size (the largest) for xp.
    xp: 0,
  };
  at.xp = xpAt !== 0 ? xpAt : save ? at.acts : r.take(L * N * GH);
  // Rows are independent: with worker threads, blocks of rows run at once, each with its own scratch.
  const blocks = rowBlocks(m, N, L * N * GH * H);
  const scratch = blocks.map(([, rows]) => ({
    hp: r.take(rows * GH),
    acts: save ? 0 : r.take(rows * GH),
    hns: mode === 'GRU' && !save ? r.take(rows * H) : 0,
  }));
  const mem = reserve(m, ex, r.end);
  if (mem === null) return null;
  const f = (byte: number): number => byte >> 2;

  if (given.whhT === 0) {
    if (inPlace.wHh < 0) mem.set(w.wHh.subarray(0, GH * H), f(at.staging));
    ex.transpose(GH, H, at.staging, at.whhT, ldT);
    if (N > 4) ex.packBAll(0, at.whhT, ldT, H, GH, at.whhPacked);
  }
  if (w.bHh !== null && inPlace.bHh < 0) mem.set(w.bHh.subarray(0, GH), f(at.bHh));
  if (h0 === null) mem.fill(0, f(at.h0), f(at.h0) + N * H);
  else mem.set(h0.subarray(0, N * H), f(at.h0));
  if (isLstm) {
    if (c0 === null) mem.fill(0, f(at.c0), f(at.c0) + N * H);
    else mem.set(c0.subarray(0, N * H), f(at.c0));
  }
  if (spec.lengths !== null) new Int32Array(mem.buffer, at.lengths, N).set(spec.lengths);

  // xp = x · W_ihᵀ + b_ih for all L·N rows: the bias row is the product's beta term (beta = 1), the bits of C
  // filled with it
  const xp = mem.subarray(f(at.xp), f(at.xp) + L * N * GH);
  if (projectInWasm) {
    if (inPlace.wIh < 0) mem.set(wIh.subarray(0, GH * In), f(at.wIh));
    if (w.bIh !== null && inPlace.bIh < 0) mem.set(w.bIh.subarray(0, GH), f(at.bIh));
    sgemmInMemory(m, ex, {
      transA: 0, transB: 1, M: L * N, N: GH, K: In, alpha: 1,
      a: xAt, lda: In, b: at.wIh, ldb: In, beta: w.bIh === null ? 0 : 1, c: at.xp, work: m.work, bias: w.bIh === null ? 0 : at.bIh,
    });
  } else if (xpAt === 0) {
    // (below WASM_MIN_WORK `gemm` stays in JavaScript, so it does not use the module's memory)
    const small = new Float32Array(L * N * GH);
    if (w.bIh !== null) fillRows(small, w.bIh, L * N, GH);
    gemm(false, true, L * N, GH, In, 1, mem.subarray(f(xAt), f(xAt) + L * N * In), wIh, w.bIh === null ? 0 : 1, small);
    xp.set(small);
  }

  const works = [m.work, ...m.poolWorks];
  const jobs = blocks.map(([n0, rows], b): PoolJob => {
    const g = n0 * GH * 4; // byte offset of row n0 in a (·, G·H) step
    const o = n0 * H * 4; // in a (·, H) step
    const own = scratch[b];
    const args = [
      code, L, rows, N, H, spec.reverse ? 1 : 0, save ? 1 : 0,
      at.xp + g, at.whhT, rows > 4 ? at.whhPacked : 0, w.bHh === null ? 0 : at.bHh, at.h0 + o, isLstm ? at.c0 + o : 0,
      spec.lengths === null ? 0 : at.lengths + n0 * 4,
      at.out + o, save ? at.acts + g : own.acts, at.hs + o, isLstm ? at.cs + o : 0,
      mode !== 'GRU' ? 0 : save ? at.hns + o : own.hns, own.hp, works[b],
    ];
    return { kind: JOB_LAYER_STEPS, args, work: L * rows * GH * H };
  });
  const last = (spec.reverse ? 0 : L - 1) * N * H * 4; // the step processed last holds the final state
  const result = { acts: at.acts, hs: at.hs, cs: at.cs, hns: at.hns, out: at.out, hN: at.hs + last, cN: isLstm ? at.cs + last : 0 };
  return { at: result, jobs };
}

/**
 * Forward over all L steps in WebAssembly (copying x in and the results out), or null (nothing done) where
 * `layerRunsInWasm` does not hold or a buffer is not float32.
 * @param x - `(L, N, In)`
 * @param h0 - `(N, H)`
 * @param c0 - `(N, H)` for LSTM, else null
 * @param save - keep every step's activations for backward (`saved`); when false, `saved` holds empty arrays
 * @param into - the output's columns in a wider buffer (written there, and `out` is `into.data`), or null
 */
export function recurrentLayerForwardWasm(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  save: boolean,
  into: Columns | null = null,
): LayerForwardResult | null {
  if (!isF32(x) || !isF32(h0) || (c0 !== null && !isF32(c0)) || !layerRunsInWasm(spec, w)) return null;
  const { mode, L, N, In, H } = spec;
  const keep = save ? residentSaved(spec, h0) : null;
  const m = wasmKernels();
  const regions = new Regions(m.free);
  const xAt = regions.take(L * N * In);
  const mem = reserve(m, m.exports!, regions.end);
  mem?.set(x.subarray(0, L * N * In), xAt >> 2);
  const layer = mem === null ? null : prepareLayerInMemory(spec, w, xAt, h0, c0, save, regions, keep);
  if (layer === null) {
    if (keep !== null) releaseSaved(keep); // (the memory cannot grow: the caller runs the steps in JavaScript)
    return null;
  }
  runStepJobs(layer.jobs);
  const at = layer.at;
  const view = m.view; // (grown by prepareLayerInMemory; the products never grow it)
  const copy = (byte: number, floats: number): Float32Array => view.slice(byte >> 2, (byte >> 2) + floats);
  const S = N * H;
  const isLstm = mode === 'LSTM';
  const none = new Float32Array(0);
  const saved: LayerSaved = keep ?? (save
    ? {
        acts: copy(at.acts, L * N * gatesOf(mode) * H),
        hs: copy(at.hs, L * S),
        cs: isLstm ? copy(at.cs, L * S) : null,
        hcell: null,
        hns: mode === 'GRU' ? copy(at.hns, L * S) : null,
      }
    : { acts: none, hs: none, cs: isLstm ? none : null, hcell: null, hns: mode === 'GRU' ? none : null });
  const out = into === null ? copy(at.out, L * S) : writeColumns(into, view.subarray(at.out >> 2, (at.out >> 2) + L * S), L * N, H);
  return { out, hN: copy(at.hN, S), cN: isLstm ? copy(at.cN, S) : null, saved };
}

/**
 * Resident storage (wasm_heap.ts) for what backward needs of this layer, for the kernel to write in place and
 * backward to read in place; null when the heap does not take it (then both copy, as before). Given back by
 * `releaseSaved` once backward has run.
 */
function residentSaved(spec: LayerSpec, h0: FloatArray): LayerSaved | null {
  const { mode, L, N, H } = spec;
  const S = N * H;
  // hs gets one more step, h0, where it precedes the first step processed: the states before each step are then
  // one contiguous (L, N, H) matrix next to hs, which backward's dW_hh product reads in place
  const sizes = [L * S * gatesOf(mode), (L + 1) * S, mode === 'LSTM' ? L * S : 0, mode === 'GRU' ? L * S : 0];
  const got = sizes.map((n) => (n === 0 ? null : residentZeros(n, true)));
  const storage = got.filter((a): a is Float32Array => a !== null);
  if (storage.length < sizes.filter((n) => n > 0).length) {
    storage.forEach(releaseResident);
    return null;
  }
  const block = got[1]!;
  const h0At = spec.reverse ? L * S : 0;
  block.set(h0.subarray(0, S), h0At);
  const hs = spec.reverse ? block.subarray(0, L * S) : block.subarray(S);
  const hPrev = spec.reverse ? block.subarray(S) : block.subarray(0, L * S);
  return { acts: got[0]!, hs, cs: got[2], hcell: null, hns: got[3], hPrev, storage };
}

/** Gives back the resident storage of `saved` (from the WebAssembly forward pass); plain arrays are left alone. */
export function releaseSaved(saved: LayerSaved): void {
  saved.storage?.forEach(releaseResident);
}

/** Row blocks `[first row, rows]`: one per thread when the layer is large enough, multiples of 4 rows, else one. */
export function rowBlocks(m: Loaded, N: number, work: number): [number, number][] {
  const threads = m.startPool === null || N < 16 || work < LAYER_THREAD_MIN_WORK ? 1 : m.poolWorks.length + 1;
  const count = Math.max(1, Math.min(threads, Math.floor(N / 8)));
  const per = Math.ceil(N / count / 4) * 4;
  const blocks: [number, number][] = [];
  for (let n0 = 0; n0 < N; n0 += per) blocks.push([n0, Math.min(per, N - n0)]);
  return blocks;
}

