import { describe, expect, it } from 'vitest';
import { getNumThreads, setNumThreads, wasmKernels } from './gemm_wasm.js';
import { threadStats, THREAD_MIN_WORK } from './sgemm_wasm.js';
import { residentOffset, residentZeros } from './wasm_heap.js';
import { cachedTokenRows, projectTokens, tokenScratch, type TokenRows } from './token_rows.js';

const m = wasmKernels();
const ex = m.exports!;

/** Resident float32 storage holding `values` (the kernels read it in place). */
function resident(values: ArrayLike<number>): Float32Array {
  const a = residentZeros(values.length)!;
  a.set(values);
  return a;
}
const bits = (a: ArrayLike<number>): number[] => Array.from(new Uint32Array(Float32Array.from(a).buffer));
/** The first index where `a` and `b` differ, or −1 (toEqual on 512k elements takes seconds). */
const firstDifference = (a: number[], b: number[]): number => (a.length !== b.length ? 0 : a.findIndex((v, i) => v !== b[i]));
/** Resident storage for `projectTokens`' per-call regions (kept alive in `held`). */
const held: Float32Array[] = [];
const regions = { take: (floats: number): number => residentOffset(held[held.push(residentZeros(floats)!) - 1]) };
/** `projectTokens` with fresh scratch. */
function project(c: TokenRows, L: number, N: number, ids: number, E: number, table: number, GH: number, xp0: number, xp1: number): number {
  return projectTokens(c, L, N, ids, E, table, GH, xp0, xp1, tokenScratch(c, L, N, E, regions));
}

describe('sameBits (assembly/token_rows.ts)', () => {
  for (const n of [0, 3, 4, 15, 16, 17, 37]) {
    it(`n = ${n}: 1 for the same bits, 0 for one element changed anywhere (16-wide rounds, 4-wide, one by one)`, () => {
      const a = resident(Array.from({ length: n }, (_, i) => Math.sin(i)));
      const b = resident(a);
      expect(ex.sameBits(n, residentOffset(a), residentOffset(b))).toBe(1);
      for (let i = 0; i < n; i++) {
        b[i] = a[i] + 1;
        expect(ex.sameBits(n, residentOffset(a), residentOffset(b))).toBe(0);
        b[i] = a[i];
      }
    });
  }
  it('compares bits, not values: −0 against +0 and two NaN payloads differ, the same NaN does not', () => {
    const a = resident([0, 1, 2, 3, NaN]);
    const b = resident([-0, 1, 2, 3, NaN]);
    expect(ex.sameBits(5, residentOffset(a), residentOffset(b))).toBe(0);
    b[0] = 0;
    expect(ex.sameBits(5, residentOffset(a), residentOffset(b))).toBe(1);
    new Uint32Array(b.buffer, b.byteOffset, 5)[4] = 0x7fc00001;
    expect(ex.sameBits(5, residentOffset(a), residentOffset(b))).toBe(0);
  });
});

describe('token rows: a first layer\'s input projection from cached rows (token_rows.ts)', () => {
  /** The layer's own product over the embedded rows: x (L·N, E) time-major · W_ihᵀ + b_ih, one direction. */
  function reference(table: Float32Array, ids: Int32Array, L: number, N: number, E: number, wIh: Float32Array, bIh: Float32Array | null, GH: number): number[] {
    const x = residentZeros(L * N * E)!;
    for (let t = 0; t < L; t++) for (let n = 0; n < N; n++) x.set(table.subarray(ids[n * L + t] * E, (ids[n * L + t] + 1) * E), (t * N + n) * E);
    const c = residentZeros(L * N * GH)!;
    ex.sgemm(0, 1, L * N, GH, E, 1, residentOffset(x), E, residentOffset(wIh), E, bIh === null ? 0 : 1, residentOffset(c), m.work, bIh === null ? 0 : residentOffset(bIh));
    return bits(c);
  }

  for (const { D, E, H, bias, bytes } of [
    { D: 2, E: 16, H: 24, bias: true, bytes: 1 << 20 }, // every id its own slot
    { D: 1, E: 7, H: 5, bias: false, bytes: 1 << 20 }, // E and G·H not multiples of 4
    { D: 2, E: 16, H: 24, bias: true, bytes: 7 * ((16 + 2 * 72) * 4 + 8) }, // 7 slots for 40 ids: rows evict each other
  ]) {
    it(`D = ${D}, E = ${E}, G·H = ${3 * H}${bias ? '' : ', no bias'}, ${bytes < 1e5 ? '7 slots' : 'a slot per id'}: the bits of the product, and weights that change are seen`, () => {
      const V = 40, L = 6, N = 3, GH = 3 * H;
      const table = resident(Array.from({ length: V * E }, (_, i) => Math.cos(i * 0.37)));
      const wIh = Array.from({ length: D }, (_, d) => resident(Array.from({ length: GH * E }, (_, i) => Math.sin(i * 0.11 + d) / 4)));
      const bIh = Array.from({ length: D }, (_, d) => (bias ? resident(Array.from({ length: GH }, (_, i) => Math.cos(i + d) / 8)) : null));
      const ids = Int32Array.from({ length: N * L }, (_, i) => (i * 7 + 3) % V);
      ids[1] = ids[0]; // an id twice in a row
      const idsMem = resident(new Float32Array(N * L)); // (int32 storage in the kernels' memory)
      new Int32Array(idsMem.buffer, idsMem.byteOffset, N * L).set(ids);
      const xp = Array.from({ length: D }, () => residentZeros(L * N * GH)!);
      let slots = 0;
      const run = (): number => {
        const c = cachedTokenRows(table, V, E, wIh, bIh, GH, bytes);
        expect(c).not.toBeNull();
        slots = c!.slots;
        return project(c!, L, N, residentOffset(idsMem), E, residentOffset(table), GH, residentOffset(xp[0]), D > 1 ? residentOffset(xp[1]) : 0);
      };
      const check = (): void => {
        for (let d = 0; d < D; d++) expect(firstDifference(bits(xp[d]), reference(table, ids, L, N, E, wIh[d], bIh[d], GH))).toBe(-1);
      };
      // The misses a direct-mapped cache has over the ids in the kernel's order (t, then n), from `kept` (slot → id):
      // the first id to use a slot in a call takes it; another id of that slot in the same call is computed each time
      // and not kept.
      let kept = new Map<number, number>();
      const misses = (stale: Set<number> | 'all'): number => {
        if (stale === 'all') kept = new Map();
        const used = new Set<number>();
        let count = 0;
        for (let t = 0; t < L; t++) {
          for (let n = 0; n < N; n++) {
            const id = ids[n * L + t];
            const slot = id % slots;
            if (used.has(slot)) {
              if (kept.get(slot) !== id) count++;
            } else {
              used.add(slot);
              if (kept.get(slot) !== id || (stale !== 'all' && stale.has(id))) {
                kept.set(slot, id);
                count++;
              }
            }
          }
        }
        return count;
      };
      const distinct = new Set(ids).size; // 16 of the 18 positions
      const first = run();
      expect(first).toBe(misses('all'));
      if (bytes > 1e5) expect(first).toBe(distinct); // a slot per id: each id once
      check();
      const again = run();
      expect(again).toBe(misses(new Set()));
      if (bytes > 1e5) expect(again).toBe(0);
      else expect(again).toBeGreaterThan(0); // 7 slots: rows evicted by later ids are recomputed
      check();
      // W_ih changed through its storage: a new generation, every row recomputed
      wIh[D - 1][5] += 0.5;
      expect(run()).toBe(misses('all'));
      check();
      if (bias) {
        bIh[0]![GH - 1] = -0.25;
        expect(run()).toBe(misses('all'));
        check();
      }
      // one embedding row changed: only that id's row is recomputed
      const id = ids[4];
      table[id * E + E - 1] = 3;
      const expected = misses(new Set([id]));
      expect(run()).toBe(expected);
      if (bytes > 1e5) expect(expected).toBe(1);
      check();
    });
  }

  it('two layers fed by one embedding table each keep their own rows (no rebuilding when calls alternate)', () => {
    const V = 30, E = 8, GH = 12, L = 4, N = 2;
    const table = resident(Array.from({ length: V * E }, (_, i) => Math.cos(i)));
    const layers = [0, 1].map((k) => resident(Array.from({ length: GH * E }, (_, i) => Math.sin(i + k))));
    const ids = resident(new Float32Array(N * L));
    new Int32Array(ids.buffer, ids.byteOffset, N * L).set([1, 2, 3, 4, 5, 6, 7, 1]);
    const xp = residentZeros(L * N * GH)!;
    const run = (k: number): number => project(cachedTokenRows(table, V, E, [layers[k]], [null], GH)!, L, N, residentOffset(ids), E, residentOffset(table), GH, residentOffset(xp), 0);
    expect([run(0), run(1)]).toEqual([7, 7]); // 7 distinct ids, each computed once per layer
    expect([run(0), run(1), run(0)]).toEqual([0, 0, 0]);
  });

  it('a large batch: the missing rows are one product split across 2 threads, with the bits of the layer\'s own product', () => {
    const before = getNumThreads();
    setNumThreads(2);
    try {
      // 4,000 positions over all 3,000 ids and 2,500 slots: ids v and v + 2,500 share a slot, so the first call
      // computes a row for every slot (3,000 · 256 · 64 multiply-adds ≥ THREAD_MIN_WORK = 2²⁴: a split product) and
      // for every position whose slot an earlier id of the call took; later calls only the latter
      const V = 3000, E = 64, GH = 128, D = 2, L = 40, N = 100;
      expect(V * D * GH * E).toBeGreaterThanOrEqual(THREAD_MIN_WORK);
      const table = resident(Array.from({ length: V * E }, (_, i) => Math.cos(i * 0.37)));
      const wIh = Array.from({ length: D }, (_, d) => resident(Array.from({ length: GH * E }, (_, i) => Math.sin(i * 0.11 + d) / 4)));
      const bIh = Array.from({ length: D }, (_, d) => resident(Array.from({ length: GH }, (_, i) => Math.cos(i + d) / 8)));
      const ids = Int32Array.from({ length: N * L }, (_, i) => (i * 7919 + 13) % V);
      const idsMem = resident(new Float32Array(N * L));
      new Int32Array(idsMem.buffer, idsMem.byteOffset, N * L).set(ids);
      const xp = Array.from({ length: D }, () => residentZeros(L * N * GH)!);
      const bytes = 2500 * ((E + D * GH) * 4 + 12); // 2,500 slots
      const run = (): number => {
        const c = cachedTokenRows(table, V, E, wIh, bIh, GH, bytes)!;
        expect(c.slots).toBe(2500);
        return project(c, L, N, residentOffset(idsMem), E, residentOffset(table), GH, residentOffset(xp[0]), residentOffset(xp[1]));
      };
      const split = threadStats.splitProducts;
      const first = run();
      expect(first).toBeGreaterThan(2500);
      expect(threadStats.splitProducts - split).toBe(wasmKernels().startPool === null ? 0 : 1);
      for (let d = 0; d < D; d++) expect(firstDifference(bits(xp[d]), reference(table, ids, L, N, E, wIh[d], bIh[d], GH))).toBe(-1);
      // again: the kept rows are found, only the positions of ids whose slot another id took are computed
      const again = run();
      expect(again).toBe(first - 2500);
      for (let d = 0; d < D; d++) expect(firstDifference(bits(xp[d]), reference(table, ids, L, N, E, wIh[d], bIh[d], GH))).toBe(-1);
    } finally {
      setNumThreads(before);
    }
  });
});
