/**
 * Worker threads for the WebAssembly sgemm: each worker instantiates the shared-memory build of the kernels
 * module (build/kernels_shared.wasm) on the same `WebAssembly.Memory` as the main thread, and waits on a control
 * block (a SharedArrayBuffer) for the arguments of its part of a product. The main thread writes every worker's
 * arguments, wakes them (`Atomics.notify`), computes its own part, then waits (`Atomics.wait`) until each worker
 * has stored the job's sequence number as done. No message passing, so a dispatch costs a few microseconds.
 *
 * Parts are column blocks of C when C has few rows (a recurrent step: each thread then packs only its own columns
 * of B), else row ranges: every element of C is computed by one thread with the same operations as in a one-thread
 * call, so results are bit-identical for any thread count.
 */
import { Worker } from 'node:worker_threads';

/** Control block layout (Int32 slots; alpha and beta as Float32 in their slots). */
const SEQ = 0; // job number, bumped by the main thread
const DONE = 1; // last job number the worker finished
const STATE = 2; // 0 starting, 1 ready, -1 failed (could not instantiate)
const ARGS = 3; // transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, work
const SLOTS = ARGS + 14;
/** Polls of the control block before a thread sleeps (a few hundred microseconds: waking a sleeping thread on a
 * virtual machine can take longer than a recurrent step's product). */
const SPIN = 200_000;

/** The worker's program (evaluated as a CommonJS script in the worker thread). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const I = new Int32Array(workerData.ctrl);
const F = new Float32Array(workerData.ctrl);
let ex;
try {
  ex = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
  Atomics.store(I, ${STATE}, 1);
} catch (e) {
  Atomics.store(I, ${STATE}, -1);
}
Atomics.notify(I, ${DONE});
let seen = 0;
while (ex !== undefined) {
  // spin briefly before sleeping: a recurrent layer sends a job every few hundred microseconds, and waking a
  // sleeping thread can take longer than the job
  for (let spin = 0; spin < ${SPIN} && Atomics.load(I, ${SEQ}) === seen; spin++);
  Atomics.wait(I, ${SEQ}, seen);
  seen = Atomics.load(I, ${SEQ});
  if (seen < 0) break;
  const a = ${ARGS};
  ex.sgemm(I[a], I[a + 1], I[a + 2], I[a + 3], I[a + 4], F[a + 5], I[a + 6], I[a + 7], I[a + 8], I[a + 9], F[a + 10], I[a + 11], I[a + 12], I[a + 13]);
  Atomics.store(I, ${DONE}, seen);
  Atomics.notify(I, ${DONE});
}
`;

/** sgemm arguments (byte offsets into the shared memory). */
export interface SgemmArgs {
  transA: number;
  transB: number;
  M: number;
  N: number;
  K: number;
  alpha: number;
  a: number;
  lda: number;
  b: number;
  ldb: number;
  beta: number;
  c: number;
  ldc: number;
  work: number;
}

export type SgemmFn = (...args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number]) => void;

/** The worker threads of one shared kernels instance. */
export class SgemmPool {
  private readonly workers: Worker[] = [];
  private readonly ctrl: { I: Int32Array; F: Float32Array }[] = [];
  private seq = 0;

  /** Starts `count` workers on `memory` (shared) with `module` (the shared build). */
  constructor(module: object, memory: object, count: number) {
    for (let w = 0; w < count; w++) {
      const buf = new SharedArrayBuffer(SLOTS * 4);
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl: buf } });
      worker.unref(); // an idle pool never keeps the process alive
      this.workers.push(worker);
      this.ctrl.push({ I: new Int32Array(buf), F: new Float32Array(buf) });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  /**
   * Runs `parts` (one per worker, then one for the calling thread: the last) concurrently and returns when all are
   * done. A worker that could not start has its part run here instead.
   */
  run(parts: readonly SgemmArgs[], sgemm: SgemmFn): void {
    const seq = ++this.seq;
    const sent: boolean[] = [];
    for (let w = 0; w < parts.length - 1; w++) {
      const { I, F } = this.ctrl[w];
      sent.push(this.ready(I));
      if (!sent[w]) continue;
      const p = parts[w];
      I.set([p.transA, p.transB, p.M, p.N, p.K, 0, p.a, p.lda, p.b, p.ldb, 0, p.c, p.ldc, p.work], ARGS);
      F[ARGS + 5] = p.alpha;
      F[ARGS + 10] = p.beta;
      Atomics.store(I, SEQ, seq);
      Atomics.notify(I, SEQ);
    }
    callWith(sgemm, parts[parts.length - 1]);
    for (let w = 0; w < parts.length - 1; w++) {
      if (!sent[w]) {
        callWith(sgemm, parts[w]);
        continue;
      }
      const { I } = this.ctrl[w];
      for (let spin = 0; spin < SPIN && Atomics.load(I, DONE) !== seq; spin++);
      for (let d = Atomics.load(I, DONE); d !== seq; d = Atomics.load(I, DONE)) Atomics.wait(I, DONE, d);
    }
  }

  /** Waits for a starting worker; false when it failed to instantiate the module. */
  private ready(I: Int32Array): boolean {
    for (let s = Atomics.load(I, STATE); s === 0; s = Atomics.load(I, STATE)) Atomics.wait(I, DONE, Atomics.load(I, DONE), 50);
    return Atomics.load(I, STATE) === 1;
  }

  /** Stops the workers (they exit at their next wake-up). */
  close(): void {
    for (const { I } of this.ctrl) {
      Atomics.store(I, SEQ, -1);
      Atomics.notify(I, SEQ);
    }
    this.workers.length = 0;
    this.ctrl.length = 0;
  }
}

function callWith(sgemm: SgemmFn, p: SgemmArgs): void {
  sgemm(p.transA, p.transB, p.M, p.N, p.K, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.ldc, p.work);
}

/**
 * Splits C's rows into `threads` ranges (multiples of 4 rows, the register tile's height; the last takes the
 * rest) and returns the arguments of each part, in order; `works` are the byte offsets of each thread's scratch.
 */
export function splitRows(p: SgemmArgs, threads: number, works: readonly number[]): SgemmArgs[] {
  const per = Math.ceil(p.M / threads / 4) * 4;
  const parts: SgemmArgs[] = [];
  for (let t = 0, r0 = 0; t < threads && r0 < p.M; t++, r0 += per) {
    const rows = Math.min(per, p.M - r0);
    const a = p.transA ? p.a + r0 * 4 : p.a + r0 * p.lda * 4;
    parts.push({ ...p, M: rows, a, c: p.c + r0 * p.ldc * 4, work: works[t] });
  }
  return parts;
}

/**
 * Splits C's columns into `threads` blocks (multiples of 16 columns, the widest row kernel; the last takes the
 * rest): each part is op(A) times a column block of op(B) into the same block of C (same ldc).
 */
export function splitColumns(p: SgemmArgs, threads: number, works: readonly number[]): SgemmArgs[] {
  const per = Math.ceil(p.N / threads / 16) * 16;
  const parts: SgemmArgs[] = [];
  for (let t = 0, j0 = 0; t < threads && j0 < p.N; t++, j0 += per) {
    const cols = Math.min(per, p.N - j0);
    const b = p.transB ? p.b + j0 * p.ldb * 4 : p.b + j0 * 4;
    parts.push({ ...p, N: cols, b, c: p.c + j0 * 4, work: works[t] });
  }
  return parts;
}

/** Rows below this many (a recurrent step's batch) split by columns, so B is not packed once per thread. */
export const SPLIT_ROWS_FROM = 256;

/** The parts of a product for `threads` threads: by columns when C has few rows, else by rows. */
export function splitProduct(p: SgemmArgs, threads: number, works: readonly number[]): SgemmArgs[] {
  return p.M < SPLIT_ROWS_FROM && p.N >= 32 ? splitColumns(p, threads, works) : splitRows(p, threads, works);
}
