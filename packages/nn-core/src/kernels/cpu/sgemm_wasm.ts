/**
 * The JavaScript side of the kernels' sgemm (the module, its memory and its threads are gemm_wasm.ts's).
 *
 * The module has its own linear memory, laid out as
 *
 *   [static data][work: packed B block | packed A block | edge tile][A as stored][B as stored][C compact (M, N)]
 *
 * Each call copies A and B in (one `set` each: the span from the first to the last stored element, gaps of a
 * wider leading dim included), and C when beta ≠ 0; the module packs and multiplies; C is copied out row by row
 * into the caller's layout. The memory grows on demand and is reused between calls. An operand that many calls
 * share (a recurrent layer's W_hh, used at every step) can be made resident for a while (`withResidentOperands`):
 * it is copied once, before the per-call region, and calls that pass that same array skip its copy.
 *
 * Large products are split by rows across the worker threads (`runJobs`; same bits at every thread count).
 */
import { duringKernelCall, reserve, runJobs, wasmKernels, type KernelExports, type Loaded } from './gemm_wasm.js';
import { residentOffset } from './wasm_heap.js';
import { JOB_SGEMM, sgemmArgList, splitRows, type PoolJob, type SgemmArgs } from './wasm_threads.js';

const align = (n: number, to: number): number => Math.ceil(n / to) * to;

/**
 * Products of fewer multiply-adds (or fewer than 16 rows) stay on the calling thread. Measured on 2 cores with the
 * second core mostly free: at 2²² (a recurrent step's product at H = 128, batch 64) 2 threads gain only 1.1–1.2×,
 * from 2²⁴ on 1.6–1.9×; on a loaded machine every split risks waiting a scheduler slice for the worker.
 */
export const THREAD_MIN_WORK = 1 << 24;
/** Products split between threads so far (read by tests). */
export const threadStats = { splitProducts: 0 };

/** A matrix to keep in the module memory during `withResidentOperands`: `array` holds (rows, cols) compact. */
export interface ResidentOperand {
  array: unknown;
  rows: number;
  cols: number;
  /**
   * Keep it transposed, (cols, rows): a product that uses it as op(B) = Bᵀ then reads B row by row without
   * transposing, which is what makes matrix–vector steps fast (`x · W_hhᵀ` at batch size 1). Same bits.
   */
  transposed: boolean;
}

interface Resident {
  array: Float32Array;
  rows: number;
  cols: number;
  transposed: boolean;
  /** Byte offset of the copy. */
  offset: number;
}

/** Matrices copied into the module memory for the duration of a `withResidentOperands` call. */
let residents: Resident[] | null = null;
/** The module instance the residents were copied into (a failed worker pool replaces it). */
let residentsOwner: Loaded | null = null;

/**
 * Runs `fn` with the float32 matrices among `operands` copied once into the kernels module's memory: `sgemmWasm`
 * calls inside `fn` that pass one of them (the same array object) use that copy instead of copying it again — as
 * A or B when kept as stored, as op(B) = Bᵀ (compact B) when kept transposed. `fn` must not modify them (the copy
 * would go stale). Without the module, when the memory cannot grow, or inside another such call, `fn` just runs
 * (every call copies as usual).
 */
export function withResidentOperands<T>(operands: readonly ResidentOperand[], fn: () => T): T {
  const m = wasmKernels();
  const ex = m.exports;
  const f32 = operands.filter((o) => o.array instanceof Float32Array && o.array.length >= o.rows * o.cols);
  if (ex === null || residents !== null || f32.length === 0) return fn();
  const free = m.free;
  let end = free;
  const list: Resident[] = f32.map((o) => {
    const offset = end;
    end = align(end + o.rows * o.cols * 4, 64);
    return { array: o.array as Float32Array, rows: o.rows, cols: o.cols, transposed: o.transposed, offset };
  });
  const staging = end; // a transposed operand is copied here as stored, then transposed into place
  const stagingBytes = Math.max(0, ...list.filter((r) => r.transposed).map((r) => r.rows * r.cols * 4));
  const mem = reserve(m, ex, staging + stagingBytes);
  if (mem === null) return fn();
  for (const r of list) {
    const n = r.rows * r.cols;
    if (!r.transposed) {
      mem.set(r.array.subarray(0, n), r.offset >> 2);
      continue;
    }
    mem.set(r.array.subarray(0, n), staging >> 2);
    ex.transpose(r.rows, r.cols, staging, r.offset, r.rows); // (compact: rows floats apart)
  }
  residents = list;
  residentsOwner = m;
  m.free = end; // per-call regions (gemm operands, cell steps) start after the residents
  try {
    return duringKernelCall(fn);
  } finally {
    residents = null;
    residentsOwner = null;
    m.free = free;
  }
}

/** `a` as it is stored when it lives in the resident heap (wasm_heap.ts): used in place, as stored. */
function inHeap(a: Float32Array): Resident | null {
  const offset = residentOffset(a);
  return offset < 0 ? null : { array: a, rows: 0, cols: 0, transposed: false, offset };
}

/** The resident copy of `a` kept as stored (or transposed), if any. */
function residentOf(a: Float32Array, transposed: boolean): Resident | null {
  if (residents === null || residentsOwner !== wasmKernels()) return null;
  for (const r of residents) if (r.array === a && r.transposed === transposed) return r;
  return null;
}

/**
 * C ← alpha · op(A) · op(B) + beta · C in WebAssembly, for arguments already checked by `gemm` (row-major,
 * leading dims as in GemmLayout). Returns false, doing nothing, when the WebAssembly backend is not available.
 */
export function sgemmWasm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: Float32Array,
  B: Float32Array,
  beta: number,
  C: Float32Array,
  lda: number,
  ldb: number,
  ldc: number,
): boolean {
  const loaded = wasmKernels();
  const ex = loaded.exports;
  if (ex === null) return false;
  if (M === 0 || N === 0) return true;
  const spanA = K === 0 ? 0 : ((transA ? K : M) - 1) * lda + (transA ? M : K);
  const spanB = K === 0 ? 0 : ((transB ? N : K) - 1) * ldb + (transB ? K : N);
  const resA = residentOf(A, false) ?? inHeap(A);
  let resB = residentOf(B, false) ?? inHeap(B);
  let tB = transB;
  let ldB = ldb;
  const resBt = resB === null && transB ? residentOf(B, true) : null;
  if (resBt !== null && resBt.rows === N && resBt.cols === K && ldb === K) {
    // op(B) = Bᵀ with B (N, K) compact: the resident (K, N) copy is op(B) itself
    resB = resBt;
    tB = false;
    ldB = N;
  }
  let end = loaded.free;
  const offA = resA?.offset ?? end;
  if (resA === null) end = align(end + spanA * 4, 64);
  const offB = resB?.offset ?? end;
  if (resB === null) end = align(end + spanB * 4, 64);
  // C compact in resident storage is computed where it is, unless it overlaps A or B there (then copied out as usual)
  let residentC = ldc === N ? residentOffset(C.subarray(0, M * N)) : -1;
  const overlaps = (r: Resident | null, span: number): boolean =>
    r !== null && r.offset < residentC + M * N * 4 && residentC < r.offset + span * 4;
  if (residentC >= 0 && (overlaps(resA, spanA) || overlaps(resB, spanB))) residentC = -1;
  const offC = residentC >= 0 ? residentC : end;
  const mem = reserve(loaded, ex, residentC >= 0 ? end : offC + M * N * 4);
  if (mem === null) return false;
  if (spanA > 0 && resA === null) mem.set(A.subarray(0, spanA), offA >> 2);
  if (spanB > 0 && resB === null) mem.set(B.subarray(0, spanB), offB >> 2);
  const c0 = offC >> 2;
  if (beta !== 0 && residentC < 0) {
    if (ldc === N) mem.set(C.subarray(0, M * N), c0);
    else for (let i = 0; i < M; i++) mem.set(C.subarray(i * ldc, i * ldc + N), c0 + i * N);
  }
  sgemmInMemory(loaded, ex, { transA: transA ? 1 : 0, transB: tB ? 1 : 0, M, N, K, alpha, a: offA, lda, b: offB, ldb: ldB, beta, c: offC, work: loaded.work });
  if (residentC >= 0) return true;
  if (ldc === N) C.set(mem.subarray(c0, c0 + M * N));
  else for (let i = 0; i < M; i++) C.set(mem.subarray(c0 + i * N, c0 + (i + 1) * N), i * ldc);
  return true;
}

/** Whether `sgemmInMemory` splits an (M, N, K) product by rows across the worker threads. */
export function splitsAcrossThreads(m: Loaded, M: number, N: number, K: number): boolean {
  return m.startPool !== null && M >= 16 && M * N * K >= THREAD_MIN_WORK;
}

/**
 * Runs the module's sgemm on operands already in its memory (byte offsets in `args`, C compact), split by rows
 * between the calling thread and the workers when the product is large enough (same bits at any thread count).
 * `m` must be the current module (`wasmKernels()`).
 */
export function sgemmInMemory(m: Loaded, ex: KernelExports, args: SgemmArgs): void {
  const { M, N, K } = args;
  const split = splitsAcrossThreads(m, M, N, K);
  const parts = split ? splitRows(args, m.poolWorks.length + 1, [m.work, ...m.poolWorks]) : [args];
  const jobs = parts.map((q): PoolJob => ({ kind: JOB_SGEMM, args: sgemmArgList(q), work: q.M * q.N * q.K }));
  if (runJobs(jobs, (j) => (ex.sgemm as (...a: readonly number[]) => void)(...j.args))) threadStats.splitProducts++;
}

