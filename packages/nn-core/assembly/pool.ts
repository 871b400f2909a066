// The two ends of an embedding → recurrent layers → pooling forward pass in the kernels' memory (driven by
// src/kernels/cpu/embed_recurrent_pool.ts): gathering the embedded input, and pooling each direction's outputs over
// the valid steps. Both do what the module path does element by element (a copy of table rows; max as a chain of
// comparisons; a float64 sum in step order), so the results are the same bits.

/**
 * dst (L, N, E) time-major ← rows of `table` (·, E): row (t, n) is table row ids[n·L + t]. `ids` (N, L) int32,
 * batch-first; every id must be a row of the table (checked by the caller).
 */
export function gatherRows(L: i32, N: i32, E: i32, ids: usize, table: usize, dst: usize): void {
  const rowBytes = <usize>E * 4;
  for (let t = 0; t < L; t++) {
    for (let n = 0; n < N; n++) {
      const id = load<i32>(ids + (<usize>n * <usize>L + <usize>t) * 4);
      memory.copy(dst + (<usize>t * <usize>N + <usize>n) * rowBytes, table + <usize>id * rowBytes, rowBytes);
    }
  }
}

/** Pooling kinds, as embed_recurrent_pool.ts numbers them. */
const MAX: i32 = 0;

/**
 * Pools one direction's outputs `out` (L, N, H) over each row's valid steps into columns d·H … (d+1)·H of
 * `pooled` (N, D·H). `lengths` (N) int32, or 0 when every row has L steps.
 * - max (`mode` 0): the first step, then any larger value or NaN (NaN wins and stays), as maxDimForward over
 *   maskedFill(−∞) picks it; a selection, so no rounding.
 * - mean (`mode` 1): a float64 sum in step order, rounded to float32, divided by the length in float64 and rounded
 *   again, as sumForward then ÷ the length do.
 */
export function poolSteps(mode: i32, L: i32, N: i32, H: i32, D: i32, d: i32, out: usize, lengths: usize, pooled: usize): void {
  const stepBytes = <usize>N * <usize>H * 4;
  const H4 = H & ~3;
  for (let n = 0; n < N; n++) {
    const len = lengths == 0 ? L : load<i32>(lengths + <usize>n * 4);
    const src = out + <usize>n * <usize>H * 4;
    const dst = pooled + (<usize>n * <usize>D + <usize>d) * <usize>H * 4;
    if (mode == MAX) {
      for (let j = 0; j < H4; j += 4) {
        let p = src + <usize>j * 4;
        let best = v128.load(p);
        for (let t = 1; t < len; t++) {
          p += stepBytes;
          const v = v128.load(p);
          // (a NaN already chosen stays, payload included: lanes where best is NaN take nothing)
          best = v128.bitselect(v, best, v128.and(v128.or(f32x4.gt(v, best), f32x4.ne(v, v)), f32x4.eq(best, best)));
        }
        v128.store(dst + <usize>j * 4, best);
      }
      for (let j = H4; j < H; j++) {
        let p = src + <usize>j * 4;
        let best = load<f32>(p);
        for (let t = 1; t < len; t++) {
          p += stepBytes;
          const v = load<f32>(p);
          if ((v > best || v != v) && best == best) best = v;
        }
        store<f32>(dst + <usize>j * 4, best);
      }
    } else {
      for (let j = 0; j < H; j++) {
        let p = src + <usize>j * 4;
        let s: f64 = 0;
        for (let t = 0; t < len; t++) {
          s += <f64>load<f32>(p);
          p += stepBytes;
        }
        store<f32>(dst + <usize>j * 4, <f32>(<f64><f32>s / <f64>len));
      }
    }
  }
}
