/**
 * sgemm micro-benchmark: GFLOPS of the JavaScript gemm vs the WebAssembly SIMD gemm on float32, at square sizes
 * and at the shapes of an LSTM training step (E 128, H 128, batch 64, length 64: input projection 4096×512×128,
 * recurrent step 64×512×128, and the backward's weight gradients).
 *
 *   pnpm tsx packages/nn-core/scripts/bench-gemm.ts
 *   THREADS=1 RECURRENT_KERNELS=wasm-simd pnpm tsx packages/nn-core/scripts/bench-gemm.ts   (one thread, plain SIMD)
 *
 * THREADS sets `setNumThreads` (default: one per core); RECURRENT_KERNELS picks the build (default: relaxed SIMD).
 */
import { gemmJs } from '../src/kernels/cpu/matmul.js';
import { gemmBackend, getNumThreads, setNumThreads } from '../src/kernels/cpu/gemm_wasm.js';
import { sgemmWasm } from '../src/kernels/cpu/sgemm_wasm.js';

interface Shape {
  name: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

const shapes: Shape[] = [
  { name: '256³', transA: false, transB: false, M: 256, N: 256, K: 256 },
  { name: '1024³', transA: false, transB: false, M: 1024, N: 1024, K: 1024 },
  { name: '64×256×512 (M×K×N)', transA: false, transB: false, M: 64, N: 512, K: 256 },
  { name: 'xp = x·W_ihᵀ 4096×128→512', transA: false, transB: true, M: 4096, N: 512, K: 128 },
  { name: 'hp = h·W_hhᵀ 64×128→512', transA: false, transB: true, M: 64, N: 512, K: 128 },
  { name: 'dh = dg·W_hh 64×512→128', transA: false, transB: false, M: 64, N: 128, K: 512 },
  { name: 'dW = dgᵀ·x 512×4096→128', transA: true, transB: false, M: 512, N: 128, K: 4096 },
  { name: 'dx = dg·W_ih 4096×512→128', transA: false, transB: false, M: 4096, N: 128, K: 512 },
];

function rand(n: number): Float32Array {
  const a = new Float32Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    a[i] = s / 2 ** 32 - 0.5;
  }
  return a;
}

/** GFLOPS of the median and of the best of repeated runs (about 0.3 s in total, at least 3 runs). */
function gflops(run: () => void, flop: number): { median: number; best: number } {
  run();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < 3 || (performance.now() - start < 300 && times.length < 200)) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { median: flop / (times[times.length >> 1] * 1e6), best: flop / (times[0] * 1e6) };
}

// On a shared machine the best run shows what the kernel can do, the median what a busy machine gives. Columns 2
// and 3 (js, wasm medians) are read by packages/bench (src/gemm.ts): keep their place.
if (process.env.THREADS !== undefined) setNumThreads(Number(process.env.THREADS));
console.log(`backend: ${gemmBackend()}`);
console.log(`threads: ${getNumThreads()}`);
console.log(`shapes: ${JSON.stringify(shapes)}`); // packages/bench runs numpy on the same shapes
console.log('| shape | js GFLOPS | wasm GFLOPS | speed-up | js best | wasm best |');
console.log('|---|---|---|---|---|---|');
for (const { name, transA, transB, M, N, K } of shapes) {
  const A = rand(M * K);
  const B = rand(K * N);
  const C = new Float32Array(M * N);
  const flop = 2 * M * N * K;
  const js = gflops(() => gemmJs(transA, transB, M, N, K, 1, A, B, 0, C), flop);
  const wasm = gflops(() => {
    sgemmWasm(transA, transB, M, N, K, 1, A, B, 0, C, transA ? M : K, transB ? K : N, N);
  }, flop);
  const cells = [js.median, wasm.median].map((g) => g.toFixed(2));
  const best = [js.best, wasm.best].map((g) => g.toFixed(2));
  console.log(`| ${name} | ${cells.join(' | ')} | ${(wasm.median / js.median).toFixed(1)}× | ${best.join(' | ')} |`);
}
