import { afterAll, describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import type { AdamScalars } from './adam.js';
import { adamUpdateFloat32 } from './adam.js';
import { ADAM_WASM_MIN, adamUpdateWasm } from './adam_wasm.js';
import { currentPool, gemmBackend, setNumThreads } from './gemm_wasm.js';

/** The reference: the update through Math.fround after every tensor op, as in adam.test.ts's naive twin. */
function naive(x: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, s: AdamScalars): void {
  const r = Math.fround;
  for (let i = 0; i < x.length; i++) {
    if (s.decoupled) x[i] = r(x[i] * s.decay);
    m[i] = r(r(m[i] * s.b1) + s.ob1 * g[i]);
    v[i] = r(r(v[i] * s.b2) + r(s.ob2 * g[i]) * g[i]);
    const denom = r(r(r(Math.sqrt(v[i])) / s.bc2Sqrt) + s.eps);
    x[i] = r(x[i] + r(r(s.negStep * m[i]) / denom));
  }
}

afterAll(() => setNumThreads(1));

describe('Adam update in WebAssembly', () => {
  it('runs here (these tests do not run with RECURRENT_KERNELS=js)', () => {
    expect(gemmBackend()).not.toBe('js');
  });

  // 2¹⁸ + 3 elements (a tail of 3 after the 4-lane loop), values over many magnitudes, zeros and −0 among them.
  const n = (1 << 18) + 3;
  for (const decoupled of [false, true]) {
    for (const threads of [1, 2, 3]) {
      it(`${decoupled ? 'AdamW' : 'Adam'} on ${threads} thread(s): the bits of the JavaScript loop over 3 steps`, () => {
        setNumThreads(threads);
        if (threads > 1) expect(currentPool()!.waitReady(20_000)).toBe(true);
        const gen = new Generator(11);
        const fill = (scale: number): Float32Array => Float32Array.from({ length: n }, (_, i) => (i % 97 === 0 ? (i % 2 ? 0 : -0) : Math.fround(gen.normal() * scale * 10 ** ((i % 7) - 3))));
        const x = fill(1);
        const [m, v] = [new Float32Array(n), new Float32Array(n)];
        const [x2, m2, v2] = [x.slice(), m.slice(), v.slice()];
        for (let step = 1; step <= 3; step++) {
          const g = fill(0.1);
          const r = Math.fround;
          const s: AdamScalars = {
            b1: r(0.9), b2: r(0.999), ob1: r(0.1), ob2: r(1 - 0.999), wd: 0, eps: r(1e-8),
            bc2Sqrt: r(Math.sqrt(1 - 0.999 ** step)), negStep: r(-3e-3 / (1 - 0.9 ** step)), decay: r(1 - 3e-3 * 0.01),
            decoupled, maximize: false,
          };
          expect(adamUpdateWasm(x, g, m, v, s)).toBe(true);
          naive(x2, g, m2, v2, s);
        }
        expect(x.every((e, i) => Object.is(e, x2[i]))).toBe(true);
        expect(m.every((e, i) => Object.is(e, m2[i]))).toBe(true);
        expect(v.every((e, i) => Object.is(e, v2[i]))).toBe(true);
      });
    }
  }

  it(`small tensors (under ${ADAM_WASM_MIN} elements) stay in JavaScript; adamUpdateFloat32 uses WebAssembly above`, () => {
    const r = Math.fround; // float32 callers pass the scalars rounded to float32
    const s: AdamScalars = { b1: r(0.9), b2: r(0.999), ob1: r(0.1), ob2: r(0.001), wd: 0, eps: r(1e-8), bc2Sqrt: r(0.03), negStep: r(-0.01), decay: 1, decoupled: false, maximize: false };
    const small = new Float32Array(ADAM_WASM_MIN - 1);
    expect(adamUpdateWasm(small, small.slice(), small.slice(), small.slice(), s)).toBe(false);
    const big = Float32Array.from({ length: ADAM_WASM_MIN }, (_, i) => i / ADAM_WASM_MIN);
    const [x, g, m, v] = [big.slice(), big.slice(), new Float32Array(big.length), new Float32Array(big.length)];
    const [x2, m2, v2] = [x.slice(), m.slice(), v.slice()];
    adamUpdateFloat32(x, g, m, v, null, s);
    naive(x2, g, m2, v2, s);
    expect(x.every((e, i) => Object.is(e, x2[i]))).toBe(true);
  });
});
