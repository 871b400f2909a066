/**
 * Worker threads for the WebAssembly sgemm. Each worker instantiates the shared-memory build of the kernels module
 * on the same `WebAssembly.Memory` as the calling thread and waits on its own control block (Int32 slots of a
 * SharedArrayBuffer) for the arguments of its part of a product: no messages, so a dispatch costs microseconds.
 *
 * Protocol, per worker (every access to SEQ, DONE, CLAIM, EXIT, FAILED is atomic):
 * - The calling thread writes the arguments, stores the job number n in CLAIM (the job is open) and then in SEQ (a
 *   seq_cst store: a worker that loads the new SEQ sees the arguments), then notifies SEQ.
 * - The worker waits while SEQ equals the last job it saw. Every wake-up is a hint, never a job: it sleeps again
 *   until SEQ really changed, so a notify that arrives late (after the worker already ran that job while polling)
 *   cannot run the job twice. It then claims the job (CLAIM from n to ~n, compare-and-exchange) and only if that
 *   succeeds reads the arguments, runs the job, stores n in DONE and notifies DONE.
 * - Once its own part is done, the calling thread tries the same claim: a job its worker has not started (the
 *   worker descheduled on a busy machine, or still waking up) runs on the calling thread instead, with the same
 *   arguments and work area, so the same bits; the worker skips it. Exactly one of the two claims succeeds.
 * - Job numbers are compared only for equality and wrap at 2³¹ (int32; ~n ≠ n); stopping is a separate EXIT flag.
 * - The calling thread touches no operand, scratch or argument slot until every job a worker claimed has its number
 *   in DONE. A worker whose job throws sets FAILED (then DONE); a worker that dies or hangs inside a job is caught by
 *   a bounded wait: both are errors thrown to the caller, never a hang (a worker that died before claiming loses its
 *   job to the calling thread, and its exit is reported at the next dispatch).
 *
 * Which rows each thread computes is fixed by `splitRows`; every element of C is computed by one thread with the
 * operations of a one-thread call, so results are bit-identical for any thread count.
 *
 * Workers exist only in Node (started through `process.getBuiltinModule('node:worker_threads')`, so this file has
 * no `node:` import and loads in browsers, where products stay on the calling thread).
 */

/** Control block slots (Int32; alpha and beta as Float32 in theirs). */
const SEQ = 0; // job number published by the calling thread
const DONE = 1; // number of the last job the worker finished
const STATE = 2; // 0 starting, 1 ready, -1 could not instantiate the module
const EXIT = 3; // 1: stop at the next wake-up
const FAILED = 4; // 1: a job threw (its message is lost; the caller reports which worker)
const RUNS = 5; // jobs run so far (tests read it)
const KIND = 6; // which export the job calls: JOB_SGEMM, JOB_LAYER_STEPS, JOB_ADAM or JOB_LAYER_BACKWARD
const CLAIM = 7; // the job number while its job is unclaimed; its complement once the worker or the caller took it
const ARGS = 8; // its arguments: sgemm's transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, c, work, bias (alpha
// and beta as Float32), recurrentLayerSteps' 21 (all int32), adamStep's 5 int32 then 8 float32, or
// recurrentLayerBackwardSteps' 23 (all int32)
const SLOTS = ARGS + 23;

/** Job kinds: a part of a product (`sgemm`), or a block of batch rows of a recurrent layer (`recurrentLayerSteps`). */
export const JOB_SGEMM = 0;
export const JOB_LAYER_STEPS = 1;
export const JOB_ADAM = 2;
export const JOB_LAYER_BACKWARD = 3;
/** Which arguments of each job kind are float32 (the others are int32). */
const FLOAT_ARGS: Record<number, readonly number[]> = {
  [JOB_SGEMM]: [5, 10], [JOB_LAYER_STEPS]: [], [JOB_ADAM]: [5, 6, 7, 8, 9, 10, 11, 12], [JOB_LAYER_BACKWARD]: [],
};
/** How many arguments each job kind's export takes (a job with fewer would leave a previous job's in the slots). */
const ARG_COUNT: Record<number, number> = { [JOB_SGEMM]: 14, [JOB_LAYER_STEPS]: 21, [JOB_ADAM]: 13, [JOB_LAYER_BACKWARD]: 23 };

/** Polls of a control slot before a thread sleeps: about 100 µs, less than waking a sleeping thread costs. */
const SPIN = 20_000;

/** The worker's program (a CommonJS script evaluated in the worker thread). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const I = new Int32Array(workerData.ctrl);
const F = new Float32Array(workerData.ctrl);
let seen = workerData.seq0;
let ex = null;
try {
  ex = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
  Atomics.store(I, ${STATE}, 1);
} catch (e) {
  Atomics.store(I, ${STATE}, -1);
}
Atomics.notify(I, ${STATE});
while (ex !== null) {
  for (let s = 0; s < ${SPIN} && Atomics.load(I, ${SEQ}) === seen && Atomics.load(I, ${EXIT}) === 0; s++);
  // a wake-up is only a hint: sleep again until the job number has changed (or EXIT is set)
  while (Atomics.load(I, ${SEQ}) === seen && Atomics.load(I, ${EXIT}) === 0) Atomics.wait(I, ${SEQ}, seen);
  if (Atomics.load(I, ${EXIT}) !== 0) break;
  seen = Atomics.load(I, ${SEQ});
  // the job is this worker's only if the calling thread has not taken it back (it does once its own part is done)
  if (Atomics.compareExchange(I, ${CLAIM}, seen, ~seen) !== seen) continue;
  const a = ${ARGS};
  try {
    if (I[${KIND}] === ${JOB_SGEMM}) {
      ex.sgemm(I[a], I[a + 1], I[a + 2], I[a + 3], I[a + 4], F[a + 5], I[a + 6], I[a + 7], I[a + 8], I[a + 9], F[a + 10], I[a + 11], I[a + 12], I[a + 13]);
    } else if (I[${KIND}] === ${JOB_LAYER_STEPS}) {
      ex.recurrentLayerSteps(...I.subarray(a, a + 21));
    } else if (I[${KIND}] === ${JOB_LAYER_BACKWARD}) {
      ex.recurrentLayerBackwardSteps(...I.subarray(a, a + 23));
    } else {
      ex.adamStep(I[a], I[a + 1], I[a + 2], I[a + 3], I[a + 4], ...F.subarray(a + 5, a + 13));
    }
  } catch (e) {
    Atomics.store(I, ${FAILED}, 1);
  }
  Atomics.add(I, ${RUNS}, 1);
  Atomics.store(I, ${DONE}, seen);
  Atomics.notify(I, ${DONE});
}
`;

/** sgemm arguments (byte offsets into the shared memory; C compact, N floats per row). */
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
  work: number;
  /** A bias row of N floats that takes C's place in the beta term (C is then not read), or 0 / absent for none. */
  bias?: number;
}

export type SgemmFn = (
  ...args: [number, number, number, number, number, number, number, number, number, number, number, number, number, number]
) => void;

/** The `sgemm` export's arguments for `p`, in order. */
export function sgemmArgList(p: SgemmArgs): [number, number, number, number, number, number, number, number, number, number, number, number, number, number] {
  return [p.transA, p.transB, p.M, p.N, p.K, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, p.c, p.work, p.bias ?? 0];
}

/** What of Node's `worker_threads.Worker` the pool uses. */
interface NodeWorker {
  unref(): void;
  on(event: 'error', fn: (e: unknown) => void): void;
  on(event: 'exit', fn: (code: number) => void): void;
  terminate(): unknown;
}
type WorkerCtor = new (src: string, options: { eval: true; workerData: unknown; execArgv: string[] }) => NodeWorker;

/** Node's `Worker`, or null outside Node (no worker threads: products stay on the calling thread). */
export function nodeWorkerCtor(): WorkerCtor | null {
  const proc = (globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } }).process;
  if (proc?.versions?.node === undefined || typeof proc.getBuiltinModule !== 'function') return null;
  const wt = proc.getBuiltinModule('node:worker_threads') as { Worker?: WorkerCtor } | undefined;
  return wt?.Worker ?? null;
}

/** Knobs for tests only. */
export const threadTesting = {
  /** Milliseconds the calling thread sleeps between publishing a job (SEQ) and notifying it: a preempted caller. */
  pauseBeforeNotifyMs: 0,
  /** First job number of new pools (tests start near 2³¹ to cross the int32 wrap). */
  firstSeq: 0,
  /** Replaces the time limit of the calling thread's wait for a worker (null: scaled to the work). */
  timeoutMs: null as number | null,
  /**
   * Whether the calling thread takes back a job its worker has not started when its own part is done (false: it
   * always waits for the worker, for tests that count what each worker ran).
   */
  takeBack: true,
};

/** Sleeps the calling thread (Atomics.wait on a private cell: allowed on Node's main thread). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

interface Slot {
  worker: NodeWorker;
  I: Int32Array;
  F: Float32Array;
  /** Set from the worker's 'error' or 'exit' event. */
  failure: string | null;
}

/** The worker threads of one shared kernels instance. */
export class SgemmPool {
  private readonly slots: Slot[] = [];
  private seq: number;
  private closed = false;

  /**
   * Starts `count` workers that instantiate `module` (the shared build) on `memory`. `timeoutMs(work)`: how long
   * the calling thread waits for a worker's part of `work` multiply-adds before it gives up with an error.
   */
  constructor(
    Worker: WorkerCtor,
    module: object,
    memory: object,
    count: number,
    private readonly timeoutMs: (work: number) => number,
  ) {
    this.seq = threadTesting.firstSeq | 0;
    for (let w = 0; w < count; w++) {
      const buf = new SharedArrayBuffer(SLOTS * 4);
      const I = new Int32Array(buf);
      I[SEQ] = this.seq;
      I[DONE] = this.seq;
      I[CLAIM] = ~this.seq;
      // execArgv []: the worker needs none of the parent's loaders (a TypeScript loader would slow its start-up)
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrl: buf, seq0: this.seq }, execArgv: [] });
      worker.unref(); // an idle pool never keeps the process alive
      const slot: Slot = { worker, I, F: new Float32Array(buf), failure: null };
      worker.on('error', (e) => {
        slot.failure ??= `threw ${e instanceof Error ? e.message : String(e)}`;
      });
      worker.on('exit', (code) => {
        if (!this.closed) slot.failure ??= `exited with code ${code}`;
      });
      this.slots.push(slot);
    }
  }

  get size(): number {
    return this.slots.length;
  }

  /** Control block of worker `w` (tests). */
  control(w: number): Int32Array {
    return this.slots[w].I;
  }

  /** Jobs worker `w` has run (tests). */
  runs(w: number): number {
    return Atomics.load(this.slots[w].I, RUNS);
  }

  /** Why worker `w` failed, from its 'error' or 'exit' event (null: it did not). */
  failure(w: number): string | null {
    return this.slots[w].failure;
  }

  /** Terminates worker `w` as a crash would (tests). */
  stopWorker(w: number): void {
    void this.slots[w].worker.terminate();
  }

  /** Waits up to `ms` for every worker to have instantiated the module; true when all did. */
  waitReady(ms: number): boolean {
    const end = performance.now() + ms;
    for (const { I } of this.slots) {
      while (Atomics.load(I, STATE) === 0) {
        const left = end - performance.now();
        if (left <= 0) return false;
        Atomics.wait(I, STATE, 0, Math.min(left, 20));
      }
    }
    return this.slots.every(({ I }) => Atomics.load(I, STATE) === 1);
  }

  /**
   * Runs `parts` concurrently (parts[0] on the calling thread, parts[w + 1] on worker w) and returns when all are
   * done. A worker still starting has its part run here instead (same code, same bits). Throws when a worker
   * failed or did not finish within its time limit; the pool is then closed.
   */
  run(parts: readonly SgemmArgs[], sgemm: SgemmFn): void {
    const jobs = parts.map((q): PoolJob => ({
      kind: JOB_SGEMM,
      args: sgemmArgList(q),
      work: q.M * q.N * q.K,
    }));
    this.runJobs(jobs, (j) => sgemm(...sgemmArgList(parts[jobs.indexOf(j)])));
  }

  /**
   * `run` for any jobs: jobs[0] (and the jobs of workers still starting) through `runLocal` on the calling thread,
   * jobs[w + 1] on worker w.
   */
  runJobs(jobs: readonly PoolJob[], runLocal: (job: PoolJob) => void): void {
    if (this.closed) throw new Error('sgemm threads: the worker pool was closed');
    for (const j of jobs) {
      if (j.args.length !== ARG_COUNT[j.kind]) throw new RangeError(`sgemm threads: a job of kind ${j.kind} needs ${ARG_COUNT[j.kind]} arguments, got ${j.args.length}`);
    }
    const seq = (this.seq = (this.seq + 1) | 0);
    const sent: number[] = [];
    const local: PoolJob[] = [jobs[0]];
    for (let p = 1; p < jobs.length; p++) {
      const w = p - 1;
      const slot = this.slots[w];
      const state = Atomics.load(slot.I, STATE);
      if (slot.failure !== null || state === -1) return this.fail(w, slot.failure ?? 'could not instantiate the kernels module');
      if (state !== 1) {
        local.push(jobs[p]);
        continue;
      }
      const { I, F } = slot;
      const q = jobs[p];
      I[KIND] = q.kind;
      I.set(q.args, ARGS);
      for (const k of FLOAT_ARGS[q.kind]) F[ARGS + k] = q.args[k];
      Atomics.store(I, CLAIM, seq);
      Atomics.store(I, SEQ, seq);
      if (threadTesting.pauseBeforeNotifyMs > 0) sleepMs(threadTesting.pauseBeforeNotifyMs);
      Atomics.notify(I, SEQ);
      sent.push(w);
    }
    for (const q of local) runLocal(q);
    for (const w of sent) {
      const { I } = this.slots[w];
      // A worker that has not started its job yet (descheduled on a busy machine, or still waking) loses it to this
      // thread, which runs it with the same arguments (same bits) instead of waiting; the worker then skips it.
      if (threadTesting.takeBack && Atomics.compareExchange(I, CLAIM, seq, ~seq) === seq) {
        runLocal(jobs[w + 1]);
        continue;
      }
      const limit = this.timeoutMs(jobs[w + 1].work);
      const end = performance.now() + limit;
      for (let s = 0; s < SPIN && Atomics.load(I, DONE) !== seq; s++);
      for (let d = Atomics.load(I, DONE); d !== seq; d = Atomics.load(I, DONE)) {
        const left = end - performance.now();
        if (left <= 0) return this.fail(w, `did not finish its part of a product within ${Math.round(limit)} ms`);
        Atomics.wait(I, DONE, d, Math.min(left, 50));
      }
      if (Atomics.load(I, FAILED) !== 0) return this.fail(w, 'threw while computing its part of a product');
    }
  }

  private fail(w: number, why: string): never {
    this.close();
    throw new Error(`sgemm threads: worker ${w + 1} ${why}; products run on the calling thread from now on`);
  }

  /** Stops the workers: EXIT, then a new job number so that none can sleep through the wake-up; then terminate. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { I, worker } of this.slots) {
      Atomics.store(I, EXIT, 1);
      Atomics.store(I, SEQ, (Atomics.load(I, SEQ) + 1) | 0);
      Atomics.notify(I, SEQ);
      void worker.terminate();
    }
  }
}

/** One thread's job: a `JOB_*` kind, its export's arguments, and its multiply-adds (which scale its time limit). */
export interface PoolJob {
  kind: number;
  args: readonly number[];
  work: number;
}

/**
 * Splits C's rows into at most `threads` ranges of at least `minRows` rows each (multiples of 4, the register tile's
 * height; the last takes the rest) and returns the arguments of each part; `works[t]` is part t's scratch.
 */
export function splitRows(p: SgemmArgs, threads: number, works: readonly number[], minRows = 8): SgemmArgs[] {
  const count = Math.max(1, Math.min(threads, Math.floor(p.M / minRows)));
  const per = Math.ceil(p.M / count / 4) * 4;
  const parts: SgemmArgs[] = [];
  for (let t = 0, r0 = 0; t < count && r0 < p.M; t++, r0 += per) {
    const rows = Math.min(per, p.M - r0);
    const a = p.transA ? p.a + r0 * 4 : p.a + r0 * p.lda * 4;
    parts.push({ ...p, M: rows, a, c: p.c + r0 * p.N * 4, work: works[t] });
  }
  return parts;
}
