/**
 * W_hhᵀ of a recurrent layer kept between inference calls: the step loop reads W_hh transposed (H, G·H) (and packed,
 * for blocks of more than 4 rows), which each call otherwise makes afresh from W_hh. Each use compares the live W_hh
 * with a copy of the bits the transpose was made from (one pass, cheaper than the transpose: it only reads) and
 * remakes it when they differ, so a write into the weights by any route is seen at the next call, as in
 * token_rows.ts.
 *
 * Only a resident W_hh (wasm_heap.ts) is cached, in resident storage keyed on it (a `WeakMap`); elsewhere
 * `cachedStepWeights` returns null and the layer transposes W_hh itself, as before.
 */
import { wasmKernels } from './gemm_wasm.js';
import { residentOffset, residentPrefix, residentZeros } from './wasm_heap.js';

interface StepWeights {
  /** `(G·H, H)` the bits of W_hh the others were made from. */
  snap: Float32Array;
  /** `(H, ldT)` W_hhᵀ, rows `whhTStride(G·H)` floats apart. */
  whhT: Float32Array;
  /** W_hhᵀ packed by `packBAll` (`packedBFloats(H, G·H)`), once asked for; stale when `packedFresh` is false. */
  packed: Float32Array | null;
  packedFresh: boolean;
}

const cache = new WeakMap<Float32Array, StepWeights>();

/**
 * Byte offsets of W_hhᵀ `(H, ldT)` and, with `packed`, of W_hhᵀ packed (else 0), made from the current bits of a
 * resident W_hh `(G·H, H)`; null where W_hh is not resident or the heap has no room (nothing is left half made:
 * storage is taken before anything is written).
 */
export function cachedStepWeights(wHh: Float32Array, GH: number, H: number, packed: boolean): { whhT: number; packed: number } | null {
  const ex = wasmKernels().exports;
  const live = residentPrefix(wHh, GH * H);
  if (ex === null || live < 0) return null;
  const ldT = ex.whhTStride(GH);
  let c = cache.get(wHh);
  let stale = c === undefined || residentOffset(c.snap) < 0 || ex.sameBits(GH * H, live, residentOffset(c.snap)) !== 1;
  if (c === undefined || residentOffset(c.snap) < 0) {
    const snap = residentZeros(GH * H);
    const whhT = snap === null ? null : residentZeros(H * ldT);
    if (snap === null || whhT === null) return null;
    c = { snap, whhT, packed: null, packedFresh: false };
    cache.set(wHh, c);
    stale = true;
  }
  if (packed && c.packed === null) {
    c.packed = residentZeros(ex.packedBFloats(H, GH));
    if (c.packed === null) return null;
  }
  if (stale) {
    c.snap.set(wHh.subarray(0, GH * H));
    ex.transpose(GH, H, live, residentOffset(c.whhT), ldT);
    c.packedFresh = false;
  }
  if (packed && !c.packedFresh) {
    ex.packBAll(0, residentOffset(c.whhT), ldT, H, GH, residentOffset(c.packed!));
    c.packedFresh = true;
  }
  return { whhT: residentOffset(c.whhT), packed: packed ? residentOffset(c.packed!) : 0 };
}
