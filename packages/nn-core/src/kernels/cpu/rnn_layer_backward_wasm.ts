/**
 * Float32 BPTT of one layer (rnn_layer_backward.ts) run in the WebAssembly kernels' memory from start to end. The
 * saved activations and states, the output gradient, x and the weights are copied in once; every step runs three
 * kernels in place (total hidden gradient, the cell's backward step, dh_prev += dHp_t·W_hh); the weight and input
 * gradients are products over the gate gradients where the steps left them; only the results are copied out.
 * Driven step by step from JavaScript, each step's operands went in and out of the module several times, and the
 * gate gradients of all steps once more for the products.
 *
 * Same kernels, same arguments, same order as the step-by-step path (`recurrentLayerBackwardStepwise`), so the same
 * bits at any thread count. Not for a projected LSTM, float64, or sizes where the gemm would leave a product to
 * JavaScript (fewer than WASM_MIN_WORK multiply-adds): the step-by-step path serves those.
 */
import type { FloatArray } from '../../dtype.js';
import { reserve, runJobs, wasmKernels } from './gemm_wasm.js';
import { sgemmInMemory } from './sgemm_wasm.js';
import { rowBlocks } from './rnn_layer_wasm.js';
import { JOB_LAYER_BACKWARD, type PoolJob } from './wasm_threads.js';
import { releaseScratch, residentOffset, residentScratch } from './wasm_heap.js';
import { WASM_MIN_WORK } from './matmul.js';
import { CELLS } from './rnn_cell_table.js';
import { type LayerSaved, type LayerSpec, type LayerWeights } from './rnn_layer.js';
import { stateBefore, type LayerGrads } from './rnn_layer_backward.js';
import { rowStart, type Columns } from './columns.js';

/** Bytes per float: the kernels take byte offsets. */
const B = 4;

/**
 * The layer's gradients, or null when this path does not apply (nothing was written). With `consumeSaved` (the graph
 * is freed after this pass) the gate gradients are written over the saved activations where they live in the
 * kernels' memory; a copy of the activations (saved in JavaScript memory) is always written over.
 */
export function recurrentLayerBackwardWasm(
  spec: LayerSpec,
  w: LayerWeights,
  x: FloatArray,
  h0: FloatArray,
  c0: FloatArray | null,
  saved: LayerSaved,
  dOut: FloatArray | Columns | null,
  dhN: FloatArray,
  dcN: FloatArray | null,
  consumeSaved = false,
  dxInto: FloatArray | null = null,
): LayerGrads | null {
  const { mode, L, N, In, H } = spec;
  const cell = CELLS[mode];
  const GH = cell.gates * H;
  const R = L * N;
  const dOutData = dOut === null || !('ld' in dOut) ? dOut : dOut.data;
  const operands = [w.wIh, w.wHh, w.bIh, w.bHh, x, h0, c0, saved.acts, saved.hs, saved.cs, saved.hns, dOutData, dhN, dcN, dxInto];
  if (w.wHr !== null || !operands.every((a) => a === null || a instanceof Float32Array)) return null;
  // every product on the WebAssembly sgemm, as `gemm` would send it: the step product, dW_ih (= dx's), dW_hh, Σ rows
  if (Math.min(N * H * GH, GH * In * R, GH * R) < WASM_MIN_WORK) return null;
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return null;
  const [withC, withHn, ownHp] = [cell.saves.c, cell.saves.hn, cell.ownHiddenGrad];
  // dx, dW_ih and dW_hh are written straight into scratch storage the autograd engine gives back once used
  // (allocated first: the heap may grow over the per-call regions)
  const direct = { dx: dxInto === null ? residentScratch(R * In) : null, dWih: residentScratch(GH * In), dWhh: residentScratch(GH * H) };
  const floatAt = (a: Float32Array | null): number => (a === null ? -1 : residentOffset(a) >> 2);
  // Regions of the module memory (float indices), each 64-byte aligned, from the first free byte on.
  let end = m.free >> 2;
  const region = (n: number): number => {
    const at = end;
    end = Math.ceil((end + n) / 16) * 16;
    return at;
  };
  // saved activations the forward pass wrote into resident storage (rnn_layer_wasm.ts) are read where they are,
  const inPlace = (a: FloatArray | null, n: number): number => (a instanceof Float32Array && a.length >= n ? residentOffset(a.subarray(0, n)) >> 2 : -1);
  // and so are resident weights (a module's parameters: wasm_heap.ts)
  const resident = {
    acts: inPlace(saved.acts, R * GH), hns: inPlace(saved.hns, R * H), cs: inPlace(saved.cs, R * H), hPrev: inPlace(saved.hPrev ?? null, R * H),
    wIh: inPlace(w.wIh, GH * In), wHh: inPlace(w.wHh, GH * H),
  };
  const at = {
    wIh: resident.wIh >= 0 ? resident.wIh : region(GH * In), wHh: resident.wHh >= 0 ? resident.wHh : region(GH * H), x: region(R * In), acts: resident.acts >= 0 ? resident.acts : region(R * GH),
    hPrev: resident.hPrev >= 0 ? resident.hPrev : region(R * H), dOut: region(R * H), dxp: -1, dhp: ownHp ? region(R * GH) : -1,
    hns: !withHn ? -1 : resident.hns >= 0 ? resident.hns : region(R * H),
    cs: !withC ? -1 : resident.cs >= 0 ? resident.cs : region(R * H), c0: withC ? region(N * H) : -1, tot: region(N * H), dh: region(N * H),
    dhNext: region(N * H), dc: withC ? region(N * H) : -1, dcNext: withC ? region(N * H) : -1, ones: region(R),
    lengths: spec.lengths === null ? -1 : region(N),
    dWih: direct.dWih !== null ? floatAt(direct.dWih) : region(GH * In), dWhh: direct.dWhh !== null ? floatAt(direct.dWhh) : region(GH * H),
    dbIh: region(GH), dbHh: region(GH),
    // W_hh packed once for the steps' dh_prev products (of more than 4 rows; smaller ones read it in place)
    wHhPacked: N > 4 ? region(ex.packedBFloats(GH, H)) : -1,
  };
  // The gate gradients of step t (dxp) go where its activations are: the cell reads a step's activations before it
  // writes their gradients (assembly/rnn_cells.ts), nothing reads them afterwards, and the products below need dxp,
  // not the activations. Saved activations that live in the kernels' memory are written over only when nothing
  // reads them again; a copy made here always is.
  at.dxp = resident.acts < 0 || consumeSaved ? at.acts : region(R * GH);
  const mem = reserve(m, ex, end * 4);
  if (mem === null) {
    for (const a of Object.values(direct)) if (a !== null) releaseScratch(a);
    return null;
  }
  const put = (a: FloatArray, to: number, n: number): void => mem.set((a as Float32Array).subarray(0, n), to);
  if (resident.wIh < 0) put(w.wIh, at.wIh, GH * In);
  if (resident.wHh < 0) put(w.wHh, at.wHh, GH * H);
  put(x, at.x, R * In);
  if (resident.acts < 0) put(saved.acts, at.acts, R * GH);
  if (resident.hPrev < 0) for (let t = 0; t < L; t++) put(stateBefore(spec, saved.hs, h0, t, H), at.hPrev + t * N * H, N * H);
  if (dOut === null) mem.fill(0, at.dOut, at.dOut + R * H);
  else if ('ld' in dOut) for (let r = 0; r < R; r++) put(dOut.data.subarray(rowStart(dOut, r)), at.dOut + r * H, H);
  else put(dOut, at.dOut, R * H);
  put(dhN, at.dh, N * H);
  if (withHn && resident.hns < 0) put(saved.hns!, at.hns, R * H);
  if (withC) {
    if (resident.cs < 0) put(saved.cs!, at.cs, R * H);
    put(c0!, at.c0, N * H);
    put(dcN!, at.dc, N * H);
  }
  if (spec.lengths !== null) new Int32Array(mem.buffer, at.lengths * B, N).set(spec.lengths);
  if (at.wHhPacked >= 0) ex.packBAll(0, at.wHh * B, H, GH, H, at.wHhPacked * B);
  const [dh, dc] = runSteps(spec, at);
  // the weight and input gradients, as weightGrads computes them (rnn_layer_backward.ts)
  const dhp = ownHp ? at.dhp : at.dxp;
  const product = (transA: number, M: number, Nc: number, K: number, a: number, lda: number, b: number, ldb: number, c: number): void =>
    sgemmInMemory(m, ex, { transA, transB: 0, M, N: Nc, K, alpha: 1, a: a * B, lda, b: b * B, ldb, beta: 0, c: c * B, work: m.work });
  product(1, GH, In, R, at.dxp, GH, at.x, In, at.dWih);
  const dxAt = direct.dx !== null ? floatAt(direct.dx) : at.x; // (else x's last use was just above: dx takes its place)
  product(0, R, In, GH, at.dxp, GH, at.wIh, In, dxAt);
  product(1, GH, H, R, dhp, GH, at.hPrev, H, at.dWhh);
  // (as weightGrads: the h-part's bias gradient is dbIh's copy unless that part has its own gradient)
  const ownHBias = ownHp || w.bIh === null;
  if (w.bIh !== null || w.bHh !== null) mem.fill(1, at.ones, at.ones + R);
  if (w.bIh !== null) product(0, 1, GH, R, at.ones, R, at.dxp, GH, at.dbIh);
  if (w.bHh !== null && ownHBias) product(0, 1, GH, R, at.ones, R, dhp, GH, at.dbHh);
  const take = (from: number, n: number): Float32Array => {
    const a = new Float32Array(n);
    a.set(mem.subarray(from, from + n));
    return a;
  };
  const dbIh = w.bIh === null ? null : take(at.dbIh, GH);
  const dbHh = w.bHh === null ? null : ownHBias ? take(at.dbHh, GH) : dbIh!.slice();
  const addInto = (dst: FloatArray): FloatArray => {
    for (let i = 0; i < R * In; i++) dst[i] += mem[dxAt + i];
    return dst;
  };
  return {
    dx: dxInto !== null ? addInto(dxInto) : (direct.dx ?? take(dxAt, R * In)), dh0: take(dh, N * H), dc0: withC ? take(dc, N * H) : null,
    dWih: direct.dWih ?? take(at.dWih, GH * In), dWhh: direct.dWhh ?? take(at.dWhh, GH * H), dbIh, dbHh, dWhr: null,
  };
}

/**
 * The steps from last to first on the regions `at` (float indices), in the kernels: one call per block of rows,
 * the blocks on the worker threads at once when the layer is large enough (rows are independent; same bits at any
 * thread count). Returns where dL/dh0 and dL/dc0 ended up.
 */
function runSteps(spec: LayerSpec, at: Record<string, number>): [number, number] {
  const { mode, L, N, H } = spec;
  const cell = CELLS[mode];
  const GH = cell.gates * H;
  const m = wasmKernels();
  const ex = m.exports!;
  const works = [m.work, ...m.poolWorks];
  const opt = (floatAt: number, offset: number): number => (floatAt < 0 ? 0 : (floatAt + offset) * B);
  const jobs = rowBlocks(m, N, L * N * GH * H).map(([n0, rows], b): PoolJob => {
    const [g, h] = [n0 * GH, n0 * H];
    const args = [
      cell.code, L, rows, N, H, spec.reverse ? 1 : 0,
      opt(at.acts, g), opt(at.hPrev, h), opt(at.cs, h), opt(at.c0, h), opt(at.hns, h), opt(at.dOut, h), opt(at.lengths, n0),
      opt(at.dxp, g), opt(cell.ownHiddenGrad ? at.dhp : at.dxp, g), opt(at.wHh, 0), rows > 4 ? opt(at.wHhPacked, 0) : 0,
      opt(at.dh, h), opt(at.dhNext, h), opt(at.dc, h), opt(at.dcNext, h), opt(at.tot, h), works[b],
    ];
    return { kind: JOB_LAYER_BACKWARD, args, work: L * rows * GH * H };
  });
  runJobs(jobs, (j) => (ex.recurrentLayerBackwardSteps as (...a: readonly number[]) => void)(...j.args));
  // dh and dhNext (dc and dcNext) swap roles after every step
  return L % 2 === 0 ? [at.dh, at.dc] : [at.dhNext, at.dcNext];
}
