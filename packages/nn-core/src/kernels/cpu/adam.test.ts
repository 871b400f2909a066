import { describe, expect, it } from 'vitest';
import { Generator } from '../../random.js';
import type { FloatArray } from '../../dtype.js';
import { adamUpdateFloat32, adamUpdateFloat64, type AdamScalars } from './adam.js';

/** The naive twin: the same update through a rounding function value (one call per tensor op). */
function adamNaive(x: FloatArray, g: FloatArray, m: FloatArray, v: FloatArray, vmax: FloatArray | null, s: AdamScalars, r: (a: number) => number): void {
  for (let i = 0; i < x.length; i++) {
    let gi = s.maximize ? -g[i] : g[i];
    if (s.decoupled) x[i] = r(x[i] * s.decay);
    else if (s.wd !== 0) gi = r(gi + s.wd * x[i]);
    m[i] = r(r(m[i] * s.b1) + s.ob1 * gi);
    v[i] = r(r(v[i] * s.b2) + r(s.ob2 * gi) * gi);
    let second = v[i];
    if (vmax !== null) {
      vmax[i] = Math.max(vmax[i], second);
      second = vmax[i];
    }
    const denom = r(r(r(Math.sqrt(second)) / s.bc2Sqrt) + s.eps);
    x[i] = r(x[i] + r(r(s.negStep * m[i]) / denom));
  }
}

describe('Adam update kernels', () => {
  // 1,031 elements (odd, not a multiple of any unroll); 3 steps so the moments are non-trivial.
  const cases: [string, Partial<AdamScalars>][] = [
    ['plain', {}],
    ['L2 weight decay', { wd: 0.01 }],
    ['decoupled decay (AdamW)', { decoupled: true, decay: 1 - 1e-3 * 0.01 }],
    ['maximize', { maximize: true }],
  ];
  for (const [name, extra] of cases) {
    for (const amsgrad of [false, true]) {
      it(`equal the naive twin bit for bit in float32 and float64: ${name}${amsgrad ? ', amsgrad' : ''}`, () => {
        for (const [Arr, r, fast] of [
          [Float32Array, Math.fround, adamUpdateFloat32],
          [Float64Array, (a: number) => a, adamUpdateFloat64],
        ] as const) {
          const gen = new Generator(5);
          const fill = (n: number, scale: number) => Arr.from(Array.from({ length: n }, () => r(gen.normal() * scale)));
          const n = 1031;
          const x = fill(n, 1);
          const x2 = Arr.from(x);
          const [m, v, m2, v2] = [new Arr(n), new Arr(n), new Arr(n), new Arr(n)];
          const [vm, vm2] = amsgrad ? [new Arr(n), new Arr(n)] : [null, null];
          for (let step = 1; step <= 3; step++) {
            const g = fill(n, 0.1);
            const s: AdamScalars = {
              b1: r(0.9), b2: r(0.999), ob1: r(0.1), ob2: r(1 - 0.999), wd: 0, eps: r(1e-8),
              bc2Sqrt: r(Math.sqrt(1 - 0.999 ** step)), negStep: r(-1e-3 / (1 - 0.9 ** step)), decay: 1,
              decoupled: false, maximize: false, ...extra,
            };
            fast(x, g, m, v, vm, s);
            adamNaive(x2, g, m2, v2, vm2, s, r);
          }
          expect(Array.from(x)).toEqual(Array.from(x2));
          expect(Array.from(v)).toEqual(Array.from(v2));
        }
      });
    }
  }
});
