import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import { gemmBackend, reserve, wasmKernels } from './gemm_wasm.js';
import { sgemmWasm, withResidentOperands } from './sgemm_wasm.js';
import { gemm, gemmNaive, WASM_MIN_WORK } from './matmul.js';

/** Values in [-1, 1) that are exact in float32, so both sides multiply the same numbers. */
function randomF32(g: Generator, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = g.random() * 2 - 1;
  return a;
}

interface Case {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  alpha: number;
  beta: number;
  lda: number;
  ldb: number;
  ldc: number;
}

/**
 * Runs the WebAssembly sgemm and gemmNaive in float64 on the same float32 inputs and checks every element of C
 * (gaps of a wider ldc included) against the float32 rounding bound of a K-term dot product:
 *   |wasm − naive| ≤ (K + 3)·2⁻²³ · (|alpha|·Σ_k |a_ik·b_kj| + |beta·c_ij|)
 * (γ_K for the sum, one rounding each for alpha, beta and the final add). A wrong index or a missed block
 * is off by O(1), far above this.
 */
function check(g: Generator, k: Case): void {
  const { transA, transB, M, N, K, alpha, beta, lda, ldb, ldc } = k;
  const A = randomF32(g, (transA ? K : M) * lda);
  const B = randomF32(g, (transB ? N : K) * ldb);
  const C0 = randomF32(g, M * ldc);
  if (beta === 0) C0.fill(NaN, 0, Math.min(C0.length, 3)); // beta = 0 must not read C
  const fast = C0.slice();
  const slow = Float64Array.from(C0);
  const layout = { lda, ldb, ldc };
  expect(sgemmWasm(transA, transB, M, N, K, alpha, A, B, beta, fast, lda, ldb, ldc)).toBe(true);
  gemmNaive(transA, transB, M, N, K, alpha, Float64Array.from(A), Float64Array.from(B), beta, slow, layout);
  const absA = Float64Array.from(A, Math.abs);
  const absB = Float64Array.from(B, Math.abs);
  const mag = new Float64Array(M * ldc);
  gemmNaive(transA, transB, M, N, K, Math.abs(alpha), absA, absB, 0, mag, layout);
  const u = 2 ** -23;
  let worst = 0;
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < ldc; j++) {
      const at = i * ldc + j;
      if (j >= N) {
        expect(Object.is(fast[at], C0[at]), `C gap (${i}, ${j}) changed in ${JSON.stringify(k)}`).toBe(true);
        continue;
      }
      const bound = (K + 3) * u * (mag[at] + (beta === 0 ? 0 : Math.abs(beta * C0[at])));
      worst = Math.max(worst, Math.abs(fast[at] - slow[at]) - bound);
    }
  }
  expect(worst, JSON.stringify(k)).toBeLessThanOrEqual(0);
}

describe('sgemmWasm', () => {
  it('is the float32 backend: build/kernels*.wasm are built by `pnpm install`; relaxed SIMD unless RECURRENT_KERNELS picks another', () => {
    // Node 20 rejects relaxed SIMD without its V8 flag: the loader sets it, so the fused build is the default here
    expect(gemmBackend()).toBe(process.env.RECURRENT_KERNELS || 'wasm-relaxed-simd');
  });

  it('matches gemmNaive within the float32 bound on odd sizes, all transposes, alpha/beta, K = 0, M or N = 1', () => {
    const g = new Generator(21);
    // Not multiples of the 4×8 tile; 70×530×300 crosses the MC = 64, NC = 512 and KC = 256 block edges.
    const sizes: [number, number, number][] = [
      [7, 13, 5], [1, 1, 1], [1, 37, 19], [29, 1, 19], [33, 17, 65], [4, 8, 4], [6, 10, 0], [70, 530, 300], [64, 512, 128],
    ];
    for (const [M, N, K] of sizes) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          // the block-crossing size once per transpose case (its naive reference is the slow part)
          for (const [alpha, beta] of M * N * K > 1e6 ? [[-2, 0.25]] : [[1, 0], [0.5, 1], [-2, 0.25]]) {
            const lda = transA ? M : K;
            const ldb = transB ? K : N;
            check(g, { transA, transB, M, N, K, alpha, beta, lda, ldb, ldc: N });
          }
        }
      }
    }
  });

  it('addresses blocks of wider matrices through leading dims and leaves the gaps of C untouched', () => {
    const g = new Generator(22);
    for (const [M, N, K] of [[5, 6, 7], [67, 19, 260]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const lda = (transA ? M : K) + 3;
          const ldb = (transB ? K : N) + 5;
          check(g, { transA, transB, M, N, K, alpha: 1.5, beta: 0.5, lda, ldb, ldc: N + 2 });
          check(g, { transA, transB, M, N, K, alpha: 1, beta: 0, lda, ldb, ldc: N + 1 });
        }
      }
    }
  });

  it('products of at most 4 rows (B read in place, no packing) equal the same rows of a packed product bit for bit', () => {
    const g = new Generator(26);
    // N: one tile, a partial tile, several tiles plus a tail; K: below one k-quad, with a tail, across KC = 256.
    // One row reads 24 columns at a time, then 16: N = 24, 40 (24 + 16), 32 and 56 (a last 24 + 8 as 16 + 16),
    // 288 (the shipped model's 3·96), 57 (48, then a tile of 8 and a partial one).
    for (const [N, K] of [[8, 3], [13, 128], [517, 300], [512, 5], [24, 7], [40, 16], [32, 4], [56, 9], [288, 96], [57, 10]] as const) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const big = 9; // > 4 rows: the packed path
          const lda = transA ? big : K;
          const ldb = transB ? K : N;
          const A = randomF32(g, (transA ? K : big) * lda);
          const B = randomF32(g, (transB ? N : K) * ldb);
          const C0 = randomF32(g, big * N);
          for (const [alpha, beta] of [[1, 0], [1, 1], [-0.75, 0.5]]) {
            const packed = C0.slice();
            sgemmWasm(transA, transB, big, N, K, alpha, A, B, beta, packed, lda, ldb, N);
            for (let M = 1; M <= 4; M++) {
              const small = C0.slice(0, M * N);
              sgemmWasm(transA, transB, M, N, K, alpha, A, B, beta, small, lda, ldb, N);
              const same = small.every((v, i) => Object.is(v, packed[i]));
              expect(same, `M ${M} N ${N} K ${K} transA ${transA} transB ${transB} alpha ${alpha} beta ${beta}`).toBe(true);
            }
          }
        }
      }
    }
  });

  for (const transposed of [false, true]) {
    it(`resident operands${transposed ? ' kept transposed' : ''}: same bits as copying, untouched by other calls inside, re-read once the call is over`, () => {
      const g = new Generator(27);
      for (const [M, N, K] of [[3, 40, 70], [1, 48, 33], [1, 35, 300], [6, 50, 20]] as const) {
        const A = randomF32(g, M * K);
        const W = randomF32(g, N * K); // used as op(B) = Wᵀ, like W_hh
        const X = randomF32(g, 200 * 300); // a larger product in between, whose operands go after the residents
        const expected = new Float32Array(M * N);
        sgemmWasm(false, true, M, N, K, 1, A, W, 0, expected, K, K, N);
        const inside: Float32Array[] = [];
        const none = { array: null, rows: 0, cols: 0, transposed: false };
        withResidentOperands([{ array: W, rows: N, cols: K, transposed }, none], () => {
          for (let r = 0; r < 2; r++) {
            const C = new Float32Array(M * N);
            sgemmWasm(false, true, M, N, K, 1, A, W, 0, C, K, K, N);
            inside.push(C);
            sgemmWasm(false, false, 200, 200, 300, 1, X, X, 0, new Float32Array(200 * 200), 300, 200, 200);
            // nested: runs, but W is already resident and stays so
            const D = new Float32Array(M * N);
            withResidentOperands([{ array: A, rows: M, cols: K, transposed: false }], () => sgemmWasm(false, true, M, N, K, 1, A, W, 0, D, K, K, N));
            inside.push(D);
          }
        });
        for (const C of inside) expect(C.every((v, i) => Object.is(v, expected[i])), `M ${M} N ${N} K ${K}`).toBe(true);
        W.fill(0); // after the call W is copied again: a zero B gives a zero product
        const after = new Float32Array(M * N).fill(7);
        sgemmWasm(false, true, M, N, K, 1, A, W, 0, after, K, K, N);
        expect(after.every((v) => v === 0)).toBe(true);
      }
    });
  }

  it('with B packed ahead once (packBAll, sgemmPacked): the bits of sgemm, across K and N blocks, with transA and beta', () => {
    const m = wasmKernels();
    const ex = m.exports!;
    const gen = new Generator(21);
    // K > 256 and N > 512 cross the packing blocks; M = 3 is the in-place small-M path of sgemm
    for (const [M, N, K, transA, transB, beta] of [[3, 37, 19, 0, 0, 0], [21, 600, 300, 0, 0, 1], [70, 45, 520, 1, 1, 0.5], [8, 1030, 96, 0, 1, 1]]) {
      const A = Float32Array.from({ length: M * K }, () => gen.normal());
      const Bm = Float32Array.from({ length: K * N }, () => gen.normal());
      const C0 = Float32Array.from({ length: M * N }, () => gen.normal());
      const ldb = transB ? K : N;
      const at = Math.ceil(m.free / 64) * 64;
      const [a, b, c1, c2, packed] = [at, at + M * K * 4, at + (M * K + K * N) * 4, at + (M * K + K * N + M * N) * 4, at + (M * K + K * N + 2 * M * N) * 4];
      const mem = reserve(m, ex, packed + ex.packedBFloats(K, N) * 4)!;
      mem.set(A, a >> 2);
      mem.set(Bm, b >> 2);
      mem.set(C0, c1 >> 2);
      mem.set(C0, c2 >> 2);
      ex.sgemm(transA, transB, M, N, K, 1, a, transA ? M : K, b, ldb, beta, c1, m.work, 0);
      ex.packBAll(transB, b, ldb, K, N, packed);
      ex.sgemmPacked(transA, M, N, K, 1, a, transA ? M : K, packed, beta, c2, m.work, 0);
      expect(mem.slice(c2 >> 2, (c2 >> 2) + M * N)).toEqual(mem.slice(c1 >> 2, (c1 >> 2) + M * N));
    }
  });

  it('with a bias row as the beta term: the bits of C filled with that row, C not read, on every path (sgemm, packed, one row)', () => {
    const m = wasmKernels();
    const ex = m.exports!;
    const gen = new Generator(28);
    // M = 1 (24/16-column blocks and a tile tail), M = 3 (small-M tiles), partial tiles, K across KC = 256, N across NC = 512
    const cases = [[1, 57, 19, 0, 0, 1, 1], [3, 37, 19, 0, 0, 1, 1], [21, 600, 300, 0, 1, -0.75, 1], [70, 45, 520, 1, 1, 1, 0.5], [9, 13, 5, 0, 0, 2, 0], [4, 8, 0, 0, 0, 1, 0.5]];
    for (const [M, N, K, transA, transB, alpha, beta] of cases) {
      const A = Float32Array.from({ length: M * K }, () => gen.normal());
      const Bm = Float32Array.from({ length: K * N }, () => gen.normal());
      const bias = Float32Array.from({ length: N }, () => gen.normal());
      const ldb = transB ? K : N;
      const at = Math.ceil(m.free / 64) * 64;
      const [a, b, bAt, filled, viaBias, packedAt] = [0, M * K, M * K + K * N, M * K + K * N + N, M * K + K * N + N + M * N, M * K + K * N + N + 2 * M * N].map((f) => at + f * 4);
      const viaPackedAt = packedAt + ex.packedBFloats(K, N) * 4;
      const mem = reserve(m, ex, viaPackedAt + M * N * 4)!;
      mem.set(A, a >> 2);
      mem.set(Bm, b >> 2);
      mem.set(bias, bAt >> 2);
      for (let i = 0; i < M; i++) mem.set(bias, (filled >> 2) + i * N);
      mem.fill(NaN, viaBias >> 2, (viaBias >> 2) + M * N); // C is not read: NaN there would show
      mem.fill(NaN, viaPackedAt >> 2, (viaPackedAt >> 2) + M * N);
      const lda = transA ? M : K;
      ex.sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, filled, m.work, 0);
      ex.sgemm(transA, transB, M, N, K, alpha, a, lda, b, ldb, beta, viaBias, m.work, bAt);
      ex.packBAll(transB, b, ldb, K, N, packedAt);
      ex.sgemmPacked(transA, M, N, K, alpha, a, lda, packedAt, beta, viaPackedAt, m.work, bAt);
      const want = new Uint32Array(mem.buffer.slice(filled, filled + M * N * 4));
      const what = `M ${M} N ${N} K ${K} transA ${transA} transB ${transB} alpha ${alpha} beta ${beta}`;
      expect(new Uint32Array(mem.buffer.slice(viaBias, viaBias + M * N * 4)), what).toEqual(want);
      expect(new Uint32Array(mem.buffer.slice(viaPackedAt, viaPackedAt + M * N * 4)), what).toEqual(want);
      if (beta !== 0) expect(Array.from(mem.subarray(viaBias >> 2, (viaBias >> 2) + M * N)).some(Number.isNaN), what).toBe(false);
    }
  });

  it('gives identical bits on a repeated call (fixed summation order, memory reused between calls)', () => {
    const g = new Generator(23);
    const [M, N, K] = [37, 45, 300];
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const first = new Float32Array(M * N);
    const second = new Float32Array(M * N);
    sgemmWasm(false, true, M, N, K, 1, A, B, 0, first, K, K, N);
    sgemmWasm(true, false, 3, 3, 3, 1, A, B, 0, new Float32Array(9), 3, 3, 3); // something else in between
    sgemmWasm(false, true, M, N, K, 1, A, B, 0, second, K, K, N);
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});

describe('gemm dispatch', () => {
  it('sends big float32 products to WebAssembly: result equals sgemmWasm bit for bit', () => {
    const g = new Generator(24);
    const [M, N, K] = [16, 24, 32]; // 12288 ≥ WASM_MIN_WORK multiply-adds
    expect(M * N * K).toBeGreaterThanOrEqual(WASM_MIN_WORK);
    const A = randomF32(g, M * K);
    const B = randomF32(g, K * N);
    const viaGemm = new Float32Array(M * N);
    const direct = new Float32Array(M * N);
    gemm(false, false, M, N, K, 1, A, B, 0, viaGemm);
    sgemmWasm(false, false, M, N, K, 1, A, B, 0, direct, K, N, N);
    expect(Array.from(viaGemm)).toEqual(Array.from(direct));
  });

  it('keeps float64 on the JavaScript path: equal to gemmNaive within 1e-12 (same double-precision sums)', () => {
    const g = new Generator(25);
    const [M, N, K] = [20, 30, 40];
    const A = Float64Array.from(randomF32(g, M * K));
    const B = Float64Array.from(randomF32(g, K * N));
    const fast = new Float64Array(M * N);
    const slow = new Float64Array(M * N);
    gemm(false, false, M, N, K, 1, A, B, 0, fast);
    gemmNaive(false, false, M, N, K, 1, A, B, 0, slow);
    for (let i = 0; i < fast.length; i++) expect(Math.abs(fast[i] - slow[i])).toBeLessThan(1e-12);
  });
});

describe('RECURRENT_KERNELS', () => {
  /** gemmBackend() and a product with rounding in a fresh process with RECURRENT_KERNELS = `value`. */
  async function probe(value: string | undefined): Promise<{ backend: string; c: number[]; dot: number }> {
    const { execFileSync } = await import('node:child_process');
    // dot: C = A·B with every row of A (64, 2) = [−1, x] and every column of B (2, 64) = [r, x], x = 1 + 2⁻¹²,
    // r = fl(x²) = 1 + 2⁻¹¹ (x² = r + 2⁻²⁴ exactly). Summed k ascending: fl(−r) then + x·x. A separate multiply
    // rounds x·x to r first (C = 0); a fused multiply-add adds it exactly (C = 2⁻²⁴). 8192 multiply-adds: big
    // enough for the module.
    const code = `const m = await import('@recurrent/nn-core');
      const c = m.matmul(m.tensor([[1, 2], [3, 4]]), m.tensor([[5, 6], [7, 8]]));
      const x = 1 + 2 ** -12, r = 1 + 2 ** -11;
      const A = m.tensor(new Float32Array(128).map((_, i) => (i % 2 ? x : -1)), [64, 2]);
      const B = m.tensor(new Float32Array(128).map((_, i) => (i < 64 ? r : x)), [2, 64]);
      const dot = m.matmul(A, B).data[0];
      console.log(JSON.stringify({ backend: m.gemmBackend(), c: Array.from(c.data), dot }));`;
    const env: Record<string, string | undefined> = { ...process.env, NODE_OPTIONS: '' };
    delete env.RECURRENT_KERNELS;
    if (value !== undefined) env.RECURRENT_KERNELS = value;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'], // a failure's stderr goes into the thrown error's message, not the log
    });
    return JSON.parse(out.trim().split('\n').pop()!);
  }

  it('default: the relaxed-SIMD build (fused multiply-add) on plain Node 20, no command-line flag needed', async () => {
    const r = await probe(undefined);
    expect(r.backend).toBe('wasm-relaxed-simd');
    expect(r.c).toEqual([19, 22, 43, 50]);
    expect(r.dot).toBe(2 ** -24); // fused
  }, 60_000);

  it('wasm-simd picks the plain build: separate multiply and add', async () => {
    const r = await probe('wasm-simd');
    expect(r).toEqual({ backend: 'wasm-simd', c: [19, 22, 43, 50], dot: 0 });
  }, 60_000);

  it('js switches float32 to the JavaScript kernels: matmul still [[19, 22], [43, 50]]', async () => {
    const r = await probe('js');
    expect(r.backend).toBe('js');
    expect(r.c).toEqual([19, 22, 43, 50]);
  }, 60_000);

  it('an unknown value is an error naming the choices', async () => {
    await expect(probe('fast')).rejects.toThrow(/RECURRENT_KERNELS must be one of wasm-relaxed-simd, wasm-simd, js, got 'fast'/);
  }, 60_000);
});

describe('transpose (W_hh for the step products)', () => {
  it('dst (cols, rows) = srcᵀ exactly: 64-column tiles, 8-column tiles where a dst row is a multiple of 1 KB, rows not multiple of 4', () => {
    const m = wasmKernels();
    const ex = m.exports!;
    // rows 256 and 512 compact: dst rows of 1 and 2 KB (8-column tiles); 288, 7, 13, 259 (a tail of 3 rows) and
    // the padded strides (whhTStride): 64-column tiles, the gap between rows left alone
    const cases = [[288, 96, 288], [512, 128, 512], [256, 9, 256], [7, 5, 7], [13, 64, 13], [259, 70, 259], [512, 3, 512], [512, 128, 528], [1024, 20, 1040]];
    for (const [rows, cols, ldd] of cases) {
      const src = Float32Array.from({ length: rows * cols }, (_, i) => i + 0.5);
      const at = Math.ceil(m.free / 64) * 64;
      const dst = at + rows * cols * 4;
      const mem = reserve(m, ex, dst + ldd * cols * 4)!;
      mem.set(src, at >> 2);
      mem.fill(NaN, dst >> 2, (dst >> 2) + ldd * cols);
      ex.transpose(rows, cols, at, dst, ldd);
      const got = mem.subarray(dst >> 2, (dst >> 2) + ldd * cols);
      let wrong = 0;
      for (let k = 0; k < cols; k++) {
        for (let r = 0; r < ldd; r++) if (r < rows ? got[k * ldd + r] !== src[r * cols + k] : !Number.isNaN(got[k * ldd + r])) wrong++;
      }
      expect(wrong, `${rows} × ${cols}, dst rows ${ldd} apart`).toBe(0);
    }
    expect([96 * 3, 128 * 4, 256 * 4].map((GH) => ex.whhTStride(GH))).toEqual([288, 528, 1040]);
  });
});

describe('the kernels\' generated declarations (build/kernels.d.ts)', () => {
  it('declare exactly the module\'s exported functions, each with its number of parameters', () => {
    const dts = readFileSync(new URL('../../../build/kernels.d.ts', import.meta.url), 'utf8');
    const declared = new Map([...dts.matchAll(/export declare function (\w+)\(([^)]*)\)/g)].map((x) => [x[1], x[2] === '' ? 0 : x[2].split(',').length]));
    const ex = wasmKernels().exports as unknown as Record<string, unknown>;
    const actual = new Map(Object.entries(ex).filter(([, v]) => typeof v === 'function').map(([k, v]) => [k, (v as (...a: unknown[]) => unknown).length]));
    expect(declared.size).toBeGreaterThan(20); // sgemm, the cells, the layer loops, Adam, pooling, …
    expect(new Map([...declared].sort())).toEqual(new Map([...actual].sort()));
  });
});
