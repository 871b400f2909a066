/**
 * A float32 recurrent layer's forward pass in the kernels module (assembly/rnn_layer.ts), one call for all L
 * steps instead of two per step (product, then cell) with their copies in and out.
 *
 * The JavaScript side copies the input, the weights (W_hh transposed once, as `withResidentOperands` keeps it),
 * the bias and the initial state into the module's memory, runs the input projection there (split across threads
 * when large), then the step loop, and copies out the output, the final state and, when backward will need them,
 * the saved activations. Every product and cell kernel gets the arguments the step-by-step driver
 * (rnn_layer.ts) gives it, so both give the same bits; this one is only faster.
 *
 * Module memory from `free` on, byte offsets:
 *   [x (L,N,In)][W_ih (GH,In)][W_hh (GH,H) staging][W_hhᵀ (H,GH)][b_hh][h0][c0][lengths][xp (L,N,GH)]
 *   [acts][hs][cs][hns][out][hp (N,GH)]
 */
import type { FloatArray } from '../../dtype.js';
import { reserve, runJobs, sgemmInMemory, wasmKernels, type KernelExports, type Loaded } from './gemm_wasm.js';
import { JOB_LAYER_STEPS, type PoolJob } from './wasm_threads.js';
import { gemm, WASM_MIN_WORK } from './matmul.js';
import type { CellMode } from './rnn_cells.js';
import type { LayerForwardResult, LayerSaved, LayerSpec, LayerWeights } from './rnn_layer.js';

/** Cell kinds as assembly/rnn_layer.ts numbers them; a mode not listed runs step by step. */
const MODE_CODES: Partial<Record<CellMode, number>> = { LSTM: 0, GRU: 1, RNN_TANH: 2 };
const GATES: Record<CellMode, number> = { LSTM: 4, GRU: 3, RNN_TANH: 1, RNN_RELU: 1 };

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
 * Forward over all L steps in WebAssembly, or null (nothing done) where it does not apply: the module is not
 * loaded, a buffer is not float32, a projected LSTM, a ReLU RNN, or step products too small for the WebAssembly
 * sgemm (the step-by-step driver then computes them in JavaScript, with other rounding).
 * @param x - `(L, N, In)`
 * @param h0 - `(N, H)`
 * @param c0 - `(N, H)` for LSTM, else null
 * @param save - keep every step's activations for backward (`saved`); when false, `saved` holds empty arrays
 */
export function recurrentLayerForwardWasm(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  save: boolean,
): LayerForwardResult | null {
  const { mode, L, N, In, H } = spec;
  const code = MODE_CODES[mode];
  const GH = GATES[mode] * H;
  if (code === undefined || w.wHr !== null || L === 0 || N * GH * H < WASM_MIN_WORK) return null;
  if (!isF32(x) || !isF32(h0) || !isF32(w.wIh) || !isF32(w.wHh) || (c0 !== null && !isF32(c0))) return null;
  if ((w.bIh !== null && !isF32(w.bIh)) || (w.bHh !== null && !isF32(w.bHh))) return null;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return null;

  const projectInWasm = L * N * GH * In >= WASM_MIN_WORK;
  let end = m.free;
  const region = (floats: number): number => {
    const at = end;
    end += Math.ceil((floats * 4) / 64) * 64;
    return at;
  };
  const isLstm = mode === 'LSTM';
  const at = {
    x: region(projectInWasm ? L * N * In : 0),
    wIh: region(projectInWasm ? GH * In : 0),
    staging: region(GH * H),
    whhT: region(GH * H),
    bHh: region(w.bHh === null ? 0 : GH),
    h0: region(N * H),
    c0: region(isLstm ? N * H : 0),
    lengths: region(spec.lengths === null ? 0 : N),
    xp: region(L * N * GH),
    acts: region(save ? L * N * GH : 0),
    hs: region(L * N * H),
    cs: region(isLstm ? L * N * H : 0),
    hns: region(mode === 'GRU' && save ? L * N * H : 0),
    out: region(L * N * H),
  };
  // Rows are independent: with worker threads, blocks of rows run at once, each with its own scratch.
  const blocks = rowBlocks(m, N, L * N * GH * H);
  const scratch = blocks.map(([, rows]) => ({
    hp: region(rows * GH),
    acts: save ? 0 : region(rows * GH),
    hns: mode === 'GRU' && !save ? region(rows * H) : 0,
  }));
  const mem = reserve(m, ex, end);
  if (mem === null) return null;
  const f = (byte: number): number => byte >> 2;

  mem.set(w.wHh.subarray(0, GH * H), f(at.staging));
  ex.transpose(GH, H, at.staging, at.whhT);
  if (w.bHh !== null) mem.set(w.bHh.subarray(0, GH), f(at.bHh));
  mem.set(h0.subarray(0, N * H), f(at.h0));
  if (c0 !== null) mem.set(c0.subarray(0, N * H), f(at.c0));
  if (spec.lengths !== null) new Int32Array(mem.buffer, at.lengths, N).set(spec.lengths);

  // xp = x · W_ihᵀ + b_ih for all L·N rows: the bias fills C, the product adds into it (beta = 1)
  const xp = mem.subarray(f(at.xp), f(at.xp) + L * N * GH);
  if (w.bIh !== null) fillRows(xp, w.bIh, L * N, GH);
  if (projectInWasm) {
    mem.set(x.subarray(0, L * N * In), f(at.x));
    mem.set(w.wIh.subarray(0, GH * In), f(at.wIh));
    sgemmInMemory(m, ex, {
      transA: 0, transB: 1, M: L * N, N: GH, K: In, alpha: 1,
      a: at.x, lda: In, b: at.wIh, ldb: In, beta: w.bIh === null ? 0 : 1, c: at.xp, work: m.work,
    });
  } else {
    const small = new Float32Array(L * N * GH);
    if (w.bIh !== null) small.set(xp);
    gemm(false, true, L * N, GH, In, 1, x, w.wIh, w.bIh === null ? 0 : 1, small);
    xp.set(small);
  }

  const works = [m.work, ...m.poolWorks];
  const jobs = blocks.map(([n0, rows], b): PoolJob => {
    const g = n0 * GH * 4; // byte offset of row n0 in a (·, G·H) step
    const r = n0 * H * 4; // in a (·, H) step
    const own = scratch[b];
    const args = [
      code, L, rows, N, H, spec.reverse ? 1 : 0, save ? 1 : 0,
      at.xp + g, at.whhT, w.bHh === null ? 0 : at.bHh, at.h0 + r, isLstm ? at.c0 + r : 0,
      spec.lengths === null ? 0 : at.lengths + n0 * 4,
      at.out + r, save ? at.acts + g : own.acts, at.hs + r, isLstm ? at.cs + r : 0,
      mode !== 'GRU' ? 0 : save ? at.hns + r : own.hns, own.hp, works[b],
    ];
    return { kind: JOB_LAYER_STEPS, args, work: L * rows * GH * H };
  });
  runSteps(ex, jobs);

  const view = m.view; // (the products above never grow the memory)
  const copy = (byte: number, floats: number): Float32Array => view.slice(f(byte), f(byte) + floats);
  const last = spec.reverse ? 0 : L - 1; // the step processed last holds the final state
  const S = N * H;
  const none = new Float32Array(0);
  const keep: LayerSaved = save
    ? {
        acts: copy(at.acts, L * N * GH),
        hs: copy(at.hs, L * S),
        cs: isLstm ? copy(at.cs, L * S) : null,
        hcell: null,
        hns: mode === 'GRU' ? copy(at.hns, L * S) : null,
      }
    : { acts: none, hs: none, cs: isLstm ? none : null, hcell: null, hns: mode === 'GRU' ? none : null };
  return {
    out: copy(at.out, L * S),
    hN: copy(at.hs + last * S * 4, S),
    cN: isLstm ? copy(at.cs + last * S * 4, S) : null,
    saved: keep,
  };
}

/** Row blocks `[first row, rows]`: one per thread when the layer is large enough, multiples of 4 rows, else one. */
function rowBlocks(m: Loaded, N: number, work: number): [number, number][] {
  const threads = m.startPool === null || N < 16 || work < LAYER_THREAD_MIN_WORK ? 1 : m.poolWorks.length + 1;
  const count = Math.max(1, Math.min(threads, Math.floor(N / 8)));
  const per = Math.ceil(N / count / 4) * 4;
  const blocks: [number, number][] = [];
  for (let n0 = 0; n0 < N; n0 += per) blocks.push([n0, Math.min(per, N - n0)]);
  return blocks;
}

/** Runs the blocks' step loops, on the worker threads too when there are several. */
function runSteps(ex: KernelExports, jobs: readonly PoolJob[]): void {
  runJobs(jobs, (j) => (ex.recurrentLayerSteps as (...a: readonly number[]) => void)(...j.args));
}
