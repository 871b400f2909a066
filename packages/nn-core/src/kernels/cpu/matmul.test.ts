import { describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { gemm, gemmNaive } from './matmul.js';

function randomArray(g: Generator, n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe('gemm', () => {
  it('matches gemmNaive on odd sizes, all four transpose cases, with alpha and beta', () => {
    const g = new Generator(11);
    // Sizes that are not multiples of the 4×4 tile, plus degenerate ones.
    const sizes: [number, number, number][] = [[7, 13, 5], [1, 1, 1], [33, 17, 65], [4, 4, 4], [5, 1, 9], [1, 8, 3], [6, 10, 0]];
    for (const [M, N, K] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const [alpha, beta] of [[1, 0], [0.5, 1], [-2, 0.25]]) {
            const A = randomArray(g, M * K);
            const B = randomArray(g, K * N);
            const C0 = randomArray(g, M * N);
            const fast = C0.slice();
            const slow = C0.slice();
            gemm(transA, transB, M, N, K, alpha, A, B, beta, fast);
            gemmNaive(transA, transB, M, N, K, alpha, A, B, beta, slow);
            // Both sum the same products in the same k order in double precision: equal up to rounding of
            // the final alpha/beta combination, far below 1e-12 for |values| < 1 and K ≤ 65.
            expect(maxAbsDiff(fast, slow), `M=${M} N=${N} K=${K} tA=${transA} tB=${transB}`).toBeLessThan(1e-12);
          }
        }
      }
    }
  });

  it('computes a hand-checked product: [[1, 2], [3, 4]] · [[5, 6], [7, 8]] = [[19, 22], [43, 50]]', () => {
    const C = new Float32Array(4);
    gemm(false, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 0, C);
    expect(Array.from(C)).toEqual([19, 22, 43, 50]);
    // Aᵀ·B with A = [[1, 2], [3, 4]]: Aᵀ = [[1, 3], [2, 4]], product [[26, 30], [38, 44]]
    gemm(true, false, 2, 2, 2, 1, new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 0, C);
    expect(Array.from(C)).toEqual([26, 30, 38, 44]);
  });

  it('with beta = 0 does not read C, so NaN in C does not leak (BLAS semantics)', () => {
    const C = new Float64Array([NaN]);
    gemm(false, false, 1, 1, 1, 1, new Float64Array([2]), new Float64Array([3]), 0, C);
    expect(C[0]).toBe(6);
  });

  it('addresses blocks of wider matrices through leading dims, matching gemmNaive', () => {
    const g = new Generator(12);
    const [M, N, K] = [5, 6, 7];
    const A = randomArray(g, M * 9); // (M, K) block inside an (M, 9) matrix
    const B = randomArray(g, N * 10); // transposed: (N, K) block inside (N, 10)
    const fast = randomArray(g, M * 8); // (M, N) block inside (M, 8)
    const slow = fast.slice();
    const layout = { lda: 9, ldb: 10, ldc: 8 };
    gemm(false, true, M, N, K, 1, A, B, 1, fast, layout);
    gemmNaive(false, true, M, N, K, 1, A, B, 1, slow, layout);
    expect(maxAbsDiff(fast, slow)).toBeLessThan(1e-12);
    // the two columns of C outside the block (6 and 7 of each row) are untouched: fast and slow started equal
    expect(fast[6]).toBe(slow[6]);
  });

  it('rejects arrays too small for the stated sizes, naming the matrix', () => {
    expect(() => gemm(false, false, 2, 2, 3, 1, new Float32Array(5), new Float32Array(6), 0, new Float32Array(4))).toThrow(
      'gemm: A has 5 elements, expected at least 6 for a (2, 3) matrix with row stride 3',
    );
    expect(() => gemm(false, false, -1, 2, 3, 1, new Float32Array(0), new Float32Array(6), 0, new Float32Array(4))).toThrow(
      'gemm: M must be a non-negative integer, got -1',
    );
  });
});
