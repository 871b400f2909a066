// Single-precision GEMM for WebAssembly SIMD (128-bit), compiled by AssemblyScript at install time
// (scripts/build-wasm.mjs) and driven by src/kernels/cpu/gemm_wasm.ts, which owns the linear memory layout.
//
//   C ← alpha · op(A) · op(B) + beta · C,   op(A) (M, K), op(B) (K, N), C (M, N), all row-major
//   (or + beta · bias, a row of N floats broadcast over the rows of C, which is then not read)
//
// A and B sit in linear memory exactly as the caller stores them (leading dims lda/ldb); C is compact (ldc = N).
// Blocking as in GotoBLAS / BLIS: B is packed in KC × NC blocks of NR-wide column panels, A in MC × KC blocks of
// MR-tall row panels (both zero-padded at the edges), and a 4 × 8 register tile (8 f32x4 accumulators) runs over
// a micro-panel pair. Summation order is fixed (k ascending within a KC block, blocks ascending), so results are
// identical run to run.

const MR: i32 = 4;
const NR: i32 = 8;
const KC: i32 = 256;
const MC: i32 = 64;
const NC: i32 = 512;

/** Bytes of scratch the caller reserves at `work`: packed B block, packed A block, one edge tile. */
export function workBytes(): i32 {
  return (KC * NC + MC * KC + MR * NR) * 4;
}

/** First free byte after static data (the caller places its regions from here on). */
export function heapBase(): usize {
  return __heap_base;
}

/** 1 when built with relaxed SIMD (fused multiply-add where the engine offers it). */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

// @ts-ignore: decorator
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-wide panels: panel p holds kc rows of NR floats (zero beyond nc). */
function packB(transB: i32, b: usize, ldb: i32, pc: i32, jc: i32, kc: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const nr = min(NR, nc - jr);
    if (!transB) {
      let src = b + (<usize>pc * <usize>ldb + <usize>(jc + jr)) * 4;
      if (nr == NR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += <usize>ldb * 4;
          dst += NR * 4;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let j = 0; j < NR; j++) store<f32>(dst + j * 4, j < nr ? load<f32>(src + j * 4) : 0);
          src += <usize>ldb * 4;
          dst += NR * 4;
        }
      }
    } else if (nr == NR) {
      // op(B)[k, j] = B[j, k]: rows jc+jr .. +7 of B, transposed 4 × 4 at a time.
      const src = b + (<usize>(jc + jr) * <usize>ldb + <usize>pc) * 4;
      const ld = <usize>ldb * 4;
      transpose4(src, ld, kc, dst, NR * 4);
      transpose4(src + 4 * ld, ld, kc, dst + 16, NR * 4);
      dst += <usize>kc * NR * 4;
    } else {
      for (let j = 0; j < NR; j++) {
        const out = dst + j * 4;
        if (j < nr) {
          const src = b + (<usize>(jc + jr + j) * <usize>ldb + <usize>pc) * 4;
          for (let k = 0; k < kc; k++) store<f32>(out + k * NR * 4, load<f32>(src + k * 4));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(out + k * NR * 4, 0);
        }
      }
      dst += <usize>kc * NR * 4;
    }
  }
}

/**
 * Four rows of `n` floats at `src` (row stride `ld` bytes) → `n` groups of four at `dst` (stride `step` bytes):
 * dst[k][r] = src[r][k], four k at a time with 4 × 4 lane transposes, the last n mod 4 one by one.
 */
function transpose4(src: usize, ld: usize, n: i32, dst: usize, step: usize): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const at = src + <usize>k * 4;
    const r0 = v128.load(at);
    const r1 = v128.load(at + ld);
    const r2 = v128.load(at + 2 * ld);
    const r3 = v128.load(at + 3 * ld);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const out = dst + <usize>k * step;
    v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(out + step, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7));
    v128.store(out + 2 * step, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5));
    v128.store(out + 3 * step, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7));
  }
  for (let k = n4; k < n; k++) {
    for (let r = 0; r < 4; r++) store<f32>(dst + <usize>k * step + r * 4, load<f32>(src + <usize>r * ld + <usize>k * 4));
  }
}

/** Packs op(A)[ic:ic+mc, pc:pc+kc] into MR-tall panels: panel p holds kc columns of MR floats (zero beyond mc). */
function packA(transA: i32, a: usize, lda: i32, ic: i32, pc: i32, mc: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const mr = min(MR, mc - ir);
    if (transA) {
      // op(A)[i, k] = A[k, i]: the MR values of step k are contiguous in row pc+k of A.
      let src = a + (<usize>pc * <usize>lda + <usize>(ic + ir)) * 4;
      if (mr == MR) {
        for (let k = 0; k < kc; k++) {
          v128.store(dst, v128.load(src));
          src += <usize>lda * 4;
          dst += MR * 4;
        }
      } else {
        for (let k = 0; k < kc; k++) {
          for (let i = 0; i < MR; i++) store<f32>(dst + i * 4, i < mr ? load<f32>(src + i * 4) : 0);
          src += <usize>lda * 4;
          dst += MR * 4;
        }
      }
    } else if (mr == MR) {
      // op(A)[i, k] = A[i, k]: rows ic+ir .. +3 of A, transposed 4 × 4 at a time.
      transpose4(a + (<usize>(ic + ir) * <usize>lda + <usize>pc) * 4, <usize>lda * 4, kc, dst, MR * 4);
      dst += <usize>kc * MR * 4;
    } else {
      for (let i = 0; i < MR; i++) {
        const out = dst + i * 4;
        if (i < mr) {
          const src = a + (<usize>(ic + ir + i) * <usize>lda + <usize>pc) * 4;
          for (let k = 0; k < kc; k++) store<f32>(out + k * MR * 4, load<f32>(src + k * 4));
        } else {
          for (let k = 0; k < kc; k++) store<f32>(out + k * MR * 4, 0);
        }
      }
      dst += <usize>kc * MR * 4;
    }
  }
}

/**
 * One MR × NR tile: acc = Ap · B over kc steps, then C ← alpha·acc + beta·C (C not read when beta = 0). B's NR
 * values of step k are at pb + k·bStride: a packed panel (bStride = NR·4) or B where it is stored (its row
 * stride, for op(B) = B read in place). Partial tiles (mr < MR or nr < NR) go through the edge buffer so nothing
 * outside C is touched; a partial nr needs a packed panel (zero beyond nr).
 */
function kernel(
  kc: i32, pa: usize, pb: usize, bStride: usize, c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, edge: usize,
  bias: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(pa);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(pa, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(pa, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(pa, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    pa += MR * 4;
    pb += bStride;
  }
  storeTile(c, ldc, mr, nr, alpha, beta, edge, bias, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * C ← alpha·acc + beta·C for one MR × NR tile of accumulators (row i in c{i}0 | c{i}1); C is not read when
 * beta = 0. With `bias` ≠ 0 (the tile's columns of a bias row) every row's beta term reads the bias instead of C:
 * the operations of a C filled with bias rows. Partial tiles go through the edge buffer, with the same float32
 * operations per element.
 */
// @ts-ignore: decorator
@inline
function storeTile(
  c: usize, ldc: i32, mr: i32, nr: i32, alpha: f32, beta: f32, edge: usize, bias: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128,
): void {
  const va = f32x4.splat(alpha);
  if (mr == MR && nr == NR) {
    const row = <usize>ldc * 4;
    if (beta == 0) {
      v128.store(c, f32x4.mul(va, c00));
      v128.store(c, f32x4.mul(va, c01), 16);
      v128.store(c + row, f32x4.mul(va, c10));
      v128.store(c + row, f32x4.mul(va, c11), 16);
      v128.store(c + 2 * row, f32x4.mul(va, c20));
      v128.store(c + 2 * row, f32x4.mul(va, c21), 16);
      v128.store(c + 3 * row, f32x4.mul(va, c30));
      v128.store(c + 3 * row, f32x4.mul(va, c31), 16);
    } else {
      const vb = f32x4.splat(beta);
      // the beta term's row: C's own, or the same bias row for all four
      const step: usize = bias != 0 ? 0 : row;
      const src = bias != 0 ? bias : c;
      update(c, src, c00, va, vb);
      update(c + 16, src + 16, c01, va, vb);
      update(c + row, src + step, c10, va, vb);
      update(c + row + 16, src + step + 16, c11, va, vb);
      update(c + 2 * row, src + 2 * step, c20, va, vb);
      update(c + 2 * row + 16, src + 2 * step + 16, c21, va, vb);
      update(c + 3 * row, src + 3 * step, c30, va, vb);
      update(c + 3 * row + 16, src + 3 * step + 16, c31, va, vb);
    }
    return;
  }
  v128.store(edge, c00);
  v128.store(edge, c01, 16);
  v128.store(edge, c10, 32);
  v128.store(edge, c11, 48);
  v128.store(edge, c20, 64);
  v128.store(edge, c21, 80);
  v128.store(edge, c30, 96);
  v128.store(edge, c31, 112);
  for (let i = 0; i < mr; i++) {
    for (let j = 0; j < nr; j++) {
      const at = c + (<usize>i * <usize>ldc + <usize>j) * 4;
      const s = alpha * load<f32>(edge + (i * NR + j) * 4);
      store<f32>(at, beta == 0 ? s : s + beta * load<f32>(bias != 0 ? bias + <usize>j * 4 : at));
    }
  }
}

/** at ← alpha·acc + beta·src (src: the same place of C, or of a bias row). */
// @ts-ignore: decorator
@inline
function update(at: usize, src: usize, acc: v128, va: v128, vb: v128): void {
  v128.store(at, f32x4.add(f32x4.mul(va, acc), f32x4.mul(vb, v128.load(src))));
}

/** C ← beta · C, or beta · bias in every row (C not read when beta = 0): the whole product when K = 0 or alpha = 0. */
function scale(M: i32, N: i32, beta: f32, c: usize, bias: usize): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      const at = c + (<usize>i * <usize>N + <usize>j) * 4;
      store<f32>(at, beta == 0 ? 0 : beta * load<f32>(bias != 0 ? bias + <usize>j * 4 : at));
    }
  }
}

/**
 * One row of C (M = 1, op(B) = B stored (K, ldb)) over 24 columns from j: per k, a splat of A[k] times six vectors
 * of B's row k. Six independent accumulator chains hide most of the multiply-add latency (measured on a row times
 * 96 × 288: 16 columns with four chains 25 GFLOPS, 24 with six 30, 28 with seven 28, 32 with eight 17 — the engine
 * then runs out of vector registers). Each element gets the operations of the tile path (k ascending from 0, then
 * the epilogue: alpha·acc, plus beta·C unless beta = 0), so the bits are the same.
 */
function rowTimesB24(kc: i32, a: usize, b: usize, ldb: i32, pc: i32, j: i32, c: usize, alpha: f32, beta: f32, bias: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0);
  let s3 = f32x4.splat(0), s4 = f32x4.splat(0), s5 = f32x4.splat(0);
  let src = b + (<usize>pc * <usize>ldb + <usize>j) * 4;
  const ld = <usize>ldb * 4;
  for (let k = 0; k < kc; k++) {
    const x = v128.load32_splat(a + <usize>k * 4);
    s0 = madd(x, v128.load(src), s0);
    s1 = madd(x, v128.load(src, 16), s1);
    s2 = madd(x, v128.load(src, 32), s2);
    s3 = madd(x, v128.load(src, 48), s3);
    s4 = madd(x, v128.load(src, 64), s4);
    s5 = madd(x, v128.load(src, 80), s5);
    src += ld;
  }
  const at = c + <usize>j * 4;
  const from = bias != 0 ? bias + <usize>j * 4 : at;
  rowEpilogue(at, from, s0, s1, alpha, beta);
  rowEpilogue(at + 32, from + 32, s2, s3, alpha, beta);
  rowEpilogue(at + 64, from + 64, s4, s5, alpha, beta);
}

/** `rowTimesB24` over 16 columns from j (four chains), for the columns the 24-wide blocks leave. */
function rowTimesB16(kc: i32, a: usize, b: usize, ldb: i32, pc: i32, j: i32, c: usize, alpha: f32, beta: f32, bias: usize): void {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
  let src = b + (<usize>pc * <usize>ldb + <usize>j) * 4;
  const ld = <usize>ldb * 4;
  for (let k = 0; k < kc; k++) {
    const x = v128.load32_splat(a + <usize>k * 4);
    s0 = madd(x, v128.load(src), s0);
    s1 = madd(x, v128.load(src, 16), s1);
    s2 = madd(x, v128.load(src, 32), s2);
    s3 = madd(x, v128.load(src, 48), s3);
    src += ld;
  }
  const at = c + <usize>j * 4;
  const from = bias != 0 ? bias + <usize>j * 4 : at;
  rowEpilogue(at, from, s0, s1, alpha, beta);
  rowEpilogue(at + 32, from + 32, s2, s3, alpha, beta);
}

/** C[at … at + 8) ← alpha·acc + beta·src (not read when beta = 0; src: C or a bias row), as `storeTile` does. */
// @ts-ignore: decorator
@inline
function rowEpilogue(at: usize, src: usize, s0: v128, s1: v128, alpha: f32, beta: f32): void {
  const va = f32x4.splat(alpha);
  if (beta == 0) {
    v128.store(at, f32x4.mul(va, s0));
    v128.store(at, f32x4.mul(va, s1), 16);
  } else {
    const vb = f32x4.splat(beta);
    update(at, src, s0, va, vb);
    update(at + 16, src + 16, s1, va, vb);
  }
}

/**
 * dst (cols, rows) ← src (rows, cols)ᵀ, src compact, dst rows `ldd` ≥ rows floats apart (byte offsets): four rows at a
 * time with 4 × 4 lane transposes, the last rows mod 4 one by one. Lets a caller keep W_hh transposed for
 * matrix–vector steps.
 */
export function transpose(rows: i32, cols: i32, src: usize, dst: usize, ldd: i32): void {
  const rows4 = rows & ~3;
  const step = <usize>ldd * 4;
  const ld = <usize>cols * 4;
  // 16-row tiles, so the written lines of dst (16 floats from 16 rows) are still cached when the next rows fill them;
  // 64 columns wide, or 8 when dst's row stride is a multiple of 1 KB: its lines then fall in a few cache sets, and
  // 64 of them evict each other (a 512 × 128 W_hh took 86 µs that way, 14 µs in 8-column tiles)
  const width = (step & 1023) == 0 ? 8 : 64;
  for (let r0 = 0; r0 < rows4; r0 += 16) {
    const r1 = min(r0 + 16, rows4);
    for (let k0 = 0; k0 < cols; k0 += width) {
      const n = min(width, cols - k0);
      for (let r = r0; r < r1; r += 4) {
        transpose4(src + <usize>r * ld + <usize>k0 * 4, ld, n, dst + <usize>k0 * step + <usize>r * 4, step);
      }
    }
  }
  for (let r = rows4; r < rows; r++) {
    for (let k = 0; k < cols; k++) store<f32>(dst + <usize>k * step + <usize>r * 4, load<f32>(src + (<usize>r * <usize>cols + <usize>k) * 4));
  }
}

/**
 * Row stride (floats) at which a layer keeps W_hhᵀ (H, G·H): G·H, plus 16 where G·H floats are a multiple of 1 KB.
 * Rows a power-of-two number of KB apart fall in a few cache sets, so a row × W_hhᵀ product, which walks down all H
 * rows, and the transpose that writes them would evict their own lines.
 */
export function whhTStride(GH: i32): i32 {
  return (GH & 255) == 0 ? GH + 16 : GH;
}

/**
 * The product for M ≤ MR and op(B) = B (a row × matrix product when M = 1, as in every step of a recurrent layer
 * at batch 1 once W_hh is kept transposed): packing a block of B would cost as much as the product itself, so
 * column tiles read B where it is stored (`rowTimesB24`/`rowTimesB16` for one row, else `kernel` with B's row stride on a packed MR
 * panel of A); only a last partial tile goes through a packed panel of B. (With transB, reading B in place needs lane
 * transposes that measured slower than packing: those products take the packed path.)
 */
function sgemmSmallM(
  transA: i32, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, work: usize, bias: usize,
): void {
  const bp = work;
  const ap = bp + <usize>(KC * NC) * 4;
  const edge = ap + <usize>(MC * KC) * 4;
  const nFull = N - N % NR;
  // one row of A stored contiguously: a plain row × matrix product, in blocks of 24 columns then 16 (a last 24 + 8
  // become 16 + 16, so widths that are multiples of 8 need no tile)
  const gemv = M == 1 && (!transA || lda == 1);
  let n24 = gemv ? N - N % 24 : 0;
  if (n24 >= 24 && (N - n24) % 16 == 8) n24 -= 24;
  const n16 = gemv ? n24 + ((N - n24) & ~15) : 0;
  for (let pc = 0; pc < K; pc += KC) {
    const kc = min(KC, K - pc);
    const bet: f32 = pc == 0 ? beta : 1;
    const bs: usize = pc == 0 ? bias : 0;
    for (let j = 0; j < n24; j += 24) rowTimesB24(kc, a + <usize>pc * 4, b, ldb, pc, j, c, alpha, bet, bs);
    for (let j = n24; j < n16; j += 16) rowTimesB16(kc, a + <usize>pc * 4, b, ldb, pc, j, c, alpha, bet, bs);
    if (n16 == N) continue;
    packA(transA, a, lda, 0, pc, M, kc, ap);
    for (let j = n16; j < nFull; j += NR) {
      const pb = b + (<usize>pc * <usize>ldb + <usize>j) * 4;
      kernel(kc, ap, pb, <usize>ldb * 4, c + <usize>j * 4, N, M, NR, alpha, bet, edge, bs == 0 ? 0 : bs + <usize>j * 4);
    }
    if (nFull < N) {
      packB(0, b, ldb, pc, nFull, kc, N - nFull, bp);
      kernel(kc, ap, bp, NR * 4, c + <usize>nFull * 4, N, M, N - nFull, alpha, bet, edge, bs == 0 ? 0 : bs + <usize>nFull * 4);
    }
  }
}

/**
 * C ← alpha · op(A) · op(B) + beta · C, or with `bias` ≠ 0 + beta · bias: a row of N floats added to every row
 * (C is then not read; the bits of C filled with bias rows, without writing and reading them). Byte offsets a, b,
 * c, work, bias; C compact (ldc = N); `work` has workBytes().
 */
export function sgemm(
  transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, beta: f32, c: usize, work: usize, bias: usize,
): void {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0) {
    scale(M, N, beta, c, bias);
    return;
  }
  if (M <= MR && !transB) {
    sgemmSmallM(transA, M, N, K, alpha, a, lda, b, ldb, beta, c, work, bias);
    return;
  }
  blocked(transA, transB, M, N, K, alpha, a, lda, b, ldb, 0, beta, c, work, bias);
}

/** Floats that `packBAll` writes for op(B) (K, N): every KC × NC block packed, NR-wide panels zero-padded. */
export function packedBFloats(K: i32, N: i32): i32 {
  let n = 0;
  for (let jc = 0; jc < N; jc += NC) n += ((min(NC, N - jc) + NR - 1) / NR) * NR * K;
  return n;
}

/**
 * Packs all of op(B) (K, N) at `dst` as `sgemm` packs it block by block (`packedBFloats` floats): for an operand
 * that many products share (W_hh, at every step of a layer), packed once instead of at every product.
 */
export function packBAll(transB: i32, b: usize, ldb: i32, K: i32, N: i32, dst: usize): void {
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) packB(transB, b, ldb, pc, jc, min(KC, K - pc), nc, dst + packedAt(jc, pc, nc, K));
  }
}

/** Byte offset of block (jc, pc) in `packBAll`'s layout: earlier column blocks whole, then earlier K blocks of this one. */
// @ts-ignore: decorator
@inline
function packedAt(jc: i32, pc: i32, nc: i32, K: i32): usize {
  const width = ((nc + NR - 1) / NR) * NR;
  return (<usize>jc * <usize>K + <usize>width * <usize>pc) * 4;
}

/**
 * `sgemm` with op(B) already packed by `packBAll` at `bPacked`: the blocked path with the same operations, so
 * the same bits as `sgemm` (whose products of at most 4 rows read B in place with those bits too).
 */
export function sgemmPacked(
  transA: i32, M: i32, N: i32, K: i32, alpha: f32, a: usize, lda: i32, bPacked: usize, beta: f32, c: usize, work: usize,
  bias: usize,
): void {
  if (M == 0 || N == 0) return;
  if (K == 0 || alpha == 0) {
    scale(M, N, beta, c, bias);
    return;
  }
  blocked(transA, 0, M, N, K, alpha, a, lda, 0, 0, bPacked, beta, c, work, bias);
}

/** The GotoBLAS loop nest; B's blocks are packed into `work` here, or read from `bPacked` (≠ 0) when packed ahead. */
function blocked(
  transA: i32, transB: i32, M: i32, N: i32, K: i32, alpha: f32,
  a: usize, lda: i32, b: usize, ldb: i32, bPacked: usize, beta: f32, c: usize, work: usize, bias: usize,
): void {
  const ap = work + <usize>(KC * NC) * 4;
  const edge = ap + <usize>(MC * KC) * 4;
  for (let jc = 0; jc < N; jc += NC) {
    const nc = min(NC, N - jc);
    for (let pc = 0; pc < K; pc += KC) {
      const kc = min(KC, K - pc);
      // The first K block applies beta (to C or the bias row); later ones add to what the earlier ones wrote.
      const bet: f32 = pc == 0 ? beta : 1;
      const bs: usize = pc == 0 && bias != 0 ? bias + <usize>jc * 4 : 0;
      let bp = work;
      if (bPacked != 0) bp = bPacked + packedAt(jc, pc, nc, K);
      else packB(transB, b, ldb, pc, jc, kc, nc, bp);
      for (let ic = 0; ic < M; ic += MC) {
        const mc = min(MC, M - ic);
        packA(transA, a, lda, ic, pc, mc, kc, ap);
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = bp + <usize>jr * <usize>kc * 4;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const cc = c + (<usize>(ic + ir) * <usize>N + <usize>(jc + jr)) * 4;
            kernel(kc, ap + <usize>ir * <usize>kc * 4, pb, NR * 4, cc, N, mr, nr, alpha, bet, edge, bs == 0 ? 0 : bs + <usize>jr * 4);
          }
        }
      }
    }
  }
}
