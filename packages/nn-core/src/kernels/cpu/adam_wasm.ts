/**
 * The float32 Adam/AdamW update in WebAssembly SIMD (assembly/adam.ts), split across the worker threads: the
 * parameters, gradients and moments are copied into the kernels' memory, updated there, and the parameters and
 * moments copied back. Same bits as `adamUpdateFloat32`'s plain loops (elements are independent, so any split gives
 * the same bits); the cases those loops do not cover (L2 weight decay, AMSGrad, maximize) stay in JavaScript.
 */
import { reserve, runJobs, wasmKernels } from './gemm_wasm.js';
import type { AdamScalars } from './adam.js';
import { JOB_ADAM, type PoolJob } from './wasm_threads.js';

/**
 * Below this many elements the update stays in JavaScript: the copies in and out and a worker's wake-up cost more
 * than they save.
 */
export const ADAM_WASM_MIN = 1 << 16;
/** Elements per thread before the update is split across threads. */
const PER_THREAD = 1 << 17;

/** True when the update ran (x, m, v updated); false (nothing done) when WebAssembly is unavailable or too small. */
export function adamUpdateWasm(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): boolean {
  const n = x.length;
  if (n < ADAM_WASM_MIN || g.length < n || m.length < n || v.length < n) return false;
  const k = wasmKernels();
  const ex = k.exports;
  if (ex === null) return false;
  const bytes = Math.ceil((n * 4) / 64) * 64;
  const at = [k.free, k.free + bytes, k.free + 2 * bytes, k.free + 3 * bytes]; // x, g, m, v
  const mem = reserve(k, ex, k.free + 4 * bytes);
  if (mem === null) return false;
  [x, g, m, v].forEach((a, i) => mem.set(a.subarray(0, n), at[i] >> 2));
  const threads = k.startPool === null ? 1 : Math.min(k.poolWorks.length + 1, Math.max(1, Math.floor(n / PER_THREAD)));
  const per = Math.ceil(n / threads / 4) * 4;
  const jobs: PoolJob[] = [];
  for (let i0 = 0; i0 < n; i0 += per) {
    const len = Math.min(per, n - i0);
    const off = i0 * 4;
    jobs.push({
      kind: JOB_ADAM,
      args: [len, at[0] + off, at[1] + off, at[2] + off, at[3] + off, s.b1, s.b2, s.ob1, s.ob2, s.eps, s.bc2Sqrt, s.negStep, s.decoupled ? s.decay : 1],
      work: len,
    });
  }
  runJobs(jobs, (j) => (ex.adamStep as (...a: readonly number[]) => void)(...j.args));
  const view = k.view;
  x.set(view.subarray(at[0] >> 2, (at[0] >> 2) + n));
  m.set(view.subarray(at[2] >> 2, (at[2] >> 2) + n));
  v.set(view.subarray(at[3] >> 2, (at[3] >> 2) + n));
  return true;
}
