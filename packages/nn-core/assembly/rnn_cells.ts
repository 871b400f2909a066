// Pointwise recurrent steps in f32x4 lanes (driven by src/kernels/cpu/rnn_cells_wasm.ts): forward and backward of
// LSTM, GRU and RNN (tanh and relu).
// Same equations and buffer layout as src/kernels/cpu/rnn_cells.ts (gate blocks of H per row), with
// float32 exp/sigmoid/tanh after Cephes' expf and tanhf (max relative error a few float32 ulps) instead of
// double-precision Math. Rows whose H is not a multiple of 4 finish through a 4-lane scratch copy, so every
// element goes through the same instructions.

// @ts-ignore: decorator
@inline
function splat(v: f32): v128 {
  return f32x4.splat(v);
}

/**
 * e^x for x clamped to [−87, 88] (float32 normal range), Cephes expf: n = round(x·log2 e), degree-5 e^r.
 * Written for few instructions (this is most of a cell step's cost): the clamp with pmin/pmax (one instruction
 * each, where min/max need several for NaN and −0; the same results here, NaN staying NaN), and n rounded by adding
 * 1.5·2²³, which also leaves n as an integer in the sum's low bits (instead of `nearest` then a saturating
 * conversion; the same n, ties to even).
 */
// @ts-ignore: decorator
@inline
function expV(x: v128): v128 {
  x = f32x4.pmin(f32x4.pmax(x, splat(-87.0)), splat(88.0));
  const magic = splat(12582912.0); // 1.5·2²³
  const t = f32x4.add(f32x4.mul(x, splat(1.44269504088896341)), magic);
  const n = f32x4.sub(t, magic);
  let r = f32x4.sub(x, f32x4.mul(n, splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, splat(-2.12194440e-4)));
  const z = f32x4.mul(r, r);
  let p = splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, z), r), splat(1));
  const pow2n = i32x4.shl(i32x4.add(i32x4.sub(t, magic), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2n);
}

// @ts-ignore: decorator
@inline
function sigmoidV(x: v128): v128 {
  return f32x4.div(splat(1), f32x4.add(splat(1), expV(f32x4.neg(x))));
}

/** Cephes tanhf: odd polynomial below |x| = 0.625, else sign(x)·(1 − 2 / (e^{2|x|} + 1)). */
// @ts-ignore: decorator
@inline
function tanhV(x: v128): v128 {
  const ax = f32x4.abs(x);
  const e = expV(f32x4.add(ax, ax));
  let big = f32x4.sub(splat(1), f32x4.div(splat(2), f32x4.add(e, splat(1))));
  big = v128.or(big, v128.and(x, i32x4.splat(<i32>0x80000000)));
  const z = f32x4.mul(x, x);
  let p = splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), splat(-3.33332819422e-1));
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  return v128.bitselect(small, big, f32x4.lt(ax, splat(0.625)));
}

/** Four lanes of the forward step; `xp`, `hp`, `acts` point at gate i, the others at the same column. */
// @ts-ignore: decorator
@inline
function forward4(xp: usize, hp: usize, gs: usize, cPrev: usize, acts: usize, as: usize, c: usize, h: usize): void {
  const i = sigmoidV(f32x4.add(v128.load(xp), v128.load(hp)));
  const f = sigmoidV(f32x4.add(v128.load(xp + gs), v128.load(hp + gs)));
  const g = tanhV(f32x4.add(v128.load(xp + 2 * gs), v128.load(hp + 2 * gs)));
  const o = sigmoidV(f32x4.add(v128.load(xp + 3 * gs), v128.load(hp + 3 * gs)));
  v128.store(acts, i);
  v128.store(acts + as, f);
  v128.store(acts + 2 * as, g);
  v128.store(acts + 3 * as, o);
  const cj = f32x4.add(f32x4.mul(f, v128.load(cPrev)), f32x4.mul(i, g));
  v128.store(c, cj);
  v128.store(h, f32x4.mul(o, tanhV(cj)));
}

/** Copies `n` < 4 floats of each gate block (stride `gs` bytes) into 4-lane slots at `dst` (stride 16). */
function gather(src: usize, gs: usize, gates: i32, n: i32, dst: usize): void {
  for (let k = 0; k < gates; k++) {
    for (let l = 0; l < 4; l++) store<f32>(dst + k * 16 + l * 4, l < n ? load<f32>(src + k * gs + l * 4) : 0);
  }
}

function scatter(src: usize, gates: i32, n: i32, dst: usize, gs: usize): void {
  for (let k = 0; k < gates; k++) {
    for (let l = 0; l < n; l++) store<f32>(dst + k * gs + l * 4, load<f32>(src + k * 16 + l * 4));
  }
}

/** Bytes of scratch the cell kernels need at `tmp`. */
export function cellScratchBytes(): i32 {
  return 16 * 32;
}

/**
 * i, f, g, o = σ, σ, tanh, σ of (xp + hp); c = f⊙c_prev + i⊙g; h = o⊙tanh(c).
 * xp, hp, acts `(N, 4H)`; cPrev, c, h `(N, H)`; byte offsets, `tmp` has cellScratchBytes().
 */
export function lstmCellForward(N: i32, H: i32, xp: usize, hp: usize, cPrev: usize, acts: usize, c: usize, h: usize, tmp: usize): void {
  const gs = <usize>H * 4;
  const H4 = H & ~3;
  for (let n = 0; n < N; n++) {
    const r = <usize>n * 4 * gs;
    const s = <usize>n * gs;
    for (let j = 0; j < H4; j += 4) {
      const o = <usize>j * 4;
      forward4(xp + r + o, hp + r + o, gs, cPrev + s + o, acts + r + o, gs, c + s + o, h + s + o);
    }
    if (H4 < H) {
      const o = <usize>H4 * 4;
      const t = H - H4;
      gather(xp + r + o, gs, 4, t, tmp);
      gather(hp + r + o, gs, 4, t, tmp + 64);
      gather(cPrev + s + o, 0, 1, t, tmp + 128);
      forward4(tmp, tmp + 64, 16, tmp + 128, tmp + 144, 16, tmp + 208, tmp + 224);
      scatter(tmp + 144, 4, t, acts + r + o, gs);
      scatter(tmp + 208, 1, t, c + s + o, 0);
      scatter(tmp + 224, 1, t, h + s + o, 0);
    }
  }
}

// @ts-ignore: decorator
@inline
function backward4(acts: usize, as: usize, cPrev: usize, c: usize, dh: usize, dc: usize, dxp: usize, dcPrev: usize): void {
  const one = splat(1);
  const i = v128.load(acts);
  const f = v128.load(acts + as);
  const g = v128.load(acts + 2 * as);
  const o = v128.load(acts + 3 * as);
  const tc = tanhV(v128.load(c));
  const dhv = v128.load(dh);
  const dct = f32x4.add(v128.load(dc), f32x4.mul(f32x4.mul(dhv, o), f32x4.sub(one, f32x4.mul(tc, tc))));
  v128.store(dxp, f32x4.mul(f32x4.mul(f32x4.mul(dct, g), i), f32x4.sub(one, i)));
  v128.store(dxp + as, f32x4.mul(f32x4.mul(f32x4.mul(dct, v128.load(cPrev)), f), f32x4.sub(one, f)));
  v128.store(dxp + 2 * as, f32x4.mul(f32x4.mul(dct, i), f32x4.sub(one, f32x4.mul(g, g))));
  v128.store(dxp + 3 * as, f32x4.mul(f32x4.mul(f32x4.mul(dhv, tc), o), f32x4.sub(one, o)));
  v128.store(dcPrev, f32x4.mul(dct, f));
}

/**
 * do = dh⊙tanh(c); dc_t = dc + dh⊙o⊙(1 − tanh²c); di = dc_t⊙g; df = dc_t⊙c_prev; dg = dc_t⊙i; dc_prev = dc_t⊙f,
 * times σ' = s(1 − s), tanh' = 1 − t². acts, dxp `(N, 4H)`; cPrev, c, dh, dc, dcPrev `(N, H)`.
 */
export function lstmCellBackward(
  N: i32, H: i32, acts: usize, cPrev: usize, c: usize, dh: usize, dc: usize, dxp: usize, dcPrev: usize, tmp: usize,
): void {
  const gs = <usize>H * 4;
  const H4 = H & ~3;
  for (let n = 0; n < N; n++) {
    const r = <usize>n * 4 * gs;
    const s = <usize>n * gs;
    for (let j = 0; j < H4; j += 4) {
      const o = <usize>j * 4;
      backward4(acts + r + o, gs, cPrev + s + o, c + s + o, dh + s + o, dc + s + o, dxp + r + o, dcPrev + s + o);
    }
    if (H4 < H) {
      const o = <usize>H4 * 4;
      const t = H - H4;
      gather(acts + r + o, gs, 4, t, tmp);
      gather(cPrev + s + o, 0, 1, t, tmp + 64);
      gather(c + s + o, 0, 1, t, tmp + 80);
      gather(dh + s + o, 0, 1, t, tmp + 96);
      gather(dc + s + o, 0, 1, t, tmp + 112);
      backward4(tmp, 16, tmp + 64, tmp + 80, tmp + 96, tmp + 112, tmp + 128, tmp + 192);
      scatter(tmp + 128, 4, t, dxp + r + o, gs);
      scatter(tmp + 192, 1, t, dcPrev + s + o, 0);
    }
  }
}

// @ts-ignore: decorator
@inline
function gruForward4(xp: usize, hp: usize, gs: usize, hPrev: usize, acts: usize, as: usize, hn: usize, h: usize): void {
  const r = sigmoidV(f32x4.add(v128.load(xp), v128.load(hp)));
  const z = sigmoidV(f32x4.add(v128.load(xp + gs), v128.load(hp + gs)));
  const hnj = v128.load(hp + 2 * gs);
  const n = tanhV(f32x4.add(v128.load(xp + 2 * gs), f32x4.mul(r, hnj)));
  v128.store(acts, r);
  v128.store(acts + as, z);
  v128.store(acts + 2 * as, n);
  v128.store(hn, hnj);
  v128.store(h, f32x4.add(f32x4.mul(f32x4.sub(splat(1), z), n), f32x4.mul(z, v128.load(hPrev))));
}

/**
 * r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r⊙hp_n), h = (1 − z)⊙n + z⊙h_prev; hn = hp_n.
 * xp, hp, acts `(N, 3H)`; hPrev, hn, h `(N, H)`.
 */
export function gruCellForward(N: i32, H: i32, xp: usize, hp: usize, hPrev: usize, acts: usize, hn: usize, h: usize, tmp: usize): void {
  const gs = <usize>H * 4;
  const H4 = H & ~3;
  for (let n = 0; n < N; n++) {
    const r = <usize>n * 3 * gs;
    const s = <usize>n * gs;
    // Two passes over the row, each element getting gruForward4's operations: the gates r and z, then n and h.
    // Each pass's chain per element is shorter, so the processor overlaps more elements (measured 1.6× faster).
    for (let j = 0; j < H4; j += 4) {
      const o = <usize>j * 4;
      v128.store(acts + r + o, sigmoidV(f32x4.add(v128.load(xp + r + o), v128.load(hp + r + o))));
      v128.store(acts + r + gs + o, sigmoidV(f32x4.add(v128.load(xp + r + gs + o), v128.load(hp + r + gs + o))));
    }
    for (let j = 0; j < H4; j += 4) {
      const o = <usize>j * 4;
      const hnj = v128.load(hp + r + 2 * gs + o);
      const nj = tanhV(f32x4.add(v128.load(xp + r + 2 * gs + o), f32x4.mul(v128.load(acts + r + o), hnj)));
      const z = v128.load(acts + r + gs + o);
      v128.store(acts + r + 2 * gs + o, nj);
      v128.store(hn + s + o, hnj);
      v128.store(h + s + o, f32x4.add(f32x4.mul(f32x4.sub(splat(1), z), nj), f32x4.mul(z, v128.load(hPrev + s + o))));
    }
    if (H4 < H) {
      const o = <usize>H4 * 4;
      const t = H - H4;
      gather(xp + r + o, gs, 3, t, tmp);
      gather(hp + r + o, gs, 3, t, tmp + 48);
      gather(hPrev + s + o, 0, 1, t, tmp + 96);
      gruForward4(tmp, tmp + 48, 16, tmp + 96, tmp + 112, 16, tmp + 160, tmp + 176);
      scatter(tmp + 112, 3, t, acts + r + o, gs);
      scatter(tmp + 160, 1, t, hn + s + o, 0);
      scatter(tmp + 176, 1, t, h + s + o, 0);
    }
  }
}

/** h = acts = tanh(xp + hp) over `n` contiguous elements (a tanh RNN step). */
export function rnnTanhCellForward(n: i32, xp: usize, hp: usize, acts: usize, h: usize, tmp: usize): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize>k * 4;
    const v = tanhV(f32x4.add(v128.load(xp + o), v128.load(hp + o)));
    v128.store(acts + o, v);
    v128.store(h + o, v);
  }
  if (n4 < n) {
    const o = <usize>n4 * 4;
    const t = n - n4;
    gather(xp + o, 0, 1, t, tmp);
    gather(hp + o, 0, 1, t, tmp + 16);
    v128.store(tmp + 32, tanhV(f32x4.add(v128.load(tmp), v128.load(tmp + 16))));
    scatter(tmp + 32, 1, t, acts + o, 0);
    scatter(tmp + 32, 1, t, h + o, 0);
  }
}

// @ts-ignore: decorator
@inline
function relu4(a: v128): v128 {
  // a > 0 ? a : 0, as the JavaScript cell (NaN and −0 give +0; f32x4.max would keep NaN)
  return v128.and(a, f32x4.gt(a, splat(0)));
}

/** h = acts = relu(xp + hp) over `n` contiguous elements (a relu RNN step); the same bits as the JavaScript cell. */
export function rnnReluCellForward(n: i32, xp: usize, hp: usize, acts: usize, h: usize, tmp: usize): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize>k * 4;
    const v = relu4(f32x4.add(v128.load(xp + o), v128.load(hp + o)));
    v128.store(acts + o, v);
    v128.store(h + o, v);
  }
  if (n4 < n) {
    const o = <usize>n4 * 4;
    const t = n - n4;
    gather(xp + o, 0, 1, t, tmp);
    gather(hp + o, 0, 1, t, tmp + 16);
    v128.store(tmp + 32, relu4(f32x4.add(v128.load(tmp), v128.load(tmp + 16))));
    scatter(tmp + 32, 1, t, acts + o, 0);
    scatter(tmp + 32, 1, t, h + o, 0);
  }
}

// @ts-ignore: decorator
@inline
function rnnBackward4(relu: bool, acts: usize, dh: usize, dxp: usize): void {
  const v = v128.load(acts);
  const d = v128.load(dh);
  // relu: dh where h > 0 (exact); tanh: dh·(1 − h²)
  const g = relu ? v128.and(d, f32x4.gt(v, splat(0))) : f32x4.mul(d, f32x4.sub(splat(1), f32x4.mul(v, v)));
  v128.store(dxp, g);
}

/**
 * da = dh⊙(1 − h²) (tanh) or dh⊙[h > 0] (relu, `relu` ≠ 0) over `n` contiguous elements; acts is the step's h.
 * The direct part of dh_prev is 0 for an RNN (the JavaScript side clears it).
 */
export function rnnCellBackward(relu: i32, n: i32, acts: usize, dh: usize, dxp: usize, tmp: usize): void {
  const n4 = n & ~3;
  if (relu !== 0) for (let k = 0; k < n4; k += 4) rnnBackward4(true, acts + <usize>k * 4, dh + <usize>k * 4, dxp + <usize>k * 4);
  else for (let k = 0; k < n4; k += 4) rnnBackward4(false, acts + <usize>k * 4, dh + <usize>k * 4, dxp + <usize>k * 4);
  if (n4 < n) {
    const o = <usize>n4 * 4;
    const t = n - n4;
    gather(acts + o, 0, 1, t, tmp);
    gather(dh + o, 0, 1, t, tmp + 16);
    if (relu !== 0) rnnBackward4(true, tmp, tmp + 16, tmp + 32);
    else rnnBackward4(false, tmp, tmp + 16, tmp + 32);
    scatter(tmp + 32, 1, t, dxp + o, 0);
  }
}

// @ts-ignore: decorator
@inline
function gruBackward4(acts: usize, as: usize, hPrev: usize, hn: usize, dh: usize, dxp: usize, dhp: usize, dhPrev: usize): void {
  const one = splat(1);
  const r = v128.load(acts);
  const z = v128.load(acts + as);
  const n = v128.load(acts + 2 * as);
  const d = v128.load(dh);
  // the JavaScript cell's order of operations, each rounded to float32 here
  const dan = f32x4.mul(f32x4.mul(d, f32x4.sub(one, z)), f32x4.sub(one, f32x4.mul(n, n)));
  const dar = f32x4.mul(f32x4.mul(f32x4.mul(dan, v128.load(hn)), r), f32x4.sub(one, r));
  const daz = f32x4.mul(f32x4.mul(f32x4.mul(d, f32x4.sub(v128.load(hPrev), n)), z), f32x4.sub(one, z));
  v128.store(dxp, dar);
  v128.store(dxp + as, daz);
  v128.store(dxp + 2 * as, dan);
  v128.store(dhp, dar);
  v128.store(dhp + as, daz);
  v128.store(dhp + 2 * as, f32x4.mul(dan, r));
  v128.store(dhPrev, f32x4.mul(d, z));
}

/**
 * da_n = dh⊙(1 − z)⊙(1 − n²); da_r = da_n⊙hn⊙r(1 − r); da_z = dh⊙(h_prev − n)⊙z(1 − z); dxp = (da_r, da_z, da_n),
 * dhp = (da_r, da_z, da_n⊙r); dh_prev(direct) = dh⊙z. acts, dxp, dhp `(N, 3H)`; hPrev, hn, dh, dhPrev `(N, H)`.
 */
export function gruCellBackward(
  N: i32, H: i32, acts: usize, hPrev: usize, hn: usize, dh: usize, dxp: usize, dhp: usize, dhPrev: usize, tmp: usize,
): void {
  const gs = <usize>H * 4;
  const H4 = H & ~3;
  for (let n = 0; n < N; n++) {
    const r = <usize>n * 3 * gs;
    const s = <usize>n * gs;
    for (let j = 0; j < H4; j += 4) {
      const o = <usize>j * 4;
      gruBackward4(acts + r + o, gs, hPrev + s + o, hn + s + o, dh + s + o, dxp + r + o, dhp + r + o, dhPrev + s + o);
    }
    if (H4 < H) {
      const o = <usize>H4 * 4;
      const t = H - H4;
      gather(acts + r + o, gs, 3, t, tmp);
      gather(hPrev + s + o, 0, 1, t, tmp + 48);
      gather(hn + s + o, 0, 1, t, tmp + 64);
      gather(dh + s + o, 0, 1, t, tmp + 80);
      gruBackward4(tmp, 16, tmp + 48, tmp + 64, tmp + 80, tmp + 96, tmp + 144, tmp + 192);
      scatter(tmp + 96, 3, t, dxp + r + o, gs);
      scatter(tmp + 144, 3, t, dhp + r + o, gs);
      scatter(tmp + 192, 1, t, dhPrev + s + o, 0);
    }
  }
}

/** out = a + b over `n` contiguous elements (a backward step's total hidden gradient: carried + output's). */
export function vectorAdd(n: i32, a: usize, b: usize, out: usize): void {
  const n4 = n & ~3;
  for (let k = 0; k < n4; k += 4) {
    const o = <usize>k * 4;
    v128.store(out + o, f32x4.add(v128.load(a + o), v128.load(b + o)));
  }
  for (let k = n4; k < n; k++) {
    const o = <usize>k * 4;
    store<f32>(out + o, load<f32>(a + o) + load<f32>(b + o));
  }
}
