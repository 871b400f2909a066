// The float32 Adam/AdamW update (driven by src/kernels/cpu/adam_wasm.ts) with the roundings of the JavaScript loop
// in src/kernels/cpu/adam.ts, which are PyTorch's: every tensor op rounds to float32, except the two
// `a + b·c` updates of the moments, which the JavaScript loop (like PyTorch's `add_(…, alpha)`) evaluates in double
// and rounds once: here in f64 lanes. Elements are independent, so any split of [0, n) gives the same bits.

/** f32(f64(a) + f64(b)·f64(c)) per lane (the product of two float32 is exact in f64). */
// @ts-ignore: decorator
@inline
function madd64(a: v128, b: v128, c: v128): v128 {
  const lo = f64x2.add(f64x2.promote_low_f32x4(a), f64x2.mul(f64x2.promote_low_f32x4(b), f64x2.promote_low_f32x4(c)));
  const ah = i8x16.shuffle(a, a, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const bh = i8x16.shuffle(b, b, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const ch = i8x16.shuffle(c, c, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
  const hi = f64x2.add(f64x2.promote_low_f32x4(ah), f64x2.mul(f64x2.promote_low_f32x4(bh), f64x2.promote_low_f32x4(ch)));
  const dl = f32x4.demote_f64x2_zero(lo);
  const dh = f32x4.demote_f64x2_zero(hi);
  return i8x16.shuffle(dl, dh, 0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}

/**
 * For i in [0, n): x ← x·decay (1 for Adam); m ← m·b1 + ob1·g; v ← v·b2 + (ob2·g)·g;
 * x ← x + (negStep·m) / (√v / bc2Sqrt + eps). Byte offsets x, g, m, v.
 */
export function adamStep(
  n: i32, x: usize, g: usize, m: usize, v: usize,
  b1: f32, b2: f32, ob1: f32, ob2: f32, eps: f32, bc2Sqrt: f32, negStep: f32, decay: f32,
): void {
  const n4 = n & ~3;
  const B1 = f32x4.splat(b1), B2 = f32x4.splat(b2), OB1 = f32x4.splat(ob1), OB2 = f32x4.splat(ob2);
  const EPS = f32x4.splat(eps), BC2 = f32x4.splat(bc2Sqrt), NS = f32x4.splat(negStep), DEC = f32x4.splat(decay);
  for (let i = 0; i < n4; i += 4) {
    const o = <usize>i * 4;
    const xi = f32x4.mul(v128.load(x + o), DEC);
    const gi = v128.load(g + o);
    const mi = madd64(f32x4.mul(v128.load(m + o), B1), OB1, gi);
    const vi = madd64(f32x4.mul(v128.load(v + o), B2), f32x4.mul(OB2, gi), gi);
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const denom = f32x4.add(f32x4.div(f32x4.sqrt(vi), BC2), EPS);
    v128.store(x + o, f32x4.add(xi, f32x4.div(f32x4.mul(NS, mi), denom)));
  }
  for (let i = n4; i < n; i++) {
    const o = <usize>i * 4;
    const xi = load<f32>(x + o) * decay;
    const gi = load<f32>(g + o);
    const mi = <f32>(<f64>(load<f32>(m + o) * b1) + <f64>ob1 * <f64>gi);
    const vi = <f32>(<f64>(load<f32>(v + o) * b2) + <f64>(ob2 * gi) * <f64>gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const denom = sqrt<f32>(vi) / bc2Sqrt + eps;
    store<f32>(x + o, xi + (negStep * mi) / denom);
  }
}
