/**
 * The float32 Adam/AdamW update in WebAssembly SIMD (assembly/adam.ts), split across the worker threads. Parameters,
 * gradients and moments that live in the kernels' memory (wasm_heap.ts: a module's parameters, their gradients and
 * Adam's moments do) are updated in place; any other is copied in, and the parameters and moments copied back. Same bits as `adamUpdateFloat32`'s plain loops (elements are independent, so any split gives
 * the same bits); the cases those loops do not cover (L2 weight decay, AMSGrad, maximize) stay in JavaScript.
 */
import { reserve, runJobs, wasmKernels } from './gemm_wasm.js';
import { residentOffset } from './wasm_heap.js';
import type { AdamScalars } from './adam.js';
import { JOB_ADAM, type PoolJob } from './wasm_threads.js';

/**
 * Below this many elements the update stays in JavaScript: the copies in and out and a worker's wake-up cost more
 * than they save.
 */
export const ADAM_WASM_MIN = 1 << 16;
/** The same bound when nothing needs copying (all four arrays resident): only the call itself costs. */
const ADAM_WASM_MIN_RESIDENT = 1 << 10;
/** Elements per thread before the update is split across threads. */
const PER_THREAD = 1 << 17;

/** True when the update ran (x, m, v updated); false (nothing done) when WebAssembly is unavailable or too small. */
export function adamUpdateWasm(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): boolean {
  const n = x.length;
  if (n < ADAM_WASM_MIN_RESIDENT || g.length < n || m.length < n || v.length < n) return false;
  const k = wasmKernels();
  const ex = k.exports;
  if (ex === null) return false;
  const bytes = Math.ceil((n * 4) / 64) * 64;
  const arrays = [x, g, m, v].map((a) => a.subarray(0, n));
  const resident = arrays.map((a) => residentOffset(a));
  if (n < ADAM_WASM_MIN && resident.some((r) => r < 0)) return false;
  let end = k.free;
  const at = resident.map((r) => (r >= 0 ? r : (end += bytes) - bytes)); // x, g, m, v: in place, or copied in
  const mem = reserve(k, ex, end);
  if (mem === null) return false;
  arrays.forEach((a, i) => {
    if (resident[i] < 0) mem.set(a, at[i] >> 2);
  });
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
  for (const i of [0, 2, 3]) {
    if (resident[i] < 0) arrays[i].set(k.view.subarray(at[i] >> 2, (at[i] >> 2) + n));
  }
  return true;
}
