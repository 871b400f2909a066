import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { kernelThreads, setKernelThreads, sgemmWasm, threadStats, THREAD_MIN_WORK, withResidentOperands } from './gemm_wasm.js';
import { splitColumns, splitProduct, splitRows, SPLIT_ROWS_FROM } from './wasm_threads.js';

function randomF32(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

afterAll(() => setKernelThreads(1));

describe('sgemm on worker threads', () => {
  it('splits rows in multiples of 4, the last part taking the rest, with A and C offset by the part\'s first row', () => {
    const p = { transA: 0, transB: 1, M: 70, N: 10, K: 6, alpha: 1, a: 1000, lda: 6, b: 0, ldb: 6, beta: 0, c: 5000, ldc: 10, work: 0 };
    const parts = splitRows(p, 3, [10, 20, 30]);
    expect(parts.map((q) => q.M)).toEqual([24, 24, 22]); // ceil(70 / 3 / 4) · 4 = 24
    expect(parts.map((q) => q.a)).toEqual([1000, 1000 + 24 * 6 * 4, 1000 + 48 * 6 * 4]);
    expect(parts.map((q) => q.c)).toEqual([5000, 5000 + 24 * 10 * 4, 5000 + 48 * 10 * 4]);
    expect(parts.map((q) => q.work)).toEqual([10, 20, 30]);
    // transposed A: op(A)'s rows are A's columns, so the offset is one float per row
    expect(splitRows({ ...p, transA: 1, lda: 70 }, 2, [1, 2]).map((q) => q.a)).toEqual([1000, 1000 + 36 * 4]);
    // fewer rows than threads × 4: fewer parts
    expect(splitRows({ ...p, M: 5 }, 3, [1, 2, 3]).map((q) => q.M)).toEqual([4, 1]);
  });

  it('splits columns in multiples of 16, with B and C offset by the block\'s first column and C\'s row stride kept', () => {
    const p = { transA: 0, transB: 0, M: 32, N: 1000, K: 8, alpha: 1, a: 0, lda: 8, b: 4000, ldb: 1000, beta: 0, c: 9000, ldc: 1000, work: 0 };
    const parts = splitColumns(p, 3, [1, 2, 3]);
    expect(parts.map((q) => q.N)).toEqual([336, 336, 328]); // ceil(1000 / 3 / 16) · 16 = 336
    expect(parts.map((q) => q.b)).toEqual([4000, 4000 + 336 * 4, 4000 + 672 * 4]);
    expect(parts.map((q) => q.c)).toEqual([9000, 9000 + 336 * 4, 9000 + 672 * 4]);
    expect(parts.every((q) => q.ldc === 1000 && q.M === 32)).toBe(true);
    // op(B) = Bᵀ: a column block of op(B) is a block of B's rows
    expect(splitColumns({ ...p, transB: 1, ldb: 8 }, 2, [1, 2]).map((q) => q.b)).toEqual([4000, 4000 + 512 * 8 * 4]);
    // few rows → columns; many rows → rows
    expect(splitProduct(p, 2, [1, 2]).map((q) => q.N)).toEqual([512, 488]);
    expect(splitProduct({ ...p, M: SPLIT_ROWS_FROM }, 2, [1, 2]).map((q) => q.M)).toEqual([128, 128]);
  });

  it('rejects a thread count that is not an integer from 1 to 64', () => {
    expect(() => setKernelThreads(0)).toThrow('setNumThreads: n must be an integer from 1 to 64, got 0');
    expect(() => setKernelThreads(2.5)).toThrow('got 2.5');
  });

  it('2 and 3 threads give the bits of 1 thread on every transpose case, odd sizes and resident operands', () => {
    // all ≥ THREAD_MIN_WORK multiply-adds with ≥ 8 rows, so every one is split
    const shapes: [number, number, number][] = [[70, 530, 300], [257, 64, 260], [33, 512, 256], [9, 1200, 400]];
    const cases = shapes.flatMap(([M, N, K]) => [false, true].flatMap((transA) => [false, true].map((transB) => ({ M, N, K, transA, transB }))));
    const results = new Map<number, Float32Array[]>();
    for (const threads of [1, 2, 3]) {
      setKernelThreads(threads);
      expect(kernelThreads()).toBe(threads);
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
        expect(C2.every((v, j) => Object.is(v, C[j]))).toBe(true);
      }
      expect(threadStats.splitProducts - before).toBe(threads === 1 ? 0 : 2 * cases.length);
      results.set(threads, out);
    }
    for (const threads of [2, 3]) {
      results.get(threads)!.forEach((c, i) => {
        const same = c.every((v, j) => Object.is(v, results.get(1)![i][j]));
        expect(same, `${threads} threads, case ${JSON.stringify(cases[i])}`).toBe(true);
      });
    }
  });
});
