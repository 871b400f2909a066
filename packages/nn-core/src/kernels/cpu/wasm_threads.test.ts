import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { currentPool, getNumThreads, reserve, setNumThreads, wasmKernels } from './gemm_wasm.js';
import { sgemmWasm, threadStats, THREAD_MIN_WORK, withResidentOperands } from './sgemm_wasm.js';
import { JOB_SGEMM, splitRows, threadTesting, type PoolJob, type SgemmArgs, type SgemmPool } from './wasm_threads.js';

function randomF32(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

const sameBits = (a: Float32Array, b: Float32Array): boolean => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));

/** A fresh pool of `threads − 1` workers, every one of them started (so that each really runs its parts). */
function freshPool(threads: number): SgemmPool {
  setNumThreads(1);
  setNumThreads(threads);
  const pool = currentPool();
  expect(pool, 'shared memory and worker threads are available in Node').not.toBeNull();
  expect(pool!.waitReady(60_000)).toBe(true);
  return pool!;
}

/**
 * Copies A (M, K), B (K, N) and C (M, N) into the module's memory after its free offset and returns the byte
 * offsets and a view of C there (for products run through the pool directly).
 */
function place(A: Float32Array, B: Float32Array, C: Float32Array): { a: number; b: number; c: number; cView: () => Float32Array } {
  const m = wasmKernels();
  const a = m.free;
  const b = a + A.length * 4;
  const c = b + B.length * 4;
  const mem = reserve(m, m.exports!, c + C.length * 4)!;
  mem.set(A, a >> 2);
  mem.set(B, b >> 2);
  mem.set(C, c >> 2);
  return { a, b, c, cView: () => wasmKernels().view.slice(c >> 2, (c >> 2) + C.length) };
}

/** A part that does nothing (M = 0), for the calling thread's share when a test wants only a worker to compute. */
const idle = (p: SgemmArgs): SgemmArgs => ({ ...p, M: 0 });

afterEach(() => {
  threadTesting.pauseBeforeNotifyMs = 0;
  threadTesting.firstSeq = 0;
  threadTesting.timeoutMs = null;
  threadTesting.takeBack = true;
});
afterAll(() => setNumThreads(1));

describe('splitRows', () => {
  it('splits rows in multiples of 4 with at least 8 rows a part, the last part taking the rest, A and C offset by the first row', () => {
    const p: SgemmArgs = { transA: 0, transB: 1, M: 70, N: 10, K: 6, alpha: 1, a: 1000, lda: 6, b: 0, ldb: 6, beta: 0, c: 5000, work: 0 };
    const parts = splitRows(p, 3, [10, 20, 30]);
    expect(parts.map((q) => q.M)).toEqual([24, 24, 22]); // ceil(70 / 3 / 4) · 4 = 24
    expect(parts.map((q) => q.a)).toEqual([1000, 1000 + 24 * 6 * 4, 1000 + 48 * 6 * 4]);
    expect(parts.map((q) => q.c)).toEqual([5000, 5000 + 24 * 10 * 4, 5000 + 48 * 10 * 4]);
    expect(parts.map((q) => q.work)).toEqual([10, 20, 30]);
    // transposed A: op(A)'s rows are A's columns, so the offset is one float per row
    expect(splitRows({ ...p, transA: 1, lda: 70 }, 2, [1, 2]).map((q) => q.a)).toEqual([1000, 1000 + 36 * 4]);
    // too few rows for 3 parts of 8: fewer parts
    expect(splitRows({ ...p, M: 20 }, 3, [1, 2, 3]).map((q) => q.M)).toEqual([12, 8]);
    expect(splitRows({ ...p, M: 9 }, 3, [1, 2, 3]).map((q) => q.M)).toEqual([9]);
  });
});

describe('sgemm on worker threads', () => {
  // These tests count what each worker ran, or need a worker to run its part: the calling thread always waits.
  beforeEach(() => {
    threadTesting.takeBack = false;
  });

  it('setNumThreads takes an integer from 1 to 64; getNumThreads says how many threads products use', () => {
    expect(() => setNumThreads(0)).toThrow('setNumThreads: n must be an integer from 1 to 64, got 0');
    expect(() => setNumThreads(2.5)).toThrow('got 2.5');
    setNumThreads(1);
    expect(getNumThreads()).toBe(1);
    setNumThreads(3);
    expect(getNumThreads()).toBe(3);
  });

  it('1, 2 and 3 threads give the same bits on every transpose case, odd sizes and resident operands', () => {
    // all ≥ THREAD_MIN_WORK multiply-adds with ≥ 16 rows, so every one is split; 25 rows leave a 1-row last part
    const shapes: [number, number, number][] = [[70, 530, 500], [257, 64, 1030], [33, 1030, 500], [25, 1700, 400]];
    const cases = shapes.flatMap(([M, N, K]) => [false, true].flatMap((transA) => [false, true].map((transB) => ({ M, N, K, transA, transB }))));
    const results = new Map<number, Float32Array[]>();
    for (const threads of [1, 2, 3]) {
      if (threads > 1) freshPool(threads);
      else setNumThreads(1);
      const before = threadStats.splitProducts;
      const gen = new Generator(32);
      const out: Float32Array[] = [];
      for (const { M, N, K, transA, transB } of cases) {
        expect(M * N * K).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
        const A = randomF32(gen, M * K);
        const B = randomF32(gen, K * N);
        const C0 = randomF32(gen, M * N);
        const lda = transA ? M : K;
        const ldb = transB ? K : N;
        const C = C0.slice();
        sgemmWasm(transA, transB, M, N, K, 0.75, A, B, 0.5, C, lda, ldb, N);
        out.push(C);
        // the same product with B resident (transposed when op(B) = Bᵀ): the same bits again
        const C2 = C0.slice();
        withResidentOperands([{ array: B, rows: transB ? N : K, cols: transB ? K : N, transposed: transB }], () => {
          sgemmWasm(transA, transB, M, N, K, 0.75, A, B, 0.5, C2, lda, ldb, N);
        });
        expect(sameBits(C2, C)).toBe(true);
      }
      expect(threadStats.splitProducts - before).toBe(threads === 1 ? 0 : 2 * cases.length);
      results.set(threads, out);
    }
    for (const threads of [2, 3]) {
      results.get(threads)!.forEach((c, i) => {
        expect(sameBits(c, results.get(1)![i]), `${threads} threads, case ${JSON.stringify(cases[i])}`).toBe(true);
      });
    }
  });

  it('a late notify (after the worker ran the job while polling and went to sleep) does not run the job again', () => {
    const pool = freshPool(2);
    const g = new Generator(40);
    const [M, N, K] = [64, 96, 80];
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const at = place(A, B, randomF32(g, M * N));
    const m = wasmKernels();
    // C ← A·B + C: running it twice would change C
    const job: SgemmArgs = { transA: 0, transB: 0, M, N, K, alpha: 1, a: at.a, lda: K, b: at.b, ldb: N, beta: 1, c: at.c, work: m.poolWorks[0] };
    pool.run([idle(job), job], m.exports!.sgemm);
    expect(pool.runs(0)).toBe(1);
    const after = at.cView();
    const I = pool.control(0);
    const seq = Atomics.load(I, 0);
    expect(Atomics.load(I, 1)).toBe(seq); // DONE = the job's number
    // the notify of that job, arriving late: keep notifying until it wakes the worker from its sleep
    let woken = 0;
    for (const end = performance.now() + 20_000; woken === 0 && performance.now() < end; ) {
      woken = Atomics.notify(I, 0);
      if (woken === 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
    expect(woken).toBe(1);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // time to (wrongly) run it again
    expect(pool.runs(0)).toBe(1);
    expect(Atomics.load(I, 1)).toBe(seq);
    expect(sameBits(at.cView(), after)).toBe(true);
  });

  it('stress: a caller paused between publishing and notifying (0–2 ms) never gets a job run twice; 2 and 3 threads match 1', () => {
    const [M, N, K] = [64, 512, 512]; // 2²⁴ multiply-adds: split
    const g = new Generator(41);
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const C0 = randomF32(g, M * N);
    const accumulate = (): Float32Array => {
      const C = C0.slice();
      for (let r = 0; r < 30; r++) {
        threadTesting.pauseBeforeNotifyMs = r % 3; // 0, 1, 2 ms: the worker may run the job before the notify
        sgemmWasm(false, false, M, N, K, 0.5, A, B, 1, C, K, N, N); // C += A·B / 2: a repeated part shows
      }
      threadTesting.pauseBeforeNotifyMs = 0;
      return C;
    };
    setNumThreads(1);
    const one = accumulate();
    for (const threads of [2, 3]) {
      const pool = freshPool(threads);
      const before = threadStats.splitProducts;
      const C = accumulate();
      expect(threadStats.splitProducts - before).toBe(30);
      for (let w = 0; w < pool.size; w++) expect(pool.runs(w)).toBe(30);
      expect(sameBits(C, one), `${threads} threads`).toBe(true);
    }
  });

  it('job numbers wrap past 2³¹ − 1 (int32) without stopping the workers: they only compare for equality', () => {
    const [M, N, K] = [64, 512, 512];
    const g = new Generator(42);
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const C0 = randomF32(g, M * N);
    setNumThreads(1);
    const one = C0.slice();
    for (let r = 0; r < 6; r++) sgemmWasm(false, false, M, N, K, 1, A, B, 1, one, K, N, N);
    threadTesting.firstSeq = 2 ** 31 - 3;
    const pool = freshPool(2);
    const C = C0.slice();
    for (let r = 0; r < 6; r++) sgemmWasm(false, false, M, N, K, 1, A, B, 1, C, K, N, N);
    expect(Atomics.load(pool.control(0), 0)).toBe(2 ** 31 - 3 + 6 - 2 ** 32); // crossed the wrap
    expect(pool.runs(0)).toBe(6);
    expect(sameBits(C, one)).toBe(true);
  });

  it('a worker whose part throws (out-of-bounds offsets) is an error, not a hang; the pool is closed', () => {
    const pool = freshPool(2);
    const m = wasmKernels();
    const bad: SgemmArgs = { transA: 0, transB: 0, M: 64, N: 64, K: 64, alpha: 1, a: 0x7fff0000, lda: 64, b: 0, ldb: 64, beta: 0, c: 0x7fff0000, work: m.poolWorks[0] };
    expect(() => pool.run([idle(bad), bad], m.exports!.sgemm)).toThrow(/sgemm threads: worker 1 threw while computing its part/);
    expect(() => pool.run([idle(bad), bad], m.exports!.sgemm)).toThrow(/closed/);
  });

  it('a worker that does not finish in time is an error thrown by the bounded wait, not a hang', () => {
    const pool = freshPool(2);
    const [M, N, K] = [512, 512, 512]; // ≥ 4 ms on any core: far beyond the 1 ms limit
    const g = new Generator(43);
    const at = place(randomF32(g, M * K), randomF32(g, K * N), new Float32Array(M * N));
    const m = wasmKernels();
    const job: SgemmArgs = { transA: 0, transB: 0, M, N, K, alpha: 1, a: at.a, lda: K, b: at.b, ldb: N, beta: 0, c: at.c, work: m.poolWorks[0] };
    threadTesting.timeoutMs = 1;
    // (on a busy machine the worker may not have claimed its part when the calling thread's is done: without this,
    // the calling thread would take the part back and run it itself, and nothing would time out)
    threadTesting.takeBack = false;
    expect(() => pool.run([idle(job), job], m.exports!.sgemm)).toThrow(/sgemm threads: worker 1 did not finish its part of a product within 1 ms/);
  });

  it('a worker that died (its exit event) makes the next product an error; then one thread on a new memory, and products go on', async () => {
    const pool = freshPool(2);
    pool.stopWorker(0);
    for (let i = 0; i < 800 && pool.failure(0) === null; i++) await new Promise((r) => setTimeout(r, 25));
    expect(pool.failure(0)).toMatch(/exited with code/);
    const [M, N, K] = [512, 256, 128];
    const g = new Generator(44);
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const C = new Float32Array(M * N);
    expect(() => sgemmWasm(false, false, M, N, K, 1, A, B, 0, C, K, N, N)).toThrow(/sgemm threads: worker 1 exited with code/);
    expect(currentPool()).toBeNull();
    expect(getNumThreads()).toBe(1);
    const again = new Float32Array(M * N);
    sgemmWasm(false, false, M, N, K, 1, A, B, 0, again, K, N, N);
    let c00 = 0;
    for (let k = 0; k < K; k++) c00 += A[k] * B[k * N];
    expect(Math.abs(again[0] - c00)).toBeLessThan(1e-4);
  });
});

/** Sleeps the calling thread `ms` milliseconds. */
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

describe('a job its worker has not started', () => {
  it('runs on the calling thread instead (same bits), and every job runs exactly once, taken back or not', () => {
    const pool = freshPool(2);
    const m = wasmKernels();
    const ex = m.exports!;
    const g = new Generator(44);
    const [M, N, K] = [32, 64, 48];
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const C0 = randomF32(g, M * N);
    const at = place(A, B, C0);
    const ref = at.c + M * N * 4; // the same accumulation on one thread, beside C
    const tiny = ref + M * N * 4; // the calling thread's own part: a 1 × 1 × 1 product, done at once
    const mem = reserve(m, ex, tiny + 64)!;
    mem.set(C0, ref >> 2);
    const sgemm = ex.sgemm as (...a: readonly number[]) => void;
    const part = (c: number, work: number): number[] => [0, 0, M, N, K, 1, at.a, K, at.b, N, 1, c, work, 0]; // C += A·B
    let takenBack = 0;
    const rounds = 12;
    for (let r = 0; r < rounds; r++) {
      // paused 5 ms before the notify (polling lasts about 0.1–1 ms), the worker has stopped polling and sleeps: the
      // calling thread, whose own part is tiny, is back before the worker wakes up, and takes the job
      sleep(5);
      threadTesting.pauseBeforeNotifyMs = 5;
      const jobs: PoolJob[] = [
        { kind: JOB_SGEMM, args: [0, 0, 1, 1, 1, 1, tiny, 1, tiny, 1, 0, tiny, m.work, 0], work: 1 },
        { kind: JOB_SGEMM, args: part(at.c, m.poolWorks[0]), work: M * N * K },
      ];
      pool.runJobs(jobs, (j) => {
        if (j === jobs[1]) takenBack++;
        sgemm(...j.args);
      });
      sgemm(...part(ref, m.work));
    }
    // a job run twice (or not at all) would change C: it equals `rounds` accumulations on one thread, bit for bit
    expect(sameBits(at.cView(), wasmKernels().view.slice(ref >> 2, (ref >> 2) + M * N))).toBe(true);
    expect(takenBack + pool.runs(0)).toBe(rounds);
    expect(takenBack).toBeGreaterThan(0);
  });
});

describe('job arguments', () => {
  it('a job with the wrong number of arguments is an error before anything runs (it would run on the slots of the previous one)', () => {
    const pool = freshPool(2);
    const m = wasmKernels();
    let ran = 0;
    const full = [0, 0, 1, 1, 1, 1, m.free, 1, m.free, 1, 0, m.free, m.work, 0]; // sgemm's 14
    const jobs: PoolJob[] = [
      { kind: JOB_SGEMM, args: full, work: 1 },
      { kind: JOB_SGEMM, args: full.slice(0, 13), work: 1 }, // no bias
    ];
    expect(() => pool.runJobs(jobs, () => ran++)).toThrow(/a job of kind 0 needs 14 arguments, got 13/);
    expect(ran).toBe(0);
    expect(pool.runs(0)).toBe(0);
  });
});

describe('threads by default', () => {
  /** getNumThreads() (after setNumThreads(n) when given) in a fresh process, with `setup` run before the import. */
  async function probe(setup: string, n: number | null): Promise<{ threads: number; cores: number; c: number[] }> {
    const { execFileSync } = await import('node:child_process');
    const code = `${setup}
      const m = await import('@recurrent/nn-core');
      ${n === null ? '' : `m.setNumThreads(${n});`}
      const x = m.full([64, 64], 0.5, { dtype: 'float32' });
      const c = m.matmul(x, x).data;
      const os = await import('node:os');
      console.log(JSON.stringify({ threads: m.getNumThreads(), cores: os.availableParallelism(), c: [c[0], c[4095]] }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  it('one thread per core by default in Node', async () => {
    const r = await probe('', null);
    expect(r.threads).toBe(Math.min(64, r.cores));
    expect(r.c).toEqual([16, 16]);
  }, 60_000);

  it('one thread, no error, where shared memory is unavailable (a page that is not cross-origin isolated, or no SharedArrayBuffer)', async () => {
    for (const setup of ['globalThis.crossOriginIsolated = false;', 'delete globalThis.SharedArrayBuffer;']) {
      const r = await probe(setup, 2);
      expect(r.threads, setup).toBe(1);
      expect(r.c).toEqual([16, 16]);
    }
  }, 60_000);
});
