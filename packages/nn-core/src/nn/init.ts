/**
 * In-place initializers (PyTorch: `torch.nn.init`). Each fills `t.data` directly (no graph) from the seeded
 * generator (`defaultGenerator` unless one is given) and returns `t`. Formulas are PyTorch 1.13's; the random
 * streams are not (see random.ts).
 *
 * @see https://pytorch.org/docs/stable/nn.init.html
 */
import type { Tensor } from '../autograd/tensor.js';
import { isFloatDtype } from '../dtype.js';
import { fmtShape } from '../shape.js';
import { defaultGenerator, type Generator } from '../random.js';
import { warn } from '../warnings.js';

export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'conv3d'
  | 'conv_transpose1d'
  | 'conv_transpose2d'
  | 'conv_transpose3d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu';

export type FanMode = 'fan_in' | 'fan_out';

export interface KaimingOptions {
  /** Negative slope of the rectifier after this layer (only used with 'leaky_relu'). Default 0. */
  a?: number;
  /** Default 'fan_in'. */
  mode?: FanMode;
  /** Default 'leaky_relu'. */
  nonlinearity?: Nonlinearity;
  generator?: Generator;
}

function checkFloat(t: Tensor, what: string): void {
  if (!isFloatDtype(t.dtype)) throw new TypeError(`${what}: tensor is ${t.dtype}, expected a float tensor`);
}

let skipping = 0;

/**
 * Builds modules without initializing their parameters (PyTorch: `torch.nn.utils.skip_init`): inside `fn`, the
 * random initializers (`uniform_`, `normal_` and those built on them) leave tensors as allocated (zeros) and draw
 * nothing from the generator. For modules whose weights are loaded right after, e.g. from a checkpoint: it saves
 * the time of drawing random numbers and leaves the global random stream untouched. `fn` must be synchronous.
 * @see https://pytorch.org/docs/stable/generated/torch.nn.utils.skip_init.html
 */
export function skipInit<T>(fn: () => T): T {
  skipping++;
  try {
    return fn();
  } finally {
    skipping--;
  }
}

/** Fills `t` from U(a, b). */
export function uniform_(t: Tensor, a = 0, b = 1, generator?: Generator): Tensor {
  checkFloat(t, 'uniform_');
  if (!(a <= b)) throw new RangeError(`uniform_: expected a <= b, got a=${a}, b=${b}`);
  if (skipping > 0) return t;
  const g = generator ?? defaultGenerator;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = a + (b - a) * g.random();
  return t;
}

/** Fills `t` from N(mean, std²). */
export function normal_(t: Tensor, mean = 0, std = 1, generator?: Generator): Tensor {
  checkFloat(t, 'normal_');
  if (!(std >= 0)) throw new RangeError(`normal_: std must be >= 0, got ${std}`);
  if (skipping > 0) return t;
  const g = generator ?? defaultGenerator;
  const d = t.data;
  for (let i = 0; i < d.length; i++) d[i] = mean + std * g.normal();
  return t;
}

/** Fills `t` with `value`. */
export function constant_(t: Tensor, value: number): Tensor {
  t.data.fill(value);
  return t;
}

export function zeros_(t: Tensor): Tensor {
  return constant_(t, 0);
}

export function ones_(t: Tensor): Tensor {
  return constant_(t, 1);
}

/**
 * The recommended gain for a nonlinearity: 1 for linear/conv/sigmoid, 5/3 for tanh, √2 for relu,
 * √(2 / (1 + slope²)) for leaky_relu (slope `param`, default 0.01), 3/4 for selu.
 * @see https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.calculate_gain
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'conv_transpose1d':
    case 'conv_transpose2d':
    case 'conv_transpose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5.0 / 3;
    case 'relu':
      return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      if (typeof slope !== 'number' || !Number.isFinite(slope)) {
        throw new TypeError(`calculateGain: negative slope ${String(slope)} is not a valid number`);
      }
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu':
      return 3.0 / 4;
    default:
      throw new RangeError(`calculateGain: unsupported nonlinearity ${String(nonlinearity)}`);
  }
}

/**
 * fan_in = size(1) · receptive field, fan_out = size(0) · receptive field, where the receptive field is the
 * product of the dims after the first two.
 */
export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  if (t.shape.length < 2) {
    throw new RangeError(
      `fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${fmtShape(t.shape)})`,
    );
  }
  let receptive = 1;
  for (const s of t.shape.slice(2)) receptive *= s;
  return [t.shape[1] * receptive, t.shape[0] * receptive];
}

function correctFan(t: Tensor, mode: FanMode): number {
  if (mode !== 'fan_in' && mode !== 'fan_out') {
    throw new RangeError(`mode ${String(mode)} is not supported, expected 'fan_in' or 'fan_out'`);
  }
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fanIn : fanOut;
}

/**
 * Glorot uniform: U(−a, a) with a = gain · √(6 / (fan_in + fan_out)).
 * @see https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.xavier_uniform_
 */
export function xavierUniform_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a, generator);
}

/**
 * Glorot normal: N(0, std²) with std = gain · √(2 / (fan_in + fan_out)).
 * @see https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.xavier_normal_
 */
export function xavierNormal_(t: Tensor, gain = 1, generator?: Generator): Tensor {
  const [fanIn, fanOut] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fanIn + fanOut));
  return normal_(t, 0, std, generator);
}

/**
 * He uniform: U(−bound, bound) with bound = gain · √(3 / fan), gain = calculateGain(nonlinearity, a).
 * With PyTorch's Linear default (a = √5, leaky_relu, fan_in) the bound is 1/√fan_in.
 * A tensor with no elements is left as is, with a warning (like PyTorch).
 * @see https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.kaiming_uniform_
 */
export function kaimingUniform_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const fan = correctFan(t, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  const std = gain / Math.sqrt(fan);
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound, options.generator);
}

/**
 * He normal: N(0, std²) with std = gain / √fan.
 * @see https://pytorch.org/docs/stable/nn.init.html#torch.nn.init.kaiming_normal_
 */
export function kaimingNormal_(t: Tensor, options: KaimingOptions = {}): Tensor {
  if (t.shape.includes(0)) {
    warn('Initializing zero-element tensors is a no-op');
    return t;
  }
  const fan = correctFan(t, options.mode ?? 'fan_in');
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normal_(t, 0, gain / Math.sqrt(fan), options.generator);
}
