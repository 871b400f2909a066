/**
 * A first recurrent layer's input projection per token id, kept between inference calls: when the layer's input
 * is an embedding, x · W_ihᵀ + b_ih of an embedded row depends on the id alone, so the projection of a sentence
 * becomes a copy of cached rows (every direction's side by side; the kernel is assembly/token_rows.ts). On a short
 * batch the projection is a fifth of a forward pass; the rows are computed with the bits of the layer's own product.
 *
 * The weights stay live: each call compares W_ih and b_ih with a copy of the bits the rows were computed with (one
 * pass over them), and each token's embedding row with the row its cached row came from; what changed is recomputed.
 * So an optimizer step, `loadStateDict` or a write into a parameter's `data` is seen at the next call, with no
 * version counter to keep, and the results are the bits of the uncached path whatever the cache holds. (W_hhᵀ, which
 * the step loop reads, is kept the same way: step_weights.ts.)
 *
 * It needs resident weights and table (wasm_heap.ts) and lives in resident storage, at most `TOKEN_CACHE_BYTES` per
 * table and layer, keyed on both (`WeakMap`s: the cache goes when either goes). Elsewhere (JavaScript storage, a page
 * without shared memory) `cachedTokenRows` returns null and the caller computes the projection, as before.
 */
import { wasmKernels } from './gemm_wasm.js';
import { sgemmInMemory } from './sgemm_wasm.js';
import { releaseResident, residentOffset, residentPrefix, residentZeros } from './wasm_heap.js';

/** Bytes a token-row cache may take: slots for min(V, this / row bytes) ids, id v in slot v mod slots. */
export const TOKEN_CACHE_BYTES = 16 << 20;

/** A first layer's token rows (see assembly/token_rows.ts for the layout the kernel reads). */
export interface TokenRows {
  /** Each direction's W_ih and b_ih, the arrays the cache was made for. */
  wIh: readonly Float32Array[];
  bIh: readonly (Float32Array | null)[];
  /** `(D, G·H, E)` and `(D·G·H)`: the bits of W_ih and b_ih the rows were computed with (bias null: none). */
  snapW: Float32Array;
  bias: Float32Array | null;
  /** Floats of a row: D·G·H (every direction side by side). */
  cols: number;
  /** Slots (ids v, v + slots, … share slot v mod slots). */
  slots: number;
  /** `(slots)` int32: id + 1 held (0: empty). */
  tags: Int32Array;
  /** The generation rows computed now get; a change of W_ih or b_ih moves to the next. */
  gen: number;
  /** `(slots)` int32: the call that last used each slot (`call`, counted by `projectTokens`). */
  stamps: Int32Array;
  call: number;
  /**
   * Byte offsets of the above and of `wT` `(E, D·G·H)` (every direction's W_ihᵀ side by side), `gens` `(slots)` int32
   * (the generation each slot's row was computed in), `snap` `(slots, E)` (the embedding row it was computed from)
   * and `rows` `(slots, D·G·H)`; bias 0 when there is none.
   */
  at: { snapW: number; bias: number; wT: number; tags: number; gens: number; stamps: number; snap: number; rows: number };
  /** Every resident array of the cache (kept alive by it, given back when it is replaced). */
  storage: Float32Array[];
}

/** Caches by embedding table, then by the first direction's W_ih (a table may feed several layers). */
const tokenCache = new WeakMap<Float32Array, WeakMap<Float32Array, TokenRows>>();

/**
 * The token-row cache of a first layer (directions' W_ih `(G·H, E)` and b_ih `(G·H)`, all resident) over the
 * resident embedding `table` `(V, E)`, with its transposed weights checked against the live ones (a change moves to
 * a new generation, so every row is recomputed when next looked up); null where something is not resident or the
 * heap has no room. A new cache takes at most `bytes` (tests make it small, so that ids share slots).
 */
export function cachedTokenRows(
  table: Float32Array, V: number, E: number, wIh: readonly Float32Array[], bIh: readonly (Float32Array | null)[], GH: number, bytes = TOKEN_CACHE_BYTES,
): TokenRows | null {
  const ex = wasmKernels().exports;
  const D = wIh.length;
  const hasBias = bIh[0] !== null;
  if (ex === null || residentPrefix(table, V * E) < 0) return null;
  const live: number[] = [];
  const liveB: number[] = [];
  for (let d = 0; d < D; d++) {
    const b = bIh[d];
    live.push(residentPrefix(wIh[d], GH * E));
    liveB.push(b === null ? -1 : residentPrefix(b, GH));
    if (live[d] < 0 || (b !== null) !== hasBias || (hasBias && liveB[d] < 0)) return null;
  }
  let byLayer = tokenCache.get(table);
  if (byLayer === undefined) tokenCache.set(table, (byLayer = new WeakMap()));
  let c = byLayer.get(wIh[0]);
  if (c === undefined || c.wIh.some((w, d) => w !== wIh[d]) || c.bIh.some((b, d) => b !== bIh[d]) || residentOffset(c.snapW) !== c.at.snapW) {
    if (c !== undefined) c.storage.forEach(releaseResident);
    const made = makeTokenRows(V, E, D, GH, hasBias, bytes);
    if (made === null) return null;
    c = { ...made, wIh, bIh };
    byLayer.set(wIh[0], c);
  }
  let same = true;
  for (let d = 0; d < D && same; d++) {
    same = ex.sameBits(GH * E, live[d], c.at.snapW + d * GH * E * 4) === 1 && (!hasBias || ex.sameBits(GH, liveB[d], c.at.bias + d * GH * 4) === 1);
  }
  if (!same) {
    for (let d = 0; d < D; d++) {
      c.snapW.set(wIh[d].subarray(0, GH * E), d * GH * E);
      if (c.bias !== null) c.bias.set(bIh[d]!.subarray(0, GH), d * GH);
      ex.transpose(GH, E, live[d], c.at.wT + d * GH * 4, D * GH);
    }
    // a new generation: every slot's row is stale (wrapping before int32 does, with the tags cleared)
    c.gen++;
    if (c.gen > 0x3fffffff) {
      c.tags.fill(0);
      c.gen = 1;
    }
  }
  return c;
}

/** Per-call regions of the kernels' memory `projectTokens` works in (byte offsets; see assembly/token_rows.ts). */
export interface TokenScratch {
  /** `(L·N, E)` the table rows to project, `(L·N, D·G·H)` their projections. */
  missX: number;
  y: number;
  /** `(L·N)` int32 each: where each computed row is kept, each position's source row. */
  missTo: number;
  src: number;
}

/** Takes `projectTokens`' scratch for an (N, L) batch from `regions` (before the caller reserves the memory). */
export function tokenScratch(c: TokenRows, L: number, N: number, E: number, regions: { take(floats: number): number }): TokenScratch {
  return { missX: regions.take(L * N * E), y: regions.take(L * N * c.cols), missTo: regions.take(L * N), src: regions.take(L * N) };
}

/**
 * Writes the first layer's projections xp `(L, N, G·H)` of ids `(N, L)` (at byte `ids`, batch-first) for direction
 * 0 at `xp0` and direction 1 at `xp1` (0 with one direction), through the cache `c` of `cachedTokenRows` over the
 * table at byte `table`: rows found in the cache are copied, the others computed in one product (split across the
 * threads when it is large: sgemm_wasm.ts) and kept. The memory must hold `s` (from `tokenScratch`). Returns the
 * number of rows computed (cache misses).
 */
export function projectTokens(
  c: TokenRows, L: number, N: number, ids: number, E: number, table: number, GH: number, xp0: number, xp1: number, s: TokenScratch,
): number {
  const m = wasmKernels();
  const ex = m.exports!;
  const { at, cols } = c;
  // a new call stamp (wrapping before int32 does, with the stamps cleared)
  c.call++;
  if (c.call > 0x3fffffff) {
    c.stamps.fill(0);
    c.call = 1;
  }
  const M = ex.tokenRowsLookup(
    L, N, ids, E, table, cols, c.slots, at.tags, at.gens, c.gen, at.stamps, c.call, at.snap, at.rows, s.missX, s.missTo, s.src, s.y, GH, xp0, xp1,
  );
  if (M === 0) return 0; // (xp written)
  const bias = at.bias === 0 ? 0 : 1;
  sgemmInMemory(m, ex, { transA: 0, transB: 0, M, N: cols, K: E, alpha: 1, a: s.missX, lda: E, b: at.wT, ldb: cols, beta: bias, c: s.y, work: m.work, bias: at.bias });
  ex.tokenRowsFinish(M, s.y, cols, s.missTo, L * N, s.src, GH, xp0, xp1);
  return M;
}

/** Fresh storage for a token-row cache (generation 0: the caller's first check of the weights fills it), or null. */
function makeTokenRows(V: number, E: number, D: number, GH: number, hasBias: boolean, bytes: number): Omit<TokenRows, 'wIh' | 'bIh'> | null {
  const cols = D * GH;
  const slots = Math.max(1, Math.min(V, Math.floor(bytes / ((E + cols) * 4 + 12))));
  const sizes = [D * GH * E, hasBias ? cols : 0, E * cols, slots, slots, slots, slots * E, slots * cols];
  const got = sizes.map((n) => (n === 0 ? null : residentZeros(n)));
  const storage = got.filter((a): a is Float32Array => a !== null);
  if (storage.length < sizes.filter((n) => n > 0).length) {
    storage.forEach(releaseResident);
    return null;
  }
  const [snapW, bias, wT, tags, gens, stamps, snap, rows] = got;
  const ints = (a: Float32Array): Int32Array => new Int32Array(a.buffer, a.byteOffset, slots);
  const at = (a: Float32Array | null): number => (a === null ? 0 : residentOffset(a));
  // Generation 0 with all-zero snapshots (W_ih, b_ih, and wT their transpose): unless the weights are all zeros, the
  // first check moves to generation 1; if they are, wT is right, and no slot has a tag yet.
  return {
    snapW: snapW!, bias, cols, slots, tags: ints(tags!), gen: 0, stamps: ints(stamps!), call: 0, storage,
    at: { snapW: at(snapW), bias: at(bias), wT: at(wT), tags: at(tags), gens: at(gens), stamps: at(stamps), snap: at(snap), rows: at(rows) },
  };
}
