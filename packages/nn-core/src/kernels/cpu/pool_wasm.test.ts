import { describe, expect, it } from 'vitest';
import { reserve, wasmKernels } from './gemm_wasm.js';

/** The pooling of the module path, element by element: maxDimForward over maskedFill(−∞), or sum ÷ length. */
function reference(mode: 'max' | 'mean', out: Float32Array, L: number, N: number, H: number, lengths: Int32Array): Float32Array {
  const pooled = new Float32Array(N * H);
  for (let n = 0; n < N; n++) {
    for (let j = 0; j < H; j++) {
      const at = (t: number): number => out[(t * N + n) * H + j];
      if (mode === 'max') {
        let best = at(0);
        for (let t = 1; t < lengths[n] && best === best; t++) if (at(t) > best || at(t) !== at(t)) best = at(t);
        pooled[n * H + j] = best;
      } else {
        let s = 0;
        for (let t = 0; t < lengths[n]; t++) s += at(t);
        pooled[n * H + j] = Math.fround(s) / lengths[n];
      }
    }
  }
  return pooled;
}

describe('poolSteps and gatherRows (assembly/pool.ts)', () => {
  const m = wasmKernels();
  const ex = m.exports!;
  const L = 6, N = 5, H = 7; // H = 7: one vector of four, then three elements one by one
  const lengths = Int32Array.from([6, 1, 3, 6, 2]);
  // values with ties of ±0, NaN in the middle and at the first step, infinities
  const out = Float32Array.from({ length: L * N * H }, (_, i) => Math.sin(i * 1.7) * 3);
  out[(2 * N + 0) * H + 1] = NaN; // row 0, step 2: NaN wins over later larger values
  out[(0 * N + 3) * H + 5] = NaN; // row 3, first step NaN: stays
  out[(0 * N + 2) * H + 0] = -0;
  out[(1 * N + 2) * H + 0] = 0; // 0 > −0 is false: the first (−0) stays
  out[(4 * N + 0) * H + 6] = Infinity;
  // row 0, column 3: a NaN of another payload after a first NaN: the first one's bits stay
  new Uint32Array(out.buffer)[(1 * N + 0) * H + 3] = 0x7fc00001;
  new Uint32Array(out.buffer)[(3 * N + 0) * H + 3] = 0x7fc00002;
  out[(1 * N + 4) * H + 2] = -Infinity;

  for (const mode of ['max', 'mean'] as const) {
    it(`${mode} pooling over each row's valid steps gives the module path's bits, NaN and ±0 included`, () => {
      const base = m.free;
      const mem = reserve(m, ex, base + 4096 + out.byteLength * 2)!;
      mem.set(out, base >> 2);
      const lensAt = base + out.byteLength;
      new Int32Array(mem.buffer, lensAt, N).set(lengths);
      const pooledAt = lensAt + 64;
      // as one direction (d = 1) of two: columns H … 2H of (N, 2H)
      ex.poolSteps(mode === 'max' ? 0 : 1, L, N, H, 2, 1, base, lensAt, pooledAt);
      const got = new Float32Array(N * H);
      for (let n = 0; n < N; n++) got.set(m.view.subarray((pooledAt >> 2) + (n * 2 + 1) * H, (pooledAt >> 2) + (n * 2 + 2) * H), n * H);
      const want = reference(mode, out, L, N, H, lengths);
      // max selects, so every bit (NaN payloads too) is the module path's; mean computes, and a NaN's payload out of
      // arithmetic is not defined (WebAssembly may return any NaN): NaN positions and every other value's bits
      if (mode === 'max') expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
      else expect(Array.from(got)).toEqual(Array.from(want));
      if (mode === 'max') {
        expect(got[0 * H + 1]).toBeNaN();
        expect(new Uint32Array(got.buffer)[0 * H + 3]).toBe(0x7fc00001);
        expect(got[3 * H + 5]).toBeNaN();
        expect(Object.is(got[2 * H + 0], -0)).toBe(true);
        expect(got[0 * H + 6]).toBe(Infinity);
      }
    });
  }

  it('gatherRows writes row (t, n) of the time-major input from table row ids[n, t]', () => {
    const V = 9, E = 6, Lg = 3, Ng = 2;
    const table = Float32Array.from({ length: V * E }, (_, i) => i + 0.5);
    const ids = Int32Array.from([4, 0, 8, 2, 2, 7]); // (N, L) batch-first
    const base = m.free;
    const mem = reserve(m, ex, base + 4096)!;
    mem.set(table, base >> 2);
    const idsAt = base + 1024;
    new Int32Array(mem.buffer, idsAt, ids.length).set(ids);
    const dst = base + 2048;
    ex.gatherRows(Lg, Ng, E, idsAt, base, dst);
    for (let t = 0; t < Lg; t++) {
      for (let n = 0; n < Ng; n++) {
        const id = ids[n * Lg + t];
        const row = Array.from(m.view.subarray((dst >> 2) + (t * Ng + n) * E, (dst >> 2) + (t * Ng + n + 1) * E));
        expect(row).toEqual(Array.from(table.subarray(id * E, (id + 1) * E)));
      }
    }
  });
});
