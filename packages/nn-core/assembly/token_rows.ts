// A first recurrent layer's input projection read from a cache of token rows, for inference (driven by
// src/kernels/cpu/token_rows.ts). Its input is an embedding row, so row (t, n) of x · W_ihᵀ + b_ih is a function
// of the token id alone: (table row of the id) · W_ihᵀ + b_ih. Each id's row, every direction side by side, is
// computed once (the caller multiplies the rows missing from the cache by W_ihᵀ with `sgemm`, in one product that
// may be split across threads: the same operations per element as the layer's own product over all L·N rows, so the
// same bits) and kept with the table row it was computed from; it is reused while that table row, W_ih and b_ih
// keep their bits.

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
 * First pass of xp (L, N, G·H) of each direction of a first layer, from token ids through the cache, with the bits
 * of x · W_ihᵀ + b_ih over the embedded rows: finds each position's row, and lists the rows to compute.
 * - `ids` (N, L) int32, batch-first, each a row of `table` (V, E); row (t, n) of the outputs is for ids[n·L + t].
 * - The cache holds `cap` rows of `cols` floats (every direction side by side); id v lives in slot v mod cap: `tags`
 *   (cap) int32, v + 1 when the slot holds v (0: empty), `gens` (cap) int32 the generation it was computed in (`gen`
 *   now; the caller moves on to a new one when W_ih or b_ih change), `snap` (cap, E) the table row it was computed
 *   from, `rows` (cap, cols) the projected row, `stamps` (cap) int32 the call that last used the slot (`call` now).
 * - A slot is taken by the first id that uses it in a call; another id of the same slot in that call is computed
 *   without being kept (a row that positions of this call read is never replaced before they have read it).
 * - Writes the rows to compute to `missX` (M, E) and where each goes to `missTo` (M) int32 (a slot's row, or 0: kept
 *   nowhere), and each position's source row to `src` (L·N) int32: a slot's row, or row i of `y` (M, cols), where
 *   the caller computes missX · W_ihᵀ + b_ih before `tokenRowsFinish`.
 * - With nothing to compute (M = 0) it also writes xp (tokenRowsFinish's second half), so a call that hits throughout
 *   is one kernel call.
 * @returns M, the number of rows to compute (cache misses)
 */
export function tokenRowsLookup(
  L: i32, N: i32, ids: usize, E: i32, table: usize, cols: i32, cap: i32, tags: usize, gens: usize, gen: i32,
  stamps: usize, call: i32, snap: usize, rows: usize, missX: usize, missTo: usize, src: usize, y: usize,
  GH: i32, xp0: usize, xp1: usize,
): i32 {
  const inBytes = <usize>E * 4;
  const rowBytes = <usize>cols * 4;
  let M = 0;
  for (let t = 0; t < L; t++) {
    for (let n = 0; n < N; n++) {
      const id = load<i32>(ids + (<usize>n * <usize>L + <usize>t) * 4);
      const slot = <usize>(<u32>id % <u32>cap);
      const from = table + <usize>id * inBytes;
      const kept = snap + slot * inBytes;
      const row = rows + slot * rowBytes;
      const p = <usize>t * <usize>N + <usize>n;
      const held = load<i32>(tags + slot * 4) == id + 1 && load<i32>(gens + slot * 4) == gen;
      let at = row;
      if (load<i32>(stamps + slot * 4) == call) {
        // used in this call already: its row is this id's (checked or being computed), or another id's
        if (!held) {
          memory.copy(missX + <usize>M * inBytes, from, inBytes);
          store<i32>(missTo + <usize>M * 4, 0);
          at = y + <usize>M * rowBytes;
          M++;
        }
      } else {
        store<i32>(stamps + slot * 4, call);
        if (!held || sameBits(E, from, kept) == 0) {
          memory.copy(kept, from, inBytes);
          memory.copy(missX + <usize>M * inBytes, kept, inBytes);
          store<i32>(missTo + <usize>M * 4, <i32>row);
          store<i32>(tags + slot * 4, id + 1);
          store<i32>(gens + slot * 4, gen);
          M++;
        }
      }
      store<i32>(src + p * 4, <i32>at);
    }
  }
  if (M == 0) writeProjections(L * N, src, cols, GH, xp0, xp1);
  return M;
}

/**
 * Second pass (after `tokenRowsLookup` returned M > 0 and the caller computed y = missX · W_ihᵀ + b_ih): keeps each
 * computed row in its slot, then writes xp of direction 0 at `xp0` and direction 1 at `xp1` (0 with one direction),
 * `(L·N, GH)` each, from every position's source row.
 */
export function tokenRowsFinish(M: i32, y: usize, cols: i32, missTo: usize, positions: i32, src: usize, GH: i32, xp0: usize, xp1: usize): void {
  const rowBytes = <usize>cols * 4;
  for (let i = 0; i < M; i++) {
    const to = <usize>load<i32>(missTo + <usize>i * 4);
    if (to != 0) memory.copy(to, y + <usize>i * rowBytes, rowBytes);
  }
  writeProjections(positions, src, cols, GH, xp0, xp1);
}

/** xp0/xp1 row p = columns 0…GH / GH…2·GH of the row at src[p]. */
function writeProjections(positions: i32, src: usize, cols: i32, GH: i32, xp0: usize, xp1: usize): void {
  const ghBytes = <usize>GH * 4;
  for (let p = 0; p < positions; p++) {
    const row = <usize>load<i32>(src + <usize>p * 4);
    memory.copy(xp0 + <usize>p * ghBytes, row, ghBytes);
    if (xp1 != 0) memory.copy(xp1 + <usize>p * ghBytes, row + ghBytes, ghBytes);
  }
}
