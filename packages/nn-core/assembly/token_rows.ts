// A first recurrent layer's input projection read from a cache of token rows, for inference (driven by
// src/kernels/cpu/token_rows.ts). Its input is an embedding row, so row (t, n) of x · W_ihᵀ + b_ih is a function
// of the token id alone: (table row of the id) · W_ihᵀ + b_ih. Each id's row, every direction side by side, is
// computed once by `sgemm` (one row times W_ihᵀ: the same operations per element as the layer's own product over
// all L·N rows, so the same bits) and kept with the table row it was computed from; it is reused while that table
// row, W_ih and b_ih keep their bits.
import { sgemm } from './sgemm';

/** 1 when the `n` floats at `a` and `b` have the same bits (NaN payloads, −0 against +0 included), else 0. */
export function sameBits(n: i32, a: usize, b: usize): i32 {
  // 16 floats a round with four independent chains (the loads are the limit), then 4 at a time, then one by one
  const n16 = n & ~15;
  const n4 = n & ~3;
  let d0 = i32x4.splat(0), d1 = i32x4.splat(0), d2 = i32x4.splat(0), d3 = i32x4.splat(0);
  for (let k = 0; k < n16; k += 16) {
    const pa = a + <usize>k * 4;
    const pb = b + <usize>k * 4;
    d0 = v128.or(d0, v128.xor(v128.load(pa), v128.load(pb)));
    d1 = v128.or(d1, v128.xor(v128.load(pa, 16), v128.load(pb, 16)));
    d2 = v128.or(d2, v128.xor(v128.load(pa, 32), v128.load(pb, 32)));
    d3 = v128.or(d3, v128.xor(v128.load(pa, 48), v128.load(pb, 48)));
  }
  for (let k = n16; k < n4; k += 4) d0 = v128.or(d0, v128.xor(v128.load(a + <usize>k * 4), v128.load(b + <usize>k * 4)));
  if (v128.any_true(v128.or(v128.or(d0, d1), v128.or(d2, d3)))) return 0;
  for (let k = n4; k < n; k++) if (load<u32>(a + <usize>k * 4) != load<u32>(b + <usize>k * 4)) return 0;
  return 1;
}

/**
 * xp (L, N, G·H) of each direction of a first layer, from token ids through the cache, with the bits of
 * x · W_ihᵀ + b_ih over the embedded rows.
 * - `ids` (N, L) int32, batch-first, each a row of `table` (V, E); row (t, n) of the outputs is for ids[n·L + t].
 * - `wT` (E, cols): every direction's W_ihᵀ side by side (cols = D·G·H); `bias` (cols) or 0 for none.
 * - The cache holds `cap` rows; id v lives in slot v mod cap: `tags` (cap) int32, v + 1 when the slot holds v (0:
 *   empty), `gens` (cap) int32 the generation it was computed in (`gen` now; the caller moves on to a new one when
 *   W_ih or b_ih change), `snap` (cap, E) the table row it was computed from, `rows` (cap, cols) the projected row.
 * - `xp0`, `xp1` (L·N, GH): direction 0's columns 0…GH, direction 1's GH…2·GH (xp1 = 0 with one direction).
 * - `work`: sgemm's scratch (workBytes()).
 * @returns how many rows were computed (cache misses)
 */
export function projectTokens(
  L: i32, N: i32, ids: usize, E: i32, table: usize, cols: i32, wT: usize, bias: usize,
  cap: i32, tags: usize, gens: usize, gen: i32, snap: usize, rows: usize, GH: i32, xp0: usize, xp1: usize, work: usize,
): i32 {
  const inBytes = <usize>E * 4;
  const rowBytes = <usize>cols * 4;
  const ghBytes = <usize>GH * 4;
  let misses = 0;
  for (let t = 0; t < L; t++) {
    for (let n = 0; n < N; n++) {
      const id = load<i32>(ids + (<usize>n * <usize>L + <usize>t) * 4);
      const slot = <usize>(<u32>id % <u32>cap);
      const src = table + <usize>id * inBytes;
      const kept = snap + slot * inBytes;
      const row = rows + slot * rowBytes;
      const fresh = load<i32>(tags + slot * 4) == id + 1 && load<i32>(gens + slot * 4) == gen && sameBits(E, src, kept) == 1;
      if (!fresh) {
        memory.copy(kept, src, inBytes);
        sgemm(0, 0, 1, cols, E, 1, kept, E, wT, cols, bias != 0 ? 1 : 0, row, work, bias);
        store<i32>(tags + slot * 4, id + 1);
        store<i32>(gens + slot * 4, gen);
        misses++;
      }
      const p = <usize>t * <usize>N + <usize>n;
      memory.copy(xp0 + p * ghBytes, row, ghBytes);
      if (xp1 != 0) memory.copy(xp1 + p * ghBytes, row + ghBytes, ghBytes);
    }
  }
  return misses;
}
