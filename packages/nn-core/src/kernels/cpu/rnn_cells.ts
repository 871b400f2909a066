/**
 * The reference cells: pointwise parts of one recurrent step for every cell kind, forward and backward side by
 * side, in plain JavaScript with double-precision Math (float64 always runs these; float32 runs them where the
 * WebAssembly steps of rnn_cells_wasm.ts are unavailable, and they are those steps' test oracle). Which one a layer
 * runs is chosen in one place, the table of cells (rnn_cell_table.ts).
 * The matrix products (x·W_ihᵀ + b_ih for all steps, h·W_hhᵀ + b_hh per step) are done by the layer driver;
 * these loops take one step's pre-activations and states for N rows.
 *
 * Buffers are row-major: `xp`, `hp` are `(N, G·H)` (gate blocks of H in PyTorch's order), states `(N, H)`.
 */
import type { FloatArray } from '../../dtype.js';

export type CellMode = 'RNN_TANH' | 'RNN_RELU' | 'LSTM' | 'GRU';


/** One step's buffers. `acts` receives the activations backward needs: `(N, G·H)`. */
export interface StepIO {
  N: number;
  H: number;
  xp: FloatArray;
  hp: FloatArray;
  hPrev: FloatArray;
  cPrev: FloatArray | null;
  acts: FloatArray;
  /** New hidden state before any projection `(N, H)`. */
  h: FloatArray;
  /** New cell state `(N, H)` (LSTM only). */
  c: FloatArray | null;
  /** GRU only: W_hn·h + b_hn `(N, H)`, needed by backward. */
  hn: FloatArray | null;
}

const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));

/**
 * i, f, g, o = σ, σ, tanh, σ of (xp + hp); c = f⊙c_prev + i⊙g; h = o⊙tanh(c).
 * @see https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html
 */
export function lstmCellForward(s: StepIO): void {
  const { N, H, xp, hp, cPrev, acts, h, c } = s;
  const G = 4 * H;
  for (let n = 0; n < N; n++) {
    const r = n * G;
    for (let j = 0; j < H; j++) {
      const i = sigmoid(xp[r + j] + hp[r + j]);
      const f = sigmoid(xp[r + H + j] + hp[r + H + j]);
      const g = Math.tanh(xp[r + 2 * H + j] + hp[r + 2 * H + j]);
      const o = sigmoid(xp[r + 3 * H + j] + hp[r + 3 * H + j]);
      acts[r + j] = i;
      acts[r + H + j] = f;
      acts[r + 2 * H + j] = g;
      acts[r + 3 * H + j] = o;
      const cj = f * cPrev![n * H + j] + i * g;
      c![n * H + j] = cj;
      h[n * H + j] = o * Math.tanh(cj);
    }
  }
}

/**
 * r = σ(xp_r + hp_r), z = σ(xp_z + hp_z), n = tanh(xp_n + r⊙hp_n), h = (1 − z)⊙n + z⊙h_prev.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.GRU.html
 */
export function gruCellForward(s: StepIO): void {
  const { N, H, xp, hp, hPrev, acts, h, hn } = s;
  const G = 3 * H;
  for (let n = 0; n < N; n++) {
    const r0 = n * G;
    for (let j = 0; j < H; j++) {
      const r = sigmoid(xp[r0 + j] + hp[r0 + j]);
      const z = sigmoid(xp[r0 + H + j] + hp[r0 + H + j]);
      const hnj = hp[r0 + 2 * H + j];
      const nn = Math.tanh(xp[r0 + 2 * H + j] + r * hnj);
      acts[r0 + j] = r;
      acts[r0 + H + j] = z;
      acts[r0 + 2 * H + j] = nn;
      hn![n * H + j] = hnj;
      h[n * H + j] = (1 - z) * nn + z * hPrev[n * H + j];
    }
  }
}

/** h = tanh(xp + hp) or relu(xp + hp). */
export function rnnCellForward(s: StepIO, relu: boolean): void {
  const { N, H, xp, hp, acts, h } = s;
  for (let k = 0; k < N * H; k++) {
    const a = xp[k] + hp[k];
    const v = relu ? (a > 0 ? a : 0) : Math.tanh(a);
    acts[k] = v;
    h[k] = v;
  }
}

/** Backward buffers of one step; gradients are written (not accumulated) into dxp, dhp, dhPrev, dcPrev. */
export interface StepGrad {
  N: number;
  H: number;
  acts: FloatArray;
  hPrev: FloatArray;
  cPrev: FloatArray | null;
  c: FloatArray | null;
  hn: FloatArray | null;
  /** dL/dh of the step's (unprojected) hidden output `(N, H)`. */
  dh: FloatArray;
  /** dL/dc flowing in from the next step `(N, H)` (LSTM). */
  dc: FloatArray | null;
  /** Pre-activation gradients of the x-part `(N, G·H)`. */
  dxp: FloatArray;
  /** Pre-activation gradients of the h-part `(N, G·H)` (same buffer as dxp except for GRU). */
  dhp: FloatArray;
  /** The part of dL/dh_prev that does not go through W_hh `(N, H)` (GRU: z⊙dh; others 0). */
  dhPrevDirect: FloatArray;
  dcPrev: FloatArray | null;
}

/**
 * do = dh⊙tanh(c); dc_t = dc + dh⊙o⊙(1 − tanh²c); di = dc_t⊙g; df = dc_t⊙c_prev; dg = dc_t⊙i; dc_prev = dc_t⊙f;
 * pre-activations: σ' = s(1 − s), tanh' = 1 − t².
 */
export function lstmCellBackward(s: StepGrad): void {
  const { N, H, acts, cPrev, c, dh, dc, dxp, dcPrev, dhPrevDirect } = s;
  const G = 4 * H;
  for (let n = 0; n < N; n++) {
    const r = n * G;
    for (let j = 0; j < H; j++) {
      const k = n * H + j;
      const i = acts[r + j];
      const f = acts[r + H + j];
      const g = acts[r + 2 * H + j];
      const o = acts[r + 3 * H + j];
      const tc = Math.tanh(c![k]);
      const dct = dc![k] + dh[k] * o * (1 - tc * tc);
      dxp[r + j] = dct * g * i * (1 - i);
      dxp[r + H + j] = dct * cPrev![k] * f * (1 - f);
      dxp[r + 2 * H + j] = dct * i * (1 - g * g);
      dxp[r + 3 * H + j] = dh[k] * tc * o * (1 - o);
      dcPrev![k] = dct * f;
      dhPrevDirect[k] = 0;
    }
  }
}

/**
 * dn = dh⊙(1 − z); dz = dh⊙(h_prev − n); dh_prev(direct) = dh⊙z; da_n = dn⊙(1 − n²);
 * da_r = da_n⊙hn⊙r(1 − r); da_z = dz⊙z(1 − z). The h-part of n's pre-activation is r⊙hn, so dhp_n = da_n⊙r.
 */
export function gruCellBackward(s: StepGrad): void {
  const { N, H, acts, hPrev, hn, dh, dxp, dhp, dhPrevDirect } = s;
  const G = 3 * H;
  for (let n = 0; n < N; n++) {
    const r0 = n * G;
    for (let j = 0; j < H; j++) {
      const k = n * H + j;
      const r = acts[r0 + j];
      const z = acts[r0 + H + j];
      const nn = acts[r0 + 2 * H + j];
      const dan = dh[k] * (1 - z) * (1 - nn * nn);
      const dar = dan * hn![k] * r * (1 - r);
      const daz = dh[k] * (hPrev[k] - nn) * z * (1 - z);
      dxp[r0 + j] = dar;
      dxp[r0 + H + j] = daz;
      dxp[r0 + 2 * H + j] = dan;
      dhp[r0 + j] = dar;
      dhp[r0 + H + j] = daz;
      dhp[r0 + 2 * H + j] = dan * r;
      dhPrevDirect[k] = dh[k] * z;
    }
  }
}

/** da = dh⊙(1 − h²) for tanh, dh⊙[h > 0] for relu. */
export function rnnCellBackward(s: StepGrad, relu: boolean): void {
  const { N, H, acts, dh, dxp, dhPrevDirect } = s;
  for (let k = 0; k < N * H; k++) {
    const v = acts[k];
    dxp[k] = relu ? (v > 0 ? dh[k] : 0) : dh[k] * (1 - v * v);
    dhPrevDirect[k] = 0;
  }
}
