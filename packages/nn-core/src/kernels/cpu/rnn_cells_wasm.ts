/**
 * Float32 recurrent steps in WebAssembly SIMD (source: assembly/rnn_cells.ts): forward and backward of LSTM, GRU and
 * RNN (tanh and relu). The JavaScript side copies one step's buffers into the kernels module's memory, runs the
 * pointwise kernel and copies the results out.
 * Its exp/sigmoid/tanh are float32 approximations (Cephes expf/tanhf, a few ulps), and every product is rounded to
 * float32 where the JavaScript cell (rnn_cells.ts, the reference twin) computes in double and rounds once, so results
 * differ in the last bits (the relu RNN's steps, with no arithmetic beyond one sum, are bit-identical); float64 never
 * comes here.
 */
import { reserve, wasmKernels, type KernelExports } from './gemm_wasm.js';
import type { StepGrad, StepIO } from './rnn_cells.js';

const allFloat32 = (...arrays: unknown[]): boolean => arrays.every((a) => a instanceof Float32Array);
/** The first n elements of a buffer already checked by `allFloat32`. */
const f32 = (a: unknown, n: number): Float32Array => (a as Float32Array).subarray(0, n);

/**
 * Copies `inputs` into the kernels module's memory, then runs `kernel` with the byte offsets of the inputs followed
 * by those of `outputs` (regions laid out one after another), then copies each output region back into its array.
 * False (nothing done) when the module is unavailable or its memory cannot grow.
 */
function runInWasm(
  inputs: readonly Float32Array[],
  outputs: readonly Float32Array[],
  kernel: (ex: KernelExports, ptrs: number[], work: number) => void,
): boolean {
  const m = wasmKernels();
  const ex = m.exports;
  if (ex === null) return false;
  let end = m.free >> 2;
  const offsets = [...inputs, ...outputs].map((a) => {
    const o = end;
    end += a.length;
    return o;
  });
  const mem = reserve(m, ex, end * 4);
  if (mem === null) return false;
  inputs.forEach((a, k) => mem.set(a, offsets[k]));
  kernel(ex, offsets.map((o) => o * 4), m.work);
  outputs.forEach((a, k) => {
    const o = offsets[inputs.length + k];
    a.set(mem.subarray(o, o + a.length));
  });
  return true;
}

/** Forward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function lstmCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, cPrev, acts, h, c } = s;
  if (!allFloat32(xp, hp, cPrev, acts, h, c)) return false;
  const [G, S] = [4 * N * H, N * H];
  return runInWasm([f32(xp, G), f32(hp, G), f32(cPrev, S)], [f32(acts, G), f32(c, S), f32(h, S)], (ex, p, work) =>
    ex.lstmCellForward(N, H, p[0], p[1], p[2], p[3], p[4], p[5], work),
  );
}

/** Backward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function lstmCellBackwardWasm(s: StepGrad): boolean {
  const { N, H, acts, cPrev, c, dh, dc, dxp, dcPrev, dhPrevDirect } = s;
  if (!allFloat32(acts, cPrev, c, dh, dc, dxp, dcPrev)) return false;
  const [G, S] = [4 * N * H, N * H];
  const ran = runInWasm(
    [f32(acts, G), f32(cPrev, S), f32(c, S), f32(dh, S), f32(dc, S)],
    [f32(dxp, G), f32(dcPrev, S)],
    (ex, p, work) => ex.lstmCellBackward(N, H, p[0], p[1], p[2], p[3], p[4], p[5], p[6], work),
  );
  if (ran) dhPrevDirect.fill(0, 0, S);
  return ran;
}

/** GRU forward step in WebAssembly; false (nothing done) when the module is unavailable or a buffer is not float32. */
export function gruCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, hPrev, acts, h, hn } = s;
  if (!allFloat32(xp, hp, hPrev, acts, h, hn)) return false;
  const [G, S] = [3 * N * H, N * H];
  return runInWasm([f32(xp, G), f32(hp, G), f32(hPrev, S)], [f32(acts, G), f32(hn, S), f32(h, S)], (ex, p, work) =>
    ex.gruCellForward(N, H, p[0], p[1], p[2], p[3], p[4], p[5], work),
  );
}

/** tanh-RNN forward step in WebAssembly; false (nothing done) when unavailable or a buffer is not float32. */
export function rnnTanhCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, acts, h } = s;
  if (!allFloat32(xp, hp, acts, h)) return false;
  const S = N * H;
  return runInWasm([f32(xp, S), f32(hp, S)], [f32(acts, S), f32(h, S)], (ex, p, work) =>
    ex.rnnTanhCellForward(S, p[0], p[1], p[2], p[3], work),
  );
}

/** relu-RNN forward step in WebAssembly; false (nothing done) when unavailable or a buffer is not float32. */
export function rnnReluCellForwardWasm(s: StepIO): boolean {
  const { N, H, xp, hp, acts, h } = s;
  if (!allFloat32(xp, hp, acts, h)) return false;
  const S = N * H;
  return runInWasm([f32(xp, S), f32(hp, S)], [f32(acts, S), f32(h, S)], (ex, p, work) =>
    ex.rnnReluCellForward(S, p[0], p[1], p[2], p[3], work),
  );
}

/** GRU backward step in WebAssembly; false (nothing done) when unavailable or a buffer is not float32. */
export function gruCellBackwardWasm(s: StepGrad): boolean {
  const { N, H, acts, hPrev, hn, dh, dxp, dhp, dhPrevDirect } = s;
  if (!allFloat32(acts, hPrev, hn, dh, dxp, dhp, dhPrevDirect)) return false;
  const [G, S] = [3 * N * H, N * H];
  return runInWasm(
    [f32(acts, G), f32(hPrev, S), f32(hn, S), f32(dh, S)],
    [f32(dxp, G), f32(dhp, G), f32(dhPrevDirect, S)],
    (ex, p, work) => ex.gruCellBackward(N, H, p[0], p[1], p[2], p[3], p[4], p[5], p[6], work),
  );
}

/** RNN backward step (tanh, or relu when `relu`) in WebAssembly; false (nothing done) when unavailable or not float32. */
export function rnnCellBackwardWasm(s: StepGrad, relu: boolean): boolean {
  const { N, H, acts, dh, dxp, dhPrevDirect } = s;
  if (!allFloat32(acts, dh, dxp)) return false;
  const S = N * H;
  const ran = runInWasm([f32(acts, S), f32(dh, S)], [f32(dxp, S)], (ex, p, work) =>
    ex.rnnCellBackward(relu ? 1 : 0, S, p[0], p[1], p[2], work),
  );
  if (ran) dhPrevDirect.fill(0, 0, S);
  return ran;
}
