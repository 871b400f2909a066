/**
 * The one seeded random generator. Every random number in the library (init, dropout, rand/randn/randint,
 * shuffling) comes from here, so `manualSeed(s)` makes a run reproducible.
 *
 * Algorithm: xoshiro128** (32-bit state words, period 2^128 − 1) seeded through splitmix32. It does not
 * reproduce PyTorch's mt19937 streams. Parity note: the same seed gives different numbers than
 * `torch.manual_seed`; parity tests therefore use deterministic, RNG-free weights.
 */

/** A seeded generator; the library uses `defaultGenerator` unless one is passed in. */
export class Generator {
  private s = new Uint32Array(4);
  private spare: number | null = null;

  constructor(seed = 0) {
    this.manualSeed(seed);
  }

  /** Re-seeds the generator. `seed` is any safe integer. */
  manualSeed(seed: number): this {
    if (!Number.isSafeInteger(seed)) {
      throw new TypeError(`manualSeed: seed must be a safe integer, got ${seed}`);
    }
    // splitmix32 over both 32-bit halves of the seed fills the four state words.
    let x = (seed >>> 0) ^ Math.floor(seed / 2 ** 32);
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      this.s[i] = (z ^ (z >>> 16)) >>> 0;
    }
    if (this.s[0] === 0 && this.s[1] === 0 && this.s[2] === 0 && this.s[3] === 0) this.s[0] = 1;
    this.spare = null;
    return this;
  }

  /** Next uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const hi = this.nextUint32() >>> 5; // 27 bits
    const lo = this.nextUint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform integer in [low, high). */
  randint(low: number, high: number): number {
    if (!(high > low)) throw new RangeError(`randint: high (${high}) must be greater than low (${low})`);
    return low + Math.floor(this.random() * (high - low));
  }

  /** Standard normal sample (Box–Muller; the second value of each pair is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const v = this.spare;
      this.spare = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.random();
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** The full state, for checkpoints; `setState` restores it exactly. */
  getState(): GeneratorState {
    return { algorithm: 'xoshiro128**', words: Array.from(this.s), spare: this.spare };
  }

  setState(state: GeneratorState): void {
    if (state?.algorithm !== 'xoshiro128**' || !Array.isArray(state.words) || state.words.length !== 4) {
      throw new TypeError('Generator.setState: expected a state from getState() (algorithm xoshiro128**, 4 words)');
    }
    for (let i = 0; i < 4; i++) this.s[i] = state.words[i] >>> 0;
    this.spare = state.spare ?? null;
  }
}

export interface GeneratorState {
  algorithm: 'xoshiro128**';
  words: number[];
  spare: number | null;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The process-wide generator behind `manualSeed`. */
export const defaultGenerator = new Generator(0);

/** Seeds the global generator (PyTorch: `torch.manual_seed`). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
