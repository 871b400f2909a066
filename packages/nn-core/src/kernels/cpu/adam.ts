/**
 * The elementwise Adam/AdamW update over typed arrays, in PyTorch 1.13's operation order
 * (`_single_tensor_adam` / `_single_tensor_adamw`).
 *
 * float32 rounds after every tensor op, exactly where PyTorch's float32 kernels round, so results match
 * PyTorch bit for bit; float64 needs no rounding. The two loops are written out separately (rather than one loop
 * calling a rounding function) because the per-element call through a function value kept V8 from inlining
 * `Math.fround`, which made the update the slowest part of a training step.
 */
import type { FloatArray } from '../../dtype.js';
import { adamUpdateWasm } from './adam_wasm.js';

/** Scalars of one step; float32 callers pass them already rounded to float32 (as PyTorch does). */
export interface AdamScalars {
  b1: number;
  b2: number;
  /** 1 − β1, 1 − β2 */
  ob1: number;
  ob2: number;
  /** L2 weight decay added to the gradient (Adam); 0 to skip. */
  wd: number;
  eps: number;
  /** √(1 − β2^step) */
  bc2Sqrt: number;
  /** −lr / (1 − β1^step) */
  negStep: number;
  /** 1 − lr·weightDecay (AdamW); 1 to skip. */
  decay: number;
  decoupled: boolean;
  maximize: boolean;
}

/**
 * x ← x − lr/(1 − β1^t) · m / (√v̂ / √(1 − β2^t) + eps) with m, v the running moments (and v̂ = max over time of v
 * when `vmax` is given, AMSGrad). Updates x, m, v, vmax in place.
 */
export function adamUpdateFloat32(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, s: AdamScalars): void {
  if ((s.decoupled || s.wd === 0) && !s.maximize && vmax === null && isF32(x) && isF32(g) && isF32(m) && isF32(v)) {
    if (adamUpdateWasm(x, g, m, v, s)) return;
    adamPlainFloat32(x, g, m, v, s, s.decoupled ? s.decay : 1);
    return;
  }
  const fr = Math.fround;
  const { b1, b2, ob1, ob2, wd, eps, bc2Sqrt, negStep, decay, decoupled, maximize } = s;
  const l2 = !decoupled && wd !== 0;
  for (let i = 0; i < x.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) x[i] = fr(x[i] * decay);
    else if (l2) gi = fr(gi + wd * x[i]);
    const mi = fr(fr(m[i] * b1) + ob1 * gi);
    const vi = fr(fr(v[i] * b2) + fr(ob2 * gi) * gi);
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      second = Math.max(vmax[i], vi);
      vmax[i] = second;
    }
    const denom = fr(fr(fr(Math.sqrt(second)) / bc2Sqrt) + eps);
    x[i] = fr(x[i] + fr(fr(negStep * mi) / denom));
  }
}

function isF32(a: FloatArray): a is Float32Array {
  return a instanceof Float32Array;
}

/**
 * The default cases (Adam without weight decay, or AdamW; no AMSGrad, not maximizing) with the same rounding, as a
 * branch-free loop over arrays known to be Float32Array, which V8 compiles to monomorphic loads: ~1.5× faster than
 * the general loop on a 2.6M-parameter model. `decay` is AdamW's x ← x·(1 − lr·weightDecay), and 1 for Adam
 * (x·1 = x exactly).
 */
function adamPlainFloat32(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars, decay: number): void {
  const fr = Math.fround;
  const { b1, b2, ob1, ob2, eps, bc2Sqrt, negStep } = s;
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const xi = fr(x[i] * decay);
    const gi = g[i];
    const mi = fr(fr(m[i] * b1) + ob1 * gi);
    const vi = fr(fr(v[i] * b2) + fr(ob2 * gi) * gi);
    m[i] = mi;
    v[i] = vi;
    const denom = fr(fr(fr(Math.sqrt(vi)) / bc2Sqrt) + eps);
    x[i] = fr(xi + fr(fr(negStep * mi) / denom));
  }
}

/** The same update in float64 (no intermediate rounding needed). */
export function adamUpdateFloat64(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, s: AdamScalars): void {
  const { b1, b2, ob1, ob2, wd, eps, bc2Sqrt, negStep, decay, decoupled, maximize } = s;
  const l2 = !decoupled && wd !== 0;
  for (let i = 0; i < x.length; i++) {
    let gi = maximize ? -g[i] : g[i];
    if (decoupled) x[i] = x[i] * decay;
    else if (l2) gi = gi + wd * x[i];
    const mi = m[i] * b1 + ob1 * gi;
    const vi = v[i] * b2 + ob2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    let second = vi;
    if (vmax !== null) {
      second = Math.max(vmax[i], vi);
      vmax[i] = second;
    }
    x[i] = x[i] + (negStep * mi) / (Math.sqrt(second) / bc2Sqrt + eps);
  }
}
