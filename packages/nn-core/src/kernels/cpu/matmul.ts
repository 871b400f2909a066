/**
 * General matrix multiply on row-major typed arrays, BLAS-style:
 *
 *   C ← alpha · op(A) · op(B) + beta · C,   op(A) is (M, K), op(B) is (K, N), C is (M, N)
 *
 * `transA` means A is stored as (K, M) and used transposed (likewise `transB`: B stored (N, K)). Leading dims
 * (the row stride of each stored matrix) default to the stored row length, so `subarray` views of contiguous
 * tensors need no layout argument; pass `lda`/`ldb`/`ldc` to address a block of a wider matrix.
 * With beta = 0, C is written without being read (NaN in C does not leak), as in BLAS.
 *
 * `gemm` dispatches: float32 products of at least WASM_MIN_WORK multiply-adds go to the WebAssembly SIMD sgemm
 * (gemm_wasm.ts; float32 accumulation, blocked summation order) when it is available, everything else (all float64,
 * so float64 results never depend on the backend) to `gemmJs`, 4×4 register tiles with products accumulated in
 * double precision. `gemmNaive` is the reference twin of both, kept for the randomized tests.
 */
import type { TypedArray } from '../../dtype.js';
import { sgemmWasm } from './sgemm_wasm.js';

/** Below this many multiply-adds (M·N·K) the copies into WebAssembly memory cost more than they save. */
export const WASM_MIN_WORK = 4096;

/** Row strides of the stored matrices (elements between consecutive stored rows). */
export interface GemmLayout {
  lda?: number;
  ldb?: number;
  ldc?: number;
}

/** Element strides of op(A) and op(B), after checking that the arrays hold the matrices. */
function strides(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: TypedArray,
  B: TypedArray,
  C: TypedArray,
  layout: GemmLayout,
): { ai: number; ak: number; bk: number; bj: number; ldc: number } {
  for (const [name, v] of [['M', M], ['N', N], ['K', K]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`gemm: ${name} must be a non-negative integer, got ${v}`);
  }
  const lda = layout.lda ?? (transA ? M : K);
  const ldb = layout.ldb ?? (transB ? K : N);
  const ldc = layout.ldc ?? N;
  need('A', A, transA ? K : M, transA ? M : K, lda);
  need('B', B, transB ? N : K, transB ? K : N, ldb);
  need('C', C, M, N, ldc);
  return {
    ai: transA ? 1 : lda,
    ak: transA ? lda : 1,
    bk: transB ? 1 : ldb,
    bj: transB ? ldb : 1,
    ldc,
  };
}

function need(name: string, a: TypedArray, rows: number, cols: number, ld: number): void {
  if (rows === 0 || cols === 0) return;
  if (ld < cols) throw new RangeError(`gemm: leading dim of ${name} is ${ld}, expected at least its row length ${cols}`);
  const n = (rows - 1) * ld + cols;
  if (a.length < n) {
    throw new RangeError(`gemm: ${name} has ${a.length} elements, expected at least ${n} for a (${rows}, ${cols}) matrix with row stride ${ld}`);
  }
}

/** C[at] ← alpha·s + beta·C[at], never reading C when beta = 0. */
function put(C: TypedArray, at: number, s: number, alpha: number, beta: number): void {
  C[at] = beta === 0 ? alpha * s : alpha * s + beta * C[at];
}

/** C ← alpha · op(A) · op(B) + beta · C (row-major; see the module doc). */
export function gemm(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: TypedArray,
  B: TypedArray,
  beta: number,
  C: TypedArray,
  layout: GemmLayout = {},
): void {
  if (C instanceof Float32Array && A instanceof Float32Array && B instanceof Float32Array && M * N * K >= WASM_MIN_WORK) {
    strides(transA, transB, M, N, K, A, B, C, layout);
    const lda = layout.lda ?? (transA ? M : K);
    const ldb = layout.ldb ?? (transB ? K : N);
    if (sgemmWasm(transA, transB, M, N, K, alpha, A, B, beta, C, lda, ldb, layout.ldc ?? N)) return;
  }
  gemmJs(transA, transB, M, N, K, alpha, A, B, beta, C, layout);
}

/** The JavaScript gemm (4×4 register tiles, double-precision accumulation), whatever the dtype. */
export function gemmJs(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: TypedArray,
  B: TypedArray,
  beta: number,
  C: TypedArray,
  layout: GemmLayout = {},
): void {
  const { ai, ak, bk, bj, ldc } = strides(transA, transB, M, N, K, A, B, C, layout);
  const M4 = M - (M % 4);
  const N4 = N - (N % 4);
  for (let i = 0; i < M4; i += 4) {
    for (let j = 0; j < N4; j += 4) tile4x4(A, B, C, i, j, K, ai, ak, bk, bj, ldc, alpha, beta);
    edge(A, B, C, i, i + 4, N4, N, K, ai, ak, bk, bj, ldc, alpha, beta);
  }
  edge(A, B, C, M4, M, 0, N, K, ai, ak, bk, bj, ldc, alpha, beta);
}

/** One 4×4 block of C from 16 register accumulators: 8 loads feed 16 multiply-adds per step of k. */
function tile4x4(
  A: TypedArray, B: TypedArray, C: TypedArray, i: number, j: number, K: number,
  ai: number, ak: number, bk: number, bj: number, ldc: number, alpha: number, beta: number,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0, c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0, c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  let pa = i * ai;
  let pb = j * bj;
  const ai2 = 2 * ai, ai3 = 3 * ai, bj2 = 2 * bj, bj3 = 3 * bj;
  for (let k = 0; k < K; k++) {
    const a0 = A[pa], a1 = A[pa + ai], a2 = A[pa + ai2], a3 = A[pa + ai3];
    const b0 = B[pb], b1 = B[pb + bj], b2 = B[pb + bj2], b3 = B[pb + bj3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
    pa += ak;
    pb += bk;
  }
  let r = i * ldc + j;
  put(C, r, c00, alpha, beta); put(C, r + 1, c01, alpha, beta); put(C, r + 2, c02, alpha, beta); put(C, r + 3, c03, alpha, beta);
  r += ldc;
  put(C, r, c10, alpha, beta); put(C, r + 1, c11, alpha, beta); put(C, r + 2, c12, alpha, beta); put(C, r + 3, c13, alpha, beta);
  r += ldc;
  put(C, r, c20, alpha, beta); put(C, r + 1, c21, alpha, beta); put(C, r + 2, c22, alpha, beta); put(C, r + 3, c23, alpha, beta);
  r += ldc;
  put(C, r, c30, alpha, beta); put(C, r + 1, c31, alpha, beta); put(C, r + 2, c32, alpha, beta); put(C, r + 3, c33, alpha, beta);
}

/** Rows [i0, i1) × columns [j0, j1) of C, one dot product per element (the ragged edges of the tiling). */
function edge(
  A: TypedArray, B: TypedArray, C: TypedArray, i0: number, i1: number, j0: number, j1: number, K: number,
  ai: number, ak: number, bk: number, bj: number, ldc: number, alpha: number, beta: number,
): void {
  for (let i = i0; i < i1; i++) {
    for (let j = j0; j < j1; j++) {
      let s = 0;
      let pa = i * ai;
      let pb = j * bj;
      for (let k = 0; k < K; k++) {
        s += A[pa] * B[pb];
        pa += ak;
        pb += bk;
      }
      put(C, i * ldc + j, s, alpha, beta);
    }
  }
}

/** The reference twin of `gemm`: the definition, one element at a time. */
export function gemmNaive(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  alpha: number,
  A: TypedArray,
  B: TypedArray,
  beta: number,
  C: TypedArray,
  layout: GemmLayout = {},
): void {
  const lda = layout.lda ?? (transA ? M : K);
  const ldb = layout.ldb ?? (transB ? K : N);
  const ldc = layout.ldc ?? N;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[k * lda + i] : A[i * lda + k];
        const b = transB ? B[j * ldb + k] : B[k * ldb + j];
        s += a * b;
      }
      C[i * ldc + j] = beta === 0 ? alpha * s : alpha * s + beta * C[i * ldc + j];
    }
  }
}
